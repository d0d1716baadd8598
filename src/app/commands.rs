//! What the command line runs — export, goto, profile, journal, and every action by its
//! name — and the copy key, with the answers that come back for them.

use super::command::{self, Command};
use super::journal::{JOURNAL_LIMIT, JournalView};
use super::{Action, App, Effect, Focus, Layer, Mode, PaneList};
use crate::api::journal::JournalEntry;
use crate::api::ops::UserKey;
use crate::export::{ExportError, ExportProgress, ExportRows, ExportTarget};
use crate::text::{closest, sanitize, thousands};
use crate::worker::{Request, RequestId};

/// The most a copy may hold, base64-encoded: terminals drop longer OSC 52 writes.
pub const COPY_LIMIT: usize = 100_000;

/// An export under way: where it writes.
#[derive(Debug, Clone)]
pub struct ExportRun {
    pub id: RequestId,
    pub path: String,
}

impl App {
    /// The command line's keys.
    pub(super) fn command_act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Command => {
                self.command.open();
                self.layer.open_command();
            }
            Action::CloseCommand => self.layer.close_command(),
            Action::Complete => {
                let under = self.layer.base().mode();
                let names = command::names(&self.config.keymap, under);
                let profiles: Vec<&str> = self.config.profiles.iter().map(String::as_str).collect();
                let candidates = self.command.complete(&names, &profiles);
                if !candidates.is_empty() {
                    self.status.notice(candidates.join("  "));
                }
            }
            Action::HistoryPrev => self.command.older(),
            Action::HistoryNext => self.command.newer(),
            _ => {
                let line = self.command.take();
                self.layer.close_command();
                return self.run_command(&line);
            }
        }
        Vec::new()
    }

    fn run_command(&mut self, line: &str) -> Vec<Effect> {
        match command::parse(line, &self.config.keymap, self.mode()) {
            Err(why) => {
                self.status.refusal(why);
                Vec::new()
            }
            Ok(Command::Act(action)) => self.act(action),
            Ok(Command::Help) => {
                self.help = Some(Mode::Command);
                Vec::new()
            }
            Ok(Command::Export { path, overwrite }) => self.export(&path, overwrite),
            Ok(Command::Goto(key)) => self.goto(&key),
            Ok(Command::Profile(name)) => self.switch_profile(&name),
            Ok(Command::Ring(depth)) => self.ask_ring(depth),
            Ok(Command::Watch(ask)) => self.watch_command(ask),
            Ok(Command::View(ask)) => self.view_command(ask),
            Ok(Command::Run(name)) => self.run_action(&name),
            Ok(Command::Columns(columns)) => self.columns_command(columns),
        }
    }

    /// `:export PATH`: the selection when there is one, else every row of the query
    /// asked for.
    fn export(&mut self, path: &str, overwrite: bool) -> Vec<Effect> {
        if let Some(run) = &self.export {
            self.status
                .refusal(format!("an export to {} is under way", run.path));
            return Vec::new();
        }
        let target = match ExportTarget::parse(path, overwrite) {
            Ok(target) => target,
            Err(why) => {
                self.status.refusal(sanitize(&why).into_owned());
                return Vec::new();
            }
        };
        let (rows, what) = if self.selected.is_empty() {
            let query = self.table.wanted().clone();
            let what = match &query.text {
                Some(text) => format!("the rows of \"{}\"", sanitize(text)),
                None => "every row".to_string(),
            };
            (ExportRows::Query(query), what)
        } else {
            let ids: Vec<String> = self.selected.keys().cloned().collect();
            let what = format!("{} selected users", ids.len());
            (ExportRows::Ids(ids), what)
        };
        let id = self.tickets.issue();
        let shown = sanitize(path.trim()).into_owned();
        self.status
            .progress(Some(format!("exporting {what} to {shown}...")));
        self.export = Some(ExportRun { id, path: shown });
        vec![Effect::Send(Request::Export { id, rows, target })]
    }

    pub(super) fn export_progress(&mut self, id: RequestId, progress: ExportProgress) {
        if let Some(run) = self.export.as_ref().filter(|r| r.id == id) {
            self.status.progress(Some(format!(
                "exporting to {}: {} of {} rows...",
                run.path,
                thousands(progress.written),
                thousands(progress.total)
            )));
        }
    }

    pub(super) fn exported(&mut self, id: RequestId, result: Result<u64, ExportError>) {
        let Some(run) = self.export.take_if(|r| r.id == id) else {
            return;
        };
        self.status.progress(None);
        // The outcome replaces the one before, whichever it was: the newest is said.
        let (text, error) = match result {
            Ok(rows) => (
                format!("exported {} rows to {}", thousands(rows), run.path),
                false,
            ),
            Err(e) => (
                format!(
                    "export failed, nothing written: {}",
                    sanitize(&e.to_string())
                ),
                true,
            ),
        };
        self.status.summary(super::Message { text, error });
    }

    /// `:goto KEY`: an e-mail address has an `@`; training tells an id (a UUID) from a
    /// ref.
    fn goto(&mut self, key: &str) -> Vec<Effect> {
        let key = key.trim().to_string();
        let key = if key.contains('@') {
            UserKey::Email(key)
        } else if !self.config.capabilities.dialect.takes_id(&key) {
            // Not a training id: a ref.
            UserKey::Ref(key)
        } else {
            UserKey::Id(key)
        };
        self.open_pane(key)
    }

    /// What would be lost by starting again on another profile now, if anything.
    pub fn work_under_way(&self) -> Option<&'static str> {
        if self.bulk.is_some() {
            Some("a bulk action runs")
        } else if self.layer.form().is_some() {
            Some("a form is open")
        } else if self.export.is_some() {
            Some("an export is under way")
        } else if self.dialog.is_some() {
            Some("a dialog waits for an answer")
        } else {
            None
        }
    }

    /// `:profile NAME`: the loop starts the dashboard again on that profile (and checks
    /// again, when it is ready, that nothing would be lost).
    fn switch_profile(&mut self, name: &str) -> Vec<Effect> {
        let profiles: Vec<&str> = self.config.profiles.iter().map(String::as_str).collect();
        if let Some(busy) = self.work_under_way() {
            self.status
                .refusal(format!("profile not switched: {busy}; switch when it ends"));
        } else if profiles.is_empty() {
            self.status.refusal(
                "no profiles to switch to: this dashboard runs without a config file's profiles",
            );
        } else if name == self.config.profile {
            self.status.notice(format!("already on profile {name:?}"));
        } else if !profiles.contains(&name) {
            let hint = closest(name, &profiles)
                .map(|p| format!(" (did you mean {p:?}?)"))
                .unwrap_or_default();
            self.status.refusal(format!(
                "no profile {:?} in the config file{hint}",
                sanitize(name)
            ));
        } else {
            self.status
                .notice(format!("switching to profile {name:?}..."));
            return vec![Effect::SwitchProfile(name.to_string())];
        }
        Vec::new()
    }

    /// `:journal`: the audit journal, read by the worker.
    pub(super) fn open_journal(&mut self) -> Vec<Effect> {
        let Some(path) = self.config.journal.clone() else {
            self.status
                .refusal("no journal here: the demo journals nothing");
            return Vec::new();
        };
        let id = self.tickets.issue();
        self.layer = Layer::Journal(JournalView::new(id));
        vec![Effect::Send(Request::Journal {
            id,
            path,
            limit: JOURNAL_LIMIT,
        })]
    }

    pub(super) fn journal_read(
        &mut self,
        id: RequestId,
        result: Result<Vec<JournalEntry>, String>,
    ) {
        if let Some(view) = self.layer.journal_mut() {
            view.answer(id, result.map_err(|e| sanitize(&e).into_owned()));
        }
    }

    /// What the journal does with `action`; None when it leaves it to the table's keys
    /// (undo, help, quit: they know the journal is open).
    /// `Y`: what is copied, and how the notice names it — in the pane, the focused
    /// overlapping user's id or session's address; else the selected ids one per line;
    /// else the current user's id.
    fn copied(&self) -> Option<(String, String)> {
        if self.focus == Focus::Detail
            && let Some(pane) = &self.detail
        {
            let detail = pane.detail();
            let overlap = detail
                .and_then(|d| d.overlaps.as_ref())
                .and_then(|o| o.get(pane.overlap_cursor()));
            let session = detail
                .and_then(|d| d.sessions.as_ref())
                .and_then(|s| s.all.get(pane.session_cursor()));
            return match (pane.list(), overlap, session) {
                (Some(PaneList::Overlaps), Some(o), _) => Some((
                    o.user.id.clone(),
                    format!("the id of {}", sanitize(&o.user.name)),
                )),
                (Some(PaneList::Sessions), _, Some(s)) => {
                    let address = s.ip_address.clone()?;
                    let what = format!("the address {}", sanitize(&address));
                    Some((address, what))
                }
                _ => Some((pane.id().to_string(), "the id of the user shown".into())),
            };
        }
        if !self.selected.is_empty() {
            let ids: Vec<&str> = self.selected.keys().map(String::as_str).collect();
            return Some((ids.join("\n"), format!("{} selected ids", ids.len())));
        }
        let user = self.table.current()?;
        Some((
            user.id.clone(),
            format!("the id of {}", sanitize(&user.name)),
        ))
    }

    pub(super) fn copy(&mut self) -> Vec<Effect> {
        let Some((text, what)) = self.copied() else {
            self.status
                .refusal("nothing to copy: no row is shown, or the session has no address");
            return Vec::new();
        };
        self.copy_text(text, &what)
    }

    /// Copies `text` (`what` names it) by the configured route; the loop says what was
    /// done when it is (`Event::Copied`). More than terminals accept is not sent.
    pub(super) fn copy_text(&mut self, text: String, what: &str) -> Vec<Effect> {
        if let Some(why) = self.config.clipboard.refusal() {
            self.status.refusal(why);
            return Vec::new();
        }
        let encoded = text.len().div_ceil(3) * 4;
        if encoded > COPY_LIMIT {
            self.status.refusal(format!(
                "not copied: {what} take {encoded} bytes encoded, more than terminals accept ({COPY_LIMIT}); select fewer"
            ));
            return Vec::new();
        }
        vec![Effect::Copy {
            text,
            what: what.to_string(),
        }]
    }
}
