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

/// What servers send for a country they do not know: no country at all.
const NO_COUNTRY: [&str; 10] = [
    "unknown", "?", "??", "-", "--", "n/a", "na", "none", "zz", "xx",
];

/// A session's country, unless it is missing, blank or a placeholder ("Unknown", "ZZ").
pub(crate) fn country(session: &Session) -> Option<&str> {
    let country = session.country.as_deref()?.trim();
    let placeholder = NO_COUNTRY.iter().any(|n| n.eq_ignore_ascii_case(country));
    (!country.is_empty() && !placeholder).then_some(country)
}

fn address(session: &Session) -> &str {
    session.ip_address.as_deref().unwrap_or("no address")
}

pub(crate) fn read_time(text: &str) -> Option<OffsetDateTime> {
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

/// One move between two sessions in two countries: how far, and in how long.
struct Move<'a> {
    from: &'a Timed<'a>,
    to: &'a Timed<'a>,
    km: f64,
    /// When the first was last seen before the second began (its start if never).
    left: OffsetDateTime,
    speed: f64,
}

fn impossible_travel(sessions: &[Timed], t: &Thresholds) -> Option<Signal> {
    // Only sessions whose country is placed, one after another: a session without a
    // place between two far ones does not hide the move.
    let mut placed: Vec<(&Timed, geo::Place)> = sessions
        .iter()
        .filter_map(|s| Some((s, geo::place(s.country()?)?)))
        .collect();
    placed.sort_by_key(|(s, _)| s.started);
    let fast: Vec<Move> = placed
        .windows(2)
        .filter_map(|pair| {
            let ((a, here), (b, there)) = (pair[0], pair[1]);
            if geo::same_country(a.country()?, b.country()?) {
                return None;
            }
            let km = km_between(here, there);
            if km < t.travel_min_km {
                return None;
            }
            let left = a.last.filter(|&l| l <= b.started).unwrap_or(a.started);
            let hours = (b.started - left).as_seconds_f64() / 3600.0;
            let speed = if hours > 0.0 {
                km / hours
            } else {
                f64::INFINITY
            };
            (speed > t.travel_kmh).then_some(Move {
                from: a,
                to: b,
                km,
                left,
                speed,
            })
        })
        .collect();
    let worst = fast.iter().max_by(|x, y| x.speed.total_cmp(&y.speed))?;
    let speed = if worst.speed.is_finite() {
        format!("{} km/h", thousands(worst.speed.round() as u64))
    } else {
        "at once".to_string()
    };
    let more = match fast.len() {
        1 => String::new(),
        n => format!("; {n} such moves in all"),
    };
    // Still active there when the second began: its last sight is not a departure.
    let seen = match worst.from.last {
        Some(last) if last > worst.to.started => "still active then".to_string(),
        _ => format!("last seen {}", when(worst.left)),
    };
    Some(Signal {
        kind: Kind::ImpossibleTravel,
        severity: Severity::High,
        why: format!(
            "{} ({}, {seen}) then {} ({}, {}): {} km in {} ({speed}){more}",
            worst.from.country().unwrap_or_default(),
            worst.from.address(),
            worst.to.country().unwrap_or_default(),
            worst.to.address(),
            when(worst.to.started),
            thousands(worst.km.round() as u64),
            span(worst.to.started - worst.left),
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

/// What of a session is "new" when first seen lately.
#[derive(Clone, Copy, PartialEq)]
enum Noted {
    Country,
    Device,
    Os,
    Browser,
}

impl Noted {
    const ALL: [Noted; 4] = [Noted::Country, Noted::Device, Noted::Os, Noted::Browser];

    fn name(self) -> &'static str {
        match self {
            Noted::Country => "country",
            Noted::Device => "device",
            Noted::Os => "OS",
            Noted::Browser => "browser",
        }
    }

    /// Its value in `session`, unless missing or blank.
    fn of(self, session: &Session) -> Option<&str> {
        let value = match self {
            Noted::Country => return country(session),
            Noted::Device => session.device_name.as_deref(),
            Noted::Os => session.operating_system.as_deref(),
            Noted::Browser => session.browser.as_deref(),
        };
        value.map(str::trim).filter(|v| !v.is_empty())
    }

    /// Whether two of its values are one (`NL` and `Netherlands`; any case).
    fn same(self, a: &str, b: &str) -> bool {
        match self {
            Noted::Country => geo::same_country(a, b),
            _ => a.trim().eq_ignore_ascii_case(b.trim()),
        }
    }
}

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
        let firsts: Vec<String> = Noted::ALL
            .into_iter()
            .filter_map(|what| {
                let v = what.of(s.session)?;
                let same = |other: &Timed| what.of(other.session).is_some_and(|o| what.same(o, v));
                let seen = older.iter().any(|o| same(o)) || lately[..n].iter().any(|o| same(o));
                new_country |= !seen && what == Noted::Country;
                (!seen).then(|| format!("{} {v}", what.name()))
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
        // The addresses when known (a ring's neighbours outside it come without them).
        .map(|o| match o.shared_ips.as_slice() {
            [] => o.user.name.clone(),
            ips => format!("{} ({})", o.user.name, ips.join(", ")),
        })
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
