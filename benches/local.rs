//! training lists every user at once, so the client pages, filters and sorts in memory:
//! these are the costs per keystroke over 100,000 users (the list fetched once from the
//! embedded server).

mod common;

use std::time::{Duration, Instant};

use common::{other_order, training_users, worst_filter};
use criterion::{Criterion, criterion_group, criterion_main};
use userdeck::api::model::{ListQuery, SortField};

/// How many users, unless `LOCAL_BENCH_USERS` says.
const USERS: u64 = 100_000;

fn local(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let started = Instant::now();
    let users = std::env::var("LOCAL_BENCH_USERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(USERS);
    let local = training_users(&runtime, users);
    eprintln!(
        "generated, fetched, decoded and folded {} users in {:.2} s",
        local.len(),
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    local.page(&ListQuery {
        sort: SortField::Name,
        ..ListQuery::default()
    });
    eprintln!("first page by name, picked, in {:?}", started.elapsed());
    let started = Instant::now();
    local.prepare(SortField::Name);
    eprintln!("sorted by name in {:?}", started.elapsed());

    let mut group = c.benchmark_group(format!("training_{}k_in_memory", users / 1000));
    group.measurement_time(Duration::from_secs(5));
    let query = |text: &str| ListQuery {
        text: Some(text.to_string()),
        sort: SortField::Name,
        limit: 50,
        ..ListQuery::default()
    };
    // A keystroke is a new listing: before each, a listing of another order is asked, so
    // nothing kept from the last one helps (the worst case of a keystroke).
    let other = other_order();
    // As the dashboard has them after its first page: each order is kept (a listing of
    // an order not kept is picked, and leaves the last listing kept as it was).
    local.prepare(other.sort);
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
    let (a, an) = (worst_filter("a"), worst_filter("an"));
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
