//! Activation keys on the issuer's side: issuing a key for a customer (a
//! connection intent, KEY-26, KEY-27), revoking it, and
//! `ConfirmActivationKey` (`paths/environments.yaml`; `docs/Protocols.md`
//! § Establish Customer Intent; `spec/REQUIREMENTS.md` KEY-14..KEY-22;
//! `spec/ERRATA.md` E-15..E-20, E-71).
//!
//! A key is confirmable while it is unexpired, unrevoked, presented by the
//! provider it was issued for, under the path of its environment, with every
//! member equal to what was issued. Any failure of a present key is the same
//! `200 {"keyValid": false}` (KEY-22): only a request with no key, or with
//! both forms, is 400 (KEY-20, KEY-21). The first `true` marks the key used
//! by that partner; the same partner gets `true` again until a connection
//! with the key's UUID exists (KEY-19).

use std::fmt;

use chrono::{DateTime, Utc};
use interconnect_core::activation_key::{
    ActivationKeyEncryptedPayload, ActivationKeyV1, ActivationKeyV2, ConnectionUuid,
    DecodedActivationKey, EncodedActivationKey, encrypt,
};
use interconnect_core::names::{EnvironmentName, ProviderName};
use interconnect_core::wire::{self, Secret};

use super::ReferenceProvider;
use super::key_parameters::KeyVersionChoice;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;
use crate::rules;
use crate::store::{IssuedKey, State, StoreExt};

/// An activation key this server issued: the text to hand to the customer
/// and its shared connection UUID. `Debug` shows neither (KEY-13).
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedActivationKey {
    encoded: Secret,
    shared_connection_uuid: ConnectionUuid,
}

impl IssuedActivationKey {
    /// The encoded key, as handed to the customer (secret).
    pub fn encoded(&self) -> &Secret {
        &self.encoded
    }

    /// The shared connection UUID inside it (secret while the key is in
    /// flight; the connection's id afterwards).
    pub fn shared_connection_uuid(&self) -> &ConnectionUuid {
        &self.shared_connection_uuid
    }
}

impl fmt::Debug for IssuedActivationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IssuedActivationKey(<redacted>)")
    }
}

/// Work run in the transaction that stores an issued key, given the key's
/// connection UUID.
pub(crate) type StoreHook<'a> =
    dyn Fn(&mut State, &str) -> CoordinatorResult<()> + Send + Sync + 'a;

impl ReferenceProvider {
    /// Issues an activation key for a customer of this server: `environment`
    /// is named under the partner's namespace (as this server serves it),
    /// and must offer `connection_size_mbps` on an active interconnect with
    /// room for it (KEY-26). Stores the connection intent (KEY-27) with the
    /// configured lifetime (KEY-16) and returns the key, whose
    /// `destinationEnvironmentUri` names the environment under this server's
    /// own provider (E-18).
    pub fn issue_activation_key(
        &self,
        environment: &EnvironmentName,
        connection_size_mbps: i32,
        destination_account_id: Secret,
    ) -> CoordinatorResult<IssuedActivationKey> {
        self.issue_activation_key_as(
            environment,
            connection_size_mbps,
            destination_account_id,
            &KeyVersionChoice::V1,
            &Secret::new(""),
        )
    }

    /// Issues a key of the version the destination asks for (KEY-44): asks
    /// the partner's `GetActivationKeyParameters` (or uses its cached
    /// answer), then issues as [`issue_activation_key_as`](Self::issue_activation_key_as).
    /// `source_account_id` is the customer's account here, carried in
    /// version 2 keys.
    pub async fn issue_negotiated_activation_key(
        &self,
        environment: &EnvironmentName,
        connection_size_mbps: i32,
        destination_account_id: Secret,
        source_account_id: &Secret,
    ) -> CoordinatorResult<IssuedActivationKey> {
        self.issue_negotiated_key_with(
            environment,
            connection_size_mbps,
            destination_account_id,
            source_account_id,
            &|_, _| Ok(()),
        )
        .await
    }

    /// [`issue_negotiated_activation_key`](Self::issue_negotiated_activation_key),
    /// with `also` run in the transaction that stores the key (given the
    /// key's connection UUID): its error undoes the key (OPS-74, OPS-76).
    pub(crate) async fn issue_negotiated_key_with(
        &self,
        environment: &EnvironmentName,
        connection_size_mbps: i32,
        destination_account_id: Secret,
        source_account_id: &Secret,
        also: &StoreHook<'_>,
    ) -> CoordinatorResult<IssuedActivationKey> {
        if self.shared_environment(environment).is_none() {
            return Err(CoordinatorError::not_found(
                rules::ENV_NOT_FOUND,
                format!("{environment} is not shared with a partner of this server"),
            ));
        }
        let choice = self.activation_key_version_for(environment).await?;
        self.issue_key_with(
            environment,
            connection_size_mbps,
            destination_account_id,
            &choice,
            source_account_id,
            also,
        )
    }

    /// Issues a key of the version chosen: version 1 in clear, or version 2
    /// with its payload (including `source_account_id`) encrypted with the
    /// destination's public key. A version 2 payload longer than 190 bytes
    /// is refused with 400 (E-204).
    pub fn issue_activation_key_as(
        &self,
        environment: &EnvironmentName,
        connection_size_mbps: i32,
        destination_account_id: Secret,
        version: &KeyVersionChoice,
        source_account_id: &Secret,
    ) -> CoordinatorResult<IssuedActivationKey> {
        self.issue_key_with(
            environment,
            connection_size_mbps,
            destination_account_id,
            version,
            source_account_id,
            &|_, _| Ok(()),
        )
    }

    /// Issues the key; the transaction that stores it checks the partner's
    /// quota of unused keys (OPS-75) and runs `also`.
    fn issue_key_with(
        &self,
        environment: &EnvironmentName,
        connection_size_mbps: i32,
        destination_account_id: Secret,
        version: &KeyVersionChoice,
        source_account_id: &Secret,
        also: &StoreHook<'_>,
    ) -> CoordinatorResult<IssuedActivationKey> {
        let env = self.shared_environment(environment).ok_or_else(|| {
            CoordinatorError::not_found(
                rules::ENV_NOT_FOUND,
                format!("{environment} is not shared with a partner of this server"),
            )
        })?;
        if connection_size_mbps <= 0
            || !env
                .environment
                .supported_connection_size_mbps
                .contains(&connection_size_mbps)
        {
            return Err(CoordinatorError::invalid_argument(
                rules::KEY_ISSUE_CHECKS,
                format!("{environment} does not offer {connection_size_mbps} Mbps"),
            ));
        }
        let uuid = ConnectionUuid::from_bytes(uuid::Uuid::new_v4().into_bytes());
        let destination = self
            .config
            .provider
            .environment(environment.id())
            .map_err(|e| {
                CoordinatorError::internal(
                    rules::KEY_ISSUE_CHECKS,
                    format!("environment name: {e}"),
                )
            })?;
        let encoded = match version {
            KeyVersionChoice::V1 => {
                let key = ActivationKeyV1::new(
                    destination,
                    uuid.clone(),
                    connection_size_mbps,
                    destination_account_id.clone(),
                )
                .map_err(|e| {
                    CoordinatorError::invalid_argument(rules::KEY_ACCOUNT_ID, e.to_string())
                })?;
                Secret::new(key.encode().expose())
            }
            KeyVersionChoice::V2(public_key) => {
                let payload = ActivationKeyEncryptedPayload::new(
                    uuid.clone(),
                    connection_size_mbps,
                    destination_account_id.clone(),
                    source_account_id.clone(),
                )
                .map_err(|e| {
                    CoordinatorError::invalid_argument(rules::KEY_ACCOUNT_ID, e.to_string())
                })?;
                let key = encrypt(destination, &payload, public_key).map_err(|e| {
                    CoordinatorError::invalid_argument(rules::KEY_CREATOR_VERSION, e.to_string())
                })?;
                Secret::new(key.encode().expose())
            }
        };
        let now = self.clock.now();
        let record = IssuedKey {
            environment: environment.clone(),
            shared_connection_uuid: Secret::new(uuid.as_str()),
            connection_size_mbps,
            destination_account_id,
            encoded: encoded.clone(),
            issued_at: now,
            expires_at: now + self.config.policy.activation_key_ttl(),
            confirmed_by: None,
            revoked: false,
        };
        self.store.update(|state| {
            if self
                .most_free_interconnect(state, env, connection_size_mbps, &[])
                .is_none()
            {
                return Err(CoordinatorError::failed_precondition(
                    rules::KEY_ISSUE_CHECKS,
                    format!(
                        "no active interconnect of {environment} has {connection_size_mbps} Mbps available"
                    ),
                ));
            }
            if state.issued_keys.contains_key(uuid.as_str()) {
                return Err(CoordinatorError::internal(
                    rules::KEY_INTENT_STORED,
                    "a freshly generated connection UUID is already in use",
                ));
            }
            super::quotas::check_partner_keys(
                state,
                &self.config.policy.quotas,
                environment.provider(),
                now,
            )?;
            state
                .issued_keys
                .insert(uuid.as_str().to_owned(), record.clone());
            also(state, uuid.as_str())
        })?;
        Ok(IssuedActivationKey {
            encoded,
            shared_connection_uuid: uuid,
        })
    }

    /// Revokes an issued key: it is never confirmed again (CONN-12). 404
    /// when this server issued no such key.
    pub fn revoke_activation_key(&self, uuid: &ConnectionUuid) -> CoordinatorResult<()> {
        self.store.update(|state| {
            let key = state.issued_keys.get_mut(uuid.as_str()).ok_or_else(|| {
                CoordinatorError::not_found(
                    rules::KEY_ISSUED_HERE,
                    "this server issued no activation key with that UUID",
                )
            })?;
            key.revoked = true;
            Ok(())
        })
    }
}

/// A key as presented for confirmation.
#[derive(PartialEq)]
enum Presented {
    /// A version 1 key, every member readable.
    V1(ActivationKeyV1),
    /// A version 2 key: this server cannot decrypt it (it was encrypted for
    /// the partner), so it is confirmed by its exact contents (KEY-45).
    V2(ActivationKeyV2),
}

/// The key a request presents: `Err` for a request with nothing to check
/// (KEY-20), `Ok(None)` for a key that does not read as a version 1 or 2
/// key (answered `keyValid: false`, KEY-22). Both `key` and `encodedKey`
/// present is the key they both hold when they agree and `Ok(None)` when
/// they do not (KEY-21, E-16).
fn presented_key(body: &wire::ConfirmActivationKeyRequest) -> CoordinatorResult<Option<Presented>> {
    match (&body.key, &body.encoded_key) {
        (Some(key), Some(text)) => Ok(decoded(text)
            .zip(from_object(key))
            .filter(|(a, b)| a == b)
            .map(|(a, _)| a)),
        (None, None) => Err(CoordinatorError::invalid_argument(
            rules::KEY_REQUEST_HAS_KEY,
            "the request holds no activation key",
        )),
        (None, Some(text)) if text.expose().trim().is_empty() => Err(
            CoordinatorError::invalid_argument(rules::KEY_REQUEST_HAS_KEY, "encodedKey is empty"),
        ),
        (None, Some(text)) => Ok(decoded(text)),
        (Some(key), None) => Ok(from_object(key)),
    }
}

/// An `encodedKey` read leniently (KEY-22): `None` unless a version 1 or 2 key.
fn decoded(text: &wire::Secret) -> Option<Presented> {
    EncodedActivationKey::new(text.expose())
        .ok()
        .and_then(|k| k.decode().ok())
        .and_then(|k| match k {
            DecodedActivationKey::V1(k) => Some(Presented::V1(k)),
            DecodedActivationKey::V2(k) => Some(Presented::V2(k)),
            _ => None,
        })
}

/// The deprecated object form, read like its encoding (KEY-21).
fn from_object(key: &wire::ActivationKey) -> Option<Presented> {
    match key {
        wire::ActivationKey::V1(key) => {
            let uuid = key.shared_connection_uuid.expose().parse().ok()?;
            ActivationKeyV1::new(
                key.destination_environment_uri.clone(),
                uuid,
                key.connection_size_mbps,
                key.destination_account_id.clone(),
            )
            .ok()
            .map(Presented::V1)
        }
        wire::ActivationKey::V2(key) => {
            let bytes = base64::Engine::decode(
                &base64::engine::general_purpose::STANDARD,
                key.encrypted_contents.as_bytes(),
            )
            .ok()?;
            ActivationKeyV2::new(key.destination_environment_uri.clone(), bytes)
                .ok()
                .map(Presented::V2)
        }
        wire::ActivationKey::Other(_) => None,
    }
}

pub(super) fn confirm_activation_key(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::ConfirmActivationKey,
) -> CoordinatorResult<wire::ConfirmActivationKeyResponse> {
    p.environment(caller, &request.name)?;
    let valid = match presented_key(&request.body)? {
        None => false,
        Some(key) => {
            let now = p.clock.now();
            let own = &p.config.provider;
            p.store
                .update(|state| Ok(confirm(state, own, &request.name, &key, now)))?
        }
    };
    Ok(wire::ConfirmActivationKeyResponse {
        key_valid: Some(valid),
    })
}

/// The UUID of the issued key a version 2 key is, found by its contents:
/// the same destination and the same ciphertext as a key issued here
/// (KEY-45; the envelope is thus bound to the ciphertext, E-202).
fn issued_v2_uuid(state: &State, key: &ActivationKeyV2) -> Option<String> {
    state.issued_keys.iter().find_map(|(uuid, issued)| {
        let ours = EncodedActivationKey::new(issued.encoded.expose())
            .ok()?
            .decode()
            .ok()?;
        match ours {
            DecodedActivationKey::V2(ours) if &ours == key => Some(uuid.clone()),
            _ => None,
        }
    })
}

/// KEY-14..KEY-19 on one key; marks it used on the first success.
fn confirm(
    state: &mut State,
    own: &ProviderName,
    path: &EnvironmentName,
    key: &Presented,
    now: DateTime<Utc>,
) -> bool {
    let uuid = match key {
        Presented::V1(k) => k.shared_connection_uuid().as_str().to_owned(),
        Presented::V2(k) => match issued_v2_uuid(state, k) {
            Some(uuid) => uuid,
            None => return false,
        },
    };
    let connection_exists = state.connections.has_id(&uuid);
    // KEY-14: issued here, and the intent still stands
    let Some(issued) = state.issued_keys.get_mut(&uuid) else {
        return false;
    };
    let partner = path.provider();
    let (key_env, size, account) = match key {
        Presented::V1(k) => (
            k.destination_environment(),
            k.connection_size_mbps(),
            k.destination_account_id().expose(),
        ),
        // KEY-45: the contents matched the issued text; its members are
        // the issued ones.
        Presented::V2(k) => (
            k.destination_environment(),
            issued.connection_size_mbps,
            issued.destination_account_id.expose(),
        ),
    };
    let checks = [
        !issued.revoked,
        // KEY-16
        now < issued.expires_at,
        // KEY-18: the path's environment, the provider it was issued for
        &issued.environment == path,
        // KEY-17: every member as issued (E-18: either provider of the pair)
        key_env.id() == issued.environment.id()
            && (key_env.provider() == own || key_env.provider() == partner),
        size == issued.connection_size_mbps,
        issued.destination_account_id.matches(account.as_bytes()),
    ];
    if checks.contains(&false) {
        return false;
    }
    // KEY-15, KEY-19
    match &issued.confirmed_by {
        Some(by) => by == partner && !connection_exists,
        None => {
            issued.confirmed_by = Some(partner.clone());
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::clock::Clock;
    use crate::error::ErrorKind;
    use crate::testing::Fixture;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn ask(
        f: &Fixture<std::sync::Arc<ReferenceProvider>>,
        env: &EnvironmentName,
        body: wire::ConfirmActivationKeyRequest,
    ) -> CoordinatorResult<bool> {
        confirm_activation_key(
            &f.server,
            &f.caller(),
            request::ConfirmActivationKey {
                name: env.clone(),
                body,
            },
        )
        .map(|r| r.key_valid == Some(true))
    }

    fn encoded(text: &str) -> wire::ConfirmActivationKeyRequest {
        wire::ConfirmActivationKeyRequest {
            key: None,
            encoded_key: Some(Secret::new(text)),
        }
    }

    fn issue(f: &Fixture<std::sync::Arc<ReferenceProvider>>) -> IssuedActivationKey {
        f.server
            .issue_activation_key(&f.environment(), 2000, Secret::new("123456789012"))
            .expect("KEY-26: the default environment offers 2000 Mbps")
    }

    /// A key with one member changed, encoded by us, for KEY-17.
    fn altered(
        issued: &IssuedActivationKey,
        change: impl FnOnce(&mut (EnvironmentName, i32, Secret)),
    ) -> String {
        let original =
            match EncodedActivationKey::new(issued.encoded().expose()).and_then(|k| k.decode()) {
                Ok(DecodedActivationKey::V1(k)) => k,
                other => panic!("issued key reads back: {other:?}"),
            };
        let mut members = (
            original.destination_environment().clone(),
            original.connection_size_mbps(),
            original.destination_account_id().clone(),
        );
        change(&mut members);
        ActivationKeyV1::new(
            members.0,
            original.shared_connection_uuid().clone(),
            members.1,
            members.2,
        )
        .expect("valid members")
        .encode()
        .expose()
        .to_owned()
    }

    #[test]
    fn an_issued_key_names_the_issuer_environment_and_hides_its_secrets() -> TestResult {
        let f = Fixture::new();
        let key = issue(&f);
        let decoded = EncodedActivationKey::new(key.encoded().expose())?.decode()?;
        let DecodedActivationKey::V1(k) = decoded else {
            panic!("version 1")
        };
        assert_eq!(
            k.destination_environment().to_string(),
            "providers/aws/environments/aws-gcp-us-east",
            "E-18"
        );
        assert_eq!(k.shared_connection_uuid(), key.shared_connection_uuid());
        let shown = format!("{key:?}");
        assert!(
            !shown.contains(key.shared_connection_uuid().as_str()),
            "KEY-13"
        );
        assert!(!shown.contains(key.encoded().expose()), "KEY-13");
        let stored = f
            .server
            .store()
            .view(|s| s.issued_keys.len())
            .unwrap_or_default();
        assert_eq!(stored, 1, "KEY-27: the intent is stored");
        Ok(())
    }

    #[test]
    fn issuing_checks_size_and_room() {
        let f = Fixture::new();
        let err = f
            .server
            .issue_activation_key(&f.environment(), 3000, Secret::new("a"))
            .expect_err("KEY-26: 3000 Mbps is not offered");
        assert_eq!(err.rule(), rules::KEY_ISSUE_CHECKS);
        for ix in ["ix1", "ix2"] {
            f.backend.set_unavailable(&f.interconnect(ix), true);
        }
        let err = f
            .server
            .issue_activation_key(&f.environment(), 2000, Secret::new("a"))
            .expect_err("KEY-26: no interconnect can take it");
        assert_eq!(
            (err.kind(), err.rule()),
            (ErrorKind::FailedPrecondition, rules::KEY_ISSUE_CHECKS)
        );
        let err = f
            .server
            .issue_activation_key(&f.environment(), 2000, Secret::new(""))
            .expect_err("KEY-11");
        assert_eq!(err.rule(), rules::KEY_ACCOUNT_ID);
    }

    #[test]
    fn a_request_without_a_key_is_refused_and_two_agreeing_copies_are_one() -> TestResult {
        let f = Fixture::new();
        let env = f.environment();
        let none = ask(&f, &env, wire::ConfirmActivationKeyRequest::default()).expect_err("KEY-20");
        assert_eq!(
            (none.kind(), none.rule()),
            (ErrorKind::InvalidArgument, "KEY-20")
        );
        let empty = ask(&f, &env, encoded(" \n")).expect_err("KEY-20");
        assert_eq!(empty.rule(), "KEY-20");
        let object_of =
            |key: &wire::Secret| -> Result<wire::ActivationKey, Box<dyn std::error::Error>> {
                Ok(serde_json::from_str(&String::from_utf8(
                    base64::Engine::decode(
                        &base64::engine::general_purpose::STANDARD,
                        key.expose(),
                    )?,
                )?)?)
            };
        let key = issue(&f);
        let other = issue(&f);
        // KEY-21 (E-16 reversed): two copies that disagree are an invalid key
        let disagreeing = wire::ConfirmActivationKeyRequest {
            key: Some(object_of(other.encoded())?),
            encoded_key: Some(key.encoded().clone()),
        };
        assert!(
            !ask(&f, &env, disagreeing)?,
            "KEY-21: different key and encodedKey answer keyValid false"
        );
        // KEY-21: both sent and equal (normal while `key` is deprecated)
        let both = wire::ConfirmActivationKeyRequest {
            key: Some(object_of(key.encoded())?),
            encoded_key: Some(key.encoded().clone()),
        };
        assert!(
            ask(&f, &env, both)?,
            "KEY-21: two equal copies are accepted"
        );
        let deprecated = wire::ConfirmActivationKeyRequest {
            key: Some(object_of(other.encoded())?),
            encoded_key: None,
        };
        assert!(
            ask(&f, &env, deprecated)?,
            "KEY-21: the key object alone is checked"
        );
        Ok(())
    }

    #[test]
    fn every_failing_key_gets_the_same_false() -> TestResult {
        let f = Fixture::new();
        let env = f.environment();
        let key = issue(&f);
        // KEY-22: malformed
        assert!(!ask(&f, &env, encoded("not base64 at all!"))?);
        // KEY-14: not issued here
        let foreign = ActivationKeyV1::new(
            "providers/aws/environments/aws-gcp-us-east".parse()?,
            "00000000-0000-4000-8000-000000000000".parse()?,
            2000,
            Secret::new("123456789012"),
        )?;
        assert!(
            !ask(&f, &env, encoded(foreign.encode().expose()))?,
            "KEY-14"
        );
        // KEY-17: each member
        let other_size = altered(&key, |m| m.1 = 1000);
        assert!(!ask(&f, &env, encoded(&other_size))?, "KEY-17 size");
        let other_account = altered(&key, |m| m.2 = Secret::new("999"));
        assert!(!ask(&f, &env, encoded(&other_account))?, "KEY-17 account");
        let other_env = altered(&key, |m| {
            m.0 = "providers/aws/environments/aws-gcp-eu-west"
                .parse()
                .expect("valid")
        });
        assert!(!ask(&f, &env, encoded(&other_env))?, "KEY-17 environment");
        let stranger_env = altered(&key, |m| {
            m.0 = "providers/azure/environments/aws-gcp-us-east"
                .parse()
                .expect("valid")
        });
        assert!(
            !ask(&f, &env, encoded(&stranger_env))?,
            "KEY-17/E-18 provider"
        );
        // KEY-18: another path environment
        let eu = f.environment_id("aws-gcp-eu-west");
        assert!(!ask(&f, &eu, encoded(key.encoded().expose()))?, "KEY-18");
        // E-18: the partner-namespace form of the environment is accepted
        let partner_form = altered(&key, |m| m.0 = f.environment());
        assert!(ask(&f, &env, encoded(&partner_form))?, "E-18");
        Ok(())
    }

    #[test]
    fn keys_expire_and_revoke() -> TestResult {
        let f = Fixture::new();
        let env = f.environment();
        let key = issue(&f);
        f.clock
            .advance(f.server.config().policy.activation_key_ttl() - Duration::seconds(1));
        let second = issue(&f);
        f.clock.advance(Duration::seconds(1));
        assert!(!ask(&f, &env, encoded(key.encoded().expose()))?, "KEY-16");
        f.server
            .revoke_activation_key(second.shared_connection_uuid())?;
        assert!(
            !ask(&f, &env, encoded(second.encoded().expose()))?,
            "CONN-12"
        );
        Ok(())
    }

    #[test]
    fn confirmation_is_idempotent_for_the_same_partner_until_a_connection_exists() -> TestResult {
        let f = Fixture::new();
        let env = f.environment();
        let key = issue(&f);
        let text = key.encoded().expose().to_owned();
        // whitespace and line breaks are read through (KEY-3)
        let (head, tail) = text.split_at(10);
        assert!(ask(&f, &env, encoded(&format!("{head}\n {tail}")))?);
        assert!(ask(&f, &env, encoded(&text))?, "KEY-19: again true");
        // another partner may not confirm a used key (KEY-15)
        f.server.store().update(|s| {
            if let Some(k) = s.issued_keys.get_mut(key.shared_connection_uuid().as_str()) {
                k.confirmed_by = Some(ProviderName::new("azure").expect("valid"));
            }
            Ok(())
        })?;
        assert!(!ask(&f, &env, encoded(&text))?, "KEY-15");
        f.server.store().update(|s| {
            if let Some(k) = s.issued_keys.get_mut(key.shared_connection_uuid().as_str()) {
                k.confirmed_by = Some(f.partner.clone());
            }
            let name = f
                .interconnect("ix1")
                .connection(key.shared_connection_uuid().as_str())
                .expect("valid");
            s.connections.insert(
                name.clone(),
                crate::store::ConnectionRecord {
                    connection: wire::Connection {
                        name: Some(name),
                        ..Default::default()
                    },
                    created_at: f.clock.now(),
                    negotiator_here: false,
                    update_in_flight: None,
                    notifications_received: Vec::new(),
                    seen_on_peer: false,
                },
            );
            Ok(())
        })?;
        assert!(
            !ask(&f, &env, encoded(&text))?,
            "KEY-19: a connection exists"
        );
        Ok(())
    }
}
