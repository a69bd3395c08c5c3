//! Unit tests of governance rules that the server-side operations satisfy
//! (governance § Protocol Standards): a feature's BGP MD5 password and its
//! IPv6 subnet and hosts reach the devices as agreed (OPS-17); admin state
//! is reported for channels and connections (OPS-6, governance § Service
//! Reliability).

use std::sync::Arc;

use interconnect_core::wire::{
    self, FeatureConfig, FeatureType, L3BaseConfig, ProviderBgpConfig, Secret,
};

use super::ReferenceProvider;
use super::features::create_feature;
use crate::error::CoordinatorResult;
use crate::request;
use crate::testing::Fixture;
use crate::testing::seed::seed_connection;

type F = Fixture<Arc<ReferenceProvider>>;

/// A dual-stack L3 proposal with an MD5 password on `ix1/ch1`.
fn dual_stack_with_md5(f: &F) -> wire::Feature {
    wire::Feature {
        name: None,
        channel: Some(f.channel("ix1", "ch1")),
        feature_config: Some(FeatureConfig {
            feature_type: Some(FeatureType::L3Base),
            l3_base_config: Some(L3BaseConfig {
                ipv4_subnet: Some("169.254.0.0/30".to_owned()),
                ipv4_subnet_prefix_length: Some(30),
                ipv6_subnet: Some("fd20:1234::/126".to_owned()),
                ipv6_subnet_prefix_length: Some(126),
                mtu_bytes: Some(1500),
                vlan_id: Some(1100),
                provider_bgp_configs: vec![
                    ProviderBgpConfig {
                        provider: Some(f.local.clone()),
                        asn: Some(64512),
                        host_ipv4: Some("169.254.0.1".to_owned()),
                        host_ipv6: Some("fd20:1234::1".to_owned()),
                    },
                    ProviderBgpConfig {
                        provider: Some(f.partner.clone()),
                        asn: Some(16550),
                        host_ipv4: Some("169.254.0.2".to_owned()),
                        host_ipv6: Some("fd20:1234::2".to_owned()),
                    },
                ],
                md5_bgp_password: Some(Secret::new("agreed-md5-secret")),
            }),
        }),
        provisioning_state: None,
        updatable: None,
    }
}

#[test]
fn the_md5_password_and_ipv6_reach_the_devices() -> CoordinatorResult<()> {
    let f = Fixture::new();
    let conn = seed_connection(&f, "ix1", "c-md5", 1000);
    let accepted = create_feature(
        &f.server,
        &f.caller(),
        request::CreateFeature {
            parent: conn.clone(),
            feature_id: "f1".to_owned(),
            feature: dual_stack_with_md5(&f),
        },
    )?;
    let name = accepted.name.clone().ok_or_else(|| {
        crate::CoordinatorError::internal("OPS-17", "the accepted feature has no name")
    })?;
    let on_devices = f
        .backend
        .provisioned_config(&name)
        .ok_or_else(|| crate::CoordinatorError::internal("OPS-17", "not provisioned"))?;
    assert_eq!(
        on_devices.md5_bgp_password.as_ref().map(Secret::expose),
        Some("agreed-md5-secret"),
        "OPS-17: the MD5 password is configured on the BGP session"
    );
    assert_eq!(on_devices.ipv6_subnet.as_deref(), Some("fd20:1234::/126"));
    assert!(
        on_devices
            .provider_bgp_configs
            .iter()
            .all(|b| b.host_ipv6.is_some()),
        "OPS-17: IPv6 hosts are configured"
    );
    assert!(
        !format!("{accepted:?}").contains("agreed-md5-secret"),
        "OPS-11: the password is never shown"
    );
    Ok(())
}

#[test]
fn admin_state_is_reported_for_channels_and_connections() -> CoordinatorResult<()> {
    let mut config = Fixture::new().server.config().clone();
    config.inventory.partners[0].environments[0].interconnects[0].channels[3].admin_state =
        Some(wire::AdminState::Disabled);
    let f = Fixture::with_config(config);
    for ch in ["ch1", "ch4"] {
        let channel = super::static_resources::get_channel(
            &f.server,
            &f.caller(),
            request::GetChannel {
                name: f.channel("ix1", ch),
            },
        )?;
        let expected = if ch == "ch4" {
            wire::AdminState::Disabled
        } else {
            wire::AdminState::Enabled
        };
        assert_eq!(channel.admin_state, Some(expected), "OPS-6: {ch}");
    }
    let conn = seed_connection(&f, "ix1", "c-admin", 1000);
    let served = super::connections::get_connection(
        &f.server,
        &f.caller(),
        request::GetConnection { name: conn },
    )?;
    assert_eq!(
        served.admin_state,
        Some(wire::AdminState::Enabled),
        "OPS-6: a connection's admin state is reported"
    );
    Ok(())
}
