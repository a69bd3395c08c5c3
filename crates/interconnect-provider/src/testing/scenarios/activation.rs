//! KEY-14..KEY-22: `ConfirmActivationKey` through the API. Keys are issued
//! with [`ReferenceProvider::issue_activation_key`](crate::ReferenceProvider::issue_activation_key)
//! on the fixture's server (the customer side of the API is not an
//! operation).

use chrono::Duration;
use interconnect_core::names::EnvironmentName;
use interconnect_core::wire::{self, Secret};

use crate::coordinator::ConnectionCoordinator;
use crate::error::{CoordinatorResult, ErrorKind};
use crate::reference::IssuedActivationKey;
use crate::request;
use crate::testing::Fixture;

/// Issues a key of `mbps` in the fixture's first environment (set-up, not API).
pub fn issue_key<C>(f: &Fixture<C>, mbps: i32) -> IssuedActivationKey {
    f.server
        .issue_activation_key(&f.environment(), mbps, Secret::new("123456789012"))
        .unwrap_or_else(|e| panic!("KEY-26: issuing a {mbps} Mbps key: {e}"))
}

/// Asks the target to confirm `text` under `env`, as the partner.
pub async fn confirm_text<C: ConnectionCoordinator>(
    f: &Fixture<C>,
    env: &EnvironmentName,
    text: &str,
) -> CoordinatorResult<bool> {
    f.target
        .confirm_activation_key(
            &f.caller(),
            request::ConfirmActivationKey {
                name: env.clone(),
                body: wire::ConfirmActivationKeyRequest {
                    key: None,
                    encoded_key: Some(Secret::new(text)),
                },
            },
        )
        .await
        .map(|r| r.key_valid == Some(true))
}

/// KEY-14, KEY-18, KEY-19, KEY-22: an issued key is confirmed (again by the
/// same partner), anything else is a plain `false`.
pub async fn confirm_activation_key_accepts_only_issued_keys<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let env = f.environment();
    let key = issue_key(f, 2000);
    let text = key.encoded().expose();
    assert_eq!(confirm_text(f, &env, text).await.ok(), Some(true), "KEY-14");
    assert_eq!(
        confirm_text(f, &env, text).await.ok(),
        Some(true),
        "KEY-19: the same partner again"
    );
    assert_eq!(
        confirm_text(f, &env, "bm90IGEga2V5").await.ok(),
        Some(false),
        "KEY-22: malformed is 200 false"
    );
    let eu = f.environment_id("aws-gcp-eu-west");
    assert_eq!(
        confirm_text(f, &eu, text).await.ok(),
        Some(false),
        "KEY-18: another environment's path"
    );
    let err = f
        .target
        .confirm_activation_key(
            &f.stranger(),
            request::ConfirmActivationKey {
                name: env.clone(),
                body: wire::ConfirmActivationKeyRequest {
                    key: None,
                    encoded_key: Some(key.encoded().clone()),
                },
            },
        )
        .await
        .expect_err("AUTH-2: a stranger may not use the partner's path");
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "AUTH-2");
}

/// KEY-20: nothing to check is 400; KEY-21: two copies are one key when
/// equal, an invalid key when they differ.
pub async fn confirm_activation_key_refuses_empty_or_double_requests<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let env = f.environment();
    let err = confirm_text(f, &env, "")
        .await
        .expect_err("KEY-20: an empty encodedKey");
    assert_eq!(
        (err.kind(), err.rule()),
        (ErrorKind::InvalidArgument, "KEY-20")
    );
    let err = f
        .target
        .confirm_activation_key(
            &f.caller(),
            request::ConfirmActivationKey {
                name: env.clone(),
                body: wire::ConfirmActivationKeyRequest::default(),
            },
        )
        .await
        .expect_err("KEY-20: no key at all");
    assert_eq!(err.rule(), "KEY-20");
    let object_of = |key: &crate::reference::IssuedActivationKey, mbps: i32| {
        wire::ActivationKey::V1(wire::ActivationKeyV1 {
            version: 1,
            destination_environment_uri: f
                .local
                .environment("aws-gcp-us-east")
                .unwrap_or_else(|e| panic!("name: {e}")),
            shared_connection_uuid: Secret::new(key.shared_connection_uuid().as_str()),
            connection_size_mbps: mbps,
            destination_account_id: Secret::new("123456789012"),
        })
    };
    let both = |object: wire::ActivationKey, encoded: &Secret| request::ConfirmActivationKey {
        name: env.clone(),
        body: wire::ConfirmActivationKeyRequest {
            key: Some(object),
            encoded_key: Some(encoded.clone()),
        },
    };
    let key = issue_key(f, 2000);
    let different = object_of(&key, 1000);
    let answer = f
        .target
        .confirm_activation_key(&f.caller(), both(different, key.encoded()))
        .await
        .expect("KEY-21: two copies that differ are answered");
    assert_eq!(answer.key_valid, Some(false), "KEY-21: copies differ");
    let answer = f
        .target
        .confirm_activation_key(&f.caller(), both(object_of(&key, 2000), key.encoded()))
        .await
        .expect("KEY-21: two equal copies are one key");
    assert_eq!(answer.key_valid, Some(true), "KEY-21: equal copies");
    let other = issue_key(f, 2000);
    let alone = f
        .target
        .confirm_activation_key(
            &f.caller(),
            request::ConfirmActivationKey {
                name: env.clone(),
                body: wire::ConfirmActivationKeyRequest {
                    key: Some(object_of(&other, 2000)),
                    encoded_key: None,
                },
            },
        )
        .await
        .expect("KEY-21: the deprecated form alone is checked");
    assert_eq!(alone.key_valid, Some(true), "KEY-21");
}

/// KEY-16: a key is confirmable for the configured lifetime only.
pub async fn confirm_activation_key_expires<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let env = f.environment();
    let key = issue_key(f, 1000);
    f.clock
        .advance(f.server.config().policy.activation_key_ttl() - Duration::seconds(1));
    let late = issue_key(f, 1000);
    f.clock.advance(Duration::seconds(1));
    assert_eq!(
        confirm_text(f, &env, key.encoded().expose()).await.ok(),
        Some(false),
        "KEY-16: expired"
    );
    assert_eq!(
        confirm_text(f, &env, late.encoded().expose()).await.ok(),
        Some(true),
        "KEY-16: not yet expired"
    );
}
