//! The operator side of a reference provider: what its operator starts and
//! what runs on its own initiative outside the connection workflows
//! (`docs/Protocols.md` § Maintenance Coordination, § MACsec Key Rotation,
//! § Requesting a Key Rotation; `paths/issues.yaml`).
//!
//! | file | what | rules |
//! |---|---|---|
//! | `maintenance.rs` | schedule maintenance (refused when it overlaps another channel of the interconnect), push `NotifyMaintenance`, pull `GetMaintenanceEvents` when told | MAINT-4, MAINT-6 |
//! | `macsec_rotation.rs` | rotate the keys of the channels this side manages, one at a time with the bake time between; honour the peer's rotation requests; ask the peer for one | MACSEC-5, MACSEC-6, MACSEC-16, MACSEC-18..MACSEC-20, MACSEC-23, MACSEC-24 |
//! | `issues.rs` | open, comment on and close issues at the peer | ISSUE-* (served by the peer) |
//! | `monitoring.rs` | this provider's own MONITORING connection on an interconnect, negotiated like any other, without customer or key | CONN-44, CONN-45 |
//!
//! Calls to the peer that fail are retried by the scheduler with the
//! negotiator's backoff (NEG-4): a [`Task`] due at the backoff time, never
//! a sleep. The retry state lives in the store (`State::operator`).

mod issues;
mod macsec_age;
mod macsec_rotation;
mod maintenance;
mod monitoring;

pub use monitoring::MonitoringConnection;

pub use macsec_rotation::{FAIL_FORWARD_AFTER, ROTATION_POLL};

use chrono::{DateTime, Duration, Utc};
use interconnect_core::names::{ChannelName, InterconnectName};
use interconnect_core::wire;

use crate::error::{CoordinatorError, CoordinatorResult};
use crate::reference::ReferenceProvider;
use crate::retry::RetryDecision;
use crate::rules;
use crate::scheduler::Task;
use crate::store::StoreExt;

impl ReferenceProvider {
    /// Runs one operator task (called by the scheduler's dispatch).
    pub(crate) async fn run_operator_task(&self, task: Task) {
        match task {
            Task::NotifyMaintenance(channel) => self.push_maintenance(&channel).await,
            Task::PullMaintenance(channel) => self.pull_maintenance(&channel).await,
            Task::RotateMacSec(interconnect) => self.step_rotation(&interconnect).await,
            // other families' tasks are dispatched by `run_task` itself
            other => tracing::debug!(?other, "not an operator task"),
        }
    }

    /// When to try an operator call again after `error` (NEG-4 backoff,
    /// counted under `key`), or `None` once the budget is spent or the
    /// error will not go away by itself (the retry state is then cleared).
    pub(crate) fn operator_backoff(
        &self,
        key: &str,
        error: &CoordinatorError,
    ) -> Option<DateTime<Utc>> {
        let now = self.clock().now();
        let retry = self
            .store()
            .view(|s| s.operator.retries.get(key).cloned())
            .flatten()
            .unwrap_or_default();
        let since = retry.since.unwrap_or(now);
        let elapsed = (now - since).to_std().unwrap_or_default();
        let decision =
            self.retry_policy()
                .decide(error, retry.attempt, elapsed, self.jitter().next_unit());
        let next = match decision {
            RetryDecision::RetryAfter(wait) => {
                Some(now + Duration::from_std(wait).unwrap_or(Duration::seconds(1)))
            }
            RetryDecision::GiveUp => None,
        };
        let _ = self.store().update(|s| {
            match next {
                Some(_) => {
                    let r = s.operator.retries.entry(key.to_owned()).or_default();
                    r.attempt = retry.attempt.saturating_add(1);
                    r.since = Some(since);
                }
                None => {
                    s.operator.retries.remove(key);
                }
            }
            Ok(())
        });
        tracing::info!(key, error = %error, retry_at = ?next, "operator call to the peer failed");
        next
    }

    /// Clears the retry state of `key` after a call succeeded.
    pub(crate) fn operator_retry_done(&self, key: &str) {
        let _ = self.store().update(|s| {
            s.operator.retries.remove(key);
            Ok(())
        });
    }

    /// The name the peer gives to channel `channel` of this server.
    pub(crate) fn at_peer_channel(&self, channel: &ChannelName) -> CoordinatorResult<ChannelName> {
        self.at_peer_interconnect(channel.interconnect())?
            .channel(channel.id())
            .map_err(|e| CoordinatorError::internal(rules::NEG_RECONCILE, e.to_string()))
    }
}

impl Operator<'_> {
    /// The retry state of operator call `key`: failed attempts so far.
    pub fn operator_retry_attempts(&self, key: &str) -> u32 {
        self.store()
            .view(|s| s.operator.retries.get(key).map(|r| r.attempt))
            .flatten()
            .unwrap_or(0)
    }
}

impl ReferenceProvider {
    /// The channels of interconnect `interconnect` in the configuration
    /// (404 when it is not one of this server's).
    pub(crate) fn configured_channels(
        &self,
        interconnect: &InterconnectName,
    ) -> CoordinatorResult<Vec<wire::Channel>> {
        self.config()
            .inventory
            .partners
            .iter()
            .flat_map(|p| p.environments.iter())
            .flat_map(|e| e.interconnects.iter())
            .find(|i| i.interconnect.name.as_ref() == Some(interconnect))
            .map(|i| i.channels.clone())
            .ok_or_else(|| {
                CoordinatorError::not_found(
                    rules::MISSING_RESOURCE,
                    format!("{interconnect} is not an interconnect of this server"),
                )
            })
    }

    /// Channel `channel` in the configuration (404 when it is not one of
    /// this server's).
    pub(crate) fn configured_channel_of(
        &self,
        channel: &ChannelName,
    ) -> CoordinatorResult<wire::Channel> {
        self.configured_channels(channel.interconnect())?
            .into_iter()
            .find(|c| c.name.as_ref() == Some(channel))
            .ok_or_else(|| {
                CoordinatorError::not_found(
                    rules::MISSING_RESOURCE,
                    format!("{channel} is not a channel of this server"),
                )
            })
    }

    /// Whether this side is the `macsecManagerProvider` of `channel`.
    pub(crate) fn manages_mac_sec(&self, channel: &wire::Channel) -> bool {
        channel.macsec_manager_provider.as_ref() == Some(&self.config().provider)
    }
}

/// The operator side of a [`ReferenceProvider`]: maintenance, MACsec
/// rotation, issues at the peer, monitoring connections and what the
/// operator API reads ([`ReferenceProvider::operator`]).
///
/// It borrows the provider and reaches its state through it (`Deref`).
#[derive(Debug, Clone, Copy)]
pub struct Operator<'a> {
    provider: &'a ReferenceProvider,
}

impl ReferenceProvider {
    /// The operator side: schedule, publish and cancel maintenance, rotate
    /// MACsec keys, open and answer issues, monitoring connections, and the
    /// state the operator API reports.
    pub fn operator(&self) -> Operator<'_> {
        Operator { provider: self }
    }
}

impl std::ops::Deref for Operator<'_> {
    type Target = ReferenceProvider;

    fn deref(&self) -> &ReferenceProvider {
        self.provider
    }
}
