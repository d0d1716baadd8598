//! Running a profile's `token_command`: its standard output is the token. It runs in a
//! process group of its own and is killed, the whole group, when it takes longer than its
//! timeout; its standard error may be shown, its output never.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Why no token came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCommandError {
    CannotRun(String),
    TimedOut(Duration),
    Failed { status: String, stderr: String },
    Empty,
}

impl std::fmt::Display for TokenCommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenCommandError::CannotRun(e) => write!(f, "cannot run: {e}"),
            TokenCommandError::TimedOut(after) => write!(
                f,
                "gave no token within {} s and was stopped (token_command_timeout_secs)",
                after.as_secs_f64()
            ),
            TokenCommandError::Failed { status, stderr } if stderr.is_empty() => {
                write!(f, "failed ({status})")
            }
            TokenCommandError::Failed { status, stderr } => {
                write!(f, "failed ({status}): {stderr}")
            }
            TokenCommandError::Empty => f.write_str("printed no token"),
        }
    }
}

/// At most this much of the command's standard error is shown.
const STDERR_SHOWN: usize = 200;

/// Runs `command` with `sh -c`; its trimmed standard output.
pub fn run(command: &str, timeout: Duration) -> Result<String, TokenCommandError> {
    let mut child = Command::new("sh")
        .args(["-c", command])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| TokenCommandError::CannotRun(e.to_string()))?;
    let group = child.id();
    let (mut stdout, mut stderr) = (child.stdout.take(), child.stderr.take());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut err = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut out);
        }
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_end(&mut err);
        }
        let _ = tx.send((child.wait(), out, err));
    });
    let Ok((status, out, err)) = rx.recv_timeout(timeout) else {
        // SAFETY: signalling the process group this function created.
        unsafe {
            libc::kill(-(group as i32), libc::SIGKILL);
        }
        return Err(TokenCommandError::TimedOut(timeout));
    };
    let status = status.map_err(|e| TokenCommandError::CannotRun(e.to_string()))?;
    if !status.success() {
        let stderr = String::from_utf8_lossy(&err);
        return Err(TokenCommandError::Failed {
            status: status.to_string(),
            stderr: crate::text::fit(&crate::text::sanitize(stderr.trim()), STDERR_SHOWN),
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
        // A command that would hang is stopped at its timeout, its children too.
        let stopped = run("sleep 100 & sleep 100", Duration::from_millis(200)).unwrap_err();
        assert_eq!(
            stopped,
            TokenCommandError::TimedOut(Duration::from_millis(200))
        );
    }
}
