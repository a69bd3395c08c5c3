//! Members that carry secrets: activation keys, MACsec CAK/CKN and BGP MD5
//! passwords. DESIGN.md, "Conventions": secrets never reach Debug, Display,
//! logs or error messages.

#[cfg(feature = "schemars")]
use std::borrow::Cow;
use std::fmt;

#[cfg(feature = "schemars")]
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string member whose value is secret. It serializes as the plain string
/// (the wire needs it) but its `Debug` shows only its length, and it has no
/// `Display`. Call [`Secret::expose`] where the value is really needed.
///
/// Two secrets compare equal in time that depends only on their lengths
/// ([`constant_time_eq`]), so `==` on secrets leaks no prefix.
#[derive(Clone, Eq, Default)]
pub struct Secret(String);

/// Compares two byte strings in time that depends only on their lengths:
/// every byte of `a` is compared, whatever differs first. The one
/// comparison of secrets in the project (bearer tokens, account ids,
/// activation key texts, [`Secret`]'s `==`).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for (i, x) in a.iter().enumerate() {
        let y = b.get(i % b.len().max(1)).copied().unwrap_or(0);
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

/// The value's hash, consistent with `==` (equal secrets are equal bytes).
impl std::hash::Hash for Secret {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret value. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Length of the value in bytes (safe to show).
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Whether the value is `candidate`, compared in constant time
    /// ([`constant_time_eq`]).
    pub fn matches(&self, candidate: &[u8]) -> bool {
        constant_time_eq(self.0.as_bytes(), candidate)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<redacted, {} bytes>)", self.0.len())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    /// A string; any other JSON (or TOML) type is refused with an error
    /// that names the type received and never its value (serde's own
    /// message would quote it: ``invalid type: integer `1234…` ``).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_string(SecretVisitor)
    }
}

struct SecretVisitor;

/// The error for a secret member of the wrong type: the type only.
fn wrong_type<E: serde::de::Error>(received: &str) -> E {
    E::custom(format_args!(
        "invalid type: {received}, expected a string (the value is not shown)"
    ))
}

impl<'de> serde::de::Visitor<'de> for SecretVisitor {
    type Value = Secret;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Secret, E> {
        Ok(Secret(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Secret, E> {
        Ok(Secret(v))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Secret, E> {
        Err(wrong_type("boolean"))
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Secret, E> {
        Err(wrong_type("integer"))
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Secret, E> {
        Err(wrong_type("integer"))
    }

    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<Secret, E> {
        Err(wrong_type("integer"))
    }

    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<Secret, E> {
        Err(wrong_type("integer"))
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Secret, E> {
        Err(wrong_type("number"))
    }

    fn visit_char<E: serde::de::Error>(self, v: char) -> Result<Secret, E> {
        Ok(Secret(v.to_string()))
    }

    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<Secret, E> {
        Err(wrong_type("bytes"))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Secret, E> {
        Err(wrong_type("null"))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Secret, E> {
        Err(wrong_type("null"))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Secret, A::Error> {
        Err(wrong_type("array"))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<Secret, A::Error> {
        Err(wrong_type("object"))
    }
}

#[cfg(feature = "schemars")]
impl JsonSchema for Secret {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Secret")
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_comparison_is_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"abcd", b"abc"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(!constant_time_eq(b"a", b""));
        assert!(constant_time_eq(b"", b""));
        // a shorter candidate repeating the secret's start is no match
        assert!(!constant_time_eq(b"abab", b"ab"));
        let s = Secret::new("token");
        assert!(s.matches(b"token") && !s.matches(b"toke") && !s.matches(b"tokens"));
        assert_eq!(s, Secret::new("token"));
        assert_ne!(s, Secret::new("tokeN"));
    }

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("0123456789abcdef");
        let shown = format!("{s:?} {:?}", Some(&s));
        assert!(!shown.contains("0123"), "{shown}");
        assert!(shown.contains("16 bytes"), "{shown}");
    }

    #[test]
    fn serializes_as_a_plain_string() -> serde_json::Result<()> {
        assert_eq!(serde_json::to_string(&Secret::new("k"))?, "\"k\"");
        assert_eq!(serde_json::from_str::<Secret>("\"k\"")?.expose(), "k");
        Ok(())
    }
}
