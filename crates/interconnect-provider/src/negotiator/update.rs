//! A bandwidth change the customer asked for at this provider
//! (`docs/Protocols.md` § Update Connection Workflow, § Migration
//! Workflow), after [`Customer::change_bandwidth`](crate::customer::Customer::change_bandwidth) accepted it.
//!
//! In place, while `pending_bandwidth_mbps` is set and the connection is
//! verified:
//! 1. `UpdateConnection` (`updateMask` `bandwidthMbps`) to the peer, with
//!    this side's update marked in flight so the peer's own update is
//!    refused meanwhile (CONN-17);
//! 2. only after the peer's 200, the local copy and the network change
//!    (CONN-18; the backend has no bandwidth call, the change is recorded);
//!    a refusal (409 CONN-17, CONN-16, ...) ends the change with nothing
//!    changed; a peer that stays down is retried with backoff (NEG-4) and
//!    then given up, again with nothing changed;
//! 3. `NotifyConnectionStatus` to the peer when the change is complete, and
//!    the in-flight marker is cleared (CONN-19).
//!
//! As a migration (NEG-18), when the connection's interconnect has no room
//! but another one of the environment has: the new connection (same UUID)
//! goes through the establishment steps while `migrating_from` keeps the
//! old one, which carries traffic until the new one is verified; then the
//! old one's routes are de-preferenced (recorded), it is removed here and
//! `DeleteConnection` is sent to the peer (make before break, NEG-15). A
//! migration that fails before that is rolled back to the old connection.

use chrono::{DateTime, Utc};
use interconnect_core::names::ConnectionName;

use super::Next;
use crate::error::{CoordinatorError, ErrorKind};
use crate::reference::ReferenceProvider;
use crate::reference::connections::{remove_connection, remove_from_backend};
use crate::request;
use crate::retry::is_retryable;
use crate::rules;
use crate::store::{Phase, StoreExt, Workflow};

/// What one `UpdateConnection` to the peer came to.
#[derive(Debug)]
pub(crate) enum UpdateCall {
    /// The peer answered 200; the local copy now has the new bandwidth.
    Agreed,
    /// The peer refused; the change was dropped with nothing changed.
    Refused(CoordinatorError),
    /// The peer could not be reached; try again then (NEG-4).
    Retry(Next),
    /// The peer stayed unreachable past the retry budget; the change was
    /// dropped with nothing changed.
    GaveUp,
}

impl UpdateCall {
    /// When the workflow looks again after this call.
    pub(crate) fn next_look(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            UpdateCall::Retry(Next::At(at)) => *at,
            _ => now,
        }
    }
}

impl ReferenceProvider {
    /// Sends the pending bandwidth of `uuid` to the peer with
    /// `UpdateConnection` and, only after its 200, changes the local copy
    /// (CONN-18).
    pub(crate) async fn confirm_update_with_peer(&self, uuid: &str) -> UpdateCall {
        let Some(wf) = self.workflow(uuid) else {
            return UpdateCall::Refused(CoordinatorError::not_found(
                rules::CONN_MISSING,
                "the connection's workflow is gone",
            ));
        };
        let (Some(local), Some(mbps)) = (wf.connection.clone(), wf.pending_bandwidth_mbps) else {
            return UpdateCall::Refused(CoordinatorError::failed_precondition(
                rules::CONN_UPDATE_LOCAL_FIRST,
                "no bandwidth change is pending",
            ));
        };
        let sent = match (self.peer_of(&wf), self.at_peer_connection(&local)) {
            (Ok(peer), Ok(at_peer)) => {
                let connection = interconnect_core::wire::Connection {
                    bandwidth_mbps: Some(mbps),
                    ..Default::default()
                };
                let (caller, call) = self.logical_caller(
                    uuid,
                    "UpdateConnection",
                    &at_peer.to_string(),
                    &connection,
                );
                let sent = peer
                    .update_connection(
                        &caller,
                        request::UpdateConnection {
                            name: at_peer,
                            update_mask: Some("bandwidthMbps".to_owned()),
                            connection,
                        },
                    )
                    .await;
                self.call_ended(uuid, &call, &sent);
                sent
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        match sent {
            Ok(_) => {
                let now = self.clock().now();
                let applied = self.store().update(|state| {
                    let mut record = state.connections.get_mut(&local).ok_or_else(|| {
                        CoordinatorError::not_found(rules::CONN_MISSING, "the local copy is gone")
                    })?;
                    let old = record.connection.bandwidth_mbps;
                    record.connection.bandwidth_mbps = Some(mbps);
                    if let Some(w) = state.workflows.get_mut(uuid) {
                        w.bandwidth_mbps = mbps;
                        w.retry = Default::default();
                        w.record(
                            now,
                            format!(
                                "the peer accepted UpdateConnection (200): local copy changed from {} to {mbps} Mbps, network re-provisioned (recorded: the devices take no bandwidth call) ({})",
                                old.unwrap_or_default(),
                                rules::CONN_UPDATE_LOCAL_FIRST
                            ),
                        );
                    }
                    Ok(())
                });
                match applied {
                    Ok(()) => UpdateCall::Agreed,
                    Err(e) => {
                        self.drop_update(uuid, &local, &format!("{e}"));
                        UpdateCall::Refused(e)
                    }
                }
            }
            Err(e) if !is_retryable(&e) => {
                self.drop_update(
                    uuid,
                    &local,
                    &format!("the peer refused UpdateConnection ({e}); nothing changed"),
                );
                UpdateCall::Refused(e)
            }
            Err(e) => match self.backoff(uuid, &e) {
                Some(next) => UpdateCall::Retry(next),
                None => {
                    self.drop_update(
                        uuid,
                        &local,
                        &format!(
                            "the peer stayed unreachable ({e}); the bandwidth change was given up, nothing changed (NEG-4)"
                        ),
                    );
                    UpdateCall::GaveUp
                }
            },
        }
    }

    /// Ends a bandwidth change that did not happen: no pending bandwidth,
    /// no update in flight here, the local copy untouched.
    fn drop_update(&self, uuid: &str, local: &ConnectionName, why: &str) {
        let now = self.clock().now();
        let _ = self.update_workflow(uuid, |w| {
            w.pending_bandwidth_mbps = None;
            w.retry = Default::default();
            w.record(now, why.to_owned());
        });
        let _ = self.finish_update(local);
    }

    /// Step `Verified` while a bandwidth change of this side is pending:
    /// the next call of the update or the end of the migration.
    pub(super) async fn continue_bandwidth_change(&self, uuid: &str, wf: &Workflow) -> Next {
        if let Some(old) = wf.migrating_from.clone() {
            return self.finish_migration(uuid, wf, &old).await;
        }
        let Some(local) = wf.connection.clone() else {
            return Next::Done;
        };
        let (Some(mbps), Some(current)) = (
            wf.pending_bandwidth_mbps,
            self.store()
                .view(|s| {
                    s.connections
                        .get(&local)
                        .map(|r| r.connection.bandwidth_mbps)
                })
                .flatten(),
        ) else {
            self.drop_update(
                uuid,
                &local,
                "the local copy is gone; the change was dropped",
            );
            return Next::Done;
        };
        if current != Some(mbps) {
            return match self.confirm_update_with_peer(uuid).await {
                UpdateCall::Agreed | UpdateCall::Refused(_) | UpdateCall::GaveUp => Next::Continue,
                UpdateCall::Retry(next) => next,
            };
        }
        self.notify_update_complete(uuid, wf, &local).await
    }

    /// CONN-19: tells the peer this side's update is complete, then clears
    /// the in-flight marker and the pending bandwidth.
    async fn notify_update_complete(
        &self,
        uuid: &str,
        wf: &Workflow,
        local: &ConnectionName,
    ) -> Next {
        let now = self.clock().now();
        let sent = match (self.peer_of(wf), self.at_peer_connection(local)) {
            (Ok(peer), Ok(at_peer)) => {
                peer.notify_connection_status(
                    &self.as_caller(),
                    request::NotifyConnectionStatus {
                        name: at_peer,
                        body: Default::default(),
                    },
                )
                .await
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let done = |what: String| {
            let _ = self.update_workflow(uuid, |w| {
                w.pending_bandwidth_mbps = None;
                w.retry = Default::default();
                w.record(now, what);
            });
            let _ = self.finish_update(local);
            Next::Continue
        };
        match sent {
            Ok(_) => done(format!(
                "update complete: NotifyConnectionStatus acknowledged by the peer ({})",
                rules::CONN_UPDATE_NOTIFIES
            )),
            Err(e) if is_retryable(&e) => self.backoff(uuid, &e).unwrap_or_else(|| {
                done(format!(
                    "update complete here; the peer was not told ({e}); its in-flight marker ends with its cleanup (CONN-19)"
                ))
            }),
            Err(e) => done(format!(
                "update complete here; the peer refused the notification ({e}) (CONN-19)"
            )),
        }
    }

    /// NEG-15: the new connection is verified; the old one's routes are
    /// de-preferenced (recorded), it is removed here, then on the peer.
    async fn finish_migration(&self, uuid: &str, wf: &Workflow, old: &ConnectionName) -> Next {
        let now = self.clock().now();
        let removed = self.store().update(|state| {
            if !state.connections.contains_key(old) {
                return Ok(Vec::new());
            }
            let removed = remove_connection(state, old);
            if let Some(w) = state.workflows.get_mut(uuid) {
                w.record(
                    now,
                    format!(
                        "the new connection is VERIFIED: routes on the old features de-preferenced (recorded), {old} removed here ({})", rules::NEG_MIGRATION
                    ),
                );
            }
            Ok(removed)
        });
        if let Ok(features) = removed {
            remove_from_backend(self, &features);
        }
        let sent = match (self.peer_of(wf), self.at_peer_connection(old)) {
            (Ok(peer), Ok(at_peer)) => self.delete_at_peer(uuid, peer.as_ref(), at_peer).await,
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let done = |what: String| {
            let _ = self.update_workflow(uuid, |w| {
                w.migrating_from = None;
                w.pending_bandwidth_mbps = None;
                w.retry = Default::default();
                w.record(now, what);
            });
            Next::Continue
        };
        match sent {
            Ok(_) => done(format!(
                "DeleteConnection of the old connection acknowledged by the peer: migration to {} complete ({})", rules::NEG_MIGRATION,
                wf.connection
                    .as_ref()
                    .map(|c| c.interconnect().to_string())
                    .unwrap_or_default()
            )),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                done("the peer had no old copy left (404 counts as done, NEG-15)".to_owned())
            }
            Err(e) => self.backoff(uuid, &e).unwrap_or_else(|| {
                done(format!(
                    "the peer did not delete the old connection ({e}); it stays there for an operator ({})", rules::NEG_MIGRATION
                ))
            }),
        }
    }

    /// A migration that failed before the new connection was verified:
    /// the new connection goes (here and, best effort, on the peer), the
    /// workflow follows the old one again, which never stopped carrying
    /// traffic (NEG-15).
    pub(super) async fn abandon_migration(&self, uuid: &str, why: &str) -> Next {
        let now = self.clock().now();
        let Some(wf) = self.workflow(uuid) else {
            return Next::Done;
        };
        let Some(old) = wf.migrating_from.clone() else {
            return Next::Done;
        };
        let removed = self.store().update(|state| {
            let mut removed = Vec::new();
            if let Some(new) = wf.connection.as_ref().filter(|n| *n != &old) {
                removed = remove_connection(state, new);
            }
            let old_mbps = state
                .connections
                .get(&old)
                .and_then(|r| r.connection.bandwidth_mbps);
            if let Some(w) = state.workflows.get_mut(uuid) {
                w.connection = Some(old.clone());
                w.migrating_from = None;
                w.pending_bandwidth_mbps = None;
                w.bandwidth_mbps = old_mbps.unwrap_or(w.bandwidth_mbps);
                w.phase = Phase::Verified;
                w.retry = Default::default();
                w.record(
                    now,
                    format!("the migration failed ({why}); back on {old}, which kept carrying traffic ({})", rules::NEG_MIGRATION),
                );
            }
            Ok(removed)
        });
        if let Ok(features) = removed {
            remove_from_backend(self, &features);
        }
        let _ = self.finish_update(&old);
        if let (Some(new), Ok(peer)) = (wf.connection.as_ref(), self.peer_of(&wf))
            && new != &old
            && let Ok(at_peer) = self.at_peer_connection(new)
            && let Err(e) = peer
                .delete_connection(
                    &self.as_caller(),
                    request::DeleteConnection { name: at_peer },
                )
                .await
        {
            tracing::debug!(error = %e, "NEG-15: the peer's new copy is left to its cleanup");
        }
        Next::Done
    }

    /// What follows verification: the end of a migration this side
    /// started (NEG-15), run by the next step.
    pub(super) fn after_verified_change(&self, uuid: &str) -> Next {
        match self.workflow(uuid) {
            Some(wf) if wf.pending_bandwidth_mbps.is_some() => Next::Continue,
            _ => Next::Done,
        }
    }
}
