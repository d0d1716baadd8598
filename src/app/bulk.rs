//! Bulk actions in the dashboard: asking, confirming, running, stopping on quit, and how
//! the outcome is told — the summary in the status line, and what is left unknown when
//! the operator quits during one.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use super::dialog::{Answer, Confirm, Dialog};
use super::status::{Message, Source};
use super::target::{Place, Target};
use super::{Effect, Layer};
use crate::api::bulk::{Progress, Undo};
use crate::api::ledger::{Ledger, Outcome, Verdict};
use crate::api::model::{BulkAction, Status};
use crate::text::sanitize;
use crate::worker::{Request, RequestId};

pub use crate::api::bulk::GRACE;

#[derive(Debug, Clone)]
pub struct BulkRun {
    pub(super) id: RequestId,
    pub(super) action: BulkAction,
    pub(super) progress: Progress,
    /// Stopping was asked: no new chunk starts.
    pub(super) stopping: bool,
}

impl BulkRun {
    pub fn action(&self) -> BulkAction {
        self.action
    }

    pub fn progress(&self) -> Progress {
        self.progress
    }

    pub fn stopping(&self) -> bool {
        self.stopping
    }
}

/// At most this many ids are named in a message.
const NAMED: usize = 5;

fn named(ids: impl ExactSizeIterator<Item = impl AsRef<str>>) -> String {
    let count = ids.len();
    let mut names: Vec<String> = ids
        .take(NAMED)
        .map(|id| sanitize(id.as_ref()).into_owned())
        .collect();
    if count > NAMED {
        names.push(format!("... {} more", count - NAMED));
    }
    names.join(", ")
}

/// Each reason once, in the order first met.
fn distinct<'a>(reasons: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = std::collections::HashSet::new();
    reasons.filter(|r| seen.insert(*r)).collect()
}

/// "block: 2 succeeded, 1 failed, 1 unknown (reason) — …": the counts first, the ids
/// last, where a narrow footer cuts. `kept` is how many of the ids not succeeded stay
/// selected (none when the action took the row under the cursor).
pub fn summary(action: BulkAction, report: &Ledger, kept: usize) -> Message {
    let mut text = report.summary(action);
    let failed: Vec<String> = report.failed().map(|(_, r)| r.to_string()).collect();
    let reasons = distinct(failed.iter().map(String::as_str));
    if !reasons.is_empty() {
        text.push_str(&format!(" ({})", reasons.join("; ")));
    }
    if let Some(read_back) = report.read_back_said() {
        text.push_str(&format!("; {read_back}"));
    }
    let counts = report.counts();
    match kept {
        0 => {}
        n if n == counts.failed + counts.unknown + counts.not_sent => {
            text.push_str("; those stay selected");
        }
        n => text.push_str(&format!("; {n} of those stay selected")),
    }
    if counts.unknown > 0 {
        text.push_str(&format!(
            " — check the unknown before retrying: {}",
            named(
                report
                    .unknown()
                    .map(|(id, _)| id)
                    .collect::<Vec<_>>()
                    .into_iter()
            )
        ));
    }
    Message {
        text: sanitize(&text).into_owned(),
        error: report.verdict() != Verdict::Succeeded,
    }
}

/// What the program says on its way out after stopping a bulk action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Farewell {
    pub text: String,
    /// What the action came to: the program's exit says so.
    pub verdict: Verdict,
    /// Why it did not simply succeed.
    pub complaint: Option<String>,
}

impl Farewell {
    /// A bulk action whose ledger never came back (its end not reported in time, or its
    /// task gone): `unknown` ids may or may not have been applied.
    pub fn unreported(text: String, unknown: usize) -> Farewell {
        Farewell {
            text,
            verdict: Verdict::Unsettled,
            complaint: Some(format!("the outcome of {unknown} ids is unknown")),
        }
    }
}

/// Every id left unknown, failed or not sent is named: this is the operator's record.
pub fn farewell(action: BulkAction, report: &Ledger) -> Farewell {
    let all = |ids: Vec<&String>| {
        ids.into_iter()
            .map(|id| sanitize(id).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut text = format!(
        "{} stopped on quit: {}",
        action.verb(),
        report.summary(action)
    );
    let counts = report.counts();
    if counts.unknown > 0 {
        let reasons = distinct(report.unknown().map(|(_, r)| r));
        text.push_str(&format!(
            "\nleft unknown ({}; {}): {}",
            counts.unknown,
            sanitize(&reasons.join("; ")),
            all(report.unknown().map(|(id, _)| id).collect())
        ));
    }
    if counts.failed > 0 {
        text.push_str(&format!(
            "\nfailed ({}): {}",
            counts.failed,
            all(report.failed().map(|(id, _)| id).collect())
        ));
    }
    if counts.not_sent > 0 {
        text.push_str(&format!(
            "\nnot sent ({}): {}",
            counts.not_sent,
            all(report.not_sent().collect())
        ));
    }
    Farewell {
        text,
        verdict: report.verdict(),
        complaint: report.complaint(),
    }
}

impl super::App {
    /// Opens the confirmation of a bulk action on the selection (or the current row), or
    /// says why it cannot run.
    pub(super) fn ask(&mut self, action: BulkAction) -> Vec<Effect> {
        if !self.config.capabilities.can(action) {
            self.status.refusal(format!(
                "{}: the {} API cannot do that",
                action.verb(),
                self.config.capabilities.dialect
            ));
            return Vec::new();
        }
        if self.config.read_only {
            self.status.refusal(format!(
                "{}: profile {} is read-only, nothing is sent",
                action.verb(),
                sanitize(&self.config.profile)
            ));
            return Vec::new();
        }
        let now = self.now;
        let confirm = match self.target() {
            Ok(Target::Marked { chosen, hidden }) => {
                Confirm::new(action, chosen, hidden, self.asked(now))
            }
            Ok(Target::One { chosen, place }) => {
                // Said only where the pane and the table's row are two users.
                let another = self.table.current().is_none_or(|row| row.id != chosen.id);
                let confirm = Confirm::new(action, vec![chosen], 0, self.asked(now));
                if place == Place::Pane && another {
                    confirm.of_the_pane()
                } else {
                    confirm
                }
            }
            Err(why) => {
                self.status
                    .refusal(format!("{}: {}", action.verb(), sanitize(&why)));
                return Vec::new();
            }
        };
        self.dialog = Some(Dialog::Confirm(confirm));
        Vec::new()
    }

    pub(super) fn confirm(&mut self) -> Vec<Effect> {
        match self.dialog.take() {
            Some(Dialog::Confirm(mut confirm)) => match confirm.answer() {
                Answer::Yes(reason) => self.run_bulk(confirm, reason),
                answer => {
                    self.dialog = Some(Dialog::Confirm(confirm));
                    self.not_yet(&answer)
                }
            },
            Some(Dialog::Quit) => self.stop_bulk(GRACE),
            Some(Dialog::RunAction(pending)) => self.confirm_action(*pending),
            Some(Dialog::Prompt(prompting)) => self.answer_prompt(*prompting),
            Some(Dialog::Undo(mut ask)) => match ask.answer() {
                Answer::Yes(reason) => self.run_undo(ask.plan, reason),
                answer => {
                    self.dialog = Some(Dialog::Undo(ask));
                    self.not_yet(&answer)
                }
            },
            Some(Dialog::Discard { then_quit }) => {
                self.layer.leave(|l| matches!(l, Layer::Form(_)));
                if then_quit {
                    return self.quit();
                }
                self.status.notice("the form's changes were thrown away");
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// A yes that does not send yet: what is still asked.
    pub(super) fn not_yet(&mut self, answer: &Answer) -> Vec<Effect> {
        match answer {
            Answer::NoReason => self.status.refusal(
                "why? this profile asks a reason (or a ticket id) for every change: type it, or Esc",
            ),
            Answer::CountNext => self.status.notice("now the count, typed exactly"),
            Answer::WrongCount => self
                .status
                .refusal("the number typed is not the count: type it exactly, or Esc"),
            Answer::Yes(_) => {}
        }
        Vec::new()
    }

    pub(super) fn deny(&mut self) -> Vec<Effect> {
        match self.dialog.take() {
            Some(Dialog::Confirm(_)) => self.status.notice("cancelled: nothing was sent"),
            Some(Dialog::Quit) => self.status.notice("the bulk action goes on"),
            Some(Dialog::Discard { .. }) => {}
            Some(Dialog::Undo(_)) => self.status.notice("not undone: nothing was sent"),
            Some(Dialog::RunAction(pending)) => self
                .status
                .notice(format!("{} not run", sanitize(&pending.spec.name))),
            Some(Dialog::Prompt(prompting)) => self.status.notice(format!(
                "{} not run",
                sanitize(&prompting.pending.spec.name)
            )),
            None => {}
        }
        Vec::new()
    }

    fn run_bulk(&mut self, confirm: Confirm, reason: Option<String>) -> Vec<Effect> {
        let ids = confirm.ids();
        if ids.is_empty() {
            self.status.notice(format!(
                "nothing to {}: every user already holds it, nothing was sent",
                confirm.action.verb()
            ));
            return Vec::new();
        }
        // Users left out because they already hold it need no more attention.
        for unchanged in confirm.left_out() {
            self.selected.remove(&unchanged);
        }
        self.start_bulk(confirm.action, ids, confirm.before(), None, reason)
    }

    /// Sends `action` for `ids` as a batch (`before`: their statuses as last seen;
    /// `undo`: the batch it undoes, if it is an undo) and follows its progress.
    pub(super) fn start_bulk(
        &mut self,
        action: BulkAction,
        ids: Vec<String>,
        before: HashMap<String, Status>,
        undo: Option<Undo>,
        reason: Option<String>,
    ) -> Vec<Effect> {
        let id = self.tickets.issue();
        self.bulk = Some(BulkRun {
            id,
            action,
            progress: Progress {
                done: 0,
                unknown: 0,
                total: ids.len(),
            },
            stopping: false,
        });
        vec![Effect::Send(Request::Bulk {
            id,
            action,
            ids,
            before,
            undo,
            reason,
        })]
    }

    /// Quit: at once, unless a bulk action runs — then the first asks, and a second (or
    /// one after stopping was asked) stops without waiting for the chunk under way.
    pub(super) fn quit(&mut self) -> Vec<Effect> {
        if let Some(form) = self.layer.form() {
            if form.sending().is_some() {
                self.status.notice(
                    "an edit is on its way: quit once it is answered (a signal quits at once)",
                );
                return Vec::new();
            }
            if form.changed() {
                self.close_form(true);
                return Vec::new();
            }
        }
        let Some(run) = &self.bulk else {
            return vec![Effect::Quit];
        };
        if run.stopping || matches!(self.dialog, Some(Dialog::Quit)) {
            self.dialog = None;
            return self.stop_bulk(Duration::ZERO);
        }
        self.dialog = Some(Dialog::Quit);
        Vec::new()
    }

    /// A signal asks the program to end: a bulk action under way stops first.
    pub(super) fn shutdown(&mut self) -> Vec<Effect> {
        match &self.bulk {
            None => vec![Effect::Quit],
            Some(run) => {
                let grace = if run.stopping { Duration::ZERO } else { GRACE };
                self.dialog = None;
                self.stop_bulk(grace)
            }
        }
    }

    /// The terminal went away (a dropped connection): a bulk action under way stops with
    /// its grace, as for a signal; one already stopping keeps the grace it has. A hangup is
    /// no one insisting, so it never cuts a stop short (issue #22, defect 1).
    pub(super) fn terminal_lost(&mut self) -> Vec<Effect> {
        self.dialog = None;
        match &self.bulk {
            None => vec![Effect::Quit],
            Some(run) if run.stopping => {
                self.quitting = true;
                Vec::new()
            }
            Some(_) => self.stop_bulk(GRACE),
        }
    }

    fn stop_bulk(&mut self, grace: Duration) -> Vec<Effect> {
        self.quitting = true;
        if let Some(run) = self.bulk.as_mut() {
            run.stopping = true;
        }
        vec![Effect::Send(Request::StopBulk { grace })]
    }

    /// The bulk action ended: its rows show their new status at once, succeeded ids
    /// leave the selection (the others stay, to try again), the summary stays until
    /// dismissed, and the table reloads.
    pub(super) fn bulk_done(&mut self, action: BulkAction, report: &Ledger) -> Vec<Effect> {
        self.bulk = None;
        for id in report.succeeded() {
            self.selected.remove(id);
        }
        let succeeded: HashSet<&str> = report.succeeded().map(String::as_str).collect();
        self.table.acted(action, &succeeded);
        if let (Some(watch), Some(status)) = (self.watch.as_mut(), action.resulting_status()) {
            watch.acted(&succeeded, &status);
        }
        if let Some(pivot) = self.layer.pivot_mut() {
            pivot.acted(action, &succeeded);
        }
        if self.quitting {
            self.farewell = Some(farewell(action, report));
            return vec![Effect::Quit];
        }
        if matches!(self.dialog, Some(Dialog::Quit)) {
            self.dialog = None;
        }
        self.status.succeeded(Source::Bulk);
        let kept = report
            .entries()
            .filter(|(id, outcome)| {
                !matches!(outcome, Outcome::Succeeded) && self.selected.contains_key(*id)
            })
            .count();
        self.status.summary(summary(action, report, kept));
        let failed: Vec<String> = report.failed().map(|(id, _)| id.clone()).collect();
        self.failed = (!failed.is_empty()).then_some(super::undo::Failed {
            action,
            ids: failed,
        });
        self.reload()
    }
}
