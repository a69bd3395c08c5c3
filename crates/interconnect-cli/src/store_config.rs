//! The `[store]` section of `interconnect serve --config FILE`: where the
//! provider keeps its dynamic state.
//!
//! ```toml
//! [store]
//! kind = "sqlite"                        # "memory" | "sqlite" (default) | "postgres"
//! path = "/var/lib/interconnect/aws.db"  # sqlite: the database file (created if missing)
//! # url = "postgres://user:pw@db:5432/interconnect"   # postgres: the URL, or
//! # url_env = "INTERCONNECT_DATABASE_URL"             # the variable holding it
//! # schema = "interconnect"              # postgres: optional schema (created if missing)
//! secrets_key_file = "/etc/interconnect/store.key"    # 32 bytes, hex or base64, or
//! # secrets_key_env = "INTERCONNECT_STORE_KEY"        # the variable holding them
//! # durability = "machine"               # "machine" (default) | "process"
//! ```
//!
//! `durability` says which crash a commit survives once a partner, customer
//! or device has seen it: `machine` waits for the disk before anything
//! leaves the provider, `process` does not wait (faster; a power failure or
//! a crash of the database server can take back the last commits). See
//! `interconnect_store::Durability` and ERRATA E-408.
//!
//! Relative `path` and `secrets_key_file` are taken from the configuration
//! file's directory (`ServeConfig::resolve_paths`, E-420).
//!
//! A configuration without `[store]` keeps the state in memory (as
//! `serve --dev` does) and says so at start (E-401). Every error names the
//! setting it comes from; none quotes a URL, a password or the key.

use std::path::PathBuf;
use std::sync::Arc;

use interconnect_core::wire::Secret;
use interconnect_provider::PageTokens;
use interconnect_provider::store::{MemoryStore, Store};
use interconnect_store::{
    Durability, PostgresOptions, PostgresStore, SecretsKey, SqliteStore, StoreError,
};
use serde::Deserialize;

use crate::error::{CliError, ErrorKind};

/// Which store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum StoreKind {
    /// In memory: lost at restart.
    Memory,
    /// One SQLite file.
    #[default]
    Sqlite,
    /// A PostgreSQL database, shareable by replicas.
    Postgres,
}

/// The `[store]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoreConfig {
    /// Which store (default `sqlite`).
    #[serde(default)]
    pub(crate) kind: StoreKind,
    /// sqlite: the database file.
    #[serde(default)]
    pub(crate) path: Option<PathBuf>,
    /// postgres: the connection URL (secret: it may hold a password).
    #[serde(default)]
    pub(crate) url: Option<Secret>,
    /// postgres: the environment variable holding the URL.
    #[serde(default)]
    pub(crate) url_env: Option<String>,
    /// postgres: the schema of the tables.
    #[serde(default)]
    pub(crate) schema: Option<String>,
    /// The file holding the secrets key.
    #[serde(default)]
    pub(crate) secrets_key_file: Option<PathBuf>,
    /// The environment variable holding the secrets key.
    #[serde(default)]
    pub(crate) secrets_key_env: Option<String>,
    /// Which crash a commit survives once it has left the provider.
    #[serde(default)]
    pub(crate) durability: Durability,
}

fn setting(name: &str, message: impl std::fmt::Display) -> CliError {
    CliError::new(ErrorKind::Usage, format!("{name}: {message}"))
}

/// Where a durable store lives, resolved from the settings.
pub(crate) enum Location {
    Sqlite(PathBuf),
    Postgres(PostgresOptions),
}

impl StoreConfig {
    /// The database the settings name (`None` for `memory`).
    pub(crate) fn location(&self) -> Result<Option<Location>, CliError> {
        match self.kind {
            StoreKind::Memory => Ok(None),
            StoreKind::Sqlite => {
                let path = self
                    .path
                    .clone()
                    .ok_or_else(|| setting("store.path", "kind = \"sqlite\" needs a path"))?;
                Ok(Some(Location::Sqlite(path)))
            }
            StoreKind::Postgres => {
                let url = match (&self.url, &self.url_env) {
                    (Some(url), None) => url.expose().to_owned(),
                    (None, Some(var)) => std::env::var(var).map_err(|_| {
                        setting(
                            "store.url_env",
                            format!("the environment variable {var} is not set"),
                        )
                    })?,
                    (Some(_), Some(_)) => {
                        return Err(setting("store.url", "give url or url_env, not both"));
                    }
                    (None, None) => {
                        return Err(setting(
                            "store.url",
                            "kind = \"postgres\" needs url or url_env",
                        ));
                    }
                };
                let mut options = PostgresOptions::new(url).with_durability(self.durability);
                options.schema = self.schema.clone();
                Ok(Some(Location::Postgres(options)))
            }
        }
    }

    /// The secrets key the settings name.
    pub(crate) fn secrets_key(&self) -> Result<SecretsKey, CliError> {
        match (&self.secrets_key_file, &self.secrets_key_env) {
            (Some(file), None) => {
                SecretsKey::from_file(file).map_err(|e| setting("store.secrets_key_file", e))
            }
            (None, Some(var)) => {
                SecretsKey::from_env(var).map_err(|e| setting("store.secrets_key_env", e))
            }
            (Some(_), Some(_)) => Err(setting(
                "store.secrets_key_file",
                "give secrets_key_file or secrets_key_env, not both",
            )),
            (None, None) => Err(setting(
                "store.secrets_key_file",
                "a durable store needs secrets_key_file or secrets_key_env (the key that encrypts the state at rest)",
            )),
        }
    }

    fn key_setting(&self) -> &'static str {
        if self.secrets_key_env.is_some() {
            "store.secrets_key_env"
        } else {
            "store.secrets_key_file"
        }
    }

    fn database_setting(&self) -> &'static str {
        match self.kind {
            StoreKind::Postgres if self.url_env.is_some() => "store.url_env",
            StoreKind::Postgres => "store.url",
            _ => "store.path",
        }
    }

    /// The error of a store that did not open, naming the setting.
    pub(crate) fn open_error(&self, e: StoreError) -> CliError {
        let name = match &e {
            StoreError::WrongSecretsKey | StoreError::SecretsKey(_) => self.key_setting(),
            _ => self.database_setting(),
        };
        setting(name, e)
    }

    /// Opens the store (migrating its schema).
    pub(crate) fn open(&self) -> Result<Arc<dyn Store>, CliError> {
        Ok(self.open_with_page_tokens()?.0)
    }

    /// Opens the store (migrating its schema), with the page tokens every
    /// replica on it shares (from the secrets key); the memory store keeps
    /// the per-process default.
    pub(crate) fn open_with_page_tokens(
        &self,
    ) -> Result<(Arc<dyn Store>, Option<PageTokens>), CliError> {
        let Some(location) = self.location()? else {
            return Ok((Arc::new(MemoryStore::new()), None));
        };
        let key = self.secrets_key()?;
        let tokens = PageTokens::with_signer(key.page_token_signer());
        let store: Arc<dyn Store> = match location {
            Location::Sqlite(path) => Arc::new(
                SqliteStore::open_with(&path, &key, self.durability)
                    .map_err(|e| self.open_error(e))?,
            ),
            Location::Postgres(options) => {
                Arc::new(PostgresStore::open(&options, &key).map_err(|e| self.open_error(e))?)
            }
        };
        Ok((store, Some(tokens)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> StoreConfig {
        toml::from_str(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_kind_defaults_to_sqlite_and_each_missing_setting_is_named() {
        let c = read("");
        assert_eq!(c.kind, StoreKind::Sqlite);
        let err = c.open().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("store.path"), "{err}");
        let c = read("path = \"x.db\"");
        let err = c.open().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("store.secrets_key_file"), "{err}");
        let c = read("kind = \"postgres\"");
        let err = c.open().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("store.url"), "{err}");
        let c = read("kind = \"postgres\"\nurl_env = \"INTERCONNECT_TEST_SURELY_UNSET_VAR\"");
        let err = c.open().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("store.url_env"), "{err}");
        assert!(toml::from_str::<StoreConfig>("pool_size = 4").is_err());
        assert!(read("kind = \"memory\"").open().is_ok());
    }

    #[test]
    fn durability_defaults_to_machine_and_reaches_the_store() {
        assert_eq!(read("").durability, Durability::Machine);
        assert_eq!(
            read("durability = \"process\"").durability,
            Durability::Process
        );
        let err = toml::from_str::<StoreConfig>("durability = \"disk\"")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("durability") && err.contains("machine"),
            "{err}"
        );
        let c = read(
            "kind = \"postgres\"\nurl = \"postgres://u@127.0.0.1:1/x\"\ndurability = \"process\"",
        );
        match c.location() {
            Ok(Some(Location::Postgres(options))) => {
                assert_eq!(options.durability, Durability::Process);
            }
            _ => panic!("a postgres location"),
        }
    }

    #[test]
    fn a_url_with_a_password_is_not_in_debug_or_errors() {
        let c = read(
            "kind = \"postgres\"\nurl = \"postgres://u:hunter2pw@127.0.0.1:1/x\"\nsecrets_key_env = \"INTERCONNECT_TEST_SURELY_UNSET_VAR\"",
        );
        assert!(!format!("{c:?}").contains("hunter2pw"));
        let err = c.open().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("store.secrets_key_env"), "{err}");
        assert!(!err.contains("hunter2pw"), "{err}");
    }
}
