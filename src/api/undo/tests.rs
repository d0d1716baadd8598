//! The undo plan's tests: which entry is taken, and what of it goes back.

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

/// A training batch of `action` on users with `before`, every one succeeded.
fn training(action: &str, before: &[(&str, &str)]) -> JournalEntry {
    JournalEntry {
        action: action.into(),
        ..block(
            before,
            &before.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        )
    }
}

fn now(statuses: &[(&str, Status)]) -> HashMap<String, Option<Status>> {
    statuses
        .iter()
        .map(|(id, s)| (id.to_string(), Some(s.clone())))
        .collect()
}

#[test]
fn an_archive_is_undone_to_the_status_each_user_had_and_says_so() {
    let entry = training(
        "archive",
        &[("a", "active"), ("i", "inactive"), ("x", "archived")],
    );
    let archived = now(&[
        ("a", Status::Archived),
        ("i", Status::Archived),
        ("x", Status::Archived),
    ]);
    let plan = plan(&entry, std::slice::from_ref(&entry), &archived).unwrap();
    assert_eq!(plan.action, BulkAction::Unarchive);
    assert_eq!(plan.ids, ["a", "i"]);
    assert_eq!(
        plan.restore,
        HashMap::from([
            ("a".to_string(), Status::Active),
            ("i".to_string(), Status::Inactive)
        ]),
        "what the undo gives back, and proves"
    );
    assert_eq!(
        plan.summary(),
        "undo archive of 3 users: 2 archived → as before (1 active, 1 inactive); 1 left alone"
    );
}

#[test]
fn an_unarchive_that_may_have_activated_an_inactive_user_is_not_called_already_so() {
    // The batch unarchived an archived user, an active one and an inactive one — which
    // the server made active. Archiving gives back only the first.
    let entry = training(
        "unarchive",
        &[
            ("x", "archived"),
            ("a", "active"),
            ("i", "inactive"),
            ("j", "inactive"),
        ],
    );
    let after = now(&[
        ("x", Status::Active),
        ("a", Status::Active),
        ("i", Status::Active),
        ("j", Status::Inactive),
    ]);
    let plan = plan(&entry, std::slice::from_ref(&entry), &after).unwrap();
    assert_eq!(plan.ids, ["x"]);
    assert_eq!(
        plan.left,
        [
            ("a".to_string(), "was active already".to_string()),
            (
                "i".to_string(),
                "was inactive, is active now: archive does not give that back".to_string()
            ),
            ("j".to_string(), "was inactive, and is still".to_string()),
        ]
    );
    assert_eq!(
        plan.summary(),
        "undo unarchive of 4 users: 1 not archived → archived; 3 left alone"
    );
}

#[test]
fn a_later_batch_that_found_the_users_as_this_one_left_them_does_not_refuse_the_undo() {
    // Found trying it: the same block sent twice; the second found the user blocked
    // already (so recorded), changed nothing, and still refused the undo of the first.
    let older = block(&[("a", "active")], &["a"]);
    let again = JournalEntry {
        entry: "batch-2".into(),
        ..block(&[("a", "blocked")], &["a"])
    };
    let entries = [again, older.clone()];
    let plan = plan(&older, &entries, &all_blocked(&["a"])).unwrap();
    assert_eq!(plan.ids, ["a"]);
    // Its status before not recorded: it may have changed the user, so it refuses.
    let unrecorded = JournalEntry {
        entry: "batch-2".into(),
        ..block(&[], &["a"])
    };
    let entries = [unrecorded, older.clone()];
    let refused = super::plan(&older, &entries, &all_blocked(&["a"])).unwrap_err();
    assert!(refused.contains("entry batch-2"), "{refused}");
}
