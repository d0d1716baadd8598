//! Running a profile's `token_command`: its standard output is the token. It runs in a
//! process group of its own and is killed, the whole group, when it takes longer than its
//! timeout; its standard error may be shown, its output never.

use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Why no token came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCommandError {
    CannotRun(String),
    /// It was stopped at its timeout; what it said on standard error so far.
    TimedOut {
        after: Duration,
        stderr: String,
    },
    Failed {
        status: String,
        stderr: String,
    },
    Empty,
}

impl std::fmt::Display for TokenCommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let said = |stderr: &str| {
            if stderr.is_empty() {
                String::new()
            } else {
                format!(": {stderr}")
            }
        };
        match self {
            TokenCommandError::CannotRun(e) => write!(f, "cannot run: {e}"),
            TokenCommandError::TimedOut { after, stderr } => write!(
                f,
                "gave no token within {} s and was stopped (token_command_timeout_secs){}",
                after.as_secs_f64(),
                said(stderr)
            ),
            TokenCommandError::Failed { status, stderr } => {
                write!(f, "failed ({status}){}", said(stderr))
            }
            TokenCommandError::Empty => f.write_str("printed nothing"),
        }
    }
}

/// At most this much of the command's standard error is shown.
const STDERR_SHOWN: usize = 200;
/// At most this much of a pipe is kept (a token is short).
const KEPT: u64 = 1 << 20;

/// Reads `pipe` to its end in a thread of its own (two pipes read one after the other
/// could block each other), keeping at most [`KEPT`] bytes.
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.by_ref().take(KEPT).read_to_end(&mut kept);
            let _ = io::copy(&mut pipe, &mut io::sink());
        }
        let _ = tx.send(kept);
    });
    rx
}

/// The command's standard error, safe and short.
fn shown(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    crate::text::fit(&crate::text::sanitize(text.trim()), STDERR_SHOWN)
}

/// Runs `command` with `sh -c`; its trimmed standard output.
pub fn run(command: &str, timeout: Duration) -> Result<String, TokenCommandError> {
    let deadline = Instant::now() + timeout;
    let mut child = Command::new("sh")
        .args(["-c", command])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| TokenCommandError::CannotRun(e.to_string()))?;
    let group = child.id() as i32;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let stop = |child: &mut std::process::Child| {
        // SAFETY: signalling the process group this function created; its leader is not
        // reaped yet (only this function waits for it), so the group id is still ours.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
        let _ = child.wait();
        let said = stderr
            .recv_timeout(Duration::from_secs(1))
            .unwrap_or_default();
        TokenCommandError::TimedOut {
            after: timeout,
            stderr: shown(&said),
        }
    };
    // The output ends when the command, and all it started, are done with it.
    let Ok(out) = stdout.recv_timeout(timeout) else {
        return Err(stop(&mut child));
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                // It closed its output but runs on: give it the rest of its time.
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) => return Err(stop(&mut child)),
            Err(e) => return Err(TokenCommandError::CannotRun(e.to_string())),
        }
    };
    if !status.success() {
        let said = stderr
            .recv_timeout(Duration::from_secs(1))
            .unwrap_or_default();
        return Err(TokenCommandError::Failed {
            status: status.to_string(),
            stderr: shown(&said),
        });
    }
    let token = String::from_utf8_lossy(&out).trim().to_string();
    if token.is_empty() {
        return Err(TokenCommandError::Empty);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_failure_and_timeout() {
        let long = Duration::from_secs(20);
        assert_eq!(run("echo ' s3cret '", long).unwrap(), "s3cret");
        assert_eq!(run("printf ''", long), Err(TokenCommandError::Empty));
        let failed = run("echo oops >&2; echo s3cret; exit 3", long).unwrap_err();
        let shown = failed.to_string();
        assert!(
            shown.contains("oops") && shown.contains("exit status: 3"),
            "{shown}"
        );
        assert!(
            !shown.contains("s3cret"),
            "the output is never shown: {shown}"
        );
        // A command that would hang is stopped at its timeout, its children too, and what
        // it said is shown.
        let dir = std::env::temp_dir().join(format!("userdeck-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pid_file = dir.join("child.pid");
        let script = format!(
            "echo nearly >&2; sleep 100 & echo $! > {}; wait",
            pid_file.display()
        );
        let stopped = run(&script, Duration::from_millis(300)).unwrap_err();
        let TokenCommandError::TimedOut { stderr, .. } = &stopped else {
            panic!("{stopped:?}")
        };
        assert_eq!(stderr, "nearly");
        let child: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(ended(child), "the command's child was stopped too");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Waits (at most 10 s) for process `pid` to end, on its pidfd: no polling.
    fn ended(pid: i32) -> bool {
        // SAFETY: pidfd_open on a pid, then poll on the descriptor it gives, then close.
        unsafe {
            let fd = libc::syscall(libc::SYS_pidfd_open, pid, 0) as i32;
            if fd < 0 {
                // Already gone (and reaped).
                return true;
            }
            let mut poll = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let ready = libc::poll(&mut poll, 1, 10_000);
            libc::close(fd);
            ready == 1
        }
    }
}
