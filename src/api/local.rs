//! Paging, filtering and sorting in memory, for a dialect that lists every user at once
//! (training). The list is folded for search once, each sort order is computed once, and
//! the users matching the last listing are kept: a keystroke costs one pass over the
//! users (or over the last matches, when it only adds to the filter), a page turn a
//! slice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::model::{ListQuery, Page, SortField, Status, User};
use super::rows::{RowIn, Rows};
use super::stream::RowSink;

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

/// A list query without its paging: what the users matching it depend on.
#[derive(Debug, Clone, PartialEq)]
struct Listing {
    /// The filter, folded as the haystack is; None when empty.
    needle: Option<String>,
    email: Option<String>,
    status: Option<Status>,
    sort: SortField,
    descending: bool,
}

impl Listing {
    fn of(q: &ListQuery) -> Listing {
        Listing {
            needle: q
                .text
                .as_deref()
                .map(|t| t.to_lowercase().replace(SEPARATOR, ""))
                .filter(|t| !t.is_empty()),
            email: q.email.as_deref().map(str::to_lowercase),
            status: q.status.clone(),
            sort: q.sort,
            descending: q.descending,
        }
    }
}

const SEPARATOR: char = '\u{1f}';

/// The filters of a list query, for one user as it comes: a list written as it is read
/// is never held. The same matching as [`LocalUsers`]' (a test holds them equal).
pub struct RowFilter(Listing);

impl RowFilter {
    pub fn new(q: &ListQuery) -> RowFilter {
        RowFilter(Listing::of(q))
    }

    pub fn matches(&self, row: &RowIn<'_>) -> bool {
        let Listing {
            needle,
            email,
            status,
            ..
        } = &self.0;
        needle.as_deref().is_none_or(|needle| {
            searched(row).into_iter().flatten().any(|part| {
                let mut folded = String::new();
                fold_into(&mut folded, part);
                folded.contains(needle)
            })
        }) && status
            .as_ref()
            .is_none_or(|s| *s == super::rows::status(row.archived_at.is_some(), row.is_active))
            && email_is(row.email.as_deref(), email.as_deref())
    }
}

/// The text a filter searches, in the order it is folded: the name first (sorting by
/// name reads it there).
fn searched<'r>(row: &'r RowIn<'_>) -> [Option<&'r str>; 4] {
    [
        Some(&*row.name),
        row.email.as_deref(),
        Some(&*row.id),
        row.reference.as_deref(),
    ]
}

/// Whether a user's `email` is the one asked for (`wanted`, lower-cased; None: any).
fn email_is(email: Option<&str>, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|wanted| email.map(str::to_lowercase).as_deref() == Some(wanted))
}

/// The list as it arrives: each user is kept compact and folded for search as it comes.
#[derive(Default)]
pub struct Loading<'a> {
    users: Rows,
    haystack: String,
    starts: Vec<usize>,
    name_lengths: Vec<u32>,
    /// Told how many users have come, every [`TELL_EVERY`].
    told: Option<&'a (dyn Fn(u64) + Send + Sync)>,
}

/// How many users come between two reports of how many came.
const TELL_EVERY: usize = 25_000;

impl<'a> Loading<'a> {
    /// A list that tells `told` how many users have come, now and then.
    pub fn told(told: &'a (dyn Fn(u64) + Send + Sync)) -> Loading<'a> {
        Loading {
            told: Some(told),
            ..Loading::default()
        }
    }

    /// How many users have come so far.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// User `i` of those come so far.
    pub fn user(&self, i: usize) -> User {
        self.users.user(i)
    }

    /// Every user has come.
    pub fn finish(self) -> LocalUsers {
        let Loading {
            mut users,
            mut haystack,
            mut starts,
            mut name_lengths,
            told: _,
        } = self;
        // Room made from the answer's length and not taken goes back.
        users.shrink_to_fit();
        haystack.shrink_to_fit();
        starts.shrink_to_fit();
        name_lengths.shrink_to_fit();
        // A server may send as many statuses as users: found by hash, not by search.
        let mut codes: HashMap<Status, u32> = HashMap::new();
        let mut statuses: Vec<Status> = Vec::new();
        let status_codes = (0..users.len())
            .map(|i| {
                let status = users.status(i);
                *codes.entry(status.clone()).or_insert_with(|| {
                    statuses.push(status);
                    u32::try_from(statuses.len() - 1).unwrap_or(u32::MAX)
                })
            })
            .collect();
        LocalUsers {
            users,
            haystack,
            starts,
            name_lengths,
            bytes_seen: std::sync::OnceLock::new(),
            status_codes,
            statuses,
            orders: Mutex::new(HashMap::new()),
            last: Mutex::new(None),
        }
    }
}

impl crate::api::client::Restart for Loading<'_> {
    fn restart(&mut self) -> bool {
        *self = Loading {
            told: self.told,
            ..Loading::default()
        };
        true
    }
}

impl RowSink for Loading<'_> {
    type Row<'de> = RowIn<'de>;

    /// Room for as many users as such an answer holds, at most: a user takes some 230
    /// bytes of JSON, of which under half is text kept, and under half folded. Room
    /// never written to costs address space, not memory; room that cannot be had (a
    /// length a server made up) is not made, and the list grows as it comes.
    fn expect_bytes(&mut self, bytes: u64) {
        // A length a server made up asks for no more than a gigabyte.
        let bytes = usize::try_from(bytes).unwrap_or(0).min(1 << 30);
        let users = bytes / 150;
        let _ = self.users.try_reserve(users, bytes / 2);
        let _ = self.haystack.try_reserve(bytes / 2);
        let _ = self.starts.try_reserve(users);
        let _ = self.name_lengths.try_reserve(users);
    }

    fn push(&mut self, row: RowIn<'_>) -> Result<(), String> {
        self.users.push(&row)?;
        let start = self.haystack.len();
        self.starts.push(start);
        let [name, rest @ ..] = searched(&row);
        fold_into(&mut self.haystack, name.unwrap_or_default());
        let name = u32::try_from(self.haystack.len() - start).map_err(|_| "a name over 4 GB")?;
        self.name_lengths.push(name);
        self.haystack.push(SEPARATOR);
        for part in rest.into_iter().flatten() {
            fold_into(&mut self.haystack, part);
            self.haystack.push(SEPARATOR);
        }
        if let Some(told) = self.told
            && self.users.len().is_multiple_of(TELL_EVERY)
        {
            told(self.users.len() as u64);
        }
        Ok(())
    }
}

/// Which users' text holds a filter's text.
enum Hits<'a> {
    /// Found by searching: per user.
    Found(Vec<bool>),
    /// Those whose bytes seen hold this bit (a letter or a digit: exact).
    Holding(&'a [u64], u64),
}

impl Hits<'_> {
    fn has(&self, i: usize) -> bool {
        match self {
            Hits::Found(hits) => hits[i],
            Hits::Holding(seen, bit) => seen[i] & bit != 0,
        }
    }
}

/// The bit of a byte in a user's [`LocalUsers::bytes_seen`]: a letter or a digit has one of
/// its own; other bytes share theirs (a hint there, not an answer).
fn byte_bit(byte: u8) -> u64 {
    let at = match byte {
        b'a'..=b'z' => byte - b'a',
        b'0'..=b'9' => 26 + (byte - b'0'),
        0x80.. => 63,
        _ => 36 + byte % 27,
    };
    1 << at
}

/// `u` as an answer would bring it, its roles as `roles`.
fn row_of<'a>(u: &'a User, roles: &'a serde_json::value::RawValue) -> RowIn<'a> {
    fn text(t: &Option<String>) -> Option<std::borrow::Cow<'_, str>> {
        t.as_deref().map(std::borrow::Cow::Borrowed)
    }
    RowIn {
        id: u.id.as_str().into(),
        name: u.name.as_str().into(),
        email: text(&u.email),
        is_active: match u.status {
            Status::Inactive => Some(false),
            _ => u.active,
        },
        archived_at: match u.status {
            Status::Archived => Some(u.archived_at.as_deref().unwrap_or("").into()),
            _ => None,
        },
        roles: Some(roles),
        language: text(&u.language),
        last_login: text(&u.last_login),
        reference: text(&u.reference),
    }
}

/// `text` lower-cased onto `haystack`, without a string of its own when it is ASCII.
fn fold_into(haystack: &mut String, text: &str) {
    if text.is_ascii() {
        let from = haystack.len();
        haystack.push_str(text);
        haystack[from..].make_ascii_lowercase();
    } else {
        haystack.push_str(&text.to_lowercase());
    }
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
        let mut found: Vec<u32> = (0..self.users.len() as u32)
            .filter(|&i| matches(i))
            .collect();
        let total = found.len() as u64;
        let key = self.sort_key(q.sort);
        let compare = |&a: &u32, &b: &u32| {
            let (a, b) = (a as usize, b as usize);
            let by = key(a)
                .cmp(&key(b))
                .then_with(|| self.users.id(a).cmp(self.users.id(b)));
            if q.descending { by.reverse() } else { by }
        };
        if end < found.len() {
            found.select_nth_unstable_by(end, compare);
            found.truncate(end);
        }
        found.sort_unstable_by(compare);
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

/// Indices `0..n` by `key` (None first), then by `id`. Sorted first by the key's first
/// 16 bytes packed in a number, so that most comparisons read no text (a million random
/// reads of it cost seconds); only users whose keys begin alike are compared in full.
fn sorted<'a>(
    n: usize,
    key: impl Fn(usize) -> Option<&'a str>,
    id: impl Fn(usize) -> &'a str,
) -> Vec<u32> {
    let prefix = |text: Option<&str>| {
        let mut bytes = [0u8; 16];
        let text = text.unwrap_or_default().as_bytes();
        let n = text.len().min(16);
        bytes[..n].copy_from_slice(&text[..n]);
        u128::from_be_bytes(bytes)
    };
    let mut keyed: Vec<(bool, u128, u32)> = (0..n)
        .map(|i| {
            let k = key(i);
            (k.is_some(), prefix(k), i as u32)
        })
        .collect();
    keyed.sort_unstable_by_key(|&(some, prefix, _)| (some, prefix));
    let mut order: Vec<u32> = keyed.iter().map(|&(_, _, i)| i).collect();
    let mut start = 0;
    while start < n {
        let run = (keyed[start].0, keyed[start].1);
        let end = start
            + keyed[start..]
                .iter()
                .take_while(|k| (k.0, k.1) == run)
                .count();
        if end - start > 1 {
            order[start..end].sort_unstable_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                key(a).cmp(&key(b)).then_with(|| id(a).cmp(id(b)))
            });
        }
        start = end;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::Status;

    fn user(id: &str, name: &str, email: &str, status: Status) -> User {
        User {
            id: id.into(),
            name: name.into(),
            email: Some(email.into()),
            status,
            ..User::default()
        }
    }

    fn ids(page: &Page) -> Vec<&str> {
        page.rows.iter().map(|u| u.id.as_str()).collect()
    }

    #[test]
    fn filters_sorts_and_pages() {
        let users = LocalUsers::new(vec![
            user("3", "Zoë Müller", "zoe@example.com", Status::Active),
            user("1", "Jan de Vries", "JAN@example.com", Status::Archived),
            user("2", "jan Bakker", "bakker@example.org", Status::Active),
            user("4", "Émile", "emile@example.org", Status::Inactive),
        ]);
        let q = |text: Option<&str>| ListQuery {
            text: text.map(str::to_string),
            sort: SortField::Name,
            ..ListQuery::default()
        };
        // Names compare lower-cased, by code point: "émile" after "zoë".
        assert_eq!(ids(&users.page(&q(None))), ["2", "1", "3", "4"]);
        assert_eq!(ids(&users.page(&q(Some("JAN")))), ["2", "1"]);
        assert_eq!(ids(&users.page(&q(Some("MÜLLER")))), ["3"]);
        assert_eq!(ids(&users.page(&q(Some(".org")))), ["2", "4"]);
        let page = users.page(&ListQuery {
            offset: 1,
            limit: 2,
            descending: true,
            ..q(None)
        });
        assert_eq!((ids(&page), page.total), (vec!["3", "1"], 4));
        let active = users.page(&ListQuery {
            status: Some(Status::Active),
            ..q(None)
        });
        assert_eq!(ids(&active), ["2", "3"]);
        // A status no user has matches nothing.
        let status = |s: Status| {
            let page = users.page(&ListQuery {
                status: Some(s),
                ..q(None)
            });
            ids(&page).into_iter().map(String::from).collect::<Vec<_>>()
        };
        assert!(status(Status::Blocked).is_empty());
        let by_email = users.page(&ListQuery {
            email: Some("jan@EXAMPLE.com".into()),
            ..q(None)
        });
        assert_eq!(ids(&by_email), ["1"]);
        // The separator between fields never matches across them.
        assert_eq!(users.page(&q(Some("müller\u{1f}zoe"))).total, 0);
    }

    proptest::proptest! {
        /// Sorting by the keys' first bytes, then in full where they begin alike, is
        /// sorting by the keys: long shared beginnings, empty and missing keys, ties.
        #[test]
        fn sorted_is_sorted_by_key_then_id(
            keys in proptest::collection::vec(proptest::option::of("(abcdefghijklmnop|é|a){0,3}[ab\u{0}]{0,2}"), 0..40)
        ) {
            let ids: Vec<String> = (0..keys.len()).map(|i| format!("{:03}", (i * 7) % 40)).collect();
            let got = sorted(keys.len(), |i| keys[i].as_deref(), |i| ids[i].as_str());
            let mut expected: Vec<u32> = (0..keys.len() as u32).collect();
            expected.sort_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                keys[a].cmp(&keys[b]).then_with(|| ids[a].cmp(&ids[b]))
            });
            let as_keys = |order: &[u32]| order.iter().map(|&i| (keys[i as usize].clone(), ids[i as usize].clone())).collect::<Vec<_>>();
            proptest::prop_assert_eq!(as_keys(&got), as_keys(&expected));
        }

        /// A page picked before any order is kept is the page of the whole order.
        #[test]
        fn a_picked_page_is_the_page_of_the_sorted_list(
            text in "[aejn]{0,2}",
            active in proptest::bool::ANY,
            descending in proptest::bool::ANY,
            sort in proptest::sample::select(vec![SortField::Name, SortField::Email, SortField::Id, SortField::Status, SortField::Language, SortField::LastLogin]),
            offset in 0u64..45,
            limit in 1u64..12,
        ) {
            let all = || {
                (0..40)
                    .map(|n| {
                        let name = ["jan", "anne", "jean", "ena", "nadja"][n % 5];
                        let status = if n % 3 == 0 { Status::Inactive } else { Status::Active };
                        let mut u = user(&format!("{:02}", (n * 7) % 40), &format!("{name} {}", n % 4), &format!("{name}{}@x.nl", n % 6), status);
                        u.language = (n % 4 != 0).then(|| ["NL", "EN"][n % 2].to_string());
                        u.last_login = (n % 5 != 0).then(|| format!("2024-0{}", n % 3));
                        u
                    })
                    .collect::<Vec<_>>()
            };
            let q = ListQuery {
                text: Some(text),
                status: active.then_some(Status::Active),
                sort,
                descending,
                offset,
                limit,
                ..ListQuery::default()
            };
            let picked = LocalUsers::new(all());
            let sorted = LocalUsers::new(all());
            sorted.prepare(sort);
            proptest::prop_assert!(picked.picked(&q).is_some());
            proptest::prop_assert!(sorted.picked(&q).is_none());
            proptest::prop_assert_eq!(picked.page(&q), sorted.page(&q));
        }

        /// A user as it comes matches the filters as the held list's users do.
        #[test]
        fn the_row_filter_matches_as_the_held_list_does(
            text in proptest::option::of("[aejnOÉé@.0-9]{0,3}"),
            status in proptest::option::of(proptest::sample::select(vec![Status::Active, Status::Inactive, Status::Archived])),
            email in proptest::option::of("(JAN1@X.NL|anne2@x.nl|nobody@x.nl)"),
        ) {
            let all: Vec<User> = (0..30)
                .map(|n| {
                    let name = ["Jan", "Anne", "JEAN", "Éna", "nadja"][n % 5];
                    let status = [Status::Active, Status::Inactive, Status::Archived][n % 3].clone();
                    let mut u = user(&format!("{n:02}"), &format!("{name} {n}"), &format!("{}{}@x.nl", name.to_lowercase(), n % 4), status);
                    u.reference = (n % 2 == 0).then(|| format!("EMP-{n:03}"));
                    u
                })
                .collect();
            let q = ListQuery { text, status, email, ..ListQuery::default() };
            let held = LocalUsers::new(all.clone());
            let mut expected: Vec<String> = held.pages(&q, 100).flatten().map(|u| u.id).collect();
            expected.sort();
            let filter = RowFilter::new(&q);
            let matched: Vec<String> = all
                .iter()
                .filter(|u| {
                    let roles = serde_json::value::to_raw_value(&u.roles).unwrap();
                    filter.matches(&row_of(u, &roles))
                })
                .map(|u| u.id.clone())
                .collect();
            proptest::prop_assert_eq!(matched, expected);
        }

        /// Whatever listings came before (the matches kept, narrowed, or not), a page
        /// is the one a fresh list gives.
        #[test]
        fn a_page_is_the_same_whatever_was_asked_before(
            steps in proptest::collection::vec(("[aejn]{0,3}", proptest::bool::ANY, 0u64..4), 1..12)
        ) {
            let all = || {
                (0..40)
                    .map(|n| {
                        let name = ["jan", "anne", "jean", "ena", "nadja"][n % 5];
                        let status = if n % 3 == 0 { Status::Inactive } else { Status::Active };
                        user(&format!("{n:02}"), &format!("{name} {n}"), &format!("{name}{n}@x.nl"), status)
                    })
                    .collect::<Vec<_>>()
            };
            let kept = LocalUsers::new(all());
            for (text, active, offset) in steps {
                let q = ListQuery {
                    text: Some(text),
                    status: active.then_some(Status::Active),
                    sort: SortField::Name,
                    offset,
                    limit: 5,
                    ..ListQuery::default()
                };
                let fresh = LocalUsers::new(all()).page(&q);
                proptest::prop_assert_eq!(kept.page(&q), fresh);
            }
        }
    }
}
