//! `:watch` end to end (issue #24): the binary in a pseudo-terminal reads the screen again
//! while another client changes the server's users; what changed is marked, the watched
//! account's news is said, and nothing is drawn for reads that found all as it was.

mod common;
mod pty;

use std::time::Duration;

use common::TestServer;
use pty::{Dashboard, ONE_AT_A_TIME};
use serde_json::json;
use userdeck::dialect::Dialect;

const BLOCK: &str = "mutation($ids: [ID!]!) { blockUsers(ids: $ids) }";

/// The ids of the table's rows, top to bottom, and whether each is active.
fn row_ids(screen: &str) -> Vec<(String, bool)> {
    screen
        .lines()
        .filter_map(|line| {
            let id = line.split_whitespace().find(|w| w.starts_with("usr_"))?;
            Some((id.to_string(), line.contains(" active ")))
        })
        .collect()
}

/// The table's line of user `id` (left of the pane, if one is open).
fn row_of(screen: &str, id: &str) -> Option<String> {
    screen
        .lines()
        .map(|l| l.split('│').next().unwrap_or(l))
        .find(|l| l.contains(id))
        .map(str::to_string)
}

/// Waits, without spinning, until the server has answered `more` requests beyond now.
async fn requests(server: &TestServer, more: u64) {
    let faults = server.server.faults();
    let until = faults.arrivals() + more;
    tokio::time::timeout(Duration::from_secs(30), faults.arrived(until))
        .await
        .expect("the watch's reads reach the server");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_watch_marks_what_another_client_changed_and_draws_nothing_else() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 60).await;
    let mut ui = Dashboard::sized(
        &server.url,
        Dialect::Crm,
        &[],
        "",
        &[],
        (160, 30),
        "watch_secs = 2\n",
    );
    let screen = ui.wait_text("rows 1–");
    let rows = row_ids(&screen);
    let ids: Vec<String> = rows.iter().map(|(id, _)| id.clone()).collect();
    // Two active users: the first is changed by someone else, the cursor goes on the
    // second (its account is opened later).
    let active: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].1).collect();
    let (changed, opened) = (&ids[active[0]], &ids[active[1]]);
    ui.keys(&"j".repeat(active[1]));
    ui.keys(":watch\r");
    ui.wait_text("watching every 2 s: +0 new, ~0 changed on this page");
    server.gql(BLOCK, json!({ "ids": [changed] })).await;
    let marked = ui.wait_for("the changed row marked", |s| {
        row_of(s, changed).is_some_and(|r| r.starts_with(" ~") && r.contains("blocked"))
    });
    assert!(marked.contains("~1 changed on this page"), "{marked}");
    // Nothing else marked: the other rows are as they were.
    for id in ids.iter().filter(|id| *id != changed) {
        let row = row_of(&marked, id).unwrap();
        assert!(row.starts_with("  "), "{row}");
    }
    // Reads that find all as it was draw nothing: not a byte while three come and go.
    requests(&server, 1).await;
    let from = ui.written();
    requests(&server, 3).await;
    assert_eq!(ui.written(), from, "drawn while nothing changed");
    // The cursor is where the operator left it: Enter opens that row's account.
    ui.keys("\r");
    ui.wait_for("the account under the cursor", |s| {
        s.lines()
            .any(|l| l.contains("│id ") && l.contains(opened.as_str()))
    });
    // Its status changed by someone else: said in the footer.
    server.gql(BLOCK, json!({ "ids": [opened] })).await;
    let said = ui.wait_text(&format!("watch: {opened}: status active → blocked"));
    // Its row says so too, marked, before the page is read again.
    let row = row_of(&said, opened).unwrap();
    assert!(row.starts_with(" ~") && row.contains("blocked"), "{row}");
    // Esc dismisses the news first; the pane stays open.
    ui.keys("\x1b");
    ui.wait_for("the news dismissed, the pane open", |s| {
        !s.contains("watch: usr_") && s.lines().any(|l| l.contains("│id "))
    });
    ui.keys(":watch off\r");
    let stopped = ui.wait_text("watch stopped");
    assert!(!stopped.contains("watching every"), "{stopped}");
    ui.keys("q");
    assert!(ui.exit().0.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_watch_on_training_marks_a_user_created_meanwhile_as_new() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 40).await;
    let mut ui = Dashboard::sized(&server.url, Dialect::Training, &[], "", &[], (160, 30), "");
    ui.wait_text("rows 1–");
    ui.keys(":watch 2\r");
    ui.wait_text("watching every 2 s: +0 new");
    let made = server
        .gql(
            r#"mutation { createUser(sendInvite: false, user: { email: "aaa.watch@example.com", name: "Aaa Watch", roles: [TRAINER] }) { user { id } } }"#,
            json!({}),
        )
        .await;
    assert!(made["errors"].is_null(), "{made}");
    let screen = ui.wait_for("the new user marked", |s| {
        row_of(s, "Aaa Watch").is_some_and(|r| r.starts_with(" +"))
    });
    assert!(screen.contains("+1 new"), "{screen}");
    ui.keys("q");
    assert!(ui.exit().0.success());
}
