//! `userdeck undo` after a scripted bulk action, exactly as a script runs it: the real
//! binary, the endpoint given by flag, by environment or by config file, the embedded
//! server over real HTTP.

mod common;
mod home;

use common::TestServer;
use home::Home;
use userdeck::dialect::Dialect;

/// The first users of each crm status, in the order active, pending, blocked.
async fn one_of_each(server: &TestServer) -> Vec<String> {
    let ids = server.ids(60).await;
    let statuses = server.statuses(&ids).await;
    ["ACTIVE", "PENDING", "BLOCKED"]
        .iter()
        .map(|wanted| {
            let at = statuses.iter().position(|s| s == wanted).unwrap();
            ids[at].clone()
        })
        .collect()
}

/// How the endpoint reaches the binary.
#[derive(Clone, Copy, Debug)]
enum Given {
    Flags,
    Environment,
    ConfigFile,
}

async fn block_then_undo(given: Given) {
    let server = TestServer::start(Dialect::Crm, 200).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let mut flags: Vec<String> = Vec::new();
    match given {
        Given::Flags => {
            home.write_config("");
            flags = vec![
                "--endpoint".into(),
                server.url.clone(),
                "--dialect".into(),
                "crm".into(),
            ];
        }
        Given::Environment => home.write_config(""),
        Given::ConfigFile => {}
    }
    let url = server.url.clone();
    let run = |args: Vec<String>| {
        let mut command = home.command(&[]);
        command.args(&flags).args(&args);
        if let Given::Environment = given {
            command
                .env("USERDECK_ENDPOINT", &url)
                .env("USERDECK_DIALECT", "crm");
        }
        async move {
            home::Run::from(
                tokio::task::spawn_blocking(move || command.output().unwrap())
                    .await
                    .unwrap(),
            )
        }
    };
    let ids = one_of_each(&server).await;
    let args = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();

    let mut block = args(&["users", "block"]);
    block.extend(ids.iter().cloned());
    block.push("--yes".into());
    run(block).await.expect(0);
    assert_eq!(server.statuses(&ids).await, ["BLOCKED"; 3], "{given:?}");

    let journal = run(args(&["journal", "--format", "json"])).await;
    let entries = journal.expect(0).json()["entries"].clone();
    assert_eq!(entries.as_array().unwrap().len(), 1, "{given:?}: {entries}");

    let undo = run(args(&["undo", "--yes"])).await;
    undo.expect(0);
    assert!(
        undo.stderr
            .contains("undo block of 3 users: 1 blocked → active; 2 left alone"),
        "{given:?}: {}",
        undo.stderr
    );
    assert!(
        undo.stderr.contains(&format!(
            "left alone: {}  was pending: the API cannot make a user pending again",
            ids[1]
        )),
        "{given:?}: {}",
        undo.stderr
    );
    assert!(
        undo.stderr
            .contains(&format!("left alone: {}  was blocked already", ids[2])),
        "{given:?}: {}",
        undo.stderr
    );
    assert_eq!(
        server.statuses(&ids).await,
        ["ACTIVE", "BLOCKED", "BLOCKED"],
        "{given:?}: the active user is active again, the others as they were"
    );
    // Once undone, it is not undone again.
    let again = run(args(&["undo", "--yes"])).await;
    again.expect(1);
    assert!(again.stderr.contains("not undone"), "{}", again.stderr);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_takes_back_the_block_a_script_just_sent_with_flags() {
    block_then_undo(Given::Flags).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_takes_back_the_block_a_script_just_sent_with_the_environment() {
    block_then_undo(Given::Environment).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_takes_back_the_block_a_script_just_sent_with_a_config_file() {
    block_then_undo(Given::ConfigFile).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_block_too_large_to_read_first_says_so_and_undo_names_it() {
    let server = TestServer::start(Dialect::Crm, 10_001).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let ids: Vec<String> = (1..=10_001).map(|n| format!("usr_{n:08}")).collect();
    let run = home
        .run_with(
            &["users", "block", "--ids-from", "-", "--yes"],
            |_| {},
            &ids.join("\n"),
        )
        .await;
    run.expect(0);
    assert!(
        run.stderr.contains(
            "statuses not read first for more than 10,000 users: this batch cannot be undone"
        ),
        "{}",
        run.stderr
    );
    let undo = home.run(&["undo", "--yes"]).await;
    undo.expect(1);
    assert!(
        undo.stderr
            .contains("the newest batch (block of 10,001 users at")
            && undo
                .stderr
                .contains("recorded no statuses before it: nothing of it can be undone"),
        "{}",
        undo.stderr
    );
    server.stop().await;
}

/// Blocks `ids` in `home`'s journal while every answer is lost and nothing can be read
/// back: the server blocks them, the ledger says unknown.
async fn block_unknown(server: &TestServer, home: &Home, ids: &[String]) {
    let faults = "lose-answer,fail=1/1";
    let ledger = common::block_journalled(server, &home.journal_path(), "test", ids, faults).await;
    assert_eq!(ledger.counts().unknown, ids.len(), "{ledger:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_takes_the_newest_batch_even_when_its_outcomes_are_unknown() {
    // Issue #20, defect 1: batch A answered, batch B's answers lost (the server did block
    // its users). `undo` took batch A — the newest batch that "changed something".
    let server = TestServer::start(Dialect::Crm, 200).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let users = common::active_users(&server, 5).await;
    let (a, b) = users.split_at(2);
    let mut block = vec!["users", "block", "--yes"];
    block.extend(a.iter().map(String::as_str));
    home.run(&block).await.expect(0);
    block_unknown(&server, &home, b).await;
    assert_eq!(server.statuses(b).await, ["BLOCKED"; 3]);

    let undo = home.run(&["undo", "--yes"]).await;
    undo.expect(0);
    assert!(
        undo.stderr
            .contains("undo block of 3 users: 3 blocked → active"),
        "{}",
        undo.stderr
    );
    assert_eq!(server.statuses(b).await, ["ACTIVE"; 3], "batch B went back");
    assert_eq!(
        server.statuses(a).await,
        ["BLOCKED"; 2],
        "batch A untouched"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_names_the_newest_batch_it_cannot_undo_and_never_takes_an_older_one() {
    // The newest batch failed everywhere: nothing of it to undo. The batch before it is
    // left alone unless named.
    let server = TestServer::start(Dialect::Crm, 200).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let a = common::active_users(&server, 2).await;
    let mut block = vec!["users", "block", "--yes"];
    block.extend(a.iter().map(String::as_str));
    home.run(&block).await.expect(0);
    home.run(&["users", "block", "usr_nobody1", "usr_nobody2", "--yes"])
        .await
        .expect(5);
    let undo = home.run(&["undo", "--yes"]).await;
    undo.expect(1);
    assert!(
        undo.stderr.contains("block of 2 users") && undo.stderr.contains("nothing of it"),
        "names the newest batch and why: {}",
        undo.stderr
    );
    assert_eq!(
        server.statuses(&a).await,
        ["BLOCKED"; 2],
        "not the older batch"
    );
    // Once undone, the newest batch is that undo: `undo` again does not go further back.
    let entries = home.run(&["journal", "--format", "json"]).await;
    let older = entries.json()["entries"][1]["entry"]
        .as_str()
        .unwrap()
        .to_string();
    home.run(&["undo", &older, "--yes"]).await.expect(0);
    assert_eq!(
        server.statuses(&a).await,
        ["ACTIVE"; 2],
        "named, it is undone"
    );
    let again = home.run(&["undo", "--yes"]).await;
    again.expect(1);
    assert!(again.stderr.contains("is an undo"), "{}", again.stderr);
    server.stop().await;
}

/// `isActive` and `archivedAt` of the training user `id`, as the server holds them.
async fn training_state(server: &TestServer, id: &str) -> (bool, bool) {
    let data = server
        .data(
            "query($id: UUID) { user(id: $id) { isActive archivedAt } }",
            serde_json::json!({ "id": id }),
        )
        .await;
    let user = &data["user"];
    (
        user["isActive"].as_bool().unwrap_or(false),
        !user["archivedAt"].is_null(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn undoing_an_archive_gives_an_inactive_user_back_inactive_as_the_read_back_proves() {
    // Issue #20, defect 2: an inactive, not archived user archived and undone came back
    // active (unarchiving makes users active on this server), and the undo said it
    // succeeded.
    let server = TestServer::start(Dialect::Training, 60).await;
    let home = Home::new(&server, Dialect::Training, "");
    let all = server
        .data(
            "{ users { id isActive archivedAt } }",
            serde_json::json!({}),
        )
        .await;
    let inactive = all["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["isActive"] == false && u["archivedAt"].is_null())
        .expect("the generated users hold an inactive one")["id"]
        .as_str()
        .unwrap()
        .to_string();
    home.run(&["users", "archive", &inactive, "--yes"])
        .await
        .expect(0);
    assert_eq!(training_state(&server, &inactive).await, (false, true));

    let undo = home.run(&["undo", "--yes", "--format", "json"]).await;
    undo.expect(0);
    assert_eq!(
        training_state(&server, &inactive).await,
        (false, false),
        "inactive and not archived, as before: {}",
        undo.stderr
    );
    let report = undo.json();
    assert_eq!(
        report["succeeded"],
        serde_json::json!([inactive]),
        "{report}"
    );
    assert_eq!(
        report["readBack"],
        serde_json::json!([inactive]),
        "succeeded because the read-back proved it: {report}"
    );
    // The update that set it back is journalled, as part of the undo.
    let journal = home.journal();
    assert!(
        journal.lines().any(|l| l.contains("\"update\"")),
        "{journal}"
    );
    server.stop().await;
}
