//! The peer check (issue 19 item 2; RECON-1..RECON-4): a side whose peer
//! lost a verified connection, or one of its features, stops treating it
//! as verified, tells its operator and its customer, and verifies it again
//! when the peer shows it whole.

use std::collections::BTreeSet;

use interconnect_core::names::ProviderName;
use interconnect_core::wire::VerificationState;
use interconnect_provider::clock::Clock;
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::scheduler::Task;
use interconnect_provider::store::{Phase, StoreExt};
use interconnect_provider::testing::pair::Pair;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A verified connection between the pair; its shared UUID.
async fn verified(pair: &Pair) -> Result<String, Box<dyn std::error::Error>> {
    let uuid = pair.establish(1000).await?;
    assert_eq!(pair.at_aws(&uuid)?.phase, Phase::Verified);
    assert_eq!(pair.at_gcp(&uuid)?.phase, Phase::Verified);
    Ok(uuid)
}

/// gcp loses the connection and its features, as a restart without durable
/// state would (its workflow too).
fn gcp_loses(pair: &Pair, uuid: &str) -> TestResult {
    let name = pair
        .at_gcp(uuid)?
        .connection
        .ok_or("gcp has no connection")?;
    pair.gcp.store().update(|s| {
        let features: Vec<_> = s
            .features_of_connection(&name)
            .map(|(n, _)| n.clone())
            .collect();
        for f in &features {
            s.features.remove(f);
        }
        s.connections.remove(&name);
        s.workflows.remove(uuid);
        Ok(())
    })?;
    Ok(())
}

fn verification_at_aws(pair: &Pair, uuid: &str) -> Option<VerificationState> {
    let name = pair.at_aws(uuid).ok()?.connection?;
    pair.aws
        .store()
        .view(|s| {
            s.connections
                .get(&name)
                .and_then(|r| r.connection.verification_state.clone())
        })
        .flatten()
}

#[tokio::test]
async fn a_connection_the_peer_lost_is_degraded_for_operator_and_customer() -> TestResult {
    let pair = Pair::new();
    let uuid = verified(&pair).await?;
    // while the peer has it, a pass changes nothing
    let report = pair.aws.check_peers().await;
    assert_eq!(report.checked, vec![uuid.clone()]);
    assert!(report.degraded.is_empty());
    assert_eq!(pair.at_aws(&uuid)?.phase, Phase::Verified);

    gcp_loses(&pair, &uuid)?;
    let report = pair.aws.check_peers().await;
    assert_eq!(report.degraded, vec![uuid.clone()], "RECON-2");
    let view = pair.at_aws(&uuid)?;
    assert_eq!(view.phase, Phase::Degraded);
    let reason = view.degradation.ok_or("the customer sees why")?;
    assert!(reason.contains("no longer has"), "{reason}");
    assert_eq!(
        verification_at_aws(&pair, &uuid),
        Some(VerificationState::Unverified),
        "no longer treated as verified"
    );
    let degraded = pair.aws.operator().degraded_connections();
    assert_eq!(degraded.len(), 1);
    assert_eq!(degraded[0].connection_id, uuid);
    assert_eq!(degraded[0].since, pair.clock.now());
    assert!(
        view.events.iter().any(|e| e.what.contains("RECON-2")),
        "the history says so"
    );
    // a later pass keeps it degraded, and does not count it again
    let report = pair.aws.check_peers().await;
    assert!(report.degraded.is_empty() && report.restored.is_empty());
    assert_eq!(pair.at_aws(&uuid)?.phase, Phase::Degraded);
    // nothing was deleted: the customer decides
    assert!(pair.at_aws(&uuid)?.connection.is_some());
    Ok(())
}

#[tokio::test]
async fn a_feature_the_peer_lost_degrades_and_its_return_verifies_again() -> TestResult {
    let pair = Pair::new();
    let uuid = verified(&pair).await?;
    let name = pair
        .at_gcp(&uuid)?
        .connection
        .ok_or("gcp has no connection")?;
    let (lost, record) = pair
        .gcp
        .store()
        .view(|s| {
            s.features_of_connection(&name)
                .next()
                .map(|(n, r)| (n.clone(), r.clone()))
        })
        .flatten()
        .ok_or("gcp has no feature")?;
    pair.gcp.store().update(|s| {
        s.features.remove(&lost);
        Ok(())
    })?;
    let report = pair.aws.check_peers().await;
    assert_eq!(report.degraded, vec![uuid.clone()], "RECON-2");
    let reason = pair.at_aws(&uuid)?.degradation.ok_or("a reason")?;
    assert!(reason.contains(lost.id()), "names the feature: {reason}");

    pair.gcp.store().update(|s| {
        s.features.insert(lost.clone(), record.clone());
        Ok(())
    })?;
    let report = pair.aws.check_peers().await;
    assert_eq!(report.restored, vec![uuid.clone()], "RECON-3");
    let view = pair.at_aws(&uuid)?;
    assert_eq!(view.phase, Phase::Verified);
    assert_eq!(view.degradation, None);
    assert_eq!(
        verification_at_aws(&pair, &uuid),
        Some(VerificationState::Verified)
    );
    assert!(pair.aws.operator().degraded_connections().is_empty());
    Ok(())
}

#[tokio::test]
async fn a_peer_that_does_not_answer_changes_nothing() -> TestResult {
    let pair = Pair::new();
    let uuid = verified(&pair).await?;
    pair.to_gcp.set_down(true);
    let calls = pair.to_gcp.calls();
    let report = pair.aws.check_peers().await;
    assert_eq!(report.skipped, vec![uuid.clone()]);
    assert!(report.checked.is_empty() && report.degraded.is_empty());
    assert_eq!(pair.at_aws(&uuid)?.phase, Phase::Verified);
    assert_eq!(
        pair.to_gcp.calls() - calls,
        1,
        "one call, no retry within a pass"
    );
    Ok(())
}

#[tokio::test]
async fn passes_read_a_bounded_batch_and_go_on_where_the_last_stopped() -> TestResult {
    let (aws, gcp) = (ProviderName::new("aws")?, ProviderName::new("gcp")?);
    let mut aws_config = ProviderConfig::default_pair(&aws, &gcp, 64512)?;
    aws_config.policy.peer_check_batch = 2;
    let gcp_config = ProviderConfig::default_pair(&gcp, &aws, 64513)?;
    let pair = Pair::with_configs(aws_config, gcp_config);
    let mut all = BTreeSet::new();
    for _ in 0..3 {
        all.insert(verified(&pair).await?);
    }
    let first = pair.aws.check_peers().await.checked;
    let second = pair.aws.check_peers().await.checked;
    assert_eq!(first.len(), 2, "at most a batch: {first:?}");
    assert_eq!(second.len(), 2, "at most a batch: {second:?}");
    let sorted: Vec<String> = all.iter().cloned().collect();
    assert_eq!(first, sorted[..2], "in UUID order from the start");
    assert_eq!(
        second,
        vec![sorted[2].clone(), sorted[0].clone()],
        "on from the cursor, then round again"
    );
    Ok(())
}

#[tokio::test]
async fn the_check_runs_by_itself_on_a_jittered_period() -> TestResult {
    let pair = Pair::new();
    let uuid = verified(&pair).await?;
    let start = pair.clock.now();
    pair.aws.start_cleanup_schedule();
    let every = pair
        .aws
        .config()
        .policy
        .peer_check_every()
        .ok_or("the check is on by default")?;
    let due = pair
        .aws
        .scheduler()
        .pending()
        .into_iter()
        .find(|(t, _)| *t == Task::CheckPeers)
        .map(|(_, at)| at)
        .ok_or("a pass is scheduled")?;
    assert!(
        due >= start + every * 4 / 5 && due <= start + every * 6 / 5,
        "RECON-4: due {due}, period {every}"
    );
    // two servers started together do not read each other in step
    pair.gcp.start_cleanup_schedule();
    let gcp_due = pair
        .gcp
        .scheduler()
        .pending()
        .into_iter()
        .find(|(t, _)| *t == Task::CheckPeers)
        .map(|(_, at)| at)
        .ok_or("gcp's pass is scheduled")?;
    assert_ne!(due, gcp_due, "RECON-4: jittered");
    gcp_loses(&pair, &uuid)?;
    pair.settle_for(every * 2).await;
    assert_eq!(pair.at_aws(&uuid)?.phase, Phase::Degraded);
    assert!(
        pair.aws.scheduler().is_pending(&Task::CheckPeers),
        "the next pass is scheduled"
    );
    Ok(())
}

#[tokio::test]
async fn the_check_can_be_turned_off() -> TestResult {
    let (aws, gcp) = (ProviderName::new("aws")?, ProviderName::new("gcp")?);
    let mut aws_config = ProviderConfig::default_pair(&aws, &gcp, 64512)?;
    aws_config.policy.peer_check_seconds = 0;
    let gcp_config = ProviderConfig::default_pair(&gcp, &aws, 64513)?;
    let pair = Pair::with_configs(aws_config, gcp_config);
    pair.aws.start_cleanup_schedule();
    assert!(!pair.aws.scheduler().is_pending(&Task::CheckPeers));
    assert!(pair.aws.scheduler().is_pending(&Task::Cleanup));
    Ok(())
}
