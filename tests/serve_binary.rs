//! `userdeck serve` as a user runs it: the real binary, its first line, its exit codes,
//! its signals, and data that outlives it in a --db file.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};

const TOKEN: &str = "binary-test-token";
const DEADLINE: Duration = Duration::from_secs(60);

struct Served {
    child: Child,
    url: String,
    stderr: mpsc::Receiver<String>,
}

fn userdeck() -> Command {
    Command::new(env!("CARGO_BIN_EXE_userdeck"))
}

/// Starts `userdeck serve ARGS` and waits (with a deadline) for the URL on its first line.
fn serve(args: &[&str]) -> Served {
    let mut child = userdeck()
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--token", TOKEN])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = tx.send(line);
        }
        lines.for_each(drop);
    });
    let mut stderr = child.stderr.take().unwrap();
    let (etx, erx) = mpsc::channel();
    thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = etx.send(text);
    });
    let url = rx.recv_timeout(DEADLINE).expect("the URL is printed first");
    Served {
        child,
        url,
        stderr: erx,
    }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args(["-s", name, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits, with a deadline, for the process to exit.
fn wait_exit(mut child: Child) -> ExitStatus {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    rx.recv_timeout(DEADLINE)
        .expect("the process exits in time")
        .expect("wait works")
}

impl Served {
    async fn gql(&self, query: &str, variables: Value) -> Value {
        reqwest::Client::new()
            .post(&self.url)
            .bearer_auth(TOKEN)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("answered")
            .json()
            .await
            .expect("JSON")
    }

    /// Stops the server with `sig` and returns its exit status and standard error.
    fn stop(self, sig: &str) -> (ExitStatus, String) {
        signal(&self.child, sig);
        let status = wait_exit(self.child);
        let stderr = self.stderr.recv_timeout(DEADLINE).unwrap_or_default();
        (status, stderr)
    }
}

#[tokio::test]
async fn prints_the_url_first_serves_its_page_and_stops_on_sigterm_and_sigint() {
    for sig in ["TERM", "INT"] {
        let served = serve(&["--users", "30"]);
        let port = served
            .url
            .strip_prefix("http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix("/graphql"))
            .expect("URL of the GraphQL endpoint");
        assert!(port.parse::<u16>().unwrap() > 0);
        let body = served.gql("{ users { count } }", json!({})).await;
        assert_eq!(body["data"]["users"]["count"], 30);
        let page = reqwest::get(&served.url)
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("curl") && !page.contains("://"),
            "GET serves our own page, which loads nothing from elsewhere"
        );
        let (status, stderr) = served.stop(sig);
        assert!(status.success(), "SIG{sig}: {status:?} {stderr}");
        assert!(!stderr.contains(TOKEN), "the token is never printed");
    }
}

#[test]
fn bad_flags_get_a_clear_message_and_exit_code_2() {
    for (args, mentions) in [
        (vec!["--dialect", "soap"], "soap"),
        (vec!["--listen", "localhost-ish"], "localhost-ish"),
        (vec!["--users", "-5"], "-5"),
        (vec!["--users", "many"], "many"),
        (vec!["--seed", "1.5"], "1.5"),
        (vec!["--no-such-flag"], "--no-such-flag"),
    ] {
        let output = userdeck().arg("serve").args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(mentions), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = userdeck()
        .args(["serve", "--users", "5", "--listen", &addr])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot listen on") && stderr.contains(&addr),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_crm_database_file_keeps_every_change_even_after_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let db = db.to_str().unwrap();

    let first = serve(&["--db", db, "--users", "40"]);
    let page = first
        .gql(
            "{ users(limit: 3, filter: { status: ACTIVE }) { data { id } } }",
            json!({}),
        )
        .await;
    let ids: Vec<Value> = page["data"]["users"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].clone())
        .collect();
    let body = first
        .gql(
            "mutation($ids: [ID!]!) { blockUsers(ids: $ids) }",
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(body["data"]["blockUsers"], true);
    // No chance to flush anything: the answer meant it was in the file.
    let (status, _) = first.stop("KILL");
    assert!(!status.success());

    let second = serve(&["--db", db, "--users", "999", "--seed", "5"]);
    let body = second
        .gql(
            "{ users(limit: 1000) { count data { id status } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["users"]["count"], 40,
        "kept, not generated again"
    );
    let blocked: Vec<&Value> = body["data"]["users"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| ids.contains(&u["id"]))
        .collect();
    assert_eq!(blocked.len(), 3);
    assert!(blocked.iter().all(|u| u["status"] == "BLOCKED"));
    let (status, stderr) = second.stop("TERM");
    assert!(status.success());
    assert!(stderr.contains("already stored"), "{stderr}");
}

#[tokio::test]
async fn a_training_database_file_keeps_created_updated_and_archived_users() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("training.db");
    let db = db.to_str().unwrap();

    let first = serve(&["--dialect", "training", "--db", db, "--users", "25"]);
    let made = first
        .gql(
            r#"mutation { createUser(user: { email: "kept@example.com", name: "Kept", roles: [TRAINER] }) { user { id } } }"#,
            json!({}),
        )
        .await;
    let id = made["data"]["createUser"]["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    first
        .gql(
            "mutation($id: UUID) { updateUser(id: $id, user: { language: DE }) { user { id } } }",
            json!({ "id": id }),
        )
        .await;
    let archived = first
        .gql(
            "mutation($ids: [UUID!]!) { archiveUsers(archive: true, ids: $ids) { response { succeededIds } } }",
            json!({ "ids": [id] }),
        )
        .await;
    assert_eq!(
        archived["data"]["archiveUsers"]["response"]["succeededIds"],
        json!([id])
    );
    let (status, _) = first.stop("TERM");
    assert!(status.success());

    let second = serve(&["--dialect", "training", "--db", db]);
    let body = second
        .gql(
            "query($id: UUID) { user(id: $id) { name email roles language isActive archivedAt } users { id } }",
            json!({ "id": id }),
        )
        .await;
    let user = &body["data"]["user"];
    assert_eq!(user["name"], "Kept");
    assert_eq!(user["roles"], json!(["TRAINER"]));
    assert_eq!(user["language"], "DE");
    assert_eq!(user["isActive"], false);
    assert!(user["archivedAt"].is_string());
    assert_eq!(body["data"]["users"].as_array().unwrap().len(), 26);
    second.stop("TERM");
}

#[test]
fn a_bad_faults_spec_is_a_usage_error_naming_it() {
    for (spec, mentions) in [
        ("fail=2/5", vec!["fail=2/5", "1/N"]),
        ("jitter=5ms", vec!["jitter=5ms", "latency=DUR"]),
        ("latency=soon", vec!["latency=soon", "300ms"]),
    ] {
        let output = userdeck()
            .args(["serve", "--faults", spec])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{spec}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        for mention in mentions {
            assert!(stderr.contains(mention), "{spec}: {stderr}");
        }
        assert!(output.stdout.is_empty());
    }
}

#[tokio::test]
async fn serve_with_faults_says_which_are_on_and_injects_them() {
    let served = serve(&["--users", "5", "--faults", "latency=10ms,fail=1/2"]);
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let response = client
            .post(&served.url)
            .bearer_auth(TOKEN)
            .json(&json!({ "query": "{ users { count } }" }))
            .send()
            .await
            .expect("answered");
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [200, 500]);
    let (status, stderr) = served.stop("TERM");
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("injecting faults: latency=10ms,fail=1/2"),
        "{stderr}"
    );
}
