use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::api::model::{Overlap, Session, SessionInfo, Status, User};

const NOW: OffsetDateTime = datetime!(2026-12-06 12:00 UTC);

/// A session from `ip` in `country`, started `at` (RFC 3339), active or not.
fn session(ip: &str, country: Option<&str>, at: &str, active: bool) -> Session {
    Session {
        id: format!("s-{ip}-{at}"),
        session_id: ip.into(),
        device_name: Some("Pixel 8".into()),
        device_type: Some("phone".into()),
        browser: Some("Chrome".into()),
        operating_system: Some("Android".into()),
        ip_address: Some(ip.into()),
        country: country.map(str::to_string),
        region: None,
        city: None,
        active,
        created_at: at.into(),
        updated_at: at.into(),
        last_active_at: None,
    }
}

fn account(sessions: Vec<Session>) -> UserDetail {
    UserDetail {
        user: User {
            id: "u1".into(),
            name: "ana".into(),
            created_at: Some("2025-01-01T00:00:00.000Z".into()),
            verified: Some(true),
            ..User::default()
        },
        sessions: Some(SessionInfo {
            total_logins: sessions.len() as i64,
            all: sessions,
            first: None,
            last: None,
        }),
        overlaps: Some(Vec::new()),
        ..UserDetail::default()
    }
}

fn kinds(detail: &UserDetail) -> Vec<Kind> {
    of(detail, NOW, &Thresholds::default())
        .iter()
        .map(|s| s.kind)
        .collect()
}

fn found(detail: &UserDetail, kind: Kind) -> Signal {
    of(detail, NOW, &Thresholds::default())
        .into_iter()
        .find(|s| s.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {:?}", kinds(detail)))
}

#[test]
fn no_sessions_and_one_session_raise_nothing() {
    assert_eq!(kinds(&account(Vec::new())), []);
    let one = session("10.0.0.1", Some("NL"), "2026-12-06T10:00:00Z", true);
    assert_eq!(kinds(&account(vec![one])), []);
    // No sessions read at all (training): nothing to say.
    let mut none = account(Vec::new());
    none.sessions = None;
    none.overlaps = None;
    assert_eq!(kinds(&none), []);
}

#[test]
fn two_countries_at_once_are_high_and_named_with_their_addresses() {
    let detail = account(vec![
        session(
            "10.0.0.1",
            Some("Netherlands"),
            "2026-12-01T10:00:00Z",
            true,
        ),
        session("10.0.0.2", Some("NL"), "2026-11-01T10:00:00Z", true),
        session("200.1.1.1", Some("Brazil"), "2026-12-06T10:00:00Z", true),
        // Not active: not "at once".
        session("1.1.1.1", Some("Japan"), "2026-12-06T11:00:00Z", false),
    ]);
    let s = found(&detail, Kind::TwoCountries);
    assert_eq!(s.severity, Severity::High);
    assert!(s.why.contains("2 countries"), "{}", s.why);
    assert!(
        s.why.contains("Netherlands (10.0.0.1, 10.0.0.2)"),
        "{}",
        s.why
    );
    assert!(s.why.contains("Brazil (200.1.1.1)"), "{}", s.why);
    assert!(!s.why.contains("Japan"));
    // The same country spelled two ways, or a missing one, is not two countries.
    let detail = account(vec![
        session(
            "10.0.0.1",
            Some("Netherlands"),
            "2026-12-01T10:00:00Z",
            true,
        ),
        session("10.0.0.2", Some(" nl "), "2026-12-02T10:00:00Z", true),
        session("10.0.0.3", None, "2026-12-03T10:00:00Z", true),
        session("10.0.0.4", Some(""), "2026-12-03T10:00:00Z", true),
    ]);
    assert!(!kinds(&detail).contains(&Kind::TwoCountries));
}

#[test]
fn travel_faster_than_a_plane_is_impossible() {
    let mut from = session("10.0.0.1", Some("NL"), "2026-12-05T08:00:00Z", false);
    from.last_active_at = Some("2026-12-05T10:00:00Z".into());
    let to = session("200.1.1.1", Some("Brazil"), "2026-12-05T11:00:00Z", false);
    let s = found(
        &account(vec![to.clone(), from.clone()]),
        Kind::ImpossibleTravel,
    );
    assert_eq!(s.severity, Severity::High);
    // From the first's last activity (10:00), not its start: 1 h for some 9,500 km.
    assert!(s.why.contains("in 1 h"), "{}", s.why);
    assert!(s.why.contains("NL (10.0.0.1"), "{}", s.why);
    assert!(
        s.why.contains("Brazil (200.1.1.1, 2026-12-05 11:00 UTC)"),
        "{}",
        s.why
    );
    // A day later is a flight, not a signal.
    let later = session("200.1.1.1", Some("Brazil"), "2026-12-06T11:00:00Z", false);
    assert!(!kinds(&account(vec![from.clone(), later])).contains(&Kind::ImpossibleTravel));
}

#[test]
fn a_session_without_a_place_between_two_far_ones_does_not_hide_the_move() {
    let detail = account(vec![
        session("10.0.0.1", Some("NL"), "2026-12-05T08:00:00Z", false),
        session("10.0.0.2", None, "2026-12-05T08:30:00Z", false),
        session("10.0.0.3", Some("Unknown"), "2026-12-05T08:40:00Z", false),
        session("10.0.0.4", Some("JP"), "2026-12-05T09:00:00Z", false),
    ]);
    let s = found(&detail, Kind::ImpossibleTravel);
    assert!(
        s.why.starts_with("NL (10.0.0.1") && s.why.contains("then JP (10.0.0.4"),
        "{}",
        s.why
    );
    // A placeholder is no country: active in "Unknown" and NL is one country.
    let detail = account(vec![
        session("10.0.0.1", Some("NL"), "2026-12-05T08:00:00Z", true),
        session("10.0.0.2", Some("unknown"), "2026-12-05T08:30:00Z", true),
        session("10.0.0.3", Some("ZZ"), "2026-12-05T08:40:00Z", true),
    ]);
    assert!(!kinds(&detail).contains(&Kind::TwoCountries));
}

#[test]
fn a_first_session_still_active_when_the_second_began_is_said_so() {
    let mut from = session("10.0.0.1", Some("NL"), "2026-12-05T08:00:00Z", true);
    from.last_active_at = Some("2026-12-05T12:00:00Z".into());
    let to = session("10.0.0.2", Some("JP"), "2026-12-05T09:00:00Z", true);
    let s = found(&account(vec![from, to]), Kind::ImpossibleTravel);
    assert!(
        s.why.contains("NL (10.0.0.1, still active then)"),
        "{}",
        s.why
    );
    assert!(s.why.contains("in 1 h"), "from its start: {}", s.why);
}

#[test]
fn equal_times_unknown_countries_and_neighbours() {
    let at = "2026-12-05T08:00:00Z";
    // Two far countries at the same instant: no time at all.
    let same_time = account(vec![
        session("10.0.0.1", Some("NL"), at, false),
        session("10.0.0.2", Some("Japan"), at, false),
    ]);
    assert!(
        found(&same_time, Kind::ImpossibleTravel)
            .why
            .contains("at once")
    );
    // A country the table lacks is not placed: nothing is guessed.
    let unknown = account(vec![
        session("10.0.0.1", Some("NL"), at, false),
        session("10.0.0.2", Some("Atlantis"), at, false),
    ]);
    assert!(!kinds(&unknown).contains(&Kind::ImpossibleTravel));
    // Neighbours lie closer than a country's roughness: never flagged.
    let neighbours = account(vec![
        session("10.0.0.1", Some("NL"), at, false),
        session("10.0.0.2", Some("BE"), at, false),
    ]);
    assert!(!kinds(&neighbours).contains(&Kind::ImpossibleTravel));
    // A time that cannot be read leaves its session out of the rules over time.
    let unreadable = account(vec![
        session("10.0.0.1", Some("NL"), "yesterday", false),
        session("10.0.0.2", Some("Japan"), at, false),
    ]);
    assert!(!kinds(&unreadable).contains(&Kind::ImpossibleTravel));
}

#[test]
fn something_first_seen_lately_is_new_only_on_an_account_with_history() {
    let old = session("10.0.0.1", Some("NL"), "2026-10-01T08:00:00Z", false);
    let mut new = session("10.0.0.2", Some("NL"), "2026-12-05T08:00:00Z", true);
    new.browser = Some("Firefox".into());
    let s = found(&account(vec![old.clone(), new.clone()]), Kind::NewHere);
    assert_eq!(s.severity, Severity::Low);
    assert!(
        s.why
            .contains("browser Firefox (2026-12-05 08:00 UTC, 10.0.0.2)"),
        "{}",
        s.why
    );
    assert!(!s.why.contains("country"), "{}", s.why);
    // A new country asks for more attention.
    new.country = Some("Germany".into());
    let s = found(&account(vec![old.clone(), new.clone()]), Kind::NewHere);
    assert_eq!(s.severity, Severity::Medium);
    // Without older history, nothing stands out.
    assert!(!kinds(&account(vec![new])).contains(&Kind::NewHere));
    // The same browser in another case is not new.
    let mut same = session("10.0.0.3", Some("nl"), "2026-12-05T08:00:00Z", true);
    same.browser = Some("chrome".into());
    assert!(!kinds(&account(vec![old, same])).contains(&Kind::NewHere));
}

fn neighbour(id: &str, status: Status) -> Overlap {
    Overlap {
        user: User {
            id: id.into(),
            name: format!("user {id}"),
            status,
            ..User::default()
        },
        shared_ips: vec!["10.9.9.9".into()],
        last_seen: Default::default(),
    }
}

#[test]
fn blocked_neighbours_are_counted_and_named() {
    let mut detail = account(Vec::new());
    detail.overlaps = Some(vec![
        neighbour("a", Status::Blocked),
        neighbour("b", Status::Active),
        neighbour("c", Status::Active),
    ]);
    let s = found(&detail, Kind::SharesWithBlocked);
    assert_eq!(s.severity, Severity::Medium);
    assert!(s.why.starts_with("1 of the 3 accounts"), "{}", s.why);
    assert!(s.why.contains("user a (10.9.9.9)"), "{}", s.why);
    detail.overlaps = Some(vec![
        neighbour("a", Status::Blocked),
        neighbour("b", Status::Blocked),
    ]);
    assert_eq!(
        found(&detail, Kind::SharesWithBlocked).severity,
        Severity::High
    );
    // The threshold is the profile's.
    let strict = Thresholds {
        blocked_neighbours: 3,
        ..Thresholds::default()
    };
    assert!(of(&detail, NOW, &strict).is_empty());
}

#[test]
fn a_young_account_from_many_addresses_and_an_unverified_active_one() {
    let mut detail = account(vec![
        session("10.0.0.1", None, "2026-12-06T01:00:00Z", true),
        session("10.0.0.2", None, "2026-12-06T02:00:00Z", false),
        session("10.0.0.3", None, "2026-12-06T03:00:00Z", false),
        session("10.0.0.3", None, "2026-12-06T04:00:00Z", false),
    ]);
    detail.user.created_at = Some("2026-12-06T00:00:00Z".into());
    detail.user.verified = Some(false);
    let s = found(&detail, Kind::YoungAndBusy);
    assert!(s.why.contains("created 12 h ago"), "{}", s.why);
    assert!(s.why.contains("3 addresses"), "{}", s.why);
    let s = found(&detail, Kind::UnverifiedActive);
    assert!(s.why.contains("1 active session: 10.0.0.1"), "{}", s.why);
    // Older than the threshold, or created in the future: not young.
    detail.user.created_at = Some("2026-12-01T00:00:00Z".into());
    assert!(!kinds(&detail).contains(&Kind::YoungAndBusy));
    detail.user.created_at = Some("2027-01-01T00:00:00Z".into());
    assert!(!kinds(&detail).contains(&Kind::YoungAndBusy));
}

#[test]
fn the_most_severe_come_first_and_thresholds_are_checked() {
    let mut detail = account(vec![
        session("10.0.0.1", Some("NL"), "2026-12-06T01:00:00Z", true),
        session("10.0.0.2", Some("JP"), "2026-12-06T02:00:00Z", true),
    ]);
    detail.user.verified = Some(false);
    let severities: Vec<Severity> = of(&detail, NOW, &Thresholds::default())
        .iter()
        .map(|s| s.severity)
        .collect();
    assert!(severities.len() >= 3);
    assert!(
        severities.windows(2).all(|w| w[0] >= w[1]),
        "{severities:?}"
    );
    assert!(Thresholds::default().check().is_ok());
    let bad = Thresholds {
        travel_kmh: 0.0,
        ..Thresholds::default()
    };
    assert!(bad.check().unwrap_err().contains("travel_kmh must be"));
}
