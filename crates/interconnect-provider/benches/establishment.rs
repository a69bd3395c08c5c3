//! In-process establishment (issue 5): one customer connection between the
//! `aws` and `gcp` reference providers of a [`Pair`], from the activation
//! key to VERIFIED on both sides, measured on a pair that already holds 100
//! connections (the baseline) and a larger one. The figure is the ratio of
//! the two, printed with the connections per second of each, then the
//! memory a connection costs at the larger size (bytes of the serialized
//! store state of both providers, and the growth of resident memory).
//!
//! ```text
//! cargo bench -p interconnect-provider --bench establishment
//! ESTABLISHMENT_CONNECTIONS=10000 cargo bench -p interconnect-provider --bench establishment
//! ```
//!
//! The larger size is 2,000 unless `ESTABLISHMENT_CONNECTIONS` says: the
//! set-up establishes every connection through the real flow (no step
//! scans the store any more, `BENCHMARKS.md`, but what a channel's
//! guidance lists still grows with the features on the channel), so
//! 10,000 is opt-in.
//!
//! The default inventory holds about 3,000 connections per interconnect
//! (VLANs 1025..=4094 per channel) and 200 of 500 Mbps (100 Gbps), so the
//! pair here serves `aws-gcp-us-east` with 16 interconnects of four
//! 400 Gbps channels (`maxBandwidthMbps` 400,000 each), built from
//! [`ProviderConfig::default_pair`] and handed to [`Pair::with_configs`].

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use interconnect_core::names::ProviderName;
use interconnect_core::wire::{ProvisioningState, Secret, VerificationState};
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::store::{Phase, StoreExt};
use interconnect_provider::testing::pair::{AWS_ACCOUNT, Pair};
use interconnect_provider::testing::seed::widened_config;
use tokio::runtime::Runtime;

/// Connections of the baseline pair.
const BASELINE: usize = 100;
/// Connections of the large pair, unless `ESTABLISHMENT_CONNECTIONS` says.
const LARGE: usize = 2_000;
/// The smallest size offered: 16 interconnects x 800 connections of
/// 500 Mbps fit in 400 Gbps each.
const MBPS: u32 = 500;
/// Interconnects of the benchmark's environment.
const INTERCONNECTS: usize = 16;
/// Each channel's aggregate size, and so each interconnect's maximum.
const CHANNEL_GBPS: i32 = 400;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn provider(id: &str) -> BenchResult<ProviderName> {
    Ok(ProviderName::new(id)?)
}

/// The default configuration of `local`, its first environment widened to
/// [`INTERCONNECTS`] interconnects of [`CHANNEL_GBPS`] channels.
fn config(local: &str, partner: &str, asn: u32) -> BenchResult<ProviderConfig> {
    widened_config(
        &provider(local)?,
        &provider(partner)?,
        asn,
        INTERCONNECTS,
        CHANNEL_GBPS,
    )
}

fn pair() -> BenchResult<Pair> {
    Ok(Pair::with_configs(
        config("aws", "gcp", 64512)?,
        config("gcp", "aws", 64513)?,
    ))
}

/// Whether the connection is VERIFIED with every feature provisioned, on
/// both sides.
fn verified(pair: &Pair, uuid: &str) -> BenchResult<bool> {
    let both = [pair.at_aws(uuid)?, pair.at_gcp(uuid)?];
    Ok(both.iter().all(|view| {
        view.phase == Phase::Verified
            && view.verification_state == Some(VerificationState::Verified)
            && view.features.len() == 4
            && view
                .features
                .iter()
                .all(|f| f.provisioning_state == ProvisioningState::Final)
    }))
}

/// One establishment, checked.
fn establish(rt: &Runtime, pair: &Pair) -> BenchResult<String> {
    let uuid = rt.block_on(pair.establish(MBPS))?;
    if !verified(pair, &uuid)? {
        return Err(format!("connection {uuid} did not reach VERIFIED on both sides").into());
    }
    Ok(uuid)
}

/// Deletes a connection and lets both sides finish (not measured).
fn delete(rt: &Runtime, pair: &Pair, uuid: &str) -> BenchResult<()> {
    pair.aws
        .customer()
        .delete_customer_connection(&Secret::new(AWS_ACCOUNT), uuid)?;
    rt.block_on(pair.settle());
    Ok(())
}

/// A pair holding `n` verified connections; prints how long it took.
fn populated(rt: &Runtime, n: usize) -> BenchResult<Pair> {
    let pair = pair()?;
    let started = Instant::now();
    let mut last = Instant::now();
    for i in 1..=n {
        establish(rt, &pair)?;
        if i % 1000 == 0 {
            eprintln!(
                "setup: {i} connections, last 1000 in {:.2?}",
                last.elapsed()
            );
            last = Instant::now();
        }
    }
    eprintln!("setup: {n} connections in {:.2?}", started.elapsed());
    Ok(pair)
}

/// The resident memory of this process, in bytes (Linux; 0 elsewhere).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Bytes of the JSON serialization of both providers' store state.
fn serialized_bytes(pair: &Pair) -> BenchResult<usize> {
    let mut total = 0;
    for p in [&pair.aws, &pair.gcp] {
        total += p
            .store()
            .view(|state| serde_json::to_vec(state).map(|v| v.len()))
            .ok_or("the store answered")??;
    }
    Ok(total)
}

/// Establishes a connection per iteration (timed) and deletes it again
/// (not timed), so the pair keeps its size.
fn time_establishments(rt: &Runtime, pair: &Pair, iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let started = Instant::now();
        let uuid = establish(rt, pair).unwrap_or_else(|e| panic!("establishment: {e}"));
        total += started.elapsed();
        delete(rt, pair, black_box(&uuid)).unwrap_or_else(|e| panic!("delete: {e}"));
    }
    total
}

fn per_second(d: Duration) -> f64 {
    1.0 / d.as_secs_f64().max(f64::MIN_POSITIVE)
}

fn bench(c: &mut Criterion) {
    let mut run = || -> BenchResult<()> {
        let large: usize = std::env::var("ESTABLISHMENT_CONNECTIONS")
            .ok()
            .map(|v| v.parse())
            .transpose()?
            .unwrap_or(LARGE);
        let rt = tokio::runtime::Builder::new_current_thread().build()?;

        let small = populated(&rt, BASELINE)?;
        let rss_before = resident_bytes();
        let big = populated(&rt, large)?;
        let rss_growth = resident_bytes().saturating_sub(rss_before);
        let bytes = serialized_bytes(&big)?;

        let mut group = c.benchmark_group("establishment to VERIFIED on both sides");
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(5));
        group.bench_function(format!("at {BASELINE} connections (baseline)"), |b| {
            b.iter_custom(|iters| time_establishments(&rt, &small, iters))
        });
        group.bench_function(format!("at {large} connections"), |b| {
            b.iter_custom(|iters| time_establishments(&rt, &big, iters))
        });
        group.finish();

        // One more direct measurement of each for the printed ratio (100
        // rounds: 20 left the ratio at the mercy of other work on the machine).
        const ROUNDS: u64 = 100;
        let at_small = time_establishments(&rt, &small, ROUNDS) / ROUNDS as u32;
        let at_large = time_establishments(&rt, &big, ROUNDS) / ROUNDS as u32;
        println!(
            "RATIO establishment at {large} connections {at_large:.2?} ({:.0}/s) vs at {BASELINE} \
             {at_small:.2?} ({:.0}/s): {:.2}x the baseline's time",
            per_second(at_large),
            per_second(at_small),
            at_large.as_secs_f64() / at_small.as_secs_f64().max(f64::MIN_POSITIVE),
        );
        println!(
            "MEMORY at {large} connections: {} bytes of serialized state (both providers), \
             {} bytes per connection; resident memory grew {} bytes, {} per connection",
            bytes,
            bytes / large.max(1),
            rss_growth,
            rss_growth / large.max(1) as u64,
        );
        Ok(())
    };
    if let Err(e) = run() {
        panic!("establishment benchmark: {e}");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
