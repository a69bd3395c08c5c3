//! The negotiator under faults of the peer (issue 19 item 1): a feature
//! counts as agreed only once the peer confirmed it (its answer to
//! CreateFeature or a GetFeature), and a workflow the peer keeps refusing
//! ends in a visible failure within its budget (NEG-4, NEG-7, E-320).

use std::collections::BTreeSet;

use chrono::Duration;
use interconnect_core::wire::{ProvisioningState, VerificationState};
use interconnect_provider::CoordinatorError;
use interconnect_provider::clock::Clock;
use interconnect_provider::customer::CustomerConnection;
use interconnect_provider::store::Phase;
use interconnect_provider::testing::pair::Pair;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn slow_down() -> CoordinatorError {
    CoordinatorError::resource_exhausted("ERR-2", "slow down", std::time::Duration::from_secs(1))
}

fn feature_ids(view: &CustomerConnection) -> BTreeSet<String> {
    view.features
        .iter()
        .map(|f| f.channel.id().to_owned())
        .collect()
}

fn verified(view: &CustomerConnection) -> bool {
    view.phase == Phase::Verified
        && view.verification_state == Some(VerificationState::Verified)
        && view
            .features
            .iter()
            .all(|f| f.provisioning_state == ProvisioningState::Final)
}

#[tokio::test]
async fn a_429_on_create_feature_is_not_counted_as_agreed() -> TestResult {
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000)?;
    pair.to_aws.fail_next("create_feature", slow_down());
    pair.gcp
        .accept_activation_key(&pair.acceptance(&key))
        .await?;
    pair.settle().await;
    let gcp = pair.at_gcp(&uuid)?;
    let aws = pair.at_aws(&uuid)?;
    assert_eq!(
        aws.features.len(),
        4,
        "NEG-7: the refused feature was proposed again and reached the peer: {:#?}",
        gcp.events
    );
    assert_eq!(
        feature_ids(&gcp),
        feature_ids(&aws),
        "both sides hold the same channels"
    );
    assert!(verified(&gcp) && verified(&aws), "{:#?}", gcp.events);
    let creates = pair
        .to_aws
        .operations()
        .iter()
        .filter(|op| **op == "create_feature")
        .count();
    assert_eq!(creates, 5, "four features, one of them sent twice");
    Ok(())
}

#[tokio::test]
async fn a_lost_answer_is_confirmed_with_get_feature() -> TestResult {
    // the peer created the feature but its answer was lost: the next pass
    // finds it on the peer (GetFeature) and does not propose it again
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000)?;
    pair.to_aws.lose_next_answer(
        "create_feature",
        CoordinatorError::unavailable("NEG-4", "the answer was lost"),
    );
    pair.gcp
        .accept_activation_key(&pair.acceptance(&key))
        .await?;
    pair.settle().await;
    let gcp = pair.at_gcp(&uuid)?;
    let aws = pair.at_aws(&uuid)?;
    assert!(verified(&gcp) && verified(&aws), "{:#?}", gcp.events);
    assert_eq!(feature_ids(&gcp), feature_ids(&aws));
    assert_eq!(aws.features.len(), 4);
    let ops = pair.to_aws.operations();
    assert!(
        ops.contains(&"get_feature"),
        "NEG-7: confirmed on the peer: {ops:?}"
    );
    assert_eq!(
        ops.iter().filter(|op| **op == "create_feature").count(),
        4,
        "the feature the peer holds is not proposed again: {ops:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_peer_that_always_answers_429_on_create_feature_fails_within_the_budget() -> TestResult {
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000)?;
    pair.gcp
        .accept_activation_key(&pair.acceptance(&key))
        .await?;
    for _ in 0..10_000 {
        pair.to_aws.fail_next("create_feature", slow_down());
    }
    let start = pair.clock.now();
    pair.settle_for(Duration::minutes(10)).await;
    let gcp = pair.gcp.workflow(&uuid).ok_or("no workflow")?;
    assert_eq!(
        gcp.phase,
        Phase::Failed,
        "NEG-4: a workflow the peer keeps refusing fails visibly: {:#?}",
        gcp.events
    );
    let gave_up = gcp.events.last().map(|e| e.at).ok_or("no events")?;
    assert!(
        gave_up - start <= Duration::seconds(70),
        "within the 60 s budget (gave up after {})",
        gave_up - start
    );
    Ok(())
}
