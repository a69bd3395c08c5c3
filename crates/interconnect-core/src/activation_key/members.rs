//! Reading the decoded JSON of an activation key as a list of members,
//! rejecting a member that appears twice. (`serde_json` alone would keep
//! the last occurrence silently, so two providers could read one key
//! differently.)

use std::fmt;

use serde::Deserializer as _;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::error::ActivationKeyError;
use crate::names::shorten;

/// The members of the key's JSON object, in document order, each name once.
pub(super) struct Members(Vec<(String, Value)>);

impl Members {
    /// The value of member `name`, if present.
    pub(super) fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// Reads `json` as exactly one JSON object (whitespace around it allowed).
pub(super) fn read_object(json: &[u8]) -> Result<Members, ActivationKeyError> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let top = de
        .deserialize_any(TopLevelVisitor)
        .map_err(|e| ActivationKeyError::NotJson {
            line: e.line(),
            column: e.column(),
        })?;
    de.end().map_err(|_| ActivationKeyError::TrailingContent)?;
    match top {
        TopLevel::Object(members) => Ok(members),
        TopLevel::Duplicate(name) => Err(ActivationKeyError::DuplicateMember {
            member: shorten(&name),
        }),
        TopLevel::Other(found) => Err(ActivationKeyError::NotAnObject { found }),
    }
}

/// What the document turned out to be. Problems found while reading are
/// values, not errors, so they cannot be confused with syntax errors.
enum TopLevel {
    Object(Members),
    Duplicate(String),
    Other(&'static str),
}

/// The kind of a JSON value, for error messages that must not repeat it.
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

struct TopLevelVisitor;

impl<'de> Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let mut members: Vec<(String, Value)> = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.iter().any(|(n, _)| *n == name) {
                // Read the rest so that syntax errors still win.
                map.next_value::<IgnoredAny>()?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                return Ok(TopLevel::Duplicate(name));
            }
            let value = map.next_value::<Value>()?;
            members.push((name, value));
        }
        Ok(TopLevel::Object(Members(members)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TopLevel, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(TopLevel::Other("an array"))
    }

    fn visit_unit<E>(self) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("null"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a number"))
    }

    fn visit_str<E>(self, _: &str) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a string"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> Option<ActivationKeyError> {
        read_object(json.as_bytes()).err()
    }

    #[test]
    fn reads_members_in_order() -> Result<(), ActivationKeyError> {
        let members = read_object(br#" {"a": 1, "b": "x"} "#)?;
        assert_eq!(members.get("b"), Some(&Value::from("x")));
        assert_eq!(members.get("c"), None);
        Ok(())
    }

    #[test]
    fn a_repeated_member_is_rejected_even_with_equal_values() {
        assert_eq!(
            err(r#"{"version": 1, "version": 1}"#),
            Some(ActivationKeyError::DuplicateMember {
                member: "version".into()
            })
        );
        // The same name written with an escape is the same member.
        assert_eq!(
            err(r#"{"version": 1, "v\u0065rsion": 2, "x": [1]}"#),
            Some(ActivationKeyError::DuplicateMember {
                member: "version".into()
            })
        );
    }

    #[test]
    fn a_syntax_error_after_a_duplicate_is_still_a_syntax_error() {
        assert!(matches!(
            err(r#"{"a": 1, "a": 2, "b": }"#),
            Some(ActivationKeyError::NotJson { .. })
        ));
    }

    #[test]
    fn other_top_level_values_are_named() {
        for (json, found) in [
            ("[1, {}]", "an array"),
            ("null", "null"),
            ("true", "a boolean"),
            ("-3", "a number"),
            ("18446744073709551615", "a number"),
            ("1.5", "a number"),
            ("\"s\\n\"", "a string"),
        ] {
            assert_eq!(
                err(json),
                Some(ActivationKeyError::NotAnObject { found }),
                "{json}"
            );
        }
    }

    #[test]
    fn content_after_the_object_is_rejected() {
        assert_eq!(err("{} {}"), Some(ActivationKeyError::TrailingContent));
        assert_eq!(err("{}x"), Some(ActivationKeyError::TrailingContent));
    }

    #[test]
    fn deep_nesting_is_a_syntax_error_not_a_crash() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(2000), "]".repeat(2000));
        assert!(matches!(
            err(&deep),
            Some(ActivationKeyError::NotJson { .. })
        ));
    }
}
