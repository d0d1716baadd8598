//! How users are written for programs and files: the list formats (an aligned table,
//! CSV, JSON) shared by the headless commands and the dashboard's `:export`, and what
//! makes each safe to print.

pub mod list;
pub mod safe;
