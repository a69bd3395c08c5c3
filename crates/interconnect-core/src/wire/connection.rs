//! Connection resources (`schemas/connection.yaml`): a customer's connection
//! on an interconnect, the feature guidance a server gives for it, and the
//! status notification.

use serde::{Deserialize, Serialize};

use super::{AdminState, FeatureType, Secret, VerificationState};
use crate::names::{ChannelName, ConnectionName};

/// `Connection`: bandwidth sold to one customer between two clouds, carried
/// over every channel of its interconnect.
///
/// Read from `deferProvisioning` (the schema's member) or `deferConnection`
/// (the name `CreateConnection` and `docs/DeferringProvider.md` give the
/// flag): either one true defers (DEFER-14). Only `deferProvisioning` is
/// written.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// The connection's resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ConnectionName>,
    /// The activation key the customer brought, base64 text (secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_key: Option<Secret>,
    /// Bandwidth sold to the customer, in Mbit/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth_mbps: Option<i32>,
    /// Output only. Whether a provider has administratively disabled the
    /// connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub admin_state: Option<AdminState>,
    /// Output only. Whether the connection has been verified for production
    /// traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub verification_state: Option<VerificationState>,
    /// On creation: the caller hands the provisioning role to the receiver,
    /// which may refuse with a 400.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defer_provisioning: Option<bool>,
    /// Where the connection comes from: an activation key or, for a
    /// migration, the existing connection it replaces (upstream-next
    /// `schemas/connection.yaml`). Wins over `activationKey` when both are
    /// sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "source_data_schema"))]
    pub source_data: Option<SourceData>,
    /// The kind of connection; absent means `CONNECTION_TYPE_STANDARD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_type: Option<ConnectionType>,
}

impl Connection {
    /// The connection's type, `CONNECTION_TYPE_STANDARD` when absent.
    pub fn connection_type_or_default(&self) -> ConnectionType {
        self.connection_type
            .clone()
            .unwrap_or(ConnectionType::Standard)
    }

    /// The activation key the connection was created with: `sourceData.encodedKey`
    /// when `sourceData` is present (it wins, upstream-next `Connection.activationKey`),
    /// else the deprecated `activationKey`. `None` when `sourceData` names a
    /// source connection instead.
    pub fn effective_activation_key(&self) -> Option<&Secret> {
        match &self.source_data {
            Some(SourceData::EncodedKey(k)) => Some(&k.encoded_key),
            Some(SourceData::SourceConnectionName(_)) => None,
            None => self.activation_key.as_ref(),
        }
    }
}

/// The schema of `Connection.sourceData` as upstream writes it: an object
/// that is one of the two schemas, inline (no schema of its own).
#[cfg(feature = "schemars")]
fn source_data_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let encoded_key = generator.subschema_for::<EncodedKey>();
    let source_connection_name = generator.subschema_for::<SourceConnectionName>();
    schemars::json_schema!({
        "type": "object",
        "oneOf": [encoded_key, source_connection_name],
    })
}

/// `sourceData`: one of [`EncodedKey`] or [`SourceConnectionName`], told
/// apart by the member present (the schema has no discriminator). A document
/// with both members is read as an `EncodedKey` (`spec/ERRATA.md` E-241).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum SourceData {
    /// `{"encodedKey": ...}`: a new connection from an activation key.
    EncodedKey(EncodedKey),
    /// `{"sourceConnectionName": ...}`: a migration of an existing connection.
    SourceConnectionName(SourceConnectionName),
}

/// `EncodedKey`: the base64 activation key a connection is created from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EncodedKey {
    /// The activation key, base64 text as the customer received it (secret).
    pub encoded_key: Secret,
}

/// `SourceConnectionName`: the existing connection a new one migrates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SourceConnectionName {
    /// Full resource name of the connection being migrated
    /// (`providers/{p}/environments/{e}/interconnects/{i}/connections/{c}`).
    /// Kept as text; the receiver parses it.
    pub source_connection_name: String,
}

wire_enum! {
    /// Kind of connection (upstream-next `common.yaml#/ConnectionType`).
    ConnectionType {
        /// `CONNECTION_TYPE_STANDARD`: a customer connection (the default).
        Standard => "CONNECTION_TYPE_STANDARD",
        /// `CONNECTION_TYPE_TEST`: a provider's own test or canary connection;
        /// may be below the minimum bandwidth and does not count against capacity.
        Test => "CONNECTION_TYPE_TEST",
        /// `CONNECTION_TYPE_MONITORING`: an active monitoring session; not
        /// counted against capacity, at most two per interconnect.
        Monitoring => "CONNECTION_TYPE_MONITORING",
    }
}

/// What [`Connection`] reads: its members and the flag's other name.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConnectionIn {
    #[serde(default)]
    name: Option<ConnectionName>,
    #[serde(default)]
    activation_key: Option<Secret>,
    #[serde(default)]
    bandwidth_mbps: Option<i32>,
    #[serde(default)]
    admin_state: Option<AdminState>,
    #[serde(default)]
    verification_state: Option<VerificationState>,
    #[serde(default)]
    defer_provisioning: Option<bool>,
    #[serde(default)]
    defer_connection: Option<bool>,
    #[serde(default)]
    source_data: Option<SourceData>,
    #[serde(default)]
    connection_type: Option<ConnectionType>,
}

impl<'de> Deserialize<'de> for Connection {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let c = ConnectionIn::deserialize(deserializer)?;
        let defer_provisioning = match (c.defer_provisioning, c.defer_connection) {
            (None, None) => None,
            (a, b) => Some(a == Some(true) || b == Some(true)),
        };
        Ok(Self {
            name: c.name,
            activation_key: c.activation_key,
            bandwidth_mbps: c.bandwidth_mbps,
            admin_state: c.admin_state,
            verification_state: c.verification_state,
            defer_provisioning,
            source_data: c.source_data,
            connection_type: c.connection_type,
        })
    }
}

/// `FeatureGuidance`: what the server accepts (and prefers) for features of
/// one channel; an absent member means no restriction.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct FeatureGuidance {
    /// The kind of feature this guidance is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_type: Option<FeatureType>,
    /// The channel the guidance applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ChannelName>,
    /// Output only. Administrative state of that channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub channel_admin_state: Option<AdminState>,
    /// Guidance for an L3 base feature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l3_base_guidance: Option<L3BaseGuidance>,
}

/// `L3BaseGuidance`: the ranges and subnets an L3 base feature may use.
///
/// `asnRanges`, `vlanRanges`, `mtuRanges` and `maxReceivedBgpRoutePrefixes`
/// are required on upstream main (PR #55). We always write them (the three
/// lists even when empty); a May peer may omit them, which reads as an empty
/// list or `None`: no restriction stated, as in the May version (E-162).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "schemars", schemars(transform = super::required::l3_base_guidance))]
pub struct L3BaseGuidance {
    /// Non-overlapping ASN ranges to pick from (often a single ASN).
    #[serde(default, deserialize_with = "super::null_list::read")]
    pub asn_ranges: Vec<AsnRange>,
    /// IPv4 subnets to pick from.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ipv4_subnet_guidance: Vec<SubnetGuidance>,
    /// IPv6 subnets to pick from.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ipv6_subnet_guidance: Vec<SubnetGuidance>,
    /// IPv4 prefix lengths a chosen subnet may have.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ipv4_allowed_subnet_prefix_lengths: Vec<i32>,
    /// IPv6 prefix lengths a chosen subnet may have.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ipv6_allowed_subnet_prefix_lengths: Vec<i32>,
    /// VLAN id ranges to pick from.
    #[serde(default, deserialize_with = "super::null_list::read")]
    pub vlan_ranges: Vec<VlanRange>,
    /// Non-overlapping MTU ranges (at the provider boundary) to pick from.
    #[serde(default, deserialize_with = "super::null_list::read")]
    pub mtu_ranges: Vec<MtuRange>,
    /// Most IPv4 BGP prefixes the server accepts on the connection.
    /// Required on upstream main; `None` only when a May peer omitted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_received_bgp_route_prefixes: Option<i32>,
    /// Most IPv6 BGP prefixes the server accepts on the connection. When
    /// absent, `maxReceivedBgpRoutePrefixes` applies to IPv6 too
    /// ([`L3BaseGuidance::ipv6_prefix_limit`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_received_bgp_route_prefixes_ipv6: Option<i32>,
}

impl L3BaseGuidance {
    /// The IPv4 prefix limit: `maxReceivedBgpRoutePrefixes`.
    pub fn ipv4_prefix_limit(&self) -> Option<i32> {
        self.max_received_bgp_route_prefixes
    }

    /// The IPv6 prefix limit: `maxReceivedBgpRoutePrefixesIpv6`, or the
    /// IPv4 value when it is omitted (`schemas/connection.yaml`
    /// `L3BaseGuidance`, PR #55; NEG-17).
    pub fn ipv6_prefix_limit(&self) -> Option<i32> {
        self.max_received_bgp_route_prefixes_ipv6
            .or(self.max_received_bgp_route_prefixes)
    }
}

/// `ASNRange`: an inclusive range of autonomous system numbers.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "schemars", schemars(rename = "ASNRange"))]
pub struct AsnRange {
    /// Lowest ASN of the range (0..=4294967295).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("format" = "int64", "maximum" = 4_294_967_295_u64)))]
    pub start: Option<u32>,
    /// Highest ASN of the range (0..=4294967295).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("format" = "int64", "maximum" = 4_294_967_295_u64)))]
    pub stop: Option<u32>,
}

/// `SubnetGuidance`: a subnet to carve feature subnets from. Subnets are kept
/// as text here; validation parses them.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubnetGuidance {
    /// The subnet a choice must lie within.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_subnet: Option<String>,
    /// Subnets a choice must not overlap.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub exclude_subnets: Vec<String>,
    /// The subnet the server would like the caller to choose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_subnet: Option<String>,
}

/// `VLANRange`: an inclusive range of VLAN ids. The server does not remove
/// VLANs already in use from it.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "schemars", schemars(rename = "VLANRange"))]
pub struct VlanRange {
    /// Lowest VLAN id of the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i32>,
    /// Highest VLAN id of the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<i32>,
}

/// `MTURange`: an inclusive range of MTUs in bytes; the highest value both
/// providers support should be chosen.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "schemars", schemars(rename = "MTURange"))]
pub struct MtuRange {
    /// Lowest MTU of the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i32>,
    /// Highest MTU of the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<i32>,
}

/// `ListConnectionsResponse`: one page of connections.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListConnectionsResponse {
    /// The connections on this page.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub connections: Vec<Connection>,
    /// Token for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `GenerateFeatureGuidanceRequest`: asks for guidance on every channel of a
/// connection. Has no members; reads any object and writes `{}`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GenerateFeatureGuidanceRequest {}

/// `GenerateFeatureGuidanceResponse`: the guidance for a connection, one entry
/// per channel of its interconnect.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct GenerateFeatureGuidanceResponse {
    /// Output only. Guidance per channel.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub feature_guidance: Vec<FeatureGuidance>,
}

/// `NotifyConnectionStatusRequest`: tells a peer that a connection's status
/// changed so it re-reads it. Has no members; reads any object and writes
/// `{}`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct NotifyConnectionStatusRequest {}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::wire::from_json;
    use crate::wire::test_support::{CH, CONN, TestResult, golden, rejects_at, upstream_example};

    fn connection_doc() -> Value {
        json!({
            "name": CONN,
            "activationKey": "eyJ2ZXJzaW9uIjoxfQ==",
            "bandwidthMbps": 10000,
            "adminState": "ADMIN_STATE_ENABLED",
            "verificationState": "VERIFICATION_STATE_UNVERIFIED",
            "deferProvisioning": true,
        })
    }

    #[test]
    fn defer_connection_is_read_as_the_deferral_flag() -> TestResult {
        // DEFER-14: the operation text's name and the schema's, either one
        for doc in [
            json!({"deferConnection": true}),
            json!({"deferProvisioning": true}),
            json!({"deferConnection": true, "deferProvisioning": false}),
            json!({"deferConnection": true, "deferProvisioning": true}),
        ] {
            let c: Connection = serde_json::from_value(doc.clone())?;
            assert_eq!(c.defer_provisioning, Some(true), "{doc}");
        }
        let c: Connection = serde_json::from_value(json!({"deferConnection": false}))?;
        assert_eq!(c.defer_provisioning, Some(false));
        let c: Connection = serde_json::from_value(json!({"bandwidthMbps": 1}))?;
        assert_eq!(c.defer_provisioning, None);
        let written = serde_json::to_value(Connection {
            defer_provisioning: Some(true),
            ..Connection::default()
        })?;
        assert_eq!(
            written,
            json!({"deferProvisioning": true}),
            "only the schema's name is written"
        );
        Ok(())
    }

    fn guidance_doc() -> Value {
        json!({
            "featureType": "FEATURE_TYPE_L3_BASE",
            "channel": CH,
            "channelAdminState": "ADMIN_STATE_ENABLED",
            "l3BaseGuidance": {
                "asnRanges": [{"start": 16550, "stop": 16550}, {"start": 4200000000u32, "stop": 4294967294u32}],
                "ipv4SubnetGuidance": [{
                    "includeSubnet": "169.254.0.0/16",
                    "excludeSubnets": ["169.254.1.0/28", "169.254.2.0/28"],
                    "preferredSubnet": "169.254.10.0/29",
                }],
                "ipv6SubnetGuidance": [{
                    "includeSubnet": "fd20::/16",
                    "preferredSubnet": "fd20:0:0:1::/64",
                }],
                "ipv4AllowedSubnetPrefixLengths": [29, 30],
                "ipv6AllowedSubnetPrefixLengths": [64, 126],
                "vlanRanges": [{"start": 1025, "stop": 4094}],
                "mtuRanges": [{"start": 1500, "stop": 8896}],
                "maxReceivedBgpRoutePrefixes": 100,
                "maxReceivedBgpRoutePrefixesIpv6": 50,
            },
        })
    }

    #[test]
    fn golden_connection() -> TestResult {
        let c: Connection = golden(&connection_doc())?;
        assert_eq!(c.name, Some(CONN.parse()?));
        assert_eq!(
            c.activation_key.as_ref().map(Secret::expose),
            Some("eyJ2ZXJzaW9uIjoxfQ==")
        );
        assert_eq!(c.bandwidth_mbps, Some(10000));
        assert_eq!(c.admin_state, Some(AdminState::Enabled));
        assert_eq!(c.verification_state, Some(VerificationState::Unverified));
        assert_eq!(c.defer_provisioning, Some(true));
        assert!(
            !format!("{c:?}").contains("eyJ2"),
            "activation key in Debug"
        );
        let list: ListConnectionsResponse =
            golden(&json!({"connections": [connection_doc()], "nextPageToken": "n"}))?;
        assert_eq!(list.connections, vec![c]);
        assert_eq!(list.next_page_token.as_deref(), Some("n"));
        Ok(())
    }

    #[test]
    fn golden_feature_guidance() -> TestResult {
        let g: FeatureGuidance = golden(&guidance_doc())?;
        assert_eq!(g.feature_type, Some(FeatureType::L3Base));
        assert_eq!(g.channel, Some(CH.parse()?));
        assert_eq!(g.channel_admin_state, Some(AdminState::Enabled));
        let l3 = g.l3_base_guidance.clone().ok_or("l3BaseGuidance")?;
        assert_eq!(
            l3.asn_ranges,
            vec![
                AsnRange {
                    start: Some(16550),
                    stop: Some(16550)
                },
                AsnRange {
                    start: Some(4_200_000_000),
                    stop: Some(4_294_967_294)
                },
            ]
        );
        assert_eq!(
            l3.ipv4_subnet_guidance,
            vec![SubnetGuidance {
                include_subnet: Some("169.254.0.0/16".into()),
                exclude_subnets: vec!["169.254.1.0/28".into(), "169.254.2.0/28".into()],
                preferred_subnet: Some("169.254.10.0/29".into()),
            }]
        );
        assert_eq!(
            l3.ipv6_subnet_guidance,
            vec![SubnetGuidance {
                include_subnet: Some("fd20::/16".into()),
                exclude_subnets: vec![],
                preferred_subnet: Some("fd20:0:0:1::/64".into()),
            }]
        );
        assert_eq!(l3.ipv4_allowed_subnet_prefix_lengths, vec![29, 30]);
        assert_eq!(l3.ipv6_allowed_subnet_prefix_lengths, vec![64, 126]);
        assert_eq!(
            l3.vlan_ranges,
            vec![VlanRange {
                start: Some(1025),
                stop: Some(4094)
            }]
        );
        assert_eq!(
            l3.mtu_ranges,
            vec![MtuRange {
                start: Some(1500),
                stop: Some(8896)
            }]
        );
        assert_eq!(l3.max_received_bgp_route_prefixes, Some(100));
        assert_eq!(l3.max_received_bgp_route_prefixes_ipv6, Some(50));
        let resp: GenerateFeatureGuidanceResponse =
            golden(&json!({"featureGuidance": [guidance_doc()]}))?;
        assert_eq!(resp.feature_guidance, vec![g]);
        Ok(())
    }

    #[test]
    fn empty_documents() -> TestResult {
        assert_eq!(golden::<Connection>(&json!({}))?, Connection::default());
        assert_eq!(
            golden::<FeatureGuidance>(&json!({}))?,
            FeatureGuidance::default()
        );
        // The lists upstream main requires are written even when empty.
        assert_eq!(
            golden::<L3BaseGuidance>(&json!({"asnRanges": [], "vlanRanges": [], "mtuRanges": []}))?,
            L3BaseGuidance::default()
        );
        assert_eq!(golden::<AsnRange>(&json!({}))?, AsnRange::default());
        assert_eq!(
            golden::<SubnetGuidance>(&json!({}))?,
            SubnetGuidance::default()
        );
        assert_eq!(golden::<VlanRange>(&json!({}))?, VlanRange::default());
        assert_eq!(golden::<MtuRange>(&json!({}))?, MtuRange::default());
        assert_eq!(
            golden::<ListConnectionsResponse>(&json!({}))?,
            ListConnectionsResponse::default()
        );
        assert_eq!(
            golden::<GenerateFeatureGuidanceResponse>(&json!({}))?,
            GenerateFeatureGuidanceResponse::default()
        );
        Ok(())
    }

    #[test]
    fn empty_bodies_read_any_object_and_write_braces() -> TestResult {
        let r: GenerateFeatureGuidanceRequest = golden(&json!({}))?;
        assert_eq!(r, GenerateFeatureGuidanceRequest {});
        let r: GenerateFeatureGuidanceRequest = serde_json::from_value(json!({"x": 1}))?;
        assert_eq!(serde_json::to_value(r)?, json!({}));
        let n: NotifyConnectionStatusRequest = golden(&json!({}))?;
        assert_eq!(n, NotifyConnectionStatusRequest {});
        let n: NotifyConnectionStatusRequest = serde_json::from_value(json!({"name": CONN}))?;
        assert_eq!(serde_json::to_value(n)?, json!({}));
        Ok(())
    }

    #[test]
    fn may_guidance_without_the_now_required_members_reads_as_no_restriction() -> TestResult {
        // A May peer may omit every member upstream main requires (E-162).
        let g: L3BaseGuidance =
            crate::wire::from_json(br#"{"ipv4AllowedSubnetPrefixLengths": [29]}"#)?;
        assert!(g.asn_ranges.is_empty() && g.vlan_ranges.is_empty() && g.mtu_ranges.is_empty());
        assert_eq!(g.max_received_bgp_route_prefixes, None);
        assert_eq!((g.ipv4_prefix_limit(), g.ipv6_prefix_limit()), (None, None));
        // What we write always carries the three lists.
        assert_eq!(
            serde_json::to_value(&g)?,
            json!({"asnRanges": [], "ipv4AllowedSubnetPrefixLengths": [29], "vlanRanges": [], "mtuRanges": []})
        );
        Ok(())
    }

    #[test]
    fn the_ipv6_prefix_limit_falls_back_to_the_ipv4_one() -> TestResult {
        let only_v4: L3BaseGuidance = golden(&json!({
            "asnRanges": [], "vlanRanges": [], "mtuRanges": [],
            "maxReceivedBgpRoutePrefixes": 100,
        }))?;
        assert_eq!(only_v4.ipv4_prefix_limit(), Some(100));
        assert_eq!(only_v4.ipv6_prefix_limit(), Some(100));
        let both: L3BaseGuidance = golden(&json!({
            "asnRanges": [], "vlanRanges": [], "mtuRanges": [],
            "maxReceivedBgpRoutePrefixes": 100,
            "maxReceivedBgpRoutePrefixesIpv6": 20,
        }))?;
        assert_eq!(both.max_received_bgp_route_prefixes_ipv6, Some(20));
        assert_eq!(both.ipv4_prefix_limit(), Some(100));
        assert_eq!(both.ipv6_prefix_limit(), Some(20));
        rejects_at::<L3BaseGuidance>(
            &json!({"maxReceivedBgpRoutePrefixesIpv6": "20"}),
            "maxReceivedBgpRoutePrefixesIpv6",
        );
        Ok(())
    }

    #[test]
    fn asns_cover_the_full_unsigned_32_bit_range() -> TestResult {
        let r: AsnRange = golden(&json!({"start": 0, "stop": 4294967295u32}))?;
        assert_eq!(r.stop, Some(u32::MAX));
        rejects_at::<AsnRange>(&json!({"stop": 4294967296u64}), "stop");
        rejects_at::<AsnRange>(&json!({"start": -1}), "start");
        Ok(())
    }

    #[test]
    fn wrong_member_types_name_their_path() {
        rejects_at::<Connection>(&json!({"bandwidthMbps": "10G"}), "bandwidthMbps");
        rejects_at::<Connection>(&json!({"bandwidthMbps": 3000000000u32}), "bandwidthMbps");
        rejects_at::<Connection>(&json!({"deferProvisioning": "yes"}), "deferProvisioning");
        rejects_at::<Connection>(&json!({"activationKey": 5}), "activationKey");
        rejects_at::<Connection>(&json!({"name": CH}), "name");
        rejects_at::<FeatureGuidance>(&json!({"channel": CONN}), "channel");
        rejects_at::<GenerateFeatureGuidanceResponse>(
            &json!({"featureGuidance": [{"l3BaseGuidance": {"vlanRanges": [{"start": "1025"}]}}]}),
            "featureGuidance[0].l3BaseGuidance.vlanRanges[0].start",
        );
        rejects_at::<L3BaseGuidance>(
            &json!({"ipv4SubnetGuidance": [{"excludeSubnets": "10.0.0.0/8"}]}),
            "ipv4SubnetGuidance[0].excludeSubnets",
        );
        rejects_at::<L3BaseGuidance>(
            &json!({"mtuRanges": [{"stop": 9000.5}]}),
            "mtuRanges[0].stop",
        );
        rejects_at::<L3BaseGuidance>(
            &json!({"ipv6AllowedSubnetPrefixLengths": [64, "126"]}),
            "ipv6AllowedSubnetPrefixLengths[1]",
        );
    }

    #[test]
    fn malformed_subnets_are_still_readable() -> TestResult {
        let s: SubnetGuidance = golden(&json!({"includeSubnet": "169.254.0.0/33"}))?;
        assert_eq!(s.include_subnet.as_deref(), Some("169.254.0.0/33"));
        Ok(())
    }

    #[test]
    fn unknown_members_are_ignored_and_unknown_states_kept() -> TestResult {
        let c: Connection = serde_json::from_value(json!({
            "bandwidthMbps": 50,
            "partnerTier": "PARTNER_TIER_GOLD",
            "verificationState": "VERIFICATION_STATE_FAILED",
        }))?;
        assert_eq!(
            c.verification_state,
            Some(VerificationState::Unknown(
                "VERIFICATION_STATE_FAILED".into()
            ))
        );
        assert_eq!(
            serde_json::to_value(&c)?,
            json!({"bandwidthMbps": 50, "verificationState": "VERIFICATION_STATE_FAILED"})
        );
        let g: FeatureGuidance = serde_json::from_value(json!({"featureType": "FEATURE_TYPE_L2"}))?;
        assert_eq!(
            serde_json::to_value(&g)?,
            json!({"featureType": "FEATURE_TYPE_L2"})
        );
        Ok(())
    }

    #[test]
    fn source_data_is_told_apart_by_its_member_and_wins_over_activation_key() -> TestResult {
        let by_key: Connection = golden(&json!({
            "activationKey": "b2xk",
            "sourceData": {"encodedKey": "bmV3"}
        }))?;
        assert_eq!(
            by_key.effective_activation_key().map(Secret::expose),
            Some("bmV3"),
            "sourceData wins over the deprecated activationKey"
        );
        let migration: Connection = golden(&json!({
            "activationKey": "b2xk",
            "sourceData": {"sourceConnectionName": CONN}
        }))?;
        assert!(matches!(
            &migration.source_data,
            Some(SourceData::SourceConnectionName(s)) if s.source_connection_name == CONN
        ));
        assert_eq!(migration.effective_activation_key(), None);
        let legacy: Connection = golden(&json!({"activationKey": "b2xk"}))?;
        assert_eq!(
            legacy.effective_activation_key().map(Secret::expose),
            Some("b2xk")
        );
        // both members: read as the key (E-241)
        let both: Connection = from_json(
            json!({"sourceData": {"encodedKey": "a2V5", "sourceConnectionName": CONN}})
                .to_string()
                .as_bytes(),
        )?;
        assert!(matches!(both.source_data, Some(SourceData::EncodedKey(_))));
        // neither member: a typed error at sourceData
        assert!(from_json::<Connection>(br#"{"sourceData": {}}"#).is_err());
        assert!(from_json::<Connection>(br#"{"sourceData": {"encodedKey": 7}}"#).is_err());
        // the key is a secret in Debug
        assert!(!format!("{by_key:?}").contains("bmV3"));
        Ok(())
    }

    #[test]
    fn connection_types_default_to_standard_and_unknown_ones_are_kept() -> TestResult {
        let none: Connection = golden(&json!({}))?;
        assert_eq!(none.connection_type_or_default(), ConnectionType::Standard);
        for text in ConnectionType::KNOWN {
            let c: Connection = golden(&json!({"connectionType": text}))?;
            assert_eq!(c.connection_type_or_default().as_str(), *text);
        }
        let future: Connection = golden(&json!({"connectionType": "CONNECTION_TYPE_FUTURE"}))?;
        assert_eq!(
            future.connection_type,
            Some(ConnectionType::Unknown("CONNECTION_TYPE_FUTURE".into()))
        );
        rejects_at::<Connection>(&json!({"connectionType": 3}), "connectionType");
        Ok(())
    }

    #[test]
    fn upstream_examples() -> TestResult {
        if let Some(doc) = upstream_example("Connection") {
            let c: Connection = serde_json::from_value(doc)?;
            assert_eq!(c.bandwidth_mbps, Some(0));
            assert_eq!(c.defer_provisioning, Some(false));
        }
        if let Some(doc) = upstream_example("ListConnectionsResponse") {
            let l: ListConnectionsResponse = serde_json::from_value(doc)?;
            assert_eq!(l.connections.len(), 2);
        }
        // These examples write `""` for the `l3BaseGuidance` object and a
        // bare `channel`, which are not valid (spec/ERRATA.md).
        if let Some(doc) = upstream_example("FeatureGuidance") {
            rejects_at::<FeatureGuidance>(&doc, "channel");
        }
        if let Some(doc) = upstream_example("GenerateFeatureGuidanceResponse") {
            rejects_at::<GenerateFeatureGuidanceResponse>(
                &doc,
                "featureGuidance[0].l3BaseGuidance",
            );
        }
        Ok(())
    }
}
