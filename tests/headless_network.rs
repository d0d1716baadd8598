//! A profile's way through a company network, end to end through the binary over HTTPS
//! against `serve`'s TLS (certificates made at run time): `ca_file` for a company CA,
//! `ca_only`, `client_cert`/`client_key` for mutual TLS, `proxy` (and `HTTPS_PROXY` /
//! `NO_PROXY` when unset), `headers` with values from the file or a command, never shown.

mod common;

use common::proxy::Proxy;
use common::tls::Ca;
use common::{TOKEN, TestServer, home_with_config, userdeck_in};
use userdeck::dialect::Dialect;

/// What `userdeck users list --format json` said with the profile `net` at `url`, the
/// profile's `settings` added, and `env` set.
struct Listed {
    code: i32,
    stdout: String,
    stderr: String,
}

fn list(url: &str, settings: &str, env: &[(&str, &str)]) -> Listed {
    let home = home_with_config(&format!(
        "default_profile = \"net\"\n[profiles.net]\nendpoint = \"{url}\"\ndialect = \"crm\"\nretries = 0\n{settings}\n"
    ));
    let out = userdeck_in(home.path())
        .env("USERDECK_TOKEN", TOKEN)
        .envs(env.iter().copied())
        .args(["users", "list", "--format", "json", "--limit", "2"])
        .output()
        .unwrap();
    Listed {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn path(p: &std::path::Path) -> String {
    p.to_str().unwrap().to_string()
}

fn assert_listed(listed: &Listed) {
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let json: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(
        json["users"].as_array().map(Vec::len),
        Some(2),
        "{}",
        listed.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_company_ca_in_ca_file_is_trusted_and_ca_only_trusts_nothing_else() {
    let company = Ca::new();
    let server = TestServer::https(&company, 30, None).await;
    // The system's roots do not know the company's CA.
    let untrusted = list(&server.url, "", &[]);
    assert_eq!(untrusted.code, 1, "{}", untrusted.stderr);
    assert!(
        untrusted.stderr.contains("certificate"),
        "{}",
        untrusted.stderr
    );
    let ca_file = format!("ca_file = \"{}\"", path(&company.cert));
    assert_listed(&list(&server.url, &ca_file, &[]));
    assert_listed(&list(
        &server.url,
        &format!("{ca_file}\nca_only = true"),
        &[],
    ));
    // Only another CA's roots: refused, though that CA is a good one.
    let other = Ca::new();
    let only_other = format!("ca_file = \"{}\"\nca_only = true", path(&other.cert));
    let refused = list(&server.url, &only_other, &[]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    // Mistakes are configuration errors (exit 1) naming the key, before anything is sent.
    for (settings, said) in [
        ("ca_only = true", "profiles.net.ca_only: needs ca_file"),
        (
            "ca_file = \"/no/such.pem\"",
            "profiles.net.ca_file: /no/such.pem",
        ),
        (
            &format!("ca_file = \"{}\"", path(&company.dir().join("nothing.pem")))[..],
            "profiles.net.ca_file",
        ),
        (
            "cafile = \"x\"",
            "unknown key profiles.net.cafile (did you mean \"ca_file\"?)",
        ),
    ] {
        let listed = list(&server.url, settings, &[]);
        assert_eq!(listed.code, 1, "{settings}: {}", listed.stderr);
        assert!(
            listed.stderr.contains(said),
            "{settings}: {}",
            listed.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn mutual_tls_takes_the_profiles_client_certificate() {
    let company = Ca::new();
    let clients = Ca::new();
    let server = TestServer::https(&company, 30, Some(&clients)).await;
    let ca_file = format!("ca_file = \"{}\"", path(&company.cert));
    let without = list(&server.url, &ca_file, &[]);
    assert_eq!(without.code, 1, "no client certificate: {}", without.stderr);
    let mine = clients.client_cert();
    let with = format!(
        "{ca_file}\nclient_cert = \"{}\"\nclient_key = \"{}\"",
        path(&mine.cert),
        path(&mine.key)
    );
    assert_listed(&list(&server.url, &with, &[]));
    // A certificate without its key, or a key that is not one, is said before sending.
    let half = format!("{ca_file}\nclient_cert = \"{}\"", path(&mine.cert));
    let listed = list(&server.url, &half, &[]);
    assert_eq!(listed.code, 1);
    assert!(
        listed
            .stderr
            .contains("profiles.net.client_cert: needs client_key"),
        "{}",
        listed.stderr
    );
    let wrong = format!(
        "{ca_file}\nclient_cert = \"{}\"\nclient_key = \"{}\"",
        path(&mine.cert),
        path(&company.cert)
    );
    let listed = list(&server.url, &wrong, &[]);
    assert_eq!(listed.code, 1);
    assert!(
        listed
            .stderr
            .contains("not a PEM certificate and its private key"),
        "{}",
        listed.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_go_through_the_profiles_proxy_or_https_proxy_unless_no_proxy_says_not() {
    let company = Ca::new();
    let server = TestServer::https(&company, 30, None).await;
    let ca_file = format!("ca_file = \"{}\"", path(&company.cert));
    let authority = server
        .url
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let tunnelled = |proxy: &Proxy| {
        proxy
            .heads()
            .iter()
            .any(|h| h.starts_with(&format!("CONNECT {authority} ")))
    };
    let proxy = Proxy::start().await;
    let setting = format!("{ca_file}\nproxy = \"{}\"", proxy.url);
    assert_listed(&list(&server.url, &setting, &[]));
    assert!(tunnelled(&proxy), "{:?}", proxy.heads());

    let from_env = Proxy::start().await;
    assert_listed(&list(
        &server.url,
        &ca_file,
        &[("HTTPS_PROXY", &from_env.url)],
    ));
    assert!(tunnelled(&from_env), "{:?}", from_env.heads());

    let bypassed = Proxy::start().await;
    let env = [
        ("HTTPS_PROXY", &bypassed.url[..]),
        ("NO_PROXY", "127.0.0.1"),
    ];
    assert_listed(&list(&server.url, &ca_file, &env));
    assert!(bypassed.heads().is_empty(), "{:?}", bypassed.heads());

    let listed = list(
        &server.url,
        &format!("{ca_file}\nproxy = \"::not a url\""),
        &[],
    );
    assert_eq!(listed.code, 1, "{}", listed.stderr);
    assert!(
        listed.stderr.contains("profiles.net.proxy"),
        "{}",
        listed.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn extra_headers_are_sent_their_values_never_shown() {
    // Plain HTTP through the proxy: it sees the headers each request carries.
    let server = TestServer::start(Dialect::Crm, 5).await;
    let proxy = Proxy::start().await;
    let secret = "s3cr3t-4f1a9";
    let settings = format!(
        "proxy = \"{}\"\n[profiles.net.headers]\nX-Tenant = \"acme\"\nX-Secret = {{ command = \"printf {secret}\" }}",
        proxy.url
    );
    let listed = list(&server.url, &settings, &[]);
    assert_listed(&listed);
    assert!(!listed.stdout.contains(secret) && !listed.stderr.contains(secret));
    let heads = proxy.heads().join("\n").to_ascii_lowercase();
    assert!(heads.contains("x-tenant: acme"), "{heads}");
    assert!(heads.contains(&format!("x-secret: {secret}")), "{heads}");
    // `config show` redacts a value; a command is shown as the command, never run.
    let shown = |settings: &str| {
        let home = home_with_config(&format!(
            "default_profile = \"net\"\n[profiles.net]\nendpoint = \"{}\"\ndialect = \"crm\"\n{settings}\n",
            server.url
        ));
        let shown = userdeck_in(home.path())
            .args(["config", "show"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&shown.stdout).into_owned()
    };
    let headers = shown("[profiles.net.headers]\nX-Tenant = \"acme-tenant-7\"");
    assert!(headers.contains("X-Tenant = \"<redacted>\""), "{headers}");
    assert!(!headers.contains("acme-tenant-7"), "{headers}");
    // A proxy's password is redacted, with its scheme or without (reqwest takes
    // `user:password@host:port` as an HTTP proxy).
    for proxy in [
        "http://op:s3cret@proxy.invalid:3128",
        "op:s3cret@proxy.invalid:3128",
    ] {
        let shown = shown(&format!("proxy = \"{proxy}\""));
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("proxy.invalid:3128"), "{shown}");
    }
    // A command that fails is an error naming the header, and nothing is sent.
    let failing = format!(
        "proxy = \"{}\"\n[profiles.net.headers]\nX-Secret = {{ command = \"exit 3\" }}",
        proxy.url
    );
    let before = proxy.heads().len();
    let listed = list(&server.url, &failing, &[]);
    assert_eq!(listed.code, 1, "{}", listed.stderr);
    assert!(
        listed
            .stderr
            .contains("profiles.net.headers.X-Secret: command"),
        "{}",
        listed.stderr
    );
    assert_eq!(proxy.heads().len(), before, "nothing sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn over_https_a_gateway_that_wants_a_header_gets_it_from_the_profile() {
    // A server that, as a company gateway, refuses every request without its header.
    let company = Ca::new();
    let secret = "gw-7c2e19";
    let server = TestServer::with_options(userdeck::server::ServerOptions {
        require_header: Some(("X-Gateway-Key".into(), secret.into())),
        ..TestServer::https_options(&company, 30, None)
    })
    .await;
    let ca_file = format!("ca_file = \"{}\"", path(&company.cert));
    let refused = list(&server.url, &ca_file, &[]);
    assert_eq!(refused.code, 4, "the gateway's 403: {}", refused.stderr);
    let with_header = format!(
        "{ca_file}\n[profiles.net.headers]\nX-Gateway-Key = {{ command = \"printf {secret}\" }}"
    );
    let listed = list(&server.url, &with_header, &[]);
    assert_listed(&listed);
    assert!(!listed.stdout.contains(secret) && !listed.stderr.contains(secret));
}
