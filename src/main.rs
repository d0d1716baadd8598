//! The userdeck binary: parse the command line, set up error reports and logs, dispatch.

use std::io::Write;

use clap::Parser;
use color_eyre::eyre::{Result, WrapErr};
use tracing_subscriber::EnvFilter;

use userdeck::cli::{Cli, Command, ServeArgs};
use userdeck::server::{self, Seeding, ServerOptions};

fn main() -> Result<()> {
    color_eyre::install()?;
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("USERDECK_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Runtime::new().wrap_err("cannot start the async runtime")?;
    match cli.command {
        Command::Serve(args) => runtime.block_on(serve(args)),
    }
}

async fn serve(args: ServeArgs) -> Result<()> {
    let options = ServerOptions {
        dialect: args.dialect,
        listen: args.listen,
        users: args.users,
        seed: args.seed,
        db: args.db,
        token: args.token.filter(|t| !t.is_empty()),
    };
    let opts = options.clone();
    let started = std::time::Instant::now();
    let (db, seeding) = tokio::task::spawn_blocking(move || server::open_store(&opts)).await??;
    let running = server::start(&options, db).await?;
    // The URL is the first line, so scripts and tests can read it.
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{}", running.url())?;
    stdout.flush()?;
    let store = match &options.db {
        Some(path) => format!("in {}", path.display()),
        None => "in memory".to_string(),
    };
    let data = match seeding {
        Seeding::Generated => format!(
            "{} users generated in {:.1} s (seed {})",
            options.users,
            started.elapsed().as_secs_f64(),
            options.seed
        ),
        Seeding::Kept => "the users already stored".to_string(),
    };
    eprintln!("serving the {} API with {data}, {store}", options.dialect);
    if options.token.is_none() {
        eprintln!("no --token given: every request is let in");
    }
    eprintln!(
        "GraphiQL: open {} in a browser; Ctrl-C stops",
        running.url()
    );
    shutdown_signal().await;
    running.shutdown().await
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
