//! What the customer API answers about a connection.
//!
//! Customers never see interconnects (OPS-18,
//! `docs/ConnectionCoordinatorAPI.md` § Interconnect): the serialized view
//! leaves out resource names, shows a feature's channel by its id only, and
//! rewrites any resource name in the history and failure texts. The Rust
//! members keep the names for operators and tests.

use interconnect_core::names::{ChannelName, ConnectionName, EnvironmentName};
use interconnect_core::wire::{ProvisioningState, VerificationState};
use serde::Serialize;

use crate::reference::ReferenceProvider;
use crate::store::{Phase, Role, State, Workflow, WorkflowEvent};

/// One feature of a customer's connection, without secrets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerFeature {
    /// The channel it configures (serialized as its id only, OPS-18).
    #[serde(serialize_with = "channel_id")]
    pub channel: ChannelName,
    /// Its VLAN.
    pub vlan_id: Option<i32>,
    /// Its IPv4 link subnet.
    pub ipv4_subnet: Option<String>,
    /// Its MTU.
    pub mtu_bytes: Option<i32>,
    /// Whether the devices carry it.
    pub provisioning_state: ProvisioningState,
}

/// A customer's connection as this provider sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerConnection {
    /// The shared connection UUID (the connection's id on both providers).
    pub connection_id: String,
    /// `negotiator` or `responder`.
    pub role: Role,
    /// How far it has come.
    pub phase: Phase,
    /// The environment.
    pub environment: EnvironmentName,
    /// The bandwidth.
    pub bandwidth_mbps: i32,
    /// The connection resource on this provider, once it exists (not
    /// serialized: its name holds the interconnect, OPS-18).
    #[serde(skip_serializing)]
    pub connection: Option<ConnectionName>,
    /// Its verification state.
    pub verification_state: Option<VerificationState>,
    /// Its features.
    pub features: Vec<CustomerFeature>,
    /// Why it failed, when it did.
    pub failure: Option<String>,
    /// Why it is degraded, while it is: what the other provider no longer
    /// shows (RECON-2; resource names rewritten, OPS-18).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub degradation: Option<String>,
    /// A bandwidth change waiting for the peer (CONN-18) or for the end
    /// of a migration (NEG-18).
    pub pending_bandwidth_mbps: Option<i32>,
    /// The connection being migrated away from, which carries traffic
    /// until the new one is verified (NEG-15; not serialized, OPS-18).
    #[serde(skip_serializing)]
    pub migrating_from: Option<ConnectionName>,
    /// What happened so far (resource names rewritten, OPS-18).
    pub events: Vec<WorkflowEvent>,
    /// The most BGP prefixes the other provider accepts per session, once
    /// learnt: the customer's routes beyond it are not announced (NEG-17).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_max_received_bgp_route_prefixes: Option<i32>,
    /// The same for IPv6 sessions: the peer's
    /// `maxReceivedBgpRoutePrefixesIpv6`, or its IPv4 limit when it states
    /// none (NEG-17).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_max_received_bgp_route_prefixes_ipv6: Option<i32>,
}

fn channel_id<S: serde::Serializer>(channel: &ChannelName, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(channel.id())
}

/// `text` with every resource name below an interconnect replaced, so a
/// customer-facing text never names an interconnect (OPS-18).
pub(crate) fn for_customer(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains("/interconnects/") {
                let tail = word.trim_end_matches(|c: char| !c.is_alphanumeric());
                let punctuation = &word[tail.len()..];
                let what = if tail.contains("/features/") {
                    "the feature"
                } else if tail.contains("/connections/") {
                    "the connection"
                } else if tail.contains("/channels/") {
                    "the channel"
                } else {
                    "the provider's network"
                };
                format!("{what}{punctuation}")
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl ReferenceProvider {
    pub(crate) fn customer_view(
        &self,
        state: &State,
        uuid: &str,
        wf: &Workflow,
    ) -> CustomerConnection {
        let record = wf
            .connection
            .as_ref()
            .and_then(|n| state.connections.get(n));
        let features = wf
            .connection
            .as_ref()
            .map(|conn| {
                state
                    .features_of_connection(conn)
                    .filter_map(|(n, r)| {
                        let l3 = r.feature.feature_config.as_ref()?.l3_base_config.as_ref()?;
                        Some(CustomerFeature {
                            channel: r.feature.channel.clone()?,
                            vlan_id: l3.vlan_id,
                            ipv4_subnet: l3.ipv4_subnet.clone(),
                            mtu_bytes: l3.mtu_bytes,
                            provisioning_state: if self.backend().feature_status(n)
                                == crate::backend::FeatureStatus::Provisioned
                            {
                                ProvisioningState::Final
                            } else {
                                ProvisioningState::Pending
                            },
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        CustomerConnection {
            connection_id: uuid.to_owned(),
            role: wf.role,
            phase: wf.phase,
            environment: wf.environment.clone(),
            bandwidth_mbps: record
                .and_then(|r| r.connection.bandwidth_mbps)
                .unwrap_or(wf.bandwidth_mbps),
            connection: wf.connection.clone(),
            verification_state: record.and_then(|r| r.connection.verification_state.clone()),
            features,
            failure: wf.failure.as_deref().map(for_customer),
            degradation: wf.degradation.as_ref().map(|d| for_customer(&d.reason)),
            pending_bandwidth_mbps: wf.pending_bandwidth_mbps,
            migrating_from: wf.migrating_from.clone(),
            events: wf
                .events
                .iter()
                .map(|e| WorkflowEvent {
                    at: e.at,
                    what: for_customer(&e.what),
                })
                .collect(),
            peer_max_received_bgp_route_prefixes: wf
                .peer_prefix_limit
                .and_then(|l| l.max_received_bgp_route_prefixes),
            peer_max_received_bgp_route_prefixes_ipv6: wf
                .peer_prefix_limit
                .and_then(|l| l.max_received_bgp_route_prefixes_ipv6),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::for_customer;

    #[test]
    fn customer_texts_never_name_an_interconnect() {
        assert_eq!(
            for_customer(
                "the peer refused providers/aws/environments/e/interconnects/ix1 (409); trying providers/aws/environments/e/interconnects/ix2/connections/u."
            ),
            "the peer refused the provider's network (409); trying the connection.",
            "OPS-18"
        );
        assert_eq!(for_customer("no names here"), "no names here");
    }
}
