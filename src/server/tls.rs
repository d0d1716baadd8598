//! HTTPS for the server (`--tls-cert`, `--tls-key`), and client certificates signed by a
//! CA of our choosing (`--client-ca`, mutual TLS).
//!
//! The handshake happens in a [`TlsListener`] in front of `axum::serve`, so the router,
//! the graceful shutdown and everything after the handshake are the same as over HTTP.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::serve::Listener;
use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use rustls::RootCertStore;
use rustls::ServerConfig;
use rustls::crypto::aws_lc_rs;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// A client that opens a connection and says nothing holds only its own handshake task,
/// and only this long.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections through their handshake, waiting for the server to take them.
const READY_QUEUE: usize = 64;

/// The PEM files of `serve --tls-cert --tls-key [--client-ca]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The server's certificate chain, its own certificate first.
    pub cert: PathBuf,
    /// The private key of that certificate.
    pub key: PathBuf,
    /// When set, every client must present a certificate signed by a CA of this file.
    pub client_ca: Option<PathBuf>,
}

/// Reads the files into a rustls configuration; an error names the file at fault.
///
/// The crypto provider is named, not taken from the process default: it is the one
/// reqwest already builds (aws-lc-rs), and rustls would panic choosing a default should
/// another crate ever enable a second one.
pub fn server_config(files: &TlsFiles) -> Result<Arc<ServerConfig>> {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let certs = read_certs(&files.cert)?;
    let key = read_key(&files.key)?;
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .wrap_err("cannot set up TLS")?;
    let builder = match &files.client_ca {
        None => builder.with_no_client_auth(),
        Some(path) => {
            let mut roots = RootCertStore::empty();
            for cert in read_certs(path)? {
                roots
                    .add(cert)
                    .wrap_err_with(|| format!("{}: not a usable CA certificate", path.display()))?;
            }
            // Mandatory: a client without a certificate is refused in the handshake.
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .wrap_err_with(|| format!("{}: cannot verify clients with it", path.display()))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder.with_single_cert(certs, key).wrap_err_with(|| {
        format!(
            "cannot serve the certificate {} with the key {}",
            files.cert.display(),
            files.key.display()
        )
    })?;
    // HTTP/1.1 only: axum is built without HTTP/2 here, so h2 must not be offered.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).wrap_err_with(|| format!("cannot read {}", path.display()))
}

/// Every certificate of a PEM file: at least one.
fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let text = read(path)?;
    let certs = CertificateDer::pem_slice_iter(&text)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| eyre!("{}: not a valid PEM file: {e}", path.display()))?;
    if certs.is_empty() {
        bail!(
            "{}: no certificate in it (a PEM \"BEGIN CERTIFICATE\" block)",
            path.display()
        );
    }
    Ok(certs)
}

/// The first private key of a PEM file (PKCS#8, PKCS#1 or SEC1).
fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    let text = read(path)?;
    PrivateKeyDer::from_pem_slice(&text).map_err(|e| match e {
        pem::Error::NoItemsFound => eyre!(
            "{}: no private key in it (a PEM \"BEGIN … PRIVATE KEY\" block)",
            path.display()
        ),
        e => eyre!("{}: not a valid PEM file: {e}", path.display()),
    })
}

/// A TCP listener whose connections come out through their TLS handshake.
///
/// Handshakes run in tasks of their own, so a slow or silent client does not hold up the
/// others; `accept` hands out the connections that made it.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    addr: SocketAddr,
    acceptor: JoinHandle<()>,
}

impl TlsListener {
    /// Starts accepting on `tcp` (in a task that stops when this is dropped).
    pub fn new(mut tcp: TcpListener, config: Arc<ServerConfig>) -> io::Result<TlsListener> {
        let addr = tcp.local_addr()?;
        let tls = TlsAcceptor::from(config);
        let (tx, ready) = mpsc::channel(READY_QUEUE);
        let acceptor: JoinHandle<()> = tokio::spawn(async move {
            loop {
                // axum's own accept: it retries, and waits out running out of files.
                let (stream, peer) = Listener::accept(&mut tcp).await;
                let tls = tls.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(stream)).await {
                        Ok(Ok(stream)) => {
                            // Fails only once the server stopped: the connection closes.
                            let _ = tx.send((stream, peer)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, "TLS handshake failed: {e}"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(TlsListener {
            ready,
            addr,
            acceptor,
        })
    }
}

impl Drop for TlsListener {
    /// The socket closes with the listener: axum drops it when it stops accepting.
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The acceptor task ended (it does not, short of a panic): nothing more comes.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.addr)
    }
}
