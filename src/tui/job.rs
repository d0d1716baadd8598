//! The dashboard as a job of the shell: stopped and continued (Ctrl-Z, `fg`, `bg`), and
//! the terminal's signals it shares with a command that has the terminal (one process
//! group), told apart from its own.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::app::Event;

/// SIGINTs and SIGQUITs this process has had, counted in the signal handler itself: the
/// runtime may tell one only after the command it ended is known to have ended.
static INTERRUPTS: AtomicU64 = AtomicU64::new(0);

/// Tells the terminal's Ctrl-C and Ctrl-\ (SIGINT, SIGQUIT) that were the dashboard's
/// from those that were for a command that had the terminal.
pub(super) struct Interrupts {
    /// Whether they are counted (else each is the dashboard's).
    counted: bool,
    /// How many were counted when the last command that had the terminal ended.
    commands: u64,
}

impl Interrupts {
    /// Starts counting (once a process).
    pub(super) fn new() -> Interrupts {
        static COUNTING: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let counted = *COUNTING.get_or_init(|| {
            [libc::SIGINT, libc::SIGQUIT].into_iter().all(|signal| {
                // SAFETY: the action only adds to an atomic, which is async-signal-safe.
                let counting = unsafe {
                    signal_hook::low_level::register(signal, || {
                        INTERRUPTS.fetch_add(1, Ordering::SeqCst);
                    })
                };
                counting
                    .inspect_err(|e| tracing::warn!("cannot count interrupts: {e}"))
                    .is_ok()
            })
        });
        Interrupts {
            counted,
            commands: 0,
        }
    }

    /// A command that had the terminal ended: every one counted so far was its own.
    pub(super) fn command_ended(&mut self) {
        self.commands = INTERRUPTS.load(Ordering::SeqCst);
    }

    /// One was told: a quit, unless a command has the terminal or had it when it came.
    pub(super) fn told(&self, handed_over: bool) -> Option<Event> {
        let ours = !self.counted || INTERRUPTS.load(Ordering::SeqCst) > self.commands;
        (!handed_over && ours).then_some(Event::Shutdown)
    }
}

/// Whether this process has the terminal's foreground. A job put in the background
/// (`bg`, or `kill -CONT` after a stop) must not draw or take the terminal: it stops
/// again, as a program touching its terminal from the background would.
fn foreground() -> bool {
    // SAFETY: plain queries on the standard input descriptor and this process.
    let (owner, ours) = unsafe { (libc::tcgetpgrp(libc::STDIN_FILENO), libc::getpgrp()) };
    // No answer (no terminal any more): not a reason to stop; drawing will tell.
    owner < 0 || owner == ours
}

pub(super) fn stop_until_foreground() {
    while !foreground() {
        stop();
    }
}

/// Gives the terminal back and stops the process, as Ctrl-Z does in a shell; SIGCONT
/// (`fg`) brings it back through [`super::resume`].
pub(super) fn suspend() {
    super::restore();
    stop();
}

/// Stops the process until it is continued.
pub(super) fn stop() {
    // SAFETY: raising a signal on this process; SIGSTOP cannot be caught, so this returns
    // once the process is continued.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
}
