//! Ctrl-C and SIGTERM during a headless bulk action stop it as the dashboard's quit
//! does: no new chunk starts and those under way get [`GRACE`] to answer; a second signal
//! stops it at once. Every id then ends printed and journalled as what it became
//! (succeeded, failed, unknown, not sent), and the exit code says so — where the signal's
//! default would have ended the process mid-request with nothing said. Once the action
//! has ended, or after the second signal, the next one ends the process as by default.

use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};

use crate::api::bulk::{GRACE, Stop};

/// A stop that SIGINT and SIGTERM ask for while the action it is given to runs.
pub fn on_signals() -> Stop {
    let (stopping, stop) = Stop::new();
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return stop;
    };
    tokio::spawn(async move {
        let first = format!(
            "stopping: no new chunk starts; those under way get {} s to answer (again: at once)",
            GRACE.as_secs()
        );
        let second = "stopping now: what is under way is left unknown".to_string();
        for (grace, said) in [(GRACE, first), (Duration::ZERO, second)] {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
                () = stopping.finished() => break,
            }
            crate::say!("{said}");
            stopping.stop(grace);
        }
        default_again();
    });
    stop
}

/// SIGINT and SIGTERM back to their default: the next one ends the process (tokio's
/// handlers, once set, would take every later one for good).
fn default_again() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: setting a signal's disposition to its default.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
        }
    }
}
