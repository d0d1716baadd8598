//! The table view: the page shown *with the query it answers*, the query asked for and
//! how its loading goes, a page fetched ahead (kept with its own query), and the cursor.
//!
//! An answer is applied only when it answers the request under way and the query asked
//! for; so the rows on screen always answer the query the footer names.

use std::collections::HashSet;
use std::time::Instant;

mod watched;

use super::Tickets;
use crate::api::model::{BulkAction, ListQuery, Page, User};
use crate::worker::{Request, RequestId};

/// A page, the query it answers, and when it came (what it says of statuses is as old
/// as that).
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub query: ListQuery,
    pub page: Page,
    pub at: Instant,
}

/// How the query asked for is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// Its rows are the ones shown.
    Loaded,
    /// Asked (or waiting for the request under way to answer first).
    Pending,
    /// It failed with this message; the rows shown, if any, answer another query.
    Failed(String),
}

/// The page after the one shown (server paging only).
#[derive(Debug, Clone, Default)]
enum Ahead {
    #[default]
    None,
    Asked(RequestId, ListQuery),
    Ready(Shown),
}

/// Where the cursor goes when the page asked for arrives.
#[derive(Debug, Clone, PartialEq)]
pub enum CursorAt {
    Top,
    Bottom,
    /// On this user, wherever its page is (the query's offset is the worker's to find).
    User(String),
}

#[derive(Debug)]
pub struct TableView {
    shown: Option<Shown>,
    wanted: ListQuery,
    load: Load,
    /// The one list request under way, and the query it asks.
    in_flight: Option<(RequestId, ListQuery)>,
    ahead: Ahead,
    server_paging: bool,
    cursor: usize,
    scroll: usize,
    height: usize,
    arrival: Option<CursorAt>,
    /// A user asked to be revealed that the page shown does not hold (it does not
    /// answer the listing's filter or status).
    missed: Option<String>,
    /// How many users of the whole list (training) have come for a request, so far.
    arriving: Option<(RequestId, u64)>,
    /// Counts the pages shown: a watch's read applies only to the page it read.
    generation: u64,
}

impl TableView {
    /// A view that has asked for nothing yet.
    pub fn new(query: ListQuery, server_paging: bool) -> TableView {
        TableView {
            shown: None,
            wanted: query,
            load: Load::Pending,
            in_flight: None,
            arriving: None,
            ahead: Ahead::None,
            server_paging,
            cursor: 0,
            scroll: 0,
            height: 20,
            arrival: None,
            missed: None,
            generation: 0,
        }
    }

    /// Which page is shown: another once a page came since.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn shown(&self) -> Option<&Shown> {
        self.shown.as_ref()
    }

    /// The rows shown (none before the first page came).
    pub fn rows(&self) -> &[User] {
        self.shown.as_ref().map_or(&[], |s| &s.page.rows)
    }

    /// The query asked for last.
    pub fn wanted(&self) -> &ListQuery {
        &self.wanted
    }

    pub fn load(&self) -> &Load {
        &self.load
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// The user under the cursor.
    pub fn current(&self) -> Option<&User> {
        self.rows().get(self.cursor)
    }

    /// Whether a list request is under way (fetching ahead does not count).
    pub fn busy(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Whether the rows shown are about to give way to others asked for (another page,
    /// or another listing): a key that acts on a row waits for them.
    pub fn turning(&self) -> bool {
        self.load == Load::Pending
            && self
                .shown
                .as_ref()
                .is_some_and(|s| self.arrival.is_some() || s.query != self.wanted)
    }

    /// The offset pages turn from: the page asked for while it comes (so each key turns
    /// one more page), else the page shown.
    fn turned_from(&self, shown: &Shown) -> u64 {
        if self.load == Load::Pending && same_listing(&self.wanted, &shown.query) {
            self.wanted.offset
        } else {
            shown.query.offset
        }
    }

    pub fn set_height(&mut self, rows: usize) {
        self.height = rows.max(1);
        self.keep_cursor_in_view();
    }

    /// Asks for the first request's page (at start).
    pub fn start(&mut self, tickets: &mut Tickets) -> Vec<Request> {
        self.send(tickets, false)
    }

    /// Asks for `query`: shown at once from the page fetched ahead when that answers it,
    /// else requested (or queued behind the request under way: typing fast sends few
    /// requests). `reload` asks the server again even when nothing changed.
    pub fn ask(&mut self, query: ListQuery, tickets: &mut Tickets, reload: bool) -> Vec<Request> {
        self.wanted = query;
        if reload {
            self.ahead = Ahead::None;
            self.load = Load::Pending;
            return self.send(tickets, true);
        }
        if self.shown.as_ref().is_some_and(|s| s.query == self.wanted) {
            // Back to what is shown: whatever is under way no longer matters.
            self.load = Load::Loaded;
            self.in_flight = None;
            return Vec::new();
        }
        self.load = Load::Pending;
        match std::mem::take(&mut self.ahead) {
            Ahead::Ready(ahead) if ahead.query == self.wanted => {
                self.in_flight = None;
                self.show(ahead);
                return self.fetch_ahead(tickets);
            }
            // Already on its way: its answer is awaited as the page asked for.
            Ahead::Asked(id, query) if query == self.wanted && self.in_flight.is_none() => {
                self.in_flight = Some((id, query));
                return Vec::new();
            }
            other => self.ahead = other,
        }
        if self.in_flight.is_some() {
            return Vec::new();
        }
        self.send(tickets, false)
    }

    /// The user a reveal could not show, once.
    pub fn take_missed(&mut self) -> Option<String> {
        self.missed.take()
    }

    /// Asks again for the listing asked for, at the page that holds `user`, with the
    /// cursor on it (after an edit: the user may have moved, or be new).
    pub fn reveal(&mut self, user: String, tickets: &mut Tickets) -> Vec<Request> {
        self.ahead = Ahead::None;
        self.load = Load::Pending;
        self.arrival = Some(CursorAt::User(user.clone()));
        let id = tickets.issue();
        let query = self.wanted.clone();
        self.in_flight = Some((id, query.clone()));
        vec![Request::Reveal { id, query, user }]
    }

    /// Changes the query asked for (back to its first page unless only the offset
    /// changed) and asks.
    pub fn requery(
        &mut self,
        tickets: &mut Tickets,
        change: impl FnOnce(&mut ListQuery),
    ) -> Vec<Request> {
        let mut query = self.wanted.clone();
        change(&mut query);
        if query == self.wanted {
            return Vec::new();
        }
        if query.offset == self.wanted.offset {
            query.offset = 0;
        }
        self.arrival = None;
        self.ask(query, tickets, false)
    }

    fn send(&mut self, tickets: &mut Tickets, reload: bool) -> Vec<Request> {
        let id = tickets.issue();
        let query = self.wanted.clone();
        self.in_flight = Some((id, query.clone()));
        vec![if reload {
            Request::Reload { id, query }
        } else {
            Request::List { id, query }
        }]
    }

    /// `count` users of the whole list have come for request `id`.
    pub fn arriving(&mut self, id: RequestId, count: u64) {
        self.arriving = Some((id, count));
    }

    /// How many users of the whole list have come for the request under way, if it
    /// reads the whole list and said so.
    pub fn arrived(&self) -> Option<u64> {
        self.arriving
            .filter(|(id, _)| self.under_way(*id))
            .map(|(_, count)| count)
    }

    /// Whether `id` is the list request under way.
    fn under_way(&self, id: RequestId) -> bool {
        self.in_flight.as_ref().is_some_and(|(i, _)| *i == id)
    }

    /// A list answer: shown when it answers the query asked for, kept as a failure of
    /// that query when it failed, dropped when it answers an older one.
    pub fn answer(
        &mut self,
        id: RequestId,
        query: ListQuery,
        result: Result<Page, String>,
        tickets: &mut Tickets,
        now: Instant,
    ) -> Answered {
        if !self.under_way(id) {
            return Answered::Dropped;
        }
        self.in_flight = None;
        if matches!(self.arrival, Some(CursorAt::User(_))) && same_listing(&query, &self.wanted) {
            // A revealed user's page: its offset is the one the worker found.
            self.wanted.offset = query.offset;
        }
        if query != self.wanted {
            // Stale: the query asked for since goes out now, if it still waits.
            if self.load == Load::Pending {
                return Answered::Stale(self.send(tickets, false));
            }
            return Answered::Stale(Vec::new());
        }
        match result {
            // Emptied meanwhile (a bulk action took its rows out of the filter): the last
            // page that has rows, rather than "no users match" over users that do.
            Ok(page) if page.rows.is_empty() && page.total > 0 && query.offset >= page.total => {
                let limit = query.limit.max(1);
                self.wanted.offset = (page.total - 1) / limit * limit;
                self.load = Load::Pending;
                Answered::Stale(self.send(tickets, true))
            }
            Ok(page) => {
                self.show(Shown {
                    query,
                    page,
                    at: now,
                });
                Answered::Shown(self.fetch_ahead(tickets))
            }
            Err(error) => {
                self.load = Load::Failed(error);
                if matches!(self.arrival, Some(CursorAt::User(_))) {
                    self.arrival = None;
                }
                Answered::Failed
            }
        }
    }

    /// The request `id` will never answer (its task died): the query fails with `error`.
    /// Whether it was the request under way.
    pub fn abandon(&mut self, id: RequestId, error: String) -> bool {
        if matches!(self.ahead, Ahead::Asked(asked, _) if asked == id) {
            self.ahead = Ahead::None;
        }
        if !self.under_way(id) {
            return false;
        }
        self.in_flight = None;
        self.load = Load::Failed(error);
        true
    }

    /// A page fetched ahead: kept with the query it answers — or shown, when it has been
    /// asked for since.
    pub fn answer_ahead(
        &mut self,
        id: RequestId,
        query: ListQuery,
        result: Result<Page, String>,
        tickets: &mut Tickets,
        now: Instant,
    ) -> Answered {
        if self.under_way(id) {
            return self.answer(id, query, result, tickets, now);
        }
        if let Ahead::Asked(asked, ref wanted) = self.ahead
            && asked == id
            && *wanted == query
        {
            // A failed fetch ahead is silent: turning the page asks again.
            self.ahead = match result {
                Ok(page) => Ahead::Ready(Shown {
                    query,
                    page,
                    at: now,
                }),
                Err(_) => Ahead::None,
            };
        }
        Answered::Dropped
    }

    fn show(&mut self, shown: Shown) {
        self.generation += 1;
        let rows = shown.page.rows.len();
        self.shown = Some(shown);
        self.load = Load::Loaded;
        self.cursor = match self.arrival.take() {
            Some(CursorAt::Top) => 0,
            Some(CursorAt::Bottom) => rows.saturating_sub(1),
            Some(CursorAt::User(id)) => match self.rows().iter().position(|u| u.id == id) {
                Some(at) => at,
                None => {
                    self.missed = Some(id);
                    0
                }
            },
            None => self.cursor.min(rows.saturating_sub(1)),
        };
        self.scroll = 0;
        self.keep_cursor_in_view();
    }

    /// Asks for the page after the one shown, when the server pages (crm).
    fn fetch_ahead(&mut self, tickets: &mut Tickets) -> Vec<Request> {
        self.ahead = Ahead::None;
        let Some(shown) = &self.shown else {
            return Vec::new();
        };
        let next = shown.query.offset + shown.query.limit;
        if !self.server_paging || next >= shown.page.total {
            return Vec::new();
        }
        let query = ListQuery {
            offset: next,
            ..shown.query.clone()
        };
        let id = tickets.issue();
        self.ahead = Ahead::Asked(id, query.clone());
        vec![Request::Prefetch { id, query }]
    }

    /// The query shown, when its filter, status and sort are the ones asked for: pages
    /// turn from there. None while another listing is pending or failed.
    fn turnable(&self) -> Result<&Shown, Refusal> {
        match &self.shown {
            Some(shown) if same_listing(&shown.query, &self.wanted) => Ok(shown),
            Some(_) => Err(Refusal::OtherListing),
            None => Err(Refusal::NothingShown),
        }
    }

    /// Turns to the page at `offset` of the listing shown, the cursor put at `at`.
    fn turn_to(
        &mut self,
        tickets: &mut Tickets,
        offset: u64,
        at: CursorAt,
    ) -> Result<Vec<Request>, Refusal> {
        let shown = self.turnable()?;
        let query = ListQuery {
            offset,
            ..shown.query.clone()
        };
        if query == self.wanted && self.load == Load::Pending {
            return Ok(Vec::new());
        }
        self.arrival = Some(at);
        Ok(self.ask(query, tickets, false))
    }

    pub fn next_page(
        &mut self,
        tickets: &mut Tickets,
        at: CursorAt,
    ) -> Result<Vec<Request>, Refusal> {
        let shown = self.turnable()?;
        let next = self.turned_from(shown) + shown.query.limit;
        if next >= shown.page.total {
            return Ok(Vec::new());
        }
        self.turn_to(tickets, next, at)
    }

    pub fn prev_page(
        &mut self,
        tickets: &mut Tickets,
        at: CursorAt,
    ) -> Result<Vec<Request>, Refusal> {
        let shown = self.turnable()?;
        let from = self.turned_from(shown);
        if from == 0 {
            return Ok(Vec::new());
        }
        let previous = from.saturating_sub(shown.query.limit);
        self.turn_to(tickets, previous, at)
    }

    pub fn first(&mut self, tickets: &mut Tickets) -> Result<Vec<Request>, Refusal> {
        let shown = self.turnable()?;
        if shown.query.offset == 0 {
            self.cursor = 0;
            self.keep_cursor_in_view();
            return Ok(Vec::new());
        }
        self.turn_to(tickets, 0, CursorAt::Top)
    }

    pub fn last(&mut self, tickets: &mut Tickets) -> Result<Vec<Request>, Refusal> {
        let shown = self.turnable()?;
        let limit = shown.query.limit.max(1);
        let last = shown.page.total.saturating_sub(1) / limit * limit;
        if shown.query.offset == last {
            self.cursor = self.rows().len().saturating_sub(1);
            self.keep_cursor_in_view();
            return Ok(Vec::new());
        }
        self.turn_to(tickets, last, CursorAt::Bottom)
    }

    /// Moves the cursor; past the edge of the page, turns one page (further moves wait
    /// until it has come).
    pub fn move_cursor(
        &mut self,
        tickets: &mut Tickets,
        delta: i64,
    ) -> Result<Vec<Request>, Refusal> {
        let rows = self.rows().len();
        if rows == 0 {
            return Ok(Vec::new());
        }
        let target = self.cursor as i64 + delta;
        let edge = target >= rows as i64 || target < 0;
        if edge && self.busy() {
            return Ok(Vec::new());
        }
        if target >= rows as i64 {
            return self.next_page(tickets, CursorAt::Top);
        }
        if target < 0 {
            return self.prev_page(tickets, CursorAt::Bottom);
        }
        self.cursor = target as usize;
        self.keep_cursor_in_view();
        Ok(Vec::new())
    }

    /// Puts the cursor on row `row` of the page, if there is one.
    pub fn click(&mut self, row: usize) {
        if row < self.rows().len() {
            self.cursor = row;
            self.keep_cursor_in_view();
        }
    }

    fn keep_cursor_in_view(&mut self) {
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + self.height {
            self.scroll = self.cursor + 1 - self.height;
        }
    }

    /// Shows the new status of the rows a bulk action `action` succeeded on, until the
    /// reload comes; a page fetched ahead is out of date now.
    pub fn acted(&mut self, action: BulkAction, succeeded: &HashSet<&str>) {
        self.ahead = Ahead::None;
        let Some(status) = action.resulting_status() else {
            return;
        };
        if let Some(shown) = self.shown.as_mut() {
            for user in &mut shown.page.rows {
                if succeeded.contains(user.id.as_str()) {
                    user.status = status.clone();
                }
            }
        }
    }
}

/// What came of a list answer.
#[derive(Debug)]
pub enum Answered {
    /// Not the request under way (replaced, or fetched ahead): nothing changed.
    Dropped,
    /// It answered an older query; the newer one may have gone out.
    Stale(Vec<Request>),
    /// Its rows are shown now; the requests to fetch ahead.
    Shown(Vec<Request>),
    /// The query asked for failed.
    Failed,
}

/// Why a page cannot be turned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The listing asked for is not the one shown (still coming, or failed).
    OtherListing,
    NothingShown,
}

/// Whether two queries list the same users (they may differ in the page).
fn same_listing(a: &ListQuery, b: &ListQuery) -> bool {
    ListQuery {
        offset: 0,
        ..a.clone()
    } == ListQuery {
        offset: 0,
        ..b.clone()
    }
}
