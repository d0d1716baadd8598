//! Undo in a real terminal where it refuses or leaves users alone: a pending user, a user
//! changed behind userdeck's back, a batch already undone, another server's batch — and
//! undoing a training archive. The real binary against the embedded server.

mod common;
mod pty;

use common::{TOKEN, TestServer};
use pty::{Dashboard, ONE_AT_A_TIME};
use serde_json::json;
use userdeck::dialect::Dialect;

/// The rows (0-based, in the dashboard's first page) of the first user of each status.
async fn first_of(server: &TestServer, wanted: &[&str]) -> Vec<(usize, String)> {
    let ids = server.ids(20).await;
    let statuses = server.statuses(&ids).await;
    wanted
        .iter()
        .map(|w| {
            let at = statuses.iter().position(|s| s == w).expect(w);
            (at, ids[at].clone())
        })
        .collect()
}

/// Keys that select the rows `rows` (ascending) of the page, from its first row.
fn select_rows(rows: &[usize]) -> String {
    let mut keys = String::from("g");
    let mut at = 0;
    for &row in rows {
        keys.push_str(&"j".repeat(row - at));
        keys.push(' ');
        at = row + 1;
    }
    keys
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_leaves_pending_alone_and_refuses_changed_undone_and_other_servers_batches() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 40).await;
    let other = TestServer::start(Dialect::Crm, 5).await;
    let chosen = first_of(&server, &["ACTIVE", "PENDING"]).await;
    let (active, pending) = (chosen[0].1.clone(), chosen[1].1.clone());
    let mut rows = [chosen[0].0, chosen[1].0];
    rows.sort();

    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 40");
    ui.keys(&select_rows(&rows));
    ui.wait_text("2 selected");
    ui.keys("b");
    ui.wait_text("block 2 users: 1 active → blocked, 1 pending → blocked");
    ui.keys("y");
    ui.wait_text("block: 2 succeeded");

    // The pending user cannot go back: the plan says so, per id.
    ui.keys("u");
    let plan = ui.wait_text("undo block of 2 users: 1 blocked → active; 1 left alone");
    assert!(
        plan.contains(&format!(
            "left alone: {pending} — was pending: the API cannot"
        )),
        "{plan}"
    );
    ui.keys("n");
    ui.wait_text("not undone: nothing was sent");

    // Changed behind userdeck's back: refused, naming the user.
    server
        .data(
            "mutation($ids: [ID!]!) { activeUsers(ids: $ids) }",
            json!({ "ids": [active] }),
        )
        .await;
    ui.keys("u");
    ui.wait_text("users changed since, nothing was undone");
    ui.wait_text(&format!("{active} is active now"));
    server
        .data(
            "mutation($ids: [ID!]!) { blockUsers(ids: $ids) }",
            json!({ "ids": [active] }),
        )
        .await;

    // Another server's batch, journalled by a script in the same home.
    let home = ui.home.path().to_path_buf();
    let script = common::userdeck_in(&home)
        .args([
            "--endpoint",
            &other.url,
            "users",
            "block",
            "usr_00000001",
            "--yes",
        ])
        .env("USERDECK_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(script.status.success(), "{script:?}");
    ui.keys(":journal\r");
    // Read: its entries show how each went.
    ui.wait_text(" ok · ");
    ui.keys("gu");
    // What to do comes first, then where it went: a status line may cut the rest.
    ui.wait_text("not undone: undo it there: entry");
    ui.wait_text(&format!("was sent to {} (profile", other.url));

    // u outside the journal takes this server's batch: the active user goes back.
    ui.keys("u");
    ui.wait_text("undo block of 2 users: 1 blocked → active; 1 left alone");
    ui.keys("y");
    ui.wait_text("activate: 1 succeeded");
    assert_eq!(
        server.statuses(&[active.clone(), pending.clone()]).await,
        ["ACTIVE", "BLOCKED"]
    );

    // The same batch again, from the journal: already undone.
    ui.keys(":journal\r");
    ui.wait_text("undo of");
    // Newest first: the undo, the other server's block, then the batch undone.
    ui.keys("gjju");
    ui.wait_text("already undone, at");
    assert_eq!(
        server.statuses(&[active, pending]).await,
        ["ACTIVE", "BLOCKED"],
        "nothing sent"
    );
    ui.keys("q");
    assert!(ui.exit().0.success());
    other.stop().await;
    server.stop().await;
}

/// How many training users are archived on the server.
async fn archived_count(server: &TestServer) -> usize {
    server.data("{ users { archivedAt } }", json!({})).await["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| !u["archivedAt"].is_null())
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn u_takes_a_training_archive_back() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 30).await;
    let mut ui = Dashboard::start(&server, Dialect::Training);
    ui.wait_text("rows 1–20 of 30");
    ui.keys(":filter_clear\r");
    // The status filter on active: every row shown is one the archive changes.
    ui.keys("f");
    ui.wait_text("status active");
    ui.wait_for("the active users listed", |s| {
        !s.contains("status active...")
    });
    ui.keys("  ");
    ui.wait_text("2 selected");
    ui.keys("x");
    ui.wait_text("archive 2 users: 2 active → archived");
    ui.keys("y");
    ui.wait_text("archive: 2 succeeded");
    let archived = archived_count(&server).await;
    ui.keys("u");
    // Each gets back the status it had (here: active), not merely "not archived".
    ui.wait_text("undo archive of 2 users: 2 archived → as before (2 active)");
    ui.keys("y");
    ui.wait_text("unarchive: 2 succeeded");
    let after = archived_count(&server).await;
    assert_eq!(after, archived - 2, "the two are not archived any more");
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

/// How many training users are active, inactive and archived on the server.
async fn by_status(server: &TestServer) -> (usize, usize, usize) {
    let users = server
        .data("{ users { isActive archivedAt } }", json!({}))
        .await;
    let mut counts = (0, 0, 0);
    for user in users["users"].as_array().unwrap() {
        match (user["archivedAt"].is_null(), user["isActive"] == true) {
            (false, _) => counts.2 += 1,
            (true, true) => counts.0 += 1,
            (true, false) => counts.1 += 1,
        }
    }
    counts
}

#[tokio::test(flavor = "multi_thread")]
async fn u_gives_an_archived_inactive_user_back_inactive() {
    // Issue #20, defect 2: `x`, `y`, `u`, `y` on an inactive user left it active.
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 60).await;
    let first = by_status(&server).await;
    let mut ui = Dashboard::start(&server, Dialect::Training);
    // One in twenty generated users is inactive: 60 hold some.
    ui.wait_text("rows 1–20 of 60");
    ui.keys(":filter_clear\r");
    ui.keys("f");
    ui.wait_text("status active");
    ui.keys("f");
    ui.wait_text("status inactive");
    ui.wait_for("the inactive users listed", |s| {
        !s.contains("status inactive...")
    });
    ui.keys(" ");
    ui.wait_text("1 selected");
    ui.keys("x");
    ui.wait_text("archive 1 user: 1 inactive → archived");
    ui.keys("y");
    ui.wait_text("archive: 1 succeeded");
    ui.keys("u");
    ui.wait_text("undo archive of 1 user: 1 archived → as before (1 inactive)");
    ui.keys("y");
    ui.wait_text("unarchive: 1 succeeded, 0 failed; 1 verified by reading back");
    assert_eq!(
        by_status(&server).await,
        first,
        "inactive again, not active"
    );
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}
