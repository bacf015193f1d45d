//! TLS as huggingface_hub 2.x trusts it (public roots and the OS store, plus SSL_CERT_FILE /
//! SSL_CERT_DIR), with a verifier that keeps the certificate the server presented, so that a
//! failure can name who issued it: "issued by 'Acme Corp Inspection CA', not a public CA".

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::world::env::Env;

/// Who a certificate is for and who issued it, in RFC 4514 form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented {
    pub subject: String,
    pub issuer: String,
}

impl Presented {
    pub fn from_der(der: &[u8]) -> Option<Presented> {
        let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
        Some(Presented {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
        })
    }

    /// The issuer's common name (or the whole issuer when it has none), for sentences.
    pub fn issuer_name(&self) -> String {
        self.issuer
            .split(", ")
            .find_map(|part| part.strip_prefix("CN="))
            .unwrap_or(&self.issuer)
            .to_string()
    }
}

/// One CA file is a bundle of a few hundred certificates at most; 4 MiB is far past any.
const MAX_CA_FILE: usize = 4 << 20;
/// SSL_CERT_DIR holds one file per certificate (and hash links); this many is plenty.
const MAX_CA_DIR_FILES: usize = 1000;

/// PEM certificates from a file or every regular file of a directory (as SSL_CERT_FILE and
/// SSL_CERT_DIR name them), read through the bounded reader: a FIFO or a device named there is
/// skipped, never opened.
pub fn certs_from(path: &std::path::Path) -> Vec<CertificateDer<'static>> {
    let files = if path.is_dir() {
        crate::world::fs::list_files(path, MAX_CA_DIR_FILES).unwrap_or_default()
    } else {
        vec![path.to_path_buf()]
    };
    let mut out = Vec::new();
    for f in files {
        let Ok(read) = crate::world::fs::read_bounded(&f, MAX_CA_FILE) else {
            continue;
        };
        out.extend(
            rustls_pemfile::certs(&mut read.bytes.as_slice())
                .flatten()
                .map(|c| c.into_owned()),
        );
    }
    out
}

/// The certificates SSL_CERT_FILE and SSL_CERT_DIR add, which huggingface_hub 1.x/2.x honour
/// (docs/notes/tls.md). The one reading of those two variables.
pub fn extra_certs(env: &Env) -> Vec<CertificateDer<'static>> {
    let mut out = Vec::new();
    if let Some(file) = env.non_empty("SSL_CERT_FILE") {
        out.extend(certs_from(std::path::Path::new(&file)));
    }
    if let Some(dirs) = env.non_empty("SSL_CERT_DIR") {
        for dir in std::env::split_paths(&dirs) {
            out.extend(certs_from(&dir));
        }
    }
    out
}

/// Public roots, the OS store, and SSL_CERT_FILE / SSL_CERT_DIR. Loading the OS store costs
/// milliseconds, so a run loads this once (the Context keeps it) and only when a check needs
/// the network.
pub fn roots(env: &Env) -> RootCertStore {
    let mut store = RootCertStore::empty();
    store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    // rustls-native-certs reads SSL_CERT_FILE / SSL_CERT_DIR itself, from the process, with a
    // plain blocking read (a FIFO there would hang the run), and when either is set loads only
    // those instead of the OS store. So with either set, hfdoctor reads them itself through the
    // bounded reader and leaves the OS store out, as that crate and the Python client do
    // (docs/notes/tls.md).
    if env.non_empty("SSL_CERT_FILE").is_none() && env.non_empty("SSL_CERT_DIR").is_none() {
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = store.add(cert);
        }
    }
    for cert in extra_certs(env) {
        let _ = store.add(cert);
    }
    store
}

/// A client configuration that verifies with `roots`, for the Hub client.
pub fn client_config(roots: RootCertStore) -> Option<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Some(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .ok()?
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// Verifies as usual and remembers the chain it was shown.
#[derive(Debug)]
pub struct Recording {
    inner: Arc<dyn ServerCertVerifier>,
    pub seen: Mutex<Option<CertificateDer<'static>>>,
}

impl Recording {
    pub fn new(roots: RootCertStore) -> Option<Arc<Recording>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let inner =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .ok()?;
        Some(Arc::new(Recording {
            inner,
            seen: Mutex::new(None),
        }))
    }

    pub fn presented(&self) -> Option<Presented> {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.as_ref().and_then(|c| Presented::from_der(c))
    }
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        *self.seen.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(end_entity.clone().into_owned());
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Why a handshake failed, with what the server presented when it got that far.
#[derive(Debug, Clone)]
pub struct TlsFailure {
    pub reason: String,
    pub presented: Option<Presented>,
    /// The certificate was not trusted (as opposed to a protocol failure).
    pub untrusted: bool,
}

/// A TLS handshake over `stream` for `host`.
pub async fn handshake(
    stream: tokio::net::TcpStream,
    host: &str,
    roots: RootCertStore,
) -> Result<(), TlsFailure> {
    let fail = |reason: String| TlsFailure {
        reason,
        presented: None,
        untrusted: false,
    };
    let verifier =
        Recording::new(roots).ok_or_else(|| fail("no usable root certificates".into()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string()).map_err(|e| fail(e.to_string()))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    match connector.connect(name, stream).await {
        Ok(_) => Ok(()),
        Err(e) => {
            let untrusted = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .is_some_and(|r| matches!(r, rustls::Error::InvalidCertificate(_)));
            Err(TlsFailure {
                reason: e.to_string(),
                presented: verifier.presented(),
                untrusted,
            })
        }
    }
}
