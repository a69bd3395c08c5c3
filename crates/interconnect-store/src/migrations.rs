//! The schema, as numbered migrations applied at open.
//!
//! `schema_version` holds one row: the number of the last migration
//! applied. Opening a database applies, in one transaction, every migration
//! after it; a database whose number is above [`LATEST`] was written by a
//! newer binary and is refused ([`StoreError::SchemaTooNew`]), since this
//! binary cannot know what the newer schema means.
//!
//! | version | change |
//! |---|---|
//! | 1 | `store_version` (one row: the version of the last write, and the version through which tombstones were purged), `records` (`kind`, `key`, `version`, `live`, `body`; key `(kind, key)`), `store_meta` (`name`, `value`: the sealed key check) |
//! | 2 | the index `records_by_version`, which the refresh of a cache reads (`WHERE version > ?`) |
//!
//! The two dialects differ only in the type of a byte string (`BLOB`,
//! `BYTEA`); a migration is written once with `{bytes}` in its place.
//!
//! [`StoreError::SchemaTooNew`]: crate::StoreError::SchemaTooNew

/// The migrations, in order: migration `i + 1` is `MIGRATIONS[i]`.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1
    "CREATE TABLE store_version (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         version BIGINT NOT NULL,
         purged_through BIGINT NOT NULL
     );
     INSERT INTO store_version (id, version, purged_through) VALUES (1, 0, 0);
     CREATE TABLE records (
         kind TEXT NOT NULL,
         key TEXT NOT NULL,
         version BIGINT NOT NULL,
         live BOOLEAN NOT NULL,
         body {bytes} NOT NULL,
         PRIMARY KEY (kind, key)
     );
     CREATE TABLE store_meta (
         name TEXT PRIMARY KEY,
         value {bytes} NOT NULL
     );",
    // 2
    "CREATE INDEX records_by_version ON records (version);",
];

/// The last schema version this binary knows.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// The SQL of migration `version` (1-based) with the dialect's byte type
/// (`BLOB` for SQLite, `BYTEA` for PostgreSQL).
pub fn sql(version: i64, bytes: &str) -> Option<String> {
    let index = usize::try_from(version).ok()?.checked_sub(1)?;
    MIGRATIONS.get(index).map(|m| m.replace("{bytes}", bytes))
}

/// The statement creating `schema_version` when it is missing.
pub const CREATE_SCHEMA_VERSION: &str =
    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)";
