//! The headless commands: `users …` and `config …`, sharing api/ with the dashboard.
//!
//! Exit codes: as `crate::cli::EXIT_CODES` says them (`--help` and the man page print
//! that text). Errors go to standard error; a closed standard output ends a command
//! quietly with 0.

mod ask;
mod dashboard;
mod edit;
mod ids;
mod interrupt;
mod journal;
mod print;
mod progress;
mod ring;
mod stream;
mod timeline;
mod users;
mod values;

pub use dashboard::{dashboard, demo};
pub use progress::ProgressMode;

use std::io::Write;

use crate::api::client::Client;
use crate::api::error::{ApiError, RESOURCE_NOT_FOUND, UNAUTHORIZED};
use crate::api::journal::Journal;
use crate::api::ledger::{Ledger, Verdict};
use crate::cli::{ConfigCommand, GlobalArgs, UsersArgs};
use crate::config::{self, ConfigError, Overrides, Resolved};

pub const EXIT_ERROR: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_PARTIAL: u8 = 3;
pub const EXIT_UNAUTHORIZED: u8 = 4;
pub const EXIT_NOT_FOUND: u8 = 5;
pub const EXIT_UNKNOWN: u8 = 6;

/// Why a command failed, and its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(EXIT_USAGE, message)
    }

    /// The same failure, its message after `context`.
    pub fn prefixed(mut self, context: &str) -> Failure {
        self.message.insert_str(0, context);
        self
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        let code = match e.code() {
            Some(UNAUTHORIZED) => EXIT_UNAUTHORIZED,
            Some(RESOURCE_NOT_FOUND) => EXIT_NOT_FOUND,
            _ => EXIT_ERROR,
        };
        Failure::new(code, crate::text::sanitize(&e.to_string()))
    }
}

/// The exit of a mutation, from its ledger's verdict alone: 0 all succeeded, 4 the token
/// refused, 6 any outcome unknown or id not sent, 3 some failed, 5 every id unknown to
/// the server, 1 every id failed.
pub fn judged(verdict: Verdict, complaint: Option<String>) -> Result<(), Failure> {
    let code = match verdict {
        Verdict::Succeeded => return Ok(()),
        Verdict::Unauthorized => EXIT_UNAUTHORIZED,
        Verdict::Unsettled => EXIT_UNKNOWN,
        Verdict::Partial => EXIT_PARTIAL,
        Verdict::NotFound => EXIT_NOT_FOUND,
        Verdict::Failed => EXIT_ERROR,
    };
    Err(Failure::new(code, complaint.unwrap_or_default()))
}

/// The exit of a bulk command, from its ledger.
pub fn outcome(ledger: &Ledger) -> Result<(), Failure> {
    judged(ledger.verdict(), ledger.complaint())
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Failure {
        Failure::new(EXIT_ERROR, e.0)
    }
}

impl Failure {
    /// Not a failure: the reader of standard output went away (`| head -1`). The
    /// command ends quietly with exit 0, as git and ripgrep do.
    pub fn quiet(&self) -> bool {
        self.code == 0
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure::new(0, "");
        }
        Failure::new(EXIT_ERROR, format!("cannot write the output: {e}"))
    }
}

pub fn overrides(global: &GlobalArgs) -> Overrides {
    Overrides {
        config: global.config.clone(),
        profile: global.profile.clone(),
        endpoint: global.endpoint.clone(),
        dialect: global.dialect,
        read_only: global.read_only,
        token_env: global.token_env.clone(),
    }
}

/// The resolved profile, its warnings printed.
pub fn resolve(global: &GlobalArgs) -> Result<Resolved, Failure> {
    let resolved = checked(global)?;
    for warning in &resolved.warnings {
        crate::say!("{warning}");
    }
    Ok(resolved)
}

/// The resolved profile, its warnings left for the caller to tell (the dashboard shows
/// them in its footer).
pub fn checked(global: &GlobalArgs) -> Result<Resolved, Failure> {
    let resolved = config::load(&overrides(global))?;
    // A misspelt `[keys]` entry is an error like any unknown key, named with its file.
    // So is an action's key that cannot be read or is taken.
    let (keymap, problems) = crate::app::Keymap::new(&resolved.settings.keys);
    let problem = problems
        .into_iter()
        .next()
        .or_else(|| crate::app::check_action_keys(&resolved.actions, &keymap).err());
    if let Some(problem) = problem {
        return Err(Failure::new(
            EXIT_ERROR,
            format!("{}: {problem}", resolved.file.display()),
        ));
    }
    Ok(resolved)
}

/// A client for the resolved profile that journals every mutation, its token found in
/// the README's order with `--token-env` from `global`.
pub fn client(global: &GlobalArgs, resolved: &Resolved) -> Result<Client, Failure> {
    Ok(client_with(resolved, global.token_env.as_deref())?.0)
}

/// A journalling client for the resolved profile, and where its token came from (the
/// dashboard says so).
pub fn client_with(
    resolved: &Resolved,
    token_env: Option<&str>,
) -> Result<(Client, config::TokenSource), Failure> {
    let (token, source) = resolved.token(token_env)?;
    // A token a header cannot hold is refused here: said with where it came from.
    let client_config = resolved.client_config(token).map_err(Failure::from)?;
    let client = Client::new(client_config).map_err(|e| {
        let failure = Failure::from(e);
        match source {
            config::TokenSource::None => failure,
            ref source => Failure::new(
                failure.code,
                format!("{} ({})", failure.message, source.said()),
            ),
        }
    })?;
    let journal = Journal::new(
        config::audit_file(),
        &resolved.name,
        &resolved.profile.endpoint,
    );
    let client = client
        .with_journal(journal)
        .requiring_reason(resolved.profile.require_reason);
    Ok((client, source))
}

pub async fn users(global: &GlobalArgs, args: UsersArgs) -> Result<(), Failure> {
    let resolved = resolve(global)?;
    let client = client(global, &resolved)?;
    let printing = crate::format::safe::Printing::of(args.csv_raw);
    users::run(&resolved, &client, args.command, printing).await
}

/// `userdeck doctor`: every check printed; exit 0 only when none failed.
pub async fn doctor(global: &GlobalArgs, args: &crate::cli::DoctorArgs) -> Result<(), Failure> {
    let report = crate::doctor::run(global).await;
    let text = match args.format {
        crate::cli::DoctorFormat::Json => format!("{}\n", report.json()),
        crate::cli::DoctorFormat::Table => report.table(crate::terminal::Terminal::from_env().utf8),
    };
    std::io::stdout().write_all(text.as_bytes())?;
    if report.ok() {
        Ok(())
    } else {
        Err(Failure::new(EXIT_ERROR, "some checks failed"))
    }
}

/// `userdeck journal`.
pub fn journal(global: &GlobalArgs, args: &crate::cli::JournalArgs) -> Result<(), Failure> {
    // This profile's entries at its endpoint, unless widened: another's are not ours.
    let place = if args.all_profiles {
        None
    } else {
        let resolved = resolve(global)?;
        Some((resolved.name.clone(), resolved.profile.endpoint.clone()))
    };
    // The journal is a file anyone may have edited: its CSV is always guarded.
    journal::list(args, place, crate::format::safe::Printing::of(false))
}

/// `userdeck undo`.
pub async fn undo(global: &GlobalArgs, args: crate::cli::UndoArgs) -> Result<(), Failure> {
    journal::run(global, args).await
}

/// A completion script for `shell`, generated from the command line's definition.
/// The script that registers `shell`'s completions: it asks `userdeck` itself at each Tab
/// (`COMPLETE=SHELL userdeck -- WORDS`), so the candidates know the data — profiles,
/// statuses, fields, journal entries — and never lag behind the command line.
pub fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
    let completer: &dyn EnvCompleter = match shell {
        clap_complete::Shell::Bash => &Bash,
        clap_complete::Shell::Elvish => &Elvish,
        clap_complete::Shell::Fish => &Fish,
        clap_complete::Shell::PowerShell => &Powershell,
        clap_complete::Shell::Zsh => &Zsh,
        other => {
            return Err(Failure::usage(format!("no completions for {other}")));
        }
    };
    let mut out = Vec::new();
    completer.write_registration("COMPLETE", "userdeck", "userdeck", "userdeck", &mut out)?;
    std::io::stdout().write_all(&out)?;
    Ok(())
}

/// The manual page, in roff, generated from the command line's definition, with the
/// sections clap does not know (exit status, environment, files, examples); with `dir`,
/// a page for every command written there, so the pages a page names exist.
pub fn man(dir: Option<&std::path::Path>) -> Result<(), Failure> {
    let command = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    page.extend_from_slice(exit_status().as_bytes());
    page.extend_from_slice(MAN_SECTIONS.as_bytes());
    match dir {
        None => std::io::stdout().write_all(&page)?,
        Some(dir) => {
            let written = |e: std::io::Error| {
                Failure::new(
                    EXIT_ERROR,
                    format!("cannot write the pages to {}: {e}", dir.display()),
                )
            };
            clap_mangen::generate_to(command, dir).map_err(written)?;
            std::fs::write(dir.join("userdeck.1"), &page).map_err(written)?;
        }
    }
    Ok(())
}

/// The EXIT STATUS section, from the same text as `userdeck --help` says it.
fn exit_status() -> String {
    let mut roff = String::from(".SH \"EXIT STATUS\"\n");
    for line in crate::cli::EXIT_CODES.lines().skip(1) {
        if let Some((code, meaning)) = line.trim().split_once("  ") {
            roff.push_str(&format!(".TP\n{code}\n{}\n", meaning.trim()));
        }
    }
    roff
}

/// The man page's own sections after it, in roff.
const MAN_SECTIONS: &str = r#".SH ENVIRONMENT
.TP
USERDECK_TOKEN
the bearer token, after \fB\-\-token\-env\fR's variable and before the profile's token_command and token
.TP
USERDECK_PROFILE, USERDECK_ENDPOINT, USERDECK_DIALECT, USERDECK_READ_ONLY, USERDECK_PAGE_SIZE
the profile and what overrides it (USERDECK_PROFILES__NAME__KEY sets any key)
.TP
USERDECK_SERVE_TOKEN
the token \fBserve\fR requires
.TP
USERDECK_LOG
the log filter (tracing's syntax; default warn), written to standard error
.TP
NO_COLOR
no colours in the dashboard
.TP
TERM, COLORTERM
the terminal's type and colours: \fBdumb\fR or a type terminfo does not know is refused; 256 colours, truecolor, or 8/16 written as classic codes
.TP
LANG, LC_CTYPE, LC_ALL
not UTF-8: the dashboard and messages in ASCII (\fB--ascii\fR, \fBascii = true\fR force it)
.TP
TMUX
inside tmux: a copy also loads tmux's buffer (\fBclipboard\fR in the config)
.TP
HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY
the proxy requests go through when the profile sets no \fBproxy\fR
.TP
XDG_CONFIG_HOME, XDG_STATE_HOME
where the config file and the audit journal are
.SH FILES
.TP
$XDG_CONFIG_HOME/userdeck/config.toml
the profiles, keys and settings (\fBuserdeck config path\fR)
.TP
$XDG_STATE_HOME/userdeck/audit.jsonl
the audit journal of every mutation (\fBuserdeck journal\fR)
.SH EXAMPLES
.nf
userdeck                                   the dashboard
userdeck users list \-\-status blocked \-\-all \-\-format csv > blocked.csv
userdeck users list \-\-filter spam \-\-all \-\-format ndjson | userdeck users block \-\-ids\-from \- \-\-yes
entry=$(userdeck users block \-\-ids\-from ids.txt \-\-yes \-\-format json | jq \-r .entry)
userdeck undo "$entry" \-\-yes
.fi
"#;

pub fn config(global: &GlobalArgs, command: ConfigCommand) -> Result<(), Failure> {
    match command {
        ConfigCommand::Path => {
            let path = global.config.clone().unwrap_or_else(config::default_file);
            writeln!(std::io::stdout(), "{}", path.display())?;
            Ok(())
        }
        ConfigCommand::Show => {
            let resolved = resolve(global)?;
            write!(std::io::stdout(), "{}", resolved.show())?;
            Ok(())
        }
    }
}
