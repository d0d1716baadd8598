//! The command line (`:`, k9s-style): its text, the history of this run, what a line
//! means ([`Command`]) and completing names. Every action of the keymap is a command by
//! its name, so keys and commands cannot drift apart.

use tui_input::Input;

use super::keymap::Keymap;
use super::{Action, Mode};
use crate::api::ring::MAX_DEPTH;
use crate::text::closest;

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Write the rows of the query (or the selection) to a file.
    Export { path: String, overwrite: bool },
    /// Open a user by id, e-mail or ref.
    Goto(String),
    /// Switch to another profile of the config file.
    Profile(String),
    /// The ring around the user in front, this deep (None: the default).
    Ring(Option<u32>),
    /// Read what is on screen again every few seconds, or stop.
    Watch(super::WatchAsk),
    /// An action of the operator's own, by its name.
    Run(String),
    /// The saved views: list, save, open.
    View(super::ViewAsk),
    /// The columns shown: say them (None), or set them.
    Columns(Option<Vec<crate::columns::ColumnId>>),
    /// List the commands.
    Help,
    /// An action of the keymap, by its name.
    Act(Action),
}

/// The commands, as `:help` lists them (each action is one too, by its name).
pub const COMMANDS: &[(&str, &str)] = &[
    (
        "export PATH",
        "the rows of the query, or the selection, to PATH.csv or PATH.json",
    ),
    ("export! PATH", "the same, replacing PATH"),
    ("goto KEY", "open a user by id, e-mail or ref"),
    (
        "ring [DEPTH]",
        "the accounts sharing addresses with the user in front, and theirs (crm; depth 2)",
    ),
    (
        "watch [SECS|off]",
        "read the page and the open account again every SECS seconds (5), marking what changed",
    ),
    (
        "run NAME",
        "an action of your own ([[actions]] in the config file) on the user in front or the marked",
    ),
    (
        "view [NAME] · view save NAME",
        "the saved views · open one · keep the filter, status, sort, columns and page size",
    ),
    (
        "columns [COL,…]",
        "the columns shown, or show these in this order (id,name,email,status,…)",
    ),
    (
        "profile NAME",
        "switch to another profile of the config file",
    ),
    ("journal", "the audit journal, newest first"),
    (
        "upsert",
        "create a user, or update the one with that e-mail",
    ),
    ("help", "these commands"),
    ("q", "quit"),
];

/// The first words of the commands that are not actions.
const WORDS: &[&str] = &[
    "export", "export!", "goto", "profile", "ring", "watch", "view", "columns", "run", "help", "q",
];

/// Those that also run over a list (the rest work on the table).
const OVER_LISTS: &[&str] = &["watch", "run", "help", "q"];

/// Whether the command `word` (not an action) runs in `mode`.
fn runs_in(word: &str, mode: Mode, keymap: &Keymap) -> bool {
    match word {
        _ if mode == Mode::Table => true,
        // The ring follows the list's account where the list has a key for it.
        "ring" => keymap
            .bindings()
            .any(|b| b.action == Action::Ring && b.modes.contains(&mode)),
        word => OVER_LISTS.contains(&word),
    }
}

/// The names a command line may start with in `mode` (the table, or the list it was
/// opened over): the commands, then the actions bound there.
pub fn names(keymap: &Keymap, mode: Mode) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = WORDS
        .iter()
        .copied()
        .filter(|w| runs_in(w, mode, keymap))
        .collect();
    for binding in keymap.bindings() {
        if binding.modes.contains(&mode) && !names.contains(&binding.name) {
            names.push(binding.name);
        }
    }
    names
}

/// Reads a command line, to run in `mode`: the table, or the list it was typed over
/// (only what that list does: a command never acts on the table hidden under it).
pub fn parse(line: &str, keymap: &Keymap, mode: Mode) -> Result<Command, String> {
    let word = line.split_whitespace().next().unwrap_or_default();
    if WORDS.contains(&word) && !runs_in(word, mode, keymap) {
        return Err(format!(
            "{word} works from the table, not over the {}: Esc closes it first",
            mode.title()
        ));
    }
    parse_in(line, keymap, mode)
}

fn parse_in(line: &str, keymap: &Keymap, mode: Mode) -> Result<Command, String> {
    let line = line.trim();
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let rest = rest.trim();
    let needs = |what: &str, example: &str| {
        if rest.is_empty() {
            Err(format!("{word} needs {what}: :{word} {example}"))
        } else {
            Ok(rest.to_string())
        }
    };
    let command = match word {
        "export" | "export!" => Command::Export {
            path: needs("a path", "users.csv")?,
            overwrite: word == "export!",
        },
        "goto" => Command::Goto(needs("an id, e-mail or ref", "ann@example.com")?),
        "profile" => Command::Profile(needs("a profile name", "production")?),
        "ring" if rest.is_empty() => Command::Ring(None),
        "ring" => match rest.parse::<u32>() {
            Ok(depth) if (1..=MAX_DEPTH).contains(&depth) => Command::Ring(Some(depth)),
            _ => {
                return Err(format!(
                    "ring takes a depth from 1 to {MAX_DEPTH}, not {rest:?}: :ring 2"
                ));
            }
        },
        "watch" => Command::Watch(super::WatchAsk::parse(rest)?),
        "view" => Command::View(super::ViewAsk::parse(rest)?),
        "run" => Command::Run(needs("an action's name", "ticket")?),
        "columns" if rest.is_empty() => Command::Columns(None),
        "columns" => Command::Columns(Some(
            rest.split(',')
                .map(crate::columns::ColumnId::parse)
                .collect::<Result<_, _>>()?,
        )),
        "help" => Command::Help,
        "q" => Command::Act(Action::Quit),
        "" => return Err("no command: :help lists them".into()),
        name => match keymap.bindings().find(|b| b.name == name) {
            Some(b) if b.modes.contains(&mode) => Command::Act(b.action),
            Some(b) if mode != Mode::Table && b.modes.contains(&Mode::Table) => {
                return Err(format!(
                    "{name} works from the table, not over the {}: Esc closes it first",
                    mode.title()
                ));
            }
            Some(b) => {
                let mode = b.modes.first().map_or("another mode", |m| m.title());
                return Err(format!(
                    "{name} works in the {mode}, not from the command line"
                ));
            }
            None => {
                let known = names(keymap, mode);
                let hint = closest(name, &known)
                    .map(|n| format!(": did you mean {n:?}?"))
                    .unwrap_or_else(|| ": :help lists them".into());
                return Err(format!("unknown command {name:?}{hint}"));
            }
        },
    };
    if !rest.is_empty() && matches!(command, Command::Help | Command::Act(_)) {
        return Err(format!("{word} takes nothing after it"));
    }
    Ok(command)
}

/// The longest text every candidate starts with.
fn common_prefix(candidates: &[&str]) -> String {
    let mut prefix: Vec<char> = candidates
        .first()
        .map(|c| c.chars().collect())
        .unwrap_or_default();
    for candidate in candidates.iter().skip(1) {
        let same = prefix
            .iter()
            .zip(candidate.chars())
            .take_while(|(a, b)| **a == *b)
            .count();
        prefix.truncate(same);
    }
    prefix.into_iter().collect()
}

/// The command line's state: its text, and the lines run before in this run.
#[derive(Debug, Default)]
pub struct CommandLine {
    input: Input,
    history: Vec<String>,
    /// Walking the history: the entry shown, and the text typed before walking.
    browsing: Option<(usize, String)>,
}

impl CommandLine {
    pub fn input(&self) -> &Input {
        &self.input
    }

    pub fn input_mut(&mut self) -> &mut Input {
        self.browsing = None;
        &mut self.input
    }

    /// Starts a new line.
    pub fn open(&mut self) {
        self.input.reset();
        self.browsing = None;
    }

    /// The line to run; it joins the history.
    pub fn take(&mut self) -> String {
        let line = self.input.value().trim().to_string();
        self.input.reset();
        self.browsing = None;
        if !line.is_empty() && self.history.last() != Some(&line) {
            self.history.push(line.clone());
        }
        line
    }

    /// ↑: the line run before the one shown.
    pub fn older(&mut self) {
        let at = match &self.browsing {
            Some((at, _)) => at.checked_sub(1),
            None => self.history.len().checked_sub(1),
        };
        let Some(at) = at else {
            return;
        };
        let draft = match self.browsing.take() {
            Some((_, draft)) => draft,
            None => self.input.value().to_string(),
        };
        self.input = Input::new(self.history[at].clone());
        self.browsing = Some((at, draft));
    }

    /// ↓: the line run after the one shown; past the newest, the text typed before.
    pub fn newer(&mut self) {
        let Some((at, draft)) = self.browsing.take() else {
            return;
        };
        if at + 1 < self.history.len() {
            self.input = Input::new(self.history[at + 1].clone());
            self.browsing = Some((at + 1, draft));
        } else {
            self.input = Input::new(draft);
        }
    }

    /// Tab: completes the command's name, or a profile's name after `profile `. The
    /// candidates when more than one remains.
    pub fn complete(&mut self, names: &[&str], profiles: &[&str]) -> Vec<String> {
        let text = self.input.value().to_string();
        let (prefix, word, candidates): (String, &str, &[&str]) = match text.split_once(' ') {
            Some(("profile", partial)) => ("profile ".into(), partial.trim_start(), profiles),
            Some(_) => return Vec::new(),
            None => (String::new(), text.as_str(), names),
        };
        let fitting: Vec<&str> = candidates
            .iter()
            .copied()
            .filter(|c| c.starts_with(word))
            .collect();
        match fitting[..] {
            [] => Vec::new(),
            [one] => {
                let space = if prefix.is_empty() { " " } else { "" };
                self.input = Input::new(format!("{prefix}{one}{space}"));
                Vec::new()
            }
            _ => {
                self.input = Input::new(format!("{prefix}{}", common_prefix(&fitting)));
                fitting.iter().map(|c| c.to_string()).collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_a_list_a_command_does_what_that_list_does_or_is_refused() {
        let keymap = Keymap::default();
        let over = |mode: Mode, line: &str| parse(line, &keymap, mode);
        assert_eq!(over(Mode::Pivot, "block"), Ok(Command::Act(Action::Block)));
        assert_eq!(over(Mode::Pivot, "ring 1"), Ok(Command::Ring(Some(1))));
        assert_eq!(over(Mode::Journal, "undo"), Ok(Command::Act(Action::Undo)));
        assert_eq!(
            over(Mode::Timeline, "watch 5"),
            Ok(Command::Watch(super::super::WatchAsk::Every(
                std::time::Duration::from_secs(5)
            )))
        );
        // What would act on the table hidden under the list, or replace the list.
        for (mode, line) in [
            (Mode::Journal, "block"),
            (Mode::Timeline, "undo"),
            (Mode::Pivot, "journal"),
            (Mode::Pivot, "timeline"),
            (Mode::Pivot, "export users.csv"),
            (Mode::Journal, "goto ann@example.com"),
            (Mode::Timeline, "ring"),
        ] {
            let refused = over(mode, line).unwrap_err();
            assert!(
                refused.contains("works from the table"),
                "{line}: {refused}"
            );
        }
        assert!(!names(&keymap, Mode::Pivot).contains(&"journal"));
        assert!(names(&keymap, Mode::Pivot).contains(&"block"));
    }

    #[test]
    fn lines_become_commands_or_say_what_is_wrong() {
        let keymap = Keymap::default();
        let parse = |line: &str| parse(line, &keymap, Mode::Table);
        assert_eq!(
            parse("export  ~/out.csv "),
            Ok(Command::Export {
                path: "~/out.csv".into(),
                overwrite: false
            })
        );
        assert_eq!(parse("block"), Ok(Command::Act(Action::Block)));
        assert_eq!(parse("reload"), Ok(Command::Act(Action::Reload)));
        assert_eq!(parse("q"), Ok(Command::Act(Action::Quit)));
        assert_eq!(
            parse("goto ann@example.com"),
            Ok(Command::Goto("ann@example.com".into()))
        );
        assert_eq!(
            parse("blokc"),
            Err("unknown command \"blokc\": did you mean \"block\"?".into())
        );
        assert!(parse("export").unwrap_err().contains(":export users.csv"));
        assert!(parse("submit").unwrap_err().contains("forms"));
        assert!(parse("block now").is_err());
    }

    #[test]
    fn tab_completes_names_and_profiles_and_the_history_walks_back_and_forth() {
        let names = ["export", "export!", "goto", "profile", "reload", "first"];
        let mut line = CommandLine::default();
        line.input_mut()
            .handle(tui_input::InputRequest::InsertChar('g'));
        assert!(line.complete(&names, &[]).is_empty());
        assert_eq!(line.input().value(), "goto ");
        line.open();
        line.input = Input::new("ex".into());
        assert_eq!(line.complete(&names, &[]), ["export", "export!"]);
        assert_eq!(line.input().value(), "export");
        line.input = Input::new("profile st".into());
        line.complete(&names, &["staging", "prod"]);
        assert_eq!(line.input().value(), "profile staging");

        line.input = Input::new("reload".into());
        line.take();
        line.input = Input::new("goto x".into());
        line.take();
        line.input = Input::new("draft".into());
        line.older();
        assert_eq!(line.input().value(), "goto x");
        line.older();
        assert_eq!(line.input().value(), "reload");
        line.older();
        assert_eq!(line.input().value(), "reload", "the oldest stays");
        line.newer();
        line.newer();
        assert_eq!(line.input().value(), "draft", "back to what was typed");
    }
}
