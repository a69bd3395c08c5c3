//! Durable stores for the reference provider: [`SqliteStore`] (one file,
//! one `serve` process; the default of `serve --config`) and
//! [`PostgresStore`] (one database shared by several `serve` replicas),
//! both implementing the provider crate's
//! [`Store`](interconnect_provider::store::Store). The database crates stay
//! here, out of the core and provider crates.
//!
//! # Design
//!
//! The provider's rules run as closures over the whole
//! [`State`](interconnect_provider::store::State) (a set of persistent
//! maps keyed by resource names); the stores keep that contract:
//!
//! - **Records.** Every entry of every map of the state is one row
//!   `(kind, key, version, live, body)` ([`records`](self) module: the
//!   kinds and how changes are found). Derived indexes (connections by id,
//!   bandwidth reserved per interconnect, features and VLANs/subnets per
//!   channel, request records by time) are never stored: reading a record
//!   back goes through the same `insert` that maintains them in memory.
//! - **A cache.** Each process keeps the state in memory with the version
//!   of the last write it saw. The one-row table `store_version` holds the
//!   version of the database's last write.
//! - **A transaction** takes the database's write lock (SQLite
//!   `BEGIN IMMEDIATE`; PostgreSQL `SELECT ... FOR UPDATE` on the row of
//!   `store_version`, which serializes writers across replicas), reads the
//!   rows written since its cached version and applies them, runs the
//!   closure on a clone of the cached state (O(1): the maps share their
//!   nodes), finds the records the closure changed with `OrdMap::diff`
//!   (which skips shared nodes, so the cost follows the change, not the
//!   state), writes those rows and the new version, and commits. An `Err`
//!   from the closure rolls back and leaves the cache as it was. So every
//!   rule of the reference provider stays one serializable transaction,
//!   across processes as within one (E-400).
//! - **A read** compares the database's version with the cache's and
//!   applies the rows it missed first, so a replica reads what another
//!   committed.
//! - **Removals** leave a tombstone row (`live = false`) so that other
//!   caches learn of them; tombstones older than
//!   256 versions are purged, and a cache older than the purge reloads every
//!   record (ERRATA E-405).
//! - **Secrets at rest** ([`SecretsKey`]): every body is sealed with
//!   AES-256-GCM under a key derived from the operator's, bound to its row;
//!   row keys are keyed hashes of the names (some names are shared
//!   connection UUIDs, which are secret). Nothing of the state is stored in
//!   the clear. A wrong key fails at open ([`StoreError::WrongSecretsKey`]),
//!   E-402.
//! - **Durability** ([`Durability`]): commits reach the database's log without
//!   waiting for the disk, so a crash of the process loses nothing; with
//!   [`Durability::Machine`] (the default) one wait for the disk before
//!   anything leaves the provider covers every commit before it (E-407), with
//!   [`Durability::Process`] nothing waits (E-408). [`StoreStats`] counts the
//!   reads, transactions and barriers and their time.
//! - **Schema** ([`migrations`]): numbered migrations applied at open; a
//!   schema newer than the binary is refused.
//!
//! # Choices
//!
//! - SQLite through `rusqlite` with its `bundled` feature: the library is
//!   compiled in, so a fresh machine needs only the Rust toolchain.
//! - PostgreSQL through the synchronous `postgres` crate on a thread of its
//!   own (see [`PostgresStore`]): `Store` is synchronous and called from
//!   inside tokio tasks, where the synchronous client (which runs its own
//!   runtime) would panic (E-403).
//! - One database connection per process behind a mutex: every transaction
//!   is serialized anyway by the write lock, and reads are served from the
//!   cache after one version check, so a pool would only add connections.

pub mod check;
mod durability;
mod engine;
mod error;
pub mod migrations;
mod postgres;
mod records;
mod secrets;
mod sqlite;
mod stats;

pub use durability::Durability;
pub use error::StoreError;
pub use postgres::{PostgresOptions, PostgresStore};
pub use secrets::SecretsKey;
pub use sqlite::SqliteStore;
pub use stats::StoreStats;
