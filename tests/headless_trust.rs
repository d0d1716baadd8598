//! The headless commands as operators script them, under bad conditions: against
//! `userdeck serve --faults`, an answer lost after the server applied the action is
//! settled by reading the users back (exit 0), and stays unknown — exit 6, journalled
//! `unknown` — when reading back fails too; a refused token stops a bulk action at its
//! first chunk (exit 4); a closed stdout ends a command quietly; a hanging token command
//! is stopped at its timeout.

mod common;
mod pty;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output, Stdio};

use common::TOKEN;
use pty::{Served, in_home};
use serde_json::Value;

/// `userdeck ARGS` with a private home whose config points at `url`; its output and
/// journal.
fn userdeck(url: &str, args: &[&str]) -> (Output, Vec<Value>) {
    userdeck_as(url, TOKEN, args)
}

fn userdeck_as(url: &str, token: &str, args: &[&str]) -> (Output, Vec<Value>) {
    userdeck_in(url, "crm", token, args)
}

fn userdeck_in(url: &str, dialect: &str, token: &str, args: &[&str]) -> (Output, Vec<Value>) {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/userdeck/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        format!(
            "default_profile = \"t\"\n[profiles.t]\nendpoint = \"{url}\"\ndialect = \"{dialect}\"\nchunk_size = 1\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let output = in_home(&home, args)
        .env("USERDECK_TOKEN", token)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let journal = std::fs::read_to_string(home.path().join("state/userdeck/audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (output, journal)
}

const IDS: [&str; 2] = ["usr_00000001", "usr_00000002"];

#[test]
fn a_lost_answer_is_settled_by_reading_back() {
    let served = Served::start(&["--users", "10", "--faults", "lose-answer"]);
    let (output, journal) = userdeck(&served.url, &["users", "block", IDS[0], IDS[1], "--yes"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("2 succeeded, 0 failed"), "{stderr}");
    assert!(stderr.contains("2 verified by reading back"), "{stderr}");
    let settled = journal
        .iter()
        .find(|l| l["event"] == "settled")
        .expect("the journal says how");
    assert_eq!(settled["succeeded"].as_array().unwrap().len(), 2);
}

#[test]
fn a_lost_answer_stays_unknown_when_reading_back_fails_too() {
    let served = Served::start(&["--users", "10", "--faults", "lose-answer,fail=1/1"]);
    let (output, journal) = userdeck(&served.url, &["users", "block", IDS[0], IDS[1], "--yes"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(6), "{stderr}");
    for id in IDS {
        assert!(stdout.contains(&format!("unknown  {id}")), "{stdout}");
    }
    assert!(
        !stdout.lines().any(|l| l.starts_with("failed")),
        "never failed: {stdout}"
    );
    let outcomes: Vec<&Value> = journal.iter().filter(|l| l["event"] == "outcome").collect();
    let unknown: usize = outcomes
        .iter()
        .map(|o| o["unknown"].as_array().unwrap().len())
        .sum();
    assert_eq!(unknown, 2, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|o| o["failed"].as_array().unwrap().is_empty())
    );
}

/// Issue #21, item 6: the token refused on the statuses read first stops the action
/// there (it was a "note", and the mutation was sent anyway).
#[test]
fn an_unauthorized_read_first_stops_the_action_before_anything_is_sent() {
    let served = Served::start(&["--users", "10"]);
    let (output, journal) = userdeck_as(
        &served.url,
        "not-the-token",
        &["users", "block", IDS[0], IDS[1], "--yes"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("reading the users' statuses first failed, nothing was sent")
            && stderr.contains("UNAUTHORIZED"),
        "{stderr}"
    );
    assert!(
        journal.iter().all(|l| l["event"] != "attempt"),
        "nothing was sent: {journal:?}"
    );
}

#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    use std::io::{BufRead, BufReader};
    let served = Served::start(&["--users", "3000"]);
    let home = tempfile::tempdir().unwrap();
    let mut child = in_home(&home, &["--endpoint", &served.url, "--dialect", "crm"])
        .args(["users", "list", "--all", "--format", "csv"])
        .env("USERDECK_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -1`: one line read, then the pipe closes.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("id,"), "{first}");
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "nothing said: {stderr}");
}

#[test]
fn a_hanging_token_command_is_stopped_at_its_timeout() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/userdeck/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "default_profile = \"t\"\n[profiles.t]\nendpoint = \"http://127.0.0.1:9/graphql\"\ndialect = \"crm\"\ntoken_command = \"echo nearly >&2; sleep 100\"\ntoken_command_timeout_secs = 0.3\n",
    )
    .unwrap();
    let output = in_home(&home, &["users", "list"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("token_command"), "{stderr}");
    assert!(stderr.contains("0.3 s"), "{stderr}");
    assert!(stderr.contains("nearly"), "what it said is shown: {stderr}");
}

#[test]
fn a_status_the_contract_lacks_is_sent_and_the_server_judges_it() {
    let served = Served::start(&["--users", "10"]);
    let (output, _) = userdeck(&served.url, &["users", "list", "--status", "suspended"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Issue #21, item 8: the server's refusal of a value sent as given is a usage error,
    // with the server's words.
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the server refused --status SUSPENDED"),
        "sent upper-cased: {stderr}"
    );
    let (output, _) = userdeck(&served.url, &["users", "list", "--status", "b;lock"]);
    assert_eq!(output.status.code(), Some(2), "not a status name");
}

#[test]
fn an_oversized_id_stops_the_command_before_anything_is_sent() {
    let served = Served::start(&["--users", "10"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.txt");
    // A valid id, then a 10 MB line.
    let mut text = format!("{}\n", IDS[0]);
    text.push_str(&"x".repeat(10 * 1024 * 1024));
    text.push('\n');
    std::fs::write(&file, text).unwrap();
    let path = file.display().to_string();
    let (output, journal) = userdeck(
        &served.url,
        &["users", "block", "--ids-from", &path, "--yes"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(stderr.len() < 400, "shown cut: {} bytes", stderr.len());
    assert!(journal.is_empty(), "nothing journalled: {journal:?}");
    let long = "y".repeat(300);
    let (output, _) = userdeck(&served.url, &["users", "block", &long, "--yes"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("300 characters"), "{stderr}");
    assert!(!stderr.contains(&"y".repeat(41)), "cut to 40: {stderr}");
}

#[test]
fn sort_by_the_api_field_names_and_an_offset_past_the_end() {
    let served = Served::start(&["--users", "10"]);
    for sort in ["username", "createdAt", "updatedAt", "name"] {
        let (output, _) = userdeck(&served.url, &["users", "list", "--sort", sort]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "--sort {sort}: {stderr}");
    }
    let (output, _) = userdeck(&served.url, &["users", "list", "--offset", "999999"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no rows at offset 999999 (10 in all)"),
        "{stderr}"
    );
}

/// A name that would clear a terminal, set its clipboard, reorder text and run as a
/// spreadsheet formula.
const HOSTILE: &str =
    "=HYPERLINK(\"http://x\",\"y\")\u{1b}[2J\u{1b}]52;c;aGk=\u{7}\u{9b}1m\u{202e}\u{200b}";

#[tokio::test(flavor = "multi_thread")]
async fn hostile_data_comes_out_safe_in_every_format() {
    let served = Served::start(&["--dialect", "training", "--users", "3"]);
    let training = |args: &[&str]| userdeck_in(&served.url, "training", TOKEN, args).0;
    let created = training(&[
        "users",
        "create",
        "--email",
        "h@example.nl",
        "--name",
        HOSTILE,
        "--format",
        "json",
    ]);
    assert_eq!(created.status.code(), Some(0), "{:?}", created);
    // Line ends are the output's own (a terminal adds CRs, CSV writes them).
    let raw_unsafe = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        text.chars()
            .any(|c| userdeck::text::is_unsafe(c) && c != '\n' && c != '\r')
    };
    assert!(!raw_unsafe(&created.stdout), "JSON escapes them");
    let record: Value = serde_json::from_slice(&created.stdout).unwrap();
    assert_eq!(record["user"]["name"], HOSTILE, "the exact data");
    let id = record["user"]["id"].as_str().unwrap().to_string();

    let csv = training(&["users", "show", &id, "--format", "csv"]);
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(text.contains("\"'=HYPERLINK"), "the formula guard: {text}");
    let raw = training(&["users", "show", &id, "--format", "csv", "--csv-raw"]);
    let text = String::from_utf8_lossy(&raw.stdout);
    assert!(
        text.contains("\"=HYPERLINK") && !text.contains("'=HYPERLINK"),
        "--csv-raw: {text}"
    );
    let list = training(&["users", "list", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("'=HYPERLINK"));

    // On a terminal: nothing raw reaches it, in any format.
    let _serial = pty::ONE_AT_A_TIME.lock().await;
    for format in ["csv", "json", "table"] {
        let ui = pty::Dashboard::sized(
            &served.url,
            userdeck::dialect::Dialect::Training,
            &["users", "show", &id, "--format", format],
            "",
            &[],
            (200, 50),
            "",
        );
        let (status, raw) = ui.exit();
        assert!(status.success(), "{format}");
        assert!(
            !raw.contains(&0x1b),
            "{format}: an escape reached the terminal"
        );
        assert!(
            !raw_unsafe(&raw),
            "{format}: {:?}",
            String::from_utf8_lossy(&raw)
        );
    }
}

#[test]
fn a_list_that_fails_half_way_is_still_one_valid_json_document() {
    // Page 1 passes; every try of page 2 is garbled or fails (requests 2, 3 and 4).
    let served = Served::start(&["--users", "1500", "--faults", "bad-body=1/2,fail=1/3"]);
    let (output, _) = userdeck(&served.url, &["users", "list", "--all", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let document: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    assert_eq!(
        document["users"].as_array().unwrap().len(),
        1000,
        "the rows so far"
    );
    assert!(
        document["error"].as_str().unwrap().starts_with("Users: "),
        "{}",
        document["error"]
    );
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_userdeck"))
            .args(args)
            .output()
            .unwrap()
    };
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = run(&["completions", shell]);
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        // The script asks the binary at each Tab (tests/completions.rs).
        assert!(
            script.contains("userdeck") && script.contains("COMPLETE"),
            "{shell}"
        );
    }
    // The bash script parses.
    let bash = run(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("userdeck.bash");
    std::fs::write(&file, &bash.stdout).unwrap();
    let parsed = Command::new("bash").arg("-n").arg(&file).status().unwrap();
    assert!(parsed.success());
    let man = run(&["man"]);
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(man.status.success());
    assert!(
        page.contains(".TH userdeck 1") && page.contains("SUBCOMMANDS"),
        "{page}"
    );
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn a_create_whose_answer_was_lost_is_settled_by_reading_back() {
    let served = Served::start(&[
        "--dialect",
        "training",
        "--users",
        "3",
        "--faults",
        "lose-answer",
    ]);
    let create = |email: &str| {
        userdeck_in(
            &served.url,
            "training",
            TOKEN,
            &["users", "create", "--email", email, "--name", "Lost Answer"],
        )
    };
    let (output, journal) = create("lost@example.nl");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("verified by reading back"), "{stderr}");
    let settled = journal
        .iter()
        .find(|l| l["event"] == "settled")
        .expect("journalled");
    assert_eq!(settled["succeeded"].as_array().unwrap().len(), 1);
    // Reads failing too: the outcome stays unknown, exit 6.
    let served = Served::start(&[
        "--dialect",
        "training",
        "--users",
        "3",
        "--faults",
        "lose-answer,fail=1/1",
    ]);
    let (output, _) = userdeck_in(
        &served.url,
        "training",
        TOKEN,
        &["users", "create", "--email", "x@example.nl", "--name", "X"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("outcome unknown"), "{stderr}");
}

#[test]
fn an_oversized_key_of_show_or_update_is_refused_before_anything_is_sent() {
    let served = Served::start(&["--dialect", "training", "--users", "3"]);
    let long = "r".repeat(5000);
    for args in [
        vec!["users", "show", "--ref", long.as_str()],
        vec!["users", "update", "--ref", long.as_str(), "--name", "X"],
    ] {
        let (output, journal) = userdeck_in(&served.url, "training", TOKEN, &args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.len() < 400 && journal.is_empty(), "{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_hostile_data_lists_safely_in_every_format() {
    use userdeck::server::generate::HOSTILE_NAMES;
    let served = Served::start(&["--users", "10", "--hostile"]);
    let list = |format: &str| userdeck(&served.url, &["users", "list", "--format", format]).0;
    // JSON: the exact names, every unsafe character escaped.
    let json = list("json");
    let text = String::from_utf8_lossy(&json.stdout);
    assert!(
        !text
            .chars()
            .any(|c| userdeck::text::is_unsafe(c) && c != '\n')
    );
    let document: Value = serde_json::from_slice(&json.stdout).unwrap();
    let names: Vec<&str> = document["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    for hostile in HOSTILE_NAMES {
        assert!(names.contains(&hostile), "{hostile:?} exact in {names:?}");
    }
    // The search follows the new names: a filter finds the hostile user, not the old name.
    let (found, _) = userdeck(
        &served.url,
        &["users", "list", "--filter", "HYPERLINK", "--format", "json"],
    );
    let found: Value = serde_json::from_slice(&found.stdout).unwrap();
    assert_eq!(found["total"], 1, "{found}");
    let plain = Served::start(&["--users", "10"]);
    let (before, _) = userdeck(
        &plain.url,
        &["users", "show", "usr_00000001", "--format", "json"],
    );
    let before: Value = serde_json::from_slice(&before.stdout).unwrap();
    let old_name = before["user"]["username"].as_str().unwrap().to_string();
    let (old, _) = userdeck(
        &served.url,
        &["users", "list", "--filter", &old_name, "--format", "json"],
    );
    let old: Value = serde_json::from_slice(&old.stdout).unwrap();
    assert!(
        old["users"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["id"] != "usr_00000001"),
        "the old name no longer finds the renamed user: {old}"
    );
    // CSV in a pipe: formulas guarded.
    let csv = String::from_utf8_lossy(&list("csv").stdout).into_owned();
    assert!(
        csv.contains("'=HYPERLINK") && csv.contains("'@SUM"),
        "{csv}"
    );
    // On a terminal, in every format: nothing raw.
    let _serial = pty::ONE_AT_A_TIME.lock().await;
    for format in ["table", "csv", "json"] {
        let ui = pty::Dashboard::sized(
            &served.url,
            userdeck::dialect::Dialect::Crm,
            &["users", "list", "--format", format],
            "",
            &[],
            (200, 50),
            "",
        );
        let (status, raw) = ui.exit();
        assert!(status.success(), "{format}");
        let bad: Vec<char> = String::from_utf8_lossy(&raw)
            .chars()
            .filter(|c| userdeck::text::is_unsafe(*c) && *c != '\n' && *c != '\r')
            .collect();
        assert!(bad.is_empty(), "{format}: {bad:?}");
    }
}

/// The journal is a file anyone may have edited: its CSV is always guarded against
/// formulas (`--csv-raw` is an option of the users commands, not of the journal's).
#[test]
fn the_journal_as_csv_guards_formulas() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("state/userdeck");
    std::fs::create_dir_all(&state).unwrap();
    let line = serde_json::json!({
        "time": "2026-11-30T10:00:00Z", "event": "attempt", "entry": "e1", "user": "u",
        "profile": "=HYPERLINK(\"http://x\")", "endpoint": "http://127.0.0.1:1/graphql",
        "action": "block", "ids": ["usr_1"],
    });
    std::fs::write(state.join("audit.jsonl"), format!("{line}\n")).unwrap();
    let csv = in_home(&home, &["journal", "--all-profiles", "--format", "csv"])
        .output()
        .unwrap();
    assert!(csv.status.success(), "{csv:?}");
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(text.contains("'=HYPERLINK"), "guarded: {text}");
    let raw = in_home(&home, &["journal", "--csv-raw", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(raw.status.code(), Some(2), "no --csv-raw on the journal");
}
