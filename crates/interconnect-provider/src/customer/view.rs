//! What the customer API answers about a connection.

use interconnect_core::names::{ChannelName, ConnectionName, EnvironmentName};
use interconnect_core::wire::{ProvisioningState, VerificationState};
use serde::Serialize;

use crate::reference::ReferenceProvider;
use crate::store::{Phase, Role, State, Workflow, WorkflowEvent};

/// One feature of a customer's connection, without secrets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerFeature {
    /// The channel it configures.
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
    /// The connection resource on this provider, once it exists.
    pub connection: Option<ConnectionName>,
    /// Its verification state.
    pub verification_state: Option<VerificationState>,
    /// Its features.
    pub features: Vec<CustomerFeature>,
    /// Why it failed, when it did.
    pub failure: Option<String>,
    /// What happened so far.
    pub events: Vec<WorkflowEvent>,
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
            failure: wf.failure.clone(),
            events: wf.events.clone(),
        }
    }
}
