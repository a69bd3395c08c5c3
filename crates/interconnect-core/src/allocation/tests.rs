use proptest::prelude::*;

use super::*;
use crate::validation::{ChannelUsage, L3Context, fixtures, validate_l3_feature};
use crate::wire::{Feature, L3BaseGuidance, SubnetGuidance, VlanRange};

fn local(ipv6: bool) -> LocalConstraints {
    LocalConstraints {
        asn: 16550,
        vlan_ranges: vec![(1025, 4094)],
        mtu_ranges: vec![(1280, 8896)],
        ipv4_prefix_lengths: vec![],
        ipv6_prefix_lengths: vec![],
        ipv6,
    }
}

fn allocate(
    g: &L3BaseGuidance,
    used: &ChannelUsage,
    ipv6: bool,
) -> Result<Feature, AllocationError> {
    let conn = fixtures::connection();
    let channel = conn.interconnect().channel("ch1").expect("name");
    let (aws, gcp) = (fixtures::aws(), fixtures::gcp());
    let l = local(ipv6);
    let input = AllocationInput {
        channel: &channel,
        guidance: g,
        local: &l,
        negotiator: &gcp,
        responder: &aws,
        used,
    };
    let config = allocate_l3(&input)?;
    Ok(Feature {
        name: None,
        channel: Some(channel),
        feature_config: Some(config),
        provisioning_state: None,
        updatable: None,
    })
}

fn judge(
    f: &Feature,
    g: &L3BaseGuidance,
    used: &ChannelUsage,
) -> Vec<crate::validation::Violation> {
    let conn = fixtures::connection();
    let (aws, gcp) = (fixtures::aws(), fixtures::gcp());
    validate_l3_feature(
        f,
        &L3Context {
            connection: &conn,
            guidance: g,
            negotiator: &gcp,
            responder: &aws,
            used,
        },
    )
}

fn l3(f: &Feature) -> &crate::wire::L3BaseConfig {
    f.feature_config
        .as_ref()
        .and_then(|c| c.l3_base_config.as_ref())
        .expect("allocated config")
}

#[test]
fn takes_the_preferred_subnet_lowest_vlan_highest_mtu() -> Result<(), AllocationError> {
    let g = fixtures::guidance();
    let f = allocate(&g, &ChannelUsage::default(), true)?;
    let c = l3(&f);
    assert_eq!(c.vlan_id, Some(2000));
    // E-43 (L3-13, L3-22): written bare, the length in its own member
    assert_eq!(c.ipv4_subnet.as_deref(), Some("169.254.1.16"));
    assert_eq!(c.ipv4_subnet_prefix_length, Some(30));
    assert_eq!(c.ipv6_subnet.as_deref(), Some("fd20::"));
    assert_eq!(c.ipv6_subnet_prefix_length, Some(127));
    assert_eq!(c.mtu_bytes, Some(8896));
    assert_eq!(c.provider_bgp_configs[0].asn, Some(64512));
    assert_eq!(
        c.provider_bgp_configs[0].host_ipv4.as_deref(),
        Some("169.254.1.17")
    );
    assert_eq!(
        c.provider_bgp_configs[1].host_ipv4.as_deref(),
        Some("169.254.1.18")
    );
    assert_eq!(judge(&f, &g, &ChannelUsage::default()), vec![]);
    Ok(())
}

#[test]
fn skips_a_used_preferred_subnet_and_used_vlan() -> Result<(), AllocationError> {
    let g = fixtures::guidance();
    let used = ChannelUsage {
        vlans: vec![2000, 2001],
        subnets: vec![
            "169.254.1.16/30".parse().expect("net"),
            "169.254.0.0/30".parse().expect("net"),
        ],
    };
    let f = allocate(&g, &used, false)?;
    let c = l3(&f);
    assert_eq!(c.vlan_id, Some(2002));
    // Lowest free aligned /30 (the longest allowed length) after 169.254.0.0/30.
    assert_eq!(c.ipv4_subnet.as_deref(), Some("169.254.0.4"));
    assert_eq!(c.ipv4_subnet_prefix_length, Some(30));
    assert_eq!(judge(&f, &g, &used), vec![]);
    Ok(())
}

#[test]
fn highest_common_mtu_and_no_common_mtu() -> Result<(), AllocationError> {
    let mut g = fixtures::guidance();
    g.mtu_ranges = vec![crate::wire::MtuRange {
        start: Some(1500),
        stop: Some(9001),
    }];
    assert_eq!(
        l3(&allocate(&g, &ChannelUsage::default(), false)?).mtu_bytes,
        Some(8896)
    );
    g.mtu_ranges = vec![crate::wire::MtuRange {
        start: Some(9000),
        stop: Some(9216),
    }];
    assert_eq!(
        allocate(&g, &ChannelUsage::default(), false).err(),
        Some(AllocationError::NoCommonMtu { ipv6: false })
    );
    Ok(())
}

#[test]
fn exhaustion_is_a_clean_error() {
    let mut g = fixtures::guidance();
    g.vlan_ranges = vec![VlanRange {
        start: Some(2000),
        stop: Some(2000),
    }];
    let used = ChannelUsage {
        vlans: vec![2000],
        subnets: vec![],
    };
    assert!(matches!(
        allocate(&g, &used, false),
        Err(AllocationError::VlanExhausted { .. })
    ));
    let mut g = fixtures::guidance();
    g.ipv4_subnet_guidance = vec![SubnetGuidance {
        include_subnet: Some("169.254.0.0/29".into()),
        exclude_subnets: vec![],
        preferred_subnet: None,
    }];
    let used = ChannelUsage {
        vlans: vec![],
        subnets: vec!["169.254.0.0/29".parse().expect("net")],
    };
    assert!(matches!(
        allocate(&g, &used, false),
        Err(AllocationError::SubnetExhausted { family: "IPv4", .. })
    ));
    let mut g = fixtures::guidance();
    g.asn_ranges.clear();
    assert_eq!(
        allocate(&g, &ChannelUsage::default(), false).err(),
        Some(AllocationError::NoResponderAsn)
    );
}

#[test]
fn linear_scan_and_interval_set_agree_on_the_benchmark_shape() {
    let include: ipnet::IpNet = "169.254.0.0/16".parse().expect("net");
    let blocked: Vec<ipnet::IpNet> = (0u32..16_383)
        .map(|i| {
            ipnet::IpNet::V4(
                ipnet::Ipv4Net::new(std::net::Ipv4Addr::from(0xA9FE_0000 + i * 4), 30)
                    .expect("net"),
            )
        })
        .collect();
    let set = IntervalSet::from_intervals(blocked.iter().map(net_bounds).collect());
    let (lo, hi) = net_bounds(&include);
    let fast = set.first_free_aligned(lo, hi, 4);
    assert_eq!(fast, Some(u128::from(0xA9FE_FFFCu32)));
    assert_eq!(
        linear::first_free_by_scan(&include, 30, &blocked[16_000..]),
        Some(u128::from(0xA9FE_0000u32))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever is allocated passes the validator, and allocating until
    /// exhaustion never yields a duplicate VLAN or an overlapping subnet.
    #[test]
    fn allocations_are_valid_and_never_collide(
        vlan_start in 1025i32..4000,
        vlan_len in 0i32..24,
        include_len in 24u8..29,
        ipv6 in any::<bool>(),
    ) {
        let mut g = fixtures::guidance();
        g.vlan_ranges = vec![VlanRange { start: Some(vlan_start), stop: Some(vlan_start + vlan_len) }];
        g.ipv4_subnet_guidance = vec![SubnetGuidance {
            include_subnet: Some(format!("169.254.8.0/{include_len}")),
            exclude_subnets: vec!["169.254.8.4/30".into()],
            preferred_subnet: None,
        }];
        let mut used = ChannelUsage::default();
        let mut seen: Vec<Feature> = Vec::new();
        loop {
            match allocate(&g, &used, ipv6) {
                Ok(f) => {
                    let v = judge(&f, &g, &used);
                    prop_assert!(v.is_empty(), "allocated an invalid feature: {:?}", v);
                    used.add(l3(&f));
                    seen.push(f);
                    prop_assert!(seen.len() <= 64, "allocation did not terminate");
                }
                Err(e) => {
                    prop_assert!(matches!(e, AllocationError::VlanExhausted { .. } | AllocationError::SubnetExhausted { .. }), "{e}");
                    break;
                }
            }
        }
        let vlans: std::collections::BTreeSet<i32> = used.vlans.iter().copied().collect();
        prop_assert_eq!(vlans.len(), used.vlans.len());
        for (i, a) in used.subnets.iter().enumerate() {
            for b in used.subnets.iter().skip(i + 1) {
                prop_assert!(!crate::validation::overlaps(a, b), "{} overlaps {}", a, b);
            }
        }
    }
}
