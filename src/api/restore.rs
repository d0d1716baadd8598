//! An undo gives back the exact status its users had before the batch it undoes. Where
//! its action does not settle that alone — unarchiving leaves `isActive` to the server —
//! each user is read back; one whose activity differs is set back by an `updateUser` of
//! `isActive` alone (journalled under the undo's batch) and read back again. Only a
//! read-back holding the status before is a success: otherwise the id fails with the
//! status the server holds, or stays unknown when it cannot be read.

use futures_util::StreamExt;

use super::bulk::Batch;
use super::client::Client;
use super::ledger::{Ledger, Outcome};
use super::model::{BulkAction, FailReason, Status};
use super::ops;
use super::statuses;
use crate::dialect::Dialect;

/// At most this many users are set back at once.
const AT_ONCE: usize = 8;

/// The ids `action` succeeded on whose status before (the batch's undo's) it does not give
/// back by itself, each with that status — left unknown in `ledger` until [`restore`]
/// proves them, so that an undo cut short never reports them given back.
pub fn unchecked(action: BulkAction, ledger: &mut Ledger, batch: &Batch) -> Vec<(String, Status)> {
    let Some(undo) = &batch.undo else {
        return Vec::new();
    };
    let unchecked: Vec<(String, Status)> = ledger
        .succeeded()
        .filter_map(|id| {
            let before = undo.restore.get(id)?;
            let sure = action.resulting_status().as_ref() == Some(before);
            (!sure).then(|| (id.clone(), before.clone()))
        })
        .collect();
    for (id, before) in &unchecked {
        let why = format!(
            "{} answered, but it was not read back to prove it is {before} again",
            action.verb()
        );
        ledger.set(id, Outcome::Unknown(why));
    }
    unchecked
}

/// Reads `unchecked` back, sets back the activity of those that differ (the updates
/// journalled under `batch`), reads those again, and settles each in `ledger`.
pub async fn restore(
    client: &Client,
    action: BulkAction,
    ledger: &mut Ledger,
    unchecked: &[(String, Status)],
    batch: &str,
) {
    let ids: Vec<String> = unchecked.iter().map(|(id, _)| id.clone()).collect();
    tracing::info!(ids = ids.len(), "reading back what the undo gave back");
    let read = statuses::read(client, &ids).await;
    let mut settled = Vec::with_capacity(unchecked.len());
    let mut set_back = Vec::new();
    for ((id, before), (_, read)) in unchecked.iter().zip(read) {
        match &read {
            Ok(Some(now)) if now != before => match settable(client.dialect(), now, before) {
                Some(active) => set_back.push((id.clone(), before.clone(), active)),
                None => settled.push((id.clone(), judged(action, before, read))),
            },
            _ => settled.push((id.clone(), judged(action, before, read))),
        }
    }
    if !set_back.is_empty() {
        tracing::info!(ids = set_back.len(), "setting isActive back");
        let sends: Vec<_> = set_back
            .iter()
            .map(|(id, _, active)| set_active(client, id, *active, batch))
            .collect();
        futures_util::stream::iter(sends)
            .buffer_unordered(AT_ONCE)
            .collect::<Vec<()>>()
            .await;
        let ids: Vec<String> = set_back.iter().map(|(id, ..)| id.clone()).collect();
        let again = statuses::read(client, &ids).await;
        for ((id, before, _), (_, read)) in set_back.iter().zip(again) {
            settled.push((id.clone(), judged(action, before, read)));
        }
    }
    let settled = Ledger::of(settled);
    for (id, outcome) in settled.entries() {
        if !matches!(outcome, Outcome::Unknown(_)) {
            ledger.mark_read_back(id);
        }
    }
    ledger.take(settled);
}

/// Journals what became of `unchecked` as `ledger` holds it — proven, failed, or still
/// unknown (a read-back failed, or the undo stopped first) — as the settling of `batch`:
/// the journal, like the ledger, holds none of them succeeded unless proven.
pub fn journal(
    client: &Client,
    action: BulkAction,
    ledger: &Ledger,
    unchecked: &[(String, Status)],
    batch: &str,
) {
    let settled = Ledger::of(unchecked.iter().filter_map(|(id, _)| {
        let outcome = ledger.outcome(id)?;
        Some((id.clone(), outcome.clone()))
    }));
    client.journal_settled(action.verb(), &settled, Some(batch));
}

/// What a read-back of a user to be given `before` says of it.
fn judged(action: BulkAction, before: &Status, read: statuses::Read) -> Outcome {
    match read {
        Ok(Some(now)) if now == *before => Outcome::Succeeded,
        Ok(Some(now)) => Outcome::Failed(FailReason::NotApplied(now)),
        Ok(None) => Outcome::Failed(FailReason::UnknownToServer),
        Err(e) => Outcome::Unknown(format!(
            "{} answered, but reading it back to prove it is {before} again failed: {e}",
            action.verb()
        )),
    }
}

/// The `isActive` that gives a user who is `now` the status `before`, when `updateUser`
/// can: training, neither archived.
fn settable(dialect: Dialect, now: &Status, before: &Status) -> Option<bool> {
    let active = |status: &Status| match status {
        Status::Active => Some(true),
        Status::Inactive => Some(false),
        _ => None,
    };
    if dialect != Dialect::Training {
        return None;
    }
    active(now)?;
    active(before)
}

/// Sends `isActive: active` — that field alone — for user `id`. Whatever the answer, the
/// read-back after it judges: an error is only logged.
async fn set_active(client: &Client, id: &str, active: bool, batch: &str) {
    if let Err(e) = ops::set_active(client, id, active, batch).await {
        tracing::warn!(error = %e, "setting isActive back failed; the read-back tells");
    }
}
