//! Each signal's rule, over one account's answer. A session whose time cannot be read
//! or whose country is missing is left out of the rules that need it, never guessed.

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::geo::{self, km_between};
use super::{Kind, Severity, Signal, Thresholds};
use crate::api::model::{Session, Status, UserDetail};
use crate::text::thousands;

pub(super) fn all(detail: &UserDetail, now: OffsetDateTime, t: &Thresholds) -> Vec<Signal> {
    let sessions: Vec<&Session> = detail.sessions.iter().flat_map(|s| &s.all).collect();
    // The rules over time leave out a session whose time cannot be read.
    let timed: Vec<Timed> = sessions.iter().filter_map(|s| Timed::of(s)).collect();
    [
        two_countries(&sessions),
        impossible_travel(&timed, t),
        new_here(&timed, now, t),
        shares_with_blocked(detail, t),
        young_and_busy(detail, &sessions, now, t),
        unverified_active(detail, &sessions),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A session with its times read.
struct Timed<'a> {
    session: &'a Session,
    started: OffsetDateTime,
    /// Its last activity, when known and not before it started.
    last: Option<OffsetDateTime>,
}

impl<'a> Timed<'a> {
    fn of(session: &'a Session) -> Option<Timed<'a>> {
        let started = read_time(&session.created_at)?;
        let last = session.last_active_at.as_deref().and_then(read_time);
        Some(Timed {
            session,
            started,
            last: last.filter(|&l| l >= started),
        })
    }

    fn country(&self) -> Option<&'a str> {
        country(self.session)
    }

    fn address(&self) -> &'a str {
        address(self.session)
    }
}

/// A session's country, unless it is missing or blank.
fn country(session: &Session) -> Option<&str> {
    let country = session.country.as_deref()?.trim();
    (!country.is_empty()).then_some(country)
}

fn address(session: &Session) -> &str {
    session.ip_address.as_deref().unwrap_or("no address")
}

fn read_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).ok()
}

/// "2026-12-05 10:00 UTC".
fn when(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        at.month() as u8,
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// "a, b, c and 2 more".
fn listed(items: &[String], most: usize) -> String {
    match items.len() {
        n if n <= most => items.join(", "),
        n => format!("{} and {} more", items[..most].join(", "), n - most),
    }
}

fn two_countries(sessions: &[&Session]) -> Option<Signal> {
    // Each country once, with the addresses of its active sessions.
    let mut countries: Vec<(&str, Vec<&str>)> = Vec::new();
    for &s in sessions.iter().filter(|s| s.active) {
        let Some(country) = country(s) else { continue };
        match countries
            .iter_mut()
            .find(|(c, _)| geo::same_country(c, country))
        {
            Some((_, addresses)) => addresses.push(address(s)),
            None => countries.push((country, vec![address(s)])),
        }
    }
    (countries.len() >= 2).then(|| {
        let each: Vec<String> = countries
            .iter()
            .map(|(country, addresses)| format!("{country} ({})", addresses.join(", ")))
            .collect();
        Signal {
            kind: Kind::TwoCountries,
            severity: Severity::High,
            why: format!(
                "active sessions in {} countries now: {}",
                countries.len(),
                listed(&each, 4)
            ),
        }
    })
}

fn impossible_travel(sessions: &[Timed], t: &Thresholds) -> Option<Signal> {
    let mut by_start: Vec<&Timed> = sessions.iter().collect();
    by_start.sort_by_key(|s| s.started);
    // Each pair of sessions one after the other, in two countries far apart, with the
    // speed it took: from the first's last activity before the second began.
    let fast: Vec<(&Timed, &Timed, f64, Duration, f64)> = by_start
        .windows(2)
        .filter_map(|pair| {
            let (a, b) = (pair[0], pair[1]);
            let (from, to) = (a.country()?, b.country()?);
            if geo::same_country(from, to) {
                return None;
            }
            let km = km_between(geo::place(from)?, geo::place(to)?);
            if km < t.travel_min_km {
                return None;
            }
            let left = a.last.filter(|&l| l <= b.started).unwrap_or(a.started);
            let took = b.started - left;
            let hours = took.as_seconds_f64() / 3600.0;
            let speed = if hours > 0.0 {
                km / hours
            } else {
                f64::INFINITY
            };
            (speed > t.travel_kmh).then_some((a, b, km, took, speed))
        })
        .collect();
    let &(a, b, km, took, speed) = fast.iter().max_by(|x, y| x.4.total_cmp(&y.4))?;
    let speed = if speed.is_finite() {
        format!("{} km/h", thousands(speed.round() as u64))
    } else {
        "at once".to_string()
    };
    let more = match fast.len() {
        1 => String::new(),
        n => format!("; {} such moves in all", n),
    };
    Some(Signal {
        kind: Kind::ImpossibleTravel,
        severity: Severity::High,
        why: format!(
            "{} ({}, last seen {}) then {} ({}, {}): {} km in {} ({speed}){more}",
            a.country().unwrap_or_default(),
            a.address(),
            when(a.last.filter(|&l| l <= b.started).unwrap_or(a.started)),
            b.country().unwrap_or_default(),
            b.address(),
            when(b.started),
            thousands(km.round() as u64),
            span(took),
        ),
    })
}

/// "3 h 20 min", "45 min", "0 min".
fn span(took: Duration) -> String {
    let minutes = took.whole_minutes().max(0);
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// One thing about a session, read from it.
type Read = fn(&Session) -> Option<&str>;

/// What of a session is "new" when first seen lately.
const NOTED: [(&str, Read); 4] = [
    ("country", |s| s.country.as_deref()),
    ("device", |s| s.device_name.as_deref()),
    ("OS", |s| s.operating_system.as_deref()),
    ("browser", |s| s.browser.as_deref()),
];

fn new_here(sessions: &[Timed], now: OffsetDateTime, t: &Thresholds) -> Option<Signal> {
    let since = now - Duration::days(i64::from(t.new_days));
    let (older, lately): (Vec<&Timed>, Vec<&Timed>) =
        sessions.iter().partition(|s| s.started < since);
    if older.is_empty() {
        // Without older history, everything is new: nothing stands out.
        return None;
    }
    // Each session of late, with what it was the first to show.
    let mut lately = lately;
    lately.sort_by_key(|s| s.started);
    let mut new: Vec<String> = Vec::new();
    let mut new_country = false;
    for (n, s) in lately.iter().enumerate() {
        let firsts: Vec<String> = NOTED
            .iter()
            .filter_map(|&(what, value)| {
                let v = value(s.session).filter(|v| !v.trim().is_empty())?;
                let same = |other: &Timed| {
                    value(other.session).is_some_and(|o| match what {
                        "country" => geo::same_country(o, v),
                        _ => o.trim().eq_ignore_ascii_case(v.trim()),
                    })
                };
                let seen = older.iter().any(|o| same(o)) || lately[..n].iter().any(|o| same(o));
                new_country |= !seen && what == "country";
                (!seen).then(|| format!("{what} {v}"))
            })
            .collect();
        if !firsts.is_empty() {
            new.push(format!(
                "{} ({}, {})",
                firsts.join(", "),
                when(s.started),
                s.address()
            ));
        }
    }
    (!new.is_empty()).then(|| Signal {
        kind: Kind::NewHere,
        severity: if new_country {
            Severity::Medium
        } else {
            Severity::Low
        },
        why: format!(
            "first seen in the last {} days, on an account seen since {}: {}",
            t.new_days,
            older
                .iter()
                .map(|s| s.started)
                .min()
                .map(when)
                .unwrap_or_default(),
            listed(&new, 4)
        ),
    })
}

fn shares_with_blocked(detail: &UserDetail, t: &Thresholds) -> Option<Signal> {
    let overlaps = detail.overlaps.as_ref()?;
    let blocked: Vec<String> = overlaps
        .iter()
        .filter(|o| o.user.status == Status::Blocked)
        .map(|o| format!("{} ({})", o.user.name, o.shared_ips.join(", ")))
        .collect();
    if blocked.len() < t.blocked_neighbours as usize {
        return None;
    }
    Some(Signal {
        kind: Kind::SharesWithBlocked,
        // Half or more of its neighbours blocked: a ring more than a shared café.
        severity: if 2 * blocked.len() >= overlaps.len() {
            Severity::High
        } else {
            Severity::Medium
        },
        why: match (blocked.len(), overlaps.len()) {
            (_, 1) => format!(
                "the one account sharing its addresses is blocked: {}",
                listed(&blocked, 3)
            ),
            (k, n) => format!(
                "{k} of the {n} accounts sharing its addresses {} blocked: {}",
                if k == 1 { "is" } else { "are" },
                listed(&blocked, 3)
            ),
        },
    })
}

fn young_and_busy(
    detail: &UserDetail,
    sessions: &[&Session],
    now: OffsetDateTime,
    t: &Thresholds,
) -> Option<Signal> {
    let created = read_time(detail.user.created_at.as_deref()?)?;
    let age = now - created;
    if age.is_negative() || age > Duration::hours(i64::from(t.young_hours)) {
        return None;
    }
    let mut addresses: Vec<&str> = sessions
        .iter()
        .filter_map(|s| s.ip_address.as_deref())
        .filter(|a| !a.trim().is_empty())
        .collect();
    addresses.sort_unstable();
    addresses.dedup();
    (addresses.len() >= t.busy_addresses as usize).then(|| {
        let shown: Vec<String> = addresses.iter().map(|a| a.to_string()).collect();
        Signal {
            kind: Kind::YoungAndBusy,
            severity: Severity::Medium,
            why: format!(
                "created {} ago ({}), with sessions from {} addresses: {}",
                span(age),
                when(created),
                addresses.len(),
                listed(&shown, 4)
            ),
        }
    })
}

fn unverified_active(detail: &UserDetail, sessions: &[&Session]) -> Option<Signal> {
    if detail.user.verified != Some(false) {
        return None;
    }
    let active: Vec<String> = sessions
        .iter()
        .filter(|s| s.active)
        .map(|s| address(s).to_string())
        .collect();
    (!active.is_empty()).then(|| Signal {
        kind: Kind::UnverifiedActive,
        severity: Severity::Low,
        why: format!(
            "e-mail not verified, with {} active session{}: {}",
            active.len(),
            if active.len() == 1 { "" } else { "s" },
            listed(&active, 4)
        ),
    })
}
