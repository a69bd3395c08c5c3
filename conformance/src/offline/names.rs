//! `names.json`: resource names of every kind (`NAME-*` rows of
//! `spec/REQUIREMENTS.md`; the `Format:` lines of `schemas/*.yaml` and the
//! paths of `openapi.yaml`) parsed with the `FromStr` of
//! `interconnect_core::names`.
//!
//! Input `{"kind": k, "text": t}` with `k` one of `provider`,
//! `providerReference`, `environment`, `interconnect`, `channel`,
//! `macSecKey`, `connection`, `feature`, `issue`. Expected `{"valid": true}`
//! (and then the name must display as exactly `t`, NAME-12, or as
//! `"display"` when given) or `{"valid": false, "rule": id}`.

use std::fmt::Display;
use std::str::FromStr;

use interconnect_core::names::{
    ChannelName, ConnectionName, EnvironmentName, FeatureName, InterconnectName, IssueName,
    MacSecKeyName, NameError, ProviderName,
};
use serde_json::Value;

use super::{bad_input, mismatch};
use crate::outcome::Verdict;

/// The requirement id a name error breaks (the core error names it).
pub fn rule_of(error: &NameError) -> &'static str {
    error.rule()
}

fn parse<T: FromStr<Err = NameError> + Display>(text: &str) -> Result<String, NameError> {
    text.parse::<T>().map(|n| n.to_string())
}

/// Runs one vector.
pub fn run(input: &Value, expected: &Value) -> Verdict {
    let text = input
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let result = match input
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
    {
        "provider" => parse::<ProviderName>(text),
        "providerReference" => ProviderName::parse_reference(text).map(|n| n.to_string()),
        "environment" => parse::<EnvironmentName>(text),
        "interconnect" => parse::<InterconnectName>(text),
        "channel" => parse::<ChannelName>(text),
        "macSecKey" => parse::<MacSecKeyName>(text),
        "connection" => parse::<ConnectionName>(text),
        "feature" => parse::<FeatureName>(text),
        "issue" => parse::<IssueName>(text),
        other => return bad_input("kind", format!("{other:?} is not a name kind")),
    };
    let valid = expected
        .get("valid")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    match (result, valid) {
        (Ok(shown), true) => {
            let want = expected
                .get("display")
                .and_then(Value::as_str)
                .unwrap_or(text);
            if shown == want {
                Verdict::Pass
            } else {
                mismatch("displayed name", format!("{want:?}"), format!("{shown:?}"))
            }
        }
        (Ok(_), false) => mismatch(
            "parse",
            format!(
                "a rejection ({})",
                expected.get("rule").and_then(Value::as_str).unwrap_or("?")
            ),
            "a valid name",
        ),
        (Err(e), true) => Verdict::Fail {
            mismatch: format!("parse: expected a valid name, got {} ({e})", rule_of(&e)),
        },
        (Err(e), false) => {
            let want = expected.get("rule").and_then(Value::as_str).unwrap_or("?");
            if want == rule_of(&e) {
                Verdict::Pass
            } else {
                Verdict::Fail {
                    mismatch: format!("rejection rule: expected {want}, got {} ({e})", rule_of(&e)),
                }
            }
        }
    }
}
