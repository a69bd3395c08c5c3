//! The JSON Schema of every wire type, under the name the specification
//! gives it in `components.schemas` (`openapi.yaml`), in the specification's
//! order. Used to publish our schemas and to compare them with upstream.

#[cfg(feature = "schemars")]
use schemars::generate::SchemaSettings;
#[cfg(feature = "schemars")]
use schemars::transform::RecursiveTransform;
#[cfg(feature = "schemars")]
use schemars::{JsonSchema, Schema};
use serde_json::Value;

use super::*;

/// Number of schemas under `components.schemas` in the specification.
pub const SCHEMA_COUNT: usize = 64;

/// JSON Schema (draft 2020-12) of one wire type. Optional members are plain
/// (`Option<T>` is `T`, not `T | null`), because the wire omits absent
/// members instead of writing `null`. schemars 1.x has no setting for this
/// (0.8 had `option_add_null_type`), so a transform removes the `null`
/// alternatives it adds.
#[cfg(feature = "schemars")]
pub(crate) fn schema_of<T: JsonSchema>() -> Schema {
    SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(drop_null as fn(&mut Schema)))
        .into_generator()
        .into_root_schema_for::<T>()
}

/// Removes the `null` alternative schemars adds for `Option<T>`: `"type":
/// [T, "null"]` becomes `"type": T`, and `"anyOf": [S, {"type": "null"}]`
/// becomes `S`.
#[cfg(feature = "schemars")]
fn drop_null(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            obj.insert("type".into(), only);
        }
    }
    let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
    let rest = match obj.get("anyOf") {
        Some(Value::Array(any)) if any.len() == 2 && any.iter().any(is_null) => {
            any.iter().find(|v| !is_null(v)).cloned()
        }
        _ => None,
    };
    if let Some(Value::Object(rest)) = rest {
        obj.remove("anyOf");
        for (key, value) in rest {
            obj.entry(key).or_insert(value);
        }
    }
}

/// Defines, from one list of `upstream name => Rust type` pairs, the
/// functions that need a type per schema name: [`schemas`],
/// [`parse_by_name`] and [`parse_value_by_name`].
macro_rules! registry {
    ($($name:literal => $ty:ty),+ $(,)?) => {
        /// For each schema of the specification, in its order: the upstream
        /// name (for example `ASNRange`) and the JSON Schema of the Rust type
        /// that implements it.
        #[cfg(feature = "schemars")]
        pub fn schemas() -> Vec<(&'static str, Schema)> {
            vec![$(($name, schema_of::<$ty>())),+]
        }

        /// Reads `bytes` as the Rust type of the upstream schema `name`
        /// (`None` when no type has that name), with the checks of
        /// [`from_json`](super::from_json).
        pub fn parse_by_name(name: &str, bytes: &[u8]) -> Option<Result<(), DecodeError>> {
            match name {
                $($name => Some(super::from_json::<$ty>(bytes).map(|_| ())),)+
                _ => None,
            }
        }

        /// Reads a JSON value as the Rust type of the upstream schema `name`
        /// (`None` when no type has that name).
        pub fn parse_value_by_name(name: &str, value: Value) -> Option<Result<(), DecodeError>> {
            match name {
                $($name => Some(super::from_value::<$ty>(value).map(|_| ())),)+
                _ => None,
            }
        }
    };
}

registry![
    "Channel" => Channel,
    "ListChannelsResponse" => ListChannelsResponse,
    "NotifyMaintenanceRequest" => NotifyMaintenanceRequest,
    "MaintenanceEvent" => MaintenanceEvent,
    "GetMaintenanceEventsResponse" => GetMaintenanceEventsResponse,
    "MacSecKeyRotationRequest" => MacSecKeyRotationRequest,
    "AdminState" => AdminState,
    "VerificationState" => VerificationState,
    "ProvisioningState" => ProvisioningState,
    "Empty" => Empty,
    "ConnectionType" => ConnectionType,
    "Connection" => Connection,
    "FeatureGuidance" => FeatureGuidance,
    "L3BaseGuidance" => L3BaseGuidance,
    "ASNRange" => AsnRange,
    "SubnetGuidance" => SubnetGuidance,
    "VLANRange" => VlanRange,
    "MTURange" => MtuRange,
    "ListConnectionsResponse" => ListConnectionsResponse,
    "GenerateFeatureGuidanceRequest" => GenerateFeatureGuidanceRequest,
    "GenerateFeatureGuidanceResponse" => GenerateFeatureGuidanceResponse,
    "NotifyConnectionStatusRequest" => NotifyConnectionStatusRequest,
    "EncodedKey" => EncodedKey,
    "SourceConnectionName" => SourceConnectionName,
    "Environment" => Environment,
    "ProviderSites" => ProviderSites,
    "EnvironmentVisibility" => EnvironmentVisibility,
    "ListEnvironmentsResponse" => ListEnvironmentsResponse,
    "ConfirmActivationKeyRequest" => ConfirmActivationKeyRequest,
    "ActivationKey" => ActivationKey,
    "ActivationKeyV1" => ActivationKeyV1,
    "ActivationKeyV2" => ActivationKeyV2,
    "ActivationKeyEncryptedPayload" => ActivationKeyEncryptedPayload,
    "ConfirmActivationKeyResponse" => ConfirmActivationKeyResponse,
    "GetActivationKeyParametersResponse" => GetActivationKeyParametersResponse,
    "EncryptionParameters" => EncryptionParameters,
    "Feature" => Feature,
    "FeatureType" => FeatureType,
    "FeatureConfig" => FeatureConfig,
    "L3BaseConfig" => L3BaseConfig,
    "ProviderBgpConfig" => ProviderBgpConfig,
    "ListFeaturesResponse" => ListFeaturesResponse,
    "Interconnect" => Interconnect,
    "InterconnectState" => InterconnectState,
    "ListInterconnectsResponse" => ListInterconnectsResponse,
    "State" => State,
    "Priority" => Priority,
    "IssueContext" => IssueContext,
    "ChannelContext" => ChannelContext,
    "ConnectionContext" => ConnectionContext,
    "FeatureContext" => FeatureContext,
    "InterconnectContext" => InterconnectContext,
    "Issue" => Issue,
    "Comment" => Comment,
    "AddCommentRequest" => AddCommentRequest,
    "AddCommentResponse" => AddCommentResponse,
    "CloseIssueRequest" => CloseIssueRequest,
    "CloseIssueResponse" => CloseIssueResponse,
    "ListCommentsResponse" => ListCommentsResponse,
    "ListIssuesResponse" => ListIssuesResponse,
    "MacSecKey" => MacSecKey,
    "ListMacSecKeysResponse" => ListMacSecKeysResponse,
    "Provider" => Provider,
    "ListProvidersResponse" => ListProvidersResponse,
];

#[cfg(all(test, feature = "schemars"))]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Map;

    use super::*;
    use crate::wire::test_support::{upstream_schema_order, upstream_schemas};

    #[test]
    fn every_registered_name_has_a_parser_and_only_those() {
        for (name, _) in schemas() {
            assert!(parse_by_name(name, b"{}").is_some(), "{name} has no parser");
            assert!(
                parse_value_by_name(name, Value::Null).is_some(),
                "{name} has no value parser"
            );
        }
        assert!(parse_by_name("Connections", b"{}").is_none());
        assert!(matches!(parse_by_name("Connection", b"{}"), Some(Ok(()))));
        let err = parse_by_name("Connection", br#"{"bandwidthMbps":"x"}"#)
            .and_then(Result::err)
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("bandwidthMbps"), "{err}");
    }

    #[test]
    fn the_registry_has_64_distinct_names() {
        let all = schemas();
        let names: BTreeSet<&str> = all.iter().map(|(n, _)| *n).collect();
        assert_eq!(all.len(), SCHEMA_COUNT);
        assert_eq!(names.len(), SCHEMA_COUNT);
    }

    #[test]
    fn every_schema_is_titled_with_its_upstream_name() {
        for (name, schema) in schemas() {
            assert_eq!(
                schema.get("title").and_then(Value::as_str),
                Some(name),
                "{name}"
            );
        }
    }

    #[test]
    fn options_are_not_nullable() -> serde_json::Result<()> {
        for (name, schema) in schemas() {
            let text = serde_json::to_string(&schema)?;
            assert!(!text.contains("\"null\""), "{name}: {text}");
        }
        Ok(())
    }

    #[test]
    fn null_reads_as_an_empty_list_for_every_list_member() {
        let mut lists = 0;
        for (name, schema) in schemas() {
            let props = schema
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            for (member, prop) in props {
                if prop.get("type").and_then(Value::as_str) != Some("array") {
                    continue;
                }
                lists += 1;
                // Required members get a value of their type (`Issue.title`
                // is a string, `L3BaseGuidance.maxReceivedBgpRoutePrefixes`
                // an integer, `asnRanges` a list; `$ref`s are enums here).
                let sample = |member: &str| match schema
                    .as_value()
                    .pointer(&format!("/properties/{member}/type"))
                    .and_then(Value::as_str)
                {
                    Some("integer") => Value::from(1),
                    Some("array") => Value::Array(Vec::new()),
                    _ => Value::from("x"),
                };
                let mut doc: Map<String, Value> = required(schema.as_value())
                    .into_iter()
                    .map(|r| {
                        let v = sample(&r);
                        (r, v)
                    })
                    .collect();
                doc.insert(member.clone(), Value::Null);
                let got = parse_value_by_name(name, Value::Object(doc));
                assert!(matches!(got, Some(Ok(()))), "{name}.{member}: {got:?}");
            }
        }
        assert_eq!(lists, 31, "every list member of the wire types was tried");
    }

    #[test]
    fn deprecated_members_are_marked() {
        let all = schemas();
        let find = |name: &str| all.iter().find(|(n, _)| *n == name).map(|(_, s)| s.clone());
        let flag = |schema: Option<Schema>, member: &str| {
            schema.and_then(|s| {
                s.to_value()
                    .pointer(&format!("/properties/{member}/deprecated"))
                    .cloned()
            })
        };
        assert_eq!(
            flag(find("ConfirmActivationKeyRequest"), "key"),
            Some(Value::Bool(true))
        );
        assert_eq!(
            flag(find("NotifyMaintenanceRequest"), "events"),
            Some(Value::Bool(true))
        );
        assert_eq!(
            flag(find("ConfirmActivationKeyRequest"), "encodedKey"),
            None
        );
    }

    #[test]
    fn names_follow_the_upstream_order() {
        let Some(theirs) = upstream_schema_order() else {
            return;
        };
        let ours: Vec<&str> = schemas().iter().map(|(n, _)| *n).collect();
        assert_eq!(ours, theirs);
    }

    /// What a property holds, in terms both schema dialects share: a JSON
    /// type, an integer format, or the name of the schema it refers to.
    fn kind(prop: &Value, defs: &Map<String, Value>) -> String {
        let reference = prop.get("$ref").or_else(|| prop.pointer("/allOf/0/$ref"));
        if let Some(r) = reference.and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or(r);
            let target = defs.get(name).map(|d| kind(d, defs)).unwrap_or_default();
            return format!("ref {name} ({target})");
        }
        // The May `MacSecKey` had properties but no `type: object`
        // (spec/ERRATA.md); treat such a schema as the object it is.
        let ty = match prop.get("type").and_then(Value::as_str) {
            Some(t) => t,
            None if prop.get("properties").is_some() => "object",
            None => "any",
        };
        match ty {
            "array" => format!(
                "array of {}",
                prop.get("items").map(|i| kind(i, defs)).unwrap_or_default()
            ),
            "integer" => {
                let max = prop.get("maximum").and_then(Value::as_u64);
                match prop.get("format").and_then(Value::as_str) {
                    // The bundled document spells upstream `uint32` this way.
                    Some("int64") if max == Some(u64::from(u32::MAX)) => "uint32".into(),
                    Some(f) => f.into(),
                    None => "integer".into(),
                }
            }
            "string" if prop.get("enum").is_some() => "enum".into(),
            "string" => match prop.get("format").and_then(Value::as_str) {
                Some(f) => format!("string ({f})"),
                None => "string".into(),
            },
            other => other.into(),
        }
    }

    fn members(schema: &Value, defs: &Map<String, Value>) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.iter().map(|(k, v)| (k.clone(), kind(v, defs))).collect())
            .unwrap_or_default();
        out.sort();
        out
    }

    fn required(schema: &Value) -> BTreeSet<String> {
        schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Members our key variants declare that upstream declares only on the
    /// `ActivationKey` envelope, although both variants require them (E-208).
    const DECLARED_ON_THE_ENVELOPE: [(&str, &str); 2] = [
        ("ActivationKeyV1", "destinationEnvironmentUri"),
        ("ActivationKeyV2", "destinationEnvironmentUri"),
    ];

    #[test]
    fn members_types_and_required_lists_match_upstream() {
        let Some(upstream) = upstream_schemas() else {
            return;
        };
        let mut wrong = Vec::new();
        for (name, ours) in schemas() {
            let ours = ours.to_value();
            let Some(theirs) = upstream.get(name) else {
                wrong.push(format!("{name}: not upstream"));
                continue;
            };
            // ActivationKey follows upstream main (an envelope with
            // `oneOf`, CHANGES.md A2); the May bundle's flat object is read
            // as version 1 (E-201) but is not our schema.
            if name == "ActivationKey" && theirs.get("oneOf").is_none() {
                continue;
            }
            let our_defs = ours
                .get("$defs")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let mut ours_members = members(&ours, &our_defs);
            ours_members.retain(|(m, _)| !DECLARED_ON_THE_ENVELOPE.contains(&(name, m.as_str())));
            let theirs_members = members(theirs, upstream);
            if ours_members != theirs_members {
                wrong.push(format!(
                    "{name}: members\n  ours   {ours_members:?}\n  theirs {theirs_members:?}"
                ));
            }
            if required(&ours) != required(theirs) {
                wrong.push(format!(
                    "{name}: required {:?} vs {:?}",
                    required(&ours),
                    required(theirs)
                ));
            }
            let ty = |v: &Value| kind(v, &Map::new());
            if ty(&ours) != ty(theirs) {
                wrong.push(format!("{name}: type {:?} vs {:?}", ty(&ours), ty(theirs)));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
