//! Who an action acts on (issue #20): the same user at any width, never a row the screen
//! no longer shows, and a selection that can be cleared.

use super::*;

/// The confirmation's ids, then the dialog closed.
fn proposed(app: &mut App, action: char) -> Vec<String> {
    app.update(key(action));
    let Some(Dialog::Confirm(confirm)) = &app.dialog else {
        panic!("a confirmation: {:?}", said(app));
    };
    let ids = confirm.ids();
    app.update(key('n'));
    ids
}

/// The one list request among `effects`.
fn list_request(effects: &[Effect]) -> Request {
    let lists: Vec<Request> = sent(effects)
        .into_iter()
        .filter(|r| matches!(r, Request::List { .. } | Request::Reload { .. }))
        .collect();
    assert_eq!(lists.len(), 1, "{effects:?}");
    lists[0].clone()
}

/// An app showing page 1 of `total` (pages of 10), and its fetch of page 2 ahead, not
/// answered yet: PgDn waits for it.
fn on_page_one(total: u64) -> (App, Request) {
    let (mut app, effects) = App::new(config(Dialect::Crm, false));
    let effects = answer_page(&mut app, &sent(&effects)[0], total);
    let [ahead @ Request::Prefetch { .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    (app, ahead.clone())
}

/// Page 2 shown (its page 3 fetched ahead and answered).
fn on_page_two(total: u64) -> App {
    let (mut app, ahead) = on_page_one(total);
    app.update(code(KeyCode::PageDown));
    let effects = answer_page(&mut app, &ahead, total);
    if let [ahead @ Request::Prefetch { .. }] = &sent(&effects)[..] {
        answer_page(&mut app, ahead, total);
    }
    assert_eq!(rows(&app)[0], "u10");
    app
}

#[test]
fn goto_then_b_acts_on_the_pane_at_every_width() {
    for side_by_side in [true, false] {
        let mut app = started(Dialect::Crm, false, 10);
        app.update(Event::Resize {
            table_rows: 10,
            side_by_side,
            detail_overflow: 0,
        });
        app.update(key(':'));
        for c in "goto u7".chars() {
            app.update(key(c));
        }
        let effects = app.update(code(KeyCode::Enter));
        let detail = UserDetail {
            user: user(7),
            ..UserDetail::default()
        };
        answer_detail(&mut app, &effects, detail);
        assert_eq!(rows(&app)[app.table.cursor()], "u0", "the table's row");
        assert_eq!(
            proposed(&mut app, 'b'),
            ["u7"],
            "side by side: {side_by_side}"
        );
    }
}

#[test]
fn keys_pressed_while_a_page_comes_act_on_the_page_that_comes() {
    let mut app = on_page_two(100);
    app.update(key('j'));
    // g turns to page 1; Enter at once must not open page 2's row.
    let page1 = list_request(&app.update(key('g')));
    let effects = app.update(code(KeyCode::Enter));
    assert!(sent(&effects).is_empty(), "Enter waits: {effects:?}");
    assert!(app.detail.is_none());
    // A second key is not queued behind it, and says so.
    app.update(key(' '));
    assert!(app.selected.is_empty());
    assert!(
        said(&app).join(" ").contains("is not taken"),
        "{:?}",
        said(&app)
    );
    let effects = answer_page(&mut app, &page1, 100);
    assert_eq!(rows(&app)[0], "u0");
    let told = said(&app).join(" ");
    assert!(
        !told.contains("waits for the rows"),
        "over once it acted: {told}"
    );
    let opened: Vec<Request> = sent(&effects)
        .into_iter()
        .filter(|r| matches!(r, Request::Detail { .. }))
        .collect();
    assert!(
        matches!(&opened[..], [Request::Detail { key: UserKey::Id(id), .. }] if id == "u0"),
        "the first row of page 1: {effects:?}"
    );
    // G then Space: the last row of the last page, not the row shown before it came.
    app.update(code(KeyCode::Esc));
    let last = list_request(&app.update(key('G')));
    app.update(key(' '));
    assert!(app.selected.is_empty(), "Space waits");
    answer_page(&mut app, &last, 100);
    assert_eq!(app.selected.keys().collect::<Vec<_>>(), ["u99"]);
}

#[test]
fn a_key_waiting_for_a_page_that_fails_is_dropped_and_said() {
    let (mut app, page2) = on_page_one(100);
    app.update(code(KeyCode::PageDown));
    app.update(key('b'));
    assert!(app.dialog.is_none(), "b waits");
    answer_list(&mut app, &page2, Err(http_500("Users")));
    assert!(
        app.dialog.is_none(),
        "nothing asked on rows that did not come"
    );
    assert!(
        said(&app).join(" ").contains("b was not done"),
        "{:?}",
        said(&app)
    );
    // Esc drops a waiting key.
    let page2 = list_request(&app.update(code(KeyCode::PageDown)));
    assert!(app.table.turning());
    app.update(key('b'));
    app.update(code(KeyCode::Esc));
    answer_page(&mut app, &page2, 100);
    assert!(app.dialog.is_none());
}

#[test]
fn page_keys_pressed_quickly_each_turn_a_page() {
    let (mut app, first) = on_page_one(100);
    app.update(code(KeyCode::PageDown));
    for _ in 0..4 {
        app.update(code(KeyCode::PageDown));
    }
    assert_eq!(app.table.wanted().offset, 50, "five pages of 10 on");
    // The first answer is stale: the page asked for last goes out.
    let next = list_request(&answer_page(&mut app, &first, 100));
    answer_page(&mut app, &next, 100);
    assert_eq!(rows(&app)[0], "u50");
}

#[test]
fn the_selection_is_cleared_by_its_own_key_on_every_page() {
    let mut app = on_page_two(100);
    app.update(key(' '));
    let page1 = list_request(&app.update(code(KeyCode::PageUp)));
    answer_page(&mut app, &page1, 100);
    app.update(key(' '));
    assert_eq!(app.selected.len(), 2);
    app.update(code(KeyCode::Esc));
    assert_eq!(app.selected.len(), 2, "Esc dismisses, it does not unselect");
    app.update(key('U'));
    assert!(app.selected.is_empty());
    assert!(said(&app).join(" ").contains("2 users unselected"));
    // b now acts on the row in view, not on users of another page.
    assert_eq!(proposed(&mut app, 'b'), ["u1"], "Space moved down a row");
}
