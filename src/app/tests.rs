//! update() driven by events, asserting state and effects; no terminal, no network.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::api::error::ApiError;
use crate::api::model::{Overlap, SortField, User};
use crate::dialect::Dialect;

fn config(dialect: Dialect, read_only: bool) -> AppConfig {
    AppConfig {
        capabilities: Capabilities::of(dialect),
        profile: "test".into(),
        read_only,
        page_size: 10,
        keymap: Keymap::default(),
        warnings: Vec::new(),
        color: false,
    }
}

fn user(n: u64) -> User {
    User {
        id: format!("u{n}"),
        name: format!("user {n}"),
        ..User::default()
    }
}

/// The page of `query` over `total` users u0, u1, ….
fn page_for(query: &ListQuery, total: u64) -> Page {
    let end = (query.offset + query.limit).min(total);
    Page {
        rows: (query.offset..end).map(user).collect(),
        total,
        offset: query.offset,
    }
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The requests among `effects`.
fn sent(effects: &[Effect]) -> Vec<Request> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(r) => Some(r.clone()),
            Effect::Quit => None,
        })
        .collect()
}

fn answer_page(app: &mut App, request: &Request, total: u64) -> Vec<Effect> {
    match request {
        Request::List { id, query } | Request::Reload { id, query } => {
            app.update(Event::Worker(Response::Page {
                id: *id,
                result: Ok(page_for(query, total)),
                elapsed: Duration::from_millis(3),
            }))
        }
        Request::Prefetch { id, query } => app.update(Event::Worker(Response::Prefetched {
            id: *id,
            result: Ok(page_for(query, total)),
            elapsed: Duration::from_millis(3),
        })),
        other => panic!("not a list request: {other:?}"),
    }
}

/// An app showing the first page of `total` users.
fn started(dialect: Dialect, read_only: bool, total: u64) -> App {
    let (mut app, effects) = App::new(config(dialect, read_only));
    let requests = sent(&effects);
    assert_eq!(requests.len(), 1);
    answer_page(&mut app, &requests[0], total);
    app
}

#[test]
fn starts_by_asking_for_the_first_page() {
    let (app, effects) = App::new(config(Dialect::Crm, false));
    match &sent(&effects)[..] {
        [Request::List { query, .. }] => {
            assert_eq!((query.offset, query.limit), (0, 10));
            assert_eq!(query.sort, SortField::Created);
        }
        other => panic!("{other:?}"),
    }
    assert!(app.loading());
}

#[test]
fn typing_a_filter_coalesces_and_never_shows_stale_rows() {
    let mut app = started(Dialect::Crm, false, 100);
    app.update(key('/'));
    assert_eq!(app.mode, Mode::Filter);
    let first = sent(&app.update(key('j')));
    assert_eq!(first.len(), 1, "the first keystroke asks");
    for c in "ohn".chars() {
        assert!(
            sent(&app.update(key(c))).is_empty(),
            "queued behind the request under way"
        );
    }
    assert_eq!(app.query.text.as_deref(), Some("john"));
    // The answer for "j" arrives: not shown, and the newest query goes out.
    let shown_before = app.page.clone();
    let next = sent(&answer_page(&mut app, &first[0], 50));
    assert_eq!(app.page, shown_before, "the stale answer is not shown");
    let [Request::List { query, .. }] = &next[..] else {
        panic!("{next:?}")
    };
    assert_eq!(query.text.as_deref(), Some("john"));
    assert_eq!(query.offset, 0);
    answer_page(&mut app, &next[0], 3);
    assert_eq!(app.page.total, 3);
    // Esc clears it.
    let cleared = sent(&app.update(code(KeyCode::Esc)));
    assert_eq!(app.mode, Mode::Normal);
    assert!(matches!(&cleared[..], [Request::List { query, .. }] if query.text.is_none()));
}

#[test]
fn answers_to_replaced_requests_are_dropped() {
    let mut app = started(Dialect::Crm, false, 100);
    let first = sent(&app.update(key('s')));
    answer_page(&mut app, &first[0], 100); // settles; a newer one replaces it next
    let second = sent(&app.update(key('S')));
    let third = sent(&app.act(Action::Reload));
    answer_page(&mut app, &third[0], 42);
    assert_eq!(app.page.total, 42);
    answer_page(&mut app, &second[0], 7);
    assert_eq!(
        app.page.total, 42,
        "an older answer does not overwrite a newer one"
    );
    assert!(!app.loading());
}

#[test]
fn the_next_page_is_prefetched_and_shown_at_once() {
    let (mut app, effects) = App::new(config(Dialect::Crm, false));
    let after_first = sent(&answer_page(&mut app, &sent(&effects)[0], 25));
    let [Request::Prefetch { query, .. }] = &after_first[..] else {
        panic!("{after_first:?}")
    };
    assert_eq!(query.offset, 10);
    answer_page(&mut app, &after_first[0], 25);
    let effects = sent(&app.act(Action::NextPage));
    assert_eq!(app.page.offset, 10, "shown from the prefetch");
    assert_eq!(app.page.rows[0].id, "u10");
    assert!(matches!(&effects[..], [Request::Prefetch { query, .. }] if query.offset == 20));
    // The last page prefetches nothing; moving down past the end stays.
    answer_page(&mut app, &effects[0], 25);
    app.act(Action::NextPage);
    assert_eq!(app.page.offset, 20);
    assert!(sent(&app.act(Action::NextPage)).is_empty());
}

#[test]
fn moving_past_the_page_edges_turns_pages() {
    let mut app = started(Dialect::Training, false, 25);
    for _ in 0..9 {
        assert!(sent(&app.act(Action::MoveDown)).is_empty());
    }
    assert_eq!(app.cursor, 9);
    let next = sent(&app.act(Action::MoveDown));
    answer_page(&mut app, &next[0], 25);
    assert_eq!((app.page.offset, app.cursor), (10, 0));
    let back = sent(&app.act(Action::MoveUp));
    answer_page(&mut app, &back[0], 25);
    assert_eq!(
        (app.page.offset, app.cursor),
        (0, 9),
        "lands on the last row"
    );
    let last = sent(&app.act(Action::Last));
    answer_page(&mut app, &last[0], 25);
    assert_eq!((app.page.offset, app.cursor), (20, 4));
}

#[test]
fn selection_survives_pages_and_filters() {
    let mut app = started(Dialect::Crm, false, 30);
    app.act(Action::ToggleSelect);
    app.act(Action::ToggleSelect);
    assert_eq!(app.selected.keys().collect::<Vec<_>>(), ["u0", "u1"]);
    assert_eq!(app.cursor, 2);
    let next = sent(&app.act(Action::NextPage));
    answer_page(&mut app, &next[0], 30);
    app.act(Action::SelectPage);
    assert_eq!(app.selected.len(), 12);
    app.act(Action::SelectPage);
    assert_eq!(app.selected.len(), 2, "again: the page is unselected");
    let filtered = sent(&app.act(Action::CycleStatus));
    answer_page(&mut app, &filtered[0], 5);
    assert_eq!(app.selected.len(), 2, "kept across filters");
}

#[test]
fn a_bulk_action_confirms_then_runs_and_keeps_failures_selected() {
    let mut app = started(Dialect::Crm, false, 30);
    app.act(Action::ToggleSelect);
    app.act(Action::ToggleSelect);
    let next = sent(&app.act(Action::NextPage));
    answer_page(&mut app, &next[0], 30);
    app.act(Action::ToggleSelect);
    // Cancel first: nothing is sent.
    app.act(Action::Block);
    assert_eq!(app.mode, Mode::Confirm);
    let dialog = app.dialog.as_ref().unwrap();
    assert_eq!(
        (dialog.ids.len(), dialog.hidden),
        (3, 2),
        "two are on another page"
    );
    assert!(sent(&app.update(key('n'))).is_empty());
    assert_eq!((app.mode, app.dialog.is_none()), (Mode::Normal, true));
    // Then confirm.
    app.act(Action::Block);
    let bulk = sent(&app.update(key('y')));
    let [Request::Bulk { id, action, ids }] = &bulk[..] else {
        panic!("{bulk:?}")
    };
    assert_eq!(
        (*action, ids.clone()),
        (
            BulkAction::Block,
            vec!["u0".to_string(), "u1".into(), "u10".into()]
        )
    );
    assert_eq!(app.mode, Mode::Busy);
    app.update(Event::Worker(Response::BulkProgress {
        id: *id,
        progress: Progress { done: 2, total: 3 },
    }));
    assert_eq!(app.progress.unwrap().done, 2);
    let after = sent(&app.update(Event::Worker(Response::BulkDone {
        id: *id,
        action: BulkAction::Block,
        report: BulkReport {
            succeeded: vec!["u0".into(), "u10".into()],
            failed: vec![("u1".into(), "unknown to the server".into())],
        },
        elapsed: Duration::from_millis(9),
    })));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(
        app.selected.keys().collect::<Vec<_>>(),
        ["u1"],
        "the failed id stays selected"
    );
    let message = app.message.clone().unwrap();
    assert!(
        message.error && message.text.contains("2 succeeded, 1 failed"),
        "{message:?}"
    );
    assert!(
        after.iter().any(|r| matches!(r, Request::Reload { .. })),
        "the table reloads"
    );
}

#[test]
fn without_a_selection_the_current_row_is_acted_on() {
    let mut app = started(Dialect::Training, false, 30);
    app.act(Action::MoveDown);
    app.act(Action::Archive);
    assert_eq!(app.dialog.as_ref().unwrap().ids, ["u1"]);
    let bulk = sent(&app.update(code(KeyCode::Enter)));
    assert!(matches!(
        &bulk[..],
        [Request::Bulk {
            action: BulkAction::Archive,
            ..
        }]
    ));
}

#[test]
fn many_users_need_the_count_typed() {
    let mut app = started(Dialect::Crm, false, 300);
    for n in 0..150 {
        app.selected.insert(format!("u{n}"), format!("user {n}"));
    }
    app.act(Action::Activate);
    assert!(app.dialog.as_ref().unwrap().typed.is_some());
    assert!(
        sent(&app.update(key('y'))).is_empty(),
        "y alone does not confirm"
    );
    for c in "149".chars() {
        app.update(key(c));
    }
    assert!(
        sent(&app.update(code(KeyCode::Enter))).is_empty(),
        "a wrong count is refused"
    );
    assert!(app.message.as_ref().unwrap().error);
    for c in "150".chars() {
        app.update(key(c));
    }
    let bulk = sent(&app.update(code(KeyCode::Enter)));
    assert!(matches!(&bulk[..], [Request::Bulk { ids, .. }] if ids.len() == 150));
}

#[test]
fn read_only_and_foreign_actions_say_why_they_do_nothing() {
    let mut app = started(Dialect::Crm, true, 10);
    assert!(app.act(Action::Block).is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.message.as_ref().unwrap().text.contains("read-only"));
    let mut app = started(Dialect::Crm, false, 10);
    assert!(app.act(Action::Archive).is_empty());
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("crm API cannot")
    );
}

fn detail_with_overlaps(id: &str, others: &[&str]) -> Box<UserDetail> {
    Box::new(UserDetail {
        user: User {
            id: id.into(),
            ..User::default()
        },
        overlaps: Some(
            others
                .iter()
                .map(|o| Overlap {
                    user: User {
                        id: o.to_string(),
                        ..User::default()
                    },
                    shared_ips: vec!["1.2.3.4".into()],
                })
                .collect(),
        ),
        ..UserDetail::default()
    })
}

fn detail_request(effects: &[Effect]) -> (RequestId, String) {
    match &sent(effects)[..] {
        [
            Request::Detail {
                id,
                key: UserKey::Id(user),
            },
        ] => (*id, user.clone()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_detail_follows_overlaps_and_goes_back() {
    let mut app = started(Dialect::Crm, false, 10);
    let (id, user) = detail_request(&app.act(Action::Open));
    assert_eq!(user, "u0");
    app.update(Event::Worker(Response::Detail {
        id,
        result: Ok(detail_with_overlaps("u0", &["u7", "u8"])),
        elapsed: Duration::ZERO,
    }));
    app.act(Action::ToggleFocus);
    assert_eq!(app.focus, Focus::Detail);
    app.act(Action::MoveDown);
    let (id, user) = detail_request(&app.act(Action::Open));
    assert_eq!(user, "u8");
    assert_eq!(app.history, ["u0"]);
    app.update(Event::Worker(Response::Detail {
        id,
        result: Ok(detail_with_overlaps("u8", &["u0"])),
        elapsed: Duration::ZERO,
    }));
    let (_, user) = detail_request(&app.act(Action::Back));
    assert_eq!(user, "u0");
    assert!(app.history.is_empty());
    app.act(Action::Back);
    assert!(app.detail.is_none());
    assert_eq!(app.focus, Focus::Table);
    assert_eq!(app.cursor, 0, "the table's cursor did not move meanwhile");
}

#[test]
fn errors_keep_the_rows_and_show_the_code() {
    let mut app = started(Dialect::Crm, false, 10);
    let reload = sent(&app.act(Action::Reload));
    let Request::Reload { id, .. } = reload[0] else {
        panic!()
    };
    app.update(Event::Worker(Response::Page {
        id,
        result: Err(ApiError::GraphQl {
            operation: "Users".into(),
            code: Some("UNAUTHORIZED".into()),
            message: "no".into(),
        }),
        elapsed: Duration::ZERO,
    }));
    assert_eq!(app.page.rows.len(), 10, "the rows stay");
    assert!(app.message.as_ref().unwrap().text.contains("UNAUTHORIZED"));
    app.update(Event::Worker(Response::Failed {
        id: RequestId(999),
        slot: Slot::Detail,
        message: "boom".into(),
    }));
    assert!(app.message.as_ref().unwrap().text.contains("boom"));
}

#[test]
fn quit_and_help() {
    let mut app = started(Dialect::Crm, false, 10);
    app.update(key('?'));
    assert_eq!(app.mode, Mode::Help);
    app.update(key('x'));
    assert_eq!(app.mode, Mode::Normal);
    let effects = app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(effects, vec![Effect::Quit]);
}

#[test]
fn a_detail_without_overlaps_scrolls() {
    let mut app = started(Dialect::Training, false, 10);
    let (id, _) = detail_request(&app.act(Action::Open));
    app.update(Event::Worker(Response::Detail {
        id,
        result: Ok(Box::new(UserDetail::default())),
        elapsed: Duration::ZERO,
    }));
    app.act(Action::ToggleFocus);
    app.act(Action::MoveDown);
    app.act(Action::MoveDown);
    app.act(Action::MoveUp);
    assert_eq!(app.detail.as_ref().unwrap().scroll, 1);
    assert_eq!(app.cursor, 0, "the table did not move");
}

#[test]
fn moving_past_the_edge_turns_one_page_at_a_time() {
    let mut app = started(Dialect::Crm, false, 100);
    app.cursor = app.page.rows.len() - 1;
    let first = sent(&app.act(Action::MoveDown));
    assert_eq!(first.len(), 1);
    // Key repeat or the wheel: further moves wait for the page under way.
    assert!(sent(&app.update(Event::Scroll(3))).is_empty());
    assert!(sent(&app.act(Action::MoveDown)).is_empty());
    answer_page(&mut app, &first[0], 100);
    assert_eq!(
        (app.page.offset, app.cursor),
        (10, 0),
        "one page on, not two"
    );
}

#[test]
fn over_a_narrow_table_the_detail_takes_the_focus() {
    let mut app = started(Dialect::Training, false, 10);
    app.update(Event::Resize {
        table_rows: 20,
        side_by_side: false,
    });
    app.act(Action::Open);
    assert_eq!(app.focus, Focus::Detail);
    app.act(Action::MoveDown);
    assert_eq!(
        app.cursor, 0,
        "keys go to the pane shown, not the hidden table"
    );
    app.act(Action::Back);
    assert_eq!(app.focus, Focus::Table);
}
