//! Customer-side policy rules across two reference providers: a private
//! environment is open only to the agreed customers (ENV-14), and a server
//! refuses a change beyond its own bandwidth limit (CONN-30).

use interconnect_core::wire::{EnvironmentVisibility, Secret};
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::testing::pair::{AWS_ACCOUNT, GCP_PROJECT, Pair};
use interconnect_provider::{ErrorKind, ReferenceProvider};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// `config` with environment `aws-gcp-us-east` private and open to
/// `accounts` only.
fn private(provider: &ReferenceProvider, accounts: &[&str]) -> ProviderConfig {
    let mut config = provider.config().clone();
    for env in config
        .inventory
        .partners
        .iter_mut()
        .flat_map(|p| &mut p.environments)
    {
        if env.environment.name.as_ref().map(|n| n.id()) == Some("aws-gcp-us-east") {
            env.environment.environment_visibility = Some(EnvironmentVisibility::Private);
            env.allowed_accounts = accounts.iter().map(|a| Secret::new(*a)).collect();
        }
    }
    config
}

#[tokio::test]
async fn a_private_environment_is_open_only_to_the_agreed_customers() -> TestResult {
    let base = Pair::new();
    // both sides list their own customer: the connection is made
    let open = Pair::with_configs(
        private(&base.aws, &[AWS_ACCOUNT]),
        private(&base.gcp, &[GCP_PROJECT]),
    );
    open.establish(1000).await?;

    // aws does not list its customer: the request is refused, and the
    // environment is not shown to it
    let closed_at_aws = Pair::with_configs(
        private(&base.aws, &["999999999999"]),
        private(&base.gcp, &[GCP_PROJECT]),
    );
    let refused = closed_at_aws
        .request_at_aws(1000)
        .await
        .expect_err("ENV-14: not an agreed customer of aws");
    assert_eq!(
        (refused.kind(), refused.rule()),
        (ErrorKind::NotFound, "ENV-14")
    );
    assert!(
        !refused.to_string().contains(AWS_ACCOUNT),
        "accounts are secrets: {refused}"
    );

    // gcp does not list its customer: the key is refused before any call
    let closed_at_gcp =
        Pair::with_configs(private(&base.aws, &[AWS_ACCOUNT]), private(&base.gcp, &[]));
    let (_, key) = closed_at_gcp.request_at_aws(1000).await?;
    let refused = closed_at_gcp
        .gcp
        .customer()
        .accept_activation_key(
            &closed_at_gcp.gcp_customer(),
            &closed_at_gcp.acceptance(&key),
        )
        .await
        .expect_err("ENV-14: not an agreed customer of gcp");
    assert_eq!(
        (refused.kind(), refused.rule()),
        (ErrorKind::NotFound, "ENV-14")
    );
    assert_eq!(closed_at_gcp.to_aws.calls(), 0, "refused before any call");

    // the public environment next to it is open to everyone
    let public = base.aws.config().clone();
    assert!(
        public.inventory.partners[0].environments[1]
            .allowed_accounts
            .is_empty()
    );
    Ok(())
}

#[tokio::test]
async fn a_customer_change_beyond_the_servers_limit_is_refused_before_any_call() -> TestResult {
    let base = Pair::new();
    let mut gcp = base.gcp.config().clone();
    gcp.policy.max_connection_bandwidth_mbps = Some(1000);
    let pair = Pair::with_configs(base.aws.config().clone(), gcp);
    let uuid = pair.establish(1000).await?;
    let calls = pair.to_aws.calls();
    let refused = pair
        .gcp
        .customer()
        .change_bandwidth(&Secret::new(GCP_PROJECT), &uuid, 2000)
        .await
        .expect_err("CONN-30: over gcp's limit");
    assert_eq!(
        (refused.kind(), refused.rule()),
        (ErrorKind::InvalidArgument, "CONN-30")
    );
    assert_eq!(pair.to_aws.calls(), calls, "no call to the peer");
    assert_eq!(pair.at_gcp(&uuid)?.bandwidth_mbps, 1000);

    // aws asks gcp for the change: gcp's server refuses it (400, CONN-30)
    let answer = pair
        .aws
        .customer()
        .change_bandwidth(&Secret::new(AWS_ACCOUNT), &uuid, 2000)
        .await;
    pair.settle().await;
    assert!(
        answer.is_err() || pair.at_aws(&uuid)?.bandwidth_mbps == 1000,
        "CONN-30: the peer's refusal leaves the bandwidth: {answer:?}"
    );
    assert_eq!(pair.at_gcp(&uuid)?.bandwidth_mbps, 1000);
    Ok(())
}

#[tokio::test]
async fn each_side_announces_no_more_than_the_peer_accepts_and_says_so() -> TestResult {
    let base = Pair::new();
    let mut aws = base.aws.config().clone();
    aws.guidance.max_received_bgp_route_prefixes = Some(50);
    let mut gcp = base.gcp.config().clone();
    gcp.guidance.max_received_bgp_route_prefixes = Some(200);
    let pair = Pair::with_configs(aws, gcp);
    let uuid = pair.establish(1000).await?;
    assert_eq!(
        pair.at_aws(&uuid)?.peer_max_received_bgp_route_prefixes,
        Some(200),
        "NEG-17: aws's customer is told gcp's limit"
    );
    assert_eq!(
        pair.at_gcp(&uuid)?.peer_max_received_bgp_route_prefixes,
        Some(50),
        "NEG-17: gcp's customer is told aws's limit"
    );
    for (backend, limit) in [(&pair.aws_backend, 200), (&pair.gcp_backend, 50)] {
        let features = backend.provisioned_features();
        assert!(!features.is_empty());
        for feature in features {
            assert_eq!(
                backend.announce_limit(&feature),
                Some(limit),
                "NEG-17: {feature} announces at most the peer's limit"
            );
            assert_eq!(
                backend.announce_limit_ipv6(&feature),
                None,
                "NEG-17: {feature} has no IPv6 session to cap"
            );
        }
    }
    let shown = serde_json::to_value(pair.at_gcp(&uuid)?)?;
    assert_eq!(shown["peerMaxReceivedBgpRoutePrefixes"], 50);
    Ok(())
}

#[tokio::test]
async fn ipv6_sessions_announce_no_more_than_the_peers_ipv6_limit_or_else_its_ipv4_one()
-> TestResult {
    use interconnect_core::customer::{Attachment, Bandwidth, ConnectionRequest, IpStack};
    use interconnect_provider::customer::AcceptActivationKey;
    let base = Pair::new();
    let mut aws = base.aws.config().clone();
    aws.guidance.max_received_bgp_route_prefixes = Some(50);
    aws.guidance.max_received_bgp_route_prefixes_ipv6 = Some(10);
    let mut gcp = base.gcp.config().clone();
    gcp.guidance.max_received_bgp_route_prefixes = Some(200);
    gcp.guidance.max_received_bgp_route_prefixes_ipv6 = None;
    let pair = Pair::with_configs(aws, gcp);
    let dual = |mut a: Attachment, v6: &str| -> Result<Attachment, Box<dyn std::error::Error>> {
        a.ip_stack = IpStack::DualStack;
        a.cidrs.push(v6.parse()?);
        Ok(a)
    };
    let aws_end = dual(pair.aws_attachment("10.0.0.0/16"), "fd00:10::/48")?;
    let gcp_end = dual(pair.gcp_attachment("10.1.0.0/16"), "fd00:11::/48")?;
    let requested = pair
        .aws
        .customer()
        .request_connection(
            &Secret::new(AWS_ACCOUNT),
            &ConnectionRequest {
                environment: pair.aws_environment("aws-gcp-us-east"),
                bandwidth: Bandwidth::from_mbps(1000)?,
                remote_account_id: Secret::new(GCP_PROJECT),
                attachment: aws_end.clone(),
            },
        )
        .await?;
    let mut acceptance: AcceptActivationKey = pair.acceptance(&requested.activation_key);
    acceptance.acceptance.attachment = gcp_end;
    acceptance.remote_attachment = Some(aws_end);
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &acceptance)
        .await?;
    pair.settle().await;
    let uuid = requested.connection.connection_id;
    // gcp states no IPv6 limit: its IPv4 one applies to IPv6 (upstream
    // main, `maxReceivedBgpRoutePrefixesIpv6`); aws states 10.
    assert_eq!(
        pair.at_aws(&uuid)?
            .peer_max_received_bgp_route_prefixes_ipv6,
        Some(200)
    );
    assert_eq!(
        pair.at_gcp(&uuid)?
            .peer_max_received_bgp_route_prefixes_ipv6,
        Some(10)
    );
    for (backend, v4, v6) in [(&pair.aws_backend, 200, 200), (&pair.gcp_backend, 50, 10)] {
        let features = backend.provisioned_features();
        assert!(!features.is_empty());
        for feature in features {
            assert_eq!(backend.announce_limit(&feature), Some(v4), "{feature}");
            assert_eq!(
                backend.announce_limit_ipv6(&feature),
                Some(v6),
                "NEG-17: {feature} announces at most the peer's IPv6 limit"
            );
        }
    }
    let shown = serde_json::to_value(pair.at_gcp(&uuid)?)?;
    assert_eq!(shown["peerMaxReceivedBgpRoutePrefixesIpv6"], 10);
    Ok(())
}

#[tokio::test]
async fn every_required_member_is_written_and_the_mtu_limit_is_shown() -> TestResult {
    use interconnect_provider::store::StoreExt;
    let pair = Pair::new();
    let uuid = pair.establish(1000).await?;
    for (side, view) in [("aws", pair.at_aws(&uuid)?), ("gcp", pair.at_gcp(&uuid)?)] {
        let provider = if side == "aws" { &pair.aws } else { &pair.gcp };
        let conn = view.connection.clone().ok_or("a connection")?;
        let features = provider
            .store()
            .view(|s| {
                s.features_of_connection(&conn)
                    .map(|(_, r)| r.feature.clone())
                    .collect::<Vec<_>>()
            })
            .ok_or("the store answers")?;
        assert_eq!(features.len(), 4, "{side}");
        for feature in features {
            // OPS-10: the members the specification marks "Required."
            assert!(
                feature.name.is_some() && feature.channel.is_some(),
                "{side}"
            );
            let l3 = feature
                .feature_config
                .and_then(|c| c.l3_base_config)
                .ok_or("OPS-10: an L3 configuration")?;
            assert!(
                l3.ipv4_subnet.is_some()
                    && l3.ipv4_subnet_prefix_length.is_some()
                    && l3.vlan_id.is_some()
                    && l3.md5_bgp_password.is_some()
                    && l3.provider_bgp_configs.len() == 2
                    && l3
                        .provider_bgp_configs
                        .iter()
                        .all(|b| b.provider.is_some() && b.asn.is_some() && b.host_ipv4.is_some()),
                "OPS-10: {side} wrote every required member"
            );
            // OPS-19: the MTU is the customer's limit (8500 at both ends),
            // below what the guidance allows (8896)
            assert_eq!(l3.mtu_bytes, Some(8500), "OPS-19 at {side}");
        }
        let shown = serde_json::to_value(&view)?;
        let features = shown["features"].as_array().ok_or("features are shown")?;
        assert!(
            features.iter().all(|f| f["mtuBytes"] == 8500),
            "OPS-19: the customer is told the MTU at {side}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_key_beyond_the_receivers_limit_is_refused_before_any_call() -> TestResult {
    let base = Pair::new();
    let mut gcp = base.gcp.config().clone();
    gcp.policy.max_connection_bandwidth_mbps = Some(500);
    let pair = Pair::with_configs(base.aws.config().clone(), gcp);
    let (_, key) = pair.request_at_aws(1000).await?;
    let refused = pair
        .gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await
        .expect_err("CONN-30: over gcp's limit");
    assert_eq!(
        (refused.kind(), refused.rule()),
        (ErrorKind::InvalidArgument, "CONN-30")
    );
    assert_eq!(pair.to_aws.calls(), 0, "refused before any call");
    Ok(())
}
