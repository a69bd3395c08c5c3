//! `SqliteStore` as a `Store`: transactions, other processes' caches,
//! reopening, the secrets key and the schema version.

use std::sync::Arc;

use crate::common::*;
use interconnect_provider::store::{Store, StoreExt};
use interconnect_provider::{CoordinatorError, ErrorKind};
use interconnect_store::{Durability, SqliteStore, StoreError, migrations};

#[test]
fn a_failed_transaction_leaves_no_trace_in_the_cache_or_the_file() {
    let db = TempDb::new();
    let store = db.open();
    let result: Result<(), _> = store.update(|state| {
        state
            .issued_keys
            .insert("a".into(), issued_key("a", "key-a"));
        Err(CoordinatorError::aborted("FEAT-1", "changed my mind"))
    });
    assert_eq!(result.map_err(|e| e.kind()), Err(ErrorKind::Aborted));
    assert_eq!(store.view(|s| s.issued_keys.len()), Some(0));
    assert_eq!(db.open().view(|s| s.issued_keys.len()), Some(0));
    store
        .update(|state| {
            state
                .issued_keys
                .insert("b".into(), issued_key("b", "key-b"));
            Ok(())
        })
        .expect("kept");
    assert_eq!(db.open().view(|s| s.issued_keys.len()), Some(1));
}

#[test]
fn records_and_derived_indexes_survive_a_reopen() {
    let db = TempDb::new();
    let store = db.open();
    store
        .update(|state| {
            state
                .connections
                .insert(connection_name("ix1", "c1"), connection(100));
            state
                .connections
                .insert(connection_name("ix1", "c2"), connection(250));
            state
                .connections
                .insert(connection_name("ix2", "c1"), connection(50));
            state.local_updates.insert(connection_name("ix1", "c2"));
            state
                .issued_keys
                .insert("u1".into(), issued_key("u1", "key-1"));
            state.operator.retries.insert(
                "k".into(),
                interconnect_provider::store::RetryState {
                    attempt: 2,
                    since: Some(epoch()),
                },
            );
            Ok(())
        })
        .expect("kept");
    store
        .update(|state| {
            state.connections.remove(&connection_name("ix1", "c1"));
            if let Some(mut c) = state.connections.get_mut(&connection_name("ix2", "c1")) {
                c.connection.bandwidth_mbps = Some(75);
            }
            Ok(())
        })
        .expect("kept");
    drop(store);
    let reopened = db.open();
    let ix1 = connection_name("ix1", "c1").interconnect().clone();
    let ix2 = connection_name("ix2", "c1").interconnect().clone();
    reopened.read(&mut |state| {
        assert_eq!(state.connections.len(), 2);
        assert_eq!(
            state.connections.reserved_mbps(&ix1),
            250,
            "CONN-9 recounted"
        );
        assert_eq!(state.connections.reserved_mbps(&ix2), 75);
        assert_eq!(
            state.connections.with_id("c1").cloned().collect::<Vec<_>>(),
            vec![connection_name("ix2", "c1")],
            "the id index is rebuilt"
        );
        assert!(state.local_updates.contains(&connection_name("ix1", "c2")));
        assert_eq!(state.operator.retries.len(), 1);
        assert_eq!(
            state
                .issued_keys
                .get("u1")
                .map(|k| k.encoded.expose().to_owned()),
            Some("key-1".to_owned())
        );
    });
}

#[test]
fn two_stores_on_one_file_see_each_others_writes_and_removals() {
    let db = TempDb::new();
    let (a, b) = (db.open(), db.open());
    a.update(|s| {
        s.issued_keys.insert("x".into(), issued_key("x", "k"));
        Ok(())
    })
    .expect("kept");
    assert_eq!(b.view(|s| s.issued_keys.contains_key("x")), Some(true));
    b.update(|s| {
        s.issued_keys.remove("x");
        Ok(())
    })
    .expect("kept");
    assert_eq!(a.view(|s| s.issued_keys.contains_key("x")), Some(false));
    // past the tombstones' lifetime, a cache left behind reloads in full
    a.update(|s| {
        s.issued_keys.insert("gone".into(), issued_key("gone", "k"));
        Ok(())
    })
    .expect("kept");
    assert_eq!(b.view(|s| s.issued_keys.len()), Some(1));
    for i in 0..600 {
        a.update(|s| {
            s.issued_keys.remove("gone");
            s.issued_keys
                .insert(format!("n{}", i % 7), issued_key("n", "k"));
            Ok(())
        })
        .expect("kept");
    }
    let (mut from_a, mut from_b) = (None, None);
    a.read(&mut |s| from_a = Some(json(s)));
    b.read(&mut |s| from_b = Some(json(s)));
    assert_eq!(from_a, from_b);
    assert_eq!(b.view(|s| s.issued_keys.len()), Some(7));
}

#[test]
fn concurrent_transactions_of_two_stores_are_serialized() {
    let db = TempDb::new();
    let stores = [Arc::new(db.open()), Arc::new(db.open())];
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let store = stores[t % 2].clone();
            std::thread::spawn(move || {
                for _ in 0..40 {
                    store
                        .update(|state| {
                            // read-modify-write: the next key is the current size, so two
                            // unserialized writers would collide on a key
                            let n = state.issued_keys.len();
                            state
                                .issued_keys
                                .insert(format!("{n:05}"), issued_key("x", "k"));
                            Ok(())
                        })
                        .expect("serialized");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a thread");
    }
    for store in &stores {
        assert_eq!(store.view(|s| s.issued_keys.len()), Some(240));
    }
    assert_eq!(db.open().view(|s| s.issued_keys.len()), Some(240));
}

#[test]
fn a_transaction_that_changes_nothing_writes_no_version() {
    let db = TempDb::new();
    let store = db.open();
    store
        .update(|s| {
            s.issued_keys.insert("a".into(), issued_key("a", "k"));
            Ok(())
        })
        .expect("kept");
    let version = store.version();
    store.update(|s| Ok(s.issued_keys.len())).expect("read");
    assert_eq!(store.version(), version);
}

#[test]
fn no_secret_and_no_name_is_stored_in_the_clear() {
    let db = TempDb::new();
    let store = db.open();
    let uuid = "5f0c3a52-9d1e-4c47-b2f1-0a9e4c1d7e33";
    store
        .update(|s| {
            s.issued_keys
                .insert(uuid.into(), issued_key(uuid, "ENCODED-ACTIVATION-KEY-TEXT"));
            s.connections.insert(
                connection_name("ix-visible", "conn-visible"),
                connection(100),
            );
            s.activation_key_rings.insert(
                environment(),
                interconnect_provider::store::KeyRing {
                    epoch: epoch(),
                    pairs: vec![interconnect_provider::store::StoredKeyPair {
                        slot: 0,
                        private_key_pem: interconnect_core::wire::Secret::new(
                            "-----BEGIN PRIVATE KEY-----\nPRIVATE-KEY-MATERIAL\n-----END PRIVATE KEY-----\n",
                        ),
                        public_key_pem: "PUBLIC-KEY-PEM".into(),
                    }],
                },
            );
            Ok(())
        })
        .expect("kept");
    drop(store);
    let reopened = db.open();
    assert_eq!(
        reopened
            .view(|s| s
                .activation_key_rings
                .get(&environment())
                .map(|r| r.pairs.len()))
            .flatten(),
        Some(1),
        "the key ring survives a reopen (E-207)"
    );
    drop(reopened);
    let raw = db.raw_bytes();
    for secret in [
        uuid,
        "ENCODED-ACTIVATION-KEY-TEXT",
        "PRIVATE-KEY-MATERIAL",
        "PRIVATE KEY",
        "acct-123456789012",
        "conn-visible",
        "ix-visible",
    ] {
        assert!(
            !raw.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} is in the clear in the database files"
        );
    }
    let conn = rusqlite::Connection::open(db.path()).expect("the file");
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT kind, key FROM records")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()
        })
        .expect("rows");
    assert_eq!(rows.len(), 3);
    for (_, key) in rows {
        assert_eq!(key.len(), 64, "a row key is a keyed hash");
    }
}

#[test]
fn a_wrong_key_is_refused_at_open() {
    let db = TempDb::new();
    drop(db.open());
    let other = interconnect_store::SecretsKey::generate().expect("a key");
    let err = SqliteStore::open(db.path(), &other).expect_err("a wrong key");
    assert!(matches!(err, StoreError::WrongSecretsKey), "{err}");
    assert!(err.to_string().contains("secrets key"));
    db.open();
}

#[test]
fn a_schema_newer_than_the_binary_is_refused() {
    let db = TempDb::new();
    drop(db.open());
    let conn = rusqlite::Connection::open(db.path()).expect("the file");
    conn.execute(
        "UPDATE schema_version SET version = ?1",
        [migrations::LATEST + 1],
    )
    .expect("updated");
    drop(conn);
    let err = SqliteStore::open(db.path(), &db.key).expect_err("too new");
    assert!(
        matches!(err, StoreError::SchemaTooNew { found, known }
            if found == migrations::LATEST + 1 && known == migrations::LATEST),
        "{err}"
    );
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn migrate_brings_an_empty_file_to_the_latest_schema() {
    let db = TempDb::new();
    assert_eq!(
        SqliteStore::migrate(db.path()).expect("migrated"),
        (0, migrations::LATEST)
    );
    assert_eq!(
        SqliteStore::migrate(db.path()).expect("again"),
        (migrations::LATEST, migrations::LATEST),
        "idempotent"
    );
    assert_eq!(
        db.open().schema_version().expect("read"),
        migrations::LATEST
    );
}

/// The barrier (OPS-33, E-407): commits do not wait for the disk, a call of
/// `make_durable` records the version it covers in one synced commit, and a
/// call with nothing committed since writes nothing.
#[test]
fn make_durable_covers_every_commit() {
    let db = TempDb::new();
    let store = db.open();
    let durable_through = || -> Option<String> {
        let conn = rusqlite::Connection::open(db.path()).expect("the file");
        conn.query_row(
            "SELECT value FROM store_meta WHERE name = 'durable_through'",
            [],
            |row| row.get::<_, Vec<u8>>(0),
        )
        .ok()
        .map(|v| String::from_utf8(v).expect("text"))
    };
    for id in ["a", "b", "c"] {
        store
            .update(|state| {
                state.issued_keys.insert(id.into(), issued_key(id, id));
                Ok(())
            })
            .expect("kept");
    }
    assert_eq!(durable_through(), None, "no barrier yet");
    Store::make_durable(&store).expect("the barrier");
    let covered = durable_through().expect("the barrier's record");
    let covered: i64 = covered.parse().expect("a version");
    assert!(
        covered >= 3,
        "the barrier covers the three commits: {covered}"
    );
    // Nothing committed since: the next barrier writes nothing.
    {
        let conn = rusqlite::Connection::open(db.path()).expect("the file");
        conn.execute(
            "UPDATE store_meta SET value = CAST('sentinel' AS BLOB) WHERE name = 'durable_through'",
            [],
        )
        .expect("marked");
    }
    Store::make_durable(&store).expect("an empty barrier");
    assert_eq!(durable_through().as_deref(), Some("sentinel"));
    // After one more commit the barrier runs again.
    store
        .update(|state| {
            state.issued_keys.insert("d".into(), issued_key("d", "d"));
            Ok(())
        })
        .expect("kept");
    Store::make_durable(&store).expect("the barrier");
    let after: i64 = durable_through()
        .expect("the barrier's record")
        .parse()
        .expect("a version");
    assert!(after > covered);
}

/// OPS-33 inside a transaction: the reference provider provisions a feature
/// on the devices inside the transaction that reserves it (FEAT-1), and the
/// device change asks for the barrier. The call must not wait for the lock
/// the transaction holds (it did, and two `serve` processes stalled); the
/// transaction's own commit is then made durable, with every commit before.
#[test]
fn a_barrier_asked_inside_a_transaction_covers_its_commit() {
    let db = TempDb::new();
    let store = db.open();
    store
        .update(|state| {
            state.issued_keys.insert("a".into(), issued_key("a", "a"));
            Ok(())
        })
        .expect("kept");
    // On a thread of its own, so a deadlock fails the test instead of
    // hanging it.
    let store = std::sync::Arc::new(store);
    let (done, finished) = std::sync::mpsc::channel();
    let inside = std::sync::Arc::clone(&store);
    std::thread::spawn(move || {
        let result = inside.update(|state| {
            state.issued_keys.insert("b".into(), issued_key("b", "b"));
            // What a device change inside the transaction does.
            Store::make_durable(&*inside)
        });
        let _ = done.send(result);
    });
    finished
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the barrier inside a transaction does not wait for the transaction's lock")
        .expect("the transaction commits");
    let conn = rusqlite::Connection::open(db.path()).expect("the file");
    let through: i64 = conn
        .query_row(
            "SELECT value FROM store_meta WHERE name = 'durable_through'",
            [],
            |row| row.get::<_, Vec<u8>>(0),
        )
        .map(|v| String::from_utf8(v).expect("text"))
        .expect("the barrier ran at the transaction's commit")
        .parse()
        .expect("a version");
    let version: i64 = conn
        .query_row(
            "SELECT version FROM store_version WHERE id = 1",
            [],
            |row| row.get(0),
        )
        .expect("the store's version");
    assert_eq!(
        through, version,
        "the barrier covers the transaction's own commit"
    );
    // Nothing is left for the next barrier.
    conn.execute(
        "UPDATE store_meta SET value = CAST('sentinel' AS BLOB) WHERE name = 'durable_through'",
        [],
    )
    .expect("marked");
    Store::make_durable(&*store).expect("an empty barrier");
    let after: String = conn
        .query_row(
            "SELECT value FROM store_meta WHERE name = 'durable_through'",
            [],
            |row| row.get::<_, Vec<u8>>(0),
        )
        .map(|v| String::from_utf8(v).expect("text"))
        .expect("still there");
    assert_eq!(after, "sentinel");
}

/// E-408: with `durability = "process"` the barrier waits for nothing and
/// writes nothing (the commits are in the log, which a crash of the process
/// keeps); with the default it is one synced commit, counted in the stats.
#[test]
fn process_durability_takes_no_barrier_and_machine_takes_one() {
    let db = TempDb::new();
    for (durability, barriers) in [(Durability::Process, 0), (Durability::Machine, 1)] {
        let store = SqliteStore::open_with(db.path(), &db.key, durability).expect("opens");
        assert_eq!(store.durability(), durability);
        commit_then_barrier(&store, &|| store.stats(), durability, barriers);
        let conn = rusqlite::Connection::open(db.path()).expect("the file");
        let recorded = conn
            .query_row(
                "SELECT count(*) FROM store_meta WHERE name = 'durable_through'",
                [],
                |row| row.get::<_, i64>(0),
            )
            .expect("a count");
        assert_eq!(recorded, barriers as i64, "{durability}");
    }
}
