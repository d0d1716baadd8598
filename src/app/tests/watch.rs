//! `:watch`: reads of its own while the screen shows what they read, marks of what
//! changed, and nothing drawn for what did not.

use super::*;
use crate::api::model::Session;

/// The one watch read among `effects`.
fn watch_read(effects: &[Effect]) -> (RequestId, Option<ListQuery>, Option<UserKey>) {
    match &sent(effects)[..] {
        [Request::Watch { id, page, user }] => (*id, page.clone(), user.clone()),
        other => panic!("not one watch read: {other:?}"),
    }
}

fn answer_watch(app: &mut App, id: RequestId, page: Option<(ListQuery, Page)>) -> Vec<Effect> {
    app.update(Event::Worker(Response::Watched {
        id,
        read: Box::new(crate::worker::Reread {
            page: page.map(|(q, p)| (q, Ok(p))),
            user: None,
        }),
    }))
}

#[test]
fn a_watch_reads_the_page_shown_and_marks_what_came_and_what_changed() {
    let mut app = started(Dialect::Crm, false, 30);
    assert!(
        command(&mut app, "watch").is_empty(),
        "nothing read at once"
    );
    assert_eq!(app.watching(), Some(WATCH_DEFAULT));
    app.update(key('j'));
    app.update(key('j'));
    assert_eq!(app.table().current().unwrap().id, "u2");
    let (id, page, account) = watch_read(&app.update(Event::WatchTick));
    assert!(app.quiet(), "the tick draws nothing");
    assert_eq!(account, None, "no account open");
    let query = page.expect("the page shown");
    // A second tick while the first read is under way sends nothing.
    assert!(sent(&app.update(Event::WatchTick)).is_empty());
    // Meanwhile a user came first and u1 was blocked by someone else.
    let mut fresh = page_for(&query, 31);
    fresh.rows.insert(0, user(99));
    fresh.rows.truncate(query.limit as usize);
    fresh.rows[2].status = Status::Blocked;
    answer_watch(&mut app, id, Some((query.clone(), fresh.clone())));
    assert!(!app.quiet(), "drawn: it changed");
    assert_eq!(rows(&app)[..3], ["u99", "u0", "u1"]);
    let watch = app.watch().unwrap();
    assert_eq!(watch.mark("u99"), Some(RowMark::New));
    assert_eq!(watch.mark("u1"), Some(RowMark::Changed));
    assert_eq!(watch.mark("u0"), None);
    assert_eq!(watch.counts(app.table().rows()), (1, 1));
    // The cursor stayed on its user, who moved down a row.
    assert_eq!(app.table().current().unwrap().id, "u2");
    // The same again: nothing to draw.
    let (id, _, _) = watch_read(&app.update(Event::WatchTick));
    answer_watch(&mut app, id, Some((query.clone(), fresh)));
    assert!(app.quiet(), "nothing changed: nothing drawn");
    // u1 back as it was: no longer marked. u99 stays new.
    let (id, _, _) = watch_read(&app.update(Event::WatchTick));
    let mut back = page_for(&query, 31);
    back.rows.insert(0, user(99));
    back.rows.truncate(query.limit as usize);
    answer_watch(&mut app, id, Some((query, back)));
    assert_eq!(app.watch().unwrap().counts(app.table().rows()), (1, 0));
    // Stopped: no marks, no reads.
    command(&mut app, "watch off");
    assert_eq!(app.watching(), None);
    assert!(sent(&app.update(Event::WatchTick)).is_empty());
}

#[test]
fn a_watch_answer_for_a_page_no_longer_asked_is_dropped() {
    let mut app = started(Dialect::Crm, false, 30);
    command(&mut app, "watch 3");
    assert_eq!(app.watching(), Some(Duration::from_secs(3)));
    let (id, page, _) = watch_read(&app.update(Event::WatchTick));
    // The operator turns the page before the read comes back.
    let turned = sent(&press(&mut app, Action::Last));
    answer_page(&mut app, &turned[0], 30);
    let shown = rows(&app);
    let mut old = page_for(&page.clone().unwrap(), 30);
    old.rows[0].status = Status::Blocked;
    answer_watch(&mut app, id, Some((page.unwrap(), old)));
    assert_eq!(rows(&app), shown, "the rows answer the page asked for");
    assert_eq!(app.watch().unwrap().counts(app.table().rows()), (0, 0));
    assert!(app.quiet());
}

#[test]
fn a_watch_reads_nothing_the_screen_does_not_show() {
    let mut app = started(Dialect::Crm, false, 30);
    command(&mut app, "watch");
    // The help screen over everything.
    press(&mut app, Action::Help);
    assert!(sent(&app.update(Event::WatchTick)).is_empty());
    app.update(code(KeyCode::Esc));
    // A page on its way: the watch waits for it rather than race it.
    press(&mut app, Action::NextPage);
    assert!(sent(&app.update(Event::WatchTick)).is_empty());
}

/// Session `id` from `ip` in `country`.
fn placed(id: &str, ip: &str, country: &str) -> Session {
    Session {
        id: id.into(),
        session_id: id.into(),
        country: Some(country.into()),
        ..session(ip, "2026-12-01T00:00:00Z")
    }
}

fn with_sessions(n: u64, status: Status, all: Vec<Session>) -> UserDetail {
    UserDetail {
        user: User { status, ..user(n) },
        sessions: sessions(all),
        ..UserDetail::default()
    }
}

#[test]
fn the_watched_account_says_its_new_session_country_and_status() {
    let mut app = started(Dialect::Crm, false, 30);
    let first = vec![placed("s1", "203.0.113.1", "DE")];
    open_with(&mut app, with_sessions(0, Status::Active, first.clone()));
    command(&mut app, "watch 2");
    let (id, page, account) = watch_read(&app.update(Event::WatchTick));
    assert_eq!(account, Some(UserKey::Id("u0".into())));
    let mut after = first;
    after.push(placed("s2", "198.51.100.7", "BR"));
    let page = page.map(|q| {
        let p = page_for(&q, 30);
        (q, Ok(p))
    });
    let user = Some((
        UserKey::Id("u0".into()),
        Ok(Box::new(with_sessions(0, Status::Blocked, after))),
    ));
    app.update(Event::Worker(Response::Watched {
        id,
        read: Box::new(crate::worker::Reread { page, user }),
    }));
    let said = said(&app).join("\n");
    assert!(said.contains("status active → blocked"), "{said}");
    assert!(
        said.contains("new session from 198.51.100.7 (BR)"),
        "{said}"
    );
    assert!(said.contains("new country BR"), "{said}");
    // The row says what the pane says, marked changed, before the page is read again.
    assert_eq!(app.table().rows()[0].status, Status::Blocked);
    assert_eq!(app.watch().unwrap().mark("u0"), Some(RowMark::Changed));
    // The alert outlives the next key; Esc dismisses it first, the pane stays.
    app.update(key('j'));
    assert!(said_has(&app, "new country BR"));
    app.update(code(KeyCode::Esc));
    assert!(!said_has(&app, "new country BR"));
    assert!(app.detail().is_some(), "the pane stays open");
}

#[test]
fn the_operators_own_action_is_not_marked_as_news() {
    let mut app = started(Dialect::Crm, false, 30);
    command(&mut app, "watch");
    let effects = press(&mut app, Action::Block);
    assert!(effects.is_empty(), "asks first");
    let effects = press(&mut app, Action::Confirm);
    let [
        Request::Bulk {
            id, action, ids, ..
        },
    ] = &sent(&effects)[..]
    else {
        panic!("{effects:?}");
    };
    let effects = app.update(Event::Worker(Response::BulkDone {
        id: *id,
        action: *action,
        report: Ledger::all(ids.clone(), &Outcome::Succeeded),
        elapsed: Duration::ZERO,
    }));
    // The server now says u0 is blocked, touched just now: as the operator made it.
    let as_now = |query: &ListQuery| {
        let mut now = page_for(query, 30);
        now.rows[0].status = Status::Blocked;
        now.rows[0].updated_at = Some("2026-12-07T01:00:00Z".into());
        now
    };
    let reload = sent(&effects);
    let page = as_now(query_of(&reload[0]));
    answer_list(&mut app, &reload[0], Ok(page));
    let (watched, page, _) = watch_read(&app.update(Event::WatchTick));
    let query = page.unwrap();
    let now = as_now(&query);
    answer_watch(&mut app, watched, Some((query, now)));
    assert_eq!(app.watch().unwrap().mark("u0"), None);
}

#[test]
fn a_shorter_page_fills_the_view_and_a_failed_load_is_asked_again() {
    let mut app = started(Dialect::Crm, false, 30);
    app.update(Event::Resize {
        table_rows: 4,
        side_by_side: true,
        detail_overflow: 0,
    });
    let last = sent(&press(&mut app, Action::Last));
    answer_page(&mut app, &last[0], 30);
    command(&mut app, "watch 2s");
    assert_eq!(app.watching(), Some(Duration::from_secs(2)));
    let shown_before = app.table().scroll();
    assert!(shown_before > 0);
    let (id, page, _) = watch_read(&app.update(Event::WatchTick));
    let query = page.unwrap();
    let mut fewer = page_for(&query, 30);
    fewer.rows.truncate(3);
    answer_watch(&mut app, id, Some((query, fewer)));
    assert_eq!(app.table().scroll(), 0, "no rows left above the top");
    // Counted on the rows shown, not on every row ever marked.
    command(&mut app, "watch OFF");
    assert_eq!(app.watching(), None);
    // A first load that failed: the watch asks again, as r would.
    let (mut app, effects) = App::new(config(Dialect::Crm, false));
    let requests = sent(&effects);
    answer_list(&mut app, &requests[0], Err(http_500("Users")));
    command(&mut app, "watch");
    let effects = app.update(Event::WatchTick);
    assert!(
        matches!(&sent(&effects)[..], [Request::Reload { .. }]),
        "{effects:?}"
    );
}

fn said_has(app: &App, text: &str) -> bool {
    said(app).iter().any(|line| line.contains(text))
}

#[test]
fn a_failed_watch_read_is_said_once_and_ends_with_the_next_success() {
    let mut app = started(Dialect::Crm, false, 30);
    command(&mut app, "watch");
    let (id, page, _) = watch_read(&app.update(Event::WatchTick));
    let query = page.unwrap();
    app.update(Event::Worker(Response::Watched {
        id,
        read: Box::new(crate::worker::Reread {
            page: Some((query.clone(), Err(http_500("Users")))),
            user: None,
        }),
    }));
    assert!(!app.quiet());
    assert!(said_has(&app, "watch could not read the page"));
    let (id, _, _) = watch_read(&app.update(Event::WatchTick));
    app.update(Event::Worker(Response::Watched {
        id,
        read: Box::new(crate::worker::Reread {
            page: Some((query.clone(), Err(http_500("Users")))),
            user: None,
        }),
    }));
    assert!(app.quiet(), "the same failure again: nothing new to draw");
    let (id, _, _) = watch_read(&app.update(Event::WatchTick));
    answer_watch(&mut app, id, Some((query.clone(), page_for(&query, 30))));
    assert!(!said_has(&app, "watch could not"));
}

#[test]
fn watch_takes_seconds_from_two_or_off() {
    let mut app = started(Dialect::Crm, false, 30);
    command(&mut app, "watch 1");
    assert!(said_has(&app, "watch takes seconds from 2 to 3600"));
    assert_eq!(app.watching(), None);
    command(&mut app, "watch soon");
    assert!(said_has(&app, "not \"soon\""));
    command(&mut app, "watch off");
    assert!(said_has(&app, "not watching"));
}

#[test]
fn a_watch_read_older_than_what_came_since_is_not_applied() {
    let mut app = started(Dialect::Crm, false, 30);
    open_with(&mut app, with_sessions(0, Status::Active, Vec::new()));
    command(&mut app, "watch");
    // Read while u0 was active...
    let (id, page, _) = watch_read(&app.update(Event::WatchTick));
    // ...then the operator blocks u0: the reloads answer first, u0 blocked.
    app.update(key('b'));
    let effects = app.update(key('y'));
    let [Request::Bulk { id: bulk, ids, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    let effects = app.update(Event::Worker(Response::BulkDone {
        id: *bulk,
        action: crate::api::model::BulkAction::Block,
        report: Ledger::all(ids.clone(), &Outcome::Succeeded),
        elapsed: Duration::ZERO,
    }));
    for request in sent(&effects) {
        match request {
            Request::Detail { id, key } => {
                app.update(Event::Worker(Response::Detail {
                    id,
                    key,
                    result: Ok(Box::new(with_sessions(0, Status::Blocked, Vec::new()))),
                    elapsed: Duration::ZERO,
                }));
            }
            list => {
                let mut now = page_for(query_of(&list), 30);
                now.rows[0].status = Status::Blocked;
                answer_list(&mut app, &list, Ok(now));
            }
        }
    }
    // The old read comes last: it changes nothing and says nothing.
    let query = page.unwrap();
    let user = Some((
        UserKey::Id("u0".into()),
        Ok(Box::new(with_sessions(0, Status::Active, Vec::new()))),
    ));
    app.update(Event::Worker(Response::Watched {
        id,
        read: Box::new(crate::worker::Reread {
            page: Some((query.clone(), Ok(page_for(&query, 30)))),
            user,
        }),
    }));
    assert_eq!(app.table().rows()[0].status, Status::Blocked);
    assert_eq!(
        app.detail().unwrap().detail().unwrap().user.status,
        Status::Blocked
    );
    assert!(!said_has(&app, "watch:"), "{:?}", said(&app));
    assert!(app.quiet());
}

#[test]
fn nothing_is_read_during_a_bulk_action_and_a_refusal_is_not_asked_again() {
    let mut app = started(Dialect::Crm, false, 30);
    open_with(&mut app, with_sessions(0, Status::Active, Vec::new()));
    command(&mut app, "watch");
    app.update(key('b'));
    app.update(key('y'));
    assert!(app.bulk().is_some());
    assert!(
        sent(&app.update(Event::WatchTick)).is_empty(),
        "not while it runs"
    );
    // A page refused for what it asks would only be refused again.
    let (mut app, effects) = App::new(config(Dialect::Crm, false));
    let refused = ApiError::GraphQl {
        operation: "Users".into(),
        code: Some("BAD_USER_INPUT".into()),
        message: "no".into(),
    };
    answer_list(&mut app, &sent(&effects)[0], Err(refused));
    command(&mut app, "watch");
    assert!(sent(&app.update(Event::WatchTick)).is_empty());
}

#[test]
fn the_pane_beside_follows_the_row_when_its_user_left_the_page() {
    let mut app = started(Dialect::Crm, false, 30);
    open_with(&mut app, with_sessions(0, Status::Active, Vec::new()));
    press(&mut app, Action::ToggleFocus);
    press(&mut app, Action::ToggleFocus);
    assert_eq!(app.focus(), Focus::Table);
    command(&mut app, "watch");
    let (id, page, _) = watch_read(&app.update(Event::WatchTick));
    let query = page.unwrap();
    // u0 left: u1 is on the cursor's row now, and the pane goes to it.
    let mut without = page_for(&query, 31);
    without.rows.remove(0);
    let effects = app.update(Event::Worker(Response::Watched {
        id,
        read: Box::new(crate::worker::Reread {
            page: Some((query, Ok(without))),
            user: None,
        }),
    }));
    assert_eq!(app.table().current().unwrap().id, "u1");
    assert!(
        matches!(&sent(&effects)[..], [Request::Detail { key: UserKey::Id(id), .. }] if id == "u1"),
        "{effects:?}"
    );
}
