//! Property tests of the L3 validators (`validate_l3_feature`,
//! `validate_l3_guidance`): 10,000 cases each of random wire values and of
//! near-valid values (`near_valid.rs`). Beyond never panicking, every report
//! must be well formed (known rule id of the right area, a path that names a
//! member of the input under the prefix passed in, a message), the same on a
//! second call, free of the MD5 password, and must agree with the simple
//! rules restated here (VLAN, MTU, ASN, presence). The near-valid runs also
//! check that every L3-* and GUIDE-* rule was reported at least once, so the
//! validators' deep paths ran, and that unedited fixtures are accepted.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Debug;

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use serde_json::Value;

use super::near_valid::{self, FeatureCase, PASSWORD_MARK};
use super::rules::{self, RULES};
use super::{ChannelUsage, L3Context, Report, Violation, fixtures};
use super::{validate_l3_feature, validate_l3_guidance};
use crate::wire::{L3BaseGuidance, arbitrary};

const CASES: u32 = 10_000;

/// Counts, per rule id, how many cases reported it; `""` counts valid cases.
type Hits = BTreeMap<&'static str, usize>;

/// Runs `check` on `CASES` values of `strategy` and returns the rule hits.
/// A failing case is shrunk and reported as the test's panic.
fn run<S: Strategy>(
    strategy: S,
    check: impl Fn(&S::Value) -> Result<Vec<Violation>, TestCaseError>,
) -> Hits
where
    S::Value: Debug,
{
    let hits = RefCell::new(Hits::new());
    let mut runner = TestRunner::new(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(CASES)
    });
    let outcome = runner.run(&strategy, |value| {
        let violations = check(&value)?;
        let mut hits = hits.borrow_mut();
        if violations.is_empty() {
            *hits.entry("").or_default() += 1;
        }
        for rule in Report::from(violations).rules() {
            *hits.entry(rule).or_default() += 1;
        }
        Ok(())
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
    hits.into_inner()
}

/// Asserts every rule id of `area` (for example `"L3-"`) was reported.
fn assert_all_reached(hits: &Hits, area: &str) {
    println!("{area}* hits in {CASES} near-valid cases: {hits:?}");
    let missed: Vec<&str> = RULES
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| id.starts_with(area) && !hits.contains_key(id))
        .collect();
    assert!(
        missed.is_empty(),
        "near-valid inputs never reached {missed:?}; hits: {hits:?}"
    );
    assert!(
        hits.get("").is_some_and(|n| *n > 0),
        "no valid input: {hits:?}"
    );
}

/// Checks that `path` names a member of `doc`: every segment is a camelCase
/// member name with optional `[index]` suffixes; a member may be absent (a
/// required member that is missing), but every index must name an entry.
fn check_path(doc: &Value, path: &str) -> Result<(), String> {
    let mut here = Some(doc);
    for segment in path.split('.') {
        let (name, indexes) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
        let camel = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !camel {
            return Err(format!("{segment:?} is not a member name"));
        }
        here = here.and_then(|v| v.get(name));
        for index in indexes.split_terminator(']') {
            let n: usize = index
                .strip_prefix('[')
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("{segment:?} has a bad index"))?;
            here = match here.and_then(|v| v.as_array()) {
                Some(list) if n < list.len() => list.get(n),
                _ => return Err(format!("{segment:?}: no entry {n}")),
            };
        }
    }
    Ok(())
}

/// What every report must satisfy, whatever the input.
fn check_report(
    violations: &[Violation],
    area: &str,
    prefix: &str,
    input: &Value,
) -> Result<(), TestCaseError> {
    for v in violations {
        prop_assert!(
            RULES.iter().any(|(id, _)| *id == v.rule) && v.rule.starts_with(area),
            "rule {} is not an {area}* id of validation::rules: {v}",
            v.rule
        );
        prop_assert!(!v.message.trim().is_empty(), "empty message: {v}");
        let rest = v.path.strip_prefix(prefix);
        prop_assert!(rest.is_some(), "path does not start with {prefix:?}: {v}");
        let rest = rest.unwrap_or_default();
        let rest = if prefix.is_empty() {
            Some(rest)
        } else {
            rest.strip_prefix('.')
        };
        let checked = rest
            .ok_or_else(|| "no member after the prefix".to_string())
            .and_then(|rest| check_path(input, rest));
        if let Err(why) = checked {
            prop_assert!(false, "{why}: {v}");
        }
    }
    let report = Report::from(violations.to_vec());
    prop_assert_eq!(report.valid, violations.is_empty());
    let json = serde_json::to_value(&report).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&json["valid"], &Value::Bool(violations.is_empty()));
    prop_assert_eq!(
        json["violations"].as_array().map(Vec::len),
        Some(violations.len())
    );
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, TestCaseError> {
    serde_json::to_value(value).map_err(|e| TestCaseError::fail(e.to_string()))
}

/// Whether `violations` has `rule` at exactly `path`.
fn has(violations: &[Violation], rule: &str, path: &str) -> bool {
    violations.iter().any(|v| v.rule == rule && v.path == path)
}

/// Judges one feature case and checks the report.
fn check_feature(case: &FeatureCase) -> Result<Vec<Violation>, TestCaseError> {
    let mut used = ChannelUsage::default();
    for config in &case.used {
        used.add(config);
    }
    let ctx = L3Context {
        connection: &case.connection,
        guidance: &case.guidance,
        negotiator: &case.negotiator,
        responder: &case.responder,
        used: &used,
    };
    let violations = validate_l3_feature(&case.feature, &ctx);
    prop_assert_eq!(&violations, &validate_l3_feature(&case.feature, &ctx));
    check_report(&violations, "L3-", "", &to_json(&case.feature)?)?;
    check_feature_rules(case, &violations)?;
    let pristine = case.feature == fixtures::feature()
        && case.connection == fixtures::connection()
        && case.guidance == fixtures::guidance()
        && case.negotiator == fixtures::gcp()
        && case.responder == fixtures::aws()
        && case.used.is_empty();
    if pristine {
        prop_assert!(
            violations.is_empty(),
            "the fixture is refused: {violations:?}"
        );
    }
    Ok(violations)
}

/// The simple rules of a feature, restated: each holds exactly when the
/// validator reports it at the member's path.
fn check_feature_rules(case: &FeatureCase, vs: &[Violation]) -> Result<(), TestCaseError> {
    let f = &case.feature;
    prop_assert_eq!(
        has(vs, rules::L3_CHANNEL_PRESENT, "channel"),
        f.channel.is_none()
    );
    let l3 = f
        .feature_config
        .as_ref()
        .and_then(|c| c.l3_base_config.as_ref());
    prop_assert_eq!(
        has(vs, rules::L3_CONFIG_PRESENT, "featureConfig.l3BaseConfig"),
        l3.is_none()
    );
    let Some(l3) = l3 else {
        return Ok(());
    };
    let p = "featureConfig.l3BaseConfig";
    let at = |member: &str| format!("{p}.{member}");
    prop_assert_eq!(
        has(vs, rules::L3_VLAN_PRESENT, &at("vlanId")),
        l3.vlan_id.is_none()
    );
    prop_assert_eq!(
        has(vs, rules::L3_VLAN_RESERVED, &at("vlanId")),
        l3.vlan_id.is_some_and(|v| !(1025..=4094).contains(&v))
    );
    prop_assert_eq!(
        has(vs, rules::L3_MTU_PRESENT, &at("mtuBytes")),
        l3.mtu_bytes.is_none()
    );
    prop_assert_eq!(
        has(vs, rules::L3_MTU_MINIMUM, &at("mtuBytes")),
        l3.mtu_bytes.is_some_and(|m| m < 68)
    );
    prop_assert_eq!(
        has(vs, rules::L3_IPV4_SUBNET_PRESENT, &at("ipv4Subnet")),
        l3.ipv4_subnet.is_none()
    );
    prop_assert_eq!(
        has(
            vs,
            rules::L3_IPV4_PREFIX_PRESENT,
            &at("ipv4SubnetPrefixLength")
        ),
        l3.ipv4_subnet_prefix_length.is_none()
    );
    prop_assert_eq!(
        vs.iter().any(|v| v.rule == rules::L3_IPV6_PAIRED),
        l3.ipv6_subnet.is_some() != l3.ipv6_subnet_prefix_length.is_some()
    );
    let bgp = at("providerBgpConfigs");
    prop_assert_eq!(
        has(vs, rules::L3_BGP_PRESENT, &bgp),
        l3.provider_bgp_configs.is_empty()
    );
    for (i, b) in l3.provider_bgp_configs.iter().enumerate() {
        let entry = |member: &str| format!("{bgp}[{i}].{member}");
        prop_assert_eq!(
            has(vs, rules::L3_BGP_PROVIDER_PRESENT, &entry("provider")),
            b.provider.is_none()
        );
        prop_assert_eq!(
            has(vs, rules::L3_ASN_PRESENT, &entry("asn")),
            b.asn.is_none()
        );
        prop_assert_eq!(
            has(vs, rules::L3_ASN_VALID, &entry("asn")),
            b.asn
                .is_some_and(|a| [0, 23456, 4_294_967_295].contains(&a))
        );
        prop_assert_eq!(
            has(vs, rules::L3_HOST_IPV4_PRESENT, &entry("hostIpv4")),
            b.host_ipv4.is_none()
        );
    }
    if let Some(pw) = &l3.md5_bgp_password {
        let text = pw.expose();
        let bad = text.is_empty() || text.len() > crate::validation::MAX_MD5_PASSWORD_LEN;
        prop_assert_eq!(has(vs, rules::L3_MD5_PASSWORD, &at("md5BgpPassword")), bad);
        let secret = if text.contains(PASSWORD_MARK) {
            Some(PASSWORD_MARK)
        } else if text.chars().count() >= 8 {
            Some(text)
        } else {
            None
        };
        if let Some(secret) = secret {
            prop_assert!(
                vs.iter()
                    .all(|v| !v.message.contains(secret) && !v.path.contains(secret)),
                "a report repeats the MD5 password"
            );
        }
    }
    Ok(())
}

/// Checks one guidance under `prefix`.
fn check_guidance(g: &L3BaseGuidance, prefix: &str) -> Result<Vec<Violation>, TestCaseError> {
    let violations = validate_l3_guidance(g, prefix);
    prop_assert_eq!(&violations, &validate_l3_guidance(g, prefix));
    check_report(&violations, "GUIDE-", prefix, &to_json(g)?)?;
    check_guidance_rules(g, prefix, &violations)?;
    if *g == fixtures::guidance() {
        prop_assert!(
            violations.is_empty(),
            "the fixture is refused: {violations:?}"
        );
    }
    Ok(violations)
}

/// Whether a range has both bounds in order.
fn ordered<T: PartialOrd + Copy>(start: Option<T>, stop: Option<T>) -> Option<(T, T)> {
    match (start, stop) {
        (Some(a), Some(b)) if a <= b => Some((a, b)),
        _ => None,
    }
}

/// The simple rules of a guidance, restated.
fn check_guidance_rules(
    g: &L3BaseGuidance,
    p: &str,
    vs: &[Violation],
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        has(
            vs,
            rules::GUIDE_POSITIVE,
            &format!("{p}.maxReceivedBgpRoutePrefixes")
        ),
        g.max_received_bgp_route_prefixes.is_some_and(|m| m <= 0)
    );
    for (list, longest, member) in [
        (&g.ipv4_allowed_subnet_prefix_lengths, 31, "ipv4"),
        (&g.ipv6_allowed_subnet_prefix_lengths, 127, "ipv6"),
    ] {
        for (i, len) in list.iter().enumerate() {
            let path = format!("{p}.{member}AllowedSubnetPrefixLengths[{i}]");
            prop_assert_eq!(
                has(vs, rules::GUIDE_PREFIX_POSSIBLE, &path),
                !(0..=longest).contains(len)
            );
        }
    }
    for (i, r) in g.vlan_ranges.iter().enumerate() {
        let path = format!("{p}.vlanRanges[{i}]");
        let range = ordered(r.start, r.stop);
        prop_assert_eq!(has(vs, rules::GUIDE_RANGE_ORDERED, &path), range.is_none());
        prop_assert_eq!(
            has(vs, rules::GUIDE_VLAN_BOUNDS, &path),
            range.is_some_and(|(a, b)| a < 1025 || b > 4094)
        );
    }
    for (i, r) in g.mtu_ranges.iter().enumerate() {
        let path = format!("{p}.mtuRanges[{i}]");
        let range = ordered(r.start, r.stop);
        prop_assert_eq!(has(vs, rules::GUIDE_RANGE_ORDERED, &path), range.is_none());
        prop_assert_eq!(
            has(vs, rules::GUIDE_POSITIVE, &path),
            range.is_some_and(|(a, _)| a < 1)
        );
    }
    for (i, r) in g.asn_ranges.iter().enumerate() {
        let path = format!("{p}.asnRanges[{i}]");
        let range = ordered(r.start, r.stop);
        prop_assert_eq!(has(vs, rules::GUIDE_RANGE_ORDERED, &path), range.is_none());
        let reserved =
            |(a, b): (u32, u32)| [0, 23456, 4_294_967_295].iter().any(|x| a <= *x && *x <= b);
        prop_assert_eq!(
            has(vs, rules::GUIDE_ASN_VALID, &path),
            range.is_some_and(reserved)
        );
    }
    for (list, family) in [
        (&g.ipv4_subnet_guidance, "ipv4"),
        (&g.ipv6_subnet_guidance, "ipv6"),
    ] {
        for (i, s) in list.iter().enumerate() {
            if s.include_subnet.is_none() {
                let path = format!("{p}.{family}SubnetGuidance[{i}].includeSubnet");
                prop_assert!(has(vs, rules::GUIDE_SUBNET_PARSES, &path));
            }
        }
    }
    Ok(())
}

/// JSON path prefixes a caller may pass to `validate_l3_guidance`.
fn guidance_prefix() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("l3BaseGuidance".to_string()),
        (0usize..8).prop_map(|i| format!("featureGuidance[{i}].l3BaseGuidance")),
        arbitrary::segment(),
    ]
}

#[test]
fn l3_feature_reports_are_well_formed_for_random_input() {
    run(near_valid::arbitrary_feature_case(), check_feature);
}

#[test]
fn l3_feature_reports_are_well_formed_near_the_rules_and_reach_every_rule() {
    let hits = run(near_valid::feature_case(), check_feature);
    assert_all_reached(&hits, "L3-");
}

#[test]
fn l3_guidance_reports_are_well_formed_for_random_input() {
    run(
        (arbitrary::l3_base_guidance(), guidance_prefix()),
        |(g, prefix)| check_guidance(g, prefix),
    );
}

#[test]
fn l3_guidance_reports_are_well_formed_near_the_rules_and_reach_every_rule() {
    let hits = run(
        (near_valid::guidance(), guidance_prefix()),
        |(g, prefix)| check_guidance(g, prefix),
    );
    assert_all_reached(&hits, "GUIDE-");
}
