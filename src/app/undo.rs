//! Taking the last batch back (`u`, or `u` on an entry of the journal) and trying again
//! what failed (`R`): each asks first, naming what will change, then runs as a bulk
//! action of its own.

use super::dialog::{Chosen, Confirm, Dialog, UndoAsk};
use super::{App, Effect, Layer, Mode};
use crate::api::model::BulkAction;
use crate::api::undo::UndoPlan;
use crate::text::sanitize;
use crate::worker::{Request, RequestId};

/// The ids of the last bulk action that failed, to try again.
#[derive(Debug, Clone)]
pub struct Failed {
    pub action: BulkAction,
    pub ids: Vec<String>,
}

impl App {
    /// `u`: plans the undo of the last batch — or, in the journal, of the entry under the
    /// cursor. The worker reads the journal and the users back first.
    pub(super) fn undo(&mut self) -> Vec<Effect> {
        if self.config.read_only {
            self.status.refusal(format!(
                "profile {:?} is read-only: nothing can be undone from it",
                self.config.profile
            ));
            return Vec::new();
        }
        let Some(path) = self.config.journal.clone() else {
            self.status
                .refusal("nothing to undo here: the demo journals nothing");
            return Vec::new();
        };
        let entry = match (self.layer.journal(), self.mode()) {
            (Some(view), Mode::Journal) => match view.items().get(view.cursor()) {
                Some(entry) => Some(entry.entry.clone()),
                None => return Vec::new(),
            },
            _ => None,
        };
        let id = self.tickets.issue();
        self.undoing = Some(id);
        self.status
            .notice("reading the journal and the users back before undoing...");
        let profile = self.config.profile.clone();
        vec![Effect::Send(Request::PlanUndo {
            id,
            path,
            entry,
            profile,
        })]
    }

    /// The plan came: asked first, or said why there is nothing to undo.
    pub(super) fn undo_planned(&mut self, id: RequestId, result: Result<UndoPlan, String>) {
        if self.undoing != Some(id) {
            return;
        }
        self.undoing = None;
        // "reading the journal and the users back…" is over.
        self.status.clear_notice();
        // The journal gives way: the question (or why not) shows over the table.
        self.layer.leave(|l| matches!(l, Layer::Journal(_)));
        // Asked while nothing else waits for an answer: a `y` meant for another dialog,
        // or typed while a bulk action or a form has the keys, must not run the undo.
        let busy = self.dialog.is_some()
            || self.bulk.is_some()
            || self.layer.form().is_some()
            || matches!(self.layer, Layer::Command(_));
        match result {
            Ok(_) if busy => self
                .status
                .notice("the undo was not asked: something else has the keys; press u again"),
            Ok(plan) => {
                let ask = UndoAsk::new(plan, self.config.consent);
                self.dialog = Some(Dialog::Undo(ask));
            }
            Err(why) => self
                .status
                .refusal(format!("not undone: {}", sanitize(&why))),
        }
    }

    /// `y` on an undo: its reverse action runs as a batch of its own.
    pub(super) fn run_undo(&mut self, plan: UndoPlan, reason: Option<String>) -> Vec<Effect> {
        if plan.ids.is_empty() {
            self.status
                .notice("nothing to undo: every user is left alone (the dialog said why)");
            return Vec::new();
        }
        self.layer.leave(|l| matches!(l, Layer::Journal(_)));
        let undo = plan.undo();
        self.start_bulk(plan.action, plan.ids, plan.now, Some(undo), reason)
    }

    /// `R`: the same action again on the ids that failed last, with one confirmation.
    pub(super) fn retry(&mut self) -> Vec<Effect> {
        let Some(failed) = self.failed.clone() else {
            self.status.refusal("nothing failed to try again");
            return Vec::new();
        };
        let chosen: Vec<Chosen> = failed
            .ids
            .iter()
            .map(|id| {
                let last = self.selected.get(id);
                Chosen {
                    id: id.clone(),
                    name: last.map_or_else(|| id.clone(), |s| s.name.clone()),
                    email: None,
                    // As last seen, if it was: it failed, so it did not change.
                    status: last.map(|s| s.status.clone()),
                    seen: last.map_or(self.now, |s| s.seen),
                }
            })
            .collect();
        self.dialog = Some(Dialog::Confirm(Confirm::new(
            failed.action,
            chosen,
            0,
            self.asked(self.now),
        )));
        Vec::new()
    }
}
