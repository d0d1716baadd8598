//! Paging, filtering and sorting in memory, for a dialect that lists every user at once
//! (training). The list is folded for search once, each sort order is computed once, and
//! the users matching the last listing's filters are kept, a bit a user: a keystroke
//! decides the users in their own order on every core (or only those the last listing
//! matched, when it only adds to the filter; or only those holding the filter's pairs of
//! letters or digits), then walks the sort order as far as the page asked for.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::model::{ListQuery, Page, SortField, Status, User};
use super::rows::Rows;
use super::stream::RowSink;
use bigrams::Bigrams;
use filter::{Listing, byte_bit};
use folded::Folded;
use loading::row_of;
use matches::Matches;
use sort::{first_sorted, prefix_of, sorted};

mod bigrams;
mod filter;
mod folded;
mod loading;
mod matches;
mod sort;

pub use filter::RowFilter;
pub use loading::Loading;

/// Users in a sort order, and each user's place in it.
struct Order {
    users: Vec<u32>,
    rank: Vec<u32>,
}

impl Order {
    fn of(users: Vec<u32>) -> Order {
        let mut rank = vec![0; users.len()];
        for (at, &user) in users.iter().enumerate() {
            rank[user as usize] = at as u32;
        }
        Order { users, rank }
    }
}

/// Every user of the list, ready to answer list queries.
pub struct LocalUsers {
    users: Rows,
    /// Each user's folded name's first bytes: a first page by name reads no more.
    name_prefixes: Vec<u128>,
    /// Each user's status as its place in [`STATUSES`]: the status filter reads a byte a
    /// user, in a list that stays in the cache, not the users themselves.
    status_codes: Vec<u8>,
    /// Every user's text folded for search: made the first time a filter or the whole
    /// order by name asks.
    folded: std::sync::OnceLock<Folded>,
    /// Per user, which bytes its folded text holds (see [`byte_bit`]): made the first
    /// time a filter asks, or when an order is prepared.
    bytes_seen: std::sync::OnceLock<Vec<u64>>,
    /// Which users' text holds each pair of letters: made when an order is prepared
    /// (the dashboard's list), not for one listing (a command's).
    bigrams: std::sync::OnceLock<Bigrams>,
    /// Per sort field: user indices in ascending order (ties by id).
    orders: Mutex<HashMap<SortField, Arc<Order>>>,
    /// The last listing asked for, and the users its filters match.
    last: Mutex<Option<(Listing, Arc<Matches>)>>,
}

/// The statuses training's users can have: made from two fields, one of three.
const STATUSES: [Status; 3] = [Status::Active, Status::Inactive, Status::Archived];

/// `status`'s place in [`STATUSES`].
fn status_code(status: &Status) -> u8 {
    let at = STATUSES.iter().position(|s| s == status);
    at.expect("training's statuses are three") as u8
}

impl LocalUsers {
    /// The list of `users` (made by hand: tests, a list read another way).
    pub fn new(users: Vec<User>) -> LocalUsers {
        let mut loading = Loading::default();
        for u in &users {
            let roles = serde_json::value::to_raw_value(&u.roles).expect("names as JSON");
            RowSink::push(&mut loading, row_of(u, &roles)).expect("a user of a few fields");
        }
        loading.finish()
    }

    /// Every user, in the order they came.
    pub fn iter(&self) -> impl Iterator<Item = User> + '_ {
        (0..self.users.len()).map(|i| self.users.user(i))
    }

    /// How many users the list holds.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// Every user's text, folded: made now if it is not yet.
    fn folded(&self) -> &Folded {
        self.folded.get_or_init(|| Folded::of(&self.users))
    }

    fn order(&self, field: SortField) -> Arc<Order> {
        let orders = || self.orders.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(order) = orders().get(&field) {
            return order.clone();
        }
        // Sorted without the lock held: a listing of a kept order meanwhile need not wait.
        // Names are compared folded, read from the text folded for search.
        if field == SortField::Name {
            self.folded();
        }
        let users = &self.users;
        let order = Arc::new(Order::of(sorted(
            users.len(),
            self.sort_prefix(field),
            self.sort_key(field),
            |i| users.id(i),
        )));
        orders().entry(field).or_insert(order).clone()
    }

    /// Per user, the bytes its folded text holds.
    fn bytes_seen(&self) -> &[u64] {
        self.bytes_seen.get_or_init(|| {
            (0..self.users.len())
                .map(|i| self.text(i).iter().fold(0, |seen, &b| seen | byte_bit(b)))
                .collect()
        })
    }

    /// User `i`'s folded text: its name, e-mail, id and ref, each followed by a separator.
    fn text(&self, i: usize) -> &[u8] {
        self.folded().text(i)
    }

    /// Whether user `i`'s folded text holds the needle of `finder`.
    fn holds(&self, i: usize, finder: &memchr::memmem::Finder<'_>) -> bool {
        finder.find(self.text(i)).is_some()
    }

    /// The users `q`'s filters match: kept for the last listing asked, so that turning
    /// its pages or changing its order decides nothing again, and narrowed from it when
    /// the filter only grows (a keystroke more) instead of decided anew.
    fn matches(&self, q: &ListQuery) -> Arc<Matches> {
        let key = Listing::of(q);
        let last = || self.last.lock().unwrap_or_else(|p| p.into_inner());
        let before = last().clone();
        let matches = match &before {
            Some((listing, matches)) if listing.same_filters(&key) => return matches.clone(),
            Some((listing, matches)) if listing.narrows_to(&key) => {
                self.decide(&key, Some(matches))
            }
            _ => self.decide(&key, None),
        };
        let matches = Arc::new(matches);
        *last() = Some((key, matches.clone()));
        matches
    }

    /// The users `q` matches from its `from`th on, before its `to`th, in its order: its
    /// sort order walked as far as that.
    fn walk(&self, q: &ListQuery, matches: &Matches, from: usize, to: usize) -> Vec<u32> {
        // Past the last match, the walk stops: a filter that matches a few walks a little.
        let to = to.min(matches.total);
        if from >= to {
            return Vec::new();
        }
        let order = self.order(q.sort);
        // Few matches spread thin (a walk to the page would pass a thousand users for
        // each match): gathered from their bits and placed by their rank in the order.
        let walked = to as u64 * self.len() as u64 / matches.total as u64;
        if walked > 4 * matches.total as u64 {
            let rank = |&i: &u32| {
                let rank = order.rank[i as usize];
                if q.descending { u32::MAX - rank } else { rank }
            };
            let mut found = matches.users(self.len());
            if to < found.len() {
                found.select_nth_unstable_by_key(to, rank);
                found.truncate(to);
            }
            if from > 0 {
                found.select_nth_unstable_by_key(from, rank);
            }
            let mut page = found.split_off(from);
            page.sort_unstable_by_key(rank);
            return page;
        }
        let ordered: Box<dyn Iterator<Item = u32>> = if q.descending {
            Box::new(order.users.iter().rev().copied())
        } else {
            Box::new(order.users.iter().copied())
        };
        ordered
            .filter(|&i| matches.has(i))
            .skip(from)
            .take(to.saturating_sub(from))
            .collect()
    }

    /// What users are sorted by for `field` (None first), before their ids.
    fn sort_key<'a>(&'a self, field: SortField) -> impl Fn(usize) -> Option<Cow<'a, str>> + 'a {
        move |i| match field {
            // Folded once for search, or now for the few users a first page compares.
            SortField::Name => Some(match self.folded.get() {
                Some(folded) => Cow::Borrowed(folded.name(i)),
                None => Cow::Owned(self.users.name(i).to_lowercase()),
            }),
            _ => self.plain_key(field, i).map(Cow::Borrowed),
        }
    }

    /// The first 16 bytes of what users are sorted by for `field` (see [`sort_key`]).
    fn sort_prefix(&self, field: SortField) -> impl Fn(usize) -> Option<u128> + '_ {
        move |i| match field {
            SortField::Name => Some(self.name_prefixes[i]),
            _ => self.plain_key(field, i).map(prefix_of),
        }
    }

    /// What users are sorted by for `field`, other than their name.
    fn plain_key(&self, field: SortField, i: usize) -> Option<&str> {
        match field {
            SortField::Email => self.users.email(i),
            SortField::Status => Some(self.users.status_name(i)),
            SortField::Language => self.users.language(i),
            SortField::LastLogin => self.users.last_login(i),
            SortField::Id => Some(self.users.id(i)),
            // training has no creation or change times; names are keyed folded.
            SortField::Name | SortField::Created | SortField::Updated => None,
        }
    }

    /// A page near the top while no order of its field is kept: its users are picked
    /// from those matching in one pass, not found by sorting them all (a million users
    /// sorted take a few hundred milliseconds; the first page need not wait for that).
    fn picked(&self, q: &ListQuery) -> Option<Page> {
        const NEAR_THE_TOP: usize = 10_000;
        let offset = usize::try_from(q.offset).ok()?;
        let end = offset.checked_add(usize::try_from(q.limit).ok()?)?;
        let kept = self
            .orders
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(&q.sort);
        if kept || end > NEAR_THE_TOP {
            return None;
        }
        let matches = self.matches(q);
        let total = matches.total as u64;
        let found = first_sorted(
            (0..self.users.len() as u32).filter(|&i| matches.has(i)),
            end,
            q.descending,
            self.sort_prefix(q.sort),
            self.sort_key(q.sort),
            |i| self.users.id(i),
        );
        Some(Page {
            rows: found
                .get(offset..)
                .unwrap_or_default()
                .iter()
                .map(|&i| self.users.user(i as usize))
                .collect(),
            total,
            offset: q.offset,
        })
    }

    /// Sorts the users by `field` now, if they are not yet: the next listing in that
    /// order (a keystroke, a page turn) finds it done.
    pub fn prepare(&self, field: SortField) {
        self.order(field);
        self.bytes_seen();
        self.bigrams
            .get_or_init(|| Bigrams::of(self.len(), |i| self.text(i)));
    }

    /// The page `q` asks for.
    pub fn page(&self, q: &ListQuery) -> Page {
        if let Some(page) = self.picked(q) {
            return page;
        }
        let matches = self.matches(q);
        let from = usize::try_from(q.offset).unwrap_or(usize::MAX);
        let to = from.saturating_add(usize::try_from(q.limit).unwrap_or(usize::MAX));
        Page {
            rows: self
                .walk(q, &matches, from, to)
                .into_iter()
                .map(|i| self.users.user(i as usize))
                .collect(),
            total: matches.total as u64,
            offset: q.offset,
        }
    }

    /// How many users `q` matches.
    pub fn count(&self, q: &ListQuery) -> u64 {
        self.matches(q).total as u64
    }

    /// Every user `q` matches, in its order (its paging ignored), `size` at a time.
    pub fn pages(&self, q: &ListQuery, size: usize) -> impl Iterator<Item = Vec<User>> + '_ {
        let matched = self.walk(q, &self.matches(q), 0, usize::MAX);
        let size = size.max(1);
        (0..matched.len().div_ceil(size)).map(move |n| {
            matched[n * size..((n + 1) * size).min(matched.len())]
                .iter()
                .map(|&i| self.users.user(i as usize))
                .collect()
        })
    }

    /// The users with these ids, in that order; an id no user has is left out.
    pub fn by_ids(&self, ids: &[String]) -> Vec<User> {
        let at: HashMap<&str, usize> = (0..self.users.len())
            .map(|i| (self.users.id(i), i))
            .collect();
        ids.iter()
            .filter_map(|id| at.get(id.as_str()).map(|&i| self.users.user(i)))
            .collect()
    }

    /// Where the user with this id stands among the users `q` matches, if it does.
    pub fn position(&self, q: &ListQuery, id: &str) -> Option<u64> {
        let matched = self.walk(q, &self.matches(q), 0, usize::MAX);
        matched
            .iter()
            .position(|&i| self.users.id(i as usize) == id)
            .map(|at| at as u64)
    }
}

#[cfg(test)]
mod tests;
