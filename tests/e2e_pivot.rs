//! The pivot on an IP address, end to end: from a user's session to the other account
//! seen on that address, an action of the operator's given that address, blocked from the list.

mod common;
mod pty;

use common::TestServer;
use pty::{Dashboard, ONE_AT_A_TIME, users};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;

#[tokio::test(flavor = "multi_thread")]
async fn a_shared_address_lists_the_other_account_and_blocks_it() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 300).await;
    let all = users(
        &server,
        "{ users(limit: 300) { data { id username sessions { all { ipAddress } } \
         overlapIPUsers { id username status sessions { all { ipAddress } } } } } }",
    )
    .await;
    // A user, one of its addresses, and the one other account seen on that address.
    let ips = |u: &Value| -> Vec<String> {
        u["sessions"]["all"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["ipAddress"].as_str().map(str::to_string))
            .collect()
    };
    let (user, index, other) = all["users"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["username"].as_str().unwrap().is_ascii())
        .find_map(|u| {
            ips(u).iter().enumerate().find_map(|(i, ip)| {
                let sharing: Vec<&Value> = u["overlapIPUsers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|o| ips(o).contains(ip) && o["status"] == "ACTIVE")
                    .collect();
                let all_sharing = u["overlapIPUsers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|o| ips(o).contains(ip))
                    .count();
                (sharing.len() == 1 && all_sharing == 1).then(|| (u.clone(), i, sharing[0].clone()))
            })
        })
        .expect("a user sharing one address with exactly one active account");
    let name = user["username"].as_str().unwrap().to_string();
    let address = ips(&user)[index].clone();
    let other_id = other["id"].as_str().unwrap().to_string();
    let other_name = other["username"].as_str().unwrap().to_string();

    // An action of the operator's own that says the address it is given.
    let action = r#"
[[actions]]
name = "where"
command = 'printf "IP=%s ID=%s\n" "$IP" "$ID"'
output = "popup"
views = ["pivot"]
"#;
    let mut ui = Dashboard::run(&server, Dialect::Crm, &[], action, &[]);
    ui.wait_text("rows 1–20 of 300");
    ui.keys("/");
    ui.keys(&name);
    ui.wait_text(&format!("filter \"{name}\""));
    ui.keys("\r");
    ui.keys("\r");
    ui.wait_text("users sharing an IP address:");
    // Tab: the users sharing an address; Y copies the id of the one under the cursor.
    ui.keys("\t");
    let from = ui.written();
    ui.keys("Y");
    ui.wait_text("sent the id of");
    let overlap_ids: Vec<String> = user["overlapIPUsers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    let copied = ui.copied_after(from);
    assert!(overlap_ids.contains(&copied), "{copied} of {overlap_ids:?}");
    // Then the sessions; down to the address.
    ui.keys("\t");
    for _ in 0..index {
        ui.keys("j");
    }
    ui.keys("\r");
    let screen = ui.wait_text(&format!("accounts seen on {address}: 2"));
    assert!(screen.contains(&other_id), "{screen}");
    // Y: the address, to the clipboard (OSC 52).
    let from = ui.written();
    ui.keys("Y");
    let encoded = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&address)
    };
    ui.wait_raw(from, format!("\x1b]52;c;{encoded}\x07").as_bytes());
    // An action run here is given the address as $IP, and the account under the cursor.
    ui.keys(":run where\r");
    let said = ui.wait_text(&format!("IP={address} ID="));
    assert!(said.contains("where ended well (exit 0)"), "{said}");
    ui.keys("\x1b");
    ui.wait_text(&format!("accounts seen on {address}: 2"));
    ui.keys("j ");
    ui.wait_text("1 selected");
    ui.keys("b");
    ui.wait_text("block 1 user: 1 active → blocked");
    ui.keys("y");
    ui.wait_text("block: 1 succeeded");
    let status = server
        .data(
            "query($id: ID!) { user(id: $id) { status } }",
            json!({ "id": other_id }),
        )
        .await;
    assert_eq!(status["user"]["status"], "BLOCKED");
    // Enter opens the account under the cursor in the pane; Backspace comes back.
    ui.keys("G\r");
    ui.wait_for("the other account's pane", |s| {
        !s.contains("accounts seen on") && s.contains(&format!("┌ {other_name}"))
    });
    // b with the pane focused asks about the account it shows, and says so.
    ui.keys("b");
    let asked = ui.wait_text("the user the pane shows, not the table's row");
    // The account just blocked: already blocked, so nothing would change.
    assert!(
        asked.contains("block 1 user: 1 already blocked (unchanged)"),
        "{asked}"
    );
    ui.keys("n");
    ui.wait_for("the question closed", |s| {
        !s.contains("the user the pane shows")
    });
    ui.keys("\x7f");
    ui.wait_text(&format!("accounts seen on {address}: 2"));
    // Backspace: back to the pane the pivot started from.
    ui.keys("\x7f");
    ui.wait_for("the pivot closed", |s| !s.contains("accounts seen on"));
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}
