//! [`StoreError`]: why a store could not be opened, migrated or used.

use interconnect_provider::CoordinatorError;

/// Why a durable store failed. The messages never hold a secret or a
/// connection URL's password; the caller adds the setting it came from.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database could not be reached, or refused a statement.
    #[error("database: {0}")]
    Database(String),
    /// The database was written by a newer binary (its schema version is
    /// higher than the last migration this binary knows).
    #[error(
        "the database schema is version {found}, newer than version {known} that this binary knows; run a newer interconnect"
    )]
    SchemaTooNew {
        /// The version recorded in the database.
        found: i64,
        /// The last version this binary knows.
        known: i64,
    },
    /// The secrets key does not open the database's check value: the key
    /// is not the one the database was created with.
    #[error("the secrets key is not the key this database was created with")]
    WrongSecretsKey,
    /// The secrets key could not be read or parsed.
    #[error("secrets key: {0}")]
    SecretsKey(String),
    /// A row could not be read back (it does not open with the key, or its
    /// content is not a record of this binary).
    #[error("corrupt record: {0}")]
    Corrupt(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        // postgres errors quote neither the URL nor the password
        StoreError::Database(e.to_string())
    }
}

impl StoreError {
    /// The error a provider operation answers when its store failed: 503
    /// `UNAVAILABLE` (the request may be retried), naming the store.
    pub fn into_coordinator(self) -> CoordinatorError {
        CoordinatorError::unavailable("ERR-2", format!("the store failed: {self}"))
    }
}
