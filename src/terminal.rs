//! What the terminal the dashboard runs in can do, read from the environment once at
//! start: whether it can be drawn on at all (`TERM`), its colours, whether the locale is
//! UTF-8, whether it is inside tmux. The dashboard draws by it and `doctor` reports it.

use serde::{Deserialize, Serialize};

/// How many colours the terminal shows, from `NO_COLOR`, `COLORTERM`, `TERM` and the
/// terminfo database, in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Colors {
    #[default]
    None,
    /// `30–37`: the eight ANSI colours, no bright ones.
    Ansi8,
    /// `30–37` and `90–97`.
    Ansi16,
    Indexed256,
    TrueColor,
}

impl Colors {
    pub fn name(self) -> &'static str {
        match self {
            Colors::None => "none",
            Colors::Ansi8 => "8",
            Colors::Ansi16 => "16",
            Colors::Indexed256 => "256",
            Colors::TrueColor => "truecolor",
        }
    }
}

/// Where a copy (`Y`) goes: `clipboard` in the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClipboardMode {
    /// OSC 52 to the terminal, and tmux's buffer as well where tmux runs here.
    #[default]
    Auto,
    Osc52,
    Tmux,
    Off,
}

/// Inside tmux: here (`$TMUX` set, its server reachable) or somewhere between us and the
/// operator's terminal (`TERM` is screen or tmux, as over SSH from inside tmux).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tmux {
    Local(TmuxOptions),
    Outside,
}

/// What tmux says of the two options that matter to us (None: it did not say).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TmuxOptions {
    /// `on`, `external` or `off`: whether OSC 52 reaches the outer terminal.
    pub set_clipboard: Option<String>,
    /// How long tmux waits after Esc to tell it from Alt+key, in ms.
    pub escape_time: Option<String>,
}

/// The terminal, as the environment describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terminal {
    pub term: Option<String>,
    pub colors: Colors,
    /// The locale's character set is UTF-8 (`LC_ALL`, `LC_CTYPE`, `LANG`).
    pub utf8: bool,
    pub tmux: Option<Tmux>,
}

impl Terminal {
    /// The process's own terminal. A local tmux is not asked for its options: the
    /// dashboard needs only to know it is there, and a copy asks when it is made.
    pub fn from_env() -> Terminal {
        Terminal::read(
            &|name| std::env::var(name).ok(),
            &terminfo_colors,
            &TmuxOptions::default,
        )
    }

    /// [`Terminal::from_env`], a local tmux asked for its options (doctor).
    pub fn from_env_asking_tmux() -> Terminal {
        Terminal::read(
            &|name| std::env::var(name).ok(),
            &terminfo_colors,
            &tmux_options,
        )
    }

    /// The terminal `env` describes; `colors_of` looks a `TERM` up in the terminfo
    /// database (None: not there), `tmux` asks a local tmux for its options.
    pub fn read(
        env: &dyn Fn(&str) -> Option<String>,
        colors_of: &dyn Fn(&str) -> Option<i32>,
        tmux: &dyn Fn() -> TmuxOptions,
    ) -> Terminal {
        let set = |name: &str| env(name).filter(|v| !v.is_empty());
        let term = set("TERM");
        let colors = if set("NO_COLOR").is_some() {
            Colors::None
        } else if matches!(set("COLORTERM").as_deref(), Some("truecolor" | "24bit")) {
            Colors::TrueColor
        } else {
            match term.as_deref() {
                Some(t) if t.contains("256color") => Colors::Indexed256,
                Some(t) => match colors_of(t) {
                    Some(n) if n >= 256 => Colors::Indexed256,
                    Some(n) if n >= 16 => Colors::Ansi16,
                    Some(n) if n >= 8 => Colors::Ansi8,
                    _ => Colors::None,
                },
                None => Colors::None,
            }
        };
        let utf8 = utf8_in(env);
        let tmux = if set("TMUX").is_some() {
            Some(Tmux::Local(tmux()))
        } else if term
            .as_deref()
            .is_some_and(|t| t.starts_with("screen") || t.starts_with("tmux"))
        {
            Some(Tmux::Outside)
        } else {
            None
        };
        Terminal {
            term,
            colors,
            utf8,
            tmux,
        }
    }

    /// Why the dashboard cannot be drawn here, if it cannot: no `TERM`, a dumb terminal,
    /// or one the terminfo database does not know (cursor addressing and an alternate
    /// screen would come out as garbage).
    pub fn refusal(&self, known: &dyn Fn(&str) -> bool) -> Option<String> {
        let why = match self.term.as_deref() {
            None => "TERM is not set".to_string(),
            Some("dumb") => "TERM=dumb cannot draw a dashboard".to_string(),
            Some(t) if !known(t) => format!(
                "TERM={} is not in the terminfo database (over SSH from a newer terminal: set TERM=xterm-256color, or install its terminfo here)",
                crate::text::sanitize(t)
            ),
            Some(_) => return None,
        };
        Some(format!(
            "{why}; in scripts and on such terminals, use the headless commands (`userdeck users list`, `userdeck --help`)"
        ))
    }
}

/// Whether the locale `env` describes is UTF-8: the first of `LC_ALL`, `LC_CTYPE`,
/// `LANG` that is set decides, as setlocale does; none is the C locale.
fn utf8_in(env: &dyn Fn(&str) -> Option<String>) -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|name| env(name).filter(|v| !v.is_empty()));
    locale.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    })
}

/// Whether this process's locale is UTF-8 (read once).
pub fn utf8_locale() -> bool {
    static UTF8: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *UTF8.get_or_init(|| utf8_in(&|name| std::env::var(name).ok()))
}

/// The number of colours terminfo gives `term`; None when it has no entry.
pub fn terminfo_colors(term: &str) -> Option<i32> {
    let db = terminfo::Database::from_name(term).ok()?;
    Some(
        db.get::<terminfo::capability::MaxColors>()
            .map_or(0, |c| c.0),
    )
}

/// Whether the terminfo database has an entry for `term`.
pub fn terminfo_knows(term: &str) -> bool {
    terminfo::Database::from_name(term).is_ok()
}

/// The local tmux's `set-clipboard` and `escape-time` (`tmux show -gv`), each waited
/// for half a second at most (see [`tmux`]).
pub fn tmux_options() -> TmuxOptions {
    TmuxOptions {
        set_clipboard: tmux_option("set-clipboard"),
        escape_time: tmux_option("escape-time"),
    }
}

/// One global option of the local tmux (`tmux show -gv NAME`), if it answers in time.
pub fn tmux_option(name: &str) -> Option<String> {
    let out = tmux(&["show", "-gv", name], None).ok()?;
    let value = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !value.is_empty()).then_some(value)
}

/// How long the local tmux is waited for: one that does not answer must hold up nothing.
const TMUX_LIMIT: std::time::Duration = std::time::Duration::from_millis(500);

/// Runs the local tmux with `args`, `input` on its standard input, waited for
/// [`TMUX_LIMIT`] at most (then killed): its output, or why there is none.
pub fn tmux(args: &[&str], input: Option<String>) -> Result<std::process::Output, String> {
    run_limited("tmux", args, input)
}

fn run_limited(
    program: &str,
    args: &[&str],
    input: Option<String>,
) -> Result<std::process::Output, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let what = format!("{program} {}", args.first().copied().unwrap_or_default());
    let mut child = Command::new(program)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: {e}"))?;
    let pid = child.id();
    let stdin = child.stdin.take();
    let (tx, rx) = std::sync::mpsc::channel();
    // Written and waited for on a thread of its own: a tmux that reads nothing blocks
    // that thread until it is killed, never the caller.
    std::thread::spawn(move || {
        if let (Some(mut stdin), Some(input)) = (stdin, input) {
            let _ = stdin.write_all(input.as_bytes());
        }
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(TMUX_LIMIT) {
        Ok(Ok(out)) => Ok(out),
        Ok(Err(e)) => Err(format!("{what}: {e}")),
        Err(_) => {
            // SAFETY: a signal to our own child, not yet reaped (its waiter holds it).
            unsafe {
                libc::kill(pid as i32, libc::SIGKILL);
            }
            Err(format!("{what}: no answer in half a second"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_that_does_not_answer_is_not_waited_for() {
        let echoed = run_limited("sh", &["-c", "cat"], Some("hello".into())).unwrap();
        assert_eq!(echoed.stdout, b"hello");
        // Neither one that runs on, nor one that reads nothing of a long input.
        let silent = run_limited("sh", &["-c", "sleep 60"], None).unwrap_err();
        assert!(silent.contains("no answer"), "{silent}");
        let long = "x".repeat(1 << 20);
        let deaf = run_limited("sh", &["-c", "sleep 60"], Some(long)).unwrap_err();
        assert!(deaf.contains("no answer"), "{deaf}");
    }

    fn terminal(vars: &[(&str, &str)]) -> Terminal {
        let env = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let colors_of = |term: &str| match term {
            "xterm" => Some(8),
            "xterm-16color" => Some(16),
            "vt100" => Some(-1),
            _ => None,
        };
        Terminal::read(&env, &colors_of, &|| TmuxOptions {
            set_clipboard: Some("off".into()),
            escape_time: Some("500".into()),
        })
    }

    #[test]
    fn colours_come_from_no_color_then_colorterm_then_term() {
        let depth = |vars: &[(&str, &str)]| terminal(vars).colors;
        assert_eq!(depth(&[("TERM", "xterm")]), Colors::Ansi8);
        assert_eq!(depth(&[("TERM", "xterm-16color")]), Colors::Ansi16);
        assert_eq!(depth(&[("TERM", "xterm-256color")]), Colors::Indexed256);
        assert_eq!(depth(&[("TERM", "vt100")]), Colors::None);
        assert_eq!(
            depth(&[("TERM", "xterm"), ("COLORTERM", "truecolor")]),
            Colors::TrueColor
        );
        assert_eq!(
            depth(&[
                ("TERM", "xterm-256color"),
                ("COLORTERM", "24bit"),
                ("NO_COLOR", "1")
            ]),
            Colors::None
        );
        // An empty NO_COLOR is not set, as no-color.org says.
        assert_eq!(depth(&[("TERM", "xterm"), ("NO_COLOR", "")]), Colors::Ansi8);
    }

    #[test]
    fn the_locale_is_utf8_by_the_first_of_lc_all_lc_ctype_lang_that_is_set() {
        let utf8 = |vars: &[(&str, &str)]| terminal(vars).utf8;
        assert!(utf8(&[("LANG", "en_US.UTF-8")]));
        assert!(utf8(&[("LANG", "C.utf8")]));
        assert!(!utf8(&[]), "no locale is the C locale");
        assert!(!utf8(&[("LANG", "C")]));
        assert!(!utf8(&[("LANG", "POSIX")]));
        assert!(!utf8(&[("LANG", "de_DE.ISO-8859-1")]));
        assert!(!utf8(&[("LANG", "en_US.UTF-8"), ("LC_ALL", "C")]));
        assert!(!utf8(&[
            ("LANG", "en_US.UTF-8"),
            ("LC_CTYPE", "fr_FR@euro")
        ]));
        assert!(utf8(&[("LANG", "C"), ("LC_CTYPE", "en_US.UTF-8")]));
        assert!(utf8(&[("LC_ALL", ""), ("LANG", "en_US.UTF-8")]));
    }

    #[test]
    fn tmux_is_local_where_its_variable_is_set_and_outside_where_only_term_says_so() {
        let tmux = |vars: &[(&str, &str)]| terminal(vars).tmux;
        assert_eq!(tmux(&[("TERM", "xterm-256color")]), None);
        assert_eq!(
            tmux(&[
                ("TERM", "tmux-256color"),
                ("TMUX", "/tmp/tmux-0/default,1,0")
            ]),
            Some(Tmux::Local(TmuxOptions {
                set_clipboard: Some("off".into()),
                escape_time: Some("500".into()),
            }))
        );
        assert_eq!(tmux(&[("TERM", "screen-256color")]), Some(Tmux::Outside));
    }

    #[test]
    fn dumb_unset_and_unknown_terminals_are_refused_with_the_way_out() {
        let refusal =
            |vars: &[(&str, &str)]| terminal(vars).refusal(&|t: &str| t.starts_with("xterm"));
        assert_eq!(refusal(&[("TERM", "xterm")]), None);
        for vars in [
            &[("TERM", "dumb")][..],
            &[][..],
            &[("TERM", "no-such-term")][..],
        ] {
            let why = refusal(vars).expect("refused");
            assert!(why.contains("userdeck users list"), "{why}");
        }
        assert!(
            refusal(&[("TERM", "no-such-term")])
                .unwrap()
                .contains("not in the terminfo database")
        );
    }
}
