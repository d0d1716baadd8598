//! Signals end to end: the real binary against the embedded server's demo cases (the
//! README's well-known ids), in every format, with a profile's own thresholds.

mod common;
#[path = "home/mod.rs"]
mod home;

use common::TestServer;
use home::Home;
use serde_json::Value;
use userdeck::dialect::Dialect;
use userdeck::server::cases;

/// The signals `users show ID --format json` gives, as (kind, severity, why).
async fn signals(home: &Home, id: &str) -> Vec<(String, String, String)> {
    let shown = home.run(&["users", "show", id, "--format", "json"]).await;
    let json = shown.expect(0).json();
    assert_eq!(
        json["user"]["id"],
        Value::from(id),
        "the API's record beside them"
    );
    json["signals"]
        .as_array()
        .expect("a list of signals, empty or not")
        .iter()
        .map(|s| {
            let text = |key: &str| s[key].as_str().unwrap_or_default().to_string();
            (text("kind"), text("severity"), text("why"))
        })
        .collect()
}

fn kinds(signals: &[(String, String, String)]) -> Vec<&str> {
    signals.iter().map(|(kind, _, _)| kind.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_demo_case_raises_its_signal_in_every_format() {
    let server = TestServer::start(Dialect::Crm, 60).await;
    let home = Home::new(&server, Dialect::Crm, "");

    let two = signals(&home, cases::TWO_COUNTRIES).await;
    assert_eq!(kinds(&two), ["two-countries"]);
    assert_eq!(two[0].1, "high");
    assert!(two[0].2.contains("Netherlands (203.0.113.81)"), "{two:?}");
    assert!(two[0].2.contains("Brazil (203.0.113.82)"), "{two:?}");

    let travel = signals(&home, cases::IMPOSSIBLE_TRAVEL).await;
    assert_eq!(kinds(&travel), ["impossible-travel"]);
    assert!(
        travel[0].2.contains("Japan (203.0.113.91") && travel[0].2.contains("then Germany"),
        "{travel:?}"
    );

    let new = signals(&home, cases::NEW_DEVICE).await;
    assert_eq!(kinds(&new), ["new-here"]);
    assert!(new[0].2.contains("device Galaxy S24"), "{new:?}");

    let ring = signals(&home, cases::RING_START).await;
    assert_eq!(kinds(&ring), ["shares-with-blocked"]);
    assert!(ring[0].2.starts_with("1 of the 5 accounts"), "{ring:?}");

    // A table for people: the signals first, then the fields.
    let table = home.run(&["users", "show", cases::TWO_COUNTRIES]).await;
    let first = table.expect(0).stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("signal  high: two-countries: "),
        "{first}"
    );
    // CSV: one cell of them, under "signals".
    let csv = home
        .run(&["users", "show", cases::IMPOSSIBLE_TRAVEL, "--format", "csv"])
        .await;
    let mut reader = csv::Reader::from_reader(csv.expect(0).stdout.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let at = headers
        .iter()
        .position(|h| h == "signals")
        .expect("a signals column");
    let row = reader.records().next().unwrap().unwrap();
    assert!(
        row[at].starts_with("high: impossible-travel: "),
        "{:?}",
        &row[at]
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_sets_its_own_thresholds_and_a_wrong_one_is_refused() {
    let server = TestServer::start(Dialect::Crm, 60).await;
    // Two blocked neighbours needed, and jets that fly 20,000 km/h.
    let home = Home::new(
        &server,
        Dialect::Crm,
        "[profiles.test.signals]\nblocked_neighbours = 2\ntravel_kmh = 20000\n",
    );
    assert_eq!(
        kinds(&signals(&home, cases::RING_START).await),
        [] as [&str; 0]
    );
    assert_eq!(
        kinds(&signals(&home, cases::IMPOSSIBLE_TRAVEL).await),
        [] as [&str; 0]
    );
    // An account with nothing to say says so.
    let quiet = home.run(&["users", "show", cases::RING_START]).await;
    assert!(
        quiet.expect(0).stdout.starts_with("signals: none\n"),
        "{}",
        quiet.stdout
    );

    let unknown = Home::new(
        &server,
        Dialect::Crm,
        "[profiles.test.signals]\nnew_dayz = 3\n",
    );
    let refused = unknown.run(&["users", "show", cases::RING_START]).await;
    refused.expect(1);
    assert!(refused.stderr.contains("new_dayz"), "{}", refused.stderr);
    let wrong = Home::new(
        &server,
        Dialect::Crm,
        "[profiles.test.signals]\ntravel_kmh = 0\n",
    );
    let refused = wrong.run(&["users", "show", cases::RING_START]).await;
    refused.expect(1);
    assert!(
        refused.stderr.contains("travel_kmh must be"),
        "{}",
        refused.stderr
    );
    server.stop().await;
}
