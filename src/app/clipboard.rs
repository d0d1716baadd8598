//! Where a copy goes and what its notice says: one rule for every copy (`Y` in the table
//! and the pane, `y` in a pivot), so no notice claims "copied" where the text may not
//! arrive (inside tmux, OSC 52 reaches the terminal only with `set-clipboard on`).

use crate::terminal::{ClipboardMode, Tmux};

/// How a copy is made, decided once at start from `clipboard` and the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyRoute {
    /// OSC 52 is written to the terminal.
    pub osc52: bool,
    /// `tmux load-buffer -`: tmux runs here.
    pub tmux_buffer: bool,
    /// What OSC 52 needs to get through, when it may not (tmux in between).
    needs: Option<String>,
    /// Why nothing can be copied.
    refused: Option<&'static str>,
}

impl Default for CopyRoute {
    /// OSC 52 to a terminal with nothing in between.
    fn default() -> CopyRoute {
        CopyRoute::new(ClipboardMode::Auto, None)
    }
}

impl CopyRoute {
    pub fn new(mode: ClipboardMode, tmux: Option<&Tmux>) -> CopyRoute {
        let local = matches!(tmux, Some(Tmux::Local(_)));
        // Only `on` passes an application's OSC 52 on to the outer terminal; `external`
        // (tmux's default) sets the clipboard from tmux's own copies alone.
        let needs = match tmux {
            Some(Tmux::Local(options)) => match options.set_clipboard.as_deref() {
                Some("on") => None,
                Some(value) => Some(format!(
                    "tmux's set-clipboard is {}: `set -g set-clipboard on` lets it through",
                    crate::text::sanitize(value)
                )),
                None => Some("inside tmux this needs `set -g set-clipboard on`".to_string()),
            },
            Some(Tmux::Outside) => {
                Some("inside tmux this needs `set -g set-clipboard on`".to_string())
            }
            None => None,
        };
        let (osc52, tmux_buffer, refused) = match mode {
            ClipboardMode::Off => (false, false, Some("copying is off (clipboard = \"off\")")),
            ClipboardMode::Osc52 => (true, false, None),
            ClipboardMode::Auto => (true, local, None),
            ClipboardMode::Tmux if local => (false, true, None),
            ClipboardMode::Tmux => (
                false,
                false,
                Some("not copied: clipboard = \"tmux\", but no tmux runs here ($TMUX is not set)"),
            ),
        };
        CopyRoute {
            osc52,
            tmux_buffer,
            needs: needs.filter(|_| osc52),
            refused,
        }
    }

    /// What a copy of `what` did, or why it was not made.
    pub fn notice(&self, what: &str) -> Result<String, String> {
        if let Some(why) = self.refused {
            return Err(why.to_string());
        }
        Ok(match (self.tmux_buffer, self.needs.as_deref()) {
            (false, None) => format!("sent {what} to the terminal's clipboard (OSC 52)"),
            (false, Some(needs)) => format!("sent {what} to the terminal (OSC 52); {needs}"),
            (true, _) if !self.osc52 => {
                format!("copied {what} to tmux's buffer (paste with prefix ])")
            }
            (true, None) => {
                format!("copied {what} to tmux's buffer and the terminal's clipboard (OSC 52)")
            }
            (true, Some(needs)) => {
                format!("copied {what} to tmux's buffer; sent to the terminal (OSC 52): {needs}")
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::TmuxOptions;

    fn local(set_clipboard: Option<&str>) -> Tmux {
        Tmux::Local(TmuxOptions {
            set_clipboard: set_clipboard.map(str::to_string),
            escape_time: None,
        })
    }

    fn said(mode: ClipboardMode, tmux: Option<&Tmux>) -> Result<String, String> {
        CopyRoute::new(mode, tmux).notice("the id")
    }

    #[test]
    fn outside_tmux_osc52_is_all_there_is() {
        assert_eq!(
            said(ClipboardMode::Auto, None).unwrap(),
            "sent the id to the terminal's clipboard (OSC 52)"
        );
        assert_eq!(
            said(ClipboardMode::Osc52, None),
            said(ClipboardMode::Auto, None)
        );
        assert!(
            said(ClipboardMode::Tmux, None)
                .unwrap_err()
                .contains("no tmux")
        );
        assert!(said(ClipboardMode::Off, None).unwrap_err().contains("off"));
    }

    #[test]
    fn inside_tmux_the_notice_says_what_osc52_needs_unless_tmux_lets_it_through() {
        let off = local(Some("off"));
        let on = local(Some("on"));
        // tmux's default passes no application's OSC 52 on.
        let external = local(Some("external"));
        assert!(
            said(ClipboardMode::Osc52, Some(&external))
                .unwrap()
                .contains("set-clipboard is external"),
        );
        let auto_off = said(ClipboardMode::Auto, Some(&off)).unwrap();
        assert!(
            auto_off.starts_with("copied the id to tmux's buffer;"),
            "{auto_off}"
        );
        assert!(auto_off.contains("set-clipboard is off"), "{auto_off}");
        assert_eq!(
            said(ClipboardMode::Auto, Some(&on)).unwrap(),
            "copied the id to tmux's buffer and the terminal's clipboard (OSC 52)"
        );
        assert!(
            said(ClipboardMode::Osc52, Some(&Tmux::Outside))
                .unwrap()
                .ends_with("inside tmux this needs `set -g set-clipboard on`")
        );
        assert_eq!(
            said(ClipboardMode::Tmux, Some(&off)).unwrap(),
            "copied the id to tmux's buffer (paste with prefix ])"
        );
        // Over SSH from inside tmux, there is no buffer here to load.
        assert!(!CopyRoute::new(ClipboardMode::Auto, Some(&Tmux::Outside)).tmux_buffer);
    }
}
