//! One account's history in time order: its creation, each session started and last
//! active (a change of country or device marked), long quiet spells shown as gaps, and
//! this machine's journal entries about it (who blocked or activated it, when, from
//! which batch) interleaved. Made from its `user(id)` answer and the journal alone.

use crate::signals::{country, read_time};
use serde::Serialize;

use super::journal::read::JournalEntry;
use super::model::{Session, UserDetail};
use crate::text::thousands;

/// A quiet spell this long or longer is shown as a gap.
pub const GAP_DAYS: i64 = 30;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum What {
    Created,
    SessionStarted,
    LastActive,
    /// A session started in another country than the one before it.
    CountryChanged,
    /// A session started on another device than the one before it.
    DeviceChanged,
    /// Nothing for [`GAP_DAYS`] or more.
    Gap,
    /// An entry of this machine's journal about the account.
    Journal,
}

impl What {
    pub fn name(self) -> &'static str {
        match self {
            What::Created => "created",
            What::SessionStarted => "session",
            What::LastActive => "last active",
            What::CountryChanged => "new country",
            What::DeviceChanged => "new device",
            What::Gap => "gap",
            What::Journal => "journal",
        }
    }
}

/// One moment of an account's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// As the server or the journal wrote it (RFC 3339).
    pub at: String,
    pub what: What,
    /// What to say of it: the session's device, address and place; the change; the
    /// journal's action and outcome. Holds the server's text: sanitize before printing.
    pub text: String,
    /// The session or journal entry it is about.
    pub about: Option<String>,
}

/// The history of the account `key` names, and its id, as [`of`] makes it, with the
/// entries about it of the journal at `journal` that `client` wrote with `profile` (none
/// without a journal: the demo journals nothing).
pub async fn read(
    client: &super::client::Client,
    key: &super::ops::UserKey,
    journal: Option<std::path::PathBuf>,
    profile: &str,
) -> Result<(String, Vec<Event>), String> {
    let detail = super::ops::detail(client, key)
        .await
        .map_err(|e| e.to_string())?;
    let mut entries = Vec::new();
    if let (Some(path), Some(writer)) = (journal, client.journal()) {
        // Its last lines written first: an action just taken belongs in the history.
        writer.flushed().await;
        let filter = super::journal::Filter {
            place: Some((profile.to_string(), writer.endpoint().to_string())),
            user: Some(detail.user.id.clone()),
            ..super::journal::Filter::default()
        };
        entries = tokio::task::spawn_blocking(move || {
            super::journal::read_filtered(&path, usize::MAX, &filter)
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot read the journal: {e}"))?;
    }
    Ok((detail.user.id.clone(), of(&detail, &entries)))
}

/// "Pixel 8 · Chrome · Android 15": what the session says of its device, if anything.
fn device(s: &Session) -> Option<String> {
    let parts: Vec<&str> = [&s.device_name, &s.browser, &s.operating_system]
        .into_iter()
        .flatten()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn device_text(s: &Session) -> String {
    device(s).unwrap_or_else(|| "an unknown device".into())
}

/// The history of `detail`'s account with the journal's `entries` about it, oldest
/// first. A time that cannot be read is kept, placed last (its text is shown as sent).
pub fn of(detail: &UserDetail, entries: &[JournalEntry]) -> Vec<Event> {
    let mut events = Vec::new();
    if let Some(created) = &detail.user.created_at {
        events.push(Event {
            at: created.clone(),
            what: What::Created,
            text: format!("account {} created", detail.user.id),
            about: None,
        });
    }
    let mut sessions: Vec<&Session> = detail.sessions.iter().flat_map(|s| &s.all).collect();
    // As the events are ordered below: a time that cannot be read last.
    sessions.sort_by_key(|s| {
        let at = read_time(&s.created_at);
        (at.is_none(), at)
    });
    // The last country and device seen: a session without one changes neither.
    let mut last_country: Option<&str> = None;
    let mut last_device: Option<String> = None;
    for s in sessions {
        let place = s.place();
        let place = if place.is_empty() {
            "no place".into()
        } else {
            place
        };
        let address = s.ip_address.as_deref().unwrap_or("no address");
        let active = if s.active { ", active now" } else { "" };
        events.push(Event {
            at: s.created_at.clone(),
            what: What::SessionStarted,
            text: format!("{} from {address}, {place}{active}", device_text(s)),
            about: Some(s.id.clone()),
        });
        if let (Some(was), Some(now)) = (last_country, country(s))
            && !crate::signals::geo::same_country(was, now)
        {
            events.push(Event {
                at: s.created_at.clone(),
                what: What::CountryChanged,
                text: format!("{was} → {now}"),
                about: Some(s.id.clone()),
            });
        }
        last_country = country(s).or(last_country);
        if let (Some(was), Some(now)) = (&last_device, device(s))
            && !was.eq_ignore_ascii_case(&now)
        {
            events.push(Event {
                at: s.created_at.clone(),
                what: What::DeviceChanged,
                text: format!("{was} → {now}"),
                about: Some(s.id.clone()),
            });
        }
        last_device = device(s).or(last_device);
        // A last activity before its start is not one: the server's clock, not the user.
        let started = read_time(&s.created_at);
        let last = s.last_active_at.as_ref().filter(|l| {
            **l != s.created_at && read_time(l).zip(started).is_none_or(|(l, s)| l >= s)
        });
        if let Some(last) = last {
            events.push(Event {
                at: last.clone(),
                what: What::LastActive,
                text: format!("{} from {address}", device_text(s)),
                about: Some(s.id.clone()),
            });
        }
    }
    for entry in entries {
        events.push(Event {
            at: entry.time.clone(),
            what: What::Journal,
            text: journal_text(entry, &detail.user.id),
            about: Some(entry.entry.clone()),
        });
    }
    // Stable: a change stays after the session that made it.
    events.sort_by_key(|e| (read_time(&e.at).is_none(), read_time(&e.at)));
    with_gaps(events)
}

/// "block by ana (profile prod): succeeded; batch 3f…; undoes 9c…".
fn journal_text(entry: &JournalEntry, id: &str) -> String {
    let outcome = entry.outcome.as_ref().map_or("no outcome written", |o| {
        let has = |ids: &[String]| ids.iter().any(|i| i == id);
        if has(&o.succeeded) {
            "succeeded"
        } else if has(&o.failed) {
            "failed"
        } else if has(&o.unknown) {
            "unknown"
        } else if has(&o.not_sent) {
            "not sent"
        } else {
            "no outcome for it"
        }
    });
    let mut text = format!(
        "{} by {} (profile {}): {outcome}; batch {}",
        entry.action, entry.user, entry.profile, entry.entry
    );
    if let Some(before) = entry.before.get(id) {
        text.push_str(&format!("; it was {before}"));
    }
    if let Some(undone) = &entry.undo_of {
        text.push_str(&format!("; undoes {undone}"));
    }
    if let Some(reason) = &entry.reason {
        text.push_str(&format!("; why: {reason}"));
    }
    text
}

/// `events` with a gap between any two that lie [`GAP_DAYS`] or more apart.
fn with_gaps(events: Vec<Event>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    for event in events {
        let quiet = out
            .last()
            .and_then(|last| Some((read_time(&last.at)?, read_time(&event.at)?)))
            .map(|(from, to)| (to - from).whole_days())
            .filter(|&days| days >= GAP_DAYS);
        if let Some(days) = quiet {
            out.push(Event {
                at: out.last().map(|l| l.at.clone()).unwrap_or_default(),
                what: What::Gap,
                text: format!("nothing for {} days", thousands(days as u64)),
                about: None,
            });
        }
        out.push(event);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{SessionInfo, User};

    fn session(id: &str, at: &str, country: Option<&str>, device: Option<&str>) -> Session {
        Session {
            id: id.into(),
            session_id: id.into(),
            device_name: device.map(str::to_string),
            country: country.map(str::to_string),
            ..Session::seen("10.0.0.1", at)
        }
    }

    fn whats(sessions: Vec<Session>) -> Vec<(What, String)> {
        let detail = UserDetail {
            user: User {
                id: "u1".into(),
                created_at: Some("2026-01-01T00:00:00Z".into()),
                ..User::default()
            },
            sessions: Some(SessionInfo {
                total_logins: sessions.len() as i64,
                all: sessions,
                first: None,
                last: None,
            }),
            ..UserDetail::default()
        };
        of(&detail, &[])
            .into_iter()
            .map(|e| (e.what, e.text))
            .collect()
    }

    #[test]
    fn changes_skip_sessions_that_say_nothing_and_quiet_spells_are_gaps() {
        let events = whats(vec![
            session("a", "2026-01-02T00:00:00Z", Some("NL"), Some("Pixel 8")),
            // No country, no device: it changes neither.
            session("b", "2026-01-03T00:00:00Z", Some(""), None),
            session("c", "2026-01-04T00:00:00Z", Some("nl"), Some("pixel 8")),
            session(
                "d",
                "2026-03-01T00:00:00Z",
                Some("Japan"),
                Some("iPhone 15"),
            ),
        ]);
        let changes: Vec<&(What, String)> = events
            .iter()
            .filter(|(w, _)| matches!(w, What::CountryChanged | What::DeviceChanged))
            .collect();
        assert_eq!(
            changes,
            [
                &(What::CountryChanged, "nl → Japan".to_string()),
                &(What::DeviceChanged, "pixel 8 → iPhone 15".to_string()),
            ]
        );
        let gap = events.iter().find(|(w, _)| *w == What::Gap);
        assert_eq!(gap.map(|(_, t)| t.as_str()), Some("nothing for 56 days"));
    }

    #[test]
    fn a_time_that_cannot_be_read_comes_last() {
        let events = whats(vec![
            session("a", "yesterday", Some("NL"), Some("Pixel 8")),
            session("b", "2026-01-02T00:00:00Z", Some("NL"), Some("Pixel 8")),
        ]);
        let last = events.last().map(|(_, t)| t.as_str()).unwrap_or_default();
        assert!(last.starts_with("Pixel 8 from"), "{events:?}");
        assert_eq!(events.first().map(|e| e.0), Some(What::Created));
        // The unreadable one was ordered last before changes were found: none is.
        assert!(!events.iter().any(|(w, _)| *w == What::DeviceChanged));
    }
}
