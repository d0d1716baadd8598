//! SQL for the crm dialect: listing with filter, sort and paging; one user; sessions;
//! overlapping-IP users; status changes.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, Row, params_from_iter};

use super::marks::Marks;

/// A row of `crm_users`.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub pk: i64,
    pub id: String,
    pub username: String,
    pub email: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub avatar: Option<String>,
    pub phone_number: Option<String>,
    pub is_email_verified: bool,
    pub email_verified_at: Option<i64>,
    pub status: String,
}

const USER_COLUMNS: &str = "u.pk, u.id, u.username, u.email, u.created_at, u.updated_at, \
    u.avatar, u.phone_number, u.is_email_verified, u.email_verified_at, u.status";

impl UserRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<UserRow> {
        Ok(UserRow {
            pk: row.get(0)?,
            id: row.get(1)?,
            username: row.get(2)?,
            email: row.get(3)?,
            created_at: row.get(4)?,
            updated_at: row.get(5)?,
            avatar: row.get(6)?,
            phone_number: row.get(7)?,
            is_email_verified: row.get(8)?,
            email_verified_at: row.get(9)?,
            status: row.get(10)?,
        })
    }
}

/// A session joined with its device and place.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub pk: i64,
    pub device_name: Option<String>,
    pub device_type: Option<String>,
    pub browser: Option<String>,
    pub operating_system: Option<String>,
    pub ip_address: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub is_active: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_active_at: Option<i64>,
}

/// The columns `users` may be ordered by, as the contract names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortField {
    Id,
    Username,
    Email,
    CreatedAt,
    UpdatedAt,
    Status,
}

impl SortField {
    pub const NAMES: [&'static str; 6] = [
        "id",
        "username",
        "email",
        "createdAt",
        "updatedAt",
        "status",
    ];

    pub fn parse(name: &str) -> Option<SortField> {
        Some(match name {
            "id" => SortField::Id,
            "username" => SortField::Username,
            "email" => SortField::Email,
            "createdAt" => SortField::CreatedAt,
            "updatedAt" => SortField::UpdatedAt,
            "status" => SortField::Status,
            _ => return None,
        })
    }

    /// The index that holds the users in this order (see db.rs).
    pub(super) fn index(self) -> &'static str {
        match self {
            SortField::Id => "crm_users_id",
            SortField::Username => "crm_users_username",
            SortField::Email => "crm_users_email",
            SortField::CreatedAt => "crm_users_created",
            SortField::UpdatedAt => "crm_users_updated",
            SortField::Status => "crm_users_status",
        }
    }

    /// The column as it is compared in this order.
    pub(super) fn column(self) -> &'static str {
        match self {
            SortField::Id => "u.id",
            SortField::Username => "u.username",
            SortField::Email => "u.email COLLATE NOCASE",
            SortField::CreatedAt => "u.created_at",
            SortField::UpdatedAt => "u.updated_at",
            SortField::Status => "u.status",
        }
    }

    /// The column ordered by before the id, as stored; None for the id order itself.
    pub(super) fn plain_column(self) -> Option<&'static str> {
        match self {
            SortField::Id => None,
            SortField::Email => Some("u.email"),
            other => Some(other.column()),
        }
    }
}

/// What `users` asks for, already validated.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub limit: i64,
    pub offset: i64,
    pub descending: bool,
    pub sort: SortField,
    pub query: Option<String>,
    pub email: Option<String>,
    pub status: Option<&'static str>,
}

/// From this many text matches on, an early page walks the sort index (see `list`).
const WALK_INDEX_FROM_MATCHES: i64 = 2_000;
const WALK_INDEX_UP_TO_ROW: i64 = 1_000;

/// The trigram index matches substrings of three characters or more.
const TRIGRAM: usize = 3;

/// The free text to search for, if any. SQLite ends text at a NUL inside a pattern, and
/// no stored value holds one, so NULs are dropped.
fn search_text(q: &ListQuery) -> Option<String> {
    q.query
        .as_deref()
        .map(|t| t.replace('\0', ""))
        .filter(|t| !t.is_empty())
}

/// The WHERE clause and its parameters for the filter of `q`.
fn filter(q: &ListQuery, for_page: bool) -> (String, Vec<SqlValue>) {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    if let Some(text) = search_text(q) {
        if text.chars().count() >= TRIGRAM {
            // One quoted phrase: consecutive trigrams, i.e. a substring of one column.
            let phrase = SqlValue::Text(format!("\"{}\"", text.replace('"', "\"\"")));
            clauses.push(
                "u.pk IN (SELECT rowid FROM crm_users_fts WHERE crm_users_fts MATCH ?)".to_string(),
            );
            params.push(phrase);
        } else {
            // Too short for the trigram index: a scan, over few characters.
            let pattern = format!(
                "%{}%",
                text.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            clauses.push(
                "(u.username LIKE ? ESCAPE '\\' OR u.email LIKE ? ESCAPE '\\' \
                 OR u.phone_number LIKE ? ESCAPE '\\' OR u.id LIKE ? ESCAPE '\\')"
                    .to_string(),
            );
            params.extend(std::iter::repeat_n(SqlValue::Text(pattern), 4));
        }
    }
    if let Some(email) = &q.email {
        clauses.push("u.email = ? COLLATE NOCASE".to_string());
        params.push(SqlValue::Text(email.clone()));
    }
    if let Some(status) = q.status {
        // For a page the sort index (which carries the status) beats the status index
        // followed by a sort of every matching row; the unary + keeps the planner off the
        // status index unless the page is ordered by status anyway.
        clauses.push(
            if for_page && q.sort != SortField::Status {
                "+u.status = ?"
            } else {
                "u.status = ?"
            }
            .to_string(),
        );
        params.push(SqlValue::Text(status.to_string()));
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (clause, params)
}

/// One page of users and the number of users matching the filter over all pages.
pub fn list(
    conn: &Connection,
    q: &ListQuery,
    marks: &Marks,
) -> rusqlite::Result<(Vec<UserRow>, i64)> {
    let (clause, params) = filter(q, false);
    // With the text alone, the trigram index counts without visiting a user row: it holds
    // exactly one row per user.
    let fts_only = q.email.is_none()
        && q.status.is_none()
        && search_text(q).is_some_and(|t| t.chars().count() >= TRIGRAM);
    let count_sql = if fts_only {
        "SELECT count(*) FROM crm_users_fts WHERE crm_users_fts MATCH ?".to_string()
    } else {
        format!("SELECT count(*) FROM crm_users u {clause}")
    };
    let count: i64 = if clause.is_empty() {
        marks.everyone(conn)?
    } else {
        conn.prepare_cached(&count_sql)?
            .query_row(params_from_iter(params.iter()), |row| row.get(0))?
    };
    if q.offset >= count {
        // Past the end: nothing to walk to.
        return Ok((Vec::new(), count));
    }
    let (mut clause, mut params) = filter(q, true);
    let mut offset = q.offset;
    let unfiltered = clause.is_empty();
    if unfiltered && let Some(seek) = marks.seek(conn, q.sort, q.descending, q.offset, count)? {
        // A deep page of everyone: from the mark before it, not from the start.
        clause = format!("WHERE {}", seek.clause(q.sort, q.descending));
        params.extend(seek.key.value);
        params.push(SqlValue::Text(seek.key.id));
        offset = seek.skip;
    }

    let dir = if q.descending { "DESC" } else { "ASC" };
    // Ties are broken by id, in the same direction, so one index serves both ways.
    let order = match q.sort {
        SortField::Id => format!("u.id {dir}"),
        other => format!("{} {dir}, u.id {dir}", other.column()),
    };
    // Many text matches and an early page: walking the sort index and keeping the matches
    // stops after a few thousand entries, where fetching every match to sort them costs a
    // row read each. Few matches, or a deep page: the planner's way (the matches first).
    let walk_index = search_text(q).is_some_and(|t| t.chars().count() >= TRIGRAM)
        && count >= WALK_INDEX_FROM_MATCHES
        && q.offset + q.limit <= WALK_INDEX_UP_TO_ROW;
    let source = if walk_index {
        format!("crm_users u INDEXED BY {}", q.sort.index())
    } else {
        "crm_users u".to_string()
    };
    // The page's keys come from the covering index alone; only its rows are read.
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM crm_users u WHERE u.pk IN \
         (SELECT u.pk FROM {source} {clause} ORDER BY {order} LIMIT ? OFFSET ?) \
         ORDER BY {order}"
    );
    let mut all = params;
    all.push(SqlValue::Integer(q.limit));
    all.push(SqlValue::Integer(offset));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(all.iter()), UserRow::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, count))
}

/// The users with these ids, by id (those unknown absent): one query for many, in pieces
/// SQLite's variable limit allows.
pub fn by_ids(
    conn: &Connection,
    ids: &[String],
) -> rusqlite::Result<std::collections::HashMap<String, UserRow>> {
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for piece in ids.chunks(900) {
        let marks = vec!["?"; piece.len()].join(", ");
        let mut stmt = conn.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM crm_users u WHERE u.id IN ({marks})"
        ))?;
        let rows = stmt.query_map(params_from_iter(piece), UserRow::from_row)?;
        for row in rows {
            let row = row?;
            found.insert(row.id.clone(), row);
        }
    }
    Ok(found)
}

/// Every session of a user, newest first.
pub fn sessions(conn: &Connection, user_pk: i64) -> rusqlite::Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.pk, d.device_name, d.device_type, d.browser, d.operating_system, \
         s.ip_address, p.country, p.region, p.city, s.is_active, s.created_at, s.updated_at, \
         s.last_active_at \
         FROM crm_sessions s \
         LEFT JOIN crm_devices d ON d.pk = s.device_pk \
         LEFT JOIN crm_places p ON p.pk = s.place_pk \
         WHERE s.user_pk = ? ORDER BY s.created_at DESC, s.pk DESC",
    )?;
    stmt.query_map([user_pk], |row| {
        Ok(SessionRow {
            pk: row.get(0)?,
            device_name: row.get(1)?,
            device_type: row.get(2)?,
            browser: row.get(3)?,
            operating_system: row.get(4)?,
            ip_address: row.get(5)?,
            country: row.get(6)?,
            region: row.get(7)?,
            city: row.get(8)?,
            is_active: row.get(9)?,
            created_at: row.get(10)?,
            updated_at: row.get(11)?,
            last_active_at: row.get(12)?,
        })
    })?
    .collect()
}

/// The other users that had a session from an IP address this user had one from.
pub fn overlapping(conn: &Connection, user_pk: i64) -> rusqlite::Result<Vec<UserRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM crm_users u WHERE u.pk IN \
         (SELECT other.user_pk FROM crm_sessions mine \
          JOIN crm_sessions other ON other.ip_address = mine.ip_address \
          WHERE mine.user_pk = ?1 AND mine.ip_address IS NOT NULL AND other.user_pk <> ?1) \
         ORDER BY u.username, u.id"
    ))?;
    stmt.query_map([user_pk], UserRow::from_row)?.collect()
}

/// Sets `status` on every user in `ids`, all or nothing: when an id is unknown nothing
/// changes and the unknown ids are returned.
pub fn set_status(
    conn: &mut Connection,
    ids: &[String],
    status: &str,
    now: i64,
) -> rusqlite::Result<Result<(), Vec<String>>> {
    let tx = conn.transaction()?;
    let mut unknown = Vec::new();
    let mut seen = std::collections::HashSet::new();
    {
        let mut stmt = tx.prepare_cached(
            "UPDATE crm_users SET updated_at = CASE WHEN status = ?1 THEN updated_at ELSE ?2 END, \
             status = ?1 WHERE id = ?3",
        )?;
        for id in ids {
            if stmt.execute(rusqlite::params![status, now, id])? == 0 && seen.insert(id) {
                unknown.push(id.clone());
            }
        }
    }
    if unknown.is_empty() {
        tx.commit()?;
        Ok(Ok(()))
    } else {
        tx.rollback()?;
        Ok(Err(unknown))
    }
}
