//! Feature resources (`schemas/feature.yaml`): the per-channel configuration
//! of a connection (today only the L3 base feature). `FeatureType` lives in
//! [`super::enums`].

use serde::{Deserialize, Serialize};

use super::{FeatureType, ProvisioningState, Secret};
use crate::names::{ChannelName, FeatureName, ProviderName};

/// `Feature`: the configuration one channel needs to carry a connection.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Feature {
    /// The feature's resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<FeatureName>,
    /// The one channel this feature configures (required in prose; checked by
    /// validation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ChannelName>,
    /// The configuration itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_config: Option<FeatureConfig>,
    /// Output only. How far provisioning of the feature has come.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub provisioning_state: Option<ProvisioningState>,
    /// Output only (`readOnly`, default `false`): whether UpdateFeature may
    /// change this feature (upstream-next `schemas/feature.yaml`). An L3 base
    /// feature is never updatable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub updatable: Option<bool>,
}

/// `FeatureConfig`: the configuration of a feature, by kind.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "schemars", schemars(transform = super::required::feature_config))]
pub struct FeatureConfig {
    /// Which kind of configuration this is. Required on upstream main; a
    /// missing one is refused by validation (L3-4, E-162).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_type: Option<FeatureType>,
    /// The configuration of an L3 base feature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l3_base_config: Option<L3BaseConfig>,
}

/// `L3BaseConfig`: VLAN, subnets, MTU and BGP sessions of an L3 base feature.
/// Subnets are kept as text here; validation parses them.
///
/// `md5BgpPassword`, `mtuBytes`, `providerBgpConfigs` and `vlanId` are
/// required on upstream main (PR #60); they stay optional here so that a May
/// document reads, and validation judges their absence (E-162).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "schemars", schemars(transform = super::required::l3_base_config))]
pub struct L3BaseConfig {
    /// IPv4 subnet of the link, masked (required in prose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4_subnet: Option<String>,
    /// Prefix length of the IPv4 subnet (required in prose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4_subnet_prefix_length: Option<i32>,
    /// IPv6 subnet of the link, masked, when IPv6 is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_subnet: Option<String>,
    /// Prefix length of the IPv6 subnet, when IPv6 is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_subnet_prefix_length: Option<i32>,
    /// MTU at the provider boundary, in bytes (required in prose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtu_bytes: Option<i32>,
    /// VLAN id of the connection on this channel; 1024 and below are reserved
    /// (required in prose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan_id: Option<i32>,
    /// The BGP session settings of each provider; always written.
    #[serde(default, deserialize_with = "super::null_list::read")]
    pub provider_bgp_configs: Vec<ProviderBgpConfig>,
    /// MD5 password both BGP sessions use (secret). Required on upstream
    /// main; a May peer may omit it (E-162).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5_bgp_password: Option<Secret>,
}

/// `ProviderBgpConfig`: one provider's side of the BGP session on a channel.
/// `asn` and `provider` are required on upstream main (PR #60); validation
/// refuses their absence (L3-34, L3-35).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "schemars", schemars(transform = super::required::provider_bgp_config))]
pub struct ProviderBgpConfig {
    /// The provider these settings belong to. Read as either
    /// `providers/{provider}` or a bare provider id, written in full.
    #[serde(
        default,
        deserialize_with = "super::provider_ref::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub provider: Option<ProviderName>,
    /// The provider's autonomous system number (0..=4294967295).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("format" = "int64", "maximum" = 4_294_967_295_u64)))]
    pub asn: Option<u32>,
    /// The provider's IPv4 address for the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_ipv4: Option<String>,
    /// The provider's IPv6 address for the session, when IPv6 is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_ipv6: Option<String>,
}

/// `ListFeaturesResponse`: one page of features.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListFeaturesResponse {
    /// The features on this page.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub features: Vec<Feature>,
    /// Token for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::wire::test_support::{CH, FEAT, TestResult, golden, rejects_at, upstream_example};

    fn feature_doc() -> Value {
        json!({
            "name": FEAT,
            "channel": CH,
            "featureConfig": {
                "featureType": "FEATURE_TYPE_L3_BASE",
                "l3BaseConfig": {
                    "ipv4Subnet": "169.254.10.0",
                    "ipv4SubnetPrefixLength": 29,
                    "ipv6Subnet": "fd20:0:0:1::",
                    "ipv6SubnetPrefixLength": 64,
                    "mtuBytes": 8896,
                    "vlanId": 2001,
                    "providerBgpConfigs": [
                        {"provider": "providers/aws", "asn": 64512, "hostIpv4": "169.254.10.1", "hostIpv6": "fd20:0:0:1::1"},
                        {"provider": "providers/gcp", "asn": 16550, "hostIpv4": "169.254.10.2", "hostIpv6": "fd20:0:0:1::2"},
                    ],
                    "md5BgpPassword": "s3cr3t-md5",
                },
            },
            "provisioningState": "PROVISIONING_STATE_PENDING",
        })
    }

    #[test]
    fn updatable_is_read_and_written_and_absent_by_default() -> TestResult {
        let f: Feature = golden(&json!({"name": FEAT, "updatable": false}))?;
        assert_eq!(f.updatable, Some(false));
        let absent: Feature = golden(&json!({"name": FEAT}))?;
        assert_eq!(absent.updatable, None, "absent means the default, false");
        rejects_at::<Feature>(&json!({"updatable": "yes"}), "updatable");
        Ok(())
    }

    #[test]
    fn golden_feature() -> TestResult {
        let f: Feature = golden(&feature_doc())?;
        assert_eq!(f.name, Some(FEAT.parse()?));
        assert_eq!(f.channel, Some(CH.parse()?));
        assert_eq!(f.provisioning_state, Some(ProvisioningState::Pending));
        let config = f.feature_config.clone().ok_or("featureConfig")?;
        assert_eq!(config.feature_type, Some(FeatureType::L3Base));
        let l3 = config.l3_base_config.ok_or("l3BaseConfig")?;
        assert_eq!(l3.ipv4_subnet.as_deref(), Some("169.254.10.0"));
        assert_eq!(l3.ipv4_subnet_prefix_length, Some(29));
        assert_eq!(l3.ipv6_subnet.as_deref(), Some("fd20:0:0:1::"));
        assert_eq!(l3.ipv6_subnet_prefix_length, Some(64));
        assert_eq!(l3.mtu_bytes, Some(8896));
        assert_eq!(l3.vlan_id, Some(2001));
        assert_eq!(
            l3.md5_bgp_password.as_ref().map(Secret::expose),
            Some("s3cr3t-md5")
        );
        assert_eq!(
            l3.provider_bgp_configs,
            vec![
                ProviderBgpConfig {
                    provider: Some(ProviderName::new("aws")?),
                    asn: Some(64512),
                    host_ipv4: Some("169.254.10.1".into()),
                    host_ipv6: Some("fd20:0:0:1::1".into()),
                },
                ProviderBgpConfig {
                    provider: Some(ProviderName::new("gcp")?),
                    asn: Some(16550),
                    host_ipv4: Some("169.254.10.2".into()),
                    host_ipv6: Some("fd20:0:0:1::2".into()),
                },
            ]
        );
        assert!(
            !format!("{f:?}").contains("s3cr3t"),
            "MD5 password in Debug"
        );
        let list: ListFeaturesResponse =
            golden(&json!({"features": [feature_doc()], "nextPageToken": "f2"}))?;
        assert_eq!(list.features, vec![f]);
        assert_eq!(list.next_page_token.as_deref(), Some("f2"));
        Ok(())
    }

    #[test]
    fn empty_documents() -> TestResult {
        assert_eq!(golden::<Feature>(&json!({}))?, Feature::default());
        assert_eq!(
            golden::<FeatureConfig>(&json!({}))?,
            FeatureConfig::default()
        );
        // `providerBgpConfigs` is required on upstream main: always written.
        assert_eq!(
            golden::<L3BaseConfig>(&json!({"providerBgpConfigs": []}))?,
            L3BaseConfig::default()
        );
        assert_eq!(
            crate::wire::from_json::<L3BaseConfig>(b"{}")?,
            L3BaseConfig::default()
        );
        assert_eq!(
            golden::<ProviderBgpConfig>(&json!({}))?,
            ProviderBgpConfig::default()
        );
        assert_eq!(
            golden::<ListFeaturesResponse>(&json!({}))?,
            ListFeaturesResponse::default()
        );
        Ok(())
    }

    #[test]
    fn bare_bgp_provider_ids_are_accepted() -> TestResult {
        let b: ProviderBgpConfig =
            serde_json::from_value(json!({"provider": "aws", "asn": 64512}))?;
        assert_eq!(b.provider, Some(ProviderName::new("aws")?));
        assert_eq!(
            serde_json::to_value(&b)?,
            json!({"provider": "providers/aws", "asn": 64512})
        );
        Ok(())
    }

    #[test]
    fn wrong_member_types_name_their_path() {
        rejects_at::<Feature>(
            &json!({"featureConfig": {"l3BaseConfig": {"vlanId": "2001"}}}),
            "featureConfig.l3BaseConfig.vlanId",
        );
        rejects_at::<Feature>(
            &json!({"featureConfig": {"l3BaseConfig": {"providerBgpConfigs": [{}, {"asn": -5}]}}}),
            "featureConfig.l3BaseConfig.providerBgpConfigs[1].asn",
        );
        rejects_at::<Feature>(
            &json!({"featureConfig": {"l3BaseConfig": {"providerBgpConfigs": [{"asn": 4294967296u64}]}}}),
            "featureConfig.l3BaseConfig.providerBgpConfigs[0].asn",
        );
        rejects_at::<Feature>(
            &json!({"featureConfig": {"l3BaseConfig": {"providerBgpConfigs": [{"provider": "providers/a b"}]}}}),
            "featureConfig.l3BaseConfig.providerBgpConfigs[0].provider",
        );
        rejects_at::<Feature>(
            &json!({"featureConfig": {"l3BaseConfig": {"md5BgpPassword": 12345}}}),
            "featureConfig.l3BaseConfig.md5BgpPassword",
        );
        rejects_at::<Feature>(&json!({"featureConfig": ""}), "featureConfig");
        rejects_at::<Feature>(&json!({"channel": FEAT}), "channel");
        rejects_at::<ListFeaturesResponse>(
            &json!({"features": [{"provisioningState": false}]}),
            "features[0].provisioningState",
        );
    }

    #[test]
    fn malformed_addresses_are_still_readable() -> TestResult {
        let l3: L3BaseConfig = golden(&json!({
            "ipv4Subnet": "169.254.10.1",
            "providerBgpConfigs": [{"hostIpv4": "not-an-ip"}],
        }))?;
        assert_eq!(l3.ipv4_subnet.as_deref(), Some("169.254.10.1"));
        Ok(())
    }

    #[test]
    fn unknown_members_are_ignored_and_unknown_values_kept() -> TestResult {
        let f: Feature = serde_json::from_value(json!({
            "provisioningState": "PROVISIONING_STATE_FAILED",
            "featureConfig": {"featureType": "FEATURE_TYPE_L2", "l2Config": {"x": 1}},
            "recovery": true,
        }))?;
        assert_eq!(
            f.provisioning_state,
            Some(ProvisioningState::Unknown(
                "PROVISIONING_STATE_FAILED".into()
            ))
        );
        assert_eq!(
            serde_json::to_value(&f)?,
            json!({
                "featureConfig": {"featureType": "FEATURE_TYPE_L2"},
                "provisioningState": "PROVISIONING_STATE_FAILED",
            })
        );
        Ok(())
    }

    #[test]
    fn may_documents_without_the_now_required_members_still_read() -> TestResult {
        // No featureType, no md5BgpPassword, a BGP config without asn (E-162):
        // readable; validation judges what is missing.
        let f: Feature = crate::wire::from_json(
            br#"{"featureConfig": {"l3BaseConfig": {"vlanId": 2001, "providerBgpConfigs": [{"hostIpv4": "169.254.10.1"}]}}}"#,
        )?;
        let config = f.feature_config.ok_or("featureConfig")?;
        assert_eq!(config.feature_type, None);
        let l3 = config.l3_base_config.ok_or("l3BaseConfig")?;
        assert_eq!(l3.md5_bgp_password, None);
        assert_eq!(l3.provider_bgp_configs[0].asn, None);
        assert_eq!(l3.provider_bgp_configs[0].provider, None);
        Ok(())
    }

    #[test]
    fn draft_feature_recovery_members_are_read_and_never_written() -> TestResult {
        // FeatureRecovery.md [draft]: FAILED, failureInfo (E-163).
        let doc = json!({
            "name": FEAT,
            "provisioningState": "PROVISIONING_STATE_FAILED",
            "failureInfo": {
                "code": "VLAN_CONFLICT",
                "message": "sanitized",
                "retryable": true,
                "observedAt": "2026-09-01T00:00:00Z",
            },
        });
        let f: Feature = crate::wire::from_json(doc.to_string().as_bytes())?;
        assert!(matches!(
            &f.provisioning_state,
            Some(ProvisioningState::Unknown(s)) if s == "PROVISIONING_STATE_FAILED"
        ));
        assert!(
            !f.provisioning_state
                .as_ref()
                .is_some_and(ProvisioningState::is_known)
        );
        let written = serde_json::to_value(&f)?;
        assert!(written.get("failureInfo").is_none(), "{written}");
        // Any unknown state, however odd, reads without panicking.
        for odd in ["", "PROVISIONING_STATE_\\u0000", "provisioning_state_final"] {
            let text = format!(r#"{{"provisioningState": "{odd}"}}"#);
            let f: Feature = crate::wire::from_json(text.as_bytes())?;
            assert!(f.provisioning_state.is_some_and(|s| !s.is_known()));
        }
        Ok(())
    }

    #[test]
    fn upstream_examples() {
        // These examples write `""` for the `featureConfig` object
        // (spec/ERRATA.md).
        if let Some(doc) = upstream_example("Feature") {
            rejects_at::<Feature>(&doc, "featureConfig");
        }
        if let Some(doc) = upstream_example("ListFeaturesResponse") {
            rejects_at::<ListFeaturesResponse>(&doc, "features[0].featureConfig");
        }
    }
}
