//! What reaches the app ([`Event`]) and what it asks of the loop ([`Effect`]).

use crate::worker::{Request, Response};

/// What the loop does for the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Send(Request),
    /// Give the terminal back and stop until `fg`.
    Suspend,
    /// Put `text` (what the notice calls `what`) on the clipboard, by the route of
    /// [`super::AppConfig::clipboard`]; the loop answers with [`Event::Copied`].
    Copy {
        text: String,
        what: String,
    },
    /// Start again on this profile of the config file.
    SwitchProfile(String),
    /// Give the terminal to an action of the operator's own (`output = "terminal"`):
    /// nothing is drawn or read until [`Effect::TakeBack`].
    HandOver,
    /// The action that had the terminal ended: set it up again and draw it all.
    TakeBack,
    Quit,
}

/// Everything that reaches [`App::update`].
#[derive(Debug, Clone)]
pub enum Event {
    /// A key, interpreted by the keymap of the mode, or text for a text field.
    Key(crossterm::event::KeyEvent),
    /// Pasted text: text for the field that has focus, never keys.
    Paste(String),
    /// A worker's answer.
    Worker(Response),
    /// The table now has room for this many rows; the detail pane stands beside the table
    /// (else over it), and scrolls at most this far (its content's lines below it).
    Resize {
        table_rows: usize,
        side_by_side: bool,
        detail_overflow: u16,
    },
    /// A click on the row at this index of the page.
    Click(usize),
    /// The mouse wheel: positive down.
    Scroll(i32),
    /// Time passed while requests are under way (the spinner).
    Tick,
    /// Time for a watch to read the screen again.
    WatchTick,
    /// A signal asks the program to end (SIGINT, SIGTERM).
    Shutdown,
    /// The terminal went away (its input ended, it hung up, it cannot be written):
    /// a stop as a signal's, but never a second request to stop at once.
    TerminalLost,
    /// `:profile` could not start on the profile asked for.
    ProfileFailed(String),
    /// What a copy did (its notice), or why it was not made.
    Copied(Result<String, String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Table,
    Detail,
}
