//! How requests get through a company network: extra TLS roots or only those, a client
//! certificate, a proxy, extra headers; each is reqwest's own support.

use reqwest::header::HeaderValue;

use super::{ApiError, Token};

/// A profile's network settings, as [`crate::config::Resolved::network`] read them.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// PEM roots trusted beside the system's (a company CA).
    pub roots: Vec<u8>,
    /// Trust `roots` alone, not the system's.
    pub roots_only: bool,
    /// A client certificate and its key, PEM (mutual TLS).
    pub identity: Option<Token>,
    /// All requests go through this proxy; None: `HTTPS_PROXY`/`NO_PROXY` as set. It may
    /// hold a password: it prints as `***`.
    pub proxy: Option<Token>,
    /// Sent with every request; the values may be secrets, so they print as `***`.
    pub headers: Vec<(String, Token)>,
}

impl Network {
    /// `builder` with these roots, certificate, proxy and headers.
    pub(super) fn apply(
        &self,
        mut builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, ApiError> {
        let refused = |what: &str, e: reqwest::Error| ApiError::Refused(format!("{what}: {e}"));
        if !self.roots.is_empty() {
            let roots = reqwest::Certificate::from_pem_bundle(&self.roots)
                .map_err(|e| refused("ca_file", e))?;
            builder = if self.roots_only {
                builder.tls_certs_only(roots)
            } else {
                builder.tls_certs_merge(roots)
            };
        }
        if let Some(identity) = &self.identity {
            let identity = reqwest::Identity::from_pem(identity.expose().as_bytes())
                .map_err(|e| refused("client_cert", e))?;
            builder = builder.identity(identity);
        }
        if let Some(proxy) = &self.proxy {
            builder = builder
                .proxy(reqwest::Proxy::all(proxy.expose()).map_err(|e| refused("proxy", e))?);
        }
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &self.headers {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                ApiError::Refused(format!("headers: {name:?} is not a header name"))
            })?;
            let mut value = HeaderValue::from_str(value.expose()).map_err(|_| {
                ApiError::Refused(format!(
                    "headers.{name}: the value holds characters a header cannot"
                ))
            })?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        Ok(builder.default_headers(headers))
    }
}
