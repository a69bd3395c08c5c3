//! [`PostgresStore`]: the state in one PostgreSQL database shared by
//! several `serve` replicas.
//!
//! # Why a thread of its own
//!
//! [`Store`] is synchronous and is called from inside tokio tasks. The
//! synchronous `postgres` client runs a runtime of its own to drive its
//! connection, and starting a runtime inside another one panics; the
//! asynchronous `tokio-postgres` cannot be awaited from a synchronous
//! method either. So the client lives on a dedicated thread, outside any
//! runtime, and the store sends it jobs over a channel and waits for each
//! answer. The caller blocks (as it does on SQLite's file), never the
//! client's own runtime, and the store works from any runtime flavour or
//! from plain threads. A client found closed (the server restarted, the
//! network failed) is reconnected at the next job; the transaction it was
//! in is lost and the caller gets 503 `UNAVAILABLE`.
//!
//! # Serializing the replicas
//!
//! A write starts with `SELECT ... FROM store_version ... FOR UPDATE`: the
//! one row is locked until commit, so writers of every replica run one
//! after the other, each seeing every earlier commit (read committed, the
//! lock is taken before the rows are read). A read of the version and rows
//! runs in one `REPEATABLE READ` transaction, so it sees one commit.
//!
//! # Durability
//!
//! The session commits with `synchronous_commit` off: a commit is in the
//! server's memory and WAL buffers when it returns, which survives a crash of
//! `serve` but not of the database server's machine. Before anything leaves
//! the provider, [`Store::make_durable`] commits one small row with
//! `synchronous_commit` on, which waits until the WAL is on disk through
//! that commit, and so through every commit before it (ERRATA E-407). With
//! [`Durability::Process`] nothing waits: a crash of the database server
//! can then take back the last commits (E-408).
//!
//! The connection is made without TLS: run the database on the same host
//! or network, or behind a TLS tunnel (ERRATA E-404).

use std::collections::HashMap;
use std::sync::mpsc;
use std::thread;

use interconnect_provider::CoordinatorError;
use interconnect_provider::store::{State, Store};
use postgres::{Client, NoTls, Statement};

use crate::durability::Durability;
use crate::engine::{Database, Engine, Fetched, Plan, Row, RowWrite, plan};
use crate::error::StoreError;
use crate::migrations;
use crate::secrets::{Cipher, SecretsKey};
use crate::stats::StoreStats;

/// The advisory lock held while migrating, so replicas starting together
/// apply each migration once.
const MIGRATION_LOCK: i64 = 0x696e_7463_6f6e_6e01;

/// Where a [`PostgresStore`] lives.
#[derive(Clone)]
pub struct PostgresOptions {
    /// The connection URL (`postgres://user:password@host:port/database`);
    /// never printed.
    pub url: String,
    /// The schema holding the tables (created if missing); the user's
    /// default `search_path` when `None`. Letters, digits and `_` only.
    pub schema: Option<String>,
    /// Which crash a commit survives once a partner, customer or device
    /// has seen it (default [`Durability::Machine`]).
    pub durability: Durability,
}

impl std::fmt::Debug for PostgresOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresOptions")
            .field("url", &"..")
            .field("schema", &self.schema)
            .field("durability", &self.durability)
            .finish()
    }
}

impl PostgresOptions {
    /// The database at `url`, default schema.
    pub fn new(url: impl Into<String>) -> Self {
        PostgresOptions {
            url: url.into(),
            schema: None,
            durability: Durability::default(),
        }
    }

    /// The same, with the tables in `schema`.
    pub fn with_schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// The same, with `durability`.
    pub fn with_durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
    }
}

/// A [`Store`] in a PostgreSQL database (see the crate documentation and
/// the module's).
pub struct PostgresStore {
    engine: Engine<Postgres>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects, applies the migrations the database lacks, checks `key`
    /// (writing the check value on a new database) and loads every record.
    pub fn open(options: &PostgresOptions, key: &SecretsKey) -> Result<Self, StoreError> {
        let cipher = Cipher::new(key)?;
        let db = Postgres::start(options.clone())?;
        db.call(|conn| conn.migrate(migrations::LATEST))?;
        let check = cipher.check_value()?;
        let stored = db.call(move |conn| conn.check_value(check))?;
        if !cipher.verify_check(&stored) {
            return Err(StoreError::WrongSecretsKey);
        }
        Ok(PostgresStore {
            engine: Engine::open(db, cipher, options.durability)?,
        })
    }

    /// Applies the migrations the database lacks, without loading it
    /// (`interconnect store migrate`); returns the schema version before
    /// and after.
    pub fn migrate(options: &PostgresOptions) -> Result<(i64, i64), StoreError> {
        let db = Postgres::start(options.clone())?;
        let before = db.call(|conn| conn.schema_version())?;
        db.call(|conn| conn.migrate(migrations::LATEST))?;
        Ok((before, migrations::LATEST))
    }

    /// The version of the last write this store has seen.
    pub fn version(&self) -> i64 {
        self.engine.version()
    }

    /// How many reads, transactions and barriers this store ran and the
    /// time they took, since it was opened ([`StoreStats`]).
    pub fn stats(&self) -> StoreStats {
        self.engine.stats()
    }
}

impl Store for PostgresStore {
    /// Several `serve` replicas share one database (issue 15 item 6).
    fn shared(&self) -> bool {
        true
    }

    fn transact(
        &self,
        change: &mut dyn FnMut(&mut State) -> Result<(), CoordinatorError>,
    ) -> Result<(), CoordinatorError> {
        self.engine.transact(change)
    }

    fn read(&self, read: &mut dyn FnMut(&State)) {
        self.engine.read(read)
    }

    fn make_durable(&self) -> Result<(), CoordinatorError> {
        self.engine.make_durable()
    }
}

type Job = Box<dyn FnOnce(&mut Conn) + Send>;

/// The store's handle on the client thread.
pub(crate) struct Postgres {
    jobs: mpsc::Sender<Job>,
}

impl Postgres {
    /// Starts the client thread and connects once, so a wrong URL fails at
    /// open.
    fn start(options: PostgresOptions) -> Result<Self, StoreError> {
        if let Some(schema) = &options.schema
            && (schema.is_empty()
                || !schema
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        {
            return Err(StoreError::Database(
                "the schema name must be letters, digits and _".into(),
            ));
        }
        let (jobs, receive) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("interconnect-postgres".into())
            .spawn(move || {
                let mut conn = Conn {
                    options,
                    client: None,
                    statements: HashMap::new(),
                };
                // ends when the store (the only sender) is dropped
                while let Ok(job) = receive.recv() {
                    job(&mut conn);
                }
            })
            .map_err(|e| StoreError::Database(format!("cannot start the client thread: {e}")))?;
        let db = Postgres { jobs };
        db.call(|conn| conn.client().map(|_| ()))?;
        Ok(db)
    }

    /// Runs `job` on the client thread and waits for its answer.
    fn call<R: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Conn) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let (answer, receive) = mpsc::sync_channel(1);
        self.jobs
            .send(Box::new(move |conn| {
                let _ = answer.send(job(conn));
            }))
            .map_err(|_| StoreError::Database("the PostgreSQL client thread stopped".into()))?;
        receive
            .recv()
            .map_err(|_| StoreError::Database("the PostgreSQL client thread stopped".into()))?
    }
}

/// The client thread's connection, reconnected when found closed.
struct Conn {
    options: PostgresOptions,
    client: Option<Client>,
    statements: HashMap<&'static str, Statement>,
}

const SELECT_VERSION: &str = "SELECT version, purged_through FROM store_version WHERE id = 1";
/// Starts a write: the row of `store_version` stays locked until commit.
const BEGIN_AND_LOCK: &str =
    "BEGIN; SELECT version, purged_through FROM store_version WHERE id = 1 FOR UPDATE";
const SELECT_SINCE: &str = "SELECT kind, key, body FROM records WHERE version > $1";
const SELECT_LIVE: &str = "SELECT kind, key, body FROM records WHERE live";
/// The rows of one transaction and the new version, in one statement (a
/// data-modifying `WITH` runs whether or not it is referenced).
const WRITE: &str = "WITH written AS (
         INSERT INTO records (kind, key, version, live, body)
         SELECT kind, key, $1, live, body
         FROM unnest($2::text[], $3::text[], $4::bool[], $5::bytea[]) AS r (kind, key, live, body)
         ON CONFLICT (kind, key) DO UPDATE SET
             version = excluded.version, live = excluded.live, body = excluded.body
     )
     UPDATE store_version SET version = $1 WHERE id = 1";
const PURGE: &str = "DELETE FROM records WHERE NOT live AND version <= $1";
const SET_PURGED: &str = "UPDATE store_version SET purged_through = $1 WHERE id = 1";

impl Conn {
    fn client(&mut self) -> Result<&mut Client, StoreError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.statements.clear();
            self.client = None;
            let mut client = Client::connect(&self.options.url, NoTls)
                .map_err(|e| StoreError::Database(format!("cannot connect: {e}")))?;
            if let Some(schema) = &self.options.schema {
                client.batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS \"{schema}\"; SET search_path TO \"{schema}\""
                ))?;
            }
            // Commits do not wait for the WAL to reach the disk; the barrier
            // of `make_durable` does (module documentation).
            client.batch_execute("SET synchronous_commit TO off")?;
            self.client = Some(client);
        }
        self.client
            .as_mut()
            .ok_or_else(|| StoreError::Database("not connected".into()))
    }

    fn statement(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let statement = self.client()?.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn schema_version(&mut self) -> Result<i64, StoreError> {
        let client = self.client()?;
        client.batch_execute(migrations::CREATE_SCHEMA_VERSION)?;
        let row = client.query_one("SELECT max(version) FROM schema_version", &[])?;
        Ok(row.get::<_, Option<i64>>(0).unwrap_or(0))
    }

    fn migrate(&mut self, target: i64) -> Result<(), StoreError> {
        self.client()?.batch_execute("BEGIN")?;
        let done = self.migrate_locked(target);
        let client = self.client()?;
        match done {
            Ok(()) => client.batch_execute("COMMIT")?,
            Err(_) => {
                let _ = client.batch_execute("ROLLBACK");
            }
        }
        done
    }

    fn migrate_locked(&mut self, target: i64) -> Result<(), StoreError> {
        self.client()?
            .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        let found = self.schema_version()?;
        if found > migrations::LATEST {
            return Err(StoreError::SchemaTooNew {
                found,
                known: migrations::LATEST,
            });
        }
        let client = self.client()?;
        for version in found + 1..=target {
            let sql = migrations::sql(version, "BYTEA")
                .ok_or_else(|| StoreError::Database(format!("no migration {version}")))?;
            client.batch_execute(&sql)?;
        }
        if target > found {
            client.execute("DELETE FROM schema_version", &[])?;
            client.execute(
                "INSERT INTO schema_version (version) VALUES ($1)",
                &[&target],
            )?;
        }
        Ok(())
    }

    /// The stored check value, writing `candidate` first on a new database.
    fn check_value(&mut self, candidate: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        let client = self.client()?;
        client.execute(
            "INSERT INTO store_meta (name, value) VALUES ('key_check', $1)
             ON CONFLICT (name) DO NOTHING",
            &[&candidate],
        )?;
        let row = client.query_one("SELECT value FROM store_meta WHERE name = 'key_check'", &[])?;
        Ok(row.get(0))
    }

    fn rows(&mut self, sql: &'static str, since: Option<i64>) -> Result<Vec<Row>, StoreError> {
        let statement = self.statement(sql)?;
        let client = self.client()?;
        let found = match &since {
            Some(v) => client.query(&statement, &[v])?,
            None => client.query(&statement, &[])?,
        };
        Ok(found
            .into_iter()
            .map(|r| Row {
                kind: r.get(0),
                key: r.get(1),
                body: r.get(2),
            })
            .collect())
    }

    /// The database's version and purge mark, read with `sql`.
    fn versions(&mut self, sql: &'static str) -> Result<(i64, i64), StoreError> {
        let statement = self.statement(sql)?;
        let row = self.client()?.query_one(&statement, &[])?;
        Ok((row.get(0), row.get(1)))
    }

    /// What a cache at `cached` needs, given the versions just read inside
    /// the transaction.
    fn fetch_rows(
        &mut self,
        cached: i64,
        (version, purged): (i64, i64),
    ) -> Result<Fetched, StoreError> {
        Ok(match plan(cached, version, purged) {
            Plan::Current => Fetched::Current,
            Plan::Since => Fetched::Since {
                version,
                rows: self.rows(SELECT_SINCE, Some(cached))?,
            },
            Plan::Full => Fetched::Full {
                version,
                rows: self.rows(SELECT_LIVE, None)?,
            },
        })
    }

    fn write(
        &mut self,
        rows: Vec<RowWrite>,
        version: i64,
        purge_through: Option<i64>,
    ) -> Result<(), StoreError> {
        let write = self.statement(WRITE)?;
        let mut kinds = Vec::with_capacity(rows.len());
        let mut keys = Vec::with_capacity(rows.len());
        let mut lives = Vec::with_capacity(rows.len());
        let mut bodies = Vec::with_capacity(rows.len());
        for row in rows {
            kinds.push(row.kind.to_owned());
            keys.push(row.key);
            lives.push(row.live);
            bodies.push(row.body);
        }
        let client = self.client()?;
        client.execute(&write, &[&version, &kinds, &keys, &lives, &bodies])?;
        if let Some(through) = purge_through {
            let purge = self.statement(PURGE)?;
            let set_purged = self.statement(SET_PURGED)?;
            let client = self.client()?;
            client.execute(&purge, &[&through])?;
            client.execute(&set_purged, &[&through])?;
        }
        Ok(())
    }
}

impl Database for Postgres {
    fn fetch(&mut self, cached: i64) -> Result<Fetched, StoreError> {
        self.call(move |conn| {
            // Most reads find the cache current: one statement (a snapshot
            // of its own) tells, in one round trip.
            let versions = conn.versions(SELECT_VERSION)?;
            if plan(cached, versions.0, versions.1) == Plan::Current {
                return Ok(Fetched::Current);
            }
            // The version and the rows are read in one snapshot.
            conn.client()?
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            let fetched = conn
                .versions(SELECT_VERSION)
                .and_then(|versions| conn.fetch_rows(cached, versions));
            let client = conn.client()?;
            match &fetched {
                Ok(_) => client.batch_execute("COMMIT")?,
                Err(_) => {
                    let _ = client.batch_execute("ROLLBACK");
                }
            }
            fetched
        })
    }

    fn begin(&mut self, cached: i64) -> Result<Fetched, StoreError> {
        self.call(move |conn| {
            // BEGIN and the lock on the version row in one round trip
            let messages = conn.client()?.simple_query(BEGIN_AND_LOCK)?;
            let versions = messages
                .iter()
                .find_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(row) => Some(row),
                    _ => None,
                })
                .and_then(|row| {
                    let number = |i: usize| row.get(i)?.parse::<i64>().ok();
                    Some((number(0)?, number(1)?))
                })
                .ok_or_else(|| StoreError::Corrupt("store_version has no row 1".into()))?;
            conn.fetch_rows(cached, versions)
        })
    }

    fn write_and_commit(
        &mut self,
        rows: Vec<RowWrite>,
        version: i64,
        purge_through: Option<i64>,
    ) -> Result<(), StoreError> {
        self.call(move |conn| {
            conn.write(rows, version, purge_through)?;
            Ok(conn.client()?.batch_execute("COMMIT")?)
        })
    }

    fn make_durable(&mut self, version: i64) -> Result<(), StoreError> {
        self.call(move |conn| {
            let client = conn.client()?;
            // A commit with synchronous_commit on waits until the WAL is on
            // disk through its commit record, which covers every earlier
            // commit of any session; it needs a write to have a record. One
            // round trip: the version is a number written by this process.
            let barrier = client.batch_execute(&format!(
                "BEGIN; SET LOCAL synchronous_commit TO on;
                 INSERT INTO store_meta (name, value)
                     VALUES ('durable_through', convert_to('{version}', 'UTF8'))
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value;
                 COMMIT"
            ));
            if barrier.is_err() {
                let _ = client.batch_execute("ROLLBACK");
            }
            Ok(barrier?)
        })
    }

    fn rollback(&mut self) {
        let _ = self.call(|conn| {
            if let Some(client) = conn.client.as_mut()
                && !client.is_closed()
            {
                let _ = client.batch_execute("ROLLBACK");
            }
            Ok(())
        });
    }
}
