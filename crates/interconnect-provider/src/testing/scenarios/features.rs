//! GUIDE-*, FEAT-*, L3-* through the API: guidance, feature proposals, their
//! races, provisioning and release. Connections are seeded straight into the
//! store ([`seed_connection`]) so these scenarios do not depend on the
//! connection family.

use interconnect_core::names::{ChannelName, ConnectionName, FeatureName};
use interconnect_core::wire::{
    self, AdminState, AsnRange, FeatureConfig, FeatureType, L3BaseConfig, ProviderBgpConfig,
    ProvisioningState, Secret, VlanRange,
};

use crate::coordinator::ConnectionCoordinator;
use crate::error::{CoordinatorError, ErrorKind};
use crate::page::PageRequest;
use crate::request;
use crate::testing::Fixture;
use crate::testing::seed::seed_connection;

/// The fixture server's ASN (`ProviderConfig::default_pair(.., 64512)`).
const SERVER_ASN: u32 = 64512;
/// The partner's ASN in proposals.
const PARTNER_ASN: u32 = 16550;

/// A complete, valid L3 base proposal on `channel`: VLAN `vlan`, the
/// `index`-th /30 of 169.254.0.0/16, MTU 1500, hosts `.1` (server) and `.2`
/// (partner).
fn proposal<C>(f: &Fixture<C>, channel: &ChannelName, vlan: i32, index: u32) -> wire::Feature {
    let base = 0xA9FE_0000u32 + index * 4;
    let addr = |offset: u32| std::net::Ipv4Addr::from(base + offset).to_string();
    wire::Feature {
        name: None,
        channel: Some(channel.clone()),
        feature_config: Some(FeatureConfig {
            feature_type: Some(FeatureType::L3Base),
            l3_base_config: Some(L3BaseConfig {
                ipv4_subnet: Some(format!("{}/30", addr(0))),
                ipv4_subnet_prefix_length: Some(30),
                ipv6_subnet: None,
                ipv6_subnet_prefix_length: None,
                mtu_bytes: Some(1500),
                vlan_id: Some(vlan),
                provider_bgp_configs: vec![
                    ProviderBgpConfig {
                        provider: Some(f.local.clone()),
                        asn: Some(SERVER_ASN),
                        host_ipv4: Some(addr(1)),
                        host_ipv6: None,
                    },
                    ProviderBgpConfig {
                        provider: Some(f.partner.clone()),
                        asn: Some(PARTNER_ASN),
                        host_ipv4: Some(addr(2)),
                        host_ipv6: None,
                    },
                ],
                md5_bgp_password: None,
            }),
        }),
        provisioning_state: None,
        updatable: None,
    }
}

fn l3(feature: &mut wire::Feature) -> &mut L3BaseConfig {
    feature
        .feature_config
        .as_mut()
        .and_then(|c| c.l3_base_config.as_mut())
        .expect("proposals carry an L3 config")
}

async fn create<C: ConnectionCoordinator>(
    f: &Fixture<C>,
    parent: &ConnectionName,
    id: &str,
    feature: wire::Feature,
) -> Result<wire::Feature, CoordinatorError> {
    f.target
        .create_feature(
            &f.caller(),
            request::CreateFeature {
                parent: parent.clone(),
                feature_id: id.to_owned(),
                feature,
            },
        )
        .await
}

async fn guidance<C: ConnectionCoordinator>(
    f: &Fixture<C>,
    connection: &ConnectionName,
) -> Result<wire::GenerateFeatureGuidanceResponse, CoordinatorError> {
    f.target
        .generate_feature_guidance(
            &f.caller(),
            request::GenerateFeatureGuidance {
                name: connection.clone(),
                body: wire::GenerateFeatureGuidanceRequest {},
            },
        )
        .await
}

async fn list<C: ConnectionCoordinator>(
    f: &Fixture<C>,
    parent: &ConnectionName,
) -> Vec<wire::Feature> {
    f.target
        .list_features(
            &f.caller(),
            request::ListFeatures {
                parent: parent.clone(),
                page: PageRequest::first(),
            },
        )
        .await
        .expect("ListFeatures")
        .features
}

async fn get<C: ConnectionCoordinator>(
    f: &Fixture<C>,
    name: &FeatureName,
) -> Result<wire::Feature, CoordinatorError> {
    f.target
        .get_feature(&f.caller(), request::GetFeature { name: name.clone() })
        .await
}

async fn delete<C: ConnectionCoordinator>(
    f: &Fixture<C>,
    name: &FeatureName,
) -> Result<wire::Empty, CoordinatorError> {
    f.target
        .delete_feature(&f.caller(), request::DeleteFeature { name: name.clone() })
        .await
}

fn excludes(g: &wire::GenerateFeatureGuidanceResponse, channel: &ChannelName) -> Vec<String> {
    g.feature_guidance
        .iter()
        .find(|e| e.channel.as_ref() == Some(channel))
        .and_then(|e| e.l3_base_guidance.as_ref())
        .map(|l3| {
            l3.ipv4_subnet_guidance
                .iter()
                .flat_map(|s| s.exclude_subnets.clone())
                .collect()
        })
        .expect("GUIDE-1: an entry for the channel")
}

/// GUIDE-1, GUIDE-2, GUIDE-3, GUIDE-16, GUIDE-18: one L3 base entry per
/// channel of the interconnect, in name order, with the channel's admin
/// state and the server's ASN; a missing connection is 404.
pub async fn feature_guidance_has_one_entry_per_channel<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let conn = seed_connection(f, "ix1", "c-guide", 1000);
    let g = guidance(f, &conn).await.expect("GenerateFeatureGuidance");
    let channels: Vec<_> = g
        .feature_guidance
        .iter()
        .filter_map(|e| e.channel.clone())
        .collect();
    let expected: Vec<_> = ["ch1", "ch2", "ch3", "ch4"]
        .iter()
        .map(|c| f.channel("ix1", c))
        .collect();
    assert_eq!(channels, expected, "GUIDE-1: every channel once, in order");
    for entry in &g.feature_guidance {
        assert_eq!(
            entry.channel_admin_state,
            Some(AdminState::Enabled),
            "GUIDE-2"
        );
        assert_eq!(entry.feature_type, Some(FeatureType::L3Base), "GUIDE-3");
        let l3 = entry.l3_base_guidance.as_ref().expect("GUIDE-3");
        assert_eq!(
            l3.asn_ranges,
            vec![AsnRange {
                start: Some(SERVER_ASN),
                stop: Some(SERVER_ASN)
            }],
            "GUIDE-16"
        );
        assert!(
            interconnect_core::validation::validate_l3_guidance(l3, "l3BaseGuidance").is_empty(),
            "GUIDE-4..GUIDE-14: the server's guidance is coherent"
        );
    }
    let missing = f.interconnect("ix1").connection("nope").expect("valid id");
    let err = guidance(f, &missing).await.expect_err("GUIDE-18");
    assert_eq!((err.kind(), err.rule()), (ErrorKind::NotFound, "GUIDE-18"));
    let err = f
        .target
        .generate_feature_guidance(
            &f.stranger(),
            request::GenerateFeatureGuidance {
                name: conn,
                body: wire::GenerateFeatureGuidanceRequest {},
            },
        )
        .await
        .expect_err("AUTH-2");
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "AUTH-2");
}

/// GUIDE-15, GUIDE-17: guidance excludes the subnets features use on each
/// channel, leaves VLAN ranges unfiltered, and follows deletions.
pub async fn feature_guidance_follows_channel_usage<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let a = seed_connection(f, "ix1", "c-a", 1000);
    let b = seed_connection(f, "ix1", "c-b", 1000);
    let ch1 = f.channel("ix1", "ch1");
    let ch2 = f.channel("ix1", "ch2");
    create(f, &a, "f1", proposal(f, &ch1, 1100, 5))
        .await
        .expect("a valid proposal");
    // Any connection of the interconnect sees the channel's use.
    let g = guidance(f, &b).await.expect("guidance");
    assert_eq!(excludes(&g, &ch1), vec!["169.254.0.20/30"], "GUIDE-15");
    assert_eq!(excludes(&g, &ch2), Vec::<String>::new(), "GUIDE-15");
    let entry = g
        .feature_guidance
        .iter()
        .find(|e| e.channel.as_ref() == Some(&ch1))
        .and_then(|e| e.l3_base_guidance.clone())
        .expect("entry");
    assert_eq!(
        entry.vlan_ranges,
        vec![VlanRange {
            start: Some(1025),
            stop: Some(4094)
        }],
        "GUIDE-15, E-42: VLANs in use are not filtered"
    );
    delete(f, &a.feature("f1").expect("valid"))
        .await
        .expect("DeleteFeature");
    let g = guidance(f, &b).await.expect("guidance");
    assert_eq!(
        excludes(&g, &ch1),
        Vec::<String>::new(),
        "GUIDE-17: generated from current state"
    );
}

/// FEAT-7, GUIDE-19, FEAT-4: an accepted feature is `PENDING` whatever the
/// caller wrote, and `FINAL` once the backend has provisioned it (30 s in
/// the fixture); a subnet other than the preferred one is accepted.
pub async fn an_accepted_feature_is_pending_then_final<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let conn = seed_connection(f, "ix1", "c-prov", 1000);
    let ch = f.channel("ix1", "ch3");
    let mut body = proposal(f, &ch, 2000, 777);
    body.provisioning_state = Some(ProvisioningState::Final);
    let id = "0-Opaque-id-x";
    let created = create(f, &conn, id, body)
        .await
        .expect("FEAT-4, GUIDE-19: any valid id, any free subnet");
    let name = conn.feature(id).expect("valid");
    assert_eq!(created.name.as_ref(), Some(&name));
    assert_eq!(
        created.provisioning_state,
        Some(ProvisioningState::Pending),
        "FEAT-7: the server sets PENDING"
    );
    assert_eq!(
        get(f, &name).await.expect("GetFeature").provisioning_state,
        Some(ProvisioningState::Pending),
        "FEAT-7"
    );
    f.clock.advance(chrono::Duration::seconds(29));
    assert_eq!(
        get(f, &name).await.expect("GetFeature").provisioning_state,
        Some(ProvisioningState::Pending),
        "FEAT-7: not provisioned yet"
    );
    f.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        get(f, &name).await.expect("GetFeature").provisioning_state,
        Some(ProvisioningState::Final),
        "FEAT-7: FINAL once provisioned"
    );
    let listed = list(f, &conn).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].provisioning_state,
        Some(ProvisioningState::Final),
        "FEAT-7"
    );
}

/// FEAT-1, FEAT-12: proposals off the guidance or invalid on their own are
/// 400 naming the L3 rule, leave nothing behind, and never echo the MD5
/// password.
pub async fn invalid_feature_proposals_are_rejected_in_full<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let conn = seed_connection(f, "ix1", "c-bad", 1000);
    let ch = f.channel("ix1", "ch1");
    let mut cases: Vec<(&str, wire::Feature)> = Vec::new();
    let mut p = proposal(f, &ch, 1100, 0);
    l3(&mut p).mtu_bytes = Some(9000);
    cases.push(("L3-30", p));
    let mut p = proposal(f, &ch, 1100, 0);
    l3(&mut p).provider_bgp_configs[0].asn = Some(64999);
    cases.push(("L3-37", p));
    let mut p = proposal(f, &ch, 1100, 0);
    l3(&mut p).ipv4_subnet = Some("10.0.0.0/30".into());
    l3(&mut p).provider_bgp_configs[0].host_ipv4 = Some("10.0.0.1".into());
    l3(&mut p).provider_bgp_configs[1].host_ipv4 = Some("10.0.0.2".into());
    cases.push(("L3-18", p));
    cases.push(("L3-10", proposal(f, &ch, 1000, 0)));
    // L3-46: above the 1024-byte bound (E-123)
    let secret = format!("leak-me-{}", "x".repeat(1024));
    let mut p = proposal(f, &ch, 1100, 0);
    l3(&mut p).md5_bgp_password = Some(Secret::new(secret.clone()));
    cases.push(("L3-46", p));
    for (i, (rule, body)) in cases.into_iter().enumerate() {
        let err = create(f, &conn, &format!("bad{i}"), body)
            .await
            .expect_err("FEAT-12: must be rejected");
        assert_eq!(
            (err.kind(), err.rule()),
            (ErrorKind::InvalidArgument, rule),
            "FEAT-12 case {i}: {err}"
        );
        assert!(!err.to_string().contains("leak-me"), "AUTH-9: {err}");
    }
    assert_eq!(list(f, &conn).await, vec![], "FEAT-1: nothing kept");
    assert_eq!(
        f.backend.provisioned_features(),
        vec![],
        "FEAT-1: nothing provisioned"
    );
    // The same channel, VLAN and subnet are still free.
    create(f, &conn, "good", proposal(f, &ch, 1100, 0))
        .await
        .expect("FEAT-1: no reservation was left behind");
}

/// FEAT-3, FEAT-5, L3-12, L3-20: a second feature of the connection on the
/// channel, a taken name, a VLAN or subnet in use are 409; another channel is
/// free.
pub async fn conflicting_feature_proposals_are_409<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let a = seed_connection(f, "ix1", "c-a", 1000);
    let b = seed_connection(f, "ix1", "c-b", 1000);
    let ch1 = f.channel("ix1", "ch1");
    let ch2 = f.channel("ix1", "ch2");
    create(f, &a, "f1", proposal(f, &ch1, 1100, 0))
        .await
        .expect("first proposal");
    let cases = [
        (
            &a,
            "f1",
            proposal(f, &ch2, 1200, 9),
            ErrorKind::AlreadyExists,
            "FEAT-5",
        ),
        (
            &a,
            "f2",
            proposal(f, &ch1, 1200, 9),
            ErrorKind::Aborted,
            "FEAT-3",
        ),
        (
            &b,
            "g1",
            proposal(f, &ch1, 1100, 9),
            ErrorKind::Aborted,
            "L3-12",
        ),
        (
            &b,
            "g2",
            proposal(f, &ch1, 1200, 0),
            ErrorKind::Aborted,
            "L3-20",
        ),
    ];
    for (conn, id, body, kind, rule) in cases {
        let err = create(f, conn, id, body).await.expect_err(rule);
        assert_eq!((err.kind(), err.rule()), (kind, rule), "{rule}: {err}");
    }
    create(f, &b, "g3", proposal(f, &ch2, 1100, 0))
        .await
        .expect("the same VLAN and subnet on another channel");
    assert_eq!(list(f, &a).await.len(), 1);
    assert_eq!(list(f, &b).await.len(), 1);
}

/// FEAT-4, FEAT-6, FEAT-11, FEAT-15, L3-1, L3-2, AUTH-2: the path, id, body
/// name, channel and type of a proposal are checked.
pub async fn create_feature_checks_names_channel_and_type<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let conn = seed_connection(f, "ix1", "c-names", 1000);
    let ch = f.channel("ix1", "ch1");
    let good = || proposal(f, &ch, 1100, 0);
    let err = create(f, &conn, "Not Valid!", good())
        .await
        .expect_err("FEAT-4");
    assert_eq!(
        (err.kind(), err.rule()),
        (ErrorKind::InvalidArgument, "FEAT-4")
    );
    // FEAT-11 (AIP-133, E-30 reversed): a body name is ignored
    let mut named = good();
    named.name = Some(conn.feature("other").expect("valid"));
    let ok = create(f, &conn, "f1", named)
        .await
        .expect("FEAT-11: a different body name is ignored");
    assert_eq!(ok.name, Some(conn.feature("f1").expect("valid")));
    delete(f, ok.name.as_ref().expect("named"))
        .await
        .expect("delete");
    let missing = f.interconnect("ix1").connection("nope").expect("valid");
    let err = create(f, &missing, "f1", good()).await.expect_err("FEAT-6");
    assert_eq!((err.kind(), err.rule()), (ErrorKind::NotFound, "FEAT-6"));
    let err = f
        .target
        .list_features(
            &f.caller(),
            request::ListFeatures {
                parent: missing.clone(),
                page: PageRequest::first(),
            },
        )
        .await
        .expect_err("FEAT-6");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = get(f, &missing.feature("f1").expect("valid"))
        .await
        .expect_err("FEAT-6");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    for other in [
        f.channel("ix2", "ch1"),
        f.interconnect("ix1").channel("ch9").expect("valid"),
    ] {
        let err = create(f, &conn, "f2", proposal(f, &other, 1100, 0))
            .await
            .expect_err("L3-2");
        assert_eq!(
            (err.kind(), err.rule()),
            (ErrorKind::InvalidArgument, "L3-2"),
            "{other}"
        );
    }
    let mut no_channel = good();
    no_channel.channel = None;
    let err = create(f, &conn, "f2", no_channel).await.expect_err("L3-1");
    assert_eq!(
        (err.kind(), err.rule()),
        (ErrorKind::InvalidArgument, "L3-1")
    );
    let mut l2 = good();
    if let Some(c) = l2.feature_config.as_mut() {
        c.feature_type = Some(FeatureType::Unknown("FEATURE_TYPE_L2".into()));
    }
    let err = create(f, &conn, "f2", l2).await.expect_err("FEAT-15");
    assert_eq!(
        (err.kind(), err.rule()),
        (ErrorKind::InvalidArgument, "FEAT-15")
    );
    let err = f
        .target
        .create_feature(
            &f.stranger(),
            request::CreateFeature {
                parent: conn.clone(),
                feature_id: "f3".into(),
                feature: good(),
            },
        )
        .await
        .expect_err("AUTH-2");
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert_eq!(list(f, &conn).await, vec![], "FEAT-1: nothing kept");
}

/// FEAT-10: deleting a feature removes it from the server and the devices and
/// frees its VLAN and subnet; a missing feature is 404.
pub async fn deleting_a_feature_releases_it<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let a = seed_connection(f, "ix1", "c-a", 1000);
    let b = seed_connection(f, "ix1", "c-b", 1000);
    let ch = f.channel("ix1", "ch2");
    create(f, &a, "f1", proposal(f, &ch, 1500, 3))
        .await
        .expect("accepted");
    let name = a.feature("f1").expect("valid");
    assert_eq!(f.backend.provisioned_features(), vec![name.clone()]);
    delete(f, &name).await.expect("FEAT-10: DeleteFeature");
    assert_eq!(f.backend.provisioned_features(), vec![], "FEAT-10: devices");
    let err = get(f, &name).await.expect_err("deleted");
    assert_eq!((err.kind(), err.rule()), (ErrorKind::NotFound, "FEAT-6"));
    let err = delete(f, &name).await.expect_err("already deleted");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    create(f, &b, "g1", proposal(f, &ch, 1500, 3))
        .await
        .expect("FEAT-10: the VLAN and subnet are free again");
}

/// FEAT-2: 100 concurrent proposals for the same VLAN on the same channel,
/// each from its own connection and with its own subnet (so only the VLAN
/// collides, not FEAT-3): exactly one is accepted, 99 are 409 `L3-12`.
pub async fn concurrent_proposals_for_one_vlan_accept_exactly_one<C>(f: &Fixture<C>)
where
    C: ConnectionCoordinator + Clone + 'static,
{
    const N: u32 = 100;
    let ch = f.channel("ix1", "ch1");
    let mut tasks = Vec::new();
    for i in 0..N {
        let conn = seed_connection(f, "ix1", &format!("race-{i}"), 500);
        let target = f.target.clone();
        let caller = f.caller();
        let body = proposal(f, &ch, 3000, i);
        tasks.push(tokio::spawn(async move {
            target
                .create_feature(
                    &caller,
                    request::CreateFeature {
                        parent: conn,
                        feature_id: "vlan-3000".into(),
                        feature: body,
                    },
                )
                .await
        }));
    }
    let (mut accepted, mut refused) = (0, 0);
    for task in tasks {
        match task.await.expect("the task finished") {
            Ok(_) => accepted += 1,
            Err(e) => {
                assert_eq!(
                    (e.kind(), e.rule()),
                    (ErrorKind::Aborted, "L3-12"),
                    "FEAT-2: the losers collide on the VLAN: {e}"
                );
                refused += 1;
            }
        }
    }
    assert_eq!((accepted, refused), (1, 99), "FEAT-2: exactly one wins");
    assert_eq!(f.backend.provisioned_features().len(), 1, "FEAT-1");
}

/// GUIDE-2, FEAT-13: a disabled channel still has a guidance entry, with its
/// admin state, and a feature on it is 400. Needs a fixture built with
/// [`disabled_channel_config`](crate::testing::seed::disabled_channel_config).
pub async fn features_on_a_disabled_channel_are_refused<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let conn = seed_connection(f, "ix1", "c-off", 1000);
    let ch4 = f.channel("ix1", "ch4");
    let g = guidance(f, &conn).await.expect("guidance");
    let entry = g
        .feature_guidance
        .iter()
        .find(|e| e.channel.as_ref() == Some(&ch4))
        .expect("GUIDE-2: disabled channels keep their entry");
    assert_eq!(
        entry.channel_admin_state,
        Some(AdminState::Disabled),
        "GUIDE-2"
    );
    let err = create(f, &conn, "f1", proposal(f, &ch4, 1100, 0))
        .await
        .expect_err("FEAT-13");
    assert_eq!(
        (err.kind(), err.rule()),
        (ErrorKind::InvalidArgument, "FEAT-13")
    );
    create(
        f,
        &conn,
        "f1",
        proposal(f, &f.channel("ix1", "ch3"), 1100, 0),
    )
    .await
    .expect("an enabled channel");
}
