//! The dashboard's promises under a slow or failing server, one test per symptom an
//! operator met: the rows on screen answer the query the footer names, a failure shows
//! where it happened, and nothing acts unless a person meant it. Driven through
//! `App::update` and drawn on a TestBackend.

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use userdeck::api::error::ApiError;
use userdeck::api::model::{Capabilities, ListQuery, Page, Session, SessionInfo, User, UserDetail};
use userdeck::app::{Action, App, AppConfig, Effect, Event};
use userdeck::dialect::Dialect;
use userdeck::worker::{Request, Response};

fn config(dialect: Dialect) -> AppConfig {
    AppConfig {
        page_size: 10,
        colors: userdeck::terminal::Colors::None,
        ..AppConfig::new(Capabilities::of(dialect), "trust")
    }
}

/// The user `n` of the query with text `text`: its name says which query it answers.
fn user(text: Option<&str>, n: u64) -> User {
    User {
        id: format!("{}-{n}", text.unwrap_or("all")),
        name: format!("{}{n}", text.unwrap_or("all")),
        ..User::default()
    }
}

fn page_for(query: &ListQuery, total: u64) -> Page {
    let end = (query.offset + query.limit).min(total);
    Page {
        rows: (query.offset..end)
            .map(|n| user(query.text.as_deref(), n))
            .collect(),
        total,
        offset: query.offset,
    }
}

fn requests(effects: Vec<Effect>) -> Vec<Request> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Send(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn answer(request: &Request, result: Result<Page, ApiError>) -> Event {
    let elapsed = Duration::from_millis(5);
    Event::Worker(match request.clone() {
        Request::List { id, query } | Request::Reload { id, query } => Response::Page {
            id,
            query,
            result,
            elapsed,
        },
        Request::Prefetch { id, query } => Response::Prefetched {
            id,
            query,
            result,
            elapsed,
        },
        other => panic!("not a list request: {other:?}"),
    })
}

fn ok(request: &Request, total: u64) -> Event {
    let (Request::List { query, .. }
    | Request::Reload { query, .. }
    | Request::Prefetch { query, .. }) = request
    else {
        panic!("not a list request: {request:?}")
    };
    answer(request, Ok(page_for(query, total)))
}

fn http_500() -> ApiError {
    ApiError::Http {
        operation: "Users".into(),
        status: 500,
        reason: Some("Internal Server Error".into()),
    }
}

fn key(c: char) -> Event {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(code: crossterm::event::KeyCode) -> Event {
    use crossterm::event::{KeyEvent, KeyModifiers};
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn screen(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let area = Rect::new(0, 0, width, height);
    app.update(userdeck::ui::resize(app, area));
    terminal
        .draw(|frame| userdeck::ui::draw(frame, app))
        .unwrap();
    terminal.backend().to_string()
}

/// An app showing the first page of `total` unfiltered users, with its prefetch asked.
fn started(total: u64) -> (App, Vec<Request>) {
    let (mut app, effects) = App::new(config(Dialect::Crm));
    let first = requests(effects);
    let after = requests(app.update(ok(&first[0], total)));
    (app, after)
}

fn type_text(app: &mut App, text: &str) -> Vec<Request> {
    let mut sent = Vec::new();
    for c in text.chars() {
        sent.extend(requests(app.update(key(c))));
    }
    sent
}

#[test]
fn a_page_fetched_ahead_for_an_old_filter_is_never_shown_under_a_new_one() {
    let (mut app, prefetch) = started(100);
    assert!(matches!(&prefetch[..], [Request::Prefetch { .. }]));
    app.update(key('/'));
    let filter = type_text(&mut app, "z");
    // The old query's next page arrives after the filter changed.
    app.update(ok(&prefetch[0], 100));
    let ahead = requests(app.update(ok(&filter[0], 100)));
    app.update(code(crossterm::event::KeyCode::Enter));
    // The new query's own page 2 is under way; until it comes, PgDn must not show page 2
    // of the old query.
    let _ = ahead;
    app.act(Action::NextPage);
    let shown = screen(&mut app, 100, 20);
    assert!(
        !shown.contains("all1"),
        "rows of the unfiltered list under the filter \"z\":\n{shown}"
    );
}

#[test]
fn a_failed_filter_never_shows_old_rows_under_the_new_label() {
    let (mut app, _) = started(100);
    app.update(key('/'));
    let sent = type_text(&mut app, "zed");
    // "z" answers after "zed" was typed: stale; then "zed" goes out and fails.
    let zed = requests(app.update(answer(&sent[0], Err(http_500()))));
    app.update(answer(&zed[0], Err(http_500())));
    let shown = screen(&mut app, 120, 20);
    assert!(shown.contains("all0"), "the rows shown are kept:\n{shown}");
    assert!(
        shown.contains("filter \"zed\" failed"),
        "the footer says the filter failed:\n{shown}"
    );
    assert!(
        !shown.contains("· filter \"zed\" ·"),
        "the footer does not name a query whose rows are not shown:\n{shown}"
    );
}

#[test]
fn a_first_load_that_failed_does_not_say_no_users_match() {
    let (mut app, effects) = App::new(config(Dialect::Crm));
    let first = requests(effects);
    app.update(answer(&first[0], Err(http_500())));
    let shown = screen(&mut app, 100, 20);
    assert!(!shown.contains("no users match"), "{shown}");
    assert!(shown.contains("HTTP 500"), "the failure shows:\n{shown}");
}

#[test]
fn an_error_goes_when_the_same_request_succeeds_later() {
    let (mut app, _) = started(100);
    let reload = requests(app.act(Action::Reload));
    app.update(answer(&reload[0], Err(http_500())));
    assert!(screen(&mut app, 100, 20).contains("HTTP 500"));
    let again = requests(app.act(Action::Reload));
    app.update(ok(&again[0], 100));
    let shown = screen(&mut app, 100, 20);
    assert!(!shown.contains("HTTP 500"), "a stale error stays:\n{shown}");
}

fn detail_request(effects: Vec<Effect>) -> Request {
    requests(effects)
        .into_iter()
        .find(|r| matches!(r, Request::Detail { .. }))
        .expect("a detail request")
}

fn detail_answer(request: &Request, result: Result<Box<UserDetail>, ApiError>) -> Event {
    let Request::Detail { id, key } = request.clone() else {
        panic!("not a detail request")
    };
    Event::Worker(Response::Detail {
        id,
        key,
        result,
        elapsed: Duration::from_millis(3),
    })
}

#[test]
fn a_failed_detail_shows_its_error_in_the_pane_and_r_retries() {
    let (mut app, _) = started(100);
    let asked = detail_request(app.act(Action::Open));
    app.update(detail_answer(&asked, Err(http_500())));
    let shown = screen(&mut app, 140, 30);
    assert!(!shown.contains("loading..."), "{shown}");
    assert!(shown.contains("HTTP 500"), "{shown}");
    let again = detail_request(app.act(Action::Reload));
    assert!(matches!(again, Request::Detail { .. }));
}

#[test]
fn a_date_with_a_multibyte_character_does_not_panic() {
    let (mut app, _) = started(100);
    let asked = detail_request(app.act(Action::Open));
    let session = Session {
        id: "1".into(),
        session_id: "s".into(),
        device_name: None,
        device_type: None,
        browser: None,
        operating_system: None,
        ip_address: Some("115.197.99.154".into()),
        country: None,
        region: None,
        city: None,
        active: false,
        created_at: "2026-0é-01T00:00:00Z".into(),
        updated_at: "2026-01-01".into(),
        last_active_at: Some("日本日本日本".into()),
    };
    let detail = UserDetail {
        sessions: Some(SessionInfo {
            all: vec![session],
            total_logins: 1,
            first: Some(("1".into(), "2026-0é-01T00:00:00Z".into())),
            last: Some(("1".into(), "日本日本日本".into())),
        }),
        ..UserDetail::default()
    };
    app.update(detail_answer(&asked, Ok(Box::new(detail))));
    let shown = screen(&mut app, 140, 30);
    assert!(shown.contains("115.197.99.154"), "{shown}");
}
