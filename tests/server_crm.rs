//! The crm contract, against the embedded server over real HTTP: every example of the
//! seed document as written there, every error code, paging, filtering, ordering and the
//! all-or-nothing bulk mutations.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::{TOKEN, TestServer, codes, expect_error, ids};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;

const USERS: u64 = 300;

/// The seed's `users` document, as written there.
const SEED_USERS: &str = "query Users(
$limit: Int
$offset: Int
$order: OrderDirection
$orderBy: String
$filter: UsersFilterInput
) {
users(
limit: $limit
offset: $offset
order: $order
orderBy: $orderBy
filter: $filter
) {
data {
id
username
email
createdAt
updatedAt
avatar
phoneNumber
isEmailVerified
emailVerifiedAt
status
# Additional fields as needed
}
count
limit
offset
}
}";

/// The seed's `user` document, as written there.
const SEED_USER: &str = "query User($id: ID!) {
user(id: $id) {
id
username
email
createdAt
updatedAt
avatar
phoneNumber
isEmailVerified
emailVerifiedAt
status
sessions {
all {
id
sessionId
deviceName
deviceType
browser
operatingSystem
ipAddress
country
region
city
isActive
createdAt
updatedAt
lastActiveAt
}
aggregatedInfo {
totalLogins
}
first {
id
createdAt
}
last {
id
createdAt
}
}
overlapIPUsers {
id
username
email
}
# Additional fields as needed
}
}";

/// The seed's usage example `GetUsers`, as written there.
const SEED_GET_USERS: &str = "
query GetUsers($limit: Int, $offset: Int, $filter: UsersFilterInput) {
users(limit: $limit, offset: $offset, filter: $filter) {
data {
id
username
email
status
}
count
limit
offset
}
}
";

const SEED_BLOCK: &str = "mutation BlockUsers($ids: [ID!]!) {
blockUsers(ids: $ids)
}";

const SEED_ACTIVE: &str = "mutation ActiveUsers($ids: [ID!]!) {
activeUsers(ids: $ids)
}";

/// Every user with the fields the checks below need, in the server's default order.
async fn all_users(server: &TestServer) -> Vec<Value> {
    let data = server
        .data(
            "{ users(limit: 1000) { count data { id username email phoneNumber status createdAt updatedAt sessions { all { ipAddress } } } } }",
            json!({}),
        )
        .await;
    let rows = data["users"]["data"].as_array().unwrap().clone();
    assert_eq!(data["users"]["count"], json!(rows.len()));
    rows
}

fn text(user: &Value, field: &str) -> String {
    user[field].as_str().unwrap_or("").to_string()
}

/// Whether `user` matches the free-text filter: a case-insensitive substring of its
/// username, email, phone number or id.
fn matches_query(user: &Value, query: &str) -> bool {
    let q = query.to_lowercase();
    ["username", "email", "phoneNumber", "id"]
        .iter()
        .any(|f| text(user, f).to_lowercase().contains(&q))
}

#[tokio::test]
async fn seed_users_document_pages_through_every_user() {
    let server = TestServer::start(Dialect::Crm, USERS).await;
    let all = all_users(&server).await;
    assert_eq!(all.len() as u64, USERS);

    // Defaults from the contract: limit 10, offset 0, ASC by createdAt.
    let first = server.data(SEED_USERS, json!({})).await;
    assert_eq!(first["users"]["limit"], 10);
    assert_eq!(first["users"]["offset"], 0);
    assert_eq!(first["users"]["count"], USERS);
    let page = first["users"]["data"].as_array().unwrap();
    assert_eq!(page.len(), 10);
    let created: Vec<&str> = page
        .iter()
        .map(|u| u["createdAt"].as_str().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] <= w[1]), "{created:?}");
    for user in page {
        for field in [
            "id",
            "username",
            "email",
            "createdAt",
            "updatedAt",
            "status",
        ] {
            assert!(user[field].is_string(), "{field} of {user}");
        }
        assert!(user["isEmailVerified"].is_boolean());
        assert!(user["createdAt"].as_str().unwrap().ends_with('Z'));
    }

    // Pages of 7 laid end to end are the whole ordered list.
    let mut paged = Vec::new();
    let mut offset = 0;
    loop {
        let data = server
            .data(SEED_USERS, json!({ "limit": 7, "offset": offset }))
            .await;
        let rows = ids(&data["users"]["data"]);
        if rows.is_empty() {
            break;
        }
        offset += rows.len();
        paged.extend(rows);
    }
    let every: Vec<String> = all.iter().map(|u| text(u, "id")).collect();
    assert_eq!(paged, every);
    server.stop().await;
}

#[tokio::test]
async fn seed_get_users_example_filters_on_john() {
    let server = TestServer::start(Dialect::Crm, USERS).await;
    let all = all_users(&server).await;
    let body = server
        .gql(
            SEED_GET_USERS,
            json!({ "limit": 20, "offset": 0, "filter": { "query": "john" } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let expected: Vec<&Value> = all.iter().filter(|u| matches_query(u, "john")).collect();
    assert!(!expected.is_empty(), "the demo data has johns");
    assert_eq!(body["data"]["users"]["count"], json!(expected.len()));
    let rows = body["data"]["users"]["data"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len().min(20));
    assert!(rows.iter().all(|u| matches_query(u, "john")));
    server.stop().await;
}

#[tokio::test]
async fn filters_by_query_email_status_and_their_combination() {
    let server = TestServer::start(Dialect::Crm, USERS).await;
    let all = all_users(&server).await;
    let list = "query($filter: UsersFilterInput) { users(limit: 1000, filter: $filter) { count data { id } } }";
    let check = |filter: Value, keep: Box<dyn Fn(&Value) -> bool>| {
        let expected: BTreeSet<String> = all
            .iter()
            .filter(|u| keep(u))
            .map(|u| text(u, "id"))
            .collect();
        (filter, expected)
    };
    let someone = &all[17];
    let email = text(someone, "email");
    let id = text(someone, "id");
    let id_part = id[id.len() - 4..].to_string();
    let id_upper = id.to_uppercase();
    let phone_part = all
        .iter()
        .find_map(|u| u["phoneNumber"].as_str())
        .map(|p| p[p.len() - 5..].to_string())
        .unwrap();
    let cases = vec![
        check(
            json!({ "query": "GMAIL" }),
            Box::new(|u| matches_query(u, "gmail")),
        ),
        check(
            json!({ "query": id_part.clone() }),
            Box::new({
                let id_part = id_part.clone();
                move |u| matches_query(u, &id_part)
            }),
        ),
        check(
            json!({ "query": id_upper.clone() }),
            Box::new({
                let id = id.clone();
                move |u| text(u, "id") == id
            }),
        ),
        check(
            json!({ "query": phone_part.clone() }),
            Box::new({
                let phone_part = phone_part.clone();
                move |u| matches_query(u, &phone_part)
            }),
        ),
        // Shorter than a trigram: answered by a scan, same meaning.
        check(
            json!({ "query": "jo" }),
            Box::new(|u| matches_query(u, "jo")),
        ),
        check(json!({ "query": "" }), Box::new(|_| true)),
        // LIKE and FTS syntax in the text are matched literally.
        check(json!({ "query": "%" }), Box::new(|u| matches_query(u, "%"))),
        check(json!({ "query": "_" }), Box::new(|u| matches_query(u, "_"))),
        check(json!({ "query": "\"a\" OR b*" }), Box::new(|_| false)),
        check(
            json!({ "email": email.to_uppercase() }),
            Box::new({
                let email = email.clone();
                move |u| text(u, "email").eq_ignore_ascii_case(&email)
            }),
        ),
        check(
            json!({ "status": "BLOCKED" }),
            Box::new(|u| text(u, "status") == "BLOCKED"),
        ),
        check(
            json!({ "status": "PENDING", "query": "mail" }),
            Box::new(|u| text(u, "status") == "PENDING" && matches_query(u, "mail")),
        ),
        check(
            json!({ "query": "gmail", "email": email.clone(), "status": text(someone, "status") }),
            Box::new({
                let email = email.clone();
                move |u| matches_query(u, "gmail") && text(u, "email").eq_ignore_ascii_case(&email)
            }),
        ),
    ];
    for (filter, expected) in cases {
        let data = server.data(list, json!({ "filter": filter })).await;
        let got: BTreeSet<String> = ids(&data["users"]["data"]).into_iter().collect();
        assert_eq!(got, expected, "filter {filter}");
        assert_eq!(
            data["users"]["count"],
            json!(expected.len()),
            "count of {filter}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn orders_by_every_allowed_field_both_ways_with_stable_ties() {
    let server = TestServer::start(Dialect::Crm, USERS).await;
    let query = "query($by: String, $order: OrderDirection) { users(limit: 1000, orderBy: $by, order: $order) { data { id username email createdAt updatedAt status } } }";
    let filtered = "query($by: String, $order: OrderDirection) { users(limit: 1000, orderBy: $by, order: $order, filter: { status: BLOCKED }) { data { id } } }";
    for by in [
        "id",
        "username",
        "email",
        "createdAt",
        "updatedAt",
        "status",
    ] {
        for order in ["ASC", "DESC"] {
            let data = server
                .data(query, json!({ "by": by, "order": order }))
                .await;
            let rows = data["users"]["data"].as_array().unwrap();
            assert_eq!(rows.len() as u64, USERS);
            let keys: Vec<(String, String)> =
                rows.iter().map(|u| (text(u, by), text(u, "id"))).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            if order == "DESC" {
                sorted.reverse();
            }
            assert_eq!(keys, sorted, "orderBy {by} {order}");
            // The same request twice gives the same order.
            let again = server
                .data(query, json!({ "by": by, "order": order }))
                .await;
            assert_eq!(ids(&again["users"]["data"]), ids(&data["users"]["data"]));
            // With a status filter: the same order, restricted to that status.
            let blocked = server
                .data(filtered, json!({ "by": by, "order": order }))
                .await;
            let expected: Vec<String> = rows
                .iter()
                .filter(|u| u["status"] == "BLOCKED")
                .map(|u| text(u, "id"))
                .collect();
            assert!(!expected.is_empty());
            assert_eq!(
                ids(&blocked["users"]["data"]),
                expected,
                "BLOCKED by {by} {order}"
            );
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn paging_edges() {
    let server = TestServer::start(Dialect::Crm, 1_050).await;
    let page = "query($limit: Int, $offset: Int) { users(limit: $limit, offset: $offset) { count limit offset data { id } } }";

    let past = server
        .data(page, json!({ "limit": 10, "offset": 5_000 }))
        .await;
    assert_eq!(past["users"]["data"], json!([]));
    assert_eq!(past["users"]["count"], 1_050);
    assert_eq!(past["users"]["offset"], 5_000);

    let last = server
        .data(page, json!({ "limit": 10, "offset": 1_045 }))
        .await;
    assert_eq!(last["users"]["data"].as_array().unwrap().len(), 5);

    let one = server.data(page, json!({ "limit": 1 })).await;
    assert_eq!(one["users"]["data"].as_array().unwrap().len(), 1);
    assert_eq!(one["users"]["limit"], 1);

    let most = server.data(page, json!({ "limit": 1000 })).await;
    assert_eq!(most["users"]["data"].as_array().unwrap().len(), 1000);

    // An explicit null is the default, like an absent argument.
    let nulls = server
        .data(page, json!({ "limit": null, "offset": null }))
        .await;
    assert_eq!(nulls["users"]["limit"], 10);
    assert_eq!(nulls["users"]["data"].as_array().unwrap().len(), 10);

    for limit in [0, 1001, -1] {
        let body = server.gql(page, json!({ "limit": limit })).await;
        let message = expect_error(&body, "INVALID_ARGUMENTS");
        assert!(message.contains("limit"), "{message}");
        assert_eq!(body["data"], Value::Null);
    }
    let body = server.gql(page, json!({ "offset": -1 })).await;
    expect_error(&body, "INVALID_ARGUMENTS");
    server.stop().await;
}

#[tokio::test]
async fn unknown_order_by_is_invalid_arguments() {
    let server = TestServer::start(Dialect::Crm, 20).await;
    let body = server
        .gql(SEED_USERS, json!({ "orderBy": "password" }))
        .await;
    let message = expect_error(&body, "INVALID_ARGUMENTS");
    assert!(message.contains("orderBy"), "{message}");
    assert_eq!(body["errors"][0]["path"], json!(["users"]));
    server.stop().await;
}

#[tokio::test]
async fn seed_user_document_shows_sessions_and_overlapping_users() {
    let server = TestServer::start(Dialect::Crm, USERS).await;
    let all = all_users(&server).await;
    // Who had a session from which IP, from the listing.
    let mut by_ip: HashMap<String, BTreeSet<String>> = HashMap::new();
    for user in &all {
        for session in user["sessions"]["all"].as_array().unwrap() {
            if let Some(ip) = session["ipAddress"].as_str() {
                by_ip
                    .entry(ip.to_string())
                    .or_default()
                    .insert(text(user, "id"));
            }
        }
    }
    let mut with_overlap = 0;
    for user in all.iter().take(60) {
        let id = text(user, "id");
        let data = server.data(SEED_USER, json!({ "id": id })).await;
        let detail = &data["user"];
        assert_eq!(detail["id"], json!(id));
        let sessions = detail["sessions"]["all"].as_array().unwrap();
        assert_eq!(
            detail["sessions"]["aggregatedInfo"]["totalLogins"],
            json!(sessions.len())
        );
        let created: Vec<&str> = sessions
            .iter()
            .map(|s| s["createdAt"].as_str().unwrap())
            .collect();
        assert!(
            created.windows(2).all(|w| w[0] >= w[1]),
            "newest first: {created:?}"
        );
        if sessions.is_empty() {
            assert_eq!(detail["sessions"]["first"], Value::Null);
            assert_eq!(detail["sessions"]["last"], Value::Null);
        } else {
            assert_eq!(detail["sessions"]["last"]["id"], sessions[0]["id"]);
            assert_eq!(
                detail["sessions"]["first"]["id"],
                sessions[sessions.len() - 1]["id"]
            );
            for s in sessions {
                assert!(s["sessionId"].as_str().unwrap().starts_with("sess_"));
                assert!(s["isActive"].is_boolean());
                assert!(s["deviceName"].is_string() && s["city"].is_string());
            }
        }
        let expected: BTreeSet<String> = sessions
            .iter()
            .filter_map(|s| s["ipAddress"].as_str())
            .flat_map(|ip| by_ip[ip].iter().cloned())
            .filter(|other| *other != id)
            .collect();
        let got: BTreeSet<String> = ids(&detail["overlapIPUsers"]).into_iter().collect();
        assert_eq!(got, expected, "overlapping users of {id}");
        if !got.is_empty() {
            with_overlap += 1;
        }
    }
    assert!(
        with_overlap >= 10,
        "a good share of users overlap: {with_overlap} of 60"
    );
    server.stop().await;
}

#[tokio::test]
async fn unknown_user_is_null_with_resource_not_found() {
    let server = TestServer::start(Dialect::Crm, 20).await;
    let body = server.gql(SEED_USER, json!({ "id": "no-such-user" })).await;
    expect_error(&body, "RESOURCE_NOT_FOUND");
    // As in the seed's example error response.
    assert_eq!(body["data"], json!({ "user": null }));
    assert_eq!(body["errors"][0]["path"], json!(["user"]));
    assert!(body["errors"][0]["locations"][0]["line"].is_number());
    server.stop().await;
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_unauthorized_with_null_data() {
    let server = TestServer::start(Dialect::Crm, 20).await;
    for token in [None, Some("wrong"), Some("")] {
        let body = server.gql_as(token, SEED_USERS, json!({})).await;
        expect_error(&body, "UNAUTHORIZED");
        assert_eq!(body["data"], Value::Null);
    }
    let body = server
        .gql_as(None, SEED_BLOCK, json!({ "ids": ["x"] }))
        .await;
    expect_error(&body, "UNAUTHORIZED");
    assert_eq!(
        server.gql_as(Some(TOKEN), SEED_USERS, json!({})).await["errors"],
        Value::Null
    );
    server.stop().await;
}

#[tokio::test]
async fn seed_block_and_activate_examples() {
    let server = TestServer::start(Dialect::Crm, 50).await;
    // As written in the seed: ids that do not exist.
    let body = server
        .gql(SEED_BLOCK, json!({ "ids": ["user1", "user2"] }))
        .await;
    let message = expect_error(&body, "RESOURCE_NOT_FOUND");
    assert!(
        message.contains("user1") && message.contains("user2"),
        "{message}"
    );
    assert_eq!(body["data"], Value::Null);

    let active = server
        .data(
            "{ users(limit: 3, filter: { status: ACTIVE }) { data { id } } }",
            json!({}),
        )
        .await;
    let chosen = ids(&active["users"]["data"]);
    assert_eq!(chosen.len(), 3);
    let data = server.data(SEED_BLOCK, json!({ "ids": chosen })).await;
    assert_eq!(data["blockUsers"], true);
    assert_eq!(server.statuses(&chosen).await, vec!["BLOCKED"; 3]);
    let data = server.data(SEED_ACTIVE, json!({ "ids": chosen })).await;
    assert_eq!(data["activeUsers"], true);
    assert_eq!(server.statuses(&chosen).await, vec!["ACTIVE"; 3]);
    // An empty list changes nothing and succeeds.
    assert_eq!(
        server.data(SEED_BLOCK, json!({ "ids": [] })).await["blockUsers"],
        true
    );
    server.stop().await;
}

#[tokio::test]
async fn blocking_is_all_or_nothing() {
    let server = TestServer::start(Dialect::Crm, 50).await;
    let active = server
        .data(
            "{ users(limit: 4, filter: { status: ACTIVE }) { data { id updatedAt } } }",
            json!({}),
        )
        .await;
    let chosen = ids(&active["users"]["data"]);
    let mut mixed = chosen.clone();
    mixed.insert(2, "00000000-0000-4000-8000-000000000000".to_string());
    let body = server.gql(SEED_BLOCK, json!({ "ids": mixed })).await;
    let message = expect_error(&body, "RESOURCE_NOT_FOUND");
    assert!(
        message.contains("00000000-0000-4000-8000-000000000000"),
        "{message}"
    );
    assert!(
        !message.contains(&chosen[0]),
        "only the unknown id is named: {message}"
    );
    assert_eq!(server.statuses(&chosen).await, vec!["ACTIVE"; 4]);
    let after = server
        .data(
            "{ users(limit: 4, filter: { status: ACTIVE }) { data { id updatedAt } } }",
            json!({}),
        )
        .await;
    assert_eq!(after, active, "not even updatedAt moved");
    // The same ids without the unknown one all change.
    server.data(SEED_BLOCK, json!({ "ids": chosen })).await;
    assert_eq!(server.statuses(&chosen).await, vec!["BLOCKED"; 4]);
    server.stop().await;
}

#[tokio::test]
async fn malformed_requests_get_errors_not_crashes() {
    let server = TestServer::start(Dialect::Crm, 10).await;
    let body = server
        .gql("{ users(limit: \"ten\") { count } }", json!({}))
        .await;
    assert!(body["errors"].is_array(), "{body}");
    let body = server.gql("{ users { nosuchfield } }", json!({})).await;
    assert!(body["errors"].is_array(), "{body}");
    let body = server.gql("{ users(", json!({})).await;
    assert!(body["errors"].is_array(), "{body}");
    // Strange text in a filter is data, not syntax.
    for q in [
        "'; DROP TABLE crm_users; --",
        "\\",
        "NEAR(a b)",
        "\u{202e}x\u{0}",
    ] {
        let body = server
            .gql(
                "query($q: String) { users(filter: { query: $q }) { count } }",
                json!({ "q": q }),
            )
            .await;
        assert_eq!(codes(&body), Vec::<String>::new(), "{q:?}: {body}");
    }
    assert_eq!(
        server.data("{ users { count } }", json!({})).await["users"]["count"],
        10
    );
    server.stop().await;
}

#[tokio::test]
async fn common_text_filters_page_the_same_by_every_order() {
    // Enough users that a common text matches thousands: early pages then walk the sort
    // index instead of sorting every match. The answer must not change.
    let server = TestServer::start(Dialect::Crm, 4_000).await;
    let mut all: Vec<Value> = Vec::new();
    for offset in (0..4_000).step_by(1000) {
        let data = server
            .data(
                "query($o: Int) { users(limit: 1000, offset: $o) { data { id username email phoneNumber status createdAt updatedAt } } }",
                json!({ "o": offset }),
            )
            .await;
        all.extend(data["users"]["data"].as_array().unwrap().iter().cloned());
    }
    let page = "query($q: String, $s: UserStatus, $by: String, $order: OrderDirection, $o: Int) { users(limit: 50, offset: $o, orderBy: $by, order: $order, filter: { query: $q, status: $s }) { count data { id } } }";
    for (needle, status) in [("usr_", None), ("USR_000", Some("ACTIVE"))] {
        let matching: Vec<&Value> = all
            .iter()
            .filter(|u| matches_query(u, needle) && status.is_none_or(|s| u["status"] == s))
            .collect();
        assert!(
            matching.len() >= 2_000,
            "{needle}: {} matches",
            matching.len()
        );
        for by in [
            "id",
            "username",
            "email",
            "createdAt",
            "updatedAt",
            "status",
        ] {
            for order in ["ASC", "DESC"] {
                let mut keys: Vec<(String, String)> = matching
                    .iter()
                    .map(|u| {
                        let key = if by == "email" {
                            text(u, by).to_lowercase()
                        } else {
                            text(u, by)
                        };
                        (key, text(u, "id"))
                    })
                    .collect();
                keys.sort();
                if order == "DESC" {
                    keys.reverse();
                }
                for offset in [0, 950] {
                    let data = server
                        .data(page, json!({ "q": needle, "s": status, "by": by, "order": order, "o": offset }))
                        .await;
                    assert_eq!(data["users"]["count"], json!(matching.len()));
                    let expected: Vec<String> = keys
                        .iter()
                        .skip(offset)
                        .take(50)
                        .map(|(_, id)| id.clone())
                        .collect();
                    assert_eq!(
                        ids(&data["users"]["data"]),
                        expected,
                        "{needle} {status:?} by {by} {order} at {offset}"
                    );
                }
            }
        }
    }
    server.stop().await;
}
