//! The task that owns the client and answers requests over channels, so the UI never
//! waits on the network.
//!
//! Every request carries a [`RequestId`] and belongs to a [`Slot`]. A newer list or
//! detail request aborts the one it replaces, so typing a filter never queues a backlog;
//! bulk requests are never aborted half-way, only queued behind each other. training's
//! list is fetched once and then paged, filtered and sorted in memory; `Reload` fetches
//! it again.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tokio::sync::{Mutex, mpsc};
use tokio::task::AbortHandle;

mod messages;
pub use messages::{Request, RequestId, Reread, Response, Slot};

use crate::api::bulk::{self, Stop, StopSignal};
use crate::api::client::Client;
use crate::api::edit;
use crate::api::error::ApiError;
use crate::api::journal;
use crate::api::local::LocalUsers;
use crate::api::model::{ListQuery, Page, UserDetail};
use crate::api::ops::{self, UserKey};
use crate::api::ring;
use crate::api::undo;
use crate::dialect::Dialect;
use crate::export::{self, ExportError};

/// The channels to a running worker.
pub struct WorkerHandle {
    pub requests: mpsc::UnboundedSender<Request>,
    pub responses: mpsc::UnboundedReceiver<Response>,
}

/// How the worker does its work: the profile's settings it needs.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// Ids a bulk action sends in one request (0: the default).
    pub chunk: usize,
    /// When an account opened is marked with a signal.
    pub signals: crate::signals::Thresholds,
}

impl Setup {
    pub fn of(profile: &crate::config::Profile) -> Setup {
        Setup {
            chunk: profile.chunk_size,
            signals: profile.signals.clone(),
        }
    }

    /// The defaults, with bulk actions sent `chunk` ids at a time.
    pub fn chunked(chunk: usize) -> Setup {
        Setup {
            chunk,
            ..Setup::default()
        }
    }
}

/// Starts the worker on the current tokio runtime.
pub fn spawn(client: Client, setup: Setup) -> WorkerHandle {
    let (request_tx, request_rx) = mpsc::unbounded_channel();
    let (response_tx, response_rx) = mpsc::unbounded_channel();
    tokio::spawn(run(client, setup, request_rx, response_tx));
    WorkerHandle {
        requests: request_tx,
        responses: response_rx,
    }
}

struct Shared {
    client: Client,
    setup: Setup,
    /// training: the whole list, once fetched.
    cache: Mutex<Option<Arc<LocalUsers>>>,
    /// A bulk action changed users since the cache was filled.
    stale: AtomicBool,
    /// Counts what changed the list's freshness: a bulk action or an edit, a list kept.
    /// A list fetched beside the one held is kept only if nothing did meanwhile.
    epoch: std::sync::atomic::AtomicU64,
    /// Bulk requests run one after another.
    bulk_lock: Mutex<()>,
}

async fn run(
    client: Client,
    setup: Setup,
    mut requests: mpsc::UnboundedReceiver<Request>,
    responses: mpsc::UnboundedSender<Response>,
) {
    let shared = Arc::new(Shared {
        client,
        setup,
        cache: Mutex::new(None),
        stale: AtomicBool::new(false),
        epoch: std::sync::atomic::AtomicU64::new(0),
        bulk_lock: Mutex::new(()),
    });
    let mut running: HashMap<Slot, AbortHandle> = HashMap::new();
    // One per bulk action under way or waiting its turn.
    let mut stops: Vec<StopSignal> = Vec::new();
    while let Some(request) = requests.recv().await {
        stops.retain(|s| !s.is_finished());
        let Some((id, slot)) = request.ticket() else {
            match request {
                Request::StopBulk { grace } => stops.iter().for_each(|s| s.stop(grace)),
                // Never a bulk action's: its chunks under way are journalled, not dropped.
                Request::Abandon { slot } if slot != Slot::Bulk => {
                    if let Some(work) = running.remove(&slot) {
                        work.abort();
                    }
                }
                _ => {}
            }
            continue;
        };
        let stop = if slot == Slot::Bulk {
            let (signal, stop) = Stop::new();
            stops.push(signal);
            Some(stop)
        } else {
            None
        };
        if slot != Slot::Bulk
            && let Some(previous) = running.remove(&slot)
        {
            previous.abort();
        }
        let work = tokio::spawn(answer(shared.clone(), request, stop, responses.clone()));
        running.insert(slot, work.abort_handle());
        // A supervisor reports a panic instead of losing the answer silently.
        let responses = responses.clone();
        tokio::spawn(async move {
            if let Err(e) = work.await
                && e.is_panic()
            {
                let message = e
                    .into_panic()
                    .downcast::<String>()
                    .map(|s| *s)
                    .or_else(|p| p.downcast::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|_| "a background task panicked".into());
                let _ = responses.send(Response::Failed { id, slot, message });
            }
        });
    }
}

async fn answer(
    shared: Arc<Shared>,
    request: Request,
    stop: Option<Stop>,
    responses: mpsc::UnboundedSender<Response>,
) {
    let started = Instant::now();
    let reload = matches!(request, Request::Reload { .. });
    let ahead = matches!(request, Request::Prefetch { .. });
    match request {
        Request::List { id, query }
        | Request::Reload { id, query }
        | Request::Prefetch { id, query } => {
            let told = |count| {
                let _ = responses.send(Response::Arriving { id, count });
            };
            let fetch = if reload { Fetch::Again } else { Fetch::Held };
            let result = page(&shared, &query, fetch, &told).await;
            let elapsed = started.elapsed();
            let _ = responses.send(if ahead {
                Response::Prefetched {
                    id,
                    query,
                    result,
                    elapsed,
                }
            } else {
                Response::Page {
                    id,
                    query,
                    result,
                    elapsed,
                }
            });
        }
        Request::Reveal { id, query, user } => {
            let result = reveal(&shared, query.clone(), &user).await;
            let (query, result) = match result {
                Ok((query, page)) => (query, Ok(page)),
                Err(e) => (query, Err(e)),
            };
            let _ = responses.send(Response::Page {
                id,
                query,
                result,
                elapsed: started.elapsed(),
            });
        }
        Request::Edit {
            id,
            target,
            changes,
            reason,
        } => {
            let client = shared.client.because(reason.as_deref());
            let result = edit::send(&client, &target, *changes).await.map(Box::new);
            // The list no longer holds what the server does.
            shared.mark_stale();
            let _ = responses.send(Response::Edited {
                id,
                result,
                elapsed: started.elapsed(),
            });
        }
        Request::Export { id, rows, target } => {
            let sender = responses.clone();
            let progress = move |progress| {
                let _ = sender.send(Response::ExportProgress { id, progress });
            };
            let result = match shared.client.dialect() {
                // The whole list is at hand: paged and written off the async threads.
                Dialect::Training => match training_users(&shared, Fetch::Held, &|_| {}).await {
                    Ok(users) => tokio::task::spawn_blocking(move || {
                        export::run_local(&users, &rows, &target, progress)
                    })
                    .await
                    .unwrap_or_else(|e| Err(ExportError::Abandoned(e.to_string()))),
                    Err(e) => Err(e.into()),
                },
                Dialect::Crm => export::run_remote(&shared.client, &rows, &target, progress).await,
            };
            let _ = responses.send(Response::Exported { id, result });
        }
        Request::Journal { id, path, limit } => {
            if let Some(journal) = shared.client.journal() {
                journal.flushed().await;
            }
            let result = tokio::task::spawn_blocking(move || journal::read(&path, limit))
                .await
                .map_err(|e| e.to_string())
                .and_then(|read| read.map_err(|e| e.to_string()));
            let _ = responses.send(Response::Journal { id, result });
        }
        Request::PlanUndo {
            id,
            path,
            entry,
            profile,
        } => {
            let result = undo::prepare(&shared.client, path, entry, &profile).await;
            let _ = responses.send(Response::UndoPlanned { id, result });
        }
        Request::Ring { id, start, depth } => {
            let told = |read: usize, known: usize| {
                let _ = responses.send(Response::RingProgress { id, read, known });
            };
            let thresholds = &shared.setup.signals;
            let result = ring::follow(&shared.client, &start, depth, thresholds, &told).await;
            let _ = responses.send(Response::Ring {
                id,
                result: result.map(Box::new),
            });
        }
        Request::Timeline {
            id,
            key,
            journal,
            profile,
        } => {
            let result = crate::api::timeline::read(&shared.client, &key, journal, &profile).await;
            let _ = responses.send(Response::Timeline { id, result });
        }
        Request::View {
            id,
            path,
            profile,
            ask,
            view,
        } => {
            let result = tokio::task::spawn_blocking(move || views(&path, &profile, ask, view))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            let _ = responses.send(Response::View { id, result });
        }
        Request::RunAction {
            id,
            name,
            command,
            env,
            ids,
            reason,
            on_terminal,
        } => {
            // Stopped (Esc drops this task): journalled as ended by no exit code.
            let journal = shared
                .client
                .journal()
                .map(|j| j.because(reason.as_deref()));
            let stopped = {
                let (journal, name, ids) = (journal.clone(), name.clone(), ids.clone());
                move || {
                    if let Some(journal) = journal {
                        journal.action_run(&name, &ids, None);
                    }
                }
            };
            let result = if on_terminal {
                drop(stopped);
                crate::actions::run_on_terminal(&command, &env).await
            } else {
                crate::actions::run(&command, &env, &ids, stopped).await
            };
            if let (Some(journal), Ok(ran)) = (&journal, &result) {
                journal.action_run(&name, &ids, ran.code);
            }
            let _ = responses.send(Response::ActionRan { id, result });
        }
        Request::Watch { id, page, user } => {
            // The page read as a reload would (training: the whole list again).
            let page_read = async {
                match page {
                    Some(query) => {
                        let result = self::page(&shared, &query, Fetch::Beside, &|_| {}).await;
                        Some((query, result))
                    }
                    None => None,
                }
            };
            let user_read = async {
                match user {
                    Some(key) => {
                        let result = detail(&shared, &key).await;
                        Some((key, result))
                    }
                    None => None,
                }
            };
            let (page, user) = tokio::join!(page_read, user_read);
            let read = Box::new(Reread { page, user });
            let _ = responses.send(Response::Watched { id, read });
        }
        Request::Detail { id, key } => {
            let result = detail(&shared, &key).await;
            let _ = responses.send(Response::Detail {
                id,
                key,
                result,
                elapsed: started.elapsed(),
            });
        }
        Request::Bulk {
            id,
            action,
            ids,
            before,
            undo,
            reason,
        } => {
            let batch = bulk::Batch::new(before, undo);
            let client = shared.client.because(reason.as_deref());
            let _turn = shared.bulk_lock.lock().await;
            let stop = stop.unwrap_or_else(Stop::never);
            let report = bulk::run(
                &client,
                action,
                &ids,
                shared.setup.chunk,
                &batch,
                stop,
                |progress| {
                    let _ = responses.send(Response::BulkProgress { id, progress });
                },
            )
            .await;
            // What changed is no longer what the cache holds. Marked, not cleared here: a
            // slow fetch holding the cache must not hold the outcome back.
            shared.mark_stale();
            let _ = responses.send(Response::BulkDone {
                id,
                action,
                report,
                elapsed: started.elapsed(),
            });
        }
        Request::StopBulk { .. } | Request::Abandon { .. } => {}
    }
}

/// `:view`'s work on the views file.
fn views(
    path: &std::path::Path,
    profile: &str,
    ask: crate::app::ViewAsk,
    view: Option<Box<crate::views::View>>,
) -> Result<crate::app::ViewAnswer, String> {
    use crate::app::{ViewAnswer, ViewAsk};
    match (ask, view) {
        (ViewAsk::Save(name), Some(view)) => {
            let saved = crate::views::save(path, profile, &name, *view)?;
            Ok(ViewAnswer::Saved(name, saved))
        }
        (ViewAsk::Open(name), _) => {
            let view = crate::views::find(path, profile, &name)?;
            Ok(ViewAnswer::Found(name, Box::new(view)))
        }
        _ => Ok(ViewAnswer::Listed(
            crate::views::load(path, profile)?.into_keys().collect(),
        )),
    }
}

/// Everything about one user, with its signals.
async fn detail(shared: &Shared, key: &UserKey) -> Result<Box<UserDetail>, ApiError> {
    let mut detail = ops::detail(&shared.client, key).await?;
    crate::signals::mark(&mut detail, &shared.setup.signals);
    Ok(Box::new(detail))
}

/// The page of `query` holding `user`, with the query for it (its offset); the first
/// page when the user does not answer the query. crm pages on the server: as asked.
async fn reveal(
    shared: &Shared,
    mut query: ListQuery,
    user: &str,
) -> Result<(ListQuery, Page), ApiError> {
    if shared.client.dialect() == Dialect::Training {
        // After an edit the list is stale already (set before its answer went out): it is
        // read again then, and not a second time if a listing read it meanwhile.
        let users = training_users(shared, Fetch::Held, &|_| {}).await?;
        let user = user.to_string();
        // Found and paged in one go, off the async threads.
        return tokio::task::spawn_blocking(move || {
            let limit = query.limit.max(1);
            let found = users.position(&query, &user);
            query.offset = found.map_or(0, |at| at / limit * limit);
            let page = users.page(&query);
            (query, page)
        })
        .await
        .map_err(|e| ApiError::Refused(format!("paging failed: {e}")));
    }
    let page = page(shared, &query, Fetch::Again, &|_| {}).await?;
    Ok((query, page))
}

impl Shared {
    /// A change was sent: the list held is not what the server has.
    fn mark_stale(&self) {
        self.stale.store(true, Ordering::SeqCst);
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }
}

/// How training's whole list is had.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fetch {
    /// The list held, unless it is stale.
    Held,
    /// Fetched again, the old one dropped first (the operator waits for it).
    Again,
    /// Fetched again beside the one held, which answers others meanwhile (a watch's
    /// read: the operator's page turns do not wait for it).
    Beside,
}

/// training: the whole list, fetched again when asked or when it is stale.
async fn training_users(
    shared: &Shared,
    fetch: Fetch,
    told: &(dyn Fn(u64) + Send + Sync),
) -> Result<Arc<LocalUsers>, ApiError> {
    if fetch == Fetch::Beside {
        let began = shared.epoch.load(Ordering::SeqCst);
        let users = Arc::new(ops::training_all_told(&shared.client, told).await?);
        let mut cache = shared.cache.lock().await;
        // Older than a change or a list kept since it began: this answer only.
        if shared.epoch.load(Ordering::SeqCst) == began {
            shared.stale.store(false, Ordering::SeqCst);
            shared.epoch.fetch_add(1, Ordering::SeqCst);
            *cache = Some(users.clone());
        }
        return Ok(users);
    }
    let mut cache = shared.cache.lock().await;
    if shared.stale.swap(false, Ordering::SeqCst) || fetch == Fetch::Again {
        *cache = None;
        shared.epoch.fetch_add(1, Ordering::SeqCst);
    }
    match cache.as_ref() {
        Some(users) => Ok(users.clone()),
        None => {
            let users = Arc::new(ops::training_all_told(&shared.client, told).await?);
            *cache = Some(users.clone());
            Ok(users)
        }
    }
}

async fn page(
    shared: &Shared,
    query: &ListQuery,
    fetch: Fetch,
    told: &(dyn Fn(u64) + Send + Sync),
) -> Result<Page, ApiError> {
    let sort = query.sort;
    match shared.client.dialect() {
        Dialect::Crm => ops::crm_page(&shared.client, query).await,
        Dialect::Training => {
            let users = training_users(shared, fetch, told).await?;
            let query = query.clone();
            // Sorting a large list the first time takes a while: off the async threads.
            // The first page is picked without it; the order is made after, for the next.
            let page = tokio::task::spawn_blocking({
                let users = users.clone();
                move || users.page(&query)
            })
            .await
            .map_err(|e| ApiError::Refused(format!("paging failed: {e}")))?;
            tokio::task::spawn_blocking(move || users.prepare(sort));
            Ok(page)
        }
    }
}
