//! The RSA key pairs of each environment for version 2 activation keys
//! (`EncryptionParameters` in `schemas/environment.yaml` of upstream main;
//! the upstream change list, A3; KEY-41, KEY-42, E-207).
//!
//! Rotation follows a fixed schedule of slots of one rotation period
//! (`policy.activationKeyRotationSeconds`, default a week) counted from the
//! first key of the environment, read from the injectable clock. A key
//! belongs to the slot it was made in; the keys of the 4 most recent slots
//! are accepted, so a public key stays usable for three periods after it is
//! replaced. Keys are made when first needed: a slot in which nobody asked
//! gets no key (its public key was never served, so nothing was encrypted
//! with it), but it still counts, so an idle month does not keep an old key
//! alive.
//!
//! Private keys live in memory only, never in the store (whose state can be
//! written to disk and shown by operator tools); after a restart an
//! environment starts a new key, and a version 2 key made with an earlier
//! public key no longer decrypts (E-207).

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use interconnect_core::activation_key::{ActivationKeyPrivateKey, ActivationKeyPublicKey};
use interconnect_core::names::EnvironmentName;

use crate::error::{CoordinatorError, CoordinatorResult};
use crate::rules;

/// How many of the most recent slots' keys an environment accepts
/// (upstream: "any of the 4 most recent public keys").
pub(crate) const ACCEPTED_KEYS: i64 = 4;

/// One key of an environment.
struct Pair {
    slot: i64,
    private: ActivationKeyPrivateKey,
    public: ActivationKeyPublicKey,
}

/// The keys of one environment, newest first.
struct Ring {
    epoch: DateTime<Utc>,
    pairs: Vec<Pair>,
}

/// The key pairs of every environment of a server. `Debug` shows only how
/// many environments have keys.
#[derive(Default)]
pub(crate) struct KeyPairs {
    rings: Mutex<BTreeMap<EnvironmentName, Ring>>,
}

impl std::fmt::Debug for KeyPairs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.rings.lock().map(|r| r.len()).unwrap_or_default();
        write!(f, "KeyPairs(<redacted, {n} environments>)")
    }
}

/// The current public key of an environment and when it is replaced.
pub(crate) struct CurrentKey {
    pub(crate) public: ActivationKeyPublicKey,
    pub(crate) next_rotation_at: DateTime<Utc>,
}

fn slot_of(epoch: DateTime<Utc>, now: DateTime<Utc>, period: Duration) -> i64 {
    let elapsed = (now - epoch).num_milliseconds().max(0);
    elapsed / period.num_milliseconds().max(1)
}

fn generate(slot: i64) -> CoordinatorResult<Pair> {
    let failed = |_| {
        CoordinatorError::internal(
            rules::KEY_PARAMETERS_ROTATION,
            "the RSA key pair of the environment could not be generated",
        )
    };
    let private = ActivationKeyPrivateKey::generate().map_err(failed)?;
    let public = private.public_key().map_err(failed)?;
    Ok(Pair {
        slot,
        private,
        public,
    })
}

impl KeyPairs {
    /// The environment's key for the slot of `now`, made if it has none
    /// yet; older keys out of the last [`ACCEPTED_KEYS`] slots are dropped.
    pub(crate) fn current(
        &self,
        environment: &EnvironmentName,
        now: DateTime<Utc>,
        period: Duration,
    ) -> CoordinatorResult<CurrentKey> {
        let mut rings = self.rings.lock().map_err(|_| {
            CoordinatorError::internal(rules::KEY_PARAMETERS_ROTATION, "key pairs lock poisoned")
        })?;
        let ring = rings.entry(environment.clone()).or_insert_with(|| Ring {
            epoch: now,
            pairs: Vec::new(),
        });
        let slot = slot_of(ring.epoch, now, period);
        if ring.pairs.first().is_none_or(|p| p.slot < slot) {
            ring.pairs.insert(0, generate(slot)?);
        }
        ring.pairs.retain(|p| slot - p.slot < ACCEPTED_KEYS);
        let public = ring
            .pairs
            .first()
            .map(|p| p.public.clone())
            .ok_or_else(|| {
                CoordinatorError::internal(rules::KEY_PARAMETERS_ROTATION, "no current key")
            })?;
        let next_slot = i32::try_from(slot + 1).unwrap_or(i32::MAX);
        Ok(CurrentKey {
            public,
            next_rotation_at: ring.epoch + period * next_slot,
        })
    }

    /// The private keys a version 2 key for the environment may have been
    /// made with at `now`, newest first (no key is made here).
    pub(crate) fn accepted(
        &self,
        environment: &EnvironmentName,
        now: DateTime<Utc>,
        period: Duration,
    ) -> Vec<ActivationKeyPrivateKey> {
        let Ok(rings) = self.rings.lock() else {
            return Vec::new();
        };
        let Some(ring) = rings.get(environment) else {
            return Vec::new();
        };
        let slot = slot_of(ring.epoch, now, period);
        ring.pairs
            .iter()
            .filter(|p| slot - p.slot < ACCEPTED_KEYS)
            .map(|p| p.private.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use interconnect_core::activation_key::{
        ActivationKeyEncryptedPayload, DecryptError, decrypt, encrypt,
    };
    use interconnect_core::wire::Secret;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn env() -> EnvironmentName {
        "providers/gcp/environments/aws-gcp-us-east"
            .parse()
            .expect("valid")
    }

    fn payload() -> ActivationKeyEncryptedPayload {
        ActivationKeyEncryptedPayload::new(
            "5f0c8a2e-1b3d-4c5e-9f60-7a8b9c0d1e2f"
                .parse()
                .expect("valid"),
            1000,
            Secret::new("123456789012"),
            Secret::new("210987654321"),
        )
        .expect("valid")
    }

    /// KEY-42: keys made with the public keys of the 4 most recent
    /// rotations decrypt; the 5th-oldest does not.
    #[test]
    fn the_four_most_recent_keys_are_accepted_and_the_fifth_is_not() -> TestResult {
        let pairs = KeyPairs::default();
        let week = Duration::days(7);
        let start: DateTime<Utc> = "2026-09-01T00:00:00Z".parse()?;
        let mut keys = Vec::new();
        for i in 0..5 {
            let now = start + week * i;
            let current = pairs.current(&env(), now, week)?;
            assert_eq!(current.next_rotation_at, start + week * (i + 1), "KEY-41");
            keys.push(encrypt(env(), &payload(), &current.public)?);
        }
        let now = start + week * 4 + Duration::days(1);
        let accepted = pairs.accepted(&env(), now, week);
        assert_eq!(accepted.len(), 4);
        for (i, key) in keys.iter().enumerate().skip(1) {
            assert_eq!(decrypt(key, &accepted)?, payload(), "key {i}");
        }
        assert_eq!(
            decrypt(&keys[0], &accepted),
            Err(DecryptError),
            "5th-oldest"
        );
        Ok(())
    }

    /// KEY-41: the same key is served within a period; a new one after it;
    /// idle periods count, so an old key is not kept alive by idleness.
    #[test]
    fn keys_rotate_on_schedule_and_idle_periods_count() -> TestResult {
        let pairs = KeyPairs::default();
        let week = Duration::days(7);
        let start: DateTime<Utc> = "2026-09-01T00:00:00Z".parse()?;
        let first = pairs.current(&env(), start, week)?;
        let later = pairs.current(&env(), start + Duration::days(6), week)?;
        assert_eq!(first.public, later.public, "same week, same key");
        let old = encrypt(env(), &payload(), &first.public)?;
        let next = pairs.current(&env(), start + week, week)?;
        assert_ne!(next.public, first.public, "rotated after a week");
        assert_eq!(
            decrypt(&old, &pairs.accepted(&env(), start + week, week))?,
            payload()
        );
        // Five weeks later with no request in between: the first key's
        // slot is out of the last four.
        let far = start + week * 5;
        assert_eq!(
            decrypt(&old, &pairs.accepted(&env(), far, week)),
            Err(DecryptError)
        );
        // Another environment has its own keys.
        let other: EnvironmentName = "providers/gcp/environments/aws-gcp-eu-west".parse()?;
        let theirs = pairs.current(&other, start, week)?;
        assert_ne!(theirs.public, first.public);
        assert_eq!(
            decrypt(&old, &pairs.accepted(&other, start, week)),
            Err(DecryptError)
        );
        assert!(!format!("{pairs:?}").contains("BEGIN"));
        Ok(())
    }
}
