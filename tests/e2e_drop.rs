//! A dropped connection (the pseudo-terminal's other side closes, then the shell's SIGHUP
//! follows, as over SSH) during a bulk action: one stop with its grace, every confirmed
//! id in the journal with its outcome, and no core spent spinning on the dead input.

mod common;
mod pty;

use pty::{Dashboard, ONE_AT_A_TIME, Spent};
use userdeck::api::journal::read::{EntryOutcome, read};

/// Blocks the first page's 20 users in chunks of 5 against a server answering after
/// `latency`, drops the connection while the first chunks are under way; what the
/// process spent from then on, and the journal's counts: (succeeded, unknown, not sent).
async fn dropped_during_a_block(latency: &str) -> (Spent, (usize, usize, usize), String) {
    let (_served, ui) = Dashboard::blocking_slowly(latency);
    let (spent, status, _, home) = ui.drop_connection();
    assert!(status.signal().is_none(), "ended by {:?}", status.signal());
    let entries = read(&home.path().join("state/userdeck/audit.jsonl"), 100).unwrap();
    let outcomes: Vec<_> = entries.iter().filter_map(|e| e.outcome.as_ref()).collect();
    let count = |of: fn(&EntryOutcome) -> usize| outcomes.iter().map(|o| of(o)).sum::<usize>();
    let counts = (
        count(|o| o.succeeded.len()),
        count(|o| o.unknown.len()),
        count(|o| o.not_sent.len()),
    );
    (spent, counts, format!("{entries:#?}"))
}

const UNDER_WAY: usize = 5 * userdeck::api::bulk::IN_FLIGHT;

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_connection_waits_for_the_chunks_under_way_and_reads_no_more_input() {
    let _serial = ONE_AT_A_TIME.lock().await;
    // Each answer takes 2 s: those under way when the connection drops come back within
    // the 3 s grace a stop gives them.
    let (spent, counts, entries) = dropped_during_a_block("2s").await;
    // One hangup is one stop: the shell's SIGHUP after the terminal's end is not a second
    // one that quits at once and leaves the answers under way unknown.
    assert_eq!(counts, (UNDER_WAY, 0, 20 - UNDER_WAY), "{entries}");
    // The input at its end is read no more: without that, crossterm reads it in a loop
    // (4.6 million reads and a whole core for the grace).
    // (Between the end and the watcher's swap a few thousand reads may slip in.)
    assert!(spent.reads < 50_000, "{spent:?}");
    assert!(spent.cpu_ticks < 50, "{spent:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn past_the_grace_the_ids_under_way_are_unknown_and_the_rest_not_sent() {
    let _serial = ONE_AT_A_TIME.lock().await;
    // Answers take 6 s, longer than the grace: the ids under way are unknown, and every
    // confirmed id never sent is journalled so (issue #22, defect 2).
    let (_, counts, entries) = dropped_during_a_block("6s").await;
    assert_eq!(counts, (0, UNDER_WAY, 20 - UNDER_WAY), "{entries}");
}
