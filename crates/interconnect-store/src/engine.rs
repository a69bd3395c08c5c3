//! The engine both durable stores share: a cached [`State`] kept in step
//! with the database's rows, and transactions that write only the records
//! they changed.
//!
//! A [`Database`] is one connection to SQLite or PostgreSQL; the engine
//! holds it behind a mutex, so one process runs one database transaction at
//! a time, and the database's write lock serializes the processes.

use std::cell::RefCell;
use std::sync::{Mutex, MutexGuard};

use interconnect_provider::CoordinatorError;
use interconnect_provider::store::State;

use crate::durability::Durability;
use crate::error::StoreError;
use crate::records::{self, Entry, Kind};
use crate::secrets::Cipher;
use crate::stats::{Counters, StoreStats, Work};

/// How many versions a removal's tombstone is kept: a process whose cache
/// is older than the oldest tombstone reloads every record instead.
pub(crate) const TOMBSTONE_VERSIONS: i64 = 256;

thread_local! {
    /// The engines (by address) whose transaction this thread is running,
    /// each with whether [`Engine::make_durable`] was called from inside it
    /// (a device change made inside the transaction): that call cannot take
    /// the engine's lock the transaction holds, so the transaction makes
    /// its own commit durable instead.
    static IN_TRANSACTION: RefCell<Vec<(usize, bool)>> = const { RefCell::new(Vec::new()) };
}

/// Marks this thread as inside `engine`'s transaction until dropped (a
/// panic in the closure unwinds through it too).
struct InTransaction(usize);

impl InTransaction {
    fn enter(engine: usize) -> Self {
        IN_TRANSACTION.with(|t| t.borrow_mut().push((engine, false)));
        InTransaction(engine)
    }

    /// Whether a barrier was asked for from inside this transaction.
    fn barrier_asked(&self) -> bool {
        IN_TRANSACTION.with(|t| t.borrow().iter().any(|&(e, asked)| e == self.0 && asked))
    }

    /// Records a barrier asked for inside `engine`'s transaction; false
    /// when this thread is not inside one.
    fn ask_barrier(engine: usize) -> bool {
        IN_TRANSACTION.with(|t| {
            let mut t = t.borrow_mut();
            match t.iter_mut().rev().find(|(e, _)| *e == engine) {
                Some(entry) => {
                    entry.1 = true;
                    true
                }
                None => false,
            }
        })
    }
}

impl Drop for InTransaction {
    fn drop(&mut self) {
        IN_TRANSACTION.with(|t| {
            let mut t = t.borrow_mut();
            if let Some(i) = t.iter().rposition(|&(e, _)| e == self.0) {
                t.remove(i);
            }
        });
    }
}

/// A stored row as read: its kind, key and sealed body.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) kind: String,
    pub(crate) key: String,
    pub(crate) body: Vec<u8>,
}

/// A row to write: `live` is false for a removal's tombstone (its body
/// then seals only the name).
#[derive(Debug, Clone)]
pub(crate) struct RowWrite {
    pub(crate) kind: &'static str,
    pub(crate) key: String,
    pub(crate) live: bool,
    pub(crate) body: Vec<u8>,
}

/// What the database holds beyond a cache at version `cached`.
#[derive(Debug)]
pub(crate) enum Fetched {
    /// Nothing: the cache is current.
    Current,
    /// The rows written since (removals included); `version` is the
    /// database's version.
    Since { version: i64, rows: Vec<Row> },
    /// Every live row: the cache is too old for the tombstones kept (or
    /// empty, or newer than the database), so it is rebuilt.
    Full { version: i64, rows: Vec<Row> },
}

/// Which of the three a cache at `cached` needs, given the database's
/// `version` and the version through which tombstones were purged.
pub(crate) fn plan(cached: i64, version: i64, purged_through: i64) -> Plan {
    if cached == version && cached != 0 {
        Plan::Current
    } else if cached == 0 || cached < purged_through || cached > version {
        Plan::Full
    } else {
        Plan::Since
    }
}

/// See [`plan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    Current,
    Since,
    Full,
}

/// One connection to a database holding the schema of
/// [`migrations`](crate::migrations).
pub(crate) trait Database: Send {
    /// Outside a write: what changed since `cached`, read in one snapshot.
    fn fetch(&mut self, cached: i64) -> Result<Fetched, StoreError>;
    /// Starts a write transaction holding the database's write lock (no
    /// other process can write until it ends), then reads as `fetch`.
    fn begin(&mut self, cached: i64) -> Result<Fetched, StoreError>;
    /// Writes rows and the new version inside the transaction, removes the
    /// tombstones up to `purge_through` when given, and commits (one call,
    /// so that a database behind a thread or a network is reached once).
    fn write_and_commit(
        &mut self,
        rows: Vec<RowWrite>,
        version: i64,
        purge_through: Option<i64>,
    ) -> Result<(), StoreError>;
    /// Rolls the transaction back (a failure here leaves nothing to do: the
    /// database drops an unfinished transaction with its connection).
    fn rollback(&mut self);
    /// Outside a transaction: makes every commit so far survive a crash of
    /// the machine (commits do not wait for the disk; see
    /// [`Store::make_durable`](interconnect_provider::store::Store::make_durable)).
    /// `version` is the last version this process wrote.
    fn make_durable(&mut self, version: i64) -> Result<(), StoreError>;
}

struct Inner<D> {
    db: D,
    state: State,
    version: i64,
    /// Whether this process committed since its last
    /// [`Database::make_durable`].
    unsynced: bool,
}

/// A [`Store`](interconnect_provider::store::Store) over a [`Database`].
pub(crate) struct Engine<D> {
    inner: Mutex<Inner<D>>,
    cipher: Cipher,
    counters: Counters,
    durability: Durability,
}

fn aad(kind: &str, key: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(kind.len() + 1 + key.len());
    aad.extend_from_slice(kind.as_bytes());
    aad.push(b'/');
    aad.extend_from_slice(key.as_bytes());
    aad
}

impl<D: Database> Engine<D> {
    /// An engine over `db`, its cache loaded from every row.
    pub(crate) fn open(db: D, cipher: Cipher, durability: Durability) -> Result<Self, StoreError> {
        let engine = Engine {
            inner: Mutex::new(Inner {
                db,
                state: State::default(),
                version: 0,
                unsynced: false,
            }),
            cipher,
            counters: Counters::default(),
            durability,
        };
        {
            let mut inner = engine.lock();
            let fetched = inner.db.fetch(0)?;
            engine.refresh(&mut inner, fetched)?;
        }
        Ok(engine)
    }

    fn lock(&self) -> MutexGuard<'_, Inner<D>> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies fetched rows to the cache: on a draft, so a row that cannot
    /// be read leaves the cache as it was.
    fn refresh(&self, inner: &mut Inner<D>, fetched: Fetched) -> Result<(), StoreError> {
        let (version, rows, mut draft) = match fetched {
            Fetched::Current => return Ok(()),
            Fetched::Since { version, rows } => (version, rows, inner.state.clone()),
            Fetched::Full { version, rows } => (version, rows, State::default()),
        };
        for row in rows {
            let kind = Kind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown kind {:?}", row.kind)))?;
            let plain = self
                .cipher
                .open(&aad(&row.kind, &row.key), &row.body)
                .ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "a {} row does not open with the secrets key",
                        row.kind
                    ))
                })?;
            let entry: Entry = serde_json::from_slice(&plain)
                .map_err(|e| StoreError::Corrupt(format!("a {} row: {e}", row.kind)))?;
            records::apply(&mut draft, kind, entry)?;
        }
        inner.state = draft;
        inner.version = version;
        Ok(())
    }

    fn seal(&self, change: records::Change) -> Result<RowWrite, StoreError> {
        let kind = change.kind.as_str();
        let key = self.cipher.row_key(kind, &change.name);
        let live = change.record.is_some();
        let plain = change.entry_text();
        let body = self.cipher.seal(&aad(kind, &key), &plain)?;
        Ok(RowWrite {
            kind,
            key,
            live,
            body,
        })
    }

    /// One serializable transaction (see the crate documentation).
    pub(crate) fn transact(
        &self,
        change: &mut dyn FnMut(&mut State) -> Result<(), CoordinatorError>,
    ) -> Result<(), CoordinatorError> {
        let started = std::time::Instant::now();
        let mut inner = self.lock();
        let marker = InTransaction::enter(self.address());
        let result = self.transact_locked(&mut inner, change);
        let committed = matches!(result, Ok(true));
        let result = result.map(|_| ());
        self.counters
            .record(Work::Transaction { committed }, started);
        if marker.barrier_asked() && inner.unsynced {
            // A device change inside the transaction asked for the barrier:
            // it covers this commit and every one before. When it fails the
            // commit stays unsynced and the next barrier, before the
            // answer leaves, tries again and refuses the answer.
            let version = inner.version;
            let started = std::time::Instant::now();
            if inner.db.make_durable(version).is_ok() {
                inner.unsynced = false;
            }
            self.counters.record(Work::Barrier, started);
        }
        result
    }

    fn address(&self) -> usize {
        std::ptr::from_ref(self) as *const () as usize
    }

    /// The transaction; `Ok(true)` when it wrote a new version.
    fn transact_locked(
        &self,
        inner: &mut Inner<D>,
        change: &mut dyn FnMut(&mut State) -> Result<(), CoordinatorError>,
    ) -> Result<bool, CoordinatorError> {
        let cached = inner.version;
        let fetched = match inner.db.begin(cached) {
            Ok(fetched) => fetched,
            Err(e) => {
                inner.db.rollback();
                return Err(e.into_coordinator());
            }
        };
        if let Err(e) = self.refresh(inner, fetched) {
            inner.db.rollback();
            return Err(e.into_coordinator());
        }
        let mut draft = inner.state.clone();
        if let Err(e) = change(&mut draft) {
            inner.db.rollback();
            return Err(e);
        }
        match self.write(inner, &draft) {
            Ok(Some(version)) => {
                inner.state = draft;
                inner.version = version;
                inner.unsynced = true;
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(e) => {
                inner.db.rollback();
                Err(e.into_coordinator())
            }
        }
    }

    /// Writes the records `draft` changed and commits; `None` when nothing
    /// changed (the transaction is closed without a new version).
    fn write(&self, inner: &mut Inner<D>, draft: &State) -> Result<Option<i64>, StoreError> {
        let changes = records::diff(&inner.state, draft)?;
        if changes.is_empty() {
            inner.db.rollback();
            return Ok(None);
        }
        let rows = changes
            .into_iter()
            .map(|c| self.seal(c))
            .collect::<Result<Vec<_>, _>>()?;
        let version = inner.version + 1;
        let purge = (version % TOMBSTONE_VERSIONS == 0).then_some(version - TOMBSTONE_VERSIONS);
        inner.db.write_and_commit(rows, version, purge)?;
        Ok(Some(version))
    }

    /// Runs `read` on the state as last committed by any process. When the
    /// database cannot be read, the last state this process saw is read and
    /// the failure logged (the `Store` contract has no error for reads; a
    /// write in that condition fails).
    pub(crate) fn read(&self, read: &mut dyn FnMut(&State)) {
        let state = {
            let started = std::time::Instant::now();
            let mut inner = self.lock();
            let cached = inner.version;
            let fetched = inner.db.fetch(cached);
            let refreshed = fetched.and_then(|f| self.refresh(&mut inner, f));
            if let Err(e) = refreshed {
                tracing::warn!(error = %e, "the store could not be read; serving the last state seen");
            }
            let state = inner.state.clone();
            let refreshed = inner.version != cached;
            drop(inner);
            self.counters.record(Work::Read { refreshed }, started);
            state
        };
        read(&state);
    }

    /// Makes this process's commits durable (one wait for the disk for
    /// every commit since the last call; nothing when there was none).
    /// From inside one of this engine's transactions, the transaction makes
    /// its own commit durable instead (its lock is held).
    pub(crate) fn make_durable(&self) -> Result<(), CoordinatorError> {
        if self.durability == Durability::Process {
            // commits are in the database's log already: enough for a
            // crash of the process, all this setting asks for
            return Ok(());
        }
        if InTransaction::ask_barrier(self.address()) {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let mut inner = self.lock();
        if !inner.unsynced {
            return Ok(());
        }
        let version = inner.version;
        let done = inner.db.make_durable(version);
        self.counters.record(Work::Barrier, started);
        done.map_err(StoreError::into_coordinator)?;
        inner.unsynced = false;
        Ok(())
    }

    /// What this engine spent its time on since it was opened.
    pub(crate) fn stats(&self) -> StoreStats {
        self.counters.snapshot()
    }

    /// Which crash a commit survives once it has been made durable.
    pub(crate) fn durability(&self) -> Durability {
        self.durability
    }

    /// The version of the cache (the database's version when last seen).
    pub(crate) fn version(&self) -> i64 {
        self.lock().version
    }

    /// Runs `f` on the database connection (maintenance: reading raw rows).
    pub(crate) fn with_db<R>(&self, f: impl FnOnce(&mut D) -> R) -> R {
        f(&mut self.lock().db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_follows_the_versions() {
        assert_eq!(plan(0, 0, 0), Plan::Full, "first load");
        assert_eq!(plan(5, 5, 0), Plan::Current);
        assert_eq!(plan(5, 9, 0), Plan::Since);
        assert_eq!(plan(5, 9, 5), Plan::Since, "tombstones after 5 kept");
        assert_eq!(
            plan(5, 9, 6),
            Plan::Full,
            "a tombstone the cache needs is gone"
        );
        assert_eq!(plan(9, 5, 0), Plan::Full, "the database went back");
    }
}
