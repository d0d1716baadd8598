//! Snapshots of the main screens, drawn on ratatui's TestBackend at 80×24 and 200×50 in
//! both dialects, one with hostile strings in the data.

mod fixtures;

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use userdeck::api::model::{
    Capabilities, Field, Group, Overlap, Page, Session, SessionInfo, SortField, Status, User,
    UserDetail,
};
use userdeck::app::{Action, App, AppConfig, Effect, Event};
use userdeck::dialect::Dialect;
use userdeck::worker::{Request, Response};

fn crm_user(n: u64) -> User {
    let statuses = [
        Status::Active,
        Status::Blocked,
        Status::Pending,
        Status::other("SUSPENDED"),
    ];
    User {
        id: format!("usr_{n:08}"),
        name: format!("user.{n}"),
        email: Some(format!("user{n}@example.com")),
        status: statuses[(n % 4) as usize].clone(),
        verified: Some(!n.is_multiple_of(3)),
        phone: n.is_multiple_of(2).then(|| format!("+31 6 1234{n:04}")),
        created_at: Some(format!("2025-0{}-1{}T10:00:00.000Z", n % 9 + 1, n % 10)),
        updated_at: Some("2026-01-02T10:00:00.000Z".into()),
        ..User::default()
    }
}

fn training_user(n: u64) -> User {
    User {
        id: format!("8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9{n:03}"),
        name: [
            "Jan de Vries",
            "Zoë Müller",
            "山田太郎",
            "Olúwaseun Adeyemi",
        ][(n % 4) as usize]
            .to_string(),
        email: (!n.is_multiple_of(5)).then(|| format!("person{n}@example.nl")),
        status: [Status::Active, Status::Inactive, Status::Archived][(n % 3) as usize].clone(),
        roles: vec!["TRAINER".into(), "PLANNER".into()][..(n % 3) as usize].to_vec(),
        language: Some(["NL", "EN", "DE"][(n % 3) as usize].into()),
        last_login: n
            .is_multiple_of(2)
            .then(|| "2026-10-30T08:00:00.000Z".into()),
        ..User::default()
    }
}

fn hostile_users() -> Vec<User> {
    vec![
        User {
            name: "evil\u{1b}[2J\u{1b}]52;c;aGk=\u{7}clear".into(),
            email: Some("\u{202e}moc.elpmaxe@nimda".into()),
            ..crm_user(1)
        },
        User {
            name: "山田太郎山田太郎山田太郎山田太郎".into(),
            email: Some(format!("{}@example.com", "a".repeat(80))),
            ..crm_user(2)
        },
        User {
            name: "zero\u{200b}width\u{feff}and\u{2066}isolate".into(),
            phone: Some("\r\n+31\t6".into()),
            ..crm_user(3)
        },
    ]
}

/// An app of `dialect` showing `rows` as the first page of `total`.
fn app(dialect: Dialect, rows: Vec<User>, total: u64) -> App {
    let config = AppConfig {
        read_only: dialect == Dialect::Crm,
        ..AppConfig::new(Capabilities::of(dialect), "prod-eu")
    };
    fixtures::app_with(config, rows, total)
}

fn crm_detail() -> UserDetail {
    let user = crm_user(4);
    let session = |i: u64, ip: &str, active: bool| Session {
        id: i.to_string(),
        session_id: format!("sess_{i:016x}"),
        device_name: Some("iPhone 15".into()),
        device_type: Some("mobile".into()),
        browser: Some("Safari".into()),
        operating_system: Some("iOS 18.1".into()),
        ip_address: Some(ip.into()),
        country: Some("Netherlands".into()),
        region: Some("North Holland".into()),
        city: Some("Amsterdam".into()),
        active,
        created_at: format!("2026-0{i}-01T09:00:00.000Z"),
        updated_at: format!("2026-0{i}-01T10:00:00.000Z"),
        last_active_at: Some(format!("2026-0{i}-02T10:00:00.000Z")),
    };
    UserDetail {
        fields: vec![
            Field::new("id", Some(user.id.clone())),
            Field::new("username", Some(user.name.clone())),
            Field::new("email", user.email.clone()),
            Field::new("status", Some(user.status.to_string())),
            Field::new("avatar", None),
        ],
        sessions: Some(SessionInfo {
            all: vec![session(3, "94.12.7.1", true), session(2, "81.4.4.4", false)],
            total_logins: 2,
            first: Some(("2".into(), "2026-02-01T09:00:00.000Z".into())),
            last: Some(("3".into(), "2026-03-01T09:00:00.000Z".into())),
        }),
        overlaps: Some(vec![
            Overlap {
                user: crm_user(9),
                shared_ips: vec!["94.12.7.1".into()],
                last_seen: Default::default(),
            },
            Overlap {
                user: crm_user(12),
                shared_ips: vec!["94.12.7.1".into(), "81.4.4.4".into()],
                last_seen: Default::default(),
            },
        ]),
        user,
        ..UserDetail::default()
    }
}

fn training_detail() -> UserDetail {
    let user = training_user(2);
    UserDetail {
        fields: vec![
            Field::new("id", Some(user.id.clone())),
            Field::new("name", Some(user.name.clone())),
            Field::new("roles", Some("TRAINER".into())),
            Field::new("language", user.language.clone()),
        ],
        participant_groups: Some(vec![Group {
            id: "1".into(),
            name: "Team Noord".into(),
        }]),
        manager_groups: Some(Vec::new()),
        extra_fields: Some(serde_json::json!({ "department": "Zorg", "contractHours": 32 })),
        user,
        ..UserDetail::default()
    }
}

/// A terminal of `width`×`height` with `app` drawn on it, told its size first.
fn drawn(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let area = ratatui::layout::Rect::new(0, 0, width, height);
    app.update(userdeck::ui::resize(app, area));
    terminal
        .draw(|frame| userdeck::ui::draw(frame, app))
        .unwrap();
    terminal
}

fn render(app: &mut App, width: u16, height: u16) -> String {
    drawn(app, width, height).backend().to_string()
}

fn frame(app: &mut App, width: u16, height: u16) -> ratatui::buffer::Buffer {
    drawn(app, width, height).backend().buffer().clone()
}

#[test]
fn crm_table() {
    let mut app = app(Dialect::Crm, (0..50).map(crm_user).collect(), 12_345);
    app.act(Action::ToggleSelect);
    app.act(Action::ToggleSelect);
    insta::assert_snapshot!("crm_table_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("crm_table_200x50", render(&mut app, 200, 50));
}

#[test]
fn crm_detail_with_sessions_and_overlaps() {
    let mut app = app(Dialect::Crm, (0..50).map(crm_user).collect(), 12_345);
    fixtures::open_detail(&mut app, crm_detail());
    app.act(Action::ToggleFocus);
    app.act(Action::MoveDown);
    insta::assert_snapshot!("crm_detail_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("crm_detail_200x50", render(&mut app, 200, 50));
}

#[test]
fn training_table_and_detail() {
    let mut app = app(Dialect::Training, (0..40).map(training_user).collect(), 40);
    insta::assert_snapshot!("training_table_80x24", render(&mut app, 80, 24));
    fixtures::open_detail(&mut app, training_detail());
    insta::assert_snapshot!("training_detail_200x50", render(&mut app, 200, 50));
}

#[test]
fn dialogs() {
    let mut app = app(Dialect::Training, (0..40).map(training_user).collect(), 40);
    app.act(Action::ToggleSelect);
    app.act(Action::Archive);
    insta::assert_snapshot!("training_confirm_80x24", render(&mut app, 80, 24));
    let mut app = app_help();
    insta::assert_snapshot!("help_80x24", render(&mut app, 80, 24));
}

#[test]
fn forms() {
    let mut app = app(Dialect::Training, (0..40).map(training_user).collect(), 40);
    app.act(Action::Create);
    for c in "Zoë".chars() {
        app.update(Event::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char(c),
        )));
    }
    app.act(Action::NextField);
    app.update(Event::Paste("not an address".into()));
    app.act(Action::Submit);
    insta::assert_snapshot!("training_form_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("training_form_200x50", render(&mut app, 200, 50));
    app.act(Action::Help);
    insta::assert_snapshot!("form_help_80x24", render(&mut app, 80, 24));
}

fn app_help() -> App {
    let mut app = app(Dialect::Crm, (0..5).map(crm_user).collect(), 5);
    app.act(Action::Help);
    app
}

#[test]
fn hostile_strings_are_made_visible_and_cut() {
    let mut app = app(Dialect::Crm, hostile_users(), 3);
    for (width, height) in [(80, 24), (200, 50)] {
        let screen = render(&mut app, width, height);
        for bad in [
            '\u{1b}', '\u{7}', '\u{202e}', '\u{200b}', '\u{feff}', '\u{2066}', '\r', '\t',
        ] {
            assert!(!screen.contains(bad), "{bad:?} reached the screen");
        }
        assert!(
            screen.contains("evil\\u{1b"),
            "the escape is shown, not obeyed"
        );
        insta::assert_snapshot!(format!("hostile_{width}x{height}"), screen);
    }
}

#[test]
fn a_small_terminal_says_so() {
    let mut app = app(Dialect::Crm, (0..5).map(crm_user).collect(), 5);
    let screen = render(&mut app, 40, 10);
    assert!(
        screen.contains("too small: need 60×12, have 40×10"),
        "{screen}"
    );
    // Every size from tiny up draws without a panic.
    for (w, h) in [(1, 1), (59, 30), (60, 12), (61, 13), (300, 100)] {
        render(&mut app, w, h);
    }
}

#[test]
fn the_footer_shows_requests_under_way_and_the_last_error() {
    let mut app = app(Dialect::Crm, (0..5).map(crm_user).collect(), 5);
    let effects = app.act(Action::Reload);
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains('⠋'),
        "a spinner while the reload is under way:\n{screen}"
    );
    let Some(Effect::Send(Request::Reload { id, query })) = effects.into_iter().next() else {
        panic!("reload asks the worker");
    };
    app.update(Event::Worker(Response::Page {
        id,
        query,
        result: Err(userdeck::api::error::ApiError::GraphQl {
            operation: "Users".into(),
            code: Some("UNAUTHORIZED".into()),
            message: "token expired".into(),
        }),
        elapsed: Duration::from_millis(40),
    }));
    let screen = render(&mut app, 80, 24);
    assert!(!screen.contains('⠋'), "no spinner once answered");
    assert!(
        screen.contains("Users: token expired [UNAUTHORIZED]"),
        "{screen}"
    );
    assert!(
        screen.contains("40 ms") && screen.contains("user.4"),
        "latency shown, rows kept"
    );
}

#[test]
fn a_long_text_field_scrolls_to_its_cursor() {
    let mut app = app(Dialect::Training, (0..4).map(training_user).collect(), 4);
    app.act(Action::Create);
    let text: String = (0..100)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    app.update(Event::Paste(format!("{text}END")));
    let backend = TestBackend::new(140, 40);
    let mut terminal = Terminal::new(backend).unwrap();
    app.update(userdeck::ui::resize(
        &app,
        ratatui::layout::Rect::new(0, 0, 140, 40),
    ));
    terminal
        .draw(|frame| userdeck::ui::draw(frame, &app))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    let screen: Vec<String> = (0..40)
        .map(|y| {
            (0..140)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        })
        .collect();
    let row = screen
        .iter()
        .position(|l| l.contains("END"))
        .expect("the end is in view");
    // The cursor stands after the text, inside the form's border.
    let (x, y) = terminal.get_cursor_position().map(|p| (p.x, p.y)).unwrap();
    assert_eq!(usize::from(y), row);
    let border = screen[row]
        .rfind('│')
        .map(|b| screen[row][..b].chars().count())
        .unwrap();
    assert!(
        usize::from(x) < border,
        "cursor {x} inside the border at {border}"
    );
    assert_eq!(buffer[(x - 1, y)].symbol(), "D", "right after the text");
}

/// The table is written straight into the buffer: its styles must be those of a table —
/// the header and the cursor row styled across the whole width, statuses coloured, the
/// selection marked.
#[test]
fn the_table_styles_its_header_cursor_row_statuses_and_marks() {
    use ratatui::style::{Color, Modifier};
    let mut app = app(Dialect::Crm, (0..50).map(crm_user).collect(), 12_345);
    app.act(Action::ToggleSelect);
    let (width, height) = (120, 24);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    app.update(userdeck::ui::resize(
        &app,
        ratatui::layout::Rect::new(0, 0, width, height),
    ));
    terminal
        .draw(|frame| userdeck::ui::draw(frame, &app))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let last = width - 1;
    assert!(
        buffer[(last, 0)].modifier.contains(Modifier::BOLD),
        "header row"
    );
    let reversed: Vec<u16> = (1..height)
        .filter(|&y| buffer[(last, y)].modifier.contains(Modifier::REVERSED))
        .collect();
    // One row toggled: the cursor went down to the second user.
    assert_eq!(reversed, vec![2], "the cursor row, to the last column");
    assert_eq!(buffer[(0, 1)].symbol(), "●");
    assert_eq!(buffer[(0, 1)].fg, Color::Yellow);
    let row = |y: u16| {
        (0..width)
            .map(|x| buffer[(x, y)].symbol())
            .collect::<String>()
    };
    for (y, status, color) in [(1, "active", Color::Green), (3, "pending", Color::Yellow)] {
        let text = row(y);
        let at = text.find(status).expect("the status is shown");
        let x = text[..at].chars().count() as u16;
        assert_eq!(buffer[(x, y)].fg, color, "{status} on row {y}");
        assert_eq!(buffer[(x - 2, y)].fg, Color::Reset, "the column before it");
    }
}

/// Answers every list and detail request among `effects`, with `page` and `detail`.
fn answer(
    app: &mut App,
    effects: Vec<Effect>,
    page: impl Fn() -> Vec<User>,
    detail: impl Fn() -> UserDetail,
) {
    for effect in effects {
        match effect {
            Effect::Send(Request::List { id, query } | Request::Reload { id, query }) => {
                app.update(Event::Worker(Response::Page {
                    id,
                    query,
                    result: Ok(Page {
                        rows: page(),
                        total: 12_345,
                        offset: 0,
                    }),
                    elapsed: Duration::from_millis(3),
                }));
            }
            Effect::Send(Request::Detail { id, key }) => {
                app.update(Event::Worker(Response::Detail {
                    id,
                    key,
                    result: Ok(Box::new(detail())),
                    elapsed: Duration::from_millis(3),
                }));
            }
            _ => {}
        }
    }
}

/// The dashboard keeps the pane's lines and the table's cells between frames: after each
/// change — cursor, focus, pane cursor, the same users with new statuses, the same user
/// read again with other sessions, another width — a kept frame is the frame drawn afresh.
#[test]
fn a_frame_drawn_with_what_was_kept_is_the_frame_drawn_afresh() {
    let mut app = app(Dialect::Crm, (0..50).map(crm_user).collect(), 12_345);
    fixtures::open_detail(&mut app, crm_detail());
    let mut screen = userdeck::ui::Screen::default();
    let mut check = |app: &mut App, width: u16, step: &str| {
        let area = ratatui::layout::Rect::new(0, 0, width, 40);
        let mut kept = Terminal::new(TestBackend::new(width, 40)).unwrap();
        let mut fresh = Terminal::new(TestBackend::new(width, 40)).unwrap();
        app.update(screen.resize(app, area));
        kept.draw(|frame| screen.draw(frame, app)).unwrap();
        app.update(userdeck::ui::resize(app, area));
        fresh.draw(|frame| userdeck::ui::draw(frame, app)).unwrap();
        assert_eq!(kept.backend().buffer(), fresh.backend().buffer(), "{step}");
    };
    check(&mut app, 200, "opened");
    app.act(Action::MoveDown);
    check(&mut app, 200, "cursor down");
    // The same users, blocked now; the same user, read again with one session less.
    let blocked = || {
        (0..50)
            .map(|n| User {
                status: Status::Blocked,
                ..crm_user(n)
            })
            .collect()
    };
    let fewer = || {
        let mut detail = crm_detail();
        if let Some(sessions) = detail.sessions.as_mut() {
            sessions.all.pop();
        }
        detail
    };
    let effects = app.act(Action::Reload);
    answer(&mut app, effects, blocked, fewer);
    check(&mut app, 200, "read again");
    app.act(Action::ToggleFocus);
    check(&mut app, 200, "focus on the pane");
    app.act(Action::MoveDown);
    check(&mut app, 200, "pane cursor down");
    app.act(Action::ToggleFocus);
    check(&mut app, 200, "on to the sessions");
    app.act(Action::ToggleFocus);
    check(&mut app, 200, "back to the table");
    check(&mut app, 150, "narrower");
    check(&mut app, 120, "narrower still");
}

#[path = "ui/edges.rs"]
mod edges;

/// training's whole list on its way: how many users came is said, no row shown before
/// the list is whole.
#[test]
fn a_whole_list_on_its_way_says_how_many_users_came() {
    let config = AppConfig::new(Capabilities::of(Dialect::Training), "prod-eu");
    let (mut app, effects) = App::new(config);
    let id = effects
        .iter()
        .find_map(|e| match e {
            Effect::Send(Request::List { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("the first page is asked");
    app.update(Event::Worker(Response::Arriving { id, count: 125_000 }));
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("loading... 125,000 users so far"),
        "{screen}"
    );
}
