//! Production looks like production (issue #25, part 3): a profile's colour and label in
//! the status bar at 80×24, its own count past which a bulk action's count is typed, and
//! a reason asked before any change — in the dashboard's confirmation, headless as
//! `--reason` (without it: exit 2, nothing sent) — journalled, and shown by `journal`
//! and `users timeline`.

mod common;
mod home;
mod pty;

use common::TestServer;
use home::Home;
use pty::{Dashboard, ONE_AT_A_TIME};
use userdeck::dialect::Dialect;

const PRODUCTION: &str =
    "color = \"red\"\nlabel = \"PROD\"\nrequire_reason = true\nconfirm_typed_above = 1\n";

#[tokio::test(flavor = "multi_thread")]
async fn headless_changes_need_a_reason_which_the_journal_and_timeline_keep() {
    let server = TestServer::start(Dialect::Crm, 40).await;
    let home = Home::new(&server, Dialect::Crm, PRODUCTION);
    let ids = common::active_users(&server, 2).await;
    // Without a reason: refused before anything is read or sent.
    let refused = home.run(&["users", "block", &ids[0], "--yes"]).await;
    refused.expect(2);
    assert!(refused.stderr.contains("--reason"), "{}", refused.stderr);
    let blank = home
        .run(&["users", "block", &ids[0], "--yes", "--reason", "  "])
        .await;
    blank.expect(2);
    assert_eq!(server.statuses(&ids[..1]).await, ["ACTIVE"]);
    assert!(
        home.journal().is_empty(),
        "nothing journalled: {}",
        home.journal()
    );
    // With one: sent, and the reason journalled with it.
    home.run(&[
        "users",
        "block",
        &ids[0],
        "--yes",
        "--reason",
        "INC-4711 spam wave",
    ])
    .await
    .expect(0);
    assert_eq!(server.statuses(&ids[..1]).await, ["BLOCKED"]);
    let listed = home.run(&["journal", "--format", "json"]).await;
    let entries = listed.expect(0).json()["entries"].clone();
    assert_eq!(entries[0]["reason"], "INC-4711 spam wave", "{entries}");
    let table = home.run(&["journal"]).await;
    assert!(table.expect(0).stdout.contains("INC-4711 spam wave"));
    let history = home.run(&["users", "timeline", &ids[0]]).await;
    assert!(
        history.expect(0).stdout.contains("why: INC-4711 spam wave"),
        "{}",
        history.stdout
    );
    // An undo is a change too.
    home.run(&["undo", "--yes"]).await.expect(2);
    home.run(&["undo", "--yes", "--reason", "wrong account"])
        .await
        .expect(0);
    assert_eq!(server.statuses(&ids[..1]).await, ["ACTIVE"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_colour_or_label_is_named_when_the_config_is_read() {
    let server = TestServer::start(Dialect::Crm, 5).await;
    for (extra, named) in [
        ("color = \"reddish\"\n", "profiles.test.color"),
        ("label = \"A LABEL FAR TOO LONG\"\n", "profiles.test.label"),
    ] {
        let home = Home::new(&server, Dialect::Crm, extra);
        let run = home.run(&["users", "list"]).await;
        run.expect(1);
        assert!(run.stderr.contains(named), "{}", run.stderr);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_shows_the_label_and_asks_why_before_the_count() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 40).await;
    let mut ui = Dashboard::sized(
        &server.url,
        Dialect::Crm,
        &[],
        "",
        &[],
        (80, 24),
        PRODUCTION,
    );
    let screen = ui.wait_text("rows 1–");
    // The label starts the status bar, whole, at 80 columns.
    let (row, bar) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("rows 1–"))
        .unwrap();
    assert!(bar.starts_with(" PROD "), "{bar}");
    // The bar painted in the profile's red (SGR 41), under its text too.
    let row = u16::try_from(row).unwrap();
    assert_eq!(ui.background(row, 10), vt100::Color::Idx(1), "{bar}");
    // Two active users: past the profile's one, so the count is typed too — after the
    // reason.
    ui.keys("f");
    let active = ui.wait_text("status active");
    let ids: Vec<String> = active
        .lines()
        .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("usr_")))
        .take(2)
        .map(str::to_string)
        .collect();
    ui.keys(" ");
    ui.wait_text("1 selected");
    ui.keys(" ");
    ui.wait_text("2 selected");
    ui.keys("b");
    ui.wait_text("why (a reason or a ticket id):");
    // y is text here, not yes: nothing is sent without a reason.
    ui.keys("\r");
    ui.wait_text("this profile asks a reason");
    ui.keys("INC-9 ring\r");
    ui.wait_text("type 2 to confirm");
    ui.keys("2\r");
    ui.wait_text("block: 2 succeeded");
    assert_eq!(server.statuses(&ids).await, ["BLOCKED", "BLOCKED"]);
    // Journalled with its reason (`:journal` says it after the outcome, past 80 columns).
    let journal = ui.home.path().join("state/userdeck/audit.jsonl");
    let lines = std::fs::read_to_string(journal).unwrap();
    assert!(lines.contains("\"reason\":\"INC-9 ring\""), "{lines}");
    ui.keys("q");
    assert!(ui.exit().0.success());
}

/// The client itself refuses a change that does not say why, whatever path it comes by:
/// nothing journalled, nothing sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_requires_a_reason_sends_nothing_without_one() {
    use userdeck::api::bulk::{self, Batch, Stop};
    use userdeck::api::journal::Journal;
    use userdeck::api::model::BulkAction;
    let server = TestServer::start(Dialect::Crm, 10).await;
    let ids = common::active_users(&server, 1).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let client = common::client_for(&server, Dialect::Crm)
        .with_journal(Journal::new(&path, "prod", &server.url))
        .requiring_reason(true);
    let block = |client: userdeck::api::client::Client| {
        let ids = ids.clone();
        async move {
            let batch = Batch::new(Default::default(), None);
            bulk::run(
                &client,
                BulkAction::Block,
                &ids,
                0,
                &batch,
                Stop::never(),
                |_| {},
            )
            .await
        }
    };
    let refused = block(client.clone()).await;
    assert_eq!(refused.succeeded().count(), 0);
    assert_eq!(server.statuses(&ids).await, ["ACTIVE"]);
    let journalled = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(!journalled.contains("\"attempt\""), "{journalled}");
    let given = block(client.because(Some("INC-1"))).await;
    assert_eq!(given.succeeded().count(), 1);
    assert_eq!(server.statuses(&ids).await, ["BLOCKED"]);
}
