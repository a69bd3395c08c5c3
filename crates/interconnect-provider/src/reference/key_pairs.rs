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
//! The pairs are kept in the store (`State::activation_key_rings`, E-207,
//! E-406), so that a restart keeps decrypting the keys made with public
//! keys already served, and every replica of a shared store serves and
//! reads the same pairs; a durable store seals each record, the private
//! keys with it. A pair is made outside the transaction (RSA key generation
//! takes tens of milliseconds) and kept only if no other replica made the
//! slot's pair first. Parsed private keys are cached in memory by slot.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use interconnect_core::activation_key::{ActivationKeyPrivateKey, ActivationKeyPublicKey};
use interconnect_core::names::EnvironmentName;
use interconnect_core::wire::Secret;

use crate::error::{CoordinatorError, CoordinatorResult};
use crate::rules;
use crate::store::{KeyRing, Store, StoreExt, StoredKeyPair};

/// How many of the most recent slots' keys an environment accepts
/// (upstream: "any of the 4 most recent public keys").
pub(crate) const ACCEPTED_KEYS: i64 = 4;

/// The parsed private keys, by environment and slot, with the PEM they
/// were parsed from (a pair replaced in the store is parsed again).
type Parsed = BTreeMap<(EnvironmentName, i64), (Secret, ActivationKeyPrivateKey)>;

/// The parse cache of the key pairs of every environment of a server (the
/// pairs themselves are in the store). `Debug` shows only how many keys it
/// holds.
#[derive(Default)]
pub(crate) struct KeyPairs {
    parsed: Mutex<Parsed>,
}

impl std::fmt::Debug for KeyPairs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.parsed.lock().map(|r| r.len()).unwrap_or_default();
        write!(f, "KeyPairs(<redacted, {n} parsed keys>)")
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

fn failed<E>(_: E) -> CoordinatorError {
    CoordinatorError::internal(
        rules::KEY_PARAMETERS_ROTATION,
        "the RSA key pair of the environment could not be generated",
    )
}

fn generate(slot: i64) -> CoordinatorResult<StoredKeyPair> {
    let private = ActivationKeyPrivateKey::generate().map_err(failed)?;
    let public = private.public_key().map_err(failed)?;
    Ok(StoredKeyPair {
        slot,
        private_key_pem: Secret::new(private.to_pkcs8_pem().map_err(failed)?),
        public_key_pem: public.to_pem().to_owned(),
    })
}

impl KeyPairs {
    /// The environment's key for the slot of `now`, made if it has none
    /// yet; older keys out of the last [`ACCEPTED_KEYS`] slots are dropped.
    pub(crate) fn current(
        &self,
        store: &dyn Store,
        environment: &EnvironmentName,
        now: DateTime<Utc>,
        period: Duration,
    ) -> CoordinatorResult<CurrentKey> {
        let ring = store
            .view(|s| s.activation_key_rings.get(environment).cloned())
            .flatten();
        let epoch = ring.as_ref().map_or(now, |r| r.epoch);
        let slot = slot_of(epoch, now, period);
        let have = ring
            .as_ref()
            .and_then(|r| r.pairs.first())
            .filter(|p| p.slot >= slot)
            .cloned();
        let (epoch, pair) = match have {
            Some(pair) => (epoch, pair),
            None => {
                let made = generate(slot)?;
                store.update(|s| {
                    let ring = s
                        .activation_key_rings
                        .entry(environment.clone())
                        .or_insert_with(|| KeyRing {
                            epoch: now,
                            pairs: Vec::new(),
                        });
                    // another replica may have made the ring or the pair
                    let slot = slot_of(ring.epoch, now, period);
                    if ring.pairs.first().is_none_or(|p| p.slot < slot) {
                        ring.pairs.insert(0, StoredKeyPair { slot, ..made });
                    }
                    ring.pairs.retain(|p| slot - p.slot < ACCEPTED_KEYS);
                    let first = ring.pairs.first().cloned().ok_or_else(|| {
                        CoordinatorError::internal(rules::KEY_PARAMETERS_ROTATION, "no current key")
                    })?;
                    Ok((ring.epoch, first))
                })?
            }
        };
        let public = ActivationKeyPublicKey::from_pem(&pair.public_key_pem).map_err(|_| {
            CoordinatorError::internal(
                rules::KEY_PARAMETERS_ROTATION,
                "the stored public key of the environment does not read",
            )
        })?;
        let next_slot = i32::try_from(pair.slot + 1).unwrap_or(i32::MAX);
        Ok(CurrentKey {
            public,
            next_rotation_at: epoch + period * next_slot,
        })
    }

    /// The private keys a version 2 key for the environment may have been
    /// made with at `now`, newest first (no key is made here).
    pub(crate) fn accepted(
        &self,
        store: &dyn Store,
        environment: &EnvironmentName,
        now: DateTime<Utc>,
        period: Duration,
    ) -> Vec<ActivationKeyPrivateKey> {
        let Some(ring) = store
            .view(|s| s.activation_key_rings.get(environment).cloned())
            .flatten()
        else {
            return Vec::new();
        };
        let slot = slot_of(ring.epoch, now, period);
        let Ok(mut parsed) = self.parsed.lock() else {
            return Vec::new();
        };
        parsed.retain(|(env, s), _| env != environment || slot - s < ACCEPTED_KEYS);
        ring.pairs
            .iter()
            .filter(|p| slot - p.slot < ACCEPTED_KEYS)
            .filter_map(|p| {
                let key = (environment.clone(), p.slot);
                match parsed.get(&key) {
                    Some((pem, private)) if *pem == p.private_key_pem => Some(private.clone()),
                    _ => {
                        let private =
                            ActivationKeyPrivateKey::from_pkcs8_pem(p.private_key_pem.expose())
                                .ok()?;
                        parsed.insert(key, (p.private_key_pem.clone(), private.clone()));
                        Some(private)
                    }
                }
            })
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
    use crate::store::MemoryStore;

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
        let store = MemoryStore::new();
        let week = Duration::days(7);
        let start: DateTime<Utc> = "2026-09-01T00:00:00Z".parse()?;
        let mut keys = Vec::new();
        for i in 0..5 {
            let now = start + week * i;
            let current = pairs.current(&store, &env(), now, week)?;
            assert_eq!(current.next_rotation_at, start + week * (i + 1), "KEY-41");
            keys.push(encrypt(env(), &payload(), &current.public)?);
        }
        let now = start + week * 4 + Duration::days(1);
        let accepted = pairs.accepted(&store, &env(), now, week);
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
        let store = MemoryStore::new();
        let week = Duration::days(7);
        let start: DateTime<Utc> = "2026-09-01T00:00:00Z".parse()?;
        let first = pairs.current(&store, &env(), start, week)?;
        let later = pairs.current(&store, &env(), start + Duration::days(6), week)?;
        assert_eq!(first.public, later.public, "same week, same key");
        let old = encrypt(env(), &payload(), &first.public)?;
        let next = pairs.current(&store, &env(), start + week, week)?;
        assert_ne!(next.public, first.public, "rotated after a week");
        assert_eq!(
            decrypt(&old, &pairs.accepted(&store, &env(), start + week, week))?,
            payload()
        );
        // Five weeks later with no request in between: the first key's
        // slot is out of the last four.
        let far = start + week * 5;
        assert_eq!(
            decrypt(&old, &pairs.accepted(&store, &env(), far, week)),
            Err(DecryptError)
        );
        // Another environment has its own keys.
        let other: EnvironmentName = "providers/gcp/environments/aws-gcp-eu-west".parse()?;
        let theirs = pairs.current(&store, &other, start, week)?;
        assert_ne!(theirs.public, first.public);
        assert_eq!(
            decrypt(&old, &pairs.accepted(&store, &other, start, week)),
            Err(DecryptError)
        );
        assert!(!format!("{pairs:?}").contains("BEGIN"));
        Ok(())
    }

    /// E-207: the pairs live in the store: a server started again on it
    /// (a fresh parse cache) and a second replica of it serve the same
    /// public key and decrypt a key made before; the store's `Debug` shows
    /// no key material.
    #[test]
    fn a_restart_and_a_replica_keep_the_pairs_of_the_store() -> TestResult {
        let store = MemoryStore::new();
        let week = Duration::days(7);
        let start: DateTime<Utc> = "2026-09-01T00:00:00Z".parse()?;
        let first = KeyPairs::default();
        let served = first.current(&store, &env(), start, week)?;
        let key = encrypt(env(), &payload(), &served.public)?;
        let restarted = KeyPairs::default();
        let later = start + Duration::days(3);
        let again = restarted.current(&store, &env(), later, week)?;
        assert_eq!(again.public, served.public, "the same key after a restart");
        assert_eq!(again.next_rotation_at, served.next_rotation_at);
        assert_eq!(
            decrypt(&key, &restarted.accepted(&store, &env(), later, week))?,
            payload()
        );
        let replica = KeyPairs::default();
        assert_eq!(
            decrypt(&key, &replica.accepted(&store, &env(), later, week))?,
            payload(),
            "another replica of the store decrypts it too"
        );
        let state = store.view(|s| format!("{s:?}")).unwrap_or_default();
        assert!(state.contains("activation_key_rings"), "{state:.200}");
        assert!(!state.contains("PRIVATE KEY"), "Debug shows no key");
        Ok(())
    }
}
