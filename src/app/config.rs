//! The settings the dashboard starts with, from the profile and the terminal.

use std::time::Duration;

use super::{Keymap, STALE, WATCH_DEFAULT};
use crate::api::model::Capabilities;

/// Settings the app starts with.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub capabilities: Capabilities,
    pub profile: String,
    pub read_only: bool,
    pub page_size: u64,
    pub keymap: Keymap,
    pub warnings: Vec<String>,
    /// The colours the terminal shows (none with NO_COLOR).
    pub colors: crate::terminal::Colors,
    /// Drawn in ASCII only: the locale is not UTF-8, or `ascii = true`.
    pub ascii: bool,
    /// Mouse reports on (`mouse = false` leaves selecting text to the terminal).
    pub mouse: bool,
    /// Where a copy goes, and what the notice says of it.
    pub clipboard: crate::app::CopyRoute,
    /// The config file's profiles, for `:profile` (none in the demo).
    pub profiles: Vec<String>,
    /// The audit journal, for `:journal` (none in the demo).
    pub journal: Option<std::path::PathBuf>,
    /// Past this age a status seen is called old before a bulk action, and not
    /// journalled for its undo.
    pub stale_after: std::time::Duration,
    /// Where the profile's token came from, said after `:profile` and beside a refused
    /// token (none in the demo and tests).
    pub token_source: Option<crate::config::TokenSource>,
    /// `:watch` with no interval reads the screen again this often.
    pub watch_every: Duration,
    /// What the profile asks before a change is sent (the count typed, a reason).
    pub consent: super::Consent,
    /// The profile's look: the status bar's colour and label (a production profile's).
    pub look: Look,
    /// The operator's own actions (`[[actions]]`), and the endpoint they are told of.
    pub actions: Vec<crate::actions::Spec>,
    pub endpoint: String,
    /// Where saved views are kept (none in the demo).
    pub views: Option<std::path::PathBuf>,
    /// The view the profile starts on (`start_view`), with its name.
    pub start_view: Option<(String, crate::views::View)>,
}

impl AppConfig {
    /// A profile of `capabilities` named `profile` with every other setting its default:
    /// writable, pages of 50, the default keys, colours, no other profiles, no journal,
    /// statuses old after a minute.
    pub fn new(capabilities: Capabilities, profile: &str) -> AppConfig {
        AppConfig {
            capabilities,
            profile: profile.into(),
            read_only: false,
            page_size: 50,
            keymap: Keymap::default(),
            warnings: Vec::new(),
            colors: crate::terminal::Colors::Indexed256,
            ascii: false,
            mouse: true,
            clipboard: crate::app::CopyRoute::default(),
            profiles: Vec::new(),
            journal: None,
            stale_after: STALE,
            token_source: None,
            watch_every: WATCH_DEFAULT,
            consent: super::Consent::default(),
            look: Look::default(),
            views: None,
            start_view: None,
            actions: Vec::new(),
            endpoint: String::new(),
        }
    }
}

/// How a profile looks, so that production looks like production.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Look {
    /// The status bar's colour (none: the theme's).
    pub color: Option<ratatui::style::Color>,
    /// The word the status bar starts with, never cut.
    pub label: Option<String>,
}
