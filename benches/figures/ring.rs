//! The ring of depth 2 around an account linked to 500 others, from a server answering
//! every request 100 ms late: what an on-call operator waits for after `:ring`.

use std::time::Instant;

use userdeck::api::client::{Client, ClientConfig};
use userdeck::dialect::Dialect;
use userdeck::server::{self, ServerOptions};
use userdeck::signals::Thresholds;

use crate::{Figure, median};

/// The start account and the ring's size.
const START: i64 = 100;
const NEAR: i64 = 24;
const EACH: i64 = 21;

pub fn figure(runtime: &tokio::runtime::Runtime) -> Figure {
    let dir = tempfile::tempdir().expect("a directory");
    let db = dir.path().join("crm.sqlite");
    let options = |faults: &str| ServerOptions {
        dialect: Dialect::Crm,
        users: 10_000,
        db: Some(db.clone()),
        listen: "127.0.0.1:0".parse().expect("an address"),
        faults: faults.parse().expect("a fault spec"),
        ..ServerOptions::default()
    };
    // Generated once, then a ring written into the file: the start shares an address with
    // 24 accounts, and each of those one of its own with 21 more.
    let server = runtime
        .block_on(server::spawn(&options("")))
        .expect("the server starts");
    runtime.block_on(server.shutdown()).expect("stops");
    let conn = rusqlite::Connection::open(&db).expect("the database");
    let mut session = 50_000_000i64;
    let mut share = |user: i64, ip: &str| {
        session += 1;
        conn.execute(
            "INSERT INTO crm_sessions (user_pk, pk, ip_address, is_active, created_at, updated_at) \
             VALUES (?, ?, ?, 0, 1790000000000, 1790000000000)",
            rusqlite::params![user, session, ip],
        )
        .expect("a session");
    };
    share(START, "198.51.100.1");
    for n in 0..NEAR {
        let near = START + 1 + n;
        share(near, "198.51.100.1");
        let own = format!("198.51.{}.{}", 101 + n / 200, 2 + n % 200);
        share(near, &own);
        for m in 0..EACH {
            share(START + 1 + NEAR + n * EACH + m, &own);
        }
    }
    let server = runtime
        .block_on(server::spawn(&options("latency=100ms")))
        .expect("the server starts again");
    let client = Client::new(ClientConfig::new(server.url(), Dialect::Crm)).expect("a client");
    let start = format!("usr_{START:08}");
    let mut size = 0;
    let times = (0..3)
        .map(|_| {
            let started = Instant::now();
            let ring = runtime.block_on(userdeck::api::ring::follow(
                &client,
                &start,
                2,
                &Thresholds::default(),
                &|_, _| {},
            ));
            let ring = ring.expect("the ring");
            size = ring.members.len();
            started.elapsed()
        })
        .collect();
    let took = median(times);
    runtime.block_on(server.shutdown()).expect("stops");
    Figure {
        measure: "the ring of depth 2 around an account, at 100 ms of latency".into(),
        shown: format!("{:.2} s for {size} accounts", took.as_secs_f64()),
        value: took.as_secs_f64(),
        goal: 1.0,
        unit: " s",
        guarded: true,
    }
}
