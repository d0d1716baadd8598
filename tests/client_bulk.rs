//! Bulk actions against the embedded server over real HTTP: chunks, an unknown id
//! isolated, the journal of every chunk, and nothing sent that the journal cannot hold.

mod common;

use common::{TOKEN, TestServer, client_for};
use serde_json::{Value, json};
use userdeck::api::bulk::{self, Batch, Stop};
use userdeck::api::journal::Journal;
use userdeck::api::model::{BulkAction, FailReason, ListQuery, Status};
use userdeck::api::ops::{self, UserKey};
use userdeck::dialect::Dialect;

#[tokio::test]
async fn a_bulk_block_isolates_an_unknown_id_and_journals_everything() {
    let server = TestServer::start(Dialect::Crm, 1_300).await;
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("state/userdeck/audit.jsonl");
    let client = client_for(&server, Dialect::Crm).with_journal(Journal::new(
        &journal_path,
        "test",
        &server.url,
    ));
    let page = ops::crm_page(
        &client,
        &ListQuery {
            limit: 1000,
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    let more = ops::crm_page(
        &client,
        &ListQuery {
            limit: 1000,
            offset: 1000,
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    let mut ids: Vec<String> = page
        .rows
        .iter()
        .chain(&more.rows)
        .map(|u| u.id.clone())
        .take(1_199)
        .collect();
    ids.insert(600, "usr_does_not_exist".into());
    assert_eq!(ids.len(), 1_200);

    let mut progress = Vec::new();
    let report = bulk::run(
        &client,
        BulkAction::Block,
        &ids,
        500,
        &Batch::default(),
        Stop::never(),
        |p| progress.push(p),
    )
    .await;
    assert_eq!(report.counts().succeeded, 1_199);
    assert_eq!(
        report
            .failed()
            .map(|(id, r)| (id.clone(), r.clone()))
            .collect::<Vec<_>>(),
        [(
            "usr_does_not_exist".to_string(),
            FailReason::UnknownToServer
        )]
    );
    assert_eq!(progress.last().unwrap().done, 1_200);
    assert!(progress.windows(2).all(|w| w[0].done <= w[1].done));

    let blocked = ops::crm_page(
        &client,
        &ListQuery {
            status: Some(Status::Blocked),
            limit: 1,
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    let before_blocked = 1_300
        - ops::crm_page(
            &client,
            &ListQuery {
                status: Some(Status::Active),
                limit: 1,
                ..ListQuery::default()
            },
        )
        .await
        .unwrap()
        .total
        - ops::crm_page(
            &client,
            &ListQuery {
                status: Some(Status::Pending),
                limit: 1,
                ..ListQuery::default()
            },
        )
        .await
        .unwrap()
        .total;
    assert_eq!(blocked.total, before_blocked);
    for id in [&ids[0], &ids[599], &ids[601], &ids[1_199]] {
        let detail = ops::detail(&client, &UserKey::Id(id.clone()))
            .await
            .unwrap();
        assert_eq!(detail.user.status, Status::Blocked, "{id}");
    }

    // The outcomes are written by the journal's thread: all of them, once it is flushed.
    client.journal().unwrap().flushed().await;
    let lines: Vec<Value> = std::fs::read_to_string(&journal_path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let attempts: Vec<&Value> = lines.iter().filter(|l| l["event"] == "attempt").collect();
    let outcomes: Vec<&Value> = lines.iter().filter(|l| l["event"] == "outcome").collect();
    assert_eq!(attempts.len(), outcomes.len());
    assert!(
        attempts
            .iter()
            .all(|a| a["action"] == "block" && a["profile"] == "test")
    );
    let succeeded: usize = outcomes
        .iter()
        .map(|o| o["succeeded"].as_array().unwrap().len())
        .sum();
    assert_eq!(succeeded, 1_199);
    let bad_alone = outcomes.iter().any(|o| {
        o["failed"] == json!([{ "id": "usr_does_not_exist", "reason": o["failed"][0]["reason"] }])
            && o["succeeded"] == json!([])
    });
    assert!(
        bad_alone,
        "the journal shows the unknown id failing on its own"
    );
    assert!(
        !std::fs::read_to_string(&journal_path)
            .unwrap()
            .contains(TOKEN)
    );
    server.stop().await;
}

/// A chunk leaves only once its attempt is in the journal: when it cannot be written,
/// no chunk leaves and every id says why.
#[tokio::test]
async fn a_bulk_block_sends_nothing_the_journal_cannot_hold() {
    let server = TestServer::start(Dialect::Crm, 1_300).await;
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("state");
    std::fs::write(&not_a_dir, "a file where the journal's directory would be").unwrap();
    let client = client_for(&server, Dialect::Crm).with_journal(Journal::new(
        not_a_dir.join("audit.jsonl"),
        "test",
        &server.url,
    ));
    let ids: Vec<String> = (1..=1_200).map(|n| format!("usr_{n:08}")).collect();
    let before = server.statuses(&ids[..40]).await;
    let mut progress = Vec::new();
    let report = bulk::run(
        &client,
        BulkAction::Block,
        &ids,
        100,
        &Batch::default(),
        Stop::never(),
        |p| progress.push(p),
    )
    .await;
    assert!((report.counts().succeeded == 0) && (report.counts().unknown == 0));
    assert_eq!(report.counts().failed, 1_200);
    assert!(report.failed().all(|(_, reason)| matches!(
        reason,
        FailReason::Error(e) if e.contains("cannot write the audit journal")
    )));
    assert_eq!(progress.last().unwrap().done, 1_200);
    assert_eq!(
        server.statuses(&ids[..40]).await,
        before,
        "nothing was sent"
    );
    server.stop().await;
}

#[tokio::test]
async fn training_bulk_reports_malformed_and_unknown_ids() {
    let server = TestServer::start(Dialect::Training, 20).await;
    let client = client_for(&server, Dialect::Training);
    let all = ops::training_all(&client).await.unwrap();
    let live: Vec<String> = all
        .iter()
        .filter(|u| u.status != Status::Archived)
        .take(3)
        .map(|u| u.id.to_uppercase())
        .collect();
    let mut ids = live.clone();
    ids.push("uuid-hier".into());
    ids.push("8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11".into());
    let report = bulk::run(
        &client,
        BulkAction::Archive,
        &ids,
        2,
        &Batch::default(),
        Stop::never(),
        |_| {},
    )
    .await;
    assert_eq!(
        report.succeeded().cloned().collect::<Vec<_>>(),
        live,
        "reported as given"
    );
    assert_eq!(
        report
            .failed()
            .map(|(id, r)| (id.clone(), r.clone()))
            .collect::<Vec<_>>(),
        [
            ("uuid-hier".to_string(), FailReason::NotUuid),
            (
                "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11".to_string(),
                FailReason::UnknownToServer
            )
        ]
    );
    let refused = bulk::run(
        &client,
        BulkAction::Block,
        &live,
        2,
        &Batch::default(),
        Stop::never(),
        |_| {},
    )
    .await;
    assert!(refused.counts().succeeded == 0 && refused.counts().failed == 3);
    server.stop().await;
}

#[tokio::test]
async fn a_user_read_back_that_does_not_exist_is_an_answer_not_a_failed_read() {
    // Settling and undo read statuses back many at once, giving up on the rest after a
    // failed read: a user the server does not know must not count as one.
    for dialect in [Dialect::Crm, Dialect::Training] {
        let server = TestServer::start(dialect, 5).await;
        let client = client_for(&server, dialect);
        let missing = match dialect {
            Dialect::Crm => "usr_09999999",
            Dialect::Training => "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11",
        };
        assert_eq!(
            ops::status_of(&client, missing).await.unwrap(),
            None,
            "{dialect}"
        );
        let known = match dialect {
            Dialect::Crm => server.ids(1).await.remove(0),
            Dialect::Training => {
                ops::training_all(&client)
                    .await
                    .unwrap()
                    .iter()
                    .next()
                    .unwrap()
                    .id
            }
        };
        assert!(ops::status_of(&client, &known).await.unwrap().is_some());
        server.stop().await;
    }
}

/// A token refused mid-action stops it at the chunks under way: those were sent (and
/// journalled), the rest not.
#[tokio::test]
async fn unauthorized_stops_the_remaining_chunks() {
    let server = TestServer::start(Dialect::Crm, 10).await;
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("audit.jsonl");
    let mut config = userdeck::api::client::ClientConfig::new(server.url.clone(), Dialect::Crm);
    config.token = Some(userdeck::api::client::Token::new("not-the-token"));
    let client = userdeck::api::client::Client::new(config)
        .unwrap()
        .with_journal(Journal::new(&journal_path, "test", &server.url));
    let ids: Vec<String> = (1..=5).map(|n| format!("usr_{n:08}")).collect();
    let report = bulk::run(
        &client,
        BulkAction::Block,
        &ids,
        1,
        &Batch::default(),
        Stop::never(),
        |_| {},
    )
    .await;
    let counts = report.counts();
    assert_eq!(counts.not_sent, 5 - bulk::IN_FLIGHT, "{report:?}");
    assert_eq!(
        report.verdict(),
        userdeck::api::ledger::Verdict::Unauthorized
    );
    client.journal().unwrap().flush();
    let attempts = std::fs::read_to_string(&journal_path)
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"event\":\"attempt\""))
        .count();
    assert_eq!(
        attempts,
        bulk::IN_FLIGHT,
        "the chunks under way were sent, no more"
    );
}
