//! [`SqliteStore`]: the state in one SQLite file, for one `serve` process.
//!
//! The file is opened in WAL mode with `synchronous = NORMAL`: a commit is
//! in the write-ahead log when it returns, so it survives a crash of the
//! process (SIGKILL included), but the wait for the disk is left to
//! [`Store::make_durable`], which the provider calls before anything leaves
//! it. That call commits one small row under `synchronous = FULL`; SQLite
//! then syncs the log, and with it every commit written before. Between
//! two calls a power failure can take back commits nobody outside has seen
//! (ERRATA E-407). With [`Durability::Process`] that call does nothing: a
//! commit then survives a crash of the process only (E-408). A write
//! takes SQLite's write lock with `BEGIN IMMEDIATE`; a read of the version
//! and of the rows runs in one read transaction, so it sees one commit.
//! Another process may open the same file (`interconnect store check`): the
//! version tells each cache what it missed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use interconnect_provider::CoordinatorError;
use interconnect_provider::store::{State, Store};
use rusqlite::{Connection, OptionalExtension, params};

use crate::durability::Durability;
use crate::engine::{Database, Engine, Fetched, Plan, Row, RowWrite, plan};
use crate::error::StoreError;
use crate::migrations;
use crate::secrets::{Cipher, SecretsKey};
use crate::stats::StoreStats;

/// How long a statement waits for another process's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A [`Store`] in a SQLite file (see the crate documentation).
pub struct SqliteStore {
    engine: Engine<Sqlite>,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Sqlite {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (creating it if missing) the database at `path`, applies the
    /// migrations it lacks, checks `key` against the database's check value
    /// (writing it on a new database) and loads every record.
    /// Commits survive a crash of the machine once made durable
    /// ([`Durability::Machine`]).
    pub fn open(path: impl AsRef<Path>, key: &SecretsKey) -> Result<Self, StoreError> {
        Self::open_with(path, key, Durability::default())
    }

    /// [`open`](Self::open) with the crash a commit survives once a partner,
    /// customer or device has seen it ([`Durability`]).
    pub fn open_with(
        path: impl AsRef<Path>,
        key: &SecretsKey,
        durability: Durability,
    ) -> Result<Self, StoreError> {
        Self::open_at(path.as_ref(), key, migrations::LATEST, durability)
    }

    fn open_at(
        path: &Path,
        key: &SecretsKey,
        target: i64,
        durability: Durability,
    ) -> Result<Self, StoreError> {
        let cipher = Cipher::new(key)?;
        let conn = connect(path)?;
        let mut db = Sqlite { conn };
        db.migrate(target)?;
        db.check_key(&cipher)?;
        Ok(SqliteStore {
            engine: Engine::open(db, cipher, durability)?,
            path: path.to_owned(),
        })
    }

    /// Applies the migrations the database at `path` lacks, without
    /// loading it (`interconnect store migrate`); returns the schema
    /// version before and after.
    pub fn migrate(path: impl AsRef<Path>) -> Result<(i64, i64), StoreError> {
        let mut db = Sqlite {
            conn: connect(path.as_ref())?,
        };
        let before = db.schema_version()?;
        db.migrate(migrations::LATEST)?;
        Ok((before, migrations::LATEST))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which crash a commit survives once made durable.
    pub fn durability(&self) -> Durability {
        self.engine.durability()
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

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.engine.with_db(|db| db.schema_version())
    }
}

impl Store for SqliteStore {
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

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let opened = || -> Result<Connection, rusqlite::Error> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(conn)
    };
    opened().map_err(|e| StoreError::Database(format!("cannot open {}: {e}", path.display())))
}

impl Sqlite {
    fn schema_version(&mut self) -> Result<i64, StoreError> {
        self.conn.execute(migrations::CREATE_SCHEMA_VERSION, [])?;
        let version: Option<i64> =
            self.conn
                .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))?;
        Ok(version.unwrap_or(0))
    }

    /// Applies the migrations after the database's version up to `target`,
    /// in one transaction.
    fn migrate(&mut self, target: i64) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let done = self.migrate_locked(target);
        if done.is_ok() {
            self.conn.execute_batch("COMMIT")?;
        } else {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        done
    }

    fn migrate_locked(&mut self, target: i64) -> Result<(), StoreError> {
        let found = self.schema_version()?;
        if found > migrations::LATEST {
            return Err(StoreError::SchemaTooNew {
                found,
                known: migrations::LATEST,
            });
        }
        for version in found + 1..=target {
            let sql = migrations::sql(version, "BLOB")
                .ok_or_else(|| StoreError::Database(format!("no migration {version}")))?;
            self.conn.execute_batch(&sql)?;
        }
        if target > found {
            self.conn.execute("DELETE FROM schema_version", [])?;
            self.conn
                .execute("INSERT INTO schema_version (version) VALUES (?1)", [target])?;
        }
        Ok(())
    }

    fn check_key(&mut self, cipher: &Cipher) -> Result<(), StoreError> {
        let check: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT value FROM store_meta WHERE name = 'key_check'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        match check {
            Some(sealed) if cipher.verify_check(&sealed) => Ok(()),
            Some(_) => Err(StoreError::WrongSecretsKey),
            None => {
                self.conn.execute(
                    "INSERT INTO store_meta (name, value) VALUES ('key_check', ?1)
                     ON CONFLICT (name) DO NOTHING",
                    [cipher.check_value()?],
                )?;
                // another process may have written its check value first
                let sealed: Vec<u8> = self.conn.query_row(
                    "SELECT value FROM store_meta WHERE name = 'key_check'",
                    [],
                    |r| r.get(0),
                )?;
                if cipher.verify_check(&sealed) {
                    Ok(())
                } else {
                    Err(StoreError::WrongSecretsKey)
                }
            }
        }
    }

    fn rows(&mut self, sql: &str, since: Option<i64>) -> Result<Vec<Row>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let map = |r: &rusqlite::Row<'_>| {
            Ok(Row {
                kind: r.get(0)?,
                key: r.get(1)?,
                body: r.get(2)?,
            })
        };
        let rows = match since {
            Some(v) => stmt.query_map([v], map)?.collect::<Result<Vec<_>, _>>()?,
            None => stmt.query_map([], map)?.collect::<Result<Vec<_>, _>>()?,
        };
        Ok(rows)
    }

    /// The database's version and the version through which tombstones
    /// were purged (one statement: a snapshot of its own).
    fn versions(&mut self) -> Result<(i64, i64), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT version, purged_through FROM store_version WHERE id = 1")?;
        Ok(stmt.query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    fn fetch_locked(&mut self, cached: i64) -> Result<Fetched, StoreError> {
        let (version, purged) = self.versions()?;
        Ok(match plan(cached, version, purged) {
            Plan::Current => Fetched::Current,
            Plan::Since => Fetched::Since {
                version,
                rows: self.rows(
                    "SELECT kind, key, body FROM records WHERE version > ?1",
                    Some(cached),
                )?,
            },
            Plan::Full => Fetched::Full {
                version,
                rows: self.rows("SELECT kind, key, body FROM records WHERE live", None)?,
            },
        })
    }
}

impl Database for Sqlite {
    fn fetch(&mut self, cached: i64) -> Result<Fetched, StoreError> {
        // Most reads find the cache current: one statement tells, without
        // a transaction around it.
        let (version, purged) = self.versions()?;
        if plan(cached, version, purged) == Plan::Current {
            return Ok(Fetched::Current);
        }
        // The version and the rows are read in one snapshot.
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let fetched = self.fetch_locked(cached);
        let _ = self.conn.execute_batch("COMMIT");
        fetched
    }

    fn begin(&mut self, cached: i64) -> Result<Fetched, StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        self.fetch_locked(cached)
    }

    fn write_and_commit(
        &mut self,
        rows: Vec<RowWrite>,
        version: i64,
        purge_through: Option<i64>,
    ) -> Result<(), StoreError> {
        {
            let mut upsert = self.conn.prepare_cached(
                "INSERT INTO records (kind, key, version, live, body) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (kind, key) DO UPDATE SET
                     version = excluded.version, live = excluded.live, body = excluded.body",
            )?;
            for row in &rows {
                upsert.execute(params![row.kind, row.key, version, row.live, row.body])?;
            }
        }
        self.conn
            .prepare_cached("UPDATE store_version SET version = ?1 WHERE id = 1")?
            .execute([version])?;
        if let Some(through) = purge_through {
            self.conn.execute(
                "DELETE FROM records WHERE NOT live AND version <= ?1",
                [through],
            )?;
            self.conn.execute(
                "UPDATE store_version SET purged_through = ?1 WHERE id = 1",
                [through],
            )?;
        }
        self.conn.execute_batch("COMMIT")?;
        Ok(())
    }

    fn rollback(&mut self) {
        let _ = self.conn.execute_batch("ROLLBACK");
    }

    fn make_durable(&mut self, version: i64) -> Result<(), StoreError> {
        // A commit under FULL syncs the write-ahead log, and with it every
        // commit before it; an empty transaction writes nothing to the log,
        // so the barrier records the version it covers.
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        let barrier = self.conn.execute_batch("BEGIN IMMEDIATE").and_then(|()| {
            self.conn.execute(
                "INSERT INTO store_meta (name, value) VALUES ('durable_through', ?1)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                [version.to_string().into_bytes()],
            )?;
            self.conn.execute_batch("COMMIT")
        });
        if barrier.is_err() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let restored = self.conn.pragma_update(None, "synchronous", "NORMAL");
        barrier?;
        restored?;
        Ok(())
    }
}

impl SqliteStore {
    #[cfg(test)]
    pub(crate) fn open_at_schema(
        path: &Path,
        key: &SecretsKey,
        target: i64,
    ) -> Result<Self, StoreError> {
        Self::open_at(path, key, target, Durability::default())
    }
}

#[cfg(test)]
mod tests {
    use interconnect_provider::store::StoreExt;

    use super::*;

    fn temp() -> (tempfile::TempDir, PathBuf, SecretsKey) {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("state.db");
        (dir, path, SecretsKey::generate().expect("a key"))
    }

    fn tables(path: &Path) -> Vec<String> {
        let conn = Connection::open(path).expect("the file");
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .expect("a statement");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("names")
    }

    #[test]
    fn an_empty_file_gets_every_migration() {
        let (_dir, path, key) = temp();
        let store = SqliteStore::open(&path, &key).expect("opens");
        assert_eq!(store.schema_version().expect("read"), migrations::LATEST);
        assert_eq!(
            tables(&path),
            [
                "records",
                "records_by_version",
                "schema_version",
                "store_meta",
                "store_version"
            ]
        );
    }

    #[test]
    fn a_database_of_the_previous_version_is_migrated_with_its_records() {
        let (_dir, path, key) = temp();
        let previous = migrations::LATEST - 1;
        let old = SqliteStore::open_at_schema(&path, &key, previous).expect("opens");
        assert_eq!(old.schema_version().expect("read"), previous);
        old.update(|s| {
            s.local_updates.insert(
                "providers/gcp/environments/e/interconnects/i/connections/c"
                    .parse()
                    .map_err(|_| {
                        interconnect_provider::CoordinatorError::internal("ERR-2", "a name")
                    })?,
            );
            Ok(())
        })
        .expect("kept");
        drop(old);
        assert!(!tables(&path).contains(&"records_by_version".to_owned()));
        let store = SqliteStore::open(&path, &key).expect("migrated");
        assert_eq!(store.schema_version().expect("read"), migrations::LATEST);
        assert!(tables(&path).contains(&"records_by_version".to_owned()));
        assert_eq!(store.view(|s| s.local_updates.len()), Some(1));
    }
}
