//! The SQLite store behind the embedded server: opening, tuning and schema.
//!
//! One connection behind a mutex, used from blocking threads so the async runtime never
//! waits on SQLite. Every dialect keeps its own tables, so one file can hold both.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::errors::internal;

/// A shared handle on the server's database.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens `path` (created when missing, WAL journal) or, without one, a private
    /// in-memory database. The schema of both dialects is created when absent.
    pub fn open(path: Option<&Path>) -> rusqlite::Result<Db> {
        let conn = match path {
            Some(path) => {
                let conn = Connection::open(path)?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                // A mutation has reached the file when it answers.
                conn.pragma_update(None, "synchronous", "FULL")?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -262_144)?; // 256 MiB
        conn.pragma_update(None, "temp_store", "MEMORY")?;

        conn.execute_batch(SCHEMA)?;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Creates every index that is missing; a no-op on a database that has them.
    pub fn ensure_indices(&self) -> rusqlite::Result<()> {
        self.with(|conn| {
            for statement in INDICES.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                let started = std::time::Instant::now();
                conn.execute_batch(statement)?;
                tracing::debug!(statement, elapsed = ?started.elapsed(), "index");
            }
            Ok(())
        })
    }

    /// Runs `f` with the connection on a blocking thread.
    pub async fn run<T, F>(&self, f: F) -> async_graphql::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> async_graphql::Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| internal(format!("database task failed: {e}")))?
    }

    /// Runs `f` with the connection on the calling thread (setup, tests, benchmarks).
    pub fn with<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> T {
        let mut guard = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }
}

/// Tables of both dialects. Their indices are in [`INDICES`], created after the demo data
/// is loaded (cheaper than maintaining them row by row).
const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS crm_users (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    username TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    avatar TEXT,
    phone_number TEXT,
    is_email_verified INTEGER NOT NULL,
    email_verified_at INTEGER,
    status TEXT NOT NULL
);
-- Devices and places are few and shared by many sessions: kept once each.
CREATE TABLE IF NOT EXISTS crm_devices (
    pk INTEGER PRIMARY KEY,
    device_name TEXT,
    device_type TEXT,
    browser TEXT,
    operating_system TEXT
);
CREATE TABLE IF NOT EXISTS crm_places (
    pk INTEGER PRIMARY KEY,
    country TEXT,
    region TEXT,
    city TEXT
);
-- Clustered by user: a user's sessions are read together, and no index is needed for it.
CREATE TABLE IF NOT EXISTS crm_sessions (
    user_pk INTEGER NOT NULL,
    pk INTEGER NOT NULL,
    device_pk INTEGER,
    place_pk INTEGER,
    ip_address TEXT,
    is_active INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_active_at INTEGER,
    PRIMARY KEY (user_pk, pk)
) WITHOUT ROWID;
-- Substring search over username, email, phone number and id.
CREATE VIRTUAL TABLE IF NOT EXISTS crm_users_fts USING fts5(
    username, email, phone_number, id,
    content='', tokenize='trigram', columnsize=0
);

CREATE TABLE IF NOT EXISTS training_users (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    email TEXT,
    name TEXT NOT NULL,
    archived_at INTEGER,
    ref TEXT,
    is_active INTEGER NOT NULL,
    roles TEXT NOT NULL,
    profile_image TEXT NOT NULL,
    language TEXT NOT NULL,
    extra_fields TEXT,
    extra_fields_profile TEXT,
    has_password INTEGER NOT NULL,
    afas_person_id TEXT,
    afas_employee_id TEXT,
    afas_contact_id TEXT,
    afas_connection_id TEXT,
    participant_groups TEXT NOT NULL,
    manager_groups TEXT NOT NULL,
    invited_on INTEGER,
    last_login INTEGER,
    user_via TEXT NOT NULL
);
"#;

/// The indices, shaped after the queries that use them. Each sort index carries the
/// status too, so a status filter is checked without reading the rows it skips.
const INDICES: &str = r#"
CREATE UNIQUE INDEX IF NOT EXISTS crm_users_id ON crm_users(id);
CREATE INDEX IF NOT EXISTS crm_users_created ON crm_users(created_at, id, status);
CREATE INDEX IF NOT EXISTS crm_users_updated ON crm_users(updated_at, id, status);
CREATE INDEX IF NOT EXISTS crm_users_username ON crm_users(username, id, status);
CREATE INDEX IF NOT EXISTS crm_users_email ON crm_users(email COLLATE NOCASE, id, status);
CREATE INDEX IF NOT EXISTS crm_users_status ON crm_users(status, id);
CREATE INDEX IF NOT EXISTS crm_sessions_ip ON crm_sessions(ip_address, user_pk);

CREATE UNIQUE INDEX IF NOT EXISTS training_users_id ON training_users(id);
CREATE UNIQUE INDEX IF NOT EXISTS training_users_email ON training_users(email COLLATE NOCASE);
CREATE UNIQUE INDEX IF NOT EXISTS training_users_ref ON training_users(ref);
CREATE INDEX IF NOT EXISTS training_users_active ON training_users(is_active);
"#;
