//! Subnet allocation with a crowded channel: 16,383 of the 16,384 /30s of
//! 169.254.0.0/16 used, plus 500 excludes, one /30 free at the top. Compares
//! the interval-set allocator with a linear scan measured in the same run and
//! prints the ratio.
//!
//! ```text
//! cargo bench -p interconnect-core --bench allocation
//! ```

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use interconnect_core::allocation::{IntervalSet, linear, net_bounds};
use ipnet::{IpNet, Ipv4Net};

const BASE: u32 = 0xA9FE_0000; // 169.254.0.0

fn slash30(i: u32) -> IpNet {
    IpNet::V4(Ipv4Net::new(Ipv4Addr::from(BASE + i * 4), 30).unwrap_or_default())
}

fn workload() -> (IpNet, Vec<IpNet>) {
    let include = IpNet::V4(Ipv4Net::new(Ipv4Addr::from(BASE), 16).unwrap_or_default());
    // Used /30s in a scattered order (not sorted), as a store would return them.
    let mut blocked: Vec<IpNet> = (0..16_383u32)
        .map(|i| slash30((i * 7919) % 16_383))
        .collect();
    // 500 excludes spread over the range (they overlap used space, as real
    // excludes of a busy channel do).
    blocked.extend((0..500u32).map(|i| slash30((i * 32) % 16_383)));
    (include, blocked)
}

fn interval(include: &IpNet, blocked: &[IpNet]) -> Option<u128> {
    let set = IntervalSet::from_intervals(blocked.iter().map(net_bounds).collect());
    let (lo, hi) = net_bounds(include);
    set.first_free_aligned(lo, hi, 4)
}

fn bench(c: &mut Criterion) {
    let (include, blocked) = workload();
    assert_eq!(
        interval(&include, &blocked),
        linear::first_free_by_scan(&include, 30, &blocked)
    );

    let mut group = c.benchmark_group("allocate /30 in a full 169.254.0.0/16");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("interval set", |b| {
        b.iter(|| interval(black_box(&include), black_box(&blocked)))
    });
    group.bench_function("linear scan (baseline)", |b| {
        b.iter(|| linear::first_free_by_scan(black_box(&include), 30, black_box(&blocked)))
    });
    group.finish();

    // The ratio, measured in this run on the same input.
    let time = |f: &dyn Fn() -> Option<u128>, n: u32| {
        let start = Instant::now();
        for _ in 0..n {
            black_box(f());
        }
        start.elapsed() / n
    };
    let fast = time(&|| interval(&include, &blocked), 200);
    let slow = time(&|| linear::first_free_by_scan(&include, 30, &blocked), 3);
    println!(
        "RATIO interval set {:?} vs linear scan {:?} per allocation: {:.0}x faster",
        fast,
        slow,
        slow.as_secs_f64() / fast.as_secs_f64()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
