//! One account's history in time order: its creation, each session started and last
//! active (a change of country or device marked), long quiet spells shown as gaps, and
//! this machine's journal entries about it (who blocked or activated it, when, from
//! which batch) interleaved. Made from its `user(id)` answer and the journal alone.

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

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

fn read_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).ok()
}

fn device(s: &Session) -> String {
    let parts: Vec<&str> = [&s.device_name, &s.browser, &s.operating_system]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .filter(|p| !p.trim().is_empty())
        .collect();
    if parts.is_empty() {
        "an unknown device".into()
    } else {
        parts.join(" · ")
    }
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
    sessions.sort_by_key(|s| read_time(&s.created_at));
    let mut before: Option<&Session> = None;
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
            text: format!("{} from {address}, {place}{active}", device(s)),
            about: Some(s.id.clone()),
        });
        if let Some(previous) = before {
            let (was, now) = (previous.country.as_deref(), s.country.as_deref());
            if let (Some(was), Some(now)) = (was, now)
                && !crate::signals::geo::same_country(was, now)
            {
                events.push(Event {
                    at: s.created_at.clone(),
                    what: What::CountryChanged,
                    text: format!("{was} → {now}"),
                    about: Some(s.id.clone()),
                });
            }
            if device(previous) != device(s) {
                events.push(Event {
                    at: s.created_at.clone(),
                    what: What::DeviceChanged,
                    text: format!("{} → {}", device(previous), device(s)),
                    about: Some(s.id.clone()),
                });
            }
        }
        if let Some(last) = s.last_active_at.as_ref().filter(|&l| *l != s.created_at) {
            events.push(Event {
                at: last.clone(),
                what: What::LastActive,
                text: format!("{} from {address}", device(s)),
                about: Some(s.id.clone()),
            });
        }
        before = Some(s);
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
