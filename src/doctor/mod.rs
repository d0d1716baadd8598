//! `userdeck doctor`: one line per check of what stands between the operator and the API
//! — the config, the network (DNS, connect, proxy, TLS, a round trip), the token, the
//! contract the server really has, the terminal — each passed or failed with its reason
//! and a fix, as `gh auth status` and `flutter doctor` do. The token is never shown; a
//! check that cannot run because an earlier one failed says so.

mod contract;
mod network;
mod terminal;

use serde::Serialize;
use serde_json::json;

use crate::cli::GlobalArgs;
use crate::config;

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    /// Said for the operator's information; not a failure (not run, or not applicable).
    Note,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub section: &'static str,
    pub name: &'static str,
    pub verdict: Verdict,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// Every check, in the order they ran.
#[derive(Debug, Default)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    fn add(&mut self, section: &'static str, name: &'static str, verdict: Verdict, detail: String) {
        self.checks.push(Check {
            section,
            name,
            verdict,
            detail: crate::text::sanitize(&detail).into_owned(),
            fix: None,
        });
    }

    pub(crate) fn pass(
        &mut self,
        section: &'static str,
        name: &'static str,
        detail: impl Into<String>,
    ) {
        self.add(section, name, Verdict::Pass, detail.into());
    }

    pub(crate) fn note(
        &mut self,
        section: &'static str,
        name: &'static str,
        detail: impl Into<String>,
    ) {
        self.add(section, name, Verdict::Note, detail.into());
    }

    pub(crate) fn fail(
        &mut self,
        section: &'static str,
        name: &'static str,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.add(section, name, Verdict::Fail, detail.into());
        if let Some(last) = self.checks.last_mut() {
            last.fix = Some(fix.into());
        }
    }

    /// Whether every check passed (notes aside).
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.verdict != Verdict::Fail)
    }

    /// The report as lines for a person: a heading per section, a mark per check (✓ ✗ ·,
    /// or `ok`/`FAIL`/`--` where the terminal is not UTF-8), the fix under a failure.
    pub fn table(&self, utf8: bool) -> String {
        let width = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let mark = |v: Verdict| match (v, utf8) {
            (Verdict::Pass, true) => "✓",
            (Verdict::Fail, true) => "✗",
            (Verdict::Note, true) => "·",
            (Verdict::Pass, false) => "ok  ",
            (Verdict::Fail, false) => "FAIL",
            (Verdict::Note, false) => "--  ",
        };
        let mut out = String::new();
        let mut section = "";
        // Details too: an arrow or a server's name must not break a Latin-1 terminal's lines.
        let fold = |text: &str| match utf8 {
            true => text.to_string(),
            false => crate::text::ascii(text),
        };
        for check in &self.checks {
            if check.section != section {
                section = check.section;
                out.push_str(section);
                out.push('\n');
            }
            out.push_str(&format!(
                "  {} {:width$}  {}\n",
                mark(check.verdict),
                check.name,
                fold(&check.detail)
            ));
            if let Some(fix) = check.fix.as_deref().map(fold) {
                // Under the detail, whatever the mark's width.
                let indent = 2 + if utf8 { 1 } else { 4 } + 1 + width + 2;
                out.push_str(&format!("{:indent$}fix: {fix}\n", ""));
            }
        }
        let failed = self
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .count();
        out.push_str(&match failed {
            0 => "every check passed\n".to_string(),
            1 => "1 check failed\n".to_string(),
            n => format!("{n} checks failed\n"),
        });
        out
    }

    pub fn json(&self) -> serde_json::Value {
        json!({ "ok": self.ok(), "checks": self.checks })
    }
}

/// Runs every check for the profile `global` names.
pub async fn run(global: &GlobalArgs) -> Report {
    let mut report = Report::default();
    // Loaded as every command loads it (`[keys]` checked too), so doctor passes only
    // what they accept.
    let resolved = match crate::cmd::checked(global) {
        Ok(resolved) => {
            config_checks(&mut report, &resolved, global);
            Some(resolved)
        }
        Err(failure) => {
            report.fail(
                "config",
                "config",
                failure.message,
                "correct the file (`userdeck config path` names it) or the flag",
            );
            None
        }
    };
    let checked = match &resolved {
        Some(resolved) => api_checks(&mut report, resolved, global).await,
        None => Err("the config did not load"),
    };
    if let Err(why) = checked {
        for (section, name) in [("network", "network"), ("api", "auth"), ("api", "contract")] {
            report.note(section, name, format!("not checked: {why}"));
        }
    }
    terminal::checks(&mut report, resolved.as_ref().map(|r| &r.settings));
    report
}

/// The token, the network and the API; why none of them could be checked, if so.
async fn api_checks(
    report: &mut Report,
    resolved: &config::Resolved,
    global: &GlobalArgs,
) -> Result<(), &'static str> {
    let (token, source) = match resolved.token(global.token_env.as_deref()) {
        Ok(found) => found,
        Err(e) => {
            report.fail(
                "config",
                "token",
                e.0,
                "see the README: where the token comes from",
            );
            return Err("no token");
        }
    };
    report.pass("config", "token", source.said());
    let client_config = match resolved.client_config(token) {
        Ok(config) => config,
        Err(e) => {
            report.fail(
                "config",
                "network settings",
                e.0,
                "correct the profile's key it names",
            );
            return Err("the network settings did not load");
        }
    };
    if network::checks(report, resolved, &client_config).await {
        let sent_token = source != config::TokenSource::None;
        network::auth(report, &client_config, sent_token).await;
        contract::check(report, &client_config).await;
    } else {
        report.note("api", "auth", "not checked: the server was not reached");
        report.note("api", "contract", "not checked: the server was not reached");
    }
    Ok(())
}

/// The file, the profile, and where the settings that decide where requests go came from.
fn config_checks(report: &mut Report, resolved: &config::Resolved, global: &GlobalArgs) {
    let file = &resolved.file;
    let shown = file.display();
    let in_file = std::fs::read_to_string(file)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok());
    report.pass(
        "config",
        "file",
        match &in_file {
            Some(_) => format!("{shown}"),
            None => format!("{shown} (none there: the built-in defaults)"),
        },
    );
    for warning in &resolved.warnings {
        report.note("config", "warning", warning.clone());
    }
    let p = &resolved.profile;
    report.pass(
        "config",
        "profile",
        format!(
            "{} ({} at {}{})",
            resolved.name,
            p.dialect,
            p.endpoint,
            if p.read_only { ", read-only" } else { "" }
        ),
    );
    let profile_sets = |key: &str| {
        in_file
            .as_ref()
            .and_then(|t| t.get("profiles"))
            .and_then(|t| t.get(&resolved.name))
            .and_then(|t| t.get(key))
            .is_some()
    };
    let env = |var: &str| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    let from = |flag: bool, flag_name: &str, var: &str, key: &str| -> String {
        if flag {
            flag_name.to_string()
        } else if env(var) {
            var.to_string()
        } else if profile_sets(key) {
            format!("profiles.{}.{key} in the file", resolved.name)
        } else {
            "the built-in default".to_string()
        }
    };
    let chosen = if global.profile.is_some() {
        "--profile".to_string()
    } else if env("USERDECK_PROFILE") {
        "USERDECK_PROFILE".to_string()
    } else {
        "default_profile".to_string()
    };
    report.pass(
        "config",
        "sources",
        format!(
            "profile from {chosen}; endpoint from {}; dialect from {}; read_only from {}; page_size from {}",
            from(
                global.endpoint.is_some(),
                "--endpoint",
                "USERDECK_ENDPOINT",
                "endpoint"
            ),
            from(
                global.dialect.is_some(),
                "--dialect",
                "USERDECK_DIALECT",
                "dialect"
            ),
            from(
                global.read_only,
                "--read-only",
                "USERDECK_READ_ONLY",
                "read_only"
            ),
            from(false, "", "USERDECK_PAGE_SIZE", "page_size"),
        ),
    );
}
