//! training lists every user at once, so the client pages, filters and sorts in memory:
//! these are the costs per keystroke over 100,000 users (the list fetched once from the
//! embedded server).

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use userdeck::api::client::{Client, ClientConfig};
use userdeck::api::local::LocalUsers;
use userdeck::api::model::{ListQuery, SortField, Status};
use userdeck::api::ops;
use userdeck::dialect::Dialect;
use userdeck::server::{self, ServerOptions};

const USERS: u64 = 100_000;

fn local(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let users = runtime.block_on(async {
        let options = ServerOptions {
            dialect: Dialect::Training,
            users: USERS,
            listen: "127.0.0.1:0".parse().unwrap(),
            ..ServerOptions::default()
        };
        let server = server::spawn(&options).await.expect("server");
        let client = Client::new(ClientConfig::new(server.url(), Dialect::Training)).unwrap();
        let started = Instant::now();
        let users = ops::training_all(&client).await.expect("the list");
        eprintln!(
            "fetched and decoded {} users in {:.2} s",
            users.len(),
            started.elapsed().as_secs_f64()
        );
        server.shutdown().await.expect("stops");
        users
    });
    let started = Instant::now();
    let local = LocalUsers::new(users);
    eprintln!("folded for search in {:?}", started.elapsed());
    let started = Instant::now();
    local.page(&ListQuery {
        sort: SortField::Name,
        ..ListQuery::default()
    });
    eprintln!("first sort by name in {:?}", started.elapsed());

    let mut group = c.benchmark_group("training_100k_in_memory");
    group.measurement_time(Duration::from_secs(5));
    let query = |text: &str| ListQuery {
        text: Some(text.to_string()),
        sort: SortField::Name,
        limit: 50,
        ..ListQuery::default()
    };
    // A keystroke is a new listing: before each, a listing of another order is asked, so
    // nothing kept from the last one helps (the worst case of a keystroke).
    let other = ListQuery {
        sort: SortField::Email,
        ..ListQuery::default()
    };
    for (name, text) in [
        ("filter_jan", "jan"),
        ("filter_no_match", "zzzqqq"),
        ("no_filter", ""),
    ] {
        let asked = query(text);
        group.bench_function(name, |b| {
            b.iter_batched(
                || local.page(&other),
                |_| local.page(&asked),
                criterion::BatchSize::PerIteration,
            )
        });
    }
    let worst = |text: &str| ListQuery {
        text: Some(text.into()),
        status: Some(Status::Active),
        sort: SortField::Name,
        descending: true,
        offset: 20_000,
        ..ListQuery::default()
    };
    let (a, an) = (worst("a"), worst("an"));
    group.bench_function("filter_a_active_deep_desc", |b| {
        b.iter_batched(
            || local.page(&other),
            |_| local.page(&a),
            criterion::BatchSize::PerIteration,
        )
    });
    group.bench_function("narrowed_a_to_an_active_deep_desc", |b| {
        b.iter_batched(
            || local.page(&a),
            |_| local.page(&an),
            criterion::BatchSize::PerIteration,
        )
    });
    group.bench_function("page_turn_a_active_deep_desc", |b| {
        local.page(&a);
        b.iter(|| local.page(&a))
    });
    group.finish();
}

criterion_group!(benches, local);
criterion_main!(benches);
