//! Background work of a reference provider: a queue of [`Task`]s, each due
//! at a time of the provider's [`Clock`](crate::clock::Clock).
//!
//! Everything the protocol does after a request has been answered runs as a
//! task: driving a connection towards `VERIFIED` (`docs/Protocols.md`
//! § Negotiate Feature Parameters, § Provision Appropriate Features),
//! retries with backoff (NEG-4), the deferral watch (DEFER-5), the periodic
//! cleanup (OPS-7). A task is data (what to look at), not a closure, so the
//! queue can be inspected and a task that runs twice does no harm: every
//! task re-reads the store and does the next step that is still missing.
//!
//! Who runs the queue:
//! - tests step it deterministically with a
//!   [`ManualClock`](crate::clock::ManualClock):
//!   [`ReferenceProvider::run_until_idle`](crate::ReferenceProvider::run_until_idle)
//!   runs every task due now (and what they make due now), and the test moves
//!   the clock to the next due time ([`Scheduler::next_due`]); nothing sleeps;
//! - servers run the same call in a loop on their runtime, sleeping until
//!   [`Scheduler::next_due`] (the HTTP crate's driver does this on tokio).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use interconnect_core::names::{ChannelName, InterconnectName};
use serde::{Deserialize, Serialize};

/// One piece of background work.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Task {
    /// Take the connection with this shared connection UUID one step closer
    /// to what its workflow wants (created, verified, updated, deleted).
    Reconcile(String),
    /// Run the cleanup of unfinished connections (OPS-7, CONN-13, CONN-14).
    Cleanup,
    /// Tell the peer that this side's maintenance events on the channel
    /// (this side's name) changed: `NotifyMaintenance` (MAINT-4).
    NotifyMaintenance(ChannelName),
    /// The peer said its maintenance events on the channel (this side's
    /// name) changed: pull them with `GetMaintenanceEvents` (MAINT-4).
    PullMaintenance(ChannelName),
    /// Take the MACsec rotation run of the interconnect (this side's name)
    /// one step further (MACSEC-23).
    RotateMacSec(InterconnectName),
    /// Read the peers' view of a batch of verified connections and mark
    /// the ones the peer lost as degraded (RECON-1..RECON-4).
    CheckPeers,
    /// With a shared store: take over the due work of workflows no replica
    /// holds a lease on (a replica died, OPS-32).
    TakeOver,
}

/// The queue: each task at most once, at its earliest due time.
#[derive(Debug, Default)]
pub struct Scheduler {
    due: Mutex<Queue>,
}

/// The tasks by task and by due time: taking the due tasks and finding the
/// next due time read the front of [`Queue::by_due`] instead of every task
/// (`BENCHMARKS.md`, "Establishment"). Only [`Queue::set`] and
/// [`Queue::take`] change them, always both.
#[derive(Debug, Default)]
struct Queue {
    by_task: BTreeMap<Task, DateTime<Utc>>,
    by_due: BTreeSet<(DateTime<Utc>, Task)>,
}

impl Queue {
    /// Makes `task` due at `at` (replacing its earlier due time).
    fn set(&mut self, task: Task, at: DateTime<Utc>) {
        if let Some(old) = self.by_task.insert(task.clone(), at) {
            self.by_due.remove(&(old, task.clone()));
        }
        self.by_due.insert((at, task));
    }

    /// Removes and returns the tasks due at or before `now`, earliest first.
    fn take(&mut self, now: DateTime<Utc>) -> Vec<Task> {
        let mut ready = Vec::new();
        while let Some((at, _)) = self.by_due.first() {
            if *at > now {
                break;
            }
            if let Some((_, task)) = self.by_due.pop_first() {
                self.by_task.remove(&task);
                ready.push(task);
            }
        }
        ready
    }
}

impl Scheduler {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.due.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes `task` due at `at`, or earlier if it was already due earlier.
    pub fn schedule(&self, task: Task, at: DateTime<Utc>) {
        let mut due = self.lock();
        match due.by_task.get(&task) {
            Some(when) if *when <= at => {}
            _ => due.set(task, at),
        }
    }

    /// Removes and returns every task due at or before `now`, earliest first.
    pub fn take_due(&self, now: DateTime<Utc>) -> Vec<Task> {
        self.lock().take(now)
    }

    /// The earliest due time of any task.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.lock().by_due.first().map(|(at, _)| *at)
    }

    /// Every queued task with its due time, in task order.
    pub fn pending(&self) -> Vec<(Task, DateTime<Utc>)> {
        self.lock()
            .by_task
            .iter()
            .map(|(t, at)| (t.clone(), *at))
            .collect()
    }

    /// Whether `task` is queued.
    pub fn is_pending(&self, task: &Task) -> bool {
        self.lock().by_task.contains_key(task)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_task_is_queued_once_at_its_earliest_time_and_taken_when_due() {
        let s = Scheduler::new();
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        s.schedule(Task::Cleanup, t0 + Duration::seconds(10));
        s.schedule(Task::Cleanup, t0 + Duration::seconds(5));
        s.schedule(Task::Cleanup, t0 + Duration::seconds(50));
        s.schedule(Task::Reconcile("u".into()), t0 + Duration::seconds(7));
        assert_eq!(s.pending().len(), 2);
        assert_eq!(s.next_due(), Some(t0 + Duration::seconds(5)));
        assert!(s.take_due(t0 + Duration::seconds(4)).is_empty());
        assert_eq!(
            s.take_due(t0 + Duration::seconds(7)),
            vec![Task::Cleanup, Task::Reconcile("u".into())]
        );
        assert_eq!(s.next_due(), None);
    }

    /// Both views of the queue agree after any sequence of schedules and
    /// takes (the index by due time cannot drift from the tasks).
    #[test]
    fn the_due_time_index_equals_the_tasks() {
        use proptest::prelude::*;
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        let ops = prop::collection::vec((0..4u8, 0..3usize, 0..100i64), 0..80);
        proptest!(|(ops in ops)| {
            let s = Scheduler::new();
            let mut model: BTreeMap<Task, DateTime<Utc>> = BTreeMap::new();
            for (kind, n, secs) in ops {
                let at = t0 + Duration::seconds(secs);
                let task = if n == 0 { Task::Cleanup } else { Task::Reconcile(n.to_string()) };
                if kind == 0 {
                    // a take: every task due by `at`, earliest first, ties in task order
                    let mut expected: Vec<(DateTime<Utc>, Task)> = model
                        .iter()
                        .filter(|(_, due)| **due <= at)
                        .map(|(t, due)| (*due, t.clone()))
                        .collect();
                    expected.sort();
                    model.retain(|_, due| *due > at);
                    let taken = s.take_due(at);
                    prop_assert_eq!(taken, expected.into_iter().map(|(_, t)| t).collect::<Vec<_>>());
                } else {
                    let when = model.entry(task.clone()).or_insert(at);
                    if at < *when {
                        *when = at;
                    }
                    s.schedule(task, at);
                }
                prop_assert_eq!(s.pending(), model.iter().map(|(t, a)| (t.clone(), *a)).collect::<Vec<_>>());
                prop_assert_eq!(s.next_due(), model.values().min().copied());
                let queue = s.lock();
                prop_assert_eq!(queue.by_due.len(), queue.by_task.len(), "one due entry per task");
            }
        });
    }
}
