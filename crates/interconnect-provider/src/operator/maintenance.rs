//! Maintenance coordination, operator side (`docs/Protocols.md`
//! § Maintenance Coordination; `paths/channels.yaml` `NotifyMaintenance`,
//! `GetMaintenanceEvents`; E-34).
//!
//! The operator schedules maintenance on a channel; it is refused (409,
//! MAINT-6) when it overlaps maintenance, this side's or the peer's as last
//! pulled, on another channel of the same interconnect. Every change of
//! this side's events is pushed with `NotifyMaintenance`
//! ([`Task::NotifyMaintenance`]); the side that is told pulls the
//! notifier's events at once with `GetMaintenanceEvents`
//! ([`Task::PullMaintenance`], woken by the server's `NotifyMaintenance`
//! handler) and stores them (MAINT-4). Failed calls are retried with
//! backoff by the scheduler.

use interconnect_core::names::ChannelName;
use interconnect_core::wire::{self, MaintenanceEvent};

use super::Operator;
use crate::error::CoordinatorResult;
use crate::reference::ReferenceProvider;
use crate::request;
use crate::rules;
use crate::scheduler::Task;

fn notify_key(channel: &ChannelName) -> String {
    format!("notify:{channel}")
}

fn pull_key(channel: &ChannelName) -> String {
    format!("pull:{channel}")
}

impl ReferenceProvider {
    fn push_maintenance_soon(&self, channel: &ChannelName) {
        self.operator_retry_done(&notify_key(channel));
        self.scheduler()
            .schedule(Task::NotifyMaintenance(channel.clone()), self.clock().now());
    }

    /// [`Task::NotifyMaintenance`]: `NotifyMaintenance` on the peer.
    pub(crate) async fn push_maintenance(&self, channel: &ChannelName) {
        let key = notify_key(channel);
        let result = async {
            let peer = self.peers().get(channel.interconnect().provider())?;
            let request = request::NotifyMaintenance {
                channel: self.at_peer_channel(channel)?,
                body: wire::NotifyMaintenanceRequest::default(),
            };
            peer.notify_maintenance(&self.as_caller(), request).await
        }
        .await;
        match result {
            Ok(_) => {
                tracing::info!(%channel, rule = rules::MAINT_NOTIFY_AND_PULL, "the peer was told of our maintenance");
                self.operator_retry_done(&key);
            }
            Err(e) => match self.operator_backoff(&key, &e) {
                Some(at) => self
                    .scheduler()
                    .schedule(Task::NotifyMaintenance(channel.clone()), at),
                None => tracing::warn!(%channel, error = %e, "MAINT-4: gave up telling the peer"),
            },
        }
    }

    /// [`Task::PullMaintenance`]: `GetMaintenanceEvents` on the peer that
    /// sent `NotifyMaintenance`, stored with
    /// [`record_peer_maintenance`](Self::record_peer_maintenance).
    pub(crate) async fn pull_maintenance(&self, channel: &ChannelName) {
        let key = pull_key(channel);
        let result = async {
            let peer = self.peers().get(channel.interconnect().provider())?;
            let request = request::GetMaintenanceEvents {
                channel: self.at_peer_channel(channel)?,
            };
            let events = peer
                .get_maintenance_events(&self.as_caller(), request)
                .await?
                .events;
            self.operator().record_peer_maintenance(channel, events)
        }
        .await;
        match result {
            Ok(()) => {
                tracing::info!(%channel, rule = rules::MAINT_NOTIFY_AND_PULL, "the peer's maintenance was pulled");
                self.operator_retry_done(&key);
            }
            Err(e) => match self.operator_backoff(&key, &e) {
                Some(at) => self
                    .scheduler()
                    .schedule(Task::PullMaintenance(channel.clone()), at),
                None => tracing::warn!(%channel, error = %e, "MAINT-4: gave up pulling"),
            },
        }
    }
}

impl Operator<'_> {
    /// Operator: schedules maintenance of this side on `channel` (this
    /// side's name) and tells the peer (MAINT-4). Refused with 409 naming
    /// MAINT-6 when it overlaps maintenance, this side's or the peer's as
    /// last pulled, on another channel of the same interconnect; the other
    /// rules of [`schedule_maintenance`](Self::schedule_maintenance) apply.
    pub fn operator_schedule_maintenance(
        &self,
        channel: &ChannelName,
        event: MaintenanceEvent,
    ) -> CoordinatorResult<MaintenanceEvent> {
        let event = self.schedule_maintenance(channel, event)?;
        self.push_maintenance_soon(channel);
        Ok(event)
    }

    /// Operator: publishes emergency maintenance on `channel` (MAINT-7: no
    /// overlap check) and tells the peer (MAINT-4).
    pub fn operator_publish_emergency_maintenance(
        &self,
        channel: &ChannelName,
        event: MaintenanceEvent,
    ) -> CoordinatorResult<MaintenanceEvent> {
        let event = self.publish_emergency_maintenance(channel, event)?;
        self.push_maintenance_soon(channel);
        Ok(event)
    }

    /// Operator: withdraws maintenance `maintenance_id` on `channel` and
    /// tells the peer (MAINT-4).
    pub fn operator_cancel_maintenance(
        &self,
        channel: &ChannelName,
        maintenance_id: &str,
    ) -> CoordinatorResult<MaintenanceEvent> {
        let event = self.cancel_maintenance(channel, maintenance_id)?;
        self.push_maintenance_soon(channel);
        Ok(event)
    }

    /// The peer's maintenance events on `channel`, as last pulled.
    pub fn peer_maintenance(&self, channel: &ChannelName) -> Vec<MaintenanceEvent> {
        use crate::store::StoreExt;
        self.store()
            .view(|s| {
                s.channels
                    .get(channel)
                    .map(|c| c.peer_maintenance_events.clone())
                    .unwrap_or_default()
            })
            .unwrap_or_default()
    }
}
