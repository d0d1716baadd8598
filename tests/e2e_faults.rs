//! The dashboard in a pseudo-terminal against a server that fails on purpose (its fault
//! injection): pastes never act as keys, failures show where they happened, suspend and
//! resume, quitting during a slow bulk action journals every id sent, and the detail
//! pane never cuts an address.

mod common;
mod pty;

use common::TestServer;
use pty::{Dashboard, ONE_AT_A_TIME, Served, users};
use serde_json::Value;
use userdeck::dialect::Dialect;
use userdeck::server::faults::FaultSpec;

fn faults(server: &TestServer, spec: &str) {
    server
        .server
        .faults()
        .set(spec.parse::<FaultSpec>().unwrap());
}

async fn statuses(server: &TestServer) -> Vec<Value> {
    let data = users(server, "{ users(limit: 100) { data { id status } } }").await;
    data["users"]["data"].as_array().unwrap().clone()
}

/// The bracketed-paste framing a terminal puts around pasted text.
fn pasted(text: &str) -> String {
    format!("\x1b[200~{text}\x1b[201~")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_paste_with_newlines_sends_no_mutation() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 30).await;
    let before = statuses(&server).await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 30");
    // Outside a text field: ignored, with a notice; keys that follow a paste's end marker
    // in the same burst (a marker inside the pasted text) are the paste's too.
    ui.keys(&pasted("\nby\n"));
    ui.wait_text("paste ignored");
    ui.keys("j");
    ui.wait_for("the notice gone", |s| !s.contains("paste ignored"));
    ui.keys(&format!("{}by*b", pasted("hello")));
    ui.wait_text("paste ignored");
    // Into the filter line: text, the newlines confirm nothing.
    ui.keys("/");
    ui.keys(&pasted("zz\nb\ny\n"));
    let screen = ui.wait_text("/ zz b y");
    assert!(!screen.contains("block 1 user:"), "{screen}");
    ui.keys("\x1b");
    ui.wait_for("the filter cleared", |s| !s.contains("/ zz"));
    ui.keys("q");
    assert!(ui.exit().0.success());
    assert_eq!(statuses(&server).await, before, "no user changed");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_filter_never_shows_old_rows_under_the_new_label() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 300).await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 300");
    faults(&server, "fail=1/1");
    ui.keys("/zed");
    let screen = ui.wait_text("filter \"zed\" failed");
    let status_line = screen
        .lines()
        .find(|l| l.starts_with("rows "))
        .expect("the footer");
    assert!(
        !status_line.contains("filter \"zed\""),
        "the footer names the query shown, not the one that failed: {status_line}"
    );
    assert!(screen.contains("showing the unfiltered list"), "{screen}");
    assert!(status_line.contains("rows 1–20 of 300"), "{status_line}");
    // The next success ends the failure.
    faults(&server, "none");
    ui.keys("\rr");
    ui.wait_for("the filtered rows", |s| {
        !s.contains("failed") && s.contains("filter \"zed\"")
    });
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_detail_shows_its_error_and_r_retries() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 30).await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 30");
    faults(&server, "bad-body=1/1");
    ui.keys("\r");
    let screen = ui.wait_text("cannot load this user");
    assert!(screen.contains("r tries again"), "{screen}");
    faults(&server, "none");
    ui.keys("r");
    ui.wait_text("sessions:");
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

/// Whether the terminal is in raw mode (no line editing, no echo).
fn raw_mode(ui: &Dashboard) -> bool {
    let fd = ui.master.as_ref().unwrap().as_raw_fd().unwrap();
    // SAFETY: a zeroed termios is a valid out-parameter for tcgetattr on an open fd.
    let mut termios: libc::termios = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::tcgetattr(fd, &mut termios) }, 0);
    termios.c_lflag & (libc::ICANON | libc::ECHO) == 0
}

/// Blocks until the child `pid` has stopped or ended (without reaping it); whether it
/// stopped.
fn wait_stopped(pid: u32) -> bool {
    // SAFETY: a zeroed siginfo is a valid out-parameter; WNOWAIT leaves the child as is.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    let done = unsafe {
        libc::waitid(
            libc::P_PID,
            pid,
            &mut info,
            libc::WSTOPPED | libc::WEXITED | libc::WNOWAIT,
        )
    };
    assert_eq!(done, 0, "waitid");
    info.si_code == libc::CLD_STOPPED
}

#[tokio::test(flavor = "multi_thread")]
async fn sigtstp_then_sigcont_comes_back_redrawn_in_raw_mode() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 20).await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 20");
    assert!(raw_mode(&ui));
    let before = ui.written();
    let pid = ui.child.process_id().unwrap();
    ui.signal("TSTP");
    assert!(wait_stopped(pid), "stopped, not ended");
    ui.wait_raw(before, b"\x1b[?1049l");
    assert!(!raw_mode(&ui), "stopped: the terminal is given back cooked");
    let stopped_at = ui.written();
    ui.signal("CONT");
    // Back: the alternate screen again and every row drawn anew, in raw mode.
    ui.wait_raw(stopped_at, b"\x1b[?1049h");
    ui.wait_raw(stopped_at, b"rows");
    ui.wait_until("raw mode again", || raw_mode(&ui));
    // A stop it did not ask for (SIGSTOP), while a shell puts the terminal back to cooked
    // mode: SIGCONT still brings raw mode back.
    ui.signal("STOP");
    assert!(wait_stopped(pid), "stopped");
    set_cooked(&ui);
    let stopped_at = ui.written();
    ui.signal("CONT");
    ui.wait_raw(stopped_at, b"rows");
    // Raw mode is set before the redraw that follows it (an earlier redraw may come first).
    ui.wait_until("raw mode after an outside stop too", || raw_mode(&ui));
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

/// Puts the terminal in cooked mode, as a shell does when a job stops.
fn set_cooked(ui: &Dashboard) {
    let fd = ui.master.as_ref().unwrap().as_raw_fd().unwrap();
    // SAFETY: a termios read from and written back to the same open descriptor.
    unsafe {
        let mut termios: libc::termios = std::mem::zeroed();
        assert_eq!(libc::tcgetattr(fd, &mut termios), 0);
        termios.c_lflag |= libc::ICANON | libc::ECHO;
        assert_eq!(libc::tcsetattr(fd, libc::TCSANOW, &termios), 0);
    }
    assert!(!raw_mode(ui));
}

/// How an operator (or the system) quits during a bulk action.
enum QuitBy {
    /// Ctrl-C asks; a second one quits at once.
    CtrlCTwice,
    /// SIGTERM stops the action with its grace.
    Signal(&'static str),
    /// The terminal goes (a dropped connection): nothing can be said, the exit code and
    /// the journal still tell.
    HangUp,
}

/// Blocks 20 users in chunks of 5 against `serve --faults latency=…` (so the first chunks
/// are still under way), quits `by`, and checks that every id sent has its outcome in the
/// journal and the program said what it left.
async fn quit_during_a_slow_bulk_action(latency: &str, by: QuitBy) {
    // All 20 sent, those blocked already too: four chunks of five.
    let (_served, mut ui) = Dashboard::blocking_slowly(latency);
    match by {
        QuitBy::CtrlCTwice => {
            ui.keys("\x03");
            ui.wait_text("Stop it and quit?");
            ui.keys("\x03");
        }
        QuitBy::Signal(name) => ui.signal(name),
        QuitBy::HangUp => {}
    }
    let hung_up = matches!(by, QuitBy::HangUp);
    let (status, raw, home) = if hung_up { ui.hang_up() } else { ui.finish() };
    let journal_path = home.path().join("state/userdeck/audit.jsonl");
    assert!(status.signal().is_none(), "ended by {:?}", status.signal());
    assert_eq!(status.exit_code(), 6, "some outcomes are unknown");
    // The first chunks go at once: all of them under way when the quit comes.
    let under_way = 5 * userdeck::api::bulk::IN_FLIGHT;
    // Hung up, what it said went nowhere; the journal tells all the same.
    if !hung_up {
        let said = String::from_utf8_lossy(&raw);
        assert!(
            said.contains(&format!("left unknown ({under_way};")),
            "{said}"
        );
        assert!(
            said.contains(&format!("not sent ({})", 20 - under_way)),
            "{said}"
        );
        assert!(said.contains("audit.jsonl"), "the journal is named: {said}");
    }
    let journal = std::fs::read_to_string(journal_path).unwrap();
    let lines: Vec<Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let attempts: Vec<&Value> = lines.iter().filter(|l| l["event"] == "attempt").collect();
    assert_eq!(
        attempts.len(),
        userdeck::api::bulk::IN_FLIGHT,
        "the chunks under way were sent, no other: {journal}"
    );
    for attempt in attempts {
        let outcome = lines
            .iter()
            .find(|l| l["event"] == "outcome" && l["entry"] == attempt["entry"])
            .unwrap_or_else(|| panic!("no outcome for {attempt}"));
        let unknown: Vec<&Value> = outcome["unknown"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| &u["id"])
            .collect();
        let sent: Vec<&Value> = attempt["ids"].as_array().unwrap().iter().collect();
        assert_eq!(unknown, sent, "every id sent has its outcome: {outcome}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_during_a_slow_bulk_action_journals_every_id_sent() {
    let _serial = ONE_AT_A_TIME.lock().await;
    quit_during_a_slow_bulk_action("3s", QuitBy::CtrlCTwice).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_terminal_hung_up_during_a_slow_bulk_action_ends_it_cleanly_and_journals_every_id() {
    let _serial = ONE_AT_A_TIME.lock().await;
    // Stopped as SIGTERM stops it: the chunk takes longer than the grace, left unknown.
    quit_during_a_slow_bulk_action("6s", QuitBy::HangUp).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_during_a_slow_bulk_action_waits_its_grace_then_journals_every_id_sent() {
    let _serial = ONE_AT_A_TIME.lock().await;
    // The chunk takes longer than the 3 s grace: it is left unknown.
    quit_during_a_slow_bulk_action("6s", QuitBy::Signal("TERM")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_detail_at_120x40_shows_whole_ip_addresses() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 200).await;
    // The user with the widest addresses among the first page.
    let data = users(
        &server,
        "{ users(limit: 20) { data { id username sessions { all { ipAddress } } } } }",
    )
    .await;
    let rows = data["users"]["data"].as_array().unwrap();
    let width = |u: &Value| -> usize {
        u["sessions"]["all"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["ipAddress"].as_str())
            .map(str::len)
            .max()
            .unwrap_or(0)
    };
    let (row, chosen) = rows
        .iter()
        .enumerate()
        .max_by_key(|(_, u)| width(u))
        .unwrap();
    assert!(width(chosen) >= 20, "a long (IPv6) address to show");
    let mut ui = Dashboard::sized(&server.url, Dialect::Crm, &[], "", &[], (120, 40), "");
    ui.wait_text("rows 1–20 of 200");
    ui.keys(&"j".repeat(row));
    ui.keys("\r");
    let screen = ui.wait_text("sessions:");
    let id = chosen["id"].as_str().unwrap();
    assert!(screen.contains(id), "the user id whole:\n{screen}");
    let ips: Vec<&str> = chosen["sessions"]["all"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["ipAddress"].as_str())
        .collect();
    assert!(ips.iter().any(|ip| screen.contains(ip)), "{screen}");
    // Every address on screen is whole (the pane may be too short for all of them).
    for ip in ips {
        let start: String = ip.chars().take(12).collect();
        assert!(
            !screen.contains(&start) || screen.contains(ip),
            "{ip} is cut:\n{screen}"
        );
    }
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_load_that_fails_says_so_and_r_tries_again() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 30).await;
    faults(&server, "fail=1/1");
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    let screen = ui.wait_text("cannot load the users");
    assert!(!screen.contains("no users match"), "{screen}");
    faults(&server, "none");
    ui.keys("r");
    ui.wait_for("the rows, the failure gone", |s| {
        s.contains("rows 1–20 of 30") && !s.contains("cannot load")
    });
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn quitting_while_lost_answers_are_read_back_says_them_unknown() {
    let _serial = ONE_AT_A_TIME.lock().await;
    // Every answer takes 4 s and a mutation's is lost: the block's ids are unknown, then
    // read back (all 20 in one request) as slowly: longer than the 3 s of grace.
    let served = Served::start(&["--users", "30", "--faults", "latency=4s,lose-answer"]);
    let mut ui = Dashboard::sized(&served.url, Dialect::Crm, &[], "", &[], (120, 30), "");
    ui.block_the_page();
    ui.wait_text("20 unknown: reading back");
    ui.keys("q");
    let asked = ui.wait_text("Stop it and quit?");
    assert!(asked.contains("20 unknown: reading"), "{asked}");
    ui.keys("y");
    let (status, raw, _home) = ui.finish();
    let said = String::from_utf8_lossy(&raw);
    // The reading back stops after the grace: every id named, unknown.
    assert!(said.contains("left unknown (20;"), "{said}");
    assert_eq!(status.exit_code(), 6, "their outcomes are unknown");
}
