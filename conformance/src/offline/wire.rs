//! `wire/<Schema>.json`: documents read as the wire type of one schema of
//! the specification (`components.schemas` of `openapi.yaml`, `WIRE-*`
//! rows) with `interconnect_core::wire::parse_value_by_name`, in the manner
//! of JSON-Schema-Test-Suite. Where a rule is stated only in prose, the
//! document is then checked with the `interconnect_core::validation`
//! function for its type, and the case's `rule` names the rule expected.
//!
//! A case passes when: `valid` is true and the document decodes and
//! breaks no prose rule; or `valid` is false, `rule` is absent and decoding
//! fails (naming `path`, when the case gives one); or `valid` is false,
//! decoding succeeds and the validator reports `rule`.

use interconnect_core::validation::{
    Violation, validate_environment, validate_issue, validate_l3_guidance, validate_mac_sec_key,
    validate_maintenance_event,
};
use interconnect_core::wire::{
    Environment, Issue, L3BaseGuidance, MacSecKey, MaintenanceEvent, from_value,
    parse_value_by_name,
};
use serde_json::Value;

use super::mismatch;
use crate::outcome::Verdict;
use crate::vectors::WireCase;

/// Runs one case of the file for `schema`.
pub fn run(schema: &str, case: &WireCase) -> Verdict {
    let Some(decoded) = parse_value_by_name(schema, case.data.clone()) else {
        return Verdict::Fail {
            mismatch: format!("{schema} is not a schema of the specification"),
        };
    };
    match (decoded, case.valid, &case.rule) {
        (Err(e), false, None) => match (&case.path, e.path()) {
            (Some(want), Some(got)) if want != got => mismatch("decode error path", want, got),
            (Some(want), None) => mismatch("decode error path", want, format!("none ({e})")),
            _ => Verdict::Pass,
        },
        (Err(e), _, _) => Verdict::Fail {
            mismatch: format!("decode: expected the document to be read, got: {e}"),
        },
        (Ok(()), valid, rule) => {
            let found: Vec<&'static str> = prose_rules(schema, &case.data)
                .iter()
                .map(|v| v.rule)
                .collect();
            match (valid, rule) {
                (true, _) if found.is_empty() => Verdict::Pass,
                (true, _) => mismatch("prose rules", "none broken", found.join(", ")),
                (false, None) => mismatch("decode", "an error", "the document was read"),
                (false, Some(want)) if found.contains(&want.as_str()) => Verdict::Pass,
                (false, Some(want)) => mismatch(
                    "prose rules",
                    want,
                    if found.is_empty() {
                        "none broken".to_owned()
                    } else {
                        found.join(", ")
                    },
                ),
            }
        }
    }
}

/// The violations of the prose-only rules of `schema`, for the schemas that
/// have a validation function (none for the others).
fn prose_rules(schema: &str, data: &Value) -> Vec<Violation> {
    let data = data.clone();
    match schema {
        "Environment" => from_value::<Environment>(data)
            .map(|v| validate_environment(&v))
            .unwrap_or_default(),
        "Issue" => from_value::<Issue>(data)
            .map(|v| validate_issue(&v))
            .unwrap_or_default(),
        "MacSecKey" => from_value::<MacSecKey>(data)
            .map(|v| validate_mac_sec_key(&v))
            .unwrap_or_default(),
        "MaintenanceEvent" => from_value::<MaintenanceEvent>(data)
            .map(|v| validate_maintenance_event(&v))
            .unwrap_or_default(),
        "L3BaseGuidance" => from_value::<L3BaseGuidance>(data)
            .map(|v| validate_l3_guidance(&v, ""))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}
