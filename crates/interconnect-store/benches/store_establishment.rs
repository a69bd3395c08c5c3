//! What a durable store costs an establishment (issue 15 item 9): one
//! customer connection between the `aws` and `gcp` reference providers of a
//! `Pair`, from the activation key to VERIFIED on both sides, with both
//! providers' state in memory (the baseline), in SQLite files, and, when
//! `INTERCONNECT_TEST_POSTGRES` names a database, in PostgreSQL (each side a
//! schema of its own). All three are measured in the same run, on pairs
//! that already hold 100 connections, and printed as ratios of the
//! in-memory time.
//!
//! ```text
//! cargo bench -p interconnect-store --bench store_establishment
//! INTERCONNECT_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test \
//!     cargo bench -p interconnect-store --bench store_establishment
//! STORE_BENCH_MEMORY=sqlite cargo bench -p interconnect-store --bench store_establishment
//! ```
//!
//! With `STORE_BENCH_MEMORY` set to `memory`, `sqlite` or `postgres` the run
//! measures that store alone and prints the resident memory a connection
//! costs with it (one store per process, so that memory freed by another
//! pair does not flatter it).
//!
//! The pair runs in process: the HTTP part of an establishment is the same
//! for every store (`interconnect-http`'s `http_establishment` bench
//! measures it), so the ratio here is the store's own share, on top of the
//! in-process work only, which makes it the strict form of the target.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use interconnect_core::names::ProviderName;
use interconnect_core::wire::{Secret, VerificationState};
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::store::{MemoryStore, Phase, Store};
use interconnect_provider::testing::pair::{AWS_ACCOUNT, Pair};
use interconnect_store::{PostgresOptions, PostgresStore, SecretsKey, SqliteStore};
use tokio::runtime::Runtime;

/// Connections every pair holds before it is measured.
const HELD: usize = 100;
/// Connections established for the memory figure (the default pair has
/// room for 400 of 500 Mbps).
const FOR_MEMORY: usize = 300;
/// Measured establishments per store for the printed ratio.
const ROUNDS: u32 = 40;
/// The connection size.
const MBPS: u32 = 500;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn provider(id: &str) -> BenchResult<ProviderName> {
    Ok(ProviderName::new(id)?)
}

/// Where a pair keeps its state.
enum Kind {
    Memory,
    Sqlite(tempfile::TempDir),
    /// The URL, and the schemas made, dropped at the end.
    Postgres(String, std::cell::RefCell<Vec<String>>),
}

impl Kind {
    fn label(&self) -> &'static str {
        match self {
            Kind::Memory => "memory",
            Kind::Sqlite(_) => "sqlite",
            Kind::Postgres(..) => "postgres",
        }
    }

    /// A store for `side` (each side has its own file or schema).
    fn open(&self, side: &str, key: &SecretsKey) -> BenchResult<Arc<dyn Store>> {
        Ok(match self {
            Kind::Memory => Arc::new(MemoryStore::new()),
            Kind::Sqlite(dir) => Arc::new(SqliteStore::open(
                dir.path()
                    .join(format!("{side}-{}.db", uuid::Uuid::new_v4().simple())),
                key,
            )?),
            Kind::Postgres(url, made) => {
                let schema = format!("bench_{side}_{}", uuid::Uuid::new_v4().simple());
                let mut client = postgres::Client::connect(url, postgres::NoTls)?;
                client.batch_execute(&format!("CREATE SCHEMA {schema}"))?;
                made.borrow_mut().push(schema.clone());
                Arc::new(PostgresStore::open(
                    &PostgresOptions::new(url.clone()).with_schema(schema),
                    key,
                )?)
            }
        })
    }
}

fn pair(kind: &Kind, key: &SecretsKey) -> BenchResult<Pair> {
    let (aws, gcp) = (provider("aws")?, provider("gcp")?);
    Ok(Pair::with_configs_and_stores(
        ProviderConfig::default_pair(&aws, &gcp, 64512)?,
        ProviderConfig::default_pair(&gcp, &aws, 64513)?,
        kind.open("aws", key)?,
        kind.open("gcp", key)?,
    ))
}

/// One establishment, checked on both sides.
fn establish(rt: &Runtime, pair: &Pair) -> BenchResult<String> {
    let uuid = rt.block_on(pair.establish(MBPS))?;
    for view in [pair.at_aws(&uuid)?, pair.at_gcp(&uuid)?] {
        if view.phase != Phase::Verified
            || view.verification_state != Some(VerificationState::Verified)
        {
            return Err(format!("connection {uuid} did not reach VERIFIED on both sides").into());
        }
    }
    Ok(uuid)
}

/// Establishes per round (timed) and deletes again (not timed).
fn time_establishments(rt: &Runtime, pair: &Pair, rounds: u64) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..rounds {
        let started = Instant::now();
        let uuid = establish(rt, pair).unwrap_or_else(|e| panic!("establishment: {e}"));
        total += started.elapsed();
        pair.aws
            .customer()
            .delete_customer_connection(&Secret::new(AWS_ACCOUNT), black_box(&uuid))
            .unwrap_or_else(|e| panic!("delete: {e}"));
        rt.block_on(pair.settle());
    }
    total
}

/// The resident memory of this process, in bytes (Linux; 0 elsewhere).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Drops the PostgreSQL schemas the run made.
fn drop_schemas(kinds: &[Kind]) -> BenchResult<()> {
    for kind in kinds {
        if let Kind::Postgres(url, made) = kind {
            let mut client = postgres::Client::connect(url, postgres::NoTls)?;
            for schema in made.borrow().iter() {
                client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))?;
            }
        }
    }
    Ok(())
}

fn bench(c: &mut Criterion) {
    let mut run = || -> BenchResult<()> {
        let rt = tokio::runtime::Builder::new_current_thread().build()?;
        let key = SecretsKey::generate()?;
        let mut kinds = vec![Kind::Memory, Kind::Sqlite(tempfile::tempdir()?)];
        match std::env::var("INTERCONNECT_TEST_POSTGRES") {
            Ok(url) if !url.is_empty() => kinds.push(Kind::Postgres(url, Default::default())),
            _ => eprintln!("postgres: skipped (set INTERCONNECT_TEST_POSTGRES to measure it)"),
        }
        // Resident memory is measured for one store per process and before
        // any other pair (the allocator keeps what an earlier pair freed,
        // which would flatter the store measured after it).
        if let Ok(label) = std::env::var("STORE_BENCH_MEMORY") {
            let kind = kinds
                .iter()
                .find(|k| k.label() == label)
                .ok_or_else(|| format!("STORE_BENCH_MEMORY={label}: not a store of this run"))?;
            let before = resident_bytes();
            let pair = pair(kind, &key)?;
            for _ in 0..FOR_MEMORY {
                establish(&rt, &pair)?;
            }
            let growth = resident_bytes().saturating_sub(before);
            println!(
                "MEMORY with {label}: resident memory grew {growth} bytes for {FOR_MEMORY} \
                 connections, {} per connection",
                growth / FOR_MEMORY as u64,
            );
            drop(pair);
            drop_schemas(&kinds)?;
            return Ok(());
        }
        eprintln!(
            "memory: set STORE_BENCH_MEMORY to memory, sqlite or postgres to measure one store"
        );
        let mut pairs = Vec::new();
        for kind in &kinds {
            let pair = pair(kind, &key)?;
            for _ in 0..HELD {
                establish(&rt, &pair)?;
            }
            pairs.push(pair);
        }

        let mut group = c.benchmark_group("establishment to VERIFIED on both sides, by store");
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(3));
        for (kind, pair) in kinds.iter().zip(&pairs) {
            group.bench_function(kind.label(), |b| {
                b.iter_custom(|iters| time_establishments(&rt, pair, iters))
            });
        }
        group.finish();

        // Interleaved rounds for the printed ratios, so that other work on
        // the machine falls on every store alike.
        let mut totals = vec![Duration::ZERO; pairs.len()];
        for _ in 0..ROUNDS {
            for (total, pair) in totals.iter_mut().zip(&pairs) {
                *total += time_establishments(&rt, pair, 1);
            }
        }
        let baseline = totals[0] / ROUNDS;
        for (kind, total) in kinds.iter().zip(&totals).skip(1) {
            let each = *total / ROUNDS;
            println!(
                "RATIO establishment with {} {each:.2?} vs in memory {baseline:.2?} \
                 (at {HELD} connections, {ROUNDS} interleaved rounds): {:.2}x",
                kind.label(),
                each.as_secs_f64() / baseline.as_secs_f64().max(f64::MIN_POSITIVE),
            );
        }

        drop(pairs);
        drop_schemas(&kinds)
    };
    if let Err(e) = run() {
        panic!("store establishment benchmark: {e}");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
