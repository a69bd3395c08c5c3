//! Version 2 activation keys: `ActivationKeyV2` and
//! `ActivationKeyEncryptedPayload` in `schemas/environment.yaml` (upstream
//! main, PR #61; the upstream change list, A2).
//!
//! A version 2 key keeps only `version` and `destinationEnvironmentUri` in
//! clear; the connection's members travel in `encryptedContents`, the
//! RSA-OAEP-256 ciphertext of an [`ActivationKeyEncryptedPayload`] made
//! with the destination environment's public key
//! (`GetActivationKeyParameters`). This module holds the types and their
//! JSON; the cryptography is in `crypto` (feature `rsa-oaep`).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::encode::{member, string};
use super::encoded::EncodedActivationKey;
use super::error::ActivationKeyError;
use super::key::{check_account_id, check_size};
use super::uuid::ConnectionUuid;
use super::{
    MEMBER_ACCOUNT_ID, MEMBER_ENCRYPTED_CONTENTS, MEMBER_ENVIRONMENT, MEMBER_SIZE,
    MEMBER_SOURCE_ACCOUNT_ID, MEMBER_UUID, MEMBER_VERSION,
};
use crate::names::EnvironmentName;
use crate::wire::Secret;

/// Largest plaintext, in bytes, that RSA-OAEP with SHA-256 can encrypt
/// under a 2048-bit key: 256 - 2 x 32 - 2 = 190 bytes (RFC 8017 section
/// 7.1.1). Upstream defines no hybrid scheme, so a payload whose canonical
/// JSON is longer cannot be sent as a version 2 key (E-204).
pub const MAX_PAYLOAD_LEN: usize = 190;

/// A version 2 activation key as read from its text: the destination in
/// clear and the ciphertext, not yet decrypted.
///
/// `Debug` and `Display` show the version, the destination environment and
/// the length of the ciphertext only.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ActivationKeyV2 {
    destination_environment: EnvironmentName,
    encrypted_contents: Vec<u8>,
}

impl ActivationKeyV2 {
    /// The value of the `version` member of these keys.
    pub const VERSION: i32 = 2;

    /// Builds a key from its destination and its ciphertext (checked to be
    /// non-empty; whether it decrypts is for the destination to find out).
    pub fn new(
        destination_environment: EnvironmentName,
        encrypted_contents: Vec<u8>,
    ) -> Result<Self, ActivationKeyError> {
        if encrypted_contents.is_empty() {
            return Err(ActivationKeyError::EncryptedContentsEmpty);
        }
        Ok(ActivationKeyV2 {
            destination_environment,
            encrypted_contents,
        })
    }

    /// `destinationEnvironmentUri`: in clear, so that the receiver knows
    /// which environment's private keys to try.
    pub fn destination_environment(&self) -> &EnvironmentName {
        &self.destination_environment
    }

    /// `encryptedContents`, base64-decoded: the RSA-OAEP-256 ciphertext.
    pub fn encrypted_contents(&self) -> &[u8] {
        &self.encrypted_contents
    }

    /// The canonical JSON document: compact, members in the schema's order
    /// (`version`, `destinationEnvironmentUri`, `encryptedContents`).
    pub(super) fn to_canonical_json(&self) -> String {
        let mut json = String::with_capacity(512);
        json.push('{');
        member(&mut json, MEMBER_VERSION);
        json.push_str(&Self::VERSION.to_string());
        json.push(',');
        member(&mut json, MEMBER_ENVIRONMENT);
        string(&mut json, &self.destination_environment.to_string());
        json.push(',');
        member(&mut json, MEMBER_ENCRYPTED_CONTENTS);
        string(&mut json, &STANDARD.encode(&self.encrypted_contents));
        json.push('}');
        json
    }

    /// The key as canonical base64 text, ready to hand to the customer.
    pub fn encode(&self) -> EncodedActivationKey {
        EncodedActivationKey::from_encoded(STANDARD.encode(self.to_canonical_json()))
    }
}

impl fmt::Debug for ActivationKeyV2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActivationKeyV2")
            .field("destination_environment", &self.destination_environment)
            .field(
                "encrypted_contents",
                &format_args!("<{} bytes>", self.encrypted_contents.len()),
            )
            .finish()
    }
}

impl fmt::Display for ActivationKeyV2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "activation key version {} for {} (encrypted)",
            Self::VERSION,
            self.destination_environment
        )
    }
}

/// The plaintext of a version 2 key's `encryptedContents`, every member
/// validated: the UUID is a UUID, the size is positive, both account ids
/// have 1 to [`MAX_ACCOUNT_ID_LEN`](super::MAX_ACCOUNT_ID_LEN) characters.
///
/// `Debug` shows the size only: the other members are secrets.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ActivationKeyEncryptedPayload {
    shared_connection_uuid: ConnectionUuid,
    connection_size_mbps: i32,
    destination_account_id: Secret,
    source_account_id: Secret,
}

impl ActivationKeyEncryptedPayload {
    /// Builds a payload, checking the size, both account ids and that the
    /// canonical JSON fits in [`MAX_PAYLOAD_LEN`] bytes (E-204).
    pub fn new(
        shared_connection_uuid: ConnectionUuid,
        connection_size_mbps: i32,
        destination_account_id: Secret,
        source_account_id: Secret,
    ) -> Result<Self, ActivationKeyError> {
        check_size(connection_size_mbps)?;
        check_account_id(&destination_account_id)?;
        check_source_account_id(&source_account_id)?;
        let payload = ActivationKeyEncryptedPayload {
            shared_connection_uuid,
            connection_size_mbps,
            destination_account_id,
            source_account_id,
        };
        let len = payload.to_canonical_json().len();
        if len > MAX_PAYLOAD_LEN {
            return Err(ActivationKeyError::PayloadTooLarge {
                len,
                max: MAX_PAYLOAD_LEN,
            });
        }
        Ok(payload)
    }

    /// `sharedConnectionUuid`.
    pub fn shared_connection_uuid(&self) -> &ConnectionUuid {
        &self.shared_connection_uuid
    }
    /// `connectionSizeMbps` (positive).
    pub fn connection_size_mbps(&self) -> i32 {
        self.connection_size_mbps
    }
    /// `destinationAccountId`: the customer's account at the receiver.
    pub fn destination_account_id(&self) -> &Secret {
        &self.destination_account_id
    }
    /// `sourceAccountId`: the customer's account at the key creator (new
    /// in version 2).
    pub fn source_account_id(&self) -> &Secret {
        &self.source_account_id
    }

    /// The canonical JSON (compact, members in the schema's order). It is
    /// the plaintext that gets encrypted: it holds secrets.
    pub fn to_canonical_json(&self) -> String {
        let mut json = String::with_capacity(192);
        json.push('{');
        member(&mut json, MEMBER_UUID);
        string(&mut json, self.shared_connection_uuid.as_str());
        json.push(',');
        member(&mut json, MEMBER_SIZE);
        json.push_str(&self.connection_size_mbps.to_string());
        json.push(',');
        member(&mut json, MEMBER_ACCOUNT_ID);
        string(&mut json, self.destination_account_id.expose());
        json.push(',');
        member(&mut json, MEMBER_SOURCE_ACCOUNT_ID);
        string(&mut json, self.source_account_id.expose());
        json.push('}');
        json
    }

    /// Reads a decrypted plaintext: exactly one JSON object, no member
    /// twice, the four required members valid; other members ignored. No
    /// size bound applies on reading (a peer's longer payload under a
    /// larger key is read).
    pub fn from_json(json: &[u8]) -> Result<Self, ActivationKeyError> {
        super::decode::read_payload(json)
    }

    /// Like [`new`](Self::new) without the size bound, for reading.
    pub(super) fn read(
        shared_connection_uuid: ConnectionUuid,
        connection_size_mbps: i32,
        destination_account_id: Secret,
        source_account_id: Secret,
    ) -> Result<Self, ActivationKeyError> {
        check_size(connection_size_mbps)?;
        check_account_id(&destination_account_id)?;
        check_source_account_id(&source_account_id)?;
        Ok(ActivationKeyEncryptedPayload {
            shared_connection_uuid,
            connection_size_mbps,
            destination_account_id,
            source_account_id,
        })
    }
}

/// Rule on `sourceAccountId`: 1 to
/// [`MAX_ACCOUNT_ID_LEN`](super::MAX_ACCOUNT_ID_LEN) characters.
fn check_source_account_id(id: &Secret) -> Result<(), ActivationKeyError> {
    check_account_id(id).map_err(|e| match e {
        ActivationKeyError::AccountIdEmpty => ActivationKeyError::SourceAccountIdEmpty,
        ActivationKeyError::AccountIdTooLong { len, max } => {
            ActivationKeyError::SourceAccountIdTooLong { len, max }
        }
        other => other,
    })
}

impl fmt::Debug for ActivationKeyEncryptedPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActivationKeyEncryptedPayload")
            .field("shared_connection_uuid", &format_args!("<redacted>"))
            .field("connection_size_mbps", &self.connection_size_mbps)
            .field("destination_account_id", &format_args!("<redacted>"))
            .field("source_account_id", &format_args!("<redacted>"))
            .finish()
    }
}
