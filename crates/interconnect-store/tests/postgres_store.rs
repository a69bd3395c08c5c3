//! `PostgresStore` as a `Store`, when `INTERCONNECT_TEST_POSTGRES` names a
//! database (each test in a schema of its own); skipped otherwise, unless
//! `INTERCONNECT_REQUIRE_POSTGRES=1`.

use std::sync::Arc;

use crate::common::*;
use interconnect_provider::store::{Store, StoreExt};
use interconnect_provider::{CoordinatorError, ErrorKind};
use interconnect_store::{
    Durability, PostgresOptions, PostgresStore, SecretsKey, StoreError, migrations,
};

fn schema(test: &str) -> Option<TempSchema> {
    postgres_url(test).map(TempSchema::new)
}

#[test]
fn transactions_commit_or_leave_no_trace_and_survive_a_reopen() {
    let Some(schema) = schema("transactions_commit_or_leave_no_trace") else {
        return;
    };
    let store = PostgresStore::open(&schema.options(), &schema.key).expect("opens");
    let failed: Result<(), _> = store.update(|s| {
        s.issued_keys.insert("a".into(), issued_key("a", "k"));
        Err(CoordinatorError::aborted("FEAT-1", "no"))
    });
    assert_eq!(failed.map_err(|e| e.kind()), Err(ErrorKind::Aborted));
    store
        .update(|s| {
            s.connections
                .insert(connection_name("ix1", "c1"), connection(100));
            s.connections
                .insert(connection_name("ix1", "c2"), connection(300));
            s.issued_keys.insert("b".into(), issued_key("b", "k"));
            Ok(())
        })
        .expect("kept");
    drop(store);
    let reopened = PostgresStore::open(&schema.options(), &schema.key).expect("reopens");
    let ix1 = connection_name("ix1", "c1").interconnect().clone();
    assert_eq!(
        reopened.view(|s| (
            s.issued_keys.len(),
            s.connections.reserved_mbps(&ix1),
            s.connections.has_id("c2")
        )),
        Some((1, 400, true))
    );
}

#[test]
fn replicas_are_serialized_and_see_each_others_writes() {
    let Some(schema) = schema("replicas_are_serialized") else {
        return;
    };
    let stores: Vec<_> = (0..3)
        .map(|_| Arc::new(PostgresStore::open(&schema.options(), &schema.key).expect("opens")))
        .collect();
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let store = stores[t % 3].clone();
            std::thread::spawn(move || {
                for _ in 0..20 {
                    store
                        .update(|state| {
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
        assert_eq!(store.view(|s| s.issued_keys.len()), Some(120));
    }
    stores[0]
        .update(|s| {
            s.issued_keys.remove("00000");
            Ok(())
        })
        .expect("kept");
    assert_eq!(
        stores[2].view(|s| s.issued_keys.contains_key("00000")),
        Some(false),
        "a removal reaches the other replicas"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_store_works_inside_a_tokio_runtime() {
    let Some(schema) = schema("the_store_works_inside_a_tokio_runtime") else {
        return;
    };
    let store = PostgresStore::open(&schema.options(), &schema.key).expect("opens");
    store
        .update(|s| {
            s.issued_keys.insert("a".into(), issued_key("a", "k"));
            Ok(())
        })
        .expect("kept");
    assert_eq!(store.view(|s| s.issued_keys.len()), Some(1));
}

#[test]
fn no_secret_is_in_the_clear_and_a_wrong_key_is_refused() {
    let Some(schema) = schema("no_secret_is_in_the_clear") else {
        return;
    };
    let uuid = "5f0c3a52-9d1e-4c47-b2f1-0a9e4c1d7e33";
    let store = PostgresStore::open(&schema.options(), &schema.key).expect("opens");
    store
        .update(|s| {
            s.issued_keys
                .insert(uuid.into(), issued_key(uuid, "ENCODED-KEY-TEXT"));
            Ok(())
        })
        .expect("kept");
    drop(store);
    let schema_name = schema.name.clone();
    let rows = schema
        .client()
        .query("SELECT kind, key, body FROM records", &[])
        .expect("rows");
    assert_eq!(rows.len(), 1, "in {schema_name}");
    for row in rows {
        let key: String = row.get(1);
        let body: Vec<u8> = row.get(2);
        assert_eq!(key.len(), 64);
        for secret in [uuid, "ENCODED-KEY-TEXT", "acct-123456789012"] {
            assert!(!key.contains(secret));
            assert!(!body.windows(secret.len()).any(|w| w == secret.as_bytes()));
        }
    }
    let err = PostgresStore::open(&schema.options(), &SecretsKey::generate().expect("a key"))
        .expect_err("a wrong key");
    assert!(matches!(err, StoreError::WrongSecretsKey), "{err}");
}

#[test]
fn migrations_from_empty_and_a_newer_schema_is_refused() {
    let Some(schema) = schema("migrations_from_empty") else {
        return;
    };
    assert_eq!(
        PostgresStore::migrate(&schema.options()).expect("migrated"),
        (0, migrations::LATEST)
    );
    assert_eq!(
        PostgresStore::migrate(&schema.options()).expect("again"),
        (migrations::LATEST, migrations::LATEST)
    );
    schema
        .client()
        .execute(
            "UPDATE schema_version SET version = $1",
            &[&(migrations::LATEST + 1)],
        )
        .expect("updated");
    let err = PostgresStore::open(&schema.options(), &schema.key).expect_err("too new");
    assert!(matches!(err, StoreError::SchemaTooNew { .. }), "{err}");
}

#[test]
fn a_bad_url_or_schema_name_fails_at_open() {
    if postgres_url("a_bad_url_fails_at_open").is_none() {
        return;
    }
    let key = SecretsKey::generate().expect("a key");
    let err = PostgresStore::open(
        &PostgresOptions::new("postgres://nobody:secretpw@127.0.0.1:1/none"),
        &key,
    )
    .expect_err("nothing listens on port 1");
    assert!(!err.to_string().contains("secretpw"), "{err}");
    let err = PostgresStore::open(
        &PostgresOptions::new("postgres://x@127.0.0.1/x").with_schema("a; DROP"),
        &key,
    )
    .expect_err("a bad schema name");
    assert!(err.to_string().contains("schema"), "{err}");
}

#[test]
fn a_database_of_the_previous_version_is_migrated_with_its_records() {
    let Some(schema) = schema("a_database_of_the_previous_version") else {
        return;
    };
    let previous = migrations::LATEST - 1;
    {
        let mut client = schema.client();
        client
            .batch_execute(migrations::CREATE_SCHEMA_VERSION)
            .expect("schema_version");
        for version in 1..=previous {
            let sql = migrations::sql(version, "BYTEA").expect("a migration");
            client.batch_execute(&sql).expect("applied");
        }
        client
            .execute(
                "INSERT INTO schema_version (version) VALUES ($1)",
                &[&previous],
            )
            .expect("recorded");
    }
    let store = PostgresStore::open(&schema.options(), &schema.key).expect("migrated");
    store
        .update(|s| {
            s.issued_keys.insert("a".into(), issued_key("a", "k"));
            Ok(())
        })
        .expect("kept");
    let version: i64 = schema
        .client()
        .query_one("SELECT version FROM schema_version", &[])
        .expect("a row")
        .get(0);
    assert_eq!(version, migrations::LATEST);
    let indexes: i64 = schema
        .client()
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname = 'records_by_version'",
            &[&schema.name],
        )
        .expect("a row")
        .get(0);
    assert_eq!(indexes, 1);
}

/// E-408 on PostgreSQL: `Process` takes no barrier (nothing waits for the
/// WAL to reach the disk), `Machine` takes one synced commit that records
/// the version it covers.
#[test]
fn process_durability_takes_no_barrier_and_machine_takes_one() {
    let Some(schema) = schema("process_durability_takes_no_barrier") else {
        return;
    };
    let durable_through = || -> Option<Vec<u8>> {
        let mut client = schema.client();
        client
            .query_opt(
                "SELECT value FROM store_meta WHERE name = 'durable_through'",
                &[],
            )
            .expect("a query")
            .map(|row| row.get(0))
    };
    for (durability, barriers) in [(Durability::Process, 0), (Durability::Machine, 1)] {
        let options = schema.options().with_durability(durability);
        let store = PostgresStore::open(&options, &schema.key).expect("opens");
        commit_then_barrier(&store, &|| store.stats(), durability, barriers);
        let recorded = durable_through();
        if barriers == 0 {
            assert_eq!(recorded, None, "no barrier record");
        } else {
            let version = String::from_utf8(recorded.expect("the barrier's record"))
                .expect("text")
                .parse::<i64>()
                .expect("a version");
            assert_eq!(
                version,
                store.version(),
                "the barrier covers the last commit"
            );
        }
    }
}

/// E-405 on PostgreSQL: a removal reaches the other replica's copy, and
/// the write that reaches version 512 purges the tombstones up to version
/// 256, so a copy left behind reloads every live record and agrees with
/// the writer's.
#[test]
fn removals_reach_other_replicas_and_old_tombstones_are_purged() {
    let Some(schema) = schema("removals_and_purged_tombstones") else {
        return;
    };
    let open = || PostgresStore::open(&schema.options(), &schema.key).expect("opens");
    let (writer, behind) = (open(), open());
    writer
        .update(|s| {
            s.issued_keys.insert("kept".into(), issued_key("kept", "k"));
            s.issued_keys
                .insert("dropped".into(), issued_key("dropped", "k"));
            Ok(())
        })
        .expect("kept");
    assert_eq!(behind.view(|s| s.issued_keys.len()), Some(2));
    writer
        .update(|s| {
            s.issued_keys.remove("dropped");
            Ok(())
        })
        .expect("kept");
    assert_eq!(
        behind.view(|s| (
            s.issued_keys.contains_key("kept"),
            s.issued_keys.contains_key("dropped")
        )),
        Some((true, false)),
        "the removal is read by the other replica"
    );
    // tombstones at or below a version, and above it
    let tombstones = |client: &mut postgres::Client, through: i64| -> (i64, i64) {
        let row = client
            .query_one(
                "SELECT count(*) FILTER (WHERE version <= $1), count(*) FILTER (WHERE version > $1)
                 FROM records WHERE NOT live",
                &[&through],
            )
            .expect("a query");
        (row.get(0), row.get(1))
    };
    assert_eq!(tombstones(&mut schema.client(), 0), (0, 1));
    // one removal per version, each of its own record: 600 tombstones,
    // and the 512th version purges those up to version 256
    for i in 0..600 {
        writer
            .update(|s| {
                s.issued_keys.remove(&format!("n{}", i - 1));
                let name = format!("n{i}");
                s.issued_keys.insert(name.clone(), issued_key(&name, "k"));
                Ok(())
            })
            .expect("kept");
    }
    assert_eq!(writer.version(), 602);
    let mut client = schema.client();
    let purged: i64 = client
        .query_one("SELECT purged_through FROM store_version WHERE id = 1", &[])
        .expect("a query")
        .get(0);
    assert_eq!(purged, 512 - 256, "the purge of version 512");
    let (old, newer) = tombstones(&mut client, purged);
    assert_eq!(old, 0, "no tombstone at or below the purge mark");
    assert_eq!(newer, 602 - 256, "every tombstone above it kept");
    let (mut from_writer, mut from_behind) = (None, None);
    writer.read(&mut |s| from_writer = Some(json(s)));
    behind.read(&mut |s| from_behind = Some(json(s)));
    assert_eq!(from_writer, from_behind, "the copy left behind reloaded");
    assert_eq!(
        behind.view(|s| (s.issued_keys.len(), s.issued_keys.contains_key("n599"))),
        Some((2, true))
    );
}
