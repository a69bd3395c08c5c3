//! RSA-OAEP-256 for version 2 activation keys (`EncryptionParameters` and
//! `ActivationKeyV2.encryptedContents` in `schemas/environment.yaml`;
//! the upstream change list, A2, A3). Feature `rsa-oaep`.
//!
//! - Algorithm: RSA-OAEP with SHA-256 for both the hash and MGF1, empty
//!   label (upstream names `RSA-OAEP-256` and specifies no label), 2048-bit
//!   keys generated here (E-204).
//! - Implementation: AWS-LC through `aws-lc-rs` (E-200): its RSA
//!   decryption is constant-time, unlike the `rsa` crate (RUSTSEC-2023-0071,
//!   the Marvin attack, unfixed).
//! - Public keys are written as PEM `PUBLIC KEY` (X.509
//!   SubjectPublicKeyInfo), announced with `keyFormat` `PKCS8` like the
//!   upstream example; `SPKI` and `X509` are accepted too (E-205).
//! - Every decryption failure is the one [`DecryptError`] (E-203): which
//!   step failed is never told, so the answer is no oracle.
//! - Private keys show nothing of themselves in `Debug` and have no
//!   `Display`; their PEM is only produced on request
//!   ([`ActivationKeyPrivateKey::to_pkcs8_pem`]).

use std::fmt;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{
    KeySize, OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    PrivateDecryptingKey, PublicEncryptingKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use thiserror::Error;

use super::v2::{ActivationKeyEncryptedPayload, ActivationKeyV2};
use crate::names::EnvironmentName;

/// The `algorithm` value of `EncryptionParameters` this implementation
/// serves and accepts.
pub const ALGORITHM: &str = "RSA-OAEP-256";
/// The `keyFormat` value we send with a `PUBLIC KEY` PEM (E-205).
pub const KEY_FORMAT: &str = "PKCS8";
/// `keyFormat` values accepted from a peer, compared without case (E-205).
pub const ACCEPTED_KEY_FORMATS: [&str; 4] = ["PKCS8", "SPKI", "X509", "X.509"];

const PEM_PUBLIC: &str = "PUBLIC KEY";
const PEM_PRIVATE: &str = "PRIVATE KEY";

/// A public key or its parameters that cannot be used (names the field).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyFormatError {
    /// `algorithm` is not `RSA-OAEP-256`.
    #[error("encryption.algorithm: only \"RSA-OAEP-256\" is supported, found {found:?}")]
    UnsupportedAlgorithm {
        /// The value found (public information, shortened).
        found: String,
    },
    /// `keyFormat` is not one of [`ACCEPTED_KEY_FORMATS`].
    #[error(
        "encryption.keyFormat: expected PKCS8, SPKI or X509 (a PEM \"PUBLIC KEY\"), found {found:?}"
    )]
    UnsupportedKeyFormat {
        /// The value found (public information, shortened).
        found: String,
    },
    /// The PEM text is not one block with the expected label.
    #[error("{field}: not a PEM \"{label}\" block ({reason})")]
    NotPem {
        /// The field (for example `encryption.publicKey`).
        field: &'static str,
        /// The PEM label expected.
        label: &'static str,
        /// What was wrong.
        reason: &'static str,
    },
    /// The DER inside the PEM is not an RSA key of 2048 to 8192 bits.
    #[error("{field}: not an RSA key of 2048 to 8192 bits")]
    NotRsa {
        /// The field.
        field: &'static str,
    },
}

/// Why a payload could not be encrypted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncryptError {
    /// The payload is longer than the key can take (E-204).
    #[error(
        "the version 2 activation key payload is {len} bytes; this public key encrypts at most {max} with RSA-OAEP-256"
    )]
    PayloadTooLarge {
        /// Length of the payload's canonical JSON.
        len: usize,
        /// What the key can take.
        max: usize,
    },
    /// The cryptographic library failed (no detail is available).
    #[error("RSA-OAEP-256 encryption failed")]
    Failed,
}

/// A version 2 key that could not be decrypted or whose plaintext is not a
/// valid payload. Deliberately one value with no detail (E-203): an answer
/// that told padding errors from JSON errors would be a decryption oracle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the version 2 activation key cannot be decrypted by its destination environment")]
pub struct DecryptError;

/// A public key for version 2 keys: `EncryptionParameters.publicKey`.
#[derive(Clone)]
pub struct ActivationKeyPublicKey {
    key: PublicEncryptingKey,
    pem: String,
}

impl ActivationKeyPublicKey {
    /// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) holding an RSA key of
    /// 2048 to 8192 bits.
    pub fn from_pem(pem: &str) -> Result<Self, KeyFormatError> {
        let field = "encryption.publicKey";
        let der = pem_decode(pem, PEM_PUBLIC, field)?;
        let key =
            PublicEncryptingKey::from_der(&der).map_err(|_| KeyFormatError::NotRsa { field })?;
        Ok(ActivationKeyPublicKey {
            key,
            pem: pem_encode(PEM_PUBLIC, &der),
        })
    }

    /// Reads the public key of `EncryptionParameters`, checking `algorithm`
    /// and `keyFormat` first (E-205).
    pub fn from_parameters(
        public_key: &str,
        algorithm: &str,
        key_format: &str,
    ) -> Result<Self, KeyFormatError> {
        if algorithm != ALGORITHM {
            return Err(KeyFormatError::UnsupportedAlgorithm {
                found: crate::names::shorten(algorithm),
            });
        }
        if !ACCEPTED_KEY_FORMATS
            .iter()
            .any(|f| f.eq_ignore_ascii_case(key_format.trim()))
        {
            return Err(KeyFormatError::UnsupportedKeyFormat {
                found: crate::names::shorten(key_format),
            });
        }
        Self::from_pem(public_key)
    }

    /// The key as canonical PEM `PUBLIC KEY` (64-character lines).
    pub fn to_pem(&self) -> &str {
        &self.pem
    }

    /// Size of the modulus in bits.
    pub fn bits(&self) -> usize {
        self.key.key_size_bits()
    }
}

impl PartialEq for ActivationKeyPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.pem == other.pem
    }
}
impl Eq for ActivationKeyPublicKey {}

impl fmt::Debug for ActivationKeyPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ActivationKeyPublicKey(RSA {} bits)", self.bits())
    }
}

/// A private key of an environment. `Debug` shows only its size; there is
/// no `Display` and no `Serialize`.
#[derive(Clone)]
pub struct ActivationKeyPrivateKey {
    key: PrivateDecryptingKey,
}

impl ActivationKeyPrivateKey {
    /// Generates a 2048-bit RSA key pair (E-204).
    pub fn generate() -> Result<Self, EncryptError> {
        let key =
            PrivateDecryptingKey::generate(KeySize::Rsa2048).map_err(|_| EncryptError::Failed)?;
        Ok(ActivationKeyPrivateKey { key })
    }

    /// Reads a PEM `PRIVATE KEY` (PKCS #8) holding an RSA key of 2048 to
    /// 8192 bits.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyFormatError> {
        let field = "private key";
        let der = pem_decode(pem, PEM_PRIVATE, field)?;
        let key =
            PrivateDecryptingKey::from_pkcs8(&der).map_err(|_| KeyFormatError::NotRsa { field })?;
        Ok(ActivationKeyPrivateKey { key })
    }

    /// The key as PEM `PRIVATE KEY` (PKCS #8). A secret: for the operator's
    /// own files only.
    pub fn to_pkcs8_pem(&self) -> Result<String, EncryptError> {
        let der = self.key.as_der().map_err(|_| EncryptError::Failed)?;
        Ok(pem_encode(PEM_PRIVATE, der.as_ref()))
    }

    /// The matching public key.
    pub fn public_key(&self) -> Result<ActivationKeyPublicKey, EncryptError> {
        let key = self.key.public_key();
        let der = key.as_der().map_err(|_| EncryptError::Failed)?;
        Ok(ActivationKeyPublicKey {
            key,
            pem: pem_encode(PEM_PUBLIC, der.as_ref()),
        })
    }
}

impl fmt::Debug for ActivationKeyPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ActivationKeyPrivateKey(<redacted, RSA {} bits>)",
            self.key.key_size_bits()
        )
    }
}

/// Encrypts `payload` for the environment whose public key is `public_key`
/// and wraps it as a version 2 key naming `destination`.
pub fn encrypt(
    destination: EnvironmentName,
    payload: &ActivationKeyEncryptedPayload,
    public_key: &ActivationKeyPublicKey,
) -> Result<ActivationKeyV2, EncryptError> {
    let oaep =
        OaepPublicEncryptingKey::new(public_key.key.clone()).map_err(|_| EncryptError::Failed)?;
    let plaintext = payload.to_canonical_json();
    let max = oaep.max_plaintext_size(&OAEP_SHA256_MGF1SHA256);
    if plaintext.len() > max {
        return Err(EncryptError::PayloadTooLarge {
            len: plaintext.len(),
            max,
        });
    }
    let mut out = vec![0u8; oaep.ciphertext_size()];
    let ciphertext = oaep
        .encrypt(
            &OAEP_SHA256_MGF1SHA256,
            plaintext.as_bytes(),
            &mut out,
            None,
        )
        .map_err(|_| EncryptError::Failed)?
        .to_vec();
    ActivationKeyV2::new(destination, ciphertext).map_err(|_| EncryptError::Failed)
}

/// Decrypts a version 2 key with the first of `private_keys` that opens it
/// (newest first: an environment keeps its 4 most recent), then reads the
/// payload. Every failure, whichever key or step, is the same
/// [`DecryptError`] (E-203).
pub fn decrypt(
    key: &ActivationKeyV2,
    private_keys: &[ActivationKeyPrivateKey],
) -> Result<ActivationKeyEncryptedPayload, DecryptError> {
    for private in private_keys {
        let Ok(oaep) = OaepPrivateDecryptingKey::new(private.key.clone()) else {
            continue;
        };
        let mut out = vec![0u8; oaep.min_output_size()];
        let Ok(plaintext) = oaep.decrypt(
            &OAEP_SHA256_MGF1SHA256,
            key.encrypted_contents(),
            &mut out,
            None,
        ) else {
            continue;
        };
        // A plaintext that opened under this key but is not a payload is
        // refused as a whole: no other key could open the same ciphertext.
        return ActivationKeyEncryptedPayload::from_json(plaintext).map_err(|_| DecryptError);
    }
    Err(DecryptError)
}

/// PEM of one block with `label` (RFC 7468), 64-character lines.
fn pem_encode(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut pem = String::with_capacity(body.len() + body.len() / 64 + 64);
    pem.push_str("-----BEGIN ");
    pem.push_str(label);
    pem.push_str("-----\n");
    for chunk in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str("-----END ");
    pem.push_str(label);
    pem.push_str("-----\n");
    pem
}

/// The DER of the one PEM block with `label` in `text` (RFC 7468, lax:
/// whitespace and CRLF anywhere in the body; text around the block is
/// ignored, as RFC 7468 section 5.2 allows).
fn pem_decode(
    text: &str,
    label: &'static str,
    field: &'static str,
) -> Result<Vec<u8>, KeyFormatError> {
    let not_pem = |reason| KeyFormatError::NotPem {
        field,
        label,
        reason,
    };
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text
        .find(&begin)
        .ok_or_else(|| not_pem("its BEGIN line is missing or has another label"))?
        + begin.len();
    let stop = text[start..]
        .find(&end)
        .ok_or_else(|| not_pem("its END line is missing"))?
        + start;
    if text[stop + end.len()..].contains("-----BEGIN") {
        return Err(not_pem("it holds more than one block"));
    }
    let body: Vec<u8> = text[start..stop]
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if body.is_empty() {
        return Err(not_pem("its body is empty"));
    }
    STANDARD
        .decode(&body)
        .map_err(|_| not_pem("its body is not base64"))
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::activation_key::{ActivationKeyError, ConnectionUuid};
    use crate::wire::Secret;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// Key generation takes a moment: the tests share a few keys.
    fn keys() -> &'static [ActivationKeyPrivateKey; 2] {
        static KEYS: OnceLock<[ActivationKeyPrivateKey; 2]> = OnceLock::new();
        KEYS.get_or_init(|| {
            [
                ActivationKeyPrivateKey::generate().expect("key generation"),
                ActivationKeyPrivateKey::generate().expect("key generation"),
            ]
        })
    }

    fn env() -> EnvironmentName {
        "providers/gcp/environments/aws-gcp-us-east"
            .parse()
            .expect("valid")
    }

    fn payload() -> ActivationKeyEncryptedPayload {
        ActivationKeyEncryptedPayload::new(
            "5f0c8a2e-1b3d-4c5e-9f60-7a8b9c0d1e2f"
                .parse::<ConnectionUuid>()
                .expect("valid"),
            1000,
            Secret::new("123456789012"),
            Secret::new("210987654321"),
        )
        .expect("valid payload")
    }

    #[test]
    fn a_payload_round_trips_through_the_text() -> TestResult {
        let [private, _] = keys();
        let public = private.public_key()?;
        let key = encrypt(env(), &payload(), &public)?;
        assert_eq!(key.encrypted_contents().len(), 256, "2048-bit ciphertext");
        let text = key.encode();
        let read = match text.decode()? {
            crate::activation_key::DecodedActivationKey::V2(k) => k,
            other => panic!("version 2 expected, got {other}"),
        };
        assert_eq!(read, key);
        assert_eq!(read.destination_environment(), &env());
        assert_eq!(decrypt(&read, keys())?, payload());
        // OAEP is randomized: two encryptions differ, both decrypt.
        let again = encrypt(env(), &payload(), &public)?;
        assert_ne!(again.encrypted_contents(), key.encrypted_contents());
        assert_eq!(decrypt(&again, keys())?, payload());
        Ok(())
    }

    #[test]
    fn any_of_the_keys_given_opens_it() -> TestResult {
        let [older, newer] = keys();
        let key = encrypt(env(), &payload(), &older.public_key()?)?;
        assert_eq!(decrypt(&key, &[newer.clone(), older.clone()])?, payload());
        assert_eq!(
            decrypt(&key, std::slice::from_ref(newer)),
            Err(DecryptError)
        );
        assert_eq!(decrypt(&key, &[]), Err(DecryptError));
        Ok(())
    }

    /// E-203: a wrong key, a flipped bit, a truncated or padded ciphertext,
    /// garbage, and a well-encrypted plaintext that is not a payload all
    /// give the same error, with the same message.
    #[test]
    fn every_decryption_failure_is_the_same_error() -> TestResult {
        let [private, other] = keys();
        let public = private.public_key()?;
        let good = encrypt(env(), &payload(), &public)?;
        let mut flipped = good.encrypted_contents().to_vec();
        flipped[17] ^= 0x01;
        let mut longer = good.encrypted_contents().to_vec();
        longer.push(0);
        let oaep = OaepPublicEncryptingKey::new(public.key.clone())?;
        let mut out = vec![0u8; oaep.ciphertext_size()];
        let not_json = oaep
            .encrypt(&OAEP_SHA256_MGF1SHA256, b"not json", &mut out, None)?
            .to_vec();
        let mut out = vec![0u8; oaep.ciphertext_size()];
        let not_payload = oaep
            .encrypt(
                &OAEP_SHA256_MGF1SHA256,
                br#"{"sharedConnectionUuid":"x"}"#,
                &mut out,
                None,
            )?
            .to_vec();
        let cases: Vec<(&str, Vec<u8>, &[ActivationKeyPrivateKey])> = vec![
            (
                "another environment's key",
                good.encrypted_contents().to_vec(),
                std::slice::from_ref(other),
            ),
            ("a flipped bit", flipped, std::slice::from_ref(private)),
            (
                "truncated",
                good.encrypted_contents()[..255].to_vec(),
                std::slice::from_ref(private),
            ),
            ("one byte longer", longer, std::slice::from_ref(private)),
            ("garbage", vec![0xAB; 256], std::slice::from_ref(private)),
            ("one byte", vec![1], std::slice::from_ref(private)),
            (
                "plaintext not JSON",
                not_json,
                std::slice::from_ref(private),
            ),
            (
                "plaintext not a payload",
                not_payload,
                std::slice::from_ref(private),
            ),
        ];
        let mut messages = std::collections::BTreeSet::new();
        for (what, contents, with) in cases {
            let key = ActivationKeyV2::new(env(), contents)?;
            let err = decrypt(&key, with).expect_err(what);
            assert_eq!(err, DecryptError, "{what}");
            messages.insert(err.to_string());
        }
        assert_eq!(messages.len(), 1, "one message for every failure");
        Ok(())
    }

    #[test]
    fn public_keys_are_pem_spki_and_read_back() -> TestResult {
        let [private, _] = keys();
        let public = private.public_key()?;
        assert!(public.to_pem().starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert!(public.to_pem().lines().all(|l| l.len() <= 64));
        assert_eq!(public.bits(), 2048);
        // CRLF line ends and surrounding text are read through.
        let crlf = format!("header\r\n{}trailer", public.to_pem().replace('\n', "\r\n"));
        assert_eq!(ActivationKeyPublicKey::from_pem(&crlf)?, public);
        for format in ["PKCS8", "SPKI", "x509", "X.509"] {
            ActivationKeyPublicKey::from_parameters(public.to_pem(), ALGORITHM, format)?;
        }
        assert!(matches!(
            ActivationKeyPublicKey::from_parameters(public.to_pem(), "RSA-OAEP", KEY_FORMAT),
            Err(KeyFormatError::UnsupportedAlgorithm { .. })
        ));
        assert!(matches!(
            ActivationKeyPublicKey::from_parameters(public.to_pem(), ALGORITHM, "PKCS1"),
            Err(KeyFormatError::UnsupportedKeyFormat { .. })
        ));
        let private_pem = private.to_pkcs8_pem()?;
        assert!(matches!(
            ActivationKeyPublicKey::from_pem(&private_pem),
            Err(KeyFormatError::NotPem { .. })
        ));
        let not_rsa = pem_encode(PEM_PUBLIC, b"\x30\x03\x02\x01\x01");
        assert_eq!(
            ActivationKeyPublicKey::from_pem(&not_rsa),
            Err(KeyFormatError::NotRsa {
                field: "encryption.publicKey"
            })
        );
        Ok(())
    }

    #[test]
    fn private_keys_round_trip_and_never_show() -> TestResult {
        let [private, _] = keys();
        let pem = private.to_pkcs8_pem()?;
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let read = ActivationKeyPrivateKey::from_pkcs8_pem(&pem)?;
        let key = encrypt(env(), &payload(), &private.public_key()?)?;
        assert_eq!(decrypt(&key, std::slice::from_ref(&read))?, payload());
        let shown = format!("{read:?} {private:?}");
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        for chunk in body.as_bytes().chunks(16) {
            assert!(!shown.contains(std::str::from_utf8(chunk)?), "{shown}");
        }
        assert!(shown.contains("redacted"));
        Ok(())
    }

    #[test]
    fn a_payload_too_large_is_refused_when_built() {
        let long = "1".repeat(100);
        let err = ActivationKeyEncryptedPayload::new(
            "5f0c8a2e-1b3d-4c5e-9f60-7a8b9c0d1e2f"
                .parse()
                .expect("valid"),
            1000,
            Secret::new(long.clone()),
            Secret::new(long),
        )
        .expect_err("E-204");
        assert!(matches!(
            err,
            ActivationKeyError::PayloadTooLarge { max: 190, .. }
        ));
        assert!(!err.to_string().contains("1111"), "no secret in {err}");
    }
}
