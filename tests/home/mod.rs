//! A private XDG home with a config file pointing at a test server, and the real binary
//! run in it: what the headless-command tests share.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::{TOKEN, TestServer};
use serde_json::Value;
use userdeck::dialect::Dialect;

pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    /// A home whose config file has one profile, "test", for `server`.
    pub fn new(server: &TestServer, dialect: Dialect, extra: &str) -> Home {
        let home = Home {
            dir: tempfile::tempdir().unwrap(),
        };
        home.write_config(&format!(
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"{}\"\ndialect = \"{dialect}\"\n{extra}",
            server.url
        ));
        home
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config/userdeck/config.toml")
    }

    pub fn journal_path(&self) -> PathBuf {
        self.dir.path().join("state/userdeck/audit.jsonl")
    }

    pub fn write_config(&self, text: &str) {
        let path = self.config_path();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        set_mode(&path, 0o600);
    }

    pub fn journal(&self) -> String {
        std::fs::read_to_string(self.journal_path()).unwrap_or_default()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = crate::common::userdeck_in(self.dir.path());
        command
            .args(args)
            .env("USERDECK_TOKEN", TOKEN)
            .stdin(Stdio::null());
        command
    }

    /// Runs `userdeck ARGS` to its end, off the async threads.
    pub async fn run(&self, args: &[&str]) -> Run {
        let mut command = self.command(args);
        Run::from(
            tokio::task::spawn_blocking(move || command.output().unwrap())
                .await
                .unwrap(),
        )
    }

    pub async fn run_with(
        &self,
        args: &[&str],
        setup: impl FnOnce(&mut Command) + Send + 'static,
        stdin: &str,
    ) -> Run {
        let mut command = self.command(args);
        setup(&mut command);
        let input = stdin.to_string();
        let output = tokio::task::spawn_blocking(move || {
            use std::io::Write;
            let mut child = command
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        })
        .await
        .unwrap();
        Run::from(output)
    }
}

#[cfg(unix)]
pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    #[track_caller]
    pub fn expect(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}
