//! Fault injection (`--faults`) against the embedded server over real HTTP: failed and
//! garbled answers by request number, mutations that are applied but lose their answer,
//! latency as a lower bound, and faults switched on and off while the server runs; and the
//! client reading through a garbled answer.

mod common;

use std::time::{Duration, Instant};

use common::{TOKEN, TestServer};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;
use userdeck::server::ServerOptions;
use userdeck::server::faults::FaultSpec;

const COUNT: &str = "{ users { count } }";
const BLOCK: &str = "mutation BlockUsers($ids: [ID!]!) { blockUsers(ids: $ids) }";

/// A crm server of 40 users behind [`TOKEN`], injecting `faults` from its start.
async fn start(faults: &str) -> TestServer {
    TestServer::with_options(ServerOptions {
        dialect: Dialect::Crm,
        users: 40,
        seed: 7,
        listen: "127.0.0.1:0".parse().unwrap(),
        token: Some(TOKEN.to_string()),
        faults: spec(faults),
        ..ServerOptions::default()
    })
    .await
}

fn spec(s: &str) -> FaultSpec {
    s.parse().expect("a valid spec")
}

/// An answer as it came: status and body text, whatever they are.
struct Raw {
    status: u16,
    body: String,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// POSTs `query` (as operation `operation`, when given) with the right token.
async fn post(server: &TestServer, query: &str, variables: Value, operation: Option<&str>) -> Raw {
    post_as(server, Some(TOKEN), query, variables, operation).await
}

async fn post_as(
    server: &TestServer,
    token: Option<&str>,
    query: &str,
    variables: Value,
    operation: Option<&str>,
) -> Raw {
    let mut body = json!({ "query": query, "variables": variables });
    if let Some(operation) = operation {
        body["operationName"] = json!(operation);
    }
    let mut request = reqwest::Client::new().post(&server.url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the request is answered");
    let status = response.status().as_u16();
    let body = response.text().await.expect("a body");
    Raw { status, body }
}

/// Asserts a normal answer to [`COUNT`].
fn assert_counted(raw: &Raw, what: &str) {
    assert_eq!(raw.status, 200, "{what}: {}", raw.body);
    assert_eq!(raw.json()["data"]["users"]["count"], 40, "{what}");
}

fn assert_failed(raw: &Raw, what: &str) {
    assert_eq!(raw.status, 500, "{what}: {}", raw.body);
    assert!(!raw.body.is_empty(), "{what}: a short text says why");
}

fn assert_bad_body(raw: &Raw, what: &str) {
    assert_eq!(raw.status, 200, "{what}");
    assert!(
        serde_json::from_str::<Value>(&raw.body).is_err(),
        "{what}: not JSON: {}",
        raw.body
    );
}

/// `n` ACTIVE users' ids.
async fn active_ids(server: &TestServer, n: usize) -> Vec<String> {
    let data = server
        .data(
            "query($n: Int) { users(limit: $n, filter: { status: ACTIVE }) { data { id } } }",
            json!({ "n": n }),
        )
        .await;
    let ids: Vec<String> = data["users"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), n);
    ids
}

#[tokio::test]
async fn fail_one_in_two_fails_the_even_requests() {
    let server = start("fail=1/2").await;
    for k in 1..=4 {
        let raw = post(&server, COUNT, json!({}), None).await;
        if k % 2 == 0 {
            assert_failed(&raw, &format!("request {k}"));
        } else {
            assert_counted(&raw, &format!("request {k}"));
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn bad_body_one_in_one_garbles_every_answer() {
    let server = start("bad-body=1/1").await;
    for k in 1..=3 {
        let raw = post(&server, COUNT, json!({}), None).await;
        assert_bad_body(&raw, &format!("request {k}"));
    }
    server.stop().await;
}

#[tokio::test]
async fn a_mutation_that_loses_its_answer_was_applied() {
    let server = start("none").await;
    let ids = active_ids(&server, 2).await;

    server.server.faults().set(spec("lose-answer"));
    let raw = post(
        &server,
        BLOCK,
        json!({ "ids": [ids[0]] }),
        Some("BlockUsers"),
    )
    .await;
    assert_failed(&raw, "lose-answer alone: every mutation's answer is lost");
    let raw = post(&server, COUNT, json!({}), None).await;
    assert_counted(&raw, "a query is not affected by lose-answer");

    server.server.faults().set(spec("bad-body=1/1,lose-answer"));
    let raw = post(&server, BLOCK, json!({ "ids": [ids[1]] }), None).await;
    assert_bad_body(&raw, "the answer lost to a bad body");

    server.server.faults().set(FaultSpec::default());
    assert_eq!(server.statuses(&ids).await, ["BLOCKED", "BLOCKED"]);
    server.stop().await;
}

#[tokio::test]
async fn a_failed_mutation_without_lose_answer_was_not_applied() {
    let server = start("none").await;
    let ids = active_ids(&server, 2).await;

    server.server.faults().set(spec("fail=1/1"));
    let raw = post(&server, BLOCK, json!({ "ids": ids }), Some("BlockUsers")).await;
    assert_failed(&raw, "failed before it ran");
    server.server.faults().set(spec("bad-body=1/1"));
    let raw = post(&server, BLOCK, json!({ "ids": ids }), None).await;
    assert_bad_body(&raw, "garbled before it ran");

    server.server.faults().set(FaultSpec::default());
    assert_eq!(server.statuses(&ids).await, ["ACTIVE", "ACTIVE"]);
    server.stop().await;
}

#[tokio::test]
async fn set_switches_faults_on_and_off_while_the_server_runs() {
    let server = start("none").await;
    assert_counted(&post(&server, COUNT, json!({}), None).await, "no faults");

    server.server.faults().set(spec("fail=1/1"));
    assert_eq!(server.server.faults().spec(), spec("fail=1/1"));
    assert_failed(&post(&server, COUNT, json!({}), None).await, "on");
    // Faults come before the token check.
    let raw = post_as(&server, None, COUNT, json!({}), None).await;
    assert_failed(&raw, "without a token");

    server.server.faults().set(spec("fail=1/2"));
    assert_counted(
        &post(&server, COUNT, json!({}), None).await,
        "counted from 1",
    );
    assert_failed(&post(&server, COUNT, json!({}), None).await, "request 2");

    server.server.faults().set(FaultSpec::default());
    for k in 1..=3 {
        assert_counted(
            &post(&server, COUNT, json!({}), None).await,
            &format!("off {k}"),
        );
    }
    // Unauthorized is answered as before once faults are off.
    let raw = post_as(&server, None, COUNT, json!({}), None).await;
    assert_eq!(raw.status, 200);
    assert_eq!(common::codes(&raw.json()), ["UNAUTHORIZED"]);
    server.stop().await;
}

#[tokio::test]
async fn latency_delays_every_request_by_at_least_its_duration() {
    let server = start("latency=250ms").await;
    for k in 1..=2 {
        let started = Instant::now();
        let raw = post(&server, COUNT, json!({}), None).await;
        assert!(
            started.elapsed() >= Duration::from_millis(250),
            "request {k} took {:?}",
            started.elapsed()
        );
        assert_counted(&raw, &format!("request {k}"));
    }
    server.stop().await;
}

/// The client reads through a garbled answer: a body that is not GraphQL is retried like
/// a server error.
#[tokio::test]
async fn the_client_retries_a_read_whose_body_is_not_graphql() {
    use userdeck::api::client::{Client, ClientConfig, Token};
    use userdeck::api::model::ListQuery;
    // Request 1 passes, request 2 (the read) is garbled, its retry (3) passes.
    let server = start("bad-body=1/2").await;
    let mut config = ClientConfig::new(server.url.clone(), Dialect::Crm);
    config.token = Some(Token::new(TOKEN));
    config.backoff = Duration::from_millis(1);
    let client = Client::new(config).unwrap();
    let _ = server.gql(COUNT, json!({})).await;
    let page = userdeck::api::ops::crm_page(&client, &ListQuery::default()).await;
    assert_eq!(page.expect("read after a retry").total, 40);
    server.stop().await;
}
