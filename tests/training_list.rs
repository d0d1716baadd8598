//! training's list of every user, read as it arrives, against the embedded server — also
//! misbehaving on purpose: an answer cut half-way is never taken for the list (tried
//! again, or an error with nothing printed), an error beside the data fails the list,
//! and an enum value this client does not know is kept as sent.

mod common;
mod home;
mod pty;

use common::{TestServer, client_for};
use home::Home;
use userdeck::api::local::{Loading, LocalUsers};
use userdeck::api::model::ListQuery;
use userdeck::api::{ops, training};
use userdeck::dialect::Dialect;
use userdeck::server::faults::FaultSpec;

const USERS: u64 = 300;

fn faults(server: &TestServer, spec: &str) {
    server
        .server
        .faults()
        .set(spec.parse::<FaultSpec>().unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_cut_half_way_is_tried_again_or_fails_never_shown_as_the_list() {
    let server = TestServer::start(Dialect::Training, USERS).await;
    let client = client_for(&server, Dialect::Training);
    // Every answer breaks off half-way: each try fails, and so does the read.
    faults(&server, "cut=1/1");
    let cut = ops::training_all(&client)
        .await
        .err()
        .expect("a cut list fails");
    assert!(cut.is_transient(), "{cut}");
    // The second answer is cut (the first is another read): the read is tried again
    // and the list is whole, each user once.
    faults(&server, "cut=1/2");
    server.gql("{ __typename }", serde_json::json!({})).await;
    let all = ops::training_all(&client).await.unwrap();
    assert_eq!(all.len() as u64, USERS);
    let ids: std::collections::HashSet<String> = all.iter().map(|u| u.id).collect();
    assert_eq!(ids.len() as u64, USERS);
    // Headless: an error that says where, and not one row on standard output.
    faults(&server, "cut=1/1");
    let home = Home::new(&server, Dialect::Training, "");
    for format in ["csv", "json", "ndjson", "table"] {
        let run = home.run(&["users", "list", "--format", format]).await;
        assert_ne!(run.code, 0, "{format}: {}", run.stdout);
        assert!(
            !run.stdout.contains('@'),
            "{format}: rows printed: {}",
            run.stdout
        );
        assert!(run.stderr.contains("Users"), "{format}: {}", run.stderr);
    }
    server.stop().await;
}

/// `query`'s list, read in order or in parts: whether it came whole, and the users that
/// came (all of them, or those that came whole before it broke off).
async fn list(
    client: &userdeck::api::client::Client,
    query: &str,
    in_parts: bool,
) -> (Result<(), userdeck::api::error::ApiError>, LocalUsers) {
    let mut loading = Loading::default();
    let read = if in_parts {
        client
            .read_list_in_parts(users_query(query), "users", &mut loading)
            .await
    } else {
        client
            .read_list(users_query(query), "users", &mut loading)
            .await
    };
    (read, loading.finish())
}

/// The query the client sends, with other text: the same variables and answer type.
fn users_query(text: &str) -> cynic::Operation<training::Users, training::UsersVariables> {
    use cynic::QueryBuilder;
    let mut operation = training::Users::build(training::UsersVariables::default());
    operation.query = text.to_string();
    operation
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_beside_the_data_fails_the_list() {
    let server = TestServer::start(Dialect::Training, 40).await;
    let client = client_for(&server, Dialect::Training);
    // The list comes whole, then a field after it fails: data and errors together.
    let query = "query Users($active: Boolean) { users(active: $active) { id name language } \
                 user(id: \"00000000-0000-4000-8000-000000000000\") { id } }";
    let (read, loading) = list(&client, query, false).await;
    let failed = read.expect_err("an error beside the data");
    assert!(failed.is_code("RESOURCE_NOT_FOUND"), "{failed}");
    assert_eq!(
        loading.len(),
        40,
        "the rows came, and are not the list: an error is"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_enum_value_this_client_does_not_know_is_kept_as_sent() {
    let server = TestServer::start(Dialect::Training, 40).await;
    let client = client_for(&server, Dialect::Training);
    // A newer server's languages, as far as this client can tell: the ref in their place.
    let query = "query Users($active: Boolean) { users(active: $active) { id name email \
                 isActive archivedAt roles language: ref lastLogin ref } }";
    let (read, users) = list(&client, query, false).await;
    read.unwrap();
    let page = users.page(&ListQuery {
        limit: 40,
        ..ListQuery::default()
    });
    assert_eq!(page.rows.len(), 40);
    for user in &page.rows {
        assert_eq!(user.language, user.reference, "{user:?}");
    }
    assert!(page.rows.iter().any(|u| u.reference.is_some()));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_read_in_parts_is_the_list_read_in_order() {
    // Some 9 MB: parts of 2 MB on other threads, and the rest after the last cut.
    const MANY: usize = 40_000;
    let server = TestServer::start(Dialect::Training, MANY as u64).await;
    let client = client_for(&server, Dialect::Training);
    // Each user with a language of its own (its ref): codes kept per part, joined.
    let query = "query Users($active: Boolean) { users(active: $active) { id name email \
                 isActive archivedAt roles language: ref lastLogin ref } }";
    let (read, in_order) = list(&client, query, false).await;
    read.unwrap();
    // The first answer in parts breaks off (every second one does, and the first was
    // another request): read again, from the start.
    faults(&server, "cut=1/2");
    server.gql("{ __typename }", serde_json::json!({})).await;
    let (read, in_parts) = list(&client, query, true).await;
    read.unwrap();
    assert_eq!(in_order.len(), MANY);
    assert!(
        in_order.iter().eq(in_parts.iter()),
        "the same users, in the same order"
    );
    let q = ListQuery {
        text: Some("an".into()),
        limit: 100,
        ..ListQuery::default()
    };
    assert_eq!(in_order.page(&q), in_parts.page(&q));
    // Cut every time: the read fails, and holds the users that came whole, the list's
    // first ones in its order, in order as in parts (none of them the list). How many
    // came is the network's to say: a connection reset may drop bytes sent before it.
    faults(&server, "cut=1/1");
    let (failed, cut_in_order) = list(&client, query, false).await;
    assert!(failed.is_err());
    let (failed, cut_in_parts) = list(&client, query, true).await;
    assert!(failed.is_err());
    for (how, cut) in [("in order", &cut_in_order), ("in parts", &cut_in_parts)] {
        assert!(cut.len() > MANY / 4, "{how}: {}", cut.len());
        assert!(cut.len() < MANY, "{how}: never the whole list");
        assert!(
            cut.iter().eq(in_order.iter().take(cut.len())),
            "{how}: the list's first {} users",
            cut.len()
        );
    }
    server.stop().await;
}

/// The ids of an NDJSON list, each line a user (a last line with `incomplete` is not).
fn ndjson_ids(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_streamed_list_writes_the_users_the_held_list_does_and_says_when_it_broke_off() {
    let server = TestServer::start(Dialect::Training, USERS).await;
    let home = Home::new(&server, Dialect::Training, "");
    for filters in [
        &[][..],
        &["--filter", "an"][..],
        &["--status", "inactive"][..],
        &["--filter", "EMP-0001", "--status", "active"][..],
    ] {
        let with = |how: &'static str| {
            let mut args = vec!["users", "list", how, "--format", "ndjson"];
            args.extend_from_slice(filters);
            args
        };
        let streamed = home.run(&with("--stream")).await;
        let held = home.run(&with("--all")).await;
        assert_eq!(
            (streamed.code, held.code),
            (0, 0),
            "{filters:?}: {}",
            streamed.stderr
        );
        let (mut streamed, mut held) = (ndjson_ids(&streamed.stdout), ndjson_ids(&held.stdout));
        assert!(!held.is_empty(), "{filters:?}");
        streamed.sort();
        held.sort();
        assert_eq!(streamed, held, "{filters:?}");
    }
    // At most --limit users; the held list's options of order are refused.
    let limited = home
        .run(&[
            "users", "list", "--stream", "--limit", "7", "--format", "csv",
        ])
        .await;
    assert_eq!(
        limited.stdout.lines().count(),
        8,
        "a header and 7: {}",
        limited.stdout
    );
    // Past the cap users are still counted: the total is every match.
    let capped = home
        .run(&[
            "users", "list", "--stream", "--limit", "7", "--format", "json",
        ])
        .await;
    let capped: serde_json::Value = serde_json::from_str(&capped.stdout).unwrap();
    assert_eq!(capped["users"].as_array().map(Vec::len), Some(7));
    assert_eq!(capped["total"], USERS);
    let sorted = home
        .run(&["users", "list", "--stream", "--sort", "email"])
        .await;
    assert_eq!(sorted.code, 2, "{}", sorted.stderr);
    // Cut on every try: the users that came are written, and the list says it is not whole.
    faults(&server, "cut=1/1");
    let cut = home
        .run(&["users", "list", "--stream", "--format", "ndjson"])
        .await;
    assert_ne!(cut.code, 0);
    let last = cut.stdout.lines().last().unwrap_or_default();
    let last: serde_json::Value = serde_json::from_str(last).expect("a last line");
    assert_eq!(last["incomplete"], true, "{}", cut.stdout);
    assert!((ndjson_ids(&cut.stdout).len() as u64) < USERS);
    assert!(
        cut.stderr.contains("incomplete") || ndjson_ids(&cut.stdout).is_empty(),
        "{}",
        cut.stderr
    );
    server.stop().await;
}

/// In the dashboard, in a terminal: while the whole list comes, how many users came is
/// said; a list that breaks off every time is an error, and not one of its users is
/// shown as a row. Tried again whole (some 14 MB, read in parts), it is the list, and a
/// filter typed over it finds the users the server's list holds.
#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_counts_the_list_as_it_comes_and_never_shows_a_cut_one() {
    let _serial = pty::ONE_AT_A_TIME.lock().await;
    // Past 25,000 users a count is said; cut half-way, 30,000 of them come each try.
    let server = TestServer::start(Dialect::Training, 60_000).await;
    let filtered = ListQuery {
        text: Some("jan".into()),
        ..ListQuery::default()
    };
    let client = client_for(&server, Dialect::Training);
    let jan = ops::training_all(&client).await.unwrap().count(&filtered);
    assert!(jan > 20, "{jan}");
    faults(&server, "cut=1/1");
    let mut ui = pty::Dashboard::start(&server, Dialect::Training);
    ui.wait_text("users so far");
    let screen = ui.wait_text("cannot load the users");
    assert!(screen.contains("no rows yet"), "{screen}");
    assert!(!screen.contains('@'), "a row of the cut list: {screen}");
    faults(&server, "none");
    ui.keys("r");
    ui.wait_text("rows 1–20 of 60,000");
    ui.keys("/jan");
    let counted = format!("rows 1–20 of {}", userdeck::text::thousands(jan));
    let screen = ui.wait_text(&counted);
    let rows = screen.lines().filter(|l| l.contains('@')).count();
    assert_eq!(rows, 20, "{screen}");
    ui.keys("\x1bq");
    let (status, _) = ui.exit();
    assert!(status.success(), "{status:?}");
    server.stop().await;
}
