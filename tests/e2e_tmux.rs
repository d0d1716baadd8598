//! The dashboard inside a real tmux (a server of the test's own, on its own socket): `Y`
//! under `set-clipboard off` and `on` — tmux's buffer holds the id either way, once, and
//! the notice says what OSC 52 needs — and `clipboard = "off"`.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::{TOKEN, TestServer};
use userdeck::dialect::Dialect;

const DEADLINE: Duration = Duration::from_secs(30);

/// A tmux server of this test's own, on a socket in a temporary directory.
struct Tmux {
    socket: PathBuf,
    dir: tempfile::TempDir,
}

impl Tmux {
    fn start() -> Tmux {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("tmux.sock");
        let tmux = Tmux { socket, dir };
        tmux.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "220",
            "-y",
            "40",
        ]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux, which .ci/run installs");
        assert!(out.status.success(), "tmux {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    /// userdeck in a new window of its own, with the config file `config` for `url`.
    fn userdeck(&self, url: &str, config: &str) {
        let home = self.dir.path().join("home");
        let dir = home.join("config/userdeck");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("config.toml"),
            format!("default_profile = \"t\"\n{config}\n[profiles.t]\nendpoint = \"{url}\"\ndialect = \"crm\"\npage_size = 20\n"),
        )
        .unwrap();
        let env = |k: &str, v: &str| format!("{k}={v}");
        let home = home.to_str().unwrap();
        let vars = [
            env("HOME", home),
            env("XDG_CONFIG_HOME", &format!("{home}/config")),
            env("XDG_STATE_HOME", &format!("{home}/state")),
            env("USERDECK_TOKEN", TOKEN),
            env("LANG", "C.UTF-8"),
        ];
        let mut args = vec!["new-window", "-n", "ud"];
        for var in &vars {
            args.extend(["-e", var]);
        }
        args.push(env!("CARGO_BIN_EXE_userdeck"));
        self.run(&args);
    }

    /// Waits until the window's screen holds `text`; the screen. tmux pipes what the pane
    /// writes into a FIFO of the test's own, so each look at the screen follows output.
    fn wait_text(&self, text: &str) -> String {
        let output = self.pane_output();
        let started = Instant::now();
        loop {
            let screen = self.run(&["capture-pane", "-p", "-t", "ud"]);
            if screen.contains(text) {
                self.run(&["pipe-pane", "-t", "ud"]);
                return screen;
            }
            let left = DEADLINE.saturating_sub(started.elapsed());
            assert!(
                output.recv_timeout(left).is_ok(),
                "waited for {text:?}:\n{screen}"
            );
        }
    }

    /// A signal each time the pane writes something (`tmux pipe-pane` into a FIFO).
    fn pane_output(&self) -> std::sync::mpsc::Receiver<()> {
        let fifo = self.dir.path().join(format!(
            "pane-{}",
            self.dir.path().read_dir().unwrap().count()
        ));
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a FIFO made at a path of our own temporary directory.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Read;
            // Opening waits for tmux to open the other end.
            let Ok(mut pipe) = std::fs::File::open(&path) else {
                return;
            };
            let mut buf = [0u8; 4096];
            while matches!(pipe.read(&mut buf), Ok(n) if n > 0) {
                if tx.send(()).is_err() {
                    return;
                }
            }
        });
        let command = format!("cat > '{}'", fifo.to_str().unwrap());
        self.run(&["pipe-pane", "-t", "ud", "-o", &command]);
        rx
    }

    fn buffers(&self) -> Vec<String> {
        self.run(&["list-buffers", "-F", "#{buffer_sample}"])
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_inside_tmux_reaches_its_buffer_once_and_says_what_osc52_needs() {
    let server = TestServer::start(Dialect::Crm, 30).await;
    let id = server.ids(1).await.remove(0);
    let tmux = Tmux::start();
    for (set_clipboard, said) in [
        (
            "off",
            "set-clipboard is off: `set -g set-clipboard on` lets it through",
        ),
        (
            "on",
            "to tmux's buffer and the terminal's clipboard (OSC 52)",
        ),
        // Read at the copy, not at the start: set after starting counts too.
    ] {
        tmux.run(&["set", "-g", "set-clipboard", "off"]);
        tmux.userdeck(&server.url, "");
        tmux.wait_text("rows 1–20 of 30");
        tmux.run(&["set", "-g", "set-clipboard", set_clipboard]);
        let before = tmux.buffers().len();
        tmux.run(&["send-keys", "-t", "ud", "Y"]);
        tmux.wait_text(said);
        let buffers = tmux.buffers();
        assert_eq!(buffers.len(), before + 1, "one buffer a copy: {buffers:?}");
        assert_eq!(
            tmux.run(&["show-buffer"]),
            id,
            "set-clipboard {set_clipboard}"
        );
        tmux.run(&["send-keys", "-t", "ud", "q"]);
    }
    // clipboard = "off": nothing is copied, and the notice says so.
    let before = tmux.buffers().len();
    tmux.userdeck(&server.url, "clipboard = \"off\"");
    tmux.wait_text("rows 1–20 of 30");
    tmux.run(&["send-keys", "-t", "ud", "Y"]);
    tmux.wait_text("copying is off");
    assert_eq!(tmux.buffers().len(), before, "nothing copied");
    tmux.run(&["send-keys", "-t", "ud", "q"]);
}
