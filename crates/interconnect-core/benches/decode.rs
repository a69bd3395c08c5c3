//! Decoding a `Feature` document: [`wire::from_json`], which reads structs
//! only from objects (WIRE-20, `wire/objects_only.rs`), against the plain
//! path-tracking read it wraps (`serde_path_to_error` over `serde_json`),
//! measured in the same run; prints the ratio.
//!
//! ```text
//! cargo bench -p interconnect-core --bench decode
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use interconnect_core::wire::{self, Feature};

const DOC: &[u8] = br#"{
  "name": "providers/aws/environments/aws-gcp-us-east/interconnects/ix1/connections/c1/features/f1",
  "channel": "providers/aws/environments/aws-gcp-us-east/interconnects/ix1/channels/ch1",
  "featureConfig": {
    "featureType": "FEATURE_TYPE_L3_BASE",
    "l3BaseConfig": {
      "ipv4Subnet": "169.254.1.16/30", "ipv4SubnetPrefixLength": 30,
      "ipv6Subnet": "fd20::/126", "ipv6SubnetPrefixLength": 126,
      "mtuBytes": 8896, "vlanId": 2000,
      "providerBgpConfigs": [
        {"provider": "providers/aws", "asn": 64512, "hostIpv4": "169.254.1.17", "hostIpv6": "fd20::1"},
        {"provider": "providers/gcp", "asn": 16550, "hostIpv4": "169.254.1.18", "hostIpv6": "fd20::2"}
      ]
    }
  },
  "provisioningState": "PROVISIONING_STATE_PROVISIONED"
}"#;

/// The read `from_json` did before structs were restricted to objects.
fn plain(text: &[u8]) -> Option<Feature> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let f = serde_path_to_error::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(f)
}

fn objects_only(text: &[u8]) -> Option<Feature> {
    wire::from_json(text).ok()
}

fn per_decode(read: fn(&[u8]) -> Option<Feature>, n: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        black_box(read(black_box(DOC)));
    }
    start.elapsed() / n
}

fn bench(c: &mut Criterion) {
    assert!(plain(DOC).is_some() && plain(DOC) == objects_only(DOC));
    let mut group = c.benchmark_group("decode Feature");
    group.bench_function("from_json (objects only)", |b| {
        b.iter(|| objects_only(black_box(DOC)))
    });
    group.bench_function("serde_path_to_error (baseline)", |b| {
        b.iter(|| plain(black_box(DOC)))
    });
    group.finish();
    // 100,000 decodes each, interleaved twice to even out machine noise.
    let n = 100_000;
    let (mut ours, mut base) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..2 {
        ours += per_decode(objects_only, n) / 2;
        base += per_decode(plain, n) / 2;
    }
    println!(
        "RATIO from_json {ours:?} vs baseline {base:?} per decode ({n} decodes): {:.3}x the baseline's time",
        ours.as_secs_f64() / base.as_secs_f64()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
