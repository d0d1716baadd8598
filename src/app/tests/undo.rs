//! Undo (`u`, also on an entry of `:journal`) and retry (`R`): planned by the worker,
//! asked, and sent as a batch of its own.

use std::collections::HashMap;

use super::bulk::bulk_request;
use super::*;

/// A crm app showing ten users, with a journal to undo from.
fn journalling() -> App {
    let mut config = config(Dialect::Crm, false);
    config.journal = Some("/nowhere/audit.jsonl".into());
    let (mut app, effects) = App::new(config);
    answer_page(&mut app, &sent(&effects)[0], 10);
    app
}

#[test]
fn u_plans_the_undo_and_y_sends_the_reverse_as_an_undo_of_the_batch() {
    use crate::api::undo::UndoPlan;
    let mut app = journalling();
    let effects = app.update(key('u'));
    let [Request::PlanUndo { id, entry, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(entry, &None, "the last batch");
    let plan = UndoPlan {
        batch: "b1".into(),
        time: "2026-11-30T10:00:00Z".into(),
        of: BulkAction::Block,
        action: BulkAction::Activate,
        ids: vec!["u1".into(), "u2".into()],
        now: [("u1".to_string(), Status::Blocked)].into(),
        restore: [
            ("u1".to_string(), Status::Active),
            ("u2".to_string(), Status::Active),
        ]
        .into(),
        left: vec![("u3".into(), "was pending".into())],
    };
    app.update(Event::Worker(Response::UndoPlanned {
        id: *id,
        result: Ok(plan),
    }));
    assert!(matches!(app.dialog, Some(Dialog::Undo(_))));
    let effects = app.update(key('y'));
    let [
        Request::Bulk {
            action,
            ids,
            undo: Some(undo),
            ..
        },
    ] = &sent(&effects)[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(
        undo.restore.get("u2"),
        Some(&Status::Active),
        "what it gives back"
    );
    assert_eq!(
        (action, ids.as_slice(), Some(undo.of.as_str())),
        (
            &BulkAction::Activate,
            &["u1".to_string(), "u2".to_string()][..],
            Some("b1")
        )
    );
}

#[test]
fn a_refused_undo_is_said_and_sends_nothing() {
    let mut app = journalling();
    let effects = app.update(key('u'));
    let [Request::PlanUndo { id, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    app.update(Event::Worker(Response::UndoPlanned {
        id: *id,
        result: Err("already undone, at 10:00".into()),
    }));
    assert!(app.dialog.is_none());
    assert_eq!(said(&app), ["not undone: already undone, at 10:00"]);
    // The demo journals nothing: nothing to undo.
    let mut app = started(Dialect::Crm, false, 10);
    assert!(app.update(key('u')).is_empty());
}

#[test]
fn r_tries_again_only_the_ids_that_failed() {
    let mut app = started(Dialect::Crm, false, 10);
    select_seen(&mut app, 3, Status::Active);
    press(&mut app, Action::Block);
    let (id, _, ids) = bulk_request(&app.update(key('y')));
    assert_eq!(ids.len(), 3);
    let boom = Outcome::Failed(FailReason::Error("boom".into()));
    let report = Ledger::of([
        ("u0".into(), Outcome::Succeeded),
        ("u1".into(), boom.clone()),
        ("u2".into(), boom),
    ]);
    app.update(Event::Worker(Response::BulkDone {
        id,
        action: BulkAction::Block,
        report,
        elapsed: Duration::ZERO,
    }));
    app.update(key('R'));
    let (_, action, ids) = bulk_request(&app.update(key('y')));
    assert_eq!(action, BulkAction::Block);
    assert_eq!(ids, ["u1", "u2"]);
}

#[test]
fn u_in_the_journal_undoes_the_entry_under_the_cursor() {
    use crate::api::journal::JournalEntry;
    let mut app = journalling();
    // `:journal`, as typed (the journal has no key of its own).
    for c in ":journal".chars() {
        app.update(key(c));
    }
    let effects = app.update(code(KeyCode::Enter));
    let [Request::Journal { id, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    let entry = |id: &str| JournalEntry {
        entry: id.into(),
        action: "block".into(),
        ..JournalEntry::default()
    };
    app.update(Event::Worker(Response::Journal {
        id: *id,
        result: Ok(vec![entry("newest"), entry("older")]),
    }));
    app.update(key('j'));
    let effects = app.update(key('u'));
    let [Request::PlanUndo { entry, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(entry.as_deref(), Some("older"));
}

#[test]
fn an_undo_plan_that_comes_while_another_dialog_waits_is_not_asked() {
    use crate::api::undo::UndoPlan;
    let mut app = journalling();
    let effects = app.update(key('u'));
    let [Request::PlanUndo { id, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    // Meanwhile the operator asks for a block.
    app.update(key('b'));
    app.update(Event::Worker(Response::UndoPlanned {
        id: *id,
        result: Ok(UndoPlan {
            batch: "b1".into(),
            time: String::new(),
            of: BulkAction::Block,
            action: BulkAction::Activate,
            ids: vec!["u5".into()],
            now: Default::default(),
            restore: Default::default(),
            left: Vec::new(),
        }),
    }));
    assert!(
        matches!(app.dialog, Some(Dialog::Confirm(_))),
        "the block's dialog stays"
    );
    let (_, action, _) = bulk_request(&app.update(key('y')));
    assert_eq!(action, BulkAction::Block, "y answers what was asked");
}

#[test]
fn an_undo_of_many_users_asks_for_the_count_as_a_bulk_action_does() {
    // Issue #20, defect 8: 120 users went back on a y, where blocking them asked for the
    // count typed.
    use crate::api::undo::UndoPlan;
    let mut app = journalling();
    let effects = app.update(key('u'));
    let [Request::PlanUndo { id, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    let ids: Vec<String> = (0..120).map(|n| format!("u{n}")).collect();
    let plan = UndoPlan {
        batch: "b1".into(),
        time: "2026-11-30T10:00:00Z".into(),
        of: BulkAction::Block,
        action: BulkAction::Activate,
        ids: ids.clone(),
        now: HashMap::new(),
        restore: HashMap::new(),
        left: Vec::new(),
    };
    app.update(Event::Worker(Response::UndoPlanned {
        id: *id,
        result: Ok(plan),
    }));
    let told = said(&app).join(" ");
    assert!(
        !told.contains("reading the journal"),
        "the notice is over: {told}"
    );
    // y is text here; Enter with a wrong count sends nothing.
    app.update(key('y'));
    assert!(sent(&app.update(code(KeyCode::Enter))).is_empty());
    assert!(matches!(app.dialog, Some(Dialog::Undo(_))), "still asking");
    for c in "120".chars() {
        app.update(key(c));
    }
    let effects = app.update(code(KeyCode::Enter));
    assert!(
        matches!(&sent(&effects)[..], [Request::Bulk { ids: sent, .. }] if *sent == ids),
        "{effects:?}"
    );
}
