//! The embedded server's `users` and `user` queries over real HTTP on 127.0.0.1, at
//! 10,000 and 1,000,000 users: first page, a deep page (nine tenths in), a substring
//! filter, and one user with sessions and overlapping-IP users.
//!
//! `cargo bench --bench server`; USERDECK_BENCH_SIZES=10000 limits the sizes.

mod common;

use std::time::{Duration, Instant};

use common::post;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use userdeck::dialect::Dialect;
use userdeck::server::{self, ServerOptions};

const PAGE: &str = "query($offset: Int, $orderBy: String, $filter: UsersFilterInput) { users(limit: 50, offset: $offset, orderBy: $orderBy, filter: $filter) { count data { id username email status isEmailVerified phoneNumber createdAt updatedAt } } }";
const DETAIL: &str = "query($id: ID!) { user(id: $id) { id username email status sessions { all { id deviceName deviceType browser operatingSystem ipAddress city region country isActive createdAt lastActiveAt } aggregatedInfo { totalLogins } first { id createdAt } last { id createdAt } } overlapIPUsers { id username email sessions { all { ipAddress } } } } }";

fn sizes() -> Vec<u64> {
    std::env::var("USERDECK_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 1_000_000])
}

fn users(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = reqwest::Client::new();
    for users in sizes() {
        let options = ServerOptions {
            dialect: Dialect::Crm,
            users,
            listen: "127.0.0.1:0".parse().unwrap(),
            ..ServerOptions::default()
        };
        let started = Instant::now();
        let server = runtime.block_on(server::spawn(&options)).expect("server");
        eprintln!(
            "{users} users generated and indexed in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let url = server.url();
        // A user with sessions and overlapping-IP users, from the first page.
        let first = runtime.block_on(post(
            &client,
            &url,
            "{ users(limit: 200) { data { id overlapIPUsers { id } } } }",
            json!({}),
        ));
        let busy = first["data"]["users"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .max_by_key(|u| u["overlapIPUsers"].as_array().map_or(0, Vec::len))
            .map(|u| u["id"].clone())
            .unwrap();

        let mut group = c.benchmark_group(format!("crm_{users}"));
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(5));
        let cases = [
            ("first_page", PAGE, json!({})),
            ("deep_page", PAGE, json!({ "offset": users * 9 / 10 })),
            (
                "first_page_username",
                PAGE,
                json!({ "orderBy": "username" }),
            ),
            (
                "deep_page_username",
                PAGE,
                json!({ "offset": users * 9 / 10, "orderBy": "username" }),
            ),
            (
                "filter_john",
                PAGE,
                json!({ "filter": { "query": "john" } }),
            ),
            (
                "filter_gmail_blocked",
                PAGE,
                json!({ "filter": { "query": "gmail", "status": "BLOCKED" } }),
            ),
            ("user_detail", DETAIL, json!({ "id": busy })),
        ];
        for (name, query, variables) in cases {
            group.bench_function(name, |b| {
                b.iter(|| runtime.block_on(post(&client, &url, query, variables.clone())))
            });
        }
        group.finish();
        runtime.block_on(server.shutdown()).expect("stops");
    }
}

criterion_group!(benches, users);
criterion_main!(benches);
