//! The userdeck binary: parse the command line, set up error reports and logs, dispatch.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use color_eyre::eyre::{Result, WrapErr};
use tracing_subscriber::EnvFilter;

use userdeck::cli::{Cli, Command, ServeArgs};
use userdeck::cmd;
use userdeck::server::{self, Seeding, ServerOptions};

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        userdeck::say!("error: {e}");
    }
    // `COMPLETE=SHELL userdeck -- WORDS`: a shell asking for completions, answered here.
    clap_complete::CompleteEnv::with_factory(<Cli as clap::CommandFactory>::command).complete();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("USERDECK_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        // Colours only on a terminal: a log file gets no escape sequences.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        // A log line a dead terminal or a full disk cannot take is lost, not a panic.
        .log_internal_errors(false)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            userdeck::say!("error: cannot start the async runtime: {e}");
            return ExitCode::from(cmd::EXIT_ERROR);
        }
    };
    let result = match cli.command {
        None => runtime.block_on(cmd::dashboard(&cli.global, cli.ascii)),
        Some(_) if cli.ascii => Err(cmd::Failure::usage(
            "--ascii is for the dashboard (`userdeck --ascii`, `userdeck demo --ascii`)",
        )),
        Some(Command::Demo(args)) => runtime.block_on(cmd::demo(&cli.global, args)),
        Some(Command::Serve(args)) => runtime
            .block_on(serve(args))
            .map_err(|e| cmd::Failure::new(cmd::EXIT_ERROR, format!("{e:#}"))),
        Some(Command::Users(args)) => runtime.block_on(cmd::users(&cli.global, args)),
        Some(Command::Journal(args)) => cmd::journal(&cli.global, &args),
        Some(Command::Doctor(args)) => runtime.block_on(cmd::doctor(&cli.global, &args)),
        Some(Command::Undo(args)) => runtime.block_on(cmd::undo(&cli.global, args)),
        Some(Command::Config(command)) => cmd::config(&cli.global, command),
        Some(Command::Completions { shell, .. }) => cmd::completions(shell),
        Some(Command::Man(args)) => cmd::man(args.dir.as_deref()),
    };
    // The runtime's tasks (a demo server, requests under way) stop here, not later.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    // Then the journal's last lines (outcomes of requests dropped on the way out).
    userdeck::api::journal::drain(std::time::Duration::from_secs(5));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.quiet() => ExitCode::SUCCESS,
        Err(failure) => {
            userdeck::say!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
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
        faults: args.faults,
        hostile: args.hostile,
        tls: args.tls.files(),
        require_header: args.require_header,
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
    userdeck::say!("serving the {} API with {data}, {store}", options.dialect);
    if options.token.is_none() {
        userdeck::say!("no --token given: every request is let in");
    }
    if !options.faults.is_none() {
        userdeck::say!("injecting faults: {}", options.faults);
    }
    if let Some(ca) = options.tls.as_ref().and_then(|tls| tls.client_ca.as_ref()) {
        userdeck::say!("clients need a certificate signed by {}", ca.display());
    }
    userdeck::say!(
        "how to query it: open {} in a browser; Ctrl-C stops",
        running.url()
    );
    shutdown_signal().await;
    running
        .shutdown()
        .await
        .wrap_err("the server did not stop cleanly")
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
