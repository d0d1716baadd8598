//! The cost of a frame and of a keystroke: drawing a full 200×50 and 80×24 screen (table
//! and detail pane) with 50 and with 100,000 rows loaded, and update() for one key.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use userdeck::api::model::{
    Capabilities, Field, Overlap, Page, Session, SessionInfo, Status, User, UserDetail,
};
use userdeck::api::worker::{Request, Response};
use userdeck::app::{Action, App, AppConfig, Effect, Event, Keymap};
use userdeck::dialect::Dialect;
use userdeck::ui::Screen;

fn user(n: u64) -> User {
    User {
        id: format!("usr_{n:08}"),
        name: format!("user.name.{n}"),
        email: Some(format!("someone.{n}@example.com")),
        status: [Status::Active, Status::Blocked, Status::Pending][(n % 3) as usize].clone(),
        verified: Some(n.is_multiple_of(2)),
        phone: Some(format!("+31 6 {n:08}")),
        created_at: Some("2025-03-04T10:00:00.000Z".into()),
        updated_at: Some("2026-01-02T10:00:00.000Z".into()),
        ..User::default()
    }
}

fn detail() -> UserDetail {
    let session = |i: u64| Session {
        id: i.to_string(),
        session_id: format!("sess_{i:016x}"),
        device_name: Some("ThinkPad X1 Carbon".into()),
        device_type: Some("desktop".into()),
        browser: Some("Firefox".into()),
        operating_system: Some("Windows 11".into()),
        ip_address: Some(format!("94.12.7.{i}")),
        country: Some("Netherlands".into()),
        region: Some("Utrecht".into()),
        city: Some("Utrecht".into()),
        active: i == 0,
        created_at: "2026-05-01T09:00:00.000Z".into(),
        updated_at: "2026-05-01T10:00:00.000Z".into(),
        last_active_at: Some("2026-05-02T10:00:00.000Z".into()),
    };
    UserDetail {
        user: user(0),
        fields: (0..10)
            .map(|i| Field::new("field", Some(format!("value {i}"))))
            .collect(),
        sessions: Some(SessionInfo {
            all: (0..12).map(session).collect(),
            total_logins: 12,
            first: Some(("11".into(), "2026-05-01T09:00:00.000Z".into())),
            last: Some(("0".into(), "2026-05-01T09:00:00.000Z".into())),
        }),
        overlaps: Some(
            (1..6)
                .map(|n| Overlap {
                    user: user(n),
                    shared_ips: vec!["94.12.7.1".into()],
                    last_seen: Default::default(),
                })
                .collect(),
        ),
        ..UserDetail::default()
    }
}

fn app(rows: u64) -> App {
    let config = AppConfig {
        capabilities: Capabilities::of(Dialect::Crm),
        profile: "bench".into(),
        read_only: false,
        page_size: rows,
        keymap: Keymap::default(),
        warnings: Vec::new(),
        color: true,
        profiles: Vec::new(),
        journal: None,
    };
    let (mut app, effects) = App::new(config);
    let Some(Effect::Send(Request::List { id, query })) = effects.into_iter().next() else {
        panic!("a list request first");
    };
    app.update(Event::Worker(Response::Page {
        id,
        query,
        result: Ok(Page {
            rows: (0..rows).map(user).collect(),
            total: rows,
            offset: 0,
        }),
        elapsed: Duration::from_millis(5),
    }));
    let Some(Effect::Send(Request::Detail { id, key })) = app.act(Action::Open).into_iter().next()
    else {
        panic!("a detail request");
    };
    app.update(Event::Worker(Response::Detail {
        id,
        key,
        result: Ok(Box::new(detail())),
        elapsed: Duration::from_millis(5),
    }));
    app.update(Event::Resize {
        table_rows: 46,
        side_by_side: true,
        detail_overflow: 0,
    });
    app
}

fn frames(c: &mut Criterion) {
    for (width, height) in [(200, 50), (80, 24)] {
        let mut group = c.benchmark_group(format!("draw_{width}x{height}"));
        for rows in [50, 100_000] {
            let mut app = app(rows);
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            let area = ratatui::layout::Rect::new(0, 0, width, height);
            // What the dashboard does for each frame: tell the app the screen's sizes, draw
            // with what the last frames kept, and let the terminal send what changed.
            let mut screen = Screen::default();
            group.bench_function(format!("{rows}_rows"), |b| {
                b.iter(|| {
                    app.update(screen.resize(&app, area));
                    terminal.draw(|frame| screen.draw(frame, &app)).unwrap();
                })
            });
            // The drawing alone, without the terminal's diff.
            group.bench_function(format!("{rows}_rows_drawing_only"), |b| {
                b.iter(|| screen.draw(&mut terminal.get_frame(), &app))
            });
            // The first frame after the user shown changed: nothing kept.
            group.bench_function(format!("{rows}_rows_nothing_kept"), |b| {
                b.iter(|| {
                    terminal
                        .draw(|frame| userdeck::ui::draw(frame, &app))
                        .unwrap();
                })
            });
            // Every cell written anew, as after a resize.
            group.bench_function(format!("{rows}_rows_full_repaint"), |b| {
                b.iter(|| {
                    terminal.clear().unwrap();
                    terminal.draw(|frame| screen.draw(frame, &app)).unwrap();
                })
            });
        }
        group.finish();
    }

    let mut table_only = app(50);
    table_only.act(Action::Back);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut screen = Screen::default();
    c.bench_function("draw_200x50_table_only", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| screen.draw(frame, &table_only))
                .unwrap();
        })
    });

    // ratatui's own part of every frame: comparing 10,000 cells with the last frame's.
    c.bench_function("draw_200x50_empty_frame", |b| {
        b.iter(|| {
            terminal.draw(|_frame| {}).unwrap();
        })
    });

    let mut app = app(50);
    let (down, up) = (
        Event::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)),
        Event::Key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::NONE)),
    );
    c.bench_function("update_one_keystroke", |b| {
        b.iter(|| {
            app.update(down.clone());
            app.update(up.clone())
        })
    });
}

criterion_group!(benches, frames);
criterion_main!(benches);
