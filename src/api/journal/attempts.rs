//! Attempts journalled before their request leaves, held as guards: an attempt dropped
//! before it was sent — its request cancelled while its lines were being written, or
//! after — journals its ids as never sent, and always after its attempt line. The guards
//! travel to the journal's thread with the lines and come back through a oneshot once
//! the lines are synced; a request dropped meanwhile drops them there (after the write)
//! or with the channel, and each says it on its own.

use serde_json::Value;

use super::write::{Entry, Journal};
use crate::api::ledger::{Ledger, Outcome};

/// An attempt not sent yet: its ids, and its journal entry (none without a journal).
#[derive(Debug)]
pub struct Unsent {
    journal: Option<Journal>,
    entry: Option<Entry>,
    ids: Vec<String>,
}

impl Unsent {
    /// An attempt no journal records (a client without one).
    pub fn unjournalled(ids: Vec<String>) -> Unsent {
        Unsent {
            journal: None,
            entry: None,
            ids,
        }
    }

    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The request leaves now: its outcome is the sender's to journal (under the entry).
    pub fn sent(mut self) -> (Option<Entry>, Vec<String>) {
        (self.entry.take(), std::mem::take(&mut self.ids))
    }
}

impl Drop for Unsent {
    fn drop(&mut self) {
        if let (Some(entry), Some(journal)) = (self.entry.take(), &self.journal) {
            never_sent(journal, &entry, &self.ids);
        }
    }
}

/// Guards whose lines are not on disk: dropped so (the writer never wrote them), they
/// say nothing — there is no attempt line for a "never sent" to follow.
struct NotWritten(Vec<Unsent>);

impl Drop for NotWritten {
    fn drop(&mut self) {
        for unsent in &mut self.0 {
            unsent.entry = None;
        }
    }
}

/// Journals the attempts of `action` for each of `requests` (its ids and detail), synced
/// together off the async threads, and gives them back as guards once on disk; when the
/// write fails, their ids (nothing may be sent that the journal does not hold).
pub async fn write(
    journal: &Journal,
    action: &str,
    requests: Vec<(Vec<String>, Option<Value>)>,
) -> Result<Vec<Unsent>, (std::io::Error, Vec<Vec<String>>)> {
    let (lines, entries) = journal.attempt_lines(
        action,
        requests
            .iter()
            .map(|(ids, detail)| (ids.as_slice(), detail.clone())),
    );
    let pending = NotWritten(
        requests
            .into_iter()
            .zip(entries)
            .map(|((ids, _), entry)| Unsent {
                journal: Some(journal.clone()),
                entry: Some(entry),
                ids,
            })
            .collect(),
    );
    let (told, written) = tokio::sync::oneshot::channel();
    lines.send(Box::new(move |result| {
        let mut pending = pending;
        let answer = match result {
            Ok(()) => Ok(std::mem::take(&mut pending.0)),
            Err(e) => Err((e, pending.0.drain(..).map(|u| u.sent().1).collect())),
        };
        // The request may be gone: the guards then drop here, after the lines.
        let _ = told.send(answer);
    }));
    written.await.unwrap_or_else(|_| {
        Err((
            std::io::Error::other("the journal's writer stopped"),
            Vec::new(),
        ))
    })
}

/// Journals the ids of the attempt `entry` as never sent.
pub fn never_sent(journal: &Journal, entry: &Entry, ids: &[String]) {
    let report = Ledger::all(ids.iter().cloned(), &Outcome::NotSent);
    journal.outcome(entry, &report, Some("never sent"));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines of the journal at `path` so far.
    fn lines(path: &std::path::Path) -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    fn never_sent_lines(lines: &[String]) -> usize {
        lines
            .iter()
            .filter(|l| l.contains("\"event\":\"outcome\"") && l.contains("never sent"))
            .count()
    }

    #[tokio::test]
    async fn guards_say_never_sent_once_unless_sent_and_only_after_their_attempt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let journal = Journal::new(&path, "p", "http://x");
        let ids = || vec!["a".to_string(), "b".to_string()];
        let mut guards = write(&journal, "block", vec![(ids(), None), (ids(), None)])
            .await
            .unwrap();
        let sent = guards.pop().unwrap();
        assert_eq!(sent.ids(), ids());
        let (entry, _) = sent.sent();
        assert!(entry.is_some(), "the entry for its outcome");
        drop(guards);
        journal.flush();
        let written = lines(&path);
        assert_eq!(never_sent_lines(&written), 1, "{written:?}");
        assert!(written[0].contains("\"event\":\"attempt\""), "{written:?}");
    }

    #[test]
    fn a_request_dropped_while_its_attempt_is_written_says_never_sent_after_it() {
        // The journal's thread is held by a job before the attempt; the request is
        // dropped while its lines wait; once the thread goes on, the attempt is written,
        // then its "never sent", once.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let journal = Journal::new(&path, "p", "http://x");
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let (held, holding) = std::sync::mpsc::channel::<()>();
        let (nothing, _) = journal.attempt_lines("hold", []);
        nothing.send(Box::new(move |_| {
            let _ = held.send(());
            let _ = gate.recv();
        }));
        holding.recv().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let writing = write(&journal, "block", vec![(vec!["a".to_string()], None)]);
            // Started (the lines handed over), then dropped before the answer.
            tokio::select! {
                biased;
                _ = writing => panic!("the journal's thread is held"),
                () = std::future::ready(()) => {}
            }
        });
        assert!(lines(&path).is_empty(), "nothing written yet");
        release.send(()).unwrap();
        // Once the attempt is written its `then` hands the "never sent" over: a first
        // flush waits for the attempt (and so that hand-over), a second for the line.
        journal.flush();
        journal.flush();
        let written = lines(&path);
        assert!(written[0].contains("\"event\":\"attempt\""), "{written:?}");
        assert_eq!(never_sent_lines(&written), 1, "{written:?}");
        assert_eq!(written.len(), 2, "{written:?}");
    }
}
