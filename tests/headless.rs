//! The headless commands as an operator runs them: the real binary, a config file in a
//! private XDG home, the embedded server over real HTTP. Exit codes, output shapes, the
//! audit journal, read-only profiles, token handling and malformed config files.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{TOKEN, TestServer};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    /// A home whose config file has one profile, "test", for `server`.
    fn new(server: &TestServer, dialect: Dialect, extra: &str) -> Home {
        let home = Home {
            dir: tempfile::tempdir().unwrap(),
        };
        home.write_config(&format!(
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"{}\"\ndialect = \"{dialect}\"\n{extra}",
            server.url
        ));
        home
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("config/userdeck/config.toml")
    }

    fn journal_path(&self) -> PathBuf {
        self.dir.path().join("state/userdeck/audit.jsonl")
    }

    fn write_config(&self, text: &str) {
        let path = self.config_path();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        set_mode(&path, 0o600);
    }

    fn journal(&self) -> String {
        std::fs::read_to_string(self.journal_path()).unwrap_or_default()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_userdeck"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("USERDECK_TOKEN", TOKEN)
            .stdin(Stdio::null());
        command
    }

    /// Runs `userdeck ARGS` to its end, off the async threads.
    async fn run(&self, args: &[&str]) -> Run {
        let mut command = self.command(args);
        Run::from(
            tokio::task::spawn_blocking(move || command.output().unwrap())
                .await
                .unwrap(),
        )
    }

    async fn run_with(
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
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
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
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    #[track_caller]
    fn expect(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

async fn statuses(home: &Home, ids: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        let run = home.run(&["users", "show", id, "--format", "json"]).await;
        out.push(
            run.expect(0).json()["user"]["status"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn crm_list_in_every_format_and_every_page() {
    let server = TestServer::start(Dialect::Crm, 1_050).await;
    let home = Home::new(&server, Dialect::Crm, "page_size = 20\n");
    let table = home.run(&["users", "list"]).await;
    table.expect(0);
    assert_eq!(table.stdout.lines().count(), 21, "a header and a page");
    assert!(table.stdout.starts_with("ID") && table.stdout.contains("USERNAME"));
    assert!(
        table.stderr.contains("users 1–20 of 1050"),
        "{}",
        table.stderr
    );

    let json = home
        .run(&[
            "users", "list", "--filter", "gmail", "--status", "BLOCKED", "--sort", "name",
            "--desc", "--limit", "5", "--format", "json",
        ])
        .await;
    let value = json.expect(0).json();
    let users = value["users"].as_array().unwrap();
    assert!(users.len() <= 5 && value["total"].as_u64().unwrap() >= users.len() as u64);
    assert!(
        users
            .iter()
            .all(|u| u["status"] == "blocked" && u["email"].as_str().unwrap().contains("gmail"))
    );

    let csv = home
        .run(&[
            "users", "list", "--offset", "1040", "--limit", "50", "--format", "csv",
        ])
        .await;
    let lines: Vec<&str> = csv.expect(0).stdout.lines().collect();
    assert_eq!(
        lines[0],
        "id,username,email,status,emailVerified,phone,createdAt,updatedAt"
    );
    assert_eq!(lines.len(), 11);

    let all = home
        .run(&["users", "list", "--all", "--format", "json"])
        .await;
    let value = all.expect(0).json();
    assert_eq!(value["total"], 1_050);
    let ids: std::collections::HashSet<&str> = value["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        1_050,
        "every user once, over two pages of the server"
    );

    let bad = home.run(&["users", "list", "--status", "archived"]).await;
    bad.expect(2);
    assert!(
        bad.stderr.contains("crm") && bad.stderr.contains("active, blocked, pending"),
        "{}",
        bad.stderr
    );
    home.run(&["users", "list", "--sort", "last-login"])
        .await
        .expect(2);
    home.run(&["users", "list", "--limit", "0"]).await.expect(2);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn crm_show_and_bulk_actions_with_exit_codes_and_journal() {
    let server = TestServer::start(Dialect::Crm, 120).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let list = home
        .run(&[
            "users", "list", "--status", "active", "--limit", "4", "--format", "json",
        ])
        .await;
    let ids: Vec<String> = list.expect(0).json()["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();

    let show = home.run(&["users", "show", &ids[0]]).await;
    show.expect(0);
    assert!(
        show.stdout.contains("username") && show.stdout.contains("sessions:"),
        "{}",
        show.stdout
    );
    let detail = home
        .run(&["users", "show", &ids[0], "--format", "json"])
        .await
        .expect(0)
        .json();
    assert_eq!(detail["user"]["id"], json!(ids[0]));
    assert!(detail["sessions"]["all"].is_array() && detail["overlaps"].is_array());
    let missing = home.run(&["users", "show", "usr_missing"]).await;
    missing.expect(5);
    assert!(missing.stderr.starts_with("error: ") && missing.stderr.contains("RESOURCE_NOT_FOUND"));
    home.run(&["users", "show"]).await.expect(2);
    home.run(&["users", "show", "--ref", "x"]).await.expect(2);

    // Without --yes and without a terminal: refused, nothing sent.
    let refused = home.run(&["users", "block", &ids[0]]).await;
    refused.expect(2);
    assert!(refused.stderr.contains("--yes"));
    assert_eq!(home.journal(), "");
    assert_eq!(statuses(&home, &ids[..1]).await, ["active"]);

    home.run(&["users", "block", &ids[0], &ids[1], "--yes"])
        .await
        .expect(0);
    assert_eq!(statuses(&home, &ids[..2]).await, ["blocked", "blocked"]);

    // Ids from standard input, one unknown among them: exit 3, the rest applied.
    let input = format!("{}\n# a comment\n\nusr_missing\n{}\n", ids[2], ids[3]);
    let partial = home
        .run_with(
            &[
                "users",
                "block",
                "--ids-from",
                "-",
                "--yes",
                "--format",
                "json",
            ],
            |_| {},
            &input,
        )
        .await;
    partial.expect(3);
    let report = partial.json();
    assert_eq!(report["succeeded"], json!([ids[2], ids[3]]));
    assert_eq!(report["failed"][0]["id"], "usr_missing");
    assert_eq!(statuses(&home, &ids[2..4]).await, ["blocked", "blocked"]);

    home.run(&["users", "activate", "usr_missing", "usr_gone", "--yes"])
        .await
        .expect(5);
    home.run(&["users", "activate", &ids[0], "--yes"])
        .await
        .expect(0);
    assert_eq!(statuses(&home, &ids[..1]).await, ["active"]);
    home.run(&["users", "block", "--yes"]).await.expect(2);
    let wrong = home.run(&["users", "archive", &ids[0], "--yes"]).await;
    wrong.expect(2);
    assert!(
        wrong.stderr.contains("crm API cannot archive"),
        "{}",
        wrong.stderr
    );

    let journal = home.journal();
    let lines: Vec<Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.iter().any(|l| l["event"] == "attempt"
        && l["action"] == "block"
        && l["ids"] == json!([ids[0], ids[1]])
        && l["profile"] == "test"));
    assert!(
        lines
            .iter()
            .any(|l| l["event"] == "outcome" && l["failed"][0]["id"] == "usr_missing")
    );
    assert!(!journal.contains(TOKEN));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_profile_refuses_mutations_before_sending() {
    let server = TestServer::start(Dialect::Crm, 10).await;
    let home = Home::new(&server, Dialect::Crm, "read_only = true\n");
    let id = home
        .run(&["users", "list", "--limit", "1", "--format", "csv"])
        .await
        .expect(0)
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let before = statuses(&home, std::slice::from_ref(&id)).await;
    let run = home.run(&["users", "block", &id, "--yes"]).await;
    run.expect(1);
    assert!(run.stderr.contains("read-only") && run.stderr.contains("nothing was sent"));
    assert_eq!(statuses(&home, std::slice::from_ref(&id)).await, before);
    assert_eq!(home.journal(), "", "nothing was attempted");
    // --read-only on the command line does the same for a writable profile.
    let writable = Home::new(&server, Dialect::Crm, "");
    writable
        .run(&["--read-only", "users", "block", &id, "--yes"])
        .await
        .expect(1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn training_commands() {
    let server = TestServer::start(Dialect::Training, 30).await;
    let home = Home::new(&server, Dialect::Training, "");
    let list = home
        .run(&[
            "users", "list", "--status", "active", "--sort", "name", "--format", "json", "--limit",
            "100",
        ])
        .await;
    let users = list.expect(0).json()["users"].as_array().unwrap().clone();
    assert!(users.iter().all(|u| u["status"] == "active"));
    let names: Vec<String> = users
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));

    let created = home
        .run(&[
            "users",
            "create",
            "--email",
            "cli@example.com",
            "--name",
            "Cli Gebruiker",
            "--role",
            "trainer",
            "--role",
            "PLANNER",
            "--language",
            "de",
            "--ref",
            "CLI-1",
            "--extra-fields",
            "{\"team\":\"zuid\"}",
            "--no-invite",
            "--format",
            "json",
        ])
        .await;
    let user = created.expect(0).json();
    let id = user["user"]["id"].as_str().unwrap().to_string();
    assert_eq!(user["user"]["roles"], json!(["TRAINER", "PLANNER"]));
    assert_eq!(user["extraFields"], json!({ "team": "zuid" }));
    home.run(&[
        "users",
        "create",
        "--email",
        "cli@example.com",
        "--name",
        "Again",
    ])
    .await
    .expect(1);
    home.run(&[
        "users",
        "create",
        "--email",
        "x@example.com",
        "--name",
        "X",
        "--role",
        "king",
    ])
    .await
    .expect(2);
    home.run(&[
        "users",
        "create",
        "--email",
        "x@example.com",
        "--name",
        "X",
        "--extra-fields",
        "[1]",
    ])
    .await
    .expect(2);

    let updated = home
        .run(&[
            "users",
            "update",
            "--ref",
            "CLI-1",
            "--name",
            "Nieuwe Naam",
            "--no-roles",
            "--format",
            "json",
        ])
        .await;
    let user = updated.expect(0).json();
    assert_eq!(
        (user["user"]["name"].clone(), user["user"]["roles"].clone()),
        (json!("Nieuwe Naam"), json!([]))
    );
    assert_eq!(user["user"]["language"], "DE");
    home.run(&[
        "users",
        "update",
        "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11",
        "--name",
        "X",
    ])
    .await
    .expect(5);

    let upsert = home
        .run(&[
            "users",
            "upsert",
            "--email",
            "fresh@example.com",
            "--name",
            "Vers",
            "--active",
            "false",
            "--format",
            "json",
        ])
        .await;
    upsert.expect(0);
    assert!(upsert.stderr.contains("created user"));
    assert_eq!(upsert.json()["user"]["status"], "inactive");
    let again = home
        .run(&[
            "users",
            "upsert",
            "--email",
            "fresh@example.com",
            "--active",
            "true",
        ])
        .await;
    again.expect(0);
    assert!(again.stderr.contains("updated user"));

    let by_email = home
        .run(&[
            "users",
            "show",
            "--email",
            "CLI@example.com",
            "--format",
            "json",
        ])
        .await;
    assert_eq!(by_email.expect(0).json()["user"]["id"], json!(id));

    home.run(&["users", "archive", &id, "uuid-hier", "--yes"])
        .await
        .expect(3);
    let shown = home
        .run(&["users", "show", &id, "--format", "json"])
        .await
        .expect(0)
        .json();
    assert_eq!(shown["user"]["status"], "archived");
    home.run(&["users", "unarchive", &id, "--yes"])
        .await
        .expect(0);
    let shown = home.run(&["users", "show", &id]).await;
    assert!(
        shown.expect(0).stdout.contains("archived at         —"),
        "{}",
        shown.stdout
    );
    let wrong = home.run(&["users", "block", &id, "--yes"]).await;
    wrong.expect(2);
    assert!(wrong.stderr.contains("training API cannot block"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_appears_in_no_output_log_or_journal() {
    let server = TestServer::start(Dialect::Crm, 10).await;
    let secret_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret_file.path(), TOKEN).unwrap();
    let home = Home::new(
        &server,
        Dialect::Crm,
        &format!("token_command = \"cat {}\"\n", secret_file.path().display()),
    );
    let id = "usr_00000003";
    let mut outputs = Vec::new();
    for args in [
        vec!["users", "list"],
        vec!["users", "show", id, "--format", "json"],
        vec!["users", "block", id, "usr_nope", "--yes"],
        vec!["config", "show"],
    ] {
        let run = home
            .run_with(
                &args,
                |c| {
                    c.env_remove("USERDECK_TOKEN").env("USERDECK_LOG", "trace");
                },
                "",
            )
            .await;
        assert!(run.code == 0 || run.code == 3, "{args:?}: {}", run.stderr);
        outputs.push(format!("{}{}", run.stdout, run.stderr));
    }
    // A wrong token, given three ways.
    let wrong = "wrong-secret-0451";
    for setup in [
        Box::new(move |c: &mut Command| {
            c.env("USERDECK_TOKEN", wrong).env("USERDECK_LOG", "trace");
        }) as Box<dyn FnOnce(&mut Command) + Send>,
        Box::new(move |c: &mut Command| {
            c.env("MY_TOKEN", wrong).args(["--token-env", "MY_TOKEN"]);
        }),
    ] {
        let run = home.run_with(&["users", "list"], setup, "").await;
        run.expect(4);
        assert!(run.stderr.contains("UNAUTHORIZED"));
        outputs.push(format!("{}{}", run.stdout, run.stderr));
    }
    outputs.push(home.journal());
    for output in &outputs {
        assert!(!output.contains(TOKEN), "the token leaked: {output}");
        assert!(!output.contains(wrong), "the token leaked: {output}");
    }
    assert!(
        home.journal().contains("usr_nope"),
        "the journal was written"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn token_sources_and_config_show() {
    let server = TestServer::start(Dialect::Crm, 5).await;
    // The file's token is wrong; USERDECK_TOKEN (right) wins over it.
    let home = Home::new(&server, Dialect::Crm, "token = \"file-token-wrong\"\n");
    home.run(&["users", "list"]).await.expect(0);
    let without_env = home
        .run_with(
            &["users", "list"],
            |c| {
                c.env_remove("USERDECK_TOKEN");
            },
            "",
        )
        .await;
    without_env.expect(4);
    // --token-env wins over USERDECK_TOKEN.
    let run = home
        .run_with(
            &["--token-env", "OTHER", "users", "list"],
            |c| {
                c.env("OTHER", "nope");
            },
            "",
        )
        .await;
    run.expect(4);
    home.run(&["--token-env", "UNSET_VAR", "users", "list"])
        .await
        .expect(1);

    let show = home.run(&["config", "show"]).await;
    show.expect(0);
    assert!(show.stdout.contains("<redacted>") && !show.stdout.contains("file-token-wrong"));
    assert!(show.stdout.contains("profile in use: test"));
    let path = home.run(&["config", "path"]).await;
    assert_eq!(
        path.expect(0).stdout.trim(),
        home.config_path().to_str().unwrap()
    );

    // A token in a file others can read gets a warning.
    set_mode(&home.config_path(), 0o644);
    let warned = home.run(&["users", "list"]).await;
    warned.expect(0);
    assert!(warned.stderr.contains("chmod 600"), "{}", warned.stderr);

    // Environment and flags lay over the file.
    let other = home
        .run_with(
            &["--endpoint", "http://127.0.0.1:9/graphql", "config", "show"],
            |_| {},
            "",
        )
        .await;
    assert!(
        other
            .expect(0)
            .stdout
            .contains("http://127.0.0.1:9/graphql")
    );
    let env = home
        .run_with(
            &["config", "show"],
            |c| {
                c.env("USERDECK_DIALECT", "training");
            },
            "",
        )
        .await;
    assert!(
        env.expect(0).stdout.contains("(training API"),
        "{}",
        env.stdout
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_config_files_get_one_line_errors() {
    let server = TestServer::start(Dialect::Crm, 1).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let file = home.config_path().display().to_string();
    for (text, mentions) in [
        (
            "default_profile = \"test\"\n[profiles.test\nendpoint = 1",
            vec!["TOML"],
        ),
        (
            "[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"soap\"\n",
            vec!["soap", "crm"],
        ),
        (
            "default_profile = \"prod\"\n",
            vec!["\"prod\"", "does not exist", "local"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"localhost:4000\"\ndialect = \"crm\"\n",
            vec!["profiles.test.endpoint", "URL"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpont = \"http://x/graphql\"\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\n",
            vec!["endpont"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\npage_size = \"big\"\n",
            vec!["page_size"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\npage_size = 0\n",
            vec!["profiles.test.page_size", "1 to 1000"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\nretries = 1000\n",
            vec!["profiles.test.retries", "0 to 10"],
        ),
        (
            "default_profle = \"test\"\n[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\n",
            vec!["\"default_profle\"", "did you mean \"default_profile\"?"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\nchunksize = 5\n",
            vec!["profiles.test.chunksize", "did you mean \"chunk_size\"?"],
        ),
    ] {
        home.write_config(text);
        let run = home.run(&["users", "list"]).await;
        run.expect(1);
        let message = run.stderr.trim();
        assert_eq!(message.lines().count(), 1, "one line: {message}");
        assert!(message.contains(&file), "names the file: {message}");
        for m in mentions {
            assert!(message.contains(m), "{m:?} in {message}");
        }
    }
    // A bad value from a flag or the environment blames that flag or variable.
    home.write_config(&format!(
        "default_profile = \"test\"\n[profiles.test]\nendpoint = \"{}\"\ndialect = \"crm\"\n",
        server.url
    ));
    let flag = home
        .run(&["--endpoint", "localhost:4000", "users", "list"])
        .await;
    flag.expect(1);
    assert!(
        flag.stderr.starts_with("error: --endpoint:"),
        "{}",
        flag.stderr
    );
    assert!(!flag.stderr.contains(&file), "{}", flag.stderr);
    let profile = home.run(&["--profile", "nope", "users", "list"]).await;
    profile.expect(1);
    assert!(
        profile.stderr.contains("--profile: profile \"nope\""),
        "{}",
        profile.stderr
    );
    for (var, value) in [
        ("USERDECK_PAGE_SIZE", "lots"),
        ("USERDECK_PAGE_SIZE", "0"),
        ("USERDECK_DIALECT", "soap"),
        ("USERDECK_PROFILE", "nope"),
    ] {
        let run = home
            .run_with(
                &["users", "list"],
                move |c| {
                    c.env(var, value);
                },
                "",
            )
            .await;
        run.expect(1);
        assert!(run.stderr.contains(var), "{var}={value}: {}", run.stderr);
        assert!(!run.stderr.contains(&file), "{}", run.stderr);
    }
    let missing = home
        .run(&["--config", "/nonexistent/userdeck.toml", "users", "list"])
        .await;
    missing.expect(1);
    assert!(missing.stderr.contains("/nonexistent/userdeck.toml"));
    server.stop().await;
}
