//! The headless commands as a contract for scripts (issue #21): a list's output feeds a
//! bulk action, an empty night is not a failure, every batch names its journal entry so
//! a script undoes exactly its own, and the statuses read first cost a few requests.

mod common;
mod home;
mod pty;

use common::TestServer;
use home::Home;
use userdeck::dialect::Dialect;

fn strings(list: &serde_json::Value) -> Vec<String> {
    serde_json::from_value(list.clone()).unwrap()
}

/// `users block --ids-from - --yes --format json`, `input` on its standard input.
async fn block_piped(home: &Home, input: &str) -> home::Run {
    let args = [
        "users",
        "block",
        "--ids-from",
        "-",
        "--yes",
        "--format",
        "json",
    ];
    home.run_with(&args, |_| {}, input).await
}

/// `users list … --format F | users block --ids-from - --yes`, with the JSON report.
async fn list_then_block(home: &Home, format: &str) -> (Vec<String>, serde_json::Value) {
    let list = home
        .run(&[
            "users", "list", "--status", "active", "--limit", "4", "--format", format,
        ])
        .await;
    list.expect(0);
    let listed: Vec<String> = match format {
        "csv" => list
            .stdout
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect(),
        _ => common::ids(&list.json()["users"]),
    };
    assert_eq!(listed.len(), 4, "{}", list.stdout);
    let block = block_piped(home, &list.stdout).await;
    block.expect(0);
    (listed, block.json())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_in_csv_or_json_feeds_a_bulk_action_its_ids_and_nothing_else() {
    // Issue #21, item 3: the CSV's header and whole rows were sent as ids.
    let server = TestServer::start(Dialect::Crm, 60).await;
    let home = Home::new(&server, Dialect::Crm, "");
    for format in ["csv", "json"] {
        let (listed, report) = list_then_block(&home, format).await;
        let succeeded = strings(&report["succeeded"]);
        assert_eq!(succeeded, listed, "{format}: {report}");
        assert_eq!(server.statuses(&listed).await, ["BLOCKED"; 4]);
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_of_another_shape_are_refused_naming_their_line_and_nothing_is_sent() {
    let server = TestServer::start(Dialect::Crm, 10).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let rows = "usr_00000001\nusr_00000002,ann,ann@example.com\n";
    let run = block_piped(&home, rows).await;
    run.expect(2);
    assert!(
        run.stderr.contains("--ids-from -: line 2:") && run.stderr.contains("nothing was sent"),
        "{}",
        run.stderr
    );
    assert_eq!(home.journal(), "", "nothing was attempted");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_input_is_nothing_to_do_not_a_failure() {
    // A nightly "block the matches" job on a quiet night.
    let server = TestServer::start(Dialect::Crm, 10).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let empty = home
        .run(&[
            "users",
            "list",
            "--filter",
            "no-such-user-anywhere",
            "--format",
            "csv",
        ])
        .await;
    empty.expect(0);
    let run = block_piped(&home, &empty.stdout).await;
    run.expect(0);
    let report = run.json();
    for class in ["succeeded", "failed", "unknown", "notSent"] {
        assert_eq!(report[class], serde_json::json!([]), "{report}");
    }
    assert!(run.stderr.contains("nothing to do"), "{}", run.stderr);
    // Naming no ids at all is still a usage error.
    home.run(&["users", "block", "--yes"]).await.expect(2);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_script_undoes_exactly_its_own_batch_by_the_entry_its_output_names() {
    // Issue #21, item 4: `block A; block B; undo; undo` undid both.
    let server = TestServer::start(Dialect::Crm, 60).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let ids = common::active_users(&server, 2).await;
    let mine = home
        .run(&["users", "block", &ids[0], "--yes", "--format", "json"])
        .await;
    let entry = mine.expect(0).json()["entry"].as_str().unwrap().to_string();
    let theirs = home.run(&["users", "block", &ids[1], "--yes"]).await;
    theirs.expect(0);
    assert!(
        theirs.stderr.contains("(journal entry ") && !theirs.stderr.contains(&entry),
        "{}",
        theirs.stderr
    );
    // The journal names the batch's endpoint and local user, its times with their zone.
    let journal = home.run(&["journal", "--format", "json"]).await;
    let journal = journal.expect(0).json();
    let mine_in_journal = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entry"] == entry.as_str())
        .unwrap()
        .clone();
    assert_eq!(mine_in_journal["endpoint"], server.url.as_str());
    assert!(
        mine_in_journal["user"]
            .as_str()
            .is_some_and(|u| !u.is_empty())
    );
    let table = home.run(&["journal"]).await;
    assert!(
        table.expect(0).stdout.lines().nth(1).unwrap().contains('Z'),
        "{}",
        table.stdout
    );
    let undo = home
        .run(&["undo", &entry, "--yes", "--format", "json"])
        .await;
    undo.expect(0);
    assert_eq!(strings(&undo.json()["succeeded"]), [ids[0].clone()]);
    assert_eq!(server.statuses(&ids).await, ["ACTIVE", "BLOCKED"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_of_thousands_is_read_first_and_can_be_undone() {
    // Issue #21, item 5: past 1,000 ids the statuses were not read (one request each),
    // so the batch could not be undone.
    let server = TestServer::start(Dialect::Crm, 3_000).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let ids: Vec<String> = (1..=2_500).map(|n| format!("usr_{n:08}")).collect();
    let before = server.statuses(&ids).await;
    let run = block_piped(&home, &ids.join("\n")).await;
    run.expect(0);
    assert!(!run.stderr.contains("cannot be undone"), "{}", run.stderr);
    let undo = home.run(&["undo", "--yes"]).await;
    undo.expect(0);
    // Every user as before, but the pending: the API cannot make a user pending again.
    let after = server.statuses(&ids).await;
    for (before, after) in before.iter().zip(&after) {
        if before != "PENDING" {
            assert_eq!(before, after);
        }
    }
    server.stop().await;
}

/// The records of both dialects, pinned: the contract's names, values as sent.
#[tokio::test(flavor = "multi_thread")]
async fn the_records_of_both_dialects_are_named_as_their_contracts() {
    for dialect in [Dialect::Crm, Dialect::Training] {
        let server = TestServer::start(dialect, 40).await;
        let home = Home::new(&server, dialect, "");
        let list = home
            .run(&["users", "list", "--limit", "40", "--format", "json"])
            .await;
        let list = list.expect(0).json();
        let records = list["users"].as_array().unwrap();
        insta::assert_snapshot!(
            format!("{dialect}_list"),
            serde_json::to_string_pretty(&records[..2]).unwrap()
        );
        // The first user with sessions and users sharing an address (crm), not one of the
        // demo's cases (their times follow the clock).
        let mut shown = None;
        for record in records {
            let id = record["id"].as_str().unwrap();
            if userdeck::server::cases::holds(id) {
                continue;
            }
            let show = home.run(&["users", "show", id, "--format", "json"]).await;
            let show = show.expect(0).json();
            let full = |key: &str| show["user"][key].as_array().is_some_and(|a| !a.is_empty());
            if dialect == Dialect::Training
                || (full("overlapIPUsers")
                    && show["user"]["sessions"]["all"].as_array().unwrap().len() > 1)
            {
                shown = Some((record, show));
                break;
            }
        }
        let (record, show) = shown.expect("a user with sessions");
        insta::assert_snapshot!(
            format!("{dialect}_show"),
            serde_json::to_string_pretty(&show).unwrap()
        );
        // The list's record is the show's, less the detail.
        for (field, value) in record.as_object().unwrap() {
            assert_eq!(&show["user"][field], value, "{dialect}: {field}");
        }
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn fields_ndjson_and_a_limit_over_every_page() {
    let server = TestServer::start(Dialect::Crm, 2_300).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let csv = home
        .run(&[
            "users", "list", "--fields", "email,id", "--limit", "3", "--format", "csv",
        ])
        .await;
    let lines: Vec<&str> = csv.expect(0).stdout.lines().collect();
    assert_eq!(lines[0], "email,id");
    // JSON keeps the order asked too.
    let json = home
        .run(&[
            "users",
            "list",
            "--fields",
            "status,id",
            "--limit",
            "1",
            "--format",
            "ndjson",
        ])
        .await;
    assert!(
        json.expect(0).stdout.starts_with("{\"status\":"),
        "{}",
        json.stdout
    );
    assert_eq!(lines.len(), 4);
    assert!(lines[1].split(',').nth(1).unwrap().starts_with("usr_"));

    let typo = home
        .run(&["users", "list", "--fields", "id,emial", "--format", "json"])
        .await;
    typo.expect(2);
    assert!(
        typo.stderr.contains("did you mean email?"),
        "{}",
        typo.stderr
    );
    let other = home
        .run(&["users", "list", "--fields", "id,roles", "--format", "json"])
        .await;
    other.expect(2);
    assert!(
        other.stderr.contains("no field \"roles\""),
        "{}",
        other.stderr
    );
    home.run(&["users", "list", "--fields", "id"])
        .await
        .expect(2);

    // --limit with --all caps the total (gh's meaning), over pages of 1,000.
    let first = home
        .run(&[
            "users", "list", "--all", "--limit", "1500", "--fields", "id", "--format", "ndjson",
        ])
        .await;
    let records: Vec<serde_json::Value> = first
        .expect(0)
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 1_500);
    assert!(records.iter().all(|r| r.as_object().unwrap().len() == 1));
    let all = home
        .run(&["users", "list", "--all", "--format", "ndjson"])
        .await;
    assert_eq!(all.expect(0).stdout.lines().count(), 2_300);
    // The same first 1,500, in the same order, whether capped or not.
    let ids = |text: &str| -> Vec<String> {
        text.lines()
            .take(1_500)
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
            .collect()
    };
    assert_eq!(ids(&first.stdout), ids(&all.stdout));
    // NDJSON feeds a bulk action as it is.
    let some: String = all
        .stdout
        .lines()
        .take(3)
        .map(|l| format!("{l}\n"))
        .collect();
    let block = block_piped(&home, &some).await;
    assert_eq!(
        strings(&block.json()["succeeded"]).len(),
        3,
        "{}",
        block.stderr
    );
    server.stop().await;
}

/// Issue #21, item 8: a typo is caught before anything is sent, in both dialects; any
/// other value the contract lacks is sent as given, and the server's refusal of it is
/// a usage error with the server's words.
#[tokio::test(flavor = "multi_thread")]
async fn values_are_checked_the_same_in_both_dialects() {
    let training = TestServer::start(Dialect::Training, 10).await;
    let home = Home::new(&training, Dialect::Training, "");
    let typo = home.run(&["users", "list", "--status", "archivd"]).await;
    typo.expect(2);
    assert!(
        typo.stderr.contains("did you mean archived?"),
        "{}",
        typo.stderr
    );
    let role = home
        .run(&[
            "users", "create", "--email", "a@b.nl", "--name", "A", "--role", "trainr",
        ])
        .await;
    role.expect(2);
    assert!(
        role.stderr.contains("did you mean TRAINER?"),
        "{}",
        role.stderr
    );
    let newer = home
        .run(&[
            "users",
            "create",
            "--email",
            "a@b.nl",
            "--name",
            "A",
            "--language",
            "es",
        ])
        .await;
    newer.expect(2);
    assert!(
        newer.stderr.contains("the server refused --language ES"),
        "sent as given, refused by this server: {}",
        newer.stderr
    );
    let show = home.run(&["users", "show", "nonuuid"]).await;
    show.expect(2);
    assert!(
        show.stderr.contains("not a training user id"),
        "{}",
        show.stderr
    );
    training.stop().await;

    let crm = TestServer::start(Dialect::Crm, 10).await;
    let home = Home::new(&crm, Dialect::Crm, "");
    let other_dialect = home.run(&["users", "list", "--status", "inactive"]).await;
    other_dialect.expect(2);
    assert!(
        other_dialect.stderr.contains("not a status of the crm API"),
        "{}",
        other_dialect.stderr
    );
    let typo = home.run(&["users", "list", "--status", "blokced"]).await;
    typo.expect(2);
    assert!(
        typo.stderr.contains("did you mean blocked?"),
        "{}",
        typo.stderr
    );
    let other = home.run(&["users", "list", "--status", "suspended"]).await;
    other.expect(2);
    assert!(
        other
            .stderr
            .contains("the server refused --status SUSPENDED"),
        "{}",
        other.stderr
    );
    crm.stop().await;
}

/// Issue #21, item 7: with the ids in a pipe and a terminal there, the question is asked
/// on the terminal (it was refused: "no terminal to ask on"), with the preview's
/// breakdown.
#[tokio::test(flavor = "multi_thread")]
async fn a_piped_bulk_action_asks_on_the_terminal_with_the_breakdown() {
    let _serial = pty::ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 30).await;
    let ids = common::active_users(&server, 2).await;
    let input = format!("{}\n{}\n", ids[0], ids[1]);
    let args = ["users", "block", "--ids-from", "-"];

    let mut asked = pty::Dashboard::piped(&server.url, Dialect::Crm, &args, &input);
    let screen = asked.wait_text("send? [y/N]");
    assert!(
        screen.contains("block 2 users: 2 active → blocked") && screen.contains(&ids[0]),
        "{screen}"
    );
    asked.keys("n\r");
    let (status, raw, _home) = asked.finish();
    assert_eq!(status.exit_code(), 1, "{}", String::from_utf8_lossy(&raw));
    assert_eq!(
        server.statuses(&ids).await,
        ["ACTIVE", "ACTIVE"],
        "nothing sent"
    );

    let mut asked = pty::Dashboard::piped(&server.url, Dialect::Crm, &args, &input);
    asked.wait_text("send? [y/N]");
    asked.keys("y\r");
    let (status, raw, _home) = asked.finish();
    assert_eq!(status.exit_code(), 0, "{}", String::from_utf8_lossy(&raw));
    assert_eq!(server.statuses(&ids).await, ["BLOCKED", "BLOCKED"]);

    // Past 100 users the count must be typed, as in the dashboard: a `y` sends nothing.
    let many: String = (1..=101).map(|n| format!("usr_{n:08}\n")).collect();
    let mut asked = pty::Dashboard::piped(&server.url, Dialect::Crm, &args, &many);
    asked.wait_text("type 101 to send them:");
    asked.keys("y\r");
    let (status, raw, home) = asked.finish();
    assert_eq!(status.exit_code(), 1, "{}", String::from_utf8_lossy(&raw));
    let journal = home.path().join("state/userdeck/audit.jsonl");
    assert!(!journal.exists(), "nothing was sent");

    // On a terminal, --progress always writes lines, not a bar.
    let one = [
        "users",
        "activate",
        ids[0].as_str(),
        "--yes",
        "--progress",
        "always",
    ];
    let ui = pty::Dashboard::sized(&server.url, Dialect::Crm, &one, "", &[], (120, 30), "");
    let (status, raw) = ui.exit();
    assert!(status.success());
    let said = String::from_utf8_lossy(&raw);
    assert!(
        said.contains("reading statuses: 1/1") && said.contains("activate: 1/1"),
        "{said}"
    );
    server.stop().await;
}

/// Issue #21, item 5: with standard error not a terminal, long work says how far it got
/// in lines (a first, at most one every few seconds, a last), or nothing if told so.
#[tokio::test(flavor = "multi_thread")]
async fn progress_goes_to_a_log_as_lines() {
    let server = TestServer::start(Dialect::Crm, 30).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let ids = common::active_users(&server, 3).await;
    let run = home
        .run(&["users", "block", &ids[0], &ids[1], &ids[2], "--yes"])
        .await;
    run.expect(0);
    let lines: Vec<&str> = run.stderr.lines().collect();
    for line in [
        "reading statuses: 0/3",
        "reading statuses: 3/3",
        "block: 0/3",
        "block: 3/3",
    ] {
        assert!(lines.contains(&line), "{line}: {}", run.stderr);
    }
    let quiet = home
        .run(&["users", "activate", &ids[0], "--yes", "--progress", "never"])
        .await;
    quiet.expect(0);
    assert!(!quiet.stderr.contains("/1"), "{}", quiet.stderr);
    let undo = home.run(&["undo", "--yes"]).await;
    undo.expect(0);
    assert!(undo.stderr.contains("undo (block): 1/1"), "{}", undo.stderr);
    server.stop().await;
}

/// The same contract in the training dialect: a list's NDJSON (only the fields asked)
/// feeds an archive whose statuses were read first, the report names its entry, and
/// `undo ENTRY` gives the users back; a refused token stops it before anything is sent.
#[tokio::test(flavor = "multi_thread")]
async fn training_lists_feed_an_archive_that_undoes_by_its_entry() {
    let server = TestServer::start(Dialect::Training, 30).await;
    let home = Home::new(&server, Dialect::Training, "");
    let list = home
        .run(&[
            "users",
            "list",
            "--status",
            "active",
            "--limit",
            "3",
            "--fields",
            "id,isActive",
            "--format",
            "ndjson",
        ])
        .await;
    list.expect(0);
    let records: Vec<serde_json::Value> = list
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    assert!(
        records
            .iter()
            .all(|r| r["isActive"] == true && r.as_object().unwrap().len() == 2)
    );
    let ids: Vec<String> = records
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();

    let args = [
        "users",
        "archive",
        "--ids-from",
        "-",
        "--yes",
        "--format",
        "json",
    ];
    let refused = home
        .run_with(
            &args,
            |c| {
                c.env("USERDECK_TOKEN", "not-the-token");
            },
            &list.stdout,
        )
        .await;
    refused.expect(4);
    assert_eq!(home.journal(), "", "nothing was sent");

    let archived = home.run_with(&args, |_| {}, &list.stdout).await;
    let report = archived.expect(0).json();
    assert_eq!(strings(&report["succeeded"]), ids);
    let entry = report["entry"].as_str().unwrap().to_string();
    let shown = |id: String| {
        let home = &home;
        async move {
            let run = home.run(&["users", "show", &id, "--format", "json"]).await;
            run.expect(0).json()["user"]["archivedAt"].is_string()
        }
    };
    assert!(shown(ids[0].clone()).await, "archived");
    home.run(&["undo", &entry, "--yes"]).await.expect(0);
    for id in &ids {
        assert!(!shown(id.clone()).await, "{id} given back");
    }
    server.stop().await;
}

/// Issue #21, item 2: a list that fails half-way says how far it got in every format and
/// exits non-zero; what it wrote never passes for the list (`--ids-from` refuses it).
#[tokio::test(flavor = "multi_thread")]
async fn a_list_that_fails_half_way_says_how_far_it_got_in_every_format() {
    let server = TestServer::start(Dialect::Crm, 2_300).await;
    // No retries: the second page's failure is the list's.
    let home = Home::new(&server, Dialect::Crm, "retries = 0\n");
    for format in ["json", "ndjson", "csv"] {
        // The first request (a page of 1,000) answered, the second refused with HTTP 500.
        server.server.faults().set(
            "fail=1/2"
                .parse::<userdeck::server::faults::FaultSpec>()
                .unwrap(),
        );
        let run = home
            .run(&["users", "list", "--all", "--format", format])
            .await;
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("the list is incomplete: it failed after 1,000 users"),
            "{format}: {}",
            run.stderr
        );
        let last = run.stdout.lines().last().unwrap_or_default().to_string();
        match format {
            "json" => {
                let written = run.json();
                assert_eq!(written["incomplete"], true);
                assert_eq!(written["rows"], 1_000);
                assert_eq!(written["users"].as_array().unwrap().len(), 1_000);
            }
            "ndjson" => {
                assert!(
                    last.contains("\"incomplete\": true") && last.contains("\"rows\": 1000"),
                    "{last}"
                );
                assert_eq!(run.stdout.lines().count(), 1_001);
            }
            _ => assert_eq!(
                run.stdout.lines().count(),
                1_001,
                "a header and the rows written"
            ),
        }
        server.server.faults().set(Default::default());
        if format != "csv" {
            let fed = block_piped(&home, &run.stdout).await;
            fed.expect(2);
            assert_eq!(home.journal(), "", "{format}: nothing sent");
        }
    }
    server.stop().await;
}
