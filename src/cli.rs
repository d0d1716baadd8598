//! The command line (clap).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clap_complete::engine::ArgValueCompleter;

pub use crate::cmd::ProgressMode;
use crate::complete;
use crate::dialect::Dialect;
use crate::format::Format;
use crate::server::faults::FaultSpec;

mod not_here;
pub use not_here::{NoAccess, NoApi, NoGlobals, NoProfile, NotHere};
mod tls;
pub use tls::TlsArgs;

/// The --help text of `--faults`, the same for `serve` and `demo` (and as in the README).
const FAULTS_HELP: &str = "\
Inject faults into POST /graphql, e.g. latency=300ms,fail=1/5,bad-body=1/7,lose-answer
- latency=DUR (e.g. 300ms, 2s, 1.5s): every POST to /graphql waits DUR before it is handled.
- slow=1/N: with latency, only one request in N waits (numbered as they arrive, k % N == 0):
  a slow request among fast ones.
- fail=1/N: one request in N is answered HTTP 500 (with a short text body), without being
  executed. Deterministic: POST requests are numbered 1, 2, 3, … from server start (one
  shared counter); request k fails when k % N == 0.
- bad-body=1/N: one request in N (same counter, k % N == 0; if fail also hits k, fail wins)
  is answered HTTP 200 with a body that is not JSON, without being executed.
- cut=1/N: one request in N (same counter; fail and bad-body win) is executed and its
  answer breaks off half-way: half the body is sent, then the connection is closed.
- lose-answer: a mutation is executed (applied) first and then its answer is replaced by the
  fault that hits it (500 or bad body). With lose-answer and neither fail nor bad-body,
  every mutation's answer is replaced by HTTP 500 after it was applied (one that cut
  hits breaks off instead). Queries are never
  affected by lose-answer itself.
Empty or none: no faults. Faults hit requests with and without the right token alike.";

/// What every command's exit status means (`userdeck --help`, the man page).
macro_rules! exit_codes {
    () => {
        "\
Exit codes:
  0  success (a bulk action: every id succeeded; nothing to do)
  1  error (a bulk action: every id failed; a cancelled confirmation)
  2  bad usage: nothing was sent
  3  only some ids succeeded
  4  the token was refused (UNAUTHORIZED)
  5  not found (RESOURCE_NOT_FOUND; a bulk action: every id unknown to the server)
  6  some outcomes are unknown (sent, no sure answer) or some ids were never sent"
    };
}
pub const EXIT_CODES: &str = exit_codes!();

macro_rules! top_examples {
    () => {
        "\
Examples:
  userdeck                                   the dashboard, on the default profile
  userdeck --profile prod                    … on another profile
  userdeck demo --users 5000                 the dashboard on a demo server
  userdeck users list --status blocked --all --format csv > blocked.csv
  userdeck users list --filter spam --all --format csv | userdeck users block --ids-from - --yes
  userdeck undo ENTRY                        take back exactly one batch"
    };
}

#[derive(Debug, Parser)]
#[command(
    name = "userdeck",
    version,
    about = "A terminal dashboard for the user accounts behind a GraphQL API",
    after_help = concat!(top_examples!(), "\n\n", exit_codes!()),
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Without a command: the dashboard, on the profile's API
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Draw the dashboard in ASCII only (the default where the locale is not UTF-8)
    #[arg(long)]
    pub ascii: bool,
}

/// Where the API is and how to talk to it: options of the dashboard and of every command
/// that reads the config file (shown under their own heading).
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// The profile of the config file to use (default: its default_profile)
    #[arg(long, global = true, value_name = "NAME", help_heading = GLOBAL,
          add = ArgValueCompleter::new(complete::profiles))]
    pub profile: Option<String>,
    /// The GraphQL endpoint, instead of the profile's
    #[arg(long, global = true, value_name = "URL", help_heading = GLOBAL)]
    pub endpoint: Option<String>,
    /// The API dialect, instead of the profile's
    #[arg(long, global = true, value_enum, value_name = "DIALECT", help_heading = GLOBAL)]
    pub dialect: Option<Dialect>,
    /// Refuse every mutation
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub read_only: bool,
    /// The config file, instead of $XDG_CONFIG_HOME/userdeck/config.toml
    #[arg(long, global = true, value_name = "FILE", help_heading = GLOBAL)]
    pub config: Option<PathBuf>,
    /// Read the bearer token from this environment variable
    #[arg(long, global = true, value_name = "VAR", help_heading = GLOBAL)]
    pub token_env: Option<String>,
}

const GLOBAL: &str = "Global options";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find, show and change users without the dashboard
    Users(UsersArgs),
    /// Show the merged configuration or where the config file is
    #[command(
        subcommand,
        after_help = "Examples:\n  userdeck config show\n  userdeck --profile prod config show\n  $EDITOR \"$(userdeck config path)\""
    )]
    Config(ConfigCommand),
    /// List the audit journal's entries (bulk batches and edits), newest first
    #[command(
        after_help = "Examples:\n  userdeck journal --limit 5\n  userdeck journal --user usr_00000042 --since 7d\n  userdeck journal --action block --format json | jq -r '.entries[].entry'\n  userdeck journal --all-profiles --format csv"
    )]
    Journal(JournalArgs),
    /// Take a batch back: each user returns to the status it had before, where the API
    /// can do that (the last batch not undone, or ENTRY)
    #[command(
        after_help = "Examples:\n  userdeck undo                          the newest batch of this profile\n  userdeck undo 3f2a9c --yes               exactly the batch a script sent"
    )]
    Undo(UndoArgs),
    /// Check the config, the network, the token, the server's contract and the terminal,
    /// one line per check with a fix for each failure (exit 0 only when all pass)
    #[command(
        after_help = "Examples:\n  userdeck doctor\n  userdeck --profile prod doctor --format json | jq '.checks[] | select(.verdict == \"fail\")'"
    )]
    Doctor(DoctorArgs),
    /// The dashboard on a demo server started in this process (with a random token)
    #[command(
        after_help = "Examples:\n  userdeck demo\n  userdeck demo --dialect training --users 20000\n  userdeck demo --faults latency=300ms,fail=1/5 --hostile"
    )]
    Demo(DemoArgs),
    /// Serve the embedded GraphQL server (either contract) with demo data
    #[command(
        after_help = "Examples:\n  userdeck serve --listen 127.0.0.1:0\n  userdeck serve --dialect training --db training.sqlite --token secret\n  userdeck serve --faults lose-answer,fail=1/3\n  userdeck serve --tls-cert cert.pem --tls-key key.pem --client-ca clients-ca.pem"
    )]
    Serve(ServeArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  userdeck completions bash > ~/.local/share/bash-completion/completions/userdeck\n  userdeck completions zsh > ~/.zfunc/_userdeck\n  userdeck completions fish > ~/.config/fish/completions/userdeck.fish"
    )]
    Completions {
        /// The shell
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
        #[command(flatten)]
        no_globals: NoGlobals,
    },
    /// Print the manual page (roff), or write one page per command
    #[command(
        after_help = "Examples:\n  userdeck man > ~/.local/share/man/man1/userdeck.1\n  userdeck man --dir ~/.local/share/man/man1      userdeck.1, userdeck-users.1, userdeck-users-list.1, …"
    )]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write a page for every command into this directory (userdeck.1, userdeck-users.1,
    /// userdeck-users-list.1, …) instead of printing the first
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    no_globals: NoGlobals,
}

/// `NAME: VALUE`, as a header is written.
fn header_pair(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("expected 'NAME: VALUE', got {text:?}"))?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(format!("{name:?} is not a header name"));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// table for a person, json for a script
    #[arg(long, value_enum, default_value_t = DoctorFormat::Table)]
    pub format: DoctorFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DoctorFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct JournalArgs {
    /// How many entries, newest first
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub limit: u64,
    /// Only the entries that name this user's id
    #[arg(long, value_name = "ID")]
    pub user: Option<String>,
    /// Only the entries of this action (block, activate, archive, unarchive, create,
    /// update, upsert, …)
    #[arg(long, value_name = "ACTION", add = ArgValueCompleter::new(complete::actions))]
    pub action: Option<String>,
    /// Only the entries from this time on: 2026-12-06T10:00:00Z, a day (2026-12-06) or an
    /// age (90m, 24h, 7d)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only the entries before this time (as --since)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// The entries of every profile and endpoint (default: the profile's own, at its
    /// endpoint)
    #[arg(long)]
    pub all_profiles: bool,
    #[command(flatten)]
    no_access: NoAccess,
    /// table for people; json, ndjson (a record a line) or csv for programs
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The entry to undo: its id, or at least 6 characters of it (`userdeck journal`;
    /// every bulk action's output names its entry)
    #[arg(value_name = "ENTRY", add = ArgValueCompleter::new(complete::entries))]
    pub entry: Option<String>,
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub why: users::ReasonArg,
    /// table for people; json, ndjson (a record a line) or csv for programs
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Table)]
    pub format: Format,
    /// How far it got, on standard error (as for the bulk commands)
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The contract of the demo server
    #[arg(long, value_enum, value_name = "DIALECT", default_value_t = Dialect::Crm)]
    pub dialect: Dialect,
    /// Draw the dashboard in ASCII only (the default where the locale is not UTF-8)
    #[arg(long)]
    pub ascii: bool,
    #[command(flatten)]
    no_profile: NoProfile,
    /// Users to generate
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    pub users: u64,
    /// Seed of the demo data
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Keep the demo data in this SQLite file
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Give the first users hostile names (escapes, bidi, formulas, very long text)
    #[arg(long)]
    pub hostile: bool,
    /// Inject faults into the demo server, e.g. latency=300ms,fail=1/5 (see --help)
    #[arg(long, value_name = "SPEC", default_value = "none", long_help = FAULTS_HELP,
          value_parser = clap::value_parser!(FaultSpec))]
    pub faults: FaultSpec,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the merged settings, tokens redacted
    #[command(
        after_help = "Examples:\n  userdeck config show\n  userdeck --profile prod config show"
    )]
    Show,
    /// Print the path of the config file (whether or not it exists)
    #[command(
        after_help = "Examples:\n  userdeck config path\n  $EDITOR \"$(userdeck config path)\""
    )]
    Path,
}

macro_rules! users_examples {
    () => {
        "\
Examples:
  userdeck users list --filter john --status active --sort name --limit 20
  userdeck users list --all --limit 5000 --fields id,email --format csv
  userdeck users show usr_00000042 --format json | jq .user.sessions.aggregatedInfo
  userdeck users list --status pending --all --format ndjson | userdeck users block --ids-from - --yes
  userdeck --profile training users update --ref EMP-000123 --language EN"
    };
}

// After the macros its help is made of.
mod users;
pub use users::{
    BulkArgs, ClearField, CreateArgs, ListArgs, ReasonArg, RingArgs, ShowArgs, TimelineArgs,
    UpdateArgs, UpsertArgs, UserFields, UsersArgs, UsersCommand,
};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The contract to serve
    #[arg(long, value_enum, value_name = "DIALECT", default_value_t = Dialect::Crm)]
    pub dialect: Dialect,
    #[command(flatten)]
    no_api: NoApi,
    /// Address to listen on; port 0 picks a free one
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:4000")]
    pub listen: SocketAddr,
    /// Users to generate when the database holds none of this dialect
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    pub users: u64,
    /// Seed of the demo data: the same seed gives the same users
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Keep the data in this SQLite file (created when missing); in memory without it
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Bearer token every request must carry; without one, every request is let in
    #[arg(
        long,
        env = "USERDECK_SERVE_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// Give the first users hostile names (escapes, bidi, formulas, very long text)
    #[arg(long)]
    pub hostile: bool,
    /// Inject faults, e.g. latency=300ms,fail=1/5,bad-body=1/7,lose-answer (see --help)
    #[arg(long, value_name = "SPEC", default_value = "none", long_help = FAULTS_HELP,
          value_parser = clap::value_parser!(FaultSpec))]
    pub faults: FaultSpec,
    #[command(flatten)]
    pub tls: TlsArgs,
    /// Refuse (HTTP 403) every POST without this header, as a company gateway does:
    /// 'X-Tenant: acme'
    #[arg(long, value_name = "HEADER", value_parser = header_pair)]
    pub require_header: Option<(String, String)>,
}
