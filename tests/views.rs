//! Saved views end to end (issue #25, part 2): a filter, status, columns and page size
//! saved with `:view save`, back after a restart with `:view NAME`, a profile starting
//! on one (`start_view`), and `users list --view`.

mod common;
mod pty;

use pty::{Dashboard, ONE_AT_A_TIME};
use userdeck::dialect::Dialect;

/// The table's header line.
fn header(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(" ID"))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_view_saved_comes_back_after_a_restart_and_a_profile_starts_on_it() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = common::TestServer::start(Dialect::Crm, 60).await;
    let mut ui = Dashboard::sized(&server.url, Dialect::Crm, &[], "", &[], (120, 30), "");
    ui.wait_text("rows 1–");
    ui.keys("f");
    ui.wait_text("status active");
    ui.keys("/gmail\r");
    ui.wait_text("filter \"gmail\"");
    ui.keys(":columns id,status,email\r");
    let set = ui.wait_text("columns set");
    let columns = header(&set);
    assert!(!columns.contains("USERNAME"), "{columns}");
    let at = |name: &str| columns.find(name).unwrap_or(usize::MAX);
    assert!(
        at("ID") < at("STATUS") && at("STATUS") < at("EMAIL"),
        "{columns}"
    );
    ui.keys(":view save active-gmail\r");
    ui.wait_text("view \"active-gmail\" saved");
    // Saved again: it says it replaced the one of that name.
    ui.keys(":view save active-gmail\r");
    ui.wait_text("view \"active-gmail\" saved over the one of that name");
    ui.keys("q");
    let (_, _, home) = ui.finish();
    // Started again: the default listing, until the view is opened.
    let mut ui = Dashboard::relaunch(home, (120, 30));
    let plain = ui.wait_text("rows 1–");
    assert!(!plain.contains("filter \"gmail\""), "{plain}");
    assert!(header(&plain).contains("USERNAME"), "{plain}");
    ui.keys(":view active-gmail\r");
    let opened = ui.wait_for("the view's listing", |s| {
        s.contains("filter \"gmail\"") && s.contains("status active") && s.contains("rows 1–")
    });
    assert!(!header(&opened).contains("USERNAME"), "{opened}");
    ui.keys(":view\r");
    ui.wait_text("views: active-gmail");
    ui.keys(":view nope\r");
    ui.wait_text("no view \"nope\"");
    ui.keys("q");
    let (_, _, home) = ui.finish();
    // A profile that starts on it: its listing from the first page.
    let config = home.path().join("config/userdeck/config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("start_view = \"active-gmail\"\n");
    std::fs::write(&config, text).unwrap();
    let mut ui = Dashboard::relaunch(home, (120, 30));
    ui.wait_for("the start view's listing", |s| {
        s.contains("filter \"gmail\"") && s.contains("status active") && s.contains("rows 1–")
    });
    ui.keys("q");
    let (_, _, home) = ui.finish();
    // Headless, as the view lists.
    let listed = pty::in_home(
        &home,
        &[
            "users",
            "list",
            "--view",
            "active-gmail",
            "--format",
            "json",
        ],
    )
    .env("USERDECK_TOKEN", common::TOKEN)
    .output()
    .unwrap();
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let rows: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let users = rows["users"].as_array().unwrap();
    assert!(!users.is_empty());
    for user in users {
        assert_eq!(user["status"], "ACTIVE", "{user}");
        assert!(user["email"].as_str().unwrap().contains("gmail"), "{user}");
    }
    let missing = pty::in_home(&home, &["users", "list", "--view", "nope"])
        .env("USERDECK_TOKEN", common::TOKEN)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}
