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

    /// Records that `action` is about to be sent for `ids`, and syncs it to disk.
    pub fn attempt(
        &self,
        action: &str,
        ids: &[String],
        detail: Option<Value>,
    ) -> std::io::Result<Entry> {
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
        self.append(&line, true)?;
        Ok(Entry(entry))
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
        self.append(&line, false)
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
        self.append(&line, false)
    }

    fn append(&self, line: &Value, sync: bool) -> std::io::Result<()> {
        if let Some(dir) = self.inner.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file: File = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.inner.path)?;
        let mut text = line.to_string();
        text.push('\n');
        // One write per line, in append mode: lines of concurrent writers do not mix.
        file.write_all(text.as_bytes())?;
        if sync {
            file.sync_data()?;
        }
        Ok(())
    }
}

/// One request of the journal: what was attempted, and its outcome when one was written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JournalEntry {
    /// The attempt's id (empty for a `settled` line, which has none).
    pub entry: String,
    pub time: String,
    /// `block`, `archive`, `update`, …; a settled line: `ACTION settled`.
    pub action: String,
    pub profile: String,
    pub ids: Vec<String>,
    /// None while no outcome was written (the program stopped before).
    pub outcome: Option<EntryOutcome>,
}

/// How an attempt went, counted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntryOutcome {
    pub succeeded: usize,
    pub failed: usize,
    pub unknown: usize,
    pub error: Option<String>,
}

impl EntryOutcome {
    fn of(line: &Value) -> EntryOutcome {
        let count = |key: &str| line[key].as_array().map_or(0, Vec::len);
        EntryOutcome {
            succeeded: count("succeeded"),
            failed: count("failed"),
            unknown: count("unknown"),
            error: line["error"].as_str().map(str::to_string),
        }
    }
}

/// The newest `limit` entries of the journal at `path`, newest first. Lines that are not
/// journal lines are passed over; a missing journal is an empty one. Memory stays
/// bounded by `limit` however long the journal is.
pub fn read(path: &std::path::Path, limit: usize) -> std::io::Result<Vec<JournalEntry>> {
    use std::collections::VecDeque;
    use std::io::BufRead;
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut kept: VecDeque<JournalEntry> = VecDeque::with_capacity(limit.min(1024));
    for line in std::io::BufReader::new(file).split(b'\n') {
        // A line that is not a journal line (not JSON, not UTF-8) is passed over.
        let Ok(line) = serde_json::from_slice::<Value>(&line?) else {
            continue;
        };
        let entry = match line["event"].as_str() {
            Some("attempt") => JournalEntry {
                entry: text(&line["entry"]),
                time: text(&line["time"]),
                action: text(&line["action"]),
                profile: text(&line["profile"]),
                ids: line["ids"]
                    .as_array()
                    .map(|ids| ids.iter().map(text).collect())
                    .unwrap_or_default(),
                outcome: None,
            },
            Some("settled") => JournalEntry {
                time: text(&line["time"]),
                action: format!("{} settled", text(&line["action"])),
                outcome: Some(EntryOutcome::of(&line)),
                ..JournalEntry::default()
            },
            Some("outcome") => {
                let entry = text(&line["entry"]);
                if let Some(kept) = kept.iter_mut().rev().find(|e| e.entry == entry) {
                    kept.outcome = Some(EntryOutcome::of(&line));
                }
                continue;
            }
            _ => continue,
        };
        if kept.len() == limit {
            kept.pop_front();
        }
        if limit > 0 {
            kept.push_back(entry);
        }
    }
    Ok(kept.into_iter().rev().collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_joins_outcomes_to_attempts_newest_first_and_keeps_only_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let journal = Journal::new(&path, "prod", "http://x");
        for n in 0..3 {
            let ids = vec![format!("u{n}")];
            let entry = journal.attempt("block", &ids, None).unwrap();
            let report = BulkReport {
                succeeded: ids,
                ..BulkReport::default()
            };
            journal.outcome(&entry, &report, None).unwrap();
        }
        journal.attempt("archive", &["u9".into()], None).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(b"not json\n"))
            .unwrap();
        let entries = read(&path, 3).unwrap();
        let actions: Vec<(&str, &[String])> = entries
            .iter()
            .map(|e| (e.action.as_str(), e.ids.as_slice()))
            .collect();
        assert_eq!(
            actions,
            [
                ("archive", &["u9".to_string()][..]),
                ("block", &["u2".to_string()][..]),
                ("block", &["u1".to_string()][..])
            ]
        );
        assert_eq!(entries[0].outcome, None, "no outcome was written");
        assert_eq!(entries[1].outcome.as_ref().map(|o| o.succeeded), Some(1));
        assert_eq!(entries[1].profile, "prod");
        assert!(read(&dir.path().join("none"), 5).unwrap().is_empty());
    }
}
