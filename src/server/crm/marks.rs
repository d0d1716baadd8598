//! Where deep pages start. SQLite finds the row at OFFSET n by walking n index entries, so
//! a page 900,000 users in costs 900,000 steps. For the orders whose keys no mutation
//! changes (the contract's mutations change only a status and `updatedAt`), every
//! `every`-th user's key is kept: a deep page of the whole listing seeks to the mark
//! before it and walks fewer than `every` entries. A status change touches nothing here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

use super::store::SortField;

/// Marks every this many users by default: 1,000 marks per order at a million users, and
/// a deep page walks at most a thousand entries from its mark.
pub const EVERY: i64 = 1_000;

/// The key of one user in an order: its sort value (none for the id order) and its id.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub value: Option<SqlValue>,
    pub id: String,
}

/// Where a page starts: at `key` (inclusive, in the page's direction), then `skip` more.
#[derive(Debug, Clone, PartialEq)]
pub struct Seek {
    pub key: Key,
    pub skip: i64,
}

impl Seek {
    /// The condition that starts a page at the key, in `sort` order (the key's sort value,
    /// if any, then its id are its parameters). The collation goes on the parameter: on the
    /// column, SQLite would no longer see the index's row value.
    pub fn clause(&self, sort: SortField, descending: bool) -> String {
        let cmp = if descending { "<=" } else { ">=" };
        match (sort.plain_column(), &self.key.value) {
            (Some(column), Some(_)) => {
                let collate = if sort == SortField::Email {
                    " COLLATE NOCASE"
                } else {
                    ""
                };
                format!("({column}, u.id) {cmp} (?{collate}, ?)")
            }
            _ => format!("u.id {cmp} ?"),
        }
    }
}

/// The marks of one order, for the number of users they were taken over.
#[derive(Debug)]
struct Taken {
    users: i64,
    keys: Vec<Key>,
}

/// The marks of every order that has been paged deeply, taken when first needed; and
/// the number of users, which no crm mutation changes either.
#[derive(Debug)]
pub struct Marks {
    every: i64,
    by_order: Mutex<HashMap<SortField, Arc<Taken>>>,
    /// `SELECT count(*)` of every user, counted once: SQLite counts by walking every
    /// page of the table, about a millisecond a million users, on every first page.
    everyone: Mutex<Option<i64>>,
}

impl Default for Marks {
    fn default() -> Marks {
        Marks::every(EVERY)
    }
}

impl Marks {
    pub fn every(every: i64) -> Marks {
        Marks {
            every: every.max(1),
            by_order: Mutex::new(HashMap::new()),
            everyone: Mutex::new(None),
        }
    }

    /// How many users there are (counted the first time only).
    pub fn everyone(&self, conn: &Connection) -> rusqlite::Result<i64> {
        let mut everyone = self.everyone.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = *everyone {
            return Ok(count);
        }
        let count = conn.query_row("SELECT count(*) FROM crm_users", [], |r| r.get(0))?;
        *everyone = Some(count);
        Ok(count)
    }

    /// Where the page at `offset` of all `users` in `sort` order starts, when a mark is
    /// nearer than the start of the listing; None when walking from the start is as good
    /// or the order's keys change with a status (updatedAt, status).
    pub fn seek(
        &self,
        conn: &Connection,
        sort: SortField,
        descending: bool,
        offset: i64,
        users: i64,
    ) -> rusqlite::Result<Option<Seek>> {
        if !stable(sort) || offset < self.every || offset >= users {
            return Ok(None);
        }
        let taken = self.taken(conn, sort, users)?;
        // The page's first user, counted from the ascending start.
        let position = if descending {
            users - 1 - offset
        } else {
            offset
        };
        // The mark at or before it in the page's direction, and how far past it it is.
        let (mark, skip) = if descending {
            let mark = (position + self.every - 1) / self.every;
            (mark, mark * self.every - position)
        } else {
            let mark = position / self.every;
            (mark, position - mark * self.every)
        };
        if taken.users != users {
            return Ok(None);
        }
        let Some(key) = usize::try_from(mark).ok().and_then(|m| taken.keys.get(m)) else {
            return Ok(None);
        };
        Ok(Some(Seek {
            key: key.clone(),
            skip,
        }))
    }

    /// The marks of `sort` over `users` users, taken now when missing or taken over
    /// another number of users.
    fn taken(
        &self,
        conn: &Connection,
        sort: SortField,
        users: i64,
    ) -> rusqlite::Result<Arc<Taken>> {
        let mut by_order = self.by_order.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(taken) = by_order.get(&sort).filter(|t| t.users == users) {
            return Ok(taken.clone());
        }
        let started = std::time::Instant::now();
        let taken = Arc::new(take(conn, sort, self.every)?);
        tracing::debug!(?sort, marks = taken.keys.len(), elapsed = ?started.elapsed(), "marks taken");
        by_order.insert(sort, taken.clone());
        Ok(taken)
    }
}

/// Whether no mutation of the contract moves a user in this order.
fn stable(sort: SortField) -> bool {
    !matches!(sort, SortField::UpdatedAt | SortField::Status)
}

/// Walks the order's index once and keeps every `every`-th key.
fn take(conn: &Connection, sort: SortField, every: i64) -> rusqlite::Result<Taken> {
    let (value, order) = match sort.plain_column() {
        None => ("NULL", "u.id".to_string()),
        Some(column) => (column, format!("{}, u.id", sort.column())),
    };
    let sql = format!(
        "SELECT {value}, u.id FROM crm_users u INDEXED BY {} ORDER BY {order}",
        sort.index()
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut keys = Vec::new();
    let mut users = 0;
    while let Some(row) = rows.next()? {
        if users % every == 0 {
            let value: SqlValue = row.get(0)?;
            keys.push(Key {
                value: sort.plain_column().map(|_| value),
                id: row.get(1)?,
            });
        }
        users += 1;
    }
    Ok(Taken { users, keys })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::crm::store::{ListQuery, list, set_status};
    use crate::server::db::Db;
    use crate::server::generate;

    const SORTS: [SortField; 6] = [
        SortField::Id,
        SortField::Username,
        SortField::Email,
        SortField::CreatedAt,
        SortField::UpdatedAt,
        SortField::Status,
    ];

    fn ids(conn: &Connection, q: &ListQuery, marks: &Marks) -> Vec<String> {
        let (rows, _) = list(conn, q, marks).expect("a page");
        rows.into_iter().map(|r| r.id).collect()
    }

    #[test]
    fn a_page_from_a_mark_is_the_page_walked_from_the_start_in_every_order() {
        let db = Db::open(None).expect("db");
        db.with(|conn| generate::crm(conn, 1_234, 7))
            .expect("users");
        // Hostile names: marks must hold keys with quotes, NULs and mixed case.
        db.with(|conn| generate::hostile(conn, crate::dialect::Dialect::Crm))
            .expect("hostile");
        db.ensure_indices().expect("indices");
        let marked = Marks::every(100);
        let walked = Marks::every(i64::MAX);
        db.with(|conn| {
            let total: i64 = conn
                .query_row("SELECT count(*) FROM crm_users", [], |r| r.get(0))
                .unwrap();
            // A status change moves no user in the marked orders.
            let some: Vec<String> = ids(conn, &query(SortField::Id, false, 300), &walked);
            for round in 0..2 {
                for sort in SORTS {
                    for descending in [false, true] {
                        for offset in [0, 99, 100, 101, 250, 999, total - 51, total - 1, total] {
                            let q = query(sort, descending, offset);
                            assert_eq!(
                                ids(conn, &q, &marked),
                                ids(conn, &q, &walked),
                                "{sort:?} descending {descending} offset {offset} round {round}"
                            );
                        }
                    }
                }
                set_status(conn, &some, "BLOCKED", 1).unwrap().unwrap();
            }
        });
        let taken = marked.by_order.lock().unwrap();
        assert!(taken.contains_key(&SortField::CreatedAt));
        assert!(
            !taken.contains_key(&SortField::UpdatedAt),
            "updatedAt moves with a status"
        );
    }

    fn query(sort: SortField, descending: bool, offset: i64) -> ListQuery {
        ListQuery {
            limit: 50,
            offset,
            descending,
            sort,
            query: None,
            email: None,
            status: None,
        }
    }

    #[test]
    fn a_deep_page_seeks_in_the_sort_index() {
        let db = Db::open(None).expect("db");
        db.with(|conn| generate::crm(conn, 10, 7)).expect("users");
        db.ensure_indices().expect("indices");
        db.with(|conn| {
            for sort in [SortField::CreatedAt, SortField::Username, SortField::Email] {
                let seek = Seek {
                    key: Key {
                        value: Some(SqlValue::Text("a".into())),
                        id: "b".into(),
                    },
                    skip: 0,
                };
                let sql = format!(
                    "EXPLAIN QUERY PLAN SELECT u.pk FROM crm_users u WHERE {} \
                     ORDER BY {} DESC, u.id DESC LIMIT 50",
                    seek.clause(sort, true),
                    sort.column()
                );
                let plan: Vec<String> = conn
                    .prepare(&sql)
                    .unwrap()
                    .query_map(["a", "b"], |r| r.get(3))
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap();
                let plan = plan.join("; ");
                assert!(
                    plan.contains(&format!("USING COVERING INDEX {} (", sort.index())),
                    "{sort:?}: {plan}"
                );
            }
        });
    }
}
