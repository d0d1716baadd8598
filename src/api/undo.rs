//! Taking a batch back: which of its users go back to the status they had before, by the
//! reverse action, and which cannot (and why) — planned from the journal and from the
//! users' statuses read back now. A batch already undone, or whose users changed since,
//! is refused, naming them.

use std::collections::HashMap;

use super::client::Client;
use super::journal::{self, JournalEntry};
use super::model::{BulkAction, Status};
use super::settle;

/// How many of the journal's newest entries an undo looks among.
pub const SEARCHED: usize = 1000;

/// What an undo will do.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoPlan {
    /// The batch undone, and when it ran.
    pub batch: String,
    pub time: String,
    /// Its action, and the reverse the undo sends.
    pub of: BulkAction,
    pub action: BulkAction,
    /// The users the reverse is sent for, with their status now (the undo's "before").
    pub ids: Vec<String>,
    pub now: HashMap<String, Status>,
    /// The users left alone, each with why.
    pub left: Vec<(String, String)>,
}

impl UndoPlan {
    /// `undo block of 12 users: 9 blocked → active; 3 left alone`.
    pub fn summary(&self) -> String {
        let result = |action: BulkAction| match action.resulting_status() {
            Some(status) => status.to_string(),
            None => "not archived".into(),
        };
        let n = self.ids.len() + self.left.len();
        let mut text = format!(
            "undo {} of {n} user{}: {} {} → {}",
            self.of.verb(),
            if n == 1 { "" } else { "s" },
            self.ids.len(),
            result(self.of),
            result(self.action)
        );
        if !self.left.is_empty() {
            text.push_str(&format!("; {} left alone", self.left.len()));
        }
        text
    }
}

/// The action a batch is, if it is a bulk action.
pub fn bulk_action(action: &str) -> Option<BulkAction> {
    [
        BulkAction::Block,
        BulkAction::Activate,
        BulkAction::Archive,
        BulkAction::Unarchive,
    ]
    .into_iter()
    .find(|a| a.verb() == action)
}

fn reverse(action: BulkAction) -> BulkAction {
    match action {
        BulkAction::Block => BulkAction::Activate,
        BulkAction::Activate => BulkAction::Block,
        BulkAction::Archive => BulkAction::Unarchive,
        BulkAction::Unarchive => BulkAction::Archive,
    }
}

/// The entry an undo takes — the one undo rule, for `u`, `userdeck undo` and `:journal`.
/// Named (by its id or a prefix of six characters or more): that entry, if it is of this
/// profile and endpoint (another's users live on another server). Unnamed: the newest
/// batch of this profile and endpoint, and never an older one — when the newest cannot be
/// undone, the answer says which it is and why, and an older one must be named.
pub fn chosen<'a>(
    entries: &'a [JournalEntry],
    named: Option<&str>,
    profile: &str,
    endpoint: &str,
) -> Result<&'a JournalEntry, String> {
    let Some(named) = named else {
        let newest = entries.iter().find(|e| {
            e.profile == profile && e.endpoint == endpoint && bulk_action(&e.action).is_some()
        });
        let Some(newest) = newest else {
            return Err(format!(
                "no batch of profile {profile:?} to undo in the journal"
            ));
        };
        let refused = |why: String| {
            Err(format!(
                "the newest batch ({}) {why}; to undo an older one, name it (undo ENTRY, or u on it in :journal)",
                described(newest)
            ))
        };
        if let Some(undone) = &newest.undo_of {
            return refused(format!(
                "is an undo itself (of entry {})",
                crate::text::head(undone, 8)
            ));
        }
        // A batch that recorded no statuses (too many users to read first) has nothing
        // that could go back.
        if newest.before.is_empty() {
            return refused("recorded no statuses before it: nothing of it can be undone".into());
        }
        return Ok(newest);
    };
    if named.chars().count() < 6 {
        return Err(format!(
            "{named:?}: give at least 6 characters of the entry"
        ));
    }
    let fitting: Vec<&JournalEntry> = entries
        .iter()
        .filter(|e| e.entry.starts_with(named))
        .collect();
    match fitting[..] {
        // What to do first: a status line may cut the rest.
        [one] if one.profile != profile || one.endpoint != endpoint => Err(format!(
            "undo it there: entry {} was sent to {} (profile {:?}), not {endpoint} (profile {profile:?})",
            crate::text::head(&one.entry, 8),
            one.endpoint,
            one.profile
        )),
        [one] => Ok(one),
        [] => Err(format!("no entry {named:?} among the journal's newest")),
        _ => Err(format!(
            "{named:?} names {} entries: give more of it",
            fitting.len()
        )),
    }
}

/// `block of 1,200 users at 2026-12-03T07:41:12, entry c0289881`.
fn described(entry: &JournalEntry) -> String {
    let n = entry.ids.len();
    format!(
        "{} of {} user{} at {}, entry {}",
        entry.action,
        crate::text::thousands(n as u64),
        if n == 1 { "" } else { "s" },
        crate::text::head(&entry.time, 19),
        crate::text::head(&entry.entry, 8),
    )
}

/// The undo of `entry` that changed something, if there is one.
fn undone_by<'a>(entries: &'a [JournalEntry], entry: &JournalEntry) -> Option<&'a JournalEntry> {
    entries.iter().find(|u| {
        u.undo_of.as_deref() == Some(&entry.entry)
            && u.outcome.as_ref().is_some_and(|o| !o.succeeded.is_empty())
    })
}

/// At most this many users are named in a refusal.
const NAMED: usize = 5;

/// `a, b, c and 4 more`.
fn some_of(items: &[String]) -> String {
    let mut text = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > NAMED {
        text.push_str(&format!(" and {} more", items.len() - NAMED));
    }
    text
}

/// Plans the undo of `entry`; `entries` is the journal (to see whether it was undone),
/// `now` the status read back now of each user it changed or may have changed (None: not
/// found). A user whose outcome was unknown goes back too when it holds what the batch
/// set (the server applied it, its answer was lost); else it is left alone, as is every
/// id never sent.
pub fn plan(
    entry: &JournalEntry,
    entries: &[JournalEntry],
    now: &HashMap<String, Option<Status>>,
) -> Result<UndoPlan, String> {
    let Some(of) = bulk_action(&entry.action) else {
        return Err(format!(
            "{} cannot be undone: only block, activate, archive and unarchive can",
            entry.action
        ));
    };
    if let Some(undo) = undone_by(entries, entry) {
        return Err(format!("already undone, at {}", undo.time));
    }
    let Some(outcome) = &entry.outcome else {
        return Err("its outcome was never written: what it changed is not known".into());
    };
    if outcome.succeeded.is_empty() && outcome.unknown.is_empty() {
        return Err(format!(
            "nothing of it was applied ({} failed, {} not sent): nothing to undo",
            outcome.failed.len(),
            outcome.not_sent.len()
        ));
    }
    // A later batch that changed the same users: undoing this one would undo it too,
    // even when their statuses read the same as this batch left them.
    let mine: std::collections::HashSet<&String> =
        outcome.succeeded.iter().chain(&outcome.unknown).collect();
    let newer = entries.iter().take_while(|e| e.entry != entry.entry);
    for later in newer {
        let touched: Vec<String> = later
            .outcome
            .iter()
            .flat_map(|o| o.succeeded.iter().chain(&o.unknown))
            .filter(|id| mine.contains(id))
            .cloned()
            .collect();
        if !touched.is_empty() {
            return Err(format!(
                "a later batch ({} at {}) changed {} since: nothing was undone",
                later.action,
                later.time,
                some_of(&touched)
            ));
        }
    }
    let changed: Vec<String> = outcome
        .succeeded
        .iter()
        .filter_map(|id| match now.get(id) {
            Some(Some(status)) if of.holds(status) => None,
            Some(Some(status)) => Some(format!("{id} is {status} now")),
            _ => Some(format!("{id} is no longer found")),
        })
        .collect();
    if !changed.is_empty() {
        return Err(format!(
            "users changed since, nothing was undone: {}",
            some_of(&changed)
        ));
    }
    let action = reverse(of);
    let mut plan = UndoPlan {
        batch: entry.entry.clone(),
        time: entry.time.clone(),
        of,
        action,
        ids: Vec::new(),
        now: HashMap::new(),
        left: Vec::new(),
    };
    // The unknown that hold what the batch set now were applied; the others were not.
    let applied = outcome.unknown.iter().filter(|id| match now.get(*id) {
        Some(Some(status)) => of.holds(status),
        _ => false,
    });
    for id in outcome.succeeded.iter().chain(applied) {
        let before = entry.before.get(id).and_then(|b| Status::parse(b));
        let why = match before {
            None => Some("its status before was not recorded".to_string()),
            Some(before) if of.holds(&before) => Some(format!("was {before} already")),
            Some(Status::Pending) => {
                Some("was pending: the API cannot make a user pending again".to_string())
            }
            Some(before) if action.holds(&before) => None,
            Some(before) => Some(format!(
                "was {before}: {} does not give that back",
                action.verb()
            )),
        };
        match why {
            Some(why) => plan.left.push((id.clone(), why)),
            None => {
                plan.ids.push(id.clone());
                if let Some(Some(status)) = now.get(id) {
                    plan.now.insert(id.clone(), status.clone());
                }
            }
        }
    }
    for id in &outcome.unknown {
        match now.get(id) {
            Some(Some(status)) if of.holds(status) => {}
            Some(Some(status)) => plan.left.push((
                id.clone(),
                format!("its outcome was unknown; it is {status} now"),
            )),
            _ => plan.left.push((
                id.clone(),
                "its outcome was unknown; it is no longer found".into(),
            )),
        }
    }
    for id in &outcome.not_sent {
        plan.left.push((id.clone(), "never sent".into()));
    }
    Ok(plan)
}

/// Reads the journal at `path`, picks the entry to undo (`named`, or the newest of this
/// client's profile and endpoint), reads its users back and plans the undo.
pub async fn prepare(
    client: &Client,
    path: std::path::PathBuf,
    named: Option<String>,
    profile: &str,
) -> Result<UndoPlan, String> {
    let journal = client
        .journal()
        .ok_or("this client keeps no journal: nothing to undo")?;
    let endpoint = journal.endpoint().to_string();
    // The outcomes handed to the journal's thread are read too: an undo chosen without
    // them might pick the batch before the newest.
    if !journal.flushed().await {
        return Err(
            "the journal is still being written (a slow disk): undo again in a moment".into(),
        );
    }
    let entries = tokio::task::spawn_blocking(move || journal::read(&path, SEARCHED))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot read the journal: {e}"))?;
    let entry = chosen(&entries, named.as_deref(), profile, &endpoint)?;
    // Those it changed, and those it may have changed.
    let touched: Vec<String> = entry
        .outcome
        .as_ref()
        .map(|o| o.succeeded.iter().chain(&o.unknown).cloned().collect())
        .unwrap_or_default();
    let now = read_statuses(client, &touched).await?;
    plan(entry, &entries, &now).map_err(|why| {
        format!(
            "batch {} of {}: {why}",
            crate::text::head(&entry.entry, 8),
            crate::text::head(&entry.time, 19)
        )
    })
}

/// A headless action reads its users' statuses first, so that it can be undone, when they
/// are at most this many: one read each, beyond this it would cost more than the action.
pub const READ_FIRST_UP_TO: usize = 1_000;

/// The statuses of `ids` before an action, for its batch: every user read and found (a
/// training id that is not a UUID is never sent, so never read), and the ids whose read
/// failed; None past [`READ_FIRST_UP_TO`], where nothing is read.
pub async fn statuses_before(
    client: &Client,
    ids: &[String],
) -> Option<(HashMap<String, Status>, Vec<String>)> {
    if ids.len() > READ_FIRST_UP_TO {
        return None;
    }
    let sendable: Vec<String> = ids
        .iter()
        .filter(|id| {
            client.dialect() == crate::dialect::Dialect::Crm || uuid::Uuid::parse_str(id).is_ok()
        })
        .cloned()
        .collect();
    let mut found = HashMap::new();
    let mut unread = Vec::new();
    for (id, read) in settle::read_statuses(client, &sendable).await {
        match read {
            Ok(Some(status)) => {
                found.insert(id, status);
            }
            Ok(None) => {}
            Err(_) => unread.push(id),
        }
    }
    Some((found, unread))
}

/// Reads the statuses of `ids` now (None for a user not found), as settling reads them
/// back; an undo is planned only when every one could be read.
pub async fn read_statuses(
    client: &Client,
    ids: &[String],
) -> Result<HashMap<String, Option<Status>>, String> {
    settle::read_statuses(client, ids)
        .await
        .into_iter()
        .map(|(id, read)| match read {
            Ok(status) => Ok((id, status)),
            Err(e) => Err(format!("reading {id} back failed: {e}")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::api::journal::EntryOutcome;

    fn block(before: &[(&str, &str)], succeeded: &[&str]) -> JournalEntry {
        JournalEntry {
            entry: "batch-1".into(),
            time: "2026-11-30T10:00:00Z".into(),
            action: "block".into(),
            ids: before.iter().map(|(id, _)| id.to_string()).collect(),
            before: before
                .iter()
                .map(|(id, s)| (id.to_string(), s.to_string()))
                .collect::<BTreeMap<_, _>>(),
            outcome: Some(EntryOutcome {
                succeeded: succeeded.iter().map(|s| s.to_string()).collect(),
                ..EntryOutcome::default()
            }),
            ..JournalEntry::default()
        }
    }

    fn all_blocked(ids: &[&str]) -> HashMap<String, Option<Status>> {
        ids.iter()
            .map(|id| (id.to_string(), Some(Status::Blocked)))
            .collect()
    }

    #[test]
    fn active_users_go_back_and_pending_ones_are_said_not_reversible() {
        let entry = block(
            &[
                ("a", "active"),
                ("b", "active"),
                ("p", "pending"),
                ("x", "blocked"),
            ],
            &["a", "b", "p", "x"],
        );
        let plan = plan(
            &entry,
            std::slice::from_ref(&entry),
            &all_blocked(&["a", "b", "p", "x"]),
        )
        .unwrap();
        assert_eq!(plan.action, BulkAction::Activate);
        assert_eq!(plan.ids, ["a", "b"]);
        assert_eq!(
            plan.left,
            [
                (
                    "p".to_string(),
                    "was pending: the API cannot make a user pending again".to_string()
                ),
                ("x".to_string(), "was blocked already".to_string())
            ]
        );
        assert_eq!(
            plan.summary(),
            "undo block of 4 users: 2 blocked → active; 2 left alone"
        );
    }

    #[test]
    fn a_batch_undone_or_changed_since_is_refused() {
        let entry = block(&[("a", "active"), ("b", "active")], &["a", "b"]);
        let undo = JournalEntry {
            entry: "batch-2".into(),
            undo_of: Some("batch-1".into()),
            outcome: Some(EntryOutcome {
                succeeded: vec!["a".into()],
                ..EntryOutcome::default()
            }),
            ..JournalEntry::default()
        };
        let now = all_blocked(&["a", "b"]);
        let refused = plan(&entry, &[undo, entry.clone()], &now).unwrap_err();
        assert!(refused.starts_with("already undone"), "{refused}");
        let mut now = now;
        now.insert("b".into(), Some(Status::Active));
        let refused = plan(&entry, std::slice::from_ref(&entry), &now).unwrap_err();
        assert!(refused.contains("b is active now"), "{refused}");
        // An edit is no batch to undo.
        let edit = JournalEntry {
            action: "update".into(),
            ..entry.clone()
        };
        assert!(plan(&edit, &[], &HashMap::new()).is_err());
    }

    #[test]
    fn the_entry_is_the_newest_batch_or_the_one_named_and_never_an_older_one() {
        let older = block(&[("a", "active")], &["a"]);
        let undo = |succeeded: &[&str]| JournalEntry {
            entry: "batch-9".into(),
            undo_of: Some("batch-1".into()),
            action: "activate".into(),
            outcome: Some(EntryOutcome {
                succeeded: succeeded.iter().map(|s| s.to_string()).collect(),
                ..EntryOutcome::default()
            }),
            ..JournalEntry::default()
        };
        // The newest is an undo, whether it changed something or not: it is named, and
        // the batch before it is not taken instead.
        for entries in [[undo(&["a"]), older.clone()], [undo(&[]), older.clone()]] {
            let err = chosen(&entries, None, "", "").unwrap_err();
            assert!(
                err.starts_with("the newest batch (activate of 0 users")
                    && err.contains("is an undo itself (of entry batch-1)")
                    && err.contains("name it"),
                "{err}"
            );
            assert_eq!(
                chosen(&entries, Some("batch-1"), "", "").unwrap().entry,
                "batch-1"
            );
        }
        assert_eq!(
            chosen(&[], None, "p", "").unwrap_err(),
            "no batch of profile \"p\" to undo in the journal"
        );
        // Newest with every outcome unknown, or failed: still the one taken (plan says
        // what of it can go back).
        let unknown = JournalEntry {
            entry: "batch-2".into(),
            outcome: Some(EntryOutcome {
                unknown: vec!["b".into()],
                ..EntryOutcome::default()
            }),
            ..block(&[("b", "active")], &[])
        };
        let entries = [unknown, older.clone()];
        assert_eq!(chosen(&entries, None, "", "").unwrap().entry, "batch-2");
        let entries = [older.clone()];
        assert_eq!(chosen(&entries, None, "", "").unwrap().entry, "batch-1");
        assert_eq!(
            chosen(&entries, Some("batch-"), "", "").unwrap().entry,
            "batch-1"
        );
        assert!(chosen(&entries, Some("bat"), "", "").is_err());
        // Another profile's or server's batch is not this one's to undo.
        assert!(chosen(&entries, None, "prod", "").is_err());
        assert!(chosen(&entries, None, "", "http://other").is_err());
        let refused = chosen(&entries, Some("batch-1"), "prod", "").unwrap_err();
        assert!(refused.contains("undo it there"), "{refused}");
    }

    #[test]
    fn a_newer_batch_without_statuses_is_named_not_passed_over() {
        let older = block(&[("a", "active")], &["a"]);
        let unrecorded = JournalEntry {
            entry: "batch-2-unrecorded".into(),
            ids: vec!["b".into()],
            ..block(&[], &["b"])
        };
        let entries = [unrecorded.clone(), older.clone()];
        let refused = chosen(&entries, None, "", "").unwrap_err();
        assert!(
            refused.starts_with("the newest batch (block of 1 user at")
                && refused.contains("entry batch-2-")
                && refused.contains("to undo an older one, name it"),
            "{refused}"
        );
        let refused = chosen(std::slice::from_ref(&unrecorded), None, "", "").unwrap_err();
        assert!(refused.contains("nothing of it can be undone"), "{refused}");
        // Named, the older one is undone.
        assert_eq!(
            chosen(&entries, Some("batch-1"), "", "").unwrap().entry,
            "batch-1"
        );
    }

    #[test]
    fn a_later_batch_on_the_same_users_refuses_the_undo_even_when_statuses_read_the_same() {
        let older = block(&[("a", "active")], &["a"]);
        let activated = JournalEntry {
            entry: "batch-2".into(),
            action: "activate".into(),
            outcome: Some(EntryOutcome {
                succeeded: vec!["a".into()],
                ..EntryOutcome::default()
            }),
            ..JournalEntry::default()
        };
        let blocked_again = JournalEntry {
            entry: "batch-3".into(),
            ..block(&[("a", "active")], &["a"])
        };
        let entries = [blocked_again, activated, older.clone()];
        let refused = plan(&older, &entries, &all_blocked(&["a"])).unwrap_err();
        assert!(refused.starts_with("a later batch (block at"), "{refused}");
    }

    #[test]
    fn unknown_outcomes_go_back_when_they_hold_what_the_batch_set_and_never_sent_stay() {
        let entry = JournalEntry {
            outcome: Some(EntryOutcome {
                succeeded: vec!["a".into()],
                unknown: vec!["b".into(), "c".into(), "d".into()],
                not_sent: vec!["e".into()],
                ..EntryOutcome::default()
            }),
            ..block(
                &[
                    ("a", "active"),
                    ("b", "active"),
                    ("c", "active"),
                    ("d", "active"),
                    ("e", "active"),
                ],
                &[],
            )
        };
        let mut now = all_blocked(&["a", "b"]);
        now.insert("c".into(), Some(Status::Active));
        now.insert("d".into(), None);
        let plan = plan(&entry, std::slice::from_ref(&entry), &now).unwrap();
        assert_eq!(plan.ids, ["a", "b"], "b was applied: its answer was lost");
        let left: Vec<&str> = plan.left.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(left, ["c", "d", "e"]);
        assert!(
            plan.left[0].1.contains("unknown; it is active now"),
            "{:?}",
            plan.left
        );
        assert_eq!(plan.left[2].1, "never sent");
        // A batch nothing of which was applied: nothing to undo, said so.
        let failed = JournalEntry {
            outcome: Some(EntryOutcome {
                failed: vec!["a".into()],
                ..EntryOutcome::default()
            }),
            ..block(&[("a", "active")], &[])
        };
        let refused = super::plan(&failed, &[], &HashMap::new()).unwrap_err();
        assert!(
            refused.starts_with("nothing of it was applied (1 failed"),
            "{refused}"
        );
    }
}
