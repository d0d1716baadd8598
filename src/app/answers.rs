//! A worker's answers, each routed to the component it belongs to — and applied there
//! only if it still fits what that component asked.

use std::time::Duration;

use super::status::Source;
use super::{App, Effect, Farewell, sends, table};
use crate::api::error::{ApiError, UNAUTHORIZED};
use crate::api::model::{ListQuery, Page};
use crate::config::TokenSource;
use crate::text::sanitize;
use crate::worker::{RequestId, Response, Slot};

/// An API error as the operator reads it; a refused token names where it came from (never
/// the token), so that one from the wrong source is told apart from an expired one. The
/// source comes first: a line too long for the footer is cut at its end.
pub(super) fn error_text(e: &ApiError, source: Option<&TokenSource>) -> String {
    let text = sanitize(&e.to_string()).into_owned();
    match source {
        Some(TokenSource::None) if e.is_code(UNAUTHORIZED) => {
            format!("sent without a token: {text}")
        }
        Some(source) if e.is_code(UNAUTHORIZED) => {
            format!("the token from {source} was refused: {text}")
        }
        _ => text,
    }
}

impl App {
    pub(super) fn answer(&mut self, response: Response) -> Vec<Effect> {
        match response {
            Response::Page {
                id,
                query,
                result,
                elapsed,
            } => self.list_answer(id, query, result, elapsed, false),
            Response::Prefetched {
                id,
                query,
                result,
                elapsed,
            } => self.list_answer(id, query, result, elapsed, true),
            Response::Detail {
                id,
                key,
                result,
                elapsed,
            } => {
                let result = result.map_err(|e| error_text(&e, self.config.token_source.as_ref()));
                if let Some(pane) = self.detail.as_mut()
                    && pane.answer(id, &key, result, self.now)
                {
                    self.latency = Some(elapsed);
                    if let Some(detail) = pane.detail() {
                        let worst = crate::signals::worst(&detail.signals);
                        self.signals_seen.insert(detail.user.id.clone(), worst);
                    }
                    self.detail_arrived(id);
                }
                Vec::new()
            }
            Response::Edited {
                id,
                result,
                elapsed,
            } => {
                self.latency = Some(elapsed);
                self.edited(id, result)
            }
            Response::Arriving { id, count } => {
                self.table.arriving(id, count);
                Vec::new()
            }
            Response::ExportProgress { id, progress } => {
                self.export_progress(id, progress);
                Vec::new()
            }
            Response::Exported { id, result } => {
                self.exported(id, result);
                Vec::new()
            }
            Response::Journal { id, result } => {
                self.journal_read(id, result);
                Vec::new()
            }
            Response::RingProgress { id, read, known } => {
                self.ring_progress(id, read, known);
                Vec::new()
            }
            Response::Ring { id, result } => {
                let result = result.map_err(|e| error_text(&e, self.config.token_source.as_ref()));
                self.ring_answered(id, result);
                Vec::new()
            }
            Response::UndoPlanned { id, result } => {
                self.undo_planned(id, result);
                Vec::new()
            }
            Response::BulkProgress { id, progress } => {
                if let Some(run) = self.bulk.as_mut().filter(|run| run.id == id) {
                    run.progress = progress;
                }
                Vec::new()
            }
            Response::BulkDone {
                id,
                action,
                report,
                elapsed,
            } => {
                if self.bulk.as_ref().is_none_or(|run| run.id != id) {
                    return Vec::new();
                }
                self.latency = Some(elapsed);
                self.bulk_done(action, &report)
            }
            Response::Watched { id, read } => self.watched(id, *read),
            Response::View { id, result } => self.view_answered(id, result),
            Response::ActionRan { id, result } => self.action_ran(id, result),
            Response::Timeline { id, result } => {
                self.timeline_read(id, result);
                Vec::new()
            }
            Response::Failed { id, slot, message } => self.panicked(id, slot, &message),
        }
    }

    /// A page for the table (`ahead`: one fetched ahead).
    fn list_answer(
        &mut self,
        id: RequestId,
        query: ListQuery,
        result: Result<Page, ApiError>,
        elapsed: Duration,
        ahead: bool,
    ) -> Vec<Effect> {
        if let Err(e) = &result {
            self.list_failure_passes = e.is_transient();
        }
        let result = result.map_err(|e| error_text(&e, self.config.token_source.as_ref()));
        let (tickets, now) = (&mut self.tickets, self.now);
        let answered = if ahead {
            self.table.answer_ahead(id, query, result, tickets, now)
        } else {
            self.table.answer(id, query, result, tickets, now)
        };
        match answered {
            table::Answered::Dropped => Vec::new(),
            table::Answered::Stale(requests) => sends(requests),
            table::Answered::Shown(requests) => {
                self.latency = Some(elapsed);
                self.rows_seen(false);
                self.status.succeeded(Source::List);
                if let Some(user) = self.table.take_missed() {
                    self.status.notice(format!(
                        "saved user {} is not among these rows: it does not answer the filter or status",
                        sanitize(&user)
                    ));
                }
                let mut effects = sends(requests);
                effects.extend(self.rows_arrived());
                effects
            }
            table::Answered::Failed => {
                self.latency = Some(elapsed);
                self.rows_arrived()
            }
        }
    }

    /// A request's task panicked: the component waiting for it is told, not left
    /// waiting.
    fn panicked(&mut self, id: RequestId, slot: Slot, message: &str) -> Vec<Effect> {
        let text = format!("internal error, please report: {}", sanitize(message));
        match slot {
            Slot::List => {
                if self.table.abandon(id, text.clone()) {
                    self.status.error(Source::List, text);
                }
            }
            Slot::Prefetch => {
                // It may have been taken on as the page asked for.
                if self.table.abandon(id, text.clone()) {
                    self.status.error(Source::List, text);
                }
            }
            Slot::Detail => {
                if let Some(pane) = self.detail.as_mut() {
                    pane.abandon(id, text);
                }
            }
            Slot::Export => self.exported(id, Err(crate::export::ExportError::Abandoned(text))),
            Slot::Journal => self.journal_read(id, Err(text)),
            Slot::Ring => self.ring_answered(id, Err(text)),
            Slot::Timeline => self.timeline_read(id, Err(text)),
            Slot::Action => return self.action_ran(id, Err(text)),
            Slot::View => {
                self.view_answered(id, Err(text));
            }
            Slot::Watch => {
                if let Some(watch) = self.watch.as_mut() {
                    watch.failed(id);
                    self.status.error(Source::Watch, text);
                }
            }
            Slot::Undo => self.undo_planned(id, Err(text)),
            Slot::Edit => {
                if let Some(form) = self.layer.form_mut().filter(|f| f.sending() == Some(id)) {
                    form.refused(format!("{text}; whether it was saved is unknown"), None);
                }
            }
            Slot::Bulk => {
                if let Some(run) = self.bulk.take_if(|run| run.id == id) {
                    let text = format!("{text}; what the bulk action changed is unknown");
                    if self.quitting {
                        let unknown = run.progress.total - run.progress.done;
                        self.farewell = Some(Farewell::unreported(text, unknown));
                        return vec![Effect::Quit];
                    }
                    self.status.error(Source::Bulk, text);
                }
            }
        }
        Vec::new()
    }
}
