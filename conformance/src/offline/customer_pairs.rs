//! `customer_pairs.json`: the customer's two ends checked against each
//! other before anything is created (`CUST-*` rows; the product
//! announcements and `docs/ConnectionCoordinatorAPI.md`, "Bandwidth
//! Choice") with `interconnect_core::customer::validate_pair`.
//!
//! Input `{"local": Attachment, "remote": Attachment, "context":
//! PairContext}` (context optional); expected `{"valid": true}` or
//! `{"violations": [rule ids]}`, the exact set.

use interconnect_core::customer::{Attachment, PairContext, validate_pair};
use serde_json::Value;

use super::{bad_input, compare_rules};
use crate::outcome::Verdict;

/// Runs one vector.
pub fn run(input: &Value, expected: &Value) -> Verdict {
    let end = |member: &str| -> Result<Attachment, Verdict> {
        serde_json::from_value(input.get(member).cloned().unwrap_or(Value::Null))
            .map_err(|e| bad_input(member, e))
    };
    let (local, remote) = match (end("local"), end("remote")) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(v), _) | (_, Err(v)) => return v,
    };
    let context: PairContext = match input.get("context") {
        None => PairContext::default(),
        Some(c) => match serde_json::from_value(c.clone()) {
            Ok(c) => c,
            Err(e) => return bad_input("context", e),
        },
    };
    let found = validate_pair(&local, &remote, &context);
    compare_rules(expected, found.iter().map(|v| v.rule))
}
