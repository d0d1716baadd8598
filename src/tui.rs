//! The terminal side: entering and restoring the terminal, and the main loop that merges
//! key and mouse events, worker answers and signals in one `select!`, and draws once per
//! batch when something changed — never on a timer while idle.
//!
//! The terminal is restored on every way out: quit, an error, a panic, SIGINT, SIGTERM,
//! SIGHUP, and while suspended (Ctrl-Z, SIGTSTP; SIGCONT redraws in full). A signal or
//! the terminal going away during a bulk action stops it first, so every id sent is
//! journalled with its outcome; the loop never waits past the stop's grace.

use std::io::{self, BufWriter, Stdout, Write};
use std::time::{Duration, Instant};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, Event as TermEvent,
    KeyEventKind, MouseEventKind,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use tokio::signal::unix::{SignalKind, signal};

use crate::app::{App, AppConfig, Effect, Event, Farewell};
use crate::ui;
use crate::worker::{Request, WorkerHandle};
use input::Input;
use job::{Interrupts, stop, stop_until_foreground, suspend};

mod copy;
mod input;
mod input_end;
mod job;
mod sgr;

/// A writer that holds back ratatui's flush, so a frame and its synchronized-output
/// markers leave in one write.
pub struct Output {
    inner: BufWriter<Stdout>,
    hold: bool,
    /// On a terminal of 8 or 16 colours, colours are written in the classic codes.
    classic: Option<sgr::ClassicColors>,
    rewritten: Vec<u8>,
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(classic) = &mut self.classic else {
            return self.inner.write(buf);
        };
        self.rewritten.clear();
        classic.rewrite(buf, &mut self.rewritten);
        self.inner.write_all(&self.rewritten)?;
        Ok(buf.len())
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
    let restored = execute!(
        out,
        EndSynchronizedUpdate,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    if restored.is_err() {
        forget_terminal();
    }
    let _ = disable_raw_mode();
}

/// Standard input non-blocking while the dashboard reads it. crossterm reads until it
/// has a whole event: on a blocking terminal, a byte that begins a UTF-8 sequence and
/// never ends it (é from a Latin-1 terminal, a Meta key's 0xE1) left its reader waiting
/// in read(), and the resizes and keys it should report were never read.
///
/// The flag belongs to an open file, and a terminal's input, output and error are one
/// open file, the shell's too: set there, the frames' writes would meet "would block"
/// on a slow link, and the shell would find its input non-blocking. So the terminal is
/// opened anew, non-blocking, as standard input for this process alone, once: crossterm
/// watches that open file from then on, across suspends, until the process ends.
fn own_input() {
    static OWNED: std::sync::Once = std::sync::Once::new();
    OWNED.call_once(|| {
        use std::os::fd::IntoRawFd;
        use std::os::unix::fs::OpenOptionsExt;
        if !io::IsTerminal::is_terminal(&io::stdin()) {
            return;
        }
        let Ok(path) = std::fs::read_link("/proc/self/fd/0") else {
            return;
        };
        let Ok(file) = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(path)
        else {
            return;
        };
        let fd = file.into_raw_fd();
        // SAFETY: `fd` is ours; dup2 replaces standard input with it, then it is closed.
        unsafe {
            libc::dup2(fd, libc::STDIN_FILENO);
            libc::close(fd);
        }
    });
}

/// The terminal is gone (hung up, closed: restoring it failed): what would still be
/// written to it — ratatui's last word on the cursor, the farewell — goes nowhere
/// instead. A print that fails panics, and on the way out a panic aborts: the exit code
/// and the journal's last lines would be lost with it.
fn forget_terminal() {
    use std::os::fd::AsRawFd;
    let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else {
        return;
    };
    // Only those that were the terminal: `2>debug.log` keeps its log and farewell.
    let ttys = ON_THE_TERMINAL.get().copied().unwrap_or_default();
    for fd in ttys.into_iter().flatten() {
        // SAFETY: the standard descriptors made copies of one open here.
        unsafe {
            libc::dup2(null.as_raw_fd(), fd);
        }
    }
}

/// Which of standard output and standard error were the terminal when it was set up
/// (a hung-up terminal no longer says it is one).
static ON_THE_TERMINAL: std::sync::OnceLock<[Option<i32>; 2]> = std::sync::OnceLock::new();

/// Restores the terminal when dropped, whatever the way out.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Mouse reports of clicks, drags and the wheel (`?1002`, button events), in SGR form;
/// not crossterm's any-motion mode (`?1003`), where every move of the mouse over the
/// window sends a report upstream (52 bytes a move over SSH) that we would ignore.
struct EnableButtonMouse;

impl crossterm::Command for EnableButtonMouse {
    fn write_ansi(&self, f: &mut impl std::fmt::Write) -> std::fmt::Result {
        f.write_str("\x1b[?1000h\x1b[?1002h\x1b[?1006h")
    }
}

/// Raw mode, the alternate screen, mouse reports (unless `mouse = false`: selecting text
/// is then the terminal's) and bracketed paste.
fn set_up_terminal(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    own_input();
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen)?;
    if mouse {
        execute!(out, EnableButtonMouse)?;
    }
    execute!(out, EnableBracketedPaste, cursor::Hide)
}

fn enter(config: &AppConfig) -> io::Result<(Term, Guard)> {
    ON_THE_TERMINAL.get_or_init(|| {
        use std::io::IsTerminal;
        [
            (libc::STDOUT_FILENO, io::stdout().is_terminal()),
            (libc::STDERR_FILENO, io::stderr().is_terminal()),
        ]
        .map(|(fd, terminal)| terminal.then_some(fd))
    });
    let guard = Guard;
    set_up_terminal(config.mouse)?;
    // A panic restores the terminal before its message is printed.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    use crate::terminal::Colors;
    let classic = matches!(config.colors, Colors::Ansi8 | Colors::Ansi16)
        .then(|| sgr::ClassicColors::new(config.colors == Colors::Ansi8));
    let output = Output {
        inner: BufWriter::with_capacity(64 * 1024, io::stdout()),
        hold: false,
        classic,
        rewritten: Vec::new(),
    };
    let terminal = Terminal::new(CrosstermBackend::new(output))?;
    Ok((terminal, guard))
}

fn draw(terminal: &mut Term, app: &App, screen: &mut ui::Screen) -> io::Result<()> {
    let backend = terminal.backend_mut();
    backend.writer_mut().hold = true;
    queue!(backend.writer_mut(), BeginSynchronizedUpdate)?;
    let drawn = terminal.draw(|frame| screen.draw(frame, app)).map(drop);
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

/// Starts the dashboard's settings and worker on another profile (`:profile NAME`), or
/// says why it cannot. Run off the loop: a token command may take a while.
pub type Switch =
    std::sync::Arc<dyn Fn(&str) -> Result<(AppConfig, WorkerHandle), String> + Send + Sync>;

/// Runs the dashboard until the operator quits or the terminal goes away; what the
/// program has to say on its way out (a bulk action stopped on quit).
pub async fn run(
    config: AppConfig,
    mut worker: WorkerHandle,
    switch: Option<Switch>,
) -> io::Result<Option<Farewell>> {
    let mut term_signal = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    // Ctrl-\ where the terminal makes it a signal (a command that has the terminal):
    // caught, so that it ends the command and not the dashboard.
    let mut quit_key = signal(SignalKind::quit())?;
    let mut stop_signal = signal(SignalKind::from_raw(libc::SIGTSTP))?;
    let mut cont_signal = signal(SignalKind::from_raw(libc::SIGCONT))?;
    let (mut terminal, _guard) = enter(&config)?;
    let mouse = config.mouse;
    let route = config.clipboard;
    // Copies planned off the loop (tmux asked, its buffer loaded), to be written here.
    let (copy_ready, mut copies_ready) = tokio::sync::mpsc::unbounded_channel();
    let (mut app, effects) = App::new(config);
    let mut input = Input::default();
    let mut interrupts = Interrupts::new();
    let mut input_ended = input_end::watch();
    let mut spinner = tokio::time::interval(Duration::from_millis(120));
    spinner.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // `:watch`'s reads, at the interval it has now (none while not watching).
    let mut watch_timer: Option<(Duration, tokio::time::Interval)> = None;
    // A safety net for a terminal that vanished without SIGHUP reaching us: crossterm can
    // spin on a closed terminal instead of reporting it. Once a second, without drawing,
    // ask the terminal its size; a hung-up terminal answers with an error.
    let mut liveness = tokio::time::interval(Duration::from_secs(1));
    liveness.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // What frames keep from one to the next (the pane's lines, the table's cells).
    let mut screen = ui::Screen::default();
    let resize = |app: &mut App, terminal: &Term, screen: &mut ui::Screen| {
        app.update(screen.resize(app, area(terminal)))
    };
    let mut pending = effects;
    let mut dirty = true;
    // Once the terminal is gone nothing is drawn or read; a bulk action still stops.
    let mut gone = false;
    // Quitting during a bulk action waits for it to stop, but never longer than this.
    let mut deadline: Option<tokio::time::Instant> = None;
    // An event that came in the same burst as a paste, handled after it.
    let mut held: Option<Event> = None;
    // The terminal could not be set up again after a suspension.
    let mut lost = false;
    // A profile being set up for `:profile`.
    let mut switching: Option<tokio::task::JoinHandle<Result<(AppConfig, WorkerHandle), String>>> =
        None;
    loop {
        // Effects may lead to more (a copy to a vanished terminal shuts down).
        while !pending.is_empty() {
            for effect in std::mem::take(&mut pending) {
                match effect {
                    Effect::Send(request) => {
                        if let Request::StopBulk { grace } = &request {
                            let last = tokio::time::Instant::now() + *grace + STOP_MARGIN;
                            deadline = Some(deadline.map_or(last, |d| d.min(last)));
                        }
                        if worker.requests.send(request).is_err() {
                            return Err(io::Error::other("the API worker stopped"));
                        }
                    }
                    Effect::Suspend => {
                        lost |= !suspend_and_resume(&mut terminal, mouse);
                        dirty = true;
                    }
                    Effect::HandOver => {
                        // Nothing is read or drawn meanwhile, and the terminal is given
                        // back as on Ctrl-Z.
                        let dropped = input.hand_over();
                        if dropped > 0 {
                            tracing::info!(
                                "{dropped} keys typed before the command had the terminal let go"
                            );
                        }
                        if !gone {
                            restore();
                        }
                    }
                    Effect::TakeBack => {
                        let dropped = input.take_back();
                        if dropped > 0 {
                            tracing::info!(
                                "{dropped} keys read while a command had the terminal let go"
                            );
                        }
                        // A Ctrl-C or Ctrl-\ for the command came to us too (one process
                        // group): it was the command's, not a quit, even if told only now.
                        interrupts.command_ended();
                        if !gone {
                            lost |= resume(&mut terminal, mouse).is_err();
                            dirty = true;
                        }
                    }
                    Effect::Copy { text, what } => {
                        copy::prepare(route, text, what, copy_ready.clone());
                    }
                    Effect::SwitchProfile(name) => match (&switch, &switching) {
                        (Some(start), None) => {
                            let start = start.clone();
                            switching = Some(tokio::task::spawn_blocking(move || start(&name)));
                        }
                        _ => pending.extend(app.update(Event::ProfileFailed(
                            "a profile is being set up already".into(),
                        ))),
                    },
                    Effect::Quit => return Ok(app.farewell()),
                }
            }
        }
        if std::mem::take(&mut lost) {
            if let Some(event) = went_away(&mut gone) {
                pending.extend(app.update(event));
            }
            continue;
        }
        let handed_over = input.handed_over();
        if dirty && !gone && !handed_over {
            // The table's room changes with the filter line and the detail pane too.
            pending.extend(resize(&mut app, &terminal, &mut screen));
            // A terminal that cannot be written to is gone.
            if draw(&mut terminal, &app, &mut screen).is_err()
                && let Some(event) = went_away(&mut gone)
            {
                pending.extend(app.update(event));
            }
            dirty = false;
        }
        let loading = app.loading();
        let watching = app.watching();
        if watch_timer.as_ref().map(|(every, _)| *every) != watching {
            watch_timer = watching.map(|every| {
                let first = tokio::time::Instant::now() + every;
                let mut timer = tokio::time::interval_at(first, every);
                timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                (every, timer)
            });
        }
        let event = tokio::select! {
            event = input.next(), if !gone && !handed_over => match event {
                Some(Ok(TermEvent::Paste(text))) => {
                    let (text, next) = input.with_tail(text).await;
                    held = next.and_then(|e| terminal_event(e, &app, area(&terminal), &mut screen));
                    Some(Event::Paste(text))
                }
                Some(Ok(event)) => terminal_event(event, &app, area(&terminal), &mut screen),
                // The terminal went away (crossterm would spin on a closed one).
                Some(Err(_)) | None => went_away(&mut gone),
            },
            response = worker.responses.recv() => match response {
                Some(response) => Some(Event::Worker(response)),
                None => return Err(io::Error::other("the API worker stopped")),
            },
            _ = spinner.tick(), if loading && !gone && !handed_over => Some(Event::Tick),
            _ = async { watch_timer.as_mut().expect("guarded").1.tick().await },
                if watch_timer.is_some() && !gone && !handed_over => Some(Event::WatchTick),
            _ = liveness.tick(), if !gone && !handed_over => {
                if crossterm::terminal::size().is_err() {
                    went_away(&mut gone)
                } else {
                    continue;
                }
            }
            () = sleep_until_some(deadline) => return Ok(app.farewell()),
            started = async { switching.as_mut().expect("guarded").await }, if switching.is_some() => {
                switching = None;
                match started {
                    Ok(Ok((_, _))) if app.work_under_way().is_some() => {
                        // Started meanwhile (the set-up took a while): it is not dropped.
                        let busy = app.work_under_way().unwrap_or_default();
                        Some(Event::ProfileFailed(format!("{busy}; switch when it ends")))
                    }
                    Ok(Ok((config, handle))) => {
                        // The old worker ends when its channel closes.
                        worker = handle;
                        let (fresh, effects) = App::new(config);
                        let old = std::mem::replace(&mut app, fresh);
                        app.carry_from(old);
                        pending.extend(effects);
                        dirty = true;
                        continue;
                    }
                    Ok(Err(why)) => Some(Event::ProfileFailed(why)),
                    Err(e) => Some(Event::ProfileFailed(e.to_string())),
                }
            }
            _ = term_signal.recv() => Some(Event::Shutdown),
            // The terminal's end and its hangup are one stop, whichever comes first.
            _ = &mut input_ended, if !gone => went_away(&mut gone),
            _ = hangup.recv() => went_away(&mut gone),
            // Ctrl-C while an action has the terminal is the action's.
            _ = interrupt.recv() => interrupts.told(handed_over),
            _ = quit_key.recv() => interrupts.told(handed_over),
            Some(ready) = copies_ready.recv() => {
                let copy::Prepared { plan, text, what, failed } = ready;
                let writer = terminal.backend_mut().writer_mut();
                match failed {
                    Some(why) => Some(Event::Copied(Err(why))),
                    None if plan.osc52 && (gone || copy::osc52(writer, &text).is_err()) => {
                        went_away(&mut gone).or(Some(Event::Copied(Err("the terminal is gone".into()))))
                    }
                    None => Some(Event::Copied(Ok(plan.notice(&what)))),
                }
            }
            _ = stop_signal.recv() => {
                if handed_over {
                    // Ctrl-Z stopped the command too (one process group): the whole job
                    // stops, `fg` continues both, and the command keeps the terminal.
                    stop();
                } else {
                    lost |= !suspend_and_resume(&mut terminal, mouse);
                    dirty = true;
                }
                continue;
            }
            // Continued (after any stop, SIGSTOP too): the shell may have reset the
            // terminal meanwhile. Resuming twice after our own stop costs one repaint.
            _ = cont_signal.recv() => {
                if gone || handed_over {
                    continue;
                }
                stop_until_foreground();
                dirty = true;
                if resume(&mut terminal, mouse).is_err() {
                    went_away(&mut gone)
                } else {
                    continue;
                }
            }
        };
        // The loop reads the clock, the app reckons with the time it is told.
        let now = Instant::now();
        // Drawn when something changed: a watch's reads that found all as it was are not.
        for event in event.into_iter().chain(held.take()) {
            pending.extend(app.update_at(event, now));
            dirty |= !app.quiet();
        }
        // Drain what else is waiting, then draw once.
        while let Ok(response) = worker.responses.try_recv() {
            pending.extend(app.update_at(Event::Worker(response), Instant::now()));
            dirty |= !app.quiet();
        }
    }
}

/// The terminal is gone: the first time, the app is told (a bulk action under way gets its
/// grace, one already stopping keeps its own); whatever else then says so (its hangup, a
/// failed write, the input's end) is the same loss.
fn went_away(gone: &mut bool) -> Option<Event> {
    (!std::mem::replace(gone, true)).then_some(Event::TerminalLost)
}

/// Ctrl-Z or SIGTSTP: gives the terminal back and stops; once continued, sets it up again
/// before anything is drawn (a frame drawn in between would land in the shell). Whether
/// the terminal could be set up again.
fn suspend_and_resume(terminal: &mut Term, mouse: bool) -> bool {
    suspend();
    stop_until_foreground();
    resume(terminal, mouse).is_ok()
}

/// Past the grace a stopping bulk action has, how long quitting still waits for it.
const STOP_MARGIN: Duration = Duration::from_secs(2);

async fn sleep_until_some(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// After SIGCONT: raw mode and the alternate screen again, and a full redraw. (Not
/// `Terminal::clear`: it reads the cursor position from the input the event stream owns.)
fn resume(terminal: &mut Term, mouse: bool) -> io::Result<()> {
    // Whoever stopped us may have put the terminal back to cooked mode behind crossterm's
    // back; its idea of "raw already" must not skip setting raw mode again.
    let _ = disable_raw_mode();
    set_up_terminal(mouse)?;
    execute!(io::stdout(), Clear(ClearType::All))?;
    // A blank frame: the next one differs in every cell, so all of it is sent.
    terminal
        .draw(|frame| frame.render_widget(ratatui::widgets::Clear, frame.area()))
        .map(drop)
}

/// A terminal event as the app sees it.
fn terminal_event(
    event: TermEvent,
    app: &App,
    area: Rect,
    screen: &mut ui::Screen,
) -> Option<Event> {
    match event {
        TermEvent::Key(key) if key.kind != KeyEventKind::Release => Some(Event::Key(key)),
        TermEvent::Resize(width, height) => {
            Some(screen.resize(app, Rect::new(0, 0, width, height)))
        }
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
