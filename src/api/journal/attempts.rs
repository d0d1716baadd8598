//! Attempt lines written to the journal by its own thread (the disk may take its time:
//! a sync per set of requests) while the request waits, without losing what a cancelled
//! request stood for: when the request waiting on the write is dropped before it learns
//! the write is done, its ids are journalled as never sent — after the attempt lines, by
//! whichever side finishes last.

use std::sync::{Arc, Mutex, PoisonError};

use super::write::{Entry, Journal, Lines};
use crate::api::ledger::{Ledger, Outcome};

/// Each attempt's ids with its journal entry.
pub type Attempted = Vec<(Vec<String>, Entry)>;

/// What the writing side and the waiting side share.
#[derive(Default)]
struct Stage {
    /// The attempts, until one side takes them.
    attempts: Option<Attempted>,
    /// Whether the lines were written (None: not yet known).
    written: Option<bool>,
    /// The waiting side was dropped before it took the attempts.
    dropped: bool,
}

/// Writes `lines` (the attempts of `attempts`) off the async threads, and gives the
/// attempts back once they are on disk; on failure, their ids (nothing may be sent).
pub async fn write(
    journal: &Journal,
    lines: Lines,
    attempts: Attempted,
) -> Result<Attempted, (std::io::Error, Vec<Vec<String>>)> {
    let stage = Arc::new(Mutex::new(Stage {
        attempts: Some(attempts),
        ..Stage::default()
    }));
    let mut waiting = Waiting {
        stage: stage.clone(),
        journal: journal.clone(),
        armed: true,
    };
    let (shared, on_disk) = (stage.clone(), journal.clone());
    let (told, written) = tokio::sync::oneshot::channel();
    lines.send(Box::new(move |result| {
        done(&shared, &on_disk, result.is_ok());
        let _ = told.send(result);
    }));
    let result = written
        .await
        .unwrap_or_else(|_| Err(std::io::Error::other("the journal's writer stopped")));
    waiting.armed = false;
    let attempts = stage
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .attempts
        .take()
        .unwrap_or_default();
    match result {
        Ok(()) => Ok(attempts),
        Err(e) => Err((e, attempts.into_iter().map(|(ids, _)| ids).collect())),
    }
}

/// The writing side is done: when the waiting side was dropped meanwhile, it says the
/// attempts were never sent.
fn done(stage: &Mutex<Stage>, journal: &Journal, written: bool) {
    let mut stage = stage.lock().unwrap_or_else(PoisonError::into_inner);
    stage.written = Some(written);
    if stage.dropped
        && written
        && let Some(attempts) = stage.attempts.take()
    {
        never_sent_all(journal, attempts);
    }
}

/// The waiting side: dropped while armed, the attempts were never sent.
struct Waiting {
    stage: Arc<Mutex<Stage>>,
    journal: Journal,
    armed: bool,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let mut stage = self.stage.lock().unwrap_or_else(PoisonError::into_inner);
        stage.dropped = true;
        // Written already: the writing side is done, so this side says it.
        if stage.written == Some(true)
            && let Some(attempts) = stage.attempts.take()
        {
            never_sent_all(&self.journal, attempts);
        }
    }
}

fn never_sent_all(journal: &Journal, attempts: Attempted) {
    for (ids, entry) in attempts {
        never_sent(journal, &entry, &ids);
    }
}

/// Journals the ids of the attempt `entry` as never sent.
pub fn never_sent(journal: &Journal, entry: &Entry, ids: &[String]) {
    let why = "never sent";
    let report = Ledger::all(ids.iter().cloned(), &Outcome::NotSent);
    journal.outcome(entry, &report, Some(why));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A journal holding one attempt of `ids`, and the waiting side's share of it.
    fn attempted(dir: &std::path::Path) -> (Journal, Arc<Mutex<Stage>>) {
        let journal = Journal::new(dir.join("audit.jsonl"), "p", "http://x");
        let ids = vec!["a".to_string(), "b".to_string()];
        let (lines, entries) = journal.attempt_lines("block", [(ids.as_slice(), None)]);
        lines.write().unwrap();
        let stage = Arc::new(Mutex::new(Stage {
            attempts: Some(entries.into_iter().map(|e| (ids.clone(), e)).collect()),
            ..Stage::default()
        }));
        (journal, stage)
    }

    fn never_sent_lines(journal: &Journal, dir: &std::path::Path) -> usize {
        journal.flush();
        std::fs::read_to_string(dir.join("audit.jsonl"))
            .unwrap()
            .lines()
            .filter(|l| l.contains("\"event\":\"outcome\"") && l.contains("never sent"))
            .count()
    }

    #[test]
    fn a_request_dropped_while_its_attempt_is_written_is_journalled_never_sent_once() {
        for dropped_first in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let (journal, stage) = attempted(dir.path());
            let waiting = Waiting {
                stage: stage.clone(),
                journal: journal.clone(),
                armed: true,
            };
            if dropped_first {
                drop(waiting);
                done(&stage, &journal, true);
            } else {
                done(&stage, &journal, true);
                drop(waiting);
            }
            assert_eq!(
                never_sent_lines(&journal, dir.path()),
                1,
                "dropped first: {dropped_first}"
            );
        }
        // Not dropped: the attempts go on to be sent, nothing more is said here.
        let dir = tempfile::tempdir().unwrap();
        let (journal, stage) = attempted(dir.path());
        let mut waiting = Waiting {
            stage: stage.clone(),
            journal: journal.clone(),
            armed: true,
        };
        done(&stage, &journal, true);
        waiting.armed = false;
        drop(waiting);
        assert_eq!(never_sent_lines(&journal, dir.path()), 0);
        assert!(
            stage.lock().unwrap().attempts.is_some(),
            "still there to be sent"
        );
    }
}
