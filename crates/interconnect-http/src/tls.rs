//! TLS 1.3 configuration for provider-to-provider calls.
//!
//! Implements the specification's governance policy,
//! `governance/SECURITY_AND_OPERATIONAL_EXCELLENCE.md` § Mandatory
//! Encryption: every provider-to-provider call uses TLS 1.3 or later, on the
//! server and on the client (requirement AUTH-6; see `spec/ERRATA.md` E-59
//! for why this outranks the OpenAPI file's empty `security` sections, and
//! E-25 for why peer endpoints come from configuration, never from an
//! `apiUri` read off the wire).
//!
//! [`TlsConfig`] holds a server's certificate chain and private key, read
//! from PEM files or PEM bytes, and builds a [`rustls::ServerConfig`] that
//! offers TLS 1.3 only, on the `ring` provider, with ALPN `http/1.1`.
//! [`client_config`] builds the matching [`rustls::ClientConfig`] for callers
//! that need a raw rustls client.
//!
//! The private key is a secret: it never appears in `Debug`, `Display` or any
//! [`TlsConfigError`]; errors name the file and what is wrong with it, and
//! never quote its content.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::{PemObject, SectionKind};
use rustls::pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer,
};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

/// One PEM section: its label and its DER bytes (the PEM support of
/// `rustls-pki-types`, which replaced the unmaintained `rustls-pemfile`).
type Section = (SectionKind, Vec<u8>);

/// The ALPN protocol the server offers: the HTTP binding is HTTP/1.1.
const ALPN_HTTP_1_1: &[u8] = b"http/1.1";

/// The only protocol version accepted, on both sides (AUTH-6).
static TLS_1_3_ONLY: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

/// Where a PEM document came from, so that an error can name it without
/// quoting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PemOrigin {
    /// A file on disk.
    File(PathBuf),
    /// PEM bytes handed over in memory; the text says which ones
    /// ("certificate chain", "private key", "trust roots").
    Bytes(&'static str),
}

impl fmt::Display for PemOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PemOrigin::File(path) => write!(f, "file {}", path.display()),
            PemOrigin::Bytes(what) => write!(f, "in-memory {what} PEM"),
        }
    }
}

/// Why a TLS configuration could not be built. The messages name the file
/// (or in-memory input) and the problem; they never contain key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsConfigError {
    /// The file could not be read.
    #[error("cannot read {origin}: {error}")]
    Read {
        /// The file.
        origin: PemOrigin,
        /// The operating system's reason (no file content).
        #[source]
        error: std::io::Error,
    },
    /// The input has content but not a single PEM section.
    #[error("{origin} is not PEM: no `-----BEGIN ...-----` section found")]
    NotPem {
        /// The input.
        origin: PemOrigin,
    },
    /// A PEM section could not be decoded (bad base64, missing end marker).
    /// The decoder's own message is dropped because it may quote the input.
    #[error("{origin}: PEM section {section} is malformed (bad base64 or missing end marker)")]
    MalformedPem {
        /// The input.
        origin: PemOrigin,
        /// One-based index of the section that failed.
        section: usize,
    },
    /// The certificate chain input holds no certificate.
    #[error("{origin} holds no certificate (`-----BEGIN CERTIFICATE-----`)")]
    NoCertificate {
        /// The input.
        origin: PemOrigin,
    },
    /// The key input holds no private key.
    #[error("{origin} holds no private key (PKCS#8, PKCS#1 or SEC1)")]
    NoPrivateKey {
        /// The input.
        origin: PemOrigin,
    },
    /// The key input holds more than one private key, so which one to use
    /// is ambiguous.
    #[error("{origin} holds {count} private keys; exactly one is required")]
    MultiplePrivateKeys {
        /// The input.
        origin: PemOrigin,
        /// How many were found.
        count: usize,
    },
    /// A client configuration was requested with no trust root: it could
    /// not authenticate any peer.
    #[error("no trust root certificate given: a TLS client must trust at least one root")]
    NoTrustRoots,
    /// A trust root certificate was refused by the certificate parser.
    #[error("trust root certificate {index} is invalid: {reason}")]
    InvalidTrustRoot {
        /// Zero-based index in the list of roots.
        index: usize,
        /// The parser's reason.
        reason: String,
    },
    /// rustls refused the certificate and key (for example, the key does not
    /// match the leaf certificate, or the key type is unsupported).
    #[error("the certificate chain and private key were refused: {reason}")]
    Refused {
        /// rustls's reason; rustls errors never carry key bytes.
        reason: String,
    },
}

/// A server's TLS identity: its certificate chain (leaf first) and private
/// key. Build the server configuration with [`TlsConfig::server_config`].
///
/// `Debug` shows the number of certificates only; the key is redacted.
pub struct TlsConfig {
    certificate_chain: Vec<CertificateDer<'static>>,
    private_key: PrivateKeyDer<'static>,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("certificate_chain_len", &self.certificate_chain.len())
            .field("private_key", &"<redacted>")
            .finish()
    }
}

impl Clone for TlsConfig {
    fn clone(&self) -> Self {
        TlsConfig {
            certificate_chain: self.certificate_chain.clone(),
            private_key: self.private_key.clone_key(),
        }
    }
}

impl TlsConfig {
    /// Reads the certificate chain (leaf first) and the private key from
    /// two PEM files.
    pub fn from_pem_files(
        certificate_chain: impl AsRef<Path>,
        private_key: impl AsRef<Path>,
    ) -> Result<Self, TlsConfigError> {
        let chain_origin = PemOrigin::File(certificate_chain.as_ref().to_path_buf());
        let key_origin = PemOrigin::File(private_key.as_ref().to_path_buf());
        let chain_pem = read_file(&chain_origin, certificate_chain.as_ref())?;
        let key_pem = read_file(&key_origin, private_key.as_ref())?;
        Self::from_labelled_pem(&chain_pem, chain_origin, &key_pem, key_origin)
    }

    /// Reads the certificate chain (leaf first) and the private key from PEM
    /// bytes.
    pub fn from_pem(certificate_chain: &[u8], private_key: &[u8]) -> Result<Self, TlsConfigError> {
        Self::from_labelled_pem(
            certificate_chain,
            PemOrigin::Bytes("certificate chain"),
            private_key,
            PemOrigin::Bytes("private key"),
        )
    }

    fn from_labelled_pem(
        chain_pem: &[u8],
        chain_origin: PemOrigin,
        key_pem: &[u8],
        key_origin: PemOrigin,
    ) -> Result<Self, TlsConfigError> {
        let certificate_chain = certificates_in(chain_pem, chain_origin)?;
        let private_key = private_key_in(key_pem, key_origin)?;
        Ok(TlsConfig {
            certificate_chain,
            private_key,
        })
    }

    /// Number of certificates in the chain (the leaf included).
    pub fn certificate_chain_len(&self) -> usize {
        self.certificate_chain.len()
    }

    /// The server configuration: TLS 1.3 only (AUTH-6), `ring` provider,
    /// no client certificate, ALPN `http/1.1`.
    pub fn server_config(&self) -> Result<Arc<ServerConfig>, TlsConfigError> {
        let mut config = ServerConfig::builder_with_provider(ring_provider())
            .with_protocol_versions(TLS_1_3_ONLY)
            .map_err(refused)?
            .with_no_client_auth()
            .with_single_cert(self.certificate_chain.clone(), self.private_key.clone_key())
            .map_err(refused)?;
        config.alpn_protocols = vec![ALPN_HTTP_1_1.to_vec()];
        Ok(Arc::new(config))
    }
}

/// A client configuration that speaks TLS 1.3 only (AUTH-6), on the `ring`
/// provider, trusting exactly `extra_roots` (peers are configured, so their
/// roots are too; no platform or bundled roots are added) and offering ALPN
/// `http/1.1`.
pub fn client_config(
    extra_roots: &[CertificateDer<'static>],
) -> Result<ClientConfig, TlsConfigError> {
    if extra_roots.is_empty() {
        return Err(TlsConfigError::NoTrustRoots);
    }
    let mut roots = RootCertStore::empty();
    for (index, root) in extra_roots.iter().enumerate() {
        roots
            .add(root.clone())
            .map_err(|error| TlsConfigError::InvalidTrustRoot {
                index,
                reason: error.to_string(),
            })?;
    }
    let mut config = ClientConfig::builder_with_provider(ring_provider())
        .with_protocol_versions(TLS_1_3_ONLY)
        .map_err(refused)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![ALPN_HTTP_1_1.to_vec()];
    Ok(config)
}

/// The certificates in a PEM file (for example a peer's trust roots for
/// [`client_config`]).
pub fn certificates_from_pem_file(
    path: impl AsRef<Path>,
) -> Result<Vec<CertificateDer<'static>>, TlsConfigError> {
    let origin = PemOrigin::File(path.as_ref().to_path_buf());
    let pem = read_file(&origin, path.as_ref())?;
    certificates_in(&pem, origin)
}

/// The certificates in PEM bytes (for example a peer's trust roots for
/// [`client_config`]).
pub fn certificates_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, TlsConfigError> {
    certificates_in(pem, PemOrigin::Bytes("trust roots"))
}

fn ring_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn refused(error: rustls::Error) -> TlsConfigError {
    TlsConfigError::Refused {
        reason: error.to_string(),
    }
}

fn read_file(origin: &PemOrigin, path: &Path) -> Result<Vec<u8>, TlsConfigError> {
    std::fs::read(path).map_err(|error| TlsConfigError::Read {
        origin: origin.clone(),
        error,
    })
}

/// Every PEM section of `pem`, in order. Fails on the first malformed
/// section; an input with content but no section is [`TlsConfigError::NotPem`].
fn sections(pem: &[u8], origin: &PemOrigin) -> Result<Vec<Section>, TlsConfigError> {
    let mut items = Vec::new();
    for section in Section::pem_slice_iter(pem) {
        match section {
            Ok(item) => items.push(item),
            Err(_) => {
                return Err(TlsConfigError::MalformedPem {
                    origin: origin.clone(),
                    section: items.len() + 1,
                });
            }
        }
    }
    let blank = pem.iter().all(u8::is_ascii_whitespace);
    if items.is_empty() && !blank {
        return Err(TlsConfigError::NotPem {
            origin: origin.clone(),
        });
    }
    Ok(items)
}

fn certificates_in(
    pem: &[u8],
    origin: PemOrigin,
) -> Result<Vec<CertificateDer<'static>>, TlsConfigError> {
    let certificates: Vec<_> = sections(pem, &origin)?
        .into_iter()
        .filter_map(|(kind, der)| match kind {
            SectionKind::Certificate => Some(CertificateDer::from(der)),
            _ => None,
        })
        .collect();
    if certificates.is_empty() {
        return Err(TlsConfigError::NoCertificate { origin });
    }
    Ok(certificates)
}

fn private_key_in(pem: &[u8], origin: PemOrigin) -> Result<PrivateKeyDer<'static>, TlsConfigError> {
    let mut keys: Vec<PrivateKeyDer<'static>> = sections(pem, &origin)?
        .into_iter()
        .filter_map(|(kind, der)| match kind {
            SectionKind::PrivateKey => Some(PrivatePkcs8KeyDer::from(der).into()),
            SectionKind::RsaPrivateKey => Some(PrivatePkcs1KeyDer::from(der).into()),
            SectionKind::EcPrivateKey => Some(PrivateSec1KeyDer::from(der).into()),
            _ => None,
        })
        .collect();
    match keys.len() {
        0 => Err(TlsConfigError::NoPrivateKey { origin }),
        1 => keys.pop().ok_or(TlsConfigError::NoPrivateKey { origin }),
        count => Err(TlsConfigError::MultiplePrivateKeys { origin, count }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_without_any_pem_section_is_not_pem() {
        let error = sections(b"hello", &PemOrigin::Bytes("private key"));
        assert!(
            matches!(error, Err(TlsConfigError::NotPem { .. })),
            "{error:?}"
        );
    }

    #[test]
    fn blank_input_has_no_sections_and_is_not_called_not_pem() -> Result<(), TlsConfigError> {
        assert!(sections(b" \n\t", &PemOrigin::Bytes("certificate chain"))?.is_empty());
        Ok(())
    }

    #[test]
    fn malformed_section_is_numbered_and_not_quoted() {
        let pem = b"-----BEGIN PRIVATE KEY-----\nSECRETSECRET!!!\n-----END PRIVATE KEY-----\n";
        let error = sections(pem, &PemOrigin::Bytes("private key"));
        let Err(error) = error else {
            panic!("malformed PEM was accepted");
        };
        assert!(
            matches!(error, TlsConfigError::MalformedPem { section: 1, .. }),
            "{error:?}"
        );
        assert!(!error.to_string().contains("SECRET"), "{error}");
        assert!(!format!("{error:?}").contains("SECRET"), "{error:?}");
    }

    #[test]
    fn client_config_without_roots_is_refused() {
        assert!(matches!(
            client_config(&[]),
            Err(TlsConfigError::NoTrustRoots)
        ));
    }
}
