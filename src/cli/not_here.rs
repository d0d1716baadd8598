//! The global options a command has no use for, refused there and hidden from its help.

use clap::Args;

/// The global options a command has no use for, refused there (not taken silently; the
/// flag `--read-only` only hidden) and not shown in its help: a command's own argument
/// of the same id keeps the global one from reaching it. Their values are never read (a
/// global's value reaching the command from before it is of the global's type): only
/// the refusal matters. `OPTIONS` is a mask of [`GLOBALS`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NotHere<const OPTIONS: u8>;

const PROFILE: u8 = 0b0000_0111;
const TOKEN: u8 = 0b0000_1000;
const READ_ONLY: u8 = 0b0001_0000;
const DIALECT: u8 = 0b0010_0000;

/// `demo` has no profile to use.
pub type NoProfile = NotHere<{ PROFILE | TOKEN }>;
/// `serve` reaches no API either.
pub type NoApi = NotHere<{ PROFILE | TOKEN | READ_ONLY }>;
/// `completions` and `man` use none of them.
pub type NoGlobals = NotHere<{ PROFILE | TOKEN | READ_ONLY | DIALECT }>;
/// `journal` reads the journal of a profile at its endpoint: it sends nothing.
pub type NoAccess = NotHere<{ TOKEN | READ_ONLY | DIALECT }>;

/// The global options (id, long), each a bit of a `NotHere` mask.
const GLOBALS: [(&str, &str); 6] = [
    ("profile", "profile"),
    ("endpoint", "endpoint"),
    ("config", "config"),
    ("token_env", "token-env"),
    ("read_only", "read-only"),
    ("dialect", "dialect"),
];

impl<const OPTIONS: u8> clap::FromArgMatches for NotHere<OPTIONS> {
    fn from_arg_matches(_: &clap::ArgMatches) -> Result<Self, clap::Error> {
        Ok(NotHere)
    }

    fn update_from_arg_matches(&mut self, _: &clap::ArgMatches) -> Result<(), clap::Error> {
        Ok(())
    }
}

impl<const OPTIONS: u8> Args for NotHere<OPTIONS> {
    fn augment_args(command: clap::Command) -> clap::Command {
        let refused = GLOBALS
            .iter()
            .enumerate()
            .filter(|(bit, _)| OPTIONS & (1 << bit) != 0);
        command.args(refused.map(|(_, (id, long))| {
            let arg = clap::Arg::new(*id)
                .long(*long)
                .hide(true)
                .value_parser(not_here);
            // A flag with a default (false) reaches every command from the top: hidden
            // here, not refused.
            if *long == "read-only" {
                clap::Arg::new(*id)
                    .long(*long)
                    .hide(true)
                    .action(clap::ArgAction::SetTrue)
            } else {
                arg
            }
        }))
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

fn not_here(_: &str) -> Result<String, String> {
    Err("this command does not use a profile or an API: give it to the command that does".into())
}
