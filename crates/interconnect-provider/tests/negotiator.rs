//! Two reference providers reach VERIFIED in process (issue 5): the
//! negotiator, the responder and the customer flows, stepped with a manual
//! clock (no test sleeps). Each test names the rules it exercises.

use std::collections::BTreeSet;

use chrono::Duration;
use interconnect_core::activation_key::{ActivationKeyV1, ConnectionUuid};
use interconnect_core::names::ProviderName;
use interconnect_core::wire::{self, AdminState, ProvisioningState, Secret, VerificationState};
use interconnect_provider::clock::Clock;
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::customer::CustomerConnection;
use interconnect_provider::store::{ConnectionRecord, Phase, Role, StoreExt};
use interconnect_provider::testing::pair::{GCP_PROJECT, Pair};
use interconnect_provider::{Caller, ConnectionCoordinator, CoordinatorError, ErrorKind, request};

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

/// Nothing of any connection is left on a provider.
fn empty(p: &interconnect_provider::ReferenceProvider) -> bool {
    p.store()
        .view(|s| s.connections.is_empty() && s.features.is_empty())
        .unwrap_or(false)
}

fn provider(id: &str) -> ProviderName {
    ProviderName::new(id).expect("provider id")
}

#[tokio::test]
async fn the_happy_path_reaches_verified_on_both_sides() -> TestResult {
    let pair = Pair::new();
    let uuid = pair.establish(1000).await?;
    let aws = pair.at_aws(&uuid)?;
    let gcp = pair.at_gcp(&uuid)?;
    assert!(verified(&aws), "NEG-13 at aws: {aws:#?}");
    assert!(verified(&gcp), "NEG-13 at gcp: {gcp:#?}");
    assert_eq!(
        gcp.role,
        Role::Negotiator,
        "NEG-1: the key receiver negotiates"
    );
    assert_eq!(aws.role, Role::Responder);
    assert_eq!(aws.features.len(), 4, "one feature per channel");
    assert_eq!(gcp.features.len(), 4);
    let config = |v: &CustomerConnection| -> BTreeSet<_> {
        v.features
            .iter()
            .map(|f| {
                (
                    f.channel.id().to_owned(),
                    f.vlan_id,
                    f.ipv4_subnet.clone(),
                    f.mtu_bytes,
                )
            })
            .collect()
    };
    assert_eq!(
        config(&gcp),
        config(&aws),
        "both sides hold the same configuration"
    );
    assert!(
        gcp.features.iter().all(|f| f.mtu_bytes == Some(8500)),
        "NEG-6: the highest MTU both allow, capped by the customer's 8500"
    );
    // the order of the history: confirm, local first, then the peer (KEY-29, CONN-7, NEG-7)
    let steps: Vec<&str> = gcp.events.iter().map(|e| e.what.as_str()).collect();
    let at = |needle: &str| steps.iter().position(|s| s.contains(needle));
    assert!(
        at("confirmed the activation key") < at("local connection created"),
        "KEY-29: {steps:#?}"
    );
    assert!(
        at("local connection created") < at("CreateConnection on the peer accepted"),
        "CONN-7"
    );
    assert!(
        at("NotifyConnectionStatus acknowledged") < at("VERIFIED"),
        "NEG-13"
    );
    Ok(())
}

#[tokio::test]
async fn a_hundred_connections_share_the_channels_without_collisions() -> TestResult {
    let pair = Pair::new();
    let mut ids = Vec::new();
    for _ in 0..100 {
        ids.push(pair.establish(1000).await?);
    }
    let mut used: BTreeSet<(String, String, i32)> = BTreeSet::new();
    let mut subnets: BTreeSet<(String, String, String)> = BTreeSet::new();
    for id in &ids {
        let gcp = pair.at_gcp(id)?;
        let aws = pair.at_aws(id)?;
        assert!(
            verified(&gcp) && verified(&aws),
            "connection {} not verified: {gcp:#?}",
            id
        );
        for f in &gcp.features {
            let ix = f.channel.interconnect().id().to_owned();
            let vlan = f.vlan_id.ok_or("no vlan")?;
            assert!(
                used.insert((ix.clone(), f.channel.id().to_owned(), vlan)),
                "L3-12: VLAN {vlan} reused"
            );
            let subnet = f.ipv4_subnet.clone().ok_or("no subnet")?;
            assert!(
                subnets.insert((ix, f.channel.id().to_owned(), subnet)),
                "L3-20: subnet reused"
            );
        }
    }
    // NEG-2: the most free interconnect each time spreads them over ix1 and ix2
    let on_ix1 = ids
        .iter()
        .filter(|id| {
            pair.at_gcp(id)
                .ok()
                .and_then(|v| v.connection)
                .is_some_and(|c| c.interconnect().id() == "ix1")
        })
        .count();
    assert_eq!(
        on_ix1, 50,
        "NEG-2: 1 Gbps each, alternating between two equal interconnects"
    );
    Ok(())
}

#[tokio::test]
async fn a_full_interconnect_at_the_peer_sends_the_negotiator_to_the_other() -> TestResult {
    let pair = Pair::new();
    // aws already carries 99.5 Gbps on ix1 that gcp does not know about
    let ix1 = pair
        .aws_environment("aws-gcp-us-east")
        .interconnect("ix1")?;
    let filler = ix1.connection("7f000000-0000-4000-8000-000000000001")?;
    pair.aws.store().update(|s| {
        s.connections.insert(
            filler.clone(),
            ConnectionRecord {
                connection: wire::Connection {
                    name: Some(filler.clone()),
                    bandwidth_mbps: Some(99_500),
                    ..Default::default()
                },
                created_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
                negotiator_here: false,
                update_in_flight: None,
                notifications_received: Vec::new(),
                seen_on_peer: true,
            },
        );
        Ok(())
    })?;
    let uuid = pair.establish(1000).await?;
    let gcp = pair.at_gcp(&uuid)?;
    assert!(verified(&gcp), "{gcp:#?}");
    assert_eq!(
        gcp.connection
            .as_ref()
            .map(|c| c.interconnect().id().to_owned()),
        Some("ix2".to_owned()),
        "NEG-3: another interconnect after the peer's 409"
    );
    assert!(
        gcp.events.iter().any(|e| e.what.contains("NEG-3")),
        "the move is in the history: {:#?}",
        gcp.events
    );
    let stale = pair
        .gcp
        .store()
        .view(|s| s.connections.keys().any(|c| c.interconnect().id() == "ix1"))
        .unwrap_or(true);
    assert!(!stale, "the local copy on ix1 was removed");
    Ok(())
}

#[tokio::test]
async fn a_reused_key_is_refused_with_nothing_left_behind() -> TestResult {
    let pair = Pair::new();
    let uuid = pair.establish(1000).await?;
    let _ = uuid;
    // the same key again at gcp: already accepted here
    let (_, key) = pair.request_at_aws(1000).await?;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    let again = pair
        .gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await;
    assert_eq!(
        again.as_ref().map_err(|e| e.rule()).err(),
        Some("KEY-25"),
        "{again:?}"
    );
    // a key whose connection already exists at the issuer is used: keyValid
    // false (KEY-15, KEY-19), so the receiver stops (KEY-25)
    let (used_id, used) = pair.request_at_aws(1000).await?;
    let env = pair.gcp.config().provider.environment("aws-gcp-us-east")?;
    let confirmed = pair
        .aws
        .confirm_activation_key(
            &Caller::partner(provider("gcp")),
            request::ConfirmActivationKey {
                name: env,
                body: wire::ConfirmActivationKeyRequest {
                    key: None,
                    encoded_key: Some(used.clone()),
                },
            },
        )
        .await?;
    assert_eq!(confirmed.key_valid, Some(true));
    pair.aws
        .create_connection(
            &Caller::partner(provider("gcp")),
            request::CreateConnection {
                parent: pair
                    .aws_environment("aws-gcp-us-east")
                    .interconnect("ix2")?,
                connection_id: used_id,
                connection: wire::Connection {
                    bandwidth_mbps: Some(1000),
                    ..Default::default()
                },
            },
        )
        .await?;
    let before = pair
        .gcp
        .store()
        .view(|s| (s.connections.len(), s.workflows.len()));
    let refused = pair
        .gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&used))
        .await;
    let error = refused.err().ok_or("a used key was accepted")?;
    assert_eq!(
        (error.kind(), error.rule()),
        (ErrorKind::InvalidArgument, "KEY-25")
    );
    let after = pair
        .gcp
        .store()
        .view(|s| (s.connections.len(), s.workflows.len()));
    assert_eq!(
        before, after,
        "KEY-25: nothing is created for a refused key"
    );
    Ok(())
}

#[tokio::test]
async fn an_expired_key_is_refused_by_the_issuer_with_nothing_left_behind() -> TestResult {
    let pair = Pair::new();
    let (_, key) = pair.request_at_aws(1000).await?;
    pair.clock.advance(Duration::days(7) + Duration::seconds(1));
    let error = pair
        .gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await
        .err()
        .ok_or("an expired key was accepted")?;
    assert_eq!(error.rule(), "KEY-25", "{error}");
    assert!(
        empty(&pair.gcp) && empty(&pair.aws),
        "nothing left on either side"
    );
    assert_eq!(pair.gcp.store().view(|s| s.workflows.len()), Some(0));
    Ok(())
}

#[tokio::test]
async fn a_key_is_accepted_only_as_the_authenticated_customer() -> TestResult {
    let pair = Pair::new();
    let (_, key) = pair.request_at_aws(1000).await?;
    // the body names the key's destination account, but another customer
    // is authenticated: the provider refuses it, whoever calls it (KEY-24)
    let error = pair
        .gcp
        .customer()
        .accept_activation_key(&Secret::new("someone-else"), &pair.acceptance(&key))
        .await
        .err()
        .ok_or("another customer accepted the key in the owner's name")?;
    assert_eq!(
        (error.kind(), error.rule()),
        (ErrorKind::PermissionDenied, "KEY-24")
    );
    assert!(
        error.to_string().contains("authenticated customer"),
        "{error}"
    );
    assert!(
        !error.to_string().contains(GCP_PROJECT),
        "the account is a secret: {error}"
    );
    assert_eq!(pair.to_aws.calls(), 0, "KEY-24 is checked before any call");
    assert!(empty(&pair.gcp));
    // the key is still good for its owner
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_wrong_account_is_refused_before_any_call_to_the_peer() -> TestResult {
    let pair = Pair::new();
    let (_, key) = pair.request_at_aws(1000).await?;
    let mut accept = pair.acceptance(&key);
    let stranger = Secret::new("someone-else");
    accept.acceptance.accepting_account_id = stranger.clone();
    let error = pair
        .gcp
        .customer()
        .accept_activation_key(&stranger, &accept)
        .await
        .err()
        .ok_or("a stranger accepted the key")?;
    assert_eq!(
        (error.kind(), error.rule()),
        (ErrorKind::PermissionDenied, "KEY-24")
    );
    assert!(error.to_string().contains("destination account"), "{error}");
    assert!(
        !error.to_string().contains(GCP_PROJECT),
        "the account is a secret: {error}"
    );
    assert_eq!(pair.to_aws.calls(), 0, "KEY-24 is checked before any call");
    assert!(empty(&pair.gcp));
    Ok(())
}

#[tokio::test]
async fn a_key_for_an_environment_not_shared_is_refused_before_any_call() -> TestResult {
    let pair = Pair::new();
    let foreign = ActivationKeyV1::new(
        provider("aws").environment("aws-gcp-ap-south")?,
        ConnectionUuid::from_bytes([7; 16]),
        1000,
        Secret::new(GCP_PROJECT),
    )?;
    let key = Secret::new(foreign.encode().expose());
    let error = pair
        .gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await
        .err()
        .ok_or("a key for an unknown environment was accepted")?;
    assert_eq!(error.rule(), "KEY-23", "{error}");
    // a size the environment does not offer
    let odd = ActivationKeyV1::new(
        provider("aws").environment("aws-gcp-us-east")?,
        ConnectionUuid::from_bytes([8; 16]),
        1234,
        Secret::new(GCP_PROJECT),
    )?;
    let error = pair
        .gcp
        .customer()
        .accept_activation_key(
            &pair.gcp_customer(),
            &pair.acceptance(&Secret::new(odd.encode().expose())),
        )
        .await
        .err()
        .ok_or("an odd size was accepted")?;
    assert_eq!(error.rule(), "KEY-23", "{error}");
    // not a key at all
    let error = pair
        .gcp
        .customer()
        .accept_activation_key(
            &pair.gcp_customer(),
            &pair.acceptance(&Secret::new("not a key")),
        )
        .await
        .err()
        .ok_or("garbage was accepted")?;
    assert_eq!(error.rule(), "KEY-23");
    assert_eq!(pair.to_aws.calls(), 0, "KEY-23 is checked before any call");
    assert!(empty(&pair.gcp));
    Ok(())
}

#[tokio::test]
async fn overlapping_customer_ranges_are_refused_before_any_call() -> TestResult {
    let pair = Pair::new();
    let (_, key) = pair.request_at_aws(1000).await?;
    let mut accept = pair.acceptance(&key);
    accept.acceptance.attachment = pair.gcp_attachment("10.0.128.0/20");
    let error = pair
        .gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &accept)
        .await
        .err()
        .ok_or("overlapping ranges were accepted")?;
    assert_eq!(error.rule(), "CUST-CIDR-OVERLAP", "{error}");
    assert_eq!(
        pair.to_aws.calls(),
        0,
        "the pair checks run before any call to the peer"
    );
    assert!(empty(&pair.gcp) && empty(&pair.aws));
    Ok(())
}

#[tokio::test]
async fn describing_a_key_shows_what_it_asks_for() -> TestResult {
    let pair = Pair::new();
    let (_, key) = pair.request_at_aws(2000).await?;
    let description = pair.gcp.customer().describe_activation_key(&key)?;
    assert_eq!(description.bandwidth_mbps, 2000, "KEY-28");
    assert_eq!(description.issuer, provider("aws"));
    assert_eq!(description.environment.id(), "aws-gcp-us-east");
    assert!(
        description.checks.iter().all(|c| c.passed != Some(false)),
        "{description:#?}"
    );
    assert!(
        description
            .checks
            .iter()
            .any(|c| c.rule == "KEY-24" && c.passed.is_none()),
        "the account check is made on acceptance"
    );
    let text = serde_json::to_string(&description)?;
    assert!(
        !text.contains(GCP_PROJECT),
        "the destination account is not shown"
    );
    assert_eq!(pair.to_aws.calls(), 0, "describing calls nobody");
    Ok(())
}

#[tokio::test]
async fn a_peer_down_during_negotiation_is_retried_then_rolled_back() -> TestResult {
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000).await?;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    pair.to_aws.set_down(true);
    let start = pair.clock.now();
    pair.settle().await;
    let gcp = pair.gcp.workflow(&uuid).ok_or("no workflow")?;
    assert_eq!(gcp.phase, Phase::Failed, "NEG-16: {:#?}", gcp.events);
    assert!(
        pair.to_aws.refused() > 3,
        "NEG-4: retried {} times",
        pair.to_aws.refused()
    );
    let gave_up = gcp
        .events
        .iter()
        .find(|e| e.what.starts_with("failed and rolled back"))
        .map(|e| e.at)
        .ok_or("no failure event")?;
    assert!(
        gave_up - start <= Duration::seconds(60),
        "NEG-4: within the 60 s budget (gave up after {})",
        gave_up - start
    );
    assert!(empty(&pair.gcp), "rolled back: nothing left here");
    pair.to_aws.set_down(false);
    pair.settle().await;
    assert!(empty(&pair.aws), "nothing was created at the peer");
    Ok(())
}

#[tokio::test]
async fn a_refusal_is_never_retried_blindly() -> TestResult {
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000).await?;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    pair.to_aws
        .fail_with(Some(CoordinatorError::invalid_argument(
            "CONN-2",
            "refused for the test",
        )));
    pair.settle().await;
    assert_eq!(
        pair.to_aws.operations(),
        [
            "confirm_activation_key",
            "create_connection",
            "delete_connection"
        ],
        "a 400 is not retried (NEG-4); the rollback asks the peer to delete (NEG-16)"
    );
    let gcp = pair.gcp.workflow(&uuid).ok_or("no workflow")?;
    assert_eq!(gcp.phase, Phase::Failed);
    assert!(empty(&pair.gcp));
    Ok(())
}

#[tokio::test]
async fn retry_after_is_a_lower_bound() -> TestResult {
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000).await?;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    pair.to_aws
        .fail_with(Some(CoordinatorError::resource_exhausted(
            "ERR-2",
            "slow down",
            std::time::Duration::from_secs(20),
        )));
    let start = pair.clock.now();
    pair.gcp.run_until_idle().await;
    let next = pair
        .gcp
        .scheduler()
        .next_due()
        .ok_or("no retry scheduled")?;
    assert!(
        next - start >= Duration::seconds(20),
        "NEG-4: Retry-After 20 s honoured, retry at +{}",
        next - start
    );
    pair.to_aws.fail_with(None);
    pair.settle().await;
    assert!(verified(&pair.at_gcp(&uuid)?));
    Ok(())
}

fn with_ch4_disabled(mut config: ProviderConfig) -> ProviderConfig {
    for env in config
        .inventory
        .partners
        .iter_mut()
        .flat_map(|p| &mut p.environments)
    {
        for ix in &mut env.interconnects {
            for ch in &mut ix.channels {
                if ch.name.as_ref().map(|n| n.id()) == Some("ch4") {
                    ch.admin_state = Some(AdminState::Disabled);
                }
            }
        }
    }
    config
}

#[tokio::test]
async fn three_of_four_channels_still_verify() -> TestResult {
    let (aws, gcp) = (provider("aws"), provider("gcp"));
    let pair = Pair::with_configs(
        with_ch4_disabled(ProviderConfig::default_pair(&aws, &gcp, 64512)?),
        with_ch4_disabled(ProviderConfig::default_pair(&gcp, &aws, 64513)?),
    );
    let uuid = pair.establish(1000).await?;
    let view = pair.at_gcp(&uuid)?;
    assert!(verified(&view), "FEAT-8, NEG-11: {view:#?}");
    assert_eq!(view.features.len(), 3);
    assert!(
        view.features.iter().all(|f| f.channel.id() != "ch4"),
        "no feature on the disabled channel"
    );
    assert!(verified(&pair.at_aws(&uuid)?));
    Ok(())
}

#[tokio::test]
async fn two_disabled_channels_of_four_are_below_the_quorum() -> TestResult {
    let disable = |mut config: ProviderConfig| {
        for ch in config
            .inventory
            .partners
            .iter_mut()
            .flat_map(|p| &mut p.environments)
            .flat_map(|e| &mut e.interconnects)
            .flat_map(|ix| &mut ix.channels)
        {
            if matches!(ch.name.as_ref().map(|n| n.id()), Some("ch3" | "ch4")) {
                ch.admin_state = Some(AdminState::Disabled);
            }
        }
        config
    };
    let (aws, gcp) = (provider("aws"), provider("gcp"));
    let pair = Pair::with_configs(
        disable(ProviderConfig::default_pair(&aws, &gcp, 64512)?),
        disable(ProviderConfig::default_pair(&gcp, &aws, 64513)?),
    );
    let uuid = pair.establish(1000).await?;
    let wf = pair.gcp.workflow(&uuid).ok_or("no workflow")?;
    assert_eq!(
        wf.phase,
        Phase::Failed,
        "FEAT-8: 2 of 4 is below ceil(3*4/4) = 3"
    );
    assert!(
        wf.failure.as_deref().is_some_and(|f| f.contains("FEAT-8")),
        "{:?}",
        wf.failure
    );
    assert!(empty(&pair.gcp), "rolled back here");
    pair.settle().await;
    assert!(empty(&pair.aws), "and at the peer (NEG-16)");
    Ok(())
}

#[tokio::test]
async fn a_delete_by_the_receivers_customer_reaches_the_issuer() -> TestResult {
    let pair = Pair::new();
    let uuid = pair.establish(1000).await?;
    let deleted = pair
        .gcp
        .customer()
        .delete_customer_connection(&Secret::new(GCP_PROJECT), &uuid)?;
    assert_eq!(deleted.phase, Phase::Deleting);
    assert!(
        empty(&pair.gcp),
        "CONN-28: the local copy and features go at once"
    );
    pair.settle().await;
    assert_eq!(pair.at_gcp(&uuid)?.phase, Phase::Deleted);
    assert!(empty(&pair.aws), "the peer removed its copy and features");
    assert_eq!(
        pair.at_aws(&uuid)?.phase,
        Phase::Deleted,
        "the issuer's customer sees it"
    );
    Ok(())
}

#[tokio::test]
async fn a_delete_by_the_issuers_customer_reaches_the_receiver() -> TestResult {
    let pair = Pair::new();
    let uuid = pair.establish(1000).await?;
    pair.aws.customer().delete_customer_connection(
        &Secret::new(interconnect_provider::testing::pair::AWS_ACCOUNT),
        &uuid,
    )?;
    pair.settle().await;
    assert!(
        empty(&pair.aws) && empty(&pair.gcp),
        "CONN-28 from the other side"
    );
    assert_eq!(pair.at_gcp(&uuid)?.phase, Phase::Deleted);
    Ok(())
}

#[tokio::test]
async fn a_delete_with_the_peer_down_is_retried_and_a_404_counts_as_done() -> TestResult {
    let pair = Pair::new();
    let uuid = pair.establish(1000).await?;
    pair.to_aws.set_down(true);
    pair.gcp
        .customer()
        .delete_customer_connection(&Secret::new(GCP_PROJECT), &uuid)?;
    pair.gcp.run_until_idle().await;
    assert_eq!(
        pair.at_gcp(&uuid)?.phase,
        Phase::Deleting,
        "still telling the peer"
    );
    // the peer's copy disappears meanwhile (its own cleanup): the retry gets 404
    let name = pair
        .aws
        .workflow(&uuid)
        .and_then(|w| w.connection)
        .ok_or("no copy at aws")?;
    pair.aws.store().update(|s| {
        s.connections.remove(&name);
        let gone: Vec<_> = s
            .features
            .keys()
            .filter(|f| f.connection() == &name)
            .cloned()
            .collect();
        for f in gone {
            s.features.remove(&f);
        }
        Ok(())
    })?;
    pair.to_aws.set_down(false);
    pair.settle().await;
    assert_eq!(
        pair.at_gcp(&uuid)?.phase,
        Phase::Deleted,
        "CONN-28: 404 counts as done"
    );
    assert!(pair.to_aws.refused() >= 1);
    Ok(())
}

#[tokio::test]
async fn a_deferral_hands_the_negotiation_to_the_issuer() -> TestResult {
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000).await?;
    let mut accept = pair.acceptance(&key);
    accept.defer_provisioning = true;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &accept)
        .await?;
    pair.settle().await;
    let gcp = pair.at_gcp(&uuid)?;
    let aws = pair.at_aws(&uuid)?;
    assert!(
        verified(&gcp) && verified(&aws),
        "DEFER-6: {gcp:#?} {aws:#?}"
    );
    assert_eq!(aws.role, Role::Negotiator, "DEFER-3: the issuer negotiates");
    assert_eq!(gcp.role, Role::Responder);
    assert!(
        gcp.events.iter().any(|e| e.what.contains("DEFER-9")),
        "{:#?}",
        gcp.events
    );
    Ok(())
}

#[tokio::test]
async fn an_environment_that_always_defers_makes_the_receiver_defer() -> TestResult {
    let always = |mut config: ProviderConfig| {
        for env in config
            .inventory
            .partners
            .iter_mut()
            .flat_map(|p| &mut p.environments)
        {
            env.environment.defer_connection_provisioning = Some(true);
        }
        config
    };
    let (aws, gcp) = (provider("aws"), provider("gcp"));
    let pair = Pair::with_configs(
        always(ProviderConfig::default_pair(&aws, &gcp, 64512)?),
        always(ProviderConfig::default_pair(&gcp, &aws, 64513)?),
    );
    let uuid = pair.establish(1000).await?;
    assert_eq!(pair.at_aws(&uuid)?.role, Role::Negotiator, "DEFER-4");
    assert!(verified(&pair.at_gcp(&uuid)?));
    Ok(())
}

#[tokio::test]
async fn a_refused_deferral_is_negotiated_by_the_receiver() -> TestResult {
    let (aws, gcp) = (provider("aws"), provider("gcp"));
    let mut aws_config = ProviderConfig::default_pair(&aws, &gcp, 64512)?;
    aws_config.policy.accept_deferral = false;
    let pair = Pair::with_configs(aws_config, ProviderConfig::default_pair(&gcp, &aws, 64513)?);
    let (uuid, key) = pair.request_at_aws(1000).await?;
    let mut accept = pair.acceptance(&key);
    accept.defer_provisioning = true;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &accept)
        .await?;
    pair.settle().await;
    let gcp = pair.at_gcp(&uuid)?;
    assert!(verified(&gcp), "DEFER-10: {gcp:#?}");
    assert_eq!(
        gcp.role,
        Role::Negotiator,
        "the receiver took the role back"
    );
    assert!(gcp.events.iter().any(|e| e.what.contains("DEFER-10")));
    assert!(verified(&pair.at_aws(&uuid)?));
    Ok(())
}

#[tokio::test]
async fn a_deferral_that_times_out_is_rolled_back_on_both_sides() -> TestResult {
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000).await?;
    let mut accept = pair.acceptance(&key);
    accept.defer_provisioning = true;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &accept)
        .await?;
    // the issuer accepts the role but never reaches the receiver
    pair.to_gcp.set_down(true);
    pair.settle_for(Duration::hours(167)).await;
    let gcp = pair.gcp.workflow(&uuid).ok_or("no workflow")?;
    assert_ne!(
        gcp.phase,
        Phase::Failed,
        "DEFER-5: still watching before deferralTimeoutHours"
    );
    pair.settle_for(Duration::hours(2)).await;
    let gcp = pair.gcp.workflow(&uuid).ok_or("no workflow")?;
    assert_eq!(gcp.phase, Phase::Failed, "DEFER-7: {:#?}", gcp.events);
    assert!(
        gcp.failure
            .as_deref()
            .is_some_and(|f| f.contains("DEFER-7"))
    );
    assert!(
        empty(&pair.gcp) && empty(&pair.aws),
        "both sides rolled back"
    );
    Ok(())
}

#[tokio::test]
async fn a_deleted_feature_is_recreated_by_the_channels_manager() -> TestResult {
    let pair = Pair::new();
    let uuid = pair.establish(1000).await?;
    // ch3 is managed by gcp (the second provider alphabetically): aws deletes
    // its copy of the ch3 feature and tells gcp, as Protocols.md § Delete Feature
    let aws_conn = pair
        .aws
        .workflow(&uuid)
        .and_then(|w| w.connection)
        .ok_or("no connection")?;
    let aws_feature = pair
        .aws
        .store()
        .view(|s| {
            s.features
                .iter()
                .find(|(n, r)| {
                    n.connection() == &aws_conn
                        && r.feature.channel.as_ref().is_some_and(|c| c.id() == "ch3")
                })
                .map(|(n, _)| n.clone())
        })
        .flatten()
        .ok_or("no ch3 feature at aws")?;
    pair.aws.store().update(|s| {
        s.features.remove(&aws_feature);
        Ok(())
    })?;
    let gcp_feature = pair
        .gcp
        .workflow(&uuid)
        .and_then(|w| w.connection)
        .ok_or("no connection")?
        .feature(aws_feature.id())?;
    pair.gcp
        .delete_feature(
            &Caller::partner(provider("aws")),
            request::DeleteFeature { name: gcp_feature },
        )
        .await?;
    pair.settle().await;
    let gcp = pair.at_gcp(&uuid)?;
    let aws = pair.at_aws(&uuid)?;
    assert_eq!(
        gcp.features.len(),
        4,
        "FEAT-9: gcp re-created it: {:#?}",
        gcp.events
    );
    assert_eq!(aws.features.len(), 4, "and the peer accepted it");
    assert!(
        verified(&gcp) && verified(&aws),
        "NEG-14: notified again and verified"
    );
    assert!(gcp.events.iter().any(|e| e.what.contains("FEAT-9")));
    Ok(())
}

#[tokio::test]
async fn the_cleanup_runs_periodically() -> TestResult {
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000).await?;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    pair.gcp.run_until_idle().await; // creates the connection at aws, features agreed
    pair.to_gcp.set_down(true); // aws never gets its notification through
    pair.aws.start_cleanup_schedule();
    pair.settle_for(Duration::days(8)).await;
    assert!(
        pair.aws
            .workflow(&uuid)
            .is_some_and(|w| w.phase != Phase::Verified),
        "never verified"
    );
    assert!(
        empty(&pair.aws),
        "OPS-7, CONN-13: the cleanup removed the unverified connection"
    );
    assert!(
        pair.aws
            .scheduler()
            .is_pending(&interconnect_provider::scheduler::Task::Cleanup),
        "and runs again"
    );
    Ok(())
}
