//! `:view` and `:columns`: what is saved is what is shown, what is opened is shown.

use super::*;
use crate::app::{ViewAnswer, ViewAsk};
use crate::columns::ColumnId;

fn with_views() -> App {
    let mut config = config(Dialect::Crm, false);
    config.views = Some("/nonexistent/views.json".into());
    let (mut app, effects) = App::new(config);
    answer_page(&mut app, &sent(&effects)[0], 30);
    app
}

#[test]
fn a_view_saved_is_the_listing_asked_and_the_columns_shown() {
    let mut app = with_views();
    command(&mut app, "columns id, status");
    assert_eq!(app.columns(), [ColumnId::Id, ColumnId::Status]);
    press(&mut app, Action::CycleStatus);
    let effects = command(&mut app, "view save mine");
    let [Request::View { ask, view, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(*ask, ViewAsk::Save("mine".into()));
    let view = view.as_ref().unwrap();
    assert_eq!(view.columns, ["id", "status"]);
    assert_eq!(
        view.status.as_deref(),
        Some(app.table().wanted().status.as_ref().unwrap().as_str())
    );
    // Opened elsewhere: its listing asked, its columns and filter shown.
    let mut app = with_views();
    let effects = command(&mut app, "view mine");
    let [Request::View { id, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    let mut saved = view.as_ref().clone();
    saved.filter = Some("ann".into());
    let effects = app.update(Event::Worker(Response::View {
        id: *id,
        result: Ok(ViewAnswer::Found("mine".into(), Box::new(saved))),
    }));
    assert_eq!(app.columns(), [ColumnId::Id, ColumnId::Status]);
    assert_eq!(app.filter().value(), "ann");
    let [list] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(query_of(list).text.as_deref(), Some("ann"));
    assert!(query_of(list).status.is_some());
}

#[test]
fn columns_and_views_that_cannot_be_are_said() {
    let mut app = with_views();
    command(&mut app, "columns id,bogus");
    assert!(said(&app).iter().any(|l| l.contains("no column \"bogus\"")));
    assert!(app.columns().is_empty());
    command(&mut app, "view save a/b");
    assert!(said(&app).iter().any(|l| l.contains("is no view name")));
    // The demo keeps no views.
    let mut demo = started(Dialect::Crm, false, 10);
    assert!(sent(&command(&mut demo, "view")).is_empty());
    assert!(
        said(&demo)
            .iter()
            .any(|l| l.contains("no saved views here"))
    );
}
