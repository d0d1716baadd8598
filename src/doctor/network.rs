//! The way to the API: DNS, the proxy in use, a TCP connection, TLS (who issued the
//! server's certificate, when it expires, the name checked) and a round trip of the
//! cheapest query there is; then whether the token is accepted.

use std::time::{Duration, Instant};

use super::Report;
use crate::api::client::{Client, ClientConfig, http_builder};
use crate::config::Resolved;
use crate::dialect::Dialect;

const NET: &str = "network";

/// Runs the network checks; whether the server answered at all.
pub async fn checks(report: &mut Report, resolved: &Resolved, config: &ClientConfig) -> bool {
    let Ok(url) = reqwest::Url::parse(&config.endpoint) else {
        report.fail(
            NET,
            "endpoint",
            "not a URL",
            "correct the profile's endpoint",
        );
        return false;
    };
    let host = url.host_str().unwrap_or_default().to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let proxy = proxy_in_use(resolved, &url);
    match &proxy {
        Some((shown, from, _)) => report.pass(NET, "proxy", format!("{shown} (from {from})")),
        None => report.pass(NET, "proxy", "none: requests go straight to the server"),
    }
    let timeout = config.connect_timeout;
    // Behind a proxy the proxy resolves the server's name: ours is for information.
    let resolved_to = lookup(&host, port, timeout).await;
    match (&resolved_to, &proxy) {
        (Ok(addresses), _) => report.pass(NET, "DNS", format!("{host} → {addresses}")),
        (Err(e), Some(_)) => {
            report.note(NET, "DNS", format!("{host}: {e} (the proxy resolves it)"))
        }
        (Err(e), None) => {
            report.fail(
                NET,
                "DNS",
                format!("cannot resolve {host}: {e}"),
                "check the endpoint's host name, or this machine's DNS (a VPN not connected?)",
            );
            return false;
        }
    }
    let target = match &proxy {
        Some((_, _, address)) => address.clone(),
        None => format!("{}:{port}", bracketed(&host)),
    };
    let started = Instant::now();
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(&target)).await {
        Ok(Ok(_)) => report.pass(
            NET,
            "connect",
            format!("{target} in {} ms", started.elapsed().as_millis()),
        ),
        Ok(Err(e)) => {
            report.fail(
                NET,
                "connect",
                format!("cannot connect to {target}: {e}"),
                "is the server up, the port right, a firewall or proxy in the way?",
            );
            return false;
        }
        Err(_) => {
            report.fail(
                NET,
                "connect",
                format!(
                    "no connection to {target} within {} s",
                    timeout.as_secs_f64()
                ),
                "a firewall dropping packets, or a proxy needed (proxy = \"…\" or HTTPS_PROXY)",
            );
            return false;
        }
    }
    round_trip(report, config, &url, &host).await
}

/// `[::1]` for an IPv6 address, so that a port can follow.
fn bracketed(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// The addresses `host` resolves to, as one line.
async fn lookup(host: &str, port: u16, timeout: Duration) -> Result<String, String> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Ok(format!("{host} (an address: no lookup)"));
    }
    match tokio::time::timeout(timeout, tokio::net::lookup_host((host, port))).await {
        Ok(Ok(addresses)) => {
            let all: Vec<String> = addresses.map(|a| a.ip().to_string()).collect();
            if all.is_empty() {
                Err("no address".into())
            } else {
                Ok(all.join(", "))
            }
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs_f64())),
    }
}

/// The proxy requests to `url` go through — shown without its credentials — where it
/// was set, and the address connected to; None: straight there. The environment is read
/// by hyper-util's matcher, the one reqwest itself uses (HTTPS_PROXY, ALL_PROXY, NO_PROXY
/// with its domains and address ranges), so doctor and requests agree.
fn proxy_in_use(resolved: &Resolved, url: &reqwest::Url) -> Option<(String, String, String)> {
    let (proxy, from) = match &resolved.profile.proxy {
        Some(proxy) => (
            crate::config::connection::proxy_url(proxy)?,
            format!("profiles.{}.proxy", resolved.name),
        ),
        None => {
            let uri: http::Uri = url.as_str().parse().ok()?;
            let intercept =
                hyper_util::client::proxy::matcher::Matcher::from_env().intercept(&uri)?;
            (
                crate::config::connection::proxy_url(&intercept.uri().to_string())?,
                "the environment (HTTPS_PROXY, ALL_PROXY, NO_PROXY)".to_string(),
            )
        }
    };
    let host = proxy.host_str()?.to_string();
    let port = proxy.port_or_known_default()?;
    let shown = format!("{}://{}:{port}", proxy.scheme(), host);
    Some((shown, from, format!("{}:{port}", bracketed(&host))))
}

/// A request of `{ __typename }` (every GraphQL server answers it) with the profile's
/// settings: the time it took and, over HTTPS, the server's certificate.
async fn round_trip(
    report: &mut Report,
    config: &ClientConfig,
    url: &reqwest::Url,
    host: &str,
) -> bool {
    let client = match http_builder(config).and_then(|b| {
        b.tls_info(true)
            .build()
            .map_err(|e| crate::api::error::ApiError::Refused(e.to_string()))
    }) {
        Ok(client) => client,
        Err(e) => {
            report.fail(
                NET,
                "round trip",
                e.to_string(),
                "correct the profile's network settings",
            );
            return false;
        }
    };
    let mut request = client
        .post(url.clone())
        .json(&serde_json::json!({ "query": "{ __typename }" }));
    if let Some(token) = &config.token {
        request = request.bearer_auth(token.expose());
    }
    let started = Instant::now();
    match request.send().await {
        Ok(response) => {
            let took = started.elapsed().as_millis();
            if url.scheme() == "https" {
                let leaf = response
                    .extensions()
                    .get::<reqwest::tls::TlsInfo>()
                    .and_then(|info| info.peer_certificate().map(<[u8]>::to_vec));
                certificate(report, leaf.as_deref(), host);
            }
            let status = response.status().as_u16();
            // A GraphQL server answers in JSON with data or errors, whatever the status
            // (a refused token too); a proxy's or gateway's page is not an answer.
            let graphql = response
                .json::<serde_json::Value>()
                .await
                .is_ok_and(|body| body.get("data").is_some() || body.get("errors").is_some());
            let said = format!("{took} ms for {{ __typename }} (HTTP {status})");
            if graphql {
                report.pass(NET, "round trip", said);
                return true;
            }
            let fix = match status {
                407 => {
                    "the proxy wants credentials: put them in its URL (http://user:pass@host:port)"
                }
                404 | 405 => "the endpoint's path is not the GraphQL one (often /graphql)",
                _ => {
                    "the server (or a gateway before it) did not answer GraphQL: check the endpoint"
                }
            };
            report.fail(
                NET,
                "round trip",
                format!("{said}: not a GraphQL answer"),
                fix,
            );
            false
        }
        Err(e) => {
            let chain = chain(&e);
            match tls_problem(&chain) {
                Some((why, fix)) => report.fail(NET, "TLS", format!("{why} ({chain})"), fix),
                None => report.fail(
                    NET,
                    "round trip",
                    chain,
                    "the server did not answer HTTP: is the endpoint's path and scheme right?",
                ),
            }
            false
        }
    }
}

/// The error and every error under it, on one line.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

/// What is wrong with the server's certificate, and the fix, from the TLS error's text
/// (rustls says "certificate expired", "UnknownIssuer", "NotValidForName", …).
fn tls_problem(chain: &str) -> Option<(&'static str, &'static str)> {
    let problems: [(&[&str], &str, &str); 5] = [
        (
            &["expired"],
            "the server's certificate has expired",
            "the server's certificate must be renewed",
        ),
        (
            &["notvalidyet", "not valid yet", "not valid before"],
            "the server's certificate is not valid yet",
            "check this machine's clock",
        ),
        (
            &["unknownissuer", "unknown issuer"],
            "the server's certificate is signed by a CA this machine does not trust",
            "set ca_file to the company CA's certificate (PEM) in the profile",
        ),
        (
            &["notvalidforname", "not valid for name"],
            "the server's certificate is not for this host name",
            "use the endpoint's name the certificate was made for",
        ),
        (
            &["certificate", "handshake"],
            "the TLS handshake failed",
            "check ca_file, client_cert and client_key in the profile",
        ),
    ];
    let chain = chain.to_ascii_lowercase();
    problems
        .into_iter()
        .find(|(needles, _, _)| needles.iter().any(|n| chain.contains(n)))
        .map(|(_, why, fix)| (why, fix))
}

/// Who issued the server's certificate (`der`), how long it has left, the name checked.
fn certificate(report: &mut Report, der: Option<&[u8]>, host: &str) {
    let Some(der) = der else {
        report.note(
            NET,
            "TLS",
            "the server's certificate was not given to inspect",
        );
        return;
    };
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
        report.note(NET, "TLS", "the server's certificate could not be read");
        return;
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let days = (cert.validity().not_after.timestamp() - now) / 86_400;
    let detail = format!(
        "issued by {}; expires in {days} days; checked for {host}",
        cert.issuer()
    );
    if days < 7 {
        report.fail(
            NET,
            "TLS",
            detail,
            "the server's certificate must be renewed soon",
        );
    } else {
        report.pass(NET, "TLS", detail);
    }
}

/// Whether the token is accepted: a read of one user's status (one no user has).
/// Without a token (`sent_token` false), whether the server reads without one.
pub async fn auth(report: &mut Report, config: &ClientConfig, sent_token: bool) {
    let client = match Client::new(config.clone()) {
        Ok(client) => client,
        Err(e) => {
            report.fail(
                "api",
                "auth",
                e.to_string(),
                "correct the token or the profile",
            );
            return;
        }
    };
    let probe = match config.dialect {
        Dialect::Crm => "usr_doctor_probe",
        Dialect::Training => "00000000-0000-0000-0000-000000000000",
    };
    match crate::api::ops::status_of(&client, probe).await {
        Ok(_) if sent_token => {
            report.pass("api", "auth", "the token is accepted (a read was answered)")
        }
        Ok(_) => report.pass(
            "api",
            "auth",
            "no token sent: the server answered a read without one",
        ),
        Err(e) if e.is_code(crate::api::error::UNAUTHORIZED) => report.fail(
            "api",
            "auth",
            format!("the server refused the token: {e}"),
            "renew the token (USERDECK_TOKEN, the profile's token_command or token)",
        ),
        Err(e) => report.fail(
            "api",
            "auth",
            format!("the read was not answered: {e}"),
            "see the contract check: is this server of the profile's dialect?",
        ),
    }
}
