//! The command line: commands by name, what they send, the copy key.

use super::*;
use crate::export::ExportRows;

fn run(app: &mut App, line: &str) -> Vec<Effect> {
    app.update(key(':'));
    assert_eq!(app.mode(), Mode::Command);
    for c in line.chars() {
        app.update(key(c));
    }
    app.update(code(KeyCode::Enter))
}

#[test]
fn actions_run_by_name_and_an_unknown_name_gets_a_suggestion() {
    let mut app = started(Dialect::Crm, false, 10);
    let effects = run(&mut app, "reload");
    assert!(
        matches!(sent(&effects)[..], [Request::Reload { .. }]),
        "{effects:?}"
    );
    assert_eq!(app.mode(), Mode::Table);
    let effects = run(&mut app, "blokc");
    assert!(effects.is_empty());
    assert_eq!(
        said(&app),
        ["unknown command \"blokc\": did you mean \"block\"?"]
    );
    run(&mut app, "block");
    assert!(
        matches!(app.dialog, Some(Dialog::Confirm(_))),
        "as the key would"
    );
    app.update(key('n'));
    assert!(run(&mut app, "q").contains(&Effect::Quit));
}

#[test]
fn goto_opens_a_user_by_e_mail_ref_or_id() {
    let mut app = started(Dialect::Training, false, 10);
    let effects = run(&mut app, "goto ann@example.com");
    assert!(
        matches!(&sent(&effects)[..], [Request::Detail { key: UserKey::Email(e), .. }] if e == "ann@example.com")
    );
    let effects = run(&mut app, "goto EXT-7");
    assert!(
        matches!(&sent(&effects)[..], [Request::Detail { key: UserKey::Ref(r), .. }] if r == "EXT-7")
    );
    let id = "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11";
    let effects = run(&mut app, &format!("goto {id}"));
    assert!(
        matches!(&sent(&effects)[..], [Request::Detail { key: UserKey::Id(i), .. }] if i == id)
    );
}

#[test]
fn export_writes_the_query_or_the_selection_and_checks_the_name() {
    let mut app = started(Dialect::Crm, false, 10);
    assert!(run(&mut app, "export users.txt").is_empty());
    assert!(said(&app)[0].contains(".csv or .json"), "{:?}", said(&app));
    let effects = run(&mut app, "export users.csv");
    let [Request::Export { rows, target, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(rows, &ExportRows::Query(app.table.wanted().clone()));
    assert_eq!(target.format, crate::format::Format::Csv);
    assert!(
        run(&mut app, "export again.json").is_empty(),
        "one at a time"
    );
    let mut app = started(Dialect::Crm, false, 10);
    press(&mut app, Action::ToggleSelect);
    press(&mut app, Action::ToggleSelect);
    let effects = run(&mut app, "export! picked.json");
    let [Request::Export { rows, target, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(rows, &ExportRows::Ids(vec!["u0".into(), "u1".into()]));
    assert!(target.overwrite);
    // Counts are written as the footer writes them.
    let [Request::Export { id, .. }] = &sent(&effects)[..] else {
        unreachable!()
    };
    app.update(Event::Worker(Response::Exported {
        id: *id,
        result: Ok(12_345),
    }));
    assert!(
        said(&app)
            .iter()
            .any(|s| s.starts_with("exported 12,345 rows")),
        "{:?}",
        said(&app)
    );
}

#[test]
fn profiles_switch_by_name_and_a_wrong_name_is_said() {
    let mut config = config(Dialect::Crm, false);
    config.profiles = vec!["test".into(), "staging".into()];
    let (mut app, _) = App::new(config);
    assert_eq!(
        run(&mut app, "profile staging"),
        [Effect::SwitchProfile("staging".into())]
    );
    assert!(run(&mut app, "profile stagign").is_empty());
    assert!(
        said(&app)[0].contains("did you mean \"staging\""),
        "{:?}",
        said(&app)
    );
    let mut app = started(Dialect::Crm, false, 10);
    assert!(
        run(&mut app, "profile staging").is_empty(),
        "the demo has none"
    );
}

#[test]
fn y_copies_the_id_or_the_selected_ids_and_refuses_too_much() {
    let mut app = started(Dialect::Crm, false, 10);
    assert_eq!(app.update(key('Y')), [copy("u0", "the id of user 0")]);
    // The loop says what the copy did.
    app.update(Event::Copied(Ok("sent the id of user 0 somewhere".into())));
    assert_eq!(said(&app), ["sent the id of user 0 somewhere"]);
    press(&mut app, Action::ToggleSelect);
    press(&mut app, Action::ToggleSelect);
    assert_eq!(app.update(key('Y')), [copy("u0\nu1", "2 selected ids")]);
    for n in 0..20_000 {
        app.selected
            .insert(format!("user-{n:06}"), picked("", Status::Active));
    }
    assert!(app.update(key('Y')).is_empty());
    assert!(said(&app)[0].starts_with("not copied"), "{:?}", said(&app));
}

/// The copy of `text` that the notice will call `what`.
fn copy(text: &str, what: &str) -> Effect {
    Effect::Copy {
        text: text.into(),
        what: what.into(),
    }
}

/// User `n`, seen on `ip` as well.
fn overlap(n: u64, ip: &str) -> Overlap {
    Overlap {
        user: user(n),
        shared_ips: vec![ip.into()],
        last_seen: Default::default(),
    }
}

#[test]
fn tab_walks_the_pane_lists_and_y_copies_what_is_focused() {
    let mut app = started(Dialect::Crm, false, 10);
    let detail = UserDetail {
        user: user(0),
        overlaps: Some(vec![overlap(7, "10.0.0.2")]),
        sessions: sessions(vec![session("10.0.0.1", ""), session("10.0.0.2", "")]),
        ..UserDetail::default()
    };
    open_with(&mut app, detail);
    app.update(code(KeyCode::Tab));
    assert_eq!(app.update(key('Y')), [copy("u7", "the id of user 7")]);
    app.update(code(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Detail, "on to the sessions");
    app.update(key('j'));
    assert_eq!(
        app.update(key('Y')),
        [copy("10.0.0.2", "the address 10.0.0.2")]
    );
    app.update(code(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Table, "and back to the table");
}

#[test]
fn enter_on_a_session_pivots_to_the_accounts_on_its_address_and_blocks_from_there() {
    let mut app = started(Dialect::Crm, false, 10);
    let overlap = |n: u64, ip: &str, seen: &str| Overlap {
        user: user(n),
        shared_ips: vec![ip.into()],
        last_seen: [(ip.to_string(), seen.to_string())].into(),
    };
    let detail = UserDetail {
        user: user(0),
        overlaps: Some(vec![
            overlap(7, "10.0.0.2", "2026-11-01"),
            overlap(8, "10.0.0.9", "2026-11-02"),
        ]),
        sessions: sessions(vec![
            session("10.0.0.1", "2026-10-01"),
            session("10.0.0.2", "2026-10-02"),
        ]),
        ..UserDetail::default()
    };
    open_with(&mut app, detail);
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::Tab));
    app.update(key('j'));
    app.update(code(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Pivot);
    let pivot = app.pivot().unwrap();
    assert_eq!(pivot.address(), Some("10.0.0.2"));
    let rows: Vec<(&str, Option<&str>)> = pivot
        .rows()
        .iter()
        .map(|r| (r.user.id.as_str(), r.last_seen.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [("u0", Some("2026-10-02")), ("u7", Some("2026-11-01"))]
    );
    assert_eq!(
        app.update(key('Y')),
        [copy("10.0.0.2", "the address 10.0.0.2")]
    );
    app.update(key('j'));
    app.update(key(' '));
    assert!(app.selected.contains_key("u7"));
    app.update(key('b'));
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation");
    };
    assert_eq!(confirm.preview(), "block 1 user: 1 active → blocked");
    let effects = app.update(key('y'));
    let [Request::Bulk { id, ids, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(ids, &["u7"]);
    app.update(Event::Worker(Response::BulkDone {
        id: *id,
        action: crate::api::model::BulkAction::Block,
        report: Ledger::of([("u7".into(), Outcome::Succeeded)]),
        elapsed: Duration::ZERO,
    }));
    let pivot = app.pivot().unwrap();
    assert_eq!(
        pivot.rows()[1].user.status,
        Status::Blocked,
        "shown at once"
    );
    app.update(code(KeyCode::Backspace));
    assert!(app.pivot().is_none(), "back where it started");
    assert_eq!(app.mode(), Mode::Table);
    assert_eq!(app.focus, Focus::Detail);
}

#[test]
fn an_account_opened_from_the_pivot_goes_back_to_the_pivot_along_the_way_it_came() {
    let mut app = started(Dialect::Crm, false, 10);
    let overlap = |n: u64, ip: &str| Overlap {
        user: user(n),
        shared_ips: vec![ip.into()],
        last_seen: [(ip.to_string(), "2026-11-01".to_string())].into(),
    };
    let detail = UserDetail {
        user: user(0),
        overlaps: Some(vec![overlap(7, "10.0.0.1")]),
        sessions: sessions(vec![session("10.0.0.1", "2026-10-01")]),
        ..UserDetail::default()
    };
    open_with(&mut app, detail.clone());
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Pivot);
    // Enter on u7: its pane, answered with a user it shares an address with, followed.
    app.update(key('G'));
    let effects = app.update(code(KeyCode::Enter));
    assert!(app.pivot().is_none());
    let followed = UserDetail {
        user: user(7),
        overlaps: Some(vec![overlap(9, "10.0.0.5")]),
        ..UserDetail::default()
    };
    answer_detail(&mut app, &effects, followed);
    // Tab round to its users sharing an address; Enter follows the one there.
    for _ in 0..3 {
        let on_overlaps = app.focus == Focus::Detail
            && app.detail.as_ref().unwrap().list() == Some(PaneList::Overlaps);
        if on_overlaps {
            break;
        }
        app.update(code(KeyCode::Tab));
    }
    app.update(code(KeyCode::Enter));
    assert_eq!(app.detail.as_ref().unwrap().id(), "u9");
    // Back: u7, then the pivot over u0, then u0's pane.
    app.update(code(KeyCode::Backspace));
    assert_eq!(app.detail.as_ref().unwrap().id(), "u7");
    assert!(app.pivot().is_none());
    let effects = app.update(code(KeyCode::Backspace));
    assert_eq!(app.detail.as_ref().unwrap().id(), "u0");
    assert_eq!(app.mode(), Mode::Pivot, "the pivot it was opened from");
    answer_detail(&mut app, &effects, detail);
    app.update(code(KeyCode::Backspace));
    assert!(app.pivot().is_none());
    assert_eq!(app.detail.as_ref().unwrap().id(), "u0");
    // The pane is where it was left: on the session the pivot was opened from.
    assert_eq!(
        app.detail.as_ref().unwrap().list(),
        Some(PaneList::Sessions)
    );
}

#[test]
fn space_in_the_pane_selects_the_user_under_its_cursor() {
    let mut app = started(Dialect::Crm, false, 10);

    let detail = UserDetail {
        user: user(0),
        overlaps: Some(vec![overlap(7, "10.0.0.1"), overlap(8, "10.0.0.1")]),
        sessions: sessions(vec![session("10.0.0.1", "2026-10-01")]),
        ..UserDetail::default()
    };
    open_with(&mut app, detail);
    // The users sharing an address: the cursor on u8, Space selects u8 and moves on.
    app.update(code(KeyCode::Tab));
    app.update(key('j'));
    app.update(key(' '));
    assert_eq!(app.selected.keys().collect::<Vec<_>>(), ["u8"]);
    assert_eq!(app.table.cursor(), 0, "the table's cursor stays");
    // On the sessions, no user is under the cursor: the pane's own user.
    app.update(code(KeyCode::Tab));
    assert_eq!(
        app.detail.as_ref().unwrap().list(),
        Some(PaneList::Sessions)
    );
    app.update(key(' '));
    let mut selected: Vec<&String> = app.selected.keys().collect();
    selected.sort();
    assert_eq!(selected, ["u0", "u8"]);
}

#[test]
fn b_in_the_focused_pane_acts_on_the_user_it_shows_and_says_so() {
    let mut app = started(Dialect::Crm, false, 10);
    let detail = UserDetail {
        user: user(0),
        overlaps: Some(vec![overlap(7, "10.0.0.1")]),
        ..UserDetail::default()
    };
    open_with(&mut app, detail);
    // Follow u7 from the table's row u0: the pane shows u7.
    app.update(code(KeyCode::Tab));
    let effects = app.update(code(KeyCode::Enter));
    let followed = UserDetail {
        user: user(7),
        ..UserDetail::default()
    };
    answer_detail(&mut app, &effects, followed);
    app.update(key('b'));
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation");
    };
    assert_eq!(
        confirm.ids(),
        ["u7"],
        "the pane's user, not the table's row"
    );
    assert!(confirm.of_pane());
    app.update(key('n'));
    // With the table focused (the pane beside it), still the pane's user: what acts
    // does not hang on the terminal's width (issue #20, defect 4).
    app.focus = Focus::Table;
    app.update(key('b'));
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation");
    };
    assert_eq!(confirm.ids(), ["u7"]);
    assert!(confirm.of_pane());
    app.update(key('n'));
    // Moving the table's cursor takes the pane along: the row and the pane agree.
    let effects = app.update(key('j'));
    let followed = UserDetail {
        user: user(1),
        ..UserDetail::default()
    };
    answer_detail(&mut app, &effects, followed);
    app.update(key('b'));
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation");
    };
    assert_eq!(confirm.ids(), ["u1"]);
    assert!(
        !confirm.of_pane(),
        "the pane and the row are one user: nothing to point out"
    );
}

#[test]
fn how_old_a_seen_status_is_counts_from_the_times_the_app_is_told() {
    use std::time::Instant;
    let t0 = Instant::now();
    let answer_at = |app: &mut App, request: &Request, at: Instant| {
        let (Request::List { id, query } | Request::Reload { id, query }) = request.clone() else {
            panic!("{request:?}");
        };
        let page = page_for(&query, 30);
        app.update_at(
            Event::Worker(Response::Page {
                id,
                query,
                result: Ok(page),
                elapsed: Duration::ZERO,
            }),
            at,
        )
    };
    let (mut app, effects) = App::new(config(Dialect::Crm, false));
    answer_at(&mut app, &sent(&effects)[0], t0);
    app.update_at(key(' '), t0);
    app.update_at(key(' '), t0);
    // Ten minutes later: both were seen that long ago.
    let later = t0 + Duration::from_secs(10 * 60);
    app.update_at(key('b'), later);
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation");
    };
    assert_eq!(confirm.stale(), Some("2 not seen for 10 min"));
    app.update_at(key('n'), later);
    // A reload answered then shows them again: seen now.
    let effects = app.update_at(key('r'), later);
    let reload = sent(&effects)
        .into_iter()
        .find(|r| matches!(r, Request::Reload { .. }))
        .expect("a reload");
    answer_at(&mut app, &reload, later);
    app.update_at(key('b'), later + Duration::from_secs(5));
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation");
    };
    assert_eq!(confirm.stale(), None, "seen again at the reload");
}

/// An app showing the accounts on the address u0 shares with u7: u0's only session's.
fn on_a_shared_address() -> App {
    let mut app = started(Dialect::Crm, false, 10);
    let detail = UserDetail {
        user: user(0),
        overlaps: Some(vec![overlap(7, "10.0.0.1")]),
        sessions: sessions(vec![session("10.0.0.1", "2026-10-01")]),
        ..UserDetail::default()
    };
    open_with(&mut app, detail);
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Pivot);
    app
}

#[test]
fn the_pivots_own_user_opened_goes_back_to_the_pivot_without_moving_the_pane() {
    let mut app = on_a_shared_address();
    // Its first row is the pane's user.
    app.update(code(KeyCode::Enter));
    assert!(app.pivot().is_none());
    app.update(code(KeyCode::Backspace));
    assert_eq!(app.mode(), Mode::Pivot, "back to the pivot");
    assert_eq!(
        app.detail.as_ref().unwrap().id(),
        "u0",
        "the pane did not move"
    );
}

/// Esc while a ring is followed drops it: the worker is told, and its late answer is not
/// shown over the table.
#[test]
fn esc_drops_a_ring_under_way_and_its_late_answer_is_not_shown() {
    let mut app = started(Dialect::Crm, false, 30);
    let asked = sent(&press(&mut app, Action::Ring));
    let Some(Request::Ring { id, start, depth }) = asked.first().cloned() else {
        panic!("a ring asked for: {asked:?}");
    };
    // The row under the cursor: the first.
    assert_eq!((start.as_str(), depth), (user(0).id.as_str(), 2));
    let dropped = sent(&app.update(code(KeyCode::Esc)));
    assert_eq!(
        dropped,
        [Request::Abandon {
            slot: crate::worker::Slot::Ring
        }]
    );
    let ring = crate::api::ring::Ring {
        start,
        depth,
        members: Vec::new(),
        links: Vec::new(),
        cut_short: false,
    };
    app.update(Event::Worker(Response::Ring {
        id,
        result: Ok(Box::new(ring)),
    }));
    assert!(app.pivot().is_none(), "the dropped ring is not shown");
    assert_eq!(app.mode(), Mode::Table);
}

#[test]
fn a_command_typed_over_a_list_is_text_and_acts_on_the_list() {
    let mut app = on_a_shared_address();
    app.update(key('j'));
    // `:block` over the accounts on the address: its letters are text (b would block).
    app.update(key(':'));
    assert_eq!(app.mode(), Mode::Command);
    assert!(
        app.pivot().is_some(),
        "the list stays under the command line"
    );
    for c in "block".chars() {
        app.update(key(c));
    }
    assert!(app.dialog.is_none(), "nothing acted while typing");
    app.update(code(KeyCode::Enter));
    // Run on the list it was typed over: its user under the cursor.
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation");
    };
    assert_eq!(confirm.ids(), ["u7"]);
    app.update(key('n'));
    assert_eq!(app.mode(), Mode::Pivot);
    // Esc closes the command line, back to the list.
    app.update(key(':'));
    app.update(key('q'));
    app.update(code(KeyCode::Esc));
    assert_eq!(app.mode(), Mode::Pivot);
}
