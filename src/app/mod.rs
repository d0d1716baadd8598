//! The dashboard's state and the one place that changes it: [`App::update`] takes an
//! [`Event`] (a key, a paste, a worker's answer) and returns [`Effect`]s for the loop to
//! carry out. No I/O, no terminal, no async: every rule here is testable alone.
//!
//! State lives in components, each holding what it shows and what it answers: the table
//! view ([`TableView`]), the detail pane ([`DetailPane`]), the status line, the dialogs
//! and the bulk run. A worker's answer is applied only to the component it belongs to.

mod action;
mod actions;
mod answers;
mod bulk;
mod change;
mod clipboard;
mod command;
mod commands;
mod config;
mod detail;
mod dialog;
mod editing;
mod event;
mod form;
mod journal;
pub mod keymap;
mod keys;
mod layer;
mod listed;
mod pivot;
mod pivoting;
mod ring;
mod selection;
mod status;
mod table;
mod target;
mod timeline;
mod undo;
mod views;
mod watch;

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use tui_input::Input;

use crate::api::model::BulkAction;
use crate::text::sanitize;
use crate::worker::{Request, RequestId};
pub use action::{Action, Mode};
pub use actions::{OutputView, Pending, Prompting, check_action_keys};
pub use bulk::{BulkRun, Farewell, GRACE};
pub use change::{Change, arrow, filter_text, status_label};
pub use clipboard::{CopyPlan, CopyRoute};
pub use command::{COMMANDS, CommandLine};
pub use commands::{COPY_LIMIT, ExportRun};
pub use config::{AppConfig, Look};
pub use detail::{DetailLoad, DetailPane, PaneList};
pub use dialog::{
    Answer, Asked, Asking, Chosen, Confirm, Consent, Dialog, STALE, TYPE_TO_CONFIRM, TypedCount,
    UndoAsk,
};
pub use event::{Effect, Event, Focus};
pub use form::{FieldId, Form, FormKind};
pub use journal::{JournalLoad, JournalView};
pub use keymap::Keymap;
pub use layer::Layer;
pub use listed::{ListLoad, Listed};
pub use pivot::{Around, LeftPivot, Pivot, PivotRow};
pub use selection::{Selected, Selection};
pub use status::Message;
use status::StatusLine;
pub use table::{Load, Shown, TableView};
pub use timeline::{TimelineLoad, TimelineView};
pub use views::{ViewAnswer, ViewAsk};
pub use watch::{RowMark, WATCH_DEFAULT, WATCH_SECS, Watch, WatchAsk};

/// Hands out request ids: every request has its own, so an answer names what it answers.
#[derive(Debug, Default)]
pub struct Tickets {
    last: u64,
}

impl Tickets {
    pub fn issue(&mut self) -> RequestId {
        self.last += 1;
        RequestId(self.last)
    }
}

/// The dashboard's state.
pub struct App {
    config: AppConfig,
    tickets: Tickets,
    table: TableView,
    /// The filter line's text (the filter layer types into it).
    filter: Input,
    /// The one layer over the table that has the keys.
    layer: Layer,
    /// Selected users as last seen, kept across pages and filters.
    selected: Selection,
    detail: Option<DetailPane>,
    focus: Focus,
    /// Whether the detail pane stands beside the table; over it, it takes the focus.
    side_by_side: bool,
    dialog: Option<Dialog>,
    /// `e` waits for the pane's request to be answered before the form opens.
    edit_when_read: Option<RequestId>,
    /// The command line (its text and history; the command layer has the keys).
    command: CommandLine,
    export: Option<ExportRun>,
    /// The pivot an account was opened from: Backspace there comes back to it.
    left_pivot: Option<LeftPivot>,
    /// The time of the newest event (see [`App::update_at`]).
    now: Instant,
    /// The undo being planned.
    undoing: Option<RequestId>,
    /// What failed in the last bulk action, for `R`.
    failed: Option<undo::Failed>,
    /// The help screen, and the mode it was opened from (its keys are listed first).
    help: Option<Mode>,
    bulk: Option<BulkRun>,
    status: StatusLine,
    latency: Option<Duration>,
    /// The ring asked for and not yet answered, and whose it is.
    ring_asked: Option<(RequestId, String)>,
    /// `:watch`, while it goes.
    watch: Option<Watch>,
    /// The columns the table shows, in order (none: the dialect's own).
    columns: Vec<crate::columns::ColumnId>,
    /// The `:view` asked and not yet answered.
    view_asked: Option<RequestId>,
    /// The operator's action running, and its name.
    action_running: Option<(RequestId, String)>,
    /// Where the running action's output goes.
    action_output: crate::actions::Output,
    /// The list's last failure was on the way (a timeout, a 502): asking again may pass.
    list_failure_passes: bool,
    /// The last event changed nothing drawn (a watch read that found all as it was).
    quiet: bool,
    /// The most severe signal of each account opened this session (None: none raised).
    signals_seen: HashMap<String, Option<crate::signals::Severity>>,
    spinner: usize,
    /// Quitting waits for the bulk action to stop; then this says what became of it.
    quitting: bool,
    farewell: Option<Farewell>,
    /// A key that acts on rows, waiting for the rows on their way.
    waiting: Option<Action>,
    /// A page turned with the pane open beside the table: the pane follows the cursor
    /// when the page comes.
    follow_on_arrival: bool,
}

fn sends(requests: Vec<Request>) -> Vec<Effect> {
    requests.into_iter().map(Effect::Send).collect()
}

impl App {
    /// The app and its first requests.
    pub fn new(config: AppConfig) -> (App, Vec<Effect>) {
        let query = crate::api::model::ListQuery {
            limit: config.page_size,
            sort: config.capabilities.sort_fields[0],
            ..Default::default()
        };
        let mut app = App {
            table: TableView::new(query, config.capabilities.server_paging),
            status: StatusLine::new(config.warnings.clone()),
            config,
            tickets: Tickets::default(),
            filter: Input::default(),
            layer: Layer::Table,
            selected: BTreeMap::new(),
            detail: None,
            focus: Focus::Table,
            side_by_side: true,
            dialog: None,
            edit_when_read: None,
            command: CommandLine::default(),
            export: None,
            left_pivot: None,
            now: Instant::now(),
            undoing: None,
            failed: None,
            help: None,
            bulk: None,
            latency: None,
            ring_asked: None,
            watch: None,
            columns: Vec::new(),
            view_asked: None,
            action_running: None,
            action_output: crate::actions::Output::None,
            list_failure_passes: false,
            quiet: false,
            signals_seen: HashMap::new(),
            spinner: 0,
            quitting: false,
            farewell: None,
            waiting: None,
            follow_on_arrival: false,
        };
        if let Some((name, view)) = app.config.start_view.clone() {
            // Its listing is asked at once: nothing was asked before it.
            app.open_view(&name, &view);
        }
        let effects = sends(app.table.start(&mut app.tickets));
        (app, effects)
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    /// A confirmation asked at `now`, statuses old as the profile says.
    fn asked(&self, now: Instant) -> Asked {
        Asked {
            at: now,
            stale_after: self.config.stale_after,
            consent: self.config.consent,
        }
    }

    pub fn table(&self) -> &TableView {
        &self.table
    }

    pub fn filter(&self) -> &Input {
        &self.filter
    }

    pub fn selected(&self) -> &Selection {
        &self.selected
    }

    pub fn detail(&self) -> Option<&DetailPane> {
        self.detail.as_ref()
    }

    pub fn focus(&self) -> Focus {
        self.focus
    }

    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }

    /// The mode the help screen was opened from, while it shows.
    pub fn help(&self) -> Option<Mode> {
        self.help
    }

    pub fn command(&self) -> &CommandLine {
        &self.command
    }

    pub fn pivot(&self) -> Option<&Pivot> {
        self.layer.pivot()
    }

    pub fn journal(&self) -> Option<&JournalView> {
        self.layer.journal()
    }

    pub fn timeline(&self) -> Option<&TimelineView> {
        self.layer.timeline()
    }

    /// An action's output over the screen, while it is shown.
    pub fn output(&self) -> Option<&OutputView> {
        match self.layer.base() {
            Layer::Output(view) => Some(view),
            _ => None,
        }
    }

    pub fn form(&self) -> Option<&Form> {
        self.layer.form()
    }

    pub fn bulk(&self) -> Option<&BulkRun> {
        self.bulk.as_ref()
    }

    pub fn latency(&self) -> Option<Duration> {
        self.latency
    }

    pub fn spinner(&self) -> usize {
        self.spinner
    }

    /// The status area's lines, most important first.
    pub fn messages(&self) -> Vec<Message> {
        self.status.lines()
    }

    /// How many lines `messages` gives (the layout asks every frame; nothing is built).
    pub fn message_count(&self) -> usize {
        self.status.count()
    }

    /// What to say on the way out, once the program has quit. A bulk action whose end
    /// was not reported by then is said to be unknown.
    pub fn farewell(&self) -> Option<Farewell> {
        if let Some(farewell) = &self.farewell {
            return Some(farewell.clone());
        }
        let run = self.bulk.as_ref()?;
        // Not answered for, or answered with an outcome still being read back.
        let left = run.progress.total - run.progress.done + run.progress.unknown;
        let text = format!(
            "{} stopped on quit: its end was not reported in time; {left} ids may or may not have been applied — the journal has each request's outcome",
            run.action.verb()
        );
        Some(Farewell::unreported(text, left))
    }

    /// Takes over what outlives a profile switch from the app it replaces: the command
    /// line's history.
    pub fn carry_from(&mut self, old: App) {
        self.command = old.command;
        // A watch belongs to the profile it read: said to end, not silently.
        let watch = if old.watch.is_some() {
            "; watch stopped"
        } else {
            ""
        };
        let source = self
            .config
            .token_source
            .as_ref()
            .map(|s| format!(" ({})", s.said()))
            .unwrap_or_default();
        self.status.notice(format!(
            "switched to profile {:?}{source}{watch}",
            self.config.profile
        ));
    }

    /// Which keys are in force.
    pub fn mode(&self) -> Mode {
        if self.dialog.is_some() {
            Mode::Dialog
        } else if self.help.is_some() {
            Mode::Help
        } else if self.bulk.is_some() {
            Mode::Busy
        } else {
            self.layer.mode()
        }
    }

    /// Whether a request the operator waits for is under way (the spinner turns).
    pub fn loading(&self) -> bool {
        self.table.busy()
            || self.detail.as_ref().is_some_and(DetailPane::loading)
            || self.bulk.is_some()
    }

    /// Whether the last event left what is drawn as it was: nothing to draw for it.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// Handles one event, as [`App::update_at`] does at the present time: for callers to
    /// whom the time does not matter.
    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        self.update_at(event, Instant::now())
    }

    /// Changes state by `event`, which happened at `now`: the time the app reckons with
    /// (how old a status seen is, when a page or a user was read) comes from here alone.
    pub fn update_at(&mut self, event: Event, now: Instant) -> Vec<Effect> {
        self.now = now;
        self.quiet = false;
        match event {
            Event::Key(key) => self.key(key),
            Event::Paste(text) => self.paste(&text),
            Event::Worker(response) => self.answer(response),
            Event::Resize {
                table_rows,
                side_by_side,
                detail_overflow,
            } => {
                self.table.set_height(table_rows);
                self.side_by_side = side_by_side;
                if let Some(pane) = self.detail.as_mut() {
                    pane.set_max_scroll(detail_overflow);
                }
                Vec::new()
            }
            Event::Click(row) => {
                if matches!(self.mode(), Mode::Table | Mode::Filter) {
                    self.table.click(row);
                    self.focus = Focus::Table;
                    return self.follow_cursor();
                }
                Vec::new()
            }
            Event::Scroll(lines) => {
                if !matches!(self.mode(), Mode::Table | Mode::Filter) {
                    return Vec::new();
                }
                let step = lines.signum().into();
                (0..lines.unsigned_abs().min(10))
                    .flat_map(|_| self.move_by(step))
                    .collect()
            }
            Event::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                Vec::new()
            }
            Event::WatchTick => self.watch_tick(),
            Event::Shutdown => self.shutdown(),
            Event::TerminalLost => self.terminal_lost(),
            Event::ProfileFailed(why) => {
                self.status
                    .refusal(format!("profile not switched: {}", sanitize(&why)));
                Vec::new()
            }
            Event::Copied(Ok(notice)) => {
                self.status.notice(notice);
                Vec::new()
            }
            Event::Copied(Err(why)) => {
                self.status
                    .refusal(format!("not copied: {}", sanitize(&why)));
                Vec::new()
            }
        }
    }

    /// Carries out an action (bound to a key of the mode in force).
    pub fn act(&mut self, action: Action) -> Vec<Effect> {
        if let Some(effects) = self.wait_for_rows(action) {
            return effects;
        }
        // A list over the table takes the actions its mode binds that it knows; the rest
        // are the table's, which know what is open.
        let taken = match self.mode() {
            Mode::Pivot => self.pivot_act(action),
            Mode::Journal | Mode::Timeline | Mode::Output => self.list_act(action),
            _ => None,
        };
        if let Some(effects) = taken {
            return effects;
        }
        match action {
            Action::Quit => self.quit(),
            Action::Suspend => vec![Effect::Suspend],
            Action::Help => {
                self.help = Some(self.mode());
                Vec::new()
            }
            Action::Confirm => self.confirm(),
            Action::Deny => self.deny(),
            Action::KeepUnchanged => {
                if let Some(Dialog::Confirm(confirm)) = self.dialog.as_mut() {
                    confirm.toggle_unchanged();
                }
                Vec::new()
            }
            Action::Filter => {
                self.layer = Layer::Filter;
                Vec::new()
            }
            Action::FilterDone => {
                self.layer.leave(|l| matches!(l, Layer::Filter));
                Vec::new()
            }
            Action::FilterClear => {
                self.layer.leave(|l| matches!(l, Layer::Filter));
                self.clear_filter()
            }
            Action::Cancel => self.cancel(),
            Action::MoveDown => self.move_by(1),
            Action::MoveUp => self.move_by(-1),
            Action::First | Action::Last | Action::NextPage | Action::PrevPage => self.turn(action),
            Action::CycleStatus | Action::NextSort | Action::FlipSort => self.reorder(action),
            Action::Open => self.open(),
            Action::Back => self.back(),
            Action::ToggleFocus => {
                self.toggle_focus();
                Vec::new()
            }
            Action::ToggleSelect => self.toggle_select(),
            Action::SelectPage => {
                self.select_page();
                Vec::new()
            }
            Action::ClearSelection => {
                self.clear_selection();
                Vec::new()
            }
            Action::Block => self.ask(BulkAction::Block),
            Action::Activate => self.ask(BulkAction::Activate),
            Action::Archive => self.ask(BulkAction::Archive),
            Action::Unarchive => self.ask(BulkAction::Unarchive),
            Action::Reload => self.reload(),
            Action::Create | Action::Edit | Action::Upsert => self.open_form(action),
            Action::NextField
            | Action::PrevField
            | Action::ClearField
            | Action::Toggle
            | Action::ChoosePrev
            | Action::ChooseNext
            | Action::Submit
            | Action::CloseForm => self.form_act(action),
            Action::Command
            | Action::RunCommand
            | Action::CloseCommand
            | Action::Complete
            | Action::HistoryPrev
            | Action::HistoryNext => self.command_act(action),
            Action::Copy => self.copy(),
            Action::Undo => self.undo(),
            Action::Retry => self.retry(),
            Action::Journal => self.open_journal(),
            Action::Ring => self.ask_ring(None),
            Action::Timeline => self.ask_timeline(),
        }
    }

    fn cancel(&mut self) -> Vec<Effect> {
        if let Some(stopped) = self.stop_action() {
            return stopped;
        }
        if let Some(stopped) = self.stop_ring() {
            return stopped;
        }
        // The newest news first: what a watch saw goes before the pane or the filter.
        if self.status.dismiss_alert() {
            return Vec::new();
        }
        if self.detail.is_some() {
            self.close_detail();
            Vec::new()
        } else if self.table.wanted().text.is_some() || !self.filter.value().is_empty() {
            self.clear_filter()
        } else {
            self.status.dismiss();
            Vec::new()
        }
    }

    fn reload(&mut self) -> Vec<Effect> {
        let query = self.table.wanted().clone();
        let mut requests = self.table.ask(query, &mut self.tickets, true);
        if let Some(pane) = self.detail.as_mut() {
            requests.push(pane.ask(&mut self.tickets));
        }
        sends(requests)
    }
}

#[cfg(test)]
mod tests;
