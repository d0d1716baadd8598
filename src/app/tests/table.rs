//! The table view: the rows shown always answer the query named, an answer is applied
//! only where it belongs, and a failure shows beside the rows kept.

use super::*;

fn shown_page(app: &App) -> &Page {
    &app.table.shown().expect("a page is shown").page
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
    assert!(app.table.shown().is_none());
}

#[test]
fn typing_a_filter_coalesces_and_never_shows_stale_rows() {
    let mut app = started(Dialect::Crm, false, 100);
    app.update(key('/'));
    assert_eq!(app.mode(), Mode::Filter);
    let first = sent(&app.update(key('j')));
    let first: Vec<_> = first
        .into_iter()
        .filter(|r| matches!(r, Request::List { .. }))
        .collect();
    assert_eq!(first.len(), 1, "the first keystroke asks");
    for c in "ohn".chars() {
        assert!(
            sent(&app.update(key(c))).is_empty(),
            "queued behind the request under way"
        );
    }
    assert_eq!(app.table.wanted().text.as_deref(), Some("john"));
    // The answer for "j" arrives: not shown, and the newest query goes out.
    let shown_before = shown_page(&app).clone();
    let next = sent(&answer_page(&mut app, &first[0], 50));
    assert_eq!(
        *shown_page(&app),
        shown_before,
        "the stale answer is not shown"
    );
    let [Request::List { query, .. }] = &next[..] else {
        panic!("{next:?}")
    };
    assert_eq!(query.text.as_deref(), Some("john"));
    assert_eq!(query.offset, 0);
    answer_page(&mut app, &next[0], 3);
    assert_eq!(shown_page(&app).total, 3);
    // Esc clears it.
    let cleared = sent(&app.update(code(KeyCode::Esc)));
    assert_eq!(app.mode(), Mode::Table);
    assert!(matches!(&cleared[..], [Request::List { query, .. }] if query.text.is_none()));
}

#[test]
fn answers_to_replaced_requests_are_dropped() {
    let mut app = started(Dialect::Crm, false, 100);
    let first = sent(&app.update(key('s')));
    answer_page(&mut app, &first[0], 100); // settles; a newer one replaces it next
    let second = sent(&app.update(key('S')));
    let third = sent(&press(&mut app, Action::Reload));
    answer_page(&mut app, &third[0], 42);
    assert_eq!(shown_page(&app).total, 42);
    answer_page(&mut app, &second[0], 7);
    assert_eq!(
        shown_page(&app).total,
        42,
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
    let effects = sent(&press(&mut app, Action::NextPage));
    assert_eq!(shown_page(&app).offset, 10, "shown from the prefetch");
    assert_eq!(rows(&app)[0], "u10");
    assert!(matches!(&effects[..], [Request::Prefetch { query, .. }] if query.offset == 20));
    // The last page prefetches nothing; moving down past the end stays.
    answer_page(&mut app, &effects[0], 25);
    press(&mut app, Action::NextPage);
    assert_eq!(shown_page(&app).offset, 20);
    assert!(sent(&press(&mut app, Action::NextPage)).is_empty());
}

#[test]
fn a_page_fetched_ahead_is_kept_with_its_own_query() {
    let (mut app, effects) = App::new(config(Dialect::Crm, false));
    let ahead = sent(&answer_page(&mut app, &sent(&effects)[0], 100));
    // The filter changes while page 2 of the unfiltered list is on its way.
    app.update(key('/'));
    let filtered = sent(&app.update(key('z')));
    answer_page(&mut app, &ahead[0], 100);
    let ahead_of_filtered = sent(&answer_page(&mut app, &filtered[0], 100));
    app.update(code(KeyCode::Enter));
    let turned = sent(&press(&mut app, Action::NextPage));
    assert_eq!(
        app.table.shown().unwrap().query.text.as_deref(),
        Some("z"),
        "still the filtered page 1 while its page 2 comes"
    );
    assert!(
        turned.is_empty(),
        "the filtered page 2 is on its way already"
    );
    answer_page(&mut app, &ahead_of_filtered[0], 100);
    let shown = app.table.shown().unwrap();
    assert_eq!(
        (shown.query.text.as_deref(), shown.page.offset),
        (Some("z"), 10)
    );
}

#[test]
fn a_failed_filter_keeps_the_rows_shown_with_their_own_query() {
    let mut app = started(Dialect::Crm, false, 100);
    app.update(key('/'));
    let asked = sent(&app.update(key('z')));
    answer_list(&mut app, &asked[0], Err(http_500("Users")));
    let shown = app.table.shown().unwrap();
    assert_eq!(
        shown.query.text, None,
        "the rows shown answer the unfiltered query"
    );
    assert_eq!(app.table.wanted().text.as_deref(), Some("z"));
    assert!(matches!(app.table.load(), Load::Failed(e) if e.contains("HTTP 500")));
    // Pages do not turn on a listing that is not the one asked for; r tries again.
    app.update(code(KeyCode::Enter));
    assert!(sent(&press(&mut app, Action::NextPage)).is_empty());
    let again = sent(&press(&mut app, Action::Reload));
    assert!(
        matches!(&again[..], [Request::Reload { query, .. }] if query.text.as_deref() == Some("z"))
    );
    answer_page(&mut app, &again[0], 4);
    assert_eq!(*app.table.load(), Load::Loaded);
    assert_eq!(app.table.shown().unwrap().query.text.as_deref(), Some("z"));
}

#[test]
fn a_first_load_that_failed_is_a_failure_not_an_empty_list() {
    let (mut app, effects) = App::new(config(Dialect::Crm, false));
    answer_list(&mut app, &sent(&effects)[0], Err(http_500("Users")));
    assert!(app.table.shown().is_none());
    assert!(matches!(app.table.load(), Load::Failed(_)));
    assert!(!app.loading());
    let again = sent(&press(&mut app, Action::Reload));
    answer_page(&mut app, &again[0], 5);
    assert_eq!(rows(&app).len(), 5);
}

#[test]
fn moving_past_the_page_edges_turns_pages() {
    let mut app = started(Dialect::Training, false, 25);
    for _ in 0..9 {
        assert!(sent(&press(&mut app, Action::MoveDown)).is_empty());
    }
    assert_eq!(app.table.cursor(), 9);
    let next = sent(&press(&mut app, Action::MoveDown));
    answer_page(&mut app, &next[0], 25);
    assert_eq!((shown_page(&app).offset, app.table.cursor()), (10, 0));
    let back = sent(&press(&mut app, Action::MoveUp));
    answer_page(&mut app, &back[0], 25);
    assert_eq!(
        (shown_page(&app).offset, app.table.cursor()),
        (0, 9),
        "lands on the last row"
    );
    let last = sent(&press(&mut app, Action::Last));
    answer_page(&mut app, &last[0], 25);
    assert_eq!((shown_page(&app).offset, app.table.cursor()), (20, 4));
}

#[test]
fn moving_past_the_edge_turns_one_page_at_a_time() {
    let mut app = started(Dialect::Training, false, 100);
    for _ in 0..9 {
        press(&mut app, Action::MoveDown);
    }
    let first = sent(&press(&mut app, Action::MoveDown));
    let first: Vec<_> = first
        .into_iter()
        .filter(|r| matches!(r, Request::List { .. }))
        .collect();
    assert_eq!(first.len(), 1);
    // Key repeat or the wheel: further moves wait for the page under way.
    assert!(sent(&app.update(Event::Scroll(3))).is_empty());
    assert!(sent(&press(&mut app, Action::MoveDown)).is_empty());
    answer_page(&mut app, &first[0], 100);
    assert_eq!(
        (shown_page(&app).offset, app.table.cursor()),
        (10, 0),
        "one page on, not two"
    );
}

#[test]
fn a_refused_token_names_its_source_and_other_errors_do_not() {
    use crate::config::TokenSource;
    let refused = || ApiError::GraphQl {
        operation: "Users".into(),
        code: Some("UNAUTHORIZED".into()),
        message: "no".into(),
    };
    for (source, said) in [
        (
            TokenSource::Environment,
            "the token from USERDECK_TOKEN was refused: Users: no [UNAUTHORIZED]",
        ),
        (
            TokenSource::TokenEnv("DECK".into()),
            "the token from --token-env DECK was refused: Users: no [UNAUTHORIZED]",
        ),
        (
            TokenSource::None,
            "sent without a token: Users: no [UNAUTHORIZED]",
        ),
    ] {
        let (mut app, effects) = App::new(AppConfig {
            token_source: Some(source),
            ..config(Dialect::Crm, false)
        });
        answer_list(&mut app, &sent(&effects)[0], Err(refused()));
        assert_eq!(*app.table.load(), Load::Failed(said.into()));
    }
    // Any other error is said as it is.
    let (mut app, effects) = App::new(AppConfig {
        token_source: Some(TokenSource::Environment),
        ..config(Dialect::Crm, false)
    });
    let other = ApiError::GraphQl {
        operation: "Users".into(),
        code: Some("INTERNAL".into()),
        message: "boom".into(),
    };
    answer_list(&mut app, &sent(&effects)[0], Err(other));
    assert_eq!(
        *app.table.load(),
        Load::Failed("Users: boom [INTERNAL]".into())
    );
}

#[test]
fn an_error_ends_with_the_next_success_of_its_kind() {
    let mut app = started(Dialect::Crm, false, 10);
    app.update(Event::Worker(Response::Failed {
        id: RequestId(999),
        slot: Slot::Detail,
        message: "boom".into(),
    }));
    let reload = sent(&press(&mut app, Action::Reload));
    answer_list(
        &mut app,
        &reload[0],
        Err(ApiError::GraphQl {
            operation: "Users".into(),
            code: Some("UNAUTHORIZED".into()),
            message: "no".into(),
        }),
    );
    assert_eq!(rows(&app).len(), 10, "the rows stay");
    assert!(matches!(app.table.load(), Load::Failed(e) if e.contains("UNAUTHORIZED")));
    let again = sent(&press(&mut app, Action::Reload));
    answer_page(&mut app, &again[0], 10);
    assert_eq!(
        *app.table.load(),
        Load::Loaded,
        "the failure went with the success"
    );
}

#[test]
fn a_panicked_fetch_ahead_taken_on_as_the_page_does_not_load_for_ever() {
    let (mut app, effects) = App::new(config(Dialect::Crm, false));
    let ahead = sent(&answer_page(&mut app, &sent(&effects)[0], 100));
    let Request::Prefetch { id, .. } = ahead[0] else {
        panic!("{ahead:?}")
    };
    assert!(
        sent(&press(&mut app, Action::NextPage)).is_empty(),
        "waits for it"
    );
    assert!(app.loading());
    app.update(Event::Worker(Response::Failed {
        id,
        slot: Slot::Prefetch,
        message: "boom".into(),
    }));
    assert!(!app.loading());
    assert!(matches!(app.table.load(), Load::Failed(e) if e.contains("boom")));
}

#[test]
fn a_page_emptied_meanwhile_turns_to_the_last_page_with_rows() {
    // On page 3 of 25 users; a reload answers that only 15 match now (a bulk action took
    // the rest out of the filter): the last page that has rows is asked for.
    let mut app = started(Dialect::Training, false, 25);
    let last = sent(&press(&mut app, Action::Last));
    answer_page(&mut app, &last[0], 25);
    assert_eq!(shown_page(&app).offset, 20);
    let reload = sent(&press(&mut app, Action::Reload));
    let again = sent(&answer_page(&mut app, &reload[0], 15));
    let [Request::List { query, .. } | Request::Reload { query, .. }] = again.as_slice() else {
        panic!("the last page with rows is asked for: {again:?}");
    };
    assert_eq!(query.offset, 10);
    answer_page(&mut app, &again[0], 15);
    assert_eq!(shown_page(&app).offset, 10);
    assert_eq!(rows(&app).len(), 5);
}

/// training reads the whole list before a page: how many users came so far is shown
/// for the request under way, and nothing of an older one.
#[test]
fn the_users_of_a_whole_list_so_far_are_counted_for_the_request_under_way() {
    let (mut app, effects) = App::new(config(Dialect::Training, false));
    let requests = sent(&effects);
    let [Request::List { id, .. }] = &requests[..] else {
        panic!("{requests:?}")
    };
    assert_eq!(app.table.arrived(), None);
    app.update(Event::Worker(Response::Arriving {
        id: *id,
        count: 50_000,
    }));
    assert_eq!(app.table.arrived(), Some(50_000));
    answer_page(&mut app, &requests[0], 3);
    assert_eq!(app.table.arrived(), None, "answered: no count");
    // A count for a request no longer under way is not shown.
    app.update(Event::Worker(Response::Arriving {
        id: *id,
        count: 75_000,
    }));
    assert_eq!(app.table.arrived(), None);
}
