//! The cleanup task (`schemas/connection.yaml` `Connection` description
//! items 3 and 4; governance § Resource Management; `spec/REQUIREMENTS.md`
//! CONN-13, CONN-14, CONN-32, KEY-16; `spec/ERRATA.md` E-19, E-72).
//!
//! [`ReferenceProvider::run_cleanup`] is meant to be called periodically
//! by the host (a timer task). It removes, older than the policy's cleanup
//! age, every connection never verified (CONN-13) or never seen on the
//! partner's side (no `NotifyConnectionStatus` received, CONN-14), with
//! their features (CONN-32); it drops activation keys that expired
//! unconfirmed, and keys revoked and expired; and it clears update markers
//! older than the cleanup age (CONN-17). It also forgets the workflows
//! that ended (`Deleted` or `Failed`) with no activity for the same age,
//! so the store does not grow with every connection ever made
//! (`BENCHMARKS.md`, "Establishment"): nothing of such a connection is left
//! on either side, its key was revoked (CONN-12) and has expired (KEY-16),
//! so the issuer refuses its UUID from then on without the workflow, and
//! the customer has had the cleanup age to read how it ended. The
//! connections it removed are
//! listed in the report; the periodic task (`Task::Cleanup`) then calls
//! `DeleteConnection` on the peer for each (CONN-32, allowed there by
//! AUTH-10; `negotiator/cleanup.rs`). This function itself makes no calls.

use chrono::{DateTime, Duration, Utc};
use interconnect_core::names::{ConnectionName, FeatureName};
use interconnect_core::wire::VerificationState;

use super::ReferenceProvider;
use super::connections::{remove_connection, remove_from_backend};
use crate::error::CoordinatorResult;
use crate::store::{State, StoreExt};

/// What one cleanup run removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanupReport {
    /// Connections removed (the host deletes the peer's copies).
    pub deleted_connections: Vec<ConnectionName>,
    /// Their features, removed from the store and the backend.
    pub deleted_features: Vec<FeatureName>,
    /// How many activation keys were dropped.
    pub dropped_keys: usize,
    /// Connections whose stale in-flight update marker was cleared.
    pub cleared_updates: Vec<ConnectionName>,
    /// How many ended workflows were forgotten.
    pub purged_workflows: usize,
}

impl ReferenceProvider {
    /// Runs the cleanup once (see the module documentation).
    pub fn run_cleanup(&self) -> CoordinatorResult<CleanupReport> {
        let now = self.clock.now();
        let age = self.config.policy.cleanup_after();
        let report = self.store.update(|state| {
            let mut report = CleanupReport::default();
            let doomed: Vec<ConnectionName> = state
                .connections
                .iter()
                .filter(|(_, r)| {
                    now - r.created_at >= age
                        && (r.connection.verification_state != Some(VerificationState::Verified)
                            || !r.seen_on_peer)
                })
                .map(|(n, _)| n.clone())
                .collect();
            for name in doomed {
                report
                    .deleted_features
                    .extend(remove_connection(state, &name));
                report.deleted_connections.push(name);
            }
            let stale: Vec<_> = state
                .connections
                .iter()
                .filter(|(_, r)| r.update_in_flight.is_some_and(|t| now - t >= age))
                .map(|(n, _)| n.clone())
                .collect();
            for name in stale {
                if let Some(mut record) = state.connections.get_mut(&name) {
                    record.update_in_flight = None;
                }
                report.cleared_updates.push(name);
            }
            for name in &report.cleared_updates {
                state.local_updates.remove(name);
            }
            let before = state.issued_keys.len();
            let connections = &state.connections;
            let dropped: Vec<String> = state
                .issued_keys
                .iter()
                .filter(|(uuid, key)| {
                    let expired = now >= key.expires_at;
                    let in_use = connections.has_id(uuid);
                    expired && (key.confirmed_by.is_none() || (key.revoked && !in_use))
                })
                .map(|(uuid, _)| uuid.clone())
                .collect();
            for uuid in &dropped {
                state.issued_keys.remove(uuid);
            }
            report.dropped_keys = before - state.issued_keys.len();
            report.purged_workflows = purge_ended_workflows(state, now, age);
            Ok(report)
        })?;
        remove_from_backend(self, &report.deleted_features);
        Ok(report)
    }
}

/// Forgets the workflows that ended (`Deleted`, `Failed`) whose last
/// activity (their newest history line, or their creation) is at least
/// `age` old; returns how many.
pub(crate) fn purge_ended_workflows(state: &mut State, now: DateTime<Utc>, age: Duration) -> usize {
    let ended: Vec<String> = state
        .workflows
        .iter()
        .filter(|(_, wf)| {
            let last = wf.events.last().map_or(wf.created_at, |e| e.at);
            wf.phase.is_final() && now - last >= age
        })
        .map(|(uuid, _)| uuid.clone())
        .collect();
    for uuid in &ended {
        state.workflows.remove(uuid);
    }
    ended.len()
}
