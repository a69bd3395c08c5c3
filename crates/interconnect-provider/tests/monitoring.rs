//! This provider's own MONITORING connection (issue 13 item 5; CONN-44,
//! CONN-45, E-249): created by the operator on one interconnect, with no
//! customer and no key, negotiated to VERIFIED like any connection, taking
//! no capacity on either side; one per provider per interconnect.

use chrono::Duration;
use interconnect_core::names::InterconnectName;
use interconnect_core::wire::{ConnectionType, VerificationState};
use interconnect_provider::ErrorKind;
use interconnect_provider::store::{Phase, StoreExt};
use interconnect_provider::testing::pair::Pair;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Interconnect `ix` of environment `aws-gcp-us-east` as aws names it.
fn at_aws(pair: &Pair, ix: &str) -> Result<InterconnectName, Box<dyn std::error::Error>> {
    Ok(pair.aws_environment("aws-gcp-us-east").interconnect(ix)?)
}

#[tokio::test]
async fn the_operator_creates_a_monitoring_connection_that_verifies_and_takes_no_capacity()
-> TestResult {
    let pair = Pair::new();
    let ix = at_aws(&pair, "ix1")?;
    let reserved = |p: &interconnect_provider::ReferenceProvider, ix: &InterconnectName| {
        p.store()
            .view(|s| s.connections.reserved_mbps(ix))
            .unwrap_or(-1)
    };
    let gcp_ix = pair
        .aws
        .config()
        .provider
        .environment("aws-gcp-us-east")?
        .interconnect("ix1")?;
    let created = pair
        .aws
        .operator()
        .operator_create_monitoring_connection(&ix, 100)?;
    assert_eq!(created.phase, Phase::CreatingRemote);
    pair.settle_for(Duration::minutes(10)).await;
    let listed = pair.aws.operator().monitoring_connections();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].connection_id, created.connection_id);
    assert_eq!(listed[0].phase, Phase::Verified, "{:?}", listed[0].failure);
    assert_eq!(
        listed[0].verification_state,
        Some(VerificationState::Verified)
    );
    // gcp holds it as a MONITORING connection from aws, verified too
    let at_gcp = gcp_ix.connection(&created.connection_id)?;
    let record = pair
        .gcp
        .store()
        .view(|s| s.connections.get(&at_gcp).map(|r| r.connection.clone()))
        .flatten()
        .ok_or("gcp holds the connection")?;
    assert_eq!(record.connection_type, Some(ConnectionType::Monitoring));
    assert_eq!(record.verification_state, Some(VerificationState::Verified));
    // CONN-44: no capacity taken on either side
    assert_eq!(reserved(&pair.aws, &ix), 0);
    assert_eq!(reserved(&pair.gcp, &gcp_ix), 0);
    // CONN-45: one per provider per interconnect; the other provider may
    // have its own there
    let again = pair
        .aws
        .operator()
        .operator_create_monitoring_connection(&ix, 100)
        .expect_err("a second one of aws on ix1");
    assert_eq!(
        (again.kind(), again.rule()),
        (ErrorKind::Aborted, "CONN-45")
    );
    let theirs = pair
        .gcp
        .operator()
        .operator_create_monitoring_connection(&gcp_ix, 100)?;
    pair.settle_for(Duration::minutes(10)).await;
    let gcp_own = pair.gcp.operator().monitoring_connections();
    assert_eq!(gcp_own.len(), 1, "aws's is not gcp's own");
    assert_eq!(gcp_own[0].connection_id, theirs.connection_id);
    assert_eq!(
        gcp_own[0].phase,
        Phase::Verified,
        "{:?}",
        gcp_own[0].failure
    );
    // another interconnect takes one of its own
    pair.aws
        .operator()
        .operator_create_monitoring_connection(&at_aws(&pair, "ix2")?, 100)?;
    Ok(())
}

#[tokio::test]
async fn a_monitoring_connection_needs_a_shared_interconnect_and_a_positive_size() -> TestResult {
    let pair = Pair::new();
    let unknown = pair
        .aws_environment("aws-gcp-us-east")
        .interconnect("ix9")?;
    let e = pair
        .aws
        .operator()
        .operator_create_monitoring_connection(&unknown, 100)
        .expect_err("not shared");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = pair
        .aws
        .operator()
        .operator_create_monitoring_connection(&at_aws(&pair, "ix1")?, 0)
        .expect_err("no size");
    assert_eq!((e.kind(), e.rule()), (ErrorKind::InvalidArgument, "CONN-1"));
    assert!(pair.aws.operator().monitoring_connections().is_empty());
    Ok(())
}

#[tokio::test]
async fn a_refusal_by_the_peer_ends_the_monitoring_connection_without_moving_it() -> TestResult {
    // gcp already holds aws's MONITORING connection on ix1 (as after a
    // restart of aws without its state): the new one is refused (409,
    // CONN-45) and fails, never moved to ix2
    let pair = Pair::new();
    let ix = at_aws(&pair, "ix1")?;
    let first = pair
        .aws
        .operator()
        .operator_create_monitoring_connection(&ix, 100)?;
    pair.settle().await;
    pair.aws.store().update(|s| {
        if let Some(wf) = s.workflows.get_mut(&first.connection_id) {
            wf.phase = Phase::Failed;
        }
        Ok(())
    })?;
    let second = pair
        .aws
        .operator()
        .operator_create_monitoring_connection(&ix, 100)?;
    pair.settle().await;
    let wf = pair
        .aws
        .workflow(&second.connection_id)
        .ok_or("the workflow")?;
    assert_eq!(wf.phase, Phase::Failed, "{:#?}", wf.events);
    assert!(
        wf.failure.as_deref().is_some_and(|f| f.contains("CONN-45")),
        "{:?}",
        wf.failure
    );
    assert!(wf.refused_interconnects.is_empty(), "not moved");
    Ok(())
}
