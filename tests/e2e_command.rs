//! The command line and the copy key, end to end: the built binary in a pseudo-terminal
//! against the embedded server over HTTP.

mod common;
mod pty;

use common::{TOKEN, TestServer};
use pty::{Dashboard, ONE_AT_A_TIME, users};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_every_row_of_the_filter_as_the_server_has_them() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 300).await;
    let expected = users(
        &server,
        r#"{ users(limit: 1000, filter: { query: "1" }) { count data { id username } } }"#,
    )
    .await;
    let total = expected["users"]["count"].as_u64().unwrap();
    assert!(total > 20, "more than one page of the dashboard: {total}");
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 300");
    ui.keys("/1\r");
    ui.wait_text(&format!("of {total}"));
    let path = ui.home.path().join("out.json");
    ui.keys(&format!(":export {}\r", path.display()));
    ui.wait_text(&format!("exported {total} rows"));
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let ids = |list: &Value| {
        let mut ids: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&written["users"]), ids(&expected["users"]["data"]));
    assert_eq!(written["total"], json!(total));
    // A second export to the same file is refused; `export!` replaces it.
    ui.keys(&format!(":export {}\r", path.display()));
    ui.wait_text("exists: :export! replaces it");
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn goto_opens_a_user_by_e_mail_and_an_unknown_command_is_named() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 30).await;
    let all = server.data("{ users { id name email } }", json!({})).await;
    let last = all["users"].as_array().unwrap().last().unwrap().clone();
    let mut ui = Dashboard::start(&server, Dialect::Training);
    ui.wait_text("rows 1–20 of 30");
    ui.keys(":blokc\r");
    ui.wait_text("unknown command \"blokc\"");
    ui.keys(":go\t");
    ui.wait_text(": goto");
    ui.keys(&format!("{}\r", last["email"].as_str().unwrap()));
    ui.wait_text(last["id"].as_str().unwrap());
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_switches_to_another_api_without_restarting() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let crm = TestServer::start(Dialect::Crm, 25).await;
    let training = TestServer::start(Dialect::Training, 7).await;
    let other = format!(
        "[profiles.school]\nendpoint = \"{url}\"\ndialect = \"training\"\nread_only = true\ntoken = \"{TOKEN}\"\n\
         [profiles.bare]\nendpoint = \"{url}\"\ndialect = \"training\"\n",
        url = training.url
    );
    let mut ui = Dashboard::run(&crm, Dialect::Crm, &[], &other, &[]);
    ui.wait_text("rows 1–20 of 25");
    ui.keys(":profile sch\t\r");
    let screen = ui.wait_text("rows 1–7 of 7");
    assert!(screen.contains("school (training)"), "{screen}");
    assert!(screen.contains(" RO "), "its own badge:\n{screen}");
    // The history of this run survives the switch.
    ui.keys(":\x1b[A");
    ui.wait_text(": profile school");
    ui.keys("\x1b");
    ui.wait_for("the command line closed", |s| {
        !s.contains(": profile school")
    });
    ui.keys("q");
    assert!(ui.exit().0.success());
    crm.stop().await;
    training.stop().await;
}

/// Issue #20, defect 6: a profile switched to finds its token as `userdeck --profile
/// NAME` would, `USERDECK_TOKEN` before the profile's own, and back on the first profile
/// too; the notice, and a refusal, say where the token came from (never the token).
#[tokio::test(flavor = "multi_thread")]
async fn profile_switch_takes_userdeck_token_as_the_command_line_would() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let crm = TestServer::start(Dialect::Crm, 25).await;
    let training = TestServer::start(Dialect::Training, 7).await;
    let locked = TestServer::with_options(userdeck::server::ServerOptions {
        dialect: Dialect::Training,
        users: 3,
        seed: 7,
        listen: "127.0.0.1:0".parse().unwrap(),
        db: None,
        token: Some("another-token-5d2e".into()),
        faults: Default::default(),
        hostile: false,
        tls: None,
        require_header: None,
    })
    .await;
    // No profile has a token of its own: USERDECK_TOKEN (the harness sets it) is the one.
    let other = format!(
        "[profiles.other]\nendpoint = \"{}\"\ndialect = \"training\"\n\
         [profiles.locked]\nendpoint = \"{}\"\ndialect = \"training\"\n",
        training.url, locked.url
    );
    let mut ui = Dashboard::run(&crm, Dialect::Crm, &[], &other, &[]);
    ui.wait_text("rows 1–20 of 25");
    ui.keys(":profile other\r");
    let screen = ui.wait_text("rows 1–7 of 7");
    assert!(
        screen.contains("switched to profile \"other\" (token from USERDECK_TOKEN)"),
        "{screen}"
    );
    // Back where it started: the token it started with.
    ui.keys(":profile e2e\r");
    let screen = ui.wait_text("rows 1–20 of 25");
    assert!(
        screen.contains("switched to profile \"e2e\" (token from USERDECK_TOKEN)"),
        "{screen}"
    );
    // A server that refuses it: the refusal names the source.
    ui.keys(":profile locked\r");
    let screen = ui.wait_text("the token from USERDECK_TOKEN was refused");
    assert!(screen.contains("UNAUTHORIZED"), "{screen}");
    assert!(
        screen.contains("switched to profile \"locked\" (token from USERDECK_TOKEN)"),
        "{screen}"
    );
    quit_without_showing_the_token(ui, &screen);
    crm.stop().await;
    training.stop().await;
    locked.stop().await;
}

/// Issue #20, defect 6: `--token-env VAR` holds for every profile switched to, as it
/// would for `userdeck --token-env VAR --profile NAME` (before the profile's own token
/// and before `USERDECK_TOKEN`), so switching back to the first profile works.
#[tokio::test(flavor = "multi_thread")]
async fn profile_switch_keeps_token_env_and_switching_back_works() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let crm = TestServer::start(Dialect::Crm, 25).await;
    let training = TestServer::start(Dialect::Training, 7).await;
    let school = format!(
        "[profiles.school]\nendpoint = \"{}\"\ndialect = \"training\"\ntoken = \"{TOKEN}\"\n",
        training.url
    );
    let mut ui = Dashboard::run(
        &crm,
        Dialect::Crm,
        &["--token-env", "DECK_TOKEN"],
        &school,
        &[
            ("DECK_TOKEN", TOKEN),
            ("USERDECK_TOKEN", "wrong-token-0000"),
        ],
    );
    ui.wait_text("rows 1–20 of 25");
    ui.keys(":profile school\r");
    let screen = ui.wait_text("rows 1–7 of 7");
    assert!(
        screen.contains("switched to profile \"school\" (token from --token-env DECK_TOKEN)"),
        "{screen}"
    );
    ui.keys(":profile e2e\r");
    let screen = ui.wait_text("rows 1–20 of 25");
    assert!(
        screen.contains("(token from --token-env DECK_TOKEN)"),
        "{screen}"
    );
    quit_without_showing_the_token(ui, &screen);
    crm.stop().await;
    training.stop().await;
}

/// The token never showed on `screen`; `q` ends the dashboard cleanly.
#[track_caller]
fn quit_without_showing_the_token(mut ui: Dashboard, screen: &str) {
    assert!(
        !screen.contains(TOKEN),
        "the token itself is never shown:\n{screen}"
    );
    ui.keys("q");
    assert!(ui.exit().0.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn y_writes_the_id_to_the_clipboard_with_osc_52() {
    use base64::Engine;
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 10).await;
    let id = server.ids(1).await.remove(0);
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–10 of 10");
    let from = ui.written();
    ui.keys("Y");
    let encoded = base64::engine::general_purpose::STANDARD.encode(&id);
    ui.wait_raw(from, format!("\x1b]52;c;{encoded}\x07").as_bytes());
    ui.wait_text("sent the id of");
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn journal_shows_the_last_action_first() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 10).await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–10 of 10");
    ui.keys("b");
    ui.wait_text("block 1 user:");
    ui.keys("y");
    ui.wait_text("block: 1 succeeded");
    ui.keys(":journal\r");
    let screen = ui.wait_text(" ok · ");
    let first = screen
        .lines()
        .find(|l| l.contains("block"))
        .unwrap_or_default()
        .to_string();
    assert!(first.contains("1 ok · 0 failed · 0 unknown"), "{screen}");
    assert!(first.contains("e2e"), "the profile:\n{screen}");
    ui.keys("\x1b");
    ui.wait_for("the journal closed", |s| {
        !s.contains("journal, newest first")
    });
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}
