//! Helpers of the store tests: temporary databases and state comparison.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use interconnect_core::names::{ConnectionName, EnvironmentName};
use interconnect_core::wire::{Connection, Secret};
use interconnect_provider::store::{ConnectionRecord, IssuedKey, State, Store, StoreExt};
use interconnect_store::{Durability, PostgresOptions, SecretsKey, SqliteStore, StoreStats};

/// A SQLite file in a directory removed at drop, with its key.
pub struct TempDb {
    dir: tempfile::TempDir,
    pub key: SecretsKey,
}

impl TempDb {
    pub fn new() -> Self {
        TempDb {
            dir: tempfile::tempdir().expect("a temporary directory"),
            key: SecretsKey::generate().expect("a key"),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("state.db")
    }

    pub fn open(&self) -> SqliteStore {
        SqliteStore::open(self.path(), &self.key).expect("the store opens")
    }

    /// Every byte of the database's files (main file and write-ahead log).
    pub fn raw_bytes(&self) -> Vec<u8> {
        let mut all = Vec::new();
        for entry in std::fs::read_dir(self.dir.path()).expect("the directory") {
            let path = entry.expect("an entry").path();
            all.extend(std::fs::read(path).expect("a file"));
        }
        all
    }
}

/// The JSON of a state, derived indexes included (the request records'
/// time index is part of their serialization).
pub fn json(state: &State) -> serde_json::Value {
    serde_json::to_value(state).expect("a state serializes")
}

/// Asserts two states hold the same records and the same derived indexes.
pub fn assert_same_state(live: &State, reloaded: &State) {
    assert_eq!(json(live), json(reloaded), "the records");
    assert!(
        live.connections == reloaded.connections,
        "the connections and their indexes (by id, bandwidth reserved)"
    );
    assert!(
        live.features == reloaded.features,
        "the features and their indexes (by channel, VLANs and subnets used)"
    );
    assert!(live.workflows == reloaded.workflows, "the workflows");
    assert_eq!(live.operator, reloaded.operator, "the operator state");
}

pub fn epoch() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

pub fn environment() -> EnvironmentName {
    "providers/gcp/environments/e".parse().expect("a name")
}

pub fn connection_name(ix: &str, id: &str) -> ConnectionName {
    environment()
        .interconnect(ix)
        .and_then(|ix| ix.connection(id))
        .expect("a name")
}

pub fn connection(mbps: i32) -> ConnectionRecord {
    ConnectionRecord {
        connection: Connection {
            bandwidth_mbps: Some(mbps),
            ..Connection::default()
        },
        created_at: epoch(),
        negotiator_here: false,
        update_in_flight: None,
        notifications_received: Vec::new(),
        seen_on_peer: false,
    }
}

pub fn issued_key(uuid: &str, encoded: &str) -> IssuedKey {
    IssuedKey {
        environment: environment(),
        shared_connection_uuid: Secret::new(uuid),
        connection_size_mbps: 1000,
        destination_account_id: Secret::new("acct-123456789012"),
        encoded: Secret::new(encoded),
        issued_at: epoch(),
        expires_at: epoch(),
        confirmed_by: None,
        revoked: false,
    }
}

/// The PostgreSQL URL of the tests, or `None` (the test prints that it
/// was skipped) when `INTERCONNECT_TEST_POSTGRES` is not set. With
/// `INTERCONNECT_REQUIRE_POSTGRES=1` (set by `.ci/run`) a missing URL fails
/// the test instead.
pub fn postgres_url(test: &str) -> Option<String> {
    match std::env::var("INTERCONNECT_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("INTERCONNECT_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "{test}: INTERCONNECT_REQUIRE_POSTGRES=1 but INTERCONNECT_TEST_POSTGRES is not set"
            );
            // written to the process's stderr, not through `eprintln!`, which
            // the test harness captures: the notice shows in every run
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "{test}: skipped (set INTERCONNECT_TEST_POSTGRES to a PostgreSQL URL)"
            );
            None
        }
    }
}

/// A schema of its own for one test, dropped at drop.
pub struct TempSchema {
    url: String,
    pub name: String,
    pub key: SecretsKey,
}

impl TempSchema {
    pub fn new(url: String) -> Self {
        let name = format!(
            "t_{}",
            uuid::Uuid::new_v4()
                .simple()
                .to_string()
                .get(..16)
                .unwrap_or("x")
        );
        // on a thread of its own: the synchronous client cannot run inside
        // the runtime of a tokio test
        let (u, n) = (url.clone(), name.clone());
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&u, postgres::NoTls).expect("PostgreSQL");
            client
                .batch_execute(&format!("CREATE SCHEMA {n}"))
                .expect("a schema");
        })
        .join()
        .expect("the schema is created");
        TempSchema {
            url,
            name,
            key: SecretsKey::generate().expect("a key"),
        }
    }

    pub fn options(&self) -> PostgresOptions {
        PostgresOptions::new(self.url.clone()).with_schema(self.name.clone())
    }

    pub fn client(&self) -> postgres::Client {
        let mut client = postgres::Client::connect(&self.url, postgres::NoTls).expect("PostgreSQL");
        client
            .batch_execute(&format!("SET search_path TO {}", self.name))
            .expect("the schema");
        client
    }
}

impl Drop for TempSchema {
    fn drop(&mut self) {
        // the drop runs outside any runtime thread of the tests' own
        let url = self.url.clone();
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            if let Ok(mut client) = postgres::Client::connect(&url, postgres::NoTls) {
                let _ = client.batch_execute(&format!("DROP SCHEMA {name} CASCADE"));
            }
        })
        .join();
    }
}

/// Commits one issued key named after `durability` and asks for the
/// barrier; asserts the store counted one commit and `barriers` barriers
/// meanwhile (E-408: none with `Process`, one with `Machine`).
pub fn commit_then_barrier(
    store: &dyn Store,
    stats: &dyn Fn() -> StoreStats,
    durability: Durability,
    barriers: u64,
) {
    let before = stats();
    let id = durability.as_str();
    store
        .update(|state| {
            state.issued_keys.insert(id.into(), issued_key(id, id));
            Ok(())
        })
        .expect("kept");
    store.make_durable().expect("the barrier");
    let spent = stats().since(&before);
    assert_eq!(
        (spent.commits, spent.barriers),
        (1, barriers),
        "{durability}"
    );
}
