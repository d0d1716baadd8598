//! Reading the audit journal back: its lines joined into entries — a bulk action's
//! chunks into one batch, with the statuses its users had before, what became of each
//! id (read-back settlements included), and the batch it undid — newest first.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fs::File;
use std::io::BufRead;
use std::path::Path;

use serde_json::Value;

use super::filter::Filter;

use crate::api::ledger::Class;

/// One batch (a bulk action, all its chunks) or one single-user edit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JournalEntry {
    /// The batch's id (an edit: its own, which its settling names).
    pub entry: String,
    /// When it was first attempted.
    pub time: String,
    /// `block`, `archive`, `update`, …
    pub action: String,
    /// The profile and the endpoint it was sent to: an undo goes to the same.
    pub profile: String,
    pub endpoint: String,
    /// Who sent it: the local user the journal records.
    pub user: String,
    /// Every id sent, once (a chunk split in halves sends some twice).
    pub ids: Vec<String>,
    /// The status each user had when last seen before it, where known (lower-case).
    pub before: BTreeMap<String, String>,
    /// The batch this one undid.
    pub undo_of: Option<String>,
    /// Why it was done, as the operator said (`--reason`, the confirmation's).
    pub reason: Option<String>,
    /// An edit: the user's record before it (null: no such user then), when it was read.
    pub record_before: Option<Value>,
    /// An edit: the user's record as it left it.
    pub record_after: Option<Value>,
    /// None while no outcome was written (the program stopped before).
    pub outcome: Option<EntryOutcome>,
}

/// What became of an entry's ids.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntryOutcome {
    pub succeeded: Vec<String>,
    pub failed: Vec<String>,
    pub unknown: Vec<String>,
    /// Confirmed, but never sent: the action stopped first.
    pub not_sent: Vec<String>,
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

/// An entry's outcome while the journal is read: each id's newest outcome, stamped in
/// the order it was told, so that a chunk's ids told again cost what they hold.
#[derive(Debug, Default)]
struct Outcomes {
    ids: HashMap<String, (Class, u64)>,
    stamp: u64,
    error: Option<String>,
}

impl Outcomes {
    fn tell(&mut self, id: String, told: Class) {
        self.stamp += 1;
        self.ids.insert(id, (told, self.stamp));
    }

    fn tell_all(&mut self, line: &Value) {
        for class in Class::ALL {
            for id in ids(&line[class.key()]) {
                self.tell(id, class);
            }
        }
    }

    /// An outcome line: an id told again (a split chunk's half) takes its newest outcome.
    fn add(&mut self, line: &Value) {
        self.tell_all(line);
        if let Some(error) = line["error"].as_str() {
            self.error = Some(error.to_string());
        }
    }

    /// A bulk action's settling line: ids that were unknown are now succeeded or failed
    /// (or still unknown); an undo's ids answered are succeeded only once read back as
    /// they were before, else failed or unknown.
    fn settle(&mut self, line: &Value) {
        self.tell_all(line);
    }

    /// An edit's settling line: its one outcome, unknown until now (under the key it was
    /// sent by, which may not be the id read back), is the line's.
    fn settle_edit(&mut self, line: &Value) {
        self.ids.retain(|_, (told, _)| *told != Class::Unknown);
        self.add(line);
    }

    fn finish(self) -> EntryOutcome {
        let mut told: Vec<(String, (Class, u64))> = self.ids.into_iter().collect();
        told.sort_unstable_by_key(|(_, (_, stamp))| *stamp);
        let mut outcome = EntryOutcome {
            error: self.error,
            ..EntryOutcome::default()
        };
        for (id, (how, _)) in told {
            match how {
                Class::Succeeded => outcome.succeeded.push(id),
                Class::Failed => outcome.failed.push(id),
                Class::Unknown => outcome.unknown.push(id),
                Class::NotSent => outcome.not_sent.push(id),
            }
        }
        outcome
    }
}

/// An entry being read: its attempts, to forget them with it.
#[derive(Default)]
struct Reading {
    entry: JournalEntry,
    attempts: Vec<String>,
    outcome: Option<Outcomes>,
}

/// The entries kept while reading, oldest first, each found by its id in constant time.
struct Kept {
    entries: VecDeque<Reading>,
    /// The number of the first entry kept; an entry's number never changes.
    first: u64,
    /// Entry id → its number.
    numbers: HashMap<String, u64>,
    /// Attempt id → its entry's id.
    attempts: HashMap<String, String>,
    /// Entries let go for newer ones: a later line of one (a long batch's last chunks, its
    /// ids never sent) must not bring it back as a new entry with part of its lines.
    /// Their ids only, a few dozen bytes an entry.
    gone: HashSet<String>,
    limit: usize,
}

impl Kept {
    fn get(&mut self, entry: &str) -> Option<&mut Reading> {
        let number = *self.numbers.get(entry)?;
        let at = usize::try_from(number - self.first).ok()?;
        self.entries.get_mut(at)
    }

    /// The entry `id`, made from `line` if new; None when nothing is kept.
    fn entry(&mut self, id: &str, line: &Value) -> Option<&mut Reading> {
        if !self.numbers.contains_key(id) {
            if self.limit == 0 || self.gone.contains(id) {
                return None;
            }
            if self.entries.len() == self.limit
                && let Some(gone) = self.entries.pop_front()
            {
                self.first += 1;
                self.numbers.remove(&gone.entry.entry);
                self.gone.insert(gone.entry.entry.clone());
                for attempt in gone.attempts {
                    self.attempts.remove(&attempt);
                }
            }
            let number = self.first + self.entries.len() as u64;
            self.numbers.insert(id.to_string(), number);
            self.entries.push_back(Reading {
                entry: JournalEntry {
                    entry: id.to_string(),
                    time: text(&line["time"]),
                    action: text(&line["action"]),
                    profile: text(&line["profile"]),
                    endpoint: text(&line["endpoint"]),
                    user: text(&line["user"]),
                    undo_of: line["detail"]["undo_of"].as_str().map(str::to_string),
                    reason: line["reason"].as_str().map(str::to_string),
                    record_before: line["detail"]
                        .get("before")
                        .filter(|_| crate::api::undo::bulk_action(&text(&line["action"])).is_none())
                        .cloned(),
                    ..JournalEntry::default()
                },
                ..Reading::default()
            });
        }
        self.get(id)
    }
}

/// The newest `limit` entries of the journal at `path`, newest first. Lines that are not
/// journal lines are passed over; a missing journal is an empty one. Memory holds the
/// `limit` entries kept, and the ids alone of those passed over (a few dozen bytes an
/// entry), however long the journal is.
pub fn read(path: &Path, limit: usize) -> std::io::Result<Vec<JournalEntry>> {
    read_filtered(path, limit, &Filter::default())
}

/// The journal's lines at `path`, each parsed (a line that is not a journal line — not
/// JSON, not UTF-8 — is passed over); none for a missing journal.
fn lines(path: &Path) -> std::io::Result<impl Iterator<Item = std::io::Result<Value>>> {
    let file = match File::open(path) {
        Ok(file) => Some(file),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let lines = file
        .into_iter()
        .flat_map(|file| std::io::BufReader::new(file).split(b'\n'));
    Ok(lines.filter_map(|line| match line {
        Ok(line) => serde_json::from_slice::<Value>(&line).ok().map(Ok),
        Err(e) => Some(Err(e)),
    }))
}

/// The id of the entry an attempt (or not-sent) line belongs to: a bulk action's chunks
/// and an edit carry it; else the attempt's own.
fn entry_of(line: &Value) -> String {
    line["detail"]["batch"]
        .as_str()
        .map_or_else(|| text(&line["entry"]), str::to_string)
}

/// The newest `limit` entries that `filter` admits, newest first, as [`read`] reads
/// them. For a user, the journal is read twice: first for the entries naming the user
/// (their ids alone are kept), then for those entries.
pub fn read_filtered(
    path: &Path,
    limit: usize,
    filter: &Filter,
) -> std::io::Result<Vec<JournalEntry>> {
    let naming: Option<HashSet<String>> = match &filter.user {
        None => None,
        Some(_) => {
            let mut naming = HashSet::new();
            // An outcome names its attempt: a created user's id is only there.
            let mut attempts: HashMap<String, String> = HashMap::new();
            for line in lines(path)? {
                let line = line?;
                match line["event"].as_str() {
                    Some("attempt" | super::write::NOT_SENT) => {
                        if filter.names_user(&line) {
                            naming.insert(entry_of(&line));
                        }
                        attempts.insert(text(&line["entry"]), entry_of(&line));
                    }
                    Some("outcome" | "settled") if filter.told_user(&line) => {
                        let entry = line["batch"].as_str().map(str::to_string).or_else(|| {
                            attempts
                                .get(line["entry"].as_str().unwrap_or_default())
                                .cloned()
                        });
                        naming.extend(entry);
                    }
                    _ => {}
                }
            }
            Some(naming)
        }
    };
    // Entries judged out by their first line: their later lines stay out too.
    let mut refused: HashSet<String> = HashSet::new();
    let mut kept = Kept {
        entries: VecDeque::new(),
        first: 0,
        numbers: HashMap::new(),
        attempts: HashMap::new(),
        gone: HashSet::new(),
        limit,
    };
    for line in lines(path)? {
        let line = line?;
        match line["event"].as_str() {
            Some(event @ ("attempt" | super::write::NOT_SENT)) => {
                let attempt = text(&line["entry"]);
                let id = entry_of(&line);
                if !kept.numbers.contains_key(&id)
                    && (refused.contains(&id)
                        || !filter.admits(&line)
                        || naming.as_ref().is_some_and(|n| !n.contains(&id)))
                {
                    refused.insert(id);
                    continue;
                }
                let Some(reading) = kept.entry(&id, &line) else {
                    continue;
                };
                reading.attempts.push(attempt.clone());
                // A split chunk's halves send ids again: listed once, at the end.
                let named = ids(&line["ids"]);
                if event == super::write::NOT_SENT {
                    let outcome = reading.outcome.get_or_insert_default();
                    for id in &named {
                        outcome.tell(id.clone(), Class::NotSent);
                    }
                }
                reading.entry.ids.extend(named);
                if let Some(before) = line["detail"]["before"].as_object() {
                    reading
                        .entry
                        .before
                        .extend(before.iter().map(|(id, status)| (id.clone(), text(status))));
                }
                kept.attempts.insert(attempt, id);
            }
            Some("outcome") => {
                let Some(id) = kept.attempts.get(&text(&line["entry"])).cloned() else {
                    continue;
                };
                if let Some(reading) = kept.get(&id) {
                    reading.outcome.get_or_insert_default().add(&line);
                }
            }
            Some(super::write::AFTER) => {
                if let Some(reading) = line["batch"].as_str().and_then(|b| kept.get(b)) {
                    reading.entry.record_after = line.get("after").cloned();
                }
            }
            Some("settled") => {
                let reading = match line["batch"].as_str() {
                    Some(id) => kept.get(id),
                    // Written before edits carried their entry's id: the newest edit of
                    // that action whose outcome is unknown.
                    None => {
                        let action = text(&line["action"]);
                        kept.entries.iter_mut().rev().find(|r| {
                            r.entry.action == action
                                && r.outcome.as_ref().is_some_and(|o| {
                                    o.ids.values().any(|(told, _)| *told == Class::Unknown)
                                })
                        })
                    }
                };
                if let Some(reading) = reading {
                    let edit = crate::api::undo::bulk_action(&reading.entry.action).is_none();
                    let outcome = reading.outcome.get_or_insert_default();
                    if edit {
                        outcome.settle_edit(&line);
                    } else {
                        outcome.settle(&line);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(kept
        .entries
        .into_iter()
        .rev()
        .map(|reading| {
            let mut entry = reading.entry;
            dedupe(&mut entry.ids);
            entry.outcome = reading.outcome.map(Outcomes::finish);
            entry
        })
        .collect())
}

/// Keeps the first of each id, in order.
fn dedupe(ids: &mut Vec<String>) {
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::journal::Journal;
    use crate::api::ledger::{Ledger, Outcome};

    fn succeeded(ids: impl IntoIterator<Item = impl Into<String>>) -> Ledger {
        Ledger::all(ids.into_iter().map(Into::into), &Outcome::Succeeded)
    }

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
                let report = succeeded(ids);
                journal.outcome(&entry, &report, None);
            }
        }
        journal.attempt("archive", &["u9".into()], None).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"not json\n\xff\n"))
            .unwrap();
        journal.flush();
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
        let write = |ids: &[&str], report: Ledger| {
            let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
            let entry = journal.attempt("block", &ids, detail()).unwrap();
            journal.outcome(&entry, &report, None);
        };
        let failed = |ids: &[&str]| {
            let reason = crate::api::model::FailReason::UnknownToServer;
            Ledger::all(
                ids.iter().map(|id| id.to_string()),
                &Outcome::Failed(reason),
            )
        };
        write(&["a", "b", "c", "x"], failed(&["a", "b", "c", "x"]));
        write(&["a", "b"], succeeded(["a", "b"]));
        write(&["c"], succeeded(["c"]));
        write(&["x"], failed(&["x"]));
        journal.flush();
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
        let lost = Ledger::all(ids.clone(), &Outcome::Unknown("lost".into()));
        journal.outcome(&entry, &lost, None);
        let settled = succeeded(["a"]);
        journal.settled("block", &settled, Some("b"));
        journal.flush();
        let outcome = read(&path, 5).unwrap()[0].outcome.clone().unwrap();
        assert_eq!(
            (outcome.succeeded, outcome.unknown),
            (vec!["a".into()], vec!["b".into()])
        );
    }

    #[test]
    fn an_edit_is_settled_by_its_own_entry_not_the_newest_unknown_edit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let journal = Journal::new(&path, "training", "http://x");
        let lost = |key: &str| Ledger::all([key.to_string()], &Outcome::Unknown("lost".into()));
        for (id, key) in [("e1", "jo@example.com"), ("e2", "an@example.com")] {
            let detail = serde_json::json!({ "user": { "name": "x" }, "batch": id });
            let entry = journal
                .attempt("update", &[key.to_string()], Some(detail))
                .unwrap();
            journal.outcome(&entry, &lost(key), None);
        }
        // The older edit is read back: its user (by id) holds the change.
        let settled = succeeded(["8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11"]);
        journal.settled("update", &settled, Some("e1"));
        journal.flush();
        let entries = read(&path, 5).unwrap();
        let outcome = |n: usize| entries[n].outcome.clone().unwrap();
        assert_eq!(entries[1].entry, "e1");
        assert_eq!(
            (outcome(1).succeeded, outcome(1).unknown),
            (vec!["8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11".into()], vec![])
        );
        assert_eq!(
            outcome(0).unknown,
            ["an@example.com"],
            "the newer one stays unknown"
        );
    }

    #[test]
    fn every_entry_of_a_long_journal_is_kept_newest_first_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let journal = Journal::new(&path, "prod", "http://x");
        for n in 0..3_000 {
            let ids = vec![format!("u{n}")];
            let detail = serde_json::json!({ "batch": format!("b{n}") });
            let entry = journal.attempt("block", &ids, Some(detail)).unwrap();
            let report = succeeded(ids);
            journal.outcome(&entry, &report, None);
        }
        journal.flush();
        let entries = read(&path, 10_000).unwrap();
        assert_eq!(entries.len(), 3_000);
        assert_eq!(entries[0].entry, "b2999");
        assert!(
            entries
                .iter()
                .all(|e| e.outcome.as_ref().unwrap().succeeded.len() == 1)
        );
        let newest = read(&path, 2).unwrap();
        assert_eq!(
            newest.iter().map(|e| e.entry.as_str()).collect::<Vec<_>>(),
            ["b2999", "b2998"]
        );
        assert!(newest.iter().all(|e| e.outcome.is_some()));
    }

    #[test]
    fn an_entry_let_go_for_a_newer_one_is_not_brought_back_by_its_later_lines() {
        // Found trying it: a long batch A, a batch B journalled while A ran, then A's
        // last lines (its ids never sent). With --limit 1, A came back as the newest
        // entry holding only those lines (wrong ids, counts, time and order).
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let journal = Journal::new(&path, "prod", "http://x");
        let detail = |batch: &str| Some(serde_json::json!({ "batch": batch }));
        let a = journal
            .attempt("block", &["a1".to_string()], detail("A"))
            .unwrap();
        journal.outcome(&a, &succeeded(["a1"]), None);
        let b = journal
            .attempt("block", &["b1".to_string()], detail("B"))
            .unwrap();
        journal.outcome(&b, &succeeded(["b1"]), None);
        journal.not_sent(
            "block",
            &["a2".to_string()],
            serde_json::json!({ "batch": "A" }),
        );
        journal.flush();
        let newest = read(&path, 1).unwrap();
        assert_eq!(newest.len(), 1);
        assert_eq!(newest[0].entry, "B", "the newest batch, whole");
        let both = read(&path, 2).unwrap();
        assert_eq!(both[1].entry, "A");
        assert_eq!(both[1].ids, ["a1", "a2"]);
        let outcome = both[1].outcome.as_ref().unwrap();
        assert_eq!((outcome.succeeded.len(), outcome.not_sent.len()), (1, 1));
    }
}
