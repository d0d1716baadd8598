//! What a key can mean ([`Action`]) and the modes that decide which keys mean what.

/// Which part of the dashboard has the keys: each has its own bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The table (and the detail pane beside or over it).
    Table,
    /// Typing the filter: printable keys are text.
    Filter,
    /// A form (training: new user, edit, create or update): printable keys are text in
    /// a text field.
    Form,
    /// The command line (`:`): printable keys are text.
    Command,
    /// The audit journal (`:journal`).
    Journal,
    /// One account's history (`:timeline`).
    Timeline,
    /// An action's output (`:run`).
    Output,
    /// The accounts seen on an IP address.
    Pivot,
    /// A dialog waits for an answer (a bulk action to confirm, quitting during one).
    Dialog,
    /// The help screen: any key closes it.
    Help,
    /// A bulk action runs.
    Busy,
}

impl Mode {
    /// Every mode, help last.
    pub const ALL: [Mode; 11] = [
        Mode::Table,
        Mode::Filter,
        Mode::Form,
        Mode::Command,
        Mode::Journal,
        Mode::Timeline,
        Mode::Output,
        Mode::Pivot,
        Mode::Dialog,
        Mode::Busy,
        Mode::Help,
    ];

    /// The modes whose keys the help screen lists when opened from this one: its own
    /// first, then those it leads to.
    pub fn help_sections(self) -> &'static [Mode] {
        match self {
            Mode::Table => &[Mode::Table, Mode::Filter, Mode::Dialog],
            Mode::Form => &[Mode::Form, Mode::Dialog],
            Mode::Command => &[Mode::Command],
            Mode::Journal => &[Mode::Journal],
            Mode::Timeline => &[Mode::Timeline],
            Mode::Output => &[Mode::Output],
            Mode::Pivot => &[Mode::Pivot, Mode::Dialog],
            Mode::Filter => &[Mode::Filter],
            Mode::Dialog => &[Mode::Dialog],
            Mode::Busy => &[Mode::Busy],
            Mode::Help => &[],
        }
    }

    /// How the help screen titles the mode.
    pub fn title(self) -> &'static str {
        match self {
            Mode::Table => "table",
            Mode::Filter => "filter line",
            Mode::Form => "forms",
            Mode::Command => "command line",
            Mode::Journal => "journal",
            Mode::Timeline => "timeline",
            Mode::Output => "an action's output",
            Mode::Pivot => "accounts on an address",
            Mode::Dialog => "dialogs",
            Mode::Help => "help",
            Mode::Busy => "while a bulk action runs",
        }
    }
}

/// What a key means. Every variant can be bound in the config file's `[keys]` table by
/// the name the keymap gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Move to the next row (of the table, or of the overlap list in the detail).
    MoveDown,
    /// Move to the previous row.
    MoveUp,
    /// Go to the very first row.
    First,
    /// Go to the very last row.
    Last,
    /// Show the next page.
    NextPage,
    /// Show the previous page.
    PrevPage,
    /// Start typing a filter.
    Filter,
    /// Leave the filter line, keeping the filter.
    FilterDone,
    /// Leave the filter line and clear the filter.
    FilterClear,
    /// Cycle the status filter.
    CycleStatus,
    /// Sort by the next column.
    NextSort,
    /// Flip the sort direction.
    FlipSort,
    /// Open the current user; in the overlap list, follow that user.
    Open,
    /// Back to the user the detail came from, or close it.
    Back,
    /// Move focus between the table and the detail pane.
    ToggleFocus,
    /// Select or unselect the current row, then move down.
    ToggleSelect,
    /// Select every row of the page, or unselect them all.
    SelectPage,
    /// Unselect every user, on every page.
    ClearSelection,
    /// Block the selection (or the current row).
    Block,
    /// Activate the selection (or the current row).
    Activate,
    /// Archive the selection (or the current row).
    Archive,
    /// Unarchive the selection (or the current row).
    Unarchive,
    /// Fetch again (in the detail pane: that user too).
    Reload,
    /// Open the form for a new user (training).
    Create,
    /// Open the form for the current user (training).
    Edit,
    /// Open the form that creates a user or updates the one with that e-mail (training).
    Upsert,
    /// Go to the next field of the form.
    NextField,
    /// Go to the previous field of the form.
    PrevField,
    /// Empty the field.
    ClearField,
    /// Toggle the role under the cursor, or a yes/no field.
    Toggle,
    /// The previous choice (a role, a language); in a text field, the cursor moves left.
    ChoosePrev,
    /// The next choice; in a text field, the cursor moves right.
    ChooseNext,
    /// Send the form.
    Submit,
    /// Close the form (asks first when something was changed).
    CloseForm,
    /// Open the command line.
    Command,
    /// Run the command typed.
    RunCommand,
    /// Close the command line.
    CloseCommand,
    /// Complete the command's or the profile's name.
    Complete,
    /// The command run before (this run).
    HistoryPrev,
    /// The command run after.
    HistoryNext,
    /// Copy the current id, the selected ids, or the focused user's id (OSC 52).
    Copy,
    /// Show the audit journal.
    Journal,
    /// The ring around the user in front: the accounts sharing its addresses, and theirs.
    Ring,
    /// The history of the user in front, with the journal's entries about it.
    Timeline,
    /// Undo the last batch (in the journal: the entry under the cursor).
    Undo,
    /// Run the last bulk action again on the ids that failed.
    Retry,
    /// Show the keys.
    Help,
    /// Close the pane, clear the filter, or dismiss the messages.
    Cancel,
    /// Answer yes to a dialog.
    Confirm,
    /// Answer no to a dialog.
    Deny,
    /// In a bulk action's confirmation: send the users it would not change too, or not.
    KeepUnchanged,
    /// Stop the program until `fg` (SIGTSTP).
    Suspend,
    /// Leave (during a bulk action: asks first; asked again, at once).
    Quit,
}

impl Action {
    /// How far a move takes the cursor of a list (the table's rows, the pane's lists, the
    /// accounts on an address, the journal): None for an action that is no move.
    pub fn step(self) -> Option<i64> {
        match self {
            Action::MoveDown => Some(1),
            Action::MoveUp => Some(-1),
            // As far as a list goes, without overflowing when added to a cursor.
            Action::First => Some(i64::MIN / 2),
            Action::Last => Some(i64::MAX / 2),
            _ => None,
        }
    }
}
