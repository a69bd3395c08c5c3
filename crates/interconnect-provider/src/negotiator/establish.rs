//! Creating the connection on both sides (`docs/Protocols.md` § Negotiate
//! Feature Parameters, "Interconnect Selection";
//! `docs/DeferringProvider.md` § Phase 1 and 2): the local connection
//! first (CONN-7, DEFER-1), then `CreateConnection` on the peer under the
//! same interconnect; on 409 `ABORTED` another interconnect (NEG-3); on
//! errors that may pass, backoff within 60 s (NEG-4); otherwise the local
//! connection is removed and the workflow fails (NEG-16).

use chrono::{DateTime, Utc};
use interconnect_core::names::{ConnectionName, EnvironmentName, InterconnectName};
use interconnect_core::wire::{self, AdminState, VerificationState};

use super::Next;
use crate::error::{CoordinatorError, CoordinatorResult, ErrorKind};
use crate::peer::Peer;
use crate::reference::ReferenceProvider;
use crate::reference::connections::deferral_timeout;
use crate::request;
use crate::rules;
use crate::store::{ConnectionRecord, Phase, State, StoreExt, Workflow};

impl ReferenceProvider {
    /// Inserts this side's own copy of connection `uuid` under the best
    /// interconnect of `environment` (CONN-7): the record the peer's
    /// features attach to here. `Err` 409 when no interconnect has room.
    pub(crate) fn insert_local_connection(
        &self,
        state: &mut State,
        environment: &EnvironmentName,
        uuid: &str,
        wf: &Workflow,
        now: DateTime<Utc>,
    ) -> CoordinatorResult<ConnectionName> {
        let env = self.shared_environment(environment).ok_or_else(|| {
            CoordinatorError::not_found(
                rules::KEY_RECEIVER_CHECKS,
                format!("{environment} is not shared with that provider"),
            )
        })?;
        let ix = self
            .most_free_interconnect(state, env, wf.bandwidth_mbps, &wf.refused_interconnects)
            .ok_or_else(|| {
                CoordinatorError::aborted(
                    rules::NEG_OTHER_INTERCONNECT,
                    format!(
                        "no active interconnect of {environment} has {} Mbps free",
                        wf.bandwidth_mbps
                    ),
                )
            })?;
        let name = ix.connection(uuid).map_err(|e| {
            CoordinatorError::invalid_argument(rules::CONN_ID_SEGMENT, e.to_string())
        })?;
        state.connections.insert(
            name.clone(),
            ConnectionRecord {
                connection: wire::Connection {
                    name: Some(name.clone()),
                    activation_key: None,
                    bandwidth_mbps: Some(wf.bandwidth_mbps),
                    admin_state: Some(AdminState::Enabled),
                    verification_state: Some(VerificationState::Unverified),
                    defer_provisioning: Some(wf.deferred),
                    source_data: None,
                    connection_type: None,
                },
                created_at: now,
                negotiator_here: wf.role == crate::store::Role::Negotiator && !wf.deferred,
                update_in_flight: None,
                notifications_received: Vec::new(),
                seen_on_peer: false,
            },
        );
        Ok(name)
    }

    /// Step `CreatingRemote`.
    pub(super) async fn create_remote(&self, uuid: &str, wf: &Workflow) -> Next {
        let Some(local) = wf.connection.clone() else {
            return self.fail(uuid, "the local connection is missing").await;
        };
        let peer = match self.peer_of(wf) {
            Ok(peer) => peer,
            Err(e) => return self.retry_or_fail(uuid, &e).await,
        };
        let parent = match self.at_peer_interconnect(local.interconnect()) {
            Ok(p) => p,
            Err(e) => return self.fail(uuid, &e.to_string()).await,
        };
        let body = match self.remote_connection_body(wf) {
            Ok(body) => body,
            Err(e) => return self.fail(uuid, &e.to_string()).await,
        };
        match self
            .call_create_connection(&*peer, uuid, wf, &parent, body)
            .await
        {
            Ok(_) => self.remote_created(uuid, wf, &local),
            Err(e) if wf.deferred && e.rule() == rules::CONN_DEFERRAL => {
                self.deferral_refused(uuid, &local, &e)
            }
            Err(e) if e.kind() == ErrorKind::Aborted && wf.migrating_from.is_some() => {
                // NEG-15: a refused migration target ends the migration
                self.fail(uuid, &e.to_string()).await
            }
            Err(e)
                if e.kind() == ErrorKind::Aborted
                    && wf.connection_type == Some(wire::ConnectionType::Monitoring) =>
            {
                // CONN-45: a MONITORING connection belongs to its
                // interconnect; it is never moved to another one
                self.fail(uuid, &e.to_string()).await
            }
            Err(e) if e.kind() == ErrorKind::Aborted => {
                self.try_other_interconnect(uuid, &local, &e)
            }
            Err(e) => self.retry_or_fail(uuid, &e).await,
        }
    }

    /// The connection as proposed to the peer: its bandwidth, deferral and
    /// type; a migration names the connection it replaces (upstream-next
    /// Protocols.md "Migration Workflow"; CONN-42, E-246); the shared UUID
    /// stays the connectionId, so a May peer recognises it too.
    fn remote_connection_body(&self, wf: &Workflow) -> CoordinatorResult<wire::Connection> {
        let source_data = match wf.migrating_from.as_ref() {
            Some(old) => Some(wire::SourceData::SourceConnectionName(
                wire::SourceConnectionName {
                    source_connection_name: self.at_peer_connection(old)?.to_string(),
                },
            )),
            None => None,
        };
        Ok(wire::Connection {
            bandwidth_mbps: Some(wf.bandwidth_mbps),
            defer_provisioning: wf.deferred.then_some(true),
            source_data,
            connection_type: wf.connection_type.clone(),
            ..Default::default()
        })
    }

    /// `CreateConnection` at the peer under `parent`. A 409 may mean an
    /// earlier attempt succeeded: `ALREADY_EXISTS` reads the peer's copy
    /// (NEG-3), a bare `ABORTED` continues with it when it is this
    /// connection (NEG-24).
    async fn call_create_connection(
        &self,
        peer: &dyn Peer,
        uuid: &str,
        wf: &Workflow,
        parent: &InterconnectName,
        body: wire::Connection,
    ) -> CoordinatorResult<wire::Connection> {
        let (caller, call) =
            self.logical_caller(uuid, "CreateConnection", &parent.to_string(), &body);
        let me = self.as_caller();
        let result = peer
            .create_connection(
                &caller,
                request::CreateConnection {
                    parent: parent.clone(),
                    connection_id: uuid.to_owned(),
                    connection: body,
                },
            )
            .await;
        self.call_ended(uuid, &call, &result);
        match result {
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                // NEG-3: an earlier attempt may have succeeded; read it
                let name = parent.connection(uuid);
                match name {
                    Ok(name) => {
                        peer.get_connection(&me, request::GetConnection { name })
                            .await
                    }
                    Err(_) => Err(e),
                }
            }
            Err(e) if e.kind() == ErrorKind::Aborted => {
                // NEG-24: a bare 409 may mean "already exists": continue
                // with the peer's copy when it is this connection
                match parent.connection(uuid) {
                    Ok(name) => match peer
                        .get_connection(&me, request::GetConnection { name })
                        .await
                    {
                        Ok(c) if c.bandwidth_mbps == Some(wf.bandwidth_mbps) => Ok(c),
                        _ => Err(e),
                    },
                    Err(_) => Err(e),
                }
            }
            other => other,
        }
    }

    /// The peer created its copy: on to the features, or, deferred, to
    /// provisioning while the peer negotiates (DEFER-9).
    fn remote_created(&self, uuid: &str, wf: &Workflow, local: &ConnectionName) -> Next {
        self.retry_done(uuid);
        let now = self.clock().now();
        let deadline = self
            .shared_environment(&wf.environment)
            .map(|env| now + deferral_timeout(env));
        let _ = self.update_workflow(uuid, |wf| {
            if wf.deferred {
                wf.phase = Phase::Provisioning;
                wf.deferral_deadline = deadline;
                wf.record(
                    now,
                    format!(
                        "CreateConnection on the peer accepted under {} with deferProvisioning: the peer negotiates (DEFER-9)",
                        local.interconnect()
                    ),
                );
            } else {
                wf.phase = Phase::Features;
                wf.record(
                    now,
                    format!("CreateConnection on the peer accepted under {}", local.interconnect()),
                );
            }
        });
        Next::Continue
    }

    /// DEFER-10: the peer will not negotiate; do it here.
    fn deferral_refused(&self, uuid: &str, local: &ConnectionName, e: &CoordinatorError) -> Next {
        let now = self.clock().now();
        let _ = self.store().update(|state| {
            if let Some(mut r) = state.connections.get_mut(local) {
                r.connection.defer_provisioning = Some(false);
                r.negotiator_here = true;
            }
            if let Some(wf) = state.workflows.get_mut(uuid) {
                wf.deferred = false;
                wf.role = crate::store::Role::Negotiator;
                wf.record(
                    now,
                    format!("the peer refused the deferral ({e}); negotiating here (DEFER-10)"),
                );
            }
            Ok(())
        });
        Next::Continue
    }

    /// NEG-3: moves the local connection to another interconnect after the
    /// peer's 409, or fails when none is left.
    fn try_other_interconnect(
        &self,
        uuid: &str,
        local: &ConnectionName,
        error: &CoordinatorError,
    ) -> Next {
        let now = self.clock().now();
        let moved = self.store().update(|state| {
            let mut wf = state.workflows.get(uuid).cloned().ok_or_else(|| {
                CoordinatorError::not_found(rules::NEG_RECONCILE, "the workflow is gone")
            })?;
            state.connections.remove(local);
            wf.refused_interconnects.push(local.interconnect().clone());
            let environment = wf.environment.clone();
            let name = self.insert_local_connection(state, &environment, uuid, &wf, now)?;
            wf.record(
                now,
                format!(
                    "the peer refused {} ({error}); trying {} (NEG-3)",
                    local.interconnect(),
                    name.interconnect()
                ),
            );
            wf.connection = Some(name);
            wf.retry = Default::default();
            state.workflows.insert(uuid.to_owned(), wf);
            Ok(())
        });
        match moved {
            Ok(()) => Next::Continue,
            Err(e) => {
                let _ = self.store().update(|state| {
                    state.connections.remove(local);
                    if let Some(wf) = state.workflows.get_mut(uuid) {
                        wf.phase = Phase::Failed;
                        wf.connection = None;
                        wf.failure = Some(format!("{error}; {e}"));
                        wf.record(now, format!("no interconnect is left: {e} (NEG-3)"));
                    }
                    Ok(())
                });
                Next::Done
            }
        }
    }

    /// After a failed call: back off when the error may pass and the budget
    /// allows (NEG-4), otherwise roll back and fail (NEG-16).
    pub(super) async fn retry_or_fail(&self, uuid: &str, error: &CoordinatorError) -> Next {
        if let Some(next) = self.backoff(uuid, error) {
            return next;
        }
        self.fail(uuid, &error.to_string()).await
    }

    /// Rolls this side back and marks the workflow failed (NEG-16,
    /// KEY-25): the local connection and its features are removed, and the
    /// peer is asked to delete its copy (best effort; its cleanup removes a
    /// one-sided connection otherwise, CONN-14).
    pub(super) async fn fail(&self, uuid: &str, why: &str) -> Next {
        let now = self.clock().now();
        let Some(wf) = self.workflow(uuid) else {
            return Next::Done;
        };
        if wf.migrating_from.is_some() {
            // NEG-15: the old connection stays; only the new one goes
            return self.abandon_migration(uuid, why).await;
        }
        let removed = self.store().update(|state| {
            if state
                .workflows
                .get(uuid)
                .is_none_or(|w| w.phase == Phase::Deleted)
            {
                // Deleted meanwhile (by the customer or the peer, CONN-28):
                // a step that was still running when it happened fails on
                // the missing connection, and the deletion stands.
                return Ok(None);
            }
            let mut removed = Vec::new();
            if let Some(name) = &wf.connection {
                removed = crate::reference::connections::remove_connection(state, name);
            }
            if let Some(w) = state.workflows.get_mut(uuid) {
                w.phase = Phase::Failed;
                w.failure = Some(why.to_owned());
                w.connection = None;
                w.record(now, format!("failed and rolled back: {why} (NEG-16)"));
            }
            Ok(Some(removed))
        });
        match removed {
            Ok(Some(features)) => {
                crate::reference::connections::remove_from_backend(self, &features)
            }
            Ok(None) => return Next::Done,
            Err(_) => {}
        }
        if let Some(name) = &wf.connection
            && let Ok(at_peer) = self.at_peer_connection(name)
        {
            let _ = self.update_workflow(uuid, |w| {
                w.peer_copy_to_delete = Some(at_peer);
                w.retry = Default::default();
            });
            return self.delete_peer_copy(uuid).await;
        }
        Next::Done
    }

    /// Asks the peer to delete its copy of a connection this side rolled
    /// back (NEG-16): retried like every call to the peer (NEG-4, E-321),
    /// so the peer is not left waiting for features that will never come;
    /// once the budget is spent the copy is left to the peer's cleanup
    /// (CONN-14), and the workflow says so.
    pub(super) async fn delete_peer_copy(&self, uuid: &str) -> Next {
        let Some(wf) = self.workflow(uuid) else {
            return Next::Done;
        };
        let Some(at_peer) = wf.peer_copy_to_delete.clone() else {
            return Next::Done;
        };
        let outcome = match self.peer_of(&wf) {
            Ok(peer) => {
                self.delete_at_peer(uuid, peer.as_ref(), at_peer.clone())
                    .await
            }
            Err(e) => Err(e),
        };
        let done = |what: String| {
            let now = self.clock().now();
            let _ = self.update_workflow(uuid, |w| {
                w.peer_copy_to_delete = None;
                w.retry = Default::default();
                w.record(now, what);
            });
            Next::Done
        };
        match outcome {
            Ok(_) => done("the peer deleted its copy (NEG-16)".to_owned()),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                done("the peer holds no copy (NEG-16)".to_owned())
            }
            Err(e) => match self.backoff(uuid, &e) {
                Some(next) => next,
                None => {
                    tracing::debug!(error = %e, "NEG-16: the peer's copy is left to its cleanup");
                    done(format!(
                        "the peer did not delete its copy ({e}); left to its cleanup (CONN-14)"
                    ))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{Phase, StoreExt};
    use crate::testing::pair::Pair;

    /// A step still running when the connection was deleted (by the
    /// customer or the peer, CONN-28) fails on the missing connection; the
    /// deletion stands: the workflow stays `deleted`, not `failed`, and no
    /// rollback is sent to the peer (seen in the SIGKILL test: the
    /// customer's view kept a failed connection the customer had deleted).
    #[tokio::test]
    async fn a_failure_after_the_deletion_leaves_the_workflow_deleted() {
        let pair = Pair::new();
        let uuid = pair.establish(1000).await.expect("established");
        pair.gcp
            .store()
            .update(|state| {
                let wf = state.workflows.get_mut(&uuid).expect("gcp negotiates");
                wf.phase = Phase::Deleted;
                Ok(())
            })
            .expect("deleted meanwhile");
        let calls_before = pair.to_aws.operations().len();
        pair.gcp
            .fail(&uuid, "GUIDE-18: the connection does not exist")
            .await;
        let wf = pair.gcp.workflow(&uuid).expect("the workflow");
        assert_eq!(wf.phase, Phase::Deleted, "{:#?}", wf.events);
        assert_eq!(wf.failure, None);
        assert_eq!(
            pair.to_aws.operations().len(),
            calls_before,
            "no rollback is sent for a deleted connection"
        );
        pair.disconnect();
    }
}
