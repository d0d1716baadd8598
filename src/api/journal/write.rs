//! The audit journal: every mutation is appended to a JSON-lines file before it is sent
//! (so that after a crash the journal shows what was attempted), and its outcome per id
//! after it. The token is never written. Lines are written by the journal's own thread
//! ([`Appender`]), in the order they are given.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::appender::{Appender, Then};
use crate::api::ledger::Ledger;

/// Where the journal is and whose actions it records.
#[derive(Debug, Clone)]
pub struct Journal {
    inner: Arc<Inner>,
    /// Why the changes journalled through this handle are made (`--reason`, the
    /// confirmation's): written on each attempt.
    reason: Option<Arc<str>>,
}

#[derive(Debug)]
struct Inner {
    profile: String,
    endpoint: String,
    user: String,
    appender: Appender,
}

/// The event of a line naming ids confirmed and never sent.
pub const NOT_SENT: &str = "notSent";

/// The event of a line holding a user's record as an edit left it.
pub const AFTER: &str = "after";

/// How long a reader of the journal waits for the lines handed over before it.
const FLUSH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A handle on one journalled attempt, to write its outcome.
#[derive(Debug, Clone)]
pub struct Entry(String);

impl Journal {
    pub fn new(path: impl Into<PathBuf>, profile: &str, endpoint: &str) -> Journal {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into());
        Journal {
            inner: Arc::new(Inner {
                appender: Appender::start(path.into()),
                profile: profile.into(),
                endpoint: endpoint.into(),
                user,
            }),
            reason: None,
        }
    }

    /// This journal, its attempts written with `reason` (None: without one).
    pub fn because(&self, reason: Option<&str>) -> Journal {
        Journal {
            inner: self.inner.clone(),
            reason: reason.map(Arc::from),
        }
    }

    /// Why the changes journalled through it are made, if it was said.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// The endpoint its lines name (an undo goes only to it).
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// Waits until the lines handed over so far are written (before reading the journal);
    /// false when the disk took longer than a few seconds: the journal lacks them yet.
    pub async fn flushed(&self) -> bool {
        let (told, written) = tokio::sync::oneshot::channel();
        self.mark().send(Box::new(move |_| {
            let _ = told.send(());
        }));
        let flushed = tokio::time::timeout(FLUSH_WAIT, written).await.is_ok();
        if !flushed {
            tracing::warn!("the audit journal is read without its last lines: still writing");
        }
        flushed
    }

    /// Blocks until the lines handed over so far are written (for tests and tools, not
    /// the async threads).
    pub fn flush(&self) {
        let _ = self.mark().write();
    }

    /// No lines: handed over, told once those before it are written.
    fn mark(&self) -> Lines {
        Lines {
            journal: self.clone(),
            text: String::new(),
        }
    }

    /// Records that `action` is about to be sent for `ids`, and syncs it to disk: blocks
    /// on the disk (for tests and tools, not the async threads).
    pub fn attempt(
        &self,
        action: &str,
        ids: &[String],
        detail: Option<Value>,
    ) -> std::io::Result<Entry> {
        let mut entries = self.attempts(action, [(ids, detail)])?;
        Ok(entries.pop().expect("one attempt, one entry"))
    }

    /// Records that `action` is about to be sent once for each of `requests` (its ids and
    /// detail), and syncs them to disk together: requests sent side by side cost one sync.
    pub fn attempts<'a>(
        &self,
        action: &str,
        requests: impl IntoIterator<Item = (&'a [String], Option<Value>)>,
    ) -> std::io::Result<Vec<Entry>> {
        let (lines, entries) = self.attempt_lines(action, requests);
        lines.write()?;
        Ok(entries)
    }

    /// The lines that record `action` about to be sent once for each of `requests`, to
    /// be handed to the journal's thread ([`Lines::send`]), and their entries.
    pub fn attempt_lines<'a>(
        &self,
        action: &str,
        requests: impl IntoIterator<Item = (&'a [String], Option<Value>)>,
    ) -> (Lines, Vec<Entry>) {
        let mut text = String::new();
        let mut entries = Vec::new();
        for (ids, detail) in requests {
            let (line, entry) = self.ids_line("attempt", action, ids, detail);
            text.push_str(&line.to_string());
            text.push('\n');
            entries.push(entry);
        }
        let lines = Lines {
            journal: self.clone(),
            text,
        };
        (lines, entries)
    }

    /// A line naming `ids` of `action` under a new entry of its own: an attempt, or ids
    /// confirmed and never sent.
    fn ids_line(
        &self,
        event: &str,
        action: &str,
        ids: &[String],
        detail: Option<Value>,
    ) -> (Value, Entry) {
        let entry = uuid::Uuid::new_v4().simple().to_string();
        let mut line = json!({
            "time": now(),
            "event": event,
            "entry": entry,
            "user": self.inner.user,
            "profile": self.inner.profile,
            "endpoint": self.inner.endpoint,
            "action": action,
            "ids": ids,
        });
        if let Some(detail) = detail {
            line["detail"] = detail;
        }
        if let Some(reason) = &self.reason {
            line["reason"] = Value::String(reason.to_string());
        }
        (line, Entry(entry))
    }

    /// Records the `ids` of a batch (its `detail`) that were confirmed and never sent:
    /// the action stopped, or was refused, before their turn.
    pub fn not_sent(&self, action: &str, ids: &[String], detail: Value) {
        if ids.is_empty() {
            return;
        }
        let (line, _) = self.ids_line(NOT_SENT, action, ids, Some(detail));
        self.append_line(&line)
    }

    /// Records how the attempt `entry` went, per id (written by the journal's thread: a
    /// failure is logged there).
    pub fn outcome(&self, entry: &Entry, ledger: &Ledger, error: Option<&str>) {
        let mut line = json!({
            "time": now(),
            "event": "outcome",
            "entry": entry.0,
        });
        outcomes(&mut line, ledger);
        if let Some(error) = error {
            line["error"] = Value::String(error.to_string());
        }
        self.append_line(&line)
    }

    /// Records how the outcomes of `action` that were unknown were settled: by reading
    /// the users back.
    pub fn settled(&self, action: &str, settled: &Ledger, batch: Option<&str>) {
        let mut line = json!({
            "time": now(),
            "event": "settled",
            "by": "reading back",
            "action": action,
        });
        outcomes(&mut line, settled);
        if let Some(batch) = batch {
            line["batch"] = Value::String(batch.to_string());
        }
        self.append_line(&line)
    }

    /// Records a run of the operator's own action `name` on `ids`, and how it ended (its
    /// exit code; its output is never journalled).
    pub fn action_run(&self, name: &str, ids: &[String], code: Option<i32>) {
        let mut line = json!({
            "time": now(),
            "event": "action",
            "user": self.inner.user,
            "profile": self.inner.profile,
            "endpoint": self.inner.endpoint,
            "action": name,
            "ids": ids,
            "exit": code,
        });
        if let Some(reason) = &self.reason {
            line["reason"] = Value::String(reason.to_string());
        }
        self.append_line(&line)
    }

    /// Records the user's record as the edit `batch` of `action` left it.
    pub fn after(&self, action: &str, batch: &str, record: &Value) {
        let line = json!({
            "time": now(),
            "event": AFTER,
            "action": action,
            "batch": batch,
            "after": record,
        });
        self.append_line(&line)
    }

    fn append_line(&self, line: &Value) {
        let mut text = line.to_string();
        text.push('\n');
        self.inner.appender.append(text, false, None);
    }
}

/// Attempt lines not written yet: written in one write and synced to disk.
#[derive(Debug)]
pub struct Lines {
    journal: Journal,
    text: String,
}

impl Lines {
    /// Hands the lines to the journal's thread; `then` is told once they are synced.
    pub fn send(self, then: Then) {
        self.journal
            .inner
            .appender
            .append(self.text, true, Some(then));
    }

    /// Blocks until the lines are synced (for tests and tools, not the async threads).
    pub fn write(self) -> std::io::Result<()> {
        let (told, written) = std::sync::mpsc::channel();
        self.send(Box::new(move |result| {
            let _ = told.send(result);
        }));
        written
            .recv()
            .unwrap_or_else(|_| Err(std::io::Error::other("the journal's writer stopped")))
    }
}

/// The ledger's classes as a journal line holds them: ids, or `{"id", "reason"}` pairs
/// where there is a reason; `notSent` only when it holds any.
fn outcomes(line: &mut Value, ledger: &Ledger) {
    if let (Some(line), Value::Object(classes)) = (line.as_object_mut(), ledger.to_json()) {
        line.extend(classes);
    }
}

fn now() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ledger::Outcome;
    use std::io::BufRead;
    use std::time::Duration;

    #[test]
    fn the_drain_waits_for_lines_handed_over_while_lines_are_written() {
        // An attempt whose `then` journals an outcome (a request dropped while its
        // attempt was synced says "never sent"): drained on the way out, both are there.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let journal = Journal::new(&path, "p", "http://x");
        let ids = vec!["u1".to_string()];
        let (lines, mut entries) = journal.attempt_lines("block", [(ids.as_slice(), None)]);
        let entry = entries.pop().unwrap();
        let later = journal.clone();
        lines.send(Box::new(move |_| {
            later.outcome(&entry, &Ledger::default(), Some("never sent"));
        }));
        drop(journal);
        crate::api::journal::drain(Duration::from_secs(5));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"event\":\"attempt\""), "{text}");
        assert!(
            text.contains("never sent"),
            "the outcome handed over last: {text}"
        );
    }

    #[test]
    fn an_outcome_line_never_waits_on_the_disk() {
        // The journal is a pipe no one reads yet: opening it to append blocks. Handing
        // an outcome over returns at once; the line is written once the pipe is read.
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("audit.jsonl");
        let path = std::ffi::CString::new(pipe.to_str().unwrap()).unwrap();
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
        let journal = Journal::new(&pipe, "p", "http://x");
        let (told, returned) = std::sync::mpsc::channel();
        let handed = journal.clone();
        std::thread::spawn(move || {
            let report = Ledger::all(["u1".to_string()], &Outcome::Succeeded);
            handed.outcome(&Entry("e1".into()), &report, None);
            let _ = told.send(());
        });
        let in_time = returned.recv_timeout(Duration::from_secs(10)).is_ok();
        let mut line = String::new();
        std::io::BufReader::new(std::fs::File::open(&pipe).unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(in_time, "the outcome waited on the pipe");
        assert!(
            line.contains("\"event\":\"outcome\"") && line.contains("\"u1\""),
            "{line}"
        );
    }
}
