//! Who an action acts on — the one rule every action on users asks (block, activate,
//! archive, unarchive, edit): the marked users, if any; else the one user under the
//! cursor of the view in front: the accounts on an address when open, else the detail
//! pane when open (at any width: beside the table or over it), else the table's row.
//! The table's cursor and the pane never disagree unnoticed: moving the table's cursor
//! while the pane is open beside it takes the pane along (see [`App::follow_cursor`]).

use std::collections::HashMap;

use super::dialog::Chosen;
use super::table::Load;
use super::{Action, App, Effect, Focus, Mode};
use crate::api::ops::UserKey;

/// What an action would act on.
#[derive(Debug, Clone)]
pub enum Target {
    /// The marked users, the rows shown first, and how many are not among the rows shown.
    Marked { chosen: Vec<Chosen>, hidden: usize },
    /// The one user under the cursor of the view in front.
    One { chosen: Chosen, place: Place },
}

/// Where the one user was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Pivot,
    Pane,
    Table,
}

impl App {
    /// The users an action acts on, or why there are none.
    pub(super) fn target(&self) -> Result<Target, String> {
        if self.selected.is_empty() {
            let (chosen, place) = self.current_user()?;
            return Ok(Target::One { chosen, place });
        }
        let mut chosen: Vec<Chosen> = self
            .selected
            .iter()
            .map(|(id, s)| Chosen {
                id: id.clone(),
                name: s.name.clone(),
                email: s.email.clone(),
                status: Some(s.status.clone()),
                seen: s.seen,
            })
            .collect();
        // The rows shown first, in their order: the names the dialog shows are ones the
        // operator sees (the pivot's, when it is open).
        let rows: Vec<&str> = match self.layer.pivot() {
            Some(pivot) => pivot.rows().iter().map(|r| r.user.id.as_str()).collect(),
            None => self.table.rows().iter().map(|u| u.id.as_str()).collect(),
        };
        let shown: HashMap<&str, usize> = rows
            .into_iter()
            .enumerate()
            .map(|(i, id)| (id, i))
            .collect();
        chosen.sort_by_key(|c| shown.get(c.id.as_str()).copied().unwrap_or(usize::MAX));
        let hidden = chosen
            .iter()
            .filter(|c| !shown.contains_key(c.id.as_str()))
            .count();
        Ok(Target::Marked { chosen, hidden })
    }

    /// The one user under the cursor of the view in front, marks aside.
    pub(super) fn current_user(&self) -> Result<(Chosen, Place), String> {
        if let Some(pivot) = self.layer.pivot() {
            return match pivot.current() {
                Some(user) => Ok((Chosen::of(user, pivot.seen()), Place::Pivot)),
                None => Err("no account is shown".into()),
            };
        }
        let row = self.table.current();
        let row_seen = self.table.shown().map_or(self.now, |s| s.at);
        if let Some(pane) = &self.detail {
            if let Some(detail) = pane.detail() {
                let seen = pane.loaded_at().unwrap_or(self.now);
                return Ok((Chosen::of(&detail.user, seen), Place::Pane));
            }
            // Not read yet: the row it was opened from stands for it, if that is it.
            return match row {
                Some(user) if matches!(pane.key(), UserKey::Id(id) if *id == user.id) => {
                    Ok((Chosen::of(user, row_seen), Place::Pane))
                }
                _ if pane.loading() => Err("the pane's user is not read yet".into()),
                _ => Err("the pane's user could not be read (r reads it again)".into()),
            };
        }
        match row {
            Some(user) => Ok((Chosen::of(user, row_seen), Place::Table)),
            None => Err("no row is shown".into()),
        }
    }
}

/// Whether `action` acts on the rows the table shows (the row under its cursor, the page):
/// while other rows are on their way, it waits for them rather than act on rows about to
/// go.
fn acts_on_rows(action: Action) -> bool {
    matches!(
        action,
        Action::Open
            | Action::ToggleSelect
            | Action::SelectPage
            | Action::Block
            | Action::Activate
            | Action::Archive
            | Action::Unarchive
            | Action::Edit
            | Action::Copy
            | Action::ClearSelection
    )
}

/// What may still be done while a key waits for its rows: nothing that moves or acts.
fn passes_a_waiting_key(action: Action) -> bool {
    matches!(
        action,
        Action::Quit | Action::Suspend | Action::Help | Action::Cancel
    )
}

impl App {
    /// Takes a table key that must wait for the rows on their way (at most one waits; Esc
    /// drops it); None when the key may act now.
    pub(super) fn wait_for_rows(&mut self, action: Action) -> Option<Vec<Effect>> {
        if self.mode() != Mode::Table || self.detail_focused() {
            return None;
        }
        let keymap = &self.config.keymap;
        if let Some(waiting) = self.waiting {
            if action == Action::Cancel {
                self.waiting = None;
                self.status.notice(format!(
                    "{} dropped: it was waiting for the rows",
                    keymap.key(waiting)
                ));
                return Some(Vec::new());
            }
            if passes_a_waiting_key(action) {
                return None;
            }
            self.status.refusal(format!(
                "{} waits for the rows on their way; {} is not taken ({} drops the waiting key)",
                keymap.key(waiting),
                keymap.key(action),
                keymap.key(Action::Cancel)
            ));
            return Some(Vec::new());
        }
        if !(self.table.turning() && acts_on_rows(action)) {
            return None;
        }
        self.waiting = Some(action);
        self.status.notice(format!(
            "{} waits for the rows on their way",
            keymap.key(action)
        ));
        Some(Vec::new())
    }

    /// The rows asked for have come (or failed): the pane follows the cursor if the page
    /// was turned with it open, and the key that waited acts on what is shown now.
    pub(super) fn rows_arrived(&mut self) -> Vec<Effect> {
        if self.table.turning() {
            return Vec::new();
        }
        let mut effects = Vec::new();
        if std::mem::take(&mut self.follow_on_arrival) {
            effects.extend(self.follow_cursor());
        }
        let Some(waiting) = self.waiting.take() else {
            return effects;
        };
        // "… waits for the rows" is over, whatever comes of it.
        self.status.clear_notice();
        if matches!(self.table.load(), Load::Failed(_)) {
            self.status.refusal(format!(
                "{} was not done: the rows it waited for did not come",
                self.config.keymap.key(waiting)
            ));
            return effects;
        }
        effects.extend(self.act(waiting));
        effects
    }

    /// The table's cursor moved while the pane is open beside the table with the table in
    /// focus: the pane goes to the row's user, so the highlighted row and the pane never
    /// show two users at once (a key acts on the pane's user).
    pub(super) fn follow_cursor(&mut self) -> Vec<Effect> {
        if self.focus != Focus::Table || self.layer.pivot().is_some() {
            return Vec::new();
        }
        let (Some(pane), Some(row)) = (&self.detail, self.table.current()) else {
            return Vec::new();
        };
        if pane.id() == row.id {
            return Vec::new();
        }
        let id = row.id.clone();
        self.open_pane(UserKey::Id(id))
    }
}
