//! Paging, filtering and sorting in memory, for a dialect that lists every user at once
//! (training). The list is folded for search once, each sort order is computed once, and
//! the users matching the last listing are kept: a keystroke costs one pass over the
//! users (or over the last matches, when it only adds to the filter), a page turn a
//! slice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::model::{ListQuery, Page, SortField, Status, User};
use super::rows::Rows;
use super::stream::RowSink;
use filter::{Hits, Listing, byte_bit, email_is};
use loading::row_of;
use sort::{first_sorted, sorted};

mod filter;
mod loading;
mod sort;

pub use filter::RowFilter;
pub use loading::Loading;

/// Every user of the list, ready to answer list queries.
pub struct LocalUsers {
    users: Rows,
    /// Every user's name, e-mail, id and ref, lower-cased, each followed by a separator no
    /// query holds, one user after another: one pass of a SIMD search covers them all.
    haystack: String,
    /// Where each user's text starts in `haystack`.
    starts: Vec<usize>,
    /// How long each user's folded name is: the first part of its text.
    name_lengths: Vec<u32>,
    /// Per user, which bytes its folded text holds (see [`byte_bit`]): made the first
    /// time a one-letter filter asks, or when an order is prepared.
    bytes_seen: std::sync::OnceLock<Vec<u64>>,
    /// Each user's status as an index into `statuses`: the status filter reads four bytes
    /// a user, in a list that stays in the cache, not the users themselves.
    status_codes: Vec<u32>,
    /// The statuses the users have, each once.
    statuses: Vec<Status>,
    /// Per sort field: user indices in ascending order (ties by id).
    orders: Mutex<HashMap<SortField, Arc<Vec<u32>>>>,
    /// The last listing asked for, and the users it matches in its order.
    last: Mutex<Option<(Listing, Arc<Vec<u32>>)>>,
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

    /// User `i`'s name, folded (the first part of its text in the haystack).
    fn folded_name(&self, i: usize) -> &str {
        let from = self.starts[i];
        &self.haystack[from..from + self.name_lengths[i] as usize]
    }

    fn order(&self, field: SortField) -> Arc<Vec<u32>> {
        let orders = || self.orders.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(order) = orders().get(&field) {
            return order.clone();
        }
        // Sorted without the lock held: a listing of a kept order meanwhile need not wait.
        let users = &self.users;
        let order = Arc::new(sorted(users.len(), self.sort_key(field), |i| users.id(i)));
        orders().entry(field).or_insert(order).clone()
    }

    /// Which users' text holds `needle`, in one pass over all of it.
    fn search(&self, needle: &str) -> Hits<'_> {
        // One letter or digit (the first keystroke, the widest): read off the bytes each
        // user's text holds, without a search that stops at nearly every user.
        if let [byte] = needle.as_bytes()
            && byte.is_ascii_alphanumeric()
        {
            return Hits::Holding(self.bytes_seen(), byte_bit(*byte));
        }
        let mut hits = vec![false; self.users.len()];
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let bytes = self.haystack.as_bytes();
        let mut from = 0;
        let mut user = 0;
        while let Some(offset) = finder.find(&bytes[from..]) {
            // The needle holds no separator, so a match lies within one user's text;
            // matches come in order, so that user is found walking forward.
            let at = from + offset;
            while self.starts.get(user + 1).is_some_and(|&next| next <= at) {
                user += 1;
            }
            hits[user] = true;
            match self.starts.get(user + 1) {
                Some(&next) => from = next,
                None => break,
            }
        }
        Hits::Found(hits)
    }

    /// Per user, the bytes its folded text holds.
    fn bytes_seen(&self) -> &[u64] {
        self.bytes_seen.get_or_init(|| {
            let bytes = self.haystack.as_bytes();
            (0..self.users.len())
                .map(|i| {
                    let end = self.starts.get(i + 1).copied().unwrap_or(bytes.len());
                    let text = &bytes[self.starts[i]..end];
                    text.iter().fold(0, |seen, &b| seen | byte_bit(b))
                })
                .collect()
        })
    }

    /// Whether user `i`'s folded text holds `needle`.
    fn holds(&self, i: usize, finder: &memchr::memmem::Finder<'_>) -> bool {
        let end = self
            .starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.haystack.len());
        let text = &self.haystack.as_bytes()[self.starts[i]..end];
        finder.find(text).is_some()
    }

    /// The users `q` matches, in its order (indices into `users`), its paging ignored:
    /// kept for the last listing asked, so turning its pages costs a slice, and narrowed
    /// from it when the filter only grows (a keystroke more) instead of searched anew.
    fn matching(&self, q: &ListQuery) -> Arc<Vec<u32>> {
        let key = Listing::of(q);
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some((listing, matched)) = &last {
            if *listing == key {
                return matched.clone();
            }
            if let Some(narrowed) = self.narrow(listing, matched, &key) {
                return self.keep(key, narrowed);
            }
        }
        let order = self.order(q.sort);
        let matched: Vec<u32> = {
            let matches = self.matcher(&key);
            if key.descending {
                order
                    .iter()
                    .rev()
                    .copied()
                    .filter(|&i| matches(i))
                    .collect()
            } else {
                order.iter().copied().filter(|&i| matches(i)).collect()
            }
        };
        self.keep(key, Arc::new(matched))
    }

    /// Whether a user (by index) matches `key`'s filters, its order aside.
    fn matcher<'a>(&'a self, key: &'a Listing) -> impl Fn(u32) -> bool + 'a {
        let hits = key.needle.as_deref().map(|n| self.search(n));
        // The status asked for, as its code (None: no user has it).
        let status = key.status.as_ref().map(|wanted| {
            let at = self.statuses.iter().position(|s| s == wanted);
            at.and_then(|at| u32::try_from(at).ok())
        });
        let matches = |i: usize| {
            hits.as_ref().is_none_or(|hits| hits.has(i))
                && status.is_none_or(|code| code == Some(self.status_codes[i]))
                && email_is(self.users.email(i), key.email.as_deref())
        };
        // Decided in the users' own order, one byte each: the pass in a sort order that
        // follows reads that byte, not three lists, at each of a million places.
        let filtered = hits.is_some() || status.is_some() || key.email.is_some();
        let decided: Option<Vec<bool>> =
            filtered.then(|| (0..self.users.len()).map(matches).collect());
        move |i: u32| decided.as_ref().is_none_or(|d| d[i as usize])
    }

    /// What users are sorted by for `field` (None first), before their ids.
    fn sort_key<'a>(&'a self, field: SortField) -> impl Fn(usize) -> Option<&'a str> + 'a {
        move |i| match field {
            // Lower-cased once, when the list came.
            SortField::Name => Some(self.folded_name(i)),
            SortField::Email => self.users.email(i),
            SortField::Status => Some(self.users.status_name(i)),
            SortField::Language => self.users.language(i),
            SortField::LastLogin => self.users.last_login(i),
            SortField::Id => Some(self.users.id(i)),
            // training has no creation or change times.
            SortField::Created | SortField::Updated => None,
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
        let listing = Listing::of(q);
        let matches = self.matcher(&listing);
        let found: Vec<u32> = (0..self.users.len() as u32)
            .filter(|&i| matches(i))
            .collect();
        let total = found.len() as u64;
        let key = self.sort_key(q.sort);
        let found = first_sorted(found, end, q.descending, &key, |i| self.users.id(i));
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
    }

    /// The matches of `now` from those of `before`, when `now` only adds to its filter.
    fn narrow(&self, before: &Listing, matched: &[u32], now: &Listing) -> Option<Arc<Vec<u32>>> {
        let grown = match (&before.needle, &now.needle) {
            (Some(b), Some(n)) => n.starts_with(b.as_str()),
            (None, Some(_)) => true,
            _ => false,
        };
        let same_rest = before.email == now.email
            && before.status == now.status
            && before.sort == now.sort
            && before.descending == now.descending;
        if !(grown && same_rest) {
            return None;
        }
        let needle = now.needle.as_deref()?;
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        Some(Arc::new(
            matched
                .iter()
                .copied()
                .filter(|&i| self.holds(i as usize, &finder))
                .collect(),
        ))
    }

    fn keep(&self, key: Listing, matched: Arc<Vec<u32>>) -> Arc<Vec<u32>> {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some((key, matched.clone()));
        matched
    }

    /// The page `q` asks for.
    pub fn page(&self, q: &ListQuery) -> Page {
        if let Some(page) = self.picked(q) {
            return page;
        }
        let matched = self.matching(q);
        let from = usize::try_from(q.offset)
            .unwrap_or(usize::MAX)
            .min(matched.len());
        let to = from
            .saturating_add(usize::try_from(q.limit).unwrap_or(usize::MAX))
            .min(matched.len());
        Page {
            rows: matched[from..to]
                .iter()
                .map(|&i| self.users.user(i as usize))
                .collect(),
            total: matched.len() as u64,
            offset: q.offset,
        }
    }

    /// How many users `q` matches.
    pub fn count(&self, q: &ListQuery) -> u64 {
        self.matching(q).len() as u64
    }

    /// Every user `q` matches, in its order (its paging ignored), `size` at a time.
    pub fn pages(&self, q: &ListQuery, size: usize) -> impl Iterator<Item = Vec<User>> + '_ {
        let matched = self.matching(q);
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
        self.matching(q)
            .iter()
            .position(|&i| self.users.id(i as usize) == id)
            .map(|at| at as u64)
    }
}

#[cfg(test)]
mod tests;
