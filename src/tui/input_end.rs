//! The end of the terminal's input (its other side closed: a dropped SSH connection).
//!
//! crossterm reads a closed terminal in a loop: `read` answers 0 at once, forever, and its
//! reader never reports it (40–68k reads a second, a whole core, while a stopping bulk
//! action has its grace). So a thread of ours waits, without reading, for the terminal to
//! be hung up; then standard input becomes a pipe that no one writes to, where crossterm's
//! next read waits instead of spinning, and the loop is told once.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use tokio::sync::oneshot;

/// Starts watching standard input (the terminal the dashboard reads): resolves once it
/// has ended, with the input already swapped for a pipe that never answers.
pub fn watch() -> oneshot::Receiver<()> {
    let (tx, rx) = oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("input-end".into())
        .spawn(move || {
            if wait_for_hangup(libc::STDIN_FILENO) {
                stop_reading();
                let _ = tx.send(());
            } else {
                // Not watched: the loop's other ways of telling stay (never "ended").
                std::mem::forget(tx);
            }
        });
    match spawned {
        Ok(_) => rx,
        Err(e) => {
            // The hangup, the liveness check and a failed write still tell; only the
            // reading past the end is not stopped. A receiver that never resolves.
            tracing::warn!("cannot watch the terminal's input: {e}");
            let (never, rx) = oneshot::channel();
            std::mem::forget(never);
            rx
        }
    }
}

/// Blocks until `fd` is hung up (or no longer open): `poll` asked for no events still
/// reports those, and nothing is read. False when polling itself fails.
fn wait_for_hangup(fd: i32) -> bool {
    let mut watched = libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    };
    loop {
        // SAFETY: one pollfd, valid for the call.
        let ready = unsafe { libc::poll(&mut watched, 1, -1) };
        if ready > 0 {
            return watched.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0;
        }
        if ready < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return false;
        }
    }
}

/// Puts a pipe's reading end in standard input's place. Its writing end is kept open for
/// the life of the process, so a read there waits rather than ending.
fn stop_reading() {
    let mut ends = [0; 2];
    // SAFETY: a pipe made into two descriptors owned here.
    if unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return;
    }
    // SAFETY: both descriptors were just opened and are owned by nothing else.
    let (reading, writing) =
        unsafe { (OwnedFd::from_raw_fd(ends[0]), OwnedFd::from_raw_fd(ends[1])) };
    // SAFETY: replaces descriptor 0 with a copy of the pipe's reading end.
    unsafe {
        libc::dup2(reading.as_raw_fd(), libc::STDIN_FILENO);
    }
    std::mem::forget(writing);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hung_up_descriptor_is_told_from_one_with_nothing_to_read() {
        let mut ends = [0; 2];
        // SAFETY: a pipe for this test.
        assert_eq!(unsafe { libc::pipe(ends.as_mut_ptr()) }, 0);
        // SAFETY: both just opened.
        let (reading, writing) =
            unsafe { (OwnedFd::from_raw_fd(ends[0]), OwnedFd::from_raw_fd(ends[1])) };
        let fd = reading.as_raw_fd();
        // SAFETY: one byte written to the pipe's open writing end.
        assert_eq!(
            unsafe { libc::write(writing.as_raw_fd(), b"x".as_ptr().cast(), 1) },
            1
        );
        // Data to read is not an end: asked for no events, poll reports none.
        let mut watched = libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        };
        // SAFETY: one pollfd, valid for the call.
        assert_eq!(unsafe { libc::poll(&mut watched, 1, 0) }, 0);
        let waiter = std::thread::spawn(move || wait_for_hangup(fd));
        drop(writing);
        assert!(waiter.join().unwrap(), "the other end closed is a hangup");
    }
}
