//! The ring and the timeline end to end: the real binary against the embedded server's
//! demo ring (users 11 to 22, linked through three addresses, 13 and 17 blocked).

mod common;
#[path = "home/mod.rs"]
mod home;

use common::TestServer;
use home::Home;
use serde_json::Value;
use userdeck::dialect::Dialect;
use userdeck::server::cases;

fn ids(members: &Value) -> Vec<String> {
    let mut ids: Vec<String> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_ring_is_followed_to_its_depth_in_every_format() {
    let server = TestServer::start(Dialect::Crm, 60).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let ring: Vec<String> = (11..=22).map(|n| format!("usr_{n:08}")).collect();

    let json = home
        .run(&["users", "ring", cases::RING_START, "--format", "json"])
        .await;
    let json = json.expect(0).json();
    assert_eq!(json["depth"], 2);
    assert_eq!(json["cutShort"], false);
    assert_eq!(
        ids(&json["members"]),
        ring,
        "the whole ring at depth 2, no one else"
    );
    let members = json["members"].as_array().unwrap();
    assert_eq!(members[0]["id"], cases::RING_START, "the start first");
    assert_eq!(members[0]["depth"], 0);
    // As `users list` writes an account: the API's names and values.
    assert!(members[0]["username"].is_string() && members[0]["status"] == "ACTIVE");
    let blocked: Vec<&str> = members
        .iter()
        .filter(|m| m["status"] == "BLOCKED")
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(blocked.len(), 2, "{blocked:?}");
    // Reached through the account that shares both addresses.
    let far = members.iter().find(|m| m["id"] == "usr_00000020").unwrap();
    assert_eq!(
        (far["depth"].as_u64(), far["via"].as_str()),
        (Some(2), Some("usr_00000016"))
    );
    assert!(
        far["signals"].is_array(),
        "each member's signals read: {far}"
    );
    // Most shared first: user 16 is on the first two.
    let addresses: Vec<(&str, usize)> = json["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["address"].as_str().unwrap(),
                a["accounts"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        addresses,
        [
            ("203.0.113.20", 7),
            ("203.0.113.10", 6),
            ("203.0.113.30", 3)
        ]
    );

    // One step: the start and those on its address.
    let near = home
        .run(&[
            "users",
            "ring",
            cases::RING_START,
            "--depth",
            "1",
            "--format",
            "json",
        ])
        .await;
    assert_eq!(ids(&near.expect(0).json()["members"]), ring[..6]);

    let table = home.run(&["users", "ring", cases::RING_START]).await;
    let table = &table.expect(0).stdout;
    assert!(
        table.starts_with("ring of usr_00000011, depth 2: 12 accounts, 3 addresses\n"),
        "{table}"
    );
    let far = table
        .lines()
        .find(|l| l.starts_with("usr_00000020"))
        .unwrap();
    assert!(
        far.contains(" 2 ") && far.contains("usr_00000016"),
        "reached via 16: {table}"
    );
    assert!(
        table.contains("\n203.0.113.30 shared by 3: usr_00000012 usr_00000018 usr_00000021\n"),
        "{table}"
    );

    let csv = home
        .run(&["users", "ring", cases::RING_START, "--format", "csv"])
        .await;
    let csv = &csv.expect(0).stdout;
    assert_eq!(
        csv.lines().count(),
        13,
        "a header and a row an account: {csv}"
    );

    let dot = home
        .run(&["users", "ring", cases::RING_START, "--format", "dot"])
        .await;
    let dot = &dot.expect(0).stdout;
    assert!(
        dot.starts_with("graph ring {\n") && dot.ends_with("}\n"),
        "{dot}"
    );
    assert!(dot.contains("\"usr_00000013\" [label=") && dot.contains("fillcolor=lightcoral"));
    assert!(dot.contains("\"usr_00000011\" -- \""), "{dot}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ring_says_what_it_cannot_do() {
    let server = TestServer::start(Dialect::Crm, 60).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let missing = home.run(&["users", "ring", "usr_nobody"]).await;
    missing.expect(5);
    assert!(
        missing.stderr.contains("RESOURCE_NOT_FOUND"),
        "{}",
        missing.stderr
    );
    home.run(&["users", "ring", cases::RING_START, "--depth", "9"])
        .await
        .expect(2);
    server.stop().await;
    let training = TestServer::start(Dialect::Training, 5).await;
    let home = Home::new(&training, Dialect::Training, "");
    let refused = home
        .run(&["users", "ring", "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11"])
        .await;
    refused.expect(2);
    assert!(
        refused.stderr.contains("a ring is crm's"),
        "{}",
        refused.stderr
    );
    training.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timeline_interleaves_sessions_changes_and_the_journal() {
    let server = TestServer::start(Dialect::Crm, 60).await;
    let home = Home::new(&server, Dialect::Crm, "");
    home.run(&["users", "block", cases::NEW_DEVICE, "--yes"])
        .await
        .expect(0);
    let run = home
        .run(&["users", "timeline", cases::NEW_DEVICE, "--format", "json"])
        .await;
    let json = run.expect(0).json();
    let events = json["events"].as_array().unwrap();
    let what: Vec<&str> = events.iter().map(|e| e["what"].as_str().unwrap()).collect();
    assert_eq!(what.first(), Some(&"created"), "{what:?}");
    assert_eq!(what.iter().filter(|w| **w == "session-started").count(), 5);
    assert!(what.contains(&"gap"), "{what:?}");
    // The new device is marked where it came, and the block is the last thing.
    let changed = events
        .iter()
        .find(|e| e["what"] == "device-changed")
        .unwrap();
    assert!(
        changed["text"]
            .as_str()
            .unwrap()
            .ends_with("→ Galaxy S24 · Samsung Internet · Android 14"),
        "{changed}"
    );
    let last = events.last().unwrap();
    assert_eq!(last["what"], "journal", "{last}");
    assert!(
        last["text"].as_str().unwrap().starts_with("block by "),
        "{last}"
    );
    assert!(
        last["text"]
            .as_str()
            .unwrap()
            .contains(": succeeded; batch "),
        "{last}"
    );
    // Times in order.
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    let times: Vec<time::OffsetDateTime> = events
        .iter()
        .map(|e| time::OffsetDateTime::parse(e["at"].as_str().unwrap(), rfc3339).unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    let table = home.run(&["users", "timeline", cases::NEW_DEVICE]).await;
    assert!(
        table.expect(0).stdout.starts_with("TIME"),
        "{}",
        table.stdout
    );
    server.stop().await;
}
