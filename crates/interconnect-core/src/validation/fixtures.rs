//! Shared test fixtures: a coherent guidance and a proposal that follows it.

use crate::names::{ConnectionName, ProviderName};
use crate::wire::{
    AsnRange, Feature, FeatureConfig, FeatureType, L3BaseConfig, L3BaseGuidance, MtuRange,
    ProviderBgpConfig, SubnetGuidance, VlanRange,
};

pub(crate) fn guidance() -> L3BaseGuidance {
    L3BaseGuidance {
        asn_ranges: vec![AsnRange {
            start: Some(64512),
            stop: Some(64512),
        }],
        ipv4_subnet_guidance: vec![SubnetGuidance {
            include_subnet: Some("169.254.0.0/16".into()),
            exclude_subnets: vec!["169.254.1.0/28".into()],
            preferred_subnet: Some("169.254.1.16/30".into()),
        }],
        ipv6_subnet_guidance: vec![SubnetGuidance {
            include_subnet: Some("fd20::/16".into()),
            exclude_subnets: vec![],
            preferred_subnet: None,
        }],
        ipv4_allowed_subnet_prefix_lengths: vec![29, 30],
        ipv6_allowed_subnet_prefix_lengths: vec![126, 127],
        vlan_ranges: vec![VlanRange {
            start: Some(2000),
            stop: Some(2999),
        }],
        mtu_ranges: vec![MtuRange {
            start: Some(1500),
            stop: Some(8896),
        }],
        max_received_bgp_route_prefixes: Some(100),
        max_received_bgp_route_prefixes_ipv6: None,
    }
}

pub(crate) fn connection() -> ConnectionName {
    "providers/aws/environments/aws-gcp-us-east/interconnects/ix1/connections/c1"
        .parse()
        .expect("fixture name")
}

pub(crate) fn aws() -> ProviderName {
    ProviderName::new("aws").expect("fixture")
}

pub(crate) fn gcp() -> ProviderName {
    ProviderName::new("gcp").expect("fixture")
}

/// A dual-stack proposal by gcp (negotiator) to aws (responder) on ch1.
pub(crate) fn feature() -> Feature {
    let channel = connection().interconnect().channel("ch1").expect("fixture");
    Feature {
        name: None,
        channel: Some(channel),
        feature_config: Some(FeatureConfig {
            feature_type: Some(FeatureType::L3Base),
            l3_base_config: Some(L3BaseConfig {
                ipv4_subnet: Some("169.254.1.16/30".into()),
                ipv4_subnet_prefix_length: Some(30),
                ipv6_subnet: Some("fd20::/126".into()),
                ipv6_subnet_prefix_length: Some(126),
                mtu_bytes: Some(8896),
                vlan_id: Some(2000),
                provider_bgp_configs: vec![
                    ProviderBgpConfig {
                        provider: Some(aws()),
                        asn: Some(64512),
                        host_ipv4: Some("169.254.1.17".into()),
                        host_ipv6: Some("fd20::1".into()),
                    },
                    ProviderBgpConfig {
                        provider: Some(gcp()),
                        asn: Some(16550),
                        host_ipv4: Some("169.254.1.18".into()),
                        host_ipv6: Some("fd20::2".into()),
                    },
                ],
                md5_bgp_password: None,
            }),
        }),
        provisioning_state: None,
        updatable: None,
    }
}
