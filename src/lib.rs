//! userdeck: a terminal dashboard for back-office operators who look after the user
//! accounts of a product through its GraphQL API. The binary is a thin shell over this
//! library, so tests and benchmarks use the same code.

/// `eprintln!` that cannot panic: a standard error that cannot take the line (a hung-up
/// terminal, a full disk under `2>log`) loses it, and the exit code still tells. (A print
/// that fails panics; on the way out that aborts, losing the exit code and the journal's
/// last lines.) Under a locale that is not UTF-8 the line is ASCII (`text::for_terminal`).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let line = format!($($arg)*);
        let _ = writeln!(std::io::stderr(), "{}", $crate::text::for_terminal(&line));
    }};
}

pub mod actions;
pub mod api;
pub mod app;
pub mod cli;
pub mod cmd;
pub mod columns;
pub mod complete;
pub mod config;
pub mod dialect;
pub mod doctor;
pub mod export;
pub mod format;
pub mod server;
pub mod signals;
pub mod terminal;
pub mod text;
pub mod token_command;
pub mod tui;
pub mod ui;
pub mod views;
pub mod worker;
