//! Bulk actions in chunks, with progress per chunk and a report per id.
//!
//! crm applies a chunk all or nothing and fails it as a whole when one id is unknown:
//! such a chunk is split in halves until the unknown ids stand alone, so every other id
//! is still applied and each unknown one is reported. training answers per id already.
//!
//! A request that may have reached the server without an answer coming back leaves its
//! ids *unknown*, never failed. A [`Stop`] ends the action between chunks; the chunk under
//! way gets a grace to answer, and its ids stay unknown when none comes.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::sync::watch;
use tokio::time::Instant;

use super::client::Client;
use super::error::{ApiError, RESOURCE_NOT_FOUND, UNAUTHORIZED};
use super::ledger::{Ledger, Outcome};
use super::model::{BulkAction, FailReason, Status};
use super::restore;
use super::settle;
use crate::dialect::Dialect;

/// What makes a batch an undo: the batch it undoes, and the status each of its users had
/// before that batch — given back, and proven by reading back where the action alone does
/// not settle it ([`restore`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Undo {
    pub of: String,
    pub restore: HashMap<String, Status>,
}

/// One bulk action as the journal knows it: its id, shared by every chunk it sends; the
/// status each user had before, when known (what an undo restores); and, for an undo,
/// what it undoes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    pub id: String,
    pub before: HashMap<String, Status>,
    pub undo: Option<Undo>,
}

impl Batch {
    /// A new batch with its own id.
    pub fn new(before: HashMap<String, Status>, undo: Option<Undo>) -> Batch {
        Batch {
            id: uuid::Uuid::new_v4().simple().to_string(),
            before,
            undo,
        }
    }

    /// The journal's detail of a chunk of `ids`: the batch, and what is known of their
    /// statuses before.
    fn detail(&self, ids: &[String]) -> serde_json::Value {
        let before: serde_json::Map<String, serde_json::Value> = ids
            .iter()
            .filter_map(|id| {
                let status = self.before.get(id)?;
                Some((
                    id.clone(),
                    serde_json::Value::String(status.as_str().into()),
                ))
            })
            .collect();
        let mut detail = serde_json::json!({ "batch": self.id, "before": before });
        if let Some(undo) = &self.undo {
            detail["undo_of"] = serde_json::Value::String(undo.of.clone());
        }
        detail
    }
}

/// How many chunks are under way at once (crm).
pub const IN_FLIGHT: usize = 3;

/// The default number of ids sent in one request. Every request costs the server more
/// than its ids (README, Figures): 2,000 keeps a big action to a few requests, while a
/// lost answer leaves at most a few thousand ids to read back and progress still moves.
pub const DEFAULT_CHUNK: usize = 2_000;

/// Progress of a bulk action: ids settled so far, of all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Ids answered for, whatever the answer.
    pub done: usize,
    /// Of those, the ids whose outcome is unknown so far (read back at the end).
    pub unknown: usize,
    pub total: usize,
}

/// How long the chunks under way may take to answer once the operator stops the action
/// (quitting the dashboard, Ctrl-C on the command line).
pub const GRACE: Duration = Duration::from_secs(3);

/// Asks a running bulk action to stop; dropping it changes nothing.
#[derive(Debug, Clone)]
pub struct StopSignal(watch::Sender<Option<Duration>>);

impl StopSignal {
    /// No new chunk starts; the one under way is waited for at most `grace` (a shorter
    /// grace asked later wins).
    pub fn stop(&self, grace: Duration) {
        self.0.send_replace(Some(grace));
    }

    /// Whether the action it stops has ended.
    pub fn is_finished(&self) -> bool {
        self.0.is_closed()
    }

    /// Resolves once the action it stops has ended.
    pub async fn finished(&self) {
        self.0.closed().await;
    }
}

/// The bulk action's side of a [`StopSignal`].
#[derive(Debug)]
pub struct Stop(watch::Receiver<Option<Duration>>);

impl Stop {
    /// A pair: the signal to keep, the side to give to [`run`].
    pub fn new() -> (StopSignal, Stop) {
        let (tx, rx) = watch::channel(None);
        (StopSignal(tx), Stop(rx))
    }

    /// A stop that never comes.
    pub fn never() -> Stop {
        Stop::new().1
    }

    fn requested(&self) -> bool {
        self.0.borrow().is_some()
    }

    /// Resolves once a stop was asked (never, if its signal is dropped unasked).
    pub async fn asked(&mut self) {
        if self.0.wait_for(Option::is_some).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Another side of the same signal, for a request sent beside the others.
    fn fork(&self) -> Stop {
        Stop(self.0.clone())
    }

    /// Resolves once a stop was asked and its grace has passed.
    async fn grace_over(&mut self) {
        let mut deadline: Option<Instant> = None;
        loop {
            if let Some(grace) = *self.0.borrow_and_update() {
                let asked = Instant::now() + grace;
                deadline = Some(deadline.map_or(asked, |d| d.min(asked)));
            }
            let changed = self.0.changed();
            match deadline {
                Some(d) => tokio::select! {
                    () = tokio::time::sleep_until(d) => return,
                    gone = changed => if gone.is_err() {
                        tokio::time::sleep_until(d).await;
                        return;
                    },
                },
                None => {
                    if changed.await.is_err() {
                        std::future::pending::<()>().await;
                    }
                }
            }
        }
    }
}

/// What became of one request of a bulk action.
enum Sent<T> {
    Answered(Result<T, ApiError>),
    /// The stop's grace ran out first.
    Abandoned,
}

/// Sends one chunk, unless the stop's grace runs out first.
async fn send<T>(stop: &mut Stop, request: impl Future<Output = Result<T, ApiError>>) -> Sent<T> {
    tokio::select! {
        biased;
        result = request => Sent::Answered(result),
        () = stop.grace_over() => Sent::Abandoned,
    }
}

const ABANDONED: &str = "no answer came before userdeck stopped waiting";

/// What became of ids of a request that got `error`: as [`Outcome::of`] says, but an id
/// the server does not know is said so.
fn outcome_of(error: &ApiError) -> Outcome {
    if error.is_code(RESOURCE_NOT_FOUND) {
        Outcome::Failed(FailReason::UnknownToServer)
    } else {
        Outcome::of::<()>(Err(error))
    }
}

/// Progress as the ledger stands, `pending` of its ids not settled yet though the
/// ledger has them in a class for now: those in flight (unknown until their answer) and
/// halves of a refused chunk waiting to be sent again (failed until then).
fn progress_of(ledger: &Ledger, in_flight: usize, again: usize) -> Progress {
    let counts = ledger.counts();
    Progress {
        done: ledger.len() - counts.not_sent - in_flight - again,
        unknown: counts.unknown - in_flight,
        total: ledger.len(),
    }
}

/// Runs `action` on `ids` (duplicates dropped, order kept) in chunks of `chunk`, calling
/// `progress` as ids settle, until done or stopped; every chunk journalled as part of
/// `batch`. Never fails as a whole: every id given is in the ledger, not sent until its
/// request leaves, unknown from then until an answer says otherwise.
pub async fn run(
    client: &Client,
    action: BulkAction,
    ids: &[String],
    chunk: usize,
    batch: &Batch,
    mut stop: Stop,
    mut progress: impl FnMut(Progress),
) -> Ledger {
    let mut ledger = Ledger::new(ids.iter().cloned());
    let ids: Vec<String> = ledger.entries().map(|(id, _)| id.clone()).collect();
    if !client.capabilities().can(action) {
        let reason = FailReason::CannotDo {
            dialect: client.dialect(),
            action,
        };
        ledger.set_all(&ids, &Outcome::Failed(reason));
        return ledger;
    }
    progress(progress_of(&ledger, 0, 0));
    let chunk = chunk.max(1);
    let sent = Outcome::Unknown(ABANDONED.into());
    match client.dialect() {
        Dialect::Crm => {
            let mut queue: VecDeque<Vec<String>> =
                ids.chunks(chunk).map(<[String]>::to_vec).collect();
            // Up to IN_FLIGHT chunks under way, each started as soon as a slot is free:
            // each is all or nothing on the server, so their order does not matter. The
            // chunks started together (at first, then those an answer or a few answers
            // make room for) are journalled with one sync. A stop, or UNAUTHORIZED, lets
            // none start after it.
            let mut running = FuturesUnordered::new();
            let mut in_flight = 0;
            // Ids of halves waiting to be sent again, first in the queue: failed for now
            // (refused whole), not yet done for the progress.
            let mut again = 0;
            loop {
                let room = IN_FLIGHT - running.len();
                if room > 0 && !queue.is_empty() && !stop.requested() && !ledger.unauthorized() {
                    let starting: Vec<Vec<String>> = std::iter::from_fn(|| queue.pop_front())
                        .take(room)
                        .collect();
                    again -= again.min(starting.iter().map(Vec::len).sum());
                    match client
                        .attempts(action, starting, |part| batch.detail(part))
                        .await
                    {
                        Ok(attempts) => {
                            tracing::info!(
                                action = action.verb(),
                                chunks = attempts.len(),
                                "journalled; sending"
                            );
                            for attempt in attempts {
                                let mut stop = stop.fork();
                                let part = attempt.ids().to_vec();
                                ledger.set_all(&part, &sent);
                                in_flight += part.len();
                                running.push(async move {
                                    (part, send(&mut stop, client.set_status(attempt)).await)
                                });
                            }
                        }
                        // Nothing is sent that the journal does not hold.
                        Err((e, starting)) => {
                            for part in starting {
                                ledger.set_all(&part, &outcome_of(&e));
                            }
                        }
                    }
                }
                let Some(first) = running.next().await else {
                    let over = queue.is_empty() || stop.requested() || ledger.unauthorized();
                    // Over: what could not start (halves included) is settled too.
                    progress(progress_of(
                        &ledger,
                        in_flight,
                        if over { 0 } else { again },
                    ));
                    if over {
                        break;
                    }
                    continue;
                };
                // What else has answered meanwhile is taken in the same turn.
                let answered = std::iter::once(first).chain(std::iter::from_fn(|| {
                    running.next().now_or_never().flatten()
                }));
                // Halves of a chunk that named an unknown id go first, in order.
                let mut halves = Vec::new();
                for (part, result) in answered.collect::<Vec<_>>() {
                    in_flight -= part.len();
                    match result {
                        Sent::Answered(Ok(())) => ledger.set_all(&part, &Outcome::Succeeded),
                        Sent::Answered(Err(e))
                            if e.is_code(RESOURCE_NOT_FOUND) && part.len() > 1 =>
                        {
                            // Refused as a whole, so applied to none: sent again in halves.
                            // Until they are, they were sent and not applied — not "never
                            // sent" (a stop before the halves leaves them so).
                            let why = e.to_string();
                            let cut = crate::text::head(&why, 100);
                            let more = if cut.len() < why.len() { "…" } else { "" };
                            let refused = FailReason::Error(format!(
                                "sent in a chunk the server refused whole ({cut}{more}); not sent again"
                            ));
                            ledger.set_all(&part, &Outcome::Failed(refused));
                            let (left, right) = part.split_at(part.len() / 2);
                            halves.push(left.to_vec());
                            halves.push(right.to_vec());
                        }
                        Sent::Answered(Err(e)) => {
                            if e.is_code(UNAUTHORIZED) {
                                // Every other chunk would be refused the same way.
                                ledger.refuse_token();
                            }
                            ledger.set_all(&part, &outcome_of(&e));
                        }
                        // Left unknown, as marked when it was sent.
                        Sent::Abandoned => {}
                    }
                }
                for half in halves.into_iter().rev() {
                    again += half.len();
                    queue.push_front(half);
                }
                progress(progress_of(&ledger, in_flight, again));
            }
        }
        Dialect::Training => {
            // Malformed ids never reach the server: they would fail the whole request.
            let mut valid = Vec::with_capacity(ids.len());
            for id in ids {
                match uuid::Uuid::parse_str(&id) {
                    Ok(uuid) => valid.push((id, uuid.hyphenated().to_string())),
                    Err(_) => {
                        ledger.set(&id, Outcome::Failed(FailReason::NotUuid));
                    }
                }
            }
            let archive = action == BulkAction::Archive;
            for part in valid.chunks(chunk) {
                if stop.requested() || ledger.unauthorized() {
                    break;
                }
                let canonical: Vec<String> = part.iter().map(|(_, c)| c.clone()).collect();
                let given: Vec<String> = part.iter().map(|(given, _)| given.clone()).collect();
                let detail = batch.detail(&given);
                ledger.set_all(&given, &sent);
                match send(&mut stop, client.archive(archive, &canonical, detail)).await {
                    Sent::Answered(Ok((succeeded, _failed))) => {
                        let ok: HashSet<&str> = succeeded.iter().map(String::as_str).collect();
                        // Reported as the operator gave them.
                        for (given, canonical) in part {
                            let outcome = if ok.contains(canonical.as_str()) {
                                Outcome::Succeeded
                            } else {
                                Outcome::Failed(FailReason::UnknownToServer)
                            };
                            ledger.set(given, outcome);
                        }
                    }
                    Sent::Answered(Err(e)) => {
                        ledger.set_all(&given, &outcome_of(&e));
                        if e.is_code(UNAUTHORIZED) {
                            ledger.refuse_token();
                        }
                    }
                    Sent::Abandoned => {}
                }
                progress(progress_of(&ledger, 0, 0));
            }
        }
    }
    // Unknown because an answer was lost: read back. Unknown because the operator stopped
    // waiting: left so, to quit at once — also when the stop comes while reading back
    // (after its grace: what is not settled by then stays unknown).
    if !stop.requested() {
        let mut stopped = stop.fork();
        tokio::select! {
            () = settle::settle(client, action, &mut ledger, &batch.id) => {}
            () = stopped.grace_over() => {}
        }
    }
    // An undo succeeds where the read-back proves the status before, not where the reverse
    // action was answered: unknown until then, and so when stopped first.
    let unchecked = restore::unchecked(action, &mut ledger, batch);
    if !unchecked.is_empty() {
        if !stop.requested() {
            let mut stopped = stop.fork();
            tokio::select! {
                () = restore::restore(client, action, &mut ledger, &unchecked, &batch.id) => {}
                () = stopped.grace_over() => {}
            }
        }
        restore::journal(client, action, &ledger, &unchecked, &batch.id);
    }
    // The journal holds every id given: those never sent too.
    let unsent: Vec<String> = ledger.not_sent().cloned().collect();
    client.journal_not_sent(action, &unsent, batch.detail(&unsent));
    ledger
}
