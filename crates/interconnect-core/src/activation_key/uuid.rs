//! The connection UUID: `ActivationKey.sharedConnectionUuid` in
//! `schemas/environment.yaml`, "The UUID assigned to this connection to be
//! used by both services". It is also the `{connection}` id of the
//! connection's `ConnectionName` on both providers.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "schemars")]
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// Positions of the hyphens in the canonical `8-4-4-4-12` form.
const HYPHENS: [usize; 4] = [8, 13, 18, 23];
/// Length of the canonical form.
const LEN: usize = 36;

/// A UUID in its canonical textual form (`8-4-4-4-12` hexadecimal digits),
/// parsed case-insensitively and kept in lowercase. Any 128-bit value is
/// accepted: the specification does not ask for a particular UUID version.
///
/// Its `Debug` and `Display` show the UUID, because it is also a resource id.
/// Inside an activation key it is a secret: the key types never show it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionUuid(String);

impl ConnectionUuid {
    /// The UUID holding these 16 bytes (for example fresh random bytes).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        let mut text = String::with_capacity(LEN);
        for (i, byte) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                text.push('-');
            }
            text.push_str(&format!("{byte:02x}"));
        }
        ConnectionUuid(text)
    }

    /// The lowercase canonical form, usable as the `{connection}` segment of
    /// a `ConnectionName`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Text that is not a UUID in canonical form. The text itself is never
/// repeated: inside an activation key it is a secret.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum UuidError {
    /// The text is not 36 characters long.
    #[error("a UUID is 36 characters (8-4-4-4-12 hexadecimal digits), found {len}")]
    WrongLength {
        /// Its length in bytes.
        len: usize,
    },
    /// A character is not where the `8-4-4-4-12` form wants it: a hyphen
    /// elsewhere than at positions 8, 13, 18 and 23, or a non-hexadecimal
    /// digit.
    #[error(
        "character {position} of the UUID should be {expected} (form 8-4-4-4-12 hexadecimal digits)"
    )]
    UnexpectedCharacter {
        /// Zero-based byte position of the character.
        position: usize,
        /// What belongs there: `"a hyphen"` or `"a hexadecimal digit"`.
        expected: &'static str,
    },
}

impl FromStr for ConnectionUuid {
    type Err = UuidError;
    fn from_str(text: &str) -> Result<Self, UuidError> {
        if text.len() != LEN {
            return Err(UuidError::WrongLength { len: text.len() });
        }
        for (position, byte) in text.bytes().enumerate() {
            let (ok, expected) = if HYPHENS.contains(&position) {
                (byte == b'-', "a hyphen")
            } else {
                (byte.is_ascii_hexdigit(), "a hexadecimal digit")
            };
            if !ok {
                return Err(UuidError::UnexpectedCharacter { position, expected });
            }
        }
        Ok(ConnectionUuid(text.to_ascii_lowercase()))
    }
}

impl fmt::Display for ConnectionUuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ConnectionUuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConnectionUuid({:?})", self.0)
    }
}

impl Serialize for ConnectionUuid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ConnectionUuid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl JsonSchema for ConnectionUuid {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("ConnectionUuid")
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPPER: &str = "5F0C8A2E-1B3D-4C5E-9F60-7A8B9C0D1E2F";

    #[test]
    fn parses_any_case_and_keeps_lowercase() -> Result<(), UuidError> {
        let uuid: ConnectionUuid = UPPER.parse()?;
        assert_eq!(uuid.as_str(), UPPER.to_ascii_lowercase());
        assert_eq!(uuid.to_string(), uuid.as_str());
        Ok(())
    }

    #[test]
    fn from_bytes_writes_the_canonical_form() -> Result<(), UuidError> {
        let bytes = [
            0x5f, 0x0c, 0x8a, 0x2e, 0x1b, 0x3d, 0x4c, 0x5e, 0x9f, 0x60, 0x7a, 0x8b, 0x9c, 0x0d,
            0x1e, 0x2f,
        ];
        assert_eq!(ConnectionUuid::from_bytes(bytes), UPPER.parse()?);
        Ok(())
    }

    #[test]
    fn rejects_wrong_length() {
        assert_eq!(
            "5f0c".parse::<ConnectionUuid>(),
            Err(UuidError::WrongLength { len: 4 })
        );
        let braced = format!("{{{UPPER}}}");
        assert_eq!(
            braced.parse::<ConnectionUuid>(),
            Err(UuidError::WrongLength { len: 38 })
        );
    }

    #[test]
    fn rejects_misplaced_hyphens_and_non_hex() {
        // 36 characters, but the first hyphen moved one place right.
        let moved = "5F0C8A2E1-B3D-4C5E-9F60-7A8B9C0D1E2F";
        assert_eq!(
            moved.parse::<ConnectionUuid>(),
            Err(UuidError::UnexpectedCharacter {
                position: 8,
                expected: "a hyphen"
            })
        );
        let not_hex = "5F0C8A2E-1B3D-4C5E-9F60-7A8B9C0D1E2G";
        let err = not_hex.parse::<ConnectionUuid>();
        assert_eq!(
            err,
            Err(UuidError::UnexpectedCharacter {
                position: 35,
                expected: "a hexadecimal digit"
            })
        );
        let hyphen_in_hex = "5F0C8A2E-1B3D-4C5E-9F60-7A8B9C0D1E-F";
        assert!(hyphen_in_hex.parse::<ConnectionUuid>().is_err());
    }

    #[test]
    fn errors_do_not_repeat_the_text() {
        let text = "5F0C8A2E-1B3D-4C5E-9F60-7A8B9C0DXXXX";
        let err = text.parse::<ConnectionUuid>().err().map(|e| e.to_string());
        let shown = err.unwrap_or_default();
        assert!(!shown.contains("5F0C"), "{shown}");
        assert!(shown.contains("32"), "{shown}");
    }

    #[test]
    fn serde_is_the_string() -> serde_json::Result<()> {
        let uuid: ConnectionUuid = serde_json::from_str(&format!("\"{UPPER}\""))?;
        assert_eq!(
            serde_json::to_string(&uuid)?,
            format!("\"{}\"", UPPER.to_ascii_lowercase())
        );
        assert!(serde_json::from_str::<ConnectionUuid>("\"x\"").is_err());
        Ok(())
    }
}
