//! Dialogs over the screen: confirming a bulk action (the count typed from
//! [`TYPE_TO_CONFIRM`] users on), and quitting while one runs.

use tui_input::{Input, InputRequest};

use crate::api::model::BulkAction;

/// From this many users on, a bulk action is confirmed by typing the count.
pub const TYPE_TO_CONFIRM: usize = 100;

/// A bulk action waiting to be confirmed.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub action: BulkAction,
    /// Snapshot of the ids at the time of asking.
    pub ids: Vec<String>,
    /// Names of the first few, to show.
    pub names: Vec<String>,
    /// Selected users not among the rows shown (hidden by the filter or other pages).
    pub hidden: usize,
    /// Above [`TYPE_TO_CONFIRM`] users, the count must be typed.
    pub typed: Option<Input>,
}

impl Confirm {
    pub fn new(action: BulkAction, ids: Vec<String>, names: Vec<String>, hidden: usize) -> Self {
        Confirm {
            action,
            typed: (ids.len() > TYPE_TO_CONFIRM).then(Input::default),
            names: names.into_iter().take(3).collect(),
            hidden,
            ids,
        }
    }

    /// Whether the answer so far confirms: always without a count to type, else when
    /// the count typed is exact.
    pub fn confirmed(&self) -> bool {
        self.typed
            .as_ref()
            .is_none_or(|t| t.value().trim() == self.ids.len().to_string())
    }

    /// Types `text` into the count, when there is one to type.
    pub fn type_text(&mut self, text: &str) -> bool {
        let Some(typed) = self.typed.as_mut() else {
            return false;
        };
        for c in text.chars().filter(|c| !c.is_control()) {
            typed.handle(InputRequest::InsertChar(c));
        }
        true
    }
}

/// A dialog and what it asks.
#[derive(Debug, Clone)]
pub enum Dialog {
    Confirm(Confirm),
    /// A bulk action runs: stop it and quit?
    Quit,
}

impl Dialog {
    /// The text field of the dialog, if it has one.
    pub fn input(&mut self) -> Option<&mut Input> {
        match self {
            Dialog::Confirm(confirm) => confirm.typed.as_mut(),
            Dialog::Quit => None,
        }
    }
}
