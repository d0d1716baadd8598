//! Keys and pastes, and the actions on the table and the detail pane they lead to.
//!
//! A key goes to the text field that has focus when it types text; else through the
//! keymap of the mode in force. A paste is text for the field that has focus, and is
//! ignored anywhere else: never read as keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::InputRequest;
use tui_input::backend::crossterm::EventHandler;

use super::detail::{DetailPane, PaneList};
use super::form::Form;
use super::selection::Selected;
use super::table::{CursorAt, Refusal};
use super::{Action, App, Effect, Focus, Layer, Mode, sends};
use crate::api::ops::UserKey;
use crate::worker::Request;

/// How far PgDn and PgUp move in the detail pane: its focused list's cursor, or its lines.
const PANE_PAGE: i64 = 10;

/// Whether `key` types a character (rather than commanding something).
fn types_text(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// Pasted text as one line: a line break (`\r\n` too) or a tab is a space, other
/// controls go.
fn one_line(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

impl App {
    pub(super) fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.status.key_pressed();
        let mode = self.mode();
        // A terminal reads Esc and the key after it in one burst (a fast typist, a link
        // that delivers bytes together) as Alt+key: where Alt+key does nothing here, it
        // is the two keys, Esc then the key, and neither is lost.
        if let KeyCode::Char(_) = key.code
            && key.modifiers.contains(KeyModifiers::ALT)
            && self.config.keymap.action(mode, &key).is_none()
            && self.keyed_action(mode, &key, false).is_none()
        {
            let mut effects = self.key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
            let plain = KeyEvent::new(key.code, key.modifiers - KeyModifiers::ALT);
            effects.extend(self.key(plain));
            return effects;
        }
        if types_text(&key)
            && self.type_into(mode, |input| {
                input.handle_event(&crossterm::event::Event::Key(key));
            })
        {
            return self.text_changed(mode);
        }
        if let Some(name) = self.keyed_action(mode, &key, false) {
            return self.run_action(&name);
        }
        if let Some(action) = self.config.keymap.action(mode, &key) {
            if mode == Mode::Form && action == Action::Quit && types_text(&key) {
                // A printable key never leaves a form, even on a field that takes no text.
                let quit = self.config.keymap.key_in_text(Action::Quit);
                self.status.notice(format!("in a form, {quit} quits"));
                return Vec::new();
            }
            return self.act(action);
        }
        if let Some(name) = self.keyed_action(mode, &key, true) {
            // Its action is not offered here: run_action says where it is.
            return self.run_action(&name);
        }
        match mode {
            Mode::Help => self.help = None,
            Mode::Busy => {
                let quit = self.config.keymap.key(Action::Quit);
                self.status.notice(format!(
                    "a bulk action is running: it finishes on its own ({quit} stops it)"
                ));
            }
            Mode::Filter | Mode::Dialog | Mode::Form | Mode::Command => {
                // Editing keys (Backspace, ←, Home, …) of a text field.
                if self.type_into(mode, |input| {
                    input.handle_event(&crossterm::event::Event::Key(key));
                }) {
                    return self.text_changed(mode);
                }
            }
            Mode::Table | Mode::Journal | Mode::Timeline | Mode::Output | Mode::Pivot => {}
        }
        Vec::new()
    }

    /// Runs `edit` on the text field that has focus in `mode`; whether there was one.
    fn type_into(&mut self, mode: Mode, edit: impl FnOnce(&mut tui_input::Input)) -> bool {
        let field = match mode {
            Mode::Filter => Some(&mut self.filter),
            Mode::Dialog => self.dialog.as_mut().and_then(|d| d.input()),
            Mode::Form => self.layer.form_mut().and_then(Form::focused_input),
            Mode::Command => Some(self.command.input_mut()),
            _ => None,
        };
        match field {
            Some(input) => {
                edit(input);
                true
            }
            None => false,
        }
    }

    pub(super) fn paste(&mut self, text: &str) -> Vec<Effect> {
        let mode = self.mode();
        let text = one_line(text);
        let typed = self.type_into(mode, |input| {
            for c in text.chars() {
                input.handle(InputRequest::InsertChar(c));
            }
        });
        if typed {
            return self.text_changed(mode);
        }
        let filter = self.config.keymap.key(Action::Filter);
        self.status.notice(format!(
            "paste ignored: only a text field takes a paste ({filter} opens the filter)"
        ));
        Vec::new()
    }

    /// The filter's text changed: the table asks for it.
    fn text_changed(&mut self, mode: Mode) -> Vec<Effect> {
        if mode == Mode::Form
            && let Some(form) = self.layer.form_mut()
        {
            form.touched();
        }
        if mode != Mode::Filter {
            return Vec::new();
        }
        let text = self.filter.value().to_string();
        sends(self.table.requery(&mut self.tickets, |q| {
            q.text = (!text.is_empty()).then_some(text)
        }))
    }

    pub(super) fn clear_filter(&mut self) -> Vec<Effect> {
        self.filter.reset();
        sends(self.table.requery(&mut self.tickets, |q| q.text = None))
    }

    fn refused(&mut self, result: Result<Vec<Request>, Refusal>) -> Vec<Effect> {
        match result {
            Ok(requests) => sends(requests),
            Err(refusal) => {
                let keymap = &self.config.keymap;
                let (reload, cancel) = (keymap.key(Action::Reload), keymap.key(Action::Cancel));
                self.status.refusal(match refusal {
                    Refusal::OtherListing => format!(
                        "pages turn once the listing asked for is shown ({reload} tries again, {cancel} clears the filter)"
                    ),
                    Refusal::NothingShown => format!("no rows yet: {reload} tries again"),
                });
                Vec::new()
            }
        }
    }

    pub(super) fn detail_focused(&self) -> bool {
        self.focus == Focus::Detail && self.detail.is_some()
    }

    pub(super) fn move_by(&mut self, delta: i64) -> Vec<Effect> {
        if self.detail_focused() {
            if let Some(pane) = self.detail.as_mut() {
                pane.move_by(delta);
            }
            return Vec::new();
        }
        let moved = self.table.move_cursor(&mut self.tickets, delta);
        let mut effects = self.refused(moved);
        effects.extend(self.cursor_moved());
        effects
    }

    /// The table's cursor moved, or its page is on the way: the pane beside it follows.
    fn cursor_moved(&mut self) -> Vec<Effect> {
        if self.table.turning() {
            self.follow_on_arrival = self.detail.is_some();
            return Vec::new();
        }
        self.follow_cursor()
    }

    pub(super) fn turn(&mut self, action: Action) -> Vec<Effect> {
        if self.detail_focused()
            && let Some(pane) = self.detail.as_mut()
        {
            // In a focused list the cursor moves (and the pane follows it, so the focused
            // row stays in view); elsewhere the pane scrolls.
            let lines = match action {
                Action::NextPage => PANE_PAGE,
                Action::PrevPage => -PANE_PAGE,
                other => other.step().unwrap_or(0),
            };
            pane.move_by(lines);
            return Vec::new();
        }
        let tickets = &mut self.tickets;
        let turned = match action {
            Action::First => self.table.first(tickets),
            Action::Last => self.table.last(tickets),
            Action::NextPage => self.table.next_page(tickets, CursorAt::Top),
            _ => self.table.prev_page(tickets, CursorAt::Top),
        };
        let mut effects = self.refused(turned);
        effects.extend(self.cursor_moved());
        effects
    }

    /// A new status filter or sort, from the query asked for last.
    pub(super) fn reorder(&mut self, action: Action) -> Vec<Effect> {
        let wanted = self.table.wanted().clone();
        let capabilities = &self.config.capabilities;
        let requests = match action {
            Action::CycleStatus => {
                let statuses = &capabilities.statuses;
                let next = match &wanted.status {
                    None => statuses.first().cloned(),
                    Some(s) => statuses
                        .iter()
                        .position(|x| x == s)
                        .and_then(|i| statuses.get(i + 1))
                        .cloned(),
                };
                self.table.requery(&mut self.tickets, |q| q.status = next)
            }
            Action::NextSort => {
                let fields = &capabilities.sort_fields;
                let i = fields.iter().position(|f| *f == wanted.sort).unwrap_or(0);
                let next = fields[(i + 1) % fields.len()];
                self.table.requery(&mut self.tickets, |q| q.sort = next)
            }
            _ => self
                .table
                .requery(&mut self.tickets, |q| q.descending = !q.descending),
        };
        sends(requests)
    }

    /// Opens the current user; in the focused overlap list, follows that user.
    pub(super) fn open(&mut self) -> Vec<Effect> {
        if self.detail_focused() && self.on_sessions() {
            return self.open_pivot();
        }
        if self.detail_focused() {
            let followed = self
                .detail
                .as_mut()
                .and_then(|pane| pane.follow(&mut self.tickets));
            return sends(followed.into_iter().collect());
        }
        let Some(id) = self.table.current().map(|u| u.id.clone()) else {
            return Vec::new();
        };
        self.open_pane(UserKey::Id(id))
    }

    /// Opens the detail pane on the user `key` names (the focus follows it where the pane
    /// stands over the table), and asks for that user.
    pub(super) fn open_pane(&mut self, key: UserKey) -> Vec<Effect> {
        if !self.side_by_side {
            self.focus = Focus::Detail;
        }
        let (pane, request) = DetailPane::open_key(key, &mut self.tickets);
        self.detail = Some(pane);
        self.left_pivot = None;
        vec![Effect::Send(request)]
    }

    pub(super) fn back(&mut self) -> Vec<Effect> {
        let Some(pane) = self.detail.as_mut() else {
            return Vec::new();
        };
        // Back from the account opened in a pivot: the pivot again, over its user.
        let depth = pane.depth();
        let pivot = match self.left_pivot.take() {
            // Its own user (the first row) was opened: the pane did not move.
            Some(left) if left.depth == depth && left.pivot.user_id() == Some(pane.id()) => {
                self.layer = Layer::Pivot(left.pivot);
                return Vec::new();
            }
            Some(left) if left.depth == depth => Some(left.pivot),
            Some(deeper) if deeper.depth < depth => {
                self.left_pivot = Some(deeper);
                None
            }
            _ => None,
        };
        match pane.back(&mut self.tickets) {
            Some(request) => {
                if let Some(pivot) = pivot {
                    self.layer = Layer::Pivot(pivot);
                }
                vec![Effect::Send(request)]
            }
            None => {
                self.close_detail();
                // A pane opened from a ring over the table: back to the ring.
                if let Some(pivot) = pivot {
                    self.layer = Layer::Pivot(pivot);
                }
                Vec::new()
            }
        }
    }

    /// Tab: table → the pane's users sharing an address → its sessions → table.
    pub(super) fn toggle_focus(&mut self) {
        let Some(pane) = self.detail.as_mut() else {
            self.focus = Focus::Table;
            return;
        };
        self.focus = match self.focus {
            Focus::Table => Focus::Detail,
            Focus::Detail if pane.next_list() => Focus::Detail,
            Focus::Detail => Focus::Table,
        };
    }

    pub(super) fn close_detail(&mut self) {
        self.detail = None;
        self.left_pivot = None;
        self.focus = Focus::Table;
    }

    /// Space: the user under the cursor of what has the focus — the table's row, or in
    /// the pane the user its cursor points at (moving on in its list of users).
    pub(super) fn toggle_select(&mut self) -> Vec<Effect> {
        let (user, seen, in_list) = match &self.detail {
            Some(pane) if self.detail_focused() => {
                let Some(user) = pane.user_at_cursor() else {
                    self.status
                        .refusal("select: the pane's user is not read yet");
                    return Vec::new();
                };
                let in_list = pane.list() == Some(PaneList::Overlaps);
                (user, pane.loaded_at().unwrap_or(self.now), in_list)
            }
            _ => {
                let Some(user) = self.table.current() else {
                    return Vec::new();
                };
                (user, self.table.shown().map_or(self.now, |s| s.at), true)
            }
        };
        let (id, chosen) = (user.id.clone(), Selected::of(user, seen));
        if self.selected.remove(&id).is_none() {
            self.selected.insert(id, chosen);
        }
        if in_list { self.move_by(1) } else { Vec::new() }
    }

    /// Unselects every user, on every page.
    pub(super) fn clear_selection(&mut self) {
        let count = self.selected.len();
        self.selected.clear();
        self.status.notice(match count {
            0 => "nothing was selected".to_string(),
            1 => "1 user unselected".to_string(),
            n => format!("{n} users unselected"),
        });
    }

    /// Selects every row shown, or unselects them when all are selected.
    pub(super) fn select_page(&mut self) {
        let rows = self.table.rows();
        let seen = self.table.shown().map_or(self.now, |s| s.at);
        let all = !rows.is_empty() && rows.iter().all(|u| self.selected.contains_key(&u.id));
        for user in rows {
            if all {
                self.selected.remove(&user.id);
            } else {
                self.selected
                    .insert(user.id.clone(), Selected::of(user, seen));
            }
        }
    }
}
