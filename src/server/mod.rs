//! The embedded GraphQL server: both contracts over HTTP on SQLite, with demo data.
//!
//! Used by `userdeck serve`, `userdeck demo` and the tests; the client side of the program
//! never imports it.

pub mod cases;
pub mod crm;
pub mod db;
pub mod errors;
pub mod faults;
pub mod generate;
mod http;
pub mod scalars;
mod tls;
pub mod training;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use color_eyre::eyre::{Result, WrapErr};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::dialect::Dialect;
use db::Db;
use faults::{FaultSpec, Faults};
pub use tls::TlsFiles;

/// How to run a server.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub dialect: Dialect,
    pub listen: SocketAddr,
    /// Users to generate into an empty database.
    pub users: u64,
    pub seed: u64,
    /// Keep the data in this SQLite file; in memory without one.
    pub db: Option<PathBuf>,
    /// The bearer token every request must carry; without one every request is let in.
    pub token: Option<String>,
    /// Faults to inject into the answers (`--faults`); none by default.
    pub faults: FaultSpec,
    /// Give the first users hostile names (`--hostile`): escape sequences, bidi and
    /// zero-width characters, spreadsheet formulas, very long text.
    pub hostile: bool,
    /// Serve HTTPS with these files (`--tls-cert`, `--tls-key`, `--client-ca`); HTTP
    /// without.
    pub tls: Option<TlsFiles>,
    /// A header every request must carry with this value, as a company gateway wants a
    /// tenant (`--require-header 'X-Tenant: acme'`); refused with 403 without it.
    pub require_header: Option<(String, String)>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            dialect: Dialect::Crm,
            listen: SocketAddr::from(([127, 0, 0, 1], 4000)),
            users: 1000,
            seed: 1,
            db: None,
            token: None,
            faults: FaultSpec::default(),
            hostile: false,
            require_header: None,
            tls: None,
        }
    }
}

/// What opening the store found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeding {
    /// The database was empty and `users` users were generated.
    Generated,
    /// The database already held users of this dialect; they were kept.
    Kept,
}

/// Opens the store of `options` and fills it with demo data when it holds no users of
/// the dialect yet.
pub fn open_store(options: &ServerOptions) -> Result<(Db, Seeding)> {
    let db = Db::open(options.db.as_deref()).wrap_err_with(|| match &options.db {
        Some(path) => format!("cannot open database {}", path.display()),
        None => "cannot open the in-memory database".to_string(),
    })?;
    let table = match options.dialect {
        Dialect::Crm => "crm_users",
        Dialect::Training => "training_users",
    };
    let existing: i64 = db
        .with(|conn| conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)))
        .wrap_err("cannot read the database")?;
    let started = std::time::Instant::now();
    let seeding = if existing == 0 {
        db.with(|conn| match options.dialect {
            Dialect::Crm => generate::crm(conn, options.users, options.seed),
            Dialect::Training => generate::training(conn, options.users, options.seed),
        })
        .wrap_err("cannot generate the demo data")?;
        if options.dialect == Dialect::Crm && options.users >= cases::USERS_NEEDED {
            let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
            db.with(|conn| cases::write(conn, now))
                .wrap_err("cannot write the demo's cases")?;
        }
        if options.hostile {
            db.with(|conn| generate::hostile(conn, options.dialect))
                .wrap_err("cannot write the hostile demo data")?;
        }
        tracing::info!(users = options.users, elapsed = ?started.elapsed(), "generated");
        Seeding::Generated
    } else {
        Seeding::Kept
    };
    let started = std::time::Instant::now();
    db.ensure_indices().wrap_err("cannot create the indices")?;
    tracing::info!(elapsed = ?started.elapsed(), "indexed");
    Ok((db, seeding))
}

/// A server answering on its socket until it is shut down.
pub struct RunningServer {
    addr: SocketAddr,
    /// `https` with TLS, else `http`.
    scheme: &'static str,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    faults: Arc<Faults>,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of the GraphQL endpoint.
    pub fn url(&self) -> String {
        format!("{}://{}/graphql", self.scheme, self.addr)
    }

    /// The faults it injects; [`Faults::set`] changes them while it runs.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Stops accepting connections, lets requests under way finish, and waits.
    pub async fn shutdown(mut self) -> Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task)
            .await
            .wrap_err("the server task failed")?
            .wrap_err("the server failed")
    }
}

/// Binds `options.listen` and serves `db` on it in a background task.
pub async fn start(options: &ServerOptions, db: Db) -> Result<RunningServer> {
    // Read before binding, so that a bad file leaves no port taken; off the async
    // threads, as any file (one on a slow disk, a FIFO) may block.
    let tls = match options.tls.clone() {
        Some(files) => Some(
            tokio::task::spawn_blocking(move || tls::server_config(&files))
                .await
                .wrap_err("the TLS set-up task failed")??,
        ),
        None => None,
    };
    let listener = TcpListener::bind(options.listen)
        .await
        .wrap_err_with(|| format!("cannot listen on {}", options.listen))?;
    let addr = listener.local_addr()?;
    let faults = Arc::new(Faults::new(options.faults.clone()));
    let router = http::router(
        options.dialect,
        db,
        options.token.clone(),
        options.require_header.clone(),
        Arc::clone(&faults),
    );
    let (tx, rx) = oneshot::channel::<()>();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let stop = async move {
        let _ = rx.await;
    };
    // The same router and shutdown either way; only the listener differs.
    let task = match tls {
        None => tokio::spawn(
            axum::serve(listener, router)
                .with_graceful_shutdown(stop)
                .into_future(),
        ),
        Some(config) => {
            let listener = tls::TlsListener::new(listener, config)?;
            tokio::spawn(
                axum::serve(listener, router)
                    .with_graceful_shutdown(stop)
                    .into_future(),
            )
        }
    };
    Ok(RunningServer {
        addr,
        scheme,
        shutdown: Some(tx),
        task,
        faults,
    })
}

/// Opens the store and starts serving it: what tests and `demo` use.
pub async fn spawn(options: &ServerOptions) -> Result<RunningServer> {
    let opts = options.clone();
    let (db, _) = tokio::task::spawn_blocking(move || open_store(&opts))
        .await
        .wrap_err("the store task failed")??;
    start(options, db).await
}
