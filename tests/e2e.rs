//! The built binary in a pseudo-terminal against the embedded server over HTTP: keys in,
//! screen (vt100) and server state out. Every wait is for a condition, with a deadline.

mod common;

use std::io::{Read, Write};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{TOKEN, TestServer};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;

const DEADLINE: Duration = Duration::from_secs(30);

/// The pseudo-terminal tests run one at a time: a terminal opened while another test
/// forks can leak into that child before it is marked close-on-exec, and then outlive its
/// master, which the test of a closing terminal cannot tell from a hang.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

struct Screen {
    parser: Mutex<vt100::Parser>,
    raw: Mutex<Vec<u8>>,
    /// Tells the reader to let go of its copy of the terminal.
    stop: std::sync::atomic::AtomicBool,
}

struct Dashboard {
    screen: Arc<Screen>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Option<Box<dyn portable_pty::MasterPty + Send>>,
    reader: Option<std::thread::JoinHandle<()>>,
    _home: tempfile::TempDir,
}

impl Dashboard {
    /// `userdeck` in a 120×30 pseudo-terminal, its config pointing at `server`.
    fn start(server: &TestServer, dialect: Dialect) -> Dashboard {
        Dashboard::run(server, dialect, &[], "", &[])
    }

    /// `userdeck ARGS` in a 120×30 pseudo-terminal; `extra` is added to the config file.
    fn run(
        server: &TestServer,
        dialect: Dialect,
        args: &[&str],
        extra: &str,
        env: &[(&str, &str)],
    ) -> Dashboard {
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join("config/userdeck");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(
            config.join("config.toml"),
            format!(
                "default_profile = \"e2e\"\n{extra}\n[profiles.e2e]\nendpoint = \"{}\"\ndialect = \"{dialect}\"\npage_size = 20\n",
                server.url
            ),
        )
        .unwrap();
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_userdeck"));
        command.args(args);
        command.env_clear();
        command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        command.env("HOME", home.path());
        command.env("XDG_CONFIG_HOME", home.path().join("config"));
        command.env("XDG_STATE_HOME", home.path().join("state"));
        command.env("USERDECK_TOKEN", TOKEN);
        command.env("TERM", "xterm-256color");
        for (key, value) in env {
            command.env(key, value);
        }
        let child = pty.slave.spawn_command(command).unwrap();
        drop(pty.slave);
        let screen = Arc::new(Screen {
            parser: Mutex::new(vt100::Parser::new(30, 120, 0)),
            raw: Mutex::new(Vec::new()),
            stop: std::sync::atomic::AtomicBool::new(false),
        });
        // The reader's own copy of the terminal, polled and read by that number alone: the
        // master's number may be reused by another test once the master is dropped.
        let master_fd = pty.master.as_raw_fd().expect("a unix pty");
        // SAFETY: duplicating an open descriptor; the copy is owned by the File below.
        let fd = unsafe { libc::fcntl(master_fd, libc::F_DUPFD_CLOEXEC, 0) };
        assert!(fd >= 0, "dup of the pty");
        // SAFETY: `fd` is a fresh descriptor that nothing else owns.
        let mut reader = unsafe { <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(fd) };
        let sink = screen.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // Poll with a timeout, so that the reader can drop its copy of the terminal
            // when asked, and the terminal can really close.
            while !sink.stop.load(std::sync::atomic::Ordering::SeqCst) {
                let mut poll = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd, for the length given.
                let ready = unsafe { libc::poll(&mut poll, 1, 20) };
                if ready <= 0 {
                    continue;
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        sink.parser.lock().unwrap().process(&buf[..n]);
                        sink.raw.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        let writer = pty.master.take_writer().unwrap();
        Dashboard {
            screen,
            writer,
            child,
            master: Some(pty.master),
            reader: Some(reader),
            _home: home,
        }
    }

    /// Whether any cell of the screen has a colour of its own.
    fn coloured(&self) -> bool {
        let parser = self.screen.parser.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        (0..rows).any(|r| {
            (0..cols).any(|c| {
                screen
                    .cell(r, c)
                    .is_some_and(|cell| cell.fgcolor() != vt100::Color::Default)
            })
        })
    }

    fn contents(&self) -> String {
        self.screen.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen satisfies `test`.
    #[track_caller]
    fn wait_for(&self, what: &str, test: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let contents = self.contents();
            if test(&contents) {
                return contents;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what}; the screen:\n{contents}"
            );
            std::thread::yield_now();
        }
    }

    #[track_caller]
    fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn resize(&self, cols: u16, rows: u16) {
        self.master
            .as_ref()
            .unwrap()
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.screen
            .parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
    }

    fn signal(&self, name: &str) {
        let pid = self.child.process_id().unwrap();
        let status = std::process::Command::new("kill")
            .args(["-s", name, &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to end; its exit status.
    fn exit(mut self) -> (portable_pty::ExitStatus, Vec<u8>) {
        let (tx, rx) = mpsc::channel();
        let mut child = self.child;
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        let status = rx
            .recv_timeout(DEADLINE)
            .expect("the process ends")
            .unwrap();
        // Once the process is gone the reader reaches the end of its output.
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        drop(self.writer);
        let raw = self.screen.raw.lock().unwrap().clone();
        drop(self.master.take());
        (status, raw)
    }
}

fn restored(raw: &[u8]) -> bool {
    let after = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    let entered = raw.windows(8).position(|w| w == b"\x1b[?1049h");
    matches!((entered, after(LEAVE_ALTERNATE_SCREEN), after(SHOW_CURSOR)), (Some(e), Some(l), Some(c)) if l > e && c > e)
}

async fn users(server: &TestServer, query: &str) -> Value {
    server.data(query, json!({})).await
}

#[tokio::test(flavor = "multi_thread")]
async fn list_filter_detail_overlap_and_back() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 300).await;
    // A user with an overlapping user, found through the API.
    let all = users(
        &server,
        "{ users(limit: 300) { data { id username overlapIPUsers { username } } } }",
    )
    .await;
    let chosen = all["users"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| {
            !u["overlapIPUsers"].as_array().unwrap().is_empty()
                && u["username"].as_str().unwrap().is_ascii()
        })
        .unwrap()
        .clone();
    let name = chosen["username"].as_str().unwrap().to_string();
    let other = chosen["overlapIPUsers"][0]["username"]
        .as_str()
        .unwrap()
        .to_string();

    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 300");
    assert!(ui.coloured(), "statuses are coloured");
    ui.keys("/");
    ui.keys(&name);
    ui.wait_text(&format!("filter \"{name}\""));
    let screen = ui.wait_for("the filtered list", |s| {
        s.contains("rows 1–") && !s.contains("of 300")
    });
    assert!(screen.contains(&name));
    ui.keys("\r"); // leave the filter line
    ui.keys("\r"); // open the user
    ui.wait_text("users sharing an IP address:");
    let screen = ui.wait_text("sessions:");
    assert!(
        screen.contains(&other),
        "the overlapping user is listed:\n{screen}"
    );
    ui.keys("\t"); // focus the detail
    ui.keys("\r"); // follow the first overlapping user
    ui.wait_for("the other user's pane", |s| {
        s.contains(&format!("┌ {other}")) || s.contains(&format!(" {other} ─"))
    });
    ui.wait_text("Backspace: back (1)");
    ui.keys("\x7f");
    ui.wait_for("back to the first user", |s| {
        s.contains(&format!(" {name} ")) && !s.contains("Backspace: back")
    });
    ui.keys("q");
    let (status, raw) = ui.exit();
    assert!(status.success());
    assert!(
        restored(&raw),
        "the alternate screen was left and the cursor shown"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn blocking_three_selected_users_changes_them_on_the_server() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 60).await;
    let first = users(&server, "{ users(limit: 3) { data { id status } } }").await;
    let ids: Vec<String> = first["users"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 60");
    ui.keys("   ");
    ui.wait_text("3 selected");
    ui.keys("b");
    ui.wait_text("block 3 users?");
    ui.keys("y");
    ui.wait_text("block: 3 succeeded, 0 failed");
    for id in &ids {
        let data = server
            .data(
                "query($id: ID!) { user(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(data["user"]["status"], "BLOCKED", "{id}");
    }
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_and_sighup_restore_the_terminal() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Training, 20).await;
    for signal in ["TERM", "HUP", "INT"] {
        let ui = Dashboard::start(&server, Dialect::Training);
        ui.wait_text("rows 1–20 of 20");
        ui.signal(signal);
        let (_, raw) = ui.exit();
        assert!(restored(&raw), "SIG{signal} left the terminal as it was");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_the_terminal_ends_the_process() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 20).await;
    let mut ui = Dashboard::start(&server, Dialect::Crm);
    ui.wait_text("rows 1–20 of 20");
    let pid = ui.child.process_id().unwrap();
    // The terminal goes away, as when an SSH connection drops: every handle on it closes.
    ui.screen
        .stop
        .store(true, std::sync::atomic::Ordering::SeqCst);
    drop(ui.writer);
    drop(ui.master.take());
    let (tx, rx) = mpsc::channel();
    let mut child = ui.child;
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    if rx.recv_timeout(DEADLINE).is_err() {
        let mut state = String::new();
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
            for task in tasks.flatten() {
                let p = task.path();
                let comm = std::fs::read_to_string(p.join("comm")).unwrap_or_default();
                let wchan = std::fs::read_to_string(p.join("wchan")).unwrap_or_default();
                let stat = std::fs::read_to_string(p.join("stat")).unwrap_or_default();
                state.push_str(&format!(
                    "{} {} {}\n",
                    comm.trim(),
                    wchan,
                    stat.split(' ').nth(2).unwrap_or("")
                ));
            }
        }
        panic!("the process did not end; its threads:\n{state}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rebound_keys_mouse_clicks_and_resizing() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 50).await;
    let page = users(&server, "{ users(limit: 3) { data { username } } }").await;
    let third = page["users"]["data"][2]["username"]
        .as_str()
        .unwrap()
        .to_string();
    // "o" opens instead of Enter, and NO_COLOR leaves the colours out.
    let mut ui = Dashboard::run(
        &server,
        Dialect::Crm,
        &[],
        "[keys]\nopen = [\"o\"]\n",
        &[("NO_COLOR", "1")],
    );
    ui.wait_text("rows 1–20 of 50");
    assert!(!ui.coloured(), "NO_COLOR: no colours");
    // A click on the third row of users (screen row 4: the header is row 1), then "o".
    ui.keys("\x1b[<0;10;4M\x1b[<0;10;4m");
    ui.keys("o");
    ui.wait_for("the clicked user's pane", |s| {
        s.contains(&format!("┌ {third} "))
    });
    // Narrower than 120 columns the pane covers the table; the layout follows the size.
    ui.resize(90, 24);
    ui.wait_for("a redraw at 90×24", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.len() <= 24 && lines.iter().any(|l| l.starts_with(&format!("┌ {third} ")))
    });
    ui.resize(50, 10);
    ui.wait_text("too small: need 60×12, have 50×10");
    ui.keys("q");
    assert!(ui.exit().0.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_headless_bulk_action_asks_on_the_terminal() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(Dialect::Crm, 10).await;
    let page = users(
        &server,
        "{ users(limit: 1, filter: { status: ACTIVE }) { data { id } } }",
    )
    .await;
    let id = page["users"]["data"][0]["id"].as_str().unwrap().to_string();
    let mut no = Dashboard::run(&server, Dialect::Crm, &["users", "block", &id], "", &[]);
    no.wait_text("[y/N]");
    no.keys("n\r");
    let (status, _) = no.exit();
    assert!(!status.success());
    let data = server
        .data(
            "query($id: ID!) { user(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["user"]["status"], "ACTIVE", "cancelled: nothing sent");
    let mut yes = Dashboard::run(&server, Dialect::Crm, &["users", "block", &id], "", &[]);
    yes.wait_text("[y/N]");
    yes.keys("y\r");
    yes.wait_text("block: 1 succeeded, 0 failed");
    assert!(yes.exit().0.success());
    let data = server
        .data(
            "query($id: ID!) { user(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["user"]["status"], "BLOCKED");
    server.stop().await;
}
