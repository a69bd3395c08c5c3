//! Property tests: every wire type survives value -> JSON -> value
//! unchanged, read back through [`super::from_json`], and the JSON it writes
//! is valid against the JSON Schema the registry publishes for it.

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::arbitrary as arb;
use super::*;

#[cfg(feature = "schemars")]
/// Removes `enum` lists: the strategies also draw unknown enum values,
/// which we read and write but the published schema does not list.
fn without_enums(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(obj) => {
            obj.remove("enum");
            obj.values_mut().for_each(without_enums);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(without_enums),
        _ => {}
    }
}

/// What a round-tripped type needs: its JSON Schema when the `schemars`
/// feature is on (the written JSON is checked against it), nothing more
/// otherwise.
#[cfg(feature = "schemars")]
trait Published: schemars::JsonSchema {}
#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> Published for T {}
#[cfg(not(feature = "schemars"))]
trait Published {}
#[cfg(not(feature = "schemars"))]
impl<T> Published for T {}

/// Writes `value` as JSON, checks it against the type's published schema
/// (with the `schemars` feature), reads it back and compares.
fn round_trip<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug + Published,
{
    let fail = |e: &dyn std::fmt::Display| TestCaseError::fail(e.to_string());
    #[cfg(feature = "schemars")]
    {
        let json = serde_json::to_value(value).map_err(|e| fail(&e))?;
        let mut schema = super::registry::schema_of::<T>().to_value();
        without_enums(&mut schema);
        let validator = jsonschema::validator_for(&schema).map_err(|e| fail(&e))?;
        if let Err(e) = validator.validate(&json) {
            return Err(fail(&format!("{json} does not match its schema: {e}")));
        }
    }
    let text = serde_json::to_vec(value).map_err(|e| fail(&e))?;
    let back: T = from_json(&text).map_err(|e| fail(&e))?;
    prop_assert_eq!(&back, value);
    Ok(())
}

/// One proptest per wire type.
macro_rules! round_trips {
    ($($test:ident: $strategy:expr),+ $(,)?) => {
        proptest! {
            $(
                #[test]
                fn $test(value in $strategy) {
                    round_trip(&value)?;
                }
            )+
        }
    };
}

round_trips! {
    channel: arb::channel(),
    list_channels_response: arb::list_channels_response(),
    notify_maintenance_request: arb::notify_maintenance_request(),
    maintenance_event: arb::maintenance_event(),
    get_maintenance_events_response: arb::get_maintenance_events_response(),
    mac_sec_key_rotation_request: arb::mac_sec_key_rotation_request(),
    admin_state: arb::admin_state(),
    verification_state: arb::verification_state(),
    provisioning_state: arb::provisioning_state(),
    empty: Just(Empty {}),
    connection: arb::connection(),
    feature_guidance: arb::feature_guidance(),
    l3_base_guidance: arb::l3_base_guidance(),
    asn_range: arb::asn_range(),
    subnet_guidance: arb::subnet_guidance(),
    vlan_range: arb::vlan_range(),
    mtu_range: arb::mtu_range(),
    list_connections_response: arb::list_connections_response(),
    generate_feature_guidance_request: Just(GenerateFeatureGuidanceRequest {}),
    generate_feature_guidance_response: arb::generate_feature_guidance_response(),
    notify_connection_status_request: Just(NotifyConnectionStatusRequest {}),
    environment: arb::environment(),
    provider_sites: arb::provider_sites(),
    environment_visibility: arb::environment_visibility(),
    list_environments_response: arb::list_environments_response(),
    confirm_activation_key_request: arb::confirm_activation_key_request(),
    activation_key: arb::activation_key(),
    confirm_activation_key_response: arb::confirm_activation_key_response(),
    feature: arb::feature(),
    feature_type: arb::feature_type(),
    feature_config: arb::feature_config(),
    l3_base_config: arb::l3_base_config(),
    provider_bgp_config: arb::provider_bgp_config(),
    list_features_response: arb::list_features_response(),
    interconnect: arb::interconnect(),
    interconnect_state: arb::interconnect_state(),
    list_interconnects_response: arb::list_interconnects_response(),
    state: arb::state(),
    priority: arb::priority(),
    issue_context: arb::issue_context(),
    channel_context: arb::channel_context(),
    connection_context: arb::connection_context(),
    feature_context: arb::feature_context(),
    interconnect_context: arb::interconnect_context(),
    issue: arb::issue(),
    comment: arb::comment(),
    add_comment_request: arb::add_comment_request(),
    add_comment_response: arb::add_comment_response(),
    close_issue_request: Just(CloseIssueRequest {}),
    close_issue_response: Just(CloseIssueResponse {}),
    list_comments_response: arb::list_comments_response(),
    list_issues_response: arb::list_issues_response(),
    mac_sec_key: arb::mac_sec_key(),
    list_mac_sec_keys_response: arb::list_mac_sec_keys_response(),
    provider: arb::provider(),
    list_providers_response: arb::list_providers_response(),
}

/// The schema check above can fail: published schemas reject documents our
/// types reject.
#[test]
#[cfg(feature = "schemars")]
fn published_schemas_reject_what_the_types_reject() -> Result<(), Box<dyn std::error::Error>> {
    let key = jsonschema::validator_for(&super::registry::schema_of::<ActivationKey>().to_value())?;
    assert!(!key.is_valid(&serde_json::json!({"version": 1})));
    let channel = jsonschema::validator_for(&super::registry::schema_of::<Channel>().to_value())?;
    assert!(!channel.is_valid(&serde_json::json!({"aggregateChannelSizeGbps": "x"})));
    assert!(!channel.is_valid(&serde_json::json!({"name": "providers/aws"})));
    assert!(channel.is_valid(&serde_json::json!({"macsecManagerProvider": "aws"})));
    Ok(())
}
