//! The customer changes the bandwidth of a verified connection (issue 5):
//! in place after the peer's 200 (CONN-18, CONN-19), refused while
//! another update is in flight (CONN-17), retried then given up while the
//! peer is down, and as a make-before-break migration when the
//! interconnect is full (NEG-15, NEG-18). Stepped with a manual clock.

use chrono::DateTime;
use interconnect_core::names::ConnectionName;
use interconnect_core::wire::{AdminState, Connection, Secret, VerificationState};
use interconnect_provider::customer::CustomerConnection;
use interconnect_provider::store::{ConnectionRecord, Phase, StoreExt};
use interconnect_provider::testing::pair::{GCP_PROJECT, Pair};
use interconnect_provider::{
    Caller, ConnectionCoordinator, CoordinatorResult, ReferenceProvider, request,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn customer() -> Secret {
    Secret::new(GCP_PROJECT)
}

fn name_of(view: &CustomerConnection) -> Result<ConnectionName, String> {
    view.connection
        .clone()
        .ok_or_else(|| format!("{} has no connection", view.connection_id))
}

fn record(p: &ReferenceProvider, name: &ConnectionName) -> Option<ConnectionRecord> {
    p.store()
        .view(|s| s.connections.get(name).map(|r| ConnectionRecord::clone(r)))
        .flatten()
}

fn bandwidth(p: &ReferenceProvider, name: &ConnectionName) -> Option<i32> {
    record(p, name).and_then(|r| r.connection.bandwidth_mbps)
}

fn notifications(p: &ReferenceProvider, name: &ConnectionName) -> usize {
    record(p, name).map_or(0, |r| r.notifications_received.len())
}

fn verified(view: &CustomerConnection) -> bool {
    view.phase == Phase::Verified && view.verification_state == Some(VerificationState::Verified)
}

fn saw(view: &CustomerConnection, text: &str) -> Option<usize> {
    view.events.iter().position(|e| e.what.contains(text))
}

async fn verified_pair(mbps: u32) -> CoordinatorResult<(Pair, String)> {
    let pair = Pair::new();
    let uuid = pair.establish(mbps).await?;
    Ok((pair, uuid))
}

#[tokio::test]
async fn an_in_place_update_changes_both_sides_after_the_peer_agreed_and_both_notify() -> TestResult
{
    let (pair, uuid) = verified_pair(1000).await?;
    let (gcp_name, aws_name) = (
        name_of(&pair.at_gcp(&uuid)?)?,
        name_of(&pair.at_aws(&uuid)?)?,
    );
    let before = (
        notifications(&pair.gcp, &gcp_name),
        notifications(&pair.aws, &aws_name),
    );
    let answer = pair
        .gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 2000)
        .await?;
    assert_eq!(
        answer.bandwidth_mbps, 2000,
        "CONN-18: changed after the 200"
    );
    assert_eq!(
        bandwidth(&pair.aws, &aws_name),
        Some(2000),
        "the peer got UpdateConnection"
    );
    assert!(
        record(&pair.gcp, &gcp_name).is_some_and(|r| r.update_in_flight.is_some()),
        "CONN-17: this side's update stays in flight until it notified"
    );
    pair.settle().await;
    let (gcp, aws) = (pair.at_gcp(&uuid)?, pair.at_aws(&uuid)?);
    assert_eq!((gcp.bandwidth_mbps, aws.bandwidth_mbps), (2000, 2000));
    assert!(verified(&gcp) && verified(&aws), "{gcp:#?} {aws:#?}");
    assert_eq!(
        gcp.connection.as_ref(),
        Some(&gcp_name),
        "in place: same interconnect"
    );
    assert_eq!(gcp.pending_bandwidth_mbps, None);
    assert!(
        notifications(&pair.aws, &aws_name) > before.1,
        "CONN-19: the caller notified the peer when its update was complete"
    );
    assert!(
        notifications(&pair.gcp, &gcp_name) > before.0,
        "CONN-19: the peer notified when its update was complete"
    );
    for (p, n) in [(&pair.gcp, &gcp_name), (&pair.aws, &aws_name)] {
        assert!(
            record(p, n).is_some_and(|r| r.update_in_flight.is_none()),
            "CONN-17: no update is left in flight on {n}"
        );
    }
    assert!(
        saw(&gcp, "CONN-19").is_some() && saw(&gcp, "CONN-18").is_some(),
        "{:#?}",
        gcp.events
    );
    Ok(())
}

#[tokio::test]
async fn an_update_is_refused_with_nothing_changed_while_the_peer_has_one_in_flight() -> TestResult
{
    let (pair, uuid) = verified_pair(1000).await?;
    let (gcp_name, aws_name) = (
        name_of(&pair.at_gcp(&uuid)?)?,
        name_of(&pair.at_aws(&uuid)?)?,
    );
    pair.aws.begin_local_update(&aws_name)?;
    let refused = pair
        .gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 2000)
        .await
        .err()
        .ok_or("the change must be refused while the peer's update is in flight")?;
    assert_eq!(
        (refused.rule(), refused.http_status()),
        ("CONN-17", 409),
        "{refused}"
    );
    pair.settle().await;
    assert_eq!(
        bandwidth(&pair.gcp, &gcp_name),
        Some(1000),
        "nothing changed here"
    );
    assert_eq!(bandwidth(&pair.aws, &aws_name), Some(1000), "nor there");
    let gcp = pair.at_gcp(&uuid)?;
    assert_eq!(gcp.pending_bandwidth_mbps, None);
    assert!(verified(&gcp));
    assert!(
        record(&pair.gcp, &gcp_name).is_some_and(|r| r.update_in_flight.is_none()),
        "the refused change left no update in flight here"
    );
    // once the peer's update is over, the same change goes through
    pair.aws.finish_update(&aws_name)?;
    pair.gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 2000)
        .await?;
    pair.settle().await;
    assert_eq!(bandwidth(&pair.aws, &aws_name), Some(2000));
    Ok(())
}

#[tokio::test]
async fn a_change_needs_a_verified_connection_an_offered_size_and_no_other_change() -> TestResult {
    let (pair, uuid) = verified_pair(1000).await?;
    let offered = pair
        .gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 3000)
        .await
        .err()
        .ok_or("3000 Mbps is not offered")?;
    assert_eq!((offered.rule(), offered.http_status()), ("CONN-16", 400));
    let other = pair
        .gcp
        .customer()
        .change_bandwidth(&Secret::new("someone-else"), &uuid, 2000)
        .await
        .err()
        .ok_or("another customer's connection")?;
    assert_eq!(other.http_status(), 404);
    pair.to_aws.set_down(true);
    let pending = pair
        .gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 2000)
        .await?;
    assert_eq!(pending.pending_bandwidth_mbps, Some(2000));
    let again = pair
        .gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 5000)
        .await
        .err()
        .ok_or("a second change while one is pending")?;
    assert_eq!((again.rule(), again.http_status()), ("CONN-17", 409));
    // a connection that is not verified yet
    let (new_uuid, key) = pair.request_at_aws(1000).await?;
    pair.to_aws.set_down(false);
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    let early = pair
        .gcp
        .customer()
        .change_bandwidth(&customer(), &new_uuid, 2000)
        .await
        .err()
        .ok_or("not verified yet")?;
    assert_eq!((early.rule(), early.http_status()), ("NEG-13", 409));
    Ok(())
}

#[tokio::test]
async fn a_peer_down_during_an_update_is_retried_then_given_up_with_the_old_bandwidth() -> TestResult
{
    let (pair, uuid) = verified_pair(1000).await?;
    let (gcp_name, aws_name) = (
        name_of(&pair.at_gcp(&uuid)?)?,
        name_of(&pair.at_aws(&uuid)?)?,
    );
    pair.to_aws.set_down(true);
    let answer = pair
        .gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 2000)
        .await?;
    assert_eq!(
        (answer.bandwidth_mbps, answer.pending_bandwidth_mbps),
        (1000, Some(2000)),
        "CONN-18: nothing changes before the peer's 200"
    );
    pair.settle().await;
    assert!(
        pair.to_aws.refused() >= 3,
        "NEG-4: retried with backoff ({} calls refused)",
        pair.to_aws.refused()
    );
    let gcp = pair.at_gcp(&uuid)?;
    assert_eq!(
        (gcp.bandwidth_mbps, gcp.pending_bandwidth_mbps),
        (1000, None),
        "given up with the old bandwidth: {:#?}",
        gcp.events
    );
    assert!(verified(&gcp), "the connection keeps working");
    assert!(saw(&gcp, "given up").is_some(), "{:#?}", gcp.events);
    assert_eq!(bandwidth(&pair.aws, &aws_name), Some(1000));
    assert!(
        record(&pair.gcp, &gcp_name).is_some_and(|r| r.update_in_flight.is_none()),
        "the given-up change left no update in flight"
    );
    Ok(())
}

/// Puts a 60,000 Mbps connection (set-up, not through the API) on the
/// interconnect of `beside`, so 50,000 Mbps more do not fit there.
fn fill(p: &ReferenceProvider, beside: &ConnectionName) -> CoordinatorResult<()> {
    let filler = beside
        .interconnect()
        .connection("00000000-0000-4000-8000-000000000001")
        .map_err(|e| interconnect_provider::CoordinatorError::internal("TEST", e.to_string()))?;
    p.store().update(|s| {
        s.connections.insert(
            filler.clone(),
            ConnectionRecord {
                connection: Connection {
                    name: Some(filler.clone()),
                    activation_key: None,
                    bandwidth_mbps: Some(60_000),
                    admin_state: Some(AdminState::Enabled),
                    verification_state: Some(VerificationState::Verified),
                    defer_provisioning: Some(false),
                    source_data: None,
                    connection_type: None,
                },
                created_at: DateTime::UNIX_EPOCH,
                negotiator_here: true,
                update_in_flight: None,
                notifications_received: Vec::new(),
                seen_on_peer: true,
            },
        );
        Ok(())
    })
}

#[tokio::test]
async fn a_full_interconnect_migrates_make_before_break() -> TestResult {
    let (pair, uuid) = verified_pair(10_000).await?;
    let (old_gcp, old_aws) = (
        name_of(&pair.at_gcp(&uuid)?)?,
        name_of(&pair.at_aws(&uuid)?)?,
    );
    assert_eq!(old_gcp.interconnect().id(), "ix1", "ties go to ix1");
    fill(&pair.gcp, &old_gcp)?;
    let answer = pair
        .gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 50_000)
        .await?;
    let new_gcp = name_of(&answer)?;
    assert_eq!(
        new_gcp.interconnect().id(),
        "ix2",
        "NEG-18: migrated, not refused"
    );
    assert_eq!(new_gcp.id(), uuid, "CONN-24: the same UUID");
    assert_eq!(answer.migrating_from.as_ref(), Some(&old_gcp));
    // the peer cannot notify: the new connection cannot be verified here
    pair.to_gcp.set_down(true);
    pair.settle().await;
    let gcp = pair.at_gcp(&uuid)?;
    assert_ne!(gcp.phase, Phase::Verified, "{:#?}", gcp.events);
    let new_aws = name_of(&pair.at_aws(&uuid)?)?;
    assert_eq!(
        new_aws.interconnect().id(),
        "ix2",
        "the peer made its new one"
    );
    for (p, n) in [(&pair.gcp, &old_gcp), (&pair.aws, &old_aws)] {
        assert!(
            record(p, n).is_some_and(|r| r.connection.verification_state
                == Some(VerificationState::Verified)
                && r.connection.bandwidth_mbps == Some(10_000)),
            "NEG-15: the old connection {n} still carries traffic before the new one is verified"
        );
    }
    assert!(record(&pair.gcp, &new_gcp).is_some() && record(&pair.aws, &new_aws).is_some());
    pair.to_gcp.set_down(false);
    pair.settle().await;
    let (gcp, aws) = (pair.at_gcp(&uuid)?, pair.at_aws(&uuid)?);
    assert!(verified(&gcp) && verified(&aws), "{gcp:#?} {aws:#?}");
    assert_eq!(gcp.connection.as_ref(), Some(&new_gcp));
    assert_eq!(aws.connection.as_ref(), Some(&new_aws));
    assert_eq!((gcp.bandwidth_mbps, aws.bandwidth_mbps), (50_000, 50_000));
    assert_eq!(
        (gcp.migrating_from.as_ref(), aws.migrating_from.as_ref()),
        (None, None)
    );
    assert_eq!(gcp.pending_bandwidth_mbps, None);
    assert!(!gcp.features.is_empty() && !aws.features.is_empty());
    assert!(
        gcp.features
            .iter()
            .all(|f| f.channel.interconnect().id() == "ix2"),
        "the features moved with the connection"
    );
    assert!(
        record(&pair.gcp, &old_gcp).is_none(),
        "the old copy is gone here"
    );
    assert!(record(&pair.aws, &old_aws).is_none(), "and on the peer");
    let orphan_features = pair.aws.store().view(|s| {
        s.features
            .keys()
            .filter(|f| f.connection() == &old_aws)
            .count()
    });
    assert_eq!(orphan_features, Some(0), "the old features went with it");
    let verified_at = saw(&gcp, "VERIFIED:").ok_or("no VERIFIED event")?;
    let removed_at = saw(&gcp, "removed here (NEG-15)").ok_or("no removal event")?;
    assert!(
        verified_at < removed_at,
        "NEG-15: verified before the old one was removed: {:#?}",
        gcp.events
    );
    Ok(())
}

#[tokio::test]
async fn a_change_that_fits_nowhere_is_refused() -> TestResult {
    let (pair, uuid) = verified_pair(10_000).await?;
    let old = name_of(&pair.at_gcp(&uuid)?)?;
    fill(&pair.gcp, &old)?;
    let on_ix2 = old
        .interconnect()
        .environment()
        .interconnect("ix2")
        .and_then(|ix| ix.connection(&uuid))?;
    fill(&pair.gcp, &on_ix2)?;
    let refused = pair
        .gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 50_000)
        .await
        .err()
        .ok_or("no interconnect has room")?;
    assert_eq!((refused.rule(), refused.http_status()), ("CONN-16", 409));
    assert_eq!(bandwidth(&pair.gcp, &old), Some(10_000));
    assert_eq!(pair.at_gcp(&uuid)?.migrating_from, None);
    Ok(())
}

#[tokio::test]
async fn a_migration_the_peer_refuses_is_rolled_back_to_the_old_connection() -> TestResult {
    let (pair, uuid) = verified_pair(10_000).await?;
    let (old_gcp, old_aws) = (
        name_of(&pair.at_gcp(&uuid)?)?,
        name_of(&pair.at_aws(&uuid)?)?,
    );
    fill(&pair.gcp, &old_gcp)?;
    let peer_ix2 = old_aws
        .interconnect()
        .environment()
        .interconnect("ix2")
        .and_then(|ix| ix.connection(&uuid))?;
    fill(&pair.aws, &peer_ix2)?;
    let answer = pair
        .gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 50_000)
        .await?;
    assert_eq!(answer.migrating_from.as_ref(), Some(&old_gcp));
    pair.settle().await;
    let gcp = pair.at_gcp(&uuid)?;
    assert_eq!(gcp.connection.as_ref(), Some(&old_gcp), "{:#?}", gcp.events);
    assert!(verified(&gcp), "NEG-15: back on the old connection");
    assert_eq!(
        (
            gcp.bandwidth_mbps,
            gcp.migrating_from.clone(),
            gcp.pending_bandwidth_mbps
        ),
        (10_000, None, None)
    );
    let new_gcp = old_gcp
        .interconnect()
        .environment()
        .interconnect("ix2")
        .and_then(|ix| ix.connection(&uuid))?;
    assert!(
        record(&pair.gcp, &new_gcp).is_none(),
        "the new copy is gone"
    );
    let aws = pair.at_aws(&uuid)?;
    assert_eq!(aws.connection.as_ref(), Some(&old_aws));
    assert!(verified(&aws));
    // the old connection takes updates again
    let again = pair
        .gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 5000)
        .await?;
    assert_eq!(again.bandwidth_mbps, 5000);
    Ok(())
}

#[tokio::test]
async fn the_peer_follows_the_old_connection_again_when_a_migration_is_abandoned() -> TestResult {
    let (pair, uuid) = verified_pair(10_000).await?;
    let (old_gcp, old_aws) = (
        name_of(&pair.at_gcp(&uuid)?)?,
        name_of(&pair.at_aws(&uuid)?)?,
    );
    fill(&pair.gcp, &old_gcp)?;
    pair.gcp
        .customer()
        .change_bandwidth(&customer(), &uuid, 50_000)
        .await?;
    pair.to_gcp.set_down(true);
    pair.settle().await;
    let new_aws = name_of(&pair.at_aws(&uuid)?)?;
    assert_eq!(pair.at_aws(&uuid)?.migrating_from.as_ref(), Some(&old_aws));
    // what gcp sends when it abandons the migration
    pair.aws
        .delete_connection(
            &Caller::partner(pair.gcp.config().provider.clone()),
            request::DeleteConnection { name: new_aws },
        )
        .await?;
    let aws = pair.at_aws(&uuid)?;
    assert_eq!(
        aws.connection.as_ref(),
        Some(&old_aws),
        "NEG-15: {:#?}",
        aws.events
    );
    assert_eq!(
        (aws.migrating_from.clone(), aws.bandwidth_mbps),
        (None, 10_000)
    );
    assert!(verified(&aws));
    Ok(())
}

#[tokio::test]
async fn a_delete_during_a_migration_removes_both_connections_on_both_sides() -> TestResult {
    let (pair, uuid) = verified_pair(10_000).await?;
    let (old_gcp, old_aws) = (
        name_of(&pair.at_gcp(&uuid)?)?,
        name_of(&pair.at_aws(&uuid)?)?,
    );
    fill(&pair.gcp, &old_gcp)?;
    let new_gcp = name_of(
        &pair
            .gcp
            .customer()
            .change_bandwidth(&customer(), &uuid, 50_000)
            .await?,
    )?;
    pair.to_gcp.set_down(true);
    pair.settle().await;
    let new_aws = name_of(&pair.at_aws(&uuid)?)?;
    pair.to_gcp.set_down(false);
    pair.gcp
        .customer()
        .delete_customer_connection(&customer(), &uuid)?;
    pair.settle().await;
    for (p, n) in [
        (&pair.gcp, &old_gcp),
        (&pair.gcp, &new_gcp),
        (&pair.aws, &old_aws),
        (&pair.aws, &new_aws),
    ] {
        assert!(record(p, n).is_none(), "CONN-28: {n} is gone");
    }
    assert_eq!(pair.at_aws(&uuid)?.phase, Phase::Deleted);
    Ok(())
}

/// The default pair, except that both sides accept every authenticated
/// partner for CreateConnection, UpdateConnection and DeleteConnection
/// (the default policy only trusts calls about keys the server issued).
fn trusting_pair() -> Result<Pair, Box<dyn std::error::Error>> {
    use interconnect_provider::backend::InMemoryBackend;
    use interconnect_provider::clock::ManualClock;
    use interconnect_provider::config::ProviderConfig;
    use interconnect_provider::reference::deputy::TrustAuthenticatedPartner;
    use interconnect_provider::retry::Backoff;
    use interconnect_provider::store::MemoryStore;
    use interconnect_provider::testing::PROVISIONING_DELAY_SECONDS;
    use interconnect_provider::testing::pair::SwitchablePeer;
    use std::sync::Arc;

    let (aws_id, gcp_id) = (
        interconnect_core::names::ProviderName::new("aws")?,
        interconnect_core::names::ProviderName::new("gcp")?,
    );
    let clock = Arc::new(ManualClock::at_epoch());
    let delay = chrono::Duration::seconds(PROVISIONING_DELAY_SECONDS);
    let aws_backend = Arc::new(InMemoryBackend::new(clock.clone(), delay));
    let gcp_backend = Arc::new(InMemoryBackend::new(clock.clone(), delay));
    let build = |config: ProviderConfig,
                 backend: Arc<InMemoryBackend>,
                 seed: u64|
     -> Result<Arc<ReferenceProvider>, Box<dyn std::error::Error>> {
        Ok(Arc::new(
            ReferenceProvider::new(config, Arc::new(MemoryStore::new()), clock.clone(), backend)?
                .with_retry_policy(Backoff::default(), Some(seed))
                .with_deputy_verifier(Arc::new(TrustAuthenticatedPartner)),
        ))
    };
    let aws = build(
        ProviderConfig::default_pair(&aws_id, &gcp_id, 64512)?,
        aws_backend.clone(),
        1,
    )?;
    let gcp = build(
        ProviderConfig::default_pair(&gcp_id, &aws_id, 64513)?,
        gcp_backend.clone(),
        2,
    )?;
    let to_gcp = Arc::new(SwitchablePeer::new(gcp.clone()));
    let to_aws = Arc::new(SwitchablePeer::new(aws.clone()));
    aws.peers().connect(gcp_id.clone(), to_gcp.clone());
    gcp.peers().connect(aws_id.clone(), to_aws.clone());
    Ok(Pair {
        aws,
        gcp,
        clock,
        aws_backend,
        gcp_backend,
        to_gcp,
        to_aws,
    })
}

fn aws_customer() -> Secret {
    Secret::new(interconnect_provider::testing::pair::AWS_ACCOUNT)
}

#[tokio::test]
async fn the_key_issuers_changes_pass_the_receivers_default_deputy_policy() -> TestResult {
    // gcp accepted aws's key for this connection, so the default verifier
    // (ConfirmedKeyHolder) knows aws is the connection's counterpart (AUTH-7)
    let (pair, uuid) = verified_pair(10_000).await?;
    let old_aws = name_of(&pair.at_aws(&uuid)?)?;
    let old_gcp = name_of(&pair.at_gcp(&uuid)?)?;
    pair.aws
        .customer()
        .change_bandwidth(&aws_customer(), &uuid, 2000)
        .await?;
    pair.settle().await;
    assert_eq!(
        bandwidth(&pair.gcp, &old_gcp),
        Some(2000),
        "CONN-18 from the issuer"
    );
    assert_eq!(bandwidth(&pair.aws, &old_aws), Some(2000));
    // and a migration started by the issuer
    fill(&pair.aws, &old_aws)?;
    pair.aws
        .customer()
        .change_bandwidth(&aws_customer(), &uuid, 50_000)
        .await?;
    pair.settle().await;
    let (gcp, aws) = (pair.at_gcp(&uuid)?, pair.at_aws(&uuid)?);
    assert!(verified(&gcp) && verified(&aws), "{:#?}", aws.events);
    assert_eq!((gcp.bandwidth_mbps, aws.bandwidth_mbps), (50_000, 50_000));
    assert!(
        record(&pair.gcp, &old_gcp).is_none() && record(&pair.aws, &old_aws).is_none(),
        "NEG-15"
    );
    Ok(())
}

#[tokio::test]
async fn the_key_issuer_migrates_and_negotiates_the_new_connection_when_trusted() -> TestResult {
    let pair = trusting_pair()?;
    let uuid = pair.establish(10_000).await?;
    let (old_gcp, old_aws) = (
        name_of(&pair.at_gcp(&uuid)?)?,
        name_of(&pair.at_aws(&uuid)?)?,
    );
    fill(&pair.aws, &old_aws)?;
    let answer = pair
        .aws
        .customer()
        .change_bandwidth(&aws_customer(), &uuid, 50_000)
        .await?;
    assert_eq!(answer.migrating_from.as_ref(), Some(&old_aws), "NEG-18");
    pair.settle().await;
    let (gcp, aws) = (pair.at_gcp(&uuid)?, pair.at_aws(&uuid)?);
    assert!(verified(&gcp) && verified(&aws), "{gcp:#?} {aws:#?}");
    assert_eq!(
        (aws.role, gcp.role),
        (
            interconnect_provider::store::Role::Negotiator,
            interconnect_provider::store::Role::Responder
        ),
        "the side that creates the new connection negotiates it"
    );
    assert_eq!((gcp.bandwidth_mbps, aws.bandwidth_mbps), (50_000, 50_000));
    assert_eq!(
        aws.connection.as_ref().map(|c| c.interconnect().id()),
        Some("ix2")
    );
    assert!(record(&pair.gcp, &old_gcp).is_none() && record(&pair.aws, &old_aws).is_none());
    assert_eq!(aws.features.len(), gcp.features.len());
    // and an in-place change from the issuer goes through as well
    pair.aws
        .customer()
        .change_bandwidth(&aws_customer(), &uuid, 10_000)
        .await?;
    pair.settle().await;
    assert_eq!(pair.at_gcp(&uuid)?.bandwidth_mbps, 10_000);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_changes_of_one_connection_let_exactly_one_through() -> TestResult {
    let (pair, uuid) = verified_pair(1000).await?;
    let mut handles = Vec::new();
    for _ in 0..8 {
        let (gcp, uuid) = (pair.gcp.clone(), uuid.clone());
        handles.push(tokio::spawn(async move {
            gcp.customer()
                .change_bandwidth(&customer(), &uuid, 2000)
                .await
        }));
    }
    let (mut ok, mut conflict) = (0, 0);
    for h in handles {
        match h.await? {
            Ok(_) => ok += 1,
            Err(e) if e.http_status() == 409 && e.rule() == "CONN-17" => conflict += 1,
            Err(e) => return Err(format!("unexpected: {e}").into()),
        }
    }
    assert_eq!((ok, conflict), (1, 7), "CONN-17: one change at a time");
    pair.settle().await;
    assert_eq!(pair.at_aws(&uuid)?.bandwidth_mbps, 2000);
    Ok(())
}
