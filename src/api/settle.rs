//! Settling outcomes that are unknown: a mutation that may have reached the server got no
//! answer (a timeout, a reset connection, HTTP 5xx, a body that is not GraphQL), so the
//! users are read back — a read, safely retried — and each id becomes `succeeded` when
//! the server holds what the action sets, `failed` when it does not, and stays `unknown`
//! only when the read fails too. A create, update or upsert is settled the same way, by
//! reading the one user back.

use super::client::Client;
use super::error::ApiError;
use super::ledger::{Ledger, Outcome};
use super::model::{BulkAction, FailReason, UserDetail};
use super::ops::{self, UserKey};
use super::statuses;

/// Settles every unknown id of `ledger` by reading it back, and journals how. Cancelled
/// half-way, the ids not yet read stay unknown in the ledger.
pub async fn settle(client: &Client, action: BulkAction, ledger: &mut Ledger, batch: &str) {
    let unknown: Vec<(String, String)> = ledger
        .unknown()
        .map(|(id, why)| (id.clone(), why.to_string()))
        .collect();
    if unknown.is_empty() {
        return;
    }
    let ids: Vec<String> = unknown.iter().map(|(id, _)| id.clone()).collect();
    tracing::info!(ids = ids.len(), "reading back the unknown outcomes");
    let read = statuses::read(client, &ids).await;
    let settled = Ledger::of(unknown.into_iter().zip(read).map(|((id, why), (_, read))| {
        let outcome = match read {
            Ok(Some(status)) if action.holds(&status) => Outcome::Succeeded,
            Ok(Some(status)) => Outcome::Failed(FailReason::NotApplied(status)),
            Ok(None) => Outcome::Failed(FailReason::UnknownToServer),
            Err(e) => Outcome::Unknown(format!("{why}; reading it back failed too: {e}")),
        };
        (id, outcome)
    }));
    client.journal_settled(action.verb(), &settled, Some(batch));
    for (id, outcome) in settled.entries() {
        if !matches!(outcome, Outcome::Unknown(_)) {
            ledger.mark_read_back(id);
        }
    }
    ledger.take(settled);
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
    let (edit, settled) = match ops::detail(client, key).await {
        Ok(detail) if holds(&detail) => {
            let id = detail.user.id.clone();
            (Edit::ReadBack(detail), (id, Outcome::Succeeded))
        }
        Ok(detail) => {
            let reason = FailReason::Error("the server does not hold the change".into());
            let id = detail.user.id.clone();
            (Edit::NotApplied(detail), (id, Outcome::Failed(reason)))
        }
        Err(read) if read.is_code(super::error::RESOURCE_NOT_FOUND) => {
            let reason = FailReason::Error("not applied: reading back finds no such user".into());
            (Edit::Absent, (key.to_string(), Outcome::Failed(reason)))
        }
        Err(read) => {
            let why = format!("{lost}; reading it back failed too: {read}");
            (
                Edit::Unknown { lost, read },
                (key.to_string(), Outcome::Unknown(why)),
            )
        }
    };
    let settled = Ledger::of([settled]);
    client.journal_settled(action, &settled, Some(entry.as_str()));
    Ok(edit)
}
