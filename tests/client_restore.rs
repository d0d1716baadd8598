//! An undo gives back the exact status before (issue #20, defect 2), against the embedded
//! training server over real HTTP: unarchiving makes users active there, so an undo of an
//! archive reads its users back, sets `isActive` back with an `updateUser` of that field
//! alone, and succeeds only where the read-back proves the status before.

mod common;

use std::collections::HashMap;

use common::{TestServer, client_for};
use serde_json::{Value, json};
use userdeck::api::bulk::{self, Batch, Stop, Undo};
use userdeck::api::client::Client;
use userdeck::api::journal;
use userdeck::api::journal::Journal;
use userdeck::api::ledger::{Ledger, Outcome};
use userdeck::api::model::{BulkAction, FailReason, Status};
use userdeck::api::ops;
use userdeck::api::restore;
use userdeck::dialect::Dialect;

/// The first inactive and the first active user, neither archived.
async fn inactive_and_active(client: &Client) -> (String, String) {
    let all = ops::training_all(client).await.unwrap();
    let first = |wanted: Status| {
        all.iter()
            .find(|u| u.status == wanted)
            .map(|u| u.id.clone())
            .expect("the generated users hold one")
    };
    (first(Status::Inactive), first(Status::Active))
}

async fn statuses(client: &Client, ids: &[&String]) -> Vec<Option<Status>> {
    let mut read = Vec::new();
    for id in ids {
        read.push(ops::status_of(client, id).await.unwrap());
    }
    read
}

async fn run(client: &Client, action: BulkAction, ids: &[String], batch: &Batch) -> Ledger {
    bulk::run(client, action, ids, 100, batch, Stop::never(), |_| {}).await
}

/// Archives `ids` as a batch of their statuses before, then undoes it as `undo` does: the
/// ledger of the undo and its batch.
async fn archive_then_undo(
    client: &Client,
    ids: &[String],
    lose_answers: Option<&TestServer>,
) -> (Ledger, Batch) {
    let before: HashMap<String, Status> = ids
        .iter()
        .zip(statuses(client, &ids.iter().collect::<Vec<_>>()).await)
        .map(|(id, status)| (id.clone(), status.unwrap()))
        .collect();
    let archive = Batch::new(before.clone(), None);
    let archived = run(client, BulkAction::Archive, ids, &archive).await;
    assert_eq!(archived.counts().succeeded, ids.len(), "{archived:?}");
    let now = ids
        .iter()
        .map(|id| (id.clone(), Status::Archived))
        .collect();
    let undo = Batch::new(
        now,
        Some(Undo {
            of: archive.id.clone(),
            restore: before,
        }),
    );
    if let Some(server) = lose_answers {
        server.server.faults().set("lose-answer".parse().unwrap());
    }
    let ledger = run(client, BulkAction::Unarchive, ids, &undo).await;
    if let Some(server) = lose_answers {
        server.server.faults().set(Default::default());
    }
    (ledger, undo)
}

fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn undoing_an_archive_gives_back_inactive_and_active_users_as_they_were() {
    let server = TestServer::start(Dialect::Training, 40).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let journal = Journal::new(&path, "test", &server.url);
    let client = client_for(&server, Dialect::Training).with_journal(journal.clone());
    let (inactive, active) = inactive_and_active(&client).await;
    let ids = [inactive.clone(), active.clone()];

    let (ledger, undo) = archive_then_undo(&client, &ids, None).await;
    assert_eq!(ledger.succeeded().collect::<Vec<_>>(), [&inactive, &active]);
    assert_eq!(
        ledger.read_back().collect::<Vec<_>>(),
        [&inactive, &active],
        "each proven by reading it back"
    );
    assert_eq!(
        statuses(&client, &[&inactive, &active]).await,
        [Some(Status::Inactive), Some(Status::Active)]
    );

    journal.flush();
    // One update, of the user the unarchive made active, with isActive alone, under the
    // undo's batch.
    let updates: Vec<Value> = lines(&path)
        .into_iter()
        .filter(|l| l["event"] == "attempt" && l["action"] == "update")
        .collect();
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0]["ids"], json!([inactive]));
    assert_eq!(updates[0]["detail"]["user"], json!({ "isActive": false }));
    assert_eq!(updates[0]["detail"]["batch"], json!(undo.id));
    // The journal's entry of the undo holds what the ledger holds.
    let entries = journal::read(&path, 10).unwrap();
    let entry = entries.iter().find(|e| e.entry == undo.id).unwrap();
    let outcome = entry.outcome.as_ref().unwrap();
    assert_eq!(entry.action, "unarchive");
    assert_eq!(
        entry.undo_of.as_deref(),
        undo.undo.as_ref().map(|u| u.of.as_str())
    );
    assert_eq!((outcome.succeeded.len(), outcome.failed.len()), (2, 0));
    assert!(outcome.unknown.is_empty(), "{outcome:?}");
    server.stop().await;
}

#[tokio::test]
async fn answers_lost_on_the_way_are_settled_by_the_read_back_too() {
    // Every mutation of the undo is applied and loses its answer: the unarchive and the
    // update are each settled by reading the user back.
    let server = TestServer::start(Dialect::Training, 40).await;
    let client = client_for(&server, Dialect::Training);
    let (inactive, _) = inactive_and_active(&client).await;
    let (ledger, _) =
        archive_then_undo(&client, std::slice::from_ref(&inactive), Some(&server)).await;
    assert_eq!(
        ledger.succeeded().collect::<Vec<_>>(),
        [&inactive],
        "{ledger:?}"
    );
    assert_eq!(
        statuses(&client, &[&inactive]).await,
        [Some(Status::Inactive)]
    );
    server.stop().await;
}

#[tokio::test]
async fn an_undo_never_says_a_status_came_back_that_the_read_back_does_not_show() {
    let server = TestServer::start(Dialect::Training, 40).await;
    let client = client_for(&server, Dialect::Training);
    let (inactive, active) = inactive_and_active(&client).await;
    // The server gives an archived user back active, whatever it was.
    for archive in [true, false] {
        client
            .archive(archive, std::slice::from_ref(&inactive), Value::Null)
            .await
            .unwrap();
    }
    let answered =
        |ids: &[&String]| Ledger::of(ids.iter().map(|id| (id.to_string(), Outcome::Succeeded)));
    let restoring = |pairs: &[(&String, Status)]| {
        let restore = pairs
            .iter()
            .map(|(id, s)| (id.to_string(), s.clone()))
            .collect();
        Batch::new(
            HashMap::new(),
            Some(Undo {
                of: "undone".into(),
                restore,
            }),
        )
    };

    // A status an archive sets is sure: nothing is read back.
    let mut ledger = answered(&[&active]);
    let batch = restoring(&[(&active, Status::Archived)]);
    assert!(restore::unchecked(BulkAction::Archive, &mut ledger, &batch).is_empty());

    // The server cannot be read: unknown, not succeeded.
    let mut ledger = answered(&[&inactive]);
    let batch = restoring(&[(&inactive, Status::Inactive)]);
    let unchecked = restore::unchecked(BulkAction::Unarchive, &mut ledger, &batch);
    server.server.faults().set("fail=1/1".parse().unwrap());
    restore::restore(
        &client,
        BulkAction::Unarchive,
        &mut ledger,
        &unchecked,
        &batch.id,
    )
    .await;
    server.server.faults().set(Default::default());
    assert!(
        matches!(ledger.outcome(&inactive), Some(Outcome::Unknown(why)) if why.contains("reading it back")),
        "{ledger:?}"
    );
    assert_eq!(ledger.counts().succeeded, 0);

    // A status updateUser cannot give: failed with what the server holds.
    let mut ledger = answered(&[&inactive]);
    let batch = restoring(&[(&inactive, Status::Blocked)]);
    let unchecked = restore::unchecked(BulkAction::Unarchive, &mut ledger, &batch);
    restore::restore(
        &client,
        BulkAction::Unarchive,
        &mut ledger,
        &unchecked,
        &batch.id,
    )
    .await;
    assert_eq!(
        ledger.outcome(&inactive),
        Some(&Outcome::Failed(FailReason::NotApplied(Status::Active)))
    );
    server.stop().await;
}
