//! Upstream `required` lists of members we still read leniently.
//!
//! Upstream main (`schemas/connection.yaml`, `schemas/feature.yaml`,
//! PRs #55 and #60) added `required` lists to `L3BaseGuidance`,
//! `FeatureConfig`, `L3BaseConfig` and `ProviderBgpConfig`. A May peer may
//! still omit those members, so our types read them as optional (absence is
//! then judged by the validation rules, `spec/ERRATA.md` E-162) while we
//! always write them. schemars marks a member required only when serde has
//! no default for it, so the published schemas get these lists from the
//! functions below (`#[schemars(transform = ...)]`).

use schemars::Schema;
use serde_json::Value;

/// Adds `members` to the `required` list of an object schema, keeping the
/// upstream order and never listing a member twice.
fn require(schema: &mut Schema, members: &[&str]) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let list = obj
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = list {
        for member in members {
            if !list.iter().any(|m| m == member) {
                list.push(Value::from(*member));
            }
        }
    }
}

/// `L3BaseGuidance.required` (PR #55).
pub(crate) fn l3_base_guidance(schema: &mut Schema) {
    require(
        schema,
        &[
            "asnRanges",
            "vlanRanges",
            "mtuRanges",
            "maxReceivedBgpRoutePrefixes",
        ],
    );
}

/// `FeatureConfig.required` (PR #60).
pub(crate) fn feature_config(schema: &mut Schema) {
    require(schema, &["featureType"]);
}

/// `L3BaseConfig.required` (PR #60).
pub(crate) fn l3_base_config(schema: &mut Schema) {
    require(
        schema,
        &["md5BgpPassword", "mtuBytes", "providerBgpConfigs", "vlanId"],
    );
}

/// `ProviderBgpConfig.required` (PR #60).
pub(crate) fn provider_bgp_config(schema: &mut Schema) {
    require(schema, &["asn", "provider"]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_added_once_in_order() {
        let mut s = schemars::json_schema!({"type": "object", "required": ["asn"]});
        provider_bgp_config(&mut s);
        provider_bgp_config(&mut s);
        assert_eq!(
            s.get("required"),
            Some(&serde_json::json!(["asn", "provider"]))
        );
        let mut not_an_object = Schema::from(true);
        feature_config(&mut not_an_object);
        assert_eq!(not_an_object, Schema::from(true));
    }
}
