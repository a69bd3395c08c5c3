//! Reading an activation key: a version 2 key (base64, the envelope, then
//! RSA-OAEP-256 decryption of its payload, `activation_key::decrypt`) against
//! a version 1 key carrying the same facts in clear (base64 and JSON only),
//! measured in the same run; prints the ratios. The V2 reader is timed twice:
//! opened by the environment's newest private key, and by the oldest of the
//! four it keeps (KEY-42), which first tries the three newer ones.
//!
//! ```text
//! cargo bench -p interconnect-core --features rsa-oaep --bench activation_key
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use interconnect_core::activation_key::{
    ActivationKeyEncryptedPayload, ActivationKeyV1, ConnectionUuid, DecodedActivationKey,
    EncodedActivationKey,
};
use interconnect_core::activation_key::{ActivationKeyPrivateKey, decrypt, encrypt};
use interconnect_core::names::EnvironmentName;
use interconnect_core::wire::Secret;

const UUID: &str = "5f0c8a2e-1b3d-4c5e-9f60-7a8b9c0d1e2f";

fn environment() -> EnvironmentName {
    "providers/gcp/environments/aws-gcp-us-east"
        .parse()
        .expect("a valid environment name")
}

fn uuid() -> ConnectionUuid {
    UUID.parse().expect("a valid UUID")
}

/// The version 1 reader: the text to the checked key, as a receiving provider
/// does on ConfirmActivationKey.
fn read_v1(text: &EncodedActivationKey) -> Option<i32> {
    match text.decode().ok()? {
        DecodedActivationKey::V1(key) => Some(key.connection_size_mbps()),
        _ => None,
    }
}

/// The version 2 reader: the text to the envelope, then the payload opened
/// with the first of `keys` that can.
fn read_v2(text: &EncodedActivationKey, keys: &[ActivationKeyPrivateKey]) -> Option<i32> {
    match text.decode().ok()? {
        DecodedActivationKey::V2(key) => Some(decrypt(&key, keys).ok()?.connection_size_mbps()),
        _ => None,
    }
}

fn per_read(read: &dyn Fn() -> Option<i32>, n: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        black_box(read());
    }
    start.elapsed() / n
}

fn bench(c: &mut Criterion) {
    let v1 = ActivationKeyV1::new(environment(), uuid(), 1000, Secret::new("123456789012"))
        .expect("a valid key")
        .encode();
    // newest first, as an environment keeps them
    let keys: Vec<ActivationKeyPrivateKey> = (0..4)
        .map(|_| ActivationKeyPrivateKey::generate().expect("key generation"))
        .collect();
    let payload = ActivationKeyEncryptedPayload::new(
        uuid(),
        1000,
        Secret::new("123456789012"),
        Secret::new("210987654321"),
    )
    .expect("a valid payload");
    let for_newest = encrypt(
        environment(),
        &payload,
        &keys[0].public_key().expect("public key"),
    )
    .expect("encrypts")
    .encode();
    let for_oldest = encrypt(
        environment(),
        &payload,
        &keys[3].public_key().expect("public key"),
    )
    .expect("encrypts")
    .encode();
    assert_eq!(read_v1(&v1), Some(1000));
    assert_eq!(read_v2(&for_newest, &keys), Some(1000));
    assert_eq!(read_v2(&for_oldest, &keys), Some(1000));

    let mut group = c.benchmark_group("read activation key");
    group.bench_function("version 1 (baseline)", |b| {
        b.iter(|| read_v1(black_box(&v1)))
    });
    group.bench_function("version 2, newest key", |b| {
        b.iter(|| read_v2(black_box(&for_newest), &keys))
    });
    group.bench_function("version 2, oldest of four keys", |b| {
        b.iter(|| read_v2(black_box(&for_oldest), &keys))
    });
    group.finish();

    // Interleaved rounds, so machine noise falls on all three alike.
    let (n1, n2) = (20_000, 500);
    let (mut base, mut newest, mut oldest) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for _ in 0..2 {
        base += per_read(&|| read_v1(black_box(&v1)), n1) / 2;
        newest += per_read(&|| read_v2(black_box(&for_newest), &keys), n2) / 2;
        oldest += per_read(&|| read_v2(black_box(&for_oldest), &keys), n2) / 2;
    }
    println!(
        "RATIO activation key read: version 1 {base:?}, version 2 newest key {newest:?} ({:.0}x), \
         version 2 oldest of four keys {oldest:?} ({:.0}x) per read",
        newest.as_secs_f64() / base.as_secs_f64(),
        oldest.as_secs_f64() / base.as_secs_f64()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
