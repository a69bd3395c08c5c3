//! `activation_keys.json`: decoding and encoding activation keys
//! (`ActivationKey` in `schemas/environment.yaml`; `KEY-1` to `KEY-11` of
//! `spec/REQUIREMENTS.md`) with `interconnect_core::activation_key`.
//!
//! Input `{"decode": text}` expects either `{"key": {five members}}` (and,
//! optionally, `"encoded"`: the canonical text the decoded key encodes back
//! to) or `{"error": rule id}`. Input `{"encode": {five members}}` expects
//! `{"encoded": text}` or `{"error": rule id}`.
//!
//! Failure messages never show the key text, the shared connection UUID or
//! the destination account id (`KEY-13`): they name the member that differs
//! and, for texts, the lengths and the first differing byte.

use interconnect_core::activation_key::{
    ActivationKeyError, ActivationKeyV1, DecodedActivationKey, EncodedActivationKey,
};
use interconnect_core::wire::Secret;
use serde_json::Value;

use super::{bad_input, mismatch};
use crate::outcome::Verdict;

/// Runs one vector.
pub fn run(input: &Value, expected: &Value) -> Verdict {
    if let Some(text) = input.get("decode").and_then(Value::as_str) {
        return decode(text, expected);
    }
    match input.get("encode") {
        Some(members) => encode(members, expected),
        None => bad_input("decode", "neither decode nor encode is given"),
    }
}

/// The requirement id an error breaks (the core error names it).
pub fn rule_of(error: &ActivationKeyError) -> &'static str {
    error.rule()
}

fn decode(text: &str, expected: &Value) -> Verdict {
    let result = EncodedActivationKey::new(text).and_then(|k| k.decode());
    match (result, expected.get("error").and_then(Value::as_str)) {
        (Err(e), Some(want)) => check_rule(want, rule_of(&e)),
        (Err(e), None) => Verdict::Fail {
            mismatch: format!(
                "decode: expected a key, got an error ({}): {e}",
                rule_of(&e)
            ),
        },
        (Ok(_), Some(want)) => mismatch("decode", format!("an error ({want})"), "a key"),
        (Ok(DecodedActivationKey::V1(key)), None) => {
            if let Some(members) = expected.get("key")
                && let Some(diff) = differs(&key, members)
            {
                return Verdict::Fail { mismatch: diff };
            }
            match expected.get("encoded").and_then(Value::as_str) {
                Some(want) => compare_text("re-encoded key", want, key.encode().expose()),
                None => Verdict::Pass,
            }
        }
        (Ok(other), None) => mismatch("decode: version", 1, other.version()),
    }
}

fn encode(members: &Value, expected: &Value) -> Verdict {
    let result = build(members);
    match (result, expected.get("error").and_then(Value::as_str)) {
        (Err(e), Some(want)) => check_rule(want, rule_of(&e)),
        (Err(e), None) => Verdict::Fail {
            mismatch: format!(
                "encode: expected a key, got an error ({}): {e}",
                rule_of(&e)
            ),
        },
        (Ok(_), Some(want)) => mismatch("encode", format!("an error ({want})"), "a key"),
        (Ok(key), None) => match expected.get("encoded").and_then(Value::as_str) {
            Some(want) => compare_text("encoded key", want, key.encode().expose()),
            None => Verdict::Pass,
        },
    }
}

/// Builds a key from its members as `ActivationKeyV1::new` would receive
/// them, mapping member parse errors to the key's own errors.
fn build(members: &Value) -> Result<ActivationKeyV1, ActivationKeyError> {
    let text = |m: &'static str| members.get(m).and_then(Value::as_str).unwrap_or_default();
    let environment = text("destinationEnvironmentUri")
        .parse()
        .map_err(ActivationKeyError::InvalidEnvironment)?;
    let uuid = text("sharedConnectionUuid")
        .parse()
        .map_err(ActivationKeyError::InvalidUuid)?;
    let size = members
        .get("connectionSizeMbps")
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
        .unwrap_or(0);
    ActivationKeyV1::new(
        environment,
        uuid,
        size,
        Secret::new(text("destinationAccountId")),
    )
}

fn check_rule(want: &str, got: &str) -> Verdict {
    if want == got {
        Verdict::Pass
    } else {
        mismatch("rejection rule", want, got)
    }
}

/// The first member of `key` that differs from `members`, named without
/// showing secret values.
fn differs(key: &ActivationKeyV1, members: &Value) -> Option<String> {
    let s = |m: &str| members.get(m).and_then(Value::as_str).unwrap_or_default();
    let version = members.get("version").and_then(Value::as_i64);
    if version.is_some_and(|v| v != i64::from(ActivationKeyV1::VERSION)) {
        return Some(format!(
            "member version: expected {version:?}, got {}",
            ActivationKeyV1::VERSION
        ));
    }
    let env = key.destination_environment().to_string();
    if env != s("destinationEnvironmentUri") {
        return Some(format!(
            "member destinationEnvironmentUri: expected {}, got {env}",
            s("destinationEnvironmentUri")
        ));
    }
    let size = members.get("connectionSizeMbps").and_then(Value::as_i64);
    if size != Some(i64::from(key.connection_size_mbps())) {
        return Some(format!(
            "member connectionSizeMbps: expected {size:?}, got {}",
            key.connection_size_mbps()
        ));
    }
    if key.shared_connection_uuid().as_str() != s("sharedConnectionUuid") {
        return Some("member sharedConnectionUuid differs (value not shown: secret)".to_owned());
    }
    if key.destination_account_id().expose() != s("destinationAccountId") {
        return Some("member destinationAccountId differs (value not shown: secret)".to_owned());
    }
    None
}

/// Compares two key texts without showing them.
fn compare_text(what: &str, want: &str, got: &str) -> Verdict {
    if want == got {
        return Verdict::Pass;
    }
    let at = want
        .bytes()
        .zip(got.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| want.len().min(got.len()));
    Verdict::Fail {
        mismatch: format!(
            "{what}: expected {} bytes, got {} bytes, first difference at byte {at} (text not shown: secret)",
            want.len(),
            got.len()
        ),
    }
}
