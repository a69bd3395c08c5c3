//! Activation keys: `ActivationKey` and `ConfirmActivationKeyRequest` in
//! `schemas/environment.yaml`, used in `docs/Protocols.md`, "Establish
//! Customer Intent", and `docs/ConnectionCoordinatorAPI.md`, "Activation
//! Key".
//!
//! The customer asks one provider for a connection and receives an
//! activation key: base64 of a JSON object naming the destination
//! environment, the connection's shared UUID, its size and the customer's
//! account on the other provider. The customer pastes the key at the other
//! provider, which reads it, checks it, and asks the first provider to
//! confirm it by sending the text back unchanged (`encodedKey`).
//!
//! | type | what it is |
//! |---|---|
//! | [`ActivationKeyV1`] | a version 1 key, every member validated |
//! | [`ActivationKeyV2`] | a version 2 key: destination in clear, the rest encrypted |
//! | [`ActivationKeyEncryptedPayload`] | the plaintext of a version 2 key |
//! | [`DecodedActivationKey`] | a key of any version this release reads (`non_exhaustive`) |
//! | [`EncodedActivationKey`] | the text exactly as received, of any version |
//! | [`ConnectionUuid`] | `sharedConnectionUuid`, also the connection's id |
//! | [`ActivationKeyError`] | why a key was rejected, naming member and rule |
//!
//! # Versions
//!
//! Upstream main (the upstream change list, A2) makes the
//! key an envelope decided by its integer `version`: 1 is
//! [`ActivationKeyV1`] (every member in clear), 2 is [`ActivationKeyV2`]
//! (`encryptedContents`, the RSA-OAEP-256 ciphertext of an
//! [`ActivationKeyEncryptedPayload`] made with the destination
//! environment's public key). Encryption and decryption live behind the
//! `rsa-oaep` feature (AWS-LC, E-200). A key of another version decodes to
//! [`ActivationKeyError::UnknownVersion`], but it can still be held and
//! carried as an [`EncodedActivationKey`] and its version read with
//! [`EncodedActivationKey::peek_version`]. A key object without `version`
//! (a May-era creator that left it out) is read as version 1 (E-201).
//!
//! # Encoding
//!
//! [`ActivationKeyV1::encode`] writes one canonical form: compact JSON with
//! the members in the schema's order (`version`,
//! `destinationEnvironmentUri`, `sharedConnectionUuid`,
//! `connectionSizeMbps`, `destinationAccountId`), in standard base64 with
//! padding.
//!
//! # Decoding
//!
//! Decoding accepts what people paste: ASCII whitespace anywhere, the
//! standard or URL-safe alphabet, with or without padding. Text longer than
//! [`MAX_ENCODED_LEN`] bytes is rejected before anything is decoded. The
//! JSON must be exactly one object; a member that appears twice is rejected
//! (readers that keep the first and readers that keep the last would
//! otherwise disagree). Members a version does not define are ignored, so
//! that a creating provider may add members without breaking readers.
//! `version` and `connectionSizeMbps` must be JSON integers in the int32
//! range (not strings, not `1.0`); `null` counts as the wrong type.
//!
//! # Secrets
//!
//! The shared connection UUID and the destination account id are secrets
//! while a key is in flight, and so is the encoded text. `Debug` and
//! `Display` of the key types show the version, the destination environment
//! and the size only; errors never repeat the text or those values.
//! [`ConnectionUuid`] on its own shows its value, since it is also a
//! resource id once the connection exists.
//!
//! ```
//! use interconnect_core::activation_key::{
//!     ActivationKeyV1, ConnectionUuid, DecodedActivationKey, EncodedActivationKey,
//! };
//! use interconnect_core::wire::Secret;
//!
//! let key = ActivationKeyV1::new(
//!     "providers/gcp/environments/aws-gcp-us-east".parse()?,
//!     "5f0c8a2e-1b3d-4c5e-9f60-7a8b9c0d1e2f".parse()?,
//!     1000,
//!     Secret::new("123456789012"),
//! )?;
//! let text = key.encode();
//!
//! // The customer pastes it elsewhere, perhaps wrapped over two lines.
//! let (head, tail) = text.expose().split_at(40);
//! let pasted = EncodedActivationKey::new(&format!("{head}\n  {tail}\n"))?;
//! assert_eq!(pasted.peek_version()?, 1);
//! match pasted.decode()? {
//!     DecodedActivationKey::V1(read) => assert_eq!(read, key),
//!     other => panic!("unexpected version {}", other.version()),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod decode;
mod encode;
mod encoded;
mod error;
mod key;
mod members;
mod uuid;
mod v2;

#[cfg(test)]
mod tests;

pub use encoded::EncodedActivationKey;
pub use error::{ActivationKeyError, Base64Problem};
pub use key::{ActivationKeyV1, DecodedActivationKey};
pub use uuid::{ConnectionUuid, UuidError};
pub use v2::{ActivationKeyEncryptedPayload, ActivationKeyV2, MAX_PAYLOAD_LEN};

#[cfg(feature = "rsa-oaep")]
mod crypto;
#[cfg(feature = "rsa-oaep")]
pub use crypto::{
    ACCEPTED_KEY_FORMATS, ALGORITHM, ActivationKeyPrivateKey, ActivationKeyPublicKey, DecryptError,
    EncryptError, KEY_FORMAT, KeyFormatError, decrypt, encrypt,
};

/// Longest activation key text accepted, in bytes, whitespace included. A
/// valid version 1 key encodes to at most 2640 bytes (longest environment
/// name, 256 account id characters that each need a six-byte JSON escape),
/// which leaves room for line breaks and a later version.
pub const MAX_ENCODED_LEN: usize = 4096;

/// Longest `destinationAccountId` accepted, in characters.
pub const MAX_ACCOUNT_ID_LEN: usize = 256;

const MEMBER_VERSION: &str = "version";
const MEMBER_ENVIRONMENT: &str = "destinationEnvironmentUri";
const MEMBER_UUID: &str = "sharedConnectionUuid";
const MEMBER_SIZE: &str = "connectionSizeMbps";
const MEMBER_ACCOUNT_ID: &str = "destinationAccountId";
const MEMBER_ENCRYPTED_CONTENTS: &str = "encryptedContents";
const MEMBER_SOURCE_ACCOUNT_ID: &str = "sourceAccountId";
