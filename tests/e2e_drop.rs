//! A dropped connection (the pseudo-terminal's other side closes, then the shell's SIGHUP
//! follows, as over SSH) during a bulk action: one stop with its grace, every confirmed
//! id in the journal with its outcome, and no core spent spinning on the dead input.

mod common;
mod pty;

use pty::{Dashboard, ONE_AT_A_TIME, Served};
use userdeck::api::journal::read;
use userdeck::dialect::Dialect;

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_connection_waits_for_the_chunks_under_way_and_reads_no_more_input() {
    let _serial = ONE_AT_A_TIME.lock().await;
    // Each answer takes 2 s: those under way when the connection drops come back within
    // the 3 s grace a stop gives them.
    let served = Served::start(&["--users", "30", "--faults", "latency=2s"]);
    let mut ui = Dashboard::sized(
        &served.url,
        Dialect::Crm,
        &[],
        "",
        &[],
        (120, 30),
        "chunk_size = 5",
    );
    ui.wait_text("rows 1–20 of 30");
    ui.keys("*");
    ui.wait_text("20 selected");
    ui.keys("b");
    ui.wait_text("block 20 users:");
    ui.keys("\t");
    ui.wait_text("send 20");
    ui.keys("y");
    ui.wait_text("working");
    let (spent, status, _, home) = ui.drop_connection();
    assert!(status.signal().is_none(), "ended by {:?}", status.signal());
    let entries = read(&home.path().join("state/userdeck/audit.jsonl"), 100).unwrap();
    let outcomes: Vec<_> = entries.iter().filter_map(|e| e.outcome.as_ref()).collect();
    let under_way = 5 * userdeck::api::bulk::IN_FLIGHT;
    let succeeded: usize = outcomes.iter().map(|o| o.succeeded.len()).sum();
    let unknown: usize = outcomes.iter().map(|o| o.unknown.len()).sum();
    let not_sent: usize = outcomes.iter().map(|o| o.not_sent.len()).sum();
    // One hangup is one stop: the shell's SIGHUP after the terminal's end is not a second
    // one that quits at once and leaves the answers under way unknown.
    assert_eq!(
        (succeeded, unknown, not_sent),
        (under_way, 0, 20 - under_way),
        "{entries:#?}"
    );
    // The input at its end is read no more: without that, crossterm reads it in a loop
    // (tens of thousands of reads and a whole core for the grace).
    assert!(spent.reads < 2_000, "{spent:?}");
    assert!(spent.cpu_ticks < 50, "{spent:?}");
}
