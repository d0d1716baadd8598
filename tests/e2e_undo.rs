//! The preview of a bulk action, undoing it from the dashboard, and the headless journal
//! and undo, end to end against the embedded server.

mod common;
mod pty;

use common::{TOKEN, TestServer};
use pty::{Dashboard, ONE_AT_A_TIME};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;

async fn status(server: &TestServer, id: &str) -> String {
    server.statuses(&[id.to_string()]).await.remove(0)
}

/// The binary run headless in the dashboard's home: same config, same journal.
fn headless(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::userdeck_in(home)
        .args(args)
        .env("USERDECK_TOKEN", TOKEN)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_preview_counts_real_changes_u_takes_them_back_and_so_does_headless_undo() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 30).await;
    let ids = server.ids(3).await;
    // Two active users and one blocked already.
    server
        .data(
            "mutation($a: [ID!]!, $b: [ID!]!) { activeUsers(ids: $a) blockUsers(ids: $b) }",
            json!({ "a": ids[..2], "b": ids[2..] }),
        )
        .await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 30");
    ui.keys("   ");
    ui.wait_text("3 selected");
    ui.keys("b");
    ui.wait_text("block 3 users: 2 active → blocked, 1 already blocked (unchanged)");
    ui.keys("y");
    ui.wait_text("block: 2 succeeded");
    assert_eq!(status(&server, &ids[0]).await, "BLOCKED");
    // u: the last batch, back as it was.
    ui.keys("u");
    ui.wait_text("undo block of 2 users: 2 blocked → active");
    ui.keys("y");
    ui.wait_text("activate: 2 succeeded");
    for id in &ids[..2] {
        assert_eq!(status(&server, id).await, "ACTIVE", "{id}");
    }
    assert_eq!(status(&server, &ids[2]).await, "BLOCKED", "never touched");
    // The newest batch is that undo: u names it, sends nothing, and never reaches for
    // the batch before it.
    ui.keys("u");
    ui.wait_text("not undone: the newest batch (activate of 2 users");
    // One more block, undone headless.
    ui.keys("g");
    ui.keys(" ");
    ui.wait_text("1 selected");
    ui.keys("b");
    ui.wait_text("block 1 user: 1 active → blocked");
    ui.keys("y");
    ui.wait_text("block: 1 succeeded");
    // In the journal, u plans the undo of the entry under the cursor: the newest.
    ui.keys(":journal\r");
    ui.wait_text(" ok · ");
    ui.keys("u");
    ui.wait_text("undo block of 1 user: 1 blocked → active");
    ui.keys("n");
    ui.wait_text("not undone: nothing was sent");
    ui.keys("q");
    let (exit, _, home) = ui.finish();
    assert!(exit.success());
    let home = home.path();

    let listed = headless(home, &["journal", "--format", "json"]);
    assert!(listed.status.success(), "{listed:?}");
    let journal: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let entries = journal["entries"].as_array().unwrap();
    assert_eq!(entries[0]["action"], "block");
    assert_eq!(entries[0]["ids"], json!([ids[0]]));
    assert_eq!(entries[0]["before"], json!({ ids[0].clone(): "active" }));
    assert_eq!(entries[1]["action"], "activate");
    assert_eq!(entries[1]["undoOf"], entries[2]["entry"]);
    let undone = headless(home, &["undo", "--yes"]);
    let stderr = String::from_utf8_lossy(&undone.stderr);
    assert!(undone.status.success(), "{stderr}");
    assert!(
        stderr.contains("undo block of 1 user: 1 blocked → active"),
        "{stderr}"
    );
    assert_eq!(status(&server, &ids[0]).await, "ACTIVE");
    let again = headless(home, &["undo", "--yes"]);
    assert_eq!(again.status.code(), Some(1), "the newest is an undo");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn u_in_the_dashboard_takes_the_newest_batch_even_when_its_outcomes_are_unknown() {
    // Issue #20, defect 1, in a real terminal: batch A answered, batch B's answers lost
    // (the server did block its users); `u` offered batch A's users.
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 60).await;
    let users = common::active_users(&server, 5).await;
    let (a, b) = users.split_at(2);
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 60");
    let journal = ui.home.path().join("state/userdeck/audit.jsonl");
    let answered = common::block_journalled(&server, &journal, "e2e", a, "").await;
    assert_eq!(answered.counts().succeeded, 2, "{answered:?}");
    let lost = "lose-answer,fail=1/1";
    let unknown = common::block_journalled(&server, &journal, "e2e", b, lost).await;
    assert_eq!(unknown.counts().unknown, 3, "{unknown:?}");
    ui.keys("u");
    ui.wait_text("undo block of 3 users: 3 blocked → active");
    ui.keys("y");
    ui.wait_text("activate: 3 succeeded");
    for id in b {
        assert_eq!(
            status(&server, id).await,
            "ACTIVE",
            "batch B went back: {id}"
        );
    }
    for id in a {
        assert_eq!(
            status(&server, id).await,
            "BLOCKED",
            "batch A untouched: {id}"
        );
    }
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn r_sends_again_what_the_server_refused_and_it_lands() {
    use userdeck::server::faults::FaultSpec;
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 10).await;
    let ids = server.ids(2).await;
    server
        .data(
            "mutation($a: [ID!]!) { activeUsers(ids: $a) }",
            json!({ "a": ids }),
        )
        .await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–10 of 10");
    ui.keys("  ");
    ui.wait_text("2 selected");
    // Every second request fails before it is applied: the block (after one reload)
    // is refused, and reading the two users back finds them not blocked: failed.
    let faults = server.server.faults();
    faults.set("fail=1/2".parse::<FaultSpec>().unwrap());
    ui.keys("r");
    faults.arrived(1).await;
    ui.wait_for("the reload shown", |s| !s.contains("page 1/1..."));
    ui.keys("b");
    ui.wait_text("block 2 users: 2 active → blocked");
    ui.keys("y");
    ui.wait_text("block: 0 succeeded, 2 failed");
    // Faults off before the test reads the server itself: the reload after the action
    // races it for the request counter.
    faults.set(FaultSpec::default());
    assert_eq!(status(&server, &ids[0]).await, "ACTIVE");
    ui.keys("R");
    ui.wait_text("block 2 users: 2 active → blocked");
    ui.keys("y");
    ui.wait_text("block: 2 succeeded");
    for id in &ids {
        assert_eq!(status(&server, id).await, "BLOCKED", "{id}");
    }
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}
