//! Signals in the dashboard, end to end: an account opened shows its signals at the top
//! of its pane, and the table shows the most severe of each account opened.

mod common;
mod pty;

use common::TestServer;
use pty::{Dashboard, ONE_AT_A_TIME};
use userdeck::dialect::Dialect;
use userdeck::server::cases;

#[tokio::test(flavor = "multi_thread")]
async fn an_opened_account_shows_its_signals_in_the_pane_and_the_table() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 60).await;
    let mut ui = Dashboard::sized(&server.url, Dialect::Crm, &[], "", &[], (200, 30), "");
    ui.wait_text("rows 1–20 of 60");
    // No account opened yet: no column for signals.
    assert!(!ui.wait_text("rows 1–20").contains(" SIG"));
    ui.keys(&format!("/{}\r", cases::TWO_COUNTRIES));
    ui.wait_text("rows 1–1 of 1");
    ui.keys("\r");
    // Drawn whole: the signal's evidence and the fields under it.
    let pane = ui.wait_for("the pane with its signal", |s| {
        s.contains("two-countries:") && s.contains("203.0.113.82") && s.contains("username")
    });
    let line = pane.lines().find(|l| l.contains("two-countries:")).unwrap();
    assert!(line.contains("HIGH"), "{line}");
    assert!(pane.contains("203.0.113.82"), "its evidence: {pane}");
    // The pane's signals come before its fields.
    let at = |text: &str| pane.find(text).unwrap_or(usize::MAX);
    assert!(at("two-countries:") < at("username"), "{pane}");
    // Back to the table alone: the account's most severe signal in its row.
    ui.keys("\x1b");
    let row = |s: &str| {
        s.lines()
            .find(|l| l.contains(cases::TWO_COUNTRIES))
            .map(|l| l.trim_end().to_string())
    };
    let table = ui.wait_for("the signals column and the row", |s| {
        s.contains(" SIG") && row(s).is_some_and(|r| r.ends_with("high"))
    });
    assert!(table.contains(" SIG"), "{table}");
    ui.keys("q");
    assert!(ui.exit().0.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ring_is_followed_shown_and_blocked_with_the_usual_preview() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 60).await;
    let mut ui = Dashboard::sized(&server.url, Dialect::Crm, &[], "", &[], (160, 40), "");
    ui.wait_text("rows 1–20 of 60");
    ui.keys(&format!("/{}\r", cases::RING_START));
    ui.wait_text("rows 1–1 of 1");
    // From the table's row: the ring around it, two steps deep.
    ui.keys("N");
    ui.wait_text("ring of usr_00000011, depth 2: 12 accounts");
    // Its rows drawn: the farthest, reached through the account on both addresses.
    let ring = ui.wait_text("depth 2 via usr_00000016 on 203.0.113.20");
    assert!(
        ring.contains("medium shares-with-blocked"),
        "its signals: {ring}"
    );
    // Every account not blocked, then the usual preview: ten of twelve.
    ui.keys("*");
    ui.wait_text("10 selected");
    ui.keys("b");
    ui.wait_text("block 10 users: 10 active → blocked");
    ui.keys("y");
    ui.wait_text("block: 10 succeeded");
    let ids: Vec<String> = (11..=22).map(|n| format!("usr_{n:08}")).collect();
    assert_eq!(server.statuses(&ids).await, vec!["BLOCKED"; 12]);
    // Enter opens an account of a ring followed from the table; Backspace comes back to it.
    ui.keys("j\r");
    ui.wait_for("the account opened", |s| {
        !s.contains("ring of usr_00000011")
    });
    ui.keys("\x7f");
    ui.wait_text("ring of usr_00000011, depth 2: 12 accounts");
    ui.keys("k");
    // From an account of the ring (or of an address), its own ring: the cursor's.
    ui.keys("U");
    ui.keys("j");
    ui.keys("N");
    ui.wait_text("ring of usr_00000016, depth 2: 12 accounts");
    // Back to the table; `:ring 1` keeps to the start's own address.
    ui.keys("\x7f");
    ui.wait_for("the ring closed", |s| !s.contains("ring of usr_00000011"));
    ui.keys(":ring 1\r");
    ui.wait_text("ring of usr_00000011, depth 1: 6 accounts");
    ui.keys("\x7f");
    ui.keys(":ring 7\r");
    ui.wait_text("ring takes a depth from 1 to 4");
    ui.keys("q");
    assert!(ui.exit().0.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_timeline_shows_the_new_device_and_the_block_just_journalled() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 60).await;
    let mut ui = Dashboard::sized(&server.url, Dialect::Crm, &[], "", &[], (160, 40), "");
    ui.wait_text("rows 1–20 of 60");
    ui.keys(&format!("/{}\r", cases::NEW_DEVICE));
    ui.wait_text("rows 1–1 of 1");
    ui.keys("b");
    ui.wait_text("block 1 user");
    ui.keys("y");
    ui.wait_text("block: 1 succeeded");
    ui.keys("T");
    let history = ui.wait_for("the history with the block", |s| {
        s.contains(&format!("timeline of {}", cases::NEW_DEVICE)) && s.contains("journal ")
    });
    // Its sessions, the device that changed, and the block just done, newest last.
    let line = |what: &str| {
        history
            .lines()
            .position(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no {what:?} in {history}"))
    };
    assert!(line("created ") < line("new device "), "{history}");
    assert!(line("new device ") < line("journal "), "{history}");
    let journalled = &history.lines().nth(line("journal ")).unwrap();
    assert!(journalled.contains("block"), "{journalled}");
    // Esc closes it: the table is back.
    ui.keys("\x1b");
    ui.wait_for("the table back", |s| !s.contains("timeline of"));
    ui.keys("q");
    assert!(ui.exit().0.success());
}
