//! Who an action acts on, through the real binary in a pseudo-terminal (issue #20): the
//! same user at any width, never a row the screen no longer shows, and a selection that
//! can be cleared.

mod common;
mod pty;

use common::TestServer;
use pty::{Dashboard, ONE_AT_A_TIME};
use serde_json::json;
use userdeck::dialect::Dialect;

/// Every crm user's (id, username), in the dashboard's first order (created, oldest).
async fn users(server: &TestServer) -> Vec<(String, String)> {
    let data = server
        .data(
            "query { users(limit: 1000, orderBy: \"createdAt\", order: ASC) { data { id username } } }",
            json!({}),
        )
        .await;
    data["users"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let text = |k: &str| u[k].as_str().unwrap().to_string();
            (text("id"), text("username"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn goto_then_b_proposes_the_user_shown_at_every_width() {
    // At 120 columns and more the pane stands beside the table and `b` proposed the
    // table's row; under 120 it proposed the pane's user.
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 60).await;
    let all = users(&server).await;
    let (goto_id, goto_name) = &all[45];
    let (_, first_row) = &all[0];
    for cols in [200, 100] {
        let mut ui = Dashboard::sized(&server.url, Dialect::Crm, &[], "", &[], (cols, 30), "");
        ui.wait_text("rows 1–20 of 60");
        ui.keys(&format!(":goto {goto_id}\r"));
        ui.wait_for("the pane read", |s| {
            s.lines()
                .any(|l| l.contains("username") && l.contains(goto_name.as_str()))
        });
        ui.keys("b");
        let dialog = ui.wait_text("block 1 user");
        assert!(
            dialog.contains(&format!("sent: {goto_name}")),
            "{cols} columns: the pane's user\n{dialog}"
        );
        assert!(
            !dialog.contains(&format!("sent: {first_row}")),
            "{cols} columns\n{dialog}"
        );
        ui.keys("n");
        ui.wait_text("cancelled: nothing was sent");
        ui.keys("q");
        assert!(ui.exit().0.success());
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_typed_while_a_page_comes_act_on_the_page_that_comes() {
    // 800 ms a request, page 3: `g` then Enter at once opened page 3's row while page 1
    // came; `b` then proposed page 1's row.
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 100).await;
    let all = users(&server).await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 100");
    ui.keys("\x1b[6~");
    ui.wait_text("rows 21–40 of 100");
    ui.keys("\x1b[6~");
    ui.wait_text("rows 41–60 of 100");
    server.server.faults().set("latency=800ms".parse().unwrap());
    ui.keys("g\r");
    let (first_id, first_name) = &all[0];
    ui.wait_for("page 1 and its first user's pane", |s| {
        s.contains("rows 1–20 of 100")
            && s.lines()
                .any(|l| l.contains("username") && l.contains(first_name.as_str()))
            && s.contains(first_id.as_str())
    });
    ui.keys("b");
    let dialog = ui.wait_text("block 1 user");
    assert!(dialog.contains(&format!("sent: {first_name}")), "{dialog}");
    ui.keys("n");
    ui.wait_text("cancelled: nothing was sent");
    // PgDn five times at once: each turns a page, up to the last (it turned one or two).
    ui.keys(&"\x1b[6~".repeat(5));
    ui.wait_text("rows 81–100 of 100");
    server.server.faults().set(Default::default());
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_selection_on_other_pages_is_cleared_by_its_key_and_said_in_the_footer() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 60).await;
    let all = users(&server).await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 60");
    ui.keys(" ");
    let screen = ui.wait_text("1 selected");
    assert!(
        screen.contains("U unselect all"),
        "the footer says how:\n{screen}"
    );
    ui.keys("\x1b[6~");
    ui.wait_text("rows 21–40 of 60");
    ui.keys("U");
    ui.wait_text("1 user unselected");
    ui.keys("b");
    let dialog = ui.wait_text("block 1 user");
    assert!(
        dialog.contains(&format!("sent: {}", all[20].1)),
        "the row in view, not the user selected on page 1\n{dialog}"
    );
    ui.keys("n");
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}
