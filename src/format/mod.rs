//! How users are written for programs and files: the list formats (an aligned table,
//! CSV, JSON) shared by the headless commands and the dashboard's `:export`, and what
//! makes each safe to print.

pub mod list;
pub mod record;
pub mod ring;
pub mod safe;

/// How a headless command (or `:export`) writes what it prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    /// One JSON record a line, written as it comes (jq -c, `while read`).
    Ndjson,
    Csv,
}
