//! The training forms, end to end: the built binary in a pseudo-terminal against the
//! embedded server over HTTP. Keys in; the server's state and the journal out.

mod common;
mod pty;

use common::TestServer;
use pty::{Dashboard, ONE_AT_A_TIME};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;

/// The journal's lines, in order.
fn journal(ui: &Dashboard) -> Vec<Value> {
    let path = ui.home.path().join("state/userdeck/audit.jsonl");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

async fn by_email(server: &TestServer, email: &str) -> Value {
    server
        .data(
            "query($e: String) { user(email: $e) { id name email ref roles language isActive } }",
            json!({ "e": email }),
        )
        .await["user"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn c_creates_a_user_the_server_then_holds_and_shows_it_as_the_current_row() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 40).await;
    let mut ui = Dashboard::start(&server, Dialect::Training);
    ui.wait_text("rows 1–20 of 40");
    ui.keys("c");
    ui.wait_text("new user");
    ui.keys("Zoë Vermeer\t");
    ui.keys("zoe@example.nl\t");
    ui.keys("EXT-77\t");
    // Roles: the cursor on ADMIN, → to MANAGER, Space; then the language: NL.
    ui.keys("\x1b[C \t\x1b[C\r");
    ui.wait_text("created Zoë Vermeer");
    let user = by_email(&server, "zoe@example.nl").await;
    assert_eq!(user["name"], "Zoë Vermeer");
    assert_eq!(user["ref"], "EXT-77");
    assert_eq!(user["roles"], json!(["MANAGER"]));
    assert_eq!(user["language"], "NL");
    // The table shows it as the current row (the only row marked with the cursor's ›
    // is the new user's).
    let screen = ui.wait_for("the new user in the table", |s| {
        s.contains("of 41") && s.contains("Zoë Vermeer")
    });
    let row = screen
        .lines()
        .find(|l| l.contains("Zoë Vermeer"))
        .unwrap()
        .to_string();
    assert!(row.contains("zoe@example.nl"), "{screen}");
    ui.keys("\r");
    ui.wait_for("its detail", |s| s.contains(user["id"].as_str().unwrap()));
    let lines = journal(&ui);
    let attempt = lines
        .iter()
        .find(|l| l["action"] == "create" && l["event"] == "attempt")
        .expect("the create is journalled");
    assert_eq!(attempt["detail"]["user"]["email"], "zoe@example.nl");
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicate_e_mail_keeps_the_form_open_with_the_error() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 20).await;
    let taken = server.data("{ users { email } }", json!({})).await["users"][0]["email"]
        .as_str()
        .unwrap()
        .to_string();
    let mut ui = Dashboard::start(&server, Dialect::Training);
    ui.wait_text("rows 1–20 of 20");
    ui.keys("c");
    ui.wait_text("new user");
    ui.keys("Dubbel\t");
    ui.keys(&taken);
    ui.keys("\r");
    let screen = ui.wait_text("[INVALID_ARGUMENTS]");
    assert!(screen.contains("already exists"), "{screen}");
    assert!(screen.contains("new user"), "the form stays:\n{screen}");
    assert!(screen.contains("Dubbel"), "what was typed stays:\n{screen}");
    assert!(screen.contains("of 20"), "nothing was created:\n{screen}");
    // Esc asks before throwing the typing away.
    ui.keys("\x1b");
    ui.wait_text("Throw them away?");
    ui.keys("y");
    ui.wait_for("the form closed", |s| !s.contains("new user"));
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn e_changes_a_name_and_the_request_carries_only_the_name() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 20).await;
    let mut ui = Dashboard::start(&server, Dialect::Training);
    ui.wait_text("rows 1–20 of 20");
    ui.keys("e");
    ui.wait_text("edit user");
    // Ctrl-U empties the name; the new one typed.
    ui.keys("\x15Hernoemd Persoon\r");
    ui.wait_text("saved Hernoemd Persoon");
    let lines = journal(&ui);
    let attempt = lines
        .iter()
        .find(|l| l["action"] == "update" && l["event"] == "attempt")
        .expect("the update is journalled");
    assert_eq!(
        attempt["detail"]["user"],
        json!({ "name": "Hernoemd Persoon" }),
        "only the name is sent"
    );
    let id = attempt["ids"][0].as_str().unwrap();
    let user = server
        .data(
            "query($id: UUID) { user(id: $id) { name } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(user["user"]["name"], "Hernoemd Persoon");
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn upsert_updates_the_user_with_that_e_mail_in_one_update_or_create() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 20).await;
    let email = server.data("{ users { email } }", json!({})).await["users"][3]["email"]
        .as_str()
        .unwrap()
        .to_string();
    let mut ui = Dashboard::start(&server, Dialect::Training);
    ui.wait_text("rows 1–20 of 20");
    ui.keys(":upsert\r");
    ui.wait_text("create or update by e-mail");
    ui.keys(&format!("{email}\tBijgewerkt Door Upsert\r"));
    ui.wait_text("updated Bijgewerkt Door Upsert");
    let user = by_email(&server, &email).await;
    assert_eq!(user["name"], "Bijgewerkt Door Upsert");
    let lines = journal(&ui);
    let attempt = lines
        .iter()
        .find(|l| l["action"] == "upsert" && l["event"] == "attempt")
        .expect("the upsert is journalled");
    assert_eq!(
        attempt["detail"]["user"],
        json!({ "name": "Bijgewerkt Door Upsert", "isActive": true }),
        "one updateOrCreateUser, with the name and what the form showed as active (it \
         was not sent, and an inactive user stayed inactive under \"active yes\")"
    );
    let screen = ui.wait_text("of 20");
    assert!(screen.contains("Bijgewerkt Door Upsert"), "{screen}");
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn e_clears_an_e_mail_and_sets_extra_fields_sending_only_those() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 20).await;
    let mut ui = Dashboard::start(&server, Dialect::Training);
    ui.wait_text("rows 1–20 of 20");
    // Every user as the server has it before: the one edited is found by its id.
    let before = server.data("{ users { id email } }", json!({})).await["users"].clone();
    ui.keys("g");
    ui.keys("e");
    ui.wait_text("edit user");
    // e-mail: emptied (Ctrl-U); then down to the extra fields, emptied and typed anew.
    ui.keys("\t\x15");
    ui.keys("\t\t\t\t\t\x15{\"team\": \"zuid\"}\r");
    ui.wait_text("saved ");
    let lines = journal(&ui);
    let attempt = lines
        .iter()
        .find(|l| l["action"] == "update" && l["event"] == "attempt")
        .expect("the update is journalled");
    let id = attempt["ids"][0].as_str().unwrap().to_string();
    let sent = &attempt["detail"]["user"];
    let first = before
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id.as_str())
        .unwrap();
    let mut fields: Vec<&String> = sent.as_object().unwrap().keys().collect();
    fields.sort();
    assert!(
        !first["email"].is_null(),
        "the first row has an address: {first}"
    );
    assert_eq!(
        fields,
        ["email", "extraFields"],
        "only what changed is sent: {sent}"
    );
    assert_eq!(
        sent["email"],
        Value::Null,
        "an emptied field is sent as null"
    );
    let user = server
        .data(
            "query($id: UUID) { user(id: $id) { id email extraFields } }",
            json!({ "id": id }),
        )
        .await["user"]
        .clone();
    assert_eq!(user["id"], first["id"]);
    assert_eq!(user["email"], Value::Null, "cleared on the server");
    let extra: Value = serde_json::from_str(user["extraFields"].as_str().unwrap()).unwrap();
    assert_eq!(extra, json!({ "team": "zuid" }));
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}
