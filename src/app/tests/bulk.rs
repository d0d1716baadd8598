//! Bulk actions: confirm, run, per-id outcome on screen at once, the summary kept, and
//! quitting during one.

use super::*;

pub(super) fn bulk_request(effects: &[Effect]) -> (RequestId, BulkAction, Vec<String>) {
    match &sent(effects)[..] {
        [
            Request::Bulk {
                id, action, ids, ..
            },
        ] => (*id, *action, ids.clone()),
        other => panic!("{other:?}"),
    }
}

fn done(app: &mut App, id: RequestId, action: BulkAction, report: Ledger) -> Vec<Effect> {
    app.update(Event::Worker(Response::BulkDone {
        id,
        action,
        report,
        elapsed: Duration::from_millis(9),
    }))
}

#[test]
fn selection_survives_pages_and_filters() {
    let mut app = started(Dialect::Training, false, 30);
    press(&mut app, Action::ToggleSelect);
    press(&mut app, Action::ToggleSelect);
    assert_eq!(app.selected.keys().collect::<Vec<_>>(), ["u0", "u1"]);
    assert_eq!(app.table.cursor(), 2);
    let next = sent(&press(&mut app, Action::NextPage));
    answer_page(&mut app, &next[0], 30);
    press(&mut app, Action::SelectPage);
    assert_eq!(app.selected.len(), 12);
    press(&mut app, Action::SelectPage);
    assert_eq!(app.selected.len(), 2, "again: the page is unselected");
    let filtered = sent(&press(&mut app, Action::CycleStatus));
    answer_page(&mut app, &filtered[0], 5);
    assert_eq!(app.selected.len(), 2, "kept across filters");
}

#[test]
fn the_confirmation_names_the_rows_shown_first_in_table_order() {
    let mut app = started(Dialect::Training, false, 30);
    app.selected.insert(
        "a-hidden".into(),
        picked("not on this page", Status::Active),
    );
    for _ in 0..5 {
        press(&mut app, Action::MoveDown);
    }
    press(&mut app, Action::ToggleSelect);
    press(&mut app, Action::First);
    press(&mut app, Action::ToggleSelect);
    press(&mut app, Action::Block);
    press(&mut app, Action::Archive);
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation")
    };
    let names: Vec<&str> = confirm.named().into_iter().map(|(_, name)| name).collect();
    assert_eq!(names, ["user 0", "user 5", "not on this page"]);
    assert_eq!(confirm.hidden(), 1);
}

#[test]
fn a_bulk_action_confirms_runs_and_shows_each_outcome_at_once() {
    let mut app = started(Dialect::Crm, false, 30);
    press(&mut app, Action::ToggleSelect);
    press(&mut app, Action::ToggleSelect);
    press(&mut app, Action::MoveDown);
    press(&mut app, Action::ToggleSelect);
    // Cancel first: nothing is sent.
    press(&mut app, Action::Block);
    assert_eq!(app.mode(), Mode::Dialog);
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation")
    };
    assert_eq!((confirm.count(), confirm.hidden()), (3, 0));
    assert!(sent(&app.update(key('n'))).is_empty());
    assert_eq!(app.mode(), Mode::Table);
    // Then confirm.
    press(&mut app, Action::Block);
    let (id, action, ids) = bulk_request(&app.update(key('y')));
    assert_eq!(action, BulkAction::Block);
    assert_eq!(ids, ["u0", "u1", "u3"]);
    assert_eq!(app.mode(), Mode::Busy);
    app.update(Event::Worker(Response::BulkProgress {
        id,
        progress: Progress {
            done: 2,
            unknown: 0,
            total: 3,
        },
    }));
    assert_eq!(app.bulk().unwrap().progress.done, 2);
    let after = sent(&done(
        &mut app,
        id,
        BulkAction::Block,
        Ledger::of([
            ("u0".into(), Outcome::Succeeded),
            ("u3".into(), Outcome::Succeeded),
            ("u1".into(), Outcome::Failed(FailReason::UnknownToServer)),
        ]),
    ));
    assert_eq!(app.mode(), Mode::Table);
    assert_eq!(
        app.selected.keys().collect::<Vec<_>>(),
        ["u1"],
        "the failed id stays selected"
    );
    let statuses: Vec<Status> = app.table.rows()[..4]
        .iter()
        .map(|u| u.status.clone())
        .collect();
    assert_eq!(
        statuses,
        [
            Status::Blocked,
            Status::Active,
            Status::Active,
            Status::Blocked
        ],
        "the rows acted on show their new status before the reload comes"
    );
    assert!(
        said(&app)
            .iter()
            .any(|t| t.contains("2 succeeded, 1 failed"))
    );
    let [Request::Reload { .. }] = &after[..] else {
        panic!("the table reloads: {after:?}")
    };
    // The reload fails: it says so, and the summary stays.
    answer_list(&mut app, &after[0], Err(http_500("Users")));
    assert!(
        said(&app)
            .iter()
            .any(|t| t.contains("2 succeeded, 1 failed"))
    );
    assert!(matches!(app.table.load(), Load::Failed(_)));
    app.update(key('j'));
    assert!(
        said(&app).iter().any(|t| t.contains("2 succeeded")),
        "a key does not dismiss the summary"
    );
    app.update(code(KeyCode::Esc));
    assert!(
        !said(&app).iter().any(|t| t.contains("2 succeeded")),
        "Esc does"
    );
}

#[test]
fn unknown_outcomes_are_told_as_unknown_and_stay_selected() {
    let mut app = started(Dialect::Crm, false, 30);
    press(&mut app, Action::ToggleSelect);
    press(&mut app, Action::Block);
    let (id, ..) = bulk_request(&app.update(key('y')));
    done(
        &mut app,
        id,
        BulkAction::Block,
        Ledger::of([(
            "u0".into(),
            Outcome::Unknown("BlockUsers: the server answered HTTP 500".into()),
        )]),
    );
    let text = said(&app).join("\n");
    assert!(text.contains("0 failed, 1 unknown"), "{text}");
    assert!(!text.contains("1 failed"), "{text}");
    assert_eq!(app.selected.len(), 1);
    assert_eq!(
        app.table.rows()[0].status,
        Status::Active,
        "not shown as blocked"
    );
}

#[test]
fn without_a_selection_the_current_row_is_acted_on() {
    let mut app = started(Dialect::Training, false, 30);
    press(&mut app, Action::MoveDown);
    press(&mut app, Action::Archive);
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation")
    };
    assert_eq!(confirm.ids(), ["u1"]);
    let (_, action, _) = bulk_request(&app.update(code(KeyCode::Enter)));
    assert_eq!(action, BulkAction::Archive);
}

#[test]
fn many_users_need_the_count_typed() {
    let mut app = started(Dialect::Crm, false, 300);
    select_seen(&mut app, 150, Status::Blocked);
    press(&mut app, Action::Activate);
    assert!(
        sent(&app.update(key('y'))).is_empty(),
        "y alone does not confirm"
    );
    app.update(code(KeyCode::Backspace));
    for c in "149".chars() {
        app.update(key(c));
    }
    assert!(
        sent(&app.update(code(KeyCode::Enter))).is_empty(),
        "a wrong count is refused"
    );
    assert!(app.messages().iter().any(|m| m.error));
    for c in "150".chars() {
        app.update(key(c));
    }
    let (_, _, ids) = bulk_request(&app.update(code(KeyCode::Enter)));
    assert_eq!(ids.len(), 150);
}

#[test]
fn read_only_and_foreign_actions_say_why_they_do_nothing() {
    let mut app = started(Dialect::Crm, true, 10);
    assert!(press(&mut app, Action::Block).is_empty());
    assert_eq!(app.mode(), Mode::Table);
    assert!(said(&app).iter().any(|t| t.contains("read-only")));
    let mut app = started(Dialect::Crm, false, 10);
    assert!(press(&mut app, Action::Archive).is_empty());
    assert!(said(&app).iter().any(|t| t.contains("crm API cannot")));
}

fn running(app: &mut App) -> RequestId {
    press(app, Action::ToggleSelect);
    press(app, Action::Block);
    bulk_request(&app.update(key('y'))).0
}

fn stops(effects: &[Effect]) -> Vec<Duration> {
    sent(effects)
        .into_iter()
        .filter_map(|r| match r {
            Request::StopBulk { grace } => Some(grace),
            _ => None,
        })
        .collect()
}

#[test]
fn quitting_during_a_bulk_action_asks_then_stops_with_a_grace() {
    let mut app = started(Dialect::Crm, false, 10);
    let id = running(&mut app);
    let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(
        app.update(ctrl_c.clone()).is_empty(),
        "the first Ctrl-C asks"
    );
    assert!(matches!(app.dialog, Some(Dialog::Quit)));
    assert!(app.update(key('n')).is_empty());
    assert!(app.dialog.is_none(), "n: the action goes on");
    app.update(key('q'));
    let effects = app.update(key('y'));
    assert_eq!(stops(&effects), [GRACE]);
    assert!(
        !effects.contains(&Effect::Quit),
        "it waits for the chunk under way"
    );
    let effects = done(
        &mut app,
        id,
        BulkAction::Block,
        Ledger::of([("u0".into(), Outcome::Unknown("no answer came".into()))]),
    );
    assert_eq!(effects, [Effect::Quit]);
    let farewell = app.farewell().unwrap();
    assert!(
        farewell
            .text
            .contains("left unknown (1; no answer came): u0"),
        "{farewell:?}"
    );
    assert_eq!(farewell.verdict, Verdict::Unsettled);
}

#[test]
fn a_second_ctrl_c_quits_at_once_and_a_signal_stops_first() {
    let mut app = started(Dialect::Crm, false, 10);
    running(&mut app);
    let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    app.update(ctrl_c.clone());
    assert_eq!(stops(&app.update(ctrl_c)), [Duration::ZERO]);

    let mut app = started(Dialect::Crm, false, 10);
    running(&mut app);
    assert_eq!(stops(&app.update(Event::Shutdown)), [GRACE]);
    assert_eq!(stops(&app.update(Event::Shutdown)), [Duration::ZERO]);
    let mut app = started(Dialect::Crm, false, 10);
    assert_eq!(app.update(Event::Shutdown), [Effect::Quit], "idle: at once");
}

#[test]
fn a_lost_terminal_stops_with_the_grace_and_never_cuts_a_stop_short() {
    // Alone, it stops as a signal does.
    let mut app = started(Dialect::Crm, false, 10);
    running(&mut app);
    assert_eq!(stops(&app.update(Event::TerminalLost)), [GRACE]);
    assert!(
        stops(&app.update(Event::TerminalLost)).is_empty(),
        "one loss, one stop"
    );
    // After a signal, or the operator's own stop, the connection dropping is not a
    // second request to quit at once: the chunks under way keep their grace.
    for first in [
        Event::Shutdown,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    ] {
        let mut app = started(Dialect::Crm, false, 10);
        running(&mut app);
        app.update(first.clone());
        if matches!(first, Event::Key(_)) {
            app.update(Event::Key(KeyEvent::new(
                KeyCode::Char('y'),
                KeyModifiers::NONE,
            )));
        }
        assert!(
            stops(&app.update(Event::TerminalLost)).is_empty(),
            "{first:?}"
        );
    }
    let mut app = started(Dialect::Crm, false, 10);
    assert_eq!(
        app.update(Event::TerminalLost),
        [Effect::Quit],
        "idle: at once"
    );
}

#[test]
fn a_bulk_action_whose_end_never_came_is_told_as_unknown_on_the_way_out() {
    let mut app = started(Dialect::Crm, false, 10);
    let id = running(&mut app);
    app.update(Event::Worker(Response::BulkProgress {
        id,
        progress: Progress {
            done: 0,
            unknown: 0,
            total: 1,
        },
    }));
    app.update(Event::Shutdown);
    // The loop's deadline passes before BulkDone: what does the program say?
    let farewell = app.farewell().expect("something is said");
    assert_eq!(farewell.verdict, Verdict::Unsettled);
    assert!(farewell.text.contains("not reported"), "{farewell:?}");
    // Every id answered, but unknown (being read back) when the program quits: unknown.
    let mut app = started(Dialect::Crm, false, 10);
    let id = running(&mut app);
    app.update(Event::Worker(Response::BulkProgress {
        id,
        progress: Progress {
            done: 3,
            unknown: 2,
            total: 3,
        },
    }));
    app.update(Event::Shutdown);
    let farewell = app.farewell().expect("something is said");
    assert_eq!(farewell.verdict, Verdict::Unsettled, "{farewell:?}");
    assert!(
        farewell.text.contains("2 ids may or may not"),
        "{farewell:?}"
    );
}

#[test]
fn the_preview_counts_by_last_seen_status_and_leaves_the_unchanged_out() {
    let mut app = started(Dialect::Crm, false, 30);
    let old = std::time::Instant::now() - std::time::Duration::from_secs(10 * 60 + 30);
    for (id, status) in [
        ("a1", Status::Active),
        ("a2", Status::Active),
        ("p1", Status::Pending),
        ("b1", Status::Blocked),
    ] {
        app.selected.insert(id.into(), picked(id, status));
    }
    // Selected on another page, ten minutes ago.
    app.selected.insert(
        "old".into(),
        Selected {
            name: "old".into(),
            email: None,
            status: Status::Active,
            seen: old,
        },
    );
    press(&mut app, Action::Block);
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation")
    };
    assert_eq!(
        confirm.preview(),
        "block 5 users: 3 active → blocked, 1 pending → blocked, 1 already blocked (unchanged)"
    );
    assert_eq!(confirm.stale(), Some("1 not seen for 10 min"));
    assert_eq!(confirm.count(), 4);
    assert!(!confirm.ids().contains(&"b1".to_string()));
    // Tab keeps the unchanged too.
    app.update(code(KeyCode::Tab));
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation")
    };
    assert_eq!(confirm.count(), 5);
    app.update(code(KeyCode::Tab));
    let (_, _, ids) = bulk_request(&app.update(key('y')));
    assert_eq!(ids.len(), 4, "only real changes are sent: {ids:?}");
}

#[test]
fn a_page_seen_again_refreshes_the_selection_and_nothing_to_change_sends_nothing() {
    let mut app = started(Dialect::Training, false, 30);
    press(&mut app, Action::ToggleSelect);
    app.selected.get_mut("u0").unwrap().status = Status::Archived;
    // The page comes again: u0 is active there.
    let reload = sent(&press(&mut app, Action::Reload));
    answer_page(&mut app, &reload[0], 30);
    assert_eq!(app.selected["u0"].status, Status::Active);
    app.selected.get_mut("u0").unwrap().status = Status::Archived;
    press(&mut app, Action::Archive);
    let effects = app.update(key('y'));
    assert!(sent(&effects).is_empty(), "{effects:?}");
    assert!(
        said(&app)[0].starts_with("nothing to archive"),
        "{:?}",
        said(&app)
    );
}

#[test]
fn unarchiving_an_inactive_user_is_never_called_unchanged() {
    // Issue #20, defect 2: X on an inactive, not archived user previewed "1 not archived
    // (unchanged)", and the server then made it active.
    let mut app = started(Dialect::Training, false, 30);
    for (id, status) in [
        ("gone", Status::Archived),
        ("idle", Status::Inactive),
        ("busy", Status::Active),
    ] {
        app.selected.insert(id.into(), picked(id, status));
    }
    app.update(key('X'));
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation")
    };
    assert_eq!(
        confirm.preview(),
        "unarchive 3 users: 1 archived → not archived, \
         1 inactive → not archived (the server may make them active), \
         1 active, not archived (unchanged)"
    );
    assert_eq!(
        confirm.unchanged(),
        1,
        "only the active user is sure to stay"
    );
    let (_, action, ids) = bulk_request(&app.update(key('y')));
    assert_eq!(action, BulkAction::Unarchive);
    assert!(
        ids.contains(&"idle".to_string()) && !ids.contains(&"busy".to_string()),
        "{ids:?}"
    );
}

#[test]
fn the_summary_says_ids_stay_selected_only_when_they_do() {
    // Found trying it: the row under the cursor failed, nothing was selected, and the
    // summary said "those stay selected".
    let mut app = started(Dialect::Crm, false, 10);
    app.update(key('b'));
    let (id, _, ids) = bulk_request(&app.update(key('y')));
    assert_eq!(ids, ["u0"]);
    let boom = Outcome::Failed(FailReason::Error("boom".into()));
    done(
        &mut app,
        id,
        BulkAction::Block,
        Ledger::of([("u0".into(), boom)]),
    );
    let told = said(&app).join(" ");
    assert!(told.contains("1 failed"), "{told}");
    assert!(!told.contains("selected"), "{told}");
}
