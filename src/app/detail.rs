//! The detail pane: one user, the state of its request (loading, loaded, failed with the
//! error), the overlap list's cursor, and the users it came from.

use std::time::Instant;

use super::Tickets;
use crate::api::model::{User, UserDetail};
use crate::api::ops::UserKey;
use crate::worker::{Request, RequestId};

/// The list of the pane the cursor moves in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaneList {
    /// The users sharing an address (crm).
    Overlaps,
    /// The user's sessions (crm).
    Sessions,
}

/// How the pane's user is doing.
#[derive(Debug, Clone)]
pub enum DetailLoad {
    Loading(RequestId),
    Loaded(Box<UserDetail>),
    /// The request failed with this message; `r` asks again.
    Failed(String),
}

/// Where the pane was on a user: Backspace back to that user puts the cursors back.
#[derive(Debug, Clone, PartialEq)]
struct Spot {
    id: String,
    overlap_cursor: usize,
    session_cursor: usize,
    on_sessions: bool,
}

#[derive(Debug)]
pub struct DetailPane {
    /// The user it shows: by id, or (`:goto`) by e-mail or ref until the answer names it.
    key: UserKey,
    load: DetailLoad,
    /// Row of the overlap list (crm).
    overlap_cursor: usize,
    /// Row of the session list (crm), and whether Tab moved the cursor there.
    session_cursor: usize,
    on_sessions: bool,
    /// First line shown, when there is no overlap list to move in.
    scroll: u16,
    /// The farthest it scrolls: the content's lines below the pane.
    max_scroll: u16,
    /// Users the pane came from, and where it was on each, for Back.
    history: Vec<Spot>,
    /// Where to put the cursors once the user gone back to is read again.
    returning: Option<Spot>,
    /// When the user shown was read.
    loaded_at: Option<Instant>,
    /// Counts the answers shown: a watch's read applies only to the answer it read again.
    generation: u64,
}

impl DetailPane {
    /// A pane on `id`, and its request.
    pub fn open(id: String, tickets: &mut Tickets) -> (DetailPane, Request) {
        DetailPane::open_key(UserKey::Id(id), tickets)
    }

    /// A pane on the user `key` names, and its request.
    pub fn open_key(key: UserKey, tickets: &mut Tickets) -> (DetailPane, Request) {
        let asked = tickets.issue();
        let request = Request::Detail {
            id: asked,
            key: key.clone(),
        };
        let pane = DetailPane {
            key,
            load: DetailLoad::Loading(asked),
            overlap_cursor: 0,
            session_cursor: 0,
            on_sessions: false,
            scroll: 0,
            max_scroll: u16::MAX,
            history: Vec::new(),
            returning: None,
            loaded_at: None,
            generation: 0,
        };
        (pane, request)
    }

    /// What the pane was opened on.
    pub fn key(&self) -> &UserKey {
        &self.key
    }

    /// The user's id (before a pane opened by e-mail or ref is answered: that key).
    pub fn id(&self) -> &str {
        match &self.key {
            UserKey::Id(id) | UserKey::Email(id) | UserKey::Ref(id) => id,
        }
    }

    pub fn load(&self) -> &DetailLoad {
        &self.load
    }

    pub fn detail(&self) -> Option<&UserDetail> {
        match &self.load {
            DetailLoad::Loaded(detail) => Some(detail),
            _ => None,
        }
    }

    /// Which answer is shown: another once one came since.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// When the user shown was read, if it was.
    pub fn loaded_at(&self) -> Option<Instant> {
        self.loaded_at
    }

    pub fn loading(&self) -> bool {
        matches!(self.load, DetailLoad::Loading(_))
    }

    pub fn overlap_cursor(&self) -> usize {
        self.overlap_cursor
    }

    pub fn session_cursor(&self) -> usize {
        self.session_cursor
    }

    /// The list the cursor moves in: the sessions once Tab went there, else the overlap
    /// list, else the sessions; none when the user has neither.
    pub fn list(&self) -> Option<PaneList> {
        match (self.overlaps(), self.sessions()) {
            (_, s) if self.on_sessions && s > 0 => Some(PaneList::Sessions),
            (o, _) if o > 0 => Some(PaneList::Overlaps),
            (_, s) if s > 0 => Some(PaneList::Sessions),
            _ => None,
        }
    }

    /// The user under the pane's cursor: the one it points at in the users sharing an
    /// address, else the user the pane shows (none until read).
    pub fn user_at_cursor(&self) -> Option<&User> {
        let detail = self.detail()?;
        match self.list() {
            Some(PaneList::Overlaps) => detail
                .overlaps
                .as_ref()
                .and_then(|o| o.get(self.overlap_cursor))
                .map(|o| &o.user),
            _ => Some(&detail.user),
        }
    }

    /// Tab inside the pane: from the overlap list to the sessions; false when the focus
    /// leaves the pane instead.
    pub fn next_list(&mut self) -> bool {
        let onward = self.list() == Some(PaneList::Overlaps) && self.sessions() > 0;
        self.on_sessions = onward;
        self.scroll = 0;
        onward
    }

    pub fn scroll(&self) -> u16 {
        self.scroll
    }

    /// How many users back the pane came from.
    pub fn depth(&self) -> usize {
        self.history.len()
    }

    /// The user the pane shows now, and where its cursors are.
    fn spot(&self) -> Spot {
        Spot {
            id: self.id().to_string(),
            overlap_cursor: self.overlap_cursor,
            session_cursor: self.session_cursor,
            on_sessions: self.on_sessions,
        }
    }

    /// Asks for the pane's user (again).
    pub fn ask(&mut self, tickets: &mut Tickets) -> Request {
        let id = tickets.issue();
        self.load = DetailLoad::Loading(id);
        Request::Detail {
            id,
            key: self.key.clone(),
        }
    }

    /// Applies an answer if it is the one the pane waits for; whether it was.
    pub fn answer(
        &mut self,
        id: RequestId,
        key: &UserKey,
        result: Result<Box<UserDetail>, String>,
        now: Instant,
    ) -> bool {
        let waited =
            matches!(self.load, DetailLoad::Loading(asked) if asked == id) && *key == self.key;
        if waited {
            self.generation += 1;
            // A user gone back to: its cursors as they were (kept inside its lists).
            let spot = self
                .returning
                .take()
                .filter(|s| UserKey::Id(s.id.clone()) == *key);
            self.overlap_cursor = spot.as_ref().map_or(0, |s| s.overlap_cursor);
            self.session_cursor = spot.as_ref().map_or(0, |s| s.session_cursor);
            self.on_sessions = spot.is_some_and(|s| s.on_sessions);
            self.scroll = 0;
            self.load = match result {
                Ok(detail) => {
                    self.key = UserKey::Id(detail.user.id.clone());
                    self.loaded_at = Some(now);
                    DetailLoad::Loaded(detail)
                }
                Err(error) => DetailLoad::Failed(error),
            };
            self.overlap_cursor = self.overlap_cursor.min(self.overlaps().saturating_sub(1));
            self.session_cursor = self.session_cursor.min(self.sessions().saturating_sub(1));
        }
        waited
    }

    /// A watch read the pane's user again: shown in place, the cursors kept (within its
    /// lists). The user as it was, when it changed.
    pub fn reread(
        &mut self,
        key: &UserKey,
        detail: Box<UserDetail>,
        now: Instant,
        of: u64,
    ) -> Option<Box<UserDetail>> {
        if *key != self.key || !matches!(self.load, DetailLoad::Loaded(_)) || of != self.generation
        {
            return None;
        }
        self.loaded_at = Some(now);
        let DetailLoad::Loaded(before) = &self.load else {
            return None;
        };
        if **before == *detail {
            return None;
        }
        // The cursors stay on the user and the session they were on.
        let overlap_at = |d: &UserDetail, i: usize| {
            d.overlaps
                .as_ref()
                .and_then(|o| o.get(i))
                .map(|o| o.user.id.clone())
        };
        let session_at = |d: &UserDetail, i: usize| {
            d.sessions
                .as_ref()
                .and_then(|s| s.all.get(i))
                .map(|s| s.id.clone())
        };
        let overlap = overlap_at(before, self.overlap_cursor);
        let session = session_at(before, self.session_cursor);
        let find = |list: Vec<String>, wanted: Option<String>| {
            wanted.and_then(|w| list.iter().position(|id| *id == w))
        };
        let overlap_ids = detail
            .overlaps
            .iter()
            .flatten()
            .map(|o| o.user.id.clone())
            .collect();
        let session_ids = detail
            .sessions
            .iter()
            .flat_map(|s| &s.all)
            .map(|s| s.id.clone())
            .collect();
        self.overlap_cursor = find(overlap_ids, overlap).unwrap_or(self.overlap_cursor);
        self.session_cursor = find(session_ids, session).unwrap_or(self.session_cursor);
        let DetailLoad::Loaded(before) =
            std::mem::replace(&mut self.load, DetailLoad::Loaded(detail))
        else {
            return None;
        };
        self.generation += 1;
        self.overlap_cursor = self.overlap_cursor.min(self.overlaps().saturating_sub(1));
        self.session_cursor = self.session_cursor.min(self.sessions().saturating_sub(1));
        self.scroll = self.scroll.min(self.max_scroll);
        Some(before)
    }

    /// The request `id` will never answer (its task died): the pane shows `error`.
    pub fn abandon(&mut self, id: RequestId, error: String) {
        if matches!(self.load, DetailLoad::Loading(asked) if asked == id) {
            self.load = DetailLoad::Failed(error);
        }
    }

    fn overlaps(&self) -> usize {
        self.detail()
            .and_then(|d| d.overlaps.as_ref())
            .map_or(0, Vec::len)
    }

    fn sessions(&self) -> usize {
        self.detail()
            .and_then(|d| d.sessions.as_ref())
            .map_or(0, |s| s.all.len())
    }

    /// Moves in the list the cursor is in (the pane then follows the cursor), or scrolls
    /// the pane when there is none.
    pub fn move_by(&mut self, delta: i64) {
        let moved = |cursor: usize, count: usize| {
            (cursor as i64 + delta).clamp(0, count as i64 - 1) as usize
        };
        match self.list() {
            None => return self.scroll_by(delta),
            Some(PaneList::Overlaps) => {
                self.overlap_cursor = moved(self.overlap_cursor, self.overlaps());
            }
            Some(PaneList::Sessions) => {
                self.session_cursor = moved(self.session_cursor, self.sessions());
            }
        }
        self.scroll = 0;
    }

    /// Scrolls the pane by `lines` (what the overlap list leaves out of view: sessions,
    /// groups, extra fields).
    pub fn scroll_by(&mut self, lines: i64) {
        let lines = i16::try_from(lines.clamp(i16::MIN.into(), i16::MAX.into())).unwrap_or(0);
        self.scroll = self
            .scroll
            .saturating_add_signed(lines)
            .min(self.max_scroll);
    }

    /// The pane's content reaches this many lines below it (told by the screen).
    pub fn set_max_scroll(&mut self, max: u16) {
        self.max_scroll = max;
        self.scroll = self.scroll.min(max);
    }

    /// Follows the overlapping user under the cursor: the pane shows that user now.
    pub fn follow(&mut self, tickets: &mut Tickets) -> Option<Request> {
        if self.list() != Some(PaneList::Overlaps) {
            return None;
        }
        let target = self
            .detail()
            .and_then(|d| d.overlaps.as_ref())
            .and_then(|o| o.get(self.overlap_cursor))
            .map(|o| o.user.id.clone())?;
        self.history.push(self.spot());
        self.key = UserKey::Id(target);
        Some(self.ask(tickets))
    }

    /// Shows user `id` now, coming from the one shown (Backspace goes back).
    pub fn go_to(&mut self, id: String, tickets: &mut Tickets) -> Request {
        if id != self.id() {
            self.history.push(self.spot());
            self.key = UserKey::Id(id);
        }
        self.ask(tickets)
    }

    /// Back to the user the pane came from; None when it came from none (close it).
    pub fn back(&mut self, tickets: &mut Tickets) -> Option<Request> {
        let spot = self.history.pop()?;
        self.key = UserKey::Id(spot.id.clone());
        self.returning = Some(spot);
        Some(self.ask(tickets))
    }
}
