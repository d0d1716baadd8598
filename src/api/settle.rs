//! Settling outcomes that are unknown: a mutation that may have reached the server got no
//! answer (a timeout, a reset connection, HTTP 5xx, a body that is not GraphQL), so the
//! users are read back — a read, safely retried — and each id becomes `succeeded` when
//! the server holds what the action sets, `failed` when it does not, and stays `unknown`
//! only when the read fails too. A create, update or upsert is settled the same way, by
//! reading the one user back.

use futures_util::StreamExt;

use super::client::Client;
use super::error::ApiError;
use super::model::{BulkAction, BulkReport, FailReason, Status, UserDetail};
use super::ops::{self, UserKey};

/// Reads at most this many users back at once.
const AT_ONCE: usize = 8;

/// What reading one user back found.
enum Found {
    Holds,
    Other(Status),
    Missing,
    Unreadable(String),
}

/// Reads the statuses of `ids` now (None: no such user), a few at a time, each id as the
/// dialect reads it. Once a read fails even after its retries, the server is not
/// answering: the ids after it get that error at once rather than each waiting out its
/// own retries.
pub async fn read_statuses(
    client: &Client,
    ids: &[String],
) -> Vec<(String, Result<Option<Status>, String>)> {
    let given_up: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let given_up = &given_up;
    futures_util::stream::iter(ids.to_vec())
        .map(|id| async move {
            let earlier = given_up.lock().ok().and_then(|g| g.clone());
            if let Some(e) = earlier {
                return (id, Err(e));
            }
            let read = ops::status_of(client, &canonical(client, &id))
                .await
                .map_err(|e| {
                    let e = e.to_string();
                    if let Ok(mut g) = given_up.lock() {
                        g.get_or_insert_with(|| e.clone());
                    }
                    e
                });
            (id, read)
        })
        .buffered(AT_ONCE)
        .collect()
        .await
}

/// Settles every id of `report.unknown` by reading it back, and journals how.
pub async fn settle(client: &Client, action: BulkAction, report: &mut BulkReport, batch: &str) {
    if report.unknown.is_empty() {
        return;
    }
    // Taken out of the report only once read: a reading stopped half-way leaves them.
    let ids: Vec<String> = report.unknown.iter().map(|(id, _)| id.clone()).collect();
    tracing::info!(ids = ids.len(), "reading back the unknown outcomes");
    let read = read_statuses(client, &ids).await;
    let unknown = std::mem::take(&mut report.unknown);
    let found = unknown.into_iter().zip(read).map(|(told, (_, read))| {
        let found = match read {
            Ok(Some(status)) if action.holds(&status) => Found::Holds,
            Ok(Some(status)) => Found::Other(status),
            Ok(None) => Found::Missing,
            Err(e) => Found::Unreadable(e),
        };
        (told, found)
    });
    let mut settled = BulkReport::default();
    for ((id, why), found) in found {
        match found {
            Found::Holds => settled.succeeded.push(id),
            Found::Other(status) => settled.failed.push((id, FailReason::NotApplied(status))),
            Found::Missing => settled.failed.push((id, FailReason::UnknownToServer)),
            Found::Unreadable(e) => settled
                .unknown
                .push((id, format!("{why}; reading it back failed too: {e}"))),
        }
    }
    client.journal_settled(action.verb(), &settled, Some(batch));
    report.read_back.extend(
        settled
            .succeeded
            .iter()
            .chain(settled.failed.iter().map(|(id, _)| id))
            .cloned(),
    );
    report.succeeded.extend(settled.succeeded);
    report.failed.extend(settled.failed);
    report.unknown.extend(settled.unknown);
}

/// What reading back a single-user edit found.
#[derive(Debug, Clone)]
pub enum Edit {
    /// The answer came: the user as it answered.
    Answered(UserDetail),
    /// The answer was lost; read back, the server holds what was asked.
    ReadBack(UserDetail),
    /// The answer was lost; read back, the server does not hold it.
    NotApplied(UserDetail),
    /// The answer was lost; read back, no such user exists (a create that did not
    /// happen, or a user gone): not applied.
    Absent,
    /// The answer was lost and reading back failed too.
    Unknown { lost: ApiError, read: ApiError },
}

/// Settles a create, update or upsert: when its answer may have been lost after the
/// server applied it, the user is read back by `key` and `holds` says whether it is as
/// asked. Journalled like a bulk action's settling.
pub async fn settle_edit(
    client: &Client,
    action: &str,
    result: Result<UserDetail, ApiError>,
    key: &UserKey,
    holds: impl Fn(&UserDetail) -> bool,
    entry: &ops::EditEntry,
) -> Result<Edit, ApiError> {
    let lost = match result {
        Ok(detail) => return Ok(Edit::Answered(detail)),
        Err(e) if e.may_have_applied() => e,
        Err(e) => return Err(e),
    };
    let mut settled = BulkReport::default();
    let edit = match ops::detail(client, key).await {
        Ok(detail) if holds(&detail) => {
            settled.succeeded.push(detail.user.id.clone());
            Edit::ReadBack(detail)
        }
        Ok(detail) => {
            let reason = FailReason::Error("the server does not hold the change".into());
            settled.failed.push((detail.user.id.clone(), reason));
            Edit::NotApplied(detail)
        }
        Err(read) if read.is_code(super::error::RESOURCE_NOT_FOUND) => {
            let reason = FailReason::Error("not applied: reading back finds no such user".into());
            settled.failed.push((key.to_string(), reason));
            Edit::Absent
        }
        Err(read) => {
            let why = format!("{lost}; reading it back failed too: {read}");
            settled.unknown.push((key.to_string(), why));
            Edit::Unknown { lost, read }
        }
    };
    client.journal_settled(action, &settled, Some(entry.as_str()));
    Ok(edit)
}

/// training reads ids as canonical UUIDs; crm as given.
fn canonical(client: &Client, id: &str) -> String {
    match client.dialect() {
        crate::dialect::Dialect::Training => uuid::Uuid::parse_str(id)
            .map(|u| u.hyphenated().to_string())
            .unwrap_or_else(|_| id.to_string()),
        crate::dialect::Dialect::Crm => id.to_string(),
    }
}
