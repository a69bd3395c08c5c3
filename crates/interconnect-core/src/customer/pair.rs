//! Checking a customer's two ends against each other before anything is
//! created.
//!
//! The product announcements for the first production pair (AWS and Google
//! Cloud) state the customer-side rules: the two networks' CIDR ranges must
//! not overlap, both sides must configure the same IP versions, and the MTU
//! must match on both sides. The specification adds that bandwidth comes in
//! the tiers each environment offers (`docs/ConnectionCoordinatorAPI.md`,
//! "Bandwidth Choice") and that only the destination account named in the
//! activation key may accept it (`schemas/environment.yaml`,
//! `ActivationKey.destinationAccountId`; `docs/Protocols.md`). The remaining
//! rules are ours and say why in [`RULES`](super::RULES).
//!
//! [`validate_pair`] reports every broken rule, never only the first.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::violation::{
    ACCOUNT_MISMATCH, ATTACH_POINT_ID, BANDWIDTH_NOT_OFFERED, CIDR_FAMILY_MISSING,
    CIDR_FAMILY_UNDECLARED, CIDR_HOST_BITS, CIDR_OVERLAP, CIDR_OVERLAP_WITHIN, CIDR_TOO_MANY,
    IP_STACK_MISMATCH, MTU_MISMATCH, MTU_RANGE, PROVIDER_SAME,
};
use super::{Attachment, Bandwidth, ConnectionRequest, IpStack, TransportAcceptance, Violation};
use crate::wire::Secret;

/// Most CIDR ranges per end whose overlaps are checked (the checks compare
/// every pair of ranges). An end with more gets `CUST-CIDR-TOO-MANY`.
pub const MAX_CIDRS: usize = 1000;

/// Smallest MTU an IPv4 network must carry (RFC 791).
pub const MIN_MTU_IPV4: i32 = 68;

/// Smallest MTU an IPv6 network must carry (RFC 8200); applies to dual stack.
pub const MIN_MTU_IPV6: i32 = 1280;

/// What [`validate_pair`] knows beyond the two attachments. Every member is
/// optional; a rule whose inputs are absent is not checked.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PairContext {
    /// The bandwidths the environment offers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_bandwidths: Option<Vec<Bandwidth>>,
    /// The bandwidth the customer requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_bandwidth: Option<Bandwidth>,
    /// The activation key's `destinationAccountId`. Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_destination_account_id: Option<Secret>,
    /// The account accepting the key at the other provider. Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepting_account_id: Option<Secret>,
}

/// Checks two ends of a connection against each other and against the
/// context, returning every violation (empty when the pair is valid).
///
/// Paths start with `local.`, `remote.` or `context.`. Where a rule involves
/// both ends, the path names the remote member and the message names both.
pub fn validate_pair(
    local: &Attachment,
    remote: &Attachment,
    context: &PairContext,
) -> Vec<Violation> {
    let mut out = Vec::new();
    check_end("local", local, &mut out);
    check_end("remote", remote, &mut out);

    if local.provider == remote.provider {
        out.push(Violation::new(
            PROVIDER_SAME,
            "remote.provider",
            format!("both ends are in {}", remote.provider),
        ));
    }
    if local.ip_stack != remote.ip_stack {
        out.push(Violation::new(
            IP_STACK_MISMATCH,
            "remote.ipStack",
            format!(
                "local is {} but remote is {}; both ends must carry the same IP versions",
                local.ip_stack, remote.ip_stack
            ),
        ));
    }
    if local.mtu_bytes != remote.mtu_bytes {
        out.push(Violation::new(
            MTU_MISMATCH,
            "remote.mtuBytes",
            format!(
                "local MTU is {} bytes but remote is {}; the MTU must match",
                local.mtu_bytes, remote.mtu_bytes
            ),
        ));
    }
    if local.cidrs.len() <= MAX_CIDRS && remote.cidrs.len() <= MAX_CIDRS {
        for (i, a) in local.cidrs.iter().enumerate() {
            for (j, b) in remote.cidrs.iter().enumerate() {
                if overlap(a, b) {
                    out.push(Violation::new(
                        CIDR_OVERLAP,
                        format!("remote.cidrs[{j}]"),
                        format!("remote range {b} overlaps local range {a} (local.cidrs[{i}])"),
                    ));
                }
            }
        }
    }
    check_context(context, &mut out);
    out
}

/// Checks a connection request and the transport accepting it: their
/// attachments as `local` and `remote`, the requested bandwidth against
/// `offered_bandwidths` (when given), and the accepting account against the
/// request's remote account id (which the key carries as its destination).
pub fn validate_request_and_acceptance(
    request: &ConnectionRequest,
    acceptance: &TransportAcceptance,
    offered_bandwidths: Option<&[Bandwidth]>,
) -> Vec<Violation> {
    let context = PairContext {
        offered_bandwidths: offered_bandwidths.map(<[Bandwidth]>::to_vec),
        requested_bandwidth: Some(request.bandwidth),
        key_destination_account_id: Some(request.remote_account_id.clone()),
        accepting_account_id: Some(acceptance.accepting_account_id.clone()),
    };
    validate_pair(&request.attachment, &acceptance.attachment, &context)
}

/// The rules that look at one end alone.
fn check_end(side: &str, end: &Attachment, out: &mut Vec<Violation>) {
    if end.attach_point.id().trim().is_empty() {
        out.push(Violation::new(
            ATTACH_POINT_ID,
            format!("{side}.attachPoint.id"),
            format!("the {} attach point has no id", end.attach_point.kind()),
        ));
    }
    for (i, net) in end.cidrs.iter().enumerate() {
        if net.addr() != net.network() {
            out.push(Violation::new(
                CIDR_HOST_BITS,
                format!("{side}.cidrs[{i}]"),
                format!(
                    "{net} has bits set after its prefix length; write {}",
                    net.trunc()
                ),
            ));
        }
        if end.ip_stack == IpStack::Ipv4Only && matches!(net, IpNet::V6(_)) {
            out.push(Violation::new(
                CIDR_FAMILY_UNDECLARED,
                format!("{side}.cidrs[{i}]"),
                format!("{net} is IPv6 but the {side} end is {}", end.ip_stack),
            ));
        }
    }
    let has_v4 = end.cidrs.iter().any(|n| matches!(n, IpNet::V4(_)));
    let has_v6 = end.cidrs.iter().any(|n| matches!(n, IpNet::V6(_)));
    for (needed, present, family) in [
        (true, has_v4, "IPv4"),
        (end.ip_stack.has_ipv6(), has_v6, "IPv6"),
    ] {
        if needed && !present {
            out.push(Violation::new(
                CIDR_FAMILY_MISSING,
                format!("{side}.cidrs"),
                format!(
                    "the {side} end is {} but has no {family} range",
                    end.ip_stack
                ),
            ));
        }
    }
    let minimum = if end.ip_stack.has_ipv6() {
        MIN_MTU_IPV6
    } else {
        MIN_MTU_IPV4
    };
    if end.mtu_bytes < minimum {
        out.push(Violation::new(
            MTU_RANGE,
            format!("{side}.mtuBytes"),
            format!(
                "MTU {} is below {minimum} bytes, the least a {} network carries",
                end.mtu_bytes, end.ip_stack
            ),
        ));
    }
    if end.cidrs.len() > MAX_CIDRS {
        out.push(Violation::new(
            CIDR_TOO_MANY,
            format!("{side}.cidrs"),
            format!(
                "{} ranges listed; overlaps are checked for at most {MAX_CIDRS}",
                end.cidrs.len()
            ),
        ));
        return;
    }
    for (j, b) in end.cidrs.iter().enumerate() {
        for (i, a) in end.cidrs.iter().enumerate().take(j) {
            if overlap(a, b) {
                out.push(Violation::new(
                    CIDR_OVERLAP_WITHIN,
                    format!("{side}.cidrs[{j}]"),
                    format!("{b} overlaps {a} ({side}.cidrs[{i}]) of the same end"),
                ));
            }
        }
    }
}

/// The rules that look at the context.
fn check_context(context: &PairContext, out: &mut Vec<Violation>) {
    if let (Some(offered), Some(requested)) =
        (&context.offered_bandwidths, context.requested_bandwidth)
        && !offered.contains(&requested)
    {
        let list: Vec<String> = offered.iter().map(ToString::to_string).collect();
        out.push(Violation::new(
            BANDWIDTH_NOT_OFFERED,
            "context.requestedBandwidth",
            format!(
                "{requested} is not offered; the environment offers [{}]",
                list.join(", ")
            ),
        ));
    }
    if let (Some(destination), Some(accepting)) = (
        &context.key_destination_account_id,
        &context.accepting_account_id,
    ) && !same_secret(destination, accepting)
    {
        out.push(Violation::new(
            ACCOUNT_MISMATCH,
            "context.acceptingAccountId",
            "the accepting account is not the activation key's destination account",
        ));
    }
}

/// Whether two ranges share an address. Aligned ranges overlap exactly when
/// one contains the other's first address; ranges of different families
/// never overlap.
fn overlap(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Compares two secrets without stopping at the first differing byte (only
/// their lengths can be learned from the timing). Account ids are compared
/// exactly as written; no normalization.
fn same_secret(a: &Secret, b: &Secret) -> bool {
    let (a, b) = (a.expose().as_bytes(), b.expose().as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::{AttachPoint, RULES};
    use crate::names::ProviderName;
    use proptest::prelude::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn nets(list: &[&str]) -> Result<Vec<IpNet>, ipnet::AddrParseError> {
        list.iter().map(|s| s.parse()).collect()
    }

    fn end(
        provider: &str,
        cidrs: &[&str],
        stack: IpStack,
        mtu: i32,
    ) -> Result<Attachment, Box<dyn std::error::Error>> {
        Ok(Attachment {
            provider: ProviderName::new(provider)?,
            attach_point: if provider == "aws" {
                AttachPoint::AwsDirectConnectGateway {
                    id: "dxgw-1".into(),
                }
            } else {
                AttachPoint::GoogleCloudVpcNetwork { id: "net-1".into() }
            },
            cidrs: nets(cidrs)?,
            ip_stack: stack,
            mtu_bytes: mtu,
        })
    }

    fn bw(text: &str) -> Result<Bandwidth, super::super::BandwidthError> {
        text.parse()
    }

    /// A valid pair and a context under which it passes.
    fn valid() -> Result<(Attachment, Attachment, PairContext), Box<dyn std::error::Error>> {
        let local = end(
            "aws",
            &["10.0.0.0/16", "10.1.0.0/16"],
            IpStack::Ipv4Only,
            8500,
        )?;
        let remote = end("gcp", &["10.2.0.0/16"], IpStack::Ipv4Only, 8500)?;
        let context = PairContext {
            offered_bandwidths: Some(vec![bw("1Gbps")?, bw("10Gbps")?]),
            requested_bandwidth: Some(bw("1Gbps")?),
            key_destination_account_id: Some(Secret::new("123456789012")),
            accepting_account_id: Some(Secret::new("123456789012")),
        };
        Ok((local, remote, context))
    }

    fn found(v: &[Violation]) -> Vec<(&'static str, &str)> {
        v.iter().map(|v| (v.rule, v.path.as_str())).collect()
    }

    type Case = (
        &'static str,
        fn(&mut Attachment, &mut Attachment, &mut PairContext) -> TestResult,
        Vec<(&'static str, &'static str)>,
    );

    /// One case per rule: a single defect applied to the valid pair, and
    /// exactly the violations it must produce.
    fn cases() -> Vec<Case> {
        vec![
            (
                "overlap across ends",
                |_, r, _| {
                    r.cidrs = nets(&["10.2.0.0/16", "10.1.128.0/24"])?;
                    Ok(())
                },
                vec![(CIDR_OVERLAP, "remote.cidrs[1]")],
            ),
            (
                "overlap within one end",
                |l, _, _| {
                    l.cidrs = nets(&["10.0.0.0/16", "10.1.0.0/16", "10.0.4.0/24"])?;
                    Ok(())
                },
                vec![(CIDR_OVERLAP_WITHIN, "local.cidrs[2]")],
            ),
            (
                "host bits",
                |l, _, _| {
                    l.cidrs = nets(&["10.0.0.0/16", "10.1.0.1/16"])?;
                    Ok(())
                },
                vec![(CIDR_HOST_BITS, "local.cidrs[1]")],
            ),
            (
                "no IPv4 range",
                |_, r, _| {
                    r.cidrs.clear();
                    Ok(())
                },
                vec![(CIDR_FAMILY_MISSING, "remote.cidrs")],
            ),
            (
                "dual stack without IPv6",
                |l, r, _| {
                    l.ip_stack = IpStack::DualStack;
                    r.ip_stack = IpStack::DualStack;
                    r.cidrs = nets(&["10.2.0.0/16", "2001:db8:2::/48"])?;
                    Ok(())
                },
                vec![(CIDR_FAMILY_MISSING, "local.cidrs")],
            ),
            (
                "IPv6 range on IPv4-only end",
                |_, r, _| {
                    r.cidrs = nets(&["10.2.0.0/16", "2001:db8:2::/48"])?;
                    Ok(())
                },
                vec![(CIDR_FAMILY_UNDECLARED, "remote.cidrs[1]")],
            ),
            (
                "too many ranges",
                |l, r, _| {
                    // Every range overlaps the remote one: only the count is reported.
                    l.cidrs = (0..=MAX_CIDRS)
                        .map(|_| "10.2.0.0/16".parse())
                        .collect::<Result<_, _>>()?;
                    r.cidrs = nets(&["10.2.0.0/16"])?;
                    Ok(())
                },
                vec![(CIDR_TOO_MANY, "local.cidrs")],
            ),
            (
                "different IP stacks",
                |_, r, _| {
                    r.ip_stack = IpStack::DualStack;
                    r.cidrs = nets(&["10.2.0.0/16", "2001:db8:2::/48"])?;
                    Ok(())
                },
                vec![(IP_STACK_MISMATCH, "remote.ipStack")],
            ),
            (
                "different MTUs",
                |_, r, _| {
                    r.mtu_bytes = 1460;
                    Ok(())
                },
                vec![(MTU_MISMATCH, "remote.mtuBytes")],
            ),
            (
                "MTU below IPv4 minimum",
                |l, r, _| {
                    l.mtu_bytes = MIN_MTU_IPV4 - 1;
                    r.mtu_bytes = MIN_MTU_IPV4 - 1;
                    Ok(())
                },
                vec![
                    (MTU_RANGE, "local.mtuBytes"),
                    (MTU_RANGE, "remote.mtuBytes"),
                ],
            ),
            (
                "MTU below IPv6 minimum on dual stack",
                |l, r, _| {
                    for (e, v6) in [(l, "2001:db8:1::/48"), (r, "2001:db8:2::/48")] {
                        e.ip_stack = IpStack::DualStack;
                        e.cidrs.push(v6.parse()?);
                        e.mtu_bytes = MIN_MTU_IPV6 - 1;
                    }
                    Ok(())
                },
                vec![
                    (MTU_RANGE, "local.mtuBytes"),
                    (MTU_RANGE, "remote.mtuBytes"),
                ],
            ),
            (
                "empty attach point id",
                |_, r, _| {
                    r.attach_point = AttachPoint::GoogleCloudVpcNetwork { id: " ".into() };
                    Ok(())
                },
                vec![(ATTACH_POINT_ID, "remote.attachPoint.id")],
            ),
            (
                "same provider",
                |_, r, _| {
                    r.provider = ProviderName::new("aws")?;
                    Ok(())
                },
                vec![(PROVIDER_SAME, "remote.provider")],
            ),
            (
                "bandwidth not offered",
                |_, _, c| {
                    c.requested_bandwidth = Some(bw("1500Mbps")?);
                    Ok(())
                },
                vec![(BANDWIDTH_NOT_OFFERED, "context.requestedBandwidth")],
            ),
            (
                "accepting account is not the key's",
                |_, _, c| {
                    c.accepting_account_id = Some(Secret::new("123456789013"));
                    Ok(())
                },
                vec![(ACCOUNT_MISMATCH, "context.acceptingAccountId")],
            ),
        ]
    }

    #[test]
    fn valid_pair_has_no_violations() -> TestResult {
        let (local, remote, context) = valid()?;
        assert_eq!(validate_pair(&local, &remote, &context), vec![]);
        // Dual stack with both families and an MTU of 1280 is valid too.
        let mut local = local;
        let mut remote = remote;
        for (e, v6) in [
            (&mut local, "2001:db8:1::/48"),
            (&mut remote, "2001:db8:2::/48"),
        ] {
            e.ip_stack = IpStack::DualStack;
            e.cidrs.push(v6.parse()?);
            e.mtu_bytes = MIN_MTU_IPV6;
        }
        assert_eq!(validate_pair(&local, &remote, &context), vec![]);
        Ok(())
    }

    #[test]
    fn each_defect_gives_exactly_its_rule_and_path() -> TestResult {
        for (name, apply, expected) in cases() {
            let (mut local, mut remote, mut context) = valid()?;
            apply(&mut local, &mut remote, &mut context)?;
            let got = validate_pair(&local, &remote, &context);
            assert_eq!(found(&got), expected, "{name}: {got:#?}");
        }
        Ok(())
    }

    #[test]
    fn every_rule_has_a_case() {
        let mut covered: Vec<&str> = cases()
            .iter()
            .flat_map(|(_, _, e)| e.iter().map(|(rule, _)| *rule))
            .collect();
        covered.sort_unstable();
        covered.dedup();
        let mut all: Vec<&str> = RULES.iter().map(|(id, _)| *id).collect();
        all.sort_unstable();
        assert_eq!(covered, all);
    }

    #[test]
    fn all_violations_are_reported_together() -> TestResult {
        let (mut local, mut remote, mut context) = valid()?;
        remote.cidrs = nets(&["10.0.0.0/8"])?;
        remote.mtu_bytes = 1500;
        context.accepting_account_id = Some(Secret::new("x"));
        let got = validate_pair(&local, &remote, &context);
        assert_eq!(
            found(&got),
            vec![
                (MTU_MISMATCH, "remote.mtuBytes"),
                (CIDR_OVERLAP, "remote.cidrs[0]"),
                (CIDR_OVERLAP, "remote.cidrs[0]"),
                (ACCOUNT_MISMATCH, "context.acceptingAccountId"),
            ]
        );
        local.cidrs.clear();
        assert!(validate_pair(&local, &remote, &context).len() == 3);
        Ok(())
    }

    #[test]
    fn overlap_messages_name_both_ranges() -> TestResult {
        let (local, mut remote, context) = valid()?;
        remote.cidrs = nets(&["10.1.2.0/24"])?;
        let got = validate_pair(&local, &remote, &context);
        let message = got.first().map(|v| v.message.as_str()).unwrap_or_default();
        assert!(
            message.contains("10.1.2.0/24") && message.contains("10.1.0.0/16"),
            "{message}"
        );
        assert!(message.contains("local.cidrs[1]"), "{message}");
        Ok(())
    }

    #[test]
    fn account_mismatch_never_shows_either_account() -> TestResult {
        let (local, remote, mut context) = valid()?;
        context.accepting_account_id = Some(Secret::new("999988887777"));
        let got = validate_pair(&local, &remote, &context);
        let shown = format!("{got:?} {}", serde_json::to_string(&got)?);
        assert!(
            !shown.contains("123456789012") && !shown.contains("999988887777"),
            "{shown}"
        );
        assert!(!shown.contains("\"1234") && !format!("{context:?}").contains("1234"));
        Ok(())
    }

    #[test]
    fn same_secret_compares_whole_values() {
        let s = Secret::new;
        assert!(same_secret(&s("abc"), &s("abc")));
        assert!(!same_secret(&s("abc"), &s("abd")));
        assert!(!same_secret(&s("abc"), &s("ab")));
        assert!(!same_secret(&s("xbc"), &s("abc")));
    }

    #[test]
    fn overlap_is_by_address_not_text() -> Result<(), ipnet::AddrParseError> {
        let n = |s: &str| s.parse::<IpNet>();
        assert!(overlap(&n("10.0.0.0/8")?, &n("10.255.0.0/16")?));
        assert!(overlap(&n("10.255.0.0/16")?, &n("10.0.0.0/8")?));
        assert!(!overlap(&n("10.0.0.0/16")?, &n("10.1.0.0/16")?));
        assert!(!overlap(&n("0.0.0.0/0")?, &n("::/0")?));
        assert!(overlap(&n("2001:db8::/32")?, &n("2001:db8:1::/48")?));
        Ok(())
    }

    fn arb_net() -> impl Strategy<Value = IpNet> {
        prop_oneof![
            (any::<[u8; 4]>(), 0u8..=32).prop_filter_map("prefix", |(a, p)| {
                ipnet::Ipv4Net::new(a.into(), p).ok().map(IpNet::V4)
            }),
            (any::<[u8; 16]>(), 0u8..=128).prop_filter_map("prefix", |(a, p)| {
                ipnet::Ipv6Net::new(a.into(), p).ok().map(IpNet::V6)
            }),
        ]
    }

    fn arb_attachment() -> impl Strategy<Value = Attachment> {
        (
            prop_oneof![Just("aws"), Just("gcp")],
            "[a-z ]{0,3}",
            prop::collection::vec(arb_net(), 0..6),
            prop_oneof![Just(IpStack::Ipv4Only), Just(IpStack::DualStack)],
            any::<i32>(),
        )
            .prop_filter_map("provider", |(p, id, cidrs, ip_stack, mtu_bytes)| {
                Some(Attachment {
                    provider: ProviderName::new(p).ok()?,
                    attach_point: AttachPoint::Other {
                        resource_type: "t".into(),
                        id,
                    },
                    cidrs,
                    ip_stack,
                    mtu_bytes,
                })
            })
    }

    fn arb_context() -> impl Strategy<Value = PairContext> {
        let bw = (1u32..=20_000).prop_filter_map("bandwidth", |m| Bandwidth::from_mbps(m).ok());
        (
            prop::option::of(prop::collection::vec(bw.clone(), 0..4)),
            prop::option::of(bw),
            prop::option::of("[0-9]{0,3}".prop_map(Secret::new)),
            prop::option::of("[0-9]{0,3}".prop_map(Secret::new)),
        )
            .prop_map(|(o, r, k, a)| PairContext {
                offered_bandwidths: o,
                requested_bandwidth: r,
                key_destination_account_id: k,
                accepting_account_id: a,
            })
    }

    proptest! {
        #[test]
        fn validate_pair_never_panics(
            local in arb_attachment(),
            remote in arb_attachment(),
            context in arb_context(),
        ) {
            for v in validate_pair(&local, &remote, &context) {
                prop_assert!(RULES.iter().any(|(id, _)| *id == v.rule), "{}", v.rule);
                prop_assert!(
                    ["local.", "remote.", "context."].iter().any(|p| v.path.starts_with(p)),
                    "{}", v.path
                );
            }
        }
    }
}
