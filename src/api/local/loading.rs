//! training's list as it arrives: each user kept compact and folded for search as it
//! comes, then ready to answer list queries.

use std::collections::HashMap;
use std::sync::Mutex;

use super::super::model::{Status, User};
use super::super::rows::{RowIn, Rows};
use super::super::stream::{Parts, RowSink};
use super::LocalUsers;
use super::filter::{SEPARATOR, fold_into, searched};

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
        // training's status is one of three, made from two fields: found among those
        // seen, without hashing a million of them.
        let mut statuses: Vec<Status> = Vec::new();
        let status_codes = (0..users.len())
            .map(|i| {
                let status = users.status(i);
                let at = statuses
                    .iter()
                    .position(|s| *s == status)
                    .unwrap_or_else(|| {
                        statuses.push(status);
                        statuses.len() - 1
                    });
                at as u32
            })
            .collect();
        LocalUsers {
            users,
            haystack,
            starts,
            name_lengths,
            bytes_seen: std::sync::OnceLock::new(),
            bigrams: std::sync::OnceLock::new(),
            status_codes,
            statuses,
            orders: Mutex::new(HashMap::new()),
            last: Mutex::new(None),
        }
    }
}

impl Parts for Loading<'_> {
    type Part = Loading<'static>;

    fn part(&self) -> Loading<'static> {
        Loading::default()
    }

    fn join(&mut self, part: &mut Loading<'static>) -> Result<(), String> {
        let before = self.users.len();
        let base = self.haystack.len();
        self.users.append(&mut part.users)?;
        self.haystack.push_str(&part.haystack);
        part.haystack.clear();
        self.starts
            .extend(part.starts.drain(..).map(|start| start + base));
        self.name_lengths.append(&mut part.name_lengths);
        if let Some(told) = self.told
            && before / TELL_EVERY < self.users.len() / TELL_EVERY
        {
            told(self.users.len() as u64);
        }
        Ok(())
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

/// `u` as an answer would bring it, its roles as `roles`.
pub(super) fn row_of<'a>(u: &'a User, roles: &'a serde_json::value::RawValue) -> RowIn<'a> {
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
