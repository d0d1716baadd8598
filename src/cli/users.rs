//! `userdeck users …`: listing, showing, bulk actions and edits.

use clap::{Args, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use super::ProgressMode;
use crate::api::model::SortField;
use crate::complete;
use crate::format::Format;
use crate::format::ring::RingFormat;

/// `userdeck users …`: the command, and what every one of them shares.
#[derive(Debug, Args)]
#[command(after_help = concat!(users_examples!(), "\n\n", exit_codes!()))]
pub struct UsersArgs {
    /// Write CSV cells as they are: no `'` before a leading =, +, -, @, tab or CR (the
    /// guard that keeps a spreadsheet from running them as formulas)
    #[arg(long, global = true, help_heading = "Output options")]
    pub csv_raw: bool,
    #[command(subcommand)]
    pub command: UsersCommand,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users: one page, or every page with --all
    #[command(
        after_help = "Examples:\n  userdeck users list --filter john --status active --sort name --limit 20\n  userdeck users list --all --limit 5000 --format ndjson\n  userdeck users list --all --fields id,email --format csv > users.csv"
    )]
    List(ListArgs),
    /// Show everything about one user
    #[command(
        after_help = "Examples:\n  userdeck users show usr_00000042\n  userdeck users show usr_00000042 --format json | jq .user.overlapIPUsers\n  userdeck --profile training users show --email jo@example.com"
    )]
    Show(ShowArgs),
    /// The ring around an account (crm): the accounts that shared its IP addresses, and
    /// theirs, with their status, signals and the addresses that link them
    #[command(
        after_help = "Examples:\n  userdeck users ring usr_00000011\n  userdeck users ring usr_00000011 --depth 3 --format json | jq '.members[] | select(.status == \"ACTIVE\") | .id'\n  userdeck users ring usr_00000011 --format dot | dot -Tsvg > ring.svg"
    )]
    Ring(RingArgs),
    /// One account's history in time order: sessions (crm), changes of country or
    /// device, quiet spells, and this machine's journal entries about it
    #[command(
        after_help = "Examples:\n  userdeck users timeline usr_00000010\n  userdeck users timeline usr_00000010 --format ndjson | jq -r 'select(.what == \"journal\") | .text'"
    )]
    Timeline(TimelineArgs),
    /// Block users (crm)
    #[command(
        after_help = "Examples:\n  userdeck users block usr_00000042 usr_00000043\n  userdeck users list --filter spam --all --format csv | userdeck users block --ids-from - --yes\n  userdeck users block --ids-from ids.txt --yes --format json | jq -r .entry"
    )]
    Block(BulkArgs),
    /// Activate users (crm)
    #[command(
        after_help = "Examples:\n  userdeck users activate usr_00000042\n  userdeck users activate --ids-from ids.txt --yes"
    )]
    Activate(BulkArgs),
    /// Archive users (training)
    #[command(
        after_help = "Examples:\n  userdeck users archive 8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11\n  userdeck users list --status inactive --all --format ndjson | userdeck users archive --ids-from - --yes"
    )]
    Archive(BulkArgs),
    /// Restore archived users (training)
    #[command(
        after_help = "Examples:\n  userdeck users unarchive 8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11"
    )]
    Unarchive(BulkArgs),
    /// Create a user (training)
    #[command(
        after_help = "Examples:\n  userdeck users create --email jo@example.com --name \"Jo Smit\" --role trainer --language EN"
    )]
    Create(CreateArgs),
    /// Change fields of a user found by id or ref (training)
    #[command(
        after_help = "Examples:\n  userdeck users update --ref EMP-000123 --language EN --active false\n  userdeck users update 8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11 --clear extra-fields"
    )]
    Update(UpdateArgs),
    /// Update the user with this e-mail or ref, or create it (training)
    #[command(
        after_help = "Examples:\n  userdeck users upsert --email jo@example.com --name \"Jo Smit-de Vries\""
    )]
    Upsert(UpsertArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Free text: part of a name, e-mail address, phone number or id
    #[arg(long, value_name = "QUERY")]
    pub filter: Option<String>,
    /// An exact e-mail address (any case)
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// Only users in this state (crm: active, blocked, pending; training: active,
    /// inactive, archived); another name is sent as given, a likely typo refused
    #[arg(long, value_name = "STATUS", add = ArgValueCompleter::new(complete::statuses))]
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
    /// Every user, each written as the answer brings it, in the server's order (training
    /// lists every user in one answer: the list is never held, the memory stays flat);
    /// crm: as --all
    #[arg(long, conflicts_with_all = ["sort", "desc", "offset"])]
    pub stream: bool,
    /// The fields of each record in JSON, NDJSON and CSV, in this order (e.g.
    /// id,email,status); names as the API's (see the README)
    #[arg(long, value_name = "FIELD,…", add = ArgValueCompleter::new(complete::fields))]
    pub fields: Option<String>,
    /// List as the saved view NAME does (`:view save NAME` in the dashboard): its filter,
    /// status, sort and page size, each unless given here
    #[arg(long, value_name = "NAME")]
    pub view: Option<String>,
    /// table for people; json, ndjson (a record a line) or csv for programs
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("key").required(true).args(["id", "reference", "email"]))]
pub struct ShowArgs {
    /// The user's id
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// The user's ref (training)
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// The user's e-mail address (training)
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// table for people; json, ndjson (a record a line) or csv for programs
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct RingArgs {
    /// The account the ring starts from
    #[arg(value_name = "ID")]
    pub id: String,
    /// How many steps of shared addresses to follow
    #[arg(long, value_name = "N", default_value_t = crate::api::ring::DEPTH,
          value_parser = clap::value_parser!(u32).range(1..=crate::api::ring::MAX_DEPTH as i64))]
    pub depth: u32,
    /// table for people; json or csv for programs; dot for Graphviz
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = RingFormat::Table)]
    pub format: RingFormat,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// The account's id
    #[arg(value_name = "ID")]
    pub id: String,
    /// table for people; json, ndjson (an event a line) or csv for programs
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct BulkArgs {
    /// Ids of the users
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Read more ids from this file ("-": standard input): one a line, or the CSV, JSON
    /// or NDJSON of `users list`
    #[arg(long, value_name = "FILE")]
    pub ids_from: Option<String>,
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub why: ReasonArg,
    /// table for people; json, ndjson (a record a line) or csv for programs
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Table)]
    pub format: Format,
    /// How far it got, on standard error: a bar on a terminal, a line every few seconds
    /// elsewhere (auto); lines even on a terminal (always); nothing (never)
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
}

/// Why a change is made: journalled with it, and required by a profile that sets
/// `require_reason`.
#[derive(Debug, Args, Default, Clone)]
pub struct ReasonArg {
    /// Why: a reason or a ticket id, journalled with the change (a profile with
    /// require_reason refuses a change without it: exit 2, nothing sent)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
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
    /// The new user's e-mail address
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
    /// The new user's name
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// The user's ref
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    #[command(flatten)]
    pub fields: UserFields,
    /// Do not send the invitation e-mail
    #[arg(long)]
    pub no_invite: bool,
    #[command(flatten)]
    pub why: ReasonArg,
    /// table for people; json, ndjson (a record a line) or csv for programs
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("key").required(true).args(["id", "reference"]))]
pub struct UpdateArgs {
    /// The user's id
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Find the user by ref instead
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// A new name
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// A new e-mail address
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// Give the user this ref
    #[arg(long, value_name = "REF")]
    pub new_ref: Option<String>,
    #[command(flatten)]
    pub fields: UserFields,
    /// Clear a field (sent as null); repeat for several
    #[arg(long, value_enum, value_name = "FIELD")]
    pub clear: Vec<ClearField>,
    #[command(flatten)]
    pub why: ReasonArg,
    /// table for people; json, ndjson (a record a line) or csv for programs
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Table)]
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
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// Find (or create) the user by ref
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// The name (of a user created: required by the API)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Give the user this ref
    #[arg(long, value_name = "REF")]
    pub new_ref: Option<String>,
    #[command(flatten)]
    pub fields: UserFields,
    /// Do not send an invitation e-mail when creating
    #[arg(long)]
    pub no_invite: bool,
    #[command(flatten)]
    pub why: ReasonArg,
    /// table for people; json, ndjson (a record a line) or csv for programs
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Table)]
    pub format: Format,
}
