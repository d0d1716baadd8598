//! SQL for the training dialect: users by key, the whole list, create, update, archive.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

/// A row of `training_users`; the list-valued columns hold JSON text.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub pk: i64,
    pub id: String,
    pub email: Option<String>,
    pub name: String,
    pub archived_at: Option<i64>,
    pub reference: Option<String>,
    pub is_active: bool,
    pub roles: String,
    pub profile_image: String,
    pub language: String,
    pub extra_fields: Option<String>,
    pub extra_fields_profile: Option<String>,
    pub has_password: bool,
    pub afas_person_id: Option<String>,
    pub afas_employee_id: Option<String>,
    pub afas_contact_id: Option<String>,
    pub afas_connection_id: Option<String>,
    pub participant_groups: String,
    pub manager_groups: String,
    pub invited_on: Option<i64>,
    pub last_login: Option<i64>,
    pub user_via: String,
}

const COLUMNS: &str = "pk, id, email, name, archived_at, ref, is_active, roles, profile_image, \
    language, extra_fields, extra_fields_profile, has_password, afas_person_id, \
    afas_employee_id, afas_contact_id, afas_connection_id, participant_groups, manager_groups, \
    invited_on, last_login, user_via";

impl UserRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<UserRow> {
        Ok(UserRow {
            pk: row.get(0)?,
            id: row.get(1)?,
            email: row.get(2)?,
            name: row.get(3)?,
            archived_at: row.get(4)?,
            reference: row.get(5)?,
            is_active: row.get(6)?,
            roles: row.get(7)?,
            profile_image: row.get(8)?,
            language: row.get(9)?,
            extra_fields: row.get(10)?,
            extra_fields_profile: row.get(11)?,
            has_password: row.get(12)?,
            afas_person_id: row.get(13)?,
            afas_employee_id: row.get(14)?,
            afas_contact_id: row.get(15)?,
            afas_connection_id: row.get(16)?,
            participant_groups: row.get(17)?,
            manager_groups: row.get(18)?,
            invited_on: row.get(19)?,
            last_login: row.get(20)?,
            user_via: row.get(21)?,
        })
    }
}

/// How a user is looked up.
#[derive(Debug, Clone)]
pub enum Key {
    Id(String),
    Ref(String),
    Email(String),
}

pub fn find(conn: &Connection, key: &Key) -> rusqlite::Result<Option<UserRow>> {
    let (clause, value) = match key {
        Key::Id(v) => ("id = ?", v),
        Key::Ref(v) => ("ref = ?", v),
        Key::Email(v) => ("email = ? COLLATE NOCASE", v),
    };
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM training_users WHERE {clause}"
    ))?
    .query_row([value], UserRow::from_row)
    .optional()
}

/// Every user in creation order; only active or inactive ones when `active` is set.
pub fn all(conn: &Connection, active: Option<bool>) -> rusqlite::Result<Vec<UserRow>> {
    let (clause, params): (&str, Vec<SqlValue>) = match active {
        Some(active) => (
            "WHERE is_active = ?",
            vec![SqlValue::Integer(active.into())],
        ),
        None => ("", Vec::new()),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM training_users {clause} ORDER BY pk"
    ))?;
    stmt.query_map(params_from_iter(params.iter()), UserRow::from_row)?
        .collect()
}

/// Up to `limit` users past `after` (by pk), as [`all`] lists them.
pub fn after(
    conn: &Connection,
    active: Option<bool>,
    after: i64,
    limit: usize,
) -> rusqlite::Result<Vec<UserRow>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM training_users WHERE pk > ?1 AND (?2 IS NULL OR is_active = ?2) ORDER BY pk LIMIT ?3"
    ))?;
    stmt.query_map(params![after, active, limit], UserRow::from_row)?
        .collect()
}

/// Whether another user than `except` has this e-mail address (case-insensitive).
pub fn email_taken(conn: &Connection, email: &str, except: Option<i64>) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM training_users WHERE email = ? COLLATE NOCASE AND pk IS NOT ?)",
    )?
    .query_row(params![email, except], |row| row.get(0))
}

/// Whether another user than `except` has this ref.
pub fn ref_taken(
    conn: &Connection,
    reference: &str,
    except: Option<i64>,
) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM training_users WHERE ref = ? AND pk IS NOT ?)",
    )?
    .query_row(params![reference, except], |row| row.get(0))
}

/// Inserts `row` (its `pk` is ignored) and returns it as stored.
pub fn insert(conn: &Connection, row: &UserRow) -> rusqlite::Result<UserRow> {
    conn.prepare_cached(&format!(
        "INSERT INTO training_users ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        COLUMNS.trim_start_matches("pk, ")
    ))?
    .execute(params![
        row.id,
        row.email,
        row.name,
        row.archived_at,
        row.reference,
        row.is_active,
        row.roles,
        row.profile_image,
        row.language,
        row.extra_fields,
        row.extra_fields_profile,
        row.has_password,
        row.afas_person_id,
        row.afas_employee_id,
        row.afas_contact_id,
        row.afas_connection_id,
        row.participant_groups,
        row.manager_groups,
        row.invited_on,
        row.last_login,
        row.user_via
    ])?;
    let pk = conn.last_insert_rowid();
    find_pk(conn, pk)
}

/// Writes the editable columns of `row` back.
pub fn update(conn: &Connection, row: &UserRow) -> rusqlite::Result<UserRow> {
    conn.prepare_cached(
        "UPDATE training_users SET email = ?, name = ?, ref = ?, is_active = ?, roles = ?, \
         language = ?, extra_fields = ?, invited_on = ? WHERE pk = ?",
    )?
    .execute(params![
        row.email,
        row.name,
        row.reference,
        row.is_active,
        row.roles,
        row.language,
        row.extra_fields,
        row.invited_on,
        row.pk
    ])?;
    find_pk(conn, row.pk)
}

fn find_pk(conn: &Connection, pk: i64) -> rusqlite::Result<UserRow> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM training_users WHERE pk = ?"
    ))?
    .query_row([pk], UserRow::from_row)
}

/// Archives (or restores) every known id in one transaction: (succeeded, failed).
pub fn archive(
    conn: &mut Connection,
    ids: &[String],
    archive: bool,
    now: i64,
) -> rusqlite::Result<(Vec<String>, Vec<String>)> {
    let tx = conn.transaction()?;
    let (mut succeeded, mut failed) = (Vec::new(), Vec::new());
    {
        // Archiving keeps the first archivedAt of a user already archived.
        let sql = if archive {
            "UPDATE training_users SET archived_at = coalesce(archived_at, ?1), is_active = 0 WHERE id = ?2"
        } else {
            "UPDATE training_users SET archived_at = NULL, is_active = 1 WHERE id = ?2 AND ?1 IS NOT NULL"
        };
        let mut stmt = tx.prepare_cached(sql)?;
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            if !seen.insert(id) {
                continue;
            }
            if stmt.execute(params![now, id])? == 1 {
                succeeded.push(id.clone());
            } else {
                failed.push(id.clone());
            }
        }
    }
    tx.commit()?;
    Ok((succeeded, failed))
}
