//! The journal's one writer: a thread that appends its lines, so that no async thread
//! waits on the disk (a slow disk, a full one, a pipe no one reads), and lines go out in
//! the order they were handed over.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Mutex, PoisonError};
use std::thread::ThreadId;
use std::time::Duration;

/// What is told when the lines are written (or could not be).
pub type Then = Box<dyn FnOnce(std::io::Result<()>) + Send>;

/// How long the last handle on a journal waits for its lines still queued to be
/// written: a disk that takes longer loses them rather than holding the exit.
const DRAIN: Duration = Duration::from_secs(5);

/// Lines to append to the journal.
struct Job {
    text: String,
    /// Synced to disk before `then` is told.
    sync: bool,
    then: Option<Then>,
}

/// The handle on the writer thread; dropped, it waits (a while) for the queued lines.
pub struct Appender {
    jobs: Mutex<Option<Sender<Job>>>,
    drained: Mutex<Receiver<()>>,
    /// The writer thread (none when it could not start).
    writer: Option<ThreadId>,
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
        let (done, drained) = mpsc::channel();
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
        let writer = started.ok().map(|thread| thread.thread().id());
        Appender {
            jobs: Mutex::new(writer.map(|_| jobs)),
            drained: Mutex::new(drained),
            writer,
        }
    }

    /// Queues `text` (whole lines) to be appended in one write, synced to disk when
    /// `sync`; `then` is told how it went. Never waits on the disk.
    pub fn append(&self, text: String, sync: bool, then: Option<Then>) {
        let jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        let job = Job { text, sync, then };
        let refused = match jobs.as_ref() {
            Some(jobs) => jobs.send(job).err().map(|e| e.0),
            None => Some(job),
        };
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
        // The queue closes; the thread writes what it holds, then says so.
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        // Dropped by the writer itself (a line's `then` held the last handle): it is
        // already writing the rest.
        if self.writer.is_none_or(|w| w == std::thread::current().id()) {
            return;
        }
        let drained = self.drained.lock().unwrap_or_else(PoisonError::into_inner);
        if drained.recv_timeout(DRAIN).is_err() {
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
