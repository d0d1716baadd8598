//! The cost of a frame and of a keystroke: drawing a full 200×50 and 80×24 screen (table
//! and detail pane) with 50 and with 100,000 rows loaded, and update() for one key.

mod common;

use common::app;
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use userdeck::app::{Action, Event};
use userdeck::ui::Screen;

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
