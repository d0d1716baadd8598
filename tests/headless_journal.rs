//! The journal as a script reads it (issue #21, items 4 and 1): filtered by user,
//! action, time and profile; every edit under the user it was for, with the user's
//! record before and after it.

mod common;
mod home;

use common::TestServer;
use home::Home;
use userdeck::dialect::Dialect;

/// Issue #21, item 4: the journal lists this profile's entries at its endpoint, filtered
/// by user, action and time.
#[tokio::test(flavor = "multi_thread")]
async fn the_journal_filters_by_user_action_time_and_profile() {
    let server = TestServer::start(Dialect::Crm, 60).await;
    let home = Home::new(
        &server,
        Dialect::Crm,
        &format!(
            "[profiles.other]\nendpoint = \"{}\"\ndialect = \"crm\"\n",
            server.url
        ),
    );
    let ids = common::active_users(&server, 3).await;
    home.run(&["users", "block", &ids[0], &ids[1], "--yes"])
        .await
        .expect(0);
    home.run(&["users", "activate", &ids[1], "--yes"])
        .await
        .expect(0);
    home.run(&["--profile", "other", "users", "block", &ids[2], "--yes"])
        .await
        .expect(0);
    let entries = |args: &'static [&'static str]| {
        let home = &home;
        async move {
            let mut all = vec!["journal", "--format", "json"];
            all.extend(args);
            let run = home.run(&all).await;
            let listed = run.expect(0).json()["entries"].as_array().unwrap().clone();
            listed
                .iter()
                .map(|e| e["action"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        entries(&[]).await,
        ["activate", "block"],
        "this profile's only"
    );
    assert_eq!(
        entries(&["--all-profiles"]).await,
        ["block", "activate", "block"]
    );
    let user = ["--user", ids[0].as_str()].map(str::to_string);
    let run = home
        .run(&["journal", "--format", "json", &user[0], &user[1]])
        .await;
    let listed = run.expect(0).json()["entries"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["action"], "block");
    assert_eq!(entries(&["--action", "activate"]).await, ["activate"]);
    assert_eq!(entries(&["--since", "1h"]).await.len(), 2);
    assert!(entries(&["--until", "2000-01-01"]).await.is_empty());
    let bad = home.run(&["journal", "--since", "yesterday"]).await;
    bad.expect(2);
    assert!(bad.stderr.contains("not a time"), "{}", bad.stderr);
    server.stop().await;
}

/// Issue #21, item 4: a create is found by the new user's id; a failed update names the
/// id it was for (it named "").
#[tokio::test(flavor = "multi_thread")]
async fn edits_are_journalled_under_the_users_they_were_for() {
    let server = TestServer::start(Dialect::Training, 10).await;
    let home = Home::new(&server, Dialect::Training, "");
    let created = home
        .run(&[
            "users", "create", "--email", "new@x.nl", "--name", "New", "--format", "json",
        ])
        .await;
    let answer = created.expect(0).json();
    let id = answer["user"]["id"].as_str().unwrap().to_string();
    // An edit names its journal entry too.
    let entry = answer["entry"].as_str().unwrap();
    assert!(
        created.stderr.contains(&format!("(journal entry {entry})")),
        "{}",
        created.stderr
    );
    let other = common::ids(
        &home
            .run(&["users", "list", "--format", "json"])
            .await
            .json()["users"],
    )
    .into_iter()
    .find(|other| *other != id)
    .unwrap();
    // Another user's e-mail: refused by the server, by id and by ref.
    home.run(&["users", "update", &other, "--email", "new@x.nl"])
        .await
        .expect(1);
    let shown = home
        .run(&["users", "show", &other, "--format", "json"])
        .await;
    let reference = shown.expect(0).json()["user"]["ref"]
        .as_str()
        .unwrap()
        .to_string();
    home.run(&[
        "users", "update", "--ref", &reference, "--email", "new@x.nl",
    ])
    .await
    .expect(1);
    let listed = |user: String| {
        let home = &home;
        async move {
            let run = home
                .run(&["journal", "--format", "json", "--user", &user])
                .await;
            run.expect(0).json()["entries"].as_array().unwrap().clone()
        }
    };
    let by_new_id = listed(id.clone()).await;
    assert_eq!(by_new_id.len(), 1);
    assert_eq!(by_new_id[0]["action"], "create");
    // Both under the user's id, the one found by its ref too.
    let failed = listed(other.clone()).await;
    assert_eq!(failed.len(), 2, "{failed:?}");
    for entry in &failed {
        assert_eq!(entry["outcome"]["failed"], serde_json::json!([other]));
    }
    server.stop().await;
}

/// Issue #21, item 1: an edit's journal entry holds the user's record before and after
/// it — the same record `users show` prints, named as the API names it.
#[tokio::test(flavor = "multi_thread")]
async fn an_edit_is_journalled_with_the_users_record_before_and_after() {
    let server = TestServer::start(Dialect::Training, 10).await;
    let home = Home::new(&server, Dialect::Training, "");
    let id = common::ids(
        &home
            .run(&["users", "list", "--format", "json"])
            .await
            .json()["users"],
    )
    .remove(0);
    let shown = home.run(&["users", "show", &id, "--format", "json"]).await;
    let before = shown.expect(0).json()["user"].clone();
    home.run(&["users", "update", &id, "--name", "Nieuwe Naam"])
        .await
        .expect(0);
    let after = home.run(&["users", "show", &id, "--format", "json"]).await;
    let after = after.expect(0).json()["user"].clone();
    let journal = home.run(&["journal", "--format", "json"]).await;
    let entry = journal.expect(0).json()["entries"][0].clone();
    assert_eq!(entry["action"], "update");
    assert_eq!(entry["recordBefore"], before);
    assert_eq!(entry["recordAfter"], after);
    assert_eq!(entry["recordAfter"]["name"], "Nieuwe Naam");
    server.stop().await;
}
