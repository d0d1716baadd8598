//! The training contract, against the embedded server over real HTTP: every example of
//! the seed document (as written, and with real ids where its ids are placeholders),
//! every error code, duplicates, upserts and the archive round trip.

mod common;

use common::{TestServer, expect_error};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;

const USERS: u64 = 120;

const SEED_GET_ONE: &str = r#"query {
  user(id: "uuid-hier") {
    id
    name
    email
    isActive
  }
}"#;

const SEED_LIST: &str = "query {
  users(active: true) {
    id
    name
    email
  }
}";

const SEED_CREATE: &str = r#"mutation {
  createUser(
    sendInvite: true
    user: {
      email: "example@domain.com"
      name: "Jane Doe"
      roles: [MANAGER]
      language: NL
    }
  ) {
    user {
      id
      name
      email
    }
    created
  }
}"#;

const SEED_UPDATE: &str = r#"mutation {
  updateUser(
    id: "uuid-hier"
    user: {
      name: "Updated Name"
      roles: [PLANNER, TRAINER]
    }
  ) {
    user {
      id
      name
      roles
    }
  }
}"#;

const SEED_UPSERT: &str = r#"mutation {
  updateOrCreateUser(
    email: "example@domain.com"
    sendInvite: false
    user: {
      name: "Jane Doe"
      isActive: true
      roles: [TRAINER]
    }
  ) {
    user {
      id
      name
      email
    }
    created
  }
}"#;

const SEED_ARCHIVE: &str = r#"mutation {
  archiveUsers(
    archive: true
    ids: ["uuid-1", "uuid-2"]
  ) {
    response {
      succeededIds
      failedIds
    }
  }
}"#;

const FULL_USER: &str = "modelId email name archivedAt ref id isActive roles profileImage { id url name } language extraFields extraFieldsProfile hasPassword afasPersonId afasEmployeeId afasContactId afasConnectionId participantGroups { id name } managerGroups { id name } groupCount invitedOn lastLogin userVia { source ref at }";

async fn all_users(server: &TestServer) -> Vec<Value> {
    let data = server
        .data(&format!("{{ users {{ {FULL_USER} }} }}"), json!({}))
        .await;
    data["users"].as_array().unwrap().clone()
}

/// A seed document with its placeholder ids replaced by real ones.
fn with_ids(document: &str, ids: &[(&str, &str)]) -> String {
    ids.iter().fold(document.to_string(), |doc, (from, to)| {
        doc.replace(from, to)
    })
}

#[tokio::test]
async fn seed_get_one_user_as_written_and_with_a_real_id() {
    let server = TestServer::start(Dialect::Training, USERS).await;
    let body = server.gql(SEED_GET_ONE, json!({})).await;
    let message = expect_error(&body, "INVALID_ARGUMENTS");
    assert!(
        message.contains("uuid-hier") && message.contains("UUID"),
        "{message}"
    );
    assert_eq!(body["data"], json!({ "user": null }));

    let all = all_users(&server).await;
    let someone = &all[3];
    let id = someone["id"].as_str().unwrap();
    let data = server
        .data(&with_ids(SEED_GET_ONE, &[("uuid-hier", id)]), json!({}))
        .await;
    assert_eq!(data["user"]["id"], someone["id"]);
    assert_eq!(data["user"]["name"], someone["name"]);
    assert_eq!(data["user"]["email"], someone["email"]);
    assert_eq!(data["user"]["isActive"], someone["isActive"]);

    // By ref, and by e-mail in any case.
    let with_ref = all.iter().find(|u| u["ref"].is_string()).unwrap();
    let data = server
        .data(
            "query($r: String) { user(ref: $r) { id } }",
            json!({ "r": with_ref["ref"] }),
        )
        .await;
    assert_eq!(data["user"]["id"], with_ref["id"]);
    let with_email = all.iter().find(|u| u["email"].is_string()).unwrap();
    let data = server
        .data(
            "query($e: String) { user(email: $e) { id } }",
            json!({ "e": with_email["email"].as_str().unwrap().to_uppercase() }),
        )
        .await;
    assert_eq!(data["user"]["id"], with_email["id"]);
    server.stop().await;
}

#[tokio::test]
async fn user_needs_exactly_one_key_and_reports_unknown_ones() {
    let server = TestServer::start(Dialect::Training, 10).await;
    for query in [
        "{ user { id } }",
        r#"{ user(ref: "a", email: "b@c.d") { id } }"#,
        r#"{ user(id: "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11", ref: "a") { id } }"#,
    ] {
        let body = server.gql(query, json!({})).await;
        expect_error(&body, "INVALID_ARGUMENTS");
        assert_eq!(body["data"], json!({ "user": null }), "{query}");
    }
    for query in [
        r#"{ user(id: "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11") { id } }"#,
        r#"{ user(ref: "nobody") { id } }"#,
        r#"{ user(email: "nobody@example.com") { id } }"#,
    ] {
        let body = server.gql(query, json!({})).await;
        expect_error(&body, "RESOURCE_NOT_FOUND");
        assert_eq!(body["errors"][0]["path"], json!(["user"]));
    }
    server.stop().await;
}

#[tokio::test]
async fn seed_list_filters_on_active() {
    let server = TestServer::start(Dialect::Training, USERS).await;
    let all = all_users(&server).await;
    assert_eq!(all.len() as u64, USERS);
    let active = server.data(SEED_LIST, json!({})).await;
    let active = active["users"].as_array().unwrap();
    let expected: Vec<&Value> = all.iter().filter(|u| u["isActive"] == true).collect();
    assert_eq!(active.len(), expected.len());
    let inactive = server
        .data(
            "{ users(active: false) { id isActive archivedAt } }",
            json!({}),
        )
        .await;
    let inactive = inactive["users"].as_array().unwrap();
    assert_eq!(active.len() + inactive.len(), all.len());
    assert!(!inactive.is_empty(), "the demo data has inactive users");
    assert!(inactive.iter().all(|u| u["isActive"] == false));
    // Archived users are inactive, and there are some.
    let archived: Vec<&Value> = all.iter().filter(|u| u["archivedAt"].is_string()).collect();
    assert!(!archived.is_empty());
    assert!(archived.iter().all(|u| u["isActive"] == false));
    // Every field resolves; the non-null ones are there.
    for user in &all {
        assert!(user["modelId"].is_string() && user["id"].is_string());
        assert!(user["name"].is_string() && user["language"].is_string());
        assert!(user["profileImage"]["id"].is_string());
        let groups = user["participantGroups"].as_array().unwrap().len()
            + user["managerGroups"].as_array().unwrap().len();
        assert_eq!(user["groupCount"], json!(groups));
        if let Some(extra) = user["extraFields"].as_str() {
            assert!(serde_json::from_str::<Value>(extra).unwrap().is_object());
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn seed_create_then_duplicate_email_is_refused() {
    let server = TestServer::start(Dialect::Training, 20).await;
    let data = server.data(SEED_CREATE, json!({})).await;
    assert_eq!(data["createUser"]["created"], true);
    let user = &data["createUser"]["user"];
    assert_eq!(user["name"], "Jane Doe");
    assert_eq!(user["email"], "example@domain.com");
    let id = user["id"].as_str().unwrap();
    let stored = server
        .data(
            &format!(r#"{{ user(id: "{id}") {{ roles language isActive invitedOn }} }}"#),
            json!({}),
        )
        .await;
    assert_eq!(stored["user"]["roles"], json!(["MANAGER"]));
    assert_eq!(stored["user"]["language"], "NL");
    assert_eq!(stored["user"]["isActive"], true);
    assert!(
        stored["user"]["invitedOn"].is_string(),
        "an invitation was sent"
    );

    let body = server.gql(SEED_CREATE, json!({})).await;
    let message = expect_error(&body, "INVALID_ARGUMENTS");
    assert!(message.contains("example@domain.com"), "{message}");
    assert_eq!(body["data"], json!({ "createUser": null }));
    // Case does not make an address new.
    let body = server
        .gql(
            &SEED_CREATE.replace("example@domain.com", "EXAMPLE@Domain.com"),
            json!({}),
        )
        .await;
    expect_error(&body, "INVALID_ARGUMENTS");
    assert_eq!(all_users(&server).await.len(), 21);

    // Bad input is refused with a reason.
    for user in [
        json!({ "email": "not-an-address", "name": "X" }),
        json!({ "email": "x@y.z", "name": "  " }),
        json!({ "email": "x@y.z", "name": "X", "extraFields": "[1, 2]" }),
        json!({ "email": "x@y.z", "name": "X", "extraFields": "{oops" }),
    ] {
        let body = server
            .gql(
                "mutation($u: CreateUserInput!) { createUser(user: $u, sendInvite: false) { created } }",
                json!({ "u": user }),
            )
            .await;
        expect_error(&body, "INVALID_ARGUMENTS");
    }
    let data = server
        .data(
            "mutation($u: CreateUserInput!) { createUser(user: $u, sendInvite: false) { user { invitedOn extraFields ref } } }",
            json!({ "u": { "email": "x@y.z", "name": "X", "ref": "R-1", "extraFields": "{\"a\": 1}" } }),
        )
        .await;
    assert_eq!(data["createUser"]["user"]["invitedOn"], Value::Null);
    assert_eq!(data["createUser"]["user"]["extraFields"], "{\"a\": 1}");
    assert_eq!(data["createUser"]["user"]["ref"], "R-1");
    server.stop().await;
}

#[tokio::test]
async fn seed_update_as_written_and_with_a_real_id() {
    let server = TestServer::start(Dialect::Training, 20).await;
    let body = server.gql(SEED_UPDATE, json!({})).await;
    expect_error(&body, "INVALID_ARGUMENTS");
    assert_eq!(body["data"], json!({ "updateUser": null }));

    let all = all_users(&server).await;
    let id = all[5]["id"].as_str().unwrap();
    let data = server
        .data(&with_ids(SEED_UPDATE, &[("uuid-hier", id)]), json!({}))
        .await;
    assert_eq!(data["updateUser"]["user"]["name"], "Updated Name");
    assert_eq!(
        data["updateUser"]["user"]["roles"],
        json!(["PLANNER", "TRAINER"])
    );
    // Fields not named stay as they were.
    let after = all_users(&server).await;
    for field in ["email", "language", "ref", "isActive", "extraFields"] {
        assert_eq!(after[5][field], all[5][field], "{field}");
    }

    // By ref; null clears an optional field and is refused for a required one.
    let with_ref = all.iter().find(|u| u["ref"].is_string()).unwrap();
    let update = "mutation($r: String, $u: UpdateUserInput!) { updateUser(ref: $r, user: $u) { user { id ref language extraFields } } }";
    let data = server
        .data(
            update,
            json!({ "r": with_ref["ref"], "u": { "language": "FR", "extraFields": null } }),
        )
        .await;
    assert_eq!(data["updateUser"]["user"]["id"], with_ref["id"]);
    assert_eq!(data["updateUser"]["user"]["language"], "FR");
    assert_eq!(data["updateUser"]["user"]["extraFields"], Value::Null);
    let body = server
        .gql(
            update,
            json!({ "r": with_ref["ref"], "u": { "name": null } }),
        )
        .await;
    expect_error(&body, "INVALID_ARGUMENTS");
    // Another user's address is refused.
    let body = server
        .gql(
            update,
            json!({ "r": with_ref["ref"], "u": { "email": all.iter().find(|u| u["email"].is_string() && u["id"] != with_ref["id"]).unwrap()["email"] } }),
        )
        .await;
    expect_error(&body, "INVALID_ARGUMENTS");
    // Neither or both keys, and an unknown user.
    let body = server.gql(update, json!({ "u": { "name": "X" } })).await;
    expect_error(&body, "INVALID_ARGUMENTS");
    let body = server
        .gql(update, json!({ "r": "no-such-ref", "u": { "name": "X" } }))
        .await;
    expect_error(&body, "RESOURCE_NOT_FOUND");
    server.stop().await;
}

#[tokio::test]
async fn seed_upsert_creates_then_updates() {
    let server = TestServer::start(Dialect::Training, 20).await;
    let first = server.data(SEED_UPSERT, json!({})).await;
    assert_eq!(first["updateOrCreateUser"]["created"], true);
    let id = first["updateOrCreateUser"]["user"]["id"].clone();
    assert_eq!(
        first["updateOrCreateUser"]["user"]["email"],
        "example@domain.com"
    );

    let renamed = SEED_UPSERT.replace("\"Jane Doe\"", "\"Jane van Dijk\"");
    let second = server.data(&renamed, json!({})).await;
    assert_eq!(second["updateOrCreateUser"]["created"], false);
    assert_eq!(second["updateOrCreateUser"]["user"]["id"], id);
    assert_eq!(
        second["updateOrCreateUser"]["user"]["name"],
        "Jane van Dijk"
    );
    assert_eq!(all_users(&server).await.len(), 21);

    // By ref only: created with that ref, then found by it.
    let by_ref = "mutation($u: UpdateOrCreateUserInput!) { updateOrCreateUser(ref: \"EXT-9\", user: $u) { user { id ref name } created } }";
    let made = server
        .data(by_ref, json!({ "u": { "name": "Ref Person" } }))
        .await;
    assert_eq!(made["updateOrCreateUser"]["created"], true);
    assert_eq!(made["updateOrCreateUser"]["user"]["ref"], "EXT-9");
    let found = server
        .data(by_ref, json!({ "u": { "roles": ["ADMIN"] } }))
        .await;
    assert_eq!(found["updateOrCreateUser"]["created"], false);
    assert_eq!(
        found["updateOrCreateUser"]["user"]["id"],
        made["updateOrCreateUser"]["user"]["id"]
    );

    // Creating needs a name; looking up needs a key.
    let body = server
        .gql(
            "mutation { updateOrCreateUser(email: \"new@example.com\", user: { isActive: true }) { created } }",
            json!({}),
        )
        .await;
    expect_error(&body, "INVALID_ARGUMENTS");
    let body = server
        .gql(
            "mutation { updateOrCreateUser(user: { name: \"X\" }) { created } }",
            json!({}),
        )
        .await;
    expect_error(&body, "INVALID_ARGUMENTS");
    server.stop().await;
}

#[tokio::test]
async fn seed_archive_as_written_then_archive_and_restore_round_trip() {
    let server = TestServer::start(Dialect::Training, 30).await;
    let body = server.gql(SEED_ARCHIVE, json!({})).await;
    let message = expect_error(&body, "INVALID_ARGUMENTS");
    assert!(message.contains("uuid-1"), "{message}");
    assert_eq!(body["data"], json!({ "archiveUsers": null }));

    let all = all_users(&server).await;
    let live: Vec<&Value> = all
        .iter()
        .filter(|u| u["archivedAt"].is_null())
        .take(2)
        .collect();
    let (a, b) = (
        live[0]["id"].as_str().unwrap(),
        live[1]["id"].as_str().unwrap(),
    );
    let data = server
        .data(
            &with_ids(SEED_ARCHIVE, &[("uuid-1", a), ("uuid-2", b)]),
            json!({}),
        )
        .await;
    let response = &data["archiveUsers"]["response"];
    assert_eq!(response["succeededIds"], json!([a, b]));
    assert_eq!(response["failedIds"], json!([]));
    let check = format!(
        r#"{{ a: user(id: "{a}") {{ isActive archivedAt }} b: user(id: "{b}") {{ isActive archivedAt }} }}"#
    );
    let archived = server.data(&check, json!({})).await;
    for key in ["a", "b"] {
        assert_eq!(archived[key]["isActive"], false);
        assert!(archived[key]["archivedAt"].is_string());
    }
    let inactive = server
        .data("{ users(active: false) { id } }", json!({}))
        .await;
    assert!(
        inactive["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == a)
    );

    // Unknown ids land in failedIds; the known one is restored.
    let unknown = "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11";
    let restore = "mutation($ids: [UUID!]!) { archiveUsers(archive: false, ids: $ids) { response { succeededIds failedIds } } }";
    let data = server.data(restore, json!({ "ids": [a, unknown] })).await;
    assert_eq!(data["archiveUsers"]["response"]["succeededIds"], json!([a]));
    assert_eq!(
        data["archiveUsers"]["response"]["failedIds"],
        json!([unknown])
    );
    let after = server.data(&check, json!({})).await;
    assert_eq!(after["a"]["isActive"], true);
    assert_eq!(after["a"]["archivedAt"], Value::Null);
    assert_eq!(after["b"], archived["b"]);
    server.stop().await;
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_unauthorized() {
    let server = TestServer::start(Dialect::Training, 5).await;
    for token in [None, Some("nope")] {
        let body = server.gql_as(token, SEED_LIST, json!({})).await;
        expect_error(&body, "UNAUTHORIZED");
        assert_eq!(body["data"], Value::Null);
    }
    let body = server.gql_as(None, SEED_CREATE, json!({})).await;
    expect_error(&body, "UNAUTHORIZED");
    assert_eq!(all_users(&server).await.len(), 5, "nothing was created");
    server.stop().await;
}

/// A plain list of every user is written straight from the stored rows and sent as it
/// is written; its answer is the schema's once parsed, whatever fields, aliases and
/// `active` (literal, variable, default, null) it asks for. The same fields in an inline
/// fragment go through the schema.
#[tokio::test]
async fn the_plain_list_written_directly_answers_as_the_schema_does() {
    let server = TestServer::start(Dialect::Training, USERS).await;
    let all = "id name email isActive archivedAt roles language lastLogin ref";
    let cases = [
        (
            "query Users($active: Boolean) { users(active: $active)",
            all,
            json!({}),
        ),
        (
            "query Users($active: Boolean) { users(active: $active)",
            all,
            json!({ "active": true }),
        ),
        (
            "query Users($active: Boolean!) { users(active: $active)",
            all,
            json!({ "active": false }),
        ),
        (
            "query ($a: Boolean = true) { users(active: $a)",
            all,
            json!({}),
        ),
        (
            "{ all: users(active: null)",
            "__typename modelId n: name hasPassword",
            json!({}),
        ),
        ("{ users", "id", json!({})),
    ];
    for (head, fields, variables) in cases {
        let query = format!("{head} {{ {fields} }} }}");
        let direct = server.gql(&query, variables.clone()).await;
        let through_schema = format!("{head} {{ ... on User {{ {fields} }} }} }}");
        let schema = server.gql(&through_schema, variables).await;
        assert!(direct["errors"].is_null(), "{query}: {direct}");
        assert_eq!(direct, schema, "{query}");
        let listed = direct["data"].as_object().unwrap().values().next().unwrap();
        assert!(!listed.as_array().unwrap().is_empty(), "{query}");
    }
    server.stop().await;
}
