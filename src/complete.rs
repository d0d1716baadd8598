//! Completions that know the data (`COMPLETE=bash userdeck`, or the script `userdeck
//! completions SHELL` prints): the profiles of the config file, the statuses, the fields
//! of the records, the actions, and the journal's entries for `undo`, each with a hint.
//! A completer never fails: what it cannot read, it does not offer.

use std::ffi::OsStr;

use clap_complete::engine::CompletionCandidate;

use crate::dialect::Dialect;

/// The candidates among `values` (value, hint) that start with what is typed.
fn matching<'a>(
    current: &OsStr,
    values: impl IntoIterator<Item = (String, Option<String>)> + 'a,
) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    values
        .into_iter()
        .filter(|(value, _)| value.starts_with(typed.as_ref()))
        .map(|(value, hint)| CompletionCandidate::new(value).help(hint.map(Into::into)))
        .collect()
}

/// The profiles of the config file, with their endpoints.
pub fn profiles(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = std::fs::read_to_string(crate::config::default_file())
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|table| table.get("profiles")?.as_table().cloned())
        .map(|profiles| {
            profiles
                .iter()
                .map(|(name, profile)| {
                    let endpoint = profile.get("endpoint").and_then(|e| e.as_str());
                    (name.clone(), endpoint.map(str::to_string))
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    matching(current, names)
}

/// The statuses of both contracts.
pub fn statuses(current: &OsStr) -> Vec<CompletionCandidate> {
    let all = [
        ("active", "crm, training"),
        ("blocked", "crm"),
        ("pending", "crm"),
        ("inactive", "training"),
        ("archived", "training"),
    ];
    matching(
        current,
        all.map(|(status, of)| (status.to_string(), Some(of.to_string()))),
    )
}

/// The fields of the records (`--fields a,b,c`): the next field after the last comma.
pub fn fields(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    let (done, last) = typed.rsplit_once(',').unwrap_or(("", &typed));
    let mut names: Vec<(String, Option<String>)> = Vec::new();
    for dialect in [Dialect::Crm, Dialect::Training] {
        for field in crate::format::record::fields(dialect) {
            match names.iter_mut().find(|(n, _)| n == field) {
                Some((_, hint)) => *hint = Some("crm, training".into()),
                None => names.push((field.to_string(), Some(dialect.to_string()))),
            }
        }
    }
    let prefix = if done.is_empty() {
        String::new()
    } else {
        format!("{done},")
    };
    matching(
        OsStr::new(last),
        names
            .into_iter()
            .filter(|(n, _)| !done.split(',').any(|d| d == n)),
    )
    .into_iter()
    .map(|c| {
        let value = format!("{prefix}{}", c.get_value().to_string_lossy());
        CompletionCandidate::new(value).help(c.get_help().cloned())
    })
    .collect()
}

/// The actions the journal records.
pub fn actions(current: &OsStr) -> Vec<CompletionCandidate> {
    let all = [
        "block",
        "activate",
        "archive",
        "unarchive",
        "create",
        "update",
        "upsert",
    ];
    matching(current, all.map(|a| (a.to_string(), None)))
}

/// The journal's newest entries, for `undo ENTRY`: each with what it was.
pub fn entries(current: &OsStr) -> Vec<CompletionCandidate> {
    let entries = crate::api::journal::read(&crate::config::audit_file(), 50).unwrap_or_default();
    matching(
        current,
        entries.into_iter().map(|e| {
            let hint = format!(
                "{} of {} user{} at {} ({})",
                e.action,
                e.ids.len(),
                if e.ids.len() == 1 { "" } else { "s" },
                crate::text::seconds(&e.time),
                e.profile
            );
            (e.entry, Some(crate::text::sanitize(&hint).into_owned()))
        }),
    )
}
