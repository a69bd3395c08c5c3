//! The runner's embedded peer: what a real peer of the target would send
//! (`docs/Protocols.md` "Negotiate Feature Parameters": the negotiator
//! chooses a complete configuration inside the responder's guidance;
//! "MACsec": the manager creates keys).

use interconnect_core::allocation::{AllocationInput, LocalConstraints, allocate_l3};
use interconnect_core::names::{ChannelName, ConnectionName, ProviderName};
use interconnect_core::validation::ChannelUsage;
use interconnect_core::wire;
use interconnect_provider::{Caller, ConnectionCoordinator, PageRequest, request};
use serde_json::Value;

/// The peer's own ASN in its proposals.
pub const PEER_ASN: u32 = 16550;

/// The runner's peer: the partner identity with its local constraints.
#[derive(Debug, Clone)]
pub struct EmbeddedPeer {
    identity: ProviderName,
    local: LocalConstraints,
}

impl EmbeddedPeer {
    /// A peer acting as `identity` with ASN [`PEER_ASN`], VLANs
    /// 1025..=4094, MTU 1280..=8896, IPv4 only.
    pub fn new(identity: ProviderName) -> Self {
        EmbeddedPeer {
            identity,
            local: LocalConstraints {
                asn: PEER_ASN,
                vlan_ranges: vec![(1025, 4094)],
                mtu_ranges: vec![(1280, 8896)],
                ipv4_prefix_lengths: vec![],
                ipv6_prefix_lengths: vec![],
                ipv6: false,
            },
        }
    }

    /// A complete L3 feature for `channel` of `connection`, chosen from the
    /// target's guidance and avoiding what the connection's features use.
    pub async fn feature_proposal<C: ConnectionCoordinator + ?Sized>(
        &self,
        coordinator: &C,
        caller: &Caller,
        server: &ProviderName,
        connection: &ConnectionName,
        channel: &ChannelName,
    ) -> Result<Value, String> {
        let guidance = coordinator
            .generate_feature_guidance(
                caller,
                request::GenerateFeatureGuidance {
                    name: connection.clone(),
                    body: wire::GenerateFeatureGuidanceRequest {},
                },
            )
            .await
            .map_err(|e| format!("GenerateFeatureGuidance: {e}"))?;
        let l3 = guidance
            .feature_guidance
            .iter()
            .find(|g| g.channel.as_ref() == Some(channel))
            .and_then(|g| g.l3_base_guidance.as_ref())
            .ok_or_else(|| format!("the guidance has no L3 entry for {channel}"))?;
        let features = coordinator
            .list_features(
                caller,
                request::ListFeatures {
                    parent: connection.clone(),
                    page: PageRequest {
                        page_size: Some(1000),
                        page_token: None,
                    },
                },
            )
            .await
            .map_err(|e| format!("ListFeatures: {e}"))?;
        let mut used = ChannelUsage::default();
        for f in features
            .features
            .iter()
            .filter(|f| f.channel.as_ref() == Some(channel))
        {
            if let Some(c) = f
                .feature_config
                .as_ref()
                .and_then(|c| c.l3_base_config.as_ref())
            {
                used.add(c);
            }
        }
        let config = allocate_l3(&AllocationInput {
            channel,
            guidance: l3,
            local: &self.local,
            negotiator: &self.identity,
            responder: server,
            used: &used,
        })
        .map_err(|e| format!("allocation: {e}"))?;
        let feature = wire::Feature {
            name: None,
            channel: Some(channel.clone()),
            feature_config: Some(config),
            provisioning_state: None,
            updatable: None,
        };
        serde_json::to_value(feature).map_err(|e| format!("feature: {e}"))
    }

    /// A fresh MACsec key body with a random 16-octet CAK and CKN.
    pub fn mac_sec_key(&self) -> Value {
        serde_json::json!({
            "cak": uuid::Uuid::new_v4().simple().to_string(),
            "ckn": uuid::Uuid::new_v4().simple().to_string(),
        })
    }
}
