//! The headless commands as an operator runs them: the real binary, a config file in a
//! private XDG home, the embedded server over real HTTP. Exit codes, output shapes, the
//! audit journal, read-only profiles and the token kept out of every output (config
//! errors and token sources: tests/config_errors.rs).

mod common;
mod home;

use std::process::Command;

use common::{TOKEN, TestServer};
use home::Home;
use serde_json::{Value, json};
use userdeck::dialect::Dialect;

async fn statuses(home: &Home, ids: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        let run = home.run(&["users", "show", id, "--format", "json"]).await;
        // As the server sent it (the table, for people, says it lower-case).
        out.push(
            run.expect(0).json()["user"]["status"]
                .as_str()
                .unwrap()
                .to_lowercase(),
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn crm_list_in_every_format_and_every_page() {
    let server = TestServer::start(Dialect::Crm, 1_050).await;
    let home = Home::new(&server, Dialect::Crm, "page_size = 20\n");
    let table = home.run(&["users", "list"]).await;
    table.expect(0);
    assert_eq!(table.stdout.lines().count(), 21, "a header and a page");
    assert!(table.stdout.starts_with("ID") && table.stdout.contains("USERNAME"));
    assert!(
        table.stderr.contains("users 1–20 of 1050"),
        "{}",
        table.stderr
    );

    let json = home
        .run(&[
            "users", "list", "--filter", "gmail", "--status", "BLOCKED", "--sort", "name",
            "--desc", "--limit", "5", "--format", "json",
        ])
        .await;
    let value = json.expect(0).json();
    let users = value["users"].as_array().unwrap();
    assert!(users.len() <= 5 && value["total"].as_u64().unwrap() >= users.len() as u64);
    assert!(
        users
            .iter()
            .all(|u| u["status"] == "BLOCKED" && u["email"].as_str().unwrap().contains("gmail"))
    );

    let csv = home
        .run(&[
            "users", "list", "--offset", "1040", "--limit", "50", "--format", "csv",
        ])
        .await;
    let lines: Vec<&str> = csv.expect(0).stdout.lines().collect();
    assert_eq!(
        lines[0],
        "id,username,email,status,isEmailVerified,phoneNumber,createdAt,updatedAt"
    );
    assert_eq!(lines.len(), 11);

    let all = home
        .run(&["users", "list", "--all", "--format", "json"])
        .await;
    let value = all.expect(0).json();
    assert_eq!(value["total"], 1_050);
    let ids: std::collections::HashSet<&str> = value["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        1_050,
        "every user once, over two pages of the server"
    );

    let bad = home.run(&["users", "list", "--status", "archived"]).await;
    bad.expect(2);
    assert!(
        bad.stderr.contains("crm") && bad.stderr.contains("active, blocked, pending"),
        "{}",
        bad.stderr
    );
    home.run(&["users", "list", "--sort", "last-login"])
        .await
        .expect(2);
    home.run(&["users", "list", "--limit", "0"]).await.expect(2);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn crm_show_and_bulk_actions_with_exit_codes_and_journal() {
    let server = TestServer::start(Dialect::Crm, 120).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let list = home
        .run(&[
            "users", "list", "--status", "active", "--limit", "4", "--format", "json",
        ])
        .await;
    let ids: Vec<String> = list.expect(0).json()["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();

    let show = home.run(&["users", "show", &ids[0]]).await;
    show.expect(0);
    assert!(
        show.stdout.contains("username") && show.stdout.contains("sessions:"),
        "{}",
        show.stdout
    );
    let detail = home
        .run(&["users", "show", &ids[0], "--format", "json"])
        .await
        .expect(0)
        .json();
    assert_eq!(detail["user"]["id"], json!(ids[0]));
    assert!(
        detail["user"]["sessions"]["all"].is_array()
            && detail["user"]["sessions"]["aggregatedInfo"]["totalLogins"].is_i64()
            && detail["user"]["overlapIPUsers"].is_array()
    );
    let missing = home.run(&["users", "show", "usr_missing"]).await;
    missing.expect(5);
    assert!(missing.stderr.starts_with("error: ") && missing.stderr.contains("RESOURCE_NOT_FOUND"));
    home.run(&["users", "show"]).await.expect(2);
    home.run(&["users", "show", "--ref", "x"]).await.expect(2);

    // Without --yes and without a terminal: refused, nothing sent.
    let refused = home.run(&["users", "block", &ids[0]]).await;
    refused.expect(2);
    assert!(refused.stderr.contains("--yes"));
    assert_eq!(home.journal(), "");
    assert_eq!(statuses(&home, &ids[..1]).await, ["active"]);

    home.run(&["users", "block", &ids[0], &ids[1], "--yes"])
        .await
        .expect(0);
    assert_eq!(statuses(&home, &ids[..2]).await, ["blocked", "blocked"]);

    // Ids from standard input, one unknown among them: exit 3, the rest applied.
    let input = format!("{}\n# a comment\n\nusr_missing\n{}\n", ids[2], ids[3]);
    let partial = home
        .run_with(
            &[
                "users",
                "block",
                "--ids-from",
                "-",
                "--yes",
                "--format",
                "json",
            ],
            |_| {},
            &input,
        )
        .await;
    partial.expect(3);
    let report = partial.json();
    assert_eq!(report["succeeded"], json!([ids[2], ids[3]]));
    assert_eq!(report["failed"][0]["id"], "usr_missing");
    assert_eq!(statuses(&home, &ids[2..4]).await, ["blocked", "blocked"]);

    home.run(&["users", "activate", "usr_missing", "usr_gone", "--yes"])
        .await
        .expect(5);
    home.run(&["users", "activate", &ids[0], "--yes"])
        .await
        .expect(0);
    assert_eq!(statuses(&home, &ids[..1]).await, ["active"]);
    home.run(&["users", "block", "--yes"]).await.expect(2);
    let wrong = home.run(&["users", "archive", &ids[0], "--yes"]).await;
    wrong.expect(2);
    assert!(
        wrong.stderr.contains("crm API cannot archive"),
        "{}",
        wrong.stderr
    );

    let journal = home.journal();
    let lines: Vec<Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.iter().any(|l| l["event"] == "attempt"
        && l["action"] == "block"
        && l["ids"] == json!([ids[0], ids[1]])
        && l["profile"] == "test"));
    assert!(
        lines
            .iter()
            .any(|l| l["event"] == "outcome" && l["failed"][0]["id"] == "usr_missing")
    );
    assert!(!journal.contains(TOKEN));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_profile_refuses_mutations_before_sending() {
    let server = TestServer::start(Dialect::Crm, 10).await;
    let home = Home::new(&server, Dialect::Crm, "read_only = true\n");
    let id = home
        .run(&["users", "list", "--limit", "1", "--format", "csv"])
        .await
        .expect(0)
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let before = statuses(&home, std::slice::from_ref(&id)).await;
    let run = home.run(&["users", "block", &id, "--yes"]).await;
    run.expect(1);
    assert!(run.stderr.contains("read-only") && run.stderr.contains("nothing was sent"));
    assert_eq!(statuses(&home, std::slice::from_ref(&id)).await, before);
    assert_eq!(home.journal(), "", "nothing was attempted");
    // --read-only on the command line does the same for a writable profile.
    let writable = Home::new(&server, Dialect::Crm, "");
    writable
        .run(&["--read-only", "users", "block", &id, "--yes"])
        .await
        .expect(1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn training_commands() {
    let server = TestServer::start(Dialect::Training, 30).await;
    let home = Home::new(&server, Dialect::Training, "");
    let list = home
        .run(&[
            "users", "list", "--status", "active", "--sort", "name", "--format", "json", "--limit",
            "100",
        ])
        .await;
    let users = list.expect(0).json()["users"].as_array().unwrap().clone();
    assert!(
        users
            .iter()
            .all(|u| u["isActive"] == true && u["archivedAt"].is_null())
    );
    let names: Vec<String> = users
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));

    let created = home
        .run(&[
            "users",
            "create",
            "--email",
            "cli@example.com",
            "--name",
            "Cli Gebruiker",
            "--role",
            "trainer",
            "--role",
            "PLANNER",
            "--language",
            "de",
            "--ref",
            "CLI-1",
            "--extra-fields",
            "{\"team\":\"zuid\"}",
            "--no-invite",
            "--format",
            "json",
        ])
        .await;
    let user = created.expect(0).json();
    let id = user["user"]["id"].as_str().unwrap().to_string();
    assert_eq!(user["user"]["roles"], json!(["TRAINER", "PLANNER"]));
    assert_eq!(user["user"]["extraFields"], json!({ "team": "zuid" }));
    home.run(&[
        "users",
        "create",
        "--email",
        "cli@example.com",
        "--name",
        "Again",
    ])
    .await
    .expect(1);
    home.run(&[
        "users",
        "create",
        "--email",
        "x@example.com",
        "--name",
        "X",
        "--role",
        "king",
    ])
    .await
    .expect(2);
    home.run(&[
        "users",
        "create",
        "--email",
        "x@example.com",
        "--name",
        "X",
        "--extra-fields",
        "[1]",
    ])
    .await
    .expect(2);

    let updated = home
        .run(&[
            "users",
            "update",
            "--ref",
            "CLI-1",
            "--name",
            "Nieuwe Naam",
            "--no-roles",
            "--format",
            "json",
        ])
        .await;
    let user = updated.expect(0).json();
    assert_eq!(
        (user["user"]["name"].clone(), user["user"]["roles"].clone()),
        (json!("Nieuwe Naam"), json!([]))
    );
    assert_eq!(user["user"]["language"], "DE");
    home.run(&[
        "users",
        "update",
        "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11",
        "--name",
        "X",
    ])
    .await
    .expect(5);

    let upsert = home
        .run(&[
            "users",
            "upsert",
            "--email",
            "fresh@example.com",
            "--name",
            "Vers",
            "--active",
            "false",
            "--format",
            "json",
        ])
        .await;
    upsert.expect(0);
    assert!(upsert.stderr.contains("created user"));
    assert_eq!(upsert.json()["user"]["isActive"], false);
    let again = home
        .run(&[
            "users",
            "upsert",
            "--email",
            "fresh@example.com",
            "--active",
            "true",
        ])
        .await;
    again.expect(0);
    assert!(again.stderr.contains("updated user"));

    let by_email = home
        .run(&[
            "users",
            "show",
            "--email",
            "CLI@example.com",
            "--format",
            "json",
        ])
        .await;
    assert_eq!(by_email.expect(0).json()["user"]["id"], json!(id));

    // --clear sends null: the e-mail address and the ref go; the rest stays.
    let cleared = home
        .run(&[
            "users", "update", &id, "--clear", "email", "--clear", "ref", "--format", "json",
        ])
        .await;
    let user = cleared.expect(0).json();
    assert_eq!(
        (user["user"]["email"].clone(), user["user"]["ref"].clone()),
        (json!(null), json!(null))
    );
    assert_eq!(user["user"]["name"], "Nieuwe Naam");
    home.run(&[
        "users", "update", &id, "--clear", "email", "--email", "a@b.nl",
    ])
    .await
    .expect(2);
    home.run(&["users", "update", &id]).await.expect(2);
    home.run(&["users", "archive", &id, "uuid-hier", "--yes"])
        .await
        .expect(3);
    let shown = home
        .run(&["users", "show", &id, "--format", "json"])
        .await
        .expect(0)
        .json();
    assert!(shown["user"]["archivedAt"].is_string(), "{shown}");
    home.run(&["users", "unarchive", &id, "--yes"])
        .await
        .expect(0);
    let shown = home.run(&["users", "show", &id]).await;
    assert!(
        shown.expect(0).stdout.contains("archived at         —"),
        "{}",
        shown.stdout
    );
    let wrong = home.run(&["users", "block", &id, "--yes"]).await;
    wrong.expect(2);
    assert!(wrong.stderr.contains("training API cannot block"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_appears_in_no_output_log_or_journal() {
    let server = TestServer::start(Dialect::Crm, 10).await;
    let secret_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret_file.path(), TOKEN).unwrap();
    let home = Home::new(
        &server,
        Dialect::Crm,
        &format!("token_command = \"cat {}\"\n", secret_file.path().display()),
    );
    let id = "usr_00000003";
    let mut outputs = Vec::new();
    for args in [
        vec!["users", "list"],
        vec!["users", "show", id, "--format", "json"],
        vec!["users", "block", id, "usr_nope", "--yes"],
        vec!["config", "show"],
    ] {
        let run = home
            .run_with(
                &args,
                |c| {
                    c.env_remove("USERDECK_TOKEN").env("USERDECK_LOG", "trace");
                },
                "",
            )
            .await;
        assert!(run.code == 0 || run.code == 3, "{args:?}: {}", run.stderr);
        outputs.push(format!("{}{}", run.stdout, run.stderr));
    }
    // A wrong token, given three ways.
    let wrong = "wrong-secret-0451";
    for setup in [
        Box::new(move |c: &mut Command| {
            c.env("USERDECK_TOKEN", wrong).env("USERDECK_LOG", "trace");
        }) as Box<dyn FnOnce(&mut Command) + Send>,
        Box::new(move |c: &mut Command| {
            c.env("MY_TOKEN", wrong).args(["--token-env", "MY_TOKEN"]);
        }),
    ] {
        let run = home.run_with(&["users", "list"], setup, "").await;
        run.expect(4);
        assert!(run.stderr.contains("UNAUTHORIZED"));
        outputs.push(format!("{}{}", run.stdout, run.stderr));
    }
    outputs.push(home.journal());
    for output in &outputs {
        assert!(!output.contains(TOKEN), "the token leaked: {output}");
        assert!(!output.contains(wrong), "the token leaked: {output}");
    }
    assert!(
        home.journal().contains("usr_nope"),
        "the journal was written"
    );
    server.stop().await;
}
