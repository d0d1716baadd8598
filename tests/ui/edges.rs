//! The screen at its edges: a focused row kept in view and highlighted across, lines
//! cut with a sign, a list with no rows, a sort whose column does not fit.

use super::*;

/// The rows of `buffer` within `x0..x1` whose every cell is in reverse video.
fn reversed_rows(buffer: &ratatui::buffer::Buffer, x0: u16, x1: u16) -> Vec<u16> {
    use ratatui::style::Modifier;
    (0..buffer.area.height)
        .filter(|&y| (x0..x1).all(|x| buffer[(x, y)].modifier.contains(Modifier::REVERSED)))
        .collect()
}

/// `detail` with `n` sessions like its first, each from its own address.
fn with_sessions(detail: &mut UserDetail, n: usize) {
    let sessions = detail.sessions.as_mut().unwrap();
    let first = sessions.all[0].clone();
    sessions.all = (0..n)
        .map(|i| Session {
            id: i.to_string(),
            ip_address: Some(format!("10.0.0.{i}")),
            ..first.clone()
        })
        .collect();
}

#[test]
fn the_pane_keeps_its_focused_row_in_view_highlighted_across_the_pane() {
    let (width, height) = (200, 24);
    let mut detail = crm_detail();
    with_sessions(&mut detail, 40);
    let mut app = app(Dialect::Crm, (0..50).map(crm_user).collect(), 12_345);
    fixtures::open_detail(&mut app, detail);
    // The pane's inside: from after its left border to before its right one.
    let buffer = frame(&mut app, width, height);
    // Up to the pane's right border (exclusive).
    let right = width - 1;
    let left = (0..width)
        .rev()
        .find(|&x| buffer[(x, 0)].symbol() == "┌")
        .unwrap()
        + 1;
    // Focus on the users sharing an address: the first one's two lines, edge to edge.
    app.act(Action::ToggleFocus);
    assert_eq!(
        reversed_rows(&frame(&mut app, width, height), left, right).len(),
        2
    );
    // Focus on the sessions, the cursor at the last: in view; PgUp and PgDn keep the
    // focused row in view too.
    app.act(Action::ToggleFocus);
    for _ in 0..39 {
        app.act(Action::MoveDown);
    }
    for action in [
        Action::MoveUp,
        Action::PrevPage,
        Action::PrevPage,
        Action::NextPage,
        Action::PrevPage,
        Action::PrevPage,
        Action::PrevPage,
        Action::PrevPage,
        Action::NextPage,
    ] {
        app.act(action);
        let rows = reversed_rows(&frame(&mut app, width, height), left, right);
        assert_eq!(
            rows.len(),
            1,
            "after {action:?}: the focused session, edge to edge"
        );
    }
}

#[test]
fn over_a_narrow_table_the_focused_row_stays_in_view_under_wrapped_fields() {
    let (width, height) = (60, 16);
    let mut detail = crm_detail();
    detail.fields.push(Field::new(
        "avatar",
        Some("https://avatars.example.com/a-long-path-that-wraps/89ba88d3a86ae769.png".into()),
    ));
    with_sessions(&mut detail, 20);
    let mut app = app(Dialect::Crm, (0..50).map(crm_user).collect(), 12_345);
    frame(&mut app, width, height);
    fixtures::open_detail(&mut app, detail);
    // Over a narrow table the pane has the focus: its users sharing an address, then
    // its sessions; every move keeps the focused row in view.
    for action in [Action::MoveDown, Action::ToggleFocus]
        .into_iter()
        .chain(std::iter::repeat_n(Action::MoveDown, 19))
        .chain([Action::PrevPage, Action::First, Action::Last])
    {
        app.act(action);
        let rows = reversed_rows(&frame(&mut app, width, height), 1, width - 1);
        assert!(
            !rows.is_empty(),
            "after {action:?}: the focused row is in view"
        );
    }
}

#[test]
fn the_accounts_on_an_address_highlight_the_cursor_across_the_list() {
    let (width, height) = (160, 30);
    let mut app = app(Dialect::Crm, (0..50).map(crm_user).collect(), 12_345);
    frame(&mut app, width, height);
    fixtures::open_detail(&mut app, crm_detail());
    // Table → users sharing an address → sessions; Enter: the accounts on its address.
    app.act(Action::ToggleFocus);
    app.act(Action::ToggleFocus);
    app.act(Action::Open);
    assert!(app.pivot().is_some());
    let buffer = frame(&mut app, width, height);
    // The list's box: the widest "accounts seen on" title row.
    let top = (0..height)
        .find(|&y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .contains("accounts seen on")
        })
        .unwrap();
    let left = (0..width)
        .find(|&x| buffer[(x, top)].symbol() == "┌")
        .unwrap();
    let right = (0..width)
        .rev()
        .find(|&x| buffer[(x, top)].symbol() == "┐")
        .unwrap();
    let rows = reversed_rows(&buffer, left + 1, right);
    assert_eq!(rows.len(), 2, "the cursor's two lines, edge to edge");
}

#[test]
fn a_footer_too_narrow_for_its_lines_says_where_it_cut_them() {
    let mut app = app(Dialect::Crm, (0..5).map(crm_user).collect(), 5);
    for _ in 0..3 {
        app.act(Action::ToggleSelect);
        app.act(Action::MoveDown);
    }
    let buffer = frame(&mut app, 60, 20);
    let row = |y: u16| -> String { (0..60).map(|x| buffer[(x, y)].symbol()).collect() };
    let (status, hint) = (row(18), row(19));
    assert!(status.starts_with("rows 1–5 of 5"), "{status}");
    assert!(status.contains("3 selected"), "{status}");
    // Both lines hold more than 60 columns: each ends in "…" in its last cell.
    assert!(status.ends_with('…'), "the status line: {status:?}");
    assert!(
        hint.contains("help") && hint.ends_with('…'),
        "the hint: {hint:?}"
    );
}

#[test]
fn a_user_without_sessions_shows_no_empty_session_table() {
    let mut app = app(Dialect::Crm, (0..50).map(crm_user).collect(), 12_345);
    let mut detail = crm_detail();
    detail.sessions = Some(SessionInfo {
        all: Vec::new(),
        total_logins: 0,
        first: None,
        last: None,
    });
    fixtures::open_detail(&mut app, detail);
    let screen = render(&mut app, 200, 50);
    assert!(screen.contains("sessions: 0 logins"), "{screen}");
    assert!(
        !screen.contains("LAST ACTIVE"),
        "no header over no rows:\n{screen}"
    );
}

#[test]
fn the_column_the_rows_are_sorted_by_stays_in_view_however_narrow() {
    // crm by "updated", which 80 columns left out for the columns ranked before it;
    // training by language and last login, whose headers and arrow overflowed them.
    for (dialect, field, marked) in [
        (Dialect::Crm, SortField::Updated, "UPDATED ↑"),
        (Dialect::Training, SortField::Language, "LANG ↑"),
        (Dialect::Training, SortField::LastLogin, "LAST LOGIN ↑"),
    ] {
        let user = if dialect == Dialect::Crm {
            crm_user
        } else {
            training_user
        };
        let mut app = app(dialect, (0..50).map(user).collect(), 12_345);
        for _ in 0..10 {
            if app.table().shown().unwrap().query.sort == field {
                break;
            }
            let effects = app.act(Action::NextSort);
            answer(
                &mut app,
                effects,
                || (0..50).map(user).collect(),
                crm_detail,
            );
        }
        for (width, height) in [(60, 20), (80, 24), (200, 50)] {
            let screen = render(&mut app, width, height);
            let header = screen.lines().next().unwrap();
            assert!(header.contains(marked), "{field:?} at {width}: {header}");
        }
    }
}

#[test]
fn a_confirmation_whose_count_must_be_typed_hints_at_typing_it() {
    let config = AppConfig::new(Capabilities::of(Dialect::Crm), "prod");
    let mut app = fixtures::app_with(config, (0..300).map(crm_user).collect(), 12_345);
    app.act(Action::SelectPage);
    app.act(Action::Block);
    let screen = render(&mut app, 200, 50);
    assert!(
        screen.contains(" to confirm, "),
        "the count is typed: {screen}"
    );
    let hint = screen.lines().last().unwrap();
    assert!(hint.contains("on, once typed"), "{hint}");
    assert!(
        !hint.contains("y yes"),
        "y is typed there, not an answer: {hint}"
    );
}

#[test]
fn an_id_longer_than_its_column_is_whole_where_there_is_room() {
    // Issue #20, defect 8: an outside server's longer ids were cut ("usr_000…") with 70
    // columns free; an id is what an action sends.
    let long = |n: u64| User {
        id: format!("acct-2f9c4e1b-7d3a-4c55-9b0e-{n:012}"),
        ..crm_user(n)
    };
    let mut app = app(Dialect::Crm, (0..50).map(long).collect(), 50);
    let screen = render(&mut app, 200, 50);
    assert!(
        screen.contains(&long(0).id),
        "the id whole at 200 columns:\n{screen}"
    );
    // Where there is no room, it is cut, never the row left out of the screen.
    let narrow = render(&mut app, 80, 24);
    assert!(narrow.contains("acct-"), "{narrow}");
}

#[test]
fn with_the_sessions_focused_the_footer_says_enter_shows_the_accounts_on_the_address() {
    // Issue #20, defect 8: the sessions' footer said "Enter follow" where Enter opens the
    // accounts seen on the session's address.
    let mut detail = crm_detail();
    with_sessions(&mut detail, 3);
    let mut app = app(Dialect::Crm, (0..50).map(crm_user).collect(), 12_345);
    fixtures::open_detail(&mut app, detail);
    app.act(Action::ToggleFocus);
    let overlaps = render(&mut app, 200, 50);
    assert!(overlaps.contains("Enter follow"), "{overlaps}");
    app.act(Action::ToggleFocus);
    let sessions = render(&mut app, 200, 50);
    assert!(
        sessions.contains("Enter accounts on this address") && !sessions.contains("Enter follow"),
        "{sessions}"
    );
}

#[test]
fn a_command_typed_over_a_list_is_drawn_over_it() {
    // The command line opens over a timeline too; the list was drawn over its line.
    let mut app = app(Dialect::Crm, (0..50).map(crm_user).collect(), 12_345);
    let effects = app.act(Action::Timeline);
    let Some(Effect::Send(Request::Timeline { id, .. })) = effects.first() else {
        panic!("{effects:?}");
    };
    app.update(Event::Worker(Response::Timeline {
        id: *id,
        result: Ok(("usr_00000000".into(), Vec::new())),
    }));
    app.act(Action::Command);
    for c in "watch".chars() {
        app.update(Event::Paste(c.to_string()));
    }
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("timeline of usr_00000000"), "{screen}");
    assert!(screen.contains(": watch"), "{screen}");
}
