//! Settings in layers (the config crate): assets/config.toml (compiled in) < the user's
//! file (`$XDG_CONFIG_HOME/userdeck/config.toml` or `--config PATH`) < `USERDECK_*`
//! environment variables < command-line flags. Named profiles say where an API is and
//! how to talk to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::api::client::{ClientConfig, Token};
use crate::dialect::Dialect;

/// The compiled-in defaults.
pub const DEFAULTS: &str = include_str!("../assets/config.toml");

/// Everything the files and the environment say.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    pub default_profile: String,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Key bindings of the dashboard: action name → keys, over the defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, Vec<String>>,
    /// Draw in ASCII (true) or Unicode (false) whatever the locale says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ascii: Option<bool>,
    /// Mouse reports in the dashboard; false leaves selecting text to the terminal.
    #[serde(default = "yes")]
    pub mouse: bool,
    /// Where `Y` copies to: auto, osc52, tmux or off.
    #[serde(default)]
    pub clipboard: crate::terminal::ClipboardMode,
    /// Actions of the operator's own, for every profile (`[[actions]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<crate::actions::Spec>,
    /// `USERDECK_PROFILE`: the profile to use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// `USERDECK_ENDPOINT`, `USERDECK_DIALECT`, `USERDECK_READ_ONLY`,
    /// `USERDECK_PAGE_SIZE`: override the chosen profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialect: Option<Dialect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u64>,
}

/// One API and how to talk to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub endpoint: String,
    pub dialect: Dialect,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_command: Option<String>,
    /// `token_command` is stopped when it takes longer.
    #[serde(default = "default_token_command_timeout")]
    pub token_command_timeout_secs: f64,
    #[serde(default)]
    pub read_only: bool,
    #[serde(default = "default_page_size")]
    pub page_size: u64,
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_secs: f64,
    #[serde(default = "default_request_timeout")]
    pub request_timeout_secs: f64,
    #[serde(default = "default_retries")]
    pub retries: u32,
    #[serde(default = "default_chunk_size")]
    pub chunk_size: usize,
    /// Past this age a status seen is called old before a bulk action.
    #[serde(default = "default_stale_after")]
    pub stale_after_secs: f64,
    /// The colour of the status bar and the label (a production profile's red): a
    /// colour name (`red`, `lightred`, `#c01c28`) or a 256-colour index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// A word the status bar starts with, never cut: `PROD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Past this many users, a bulk action's count must be typed to send it.
    #[serde(default = "default_typed_above")]
    pub confirm_typed_above: usize,
    /// Every change must say why (the confirmation asks, `--reason`): journalled.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_reason: bool,
    /// Actions of this profile's own (`[[profiles.X.actions]]`), over the file's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<crate::actions::Spec>,
    /// The saved view (`:view save NAME`) the dashboard starts on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_view: Option<String>,
    /// `:watch` with no interval reads the screen again this often.
    #[serde(default = "default_watch_secs")]
    pub watch_secs: u64,
    /// PEM roots trusted beside the system's (a company CA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Trust only `ca_file`'s roots.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ca_only: bool,
    /// A client certificate and its key (PEM files), for mutual TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<PathBuf>,
    /// Every request through this proxy; unset, `HTTPS_PROXY`/`NO_PROXY` as set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// Extra headers: a value, or `{ command = "…" }` whose output is the value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, HeaderValueSource>,
    /// When an account's signals are raised (`[profiles.X.signals]`).
    #[serde(
        default,
        skip_serializing_if = "crate::signals::Thresholds::is_default"
    )]
    pub signals: crate::signals::Thresholds,
}

fn yes() -> bool {
    true
}
fn default_token_command_timeout() -> f64 {
    10.0
}
fn default_page_size() -> u64 {
    50
}
fn default_connect_timeout() -> f64 {
    5.0
}
fn default_request_timeout() -> f64 {
    30.0
}
/// More retries than this only keep an operator waiting on a dead server.
pub const MAX_RETRIES: u32 = 10;

fn default_retries() -> u32 {
    2
}
fn default_chunk_size() -> usize {
    crate::api::bulk::DEFAULT_CHUNK
}
fn default_stale_after() -> f64 {
    crate::app::STALE.as_secs_f64()
}

fn default_typed_above() -> usize {
    crate::api::preview::TYPE_TO_CONFIRM
}

/// The longest label: it is never cut, so it must leave the status bar room.
pub const LABEL_MOST: usize = 12;

fn default_watch_secs() -> u64 {
    crate::app::WATCH_DEFAULT.as_secs()
}

/// What the command line adds on top.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub endpoint: Option<String>,
    pub dialect: Option<Dialect>,
    pub read_only: bool,
    pub token_env: Option<String>,
}

/// A configuration error: one line naming the file, the key and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// The profile in use, resolved from every layer.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub name: String,
    pub profile: Profile,
    /// The actions of the file and of the profile (the profile's over one of its name).
    pub actions: Vec<crate::actions::Spec>,
    /// The user's file, whether or not it exists.
    pub file: PathBuf,
    pub settings: Settings,
    /// Things worth telling the operator (a token file others can read).
    pub warnings: Vec<String>,
}

/// `$XDG_CONFIG_HOME/userdeck/config.toml` (or the platform's equivalent).
pub mod connection;
mod token;

pub use connection::HeaderValueSource;
pub use token::TokenSource;

pub fn default_file() -> PathBuf {
    directories::ProjectDirs::from("", "", "userdeck")
        .map(|d| d.config_dir().join("config.toml"))
        .unwrap_or_else(|| PathBuf::from("userdeck.toml"))
}

/// `$XDG_STATE_HOME/userdeck/audit.jsonl` (or the platform's equivalent).
pub fn audit_file() -> PathBuf {
    directories::ProjectDirs::from("", "", "userdeck")
        .map(|d| {
            d.state_dir()
                .unwrap_or_else(|| d.data_local_dir())
                .join("audit.jsonl")
        })
        .unwrap_or_else(|| PathBuf::from("userdeck-audit.jsonl"))
}

/// Reads every layer and picks the profile.
pub fn load(overrides: &Overrides) -> Result<Resolved, ConfigError> {
    let file = overrides.config.clone().unwrap_or_else(default_file);
    if overrides.config.is_some() && !file.exists() {
        return Err(ConfigError(format!(
            "{}: no such config file",
            file.display()
        )));
    }
    let shown = file.display().to_string();
    check_environment()?;
    if let Ok(text) = std::fs::read_to_string(&file) {
        check_top_level(&shown, &text)?;
    }
    let settings: Settings = config::Config::builder()
        .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml))
        .add_source(
            config::File::from(file.as_path())
                .format(config::FileFormat::Toml)
                .required(false),
        )
        .add_source(
            config::Environment::with_prefix("USERDECK")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true),
        )
        .build()
        .and_then(config::Config::try_deserialize)
        .map_err(|e| ConfigError(format!("{shown}: {}", one_line(&e.to_string()))))?;

    let name = overrides
        .profile
        .clone()
        .or_else(|| settings.profile.clone())
        .unwrap_or_else(|| settings.default_profile.clone());
    let Some(mut profile) = settings.profiles.get(&name).cloned() else {
        let known: Vec<&str> = settings.profiles.keys().map(String::as_str).collect();
        // Blamed on where the name came from.
        let from = if overrides.profile.is_some() {
            "--profile".to_string()
        } else if settings.profile.is_some() {
            "USERDECK_PROFILE".to_string()
        } else {
            format!("{shown}: default_profile")
        };
        return Err(ConfigError(format!(
            "{from}: profile {name:?} does not exist (profiles: {})",
            known.join(", ")
        )));
    };
    // A value from a flag or the environment is blamed on that flag or variable.
    let mut origin: BTreeMap<&str, &str> = BTreeMap::new();
    if let Some(endpoint) = &overrides.endpoint {
        profile.endpoint = endpoint.clone();
        origin.insert("endpoint", "--endpoint");
    } else if let Some(endpoint) = &settings.endpoint {
        profile.endpoint = endpoint.clone();
        origin.insert("endpoint", "USERDECK_ENDPOINT");
    }
    if let Some(dialect) = overrides.dialect.or(settings.dialect) {
        profile.dialect = dialect;
    }
    if overrides.read_only || settings.read_only == Some(true) {
        profile.read_only = true;
    }
    if let Some(size) = settings.page_size {
        profile.page_size = size;
        origin.insert("page_size", "USERDECK_PAGE_SIZE");
    }
    let key = |k: &str| match origin.get(k) {
        Some(source) => (*source).to_string(),
        None => format!("{shown}: profiles.{name}.{k}"),
    };
    check(&key, &profile)?;
    crate::actions::check(&settings.actions)
        .map_err(|e| ConfigError(format!("{shown}: actions: {e}")))?;
    let mut actions: Vec<crate::actions::Spec> = settings
        .actions
        .iter()
        .filter(|a| profile.actions.iter().all(|own| own.name != a.name))
        .cloned()
        .collect();
    actions.extend(profile.actions.iter().cloned());
    let mut warnings = Vec::new();
    if let Some(warning) = token_file_warning(&file) {
        warnings.push(warning);
    }
    Ok(Resolved {
        name,
        profile,
        actions,
        file,
        settings,
        warnings,
    })
}

/// The keys a config file may have at its top.
const TOP_LEVEL: [&str; 7] = [
    "default_profile",
    "profiles",
    "keys",
    "ascii",
    "mouse",
    "clipboard",
    "actions",
];

/// The keys of a profile (serde refuses others too; this list gives the hint).
const PROFILE_KEYS: [&str; 26] = [
    "endpoint",
    "dialect",
    "token",
    "token_command",
    "token_command_timeout_secs",
    "read_only",
    "page_size",
    "connect_timeout_secs",
    "request_timeout_secs",
    "retries",
    "chunk_size",
    "stale_after_secs",
    "watch_secs",
    "color",
    "label",
    "confirm_typed_above",
    "require_reason",
    "start_view",
    "actions",
    "ca_file",
    "ca_only",
    "client_cert",
    "client_key",
    "proxy",
    "headers",
    "signals",
];

/// An unknown top-level key of the file is an error naming it (a misspelt
/// `default_profile` would otherwise be ignored and the built-in profile used).
fn check_top_level(shown: &str, text: &str) -> Result<(), ConfigError> {
    // A file that does not parse is told by the config crate, with its line.
    let Ok(table) = text.parse::<toml::Table>() else {
        return Ok(());
    };
    let unknown = |path: String, key: &str, known: &[&str]| {
        let hint = crate::text::closest(key, known)
            .map(|k| format!(" (did you mean {k:?}?)"))
            .unwrap_or_default();
        ConfigError(format!(
            "{shown}: unknown key {path}{hint}; known: {}",
            known.join(", ")
        ))
    };
    for (key, value) in &table {
        if !TOP_LEVEL.contains(&key.as_str()) {
            return Err(unknown(format!("{key:?}"), key, &TOP_LEVEL));
        }
        if key == "profiles"
            && let Some(profiles) = value.as_table()
        {
            for (name, profile) in profiles {
                for (field, value) in profile.as_table().into_iter().flatten() {
                    if !PROFILE_KEYS.contains(&field.as_str()) {
                        let path = format!("profiles.{name}.{field}");
                        return Err(unknown(path, field, &PROFILE_KEYS));
                    }
                    let keys = crate::signals::KEYS;
                    let within = value.as_table().filter(|_| field == "signals");
                    for key in within.into_iter().flat_map(|t| t.keys()) {
                        if !keys.contains(&key.as_str()) {
                            let path = format!("profiles.{name}.signals.{key}");
                            return Err(unknown(path, key, &keys));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// The environment variables read as typed values, checked by name before the layers
/// merge (an error there would otherwise blame the file).
fn check_environment() -> Result<(), ConfigError> {
    if let Ok(size) = std::env::var("USERDECK_PAGE_SIZE")
        && size.trim().parse::<u64>().is_err()
    {
        return Err(ConfigError(format!(
            "USERDECK_PAGE_SIZE: expected a number of rows, got {:?}",
            crate::text::sanitize(&size)
        )));
    }
    if let Ok(dialect) = std::env::var("USERDECK_DIALECT")
        && <Dialect as clap::ValueEnum>::from_str(dialect.trim(), true).is_err()
    {
        return Err(ConfigError(format!(
            "USERDECK_DIALECT: expected crm or training, got {:?}",
            crate::text::sanitize(&dialect)
        )));
    }
    if let Ok(flag) = std::env::var("USERDECK_READ_ONLY")
        && flag.trim().parse::<bool>().is_err()
    {
        return Err(ConfigError(format!(
            "USERDECK_READ_ONLY: expected true or false, got {:?}",
            crate::text::sanitize(&flag)
        )));
    }
    Ok(())
}

/// A parser's message on one line: its code frame (`2 | [profiles.x`, `|   ^`) dropped.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| {
            let frame = line
                .split_once('|')
                .is_some_and(|(gutter, _)| gutter.trim().chars().all(|c| c.is_ascii_digit()));
            !line.is_empty() && !frame
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks a profile's values; `key` names where a key's value came from.
fn check(key: &dyn Fn(&str) -> String, p: &Profile) -> Result<(), ConfigError> {
    match reqwest::Url::parse(&p.endpoint) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => {}
        _ => {
            return Err(ConfigError(format!(
                "{}: {:?} is not an http:// or https:// URL",
                key("endpoint"),
                p.endpoint
            )));
        }
    }
    if !(1..=1000).contains(&p.page_size) {
        return Err(ConfigError(format!(
            "{}: expected 1 to 1000, got {}",
            key("page_size"),
            p.page_size
        )));
    }
    for (k, v) in [
        ("connect_timeout_secs", p.connect_timeout_secs),
        ("request_timeout_secs", p.request_timeout_secs),
        ("token_command_timeout_secs", p.token_command_timeout_secs),
    ] {
        if !(v.is_finite() && v > 0.0 && v <= 3600.0) {
            return Err(ConfigError(format!(
                "{}: expected seconds between 0 and 3600, got {v}",
                key(k)
            )));
        }
    }
    // 0: every status is called old (none is trusted for an undo).
    if !(p.stale_after_secs.is_finite() && (0.0..=86_400.0).contains(&p.stale_after_secs)) {
        return Err(ConfigError(format!(
            "{}: expected seconds from 0 to 86400, got {}",
            key("stale_after_secs"),
            p.stale_after_secs
        )));
    }
    if p.retries > MAX_RETRIES {
        return Err(ConfigError(format!(
            "{}: expected 0 to {MAX_RETRIES}, got {}",
            key("retries"),
            p.retries
        )));
    }
    if !(1..=10_000).contains(&p.chunk_size) {
        return Err(ConfigError(format!(
            "{}: expected 1 to 10000, got {}",
            key("chunk_size"),
            p.chunk_size
        )));
    }
    if let Some(color) = &p.color
        && color.parse::<ratatui::style::Color>().is_err()
    {
        return Err(ConfigError(format!(
            "{}: {color:?} is no colour: a name (red, lightred, yellow…), #rrggbb or 0–255",
            key("color")
        )));
    }
    if let Some(label) = &p.label {
        let length = label.chars().count();
        if !(1..=LABEL_MOST).contains(&length) || label.chars().any(char::is_control) {
            return Err(ConfigError(format!(
                "{}: {label:?}: 1 to {LABEL_MOST} characters, none a control character",
                key("label")
            )));
        }
    }
    let (least, most) = crate::app::WATCH_SECS;
    if !(least..=most).contains(&p.watch_secs) {
        return Err(ConfigError(format!(
            "{}: expected seconds from {least} to {most}, got {}",
            key("watch_secs"),
            p.watch_secs
        )));
    }
    crate::actions::check(&p.actions)
        .map_err(|e| ConfigError(format!("{}: {e}", key("actions"))))?;
    p.signals
        .check()
        .map_err(|e| ConfigError(format!("{}: {e}", key("signals"))))
}

/// A warning when `file` holds a token and others than its owner may read it.
fn token_file_warning(file: &Path) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let holds_token = text.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("token") && !line.starts_with("token_command") && line.contains('=')
    });
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).ok()?.permissions().mode();
        if holds_token && mode & 0o077 != 0 {
            return Some(format!(
                "warning: {} holds a token and is readable by others than you (mode {:o}); run chmod 600 on it",
                file.display(),
                mode & 0o777
            ));
        }
    }
    None
}

impl Resolved {
    /// How to reach the profile's API.
    pub fn client_config(&self, token: Option<Token>) -> Result<ClientConfig, ConfigError> {
        let p = &self.profile;
        let mut config = ClientConfig::new(p.endpoint.clone(), p.dialect);
        config.token = token;
        config.connect_timeout = Duration::from_secs_f64(p.connect_timeout_secs);
        config.request_timeout = Duration::from_secs_f64(p.request_timeout_secs);
        config.retries = p.retries;
        config.network = self.network()?;
        Ok(config)
    }

    /// The merged settings as TOML, every token replaced.
    pub fn show(&self) -> String {
        let mut settings = self.settings.clone();
        for profile in settings.profiles.values_mut() {
            if profile.token.is_some() {
                profile.token = Some("<redacted>".into());
            }
            if let Some(proxy) = profile.proxy.as_mut() {
                *proxy = connection::proxy_shown(proxy);
            }
            for value in profile.headers.values_mut() {
                if let HeaderValueSource::Value(v) = value {
                    *v = "<redacted>".into();
                }
            }
        }
        let mut text = format!(
            "# profile in use: {} ({} API at {}{})\n",
            self.name,
            self.profile.dialect,
            self.profile.endpoint,
            if self.profile.read_only {
                ", read-only"
            } else {
                ""
            }
        );
        text.push_str(&toml::to_string_pretty(&settings).unwrap_or_default());
        text
    }
}
