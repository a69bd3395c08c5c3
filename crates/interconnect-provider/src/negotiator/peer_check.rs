//! The peer check: each side reads, now and then, its peer's view of the
//! connections it holds as verified, and stops treating as verified the
//! ones the peer lost (`spec/REQUIREMENTS.md` RECON-1..RECON-4;
//! `spec/ERRATA.md` E-460).
//!
//! Upstream says a side refreshes the peer's connection when notified
//! (`paths/connections.yaml` `NotifyConnectionStatus`), and the draft
//! Feature Recovery profile (`docs/FeatureRecovery.md`, § Retry and
//! Idempotency Contract) adds "periodic authoritative reads" with bounded
//! work per pass and jitter, escalating what persists. Without them a side
//! whose peer lost a connection (a restart without durable state, an
//! operator's delete, a bug) keeps it VERIFIED, MACsec keys and all,
//! forever.
//!
//! One pass ([`ReferenceProvider::check_peers`], the periodic
//! [`Task::CheckPeers`](crate::scheduler::Task::CheckPeers)):
//! - takes at most `policy.peerCheckBatch` workflows that are verified or
//!   degraded, going on after the last one the previous pass read, so every
//!   connection is read in turn however many there are (RECON-1);
//! - leaves alone a connection whose bandwidth change, migration or update
//!   is under way (the peer's view moves then);
//! - reads `GetConnection` and `ListFeatures` at the peer, through the
//!   peer's client and its budget (RETRY-*); an error that may go away (a
//!   429, a 503, no answer) skips the connection until the next pass, and
//!   the check never retries within a pass;
//! - when the peer answers 404 for the connection, or does not list a
//!   feature this side has, the connection is *degraded* (RECON-2): the
//!   workflow's phase becomes [`Phase::Degraded`] with the reason, the
//!   local connection's `verificationState` becomes `UNVERIFIED`, and a
//!   warning is logged for the operator, who also finds it in
//!   [`Operator::degraded_connections`](crate::operator::Operator::degraded_connections) (the operator API) and in
//!   the workflows-by-phase metric;
//! - when the peer shows everything again, the connection is verified again
//!   (RECON-3);
//! - the next pass is due after 80% to 120% of `policy.peerCheckSeconds`
//!   (RECON-4), so that two servers started together do not read each
//!   other in step.
//!
//! Nothing is deleted: whether the connection is rebuilt or removed is the
//! operator's and the customer's decision.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use interconnect_core::names::ConnectionName;
use interconnect_core::wire::VerificationState;

use crate::error::ErrorKind;
use crate::operator::Operator;
use crate::page::PageRequest;
use crate::reference::ReferenceProvider;
use crate::request;
use crate::rules;
use crate::scheduler::Task;
use crate::store::{Degradation, Phase, StoreExt, Workflow};

/// The most pages of the peer's `ListFeatures` one connection's check
/// reads (1000 features a page).
const MAX_FEATURE_PAGES: usize = 10;

/// What one pass of the peer check did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerCheckReport {
    /// Connections whose peer answered (their shared UUIDs).
    pub checked: Vec<String>,
    /// Connections found degraded in this pass (RECON-2).
    pub degraded: Vec<String>,
    /// Degraded connections the peer shows whole again (RECON-3).
    pub restored: Vec<String>,
    /// Connections not read because a change is under way or the peer did
    /// not answer (read again in a later pass).
    pub skipped: Vec<String>,
}

/// A connection degraded by the peer check, for the operator.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DegradedConnection {
    /// The shared connection UUID.
    pub connection_id: String,
    /// The connection on this server.
    pub connection: Option<ConnectionName>,
    /// Since when.
    pub since: DateTime<Utc>,
    /// What the peer no longer shows.
    pub reason: String,
}

/// What the peer showed of one connection.
enum PeerView {
    /// It has the connection and every feature this side has.
    Whole,
    /// It lacks something; the reason in words.
    Missing(String),
    /// Not read now (a change under way, or no answer).
    Unknown,
}

impl ReferenceProvider {
    /// Schedules the next pass of the peer check after 80% to 120% of the
    /// policy's period (RECON-4); nothing when the check is off.
    pub(crate) fn schedule_peer_check(&self) {
        if let Some(every) = self.config().policy.peer_check_every() {
            let factor = 0.8 + 0.4 * self.jitter().next_unit();
            let ms = (every.num_milliseconds() as f64 * factor) as i64;
            self.scheduler().schedule(
                Task::CheckPeers,
                self.clock().now() + chrono::Duration::milliseconds(ms.max(1)),
            );
        }
    }

    /// One pass of the peer check (see the module documentation).
    pub async fn check_peers(&self) -> PeerCheckReport {
        let batch = self.config().policy.peer_check_batch.max(1);
        let picked: Vec<(String, Workflow)> = self
            .store()
            .view(|s| {
                let cursor = s.operator.peer_check_cursor.clone();
                let eligible = |(_, wf): &(&String, &Workflow)| {
                    matches!(wf.phase, Phase::Verified | Phase::Degraded)
                };
                let mut picked: Vec<(String, Workflow)> = s
                    .workflows
                    .after(cursor.as_deref())
                    .filter(eligible)
                    .take(batch)
                    .map(|(u, wf)| (u.clone(), wf.clone()))
                    .collect();
                if picked.len() < batch && cursor.is_some() {
                    // wrap around: the first ones again, up to the cursor
                    let room = batch - picked.len();
                    let wrapped: Vec<(String, Workflow)> = s
                        .workflows
                        .iter()
                        .take_while(|(u, _)| Some(u.as_str()) <= cursor.as_deref())
                        .filter(eligible)
                        .take(room)
                        .map(|(u, wf)| (u.clone(), wf.clone()))
                        .collect();
                    picked.extend(wrapped);
                }
                picked
            })
            .unwrap_or_default();
        let mut report = PeerCheckReport::default();
        for (uuid, wf) in &picked {
            match self.peer_view(uuid, wf).await {
                PeerView::Whole => {
                    report.checked.push(uuid.clone());
                    if self.restore(uuid) {
                        report.restored.push(uuid.clone());
                    }
                }
                PeerView::Missing(reason) => {
                    report.checked.push(uuid.clone());
                    if self.degrade(uuid, &reason) {
                        report.degraded.push(uuid.clone());
                    }
                }
                PeerView::Unknown => report.skipped.push(uuid.clone()),
            }
        }
        // the next pass goes on after the last one read; a pass that read
        // fewer than a batch went round, and the next starts over
        let cursor = (picked.len() >= batch)
            .then(|| picked.last().map(|(u, _)| u.clone()))
            .flatten();
        let _ = self.store().update(|s| {
            s.operator.peer_check_cursor = cursor;
            Ok(())
        });
        if !report.degraded.is_empty() || !report.restored.is_empty() {
            tracing::info!(
                checked = report.checked.len(),
                degraded = report.degraded.len(),
                restored = report.restored.len(),
                skipped = report.skipped.len(),
                "{}: peer check pass",
                rules::RECON_PASS
            );
        }
        report
    }

    /// What the peer shows of the connection of workflow `wf`.
    async fn peer_view(&self, uuid: &str, wf: &Workflow) -> PeerView {
        let Some(local) = wf.connection.clone() else {
            return PeerView::Unknown;
        };
        if wf.migrating_from.is_some() || wf.pending_bandwidth_mbps.is_some() {
            return PeerView::Unknown;
        }
        let Some(mine) = self
            .store()
            .view(|s| {
                let record = s.connections.get(&local)?;
                if record.update_in_flight.is_some() || s.local_updates.contains(&local) {
                    return None;
                }
                Some(
                    s.features_of_connection(&local)
                        .map(|(n, _)| n.id().to_owned())
                        .collect::<BTreeSet<String>>(),
                )
            })
            .flatten()
        else {
            return PeerView::Unknown;
        };
        let (Ok(peer), Ok(at_peer)) = (self.peer_of(wf), self.at_peer_connection(&local)) else {
            return PeerView::Unknown;
        };
        let me = self.as_caller();
        match peer
            .get_connection(
                &me,
                request::GetConnection {
                    name: at_peer.clone(),
                },
            )
            .await
        {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return PeerView::Missing(format!("the peer no longer has {at_peer}"));
            }
            Err(e) => {
                tracing::debug!(correlation = %self.correlation_id(uuid), error = %e, "{}: the peer's connection not read; next pass", rules::RECON_PASS);
                return PeerView::Unknown;
            }
        }
        let mut theirs = BTreeSet::new();
        let mut token = None;
        for _ in 0..MAX_FEATURE_PAGES {
            let page = peer
                .list_features(
                    &me,
                    request::ListFeatures {
                        parent: at_peer.clone(),
                        page: PageRequest {
                            page_size: Some(1000),
                            page_token: token,
                        },
                    },
                )
                .await;
            match page {
                Ok(listed) => {
                    theirs.extend(
                        listed
                            .features
                            .iter()
                            .filter_map(|f| f.name.as_ref().map(|n| n.id().to_owned())),
                    );
                    token = listed.next_page_token.filter(|t| !t.is_empty());
                    if token.is_none() {
                        break;
                    }
                }
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    return PeerView::Missing(format!("the peer no longer has {at_peer}"));
                }
                Err(e) => {
                    tracing::debug!(correlation = %self.correlation_id(uuid), error = %e, "{}: the peer's features not read; next pass", rules::RECON_PASS);
                    return PeerView::Unknown;
                }
            }
        }
        if token.is_some() {
            // more pages than a connection can have features: not judged
            return PeerView::Unknown;
        }
        let missing: Vec<&String> = mine.difference(&theirs).collect();
        if missing.is_empty() {
            PeerView::Whole
        } else {
            let ids: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            PeerView::Missing(format!(
                "the peer no longer lists feature(s) {} of {at_peer}",
                ids.join(", ")
            ))
        }
    }

    /// RECON-2: marks the connection of `uuid` degraded; whether it was
    /// verified until now.
    fn degrade(&self, uuid: &str, reason: &str) -> bool {
        let now = self.clock().now();
        let changed = self.transition(
            uuid,
            (Phase::Verified, Phase::Degraded),
            Some(Degradation {
                since: now,
                reason: reason.to_owned(),
            }),
            format!(
                "degraded: {reason}; no longer treated as verified ({})",
                rules::RECON_DEGRADED
            ),
        );
        if changed {
            tracing::warn!(
                correlation = %self.correlation_id(uuid),
                reason = %self.loggable(uuid, reason),
                "{}: the peer lost part of a verified connection; it is degraded until the peer shows it again or it is deleted",
                rules::RECON_DEGRADED
            );
        }
        changed
    }

    /// RECON-3: a degraded connection the peer shows whole again is
    /// verified again; whether it was degraded.
    fn restore(&self, uuid: &str) -> bool {
        let changed = self.transition(
            uuid,
            (Phase::Degraded, Phase::Verified),
            None,
            format!(
                "the peer shows the connection and its features again: verified ({})",
                rules::RECON_RESTORED
            ),
        );
        if changed {
            tracing::info!(
                correlation = %self.correlation_id(uuid),
                "{}: the peer shows the degraded connection whole again; verified",
                rules::RECON_RESTORED
            );
        }
        changed
    }

    /// Moves the workflow of `uuid` from phase `from` to `to` in one
    /// transaction (nothing when it is in another phase by now), with its
    /// degradation, a history line, and the local connection's
    /// verification state (VERIFIED only in `Verified`); whether it moved.
    fn transition(
        &self,
        uuid: &str,
        (from, to): (Phase, Phase),
        degradation: Option<Degradation>,
        what: String,
    ) -> bool {
        let now = self.clock().now();
        self.store()
            .update(|s| {
                let Some(wf) = s.workflows.get_mut(uuid) else {
                    return Ok(false);
                };
                if wf.phase != from {
                    return Ok(false);
                }
                wf.phase = to;
                wf.degradation = degradation;
                wf.record(now, what);
                let local = wf.connection.clone();
                if let Some(local) = local
                    && let Some(mut r) = s.connections.get_mut(&local)
                {
                    r.connection.verification_state = Some(if to == Phase::Verified {
                        VerificationState::Verified
                    } else {
                        VerificationState::Unverified
                    });
                }
                Ok(true)
            })
            .unwrap_or(false)
    }
}

impl Operator<'_> {
    /// The connections the peer check found degraded, for the operator
    /// (RECON-2), in UUID order.
    pub fn degraded_connections(&self) -> Vec<DegradedConnection> {
        self.store()
            .view(|s| {
                s.workflows
                    .iter()
                    .filter(|(_, wf)| wf.phase == Phase::Degraded)
                    .filter_map(|(uuid, wf)| {
                        let d = wf.degradation.as_ref()?;
                        Some(DegradedConnection {
                            connection_id: uuid.clone(),
                            connection: wf.connection.clone(),
                            since: d.since,
                            reason: d.reason.clone(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}
