//! `T` / `:timeline`: the history of the user in front, over the table.

use super::*;
use crate::api::timeline::{Event as Moment, What};

fn moment(at: &str, what: What) -> Moment {
    Moment {
        at: at.into(),
        what,
        text: "text".into(),
        about: None,
    }
}

#[test]
fn the_timeline_is_of_the_user_in_front_and_opens_on_its_newest_moment() {
    let mut app = started(Dialect::Crm, false, 30);
    app.update(key('j'));
    let effects = press(&mut app, Action::Timeline);
    let [Request::Timeline { id, key, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(*key, UserKey::Id("u1".into()));
    assert_eq!(app.mode(), Mode::Timeline);
    let moments = vec![
        moment("2026-01-01T00:00:00Z", What::Created),
        moment("2026-02-01T00:00:00Z", What::SessionStarted),
        moment("2026-03-01T00:00:00Z", What::Journal),
    ];
    app.update(Event::Worker(Response::Timeline {
        id: *id,
        result: Ok(("u1".into(), moments)),
    }));
    let view = app.timeline().unwrap();
    assert_eq!(
        (view.user(), view.list().items().len(), view.list().cursor()),
        ("u1", 3, 2)
    );
    press(&mut app, Action::MoveUp);
    assert_eq!(app.timeline().unwrap().list().cursor(), 1);
    // The table's keys do not reach the table under it.
    press(&mut app, Action::MoveDown);
    assert_eq!(app.table().cursor(), 1);
    press(&mut app, Action::Cancel);
    assert!(app.timeline().is_none());
    assert_eq!(app.mode(), Mode::Table);
}

#[test]
fn a_history_that_comes_after_its_view_closed_opens_nothing() {
    let mut app = started(Dialect::Training, false, 30);
    let effects = press(&mut app, Action::Timeline);
    let [Request::Timeline { id, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    press(&mut app, Action::Cancel);
    app.update(Event::Worker(Response::Timeline {
        id: *id,
        result: Ok(("u0".into(), Vec::new())),
    }));
    assert!(app.timeline().is_none());
    assert_eq!(app.mode(), Mode::Table);
    // A failure is said in its view, its text made safe.
    let effects = press(&mut app, Action::Timeline);
    let [Request::Timeline { id, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    app.update(Event::Worker(Response::Timeline {
        id: *id,
        result: Err("HTTP 500\u{1b}[2J".into()),
    }));
    let TimelineLoad::Failed(why) = app.timeline().unwrap().list().load() else {
        panic!("not failed");
    };
    assert!(!why.contains('\u{1b}'), "{why:?}");
}
