//! `:watch`: reads of its own while the screen shows what they read, marks of what
//! changed, and nothing drawn for what did not.

use super::*;
use crate::api::model::{Session, SessionInfo};

/// Runs a command line.
fn command(app: &mut App, line: &str) -> Vec<Effect> {
    let mut effects = app.update(key(':'));
    for c in line.chars() {
        effects.extend(app.update(key(c)));
    }
    effects.extend(app.update(code(KeyCode::Enter)));
    effects
}

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
    assert_eq!(watch.counts(), (1, 1));
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
    assert_eq!(app.watch().unwrap().counts(), (1, 0));
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
    assert_eq!(app.watch().unwrap().counts(), (0, 0));
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

fn session(id: &str, ip: &str, country: &str) -> Session {
    Session {
        id: id.into(),
        session_id: id.into(),
        device_name: None,
        device_type: None,
        browser: None,
        operating_system: None,
        ip_address: Some(ip.into()),
        country: Some(country.into()),
        region: None,
        city: None,
        active: true,
        created_at: "2026-12-01T00:00:00Z".into(),
        updated_at: "2026-12-01T00:00:00Z".into(),
        last_active_at: None,
    }
}

fn with_sessions(n: u64, status: Status, sessions: Vec<Session>) -> UserDetail {
    UserDetail {
        user: User { status, ..user(n) },
        sessions: Some(SessionInfo {
            all: sessions,
            total_logins: 1,
            first: None,
            last: None,
        }),
        ..UserDetail::default()
    }
}

#[test]
fn the_watched_account_says_its_new_session_country_and_status() {
    let mut app = started(Dialect::Crm, false, 30);
    let first = vec![session("s1", "203.0.113.1", "DE")];
    open_with(&mut app, with_sessions(0, Status::Active, first.clone()));
    command(&mut app, "watch 2");
    let (id, page, account) = watch_read(&app.update(Event::WatchTick));
    assert_eq!(account, Some(UserKey::Id("u0".into())));
    let mut after = first;
    after.push(session("s2", "198.51.100.7", "BR"));
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
    // The alert outlives the next key; Esc with nothing else open dismisses it.
    app.update(key('j'));
    assert!(said_has(&app, "new country BR"));
    app.update(code(KeyCode::Esc));
    app.update(code(KeyCode::Esc));
    assert!(!said_has(&app, "new country BR"));
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
