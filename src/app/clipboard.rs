//! Where a copy goes and what its notice says: one rule for every copy (`Y` in the table
//! and the pane, `y` in a pivot), so no notice claims "copied" where the text may not
//! arrive. Inside tmux, OSC 52 reaches the outer terminal only with `set-clipboard on`;
//! the option is read when the copy is made (the operator may just have set it), so the
//! loop asks tmux off the loop and tells the app what was done ([`super::Event::Copied`]).

use crate::terminal::{ClipboardMode, Tmux};

/// Where tmux stands, as far as a copy cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// `$TMUX` is set: its buffer can be loaded, its options read.
    Local,
    /// Between us and the operator (TERM screen/tmux over SSH): nothing to ask.
    Outside,
}

/// How copies are made: `clipboard` from the config, and the terminal as found at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyRoute {
    mode: ClipboardMode,
    tmux: Option<Place>,
}

impl Default for CopyRoute {
    /// OSC 52 to a terminal with nothing in between.
    fn default() -> CopyRoute {
        CopyRoute::new(ClipboardMode::Auto, None)
    }
}

/// What one copy does: OSC 52, tmux's buffer, and what is said of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyPlan {
    pub osc52: bool,
    pub tmux_buffer: bool,
    /// "sent" or "copied", then where to: "<verb> <what> <to>".
    verb: &'static str,
    to: String,
}

const SET_CLIPBOARD_ON: &str = "`set -g set-clipboard on`";

impl CopyRoute {
    pub fn new(mode: ClipboardMode, tmux: Option<&Tmux>) -> CopyRoute {
        let tmux = tmux.map(|t| match t {
            Tmux::Local(_) => Place::Local,
            Tmux::Outside => Place::Outside,
        });
        CopyRoute { mode, tmux }
    }

    /// Why nothing can be copied at all, if so.
    pub fn refusal(&self) -> Option<&'static str> {
        match (self.mode, self.tmux) {
            (ClipboardMode::Off, _) => Some("copying is off (clipboard = \"off\")"),
            (ClipboardMode::Tmux, Some(Place::Local)) => None,
            (ClipboardMode::Tmux, _) => {
                Some("not copied: clipboard = \"tmux\", but no tmux runs here ($TMUX is not set)")
            }
            _ => None,
        }
    }

    /// Whether a copy needs the local tmux's `set-clipboard` first.
    pub fn asks_tmux(&self) -> bool {
        self.tmux == Some(Place::Local)
            && matches!(self.mode, ClipboardMode::Auto | ClipboardMode::Osc52)
    }

    /// How to copy now, the local tmux's `set-clipboard` being `set_clipboard` (None:
    /// not asked, or no answer). Under `on`, tmux takes OSC 52 into its own buffer and
    /// passes it on, so its buffer is not loaded a second time.
    pub fn plan(&self, set_clipboard: Option<&str>) -> CopyPlan {
        let passed_on = set_clipboard == Some("on");
        let stopped = match set_clipboard {
            Some(value) if !passed_on => format!(
                "tmux's set-clipboard is {}: {SET_CLIPBOARD_ON} lets it through",
                crate::text::sanitize(value)
            ),
            _ => format!("inside tmux this needs {SET_CLIPBOARD_ON}"),
        };
        let plan = |osc52, tmux_buffer, verb, to: String| CopyPlan {
            osc52,
            tmux_buffer,
            verb,
            to,
        };
        match (self.mode, self.tmux) {
            (ClipboardMode::Tmux, _) => plan(false, true, "copied", "to tmux's buffer".into()),
            (ClipboardMode::Off, _) => plan(false, false, "did not copy", String::new()),
            (_, Some(Place::Local)) if passed_on => plan(
                true,
                false,
                "copied",
                "to tmux's buffer and the terminal's clipboard (OSC 52)".into(),
            ),
            (ClipboardMode::Auto, Some(Place::Local)) => plan(
                true,
                true,
                "copied",
                format!("to tmux's buffer; for the terminal's clipboard, {stopped}"),
            ),
            (_, Some(_)) => plan(
                true,
                false,
                "sent",
                format!("to the terminal (OSC 52); {stopped}"),
            ),
            (_, None) => plan(
                true,
                false,
                "sent",
                "to the terminal's clipboard (OSC 52)".into(),
            ),
        }
    }
}

impl CopyPlan {
    /// What a copy of `what` did.
    pub fn notice(&self, what: &str) -> String {
        format!("{} {what} {}", self.verb, self.to)
    }

    /// Where a copy goes, for `doctor`.
    pub fn destination(&self) -> &str {
        &self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::TmuxOptions;

    fn local() -> Tmux {
        Tmux::Local(TmuxOptions::default())
    }

    fn said(mode: ClipboardMode, tmux: Option<&Tmux>, set_clipboard: Option<&str>) -> String {
        CopyRoute::new(mode, tmux)
            .plan(set_clipboard)
            .notice("the id")
    }

    #[test]
    fn outside_tmux_osc52_is_all_there_is() {
        assert_eq!(
            said(ClipboardMode::Auto, None, None),
            "sent the id to the terminal's clipboard (OSC 52)"
        );
        assert_eq!(
            said(ClipboardMode::Osc52, None, None),
            said(ClipboardMode::Auto, None, None)
        );
        let refusal = |mode| CopyRoute::new(mode, None).refusal();
        assert!(refusal(ClipboardMode::Tmux).unwrap().contains("no tmux"));
        assert!(refusal(ClipboardMode::Off).unwrap().contains("off"));
        assert_eq!(refusal(ClipboardMode::Auto), None);
    }

    #[test]
    fn inside_tmux_the_plan_follows_set_clipboard_as_it_is_now() {
        let here = local();
        let route = CopyRoute::new(ClipboardMode::Auto, Some(&here));
        assert!(route.asks_tmux());
        // On: tmux takes the OSC 52 into its buffer itself; one buffer, not two.
        let on = route.plan(Some("on"));
        assert!(on.osc52 && !on.tmux_buffer);
        assert_eq!(
            on.notice("the id"),
            "copied the id to tmux's buffer and the terminal's clipboard (OSC 52)"
        );
        // Off, or external (tmux's default, which passes no application's OSC 52 on).
        for value in ["off", "external"] {
            let plan = route.plan(Some(value));
            assert!(plan.osc52 && plan.tmux_buffer, "{value}");
            assert!(
                plan.notice("the id")
                    .contains(&format!("set-clipboard is {value}")),
                "{value}"
            );
        }
        assert_eq!(
            said(ClipboardMode::Tmux, Some(&here), Some("off")),
            "copied the id to tmux's buffer"
        );
        assert!(
            said(ClipboardMode::Osc52, Some(&Tmux::Outside), None)
                .ends_with("inside tmux this needs `set -g set-clipboard on`")
        );
        // Over SSH from inside tmux: no buffer here to load, nothing to ask.
        let outside = CopyRoute::new(ClipboardMode::Auto, Some(&Tmux::Outside));
        assert!(!outside.asks_tmux() && !outside.plan(None).tmux_buffer);
    }
}
