//! The one layer over the table that has the keys: the table itself, the filter line, the
//! command line, a form, the accounts on an address, the journal or an account's
//! timeline — one at a time, by construction (the command line keeps the layer it was
//! opened over, under it). Overlays (a dialog, the help, a bulk action running) stand
//! above it; the mode is the top overlay's, else the layer's.

use super::{Form, JournalView, Mode, Pivot, TimelineView};

#[derive(Debug, Default)]
pub enum Layer {
    #[default]
    Table,
    /// Typing the filter (its text lives with the table's query).
    Filter,
    /// The command line (its history lives on), over the layer it was opened from: back
    /// to it when it closes, and what a command acts on. Typed over a list, the keys of
    /// a command are text, never the list's keys.
    Command(Box<Layer>),
    Form(Box<Form>),
    Pivot(Pivot),
    Journal(JournalView),
    Timeline(TimelineView),
    /// An action's output.
    Output(super::OutputView),
}

impl Layer {
    pub fn mode(&self) -> Mode {
        match self {
            Layer::Table => Mode::Table,
            Layer::Filter => Mode::Filter,
            Layer::Command(_) => Mode::Command,
            Layer::Form(_) => Mode::Form,
            Layer::Pivot(_) => Mode::Pivot,
            Layer::Journal(_) => Mode::Journal,
            Layer::Timeline(_) => Mode::Timeline,
            Layer::Output(_) => Mode::Output,
        }
    }

    pub fn form(&self) -> Option<&Form> {
        match self {
            Layer::Form(form) => Some(form),
            _ => None,
        }
    }

    pub fn form_mut(&mut self) -> Option<&mut Form> {
        match self {
            Layer::Form(form) => Some(form),
            _ => None,
        }
    }

    /// The layer the command line stands over, else this one.
    pub fn base(&self) -> &Layer {
        match self {
            Layer::Command(under) => under.base(),
            other => other,
        }
    }

    fn base_mut(&mut self) -> &mut Layer {
        match self {
            Layer::Command(under) => under.base_mut(),
            other => other,
        }
    }

    /// Opens the command line over this layer.
    pub fn open_command(&mut self) {
        let under = std::mem::take(self);
        *self = Layer::Command(Box::new(under));
    }

    /// Closes the command line: back to the layer under it.
    pub fn close_command(&mut self) {
        if let Layer::Command(under) = self {
            let under = std::mem::take(under.as_mut());
            *self = under;
        }
    }

    pub fn pivot(&self) -> Option<&Pivot> {
        match self.base() {
            Layer::Pivot(pivot) => Some(pivot),
            _ => None,
        }
    }

    pub fn pivot_mut(&mut self) -> Option<&mut Pivot> {
        match self.base_mut() {
            Layer::Pivot(pivot) => Some(pivot),
            _ => None,
        }
    }

    pub fn journal(&self) -> Option<&JournalView> {
        match self.base() {
            Layer::Journal(view) => Some(view),
            _ => None,
        }
    }

    pub fn journal_mut(&mut self) -> Option<&mut JournalView> {
        match self.base_mut() {
            Layer::Journal(view) => Some(view),
            _ => None,
        }
    }

    pub fn timeline(&self) -> Option<&TimelineView> {
        match self.base() {
            Layer::Timeline(view) => Some(view),
            _ => None,
        }
    }

    pub fn timeline_mut(&mut self) -> Option<&mut TimelineView> {
        match self.base_mut() {
            Layer::Timeline(view) => Some(view),
            _ => None,
        }
    }

    /// Back to the table, when the layer is the one `is` names.
    pub fn leave(&mut self, is: impl Fn(&Layer) -> bool) {
        if is(self) {
            *self = Layer::Table;
        }
    }

    /// The pivot, taken out (the layer goes back to the table); None when it is not
    /// the layer.
    pub fn take_pivot(&mut self) -> Option<Pivot> {
        match std::mem::take(self) {
            Layer::Pivot(pivot) => Some(pivot),
            other => {
                *self = other;
                None
            }
        }
    }
}
