//! What this machine's disk and loopback charge the durable stores for the
//! smallest unit of their work, measured without the stores (issue 15
//! item 9; BENCHMARKS.md, "The floor"): the costs below which no
//! implementation of a barrier, a commit or a round trip can go here.
//!
//! ```text
//! cargo run --release -p interconnect-store --example disk_floor
//! INTERCONNECT_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test \
//!     cargo run --release -p interconnect-store --example disk_floor
//! ```
//!
//! Files go to the temporary directory (`TMPDIR`), where the store bench
//! keeps its SQLite files. PostgreSQL is measured in a schema of its own,
//! dropped at the end.

use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom, Write};
use std::time::{Duration, Instant};

/// Repetitions of each measurement.
const ROUNDS: usize = 500;

type Outcome<T> = Result<T, Box<dyn std::error::Error>>;

/// Times `work`.
fn timed(work: impl FnOnce() -> Outcome<()>) -> Outcome<Duration> {
    let started = Instant::now();
    work()?;
    Ok(started.elapsed())
}

/// Median and mean of the times `ROUNDS` runs of `step` return (the part
/// of the step that is measured), after 20 unmeasured runs.
fn measure(what: &str, mut step: impl FnMut(usize) -> Outcome<Duration>) -> Outcome<()> {
    for i in 0..20 {
        step(i)?;
    }
    let mut times = Vec::with_capacity(ROUNDS);
    for i in 0..ROUNDS {
        times.push(step(i)?);
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / ROUNDS as u32;
    println!(
        "{what}: median {:.0} µs, mean {:.0} µs",
        times[ROUNDS / 2].as_secs_f64() * 1e6,
        mean.as_secs_f64() * 1e6
    );
    Ok(())
}

fn main() -> Outcome<()> {
    let dir = tempfile::tempdir()?;
    println!("in {} ({ROUNDS} rounds each)", dir.path().display());

    // The disk alone: rewrite one 4 KiB block of a file already on disk,
    // then wait for it (what a sync of a log that does not grow costs).
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(dir.path().join("blocks"))?;
    let block = [0x5a_u8; 4096];
    for _ in 0..256 {
        file.write_all(&block)?;
    }
    file.sync_all()?;
    measure("file: 4 KiB rewritten + fdatasync", |i| {
        timed(|| {
            file.seek(SeekFrom::Start((i % 256) as u64 * 4096))?;
            file.write_all(&block)?;
            Ok(file.sync_data()?)
        })
    })?;

    // SQLite as the store opens it: WAL, synchronous = NORMAL.
    let path = dir.path().join("floor.sqlite");
    let conn = rusqlite::Connection::open(&path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.execute_batch(
        "CREATE TABLE records (key TEXT PRIMARY KEY, body BLOB);
         CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB);",
    )?;
    // about the size of a sealed connection record; each commit changes
    // it (SQLite writes nothing for a row rewritten as it was)
    let mut body = vec![0xa5_u8; 3000];
    let mut written: u64 = 0;
    let mut commit = |i: usize| -> Outcome<()> {
        written += 1;
        body[..8].copy_from_slice(&written.to_le_bytes());
        conn.execute_batch("BEGIN IMMEDIATE")?;
        conn.execute(
            "INSERT INTO records (key, body) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET body = excluded.body",
            rusqlite::params![(i % 50).to_string(), body],
        )?;
        Ok(conn.execute_batch("COMMIT")?)
    };
    // Past the first checkpoint (1,000 pages), as in a store that has run
    // for a while: the log is then rewritten in place and does not grow (a
    // sync of a growing file also waits for its new size).
    for i in 0..1200 {
        commit(i)?;
    }
    measure(
        "sqlite: commit of one 3 KB row, synchronous = NORMAL",
        |i| timed(|| commit(i)),
    )?;
    // Each barrier follows a commit, as in the store: it has a commit of
    // its own to sync, not only its row. The statements are those of
    // `Sqlite::make_durable` (src/sqlite.rs); keep the two alike.
    measure(
        "sqlite: barrier as the store takes it (one small row, synchronous = FULL)",
        |i| {
            commit(i)?;
            timed(|| {
                conn.pragma_update(None, "synchronous", "FULL")?;
                conn.execute_batch("BEGIN IMMEDIATE")?;
                conn.execute(
                    "INSERT INTO meta (name, value) VALUES ('durable_through', ?1)
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    [i.to_string()],
                )?;
                conn.execute_batch("COMMIT")?;
                Ok(conn.pragma_update(None, "synchronous", "NORMAL")?)
            })
        },
    )?;
    let wal = OpenOptions::new()
        .write(true)
        .open(dir.path().join("floor.sqlite-wal"))?;
    measure(
        "sqlite: fdatasync of the -wal file itself, after a commit (NORMAL)",
        |i| {
            commit(i)?;
            timed(|| Ok(wal.sync_data()?))
        },
    )?;
    drop(conn);

    match std::env::var("INTERCONNECT_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => postgres_floor(&url)?,
        _ => println!("postgres: skipped (set INTERCONNECT_TEST_POSTGRES to measure it)"),
    }
    Ok(())
}

fn postgres_floor(url: &str) -> Outcome<()> {
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    let schema = format!("disk_floor_{}", std::process::id());
    client.batch_execute(&format!(
        "CREATE SCHEMA \"{schema}\"; SET search_path TO \"{schema}\";
         CREATE TABLE meta (name TEXT PRIMARY KEY, value BYTEA);
         SET synchronous_commit TO off"
    ))?;
    let result = (|| -> Outcome<()> {
        let select = client.prepare("SELECT 1")?;
        measure("postgres: round trip (prepared SELECT 1)", |_| {
            timed(|| {
                client.query_one(&select, &[])?;
                Ok(())
            })
        })?;
        let upsert = client.prepare(
            "INSERT INTO meta (name, value) VALUES ('row', $1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )?;
        measure(
            "postgres: commit of one row, synchronous_commit off (one round trip)",
            |i| {
                timed(|| {
                    client.execute(&upsert, &[&i.to_string().into_bytes()])?;
                    Ok(())
                })
            },
        )?;
        // the statements of `Postgres::make_durable` (src/postgres.rs);
        // keep the two alike
        measure(
            "postgres: barrier as the store sends it (synchronous_commit on, one round trip)",
            |i| {
                client.execute(&upsert, &[&i.to_string().into_bytes()])?;
                timed(|| {
                    client.batch_execute(&format!(
                        "BEGIN; SET LOCAL synchronous_commit TO on;
                     INSERT INTO meta (name, value)
                         VALUES ('durable_through', convert_to('{i}', 'UTF8'))
                         ON CONFLICT (name) DO UPDATE SET value = excluded.value;
                     COMMIT"
                    ))?;
                    Ok(())
                })
            },
        )?;
        Ok(())
    })();
    client.batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))?;
    result
}
