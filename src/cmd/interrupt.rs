//! Ctrl-C and SIGTERM during a headless bulk action stop it as the dashboard's quit
//! does: no new chunk starts and those under way get [`GRACE`] to answer; a second signal
//! stops it at once. Every id then ends printed and journalled as what it became
//! (succeeded, failed, unknown, not sent), and the exit code says so — where the signal's
//! default would have ended the process mid-request with nothing said.

use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};

use crate::api::bulk::Stop;
use crate::app::GRACE;

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
        let mut grace = GRACE;
        loop {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
                () = stopping.finished() => return,
            }
            if grace.is_zero() {
                crate::say!("stopping now: what is under way is left unknown");
            } else {
                crate::say!(
                    "stopping: no new chunk starts; those under way get {} s to answer (again: at once)",
                    grace.as_secs()
                );
            }
            stopping.stop(grace);
            grace = Duration::ZERO;
        }
    });
    stop
}
