//! The dashboard's state and the one place that changes it: [`App::update`] takes an
//! [`Action`] (a key's meaning, or a worker's answer) and returns [`Effect`]s for the
//! loop to carry out. No I/O, no terminal, no async: every rule here is testable alone.

pub mod keymap;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use crossterm::event::KeyEvent;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::api::bulk::Progress;
use crate::api::model::{
    BulkAction, BulkReport, Capabilities, ListQuery, Page, Status, UserDetail,
};
use crate::api::ops::UserKey;
use crate::api::worker::{Request, RequestId, Response, Slot};
pub use keymap::Keymap;

/// What can happen: a key's meaning, or something from the outside world.
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
    /// Block the selection (or the current row).
    Block,
    /// Activate the selection (or the current row).
    Activate,
    /// Archive the selection (or the current row).
    Archive,
    /// Unarchive the selection (or the current row).
    Unarchive,
    /// Fetch again.
    Reload,
    /// Show the keys.
    Help,
    /// Close what is open, clear the filter, or cancel a dialog.
    Cancel,
    /// Leave.
    Quit,
}

/// What the loop does for the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Send(Request),
    Quit,
}

/// Everything that reaches [`App::update`].
#[derive(Debug, Clone)]
pub enum Event {
    /// A key, interpreted by the keymap unless text is being typed.
    Key(KeyEvent),
    /// A worker's answer.
    Worker(Response),
    /// The table now has room for this many rows; the detail pane stands beside the table
    /// (else over it).
    Resize {
        table_rows: usize,
        side_by_side: bool,
    },
    /// A click on the row at this index of the page.
    Click(usize),
    /// The mouse wheel: positive down.
    Scroll(i32),
    /// Time passed while requests are under way (the spinner).
    Tick,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing the filter.
    Filter,
    /// A bulk action waits for y / n (or for the count to be typed).
    Confirm,
    /// A bulk action runs.
    Busy,
    Help,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Table,
    Detail,
}

/// A bulk action waiting to be confirmed.
#[derive(Debug, Clone)]
pub struct Dialog {
    pub action: BulkAction,
    /// Snapshot of the ids at the time of asking.
    pub ids: Vec<String>,
    /// Names of the first few, to show.
    pub names: Vec<String>,
    /// Selected users not on the page shown (hidden by the filter or other pages).
    pub hidden: usize,
    /// Above [`TYPE_TO_CONFIRM`] users, the count must be typed.
    pub typed: Option<Input>,
}

/// From this many users on, a bulk action is confirmed by typing the count.
pub const TYPE_TO_CONFIRM: usize = 100;

/// The detail pane.
#[derive(Debug, Clone)]
pub struct DetailView {
    pub id: String,
    /// None while loading.
    pub detail: Option<Box<UserDetail>>,
    /// Row of the overlap list (crm).
    pub overlap_cursor: usize,
    /// First line shown, when there is no overlap list to move in.
    pub scroll: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub error: bool,
    pub text: String,
}

/// Settings the app starts with.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub capabilities: Capabilities,
    pub profile: String,
    pub read_only: bool,
    pub page_size: u64,
    pub keymap: Keymap,
    pub warnings: Vec<String>,
    /// Colours on (off with NO_COLOR).
    pub color: bool,
}

/// Requests under way, and the newest of each slot.
#[derive(Debug, Default)]
struct Requests {
    next: u64,
    newest: HashMap<Slot, RequestId>,
    in_flight: HashSet<RequestId>,
}

impl Requests {
    fn issue(&mut self, slot: Slot) -> RequestId {
        self.next += 1;
        let id = RequestId(self.next);
        // The worker aborts the request this one replaces: it will never answer.
        if let Some(replaced) = self.newest.insert(slot, id)
            && slot != Slot::Bulk
        {
            self.in_flight.remove(&replaced);
        }
        self.in_flight.insert(id);
        id
    }

    /// Marks `id` answered; whether it is the newest of its slot (else: drop it).
    fn settle(&mut self, slot: Slot, id: RequestId) -> bool {
        self.in_flight.remove(&id);
        self.newest.get(&slot) == Some(&id)
    }

    fn busy(&self, slot: Slot) -> bool {
        self.newest
            .get(&slot)
            .is_some_and(|id| self.in_flight.contains(id))
    }
}

/// The dashboard's state.
pub struct App {
    pub config: AppConfig,
    pub mode: Mode,
    pub focus: Focus,
    /// The query of the page shown (or asked for).
    pub query: ListQuery,
    pub page: Page,
    /// Row of the page under the cursor.
    pub cursor: usize,
    /// First row of the page in view.
    pub scroll: usize,
    pub table_rows: usize,
    /// Whether the detail pane stands beside the table; over it, it takes the focus.
    pub side_by_side: bool,
    pub filter: Input,
    /// Selected users: id → name, kept across pages and filters.
    pub selected: BTreeMap<String, String>,
    pub detail: Option<DetailView>,
    /// Users the detail came from, for Back.
    pub history: Vec<String>,
    pub dialog: Option<Dialog>,
    pub progress: Option<Progress>,
    pub message: Option<Message>,
    pub latency: Option<Duration>,
    pub spinner: usize,
    requests: Requests,
    /// A list query typed while another was under way: sent when that one answers.
    queued: Option<ListQuery>,
    /// The next page, fetched ahead (crm).
    prefetched: Option<(ListQuery, Page)>,
    /// The cursor to put on a page when it arrives (Last, PrevPage by moving up).
    cursor_on_arrival: Option<CursorAt>,
    pub quit: bool,
}

#[derive(Debug, Clone, Copy)]
enum CursorAt {
    Top,
    Bottom,
}

impl App {
    /// The app and its first requests.
    pub fn new(config: AppConfig) -> (App, Vec<Effect>) {
        let query = ListQuery {
            limit: config.page_size,
            sort: config.capabilities.sort_fields[0],
            ..ListQuery::default()
        };
        let message = (!config.warnings.is_empty()).then(|| Message {
            error: true,
            text: config.warnings.join("; "),
        });
        let mut app = App {
            config,
            mode: Mode::Normal,
            focus: Focus::Table,
            query,
            page: Page::default(),
            cursor: 0,
            scroll: 0,
            table_rows: 20,
            side_by_side: true,
            filter: Input::default(),
            selected: BTreeMap::new(),
            detail: None,
            history: Vec::new(),
            dialog: None,
            progress: None,
            message,
            latency: None,
            spinner: 0,
            requests: Requests::default(),
            queued: None,
            prefetched: None,
            cursor_on_arrival: None,
            quit: false,
        };
        let effects = app.list(app.query.clone());
        (app, effects)
    }

    /// Whether any request is under way (the spinner turns).
    pub fn loading(&self) -> bool {
        let prefetch = self.requests.newest.get(&Slot::Prefetch);
        self.requests
            .in_flight
            .iter()
            .any(|id| Some(id) != prefetch)
    }

    pub fn current(&self) -> Option<&crate::api::model::User> {
        self.page.rows.get(self.cursor)
    }

    /// Handles one event.
    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) => self.key(key),
            Event::Worker(response) => self.answer(response),
            Event::Resize {
                table_rows,
                side_by_side,
            } => {
                self.table_rows = table_rows.max(1);
                self.side_by_side = side_by_side;
                self.keep_cursor_in_view();
                Vec::new()
            }
            Event::Click(row) => {
                if row < self.page.rows.len() && self.mode == Mode::Normal {
                    self.cursor = row;
                    self.focus = Focus::Table;
                    self.keep_cursor_in_view();
                }
                Vec::new()
            }
            Event::Scroll(lines) => {
                let action = if lines > 0 {
                    Action::MoveDown
                } else {
                    Action::MoveUp
                };
                (0..lines.unsigned_abs().min(10))
                    .flat_map(|_| self.act(action))
                    .collect()
            }
            Event::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                Vec::new()
            }
        }
    }

    fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        use crossterm::event::{KeyCode, KeyModifiers};
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        match self.mode {
            Mode::Filter => match key.code {
                _ if ctrl_c => self.act(Action::Quit),
                KeyCode::Esc => {
                    self.mode = Mode::Normal;
                    self.clear_filter()
                }
                KeyCode::Enter | KeyCode::Down | KeyCode::Up | KeyCode::Tab => {
                    self.mode = Mode::Normal;
                    Vec::new()
                }
                _ => {
                    let before = self.filter.value().to_string();
                    self.filter.handle_event(&crossterm::event::Event::Key(key));
                    if self.filter.value() == before {
                        return Vec::new();
                    }
                    let text = self.filter.value().to_string();
                    self.requery(|q| q.text = (!text.is_empty()).then_some(text))
                }
            },
            Mode::Confirm => self.confirm_key(key, ctrl_c),
            Mode::Help => {
                self.mode = Mode::Normal;
                if ctrl_c {
                    self.act(Action::Quit)
                } else {
                    Vec::new()
                }
            }
            Mode::Busy => {
                if ctrl_c {
                    self.act(Action::Quit)
                } else {
                    self.info("a bulk action is running; it finishes on its own");
                    Vec::new()
                }
            }
            Mode::Normal => match self.config.keymap.action(&key) {
                Some(action) => self.act(action),
                None => Vec::new(),
            },
        }
    }

    fn confirm_key(&mut self, key: KeyEvent, ctrl_c: bool) -> Vec<Effect> {
        use crossterm::event::KeyCode;
        if ctrl_c {
            return self.act(Action::Quit);
        }
        let Some(dialog) = self.dialog.as_mut() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        match (&mut dialog.typed, key.code) {
            (_, KeyCode::Esc) | (None, KeyCode::Char('n' | 'N')) => {
                self.mode = Mode::Normal;
                self.dialog = None;
                self.info("cancelled: nothing was sent");
                Vec::new()
            }
            (None, KeyCode::Char('y' | 'Y') | KeyCode::Enter) => self.run_dialog(),
            (Some(typed), KeyCode::Enter) => {
                if typed.value().trim() == dialog.ids.len().to_string() {
                    self.run_dialog()
                } else {
                    typed.reset();
                    self.error("the number typed is not the count: type it exactly, or Esc");
                    Vec::new()
                }
            }
            (Some(typed), _) => {
                typed.handle_event(&crossterm::event::Event::Key(key));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn run_dialog(&mut self) -> Vec<Effect> {
        let Some(dialog) = self.dialog.take() else {
            return Vec::new();
        };
        self.mode = Mode::Busy;
        self.progress = Some(Progress {
            done: 0,
            total: dialog.ids.len(),
        });
        let id = self.requests.issue(Slot::Bulk);
        vec![Effect::Send(Request::Bulk {
            id,
            action: dialog.action,
            ids: dialog.ids,
        })]
    }

    /// Carries out a bound action.
    pub fn act(&mut self, action: Action) -> Vec<Effect> {
        let detail_focus = self.focus == Focus::Detail && self.detail.is_some();
        match action {
            Action::Quit => {
                self.quit = true;
                vec![Effect::Quit]
            }
            Action::Help => {
                self.mode = Mode::Help;
                Vec::new()
            }
            Action::MoveDown if detail_focus => {
                self.move_overlap(1);
                Vec::new()
            }
            Action::MoveUp if detail_focus => {
                self.move_overlap(-1);
                Vec::new()
            }
            Action::MoveDown => self.move_cursor(1),
            Action::MoveUp => self.move_cursor(-1),
            Action::First => {
                if self.query.offset == 0 {
                    self.cursor = 0;
                    self.keep_cursor_in_view();
                    Vec::new()
                } else {
                    self.cursor_on_arrival = Some(CursorAt::Top);
                    self.requery(|q| q.offset = 0)
                }
            }
            Action::Last => {
                let last_offset = self.last_page_offset();
                if self.query.offset == last_offset {
                    self.cursor = self.page.rows.len().saturating_sub(1);
                    self.keep_cursor_in_view();
                    Vec::new()
                } else {
                    self.cursor_on_arrival = Some(CursorAt::Bottom);
                    self.requery(|q| q.offset = last_offset)
                }
            }
            Action::NextPage => self.next_page(CursorAt::Top),
            Action::PrevPage => self.prev_page(CursorAt::Top),
            Action::Filter => {
                self.mode = Mode::Filter;
                Vec::new()
            }
            Action::CycleStatus => {
                let statuses = &self.config.capabilities.statuses;
                let next = match &self.query.status {
                    None => statuses.first().cloned(),
                    Some(s) => statuses
                        .iter()
                        .position(|x| x == s)
                        .and_then(|i| statuses.get(i + 1))
                        .cloned(),
                };
                self.requery(|q| q.status = next)
            }
            Action::NextSort => {
                let fields = &self.config.capabilities.sort_fields;
                let i = fields
                    .iter()
                    .position(|f| *f == self.query.sort)
                    .unwrap_or(0);
                let next = fields[(i + 1) % fields.len()];
                self.requery(|q| q.sort = next)
            }
            Action::FlipSort => self.requery(|q| q.descending = !q.descending),
            Action::Open if detail_focus => self.follow_overlap(),
            Action::Open => match self.current().map(|u| u.id.clone()) {
                Some(id) => {
                    self.history.clear();
                    if !self.side_by_side {
                        self.focus = Focus::Detail;
                    }
                    self.open_detail(id)
                }
                None => Vec::new(),
            },
            Action::Back => match self.history.pop() {
                Some(id) => self.open_detail(id),
                None => {
                    self.close_detail();
                    Vec::new()
                }
            },
            Action::ToggleFocus => {
                self.focus = match (self.focus, self.detail.is_some()) {
                    (Focus::Table, true) => Focus::Detail,
                    _ => Focus::Table,
                };
                Vec::new()
            }
            Action::ToggleSelect => {
                if let Some(user) = self.current() {
                    let (id, name) = (user.id.clone(), user.name.clone());
                    if self.selected.remove(&id).is_none() {
                        self.selected.insert(id, name);
                    }
                    self.move_cursor(1)
                } else {
                    Vec::new()
                }
            }
            Action::SelectPage => {
                let all = !self.page.rows.is_empty()
                    && self
                        .page
                        .rows
                        .iter()
                        .all(|u| self.selected.contains_key(&u.id));
                for user in &self.page.rows {
                    if all {
                        self.selected.remove(&user.id);
                    } else {
                        self.selected.insert(user.id.clone(), user.name.clone());
                    }
                }
                Vec::new()
            }
            Action::Block => self.ask(BulkAction::Block),
            Action::Activate => self.ask(BulkAction::Activate),
            Action::Archive => self.ask(BulkAction::Archive),
            Action::Unarchive => self.ask(BulkAction::Unarchive),
            Action::Reload => {
                self.prefetched = None;
                let mut effects = self.send_list(self.query.clone(), true);
                if let Some(detail) = &self.detail {
                    effects.extend(self.detail_request(detail.id.clone()));
                }
                effects
            }
            Action::Cancel => {
                if self.detail.is_some() {
                    self.close_detail();
                    Vec::new()
                } else if self.query.text.is_some() {
                    self.clear_filter()
                } else {
                    self.message = None;
                    Vec::new()
                }
            }
        }
    }

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            error: false,
            text: text.into(),
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            error: true,
            text: text.into(),
        });
    }

    fn clear_filter(&mut self) -> Vec<Effect> {
        self.filter.reset();
        if self.query.text.is_none() {
            return Vec::new();
        }
        self.requery(|q| q.text = None)
    }

    /// Changes the query (back to its first page unless only the offset changed) and asks.
    fn requery(&mut self, change: impl FnOnce(&mut ListQuery)) -> Vec<Effect> {
        let mut query = self.query.clone();
        let offset = query.offset;
        change(&mut query);
        if query == self.query {
            return Vec::new();
        }
        if query.offset == offset {
            query.offset = 0;
        }
        self.list(query)
    }

    /// Shows `query`'s page: from the prefetch when it has it, else from the worker.
    fn list(&mut self, query: ListQuery) -> Vec<Effect> {
        self.query = query.clone();
        // A prefetched page of another query is stale: dropped either way.
        if let Some((ahead, page)) = self.prefetched.take()
            && ahead == query
        {
            // Shown at once; an older list answer under way is dropped when it comes.
            self.requests.newest.remove(&Slot::List);
            self.queued = None;
            self.show_page(page);
            return self.prefetch();
        }
        self.send_list(query, false)
    }

    /// Sends a list request, or queues it behind the one under way: typing fast sends
    /// few requests, and only the newest answer is shown.
    fn send_list(&mut self, query: ListQuery, reload: bool) -> Vec<Effect> {
        if !reload && self.requests.busy(Slot::List) {
            self.queued = Some(query);
            return Vec::new();
        }
        self.queued = None;
        let id = self.requests.issue(Slot::List);
        vec![Effect::Send(if reload {
            Request::Reload { id, query }
        } else {
            Request::List { id, query }
        })]
    }

    /// Asks for the page after the one shown, when the server pages (crm).
    fn prefetch(&mut self) -> Vec<Effect> {
        if !self.config.capabilities.server_paging {
            return Vec::new();
        }
        let next = self.query.offset + self.query.limit;
        if next >= self.page.total {
            return Vec::new();
        }
        let query = ListQuery {
            offset: next,
            ..self.query.clone()
        };
        let id = self.requests.issue(Slot::Prefetch);
        vec![Effect::Send(Request::Prefetch { id, query })]
    }

    fn show_page(&mut self, page: Page) {
        self.page = page;
        self.cursor = match self.cursor_on_arrival.take() {
            Some(CursorAt::Top) => 0,
            Some(CursorAt::Bottom) => self.page.rows.len().saturating_sub(1),
            None => self.cursor.min(self.page.rows.len().saturating_sub(1)),
        };
        self.scroll = 0;
        self.keep_cursor_in_view();
    }

    fn last_page_offset(&self) -> u64 {
        let limit = self.query.limit.max(1);
        self.page.total.saturating_sub(1) / limit * limit
    }

    fn next_page(&mut self, at: CursorAt) -> Vec<Effect> {
        let next = self.query.offset + self.query.limit;
        if next >= self.page.total {
            return Vec::new();
        }
        self.cursor_on_arrival = Some(at);
        self.requery(|q| q.offset = next)
    }

    fn prev_page(&mut self, at: CursorAt) -> Vec<Effect> {
        if self.query.offset == 0 {
            return Vec::new();
        }
        let previous = self.query.offset.saturating_sub(self.query.limit);
        self.cursor_on_arrival = Some(at);
        self.requery(|q| q.offset = previous)
    }

    fn move_cursor(&mut self, delta: i64) -> Vec<Effect> {
        let rows = self.page.rows.len();
        if rows == 0 {
            return Vec::new();
        }
        let target = self.cursor as i64 + delta;
        // Moving past the edge turns one page; more moves wait until it has come.
        let edge = target >= rows as i64 || target < 0;
        if edge && self.requests.busy(Slot::List) {
            return Vec::new();
        }
        if target >= rows as i64 {
            return self.next_page(CursorAt::Top);
        }
        if target < 0 {
            return self.prev_page(CursorAt::Bottom);
        }
        self.cursor = target as usize;
        self.keep_cursor_in_view();
        Vec::new()
    }

    fn keep_cursor_in_view(&mut self) {
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + self.table_rows {
            self.scroll = self.cursor + 1 - self.table_rows;
        }
    }

    fn detail_request(&mut self, id: String) -> Vec<Effect> {
        let request = self.requests.issue(Slot::Detail);
        vec![Effect::Send(Request::Detail {
            id: request,
            key: UserKey::Id(id),
        })]
    }

    fn open_detail(&mut self, id: String) -> Vec<Effect> {
        self.detail = Some(DetailView {
            id: id.clone(),
            detail: None,
            overlap_cursor: 0,
            scroll: 0,
        });
        self.detail_request(id)
    }

    fn close_detail(&mut self) {
        self.detail = None;
        self.history.clear();
        self.focus = Focus::Table;
        self.requests.newest.remove(&Slot::Detail);
    }

    fn overlaps(&self) -> usize {
        self.detail
            .as_ref()
            .and_then(|d| d.detail.as_ref())
            .and_then(|d| d.overlaps.as_ref())
            .map_or(0, Vec::len)
    }

    /// Moves in the overlap list, or scrolls the pane when there is none.
    fn move_overlap(&mut self, delta: i64) {
        let count = self.overlaps();
        if let Some(view) = self.detail.as_mut()
            && count == 0
        {
            view.scroll = view.scroll.saturating_add_signed(delta as i16);
            return;
        }
        if let Some(view) = self.detail.as_mut()
            && count > 0
        {
            view.overlap_cursor =
                (view.overlap_cursor as i64 + delta).clamp(0, count as i64 - 1) as usize;
        }
    }

    fn follow_overlap(&mut self) -> Vec<Effect> {
        let Some(view) = &self.detail else {
            return Vec::new();
        };
        let target = view
            .detail
            .as_ref()
            .and_then(|d| d.overlaps.as_ref())
            .and_then(|o| o.get(view.overlap_cursor))
            .map(|o| o.user.id.clone());
        match target {
            Some(target) => {
                self.history.push(view.id.clone());
                self.open_detail(target)
            }
            None => Vec::new(),
        }
    }

    /// Opens the confirmation of a bulk action, or says why it cannot run.
    fn ask(&mut self, action: BulkAction) -> Vec<Effect> {
        if !self.config.capabilities.can(action) {
            self.error(format!(
                "{}: the {} API cannot do that",
                action.verb(),
                self.config.capabilities.dialect
            ));
            return Vec::new();
        }
        if self.config.read_only {
            self.error(format!(
                "{}: profile {} is read-only, nothing is sent",
                action.verb(),
                self.config.profile
            ));
            return Vec::new();
        }
        let (ids, names): (Vec<String>, Vec<String>) = if self.selected.is_empty() {
            match self.current() {
                Some(u) => (vec![u.id.clone()], vec![u.name.clone()]),
                None => return Vec::new(),
            }
        } else {
            self.selected
                .iter()
                .map(|(id, name)| (id.clone(), name.clone()))
                .unzip()
        };
        let on_page: HashSet<&str> = self.page.rows.iter().map(|u| u.id.as_str()).collect();
        let hidden = ids
            .iter()
            .filter(|id| !on_page.contains(id.as_str()))
            .count();
        let typed = (ids.len() > TYPE_TO_CONFIRM).then(Input::default);
        self.dialog = Some(Dialog {
            action,
            names: names.into_iter().take(3).collect(),
            hidden,
            typed,
            ids,
        });
        self.mode = Mode::Confirm;
        Vec::new()
    }

    fn answer(&mut self, response: Response) -> Vec<Effect> {
        match response {
            Response::Page {
                id,
                result,
                elapsed,
            } => {
                let newest = self.requests.settle(Slot::List, id);
                // With a newer query waiting, this answer is stale already: not shown.
                if let Some(query) = self.queued.take() {
                    return self.send_list(query, false);
                }
                if !newest {
                    return Vec::new();
                }
                self.latency = Some(elapsed);
                match result {
                    Ok(page) => {
                        self.show_page(page);
                        self.prefetch()
                    }
                    Err(e) => {
                        self.error(crate::text::sanitize(&e.to_string()));
                        Vec::new()
                    }
                }
            }
            Response::Prefetched { id, result, .. } => {
                if self.requests.settle(Slot::Prefetch, id)
                    && let Ok(page) = result
                {
                    let query = ListQuery {
                        offset: page.offset,
                        ..self.query.clone()
                    };
                    self.prefetched = Some((query, page));
                }
                Vec::new()
            }
            Response::Detail {
                id,
                result,
                elapsed,
            } => {
                if self.requests.settle(Slot::Detail, id) {
                    self.latency = Some(elapsed);
                    match result {
                        Ok(detail) => {
                            if let Some(view) = self.detail.as_mut() {
                                view.detail = Some(detail);
                                view.overlap_cursor = 0;
                            }
                        }
                        Err(e) => self.error(crate::text::sanitize(&e.to_string())),
                    }
                }
                Vec::new()
            }
            Response::BulkProgress { progress, .. } => {
                self.progress = Some(progress);
                Vec::new()
            }
            Response::BulkDone {
                id,
                action,
                report,
                elapsed,
            } => {
                self.requests.settle(Slot::Bulk, id);
                self.latency = Some(elapsed);
                self.mode = Mode::Normal;
                self.progress = None;
                self.finish_bulk(action, &report);
                self.act(Action::Reload)
            }
            Response::Failed { id, slot, message } => {
                self.requests.settle(slot, id);
                if slot == Slot::Bulk {
                    self.mode = Mode::Normal;
                    self.progress = None;
                }
                self.error(format!(
                    "internal error, please report: {}",
                    crate::text::sanitize(&message)
                ));
                Vec::new()
            }
        }
    }

    /// Succeeded ids leave the selection; failed ones stay, to try again.
    fn finish_bulk(&mut self, action: BulkAction, report: &BulkReport) {
        for id in &report.succeeded {
            self.selected.remove(id);
        }
        let mut text = format!(
            "{}: {} succeeded, {} failed",
            action.verb(),
            report.succeeded.len(),
            report.failed.len()
        );
        let mut reasons: Vec<&str> = report.failed.iter().map(|(_, r)| r.as_str()).collect();
        reasons.dedup();
        if !reasons.is_empty() {
            text.push_str(&format!(
                " ({}); failed ids stay selected",
                reasons.join("; ")
            ));
        }
        let error = !report.failed.is_empty();
        let text = crate::text::sanitize(&text).into_owned();
        self.message = Some(Message { error, text });
    }

    /// The status filter in force, as the footer shows it ("all" without one).
    pub fn status_label(&self) -> String {
        self.query
            .status
            .as_ref()
            .map_or_else(|| "all".into(), Status::to_string)
    }
}

#[cfg(test)]
mod tests;
