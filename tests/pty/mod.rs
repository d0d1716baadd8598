//! The built binary in a pseudo-terminal: keys in, screen (vt100) and raw output out.
//! Every wait is for a condition the reader signals, with a deadline; nothing spins.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::common::{TOKEN, TestServer};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;

pub const DEADLINE: Duration = Duration::from_secs(30);

/// The pseudo-terminal tests run one at a time: a terminal opened while another test
/// forks can leak into that child before it is marked close-on-exec, and then outlive its
/// master, which the test of a closing terminal cannot tell from a hang.
pub static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

pub struct Screen {
    parser: Mutex<vt100::Parser>,
    /// Signalled after every read, with `parser` and `raw` updated.
    changed: Condvar,
    pub raw: Mutex<Vec<u8>>,
    /// Tells the reader to let go of its copy of the terminal.
    pub stop: std::sync::atomic::AtomicBool,
    /// Tells the reader to stop reading for now, as a stalled SSH link would: what the
    /// program writes piles up until the terminal's buffer is full.
    pub paused: std::sync::atomic::AtomicBool,
}

/// A test that fails half-way leaves no program behind: the terminal's reader lets go
/// and the program, if it was never waited for, is killed.
struct Leftover {
    screen: Arc<Screen>,
    pid: Option<u32>,
}

impl Drop for Leftover {
    fn drop(&mut self) {
        self.screen
            .stop
            .store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(pid) = self.pid.and_then(|p| i32::try_from(p).ok()) {
            // SAFETY: a signal to our own child, not yet waited for (its pid not reused).
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

pub struct Dashboard {
    leftover: Leftover,
    pub screen: Arc<Screen>,
    pub writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    pub master: Option<Box<dyn portable_pty::MasterPty + Send>>,
    reader: Option<std::thread::JoinHandle<()>>,
    pub home: tempfile::TempDir,
}

impl Dashboard {
    /// `userdeck` in a 120×30 pseudo-terminal, its config pointing at `server`.
    pub fn start(server: &TestServer, dialect: Dialect) -> Dashboard {
        Dashboard::run(server, dialect, &[], "", &[])
    }

    /// `userdeck ARGS` in a 120×30 pseudo-terminal; `extra` is added to the config file.
    pub fn run(
        server: &TestServer,
        dialect: Dialect,
        args: &[&str],
        extra: &str,
        env: &[(&str, &str)],
    ) -> Dashboard {
        Dashboard::sized(&server.url, dialect, args, extra, env, (120, 30), "")
    }

    /// `userdeck ARGS` in a pseudo-terminal of `size` (columns, rows); `extra` is added
    /// to the config file, `profile` to its profile.
    pub fn sized(
        url: &str,
        dialect: Dialect,
        args: &[&str],
        extra: &str,
        env: &[(&str, &str)],
        (cols, rows): (u16, u16),
        profile: &str,
    ) -> Dashboard {
        let home = Dashboard::home(url, dialect, extra, profile);
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_userdeck"));
        command.args(args);
        Dashboard::launch(home, command, env, (cols, rows))
    }

    /// `printf %s INPUT | userdeck ARGS` in a 120×30 pseudo-terminal: standard input a
    /// pipe, the terminal there (standard error, /dev/tty) all the same.
    pub fn piped(url: &str, dialect: Dialect, args: &[&str], input: &str) -> Dashboard {
        let home = Dashboard::home(url, dialect, "", "");
        let mut command = CommandBuilder::new("/bin/sh");
        command.args([
            "-c",
            "printf %s \"$INPUT\" | exec \"$USERDECK\" \"$@\"",
            "sh",
        ]);
        command.args(args);
        let input = ("INPUT", input);
        let program = ("USERDECK", env!("CARGO_BIN_EXE_userdeck"));
        Dashboard::launch(home, command, &[input, program], (120, 30))
    }

    /// A private home whose config file points at `url`.
    fn home(url: &str, dialect: Dialect, extra: &str, profile: &str) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join("config/userdeck");
        std::fs::create_dir_all(&config).unwrap();
        // Pages of 20 unless the profile says otherwise.
        let page_size = if profile.contains("page_size") {
            ""
        } else {
            "page_size = 20\n"
        };
        std::fs::write(
            config.join("config.toml"),
            format!(
                "default_profile = \"e2e\"\n{extra}\n[profiles.e2e]\nendpoint = \"{}\"\ndialect = \"{dialect}\"\n{page_size}{profile}\n",
                url
            ),
        )
        .unwrap();
        home
    }

    /// `command` in a new pseudo-terminal of `cols`×`rows`, in `home`, with `env` added.
    fn launch(
        home: tempfile::TempDir,
        mut command: CommandBuilder,
        env: &[(&str, &str)],
        (cols, rows): (u16, u16),
    ) -> Dashboard {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        command.env_clear();
        for (key, value) in crate::common::isolated_env(home.path()) {
            command.env(key, value);
        }
        command.env("USERDECK_TOKEN", TOKEN);
        command.env("TERM", "xterm-256color");
        command.env("LANG", "C.UTF-8");
        for (key, value) in env {
            command.env(key, value);
        }
        let child = pty.slave.spawn_command(command).unwrap();
        drop(pty.slave);
        let screen = Arc::new(Screen {
            parser: Mutex::new(vt100::Parser::new(rows, cols, 0)),
            changed: Condvar::new(),
            raw: Mutex::new(Vec::new()),
            stop: std::sync::atomic::AtomicBool::new(false),
            paused: std::sync::atomic::AtomicBool::new(false),
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
                if sink.paused.load(std::sync::atomic::Ordering::SeqCst) {
                    // Waiters look again meanwhile: at the program, since not at its output.
                    std::thread::park_timeout(std::time::Duration::from_millis(20));
                    sink.changed.notify_all();
                    continue;
                }
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
                        let mut parser = sink.parser.lock().unwrap();
                        parser.process(&buf[..n]);
                        sink.raw.lock().unwrap().extend_from_slice(&buf[..n]);
                        drop(parser);
                        sink.changed.notify_all();
                    }
                }
            }
        });
        let writer = pty.master.take_writer().unwrap();
        Dashboard {
            leftover: Leftover {
                screen: screen.clone(),
                pid: child.process_id(),
            },
            screen,
            writer,
            child,
            master: Some(pty.master),
            reader: Some(reader),
            home,
        }
    }

    /// How many bytes the program has written that the reader has not read yet.
    pub fn unread(&self) -> usize {
        let fd = self.master.as_ref().unwrap().as_raw_fd().unwrap();
        let mut queued: libc::c_int = 0;
        // SAFETY: FIONREAD writes one int through the pointer given.
        let asked = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut queued) };
        assert_eq!(asked, 0, "FIONREAD on the pty");
        usize::try_from(queued).unwrap_or(0)
    }

    /// Whether any cell of the screen has a colour of its own.
    pub fn coloured(&self) -> bool {
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

    /// The background of the cell at `row`, `col` (from 0).
    pub fn background(&self, row: u16, col: u16) -> vt100::Color {
        let parser = self.screen.parser.lock().unwrap();
        parser
            .screen()
            .cell(row, col)
            .map_or(vt100::Color::Default, |cell| cell.bgcolor())
    }

    pub fn contents(&self) -> String {
        self.screen.parser.lock().unwrap().screen().contents()
    }

    /// The one waiting loop: until `check` gives a value, woken by each read of the
    /// terminal, for at most [`DEADLINE`]; `check` gets the screen and the raw output, and
    /// says on failure what it saw.
    #[track_caller]
    fn wait_on<T>(&self, check: impl Fn(&vt100::Parser, &[u8]) -> Result<T, String>) -> T {
        let deadline = Instant::now() + DEADLINE;
        let mut parser = self.screen.parser.lock().unwrap();
        loop {
            let seen = {
                let raw = self.screen.raw.lock().unwrap();
                match check(&parser, &raw) {
                    Ok(value) => return value,
                    Err(seen) => seen,
                }
            };
            let now = Instant::now();
            assert!(now < deadline, "{seen}");
            parser = self
                .screen
                .changed
                .wait_timeout(parser, deadline - now)
                .unwrap()
                .0;
        }
    }

    /// Waits until the screen satisfies `test`.
    #[track_caller]
    pub fn wait_for(&self, what: &str, test: impl Fn(&str) -> bool) -> String {
        self.wait_on(|parser, _| {
            let contents = parser.screen().contents();
            if test(&contents) {
                Ok(contents)
            } else {
                Err(format!("waited for {what}; the screen:\n{contents}"))
            }
        })
    }

    /// Waits until the raw output from byte `from` on holds `needle`.
    #[track_caller]
    pub fn wait_raw(&self, from: usize, needle: &[u8]) {
        self.wait_on(|_, raw| {
            let tail = &raw[from.min(raw.len())..];
            if tail.windows(needle.len()).any(|w| w == needle) {
                Ok(())
            } else {
                Err(format!(
                    "waited for {:?} in the output after byte {from}: {:?}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(tail)
                ))
            }
        })
    }

    /// Waits until `test` holds, checking it again each time the program writes (a
    /// condition about the terminal that comes with output, such as its mode).
    #[track_caller]
    pub fn wait_until(&self, what: &str, test: impl Fn() -> bool) {
        self.wait_on(|_, _| {
            if test() {
                Ok(())
            } else {
                Err(format!("waited for {what}"))
            }
        })
    }

    /// What the program last copied with OSC 52 after byte `from` of its output.
    pub fn copied_after(&self, from: usize) -> String {
        use base64::Engine;
        let raw = self.screen.raw.lock().unwrap();
        let text = String::from_utf8_lossy(&raw[from..]).into_owned();
        let start = text.rfind("\x1b]52;c;").expect("an OSC 52 sequence") + 7;
        let end = start + text[start..].find('\x07').expect("its end");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&text[start..end])
            .unwrap();
        String::from_utf8(bytes).unwrap()
    }

    /// How many bytes the program has written so far.
    pub fn written(&self) -> usize {
        self.screen.raw.lock().unwrap().len()
    }

    #[track_caller]
    pub fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    pub fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn resize(&self, cols: u16, rows: u16) {
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

    pub fn signal(&self, name: &str) {
        let pid = self.child.process_id().unwrap();
        let status = std::process::Command::new("kill")
            .args(["-s", name, &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to end; its exit status.
    pub fn exit(self) -> (portable_pty::ExitStatus, Vec<u8>) {
        let (status, raw, _) = self.finish();
        (status, raw)
    }

    /// Closes the terminal as a dropped SSH connection does (the kernel hangs it up:
    /// SIGHUP, then every read and write fails), and waits for the process to end.
    pub fn hang_up(mut self) -> (portable_pty::ExitStatus, Vec<u8>, tempfile::TempDir) {
        self.close_terminal();
        self.finish()
    }

    /// Lets go of every copy of the terminal's master (the reader's, the writer's): the
    /// kernel hangs the terminal up.
    fn close_terminal(&mut self) {
        self.screen
            .stop
            .store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.writer = Box::new(std::io::sink());
        drop(self.master.take());
    }

    /// A dropped SSH connection as a shell sees it: the terminal closes (the kernel hangs
    /// it up), then the shell passes its own SIGHUP on to its jobs, as bash does. What the
    /// process spent from then to its end; its exit status, output and home.
    pub fn drop_connection(
        mut self,
    ) -> (Spent, portable_pty::ExitStatus, Vec<u8>, tempfile::TempDir) {
        let pid = self.child.process_id().unwrap();
        self.close_terminal();
        let before = Spent::of(pid);
        self.signal("HUP");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // SAFETY: waits for our own child to end without reaping it, so its accounts
            // can still be read.
            let ended = unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                libc::waitid(libc::P_PID, pid, &mut info, libc::WEXITED | libc::WNOWAIT)
            };
            let _ = tx.send(ended);
        });
        match rx.recv_timeout(DEADLINE) {
            Ok(0) => {}
            Ok(e) => panic!("waitid: {e}"),
            Err(_) => panic!(
                "the process did not end; its threads:\n{}",
                threads(Some(pid))
            ),
        }
        let spent = Spent::of(pid).since(before);
        let (status, raw, home) = self.finish();
        (spent, status, raw, home)
    }

    /// Selects the first page's 20 users and blocks them all, those blocked already too.
    pub fn block_the_page(&mut self) {
        self.wait_text("rows 1–20 of 30");
        self.keys("*");
        self.wait_text("20 selected");
        self.keys("b");
        self.wait_text("block 20 users:");
        self.keys("\t");
        self.wait_text("send 20");
        self.keys("y");
    }

    /// A server of 30 users answering after `latency`, and the dashboard on it blocking
    /// the first page in chunks of 5, the first chunks under way.
    pub fn blocking_slowly(latency: &str) -> (Served, Dashboard) {
        let faults = format!("latency={latency}");
        let served = Served::start(&["--users", "30", "--faults", &faults]);
        let mut ui = Dashboard::sized(
            &served.url,
            Dialect::Crm,
            &[],
            "",
            &[],
            (120, 30),
            "chunk_size = 5",
        );
        ui.block_the_page();
        ui.wait_text("working");
        (served, ui)
    }

    /// Whether the program leaves its screen (it is quitting) within `within`, in its
    /// output from byte `from` on: woken by each write, without a deadline's panic.
    pub fn leaves_within(&self, from: usize, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        let mut parser = self.screen.parser.lock().unwrap();
        loop {
            let left = {
                let raw = self.screen.raw.lock().unwrap();
                raw.get(from..).is_some_and(|after| {
                    after
                        .windows(LEAVE_ALTERNATE_SCREEN.len())
                        .any(|w| w == LEAVE_ALTERNATE_SCREEN)
                })
            };
            let now = Instant::now();
            if left || now >= deadline {
                return left;
            }
            parser = self
                .screen
                .changed
                .wait_timeout(parser, deadline - now)
                .unwrap()
                .0;
        }
    }

    /// `userdeck` started again in `home` (its config, journal and saved views), in a
    /// pseudo-terminal of `size`.
    pub fn relaunch(home: tempfile::TempDir, size: (u16, u16)) -> Dashboard {
        let command = CommandBuilder::new(env!("CARGO_BIN_EXE_userdeck"));
        Dashboard::launch(home, command, &[], size)
    }

    /// Waits for the process to end; its exit status, output, and home (with its config
    /// and journal) to look into.
    pub fn finish(mut self) -> (portable_pty::ExitStatus, Vec<u8>, tempfile::TempDir) {
        let (tx, rx) = mpsc::channel();
        let pid = self.child.process_id();
        let mut child = self.child;
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        let status = match rx.recv_timeout(DEADLINE) {
            Ok(status) => status.unwrap(),
            Err(_) => panic!("the process did not end; its threads:\n{}", threads(pid)),
        };
        // Waited for: its pid may be another's now.
        self.leftover.pid = None;
        // Once the process is gone the reader reaches the end of its output.
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        drop(self.writer);
        let raw = self.screen.raw.lock().unwrap().clone();
        drop(self.master.take());
        (status, raw, self.home)
    }
}

/// Each thread of process `pid`: its name, where it waits, its state.
fn threads(pid: Option<u32>) -> String {
    let mut state = String::new();
    let tasks = pid.and_then(|pid| std::fs::read_dir(format!("/proc/{pid}/task")).ok());
    for task in tasks.into_iter().flatten().flatten() {
        let p = task.path();
        let read = |name: &str| std::fs::read_to_string(p.join(name)).unwrap_or_default();
        let stat = read("stat");
        state.push_str(&format!(
            "{} {} {}\n",
            read("comm").trim(),
            read("wchan"),
            stat.split(' ').nth(2).unwrap_or("")
        ));
    }
    state
}

/// `userdeck ARGS` with nothing of this machine's environment but PATH, in `home`.
pub fn in_home(home: &tempfile::TempDir, args: &[&str]) -> std::process::Command {
    let mut command = crate::common::userdeck_in(home.path());
    command.args(args);
    command
}

pub fn restored(raw: &[u8]) -> bool {
    let after = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    let entered = raw.windows(8).position(|w| w == b"\x1b[?1049h");
    matches!((entered, after(LEAVE_ALTERNATE_SCREEN), after(SHOW_CURSOR)), (Some(e), Some(l), Some(c)) if l > e && c > e)
}

pub async fn users(server: &TestServer, query: &str) -> Value {
    server.data(query, json!({})).await
}

/// `userdeck serve ARGS` as a child process, on a port the OS picks, behind [`TOKEN`];
/// killed when dropped.
pub struct Served {
    child: std::process::Child,
    pub url: String,
}

impl Served {
    pub fn start(args: &[&str]) -> Served {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_userdeck"))
            .args(["serve", "--listen", "127.0.0.1:0", "--token", TOKEN])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Its first line is the URL, once it listens.
        let mut url = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut url)
            .unwrap();
        Served {
            child,
            url: url.trim().to_string(),
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a process has used so far: read calls and CPU time, from /proc (a process that has
/// ended but is not yet reaped still has them).
#[derive(Debug, Clone, Copy)]
pub struct Spent {
    pub reads: u64,
    /// User and system time, in clock ticks.
    pub cpu_ticks: u64,
}

impl Spent {
    fn of(pid: u32) -> Spent {
        let io = std::fs::read_to_string(format!("/proc/{pid}/io")).unwrap();
        let reads = io
            .lines()
            .find_map(|l| l.strip_prefix("syscr: "))
            .and_then(|n| n.trim().parse().ok())
            .unwrap();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        // Past the command's name (which may hold spaces), utime and stime are the 12th
        // and 13th fields.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .collect();
        let cpu_ticks = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        Spent { reads, cpu_ticks }
    }

    fn since(self, before: Spent) -> Spent {
        Spent {
            reads: self.reads - before.reads,
            cpu_ticks: self.cpu_ticks - before.cpu_ticks,
        }
    }
}
