//! Against an outside API newer than the contract: statuses the contract does not name
//! (`SUSPENDED`, `UNDER_REVIEW`) and fields it does not have. Every place that shows a
//! status — the list, `users show` in each format, the table, the detail pane, the users
//! sharing an address, the accounts on an address — says the value the server sent,
//! lower-case and whole, never another.

mod common;
mod pty;

use axum::Json;
use axum::routing::post;
use pty::{Dashboard, ONE_AT_A_TIME};
use serde_json::{Value, json};
use userdeck::api::crm;
use userdeck::api::model::{Status, User};
use userdeck::dialect::Dialect;

const SESSION: &str = r#"{"id":"s1","sessionId":"abc","deviceName":"Pixel","deviceType":"phone",
  "browser":"Chrome","operatingSystem":"Android","ipAddress":"10.0.0.1","country":"NL",
  "region":"NH","city":"Amsterdam","isActive":true,"createdAt":"2026-01-01T00:00:00.000Z",
  "updatedAt":"2026-01-02T00:00:00.000Z","lastActiveAt":"2026-01-02T00:00:00.000Z",
  "trustScore":0.4}"#;

fn user(id: &str, name: &str, status: &str) -> Value {
    json!({
        "id": id, "username": name, "email": format!("{name}@example.com"),
        "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-02T00:00:00.000Z",
        "phoneNumber": null, "isEmailVerified": true, "status": status,
        "riskLevel": "HIGH"
    })
}

/// The answer of a newer crm server to each operation userdeck sends.
fn answer(body: &Value) -> Value {
    let session: Value = serde_json::from_str(SESSION).unwrap();
    match body["operationName"].as_str() {
        Some("Users") => json!({ "data": { "users": {
            "data": [user("usr_1", "ann", "SUSPENDED"), user("usr_3", "carl", "ACTIVE")],
            "count": 2, "limit": 20, "offset": 0
        } } }),
        Some("User") => {
            let mut detail = user("usr_1", "ann", "SUSPENDED");
            detail["avatar"] = Value::Null;
            detail["emailVerifiedAt"] = Value::Null;
            detail["sessions"] = json!({
                "all": [session],
                "aggregatedInfo": { "totalLogins": 1 },
                "first": { "id": "s1", "createdAt": "2026-01-01T00:00:00.000Z" },
                "last": { "id": "s1", "createdAt": "2026-01-01T00:00:00.000Z" },
            });
            let mut other = user("usr_2", "bob", "UNDER_REVIEW");
            other["sessions"] = json!({ "all": [{
                "ipAddress": "10.0.0.1", "updatedAt": "2026-01-02T00:00:00.000Z",
                "lastActiveAt": null
            }] });
            detail["overlapIPUsers"] = json!([other]);
            json!({ "data": { "user": detail } })
        }
        _ => json!({ "data": null, "errors": [{ "message": "not served here" }] }),
    }
}

/// The newer server on 127.0.0.1: its URL.
async fn newer_server() -> String {
    let app = axum::Router::new().route(
        "/graphql",
        post(|Json(body): Json<Value>| async move { Json(answer(&body)) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/graphql", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn headless(url: &str, args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    let output = common::userdeck_in(home.path())
        .args(["--endpoint", url, "--dialect", "crm"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{args:?}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread")]
async fn a_status_the_contract_lacks_reads_the_same_everywhere() {
    let url = newer_server().await;
    let list = headless(&url, &["users", "list", "--format", "json"]);
    let list: Value = serde_json::from_str(&list).unwrap();
    // Machine formats: as the server sent it; the table, for people, lower-case.
    assert_eq!(list["users"][0]["status"], "SUSPENDED", "{list}");

    let shown = headless(&url, &["users", "show", "usr_1"]);
    assert!(
        shown
            .lines()
            .any(|l| l.split_whitespace().eq(["status", "suspended"])),
        "{shown}"
    );
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with("bob ") && l.contains(" under_review ")),
        "{shown}"
    );
    let json: Value = serde_json::from_str(&headless(
        &url,
        &["users", "show", "usr_1", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(json["user"]["status"], "SUSPENDED");
    assert!(json.get("fields").is_none(), "no display labels: {json}");
    assert_eq!(json["user"]["overlapIPUsers"][0]["status"], "UNDER_REVIEW");
    let csv = headless(&url, &["users", "show", "usr_1", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let at = header.iter().position(|h| h == "status").unwrap();
    assert_eq!(&row[at], "SUSPENDED", "{csv}");

    let _serial = ONE_AT_A_TIME.lock().await;
    let mut ui = Dashboard::sized(&url, Dialect::Crm, &[], "", &[], (140, 30), "");
    let table = ui.wait_text("rows 1–2 of 2");
    assert!(
        table
            .lines()
            .any(|l| l.contains("ann") && l.contains(" suspended ")),
        "{table}"
    );
    ui.keys("\r");
    let pane = ui.wait_text("users sharing an IP address: 1");
    assert!(
        pane.lines()
            .any(|l| l.contains("│status") && l.contains(" suspended ")),
        "{pane}"
    );
    assert!(pane.contains("bob · under_review"), "{pane}");
    // The accounts seen on the session's address: the user, then bob, each as sent.
    ui.keys("\t\t\r");
    let pivot = ui.wait_text("accounts seen on 10.0.0.1");
    for (name, status) in [("ann", "suspended"), ("bob", "under_review")] {
        assert!(
            pivot
                .lines()
                .any(|l| l.contains(name) && l.contains(status)),
            "{name} {status}: {pivot}"
        );
    }
    ui.keys("q");
    ui.exit();
}

#[test]
fn unknown_enum_values_and_fields_decode() {
    let page: crm::UsersPage = serde_json::from_value(json!({
        "data": [{
            "id": "u1", "username": "ann", "email": "a@b.c",
            "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-02T00:00:00.000Z",
            "phoneNumber": null, "isEmailVerified": true, "status": "SUSPENDED",
            "someFieldAddedLater": { "x": 1 }
        }],
        "count": 1, "limit": 10, "offset": 0, "cursor": "ignored"
    }))
    .unwrap();
    let user = User::from(page.data[0].clone());
    assert_eq!(user.status, Status::other("SUSPENDED"));
    assert_eq!(
        user.status.to_string(),
        "suspended",
        "shown like the known ones"
    );

    // training's list is read into compact rows, the same way.
    let sent = json!({
        "id": "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11", "name": "Jo", "email": null,
        "isActive": true, "archivedAt": null, "roles": ["AUDITOR", null, "TRAINER"],
        "language": "ES", "lastLogin": null, "ref": null, "someFieldAddedLater": 1
    })
    .to_string();
    let row: userdeck::api::rows::RowIn<'_> = serde_json::from_str(&sent).unwrap();
    let user = userdeck::api::rows::Rows::one(&row).unwrap();
    assert_eq!(user.roles, ["AUDITOR", "TRAINER"]);
    assert_eq!(user.language.as_deref(), Some("ES"));
}
