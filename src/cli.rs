//! The command line (clap).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::model::SortField;
use crate::dialect::Dialect;
use crate::format::Format;
use crate::server::faults::FaultSpec;

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
- lose-answer: a mutation is executed (applied) first and then its answer is replaced by the
  fault that hits it (500 or bad body). With lose-answer and neither fail nor bad-body,
  every mutation's answer is replaced by HTTP 500 after it was applied. Queries are never
  affected by lose-answer itself.
Empty or none: no faults. Faults hit requests with and without the right token alike.";

#[derive(Debug, Parser)]
#[command(
    name = "userdeck",
    version,
    about = "A terminal dashboard for the user accounts behind a GraphQL API"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Without a command: the dashboard, on the profile's API
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// The profile of the config file to use (default: its default_profile)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// The GraphQL endpoint, instead of the profile's
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// The API dialect, instead of the profile's (for serve: the one to serve)
    #[arg(long, global = true, value_enum)]
    pub dialect: Option<Dialect>,
    /// Refuse every mutation
    #[arg(long, global = true)]
    pub read_only: bool,
    /// The config file, instead of $XDG_CONFIG_HOME/userdeck/config.toml
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Read the bearer token from this environment variable
    #[arg(long, global = true, value_name = "VAR")]
    pub token_env: Option<String>,
    /// Write CSV cells as they are: no `'` before a leading =, +, -, @, tab or CR (the
    /// guard that keeps a spreadsheet from running them as formulas)
    #[arg(long, global = true)]
    pub csv_raw: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find, show and change users without the dashboard
    #[command(subcommand)]
    Users(UsersCommand),
    /// Show the merged configuration or where the config file is
    #[command(subcommand)]
    Config(ConfigCommand),
    /// List the audit journal's entries (bulk batches and edits), newest first
    Journal(JournalArgs),
    /// Take a batch back: each user returns to the status it had before, where the API
    /// can do that (the last batch not undone, or ENTRY)
    Undo(UndoArgs),
    /// The dashboard on a demo server started in this process (with a random token)
    Demo(DemoArgs),
    /// Serve the embedded GraphQL server (either contract) with demo data
    Serve(ServeArgs),
    /// Print a shell completion script (e.g. `userdeck completions bash > ~/.local/share/bash-completion/completions/userdeck`)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `userdeck man > ~/.local/share/man/man1/userdeck.1`
    Man,
}

#[derive(Debug, Args)]
pub struct JournalArgs {
    /// How many entries, newest first
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub limit: u64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The entry to undo: its id, or at least 6 characters of it (`userdeck journal`)
    pub entry: Option<String>,
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Users to generate
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    pub users: u64,
    /// Seed of the demo data
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Keep the demo data in this SQLite file
    #[arg(long, value_name = "PATH")]
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
    Show,
    /// Print the path of the config file (whether or not it exists)
    Path,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users: one page, or every page with --all
    List(ListArgs),
    /// Show everything about one user
    Show(ShowArgs),
    /// Block users (crm)
    Block(BulkArgs),
    /// Activate users (crm)
    Activate(BulkArgs),
    /// Archive users (training)
    Archive(BulkArgs),
    /// Restore archived users (training)
    Unarchive(BulkArgs),
    /// Create a user (training)
    Create(CreateArgs),
    /// Change fields of a user found by id or ref (training)
    Update(UpdateArgs),
    /// Update the user with this e-mail or ref, or create it (training)
    Upsert(UpsertArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Free text: part of a name, e-mail address, phone number or id
    #[arg(long, value_name = "Q")]
    pub filter: Option<String>,
    /// An exact e-mail address (any case)
    #[arg(long, value_name = "E")]
    pub email: Option<String>,
    /// Only users in this state (crm: active, blocked, pending; training: active,
    /// inactive, archived)
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// Order by this column
    #[arg(long, value_enum, value_name = "FIELD")]
    pub sort: Option<SortField>,
    /// Order descending
    #[arg(long)]
    pub desc: bool,
    /// Users per page (default: the profile's page_size); with --all, the most users
    /// written in all ("the first 5,000 users")
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
    /// Users to skip
    #[arg(long, value_name = "N", default_value_t = 0, conflicts_with = "all")]
    pub offset: u64,
    /// Every page, written as it comes
    #[arg(long)]
    pub all: bool,
    /// The fields of each record in JSON, NDJSON and CSV, in this order (e.g.
    /// id,email,status); names as the API's (see the README)
    #[arg(long, value_name = "FIELD,…")]
    pub fields: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("key").required(true).args(["id", "reference", "email"]))]
pub struct ShowArgs {
    /// The user's id
    pub id: Option<String>,
    /// The user's ref (training)
    #[arg(long = "ref", value_name = "R")]
    pub reference: Option<String>,
    /// The user's e-mail address (training)
    #[arg(long, value_name = "E")]
    pub email: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct BulkArgs {
    /// Ids of the users
    pub ids: Vec<String>,
    /// Read more ids from this file, one a line ("-": standard input)
    #[arg(long, value_name = "FILE")]
    pub ids_from: Option<String>,
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Fields a training user may be given.
#[derive(Debug, Args, Default)]
pub struct UserFields {
    /// A role (ADMIN, MANAGER, PLANNER, TRAINER, PARTICIPANT); repeat for several
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    /// Remove every role
    #[arg(long, conflicts_with = "roles")]
    pub no_roles: bool,
    /// NL, EN, DE or FR
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// Active (true) or not (false)
    #[arg(long, value_name = "BOOL")]
    pub active: Option<bool>,
    /// Extra fields: a JSON object
    #[arg(long, value_name = "JSON")]
    pub extra_fields: Option<String>,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// The user's ref
    #[arg(long = "ref", value_name = "R")]
    pub reference: Option<String>,
    #[command(flatten)]
    pub fields: UserFields,
    /// Do not send the invitation e-mail
    #[arg(long)]
    pub no_invite: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("key").required(true).args(["id", "reference"]))]
pub struct UpdateArgs {
    /// The user's id
    pub id: Option<String>,
    /// Find the user by ref instead
    #[arg(long = "ref", value_name = "R")]
    pub reference: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// Give the user this ref
    #[arg(long, value_name = "R")]
    pub new_ref: Option<String>,
    #[command(flatten)]
    pub fields: UserFields,
    /// Clear a field (sent as null); repeat for several
    #[arg(long, value_enum, value_name = "FIELD")]
    pub clear: Vec<ClearField>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The fields of a training user that may be empty, so `--clear` can empty them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClearField {
    Email,
    Ref,
    Roles,
    ExtraFields,
}

impl ClearField {
    /// As the command line writes it.
    pub fn name(self) -> &'static str {
        match self {
            ClearField::Email => "email",
            ClearField::Ref => "ref",
            ClearField::Roles => "roles",
            ClearField::ExtraFields => "extra-fields",
        }
    }
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("key").required(true).multiple(true).args(["email", "reference"]))]
pub struct UpsertArgs {
    /// Find (or create) the user by e-mail address
    #[arg(long)]
    pub email: Option<String>,
    /// Find (or create) the user by ref
    #[arg(long = "ref", value_name = "R")]
    pub reference: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    /// Give the user this ref
    #[arg(long, value_name = "R")]
    pub new_ref: Option<String>,
    #[command(flatten)]
    pub fields: UserFields,
    /// Do not send an invitation e-mail when creating
    #[arg(long)]
    pub no_invite: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one
    #[arg(long, default_value = "127.0.0.1:4000")]
    pub listen: SocketAddr,
    /// Users to generate when the database holds none of this dialect
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    pub users: u64,
    /// Seed of the demo data: the same seed gives the same users
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Keep the data in this SQLite file (created when missing); in memory without it
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Bearer token every request must carry; without one, every request is let in
    #[arg(
        long,
        env = "USERDECK_SERVE_TOKEN",
        hide_env_values = true,
        value_name = "T"
    )]
    pub token: Option<String>,
    /// Give the first users hostile names (escapes, bidi, formulas, very long text)
    #[arg(long)]
    pub hostile: bool,
    /// Inject faults, e.g. latency=300ms,fail=1/5,bad-body=1/7,lose-answer (see --help)
    #[arg(long, value_name = "SPEC", default_value = "none", long_help = FAULTS_HELP,
          value_parser = clap::value_parser!(FaultSpec))]
    pub faults: FaultSpec,
}
