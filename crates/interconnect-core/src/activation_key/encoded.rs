//! The activation key as text: `ConfirmActivationKeyRequest.encodedKey` in
//! `schemas/environment.yaml`, "Base64 encoded ActivationKey".
//!
//! The receiving provider passes the customer's key on to the creating
//! provider unchanged, so the text is kept exactly as received, whatever its
//! version, and decoded only when asked.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "schemars")]
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::MAX_ENCODED_LEN;
use super::decode::{decode_text, peek_version_text};
use super::error::ActivationKeyError;
use super::key::DecodedActivationKey;

/// An activation key as base64 text, exactly as received, of at most
/// [`MAX_ENCODED_LEN`] bytes. Building one checks the length only, so a key
/// of a version this release cannot read can still be carried.
///
/// The text is a secret (it holds the shared connection UUID and the
/// destination account id): `Debug` shows only its length, and there is no
/// `Display`, so that `to_string()` cannot be mistaken for the text. Call
/// [`EncodedActivationKey::expose`] where the text is really needed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EncodedActivationKey(String);

impl EncodedActivationKey {
    /// Keeps `text` as received, after checking it is at most
    /// [`MAX_ENCODED_LEN`] bytes.
    pub fn new(text: &str) -> Result<Self, ActivationKeyError> {
        check_len(text)?;
        Ok(EncodedActivationKey(text.to_owned()))
    }

    /// The text exactly as received. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length of the text in bytes (safe to show).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Decodes the key, checking every member (see [the module documentation](crate::activation_key)).
    pub fn decode(&self) -> Result<DecodedActivationKey, ActivationKeyError> {
        decode_text(&self.0)
    }

    /// Reads only the `version` member: works on keys of versions this
    /// release cannot decode, as long as they are base64 of a JSON object
    /// with an int32 `version`.
    pub fn peek_version(&self) -> Result<i32, ActivationKeyError> {
        peek_version_text(&self.0)
    }

    /// Wraps text already known to be within the bound (the encoder's own
    /// output).
    pub(super) fn from_encoded(text: String) -> Self {
        EncodedActivationKey(text)
    }
}

/// The size bound, checked before anything else.
pub(super) fn check_len(text: &str) -> Result<(), ActivationKeyError> {
    if text.len() > MAX_ENCODED_LEN {
        return Err(ActivationKeyError::TooLong {
            len: text.len(),
            max: MAX_ENCODED_LEN,
        });
    }
    Ok(())
}

impl FromStr for EncodedActivationKey {
    type Err = ActivationKeyError;
    fn from_str(text: &str) -> Result<Self, ActivationKeyError> {
        EncodedActivationKey::new(text)
    }
}

impl TryFrom<String> for EncodedActivationKey {
    type Error = ActivationKeyError;
    fn try_from(text: String) -> Result<Self, ActivationKeyError> {
        check_len(&text)?;
        Ok(EncodedActivationKey(text))
    }
}

impl fmt::Debug for EncodedActivationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "EncodedActivationKey(<redacted, {} bytes>)",
            self.0.len()
        )
    }
}

impl Serialize for EncodedActivationKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EncodedActivationKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(d)?;
        EncodedActivationKey::new(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl JsonSchema for EncodedActivationKey {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("EncodedActivationKey")
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "byte",
            "maxLength": MAX_ENCODED_LEN,
        })
    }
}
