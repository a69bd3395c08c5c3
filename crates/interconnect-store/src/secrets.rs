//! Secrets at rest: the operator's key, the AES-256-GCM sealing of every
//! record body, and the keyed hash that names rows.
//!
//! The operator supplies 32 random bytes, written as 64 hexadecimal digits
//! or as base64 (for example `openssl rand -hex 32`), in a file or an
//! environment variable. Two keys are derived from it with HMAC-SHA256 and
//! fixed labels, so the sealing key and the naming key are never the same:
//!
//! - bodies are sealed with AES-256-GCM under a fresh random 96-bit nonce,
//!   stored as `nonce || ciphertext || tag`; the additional data is the
//!   row's kind and key, so a body moved to another row fails to open;
//! - row keys are `HMAC-SHA256(naming key, kind || 0 || name)` in hex: the
//!   activation-key records and workflows are keyed by the shared
//!   connection UUID, which is itself a secret (KEY-12), so no name is
//!   stored in the clear.
//!
//! The database keeps one sealed check value (`store_meta.key_check`); a key
//! that cannot open it is [`StoreError::WrongSecretsKey`] at open.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use aws_lc_rs::hmac;
use base64::Engine as _;
use interconnect_provider::PageTokenSigner;

use crate::error::StoreError;

/// The plain text of the check value sealed at the first open.
const CHECK_PLAINTEXT: &[u8] = b"interconnect-store secrets key check v1";
/// The additional data of the check value.
pub(crate) const CHECK_AAD: &[u8] = b"store_meta/key_check";

/// The operator's 32-byte key. Never printed: its `Debug` shows nothing.
#[derive(Clone)]
pub struct SecretsKey([u8; 32]);

impl fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretsKey(..)")
    }
}

impl SecretsKey {
    /// The key from its raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        SecretsKey(bytes)
    }

    /// A fresh random key (tests, and `interconnect` tooling that creates
    /// one for the operator).
    pub fn generate() -> Result<Self, StoreError> {
        let mut bytes = [0u8; 32];
        aws_lc_rs::rand::fill(&mut bytes)
            .map_err(|_| StoreError::SecretsKey("the system random source failed".into()))?;
        Ok(SecretsKey(bytes))
    }

    /// The key written as text: 64 hexadecimal digits or base64 of 32
    /// bytes, surrounding white space ignored. The error never quotes the
    /// text.
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| invalid_text())?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| invalid_text())?
        };
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| invalid_text())?;
        Ok(SecretsKey(bytes))
    }

    /// The key read from a file holding its text.
    pub fn from_file(path: &Path) -> Result<Self, StoreError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            StoreError::SecretsKey(format!("cannot read the file {}: {e}", path.display()))
        })?;
        Self::parse(&text)
            .map_err(|e| StoreError::SecretsKey(format!("the file {}: {e}", path.display())))
    }

    /// The key read from the environment variable `name`.
    pub fn from_env(name: &str) -> Result<Self, StoreError> {
        let text = std::env::var(name).map_err(|_| {
            StoreError::SecretsKey(format!("the environment variable {name} is not set"))
        })?;
        Self::parse(&text)
            .map_err(|e| StoreError::SecretsKey(format!("the environment variable {name}: {e}")))
    }

    /// The key as 64 hexadecimal digits (to write a key file).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl SecretsKey {
    /// The page token signer of every replica that shares this key (and so
    /// this store): HMAC-SHA-256 under a key derived from it, cut to 64
    /// bits. A listing begun on one replica goes on at another, and after a
    /// restart (issue 15 item 6, LIST-4).
    pub fn page_token_signer(&self) -> Arc<dyn PageTokenSigner> {
        let key = derive(self, b"interconnect page tokens v1");
        Arc::new(HmacSigner(hmac::Key::new(hmac::HMAC_SHA256, key.as_ref())))
    }
}

/// Page token tags under a key derived from the [`SecretsKey`].
struct HmacSigner(hmac::Key);

impl PageTokenSigner for HmacSigner {
    fn tag(&self, text: &str) -> u64 {
        let tag = hmac::sign(&self.0, text.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&tag.as_ref()[..8]);
        u64::from_be_bytes(first)
    }
}

fn invalid_text() -> StoreError {
    StoreError::SecretsKey("expected 32 bytes written as 64 hexadecimal digits or as base64".into())
}

/// Seals and opens record bodies and names rows, with keys derived from a
/// [`SecretsKey`].
pub(crate) struct Cipher {
    sealing: RandomizedNonceKey,
    naming: hmac::Key,
}

impl fmt::Debug for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cipher(..)")
    }
}

fn derive(key: &SecretsKey, label: &[u8]) -> hmac::Tag {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &key.0), label)
}

impl Cipher {
    pub(crate) fn new(key: &SecretsKey) -> Result<Self, StoreError> {
        let sealing = derive(key, b"interconnect-store sealing v1");
        let naming = derive(key, b"interconnect-store naming v1");
        Ok(Cipher {
            sealing: RandomizedNonceKey::new(&AES_256_GCM, sealing.as_ref())
                .map_err(|_| StoreError::SecretsKey("AES-256-GCM refused the key".into()))?,
            naming: hmac::Key::new(hmac::HMAC_SHA256, naming.as_ref()),
        })
    }

    /// The row key of `name` (its canonical JSON text) in `kind`.
    pub(crate) fn row_key(&self, kind: &str, name: &str) -> String {
        let mut ctx = hmac::Context::with_key(&self.naming);
        ctx.update(kind.as_bytes());
        ctx.update(&[0]);
        ctx.update(name.as_bytes());
        ctx.sign()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// `nonce || ciphertext || tag` of `plain`, bound to `aad`.
    pub(crate) fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut in_out = plain.to_vec();
        let nonce = self
            .sealing
            .seal_in_place_append_tag(Aad::from(aad), &mut in_out)
            .map_err(|_| StoreError::Corrupt("AES-256-GCM sealing failed".into()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + in_out.len());
        out.extend_from_slice(nonce.as_ref());
        out.extend_from_slice(&in_out);
        Ok(out)
    }

    /// The plain text of a sealed value, or `None` when it does not open
    /// with this key and `aad` (a wrong key, a moved or altered row).
    pub(crate) fn open(&self, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut in_out = body.to_vec();
        let plain = self
            .sealing
            .open_in_place(nonce, Aad::from(aad), &mut in_out)
            .ok()?;
        Some(plain.to_vec())
    }

    /// The check value to store at the first open.
    pub(crate) fn check_value(&self) -> Result<Vec<u8>, StoreError> {
        self.seal(CHECK_AAD, CHECK_PLAINTEXT)
    }

    /// Whether a stored check value was sealed with this key.
    pub(crate) fn verify_check(&self, sealed: &[u8]) -> bool {
        self.open(CHECK_AAD, sealed).as_deref() == Some(CHECK_PLAINTEXT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_base64_give_the_same_key_and_bad_text_is_refused_without_quoting_it()
    -> Result<(), StoreError> {
        let key = SecretsKey::generate()?;
        let hex = key.to_hex();
        let b64 = base64::engine::general_purpose::STANDARD.encode(key.0);
        assert_eq!(SecretsKey::parse(&format!(" {hex}\n"))?.0, key.0);
        assert_eq!(SecretsKey::parse(&b64)?.0, key.0);
        for bad in ["", "abcd", &hex[..62], "zz".repeat(32).as_str()] {
            let err = SecretsKey::parse(bad).err().map(|e| e.to_string());
            let err = err.unwrap_or_default();
            assert!(err.contains("64 hexadecimal digits"), "{err}");
            assert!(
                bad.is_empty() || !err.contains(bad),
                "the text is not quoted"
            );
        }
        assert_eq!(format!("{key:?}"), "SecretsKey(..)");
        Ok(())
    }

    #[test]
    fn a_sealed_body_opens_only_with_its_key_and_its_row() -> Result<(), StoreError> {
        let cipher = Cipher::new(&SecretsKey::generate()?)?;
        let other = Cipher::new(&SecretsKey::generate()?)?;
        let sealed = cipher.seal(b"connection/k1", b"cak 0123")?;
        assert!(!sealed.windows(8).any(|w| w == b"cak 0123"));
        assert_eq!(
            cipher.open(b"connection/k1", &sealed).as_deref(),
            Some(&b"cak 0123"[..])
        );
        assert_eq!(cipher.open(b"connection/k2", &sealed), None, "moved row");
        assert_eq!(other.open(b"connection/k1", &sealed), None, "wrong key");
        assert_ne!(
            cipher.seal(b"a", b"x")?,
            cipher.seal(b"a", b"x")?,
            "fresh nonce"
        );
        assert!(cipher.verify_check(&cipher.check_value()?));
        assert!(!other.verify_check(&cipher.check_value()?));
        assert_eq!(cipher.row_key("k", "a"), cipher.row_key("k", "a"));
        assert_ne!(cipher.row_key("k", "a"), other.row_key("k", "a"));
        assert_ne!(cipher.row_key("k", "a"), cipher.row_key("j", "a"));
        Ok(())
    }
}
