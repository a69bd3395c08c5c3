//! Versioned activation keys between two reference providers in process
//! (upstream main PR #61; the upstream change list, A2, A3;
//! KEY-40..KEY-46): the key creator asks the destination for its
//! parameters and makes a version 2 key when both know it, version 1 when
//! the destination accepts only 1; the receiver decrypts with its
//! environment's keys; every decryption failure is one error.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;
use interconnect_core::activation_key::{
    ActivationKeyPublicKey, DecodedActivationKey, EncodedActivationKey,
};
use interconnect_core::wire::{ProvisioningState, VerificationState};
use interconnect_provider::clock::Clock;
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::customer::CustomerConnection;
use interconnect_provider::store::Phase;
use interconnect_provider::testing::pair::Pair;
use interconnect_provider::{Caller, ConnectionCoordinator, ErrorKind, ReferenceProvider, request};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn verified(view: &CustomerConnection) -> bool {
    view.phase == Phase::Verified
        && view.verification_state == Some(VerificationState::Verified)
        && !view.features.is_empty()
        && view
            .features
            .iter()
            .all(|f| f.provisioning_state == ProvisioningState::Final)
}

/// `config` with every environment accepting `versions`.
fn with_versions(provider: &ReferenceProvider, versions: &[i32]) -> ProviderConfig {
    let mut config = provider.config().clone();
    for env in config
        .inventory
        .partners
        .iter_mut()
        .flat_map(|p| &mut p.environments)
    {
        env.activation_key_versions = versions.to_vec();
    }
    config
}

fn version_of(key: &str) -> Result<i32, Box<dyn std::error::Error>> {
    Ok(EncodedActivationKey::new(key)?.peek_version()?)
}

/// KEY-40: the parameters served; KEY-44: the key made is version 2; the
/// receiver reads it and both sides reach VERIFIED.
#[tokio::test]
async fn a_version_2_key_reaches_verified() -> TestResult {
    let pair = Pair::new();
    let path = pair.aws.config().provider.environment("aws-gcp-us-east")?;
    let params = pair
        .gcp
        .get_activation_key_parameters(
            &Caller::partner(pair.aws.config().provider.clone()),
            request::GetActivationKeyParameters { name: path },
        )
        .await?;
    assert_eq!(params.supported_versions, vec![1, 2], "KEY-40");
    let encryption = params.encryption.ok_or("KEY-40: encryption served")?;
    assert_eq!(encryption.algorithm, "RSA-OAEP-256");
    assert_eq!(encryption.key_format, "PKCS8");
    assert!(
        encryption
            .public_key
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    let public = ActivationKeyPublicKey::from_pem(&encryption.public_key)?;
    assert_eq!(public.bits(), 2048);
    let next = encryption
        .next_rotation_at
        .ok_or("KEY-41: nextRotationAt")?;
    assert_eq!(
        next.to_utc(),
        pair.clock.now() + Duration::days(7),
        "KEY-41 weekly"
    );

    let (uuid, key) = pair.request_at_aws(1000).await?;
    assert_eq!(
        version_of(key.expose())?,
        2,
        "KEY-44: the highest common version"
    );
    let decoded = EncodedActivationKey::new(key.expose())?.decode()?;
    let DecodedActivationKey::V2(v2) = decoded else {
        panic!("version 2 expected")
    };
    assert_eq!(v2.destination_environment().id(), "aws-gcp-us-east");
    let text = String::from_utf8(STANDARD.decode(key.expose())?)?;
    assert!(
        !text.contains(&uuid),
        "the UUID is not in clear in a version 2 key"
    );
    assert!(!text.contains("my-gcp-project"), "nor the account");

    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    pair.settle().await;
    assert!(verified(&pair.at_aws(&uuid)?), "{:?}", pair.at_aws(&uuid)?);
    assert!(verified(&pair.at_gcp(&uuid)?), "{:?}", pair.at_gcp(&uuid)?);
    Ok(())
}

/// KEY-44: the parameters are asked once and kept until `nextRotationAt`;
/// after it they are asked again.
#[tokio::test]
async fn the_parameters_are_cached_until_the_next_rotation() -> TestResult {
    let pair = Pair::new();
    let asked = |p: &Pair| {
        p.to_gcp
            .operations()
            .iter()
            .filter(|o| **o == "get_activation_key_parameters")
            .count()
    };
    pair.request_at_aws(1000).await?;
    pair.request_at_aws(1000).await?;
    assert_eq!(asked(&pair), 1, "cached");
    pair.clock.advance(Duration::days(7));
    let (_, key) = pair.request_at_aws(1000).await?;
    assert_eq!(asked(&pair), 2, "asked again after nextRotationAt");
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    Ok(())
}

/// KEY-44, KEY-46: a destination that accepts version 1 only gets a
/// version 1 key, serves no encryption, and the pair reaches VERIFIED.
#[tokio::test]
async fn a_destination_accepting_version_1_only_gets_a_version_1_key() -> TestResult {
    let base = Pair::new();
    let pair = Pair::with_configs(base.aws.config().clone(), with_versions(&base.gcp, &[1]));
    let path = pair.aws.config().provider.environment("aws-gcp-us-east")?;
    let params = pair
        .gcp
        .get_activation_key_parameters(
            &Caller::partner(pair.aws.config().provider.clone()),
            request::GetActivationKeyParameters { name: path },
        )
        .await?;
    assert_eq!(params.supported_versions, vec![1]);
    assert_eq!(
        params.encryption, None,
        "KEY-40: no encryption for version 1 only"
    );
    let (uuid, key) = pair.request_at_aws(1000).await?;
    assert_eq!(
        version_of(key.expose())?,
        1,
        "KEY-44: falls back to version 1"
    );
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    pair.settle().await;
    assert!(verified(&pair.at_aws(&uuid)?));
    assert!(verified(&pair.at_gcp(&uuid)?));

    // KEY-46: a version 2 key (made for the default pair's gcp) is refused
    // by the version-1-only environment, naming the rule.
    let (_, v2) = base.request_at_aws(1000).await?;
    assert_eq!(version_of(v2.expose())?, 2);
    let err = pair
        .gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&v2))
        .await
        .expect_err("KEY-46");
    assert_eq!(
        (err.kind(), err.rule()),
        (ErrorKind::InvalidArgument, "KEY-46")
    );
    Ok(())
}

/// E-206: a destination without the operation (a server of the May text,
/// 404) gets a version 1 key; another failure is not a silent downgrade.
#[tokio::test]
async fn a_destination_without_the_operation_gets_version_1() -> TestResult {
    let pair = Pair::new();
    pair.to_gcp
        .fail_with(Some(interconnect_provider::CoordinatorError::not_found(
            "HTTP-404", "no route",
        )));
    let (_, key) = pair.request_at_aws(1000).await?;
    assert_eq!(version_of(key.expose())?, 1);

    let other = Pair::new();
    other.to_gcp.set_down(true);
    let err = other.request_at_aws(1000).await.expect_err("peer down");
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    Ok(())
}

/// KEY-43: a damaged version 2 key, one for another environment's keys and
/// one whose envelope names another environment all give the same error,
/// with the same message, and nothing is created.
#[tokio::test]
async fn every_decryption_failure_at_the_receiver_is_the_same_error() -> TestResult {
    let pair = Pair::new();
    let other = Pair::new();
    let (_, good) = pair.request_at_aws(1000).await?;
    let (_, foreign) = other.request_at_aws(1000).await?;
    let decoded = EncodedActivationKey::new(good.expose())?.decode()?;
    let DecodedActivationKey::V2(v2) = decoded else {
        panic!("version 2 expected")
    };
    let mut flipped = v2.encrypted_contents().to_vec();
    flipped[100] ^= 0x80;
    let damaged = interconnect_core::activation_key::ActivationKeyV2::new(
        v2.destination_environment().clone(),
        flipped,
    )?
    .encode();
    // The same ciphertext under an envelope naming another environment of
    // the pair (E-202: it is tried with that environment's keys only).
    let swapped = interconnect_core::activation_key::ActivationKeyV2::new(
        pair.aws.config().provider.environment("aws-gcp-eu-west")?,
        v2.encrypted_contents().to_vec(),
    )?
    .encode();
    let mut messages = std::collections::BTreeSet::new();
    for (what, key) in [
        ("damaged", damaged.expose().to_owned()),
        ("another pair's keys", foreign.expose().to_owned()),
        ("envelope swapped", swapped.expose().to_owned()),
    ] {
        let err = pair
            .gcp
            .customer()
            .accept_activation_key(
                &pair.gcp_customer(),
                &pair.acceptance(&interconnect_core::wire::Secret::new(key)),
            )
            .await
            .expect_err(what);
        assert_eq!(
            (err.kind(), err.rule()),
            (ErrorKind::InvalidArgument, "KEY-43"),
            "{what}"
        );
        messages.insert(err.to_string());
    }
    assert_eq!(messages.len(), 1, "one message: {messages:?}");
    // The good key still works (nothing was consumed by the failures).
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&good))
        .await?;
    Ok(())
}

/// KEY-45: the issuer confirms a version 2 key by its exact contents; the
/// same ciphertext under another environment is not confirmed.
#[tokio::test]
async fn the_issuer_confirms_a_version_2_key_by_its_contents() -> TestResult {
    let pair = Pair::new();
    let (_, key) = pair.request_at_aws(1000).await?;
    let env = pair.gcp.config().provider.environment("aws-gcp-us-east")?;
    let confirm = |text: String| {
        let env = env.clone();
        let pair = &pair;
        async move {
            pair.aws
                .confirm_activation_key(
                    &Caller::partner(pair.gcp.config().provider.clone()),
                    request::ConfirmActivationKey {
                        name: env,
                        body: interconnect_core::wire::ConfirmActivationKeyRequest {
                            key: None,
                            encoded_key: Some(interconnect_core::wire::Secret::new(text)),
                        },
                    },
                )
                .await
                .map(|r| r.key_valid == Some(true))
        }
    };
    let decoded = EncodedActivationKey::new(key.expose())?.decode()?;
    let DecodedActivationKey::V2(v2) = decoded else {
        panic!("version 2 expected")
    };
    let swapped = interconnect_core::activation_key::ActivationKeyV2::new(
        pair.aws.config().provider.environment("aws-gcp-eu-west")?,
        v2.encrypted_contents().to_vec(),
    )?;
    assert!(
        !confirm(swapped.encode().expose().to_owned()).await?,
        "envelope swapped"
    );
    // Wrapped over lines as a customer may paste it: still the same key.
    let (head, tail) = key.expose().split_at(30);
    assert!(confirm(format!("{head}\n{tail}")).await?, "KEY-45");
    Ok(())
}
