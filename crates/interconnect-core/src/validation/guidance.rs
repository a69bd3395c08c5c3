//! Coherence of feature guidance (`schemas/connection.yaml` FeatureGuidance,
//! L3BaseGuidance, SubnetGuidance, VLANRange, MTURange, ASNRange): what a
//! responder returns from GenerateFeatureGuidance must itself make sense
//! before a negotiator can follow it.

use ipnet::IpNet;

use super::rules::*;
use super::subnet::{Family, SubnetProblem, overlaps, parse_subnet, within};
use super::violation::{Collector, Violation};
use crate::wire::{L3BaseGuidance, SubnetGuidance};

/// Checks an L3 base guidance. `path` is the JSON path of the guidance
/// object (for example `featureGuidance[0].l3BaseGuidance`).
pub fn validate_l3_guidance(guidance: &L3BaseGuidance, path: &str) -> Vec<Violation> {
    let mut c = Collector::default();
    let vlans: Vec<(Option<i64>, Option<i64>)> = guidance
        .vlan_ranges
        .iter()
        .map(|r| (r.start.map(i64::from), r.stop.map(i64::from)))
        .collect();
    check_ranges(
        &mut c,
        &format!("{path}.vlanRanges"),
        &vlans,
        Some((1025, 4094, GUIDE_VLAN_BOUNDS)),
    );
    let mtus: Vec<(Option<i64>, Option<i64>)> = guidance
        .mtu_ranges
        .iter()
        .map(|r| (r.start.map(i64::from), r.stop.map(i64::from)))
        .collect();
    check_ranges(
        &mut c,
        &format!("{path}.mtuRanges"),
        &mtus,
        Some((1, i64::from(i32::MAX), GUIDE_POSITIVE)),
    );
    let asns: Vec<(Option<i64>, Option<i64>)> = guidance
        .asn_ranges
        .iter()
        .map(|r| (r.start.map(i64::from), r.stop.map(i64::from)))
        .collect();
    check_ranges(&mut c, &format!("{path}.asnRanges"), &asns, None);
    for (i, (start, stop)) in asns.iter().enumerate() {
        if let (Some(start), Some(stop)) = (start, stop)
            && let Some(bad) = crate::validation::RESERVED_ASNS
                .iter()
                .find(|a| (*start..=*stop).contains(&i64::from(**a)))
        {
            c.push(
                GUIDE_ASN_VALID,
                format!("{path}.asnRanges[{i}]"),
                format!("the range includes the reserved ASN {bad}"),
            );
        }
    }
    for (member, value) in [
        (
            "maxReceivedBgpRoutePrefixes",
            guidance.max_received_bgp_route_prefixes,
        ),
        (
            "maxReceivedBgpRoutePrefixesIpv6",
            guidance.max_received_bgp_route_prefixes_ipv6,
        ),
    ] {
        if let Some(max) = value
            && max <= 0
        {
            c.push(
                GUIDE_POSITIVE,
                format!("{path}.{member}"),
                format!("{member} must be positive, got {max}"),
            );
        }
    }

    check_subnets(
        &mut c,
        &format!("{path}.ipv4SubnetGuidance"),
        &guidance.ipv4_subnet_guidance,
        Family::V4,
        &guidance.ipv4_allowed_subnet_prefix_lengths,
    );
    check_subnets(
        &mut c,
        &format!("{path}.ipv6SubnetGuidance"),
        &guidance.ipv6_subnet_guidance,
        Family::V6,
        &guidance.ipv6_allowed_subnet_prefix_lengths,
    );
    check_prefix_lengths(
        &mut c,
        &format!("{path}.ipv4AllowedSubnetPrefixLengths"),
        &guidance.ipv4_allowed_subnet_prefix_lengths,
        Family::V4,
    );
    check_prefix_lengths(
        &mut c,
        &format!("{path}.ipv6AllowedSubnetPrefixLengths"),
        &guidance.ipv6_allowed_subnet_prefix_lengths,
        Family::V6,
    );
    c.violations
}

fn check_ranges(
    c: &mut Collector,
    path: &str,
    ranges: &[(Option<i64>, Option<i64>)],
    bounds: Option<(i64, i64, &'static str)>,
) {
    let mut complete: Vec<(usize, i64, i64)> = Vec::new();
    for (i, range) in ranges.iter().enumerate() {
        match *range {
            (Some(start), Some(stop)) if start <= stop => {
                if let Some((lo, hi, rule)) = bounds
                    && (start < lo || stop > hi)
                {
                    c.push(
                        rule,
                        format!("{path}[{i}]"),
                        format!("range {start}..={stop} leaves the allowed {lo}..={hi}"),
                    );
                }
                complete.push((i, start, stop));
            }
            (Some(start), Some(stop)) => c.push(
                GUIDE_RANGE_ORDERED,
                format!("{path}[{i}]"),
                format!("start {start} is after stop {stop}"),
            ),
            _ => c.push(
                GUIDE_RANGE_ORDERED,
                format!("{path}[{i}]"),
                "a range needs both start and stop",
            ),
        }
    }
    complete.sort_by_key(|&(_, start, _)| start);
    for pair in complete.windows(2) {
        if let [(i, a_start, a_stop), (j, b_start, b_stop)] = *pair
            && b_start <= a_stop
        {
            c.push(
                GUIDE_RANGES_DISJOINT,
                format!("{path}[{j}]"),
                format!("range {b_start}..={b_stop} overlaps {path}[{i}] {a_start}..={a_stop}"),
            );
        }
    }
}

fn subnet_or_report(c: &mut Collector, path: String, text: &str, family: Family) -> Option<IpNet> {
    match parse_subnet(text, family) {
        Ok(net) => Some(net),
        Err(SubnetProblem::Unparsable(why)) => {
            c.push(GUIDE_SUBNET_PARSES, path, why);
            None
        }
        Err(SubnetProblem::HostBitsSet(network)) => {
            c.push(
                GUIDE_SUBNET_PARSES,
                path,
                format!("{text:?} has host bits set; the network is {network}"),
            );
            None
        }
    }
}

fn check_subnets(
    c: &mut Collector,
    path: &str,
    list: &[SubnetGuidance],
    family: Family,
    allowed: &[i32],
) {
    let mut includes: Vec<(usize, IpNet)> = Vec::new();
    for (i, g) in list.iter().enumerate() {
        let include = match &g.include_subnet {
            Some(text) => subnet_or_report(c, format!("{path}[{i}].includeSubnet"), text, family),
            None => {
                c.push(
                    GUIDE_SUBNET_PARSES,
                    format!("{path}[{i}].includeSubnet"),
                    "an include subnet is required",
                );
                None
            }
        };
        if let Some(net) = include {
            includes.push((i, net));
        }
        let mut excludes: Vec<IpNet> = Vec::new();
        for (k, text) in g.exclude_subnets.iter().enumerate() {
            let epath = format!("{path}[{i}].excludeSubnets[{k}]");
            let Some(ex) = subnet_or_report(c, epath.clone(), text, family) else {
                continue;
            };
            if let Some(include) = include
                && !within(&ex, &include)
            {
                c.push(
                    GUIDE_EXCLUDE_INSIDE,
                    epath,
                    format!("{ex} is not inside the include subnet {include}"),
                );
            }
            excludes.push(ex);
        }
        let Some(text) = &g.preferred_subnet else {
            continue;
        };
        let ppath = format!("{path}[{i}].preferredSubnet");
        let Some(preferred) = subnet_or_report(c, ppath.clone(), text, family) else {
            continue;
        };
        if let Some(include) = include
            && !within(&preferred, &include)
        {
            c.push(
                GUIDE_PREFERRED_PLACED,
                ppath.clone(),
                format!("{preferred} is not inside the include subnet {include}"),
            );
        }
        if let Some(ex) = excludes.iter().find(|ex| overlaps(&preferred, ex)) {
            c.push(
                GUIDE_PREFERRED_PLACED,
                ppath.clone(),
                format!("{preferred} overlaps the exclude subnet {ex}"),
            );
        }
        if !allowed.is_empty() && !allowed.contains(&i32::from(preferred.prefix_len())) {
            c.push(
                GUIDE_PREFERRED_ALLOWED,
                ppath,
                format!(
                    "prefix length /{} is not among the allowed {:?}",
                    preferred.prefix_len(),
                    allowed
                ),
            );
        }
    }
    for (x, (i, a)) in includes.iter().enumerate() {
        for (j, b) in includes.iter().skip(x + 1) {
            if overlaps(a, b) {
                c.push(
                    GUIDE_INCLUDES_DISJOINT,
                    format!("{path}[{j}].includeSubnet"),
                    format!("{b} overlaps {path}[{i}].includeSubnet {a}"),
                );
            }
        }
    }
}

fn check_prefix_lengths(c: &mut Collector, path: &str, lengths: &[i32], family: Family) {
    let longest = i32::from(family.longest_two_host_prefix());
    for (i, len) in lengths.iter().enumerate() {
        if !(0..=longest).contains(len) {
            c.push(
                GUIDE_PREFIX_POSSIBLE,
                format!("{path}[{i}]"),
                format!(
                    "/{len} cannot hold two {} hosts; allowed are /0 to /{longest}",
                    family.label()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{AsnRange, MtuRange, VlanRange};

    fn good() -> L3BaseGuidance {
        super::super::fixtures::guidance()
    }

    fn rules(g: &L3BaseGuidance) -> Vec<&'static str> {
        validate_l3_guidance(g, "g")
            .iter()
            .map(|v| v.rule)
            .collect()
    }

    #[test]
    fn coherent_guidance_passes() {
        assert_eq!(validate_l3_guidance(&good(), "g"), vec![]);
    }

    #[test]
    fn unordered_or_open_range() {
        let mut g = good();
        g.vlan_ranges = vec![VlanRange {
            start: Some(3000),
            stop: Some(2000),
        }];
        assert_eq!(rules(&g), vec![GUIDE_RANGE_ORDERED]);
        g.vlan_ranges = vec![VlanRange {
            start: Some(3000),
            stop: None,
        }];
        assert_eq!(rules(&g), vec![GUIDE_RANGE_ORDERED]);
    }

    #[test]
    fn overlapping_ranges() {
        let mut g = good();
        g.mtu_ranges.push(MtuRange {
            start: Some(8000),
            stop: Some(9000),
        });
        let v = validate_l3_guidance(&g, "g");
        assert_eq!(v.len(), 1);
        assert_eq!(
            (v[0].rule, v[0].path.as_str()),
            (GUIDE_RANGES_DISJOINT, "g.mtuRanges[1]")
        );
        let mut g = good();
        g.asn_ranges.push(AsnRange {
            start: Some(64512),
            stop: Some(64600),
        });
        assert_eq!(rules(&g), vec![GUIDE_RANGES_DISJOINT]);
    }

    #[test]
    fn vlan_range_out_of_bounds() {
        let mut g = good();
        g.vlan_ranges = vec![VlanRange {
            start: Some(0),
            stop: Some(10),
        }];
        assert_eq!(rules(&g), vec![GUIDE_VLAN_BOUNDS]);
        g.vlan_ranges = vec![VlanRange {
            start: Some(4000),
            stop: Some(4095),
        }];
        assert_eq!(rules(&g), vec![GUIDE_VLAN_BOUNDS]);
    }

    #[test]
    fn subnets_must_parse_in_family_with_host_bits_zero() {
        let mut g = good();
        g.ipv4_subnet_guidance[0].exclude_subnets =
            vec!["169.254.1.1/28".into(), "fd00::/8".into(), "x".into()];
        g.ipv4_subnet_guidance[0].preferred_subnet = None;
        let v = validate_l3_guidance(&g, "g");
        assert_eq!(v.len(), 3, "{v:?}");
        assert!(v.iter().all(|v| v.rule == GUIDE_SUBNET_PARSES));
        assert_eq!(v[0].path, "g.ipv4SubnetGuidance[0].excludeSubnets[0]");
    }

    #[test]
    fn overlapping_includes() {
        let mut g = good();
        g.ipv4_subnet_guidance.push(SubnetGuidance {
            include_subnet: Some("169.254.128.0/17".into()),
            exclude_subnets: vec![],
            preferred_subnet: None,
        });
        assert_eq!(rules(&g), vec![GUIDE_INCLUDES_DISJOINT]);
    }

    #[test]
    fn preferred_must_be_inside_include_and_outside_excludes() {
        let mut g = good();
        g.ipv4_subnet_guidance[0].preferred_subnet = Some("10.0.0.0/30".into());
        assert_eq!(rules(&g), vec![GUIDE_PREFERRED_PLACED]);
        g.ipv4_subnet_guidance[0].preferred_subnet = Some("169.254.1.4/30".into());
        assert_eq!(rules(&g), vec![GUIDE_PREFERRED_PLACED]);
    }

    #[test]
    fn preferred_prefix_must_be_allowed() {
        let mut g = good();
        g.ipv4_subnet_guidance[0].preferred_subnet = Some("169.254.1.16/28".into());
        assert_eq!(rules(&g), vec![GUIDE_PREFERRED_ALLOWED]);
    }

    #[test]
    fn impossible_prefix_lengths() {
        let mut g = good();
        g.ipv4_allowed_subnet_prefix_lengths = vec![30, 32];
        g.ipv6_allowed_subnet_prefix_lengths = vec![128, -1];
        let v = validate_l3_guidance(&g, "g");
        assert_eq!(
            v.iter().map(|v| v.rule).collect::<Vec<_>>(),
            vec![GUIDE_PREFIX_POSSIBLE; 3]
        );
        assert_eq!(v[0].path, "g.ipv4AllowedSubnetPrefixLengths[1]");
    }

    #[test]
    fn asn_ranges_exclude_reserved_asns() {
        let mut g = good();
        g.asn_ranges = vec![AsnRange {
            start: Some(23000),
            stop: Some(24000),
        }];
        assert_eq!(rules(&g), vec![GUIDE_ASN_VALID]);
    }

    #[test]
    fn excludes_lie_inside_their_include() {
        let mut g = good();
        g.ipv4_subnet_guidance[0]
            .exclude_subnets
            .push("10.0.0.0/8".into());
        let v = validate_l3_guidance(&g, "g");
        assert_eq!(
            v.iter().map(|v| v.rule).collect::<Vec<_>>(),
            vec![GUIDE_EXCLUDE_INSIDE]
        );
        assert_eq!(v[0].path, "g.ipv4SubnetGuidance[0].excludeSubnets[1]");
    }

    #[test]
    fn mtu_bounds_and_prefix_limit_are_positive() {
        let mut g = good();
        g.max_received_bgp_route_prefixes = Some(0);
        assert_eq!(rules(&g), vec![GUIDE_POSITIVE]);
        let mut g = good();
        g.max_received_bgp_route_prefixes_ipv6 = Some(-1);
        let v = validate_l3_guidance(&g, "g");
        assert_eq!(v.len(), 1);
        assert_eq!(
            (v[0].rule, v[0].path.as_str()),
            (GUIDE_POSITIVE, "g.maxReceivedBgpRoutePrefixesIpv6")
        );
        let mut g = good();
        g.mtu_ranges = vec![MtuRange {
            start: Some(0),
            stop: Some(1500),
        }];
        assert_eq!(rules(&g), vec![GUIDE_POSITIVE]);
    }
}
