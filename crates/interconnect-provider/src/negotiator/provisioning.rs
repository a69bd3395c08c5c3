//! Provisioning and verification, on both sides (`docs/Protocols.md`
//! § Provision Appropriate Features; `NotifyConnectionStatus`;
//! `docs/DeferringProvider.md` § Phase 3): a side notifies its peer when all
//! its features are final (NEG-12) and again after a change took one back
//! to pending (NEG-14); it is verified when its features are final, its
//! notification was acknowledged and the peer's arrived (NEG-13), after
//! re-reading the peer's connection and features. A deferring side gives
//! up after `deferralTimeoutHours` (DEFER-5, DEFER-7). A feature deleted
//! on a channel this side manages is re-created (FEAT-9).

use chrono::{DateTime, Utc};
use interconnect_core::names::{ConnectionName, FeatureName};
use interconnect_core::wire::VerificationState;

use super::{Next, PROVISIONING_POLL, quorum};
use crate::backend::FeatureStatus;
use crate::error::ErrorKind;
use crate::page::PageRequest;
use crate::peer::Peer;
use crate::reference::ReferenceProvider;
use crate::request;
use crate::retry::is_retryable;
use crate::store::{ChannelProgress, Phase, StoreExt, Workflow};

/// What this side has of a connection now.
struct LocalView {
    /// Its features and their device status.
    features: Vec<(FeatureName, FeatureStatus)>,
    /// Channels of its interconnect (N of FEAT-8), with their manager.
    channels: Vec<(String, bool)>,
    /// Notifications received from the peer.
    notifications: usize,
}

impl ReferenceProvider {
    fn local_view(&self, wf: &Workflow) -> Option<LocalView> {
        let local = wf.connection.as_ref()?;
        let me = &self.config().provider;
        let channels: Vec<(String, bool)> = self
            .shared_environment(&wf.environment)?
            .interconnects
            .iter()
            .find(|ix| ix.interconnect.name.as_ref() == Some(local.interconnect()))?
            .channels
            .iter()
            .filter_map(|c| {
                let id = c.name.as_ref()?.id().to_owned();
                Some((id, c.macsec_manager_provider.as_ref() == Some(me)))
            })
            .collect();
        self.store()
            .view(|s| {
                let record = s.connections.get(local)?;
                let features = s
                    .features_of_connection(local)
                    .map(|(n, _)| (n.clone(), self.backend().feature_status(n)))
                    .collect();
                Some(LocalView {
                    features,
                    channels,
                    notifications: record.notifications_received.len(),
                })
            })
            .flatten()
    }

    /// Steps `Provisioning` and `Verified`.
    pub(super) async fn provision_and_verify(&self, uuid: &str, wf: &Workflow) -> Next {
        let now = self.clock().now();
        let Some(local) = wf.connection.clone() else {
            return self.fail(uuid, "the local connection is gone").await;
        };
        if wf.deferred
            && wf.phase != Phase::Verified
            && wf.deferral_deadline.is_some_and(|d| now >= d)
        {
            return self
                .fail(
                    uuid,
                    "DEFER-7: the peer did not finish within deferralTimeoutHours",
                )
                .await;
        }
        let Some(view) = self.local_view(wf) else {
            return self
                .fail(uuid, "the local connection was removed (cleanup or peer)")
                .await;
        };
        // NEG-17: announce no more than the peer takes
        self.limit_announcements(uuid, wf, &local).await;
        if self.track_channels(uuid, wf, &view, now) {
            return Next::Continue;
        }
        let needed = quorum(view.channels.len()).max(1);
        let all_final = view.features.len() >= needed
            && view
                .features
                .iter()
                .all(|(_, s)| *s == FeatureStatus::Provisioned);
        if !all_final {
            return self.await_provisioning(uuid, wf, &local, now);
        }
        let mut ids: Vec<String> = view
            .features
            .iter()
            .map(|(n, _)| n.id().to_owned())
            .collect();
        ids.sort();
        let peer = match self.peer_of(wf) {
            Ok(p) => p,
            Err(e) => {
                return self
                    .backoff(uuid, &e)
                    .unwrap_or(Next::At(now + PROVISIONING_POLL * 6));
            }
        };
        let Ok(at_peer) = self.at_peer_connection(&local) else {
            return Next::Done;
        };
        if wf.notified_features.as_ref() != Some(&ids) {
            return self
                .notify_all_final(uuid, &*peer, &at_peer, &local, &ids, now)
                .await;
        }
        if view.notifications == 0 {
            // waiting for the peer's notification (NEG-19); its arrival wakes us
            return match wf
                .deferral_deadline
                .filter(|_| wf.deferred && wf.phase != Phase::Verified)
            {
                Some(d) => Next::At(d),
                None => Next::Done,
            };
        }
        if wf.phase == Phase::Verified && view.notifications == wf.peer_notifications_seen {
            return Next::Done;
        }
        self.verify_with_peer(
            uuid,
            &*peer,
            &at_peer,
            &local,
            view.notifications,
            &ids,
            now,
        )
        .await
    }

    /// Remembers which channels carry a feature and notices deletions
    /// (FEAT-9): a feature gone from a channel this side manages is
    /// re-created (back to `Features`; `true`), one the peer manages is left
    /// to the peer.
    fn track_channels(
        &self,
        uuid: &str,
        wf: &Workflow,
        view: &LocalView,
        now: DateTime<Utc>,
    ) -> bool {
        // remember which channels carry a feature, and notice deletions (FEAT-9)
        let present: Vec<(String, String)> = view
            .features
            .iter()
            .filter_map(|(n, _)| {
                let ch = self.store().view(|s| {
                    s.features
                        .get(n)
                        .and_then(|r| r.feature.channel.as_ref().map(|c| c.id().to_owned()))
                })??;
                Some((ch, n.id().to_owned()))
            })
            .collect();
        let mut recreate = Vec::new();
        for (id, owned) in &view.channels {
            let has = present.iter().any(|(ch, _)| ch == id);
            let had = matches!(wf.channels.get(id), Some(ChannelProgress::Agreed { .. }));
            if had && !has && *owned {
                recreate.push(id.clone());
            }
        }
        let _ = self.update_workflow_if_changed(uuid, |w| {
            for (id, owned) in &view.channels {
                let has = present.iter().find(|(ch, _)| ch == id);
                match (has, w.channels.get(id)) {
                    (Some((_, fid)), _) => {
                        w.channels.insert(
                            id.clone(),
                            ChannelProgress::Agreed {
                                feature_id: fid.clone(),
                            },
                        );
                    }
                    (None, Some(ChannelProgress::Agreed { feature_id })) if *owned => {
                        let attempt = feature_id
                            .rsplit('-')
                            .next()
                            .and_then(|n| n.parse::<u32>().ok())
                            .map_or(1, |n| n + 1);
                        w.channels.insert(
                            id.clone(),
                            ChannelProgress::Open {
                                attempt,
                                avoid_vlans: Vec::new(),
                            },
                        );
                    }
                    (None, Some(ChannelProgress::Agreed { .. })) => {
                        // the peer manages the channel and re-creates it (FEAT-9)
                        w.channels.remove(id);
                    }
                    _ => {}
                }
            }
        });
        if !recreate.is_empty() {
            let _ = self.update_workflow(uuid, |w| {
                w.phase = Phase::Features;
                w.record(
                    now,
                    format!(
                        "feature(s) on {} deleted; re-creating as the channels' manager (FEAT-9)",
                        recreate.join(", ")
                    ),
                );
            });
            return true;
        }
        false
    }

    /// Not all local features are final yet: provisions them where this
    /// side does, keeps the connection unverified meanwhile and looks again
    /// after the provisioning poll (or at the deferral deadline).
    fn await_provisioning(
        &self,
        uuid: &str,
        wf: &Workflow,
        local: &ConnectionName,
        now: DateTime<Utc>,
    ) -> Next {
        if wf.role == crate::store::Role::Negotiator && !wf.deferred {
            // agreed features are provisioned here once the quorum holds
            self.provision_local_features(uuid, local);
        } else if wf.role == crate::store::Role::Responder {
            // the responder's devices took each feature when the peer
            // created it; a feature they no longer know (devices reset,
            // or an in-memory backend after a crash) is given to them
            // again, or it would stay PENDING forever
            self.provision_local_features(uuid, local);
        }
        // usually unverified and provisioning already: a read tells, and
        // the transaction runs only when there is something to change
        let settled = self.store().view(|s| {
            s.connections.get(local).is_none_or(|r| {
                r.connection.verification_state == Some(VerificationState::Unverified)
            }) && s
                .workflows
                .get(uuid)
                .is_none_or(|w| w.phase != Phase::Verified)
        });
        if settled != Some(true) {
            let _ = self.store().update(|s| {
                if let Some(mut r) = s.connections.get_mut(local) {
                    r.connection.verification_state = Some(VerificationState::Unverified);
                }
                if let Some(w) = s.workflows.get_mut(uuid)
                    && w.phase == Phase::Verified
                {
                    w.phase = Phase::Provisioning;
                }
                Ok(())
            });
        }
        let mut at = now + self.config().policy.provisioning_poll();
        if let Some(d) = wf.deferral_deadline.filter(|_| wf.deferred) {
            at = at.min(d.max(now));
        }
        Next::At(at)
    }

    /// NEG-12, NEG-14: tells the peer that all local features (`ids`) are
    /// final; a peer that lost the connection fails the workflow, one that
    /// may recover is retried (NEG-19).
    async fn notify_all_final(
        &self,
        uuid: &str,
        peer: &dyn Peer,
        at_peer: &ConnectionName,
        local: &ConnectionName,
        ids: &[String],
        now: DateTime<Utc>,
    ) -> Next {
        let me = self.as_caller();
        match peer
            .notify_connection_status(
                &me,
                request::NotifyConnectionStatus {
                    name: at_peer.clone(),
                    body: Default::default(),
                },
            )
            .await
        {
            Ok(_) => {
                self.retry_done(uuid);
                // CONN-17 (E-84): a partner's update was in flight while
                // this side processed it; processing ends here
                let in_flight = self.store().view(|s| {
                    !s.local_updates.contains(local)
                        && s.connections
                            .get(local)
                            .is_some_and(|r| r.update_in_flight.is_some())
                });
                if in_flight != Some(false) {
                    let _ = self.store().update(|s| {
                        if !s.local_updates.contains(local)
                            && let Some(mut r) = s.connections.get_mut(local)
                        {
                            r.update_in_flight = None;
                        }
                        Ok(())
                    });
                }
                let _ = self.update_workflow(uuid, |w| {
                        w.notified_features = Some(ids.to_vec());
                        w.record(
                            now,
                            format!(
                                "all {} local features FINAL; NotifyConnectionStatus acknowledged (NEG-12)",
                                ids.len()
                            ),
                        );
                    });
                Next::Continue
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                self.fail(uuid, &format!("the peer lost the connection: {e}"))
                    .await
            }
            Err(e) if is_retryable(&e) => {
                // NEG-19: keep trying within the cleanup window
                self.backoff(uuid, &e)
                    .unwrap_or(Next::At(now + PROVISIONING_POLL * 6))
            }
            Err(e) => {
                self.note(uuid, format!("NotifyConnectionStatus refused: {e}"));
                Next::At(now + PROVISIONING_POLL * 6)
            }
        }
    }

    /// The peer's notification arrived: re-reads the peer's connection and
    /// features and marks the connection VERIFIED (NEG-13).
    #[allow(clippy::too_many_arguments)]
    async fn verify_with_peer(
        &self,
        uuid: &str,
        peer: &dyn Peer,
        at_peer: &ConnectionName,
        local: &ConnectionName,
        notifications: usize,
        ids: &[String],
        now: DateTime<Utc>,
    ) -> Next {
        let me = self.as_caller();
        // a notification arrived: re-read the peer's connection and features
        let connection = peer
            .get_connection(
                &me,
                request::GetConnection {
                    name: at_peer.clone(),
                },
            )
            .await;
        let features = peer
            .list_features(
                &me,
                request::ListFeatures {
                    parent: at_peer.clone(),
                    page: PageRequest {
                        page_size: Some(1000),
                        page_token: None,
                    },
                },
            )
            .await;
        match (connection, features) {
            (Ok(_), Ok(listed)) => {
                let peer_count = listed.features.len();
                let mut first_verified = None;
                let _ = self.store().update(|s| {
                    if let Some(mut r) = s.connections.get_mut(local) {
                        r.connection.verification_state = Some(VerificationState::Verified);
                        r.seen_on_peer = true;
                    }
                    if let Some(w) = s.workflows.get_mut(uuid) {
                        if w.phase != Phase::Verified {
                            // OPS-53: the negotiation's time, once per
                            // connection (not again after a migration)
                            if w.migrating_from.is_none() && !w.events.iter().any(|e| e.what.starts_with("VERIFIED:")) {
                                first_verified = (now - w.created_at).to_std().ok();
                            }
                            w.record(
                                now,
                                format!(
                                    "VERIFIED: {} local features FINAL, our notification acknowledged, the peer's received; the peer lists {peer_count} features (NEG-13)",
                                    ids.len()
                                ),
                            );
                        }
                        w.phase = Phase::Verified;
                        w.peer_notifications_seen = notifications;
                        w.retry = Default::default();
                    }
                    Ok(())
                });
                if let Some(took) = first_verified {
                    self.observer().negotiated(took);
                }
                self.after_verified(uuid).await
            }
            (Err(e), _) | (_, Err(e)) if e.kind() == ErrorKind::NotFound => {
                self.fail(uuid, &format!("the peer lost the connection: {e}"))
                    .await
            }
            (Err(e), _) | (_, Err(e)) => self
                .backoff(uuid, &e)
                .unwrap_or(Next::At(now + PROVISIONING_POLL * 6)),
        }
    }

    /// What follows verification: nothing for a plain connection; the end
    /// of a migration this side started (NEG-15, `update.rs`).
    async fn after_verified(&self, uuid: &str) -> Next {
        self.after_verified_change(uuid)
    }
}
