//! The journal's one writer: a thread that appends its lines, so that no async thread
//! waits on the disk (a slow disk, a full one, a pipe no one reads), and lines go out in
//! the order they were handed over. Nothing waits for the writers but [`drain`], which
//! the program calls on its way out.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// What is told when the lines are written (or could not be).
pub type Then = Box<dyn FnOnce(std::io::Result<()>) + Send>;

/// Lines to append to the journal.
struct Job {
    text: String,
    /// Synced to disk before `then` is told.
    sync: bool,
    then: Option<Then>,
}

/// A writer, as its handles and [`drain`] see it.
#[derive(Default)]
struct Writer {
    /// Closed (None) once its journal is dropped.
    queue: Mutex<Option<Sender<Job>>>,
    /// Jobs handed over and not done yet (written, and their `then` told: a `then` may
    /// hand over more), and whether the thread has ended.
    pending: Mutex<(usize, bool)>,
    /// Told whenever `pending` changes.
    changed: Condvar,
}

impl Writer {
    fn pending(&self) -> MutexGuard<'_, (usize, bool)> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One job more (`+1`) or one done (`-1`).
    fn count(&self, change: isize) {
        let mut pending = self.pending();
        pending.0 = pending.0.saturating_add_signed(change);
        self.changed.notify_all();
    }

    fn ended(&self) {
        self.pending().1 = true;
        self.changed.notify_all();
    }
}

/// Every writer of this process whose thread runs, for [`drain`].
static WRITERS: Mutex<Vec<Arc<Writer>>> = Mutex::new(Vec::new());

/// The handle on a writer thread; dropped, it closes the queue without waiting: the
/// thread writes what it holds, and [`drain`] waits for that.
pub struct Appender {
    writer: Arc<Writer>,
}

impl std::fmt::Debug for Appender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Appender")
    }
}

impl Appender {
    /// Starts the thread that appends to `path` (made, with its folder, on first write).
    pub fn start(path: PathBuf) -> Appender {
        let (jobs, queue) = mpsc::channel::<Job>();
        let writer = Arc::new(Writer::default());
        let thread_side = writer.clone();
        let started = std::thread::Builder::new()
            .name("journal".into())
            .spawn(move || {
                for job in queue {
                    let written = append(&path, &job.text, job.sync);
                    match job.then {
                        Some(then) => then(written),
                        None => {
                            if let Err(e) = written {
                                tracing::warn!(error = %e, "cannot write to the audit journal");
                            }
                        }
                    }
                    thread_side.count(-1);
                }
                thread_side.ended();
            });
        match started {
            Ok(_) => {
                *writer.queue.lock().unwrap_or_else(PoisonError::into_inner) = Some(jobs);
                let mut writers = WRITERS.lock().unwrap_or_else(PoisonError::into_inner);
                // Those whose threads are done are forgotten.
                writers.retain(|w| !w.pending().1);
                writers.push(writer.clone());
            }
            Err(e) => tracing::warn!(error = %e, "cannot start the audit journal's writer"),
        }
        Appender { writer }
    }

    /// Queues `text` (whole lines) to be appended in one write, synced to disk when
    /// `sync`; `then` is told how it went. Never waits on the disk.
    pub fn append(&self, text: String, sync: bool, then: Option<Then>) {
        let job = Job { text, sync, then };
        let refused = {
            let queue = self
                .writer
                .queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match queue.as_ref() {
                Some(jobs) => {
                    self.writer.count(1);
                    let refused = jobs.send(job).err().map(|e| e.0);
                    if refused.is_some() {
                        self.writer.count(-1);
                    }
                    refused
                }
                None => Some(job),
            }
        };
        // Told outside the lock: a `then` may append again.
        if let Some(Job { then, .. }) = refused {
            let stopped = std::io::Error::other("the audit journal's writer has stopped");
            match then {
                Some(then) => then(Err(stopped)),
                None => tracing::warn!(error = %stopped, "cannot write to the audit journal"),
            }
        }
    }
}

impl Drop for Appender {
    fn drop(&mut self) {
        self.writer
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

/// Waits, `within` a deadline, until every writer of this process has written all it was
/// handed — the lines handed over by lines being written too — or its thread has ended:
/// the program's last step, so that no journal line dies with it.
pub fn drain(within: Duration) {
    let deadline = Instant::now() + within;
    let writers = std::mem::take(&mut *WRITERS.lock().unwrap_or_else(PoisonError::into_inner));
    for writer in writers {
        let left = deadline.saturating_duration_since(Instant::now());
        let pending = writer.pending();
        let (pending, _) = writer
            .changed
            .wait_timeout_while(pending, left, |(jobs, ended)| *jobs > 0 && !*ended)
            .unwrap_or_else(PoisonError::into_inner);
        if pending.0 > 0 && !pending.1 {
            tracing::warn!("the audit journal's last lines may not be written");
        }
    }
}

/// Appends whole lines of `text` in one write (in append mode: lines of concurrent
/// writers, other processes among them, do not mix), synced to disk when `sync`.
fn append(path: &std::path::Path, text: &str, sync: bool) -> std::io::Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(text.as_bytes())?;
    if sync {
        file.sync_data()?;
    }
    Ok(())
}
