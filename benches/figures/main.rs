//! The README's figures in one run, each against its goal, on this machine:
//!
//! - userdeck against curl posting the same requests (whole processes);
//! - a 200×50 frame (table and detail pane) with 50 and 100,000 rows loaded, and 80×24;
//! - the training filter's worst keystroke over 100,000 users;
//! - the embedded server's deep pages against its first page, at 1,000,000 users;
//! - the statuses of 10,000 ids read before a bulk action, at 100 ms of latency;
//! - the ring of depth 2 around an account linked to 500 others, at 100 ms of latency;
//! - a million training users: the headless list against curl, its memory against the
//!   answer's size, the embedded server's first byte, a keystroke over them all.
//!
//! Prints a table and exits 1 when a figure passes its goal by more than 25%: a guard to
//! run before a release (`cargo bench --bench figures`). Kept out of `cargo test` and CI,
//! where a shared machine makes timings noise. `RUNS` sets the runs against curl (15),
//! `FIGURES_SERVER_USERS` the server's users (1,000,000), `FIGURES` the groups measured
//! (curl, frames, keystroke, statuses, ring, server, million; all when unset).

#[path = "../common/mod.rs"]
mod common;
/// The tests' clean environment: the figures run the binary as the tests do.
#[path = "../../tests/common/env.rs"]
mod env;
mod million;
mod ring;
mod vs_curl;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use serde_json::{Value, json};
use userdeck::api::local::LocalUsers;
use userdeck::dialect::Dialect;
use userdeck::server::{self, ServerOptions};
use userdeck::text::thousands;
use userdeck::ui::Screen;

/// One row of the table: a measure, what was seen, and its value against its goal (lower
/// is better, both in `unit`). A row that is not `guarded` is shown, met or not, but
/// does not fail the run: its goal is out of reach on any machine (see the README).
pub struct Figure {
    pub measure: String,
    pub shown: String,
    pub value: f64,
    pub goal: f64,
    pub unit: &'static str,
    pub guarded: bool,
}

/// How far past its goal a figure may go before the run fails.
const SLACK: f64 = 1.25;

pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The median of `samples` timings of `iterations` runs of `f` each, per run.
fn per_run(samples: usize, iterations: u32, mut f: impl FnMut()) -> Duration {
    let times = (0..samples)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..iterations {
                f();
            }
            started.elapsed() / iterations
        })
        .collect();
    median(times)
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// One dashboard as the loop drives it: the app, its terminal, what frames keep.
struct Drawn {
    app: userdeck::app::App,
    terminal: Terminal<TestBackend>,
    screen: Screen,
    area: Rect,
}

impl Drawn {
    fn new(rows: u64, area: Rect) -> Drawn {
        let terminal = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
        Drawn {
            app: common::app(rows),
            terminal,
            screen: Screen::default(),
            area,
        }
    }

    /// As the dashboard's loop: sizes to the app, draw, the terminal's diff.
    fn frame(&mut self) {
        let Drawn {
            app,
            terminal,
            screen,
            area,
        } = self;
        app.update(screen.resize(app, *area));
        terminal.draw(|frame| screen.draw(frame, app)).unwrap();
    }

    /// Our part of it: the sizes and the drawing, without ratatui's diff.
    fn ours(&mut self) {
        self.app.update(self.screen.resize(&self.app, self.area));
        self.screen.draw(&mut self.terminal.get_frame(), &self.app);
    }

    fn drawing(&mut self) {
        self.screen.draw(&mut self.terminal.get_frame(), &self.app);
    }

    /// ratatui's part: an empty frame, diffed against the last.
    fn diff(&mut self) {
        self.terminal.draw(|_| {}).unwrap();
    }
}

/// The medians of `samples` timings of 20 runs of `f` on each of `drawn`, the samples
/// taken in turn: a machine that slows down for a while slows down all of them alike.
fn alternating(drawn: &mut [Drawn; 2], samples: usize, f: fn(&mut Drawn)) -> [Duration; 2] {
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..samples {
        for (d, t) in drawn.iter_mut().zip(&mut times) {
            t.push(per_run(1, 20, || f(d)));
        }
    }
    times.map(median)
}

fn frames() -> Vec<Figure> {
    let mut figures = Vec::new();
    for (width, height) in [(200, 50), (80, 24)] {
        let area = Rect::new(0, 0, width, height);
        let mut drawn = [Drawn::new(50, area), Drawn::new(100_000, area)];
        let frame = alternating(&mut drawn, 200, Drawn::frame);
        let ours = alternating(&mut drawn, 200, Drawn::ours);
        let drawing = alternating(&mut drawn, 200, Drawn::drawing);
        let diff = alternating(&mut drawn, 200, Drawn::diff);
        for (n, rows) in [50u64, 100_000].into_iter().enumerate() {
            figures.push(Figure {
                measure: format!(
                    "a {width}×{height} frame, table and detail pane, {} rows loaded",
                    thousands(rows)
                ),
                shown: format!(
                    "{:.0} µs, of which ratatui's diff of the cells {:.0} µs (an empty frame)",
                    micros(frame[n]),
                    micros(diff[n])
                ),
                value: micros(frame[n]),
                goal: 150.0,
                unit: " µs",
                guarded: false,
            });
            figures.push(Figure {
                measure: format!(
                    "… our part of it: the sizes and the drawing ({:.0} µs of it), less ratatui's diff",
                    micros(drawing[n])
                ),
                shown: format!("{:.0} µs", micros(ours[n])),
                value: micros(ours[n]),
                goal: 150.0,
                unit: " µs",
                guarded: true,
            });
        }
        figures.push(Figure {
            measure: format!(
                "our part of a {width}×{height} frame with 100,000 rows loaded vs with 50"
            ),
            shown: format!("{:.0} µs vs {:.0} µs", micros(ours[1]), micros(ours[0])),
            value: ours[1].as_secs_f64() / ours[0].as_secs_f64(),
            goal: 1.10,
            unit: "×",
            guarded: true,
        });
    }
    figures
}

fn keystroke(runtime: &tokio::runtime::Runtime) -> Figure {
    keystroke_over(&common::training_users(runtime, 100_000), 60, true)
}

/// The training filter's worst keystroke over `users`: the median of `samples` of each
/// kind of keystroke, the worst of them.
pub fn keystroke_over(users: &LocalUsers, samples: usize, guarded: bool) -> Figure {
    let other = common::other_order();
    // As the dashboard has them after its first page: each order is kept, and the pairs
    // of letters and digits each user's text holds.
    users.prepare(other.sort);
    users.prepare(common::worst_filter("a").sort);
    // (what the keystroke is, the listing before it, the listing it asks for)
    let kinds = [
        ("a first letter", other.clone(), common::worst_filter("a")),
        (
            "a second letter",
            common::worst_filter("a"),
            common::worst_filter("an"),
        ),
        ("a name pasted", other.clone(), common::worst_filter("jan")),
        ("digits pasted", other.clone(), common::worst_filter("9583")),
        ("no match", other.clone(), common::worst_filter("zzzqqq")),
    ];
    let (kind, took) = kinds
        .iter()
        .map(|(kind, before, asked)| {
            let times = (0..samples)
                .map(|_| {
                    // Nothing kept from a listing before helps, but what the dashboard has.
                    users.page(before);
                    let started = Instant::now();
                    users.page(asked);
                    started.elapsed()
                })
                .collect();
            (kind, median(times))
        })
        .max_by_key(|&(_, took)| took)
        .expect("kinds of keystroke");
    Figure {
        measure: format!(
            "training: a filter keystroke over {} users, worst of five kinds (active, by name descending, 20,000 in): {kind}",
            thousands(users.len() as u64)
        ),
        shown: format!("{:.1} ms", took.as_secs_f64() * 1e3),
        value: took.as_secs_f64() * 1e3,
        goal: 5.0,
        unit: " ms",
        guarded,
    }
}

const PAGE: &str = "query($offset: Int, $orderBy: String) { users(limit: 50, offset: $offset, orderBy: $orderBy) { count data { id username email status isEmailVerified phoneNumber createdAt updatedAt } } }";

fn deep_pages(runtime: &tokio::runtime::Runtime) -> Vec<Figure> {
    let users: u64 = std::env::var("FIGURES_SERVER_USERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let started = Instant::now();
    let server = runtime
        .block_on(server::spawn(&ServerOptions {
            dialect: Dialect::Crm,
            users,
            listen: "127.0.0.1:0".parse().expect("an address"),
            ..ServerOptions::default()
        }))
        .expect("the server starts");
    eprintln!(
        "{users} users generated and indexed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let client = reqwest::Client::new();
    let url = server.url();
    let page = |variables: Value| {
        let started = Instant::now();
        runtime.block_on(common::post(&client, &url, PAGE, variables));
        started.elapsed()
    };
    let mut figures = Vec::new();
    for order in ["createdAt", "username"] {
        let (first, deep) = (
            json!({ "orderBy": order }),
            json!({ "orderBy": order, "offset": users * 9 / 10 }),
        );
        // Once each first: the first deep page of an order takes its marks, once.
        page(first.clone());
        let taking = page(deep.clone());
        let (mut firsts, mut deeps) = (Vec::new(), Vec::new());
        for _ in 0..40 {
            firsts.push(page(first.clone()));
            deeps.push(page(deep.clone()));
        }
        let (first, deep) = (median(firsts), median(deeps));
        figures.push(Figure {
            measure: format!(
                "embedded server at {} users: the page at offset {} by {order} vs the first",
                thousands(users),
                thousands(users * 9 / 10)
            ),
            shown: format!(
                "{:.2} ms vs {:.2} ms (the first deep page, taking the marks: {:.0} ms)",
                deep.as_secs_f64() * 1e3,
                first.as_secs_f64() * 1e3,
                taking.as_secs_f64() * 1e3
            ),
            value: deep.as_secs_f64() / first.as_secs_f64(),
            goal: 4.0,
            unit: "×",
            guarded: true,
        });
    }
    // The first page does not grow with the population: against a server of 10,000.
    let small = runtime
        .block_on(server::spawn(&ServerOptions {
            dialect: Dialect::Crm,
            users: 10_000,
            listen: "127.0.0.1:0".parse().expect("an address"),
            ..ServerOptions::default()
        }))
        .expect("the server starts");
    let small_url = small.url();
    let first_of = |url: &str| {
        let started = Instant::now();
        runtime.block_on(common::post(
            &client,
            url,
            PAGE,
            json!({ "orderBy": "createdAt" }),
        ));
        started.elapsed()
    };
    first_of(&small_url);
    let (mut larges, mut smalls) = (Vec::new(), Vec::new());
    for _ in 0..40 {
        larges.push(first_of(&url));
        smalls.push(first_of(&small_url));
    }
    let (large, small_first) = (median(larges), median(smalls));
    figures.push(Figure {
        measure: format!(
            "embedded server: the first page at {} users vs at 10,000",
            thousands(users)
        ),
        shown: format!(
            "{:.2} ms vs {:.2} ms",
            large.as_secs_f64() * 1e3,
            small_first.as_secs_f64() * 1e3
        ),
        value: large.as_secs_f64() / small_first.as_secs_f64(),
        goal: 1.5,
        unit: "×",
        guarded: true,
    });
    runtime.block_on(small.shutdown()).expect("stops");
    runtime.block_on(server.shutdown()).expect("stops");
    figures
}

/// The statuses a headless bulk action reads first (for its preview and its undo), of
/// 10,000 ids, from a server answering every request 100 ms late.
fn statuses(runtime: &tokio::runtime::Runtime) -> Figure {
    let server = runtime
        .block_on(server::spawn(&ServerOptions {
            dialect: Dialect::Crm,
            users: 10_000,
            listen: "127.0.0.1:0".parse().expect("an address"),
            faults: "latency=100ms".parse().expect("a fault spec"),
            ..ServerOptions::default()
        }))
        .expect("the server starts");
    let client = userdeck::api::client::Client::new(userdeck::api::client::ClientConfig::new(
        server.url(),
        Dialect::Crm,
    ))
    .expect("a client");
    let ids: Vec<String> = (1..=10_000).map(|n| format!("usr_{n:08}")).collect();
    let times = (0..3)
        .map(|_| {
            let started = Instant::now();
            let read = runtime.block_on(userdeck::api::statuses::read(&client, &ids));
            assert!(read.iter().all(|(_, r)| matches!(r, Ok(Some(_)))));
            started.elapsed()
        })
        .collect();
    let took = median(times);
    runtime.block_on(server.shutdown()).expect("stops");
    Figure {
        measure: "statuses of 10,000 ids read before a bulk action, at 100 ms of latency".into(),
        shown: format!("{:.2} s", took.as_secs_f64()),
        value: took.as_secs_f64(),
        goal: 2.0,
        unit: " s",
        guarded: true,
    }
}

fn main() -> ExitCode {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15);
    // `FIGURES=million,frames` measures those groups alone.
    let only = std::env::var("FIGURES").unwrap_or_default();
    let wanted = |group: &str| only.is_empty() || only.split(',').any(|g| g.trim() == group);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut figures = Vec::new();
    if wanted("curl") {
        figures.extend(vs_curl::figures(&runtime, runs));
    }
    if wanted("frames") {
        figures.extend(frames());
    }
    if wanted("keystroke") {
        figures.push(keystroke(&runtime));
    }
    if wanted("statuses") {
        figures.push(statuses(&runtime));
    }
    if wanted("ring") {
        figures.push(ring::figure(&runtime));
    }
    if wanted("server") {
        figures.extend(deep_pages(&runtime));
    }
    if wanted("million") {
        figures.extend(million::figures(&runtime, runs.min(5)));
    }

    println!("| measure | seen | figure | goal |\n|---|---|---|---|");
    let mut over = false;
    for f in &figures {
        let verdict = if f.value > f.goal * SLACK && f.guarded {
            over = true;
            " — past the goal by more than 25%"
        } else if f.value > f.goal {
            " — not met"
        } else {
            ""
        };
        let precision = if f.unit == "×" { 2 } else { 1 };
        println!(
            "| {} | {} | {:.precision$}{} | ≤ {:.precision$}{}{verdict} |",
            f.measure, f.shown, f.value, f.unit, f.goal, f.unit
        );
    }
    if over {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
