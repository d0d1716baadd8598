//! Paging, filtering and sorting in memory, for a dialect that lists every user at once
//! (training). The list is folded for search once, and each sort order is computed once,
//! so a keystroke costs one pass over the users.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::model::{ListQuery, Page, SortField, User};

/// Every user of the list, ready to answer list queries.
pub struct LocalUsers {
    users: Vec<User>,
    /// Every user's name, e-mail, id and ref, lower-cased, each followed by a separator no
    /// query holds, one user after another: one pass of a SIMD search covers them all.
    haystack: String,
    /// Where each user's text starts in `haystack`.
    starts: Vec<usize>,
    /// Per sort field: user indices in ascending order (ties by id).
    orders: Mutex<HashMap<SortField, Arc<Vec<u32>>>>,
}

const SEPARATOR: char = '\u{1f}';

impl LocalUsers {
    pub fn new(users: Vec<User>) -> LocalUsers {
        let mut haystack = String::with_capacity(users.len() * 96);
        let mut starts = Vec::with_capacity(users.len());
        for u in &users {
            starts.push(haystack.len());
            for part in [
                Some(u.name.as_str()),
                u.email.as_deref(),
                Some(u.id.as_str()),
                u.reference.as_deref(),
            ]
            .into_iter()
            .flatten()
            {
                haystack.push_str(&part.to_lowercase());
                haystack.push(SEPARATOR);
            }
        }
        LocalUsers {
            users,
            haystack,
            starts,
            orders: Mutex::new(HashMap::new()),
        }
    }

    fn order(&self, field: SortField) -> Arc<Vec<u32>> {
        let mut orders = self.orders.lock().unwrap_or_else(|p| p.into_inner());
        orders
            .entry(field)
            .or_insert_with(|| {
                let mut order: Vec<u32> = (0..self.users.len() as u32).collect();
                if field == SortField::Name {
                    // Lower-casing in the comparison would redo it n·log n times.
                    order.sort_by_cached_key(|&i| {
                        let u = &self.users[i as usize];
                        (u.name.to_lowercase(), u.id.clone())
                    });
                } else {
                    order.sort_by(|&a, &b| {
                        let (a, b) = (&self.users[a as usize], &self.users[b as usize]);
                        compare(field, a, b).then_with(|| a.id.cmp(&b.id))
                    });
                }
                Arc::new(order)
            })
            .clone()
    }

    /// Which users' text holds `needle`, in one pass over all of it.
    fn search(&self, needle: &str) -> Vec<bool> {
        let mut hits = vec![false; self.users.len()];
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let bytes = self.haystack.as_bytes();
        let mut from = 0;
        while let Some(offset) = finder.find(&bytes[from..]) {
            // The needle holds no separator, so a match lies within one user's text;
            // the search goes on at the next user's.
            let user = self.starts.partition_point(|&start| start <= from + offset) - 1;
            hits[user] = true;
            match self.starts.get(user + 1) {
                Some(&next) => from = next,
                None => break,
            }
        }
        hits
    }

    /// The users `q` matches, in its order (indices into `users`), ignoring its paging.
    fn matching<'a>(&'a self, q: &ListQuery) -> impl Iterator<Item = u32> + 'a {
        let needle = q
            .text
            .as_deref()
            .map(|t| t.to_lowercase().replace(SEPARATOR, ""))
            .filter(|t| !t.is_empty());
        let email = q.email.as_deref().map(str::to_lowercase);
        let hits = needle.as_deref().map(|n| self.search(n));
        let status = q.status.clone();
        let order = self.order(q.sort);
        let descending = q.descending;
        let len = order.len();
        (0..len)
            .map(move |k| order[if descending { len - 1 - k } else { k }])
            .filter(move |&i| {
                let user = &self.users[i as usize];
                hits.as_ref().is_none_or(|hits| hits[i as usize])
                    && email.as_deref().is_none_or(|e| {
                        user.email.as_deref().map(str::to_lowercase).as_deref() == Some(e)
                    })
                    && status.as_ref().is_none_or(|s| &user.status == s)
            })
    }

    /// The page `q` asks for.
    pub fn page(&self, q: &ListQuery) -> Page {
        let mut total = 0u64;
        let mut rows = Vec::with_capacity(q.limit.min(1000) as usize);
        for i in self.matching(q) {
            if total >= q.offset && (rows.len() as u64) < q.limit {
                rows.push(self.users[i as usize].clone());
            }
            total += 1;
        }
        Page {
            rows,
            total,
            offset: q.offset,
        }
    }

    /// How many users `q` matches.
    pub fn count(&self, q: &ListQuery) -> u64 {
        self.matching(q).count() as u64
    }

    /// Every user `q` matches, in its order, `size` at a time (its paging ignored): one
    /// pass over the list however many pages.
    pub fn pages<'a>(&'a self, q: &ListQuery, size: usize) -> impl Iterator<Item = Vec<User>> + 'a {
        let mut matching = self.matching(q).peekable();
        std::iter::from_fn(move || {
            matching.peek()?;
            Some(
                matching
                    .by_ref()
                    .take(size.max(1))
                    .map(|i| self.users[i as usize].clone())
                    .collect(),
            )
        })
    }

    /// The users with these ids, in that order; an id no user has is left out.
    pub fn by_ids(&self, ids: &[String]) -> Vec<User> {
        let at: HashMap<&str, &User> = self.users.iter().map(|u| (u.id.as_str(), u)).collect();
        ids.iter()
            .filter_map(|id| at.get(id.as_str()).map(|u| (*u).clone()))
            .collect()
    }

    /// Where the user with this id stands among the users `q` matches, if it does.
    pub fn position(&self, q: &ListQuery, id: &str) -> Option<u64> {
        self.matching(q)
            .position(|i| self.users[i as usize].id == id)
            .map(|at| at as u64)
    }
}

fn compare(field: SortField, a: &User, b: &User) -> Ordering {
    match field {
        SortField::Id => a.id.cmp(&b.id),
        SortField::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()), // see order()
        SortField::Email => a.email.cmp(&b.email),
        SortField::Status => a.status.as_str().cmp(b.status.as_str()),
        SortField::Created => a.created_at.cmp(&b.created_at),
        SortField::Updated => a.updated_at.cmp(&b.updated_at),
        SortField::Language => a.language.cmp(&b.language),
        SortField::LastLogin => a.last_login.cmp(&b.last_login),
    }
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
        let by_email = users.page(&ListQuery {
            email: Some("jan@EXAMPLE.com".into()),
            ..q(None)
        });
        assert_eq!(ids(&by_email), ["1"]);
        // The separator between fields never matches across them.
        assert_eq!(users.page(&q(Some("müller\u{1f}zoe"))).total, 0);
    }
}
