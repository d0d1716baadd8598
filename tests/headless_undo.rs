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
    let server = TestServer::start(Dialect::Crm, 1_100).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let ids: Vec<String> = (1..=1_001).map(|n| format!("usr_{n:08}")).collect();
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
            "statuses not read first for more than 1,000 users: this batch cannot be undone"
        ),
        "{}",
        run.stderr
    );
    let undo = home.run(&["undo", "--yes"]).await;
    undo.expect(1);
    assert!(
        undo.stderr
            .contains("the newest batch (block of 1,001 users at")
            && undo
                .stderr
                .contains("recorded no statuses before it: nothing of it can be undone"),
        "{}",
        undo.stderr
    );
    server.stop().await;
}
