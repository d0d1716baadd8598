//! A selection across pages, end to end: the preview's lines (users on another page, the
//! unchanged left out until Tab), `Y` of the selection, `:export` of it; and the command
//! line's suggestions. The real binary in a pseudo-terminal against the embedded server.

mod common;
mod pty;

use common::TestServer;
use pty::{Dashboard, ONE_AT_A_TIME};
use serde_json::json;
use userdeck::dialect::Dialect;

#[tokio::test(flavor = "multi_thread")]
async fn a_selection_across_pages_is_previewed_copied_and_exported() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 45).await;
    let ids = server.ids(45).await;
    // Rows 1 and 2 of the first page, row 6 of the second: one blocked already.
    let chosen = [ids[0].clone(), ids[1].clone(), ids[25].clone()];
    server
        .data(
            "mutation($a: [ID!]!, $b: [ID!]!) { activeUsers(ids: $a) blockUsers(ids: $b) }",
            json!({ "a": [ids[1], ids[25]], "b": [ids[0]] }),
        )
        .await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 45");
    ui.keys("  ");
    ui.wait_text("2 selected");
    ui.keys("\x1b[6~");
    ui.wait_text("rows 21–40 of 45");
    ui.keys("jjjjj ");
    ui.wait_text("3 selected");

    let from = ui.written();
    ui.keys("Y");
    ui.wait_text("sent 3 selected ids to the terminal's clipboard (OSC 52)");
    let mut lines: Vec<String> = ui.copied_after(from).lines().map(str::to_string).collect();
    lines.sort();
    let mut expected = chosen.to_vec();
    expected.sort();
    assert_eq!(lines, expected, "the selected ids, one a line");

    ui.keys("b");
    let preview = ui.wait_text("block 3 users: 2 active → blocked, 1 already blocked (unchanged)");
    assert!(
        preview.contains("2 of them are not on this page"),
        "{preview}"
    );
    assert!(
        preview.contains("the unchanged are left out (Tab: send them too)"),
        "{preview}"
    );
    assert!(preview.contains("send 2 ·"), "{preview}");
    assert!(
        !preview.contains("not seen for"),
        "seen within the minute: {preview}"
    );
    ui.keys("\t");
    let kept = ui.wait_text("the unchanged are sent too (Tab: leave them out)");
    assert!(kept.contains("send 3 ·"), "{kept}");
    ui.keys("n");
    ui.wait_for("the preview closed", |s| !s.contains("the unchanged are"));

    // :export of the selection: its rows, as the server has them.
    let path = ui.home.path().join("selected.csv");
    ui.keys(&format!(":export {}\r", path.display()));
    ui.wait_text("exported 3 rows");
    let written = std::fs::read_to_string(&path).unwrap();
    let mut rows = written.lines();
    assert_eq!(
        rows.next(),
        Some("id,username,email,status,isEmailVerified,phoneNumber,createdAt,updatedAt")
    );
    let mut exported: Vec<(String, String)> = rows
        .map(|r| {
            let cells: Vec<&str> = r.split(',').collect();
            (cells[0].to_string(), cells[3].to_string())
        })
        .collect();
    exported.sort();
    let statuses = server.statuses(&expected).await;
    let from_server: Vec<(String, String)> = expected
        .iter()
        .cloned()
        .zip(statuses.iter().cloned())
        .collect();
    assert_eq!(exported, from_server);

    // The command line suggests the commands that fit when several do.
    // Tab completes as far as they agree, and shows them.
    ui.keys(":p\t");
    let suggested = ui.wait_text(": pr");
    assert!(
        suggested.contains("profile") && suggested.contains("prev_page"),
        "{suggested}"
    );
    ui.keys("e\t");
    ui.wait_text(": prev_page");
    ui.keys("\r");
    ui.wait_text("rows 1–20 of 45");
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn statuses_older_than_the_profile_allows_are_called_old_in_the_preview() {
    // stale_after_secs = 0: every status seen is old by the time it is asked about; the
    // action still goes, with no status journalled for its undo.
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 30).await;
    let mut ui = Dashboard::sized(
        &server.url,
        Dialect::Crm,
        &[],
        "",
        &[],
        (120, 30),
        "stale_after_secs = 0",
    );
    ui.wait_text("rows 1–20 of 30");
    ui.keys("  ");
    ui.wait_text("2 selected");
    ui.keys("b");
    let preview = ui.wait_text("2 not seen for ");
    assert!(
        preview.contains("their status may have changed since"),
        "{preview}"
    );
    ui.keys("y");
    ui.wait_text("block: 2 succeeded");
    ui.keys("q");
    let (status, _, home) = ui.finish();
    assert!(status.success());
    let journal = std::fs::read_to_string(home.path().join("state/userdeck/audit.jsonl")).unwrap();
    let attempt: serde_json::Value = serde_json::from_str(journal.lines().next().unwrap()).unwrap();
    assert_eq!(attempt["event"], "attempt");
    assert_eq!(attempt["detail"]["before"], json!({}), "{attempt}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_training_selection_exports_its_rows_as_the_server_has_them() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 30).await;
    let mut ui = Dashboard::start(&server, Dialect::Training);
    ui.wait_text("rows 1–20 of 30");
    ui.keys("g   ");
    ui.wait_text("3 selected");
    let path = ui.home.path().join("selected.json");
    ui.keys(&format!(":export {}\r", path.display()));
    ui.wait_text("exported 3 rows");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let rows = written["users"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{written}");
    assert_eq!(written["total"], 3);
    let all = server.data("{ users { id name email } }", json!({})).await["users"].clone();
    for row in rows {
        let on_server = all
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == row["id"])
            .unwrap_or_else(|| panic!("{row} is on the server"));
        assert_eq!(row["name"], on_server["name"]);
        assert_eq!(row["email"], on_server["email"]);
    }
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}
