//! training's list as it arrives: each user kept compact as it comes, then ready to
//! answer list queries.

use std::collections::HashMap;
use std::sync::Mutex;

use super::super::model::{Status, User};
use super::super::rows::{RowIn, Rows, status};
use super::super::stream::{Parts, RowSink};
use super::LocalUsers;
use super::sort::folded_prefix;
use super::status_code;

/// The list as it arrives: each user kept compact, with what a first page sorts and
/// filters it by most.
#[derive(Default)]
pub struct Loading<'a> {
    users: Rows,
    /// Each user's folded name's first bytes: a first page by name is chosen from them.
    name_prefixes: Vec<u128>,
    /// Each user's status, as its place in [`super::STATUSES`].
    status_codes: Vec<u8>,
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
            mut name_prefixes,
            mut status_codes,
            told: _,
        } = self;
        // Room made from the answer's length and not taken goes back.
        users.shrink_to_fit();
        name_prefixes.shrink_to_fit();
        status_codes.shrink_to_fit();
        LocalUsers {
            users,
            name_prefixes,
            status_codes,
            folded: std::sync::OnceLock::new(),
            bytes_seen: std::sync::OnceLock::new(),
            bigrams: std::sync::OnceLock::new(),
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
        self.users.append(&mut part.users)?;
        self.name_prefixes.append(&mut part.name_prefixes);
        self.status_codes.append(&mut part.status_codes);
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
    /// bytes of JSON, of which under half is text kept. Room
    /// never written to costs address space, not memory; room that cannot be had (a
    /// length a server made up) is not made, and the list grows as it comes.
    fn expect_bytes(&mut self, bytes: u64) {
        // A length a server made up asks for no more than a gigabyte.
        let bytes = usize::try_from(bytes).unwrap_or(0).min(1 << 30);
        let users = bytes / 150;
        let _ = self.users.try_reserve(users, bytes / 2);
        let _ = self.name_prefixes.try_reserve(users);
        let _ = self.status_codes.try_reserve(users);
    }

    fn push(&mut self, row: RowIn<'_>) -> Result<(), String> {
        self.users.push(&row)?;
        self.name_prefixes.push(folded_prefix(&row.name));
        let status = status(row.archived_at.is_some(), row.is_active);
        self.status_codes.push(status_code(&status));
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
