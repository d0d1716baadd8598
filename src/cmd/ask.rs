//! Confirmation for the headless mutations, asked as gh asks: on the terminal, even when
//! standard input is a pipe (the ids may come from it) — never read from the pipe.
//! Without a terminal to ask on, only `--yes` lets a mutation through, and that is
//! decided before anything is read or sent.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Write};

use super::{EXIT_ERROR, Failure};

/// Who confirms: `--yes`, or the person at the terminal.
pub enum Asker {
    Yes,
    Terminal(File),
}

impl Asker {
    /// `--yes`, or the terminal to ask on (the controlling terminal, with standard error
    /// on it, so that the person who would answer sees the question); `what` names the
    /// refusal without one.
    pub fn new(yes: bool, what: &str) -> Result<Asker, Failure> {
        if yes {
            return Ok(Asker::Yes);
        }
        let tty = std::io::stderr()
            .is_terminal()
            .then(|| {
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open("/dev/tty")
                    .ok()
            })
            .flatten();
        tty.map(Asker::Terminal).ok_or_else(|| {
            Failure::usage(format!(
                "{what}: refusing without --yes, as there is no terminal to ask on"
            ))
        })
    }

    pub fn is_yes(&self) -> bool {
        matches!(self, Asker::Yes)
    }

    /// Shows `lines` and asks whether to send `count` users: `y` — or, past `typed_above`
    /// (the profile's `confirm_typed_above`), the count typed — sends; anything else
    /// cancels.
    pub fn ask(self, lines: &[String], count: usize, typed_above: usize) -> Result<(), Failure> {
        let Asker::Terminal(tty) = self else {
            return Ok(());
        };
        let mut out = &tty;
        // Lines hold what the server sent (a status it named): made safe for a terminal.
        for line in lines {
            writeln!(out, "{}", crate::text::sanitize(line))?;
        }
        let typed = count > typed_above;
        if typed {
            write!(out, "type {count} to send them: ")?;
        } else {
            write!(out, "send? [y/N] ")?;
        }
        out.flush()?;
        let mut answer = String::new();
        BufReader::new(&tty).read_line(&mut answer)?;
        let answer = answer.trim();
        let yes = if typed {
            answer == count.to_string()
        } else {
            matches!(answer, "y" | "Y" | "yes" | "YES" | "Yes")
        };
        if yes {
            Ok(())
        } else {
            Err(Failure::new(EXIT_ERROR, "cancelled: nothing was sent"))
        }
    }
}
