//! The terminal side: entering and restoring the terminal, and the main loop that merges
//! key and mouse events, worker answers and signals in one `select!`, and draws once per
//! batch when something changed — never on a timer while idle.
//!
//! The terminal is restored on every way out: quit, an error, a panic, SIGINT, SIGTERM,
//! SIGHUP. When the terminal goes away the loop ends instead of spinning.

use std::io::{self, BufWriter, Stdout, Write};
use std::time::Duration;

use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event as TermEvent, EventStream, KeyEventKind,
    MouseEventKind,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use tokio::signal::unix::{SignalKind, signal};

use crate::api::worker::WorkerHandle;
use crate::app::{App, AppConfig, Effect, Event};
use crate::ui;

/// A writer that holds back ratatui's flush, so a frame and its synchronized-output
/// markers leave in one write.
pub struct Output {
    inner: BufWriter<Stdout>,
    hold: bool,
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.hold {
            Ok(())
        } else {
            self.inner.flush()
        }
    }
}

type Term = Terminal<CrosstermBackend<Output>>;

/// Puts the terminal back as it was; safe to call more than once.
pub fn restore() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        EndSynchronizedUpdate,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Restores the terminal when dropped, whatever the way out.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn enter() -> io::Result<(Term, Guard)> {
    enable_raw_mode()?;
    let guard = Guard;
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, EnableMouseCapture, cursor::Hide)?;
    // A panic restores the terminal before its message is printed.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    let output = Output {
        inner: BufWriter::with_capacity(64 * 1024, io::stdout()),
        hold: false,
    };
    let terminal = Terminal::new(CrosstermBackend::new(output))?;
    Ok((terminal, guard))
}

fn draw(terminal: &mut Term, app: &App) -> io::Result<()> {
    let backend = terminal.backend_mut();
    backend.writer_mut().hold = true;
    queue!(backend.writer_mut(), BeginSynchronizedUpdate)?;
    let drawn = terminal.draw(|frame| ui::draw(frame, app)).map(drop);
    let writer = terminal.backend_mut().writer_mut();
    writer.hold = false;
    queue!(writer, EndSynchronizedUpdate)?;
    writer.flush()?;
    drawn
}

fn area(terminal: &Term) -> Rect {
    let size = terminal.size().unwrap_or_default();
    Rect::new(0, 0, size.width, size.height)
}

/// Runs the dashboard until the operator quits or the terminal goes away.
pub async fn run(config: AppConfig, mut worker: WorkerHandle) -> io::Result<()> {
    let mut term_signal = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let (mut terminal, _guard) = enter()?;
    let (mut app, effects) = App::new(config);
    let mut events = EventStream::new();
    let mut spinner = tokio::time::interval(Duration::from_millis(120));
    spinner.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // A safety net for a terminal that vanished without SIGHUP reaching us: crossterm can
    // spin on a closed terminal instead of reporting it. Once a second, without drawing,
    // ask the terminal its size; a hung-up terminal answers with an error.
    let mut liveness = tokio::time::interval(Duration::from_secs(1));
    liveness.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let resize = |app: &mut App, terminal: &Term| {
        let area = area(terminal);
        let rows = ui::table_rows(app, area);
        app.update(Event::Resize {
            table_rows: rows,
            side_by_side: ui::side_by_side(area.width),
        })
    };
    let mut pending = effects;
    let mut dirty = true;
    loop {
        for effect in pending.drain(..) {
            match effect {
                Effect::Send(request) => {
                    if worker.requests.send(request).is_err() {
                        return Err(io::Error::other("the API worker stopped"));
                    }
                }
                Effect::Quit => return Ok(()),
            }
        }
        if dirty {
            // The table's room changes with the filter line and the detail pane too.
            pending.extend(resize(&mut app, &terminal));
            // A terminal that cannot be written to is gone: leave.
            draw(&mut terminal, &app)?;
            dirty = false;
        }
        let loading = app.loading();
        let event = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => terminal_event(event, &app, area(&terminal)),
                // The terminal went away (crossterm would spin on a closed one).
                Some(Err(_)) | None => return Ok(()),
            },
            response = worker.responses.recv() => match response {
                Some(response) => Some(Event::Worker(response)),
                None => return Err(io::Error::other("the API worker stopped")),
            },
            _ = spinner.tick(), if loading => Some(Event::Tick),
            _ = liveness.tick() => {
                if crossterm::terminal::size().is_err() {
                    return Ok(());
                }
                continue;
            }
            _ = term_signal.recv() => return Ok(()),
            _ = hangup.recv() => return Ok(()),
            _ = interrupt.recv() => return Ok(()),
        };
        if let Some(event) = event {
            pending.extend(app.update(event));
            dirty = true;
        }
        // Drain what else is waiting, then draw once.
        while let Ok(response) = worker.responses.try_recv() {
            pending.extend(app.update(Event::Worker(response)));
        }
    }
}

/// A terminal event as the app sees it.
fn terminal_event(event: TermEvent, app: &App, area: Rect) -> Option<Event> {
    match event {
        TermEvent::Key(key) if key.kind != KeyEventKind::Release => Some(Event::Key(key)),
        TermEvent::Resize(width, height) => Some(Event::Resize {
            table_rows: ui::table_rows(app, Rect::new(0, 0, width, height)),
            side_by_side: ui::side_by_side(width),
        }),
        TermEvent::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollDown => Some(Event::Scroll(3)),
            MouseEventKind::ScrollUp => Some(Event::Scroll(-3)),
            MouseEventKind::Down(_) => {
                ui::row_at(app, area, mouse.column, mouse.row).map(Event::Click)
            }
            _ => None,
        },
        _ => None,
    }
}
