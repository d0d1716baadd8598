//! The journal's one writer: a thread that appends its lines, so that no async thread
//! waits on the disk (a slow disk, a full one, a pipe no one reads), and lines go out in
//! the order they were handed over. Nothing waits for the writers but [`drain`], which
//! the program calls on its way out.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError, Weak};
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

/// A writer's queue: closed (None) once its journal is dropped.
type Queue = Mutex<Option<Sender<Job>>>;

/// Every writer of this process, for [`drain`]: its queue while its journal lives, and
/// word of the thread's end (it writes what it holds first).
static WRITERS: Mutex<Vec<Writer>> = Mutex::new(Vec::new());

struct Writer {
    queue: Weak<Queue>,
    ended: Receiver<()>,
}

/// The handle on a writer thread; dropped, it closes the queue without waiting: the
/// thread writes what it holds, and [`drain`] waits for that.
pub struct Appender {
    queue: Arc<Queue>,
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
        let (done, ended) = mpsc::channel();
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
                }
                let _ = done.send(());
            });
        if let Err(e) = &started {
            tracing::warn!(error = %e, "cannot start the audit journal's writer");
        }
        let queue = Arc::new(Mutex::new(started.ok().map(|_| jobs)));
        let mut writers = WRITERS.lock().unwrap_or_else(PoisonError::into_inner);
        // Those whose threads are done are forgotten.
        writers.retain(|w| matches!(w.ended.try_recv(), Err(TryRecvError::Empty)));
        writers.push(Writer {
            queue: Arc::downgrade(&queue),
            ended,
        });
        Appender { queue }
    }

    /// Queues `text` (whole lines) to be appended in one write, synced to disk when
    /// `sync`; `then` is told how it went. Never waits on the disk.
    pub fn append(&self, text: String, sync: bool, then: Option<Then>) {
        send(&self.queue, Job { text, sync, then });
    }
}

/// Queues `job`; a queue that is closed or whose thread stopped tells its `then`.
fn send(queue: &Queue, job: Job) {
    let refused = match queue
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
    {
        Some(jobs) => jobs.send(job).err().map(|e| e.0),
        None => Some(job),
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

impl Drop for Appender {
    fn drop(&mut self) {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

/// Waits, `within` a deadline, until every writer of this process has written what it
/// was handed so far: the program's last step, so that no journal line dies with it.
pub fn drain(within: Duration) {
    let deadline = Instant::now() + within;
    let writers = std::mem::take(&mut *WRITERS.lock().unwrap_or_else(PoisonError::into_inner));
    for writer in writers {
        let left = deadline.saturating_duration_since(Instant::now());
        let (told, written) = mpsc::channel();
        // Its journal lives: a mark after what is queued. Dropped: the thread's end.
        let marked = writer.queue.upgrade().is_some_and(|queue| {
            let mark = Job {
                text: String::new(),
                sync: false,
                then: Some(Box::new(move |result: std::io::Result<()>| {
                    let _ = told.send(result.is_ok());
                })),
            };
            send(&queue, mark);
            true
        });
        // A mark refused (the queue closed meanwhile): the thread's end, then.
        let done = match marked.then(|| written.recv_timeout(left)) {
            Some(Ok(true)) => true,
            Some(Err(_)) => false,
            Some(Ok(false)) | None => {
                let left = deadline.saturating_duration_since(Instant::now());
                writer.ended.recv_timeout(left).is_ok()
            }
        };
        if !done {
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
