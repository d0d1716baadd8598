//! The audit journal as the dashboard shows it (`:journal`): newest first, with a cursor,
//! and the state of reading it.

use crate::api::journal::JournalEntry;
use crate::worker::RequestId;

/// How many entries the view reads, newest first.
pub const JOURNAL_LIMIT: usize = 500;

#[derive(Debug, Clone)]
pub enum JournalLoad {
    Loading(RequestId),
    Loaded(Vec<JournalEntry>),
    Failed(String),
}

#[derive(Debug)]
pub struct JournalView {
    load: JournalLoad,
    cursor: usize,
}

impl JournalView {
    pub fn new(asked: RequestId) -> JournalView {
        JournalView {
            load: JournalLoad::Loading(asked),
            cursor: 0,
        }
    }

    pub fn load(&self) -> &JournalLoad {
        &self.load
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn entries(&self) -> &[JournalEntry] {
        match &self.load {
            JournalLoad::Loaded(entries) => entries,
            _ => &[],
        }
    }

    /// Applies the answer to request `id`, if the view waits for it.
    pub fn answer(&mut self, id: RequestId, result: Result<Vec<JournalEntry>, String>) {
        if matches!(self.load, JournalLoad::Loading(asked) if asked == id) {
            self.load = match result {
                Ok(entries) => JournalLoad::Loaded(entries),
                Err(e) => JournalLoad::Failed(e),
            };
        }
    }

    /// Moves the cursor by `delta` entries, within the list.
    pub fn move_by(&mut self, delta: i64) {
        let last = self.entries().len().saturating_sub(1) as i64;
        self.cursor = (self.cursor as i64 + delta).clamp(0, last) as usize;
    }
}
