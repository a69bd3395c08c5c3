//! What a durable store spent its time on ([`StoreStats`]): how many reads,
//! transactions and durability barriers it ran and how long each kind took
//! in total, measured around the database work (the closures' own work
//! included for transactions). The benchmark of issue 15 item 9 prints them
//! per establishment, so the share of each is known rather than guessed;
//! an operator can read them from a process's stores the same way.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Counts and total times since the store was opened (or since the copy
/// subtracted with [`StoreStats::since`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// [`Store::read`](interconnect_provider::store::Store::read) calls.
    pub reads: u64,
    /// Reads that found the database ahead of the cache and applied rows.
    pub reads_refreshed: u64,
    /// [`Store::transact`](interconnect_provider::store::Store::transact)
    /// calls, committed, unchanged or refused.
    pub transactions: u64,
    /// Transactions that wrote a new version.
    pub commits: u64,
    /// Barriers that waited for the disk (a barrier with nothing new to
    /// cover costs nothing and is not counted).
    pub barriers: u64,
    /// Total time in reads.
    pub read_time: Duration,
    /// Total time in transactions.
    pub transaction_time: Duration,
    /// Total time in barriers.
    pub barrier_time: Duration,
}

impl StoreStats {
    /// What happened between `earlier` and `self`.
    pub fn since(&self, earlier: &StoreStats) -> StoreStats {
        StoreStats {
            reads: self.reads.saturating_sub(earlier.reads),
            reads_refreshed: self.reads_refreshed.saturating_sub(earlier.reads_refreshed),
            transactions: self.transactions.saturating_sub(earlier.transactions),
            commits: self.commits.saturating_sub(earlier.commits),
            barriers: self.barriers.saturating_sub(earlier.barriers),
            read_time: self.read_time.saturating_sub(earlier.read_time),
            transaction_time: self
                .transaction_time
                .saturating_sub(earlier.transaction_time),
            barrier_time: self.barrier_time.saturating_sub(earlier.barrier_time),
        }
    }
}

impl std::ops::Add for StoreStats {
    type Output = StoreStats;

    /// Two stores' figures together (the two sides of a pair).
    fn add(self, other: StoreStats) -> StoreStats {
        StoreStats {
            reads: self.reads + other.reads,
            reads_refreshed: self.reads_refreshed + other.reads_refreshed,
            transactions: self.transactions + other.transactions,
            commits: self.commits + other.commits,
            barriers: self.barriers + other.barriers,
            read_time: self.read_time + other.read_time,
            transaction_time: self.transaction_time + other.transaction_time,
            barrier_time: self.barrier_time + other.barrier_time,
        }
    }
}

/// The engine's live counters.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    reads: AtomicU64,
    reads_refreshed: AtomicU64,
    transactions: AtomicU64,
    commits: AtomicU64,
    barriers: AtomicU64,
    read_nanos: AtomicU64,
    transaction_nanos: AtomicU64,
    barrier_nanos: AtomicU64,
}

/// Which kind of work a measurement is for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Work {
    Read { refreshed: bool },
    Transaction { committed: bool },
    Barrier,
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Counters {
    /// Counts one piece of `work` that started at `started`.
    pub(crate) fn record(&self, work: Work, started: Instant) {
        let took = nanos(started.elapsed());
        let add = |c: &AtomicU64, n: u64| {
            c.fetch_add(n, Ordering::Relaxed);
        };
        match work {
            Work::Read { refreshed } => {
                add(&self.reads, 1);
                add(&self.reads_refreshed, u64::from(refreshed));
                add(&self.read_nanos, took);
            }
            Work::Transaction { committed } => {
                add(&self.transactions, 1);
                add(&self.commits, u64::from(committed));
                add(&self.transaction_nanos, took);
            }
            Work::Barrier => {
                add(&self.barriers, 1);
                add(&self.barrier_nanos, took);
            }
        }
    }

    /// A copy of the counters.
    pub(crate) fn snapshot(&self) -> StoreStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StoreStats {
            reads: get(&self.reads),
            reads_refreshed: get(&self.reads_refreshed),
            transactions: get(&self.transactions),
            commits: get(&self.commits),
            barriers: get(&self.barriers),
            read_time: Duration::from_nanos(get(&self.read_nanos)),
            transaction_time: Duration::from_nanos(get(&self.transaction_nanos)),
            barrier_time: Duration::from_nanos(get(&self.barrier_nanos)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_add_up_and_since_subtracts() {
        let c = Counters::default();
        let started = Instant::now();
        c.record(Work::Read { refreshed: false }, started);
        c.record(Work::Read { refreshed: true }, started);
        let first = c.snapshot();
        assert_eq!((first.reads, first.reads_refreshed), (2, 1));
        c.record(Work::Transaction { committed: true }, started);
        c.record(Work::Transaction { committed: false }, started);
        c.record(Work::Barrier, started);
        let second = c.snapshot();
        let delta = second.since(&first);
        assert_eq!(
            (
                delta.reads,
                delta.transactions,
                delta.commits,
                delta.barriers
            ),
            (0, 2, 1, 1)
        );
        assert!(second.read_time >= first.read_time);
        let twice = delta + delta;
        assert_eq!((twice.transactions, twice.barriers), (4, 2));
    }
}
