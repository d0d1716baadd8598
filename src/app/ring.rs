//! The signals of the accounts read this session, and `:ring [DEPTH]` (and its key):
//! the ring around the user in front — the one the one
//! target rule names — followed by the worker, then shown as a list to select from and
//! act on, like the accounts on an address.

use super::pivot::Pivot;
use super::{App, Effect, Layer};
use crate::api::ring::{DEPTH, Ring};
use crate::dialect::Dialect;
use crate::text::sanitize;
use crate::worker::{Request, RequestId, Slot};

impl App {
    /// The most severe signal of account `id`, if it was opened (or read in a ring) this
    /// session (inside: None when it raised none).
    pub fn signal_seen(&self, id: &str) -> Option<Option<crate::signals::Severity>> {
        self.signals_seen.get(id).copied()
    }

    /// Whether any account was opened this session: the table shows their signals then.
    pub fn signals_seen(&self) -> bool {
        !self.signals_seen.is_empty()
    }

    /// Asks for the ring around the user in front, `depth` steps deep (None: the
    /// default).
    pub(super) fn ask_ring(&mut self, depth: Option<u32>) -> Vec<Effect> {
        if self.config.capabilities.dialect != Dialect::Crm {
            self.status
                .refusal("the training API has no shared addresses: a ring is crm's");
            return Vec::new();
        }
        let start = match self.current_user() {
            Ok((chosen, _)) => chosen.id,
            Err(why) => {
                self.status.refusal(format!("no ring: {why}"));
                return Vec::new();
            }
        };
        let id = self.tickets.issue();
        self.status
            .progress(Some(format!("following the ring of {}…", sanitize(&start))));
        self.ring_asked = Some((id, start.clone()));
        vec![Effect::Send(Request::Ring {
            id,
            start,
            depth: depth.unwrap_or(DEPTH),
        })]
    }

    /// Esc while a ring is followed: it is dropped, nothing else is cancelled.
    pub(super) fn stop_ring(&mut self) -> Option<Vec<Effect>> {
        let (_, start) = self.ring_asked.take()?;
        self.status.progress(None);
        self.status.notice(format!(
            "stopped following the ring of {}",
            sanitize(&start)
        ));
        Some(vec![Effect::Send(Request::Abandon { slot: Slot::Ring })])
    }

    pub(super) fn ring_progress(&mut self, id: RequestId, read: usize, known: usize) {
        if let Some((_, start)) = self.ring_asked.as_ref().filter(|(asked, _)| *asked == id) {
            self.status.progress(Some(format!(
                "following the ring of {}: {read} accounts read of {known} known",
                sanitize(start)
            )));
        }
    }

    /// The ring asked for came (or failed): shown as a list, unless something else was
    /// asked for since.
    pub(super) fn ring_answered(&mut self, id: RequestId, result: Result<Box<Ring>, String>) {
        if self
            .ring_asked
            .as_ref()
            .is_none_or(|(asked, _)| *asked != id)
        {
            return;
        }
        let (_, start) = self.ring_asked.take().unwrap_or_default();
        self.status.progress(None);
        match result {
            Ok(ring) if !matches!(self.layer, Layer::Table | Layer::Pivot(_)) => {
                // A form, the filter or the journal is open: nothing typed is lost.
                self.status.notice(format!(
                    "the ring of {} came while something else was open: {} shows it",
                    sanitize(&ring.start),
                    self.config.keymap.key(super::Action::Ring)
                ));
            }
            Ok(ring) => {
                for member in &ring.members {
                    if let Some(signals) = &member.signals {
                        let worst = crate::signals::worst(signals);
                        self.signals_seen.insert(member.user.id.clone(), worst);
                    }
                }
                self.layer = Layer::Pivot(Pivot::ring(&ring, self.now));
            }
            Err(error) => self.status.refusal(format!(
                "the ring of {} could not be followed: {}",
                sanitize(&start),
                sanitize(&error)
            )),
        }
    }
}
