//! `userdeck doctor` check by check, each failure against a server (or a setup) that
//! fails it: a config that does not load, an unreachable server, a name that does not
//! resolve, an expired or untrusted certificate, a refused token, a server of the other
//! dialect, a terminal the dashboard cannot draw on. The token is never printed.

mod common;

use common::tls::Ca;
use common::{TOKEN, TestServer, home_with_config, userdeck_in};
use serde_json::Value;
use userdeck::dialect::Dialect;

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
    let home = home_with_config(&format!(
        "default_profile = \"doc\"\n[profiles.doc]\nendpoint = \"{url}\"\ndialect = \"crm\"\nretries = 0\nconnect_timeout_secs = 3\n{settings}\n"
    ));
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
    assert!(report.check("contract").1.contains("all 8 crm operations"));
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

#[tokio::test(flavor = "multi_thread")]
async fn the_proxy_in_use_is_named_without_its_password_and_connected_to() {
    let server = TestServer::start(Dialect::Crm, 5).await;
    let proxy = common::proxy::Proxy::start().await;
    let address = proxy.url.trim_start_matches("http://").to_string();
    let with_password = format!("proxy = \"http://op:pr0xy-s3cret@{address}\"");
    let report = doctor(&server.url, &with_password, TOKEN, &[], &[]);
    assert_eq!(report.code, 0, "{}", report.json);
    let text = report.json.to_string();
    assert!(
        !text.contains("pr0xy-s3cret"),
        "the proxy's password shown: {text}"
    );
    assert!(
        report
            .check("proxy")
            .1
            .contains(&format!("http://{address}"))
    );
    assert!(report.check("connect").1.contains(&address), "to the proxy");
    assert!(!proxy.heads().is_empty(), "the round trip went through it");
    // From the environment, as reqwest reads it: host:port alone is an HTTP proxy, and
    // NO_PROXY takes it away again.
    let report = doctor(&server.url, "", TOKEN, &[("HTTP_PROXY", &address)], &[]);
    assert!(
        report.check("proxy").1.contains("the environment"),
        "{}",
        report.json
    );
    let env = [("HTTP_PROXY", &address[..]), ("NO_PROXY", "127.0.0.0/8")];
    let report = doctor(&server.url, "", TOKEN, &env, &[]);
    assert!(
        report.check("proxy").1.starts_with("none"),
        "{}",
        report.json
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn what_is_not_graphql_and_a_misspelt_key_binding_are_failures() {
    let server = TestServer::start(Dialect::Crm, 5).await;
    // A path that is not the GraphQL endpoint.
    let elsewhere = server.url.trim_end_matches("/graphql").to_string() + "/nothing";
    doctor(&elsewhere, "", TOKEN, &[], &[]).failed("round trip", "not a GraphQL answer");
    // A key binding the commands refuse is refused here too.
    let report = doctor_with_top(&server.url, "[keys]\nblokc = [\"b\"]");
    report.failed("config", "blokc");
    assert_eq!(
        report.check("auth").0,
        "note",
        "not checked past a config that fails"
    );
}

/// [`doctor`] with `top` at the top of the config file.
fn doctor_with_top(url: &str, top: &str) -> Doctor {
    let home = home_with_config(&format!(
        "default_profile = \"doc\"\n{top}\n[profiles.doc]\nendpoint = \"{url}\"\ndialect = \"crm\"\n"
    ));
    let out = userdeck_in(home.path())
        .env("USERDECK_TOKEN", TOKEN)
        .env("TERM", "xterm-256color")
        .args(["doctor", "--format", "json"])
        .output()
        .unwrap();
    Doctor {
        code: out.status.code().unwrap_or(-1),
        json: serde_json::from_slice(&out.stdout).unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_is_ascii_where_the_locale_is_not_utf8() {
    let server = TestServer::start(Dialect::Crm, 5).await;
    let home = tempfile::tempdir().unwrap();
    let run = |lang: &str| {
        let out = userdeck_in(home.path())
            .env("USERDECK_TOKEN", TOKEN)
            .env("TERM", "xterm-256color")
            .env("LANG", lang)
            .args(["--endpoint", &server.url, "--dialect", "crm", "doctor"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let utf8 = run("C.UTF-8");
    assert!(utf8.contains("✓ round trip"), "{utf8}");
    let ascii = run("C");
    assert!(ascii.is_ascii(), "{ascii}");
    assert!(ascii.contains("ok   round trip"), "{ascii}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_names_the_issuer_and_the_days_left_and_finds_expired_and_untrusted_certificates() {
    let ca = Ca::new();
    let trusted = format!("ca_file = \"{}\"", ca.cert.to_str().unwrap());
    let good = TestServer::https(&ca, 30, None).await;
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
    let expired = TestServer::https(&ca, -1, None).await;
    doctor(&expired.url, &trusted, TOKEN, &[], &[]).failed("TLS", "has expired");
}
