//! userdeck against curl doing the same POSTs, whole processes, on the embedded crm
//! server over 127.0.0.1: the headless list of 50 users, and a block of 10,000 ids.
//! Runs alternate (userdeck, curl, userdeck, …) so both see the same machine.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Figure, median};

use super::env;

use cynic::{MutationBuilder, QueryBuilder};
use userdeck::api::crm;
use userdeck::dialect::Dialect;
use userdeck::server::{self, ServerOptions};

const TOKEN: &str = "bench-vs-curl";
const USERS: u64 = 20_000;
const BLOCKED: usize = 10_000;

/// One measure: what userdeck runs, the body curl posts, and the ratio it should meet.
struct Measure {
    name: &'static str,
    args: Vec<String>,
    body: String,
    goal: f64,
    /// Whether passing its goal by far fails the run (see `Figure::guarded`).
    guarded: bool,
}

pub fn timed(command: &mut Command) -> Duration {
    let started = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("runs");
    let took = started.elapsed();
    assert!(status.success(), "{command:?} failed: {status}");
    took
}

/// The two measures, `runs` alternating runs of each; none when curl is missing.
pub fn figures(runtime: &tokio::runtime::Runtime, runs: usize) -> Vec<Figure> {
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("curl is not on the PATH: userdeck against curl not measured");
        return Vec::new();
    }
    let server = runtime.block_on(async {
        server::spawn(&ServerOptions {
            dialect: Dialect::Crm,
            users: USERS,
            listen: "127.0.0.1:0".parse().expect("an address"),
            token: Some(TOKEN.into()),
            ..ServerOptions::default()
        })
        .await
        .expect("the server starts")
    });
    let url = server.url();
    let home = tempfile::tempdir().expect("a home");
    let config = home.path().join("config/userdeck");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(
        config.join("config.toml"),
        format!("default_profile = \"b\"\n[profiles.b]\nendpoint = \"{url}\"\ndialect = \"crm\"\n"),
    )
    .expect("config");
    // BLOCKED ids, whose statuses userdeck reads first (for the preview and the undo),
    // and one more: past what it reads first, the send path alone.
    let ids_of = |n: usize| -> Vec<String> { (1..=n).map(|n| format!("usr_{n:08}")).collect() };
    let (ids, more) = (ids_of(BLOCKED), ids_of(BLOCKED + 1));
    let ids_file = home.path().join("ids.txt");
    std::fs::write(&ids_file, ids.join("\n")).expect("ids");
    let more_file = home.path().join("more.txt");
    std::fs::write(&more_file, more.join("\n")).expect("ids");

    // The bodies userdeck sends, built by the same cynic operations.
    let list = crm::Users::build(crm::UsersVariables {
        limit: Some(50),
        offset: Some(0),
        order: Some(crm::OrderDirection::Asc),
        order_by: Some("createdAt".into()),
        filter: None,
    });
    let block_of = |ids: &[String]| {
        let block = crm::BlockUsers::build(crm::IdsVariables {
            ids: ids.iter().map(cynic::Id::new).collect(),
        });
        serde_json::to_string(&block).expect("a body")
    };
    let block_args = |file: &Path| -> Vec<String> {
        let file = file.display().to_string();
        [
            "users",
            "block",
            "--ids-from",
            &file,
            "--yes",
            "--format",
            "json",
        ]
        .map(String::from)
        .to_vec()
    };
    let measures = [
        Measure {
            name: "users list --limit 50 --format json",
            args: ["users", "list", "--limit", "50", "--format", "json"]
                .map(String::from)
                .to_vec(),
            body: serde_json::to_string(&list).expect("a body"),
            goal: 1.10,
            guarded: true,
        },
        // Shown, not guarded: the statuses read first are what makes the batch undoable,
        // a cost curl's blind post does not pay (their own figure: "statuses of 10,000
        // ids"); the send path is guarded by the next.
        Measure {
            name: "users block --ids-from (10,000 ids, their statuses read first)",
            args: block_args(&ids_file),
            body: block_of(&ids),
            goal: 1.30,
            guarded: false,
        },
        Measure {
            name: "users block --ids-from (10,001 ids: past what is read first)",
            args: block_args(&more_file),
            body: block_of(&more),
            goal: 1.30,
            guarded: true,
        },
    ];
    let userdeck = |args: &[String]| {
        let mut command = env::userdeck_in(home.path());
        command.args(args).env("USERDECK_TOKEN", TOKEN);
        command
    };
    let curl = |body: &Path| {
        let mut command = Command::new("curl");
        command
            .args(["-sS", "--fail", "-o", "/dev/null", "-X", "POST"])
            .args(["-H", "content-type: application/json"])
            .args(["-H", &format!("authorization: Bearer {TOKEN}")])
            .arg("--data-binary")
            .arg(format!("@{}", body.display()))
            .arg(&url);
        command
    };
    let mut figures = Vec::new();
    for measure in &measures {
        let body = home.path().join("body.json");
        std::fs::write(&body, &measure.body).expect("body");
        // One of each first: the page cache and the server warm up alike.
        timed(&mut userdeck(&measure.args));
        timed(&mut curl(&body));
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            ours.push(timed(&mut userdeck(&measure.args)));
            theirs.push(timed(&mut curl(&body)));
        }
        let (ours, theirs) = (median(ours), median(theirs));
        figures.push(Figure {
            measure: format!(
                "`{}` vs curl posting the same (whole processes, median of {runs} alternating runs)",
                measure.name
            ),
            shown: format!(
                "{:.1} ms vs {:.1} ms",
                ours.as_secs_f64() * 1e3,
                theirs.as_secs_f64() * 1e3
            ),
            value: ours.as_secs_f64() / theirs.as_secs_f64(),
            goal: measure.goal,
            unit: "×",
            guarded: measure.guarded,
        });
    }
    runtime.block_on(async { server.shutdown().await.expect("stops") });
    figures
}
