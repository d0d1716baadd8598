//! `userdeck serve` over HTTPS (`--tls-cert`, `--tls-key`) and with client certificates
//! (`--client-ca`): the same API to a client that trusts the CA, a certificate error to
//! one that does not, and with mutual TLS only clients with a certificate the client CA
//! signed get in. Certificates are made at run time (tests/common/tls.rs).

mod common;

use std::error::Error as _;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use common::tls::{Ca, CertFiles, in_days};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;
use userdeck::server::{self, RunningServer, ServerOptions, TlsFiles};

const TOKEN: &str = "tls-test-token-41d7";
const USERS: u64 = 5;
const QUERY: &str = "{ users(limit: 1) { count data { id } } }";
const DEADLINE: Duration = Duration::from_secs(60);

/// A crm server of [`USERS`] users behind [`TOKEN`], serving HTTPS with `tls`.
async fn start(tls: TlsFiles) -> RunningServer {
    server::spawn(&ServerOptions {
        dialect: Dialect::Crm,
        users: USERS,
        seed: 7,
        listen: "127.0.0.1:0".parse().unwrap(),
        token: Some(TOKEN.into()),
        tls: Some(tls),
        ..ServerOptions::default()
    })
    .await
    .expect("the server starts")
}

fn files(server: &CertFiles, client_ca: Option<&Ca>) -> TlsFiles {
    TlsFiles {
        cert: server.cert.clone(),
        key: server.key.clone(),
        client_ca: client_ca.map(|ca| ca.cert.clone()),
    }
}

/// A client that trusts only `ca`, presenting `identity` when given one.
fn client(ca: &Ca, identity: Option<&CertFiles>) -> reqwest::Client {
    let trusted = reqwest::Certificate::from_pem(&ca.pem()).unwrap();
    let mut builder = reqwest::Client::builder().tls_certs_only([trusted]);
    if let Some(identity) = identity {
        builder = builder.identity(reqwest::Identity::from_pem(&identity.identity_pem()).unwrap());
    }
    builder.build().unwrap()
}

/// POSTs [`QUERY`] with the token: the status and the body, or the error.
async fn query(client: &reqwest::Client, url: &str) -> reqwest::Result<(u16, Value)> {
    let response = client
        .post(url)
        .bearer_auth(TOKEN)
        .json(&json!({ "query": QUERY }))
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await?))
}

/// Asserts the answer is the data of [`QUERY`].
fn assert_answered(answer: reqwest::Result<(u16, Value)>) {
    let (status, body) = answer.expect("answered");
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["users"]["count"], USERS);
    assert_eq!(body["data"]["users"]["data"].as_array().unwrap().len(), 1);
}

/// The error and every error under it, as text.
fn error_chain(error: &reqwest::Error) -> String {
    let mut text = format!("{error:?}");
    let mut source = error.source();
    while let Some(error) = source {
        text.push_str(&format!(" / {error}"));
        source = error.source();
    }
    text.to_lowercase()
}

#[tokio::test]
async fn https_serves_the_same_api_to_a_client_that_trusts_the_ca() {
    let ca = Ca::new();
    let cert = ca.server_cert(&["localhost", "127.0.0.1"], in_days(30));
    let running = start(files(&cert, None)).await;
    let url = running.url();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let trusting = client(&ca, None);
    assert_answered(query(&trusting, &url).await);
    let page = trusting.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("curl"));
    drop(trusting);
    running
        .shutdown()
        .await
        .expect("stops cleanly over TLS too");
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_ca_gets_a_certificate_error() {
    let ca = Ca::new();
    let cert = ca.server_cert(&["127.0.0.1"], in_days(30));
    let running = start(files(&cert, None)).await;
    let url = running.url();
    let stranger = client(&Ca::new(), None);
    let error = query(&stranger, &url).await.expect_err("refused");
    let text = error_chain(&error);
    assert!(text.contains("certificate"), "{text}");
    // A failed handshake costs the server nothing: the next client gets in.
    assert_answered(query(&client(&ca, None), &url).await);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_expired_server_certificate_is_refused() {
    let ca = Ca::new();
    let cert = ca.server_cert(&["127.0.0.1"], in_days(-1));
    let running = start(files(&cert, None)).await;
    let error = query(&client(&ca, None), &running.url())
        .await
        .expect_err("refused");
    let text = error_chain(&error);
    assert!(text.contains("expired"), "{text}");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn with_a_client_ca_only_a_client_certificate_it_signed_gets_in() {
    let ca = Ca::new();
    let clients = Ca::new();
    let cert = ca.server_cert(&["127.0.0.1"], in_days(30));
    let running = start(files(&cert, Some(&clients))).await;
    let url = running.url();

    let anonymous = query(&client(&ca, None), &url).await;
    assert!(anonymous.is_err(), "no client certificate: {anonymous:?}");
    // Signed, but by a CA the server does not take client certificates from.
    let other = ca.client_cert();
    let foreign = query(&client(&ca, Some(&other)), &url).await;
    assert!(foreign.is_err(), "a certificate of another CA: {foreign:?}");

    let mine = clients.client_cert();
    assert_answered(query(&client(&ca, Some(&mine)), &url).await);
    running.shutdown().await.unwrap();
}

fn userdeck() -> Command {
    Command::new(env!("CARGO_BIN_EXE_userdeck"))
}

/// `userdeck serve --users 1 ARGS`, run to its end: exit code and standard error.
fn serve_fails(args: &[&str]) -> (Option<i32>, String) {
    let output = userdeck()
        .args(["serve", "--listen", "127.0.0.1:0", "--users", "1"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.stdout.is_empty(), "{args:?}: no URL printed");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn tls_flags_without_their_partners_are_usage_errors() {
    for (args, mentions) in [
        (vec!["--tls-cert", "cert.pem"], "--tls-key"),
        (vec!["--tls-key", "key.pem"], "--tls-cert"),
        (vec!["--client-ca", "ca.pem"], "--tls-cert"),
        (
            vec!["--client-ca", "ca.pem", "--tls-cert", "cert.pem"],
            "--tls-key",
        ),
    ] {
        let (code, stderr) = serve_fails(&args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(mentions), "{args:?}: {stderr}");
    }
}

#[test]
fn a_missing_or_bad_pem_file_is_an_error_naming_it() {
    let ca = Ca::new();
    let good = ca.server_cert(&["127.0.0.1"], in_days(30));
    let junk = ca.dir().join("junk.pem");
    std::fs::write(&junk, "not a PEM file at all\n").unwrap();
    let missing = ca.dir().join("missing.pem");
    let cert = good.cert.to_str().unwrap();
    let key = good.key.to_str().unwrap();
    let junk = junk.to_str().unwrap();
    let missing = missing.to_str().unwrap();
    for (args, names, says) in [
        (
            vec!["--tls-cert", missing, "--tls-key", key],
            missing,
            "cannot read",
        ),
        (
            vec!["--tls-cert", junk, "--tls-key", key],
            junk,
            "no certificate",
        ),
        // A certificate where the key should be.
        (
            vec!["--tls-cert", cert, "--tls-key", cert],
            cert,
            "no private key",
        ),
        (
            vec!["--tls-cert", cert, "--tls-key", key, "--client-ca", junk],
            junk,
            "no certificate",
        ),
    ] {
        let (code, stderr) = serve_fails(&args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(names) && stderr.contains(says),
            "{args:?}: {stderr}"
        );
    }
}

/// Waits, with a deadline, for the process to exit: whether it exited successfully.
fn wait_exit(mut child: Child) -> bool {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    rx.recv_timeout(DEADLINE)
        .expect("the process exits in time")
        .expect("wait works")
        .success()
}

#[tokio::test]
async fn the_binary_prints_an_https_url_and_answers_on_it() {
    let ca = Ca::new();
    let cert = ca.server_cert(&["127.0.0.1"], in_days(30));
    let users = USERS.to_string();
    let mut child = userdeck()
        .args(["serve", "--listen", "127.0.0.1:0", "--token", TOKEN])
        .args(["--users", users.as_str()])
        .arg("--tls-cert")
        .arg(&cert.cert)
        .arg("--tls-key")
        .arg(&cert.key)
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
    thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
    });
    let url = rx.recv_timeout(DEADLINE).expect("the URL is printed first");
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert_answered(query(&client(&ca, None), &url).await);
    let stopped = Command::new("kill")
        .args(["-s", "TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(wait_exit(child), "stops cleanly on SIGTERM");
}
