//! A list the worker reads, shown over the table with a cursor: the audit journal
//! (`:journal`), an account's timeline (`T`). One way of loading, answering and moving
//! for both.

use super::{Action, App, Effect, Layer};
use crate::worker::RequestId;

#[derive(Debug, Clone)]
pub enum ListLoad<T> {
    Loading(RequestId),
    Loaded(Vec<T>),
    Failed(String),
}

#[derive(Debug)]
pub struct Listed<T> {
    load: ListLoad<T>,
    cursor: usize,
}

impl<T> Listed<T> {
    /// A list waiting for the answer to `asked`.
    pub fn new(asked: RequestId) -> Listed<T> {
        Listed {
            load: ListLoad::Loading(asked),
            cursor: 0,
        }
    }

    pub fn load(&self) -> &ListLoad<T> {
        &self.load
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn items(&self) -> &[T] {
        match &self.load {
            ListLoad::Loaded(items) => items,
            _ => &[],
        }
    }

    /// Applies the answer to request `id`, if the list waits for it; whether it did.
    pub fn answer(&mut self, id: RequestId, result: Result<Vec<T>, String>) -> bool {
        if !matches!(self.load, ListLoad::Loading(asked) if asked == id) {
            return false;
        }
        self.load = match result {
            Ok(items) => ListLoad::Loaded(items),
            Err(e) => ListLoad::Failed(e),
        };
        true
    }

    /// Moves the cursor by `delta` items, within the list.
    pub fn move_by(&mut self, delta: i64) {
        let last = self.items().len().saturating_sub(1) as i64;
        self.cursor = (self.cursor as i64 + delta).clamp(0, last) as usize;
    }
}

impl App {
    /// What a list over the table does with `action`: moves its cursor, or closes on
    /// Esc (a list still on its way is dropped); None leaves the rest to the table's keys
    /// (undo, help, quit: they know the list is open).
    pub(super) fn list_act(&mut self, action: Action) -> Option<Vec<Effect>> {
        match (action.step(), &mut self.layer) {
            (Some(step), Layer::Journal(view)) => view.move_by(step),
            (Some(step), Layer::Timeline(view)) => view.list.move_by(step),
            (Some(step), Layer::Output(view)) => view.lines.move_by(step),
            (None, Layer::Output(view)) if action == Action::Cancel => {
                self.layer = std::mem::take(view.under.as_mut());
            }
            (None, _) if action == Action::Cancel => self.layer = Layer::Table,
            _ => return None,
        }
        Some(Vec::new())
    }
}
