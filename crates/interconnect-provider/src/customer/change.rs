//! The customer changes a connection's bandwidth (`docs/Protocols.md`
//! § Update Connection Workflow, § Migration Workflow).
//!
//! [`Customer::change_bandwidth`](crate::customer::Customer::change_bandwidth) is `async`: the peer must agree
//! before anything changes (CONN-18), and a refusal from it (409 CONN-17
//! while its own update is in flight, 409 CONN-16 when its interconnect
//! has no room) is the customer's answer. The rest runs in the background
//! (`negotiator/update.rs`).
//!
//! Checks, in order, before any call:
//! 1. the connection is the customer's (404 CONN-22);
//! 2. the size is offered by the environment (400 CONN-16);
//! 3. the connection is `VERIFIED` (409 NEG-13) with no other change
//!    pending (409 CONN-17); asking for the current bandwidth changes
//!    nothing and answers the connection as it is;
//! 4. room: its own interconnect has room here (in place), else another
//!    interconnect of the environment has (a migration, NEG-18), else 409
//!    CONN-16.

use chrono::{DateTime, Utc};
use interconnect_core::names::ConnectionName;
use interconnect_core::wire::{Secret, VerificationState};

use super::Customer;
use super::CustomerConnection;
use crate::config::EnvironmentInventory;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::negotiator::UpdateCall;
use crate::reference::ReferenceProvider;
use crate::reference::inventory::{capacity_mbps, reserved_mbps};
use crate::rules;
use crate::store::{Phase, Role, State, StoreExt, Workflow};

impl Customer<'_> {
    /// Changes the bandwidth of a customer's verified connection.
    ///
    /// In place when its interconnect has room here: the peer is asked
    /// with `UpdateConnection` first; its refusal is returned with nothing
    /// changed; an unreachable peer is retried in the background (the
    /// answer then still shows the old bandwidth and
    /// `pendingBandwidthMbps`). Otherwise, when another interconnect of
    /// the environment has room, the connection is migrated there, make
    /// before break (NEG-15, NEG-18); the answer shows the new connection
    /// while the old one keeps carrying traffic.
    pub async fn change_bandwidth(
        &self,
        account: &Secret,
        connection_id: &str,
        bandwidth_mbps: i32,
    ) -> CoordinatorResult<CustomerConnection> {
        let current = self.customer_connection(account, connection_id)?;
        let (wf, env) = self.workflow_and_environment(connection_id)?;
        self.check_size_offered(env, &wf, bandwidth_mbps)?;
        let local = check_changeable(&wf, &current)?;
        if current.bandwidth_mbps == bandwidth_mbps {
            return Ok(current);
        }
        let fits_here = self.fits_in_place(env, &local, bandwidth_mbps);
        // CONN-17: this side's update is in flight from now on
        self.begin_local_update(&local)?;
        let now = self.clock().now();
        if let Err(e) = self.start_change(connection_id, &local, bandwidth_mbps, fits_here, now) {
            let _ = self.finish_update(&local);
            return Err(e);
        }
        let mut look = now;
        if fits_here {
            let outcome = self.confirm_update_with_peer(connection_id).await;
            if let UpdateCall::Refused(e) = outcome {
                return Err(e);
            }
            look = outcome.next_look(now);
        }
        self.wake(connection_id, look);
        self.customer_connection(account, connection_id)
    }
}

impl ReferenceProvider {
    /// The workflow of connection `connection_id` and its environment as
    /// shared with the partner; 404 when either is gone.
    fn workflow_and_environment(
        &self,
        connection_id: &str,
    ) -> CoordinatorResult<(Workflow, &EnvironmentInventory)> {
        let wf = self.workflow(connection_id).ok_or_else(|| {
            CoordinatorError::not_found(rules::CONN_MISSING, "no such connection of this customer")
        })?;
        let env = self.shared_environment(&wf.environment).ok_or_else(|| {
            CoordinatorError::not_found(
                rules::CONN_MISSING,
                format!("{} is no longer shared", wf.environment),
            )
        })?;
        Ok((wf, env))
    }

    /// 400 CONN-16 unless the environment offers `bandwidth_mbps`; the
    /// customer's bandwidth limit.
    fn check_size_offered(
        &self,
        env: &EnvironmentInventory,
        wf: &Workflow,
        bandwidth_mbps: i32,
    ) -> CoordinatorResult<()> {
        if !env
            .environment
            .supported_connection_size_mbps
            .contains(&bandwidth_mbps)
        {
            return Err(CoordinatorError::invalid_argument(
                rules::CONN_UPDATE_FITS,
                format!(
                    "bandwidthMbps: {bandwidth_mbps} Mbps is not offered by {}",
                    wf.environment
                ),
            ));
        }
        super::limits::check_bandwidth_limit(&self.config().policy, bandwidth_mbps)
    }

    /// Whether the connection's own interconnect offers `bandwidth_mbps`
    /// and has room for it beside the other connections (in place).
    fn fits_in_place(
        &self,
        env: &EnvironmentInventory,
        local: &ConnectionName,
        bandwidth_mbps: i32,
    ) -> bool {
        env.interconnects
            .iter()
            .find(|ix| ix.interconnect.name.as_ref() == Some(local.interconnect()))
            .filter(|ix| {
                ix.interconnect
                    .supported_connection_size_mbps
                    .contains(&bandwidth_mbps)
            })
            .and_then(|ix| capacity_mbps(self, ix))
            .is_some_and(|capacity| {
                self.store()
                    .view(|s| reserved_mbps(s, local.interconnect(), Some(local)))
                    .is_some_and(|reserved| reserved + i64::from(bandwidth_mbps) <= capacity)
            })
    }

    /// In one transaction: no other change started meanwhile (CONN-17),
    /// then the change is recorded, in place or as a migration.
    fn start_change(
        &self,
        connection_id: &str,
        local: &ConnectionName,
        bandwidth_mbps: i32,
        fits_here: bool,
        now: DateTime<Utc>,
    ) -> CoordinatorResult<()> {
        self.store().update(|state| {
            let mut w = state.workflows.get(connection_id).cloned().ok_or_else(|| {
                CoordinatorError::not_found(rules::CONN_MISSING, "the workflow is gone")
            })?;
            if w.phase != Phase::Verified
                || w.pending_bandwidth_mbps.is_some()
                || w.migrating_from.is_some()
            {
                return Err(CoordinatorError::aborted(
                    rules::CONN_UPDATE_IN_FLIGHT,
                    "another change of this connection is in progress",
                ));
            }
            w.pending_bandwidth_mbps = Some(bandwidth_mbps);
            w.retry = Default::default();
            if fits_here {
                w.record(
                    now,
                    format!(
                        "the customer asked for {bandwidth_mbps} Mbps; {} has room; asking the peer before changing anything (CONN-18)",
                        local.interconnect()
                    ),
                );
            } else {
                self.start_migration(state, &mut w, connection_id, local, bandwidth_mbps, now)?;
            }
            state.workflows.insert(connection_id.to_owned(), w);
            Ok(())
        })
    }

    /// NEG-18: a migration to the interconnect with the most room: a new
    /// connection here with the same UUID, while the old one keeps
    /// carrying traffic (NEG-15); 409 CONN-16 when no interconnect has room.
    fn start_migration(
        &self,
        state: &mut State,
        w: &mut Workflow,
        connection_id: &str,
        local: &ConnectionName,
        bandwidth_mbps: i32,
        now: DateTime<Utc>,
    ) -> CoordinatorResult<()> {
        let mut target = w.clone();
        target.bandwidth_mbps = bandwidth_mbps;
        target.refused_interconnects = vec![local.interconnect().clone()];
        target.role = Role::Negotiator;
        target.deferred = false;
        let environment = w.environment.clone();
        let new = self
            .insert_local_connection(state, &environment, connection_id, &target, now)
            .map_err(|_| {
                CoordinatorError::aborted(
                    rules::CONN_UPDATE_FITS,
                    format!(
                        "no interconnect of {environment} has {bandwidth_mbps} Mbps free, neither {} nor another one to migrate to ({})",
                        local.interconnect(),
                        rules::NEG_INCREASE_MIGRATES
                    ),
                )
            })?;
        w.record(
            now,
            format!(
                "the customer asked for {bandwidth_mbps} Mbps; {} has no room; migrating to {} ({}): new connection created here with the same UUID while the old one keeps carrying traffic ({})",
                local.interconnect(),
                new.interconnect(),
                rules::NEG_INCREASE_MIGRATES,
                rules::NEG_MIGRATION
            ),
        );
        w.migrating_from = Some(local.clone());
        w.connection = Some(new);
        w.bandwidth_mbps = bandwidth_mbps;
        w.refused_interconnects = target.refused_interconnects;
        w.role = Role::Negotiator;
        w.deferred = false;
        w.deferral_deadline = None;
        w.channels.clear();
        w.notified_features = None;
        w.peer_notifications_seen = 0;
        w.phase = Phase::CreatingRemote;
        Ok(())
    }
}

/// The connection's local name when it may change now: `VERIFIED` (409
/// NEG-13) with no other change pending (409 CONN-17).
fn check_changeable(
    wf: &Workflow,
    current: &CustomerConnection,
) -> CoordinatorResult<ConnectionName> {
    let Some(local) = wf.connection.clone() else {
        return Err(not_verified(&wf.phase));
    };
    if wf.phase != Phase::Verified
        || current.verification_state != Some(VerificationState::Verified)
    {
        return Err(not_verified(&wf.phase));
    }
    if wf.pending_bandwidth_mbps.is_some() || wf.migrating_from.is_some() {
        return Err(CoordinatorError::aborted(
            rules::CONN_UPDATE_IN_FLIGHT,
            "another bandwidth change of this connection is in progress",
        ));
    }
    Ok(local)
}

fn not_verified(phase: &Phase) -> CoordinatorError {
    // Issue 19 item 4: the phase as the API spells it, not its Debug form.
    CoordinatorError::aborted(
        rules::NEG_VERIFIED,
        format!(
            "only a VERIFIED connection can change its bandwidth; this one is {}",
            phase.as_str()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 19 item 4: messages name the phase as the API spells it,
    /// never Rust's `Debug` form.
    #[test]
    fn the_phase_is_named_as_the_api_spells_it() {
        let message = not_verified(&Phase::AwaitingPeer).message().to_owned();
        assert!(message.ends_with("this one is awaitingPeer"), "{message}");
        assert!(!message.contains("AwaitingPeer"), "{message}");
    }
}
