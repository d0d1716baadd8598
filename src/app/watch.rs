//! `:watch`: what is on screen read again every few seconds while it is visible — the
//! page and the open account — with the rows new or changed since the watch began
//! marked, and what changed on the watched account said in the footer.
//!
//! A watch's reads are its own requests (slot `Watch`): they never turn the spinner,
//! never take the place of what the operator asked, and their answers are applied only
//! to the page and the account they read, if those are still on screen. An answer that
//! changes nothing is not drawn.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use super::status::Source;
use super::{App, Effect, Layer};
use crate::api::model::{ListQuery, Status, User, UserDetail};
use crate::api::ops::UserKey;
use crate::text::sanitize;
use crate::worker::{Request, RequestId, Reread};

/// `:watch` with no interval, unless the profile sets `watch_secs`.
pub const WATCH_DEFAULT: Duration = Duration::from_secs(5);

/// The intervals a watch may have, in seconds: faster would only load the server.
pub const WATCH_SECS: (u64, u64) = (2, 3600);

/// How a row differs from the first time the watch saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowMark {
    /// Came onto the page while it was watched.
    New,
    /// Its fields are not what they were.
    Changed,
}

impl RowMark {
    /// The character beside the row, and the legend's.
    pub fn glyph(self) -> &'static str {
        match self {
            RowMark::New => "+",
            RowMark::Changed => "~",
        }
    }
}

/// A watch under way.
#[derive(Debug)]
pub struct Watch {
    every: Duration,
    /// Each row as first seen while watching.
    first_seen: HashMap<String, User>,
    marks: HashMap<String, RowMark>,
    /// The read under way: none starts while one is (a slow server is not flooded).
    asked: Option<Asked>,
}

impl Watch {
    fn new(every: Duration, rows: &[User]) -> Watch {
        let mut watch = Watch {
            every,
            first_seen: HashMap::new(),
            marks: HashMap::new(),
            asked: None,
        };
        watch.saw(rows, false);
        watch
    }

    pub fn every(&self) -> Duration {
        self.every
    }

    pub fn mark(&self, id: &str) -> Option<RowMark> {
        self.marks.get(id).copied()
    }

    /// How many of `rows` are marked new, and changed.
    pub fn counts(&self, rows: &[User]) -> (usize, usize) {
        rows.iter()
            .filter_map(|u| self.mark(&u.id))
            .fold((0, 0), |(new, changed), mark| match mark {
                RowMark::New => (new + 1, changed),
                RowMark::Changed => (new, changed + 1),
            })
    }

    /// The operator's own bulk action gave these users `status`: not news from others.
    pub(super) fn acted(&mut self, ids: &std::collections::HashSet<&str>, status: &Status) {
        for id in ids {
            if let Some(first) = self.first_seen.get_mut(*id) {
                first.status = status.clone();
            }
        }
    }

    /// The read `id` will never answer: the next tick reads again.
    pub(super) fn failed(&mut self, id: RequestId) {
        self.asked.take_if(|a| a.id == id);
    }

    /// Rows shown: each compared with its first sight, or kept as that. `reread`: the
    /// watch read this page again, so a row it had not seen came onto it meanwhile
    /// (a page turned to only shows rows not seen before).
    pub(super) fn saw(&mut self, rows: &[User], reread: bool) {
        for user in rows {
            let Some(first) = self.first_seen.get(&user.id) else {
                self.first_seen.insert(user.id.clone(), user.clone());
                if reread {
                    self.marks.insert(user.id.clone(), RowMark::New);
                }
                continue;
            };
            // New stays new: it was not there when the watch began.
            if self.marks.get(&user.id) == Some(&RowMark::New) {
                continue;
            }
            if same(first, user) {
                self.marks.remove(&user.id);
            } else {
                self.marks.insert(user.id.clone(), RowMark::Changed);
            }
        }
    }
}

/// Whether a row reads as it did: its time of change aside (a login may touch it; any
/// change an operator sees changes another field too).
fn same(first: &User, now: &User) -> bool {
    let mut now = now.clone();
    now.updated_at.clone_from(&first.updated_at);
    *first == now
}

/// A watch's read under way, and which page and answer of the pane it read again: its
/// answer is applied only to those, never over what came since.
#[derive(Debug, Clone, Copy)]
struct Asked {
    id: RequestId,
    page: Option<u64>,
    user: Option<u64>,
}

/// What `:watch` asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchAsk {
    /// At the profile's interval.
    Start,
    Every(Duration),
    Off,
}

impl WatchAsk {
    /// Reads what follows `:watch`.
    pub fn parse(rest: &str) -> Result<WatchAsk, String> {
        let (least, most) = WATCH_SECS;
        let rest = rest.to_lowercase();
        match rest.as_str() {
            "" => Ok(WatchAsk::Start),
            "off" => Ok(WatchAsk::Off),
            secs => match secs.strip_suffix('s').unwrap_or(secs).parse::<u64>() {
                Ok(n) if (least..=most).contains(&n) => Ok(WatchAsk::Every(Duration::from_secs(n))),
                _ => Err(format!(
                    "watch takes seconds from {least} to {most}, or off, not {:?}: :watch 5",
                    sanitize(secs)
                )),
            },
        }
    }
}

/// What changed on the watched account between two reads, as the footer says it.
pub fn account_news(before: &UserDetail, after: &UserDetail) -> Vec<String> {
    let mut news = Vec::new();
    if before.user.status != after.user.status {
        news.push(format!(
            "status {} → {}",
            before.user.status, after.user.status
        ));
    }
    fn sessions(d: &UserDetail) -> &[crate::api::model::Session] {
        d.sessions.as_ref().map_or(&[], |s| &s.all)
    }
    let (old, new) = (sessions(before), sessions(after));
    let known: BTreeSet<&str> = old.iter().map(|s| s.id.as_str()).collect();
    let countries = |list: &[crate::api::model::Session]| -> BTreeSet<String> {
        list.iter()
            .filter_map(|s| crate::signals::country(s))
            .map(str::to_string)
            .collect()
    };
    for session in new.iter().filter(|s| !known.contains(s.id.as_str())) {
        let from = session
            .ip_address
            .as_deref()
            .unwrap_or("an unknown address");
        let place = session.place();
        news.push(if place.is_empty() {
            format!("new session from {from}")
        } else {
            format!("new session from {from} ({place})")
        });
    }
    let seen = countries(old);
    for country in countries(new).difference(&seen) {
        news.push(format!("new country {country}"));
    }
    news.into_iter()
        .map(|n| sanitize(&n).into_owned())
        .collect()
}

impl App {
    /// How often the screen is read again, while watching.
    pub fn watching(&self) -> Option<Duration> {
        self.watch.as_ref().map(Watch::every)
    }

    pub fn watch(&self) -> Option<&Watch> {
        self.watch.as_ref()
    }

    pub(super) fn watch_command(&mut self, ask: WatchAsk) -> Vec<Effect> {
        let every = match ask {
            WatchAsk::Off => {
                if self.watch.take().is_some() {
                    self.status.succeeded(Source::Watch);
                    self.status.notice("watch stopped");
                } else {
                    self.status.refusal("not watching");
                }
                return Vec::new();
            }
            WatchAsk::Start => self.config.watch_every,
            WatchAsk::Every(every) => every,
        };
        match self.watch.as_mut() {
            Some(watch) => {
                watch.every = every;
                self.status
                    .notice(format!("now watching every {} s", every.as_secs()));
            }
            None => {
                self.watch = Some(Watch::new(every, self.table.rows()));
                self.status.notice(format!(
                    "watching every {} s: + new, ~ changed from now on",
                    every.as_secs()
                ));
            }
        }
        Vec::new()
    }

    /// Whether what the watch reads is on screen and nothing else has the keys: no list,
    /// form, help, dialog or bulk action over it. One rule for the page and the account.
    fn in_view(&self) -> bool {
        matches!(self.layer.base(), Layer::Table | Layer::Filter)
            && self.help.is_none()
            && self.dialog.is_none()
            && self.bulk.is_none()
    }

    /// The page shown, when the watch should read it again: in view (no pane over it),
    /// answering what was asked, nothing else on its way to it; with which page it is.
    fn watched_page(&self) -> Option<(ListQuery, u64)> {
        let pane_over_table = self.detail.is_some() && !self.side_by_side;
        if !self.in_view() || pane_over_table {
            return None;
        }
        let shown = self.table.shown()?;
        (*self.table.load() == super::Load::Loaded
            && !self.table.busy()
            && shown.query == *self.table.wanted())
        .then(|| (shown.query.clone(), self.table.generation()))
    }

    /// The account open in the pane, when read and in view; with which answer it is.
    fn watched_user(&self) -> Option<(UserKey, u64)> {
        let pane = self.detail.as_ref()?;
        (self.in_view() && pane.detail().is_some()).then(|| (pane.key().clone(), pane.generation()))
    }

    /// Time to read the screen again; nothing is drawn for it.
    pub(super) fn watch_tick(&mut self) -> Vec<Effect> {
        self.quiet = true;
        if self.watch.as_ref().is_none_or(|w| w.asked.is_some()) {
            return Vec::new();
        }
        let (page, user) = (self.watched_page(), self.watched_user());
        let failed = matches!(self.table.load(), super::Load::Failed(_));
        let pane_over_table = self.detail.is_some() && !self.side_by_side;
        if page.is_none()
            && failed
            && self.list_failure_passes
            && !self.table.busy()
            && self.in_view()
            && !pane_over_table
        {
            // What was asked for failed on the way: watching it is asking again, as `r`
            // would (a refusal, a refused token, would only be refused again).
            self.quiet = false;
            let query = self.table.wanted().clone();
            return super::sends(self.table.ask(query, &mut self.tickets, true));
        }
        if page.is_none() && user.is_none() {
            return Vec::new();
        }
        let id = self.tickets.issue();
        if let Some(watch) = self.watch.as_mut() {
            watch.asked = Some(Asked {
                id,
                page: page.as_ref().map(|(_, of)| *of),
                user: user.as_ref().map(|(_, of)| *of),
            });
        }
        vec![Effect::Send(Request::Watch {
            id,
            page: page.map(|(query, _)| query),
            user: user.map(|(key, _)| key),
        })]
    }

    /// A watch's answer: applied to the page and the account it read, if they are still
    /// the ones shown; drawn only if it changed something.
    pub(super) fn watched(&mut self, id: RequestId, read: Reread) -> Vec<Effect> {
        let Some(asked) = self
            .watch
            .as_mut()
            .and_then(|w| w.asked.take_if(|a| a.id == id))
        else {
            self.quiet = true;
            return Vec::new();
        };
        let Reread { page, user } = read;
        let token = self.config.token_source.clone();
        let failed = |what: &str, e: &crate::api::error::ApiError| {
            format!(
                "the {what}: {}",
                super::answers::error_text(e, token.as_ref())
            )
        };
        let mut failures = Vec::new();
        let mut effects = Vec::new();
        let mut changed = false;
        match (page, asked.page) {
            (Some((query, Ok(page))), Some(of)) => {
                let under = self.table.current().map(|u| u.id.clone());
                if self.table.reread(&query, page, self.now, of) {
                    changed = true;
                    self.rows_seen(true);
                    // Its user left the page: the pane beside follows the row, as ever.
                    if self.table.current().map(|u| &u.id) != under.as_ref() {
                        effects.extend(self.follow_cursor());
                    }
                }
            }
            (Some((_, Err(e))), _) => failures.push(failed("page", &e)),
            _ => {}
        }
        match (user, asked.user) {
            (Some((key, Ok(detail))), Some(of)) => changed |= self.account_reread(&key, detail, of),
            (Some((_, Err(e))), _) => failures.push(failed("account", &e)),
            _ => {}
        }
        let text =
            (!failures.is_empty()).then(|| format!("watch could not read {}", failures.join("; ")));
        changed |= self.status.set_error(Source::Watch, text);
        self.quiet = !changed && effects.is_empty();
        effects
    }

    /// Rows shown anew (`reread`: by a watch reading the page again): the selection's
    /// statuses seen with them, and a watch's marks. Every way rows come passes here.
    pub(super) fn rows_seen(&mut self, reread: bool) {
        if let Some(watch) = self.watch.as_mut() {
            watch.saw(self.table.rows(), reread);
        }
        if let Some(shown) = self.table.shown() {
            super::selection::refresh(&mut self.selected, &shown.page.rows, shown.at);
        }
    }

    /// The watched account read again: shown, its row and signals with it, and what
    /// changed said. Whether anything did.
    fn account_reread(&mut self, key: &UserKey, detail: Box<UserDetail>, of: u64) -> bool {
        let now = self.now;
        let Some(before) = self
            .detail
            .as_mut()
            .and_then(|pane| pane.reread(key, detail, now, of))
        else {
            return false;
        };
        let Some(after) = self.detail.as_ref().and_then(|p| p.detail()) else {
            return true;
        };
        let (user, worst) = (after.user.clone(), crate::signals::worst(&after.signals));
        let news = account_news(&before, after);
        self.signals_seen.insert(user.id.clone(), worst);
        // Its row says what the pane says, until the page is read again.
        if self.table.refresh_user(&user) {
            self.rows_seen(false);
        }
        if !news.is_empty() {
            let who = sanitize(&user.id).into_owned();
            self.status
                .alert(format!("watch: {who}: {}", news.join("; ")));
        }
        true
    }
}
