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
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, mpsc};
use tokio::task::AbortHandle;

use super::bulk::{self, Progress};
use super::client::Client;
use super::error::ApiError;
use super::local::LocalUsers;
use super::model::{BulkAction, BulkReport, ListQuery, Page, UserDetail};
use super::ops::{self, UserKey};
use crate::dialect::Dialect;

/// Identifies a request; the app keeps the newest per slot and drops older answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RequestId(pub u64);

/// Requests of one slot replace each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    List,
    /// The page after the one shown, fetched ahead.
    Prefetch,
    Detail,
    Bulk,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// One page of users.
    List { id: RequestId, query: ListQuery },
    /// Like `List`, after dropping anything cached.
    Reload { id: RequestId, query: ListQuery },
    /// A page fetched ahead, answered as `Prefetched`.
    Prefetch { id: RequestId, query: ListQuery },
    /// Everything about one user.
    Detail { id: RequestId, key: UserKey },
    /// An action on many users.
    Bulk {
        id: RequestId,
        action: BulkAction,
        ids: Vec<String>,
    },
}

impl Request {
    pub fn id(&self) -> RequestId {
        match self {
            Request::List { id, .. }
            | Request::Reload { id, .. }
            | Request::Prefetch { id, .. }
            | Request::Detail { id, .. }
            | Request::Bulk { id, .. } => *id,
        }
    }

    pub fn slot(&self) -> Slot {
        match self {
            Request::List { .. } | Request::Reload { .. } => Slot::List,
            Request::Prefetch { .. } => Slot::Prefetch,
            Request::Detail { .. } => Slot::Detail,
            Request::Bulk { .. } => Slot::Bulk,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Response {
    Page {
        id: RequestId,
        result: Result<Page, ApiError>,
        elapsed: Duration,
    },
    Prefetched {
        id: RequestId,
        result: Result<Page, ApiError>,
        elapsed: Duration,
    },
    Detail {
        id: RequestId,
        result: Result<Box<UserDetail>, ApiError>,
        elapsed: Duration,
    },
    BulkProgress {
        id: RequestId,
        progress: Progress,
    },
    BulkDone {
        id: RequestId,
        action: BulkAction,
        report: BulkReport,
        elapsed: Duration,
    },
    /// A request's task panicked; the worker goes on.
    Failed {
        id: RequestId,
        slot: Slot,
        message: String,
    },
}

/// The channels to a running worker.
pub struct WorkerHandle {
    pub requests: mpsc::UnboundedSender<Request>,
    pub responses: mpsc::UnboundedReceiver<Response>,
}

/// Starts the worker on the current tokio runtime.
pub fn spawn(client: Client, chunk: usize) -> WorkerHandle {
    let (request_tx, request_rx) = mpsc::unbounded_channel();
    let (response_tx, response_rx) = mpsc::unbounded_channel();
    tokio::spawn(run(client, chunk, request_rx, response_tx));
    WorkerHandle {
        requests: request_tx,
        responses: response_rx,
    }
}

struct Shared {
    client: Client,
    chunk: usize,
    /// training: the whole list, once fetched.
    cache: Mutex<Option<Arc<LocalUsers>>>,
    /// Bulk requests run one after another.
    bulk_lock: Mutex<()>,
}

async fn run(
    client: Client,
    chunk: usize,
    mut requests: mpsc::UnboundedReceiver<Request>,
    responses: mpsc::UnboundedSender<Response>,
) {
    let shared = Arc::new(Shared {
        client,
        chunk,
        cache: Mutex::new(None),
        bulk_lock: Mutex::new(()),
    });
    let mut running: HashMap<Slot, AbortHandle> = HashMap::new();
    while let Some(request) = requests.recv().await {
        let (id, slot) = (request.id(), request.slot());
        if slot != Slot::Bulk
            && let Some(previous) = running.remove(&slot)
        {
            previous.abort();
        }
        let work = tokio::spawn(answer(shared.clone(), request, responses.clone()));
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

async fn answer(shared: Arc<Shared>, request: Request, responses: mpsc::UnboundedSender<Response>) {
    let started = Instant::now();
    let reload = matches!(request, Request::Reload { .. });
    let ahead = matches!(request, Request::Prefetch { .. });
    match request {
        Request::List { id, query }
        | Request::Reload { id, query }
        | Request::Prefetch { id, query } => {
            let result = page(&shared, &query, reload).await;
            let elapsed = started.elapsed();
            let _ = responses.send(if ahead {
                Response::Prefetched {
                    id,
                    result,
                    elapsed,
                }
            } else {
                Response::Page {
                    id,
                    result,
                    elapsed,
                }
            });
        }
        Request::Detail { id, key } => {
            let result = ops::detail(&shared.client, &key).await.map(Box::new);
            let _ = responses.send(Response::Detail {
                id,
                result,
                elapsed: started.elapsed(),
            });
        }
        Request::Bulk { id, action, ids } => {
            let _turn = shared.bulk_lock.lock().await;
            let report = bulk::run(&shared.client, action, &ids, shared.chunk, |progress| {
                let _ = responses.send(Response::BulkProgress { id, progress });
            })
            .await;
            // What changed is no longer what the cache holds.
            *shared.cache.lock().await = None;
            let _ = responses.send(Response::BulkDone {
                id,
                action,
                report,
                elapsed: started.elapsed(),
            });
        }
    }
}

async fn page(shared: &Shared, query: &ListQuery, reload: bool) -> Result<Page, ApiError> {
    match shared.client.dialect() {
        Dialect::Crm => ops::crm_page(&shared.client, query).await,
        Dialect::Training => {
            let users = {
                let mut cache = shared.cache.lock().await;
                if reload {
                    *cache = None;
                }
                match cache.as_ref() {
                    Some(users) => users.clone(),
                    None => {
                        let users =
                            Arc::new(LocalUsers::new(ops::training_all(&shared.client).await?));
                        *cache = Some(users.clone());
                        users
                    }
                }
            };
            let query = query.clone();
            // Sorting a large list the first time takes a while: off the async threads.
            tokio::task::spawn_blocking(move || users.page(&query))
                .await
                .map_err(|e| ApiError::Refused(format!("paging failed: {e}")))
        }
    }
}
