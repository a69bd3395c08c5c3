//! This provider's own MONITORING connection on an interconnect
//! (upstream-next `schemas/common.yaml` `ConnectionType`:
//! `CONNECTION_TYPE_MONITORING`, "quota is 2 per interconnect (not per
//! environment), one created by each provider", "may not have a customer
//! resource or key"; CONN-44, CONN-45, E-249).
//!
//! The operator asks for it; no customer and no activation key take part.
//! This side creates its copy on the interconnect it was given and then
//! negotiates as for any connection (a workflow keyed by a fresh UUID, role
//! negotiator): `CreateConnection` at the peer with `connectionType`
//! MONITORING, guidance, features, provisioning, verification. A MONITORING
//! connection takes no capacity on either side (CONN-44). The peer's 409
//! (its one MONITORING connection from this provider is there already,
//! CONN-45) ends the workflow: it is never moved to another interconnect.

use interconnect_core::names::{ConnectionName, InterconnectName};
use interconnect_core::wire::{self, ConnectionType, VerificationState};
use serde::Serialize;

use super::Operator;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::rules;
use crate::store::{ConnectionRecord, Phase, Role, StoreExt, Workflow};

/// A MONITORING connection this provider created, for its operator.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringConnection {
    /// The connection's id (a UUID), on both providers.
    pub connection_id: String,
    /// The connection on this server.
    pub connection: Option<ConnectionName>,
    /// How far its workflow has come.
    pub phase: Phase,
    /// Its verification state here.
    pub verification_state: Option<VerificationState>,
    /// Why it failed, when it did.
    pub failure: Option<String>,
}

impl Operator<'_> {
    /// Operator: creates this provider's MONITORING connection on
    /// `interconnect` (as this server names it) with `bandwidth_mbps`, and
    /// starts its negotiation with the peer. 404 for an interconnect this
    /// server does not share, 400 for a bandwidth that is not positive, 409
    /// when this provider already has an unfinished MONITORING connection
    /// there (CONN-45).
    pub fn operator_create_monitoring_connection(
        &self,
        interconnect: &InterconnectName,
        bandwidth_mbps: i32,
    ) -> CoordinatorResult<MonitoringConnection> {
        if bandwidth_mbps <= 0 {
            return Err(CoordinatorError::invalid_argument(
                rules::CONN_BANDWIDTH_POSITIVE,
                "bandwidthMbps must be present and positive",
            ));
        }
        let environment = interconnect.environment().clone();
        let shared = self
            .shared_environment(&environment)
            .and_then(|env| {
                env.interconnects
                    .iter()
                    .find(|ix| ix.interconnect.name.as_ref() == Some(interconnect))
            })
            .is_some();
        if !shared {
            return Err(CoordinatorError::not_found(
                rules::MISSING_RESOURCE,
                format!("{interconnect} is not an interconnect this server shares with a partner"),
            ));
        }
        let uuid = uuid::Uuid::new_v4().to_string();
        let name = interconnect.connection(&uuid).map_err(|e| {
            CoordinatorError::invalid_argument(rules::CONN_ID_SEGMENT, e.to_string())
        })?;
        let now = self.clock().now();
        let view = self.store().update(|state| {
            let held = state.workflows.iter().any(|(_, wf)| {
                wf.connection_type == Some(ConnectionType::Monitoring)
                    && !wf.phase.is_final()
                    && wf
                        .connection
                        .as_ref()
                        .is_some_and(|c| c.interconnect() == interconnect)
            });
            if held {
                return Err(CoordinatorError::aborted(
                    rules::CONN_MONITORING_QUOTA,
                    format!("this provider already has a MONITORING connection on {interconnect}"),
                ));
            }
            let mut wf = Workflow::new(
                Role::Negotiator,
                Phase::CreatingRemote,
                environment.clone(),
                bandwidth_mbps,
                now,
            );
            wf.connection_type = Some(ConnectionType::Monitoring);
            state.connections.insert(
                name.clone(),
                ConnectionRecord {
                    connection: wire::Connection {
                        name: Some(name.clone()),
                        bandwidth_mbps: Some(bandwidth_mbps),
                        admin_state: Some(wire::AdminState::Enabled),
                        verification_state: Some(VerificationState::Unverified),
                        defer_provisioning: Some(false),
                        connection_type: Some(ConnectionType::Monitoring),
                        ..Default::default()
                    },
                    created_at: now,
                    negotiator_here: true,
                    update_in_flight: None,
                    notifications_received: Vec::new(),
                    seen_on_peer: false,
                },
            );
            wf.record(
                now,
                format!(
                    "the operator created this provider's MONITORING connection on {interconnect} (CONN-44)"
                ),
            );
            wf.connection = Some(name.clone());
            state.workflows.insert(uuid.clone(), wf.clone());
            Ok(monitoring_view(&uuid, &wf, state.connections.get(&name)))
        })?;
        self.wake(&uuid, now);
        Ok(view)
    }

    /// Operator: the MONITORING connections this provider created, in UUID
    /// order.
    pub fn monitoring_connections(&self) -> Vec<MonitoringConnection> {
        self.store()
            .view(|state| {
                state
                    .workflows
                    .iter()
                    .filter(|(_, wf)| wf.connection_type == Some(ConnectionType::Monitoring))
                    .filter(|(_, wf)| wf.role == Role::Negotiator)
                    .map(|(uuid, wf)| {
                        let record = wf
                            .connection
                            .as_ref()
                            .and_then(|c| state.connections.get(c));
                        monitoring_view(uuid, wf, record)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn monitoring_view(
    uuid: &str,
    wf: &Workflow,
    record: Option<&std::sync::Arc<ConnectionRecord>>,
) -> MonitoringConnection {
    MonitoringConnection {
        connection_id: uuid.to_owned(),
        connection: wf.connection.clone(),
        phase: wf.phase,
        verification_state: record.and_then(|r| r.connection.verification_state.clone()),
        failure: wf.failure.clone(),
    }
}
