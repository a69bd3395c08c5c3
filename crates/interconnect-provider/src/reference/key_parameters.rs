//! `GetActivationKeyParameters` (`paths/environments.yaml#/ActivationKeyParameters`
//! of upstream main, PR #61; the upstream change list, A3)
//! and the key creator's side of it.
//!
//! Serving (KEY-40): `supportedVersions` from the environment's
//! `activationKeyVersions` (default `[1, 2]`) and, when 2 is among them, the
//! environment's current public key (`RSA-OAEP-256`, PEM `PUBLIC KEY`
//! announced as `PKCS8`, E-205) with `nextRotationAt` (KEY-41).
//!
//! Creating (KEY-44): before issuing a key, the creator asks the
//! destination for its parameters, keeps the answer until its
//! `nextRotationAt` (an hour when it has none), and uses the highest version
//! both know: 2 with the served public key, else 1. A peer that does not
//! serve the operation (404: a server of the May text) gets version 1
//! (E-206); any other failure is the creator's error, never a silent
//! downgrade.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use interconnect_core::activation_key::{
    ALGORITHM, ActivationKeyPublicKey, ActivationKeyV1, ActivationKeyV2, KEY_FORMAT,
};
use interconnect_core::names::EnvironmentName;
use interconnect_core::wire::{self, Timestamp};

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::config::EnvironmentInventory;
use crate::error::{CoordinatorError, CoordinatorResult, ErrorKind};
use crate::request;
use crate::rules;

/// The key versions this release reads and writes.
pub(crate) const KNOWN_VERSIONS: [i32; 2] = [ActivationKeyV1::VERSION, ActivationKeyV2::VERSION];

/// How long an answer without `nextRotationAt` is kept (E-206).
fn default_cache_time() -> Duration {
    Duration::hours(1)
}

/// The versions an environment accepts, ascending, known versions only
/// (the inventory check refuses others, KEY-40).
pub(crate) fn supported_versions(env: &EnvironmentInventory) -> Vec<i32> {
    let mut versions: Vec<i32> = env
        .activation_key_versions
        .iter()
        .copied()
        .filter(|v| KNOWN_VERSIONS.contains(v))
        .collect();
    versions.sort_unstable();
    versions.dedup();
    versions
}

pub(super) fn get_activation_key_parameters(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::GetActivationKeyParameters,
) -> CoordinatorResult<wire::GetActivationKeyParametersResponse> {
    let env = p.environment(caller, &request.name)?;
    let supported_versions = supported_versions(env);
    let encryption = if supported_versions.contains(&ActivationKeyV2::VERSION) {
        let current = p.key_pairs.current(
            p.store.as_ref(),
            &request.name,
            p.clock.now(),
            p.config.policy.activation_key_rotation(),
        )?;
        Some(wire::EncryptionParameters {
            public_key: current.public.to_pem().to_owned(),
            next_rotation_at: Some(Timestamp::from_utc(current.next_rotation_at)),
            algorithm: ALGORITHM.to_owned(),
            key_format: KEY_FORMAT.to_owned(),
        })
    } else {
        None
    };
    Ok(wire::GetActivationKeyParametersResponse {
        supported_versions,
        encryption,
    })
}

/// The version of key to make for a destination environment (KEY-44).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyVersionChoice {
    /// Version 1, in clear.
    V1,
    /// Version 2, encrypted with this public key.
    V2(ActivationKeyPublicKey),
}

/// The creator's cache of destinations' answers, by destination
/// environment (as named in the key), with the time each expires.
#[derive(Debug, Default)]
pub(crate) struct ParametersCache {
    entries: Mutex<BTreeMap<EnvironmentName, (KeyVersionChoice, DateTime<Utc>)>>,
}

/// The versions of an answer for a message: `3, 4`, or `none`.
fn versions_text(versions: &[i32]) -> String {
    if versions.is_empty() {
        return "none".to_owned();
    }
    versions
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The choice an answer leads to, and until when it holds.
fn choose(
    answer: &wire::GetActivationKeyParametersResponse,
    now: DateTime<Utc>,
) -> CoordinatorResult<(KeyVersionChoice, DateTime<Utc>)> {
    let common = answer
        .supported_versions
        .iter()
        .copied()
        .filter(|v| KNOWN_VERSIONS.contains(v))
        .max();
    let until = answer
        .encryption
        .as_ref()
        .and_then(|e| e.next_rotation_at)
        .map(Timestamp::to_utc)
        .filter(|t| *t > now)
        .unwrap_or(now + default_cache_time());
    match common {
        Some(ActivationKeyV2::VERSION) => {
            let encryption = answer.encryption.as_ref().ok_or_else(|| {
                CoordinatorError::failed_precondition(
                    rules::KEY_CREATOR_VERSION,
                    "the destination lists version 2 but serves no encryption parameters",
                )
            })?;
            let public = ActivationKeyPublicKey::from_parameters(
                &encryption.public_key,
                &encryption.algorithm,
                &encryption.key_format,
            )
            .map_err(|e| {
                CoordinatorError::failed_precondition(
                    rules::KEY_CREATOR_VERSION,
                    format!("the destination's activation key parameters: {e}"),
                )
            })?;
            Ok((KeyVersionChoice::V2(public), until))
        }
        Some(_) => Ok((KeyVersionChoice::V1, until)),
        None => Err(CoordinatorError::failed_precondition(
            rules::KEY_CREATOR_VERSION,
            format!(
                "the destination accepts activation key versions {}, none of which this server can make (1, 2)",
                versions_text(&answer.supported_versions)
            ),
        )),
    }
}

impl ReferenceProvider {
    /// The version of key to make for `environment` (named under the
    /// partner, as this server serves it): from the cache, or by asking the
    /// partner's `GetActivationKeyParameters` (KEY-44, E-206). An environment
    /// this side serves with version 1 only is answered version 1 at once.
    pub async fn activation_key_version_for(
        &self,
        environment: &EnvironmentName,
    ) -> CoordinatorResult<KeyVersionChoice> {
        // An environment this side configured for version 1 only
        // (`activationKeyVersions = [1]`) gets version 1 keys without asking:
        // the highest version both sides use is then 1.
        if self
            .shared_environment(environment)
            .is_some_and(|env| !supported_versions(env).contains(&ActivationKeyV2::VERSION))
        {
            return Ok(KeyVersionChoice::V1);
        }
        let now = self.clock.now();
        if let Ok(entries) = self.key_parameters_cache.entries.lock()
            && let Some((choice, until)) = entries.get(environment)
            && *until > now
        {
            return Ok(choice.clone());
        }
        let path = self
            .config
            .provider
            .environment(environment.id())
            .map_err(|e| {
                CoordinatorError::internal(
                    rules::KEY_CREATOR_VERSION,
                    format!("environment name: {e}"),
                )
            })?;
        let peer = self.peers().get(environment.provider())?;
        let me = self.as_caller();
        let answered = peer
            .get_activation_key_parameters(&me, request::GetActivationKeyParameters { name: path })
            .await;
        let (choice, until) = match answered {
            Ok(answer) => choose(&answer, now)?,
            // E-206: a server of the May text has no such operation.
            Err(e) if e.kind() == ErrorKind::NotFound => {
                (KeyVersionChoice::V1, now + default_cache_time())
            }
            Err(e) => return Err(e),
        };
        if let Ok(mut entries) = self.key_parameters_cache.entries.lock() {
            entries.insert(environment.clone(), (choice.clone(), until));
        }
        Ok(choice)
    }

    /// The private keys that may open a version 2 key for `environment`
    /// (as named in the key's `destinationEnvironmentUri`), newest first;
    /// empty when the environment does not accept version 2 (KEY-42,
    /// KEY-46).
    pub(crate) fn activation_key_private_keys(
        &self,
        environment: &EnvironmentName,
    ) -> Vec<interconnect_core::activation_key::ActivationKeyPrivateKey> {
        let Some(env) = self.shared_environment(environment) else {
            return Vec::new();
        };
        if !supported_versions(env).contains(&ActivationKeyV2::VERSION) {
            return Vec::new();
        }
        self.key_pairs.accepted(
            self.store.as_ref(),
            environment,
            self.clock.now(),
            self.config.policy.activation_key_rotation(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(
        versions: &[i32],
        encryption: Option<wire::EncryptionParameters>,
    ) -> wire::GetActivationKeyParametersResponse {
        wire::GetActivationKeyParametersResponse {
            supported_versions: versions.to_vec(),
            encryption,
        }
    }

    /// KEY-44: highest common version; version 1 when the peer lists only
    /// 1; no common version is an error naming the versions.
    #[test]
    fn the_highest_common_version_is_chosen() -> Result<(), Box<dyn std::error::Error>> {
        let now: DateTime<Utc> = "2026-09-01T00:00:00Z".parse()?;
        let private = interconnect_core::activation_key::ActivationKeyPrivateKey::generate()?;
        let public = private.public_key()?;
        let next: DateTime<Utc> = "2026-09-08T00:00:00Z".parse()?;
        let encryption = wire::EncryptionParameters {
            public_key: public.to_pem().to_owned(),
            next_rotation_at: Some(Timestamp::from_utc(next)),
            algorithm: ALGORITHM.to_owned(),
            key_format: "PKCS8".to_owned(),
        };
        assert_eq!(
            choose(&answer(&[1, 2], Some(encryption.clone())), now)?,
            (KeyVersionChoice::V2(public.clone()), next),
            "cached until nextRotationAt"
        );
        assert_eq!(
            choose(&answer(&[2, 1, 7], Some(encryption.clone())), now)?.0,
            KeyVersionChoice::V2(public)
        );
        assert_eq!(
            choose(&answer(&[1], None), now)?,
            (KeyVersionChoice::V1, now + Duration::hours(1))
        );
        let none = choose(&answer(&[3, 4], None), now).expect_err("no common version");
        assert_eq!(none.rule(), rules::KEY_CREATOR_VERSION);
        // Issue 19 item 4: no Rust Debug form (`[3, 4]`) in a message.
        assert!(
            none.message().contains("versions 3, 4,") && !none.message().contains('['),
            "{}",
            none.message()
        );
        let missing = choose(&answer(&[1, 2], None), now).expect_err("2 without encryption");
        assert_eq!(missing.rule(), rules::KEY_CREATOR_VERSION);
        let bad_algorithm = wire::EncryptionParameters {
            algorithm: "RSA-OAEP".to_owned(),
            ..encryption
        };
        let err = choose(&answer(&[2], Some(bad_algorithm)), now).expect_err("algorithm");
        assert!(err.to_string().contains("encryption.algorithm"), "{err}");
        Ok(())
    }
}
