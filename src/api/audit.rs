//! The audit journal: every mutation is appended to a JSON-lines file before it is sent
//! (so that after a crash the journal shows what was attempted), and its outcome per id
//! after it. The token is never written.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::model::BulkReport;

/// Where the journal is and whose actions it records.
#[derive(Debug, Clone)]
pub struct Journal {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    profile: String,
    endpoint: String,
    user: String,
}

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
                path: path.into(),
                profile: profile.into(),
                endpoint: endpoint.into(),
                user,
            }),
        }
    }

    /// The endpoint its lines name (an undo goes only to it).
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// Records that `action` is about to be sent for `ids`, and syncs it to disk.
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
    /// be written (and synced) where blocking is no harm, and their entries.
    pub fn attempt_lines<'a>(
        &self,
        action: &str,
        requests: impl IntoIterator<Item = (&'a [String], Option<Value>)>,
    ) -> (Lines, Vec<Entry>) {
        let mut text = String::new();
        let mut entries = Vec::new();
        for (ids, detail) in requests {
            let entry = uuid::Uuid::new_v4().simple().to_string();
            let mut line = json!({
                "time": now(),
                "event": "attempt",
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
            text.push_str(&line.to_string());
            text.push('\n');
            entries.push(Entry(entry));
        }
        let lines = Lines {
            journal: self.clone(),
            text,
        };
        (lines, entries)
    }

    /// Records how the attempt `entry` went, per id.
    pub fn outcome(
        &self,
        entry: &Entry,
        report: &BulkReport,
        error: Option<&str>,
    ) -> std::io::Result<()> {
        let mut line = json!({
            "time": now(),
            "event": "outcome",
            "entry": entry.0,
            "succeeded": report.succeeded,
            "failed": reasons(&report.failed),
            "unknown": reasons(&report.unknown),
        });
        if let Some(error) = error {
            line["error"] = Value::String(error.to_string());
        }
        self.append_line(&line)
    }

    /// Records how the outcomes of `action` that were unknown were settled: by reading
    /// the users back.
    pub fn settled(
        &self,
        action: &str,
        settled: &BulkReport,
        batch: Option<&str>,
    ) -> std::io::Result<()> {
        let mut line = json!({
            "time": now(),
            "event": "settled",
            "by": "reading back",
            "action": action,
            "succeeded": settled.succeeded,
            "failed": reasons(&settled.failed),
            "unknown": reasons(&settled.unknown),
        });
        if let Some(batch) = batch {
            line["batch"] = Value::String(batch.to_string());
        }
        self.append_line(&line)
    }

    fn append_line(&self, line: &Value) -> std::io::Result<()> {
        let mut text = line.to_string();
        text.push('\n');
        self.append(&text, false)
    }

    /// Appends whole lines of `text` in one write (in append mode: lines of concurrent
    /// writers do not mix), synced to disk when `sync`.
    fn append(&self, text: &str, sync: bool) -> std::io::Result<()> {
        if let Some(dir) = self.inner.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file: File = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.inner.path)?;
        file.write_all(text.as_bytes())?;
        if sync {
            file.sync_data()?;
        }
        Ok(())
    }
}

/// Attempt lines not written yet: written in one write and synced to disk.
#[derive(Debug)]
pub struct Lines {
    journal: Journal,
    text: String,
}

impl Lines {
    /// Blocks on the disk: off the async threads.
    pub fn write(self) -> std::io::Result<()> {
        self.journal.append(&self.text, true)
    }
}

/// (id, reason) pairs as the journal writes them.
fn reasons(list: &[(String, impl std::fmt::Display)]) -> Vec<Value> {
    list.iter()
        .map(|(id, reason)| json!({ "id": id, "reason": reason.to_string() }))
        .collect()
}

fn now() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "unknown".into())
}
