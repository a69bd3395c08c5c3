//! Interoperability with peers that follow the specification rather than
//! our own habits (issue 14): two reference providers in process, stepped
//! with a manual clock. Each test names the rules it exercises.

use interconnect_core::names::ConnectionName;
use interconnect_core::wire;
use interconnect_provider::customer::CustomerConnection;
use interconnect_provider::store::{ConnectionRecord, Phase, StoreExt};
use interconnect_provider::testing::pair::Pair;
use interconnect_provider::{
    Caller, ConnectionCoordinator, CoordinatorError, ErrorKind, ReferenceProvider, request,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn verified(view: &CustomerConnection) -> bool {
    view.phase == Phase::Verified
        && view.verification_state == Some(wire::VerificationState::Verified)
        && !view.features.is_empty()
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

/// The copies of connection `uuid` a provider holds.
fn copies(p: &ReferenceProvider, uuid: &str) -> Vec<ConnectionName> {
    p.store()
        .view(|s| s.connections.with_id(uuid).cloned().collect())
        .unwrap_or_default()
}

fn as_gcp() -> Caller {
    Caller::partner("providers/gcp".parse().expect("provider name"))
}

fn bandwidth_update(name: &ConnectionName, mbps: i32) -> request::UpdateConnection {
    request::UpdateConnection {
        name: name.clone(),
        update_mask: Some("bandwidthMbps".to_owned()),
        connection: wire::Connection {
            bandwidth_mbps: Some(mbps),
            ..Default::default()
        },
    }
}

#[tokio::test]
async fn the_negotiator_writes_subnets_as_bare_masked_addresses() -> TestResult {
    // E-43 (L3-13, L3-22): the address with the mask applied, the length
    // in its own member; the responder accepted them (VERIFIED)
    let pair = Pair::new();
    let uuid = pair.establish(1000).await?;
    let aws = pair.at_aws(&uuid)?;
    assert!(verified(&aws), "{aws:#?}");
    let configs: Vec<wire::L3BaseConfig> = pair
        .aws
        .store()
        .view(|s| {
            s.features
                .values()
                .filter_map(|r| r.feature.feature_config.clone()?.l3_base_config)
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(configs.len(), 4, "one feature per channel");
    for l3 in &configs {
        let subnet = l3.ipv4_subnet.as_deref().unwrap_or_default();
        assert!(
            !subnet.contains('/') && subnet.parse::<std::net::Ipv4Addr>().is_ok(),
            "E-43: ipv4Subnet {subnet:?} is a bare address"
        );
        assert!(l3.ipv4_subnet_prefix_length.is_some());
        if let Some(v6) = &l3.ipv6_subnet {
            assert!(!v6.contains('/'), "E-43: ipv6Subnet {v6:?} is bare");
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_partner_that_never_notifies_does_not_block_later_updates() -> TestResult {
    // CONN-17 (E-84): the partner's update is in flight while this side
    // processes it, not until the partner's NotifyConnectionStatus
    let pair = Pair::new();
    let uuid = pair.establish(1000).await?;
    let aws_name = name_of(&pair.at_aws(&uuid)?)?;
    // gcp's side changes too, so that nothing else differs
    let gcp_name = name_of(&pair.at_gcp(&uuid)?)?;
    pair.aws
        .update_connection(&as_gcp(), bandwidth_update(&aws_name, 2000))
        .await?;
    assert!(
        record(&pair.aws, &aws_name).is_some_and(|r| r.update_in_flight.is_some()),
        "CONN-17: in flight while aws processes it"
    );
    pair.gcp.store().update(|s| {
        if let Some(mut r) = s.connections.get_mut(&gcp_name) {
            r.connection.bandwidth_mbps = Some(2000);
        }
        Ok(())
    })?;
    pair.settle().await;
    assert!(
        record(&pair.aws, &aws_name).is_some_and(|r| r.update_in_flight.is_none()),
        "CONN-17: processed, no longer in flight"
    );
    // the partner never sent NotifyConnectionStatus for its own update
    let again = pair
        .aws
        .update_connection(&as_gcp(), bandwidth_update(&aws_name, 1000))
        .await?;
    assert_eq!(again.bandwidth_mbps, Some(1000));
    Ok(())
}

#[tokio::test]
async fn an_interconnect_whose_devices_take_no_new_work_sends_the_negotiator_elsewhere()
-> TestResult {
    // CONN-6 (E-67, E-83): 409 ABORTED, after which the negotiator tries
    // another interconnect (NEG-3) instead of retrying a 503
    let pair = Pair::new();
    let ix1 = pair
        .aws_environment("aws-gcp-us-east")
        .interconnect("ix1")?;
    pair.aws_backend.set_unavailable(&ix1, true);
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
    let direct = pair
        .aws
        .create_connection(
            &as_gcp(),
            request::CreateConnection {
                parent: ix1,
                connection_id: "7f000000-0000-4000-8000-000000000009".to_owned(),
                connection: wire::Connection {
                    bandwidth_mbps: Some(1000),
                    ..Default::default()
                },
            },
        )
        .await
        .err()
        .ok_or("an unavailable interconnect refuses")?;
    assert_eq!(
        (direct.kind(), direct.http_status(), direct.rule()),
        (ErrorKind::Aborted, 409, "CONN-6")
    );
    Ok(())
}

#[tokio::test]
async fn a_bare_409_for_a_created_connection_continues_with_it() -> TestResult {
    // NEG-24: a 409 without a status name may mean "already exists": the
    // negotiator reads the connection and continues with it instead of
    // creating a second copy on another interconnect
    let pair = Pair::new();
    pair.to_aws.lose_next_answer(
        "create_connection",
        CoordinatorError::new(
            ErrorKind::from_http_status(409),
            "",
            "the peer answered HTTP 409 without an error body",
        ),
    );
    let uuid = pair.establish(1000).await?;
    let gcp = pair.at_gcp(&uuid)?;
    assert!(verified(&gcp), "{gcp:#?}");
    assert_eq!(
        copies(&pair.aws, &uuid).len(),
        1,
        "NEG-24: one copy at the peer, not one per interconnect tried"
    );
    assert_eq!(copies(&pair.gcp, &uuid).len(), 1, "and one copy here");
    assert!(
        !gcp.events.iter().any(|e| e.what.contains("NEG-3")),
        "no move to another interconnect: {:#?}",
        gcp.events
    );
    Ok(())
}

#[tokio::test]
async fn the_cleanup_deletes_the_peers_copy_of_what_it_removed() -> TestResult {
    // CONN-32: the 7-day cleanup removes the unverified connection here,
    // releases its reservation, and calls DeleteConnection on the peer
    let pair = Pair::new();
    let (uuid, key) = pair.request_at_aws(1000).await?;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    pair.gcp.run_until_idle().await; // the connection exists on both sides
    assert_eq!(copies(&pair.aws, &uuid).len(), 1);
    assert_eq!(copies(&pair.gcp, &uuid).len(), 1);
    // gcp goes quiet (never provisions, never notifies); a week passes
    pair.clock.advance(chrono::Duration::days(8));
    pair.aws.start_cleanup_schedule();
    pair.aws.run_until_idle().await;
    assert!(
        copies(&pair.aws, &uuid).is_empty(),
        "CONN-13, CONN-14: removed here"
    );
    let reserved = pair
        .aws
        .store()
        .view(|s| {
            s.connections
                .values()
                .filter_map(|r| r.connection.bandwidth_mbps)
                .sum::<i32>()
        })
        .unwrap_or(-1);
    assert_eq!(reserved, 0, "CONN-32: the reservation is released");
    assert!(
        copies(&pair.gcp, &uuid).is_empty(),
        "CONN-32: DeleteConnection reached the peer, whose copy is gone"
    );
    assert!(
        pair.to_gcp.operations().contains(&"delete_connection"),
        "{:?}",
        pair.to_gcp.operations()
    );
    Ok(())
}
