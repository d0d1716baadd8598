//! The audit journal as the dashboard shows it (`:journal`): newest first, with a cursor,
//! and the state of reading it.

use super::listed::{ListLoad, Listed};
use crate::api::journal::JournalEntry;

/// How many entries the view reads, newest first.
pub const JOURNAL_LIMIT: usize = 500;

pub type JournalLoad = ListLoad<JournalEntry>;
pub type JournalView = Listed<JournalEntry>;
