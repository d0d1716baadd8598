//! The terminal the dashboard would draw on: `TERM`, colours, UTF-8, size, tmux (its
//! `set-clipboard` and `escape-time`) and whether a copy can reach the clipboard. Only a
//! terminal the dashboard cannot draw on fails; the rest is said for information.

use std::io::IsTerminal;

use super::Report;
use crate::app::CopyRoute;
use crate::config::Settings;
use crate::terminal::{Colors, Terminal, Tmux, terminfo_knows};

const TERMINAL: &str = "terminal";

pub fn checks(report: &mut Report, settings: Option<&Settings>) {
    let terminal = Terminal::from_env_asking_tmux();
    let term = terminal.term.clone().unwrap_or_default();
    match terminal.refusal(&terminfo_knows) {
        Some(why) => report.fail(
            TERMINAL,
            "TERM",
            why,
            "set TERM to your terminal's type (xterm-256color fits most)",
        ),
        None => report.pass(TERMINAL, "TERM", format!("{term}, known to terminfo")),
    }
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let why = if env("NO_COLOR").is_some() {
        "NO_COLOR is set".to_string()
    } else if let Some(colorterm) =
        env("COLORTERM").filter(|_| terminal.colors == Colors::TrueColor)
    {
        format!("COLORTERM={colorterm}")
    } else {
        format!("TERM={term}")
    };
    report.note(
        TERMINAL,
        "colours",
        format!("{} ({why})", terminal.colors.name()),
    );
    let ascii = settings.and_then(|s| s.ascii);
    report.note(
        TERMINAL,
        "UTF-8",
        match (terminal.utf8, ascii) {
            (_, Some(true)) => "drawn in ASCII (ascii = true)".to_string(),
            (false, Some(false)) => {
                "the locale is not UTF-8, but ascii = false draws Unicode".into()
            }
            (true, _) => "yes: boxes and symbols drawn in Unicode".into(),
            (false, None) => {
                let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
                    .into_iter()
                    .find_map(|name| env(name).map(|v| format!("{name}={v}")))
                    .unwrap_or_else(|| "no LANG, LC_CTYPE or LC_ALL".into());
                format!("no ({locale}): drawn in ASCII")
            }
        },
    );
    // Asked of the terminal itself (/dev/tty): output may be a pipe (`--format json | jq`).
    if std::io::stdout().is_terminal() || std::io::stdin().is_terminal() {
        match crossterm::terminal::size() {
            Ok((w, h)) => report.note(TERMINAL, "size", format!("{w}×{h}")),
            Err(e) => report.note(TERMINAL, "size", format!("unknown: {e}")),
        }
    } else {
        report.note(TERMINAL, "size", "standard output is not a terminal here");
    }
    match &terminal.tmux {
        Some(Tmux::Local(options)) => report.note(
            TERMINAL,
            "tmux",
            format!(
                "inside tmux: set-clipboard {}, escape-time {} ms",
                options.set_clipboard.as_deref().unwrap_or("unknown"),
                options.escape_time.as_deref().unwrap_or("unknown"),
            ),
        ),
        Some(Tmux::Outside) => report.note(
            TERMINAL,
            "tmux",
            format!("TERM={term}: inside tmux or screen elsewhere (over SSH?)"),
        ),
        None => report.note(TERMINAL, "tmux", "not inside tmux"),
    }
    let mode = settings.map(|s| s.clipboard).unwrap_or_default();
    let route = CopyRoute::new(mode, terminal.tmux.as_ref());
    let set_clipboard = match &terminal.tmux {
        Some(Tmux::Local(options)) => options.set_clipboard.as_deref(),
        _ => None,
    };
    let said = match route.refusal() {
        Some(why) => why.to_string(),
        None => format!("goes {}", route.plan(set_clipboard).destination()),
    };
    report.note(TERMINAL, "copy", said);
}
