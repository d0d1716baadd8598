//! A profile's way through a company network: TLS roots (`ca_file`, `ca_only`), a client
//! certificate (`client_cert`, `client_key`), a `proxy`, extra `headers`. Files are read
//! and checked here, so a bad one is an error naming its key; header values (perhaps
//! secrets, perhaps from a command) are never printed.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{ConfigError, Resolved};
use crate::api::client::{Network, Token};

/// Where a header's value comes from.
#[derive(Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum HeaderValueSource {
    Value(String),
    /// The command's standard output, as `token_command`'s is the token.
    Command {
        command: String,
    },
}

/// A value may be a secret: it prints as `***`, as the token does.
impl std::fmt::Debug for HeaderValueSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderValueSource::Value(_) => f.write_str("Value(***)"),
            HeaderValueSource::Command { command } => write!(f, "Command({command:?})"),
        }
    }
}

/// A proxy's URL as reqwest reads it: `host:port` (or `user:password@host:port`) alone
/// is an HTTP proxy.
pub fn proxy_url(text: &str) -> Option<reqwest::Url> {
    reqwest::Url::parse(text)
        .ok()
        .filter(|u| u.host_str().is_some())
        .or_else(|| reqwest::Url::parse(&format!("http://{text}")).ok())
}

/// A proxy setting fit to print: its password replaced, however it was written.
pub fn proxy_shown(text: &str) -> String {
    match proxy_url(text) {
        Some(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("redacted"));
            url.to_string()
        }
        Some(_) => text.to_string(),
        None => "<not a proxy URL>".into(),
    }
}

impl Resolved {
    /// The key `k` of this profile, as errors name it.
    fn key(&self, k: &str) -> String {
        format!("{}: profiles.{}.{k}", self.file.display(), self.name)
    }

    /// The profile's network settings, every file read and checked.
    pub fn network(&self) -> Result<Network, ConfigError> {
        let p = &self.profile;
        let read = |k: &str, path: &Path| {
            std::fs::read(path)
                .map_err(|e| ConfigError(format!("{}: {}: {e}", self.key(k), path.display())))
        };
        let mut network = Network {
            roots_only: p.ca_only,
            proxy: p.proxy.clone().map(Token::new),
            ..Network::default()
        };
        match &p.ca_file {
            Some(path) => {
                let roots = read("ca_file", path)?;
                match reqwest::Certificate::from_pem_bundle(&roots) {
                    Ok(certs) if !certs.is_empty() => network.roots = roots,
                    _ => {
                        return Err(ConfigError(format!(
                            "{}: {}: no PEM certificate in it",
                            self.key("ca_file"),
                            path.display()
                        )));
                    }
                }
            }
            None if p.ca_only => {
                return Err(ConfigError(format!(
                    "{}: needs ca_file, the only roots to trust",
                    self.key("ca_only")
                )));
            }
            None => {}
        }
        match (&p.client_cert, &p.client_key) {
            (Some(cert), Some(key)) => {
                let mut pem = read("client_cert", cert)?;
                pem.push(b'\n');
                pem.extend(read("client_key", key)?);
                if reqwest::Identity::from_pem(&pem).is_err() {
                    return Err(ConfigError(format!(
                        "{}: {} and {} are not a PEM certificate and its private key",
                        self.key("client_cert"),
                        cert.display(),
                        key.display()
                    )));
                }
                let pem = String::from_utf8(pem).map_err(|_| {
                    ConfigError(format!("{}: not PEM text", self.key("client_cert")))
                })?;
                network.identity = Some(Token::new(pem));
            }
            (None, None) => {}
            (Some(_), None) => {
                return Err(ConfigError(format!(
                    "{}: needs client_key",
                    self.key("client_cert")
                )));
            }
            (None, Some(_)) => {
                return Err(ConfigError(format!(
                    "{}: needs client_cert",
                    self.key("client_key")
                )));
            }
        }
        if let Some(proxy) = &p.proxy
            && reqwest::Proxy::all(proxy).is_err()
        {
            // Not echoed: it may hold the proxy's password.
            return Err(ConfigError(format!(
                "{}: not a proxy URL (http://host:port, or http://user:password@host:port)",
                self.key("proxy")
            )));
        }
        for (name, source) in &p.headers {
            let key = self.key(&format!("headers.{name}"));
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(ConfigError(format!("{key}: not a header name")));
            }
            let value = match source {
                HeaderValueSource::Value(v) => v.clone(),
                HeaderValueSource::Command { command } => {
                    let timeout = Duration::from_secs_f64(p.token_command_timeout_secs);
                    crate::token_command::run(command, timeout)
                        .map_err(|e| ConfigError(format!("{key}: command {e}")))?
                }
            };
            if reqwest::header::HeaderValue::from_str(&value).is_err() {
                return Err(ConfigError(format!(
                    "{key}: the value holds characters a header cannot"
                )));
            }
            network.headers.push((name.clone(), Token::new(value)));
        }
        Ok(network)
    }
}
