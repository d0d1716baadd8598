//! What the benchmarks share: a dashboard with its detail pane open over a page of any
//! size, and 100,000 training users read from the embedded server.

#![allow(dead_code)] // each benchmark uses part of it

#[path = "../../tests/fixtures/mod.rs"]
mod fixtures;

use userdeck::api::client::{Client, ClientConfig};
use userdeck::api::local::LocalUsers;
use userdeck::api::model::{
    Capabilities, Field, ListQuery, Overlap, Session, SessionInfo, SortField, Status, User,
    UserDetail,
};
use userdeck::api::ops;
use userdeck::app::{App, AppConfig, Event};
use userdeck::dialect::Dialect;
use userdeck::server::{self, ServerOptions};

pub fn user(n: u64) -> User {
    User {
        id: format!("usr_{n:08}"),
        name: format!("user.name.{n}"),
        email: Some(format!("someone.{n}@example.com")),
        status: [Status::Active, Status::Blocked, Status::Pending][(n % 3) as usize].clone(),
        verified: Some(n.is_multiple_of(2)),
        phone: Some(format!("+31 6 {n:08}")),
        created_at: Some("2025-03-04T10:00:00.000Z".into()),
        updated_at: Some("2026-01-02T10:00:00.000Z".into()),
        ..User::default()
    }
}

pub fn detail() -> UserDetail {
    let session = |i: u64| Session {
        id: i.to_string(),
        session_id: format!("sess_{i:016x}"),
        device_name: Some("ThinkPad X1 Carbon".into()),
        device_type: Some("desktop".into()),
        browser: Some("Firefox".into()),
        operating_system: Some("Windows 11".into()),
        ip_address: Some(format!("94.12.7.{i}")),
        country: Some("Netherlands".into()),
        region: Some("Utrecht".into()),
        city: Some("Utrecht".into()),
        active: i == 0,
        created_at: "2026-05-01T09:00:00.000Z".into(),
        updated_at: "2026-05-01T10:00:00.000Z".into(),
        last_active_at: Some("2026-05-02T10:00:00.000Z".into()),
    };
    UserDetail {
        user: user(0),
        fields: (0..10)
            .map(|i| Field::new("field", Some(format!("value {i}"))))
            .collect(),
        sessions: Some(SessionInfo {
            all: (0..12).map(session).collect(),
            total_logins: 12,
            first: Some(("11".into(), "2026-05-01T09:00:00.000Z".into())),
            last: Some(("0".into(), "2026-05-01T09:00:00.000Z".into())),
        }),
        overlaps: Some(
            (1..6)
                .map(|n| Overlap {
                    user: user(n),
                    shared_ips: vec!["94.12.7.1".into()],
                    last_seen: Default::default(),
                })
                .collect(),
        ),
        ..UserDetail::default()
    }
}

/// A crm dashboard holding `rows` users, the first one open in the detail pane beside
/// the table (200 columns wide, 46 rows of users).
pub fn app(rows: u64) -> App {
    let config = AppConfig {
        page_size: rows,
        ..AppConfig::new(Capabilities::of(Dialect::Crm), "bench")
    };
    let mut app = fixtures::app_with(config, (0..rows).map(user).collect(), rows);
    fixtures::open_detail(&mut app, detail());
    app.update(Event::Resize {
        table_rows: 46,
        side_by_side: true,
        detail_overflow: 0,
    });
    app
}

/// Every user of a training server of `users`, as the dashboard reads and keeps them.
pub fn training_users(runtime: &tokio::runtime::Runtime, users: u64) -> LocalUsers {
    runtime.block_on(async {
        let options = ServerOptions {
            dialect: Dialect::Training,
            users,
            listen: "127.0.0.1:0".parse().expect("an address"),
            ..ServerOptions::default()
        };
        let server = server::spawn(&options).await.expect("server");
        let client = Client::new(ClientConfig::new(server.url(), Dialect::Training)).unwrap();
        let all = ops::training_all(&client).await.expect("the list");
        server.shutdown().await.expect("stops");
        all
    })
}

/// The training filter's worst keystroke: text `text`, active users only, by name
/// descending, 20,000 rows in.
pub fn worst_filter(text: &str) -> ListQuery {
    ListQuery {
        text: Some(text.into()),
        status: Some(Status::Active),
        sort: SortField::Name,
        descending: true,
        offset: 20_000,
        ..ListQuery::default()
    }
}

/// A listing in another order: asked before a keystroke, it leaves nothing kept to help.
pub fn other_order() -> ListQuery {
    ListQuery {
        sort: SortField::Email,
        ..ListQuery::default()
    }
}

/// A GraphQL request that must succeed, and its answer.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    query: &str,
    variables: serde_json::Value,
) -> serde_json::Value {
    let body: serde_json::Value = client
        .post(url)
        .json(&serde_json::json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert!(body.get("errors").is_none(), "{body}");
    body
}
