//! Actions of the operator's own end to end (issue #25, part 1): `[[actions]]` run with
//! `:run NAME` or their key on the user in front or the marked users, their variables in
//! the environment and the ids on standard input, the command shown filled in before it
//! runs, the output in a popup made safe or the terminal handed over, hostile names
//! never run as code, dangerous actions not offered read-only, every run journalled.

mod common;
mod pty;

use common::TestServer;
use pty::{Dashboard, ONE_AT_A_TIME};
use serde_json::json;
use userdeck::dialect::Dialect;

/// `note` prints its variables and how many ids came on standard input, and writes
/// colour to standard error; `wipe` would touch a file.
const ACTIONS: &str = r#"
[[actions]]
name = "note"
command = '''printf 'id=%s ids=%s user=%s\n' "$ID" "$(printf %s "$IDS" | tr '\n' ,)" "$USERNAME"; printf 'stdin=%s\n' "$(wc -l)"; printf '\033[31mred\n' >&2'''
output = "popup"
confirm = true
key = "o"

[[actions]]
name = "ticket"
command = '''printf 'ticket=%s for %s\n' "$ticket" "$ID"'''
inputs = [{ name = "ticket", prompt = "Ticket" }]
confirm = true
output = "popup"

[[actions]]
name = "wipe"
command = "touch \"$HOME/wiped\""
dangerous = true
"#;

/// The journal in `home`, and its lines of actions run.
fn runs(home: &std::path::Path) -> (String, Vec<serde_json::Value>) {
    let journal = std::fs::read_to_string(home.join("state/userdeck/audit.jsonl")).unwrap();
    let runs = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|l: &serde_json::Value| l["event"] == "action")
        .collect();
    (journal, runs)
}

/// The ids of the table's rows, top to bottom.
fn row_ids(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("usr_")))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_action_runs_on_the_user_in_front_or_the_marked_and_shows_its_output() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 30).await;
    let mut ui = Dashboard::sized(&server.url, Dialect::Crm, &[], ACTIONS, &[], (120, 30), "");
    let screen = ui.wait_text("rows 1–");
    let ids = row_ids(&screen);
    // One user: the command shown filled in, then run.
    ui.keys(":run note\r");
    let asked = ui.wait_text("run note on 1 user?");
    assert!(asked.contains(&format!("\"{}\"", ids[0])), "{asked}");
    ui.keys("y");
    let shown = ui.wait_text("note ended well (exit 0)");
    assert!(
        shown.contains(&format!("id={} ids={} ", ids[0], ids[0])),
        "{shown}"
    );
    assert!(shown.contains("stdin=1"), "{shown}");
    // Standard error made safe: its escape shown, never obeyed.
    let red = shown.lines().find(|l| l.contains("red")).unwrap();
    assert!(!red.contains('\u{1b}'), "{red}");
    ui.keys("\x1b");
    ui.wait_for("the popup closed", |s| !s.contains("ended well"));
    // Two marked: $IDS holds both, one a line on standard input too.
    ui.keys(" ");
    ui.wait_text("1 selected");
    ui.keys(" ");
    ui.wait_text("2 selected");
    // By its key this time.
    ui.keys("o");
    ui.wait_text("run note on 2 users?");
    ui.keys("y");
    let shown = ui.wait_text("stdin=2");
    assert!(
        shown.contains(&format!("ids={},{} ", ids[0], ids[1])),
        "{shown}"
    );
    ui.keys("\x1b");
    // A prompt answered first; its answer a variable too, shown filled in, never code.
    ui.keys("U");
    ui.wait_for("nothing selected", |s| !s.contains("2 selected"));
    ui.keys(":run ticket\r");
    ui.wait_text("Ticket:");
    ui.keys("T-42; touch $HOME/pwned\r");
    let asked = ui.wait_text("run ticket on 1 user?");
    assert!(asked.contains("\"T-42; touch $HOME/pwned\""), "{asked}");
    ui.keys("y");
    // The user in front: the cursor's, two rows down after the two Spaces.
    ui.wait_text(&format!("ticket=T-42; touch $HOME/pwned for {}", ids[2]));
    ui.keys("\x1b");
    // Listed in the help, with its key if it has one.
    ui.keys("?");
    ui.wait_text(":run ticket");
    ui.wait_text("o :run note");
    ui.keys("\x1b");
    // An unknown action is named with the nearest.
    ui.keys(":run nte\r");
    ui.wait_text("did you mean \"note\"");
    ui.keys("q");
    let (status, _, home) = ui.finish();
    assert!(status.success());
    // Journalled: its name, the ids, its exit code; never its output.
    let (journal, runs) = runs(home.path());
    assert_eq!(runs.len(), 3, "{journal}");
    assert!(!home.path().join("pwned").exists());
    assert_eq!(runs[1]["ids"], json!([ids[0], ids[1]]));
    assert_eq!(runs[1]["exit"], 0);
    assert!(!journal.contains("stdin="), "the output is not journalled");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_name_is_never_run_and_a_dangerous_action_not_offered_read_only() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 10).await;
    let hostile = "$(touch $HOME/pwned);`touch $HOME/pwned2`";
    let made = server
        .gql(
            "mutation($u: CreateUserInput!) { createUser(sendInvite: false, user: $u) { user { id } } }",
            json!({ "u": { "email": "hostile@example.com", "name": hostile, "roles": ["TRAINER"] } }),
        )
        .await;
    assert!(made["errors"].is_null(), "{made}");
    let mut ui = Dashboard::sized(
        &server.url,
        Dialect::Training,
        &[],
        ACTIONS,
        &[],
        (120, 30),
        "read_only = true\n",
    );
    ui.wait_text("rows 1–");
    ui.keys("/hostile@\r");
    ui.wait_text("rows 1–1 of 1");
    ui.keys(":run note\r");
    ui.wait_text("run note on 1 user?");
    ui.keys("y");
    let shown = ui.wait_text("note ended well");
    assert!(shown.contains("user=$(touch $HOME/pwned)"), "{shown}");
    ui.keys("\x1b");
    ui.keys(":run wipe\r");
    ui.wait_text("it is dangerous, and this profile is read-only");
    ui.keys("q");
    let (_, _, home) = ui.finish();
    for file in ["pwned", "pwned2", "wiped"] {
        assert!(!home.path().join(file).exists(), "{file} was made");
    }
}

/// `shell` reads a line from the terminal, numbering its rounds; `sleeper` waits for
/// Ctrl-C.
const ON_THE_TERMINAL: &str = r#"
[[actions]]
name = "shell"
key = "ctrl-t"
command = '''printf 'round %s on the terminal: %s\n' "$(cat "$HOME/answers" 2>/dev/null | wc -l | tr -d ' ')" "$ID"; read answer; printf '%s\n' "$answer" >> "$HOME/answers"'''
output = "terminal"

[[actions]]
name = "sleeper"
# Its trap is set before it says so: a Ctrl-C after that ends it.
command = "trap 'exit 130' INT; echo >> \"$HOME/sleeps\"; printf 'sleeping %s\\n' $(wc -l < \"$HOME/sleeps\"); while :; do sleep 1; done"
output = "terminal"
"#;

#[tokio::test(flavor = "multi_thread")]
async fn an_action_on_the_terminal_has_it_until_it_ends_and_the_keys_after_are_read() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 10).await;
    let mut ui = Dashboard::sized(
        &server.url,
        Dialect::Crm,
        &[],
        ON_THE_TERMINAL,
        &[],
        (100, 24),
        "",
    );
    let screen = ui.wait_text("rows 1–");
    let id = row_ids(&screen)[0].clone();
    // Handed over and taken back again and again: the command reads what is typed to
    // it (the dashboard takes none of it), and keys typed the moment the dashboard is
    // back are read (a wake-up left pending used to hide them, one run in seven).
    for round in 0..4 {
        if round % 2 == 0 {
            ui.keys(":run shell\r");
        } else {
            ui.keys("\x14");
        }
        ui.wait_text(&format!("round {round} on the terminal: {id}"));
        ui.keys(&format!("hello {round}\r"));
        ui.wait_for("the dashboard back", |s| {
            s.contains("shell ended well (exit 0)") && s.contains("rows 1–")
        });
        ui.keys(":run shel\r");
        ui.wait_text("did you mean \"shell\"");
    }
    // Keys typed in one burst with the action's key are read with it, before the command
    // has the terminal: they are let go, never played on the dashboard once it is back
    // (`f` would change the status shown, Enter open the pane).
    ui.keys("\x14f\r");
    ui.wait_text(&format!("round 4 on the terminal: {id}"));
    ui.keys("after the burst\r");
    let back = ui.wait_for("the dashboard back", |s| {
        s.contains("shell ended well (exit 0)") && s.contains("rows 1–")
    });
    assert!(back.contains("status all"), "{back}");
    ui.keys(":run shel\r");
    let after = ui.wait_text("did you mean \"shell\"");
    assert!(
        after.contains("status all") && !after.contains("Backspace back"),
        "{after}"
    );
    // Ctrl-C is the command's: it ends, the dashboard does not quit.
    ui.keys(":run sleeper\r");
    ui.wait_text("sleeping 1");
    ui.keys("\x03");
    ui.wait_text("sleeper failed (exit 130)");
    ui.keys(":run shel\r");
    ui.wait_text("did you mean \"shell\"");
    // And Ctrl-\, which the command does not catch: it ends, not the dashboard.
    ui.keys(":run sleeper\r");
    ui.wait_text("sleeping 2");
    ui.keys("\x1c");
    ui.wait_text("sleeper was stopped by a signal");
    ui.keys(":run shel\r");
    ui.wait_text("did you mean \"shell\"");
    ui.keys("q");
    let (status, _, home) = ui.finish();
    assert!(status.success());
    let answers = std::fs::read_to_string(home.path().join("answers")).unwrap();
    assert_eq!(
        answers,
        "hello 0\nhello 1\nhello 2\nhello 3\nafter the burst\n"
    );
    let (journal, runs) = runs(home.path());
    assert_eq!(runs.len(), 7, "{journal}");
    assert_eq!(runs[4]["exit"], 0);
    assert_eq!(runs[5]["action"], "sleeper");
    assert_eq!(runs[5]["exit"], 130, "{journal}");
    assert!(runs[6]["exit"].is_null(), "{journal}");
}
