//! Bulk actions in chunks, with progress per chunk and a report per id.
//!
//! crm applies a chunk all or nothing and fails it as a whole when one id is unknown:
//! such a chunk is split in halves until the unknown ids stand alone, so every other id
//! is still applied and each unknown one is reported. training answers per id already.

use std::collections::{HashSet, VecDeque};

use super::client::Client;
use super::error::{ApiError, RESOURCE_NOT_FOUND};
use super::model::{BulkAction, BulkReport};
use crate::dialect::Dialect;

/// The default number of ids sent in one request.
pub const DEFAULT_CHUNK: usize = 500;

/// Progress of a bulk action: ids settled so far, of all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// Runs `action` on `ids` (duplicates dropped, order kept) in chunks of `chunk`, calling
/// `progress` as ids settle. Never fails as a whole: every id ends up in the report.
pub async fn run(
    client: &Client,
    action: BulkAction,
    ids: &[String],
    chunk: usize,
    mut progress: impl FnMut(Progress),
) -> BulkReport {
    let mut seen = HashSet::new();
    let ids: Vec<String> = ids
        .iter()
        .filter(|id| seen.insert(id.as_str()))
        .cloned()
        .collect();
    let total = ids.len();
    let mut report = BulkReport::default();
    if !client.capabilities().can(action) {
        let reason = format!("the {} API cannot {}", client.dialect(), action.verb());
        report.failed = ids.into_iter().map(|id| (id, reason.clone())).collect();
        return report;
    }
    progress(Progress { done: 0, total });
    let chunk = chunk.max(1);
    match client.dialect() {
        Dialect::Crm => {
            let block = action == BulkAction::Block;
            let mut queue: VecDeque<Vec<String>> =
                ids.chunks(chunk).map(<[String]>::to_vec).collect();
            while let Some(part) = queue.pop_front() {
                match client.set_status(block, &part).await {
                    Ok(()) => report.succeeded.extend(part),
                    Err(e) if e.is_code(RESOURCE_NOT_FOUND) && part.len() > 1 => {
                        // Try each half on its own, in order, before what comes next.
                        let (left, right) = part.split_at(part.len() / 2);
                        queue.push_front(right.to_vec());
                        queue.push_front(left.to_vec());
                        continue;
                    }
                    Err(e) => {
                        let reason = reason(&e);
                        report
                            .failed
                            .extend(part.into_iter().map(|id| (id, reason.clone())));
                    }
                }
                progress(Progress {
                    done: report.succeeded.len() + report.failed.len(),
                    total,
                });
            }
        }
        Dialect::Training => {
            // Malformed ids never reach the server: they would fail the whole request.
            let mut valid = Vec::with_capacity(ids.len());
            for id in ids {
                match uuid::Uuid::parse_str(&id) {
                    Ok(uuid) => valid.push((id, uuid.hyphenated().to_string())),
                    Err(_) => report.failed.push((id, "not a UUID".into())),
                }
            }
            let archive = action == BulkAction::Archive;
            for part in valid.chunks(chunk) {
                let canonical: Vec<String> = part.iter().map(|(_, c)| c.clone()).collect();
                match client.archive(archive, &canonical).await {
                    Ok((succeeded, _failed)) => {
                        let ok: HashSet<&str> = succeeded.iter().map(String::as_str).collect();
                        // Report ids as the operator gave them.
                        for (given, canonical) in part {
                            if ok.contains(canonical.as_str()) {
                                report.succeeded.push(given.clone());
                            } else {
                                report
                                    .failed
                                    .push((given.clone(), "unknown to the server".into()));
                            }
                        }
                    }
                    Err(e) => {
                        let reason = reason(&e);
                        report.failed.extend(
                            part.iter()
                                .map(|(given, _)| (given.clone(), reason.clone())),
                        );
                    }
                }
                progress(Progress {
                    done: report.succeeded.len() + report.failed.len(),
                    total,
                });
            }
        }
    }
    report
}

/// Why the ids of a failed request failed; whether they may have been applied anyway.
fn reason(e: &ApiError) -> String {
    if e.is_code(RESOURCE_NOT_FOUND) {
        "unknown to the server".into()
    } else if matches!(e, ApiError::Transport { .. } | ApiError::Http { .. }) && !e.never_sent() {
        format!("outcome unknown, check before retrying: {e}")
    } else {
        e.to_string()
    }
}
