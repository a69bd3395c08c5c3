//! Workflow leases for replicas on one shared store (`spec/REQUIREMENTS.md`
//! OPS-32; issue 15 item 6).
//!
//! Each replica keeps its own queue of due tasks in memory, and several of
//! them may hold a task for the same workflow (each wakes every unfinished
//! workflow at start, a partner's notification wakes the replica it
//! reached). With a store that other processes share
//! ([`Store::shared`](crate::store::Store::shared)), a replica runs a
//! workflow's step only while it holds the workflow's lease: taken in a
//! transaction before the step ([`LEASE_TTL`] long, renewed while the steps
//! go on), given back after it together with the time the next step is due
//! (`Workflow::due_at`). A replica that finds another's lease looks again
//! when it lapses. A replica that dies holding a lease, or with work due
//! that only its memory knew of, leaves it to the others: each runs
//! [`Task::TakeOver`] every [`TAKEOVER_EVERY`] (jittered), which wakes the
//! workflows whose next step is overdue by [`TAKEOVER_GRACE`] and whose
//! lease is free or lapsed. A store used by one process skips all of this.

use chrono::{DateTime, Duration, Utc};

use crate::reference::ReferenceProvider;
use crate::scheduler::Task;
use crate::store::{Lease, StoreExt};

/// How long a lease holds unless renewed.
pub const LEASE_TTL: Duration = Duration::minutes(2);

/// How often, on average, a replica looks for work no replica holds.
pub const TAKEOVER_EVERY: Duration = Duration::seconds(30);

/// How overdue a step must be before another replica takes it over.
pub const TAKEOVER_GRACE: Duration = Duration::seconds(30);

/// What [`ReferenceProvider::take_lease`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claim {
    /// This replica holds the lease now.
    Mine,
    /// Another replica holds it until then.
    Held(DateTime<Utc>),
    /// The workflow is gone.
    Gone,
}

impl ReferenceProvider {
    /// Whether workflows are leased (a shared store).
    pub(crate) fn leases(&self) -> bool {
        self.store().shared()
    }

    /// Takes (or renews) the lease of workflow `uuid` for this replica,
    /// unless another replica holds one that has not lapsed.
    pub(crate) fn take_lease(&self, uuid: &str) -> Claim {
        let now = self.clock().now();
        let me = self.replica_id().to_owned();
        self.store()
            .update(|s| {
                let Some(wf) = s.workflows.get_mut(uuid) else {
                    return Ok(Claim::Gone);
                };
                if let Some(lease) = &wf.lease
                    && lease.holder != me
                    && lease.until > now
                {
                    return Ok(Claim::Held(lease.until));
                }
                wf.lease = Some(Lease {
                    holder: me,
                    until: now + LEASE_TTL,
                });
                Ok(Claim::Mine)
            })
            .unwrap_or(Claim::Gone)
    }

    /// Renews this replica's lease of `uuid` when half of it has passed;
    /// whether the lease is still this replica's.
    pub(crate) fn keep_lease(&self, uuid: &str) -> bool {
        let now = self.clock().now();
        let fresh = self
            .workflow(uuid)
            .and_then(|wf| wf.lease)
            .is_some_and(|l| l.holder == self.replica_id() && l.until - now > LEASE_TTL / 2);
        fresh || self.take_lease(uuid) == Claim::Mine
    }

    /// Gives the lease of `uuid` back, recording when its next step is due
    /// (`None`: when something happens).
    pub(crate) fn release_lease(&self, uuid: &str, due: Option<DateTime<Utc>>) {
        let me = self.replica_id().to_owned();
        let _ = self.store().update(|s| {
            if let Some(wf) = s.workflows.get_mut(uuid)
                && wf.lease.as_ref().is_some_and(|l| l.holder == me)
            {
                wf.lease = None;
                wf.due_at = due;
            }
            Ok(())
        });
    }

    /// Schedules the next [`Task::TakeOver`] (only with a shared store).
    pub(crate) fn schedule_takeover(&self) {
        if self.leases() {
            let factor = 0.5 + self.jitter().next_unit();
            let ms = (TAKEOVER_EVERY.num_milliseconds() as f64 * factor) as i64;
            self.scheduler().schedule(
                Task::TakeOver,
                self.clock().now() + Duration::milliseconds(ms.max(1)),
            );
        }
    }

    /// [`Task::TakeOver`]: wakes here every workflow whose next step is
    /// overdue by [`TAKEOVER_GRACE`] and that no replica holds; returns how
    /// many.
    pub fn take_over_orphans(&self) -> usize {
        let now = self.clock().now();
        let orphans: Vec<String> = self
            .store()
            .view(|s| {
                s.workflows
                    .iter()
                    .filter(|(_, wf)| !wf.phase.is_final() || wf.peer_copy_to_delete.is_some())
                    .filter(|(_, wf)| wf.due_at.is_some_and(|d| d + TAKEOVER_GRACE <= now))
                    .filter(|(_, wf)| wf.lease.as_ref().is_none_or(|l| l.until <= now))
                    .map(|(uuid, _)| uuid.clone())
                    .collect()
            })
            .unwrap_or_default();
        for uuid in &orphans {
            self.wake(uuid, now);
        }
        if !orphans.is_empty() {
            tracing::info!(
                count = orphans.len(),
                "OPS-32: taking over overdue work no replica holds"
            );
        }
        orphans.len()
    }
}
