//! userdeck: a terminal dashboard for back-office operators who look after the user
//! accounts of a product through its GraphQL API. The binary is a thin shell over this
//! library, so tests and benchmarks use the same code.

pub mod api;
pub mod app;
pub mod cli;
pub mod cmd;
pub mod columns;
pub mod config;
pub mod dialect;
pub mod export;
pub mod format;
pub mod server;
pub mod text;
pub mod token_command;
pub mod tui;
pub mod ui;
