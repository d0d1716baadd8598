//! `serve`'s TLS options: HTTPS, and client certificates (mutual TLS).

use std::path::PathBuf;

use clap::Args;

use crate::server::TlsFiles;

/// `--tls-cert` and `--tls-key` go together; `--client-ca` needs both.
#[derive(Debug, Args)]
pub struct TlsArgs {
    /// Serve HTTPS with this certificate chain (PEM, its own certificate first)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Require a client certificate signed by a CA of this file (PEM): mutual TLS
    // Needing --tls-cert is enough: that one needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub client_ca: Option<PathBuf>,
}

impl TlsArgs {
    /// The files to serve HTTPS with; none for HTTP.
    pub fn files(self) -> Option<TlsFiles> {
        Some(TlsFiles {
            cert: self.tls_cert?,
            key: self.tls_key?,
            client_ca: self.client_ca,
        })
    }
}
