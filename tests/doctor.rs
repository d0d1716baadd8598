//! `userdeck doctor` check by check, each failure against a server (or a setup) that
//! fails it: a config that does not load, an unreachable server, a name that does not
//! resolve, an expired or untrusted certificate, a refused token, a server of the other
//! dialect, a terminal the dashboard cannot draw on. The token is never printed.

mod common;

use common::tls::{Ca, in_days};
use common::{TOKEN, TestServer, userdeck_in};
use serde_json::Value;
use userdeck::dialect::Dialect;
use userdeck::server::{ServerOptions, TlsFiles};

struct Doctor {
    code: i32,
    json: Value,
}

impl Doctor {
    /// The check `name`: its verdict and its detail (and fix).
    fn check(&self, name: &str) -> (String, String) {
        let check = self.json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no check {name}: {}", self.json));
        let verdict = check["verdict"].as_str().unwrap().to_string();
        let said = format!(
            "{} {}",
            check["detail"].as_str().unwrap(),
            check["fix"].as_str().unwrap_or("")
        );
        (verdict, said)
    }

    #[track_caller]
    fn failed(&self, name: &str, why: &str) {
        let (verdict, said) = self.check(name);
        assert_eq!(verdict, "fail", "{name}: {said}");
        assert!(said.contains(why), "{name}: {said}");
        assert_eq!(self.code, 1);
        assert_eq!(self.json["ok"], false);
    }
}

/// `userdeck doctor --format json` with the profile `doc` at `url` (`settings` added),
/// `token` in USERDECK_TOKEN, on a UTF-8 xterm unless `env` says otherwise.
fn doctor(url: &str, settings: &str, token: &str, env: &[(&str, &str)], args: &[&str]) -> Doctor {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/userdeck");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("default_profile = \"doc\"\n[profiles.doc]\nendpoint = \"{url}\"\ndialect = \"crm\"\nretries = 0\nconnect_timeout_secs = 3\n{settings}\n"),
    )
    .unwrap();
    let out = userdeck_in(home.path())
        .env("USERDECK_TOKEN", token)
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .envs(env.iter().copied())
        .args(["doctor", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stdout.contains(token) && !stderr.contains(token),
        "the token shown"
    );
    Doctor {
        code: out.status.code().unwrap_or(-1),
        json: serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}")),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_good_setup_passes_every_check_and_says_where_things_came_from() {
    let server = TestServer::start(Dialect::Crm, 5).await;
    let report = doctor(&server.url, "", TOKEN, &[], &[]);
    assert_eq!(report.code, 0, "{}", report.json);
    assert_eq!(report.json["ok"], true);
    assert!(report.check("token").1.contains("USERDECK_TOKEN"));
    assert!(
        report
            .check("sources")
            .1
            .contains("endpoint from profiles.doc.endpoint")
    );
    assert!(report.check("contract").1.contains("all 7 crm operations"));
    assert!(report.check("round trip").1.contains("{ __typename }"));
    // From a flag, the flag is named.
    let flagged = doctor(
        "http://127.0.0.1:1/graphql",
        "",
        TOKEN,
        &[],
        &["--endpoint", &server.url],
    );
    assert!(
        flagged
            .check("sources")
            .1
            .contains("endpoint from --endpoint"),
        "{}",
        flagged.json
    );
    assert_eq!(flagged.code, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_failure_is_found_with_its_reason_and_a_fix() {
    let server = TestServer::start(Dialect::Crm, 5).await;
    // A server of the other contract.
    let report = doctor(&server.url, "", TOKEN, &[], &["--dialect", "training"]);
    report.failed(
        "contract",
        "the argument `active` is not supported by `Query.users`",
    );
    report.failed("contract", "check the profile's dialect");
    // A refused token.
    doctor(&server.url, "", "not-the-token", &[], &[])
        .failed("auth", "the server refused the token");
    // Nothing listening.
    let report = doctor("http://127.0.0.1:1/graphql", "", TOKEN, &[], &[]);
    report.failed("connect", "cannot connect to 127.0.0.1:1");
    assert_eq!(
        report.check("auth").0,
        "note",
        "not run past a failed connection"
    );
    // A name that resolves nowhere (.invalid never does).
    doctor("http://no-such-host.invalid/graphql", "", TOKEN, &[], &[])
        .failed("DNS", "cannot resolve no-such-host.invalid");
    // A config that does not load.
    doctor(&server.url, "page_size = 0", TOKEN, &[], &[])
        .failed("config", "profiles.doc.page_size");
    // A terminal the dashboard cannot draw on.
    doctor(&server.url, "", TOKEN, &[("TERM", "dumb")], &[]).failed("TERM", "TERM=dumb");
}

/// A crm server over HTTPS with a certificate `ca` signed, valid until `days` from now.
async fn https(ca: &Ca, days: i64) -> TestServer {
    let cert = ca.server_cert(&["127.0.0.1", "localhost"], in_days(days));
    TestServer::with_options(ServerOptions {
        dialect: Dialect::Crm,
        users: 5,
        seed: 7,
        listen: "127.0.0.1:0".parse().unwrap(),
        token: Some(TOKEN.into()),
        tls: Some(TlsFiles {
            cert: cert.cert,
            key: cert.key,
            client_ca: None,
        }),
        ..ServerOptions::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_names_the_issuer_and_the_days_left_and_finds_expired_and_untrusted_certificates() {
    let ca = Ca::new();
    let trusted = format!("ca_file = \"{}\"", ca.cert.to_str().unwrap());
    let good = https(&ca, 30).await;
    let report = doctor(&good.url, &trusted, TOKEN, &[], &[]);
    assert_eq!(report.code, 0, "{}", report.json);
    let (verdict, said) = report.check("TLS");
    assert_eq!(verdict, "pass");
    assert!(said.contains("issued by CN=userdeck test CA"), "{said}");
    let days: i64 = said
        .split("expires in ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    assert!((29..=30).contains(&days), "{said}");
    // The same server, its CA not given: a CA this machine does not trust.
    doctor(&good.url, "", TOKEN, &[], &[]).failed("TLS", "set ca_file");
    let expired = https(&ca, -1).await;
    doctor(&expired.url, &trusted, TOKEN, &[], &[]).failed("TLS", "has expired");
}
