//! Shared by the integration tests: an embedded server on 127.0.0.1 with a port the OS
//! picks, and a GraphQL client over real HTTP.
#![allow(dead_code)]

mod env;
pub mod proxy;
pub mod tls;

#[allow(unused_imports)]
pub use env::{home_with_config, isolated_env, userdeck_in};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;
use userdeck::server::{self, RunningServer, ServerOptions};

pub const TOKEN: &str = "test-token-8c1f";

/// A userdeck client of `dialect` for `server`, with its token.
pub fn client_for(server: &TestServer, dialect: Dialect) -> userdeck::api::client::Client {
    let mut config = userdeck::api::client::ClientConfig::new(server.url.clone(), dialect);
    config.token = Some(userdeck::api::client::Token::new(TOKEN));
    userdeck::api::client::Client::new(config).unwrap()
}

pub struct TestServer {
    pub server: RunningServer,
    pub url: String,
    client: reqwest::Client,
}

impl TestServer {
    /// A server of `dialect` with `users` generated users, behind [`TOKEN`].
    pub async fn start(dialect: Dialect, users: u64) -> TestServer {
        TestServer::with_options(ServerOptions {
            dialect,
            users,
            seed: 7,
            listen: "127.0.0.1:0".parse().unwrap(),
            db: None,
            token: Some(TOKEN.to_string()),
            faults: Default::default(),
            hostile: false,
            tls: None,
            require_header: None,
        })
        .await
    }

    pub async fn with_options(options: ServerOptions) -> TestServer {
        let server = server::spawn(&options).await.expect("server starts");
        let url = server.url();
        TestServer {
            server,
            url,
            client: reqwest::Client::new(),
        }
    }

    /// Sends `query` with `variables` and the right token; the whole response body.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.gql_as(Some(TOKEN), query, variables).await
    }

    /// Sends `query` with `variables` and `token` (none: no Authorization header).
    pub async fn gql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request is answered");
        assert_eq!(response.status(), 200, "GraphQL answers with HTTP 200");
        response.json().await.expect("the body is JSON")
    }

    /// `data` of a response that must have no errors.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// The ids of the first `n` crm users (by creation).
    pub async fn ids(&self, n: usize) -> Vec<String> {
        let data = self
            .data(
                "query($n: Int) { users(limit: $n) { data { id } } }",
                json!({ "n": n }),
            )
            .await;
        ids(&data["users"]["data"])
    }

    /// The crm status of every user in `ids`, in that order.
    pub async fn statuses(&self, ids: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for id in ids {
            let data = self
                .data(
                    "query($id: ID!) { user(id: $id) { status } }",
                    json!({ "id": id }),
                )
                .await;
            out.push(data["user"]["status"].as_str().unwrap().to_string());
        }
        out
    }

    pub async fn stop(self) {
        self.server.shutdown().await.expect("server stops cleanly");
    }
}

/// The `id` of every user in a JSON list of users.
pub fn ids(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect()
}

/// The `extensions.code` of every error of a response.
pub fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts that `body` failed with exactly one error of `code`, and returns its message.
pub fn expect_error(body: &Value, code: &str) -> String {
    assert_eq!(codes(body), vec![code.to_string()], "response: {body}");
    body["errors"][0]["message"]
        .as_str()
        .expect("an error has a message")
        .to_string()
}

/// Blocks `ids` as the dashboard would — their statuses before known as active,
/// journalled at `journal` under `profile` — while the server misbehaves as `faults` says;
/// the ledger it came to.
pub async fn block_journalled(
    server: &TestServer,
    journal: &std::path::Path,
    profile: &str,
    ids: &[String],
    faults: &str,
) -> userdeck::api::ledger::Ledger {
    use userdeck::api::bulk::{self, Batch, Stop};
    use userdeck::api::journal::Journal;
    use userdeck::api::model::{BulkAction, Status};
    let journal = Journal::new(journal, profile, &server.url);
    let client = client_for(server, Dialect::Crm).with_journal(journal.clone());
    let before = ids.iter().map(|id| (id.clone(), Status::Active)).collect();
    let spec = server.server.faults();
    spec.set(faults.parse().unwrap());
    let ledger = bulk::run(
        &client,
        BulkAction::Block,
        ids,
        100,
        &Batch::new(before, None),
        Stop::never(),
        |_| {},
    )
    .await;
    spec.set(Default::default());
    journal.flush();
    ledger
}

/// The first `n` active crm users.
pub async fn active_users(server: &TestServer, n: usize) -> Vec<String> {
    let ids = server.ids(80).await;
    let statuses = server.statuses(&ids).await;
    ids.into_iter()
        .zip(statuses)
        .filter(|(_, s)| s == "ACTIVE")
        .map(|(id, _)| id)
        .take(n)
        .collect()
}

impl TestServer {
    /// A crm server of 5 users over HTTPS, its certificate (for 127.0.0.1 and localhost)
    /// signed by `ca` and valid until `days` from now; with `client_ca`, only clients with
    /// a certificate that CA signed get in.
    pub async fn https(ca: &tls::Ca, days: i64, client_ca: Option<&tls::Ca>) -> TestServer {
        TestServer::with_options(TestServer::https_options(ca, days, client_ca)).await
    }

    /// The options of [`TestServer::https`], to add to.
    pub fn https_options(ca: &tls::Ca, days: i64, client_ca: Option<&tls::Ca>) -> ServerOptions {
        let cert = ca.server_cert(&["127.0.0.1", "localhost"], tls::in_days(days));
        ServerOptions {
            dialect: Dialect::Crm,
            users: 5,
            seed: 7,
            listen: "127.0.0.1:0".parse().unwrap(),
            token: Some(TOKEN.into()),
            tls: Some(userdeck::server::TlsFiles {
                cert: cert.cert,
                key: cert.key,
                client_ca: client_ca.map(|c| c.cert.clone()),
            }),
            ..ServerOptions::default()
        }
    }
}
