//! The audit journal, written and read side by side: every mutation appended as JSON
//! lines before it is sent and its outcome per id after it ([`write`], by the journal's
//! own thread: [`appender`]; attempts that a cancelled request never sent: [`attempts`]),
//! and those lines read back joined into entries, newest first ([`read`]).

pub mod appender;
pub mod attempts;
pub mod filter;
pub mod read;
pub mod write;

pub use appender::drain;
pub use filter::Filter;
pub use read::{EntryOutcome, JournalEntry, read, read_filtered};
pub use write::{Entry, Journal, Lines, NOT_SENT};
