//! A million training users: the contract has no paging, so the client's cost grows
//! with the whole population. The embedded server's answer (231 MB) is also served as
//! it is, from memory, so that the headless list is timed against curl receiving the
//! same bytes, and its peak memory against their size.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use cynic::QueryBuilder;
use userdeck::api::local::Loading;
use userdeck::api::training;
use userdeck::dialect::Dialect;
use userdeck::server::{self, ServerOptions};

use super::vs_curl::timed;
use super::{Figure, median};

use super::env;

const USERS: u64 = 1_000_000;

/// The peak resident memory (KB) of a run of `command`, as the kernel keeps it for its
/// program (VmHWM), read every 2 ms until it ends. Not the rusage of the child: a child
/// forked from this process (a million users in memory) counts its pages until exec.
fn peak_memory(command: &mut Command) -> u64 {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Some(done) = child.try_wait().expect("waits") {
            assert!(done.success(), "{command:?} failed: {done}");
            return peak;
        }
        let seen = std::fs::read_to_string(&status).unwrap_or_default();
        let hwm = seen
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
        peak = peak.max(hwm.unwrap_or(0));
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Two rows: how long `what` took over the million users (against `goal` seconds, `told`
/// after), and its peak memory (KB, `when`) against the answer's size (KB).
fn took_and_held(
    what: &str,
    (took, told, goal): (Duration, String, f64),
    (when, peak, size_kb): (&str, u64, u64),
) -> [Figure; 2] {
    [
        Figure {
            measure: format!(
                "{what} over {} training users (the answer served ready)",
                userdeck::text::thousands(USERS)
            ),
            shown: format!("{:.2} s{told}", took.as_secs_f64()),
            value: took.as_secs_f64(),
            goal,
            unit: " s",
            guarded: false,
        },
        Figure {
            measure: format!("its peak memory against the answer's size{when}"),
            shown: format!("{} MB for {} MB", peak >> 10, size_kb >> 10),
            value: peak as f64 / size_kb as f64,
            goal: 2.0,
            unit: "×",
            guarded: true,
        },
    ]
}

/// The dashboard (its config in `home`) in a terminal of 120×30: from its start to the
/// first page on the screen (`rows 1…`), and its peak memory (VmHWM) once it has made
/// what it makes after (its orders, the index of pairs): read until it has not grown
/// for a second.
fn dashboard(home: &std::path::Path) -> (Duration, u64) {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;
    let size = PtySize {
        rows: 30,
        cols: 120,
        pixel_width: 0,
        pixel_height: 0,
    };
    let pty = native_pty_system().openpty(size).expect("a terminal");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_userdeck"));
    command.env_clear();
    for (key, value) in env::isolated_env(home) {
        command.env(key, value);
    }
    command.env("TERM", "xterm-256color");
    command.env("LANG", "C.UTF-8");
    command.env("USERDECK_TOKEN", "not-checked");
    let started = Instant::now();
    let mut child = pty.slave.spawn_command(command).expect("starts");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("its output");
    let mut screen = vt100::Parser::new(size.rows, size.cols, 0);
    let mut read = vec![0u8; 1 << 16];
    let first_page = loop {
        let n = reader.read(&mut read).expect("reads the terminal");
        assert!(n > 0, "the dashboard ended: {}", screen.screen().contents());
        screen.process(&read[..n]);
        if screen.screen().contents().contains("rows 1") {
            break started.elapsed();
        }
    };
    // What it writes from now on is read and dropped: it never waits on its terminal.
    std::thread::spawn(move || while reader.read(&mut read).is_ok_and(|n| n > 0) {});
    let status = format!("/proc/{}/status", child.process_id().expect("a pid"));
    let (mut peak, mut grew) = (0, Instant::now());
    while grew.elapsed() < Duration::from_secs(1) && started.elapsed() < Duration::from_secs(30) {
        let seen = std::fs::read_to_string(&status).unwrap_or_default();
        let hwm = seen
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0);
        if hwm > peak {
            (peak, grew) = (hwm, Instant::now());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().expect("stops");
    (first_page, peak)
}

/// Serves `answer` to every POST, as a server that has it ready would.
async fn static_answer(answer: Bytes) -> (String, tokio::task::JoinHandle<()>) {
    let app = axum::Router::new().route(
        "/graphql",
        axum::routing::post(move || {
            let answer = answer.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    answer,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}/graphql", listener.local_addr().expect("bound"));
    let served = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serves");
    });
    (url, served)
}

pub fn figures(runtime: &tokio::runtime::Runtime, runs: usize) -> Vec<Figure> {
    let started = Instant::now();
    let server = runtime
        .block_on(server::spawn(&ServerOptions {
            dialect: Dialect::Training,
            users: USERS,
            listen: "127.0.0.1:0".parse().expect("an address"),
            ..ServerOptions::default()
        }))
        .expect("the server starts");
    eprintln!(
        "{USERS} training users generated in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let operation = training::Users::build(training::UsersVariables::default());
    let body = serde_json::to_string(&operation).expect("a body");
    let client = reqwest::Client::new();
    // The embedded server's first byte, and its whole answer.
    let (mut firsts, mut answer) = (Vec::new(), Bytes::new());
    for _ in 0..3 {
        let (first, whole) = runtime.block_on(async {
            let started = Instant::now();
            let mut response = client
                .post(server.url())
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .expect("answered");
            let mut whole = Vec::new();
            let mut first = None;
            while let Some(chunk) = response.chunk().await.expect("a body") {
                first.get_or_insert_with(|| started.elapsed());
                whole.extend_from_slice(&chunk);
            }
            (first.expect("a byte"), whole)
        });
        firsts.push(first);
        answer = Bytes::from(whole);
    }
    runtime.block_on(server.shutdown()).expect("stops");
    let first = median(firsts);
    let size_kb = answer.len() as u64 / 1024;
    let mut figures = vec![Figure {
        measure: format!(
            "embedded server at {} training users: the list's first byte",
            userdeck::text::thousands(USERS)
        ),
        shown: format!(
            "{:.1} ms ({} MB in all)",
            first.as_secs_f64() * 1e3,
            answer.len() >> 20
        ),
        value: first.as_secs_f64(),
        goal: 3.0,
        unit: " s",
        guarded: true,
    }];

    let (url, served) = runtime.block_on(static_answer(answer.clone()));
    let home = tempfile::tempdir().expect("a home");
    let config = home.path().join("config/userdeck");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(
        config.join("config.toml"),
        format!(
            "default_profile = \"b\"\n[profiles.b]\nendpoint = \"{url}\"\ndialect = \"training\"\n"
        ),
    )
    .expect("config");
    let body_file = home.path().join("body.json");
    std::fs::write(&body_file, &body).expect("body");
    let userdeck = || {
        let mut command = env::userdeck_in(home.path());
        command.args(["users", "list", "--format", "csv"]);
        command
    };
    let curl = || {
        let mut command = Command::new("curl");
        command
            .args(["-sS", "--fail", "-o", "/dev/null", "-X", "POST"])
            .args(["-H", "content-type: application/json", "--data-binary"])
            .arg(format!("@{}", body_file.display()))
            .arg(&url);
        command
    };
    timed(&mut userdeck());
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        ours.push(timed(&mut userdeck()));
        if Command::new("curl").arg("--version").output().is_ok() {
            theirs.push(timed(&mut curl()));
        }
    }
    let (ours, peak) = (median(ours), peak_memory(&mut userdeck()));
    let curl_shown = if theirs.is_empty() {
        "curl not on the PATH".to_string()
    } else {
        format!("curl receives it in {:.2} s", median(theirs).as_secs_f64())
    };
    figures.extend(took_and_held(
        "`users list --format csv`, whole process",
        (ours, format!(" ({curl_shown})"), 1.0),
        ("", peak, size_kb),
    ));
    // The dashboard in a terminal, against the same answer.
    let (first_page, dashboard_peak) = dashboard(home.path());
    figures.extend(took_and_held(
        "dashboard: start to the first page drawn",
        (first_page, String::new(), 1.5),
        (", its orders and index made", dashboard_peak, size_kb),
    ));

    // A keystroke over them all, worst case, as the dashboard keeps them.
    let users = runtime.block_on(async {
        let config = userdeck::api::client::ClientConfig::new(url.clone(), Dialect::Training);
        let client = userdeck::api::client::Client::new(config).expect("a client");
        let mut loading = Loading::default();
        client
            .read_list(
                training::Users::build(training::UsersVariables::default()),
                "users",
                &mut loading,
            )
            .await
            .expect("the list");
        loading.finish()
    });
    served.abort();
    figures.push(super::keystroke_over(&users, 20, false));
    figures
}
