//! The detail pane: follows overlaps and goes back, its failures show in the pane, and
//! answers apply only to the user they answer.

use super::*;

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
                    last_seen: Default::default(),
                })
                .collect(),
        ),
        ..UserDetail::default()
    })
}

fn detail_request(effects: &[Effect]) -> (RequestId, UserKey) {
    let requests: Vec<_> = sent(effects)
        .into_iter()
        .filter_map(|r| match r {
            Request::Detail { id, key } => Some((id, key)),
            _ => None,
        })
        .collect();
    match &requests[..] {
        [one] => one.clone(),
        other => panic!("{other:?}"),
    }
}

fn answer(
    app: &mut App,
    (id, key): (RequestId, UserKey),
    result: Result<Box<UserDetail>, ApiError>,
) {
    app.update(Event::Worker(Response::Detail {
        id,
        key,
        result,
        elapsed: Duration::ZERO,
    }));
}

fn pane(app: &App) -> &DetailPane {
    app.detail.as_ref().expect("the pane is open")
}

#[test]
fn the_detail_follows_overlaps_and_goes_back() {
    let mut app = started(Dialect::Crm, false, 10);
    let asked = detail_request(&press(&mut app, Action::Open));
    assert_eq!(asked.1, UserKey::Id("u0".into()));
    answer(
        &mut app,
        asked,
        Ok(detail_with_overlaps("u0", &["u7", "u8"])),
    );
    press(&mut app, Action::ToggleFocus);
    assert_eq!(app.focus, Focus::Detail);
    press(&mut app, Action::MoveDown);
    let asked = detail_request(&press(&mut app, Action::Open));
    assert_eq!(asked.1, UserKey::Id("u8".into()));
    assert_eq!(pane(&app).depth(), 1);
    answer(&mut app, asked, Ok(detail_with_overlaps("u8", &["u0"])));
    let back = detail_request(&press(&mut app, Action::Back));
    assert_eq!(back.1, UserKey::Id("u0".into()));
    assert_eq!(pane(&app).depth(), 0);
    // Read again, u0's pane has its cursor where it was left: on u8.
    answer(
        &mut app,
        back,
        Ok(detail_with_overlaps("u0", &["u7", "u8"])),
    );
    assert_eq!(pane(&app).overlap_cursor(), 1);
    press(&mut app, Action::Back);
    assert!(app.detail.is_none());
    assert_eq!(app.focus, Focus::Table);
    assert_eq!(
        app.table.cursor(),
        0,
        "the table's cursor did not move meanwhile"
    );
}

#[test]
fn a_failed_detail_shows_its_error_and_r_retries() {
    let mut app = started(Dialect::Crm, false, 10);
    let asked = detail_request(&press(&mut app, Action::Open));
    answer(&mut app, asked, Err(http_500("User")));
    assert!(matches!(pane(&app).load(), DetailLoad::Failed(e) if e.contains("HTTP 500")));
    assert!(!app.loading(), "not loading for good");
    let again = detail_request(&press(&mut app, Action::Reload));
    assert!(pane(&app).loading());
    answer(&mut app, again, Ok(detail_with_overlaps("u0", &[])));
    assert!(pane(&app).detail().is_some());
}

#[test]
fn an_answer_for_another_user_is_not_applied() {
    let mut app = started(Dialect::Crm, false, 10);
    let (id, _) = detail_request(&press(&mut app, Action::Open));
    answer(
        &mut app,
        (id, UserKey::Id("u9".into())),
        Ok(detail_with_overlaps("u9", &[])),
    );
    assert!(pane(&app).loading(), "u9's answer is not u0's");
}

#[test]
fn a_panicked_request_does_not_leave_the_pane_loading() {
    let mut app = started(Dialect::Crm, false, 10);
    let (id, _) = detail_request(&press(&mut app, Action::Open));
    app.update(Event::Worker(Response::Failed {
        id,
        slot: Slot::Detail,
        message: "boom".into(),
    }));
    assert!(matches!(pane(&app).load(), DetailLoad::Failed(e) if e.contains("boom")));
}

#[test]
fn a_detail_without_overlaps_scrolls() {
    let mut app = started(Dialect::Training, false, 10);
    let asked = detail_request(&press(&mut app, Action::Open));
    answer(&mut app, asked, Ok(Box::default()));
    press(&mut app, Action::ToggleFocus);
    app.update(Event::Resize {
        table_rows: 20,
        side_by_side: true,
        detail_overflow: 12,
    });
    press(&mut app, Action::MoveDown);
    press(&mut app, Action::MoveDown);
    press(&mut app, Action::MoveUp);
    assert_eq!(pane(&app).scroll(), 1);
    assert_eq!(app.table.cursor(), 0, "the table did not move");
    // Never past the end of its content.
    for _ in 0..5 {
        press(&mut app, Action::NextPage);
    }
    assert_eq!(pane(&app).scroll(), 12);
    press(&mut app, Action::PrevPage);
    assert_eq!(pane(&app).scroll(), 2, "one page back up is one page");
}

#[test]
fn over_a_narrow_table_the_detail_takes_the_focus() {
    let mut app = started(Dialect::Training, false, 10);
    app.update(Event::Resize {
        table_rows: 20,
        side_by_side: false,
        detail_overflow: 0,
    });
    press(&mut app, Action::Open);
    assert_eq!(app.focus, Focus::Detail);
    press(&mut app, Action::MoveDown);
    assert_eq!(
        app.table.cursor(),
        0,
        "keys go to the pane shown, not the hidden table"
    );
    press(&mut app, Action::Back);
    assert_eq!(app.focus, Focus::Table);
}
