//! The built binary in a pseudo-terminal against the embedded server over HTTP: keys in,
//! screen (vt100) and server state out. Every wait is for a condition, with a deadline.

mod common;
mod pty;

use common::TestServer;
use pty::{Dashboard, ONE_AT_A_TIME, restored, users};
use serde_json::json;
use userdeck::dialect::Dialect;

#[tokio::test(flavor = "multi_thread")]
async fn list_filter_detail_overlap_and_back() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 300).await;
    // A user with an overlapping user, found through the API.
    let all = users(
        &server,
        "{ users(limit: 300) { data { id username overlapIPUsers { username } } } }",
    )
    .await;
    let chosen = all["users"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| {
            !u["overlapIPUsers"].as_array().unwrap().is_empty()
                && u["username"].as_str().unwrap().is_ascii()
        })
        .unwrap()
        .clone();
    let name = chosen["username"].as_str().unwrap().to_string();
    let other = chosen["overlapIPUsers"][0]["username"]
        .as_str()
        .unwrap()
        .to_string();

    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 300");
    assert!(ui.coloured(), "statuses are coloured");
    ui.keys("/");
    ui.keys(&name);
    ui.wait_text(&format!("filter \"{name}\""));
    let screen = ui.wait_for("the filtered list", |s| {
        s.contains("rows 1–") && !s.contains("of 300")
    });
    assert!(screen.contains(&name));
    ui.keys("\r"); // leave the filter line
    ui.keys("\r"); // open the user
    ui.wait_text("users sharing an IP address:");
    let screen = ui.wait_text("sessions:");
    assert!(
        screen.contains(&other),
        "the overlapping user is listed:\n{screen}"
    );
    ui.keys("\t"); // focus the detail
    ui.keys("\r"); // follow the first overlapping user
    ui.wait_for("the other user's pane", |s| {
        s.contains(&format!("┌ {other}")) || s.contains(&format!(" {other} ─"))
    });
    ui.wait_text("Backspace: back (1)");
    ui.keys("\x7f");
    ui.wait_for("back to the first user", |s| {
        s.contains(&format!(" {name} ")) && !s.contains("Backspace: back")
    });
    ui.keys("q");
    let (status, raw) = ui.exit();
    assert!(status.success());
    assert!(
        restored(&raw),
        "the alternate screen was left and the cursor shown"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn blocking_three_selected_users_changes_them_on_the_server() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 60).await;
    let first = users(&server, "{ users(limit: 3) { data { id status } } }").await;
    let ids: Vec<String> = first["users"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    // A user blocked already is left out: only real changes are sent.
    let changing = first["users"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["status"] != "BLOCKED")
        .count();
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 60");
    ui.keys("   ");
    ui.wait_text("3 selected");
    ui.keys("b");
    ui.wait_text("block 3 users:");
    ui.keys("y");
    ui.wait_text(&format!("block: {changing} succeeded, 0 failed"));
    for id in &ids {
        let data = server
            .data(
                "query($id: ID!) { user(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(data["user"]["status"], "BLOCKED", "{id}");
    }
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_and_sighup_restore_the_terminal() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 20).await;
    for signal in ["TERM", "HUP", "INT"] {
        let ui = Dashboard::start(&server, Dialect::Training);
        ui.wait_text("rows 1–20 of 20");
        ui.signal(signal);
        let (_, raw) = ui.exit();
        assert!(restored(&raw), "SIG{signal} left the terminal as it was");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_the_terminal_ends_the_process() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 20).await;
    let ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 20");
    // The terminal goes away, as when an SSH connection drops: every handle on it closes.
    let (status, _, _) = ui.hang_up();
    assert!(status.signal().is_none(), "ended by {:?}", status.signal());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rebound_keys_mouse_clicks_and_resizing() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 50).await;
    let page = users(&server, "{ users(limit: 3) { data { username } } }").await;
    let third = page["users"]["data"][2]["username"]
        .as_str()
        .unwrap()
        .to_string();
    // "o" opens instead of Enter, and NO_COLOR leaves the colours out.
    let mut ui = Dashboard::run(
        &server,
        Dialect::Crm,
        &[],
        "[keys]\nopen = [\"o\"]\n",
        &[("NO_COLOR", "1")],
    );
    ui.wait_text("rows 1–20 of 50");
    assert!(!ui.coloured(), "NO_COLOR: no colours");
    // A click on the third row of users (screen row 4: the header is row 1), then "o".
    ui.keys("\x1b[<0;10;4M\x1b[<0;10;4m");
    ui.keys("o");
    ui.wait_for("the clicked user's pane", |s| {
        s.contains(&format!("┌ {third} "))
    });
    // Narrower than 120 columns the pane covers the table; the layout follows the size.
    ui.resize(90, 24);
    ui.wait_for("a redraw at 90×24", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.len() <= 24 && lines.iter().any(|l| l.starts_with(&format!("┌ {third} ")))
    });
    ui.resize(50, 10);
    ui.wait_text("too small: need 60×12, have 50×10");
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_headless_bulk_action_asks_on_the_terminal() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 10).await;
    let page = users(
        &server,
        "{ users(limit: 1, filter: { status: ACTIVE }) { data { id } } }",
    )
    .await;
    let id = page["users"]["data"][0]["id"].as_str().unwrap().to_string();
    let mut no = Dashboard::run(&server, Dialect::Crm, &["users", "block", &id], "", &[]);
    no.wait_text("[y/N]");
    no.keys("n\r");
    let (status, _) = no.exit();
    assert!(!status.success());
    let data = server
        .data(
            "query($id: ID!) { user(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["user"]["status"], "ACTIVE", "cancelled: nothing sent");
    let mut yes = Dashboard::run(&server, Dialect::Crm, &["users", "block", &id], "", &[]);
    yes.wait_text("[y/N]");
    yes.keys("y\r");
    yes.wait_text("block: 1 succeeded, 0 failed");
    assert!(yes.exit().0.success());
    let data = server
        .data(
            "query($id: ID!) { user(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["user"]["status"], "BLOCKED");
    server.stop().await;
}

/// Issue #22, defect 4: Esc and a key written together (a fast typist, a link that
/// delivers bytes in bursts) reach the terminal as one read, which reads as Alt+key:
/// the filter must close and the key still act — both were lost.
#[tokio::test(flavor = "multi_thread")]
async fn esc_and_a_key_in_one_read_are_both_taken() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 30).await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 30");
    ui.keys("/ann");
    ui.wait_for("the filter typed", |s| s.contains("filter \"ann\""));
    // Esc, then `?` (help), in one write.
    ui.keys("\x1b?");
    ui.wait_for("the help", |s| s.contains("everywhere"));
    ui.keys("\x1b");
    let screen = ui.wait_for("the help closed", |s| s.contains("rows 1–20 of 30"));
    assert!(
        !screen.contains("filter \"ann\""),
        "Esc cleared the filter: {screen}"
    );
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}
