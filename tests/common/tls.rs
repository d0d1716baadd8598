//! Certificates made at run time for the tests of TLS: a CA of the test's own, and the
//! server and client certificates it signs, written as PEM files into a temporary
//! directory. Every run makes new keys; none is ever committed.
//!
//! ```ignore
//! let ca = Ca::new();
//! let server = ca.server_cert(&["localhost", "127.0.0.1"], in_days(30));
//! let expired = ca.server_cert(&["127.0.0.1"], in_days(-1));
//! let client = ca.client_cert();
//! ```

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

/// `days` from now (in the past when negative): a certificate's end of validity.
pub fn in_days(days: i64) -> OffsetDateTime {
    OffsetDateTime::now_utc() + Duration::days(days)
}

/// A certificate and its private key, as PEM files.
#[derive(Debug, Clone)]
pub struct CertFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl CertFiles {
    /// The certificate and its key in one PEM, as `reqwest::Identity::from_pem` takes them.
    pub fn identity_pem(&self) -> Vec<u8> {
        let mut pem = std::fs::read(&self.cert).unwrap();
        pem.extend(std::fs::read(&self.key).unwrap());
        pem
    }
}

/// A certificate authority, its files in a directory that lives as long as it does.
pub struct Ca {
    dir: tempfile::TempDir,
    issuer: Issuer<'static, KeyPair>,
    /// Its certificate (PEM): what a client or a server is told to trust.
    pub cert: PathBuf,
    /// Certificates signed so far, to name the next one's files.
    issued: AtomicUsize,
}

impl Default for Ca {
    fn default() -> Ca {
        Ca::new()
    }
}

impl Ca {
    /// A new CA, valid from yesterday for ten years.
    pub fn new() -> Ca {
        let dir = tempfile::tempdir().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "userdeck test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.not_before = in_days(-1);
        params.not_after = in_days(3650);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, cert.pem()).unwrap();
        Ca {
            dir,
            issuer: Issuer::new(params, key),
            cert: path,
            issued: AtomicUsize::new(0),
        }
    }

    /// The directory its files are written to (gone when it is dropped).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Its certificate, as `reqwest::Certificate::from_pem` takes it.
    pub fn pem(&self) -> Vec<u8> {
        std::fs::read(&self.cert).unwrap()
    }

    /// A server certificate for `names` (host names or IP addresses) that ends at
    /// `not_after`: with [`in_days`]`(-1)` it has expired (and began 30 days before).
    pub fn server_cert(&self, names: &[&str], not_after: OffsetDateTime) -> CertFiles {
        let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
        let common_name = names.first().cloned().unwrap_or_else(|| "server".into());
        self.issue(
            "server",
            names,
            &common_name,
            ExtendedKeyUsagePurpose::ServerAuth,
            not_after,
        )
    }

    /// A client certificate (for mutual TLS), valid for 30 days.
    pub fn client_cert(&self) -> CertFiles {
        self.issue(
            "client",
            Vec::new(),
            "userdeck test client",
            ExtendedKeyUsagePurpose::ClientAuth,
            in_days(30),
        )
    }

    fn issue(
        &self,
        kind: &str,
        names: Vec<String>,
        common_name: &str,
        usage: ExtendedKeyUsagePurpose,
        not_after: OffsetDateTime,
    ) -> CertFiles {
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![usage];
        // Valid since yesterday, or, for one that has already expired, for 30 days up to
        // its end.
        params.not_before = std::cmp::min(in_days(-1), not_after - Duration::days(30));
        params.not_after = not_after;
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        let files = CertFiles {
            cert: self.dir().join(format!("{kind}-{n}.pem")),
            key: self.dir().join(format!("{kind}-{n}-key.pem")),
        };
        std::fs::write(&files.cert, cert.pem()).unwrap();
        std::fs::write(&files.key, key.serialize_pem()).unwrap();
        files
    }
}
