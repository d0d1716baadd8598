//! Reading the audit journal back: its lines joined into entries — a bulk action's
//! chunks into one batch, with the statuses its users had before, what became of each
//! id (read-back settlements included), and the batch it undid — newest first.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fs::File;
use std::io::BufRead;
use std::path::Path;

use serde_json::Value;

/// One batch (a bulk action, all its chunks) or one single-user edit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JournalEntry {
    /// The batch's id (an edit: its attempt's).
    pub entry: String,
    /// When it was first attempted.
    pub time: String,
    /// `block`, `archive`, `update`, …
    pub action: String,
    /// The profile and the endpoint it was sent to: an undo goes to the same.
    pub profile: String,
    pub endpoint: String,
    /// Every id sent, once (a chunk split in halves sends some twice).
    pub ids: Vec<String>,
    /// The status each user had when last seen before it, where known (lower-case).
    pub before: BTreeMap<String, String>,
    /// The batch this one undid.
    pub undo_of: Option<String>,
    /// None while no outcome was written (the program stopped before).
    pub outcome: Option<EntryOutcome>,
}

/// What became of an entry's ids.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntryOutcome {
    pub succeeded: Vec<String>,
    pub failed: Vec<String>,
    pub unknown: Vec<String>,
    pub error: Option<String>,
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// The ids of a list the journal writes: plain ids, or `{"id", "reason"}` pairs.
fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|list| {
            list.iter()
                .map(|item| match item.get("id") {
                    Some(id) => text(id),
                    None => text(item),
                })
                .collect()
        })
        .unwrap_or_default()
}

impl EntryOutcome {
    /// Adds an outcome line's ids; an id told again (a split chunk's half) takes its
    /// newest outcome.
    fn add(&mut self, line: &Value) {
        let (succeeded, failed, unknown) = (
            ids(&line["succeeded"]),
            ids(&line["failed"]),
            ids(&line["unknown"]),
        );
        let told: HashSet<&String> = succeeded.iter().chain(&failed).chain(&unknown).collect();
        for list in [&mut self.succeeded, &mut self.failed, &mut self.unknown] {
            list.retain(|id| !told.contains(id));
        }
        self.succeeded.extend(succeeded);
        self.failed.extend(failed);
        self.unknown.extend(unknown);
        if let Some(error) = line["error"].as_str() {
            self.error = Some(error.to_string());
        }
    }

    /// An edit's settling line: its one outcome, unknown until now, is the line's.
    fn settle_edit(&mut self, line: &Value) {
        self.unknown.clear();
        self.add(line);
    }

    /// A settling line: ids that were unknown are now succeeded or failed.
    fn settle(&mut self, line: &Value) {
        let succeeded = ids(&line["succeeded"]);
        let failed = ids(&line["failed"]);
        self.unknown
            .retain(|id| !succeeded.contains(id) && !failed.contains(id));
        self.succeeded.extend(succeeded);
        self.failed.extend(failed);
    }
}

/// The newest `limit` entries of the journal at `path`, newest first. Lines that are not
/// journal lines are passed over; a missing journal is an empty one. Memory stays
/// bounded by `limit` however long the journal is.
pub fn read(path: &Path, limit: usize) -> std::io::Result<Vec<JournalEntry>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut kept: VecDeque<JournalEntry> = VecDeque::new();
    // Attempt id → the entry (batch) it belongs to, for the entries kept.
    let mut attempts: HashMap<String, String> = HashMap::new();
    let find = |kept: &mut VecDeque<JournalEntry>, key: &str| -> Option<usize> {
        kept.iter().rposition(|e| e.entry == key)
    };
    for line in std::io::BufReader::new(file).split(b'\n') {
        // A line that is not a journal line (not JSON, not UTF-8) is passed over.
        let Ok(line) = serde_json::from_slice::<Value>(&line?) else {
            continue;
        };
        match line["event"].as_str() {
            Some("attempt") => {
                let attempt = text(&line["entry"]);
                let batch = line["detail"]["batch"]
                    .as_str()
                    .map_or_else(|| attempt.clone(), str::to_string);
                attempts.insert(attempt, batch.clone());
                let at = match find(&mut kept, &batch) {
                    Some(at) => at,
                    None => {
                        if limit == 0 {
                            continue;
                        }
                        if kept.len() == limit
                            && let Some(gone) = kept.pop_front()
                        {
                            attempts.retain(|_, b| *b != gone.entry);
                        }
                        kept.push_back(JournalEntry {
                            entry: batch.clone(),
                            time: text(&line["time"]),
                            action: text(&line["action"]),
                            profile: text(&line["profile"]),
                            endpoint: text(&line["endpoint"]),
                            undo_of: line["detail"]["undo_of"].as_str().map(str::to_string),
                            ..JournalEntry::default()
                        });
                        kept.len() - 1
                    }
                };
                let entry = &mut kept[at];
                // A split chunk's halves send ids again: listed once, at the end.
                entry.ids.extend(ids(&line["ids"]));
                if let Some(before) = line["detail"]["before"].as_object() {
                    entry
                        .before
                        .extend(before.iter().map(|(id, status)| (id.clone(), text(status))));
                }
            }
            Some("outcome") => {
                let Some(batch) = attempts.get(&text(&line["entry"])) else {
                    continue;
                };
                if let Some(at) = find(&mut kept, &batch.clone()) {
                    kept[at].outcome.get_or_insert_default().add(&line);
                }
            }
            Some("settled") => match line["batch"].as_str() {
                Some(batch) => {
                    if let Some(at) = find(&mut kept, batch) {
                        kept[at].outcome.get_or_insert_default().settle(&line);
                    }
                }
                // An edit's: the newest edit of that action whose outcome is unknown.
                None => {
                    let action = text(&line["action"]);
                    if let Some(entry) = kept.iter_mut().rev().find(|e| {
                        e.action == action
                            && e.outcome.as_ref().is_some_and(|o| !o.unknown.is_empty())
                    }) {
                        entry.outcome.get_or_insert_default().settle_edit(&line);
                    }
                }
            },
            _ => {}
        }
    }
    let mut entries: Vec<JournalEntry> = kept.into_iter().rev().collect();
    for entry in &mut entries {
        dedupe(&mut entry.ids);
    }
    Ok(entries)
}

/// Keeps the first of each id, in order.
fn dedupe(ids: &mut Vec<String>) {
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::audit::Journal;
    use crate::api::model::BulkReport;

    #[test]
    fn chunks_join_into_their_batch_newest_first_and_only_the_newest_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let journal = Journal::new(&path, "prod", "http://x");
        for n in 0..3 {
            let batch = format!("b{n}");
            for chunk in 0..2 {
                let ids = vec![format!("u{n}{chunk}")];
                let detail = serde_json::json!({
                    "batch": batch,
                    "before": { ids[0].clone(): "active" }
                });
                let entry = journal.attempt("block", &ids, Some(detail)).unwrap();
                let report = BulkReport {
                    succeeded: ids,
                    ..BulkReport::default()
                };
                journal.outcome(&entry, &report, None).unwrap();
            }
        }
        journal.attempt("archive", &["u9".into()], None).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"not json\n\xff\n"))
            .unwrap();
        let entries = read(&path, 3).unwrap();
        let batches: Vec<(&str, &str, usize)> = entries
            .iter()
            .map(|e| (e.entry.as_str(), e.action.as_str(), e.ids.len()))
            .collect();
        assert_eq!(batches[1..], [("b2", "block", 2), ("b1", "block", 2)]);
        assert_eq!(entries[0].outcome, None, "no outcome was written");
        let b2 = &entries[1];
        assert_eq!(b2.outcome.as_ref().map(|o| o.succeeded.len()), Some(2));
        assert_eq!(
            b2.before,
            BTreeMap::from([
                ("u20".to_string(), "active".to_string()),
                ("u21".to_string(), "active".to_string())
            ])
        );
        assert_eq!(b2.profile, "prod");
        assert!(read(&dir.path().join("none"), 5).unwrap().is_empty());
    }

    #[test]
    fn a_chunk_split_in_halves_counts_each_id_once_with_its_last_outcome() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let journal = Journal::new(&path, "prod", "http://x");
        let detail = || Some(serde_json::json!({ "batch": "b" }));
        let write = |ids: &[&str], report: BulkReport| {
            let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
            let entry = journal.attempt("block", &ids, detail()).unwrap();
            journal.outcome(&entry, &report, None).unwrap();
        };
        let failed = |ids: &[&str]| BulkReport {
            failed: ids
                .iter()
                .map(|id| {
                    (
                        id.to_string(),
                        crate::api::model::FailReason::UnknownToServer,
                    )
                })
                .collect(),
            ..BulkReport::default()
        };
        write(&["a", "b", "c", "x"], failed(&["a", "b", "c", "x"]));
        write(
            &["a", "b"],
            BulkReport {
                succeeded: vec!["a".into(), "b".into()],
                ..BulkReport::default()
            },
        );
        write(
            &["c"],
            BulkReport {
                succeeded: vec!["c".into()],
                ..BulkReport::default()
            },
        );
        write(&["x"], failed(&["x"]));
        let entry = &read(&path, 5).unwrap()[0];
        assert_eq!(entry.ids, ["a", "b", "c", "x"]);
        let outcome = entry.outcome.as_ref().unwrap();
        assert_eq!((outcome.succeeded.len(), outcome.failed.len()), (3, 1));
        assert_eq!(entry.endpoint, "http://x");
    }

    #[test]
    fn a_settling_line_turns_unknown_ids_into_their_outcome() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let journal = Journal::new(&path, "prod", "http://x");
        let ids = vec!["a".to_string(), "b".to_string()];
        let entry = journal
            .attempt("block", &ids, Some(serde_json::json!({ "batch": "b" })))
            .unwrap();
        let lost = BulkReport {
            unknown: vec![("a".into(), "lost".into()), ("b".into(), "lost".into())],
            ..BulkReport::default()
        };
        journal.outcome(&entry, &lost, None).unwrap();
        let settled = BulkReport {
            succeeded: vec!["a".into()],
            ..BulkReport::default()
        };
        journal.settled("block", &settled, Some("b")).unwrap();
        let outcome = read(&path, 5).unwrap()[0].outcome.clone().unwrap();
        assert_eq!(
            (outcome.succeeded, outcome.unknown),
            (vec!["a".into()], vec!["b".into()])
        );
    }
}
