//! What goes to the worker and what comes back: every request carries a [`RequestId`]
//! and belongs to a [`Slot`]; every answer carries what it answers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::api::bulk::{self, Progress};
use crate::api::edit::{EditTarget, Edited, UserChanges};
use crate::api::error::ApiError;
use crate::api::journal::JournalEntry;
use crate::api::ledger::Ledger;
use crate::api::model::{BulkAction, ListQuery, Page, Status, UserDetail};
use crate::api::ops::UserKey;
use crate::api::ring::Ring;
use crate::api::undo::UndoPlan;
use crate::export::{ExportError, ExportProgress, ExportRows, ExportTarget};

/// Identifies a request; the app keeps the newest per slot and drops older answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RequestId(pub u64);

/// Requests of one slot replace each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    List,
    /// The page after the one shown, fetched ahead.
    Prefetch,
    Detail,
    Bulk,
    /// A create, update or upsert from a form.
    Edit,
    /// `:export`: one at a time, never aborted by others.
    Export,
    /// `:journal`: reading the audit journal.
    Journal,
    /// Planning an undo: the journal and the users read back.
    Undo,
    /// `:ring`: the accounts around one, read depth by depth.
    Ring,
    /// `:watch`: what is on screen read again, apart from what the operator asks.
    Watch,
    /// `:timeline`: one account and the journal's entries about it.
    Timeline,
    /// `:view`: the saved views' file.
    View,
    /// `:run`: an action of the operator's own.
    Action,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// One page of users.
    List { id: RequestId, query: ListQuery },
    /// Like `List`, after dropping anything cached.
    Reload { id: RequestId, query: ListQuery },
    /// A page fetched ahead, answered as `Prefetched`.
    Prefetch { id: RequestId, query: ListQuery },
    /// The page of `query` that holds `user` (training: after an edit), answered as a
    /// `Page` whose query has that page's offset.
    Reveal {
        id: RequestId,
        query: ListQuery,
        user: String,
    },
    /// Everything about one user.
    Detail { id: RequestId, key: UserKey },
    /// The request of `slot` under way is dropped (`Esc` while a ring is followed).
    Abandon { slot: Slot },
    /// The ring around user `start`, `depth` steps of shared addresses deep.
    Ring {
        id: RequestId,
        start: String,
        depth: u32,
    },
    /// One user created or changed, settled by reading back when the answer is lost.
    Edit {
        id: RequestId,
        target: EditTarget,
        changes: Box<UserChanges>,
        /// Why, as the form was told: journalled with it.
        reason: Option<String>,
    },
    /// An action on many users; `before` is each one's status as last seen (journalled,
    /// for an undo), `undo` what it undoes, if it is an undo.
    Bulk {
        id: RequestId,
        action: BulkAction,
        ids: Vec<String>,
        before: HashMap<String, Status>,
        undo: Option<bulk::Undo>,
        /// Why, as the confirmation was told: journalled with each request.
        reason: Option<String>,
    },
    /// The rows of a query (or the selection) written to a file.
    Export {
        id: RequestId,
        rows: ExportRows,
        target: ExportTarget,
    },
    /// The newest `limit` entries of the audit journal at `path`.
    Journal {
        id: RequestId,
        path: PathBuf,
        limit: usize,
    },
    /// Plans the undo of the journal's entry `entry` (None: the newest batch not undone).
    PlanUndo {
        id: RequestId,
        path: PathBuf,
        entry: Option<String>,
        /// The profile the dashboard runs on: only its batches can be undone here.
        profile: String,
    },
    /// The history of user `key`, with the journal's entries at `journal` about it made
    /// with `profile` (and this client's endpoint).
    Timeline {
        id: RequestId,
        key: UserKey,
        journal: Option<PathBuf>,
        profile: String,
    },
    /// `:view`: the saved views of `profile` at `path` listed, one opened, or `view`
    /// saved.
    View {
        id: RequestId,
        path: PathBuf,
        profile: String,
        ask: crate::app::ViewAsk,
        view: Option<Box<crate::views::View>>,
    },
    /// Runs the operator's own action `name` (its `command` with `sh -c` in `env`, the
    /// `ids` on its standard input), journalled with its exit code.
    RunAction {
        id: RequestId,
        name: String,
        command: String,
        env: Vec<(String, String)>,
        ids: Vec<String>,
        /// Why, when the profile asked (a dangerous action): journalled with the run.
        reason: Option<String>,
        /// On the terminal itself, which the dashboard has handed over.
        on_terminal: bool,
    },
    /// `:watch` reads again what is on screen: the page of `page`, the user `user` (each
    /// when visible). Answered as `Watched`, never as the page or the pane's answer.
    Watch {
        id: RequestId,
        page: Option<ListQuery>,
        user: Option<UserKey>,
    },
    /// Stop the bulk actions under way or waiting: no new chunk starts, and the chunk
    /// under way gets `grace` to answer.
    StopBulk { grace: Duration },
}

impl Request {
    /// The id and slot of a request that is answered (StopBulk is not).
    pub(super) fn ticket(&self) -> Option<(RequestId, Slot)> {
        match self {
            Request::List { id, .. } | Request::Reload { id, .. } | Request::Reveal { id, .. } => {
                Some((*id, Slot::List))
            }
            Request::Edit { id, .. } => Some((*id, Slot::Edit)),
            Request::Export { id, .. } => Some((*id, Slot::Export)),
            Request::Journal { id, .. } => Some((*id, Slot::Journal)),
            Request::PlanUndo { id, .. } => Some((*id, Slot::Undo)),
            Request::Prefetch { id, .. } => Some((*id, Slot::Prefetch)),
            Request::Detail { id, .. } => Some((*id, Slot::Detail)),
            Request::Ring { id, .. } => Some((*id, Slot::Ring)),
            Request::Watch { id, .. } => Some((*id, Slot::Watch)),
            Request::Timeline { id, .. } => Some((*id, Slot::Timeline)),
            Request::View { id, .. } => Some((*id, Slot::View)),
            Request::RunAction { id, .. } => Some((*id, Slot::Action)),
            Request::Bulk { id, .. } => Some((*id, Slot::Bulk)),
            Request::StopBulk { .. } | Request::Abandon { .. } => None,
        }
    }
}

/// What a watch read again: each part that was asked, with what it asked.
#[derive(Debug, Clone)]
pub struct Reread {
    pub page: Option<(ListQuery, Result<Page, ApiError>)>,
    pub user: Option<(UserKey, Result<Box<UserDetail>, ApiError>)>,
}

/// An answer, carrying what it answers: the app applies it only where that still fits.
#[derive(Debug, Clone)]
pub enum Response {
    /// How far a ring has come: accounts read, of those known so far.
    RingProgress {
        id: RequestId,
        read: usize,
        known: usize,
    },
    Ring {
        id: RequestId,
        result: Result<Box<Ring>, ApiError>,
    },
    Page {
        id: RequestId,
        query: ListQuery,
        result: Result<Page, ApiError>,
        elapsed: Duration,
    },
    Prefetched {
        id: RequestId,
        query: ListQuery,
        result: Result<Page, ApiError>,
        elapsed: Duration,
    },
    Detail {
        id: RequestId,
        key: UserKey,
        result: Result<Box<UserDetail>, ApiError>,
        elapsed: Duration,
    },
    Edited {
        id: RequestId,
        result: Result<Box<Edited>, ApiError>,
        elapsed: Duration,
    },
    /// training: `count` users of the whole list have come for list request `id`.
    Arriving {
        id: RequestId,
        count: u64,
    },
    ExportProgress {
        id: RequestId,
        progress: ExportProgress,
    },
    Exported {
        id: RequestId,
        result: Result<u64, ExportError>,
    },
    Journal {
        id: RequestId,
        result: Result<Vec<JournalEntry>, String>,
    },
    UndoPlanned {
        id: RequestId,
        result: Result<UndoPlan, String>,
    },
    BulkProgress {
        id: RequestId,
        progress: Progress,
    },
    BulkDone {
        id: RequestId,
        action: BulkAction,
        report: Ledger,
        elapsed: Duration,
    },
    /// An account's history, oldest first, and whose it is; or why it could not be made.
    Timeline {
        id: RequestId,
        result: Result<(String, Vec<crate::api::timeline::Event>), String>,
    },
    /// What `:view` found, or why it could not.
    View {
        id: RequestId,
        result: Result<crate::app::ViewAnswer, String>,
    },
    /// How an action of the operator's own ended.
    ActionRan {
        id: RequestId,
        result: Result<crate::actions::Ran, String>,
    },
    /// What a watch read again.
    Watched {
        id: RequestId,
        read: Box<Reread>,
    },
    /// A request's task panicked; the worker goes on.
    Failed {
        id: RequestId,
        slot: Slot,
        message: String,
    },
}
