//! Dialogs over the screen: confirming a bulk action (the count typed from
//! [`TYPE_TO_CONFIRM`] users on), quitting while one runs, and throwing a form's changes
//! away.

use tui_input::Input;

use crate::api::model::BulkAction;

/// From this many users on, a bulk action is confirmed by typing the count.
pub const TYPE_TO_CONFIRM: usize = 100;

/// A bulk action waiting to be confirmed.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub(super) action: BulkAction,
    /// Snapshot of the ids at the time of asking.
    pub(super) ids: Vec<String>,
    /// Names of the first few, to show.
    names: Vec<String>,
    /// Selected users not among the rows shown (hidden by the filter or other pages).
    hidden: usize,
    /// Above [`TYPE_TO_CONFIRM`] users, the count must be typed.
    pub(super) typed: Option<Input>,
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

    pub fn action(&self) -> BulkAction {
        self.action
    }

    pub fn count(&self) -> usize {
        self.ids.len()
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// The count typed so far, when one must be typed.
    pub fn typed(&self) -> Option<&str> {
        self.typed.as_ref().map(Input::value)
    }

    /// Whether the answer so far confirms: always without a count to type, else when
    /// the count typed is exact.
    pub fn confirmed(&self) -> bool {
        self.typed
            .as_ref()
            .is_none_or(|t| t.value().trim() == self.ids.len().to_string())
    }
}

/// A dialog and what it asks.
#[derive(Debug, Clone)]
pub enum Dialog {
    Confirm(Confirm),
    /// A bulk action runs: stop it and quit?
    Quit,
    /// A form holds changes: throw them away (and quit)?
    Discard {
        then_quit: bool,
    },
}

impl Dialog {
    /// The text field of the dialog, if it has one.
    pub fn input(&mut self) -> Option<&mut Input> {
        match self {
            Dialog::Confirm(confirm) => confirm.typed.as_mut(),
            Dialog::Quit | Dialog::Discard { .. } => None,
        }
    }
}
