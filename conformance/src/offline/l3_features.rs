//! `l3_features.json`: proposed L3 base features judged against the
//! responder's guidance (`docs/Protocols.md`, "Negotiate Feature
//! Parameters"; `L3-*` rows), and guidance judged on its own (`GUIDE-4` to
//! `GUIDE-14`), with `interconnect_core::validation`.
//!
//! Input for a proposal: `{"connection", "negotiator", "responder",
//! "guidance", "used": {"vlans", "subnets"}, "feature"}`; for guidance
//! alone: `{"guidance"}`. Expected: `{"valid": true}` or `{"violations":
//! [rule ids]}`, the exact set of rules broken.

use interconnect_core::names::{ConnectionName, ProviderName};
use interconnect_core::validation::{
    ChannelUsage, L3Context, validate_l3_feature, validate_l3_guidance,
};
use interconnect_core::wire::{Feature, L3BaseGuidance, from_value};
use serde_json::Value;

use super::{bad_input, compare_rules};
use crate::outcome::Verdict;

/// Runs one vector.
pub fn run(input: &Value, expected: &Value) -> Verdict {
    let guidance: L3BaseGuidance =
        match from_value(input.get("guidance").cloned().unwrap_or(Value::Null)) {
            Ok(g) => g,
            Err(e) => return bad_input("guidance", e),
        };
    let Some(feature) = input.get("feature") else {
        let found = validate_l3_guidance(&guidance, "");
        return compare_rules(expected, found.iter().map(|v| v.rule));
    };
    let feature: Feature = match from_value(feature.clone()) {
        Ok(f) => f,
        Err(e) => return bad_input("feature", e),
    };
    let name = |member: &str| {
        input
            .get(member)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let connection: ConnectionName = match name("connection").parse() {
        Ok(c) => c,
        Err(e) => return bad_input("connection", e),
    };
    let negotiator = match ProviderName::parse_reference(name("negotiator")) {
        Ok(p) => p,
        Err(e) => return bad_input("negotiator", e),
    };
    let responder = match ProviderName::parse_reference(name("responder")) {
        Ok(p) => p,
        Err(e) => return bad_input("responder", e),
    };
    let used = match usage(input.get("used")) {
        Ok(u) => u,
        Err(why) => return bad_input("used", why),
    };
    let ctx = L3Context {
        connection: &connection,
        guidance: &guidance,
        negotiator: &negotiator,
        responder: &responder,
        used: &used,
    };
    let found = validate_l3_feature(&feature, &ctx);
    compare_rules(expected, found.iter().map(|v| v.rule))
}

/// `{"vlans": [ints], "subnets": [CIDR]}`, both optional.
fn usage(used: Option<&Value>) -> Result<ChannelUsage, String> {
    let mut out = ChannelUsage::default();
    let Some(used) = used else {
        return Ok(out);
    };
    for v in used
        .get("vlans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let vlan = v
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or("a VLAN is not an int32")?;
        out.vlans.push(vlan);
    }
    for s in used
        .get("subnets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let net = s
            .as_str()
            .and_then(|t| t.parse().ok())
            .ok_or("a subnet is not CIDR")?;
        out.subnets.push(net);
    }
    Ok(out)
}
