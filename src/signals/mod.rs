//! Signals: what an account's own `user(id)` answer says an on-call operator should look
//! at first (two countries at once, travel no plane could make, something new, blocked
//! neighbours, a young and busy account). Each is computed from that answer alone — no
//! request of its own — and says why, naming its evidence, so the operator can check it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::api::model::UserDetail;

pub mod geo;
mod rules;
pub(crate) use rules::{country, read_time};
#[cfg(test)]
mod tests;

/// How much a signal asks for attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// What a signal found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Active sessions whose countries differ.
    TwoCountries,
    /// Consecutive sessions further apart than a plane could go in the time between.
    ImpossibleTravel,
    /// A device, OS, browser or country first seen lately, on an account with older history.
    NewHere,
    /// Some of the accounts sharing an address with it are blocked.
    SharesWithBlocked,
    /// Created lately, with sessions from many addresses.
    YoungAndBusy,
    /// Its e-mail is not verified, yet it has active sessions.
    UnverifiedActive,
}

impl Kind {
    /// The signal's name, as JSON and the config call it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::TwoCountries => "two-countries",
            Kind::ImpossibleTravel => "impossible-travel",
            Kind::NewHere => "new-here",
            Kind::SharesWithBlocked => "shares-with-blocked",
            Kind::YoungAndBusy => "young-and-busy",
            Kind::UnverifiedActive => "unverified-active",
        }
    }
}

/// One signal on one account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    pub kind: Kind,
    pub severity: Severity,
    /// One line naming the evidence: sessions, places, times, accounts. Holds the
    /// server's text: sanitize before printing.
    pub why: String,
}

impl Signal {
    /// "high two-countries": the signal in a few words, as a ring's lists give it.
    pub fn short(&self) -> String {
        format!("{} {}", self.severity.name(), self.kind.name())
    }

    /// "high: two-countries: why": the line `users show` and its CSV cell write.
    pub fn line(&self) -> String {
        format!(
            "{}: {}: {}",
            self.severity.name(),
            self.kind.name(),
            self.why
        )
    }
}

/// When a signal is raised: each profile may set its own (`[profiles.X.signals]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// New here: first seen within this many days, on an account with older sessions.
    pub new_days: u32,
    /// Impossible travel: faster than this many km/h between two sessions' countries.
    pub travel_kmh: f64,
    /// Impossible travel: countries whose middles lie closer than this many km are never
    /// flagged (a country is a rough place: neighbours' borders are near).
    pub travel_min_km: f64,
    /// Young and busy: created within this many hours…
    pub young_hours: u32,
    /// …with sessions from at least this many addresses.
    pub busy_addresses: u32,
    /// Shares addresses with blocked accounts: at least this many of them blocked.
    pub blocked_neighbours: u32,
}

/// The keys of `[profiles.X.signals]` (serde refuses others too; this list gives the hint).
pub const KEYS: [&str; 6] = [
    "new_days",
    "travel_kmh",
    "travel_min_km",
    "young_hours",
    "busy_addresses",
    "blocked_neighbours",
];

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            new_days: 7,
            travel_kmh: 1000.0,
            travel_min_km: 500.0,
            young_hours: 48,
            busy_addresses: 3,
            blocked_neighbours: 1,
        }
    }
}

impl Thresholds {
    pub fn is_default(&self) -> bool {
        *self == Thresholds::default()
    }

    /// What is wrong with these thresholds, said as the config file names them.
    pub fn check(&self) -> Result<(), String> {
        if !(self.travel_kmh.is_finite() && self.travel_kmh > 0.0) {
            return Err(format!(
                "travel_kmh must be a speed above 0 km/h, not {}",
                self.travel_kmh
            ));
        }
        if !(self.travel_min_km.is_finite() && self.travel_min_km >= 0.0) {
            return Err(format!(
                "travel_min_km must be 0 km or more, not {}",
                self.travel_min_km
            ));
        }
        if self.busy_addresses == 0 || self.blocked_neighbours == 0 {
            return Err("busy_addresses and blocked_neighbours start at 1, not 0".into());
        }
        Ok(())
    }
}

/// The most severe of `signals` (None: there are none).
pub fn worst(signals: &[Signal]) -> Option<Severity> {
    signals.iter().map(|s| s.severity).max()
}

/// Marks `detail` with its signals as of this moment.
pub fn mark(detail: &mut UserDetail, thresholds: &Thresholds) {
    detail.signals = of(detail, OffsetDateTime::now_utc(), thresholds);
}

/// The signals on `detail`'s account at `now`, the most severe first.
pub fn of(detail: &UserDetail, now: OffsetDateTime, thresholds: &Thresholds) -> Vec<Signal> {
    let mut signals = rules::all(detail, now, thresholds);
    signals.sort_by_key(|s| std::cmp::Reverse(s.severity));
    signals
}
