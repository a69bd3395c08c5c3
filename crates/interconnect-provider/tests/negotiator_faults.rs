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
    let (uuid, key) = pair.request_at_aws(1000).await?;
    pair.to_aws.fail_next("create_feature", slow_down());
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
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
    let (uuid, key) = pair.request_at_aws(1000).await?;
    pair.to_aws.lose_next_answer(
        "create_feature",
        CoordinatorError::unavailable("NEG-4", "the answer was lost"),
    );
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
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
    let (uuid, key) = pair.request_at_aws(1000).await?;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
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

#[tokio::test]
async fn a_peer_that_cannot_answer_guidance_is_asked_on_the_backoff_schedule() -> TestResult {
    // the responder (aws) learns the peer's prefix limit from its guidance
    // (NEG-17); a peer that cannot answer is asked again with backoff, not
    // at every provisioning poll (E-322)
    use interconnect_core::names::ProviderName;
    use interconnect_provider::config::ProviderConfig;
    let (aws, gcp) = (ProviderName::new("aws")?, ProviderName::new("gcp")?);
    let mut aws_config = ProviderConfig::default_pair(&aws, &gcp, 64512)?;
    aws_config.policy.provisioning_poll_ms = 100;
    let gcp_config = ProviderConfig::default_pair(&gcp, &aws, 64513)?;
    let pair = Pair::with_configs(aws_config, gcp_config);
    for _ in 0..100_000 {
        pair.to_gcp
            .fail_next("generate_feature_guidance", slow_down());
    }
    let (uuid, key) = pair.request_at_aws(1000).await?;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    let start = pair.clock.now();
    pair.settle().await;
    let aws_wf = pair.aws.workflow(&uuid).ok_or("no workflow")?;
    let asked = pair
        .to_gcp
        .operations()
        .iter()
        .filter(|op| **op == "generate_feature_guidance")
        .count();
    let polls =
        (aws_wf.events.last().map(|e| e.at).ok_or("no events")? - start).num_milliseconds() / 100;
    assert!(
        asked <= 20,
        "asked {asked} times in about {polls} provisioning polls: {:#?}",
        aws_wf.events
    );
    assert!(asked >= 2, "asked again after the failure: {asked}");
    Ok(())
}

#[tokio::test]
async fn calls_to_a_peer_share_one_budget_and_honour_its_retry_after() -> TestResult {
    use interconnect_core::names::ProviderName;
    use interconnect_provider::peer::Peer;
    use interconnect_provider::peer_budget::{BudgetedPeer, PeerBudget};
    use interconnect_provider::{Caller, ErrorKind, request};

    let pair = Pair::new();
    let budgeted = BudgetedPeer::new(
        pair.to_aws.clone(),
        PeerBudget {
            per_second: 2.0,
            burst: 3,
            max_in_flight: 4,
        },
        pair.clock.clone(),
    );
    let me = Caller::partner(ProviderName::new("gcp")?);
    let call = || {
        budgeted.get_provider(
            &me,
            request::GetProvider {
                name: ProviderName::new("aws").expect("id"),
            },
        )
    };
    for _ in 0..3 {
        call().await?;
    }
    let refused = call()
        .await
        .err()
        .ok_or("the fourth call of a burst of 3 is refused")?;
    assert_eq!(refused.kind(), ErrorKind::ResourceExhausted);
    assert_eq!(refused.rule(), "NEG-41");
    assert_eq!(
        refused.retry_after(),
        Some(std::time::Duration::from_millis(500)),
        "the next token at 2 per second"
    );
    assert_eq!(pair.to_aws.calls(), 3, "the refused call was not sent");
    pair.clock
        .set(pair.clock.now() + Duration::milliseconds(500));
    call().await?;
    assert_eq!(pair.to_aws.calls(), 4);

    // the peer's own 429 pauses every call until its Retry-After
    pair.clock.set(pair.clock.now() + Duration::seconds(10));
    pair.to_aws.fail_next(
        "get_provider",
        CoordinatorError::resource_exhausted(
            "ERR-7",
            "slow down",
            std::time::Duration::from_secs(20),
        ),
    );
    let e = call().await.err().ok_or("the peer's 429")?;
    assert_eq!(e.rule(), "ERR-7");
    pair.clock.set(pair.clock.now() + Duration::seconds(19));
    let e = call().await.err().ok_or("still paused")?;
    assert_eq!(e.rule(), "NEG-41");
    assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(1)));
    assert_eq!(pair.to_aws.calls(), 5, "nothing sent while paused");
    pair.clock.set(pair.clock.now() + Duration::seconds(1));
    call().await?;
    assert_eq!(budgeted.refused_locally(), 2);
    Ok(())
}

#[tokio::test]
async fn a_retry_after_a_lost_answer_carries_the_same_request_id() -> TestResult {
    // REQ-2 (E-244): the peer created the connection but its answer was
    // lost; the retry of the same CreateConnection carries the same
    // requestId, so the peer answers it from its record (REQ-5) instead of
    // refusing a second creation, and every new operation has a new id
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000).await?;
    pair.to_aws.lose_next_answer(
        "create_connection",
        CoordinatorError::unavailable("NEG-4", "the answer was lost"),
    );
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    pair.settle().await;
    let gcp = pair.at_gcp(&uuid)?;
    let aws = pair.at_aws(&uuid)?;
    assert!(verified(&gcp) && verified(&aws), "{:#?}", gcp.events);
    let sent = pair.to_aws.request_ids();
    let creates: Vec<_> = sent
        .iter()
        .filter(|(op, _)| *op == "create_connection")
        .map(|(_, id)| *id)
        .collect();
    assert_eq!(creates.len(), 2, "sent, then retried: {sent:?}");
    assert!(creates[0].is_some(), "every call carries a requestId");
    assert_eq!(creates[0], creates[1], "the retry is the same operation");
    let features: BTreeSet<_> = sent
        .iter()
        .filter(|(op, _)| *op == "create_feature")
        .map(|(_, id)| *id)
        .collect();
    assert_eq!(features.len(), 4, "a new id for each new operation");
    assert!(!features.contains(&creates[0]));
    let kept = pair.gcp.workflow(&uuid).ok_or("no workflow")?.open_requests;
    assert!(kept.is_empty(), "answered calls are forgotten: {kept:?}");
    Ok(())
}

#[tokio::test]
async fn a_server_started_on_a_store_with_work_in_progress_resumes_it() -> TestResult {
    // OPS-30: the queue of due tasks lives in memory; a server started
    // again on its store (after a crash) finds the unfinished workflows
    // there and queues them, or they would wait for the peer forever
    use interconnect_provider::ReferenceProvider;
    use interconnect_provider::scheduler::Task;
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000).await?;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    let restarted = ReferenceProvider::new(
        pair.gcp.config().clone(),
        pair.gcp.store().clone(),
        pair.clock.clone(),
        pair.gcp_backend.clone(),
    )?;
    let reconcile = Task::Reconcile(uuid.clone());
    assert!(!restarted.scheduler().is_pending(&reconcile));
    assert!(restarted.start_background_work() >= 1);
    assert!(restarted.scheduler().is_pending(&reconcile), "resumed");
    assert!(restarted.scheduler().is_pending(&Task::Cleanup));
    // a workflow that ended is not woken
    let done = Pair::new();
    let uuid = done.establish(1000).await?;
    done.aws.customer().delete_customer_connection(
        &interconnect_core::wire::Secret::new(interconnect_provider::testing::pair::AWS_ACCOUNT),
        &uuid,
    )?;
    done.settle().await;
    assert_eq!(done.at_aws(&uuid)?.phase, Phase::Deleted);
    let restarted = ReferenceProvider::new(
        done.aws.config().clone(),
        done.aws.store().clone(),
        done.clock.clone(),
        done.aws_backend.clone(),
    )?;
    restarted.start_background_work();
    assert!(!restarted.scheduler().is_pending(&Task::Reconcile(uuid)));
    Ok(())
}
