//! Where a reference provider keeps its dynamic resources: the [`Store`]
//! trait, transactional, and [`MemoryStore`], its in-memory implementation.
//!
//! Every change a request makes runs inside one [`Store::transact`] call:
//! the checks of a rule and the reservation it protects happen under the same
//! transaction, so concurrent requests are serialized (FEAT-2, CONN-4,
//! MACSEC-3..MACSEC-6) and a rejected request leaves nothing behind (FEAT-1).
//! A durable store (a database, a replicated log) implements the same
//! contract: serializable transactions over the [`State`] model, which is
//! serde-serializable for that purpose.

mod connections;
mod features;
mod indexed;
mod operator;
mod request_records;
mod state;
mod workflow;
mod workflows;

use std::sync::{Mutex, MutexGuard};

pub use connections::{ConnectionIndex, ConnectionMut, Connections};
pub use features::{FeatureIndex, Features};
pub use indexed::{Index, Indexed, ValueMut};
pub use operator::{ChannelRotation, OperatorState, RotationRecord, RotationRun, RotationStep};
pub use request_records::{RequestRecord, RequestRecords, record_key};
pub use state::{
    ChannelRecord, ConnectionRecord, FeatureRecord, IssueRecord, IssuedKey, KeyRing,
    MacSecKeyRecord, NotificationRecord, State, StoredKeyPair,
};
pub use workflow::{
    ChannelProgress, CustomerRecord, Degradation, Lease, MAX_EVENTS, MAX_OPEN_REQUESTS,
    PeerPrefixLimit, Phase, RetryState, Role, Workflow, WorkflowEvent,
};
pub use workflows::Workflows;

use crate::error::CoordinatorError;

/// A transactional store of [`State`].
pub trait Store: Send + Sync {
    /// Runs `change` on the state as one serializable transaction: its
    /// changes are kept when it returns `Ok` and discarded when it returns
    /// `Err`.
    fn transact(
        &self,
        change: &mut dyn FnMut(&mut State) -> Result<(), CoordinatorError>,
    ) -> Result<(), CoordinatorError>;

    /// Runs `read` on a consistent view of the state.
    fn read(&self, read: &mut dyn FnMut(&State));

    /// Whether other processes may change the same state (replicas on one
    /// database): background work then takes a lease on each workflow
    /// before it runs it, so that a due item runs on one replica at a time,
    /// and takes over the work a dead replica left (OPS-32). `false` for a
    /// store only this process uses.
    fn shared(&self) -> bool {
        false
    }

    /// Makes every transaction committed so far survive a crash of the
    /// machine (a power failure), not only of the process. The reference
    /// provider calls it before anything that depends on those transactions
    /// leaves the process: its answer to a peer, a call to a peer, a call
    /// to the backend (and the HTTP binding before a customer or operator
    /// answer), so a partner never acts on a change this provider could
    /// lose. A store that makes each commit durable at once, or that keeps
    /// nothing across a restart ([`MemoryStore`]), does nothing. A store
    /// that defers the wait for the disk to this call turns a few dozen
    /// waits per establishment into one per message sent (group commit).
    ///
    /// Called from inside one of this store's own transactions (the
    /// reference provider provisions a feature on the devices inside the
    /// transaction that reserves it, so a refusal discards both: FEAT-1),
    /// it must not wait for that transaction: the store then makes the
    /// transaction's commit, and every commit before it, durable before
    /// `transact` returns.
    ///
    /// Errors: 503 `UNAVAILABLE` when the store cannot be made durable; the
    /// caller then sends nothing.
    fn make_durable(&self) -> Result<(), CoordinatorError> {
        Ok(())
    }
}

/// Typed helpers over any [`Store`].
pub trait StoreExt: Store {
    /// [`Store::transact`] returning the closure's value.
    fn update<R>(
        &self,
        change: impl FnOnce(&mut State) -> Result<R, CoordinatorError>,
    ) -> Result<R, CoordinatorError> {
        let mut change = Some(change);
        let mut out = None;
        self.transact(&mut |state| {
            let f = change.take().ok_or_else(|| {
                CoordinatorError::internal("ERR-2", "a store ran a transaction twice")
            })?;
            out = Some(f(state)?);
            Ok(())
        })?;
        out.ok_or_else(|| CoordinatorError::internal("ERR-2", "a store did not run a transaction"))
    }

    /// [`Store::read`] returning the closure's value.
    fn view<R>(&self, read: impl FnOnce(&State) -> R) -> Option<R> {
        let mut read = Some(read);
        let mut out = None;
        self.read(&mut |state| {
            if let Some(f) = read.take() {
                out = Some(f(state));
            }
        });
        out
    }
}

impl<S: Store + ?Sized> StoreExt for S {}

/// The in-memory store: one mutex around the state; a transaction works on
/// a copy that replaces the state only when the transaction succeeds.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Store for MemoryStore {
    fn transact(
        &self,
        change: &mut dyn FnMut(&mut State) -> Result<(), CoordinatorError>,
    ) -> Result<(), CoordinatorError> {
        let mut state = self.lock();
        let mut draft = state.clone();
        change(&mut draft)?;
        *state = draft;
        Ok(())
    }

    fn read(&self, read: &mut dyn FnMut(&State)) {
        read(&self.lock());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn record(uuid: &str) -> IssuedKey {
        IssuedKey::for_tests(uuid)
    }

    #[test]
    fn a_failed_transaction_leaves_no_trace() {
        let store = MemoryStore::new();
        let result: Result<(), _> = store.update(|state| {
            state.issued_keys.insert("a".into(), record("a"));
            Err(CoordinatorError::aborted("FEAT-1", "changed my mind"))
        });
        assert_eq!(result.map_err(|e| e.kind()), Err(ErrorKind::Aborted));
        assert_eq!(store.view(|s| s.issued_keys.len()), Some(0));
        store
            .update(|state| {
                state.issued_keys.insert("b".into(), record("b"));
                Ok(())
            })
            .expect("kept");
        assert_eq!(store.view(|s| s.issued_keys.len()), Some(1));
    }

    #[test]
    fn concurrent_transactions_are_serialized() {
        let store = std::sync::Arc::new(MemoryStore::new());
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for i in 0..100 {
                        store
                            .update(|state| {
                                // read-modify-write: the next key is the current size, so two
                                // unserialized writers would collide on a key
                                let n = state.issued_keys.len();
                                let _ = (t, i);
                                state.issued_keys.insert(n.to_string(), record("x"));
                                Ok(())
                            })
                            .expect("no conflict in memory");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread finished");
        }
        assert_eq!(store.view(|s| s.issued_keys.len()), Some(800));
    }
}
