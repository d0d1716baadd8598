//! update() driven by events, asserting state and effects; no terminal, no network.
//! Helpers here; the tests by component in the files beside.

mod actions;
mod bulk;
mod command;
mod detail;
mod form;
mod keys;
mod model;
mod table;
mod target;
mod timeline;
mod undo;
mod views;
mod watch;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::api::bulk::Progress;
use crate::api::error::ApiError;
use crate::api::ledger::{Ledger, Outcome, Verdict};
use crate::api::model::{
    Capabilities, FailReason, ListQuery, Overlap, Page, SortField, Status, User, UserDetail,
};
use crate::api::ops::UserKey;
use crate::dialect::Dialect;
use crate::worker::{Response, Slot};

pub(super) fn config(dialect: Dialect, read_only: bool) -> AppConfig {
    AppConfig {
        read_only,
        page_size: 10,
        colors: crate::terminal::Colors::None,
        ..AppConfig::new(Capabilities::of(dialect), "test")
    }
}

pub(super) fn user(n: u64) -> User {
    User {
        id: format!("u{n}"),
        name: format!("user {n}"),
        email: Some(format!("u{n}@example.com")),
        ..User::default()
    }
}

/// The page of `query` over `total` users u0, u1, ….
pub(super) fn page_for(query: &ListQuery, total: u64) -> Page {
    let end = (query.offset + query.limit).min(total);
    Page {
        rows: (query.offset..end).map(user).collect(),
        total,
        offset: query.offset,
    }
}

/// A selected user as seen now, with `status`.
pub(super) fn picked(name: &str, status: Status) -> Selected {
    Selected {
        name: name.into(),
        email: None,
        status,
        seen: std::time::Instant::now(),
    }
}

/// Selects users u0, u1, … (`n` of them) as last seen with `status`.
pub(super) fn select_seen(app: &mut App, n: u64, status: Status) {
    for i in 0..n {
        app.selected.insert(
            format!("u{i}"),
            picked(&format!("user {i}"), status.clone()),
        );
    }
}

/// Opens the current row's pane and answers it with `detail`.
pub(super) fn open_with(app: &mut App, detail: UserDetail) {
    let effects = press(app, Action::Open);
    answer_detail(app, &effects, detail);
}

/// Answers the one detail request among `effects` with `detail`.
pub(super) fn answer_detail(app: &mut App, effects: &[Effect], detail: UserDetail) {
    let [Request::Detail { id, key }] = &sent(effects)[..] else {
        panic!("{effects:?}");
    };
    app.update(Event::Worker(Response::Detail {
        id: *id,
        key: key.clone(),
        result: Ok(Box::new(detail)),
        elapsed: Duration::ZERO,
    }));
}

/// Presses the first key bound to `action` in the mode in force, through the keymap, as
/// an operator would (an action bound to no key there fails the test).
pub(super) fn press(app: &mut App, action: Action) -> Vec<Effect> {
    let mode = app.mode();
    let key = app
        .config
        .keymap
        .of_mode(mode)
        .find(|b| b.action == action)
        .and_then(|b| b.keys.first().copied())
        .unwrap_or_else(|| panic!("{action:?} is bound to no key in {mode:?}"));
    app.update(Event::Key(key))
}

/// Runs a command line, typed as an operator types it.
pub(super) fn command(app: &mut App, line: &str) -> Vec<Effect> {
    let mut effects = app.update(key(':'));
    for c in line.chars() {
        effects.extend(app.update(key(c)));
    }
    effects.extend(app.update(code(KeyCode::Enter)));
    effects
}

/// The sessions of a user.
pub(super) fn sessions(
    all: Vec<crate::api::model::Session>,
) -> Option<crate::api::model::SessionInfo> {
    Some(crate::api::model::SessionInfo {
        total_logins: all.len() as i64,
        all,
        first: None,
        last: None,
    })
}

/// A session from `ip`, last updated `at`.
pub(super) fn session(ip: &str, at: &str) -> crate::api::model::Session {
    crate::api::model::Session {
        active: true,
        ..crate::api::model::Session::seen(ip, at)
    }
}

pub(super) fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub(super) fn code(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The requests among `effects`.
pub(super) fn sent(effects: &[Effect]) -> Vec<Request> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

pub(super) fn answer_list(
    app: &mut App,
    request: &Request,
    result: Result<Page, ApiError>,
) -> Vec<Effect> {
    let elapsed = Duration::from_millis(3);
    match request.clone() {
        Request::List { id, query } | Request::Reload { id, query } => {
            app.update(Event::Worker(Response::Page {
                id,
                query,
                result,
                elapsed,
            }))
        }
        Request::Prefetch { id, query } => app.update(Event::Worker(Response::Prefetched {
            id,
            query,
            result,
            elapsed,
        })),
        other => panic!("not a list request: {other:?}"),
    }
}

pub(super) fn query_of(request: &Request) -> &ListQuery {
    match request {
        Request::List { query, .. }
        | Request::Reload { query, .. }
        | Request::Prefetch { query, .. } => query,
        other => panic!("not a list request: {other:?}"),
    }
}

pub(super) fn answer_page(app: &mut App, request: &Request, total: u64) -> Vec<Effect> {
    let page = page_for(query_of(request), total);
    answer_list(app, request, Ok(page))
}

pub(super) fn http_500(operation: &str) -> ApiError {
    ApiError::Http {
        operation: operation.into(),
        status: 500,
        reason: Some("Internal Server Error".into()),
    }
}

/// The texts of the status line.
pub(super) fn said(app: &App) -> Vec<String> {
    app.messages().into_iter().map(|m| m.text).collect()
}

pub(super) fn rows(app: &App) -> Vec<String> {
    app.table.rows().iter().map(|u| u.id.clone()).collect()
}

/// An app showing the first page of `total` users.
pub(super) fn started(dialect: Dialect, read_only: bool, total: u64) -> App {
    let (mut app, effects) = App::new(config(dialect, read_only));
    let requests = sent(&effects);
    assert_eq!(requests.len(), 1);
    answer_page(&mut app, &requests[0], total);
    app
}
