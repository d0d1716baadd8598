//! Copies, made off the loop: the local tmux is asked its `set-clipboard` as it is now
//! and its buffer loaded there (a tmux that does not answer must not freeze the
//! dashboard); the OSC 52 sequence is then written by the loop, which owns the terminal.

use std::io::{self, Write};

use tokio::sync::mpsc::UnboundedSender;

use crate::app::{CopyPlan, CopyRoute};

/// A copy ready for the loop: what to write, and what to say.
pub struct Prepared {
    pub plan: CopyPlan,
    pub text: String,
    pub what: String,
    /// Why tmux's buffer could not be loaded, if it could not.
    pub failed: Option<String>,
}

/// Plans the copy of `text` (named `what`) by `route` on another thread and sends it on
/// `done`.
pub fn prepare(route: CopyRoute, text: String, what: String, done: UnboundedSender<Prepared>) {
    std::thread::spawn(move || {
        let set_clipboard = if route.asks_tmux() {
            crate::terminal::tmux_option("set-clipboard")
        } else {
            None
        };
        let plan = route.plan(set_clipboard.as_deref());
        let failed = plan
            .tmux_buffer
            .then(|| load_tmux_buffer(&text).err())
            .flatten();
        let _ = done.send(Prepared {
            plan,
            text,
            what,
            failed,
        });
    });
}

/// `tmux load-buffer -` with `text`, waited for half a second at most.
fn load_tmux_buffer(text: &str) -> Result<(), String> {
    let out = crate::terminal::tmux(&["load-buffer", "-"], Some(text.to_string()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "tmux load-buffer: {}",
            crate::text::sanitize(String::from_utf8_lossy(&out.stderr).trim())
        ))
    }
}

/// The clipboard write of OSC 52: the terminal (or tmux with `set-clipboard on`) puts
/// `text` on the system clipboard, over SSH too.
pub fn osc52(writer: &mut impl Write, text: &str) -> io::Result<()> {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    write!(writer, "\x1b]52;c;{encoded}\x07")?;
    writer.flush()
}
