//! Validation of a proposed L3 base feature (`schemas/feature.yaml` Feature,
//! FeatureConfig, L3BaseConfig, ProviderBgpConfig) against the responder's
//! guidance, the two providers of the pair and what is already used on the
//! channel. Protocols.md, "Negotiate Feature Parameters": the responder
//! accepts a proposal in full or rejects it, so this reports every violation
//! at once.
//!
//! `ipv4Subnet`/`ipv6Subnet` are read either as `address/prefix` (the prefix
//! must then equal the prefix-length member) or as a bare network address
//! with the prefix taken from the prefix-length member (`spec/ERRATA.md`).

use std::net::IpAddr;

use ipnet::IpNet;

use super::rules::*;
use super::subnet::{Family, host_is_usable, overlaps, within};
use super::violation::{Collector, Violation};
use crate::names::{ConnectionName, ProviderName};
use crate::wire::{Feature, FeatureType, L3BaseConfig, L3BaseGuidance, ProviderBgpConfig};

/// VLAN ids a feature may use: 1024 and lower are reserved by the
/// specification (`L3BaseConfig.vlanId`), 4095 by IEEE 802.1Q.
pub const USABLE_VLANS: std::ops::RangeInclusive<i32> = 1025..=4094;

/// ASNs that may never be used: 0 (RFC 7607), 23456 (AS_TRANS, RFC 6793)
/// and 4294967295 (RFC 7300).
pub const RESERVED_ASNS: [u32; 3] = [0, 23456, 4_294_967_295];

/// Longest MD5 password accepted, in bytes of UTF-8 (L3-46). Neither the
/// specification nor RFC 2385 bounds it; this generous bound only keeps a
/// document's size in check (E-123). Any characters are accepted.
pub const MAX_MD5_PASSWORD_LEN: usize = 1024;

/// What is already in use on a channel by the other features there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelUsage {
    /// VLAN ids in use.
    pub vlans: Vec<i32>,
    /// Subnets in use (both families).
    pub subnets: Vec<IpNet>,
}

impl ChannelUsage {
    /// Adds what `config` uses, ignoring members that do not parse.
    pub fn add(&mut self, config: &L3BaseConfig) {
        if let Some(v) = config.vlan_id {
            self.vlans.push(v);
        }
        for (text, len, family) in [
            (
                &config.ipv4_subnet,
                config.ipv4_subnet_prefix_length,
                Family::V4,
            ),
            (
                &config.ipv6_subnet,
                config.ipv6_subnet_prefix_length,
                Family::V6,
            ),
        ] {
            if let Some(net) = text
                .as_deref()
                .and_then(|t| read_subnet(t, len, family).ok())
            {
                self.subnets.push(net.trunc());
            }
        }
    }
}

/// Everything a proposal is judged against.
#[derive(Debug, Clone, Copy)]
pub struct L3Context<'a> {
    /// The connection the feature is proposed on.
    pub connection: &'a ConnectionName,
    /// The responder's guidance for the feature's channel.
    pub guidance: &'a L3BaseGuidance,
    /// The provider proposing (the negotiator).
    pub negotiator: &'a ProviderName,
    /// The provider judging (the responder), whose ASN must follow its guidance.
    pub responder: &'a ProviderName,
    /// What other features already use on the channel.
    pub used: &'a ChannelUsage,
}

/// Checks a proposed feature; an empty result means it may be accepted.
pub fn validate_l3_feature(feature: &Feature, ctx: &L3Context<'_>) -> Vec<Violation> {
    let mut c = Collector::default();
    match &feature.channel {
        Some(ch) if ctx.connection.contains_channel(ch) => {}
        Some(ch) => c.push(
            L3_CHANNEL_OF_INTERCONNECT,
            "channel",
            format!("{ch} is not a channel of {}", ctx.connection.interconnect()),
        ),
        None => c.push(
            L3_CHANNEL_PRESENT,
            "channel",
            "the feature names no channel",
        ),
    }
    let config = feature.feature_config.as_ref();
    let l3 = config.and_then(|f| f.l3_base_config.as_ref());
    match (config.and_then(|f| f.feature_type.as_ref()), l3) {
        (_, None) => c.push(
            L3_CONFIG_PRESENT,
            "featureConfig.l3BaseConfig",
            "the L3 base configuration is missing",
        ),
        (Some(FeatureType::L3Base), Some(_)) => {}
        (Some(other), Some(_)) => c.push(
            L3_TYPE_MATCHES,
            "featureConfig.featureType",
            format!("featureType {other} does not match the l3BaseConfig given"),
        ),
        (None, Some(_)) => c.push(
            L3_TYPE_MATCHES,
            "featureConfig.featureType",
            "featureType is missing; FEATURE_TYPE_L3_BASE expected",
        ),
    }
    if let Some(l3) = l3 {
        check_config(&mut c, l3, ctx);
    }
    c.violations
}

const P: &str = "featureConfig.l3BaseConfig";

fn check_config(c: &mut Collector, l3: &L3BaseConfig, ctx: &L3Context<'_>) {
    let g = ctx.guidance;
    // VLAN.
    match l3.vlan_id {
        None => c.push(L3_VLAN_PRESENT, format!("{P}.vlanId"), "vlanId is required"),
        Some(vlan) => {
            if !USABLE_VLANS.contains(&vlan) {
                c.push(
                    L3_VLAN_RESERVED,
                    format!("{P}.vlanId"),
                    format!("VLAN {vlan} is reserved; use 1025..=4094"),
                );
            }
            if !g.vlan_ranges.is_empty()
                && !g.vlan_ranges.iter().any(|r| {
                    in_range(
                        i64::from(vlan),
                        r.start.map(i64::from),
                        r.stop.map(i64::from),
                    )
                })
            {
                c.push(
                    L3_VLAN_IN_GUIDANCE,
                    format!("{P}.vlanId"),
                    format!("VLAN {vlan} is outside the guidance VLAN ranges"),
                );
            }
            if ctx.used.vlans.contains(&vlan) {
                c.push(
                    L3_VLAN_UNUSED,
                    format!("{P}.vlanId"),
                    format!("VLAN {vlan} is already used on the channel"),
                );
            }
        }
    }
    // Subnets.
    if l3.ipv4_subnet.is_none() {
        c.push(
            L3_IPV4_SUBNET_PRESENT,
            format!("{P}.ipv4Subnet"),
            "ipv4Subnet is required",
        );
    }
    if l3.ipv4_subnet_prefix_length.is_none() {
        c.push(
            L3_IPV4_PREFIX_PRESENT,
            format!("{P}.ipv4SubnetPrefixLength"),
            "ipv4SubnetPrefixLength is required",
        );
    }
    let v4 = l3
        .ipv4_subnet
        .as_deref()
        .and_then(|t| check_subnet(c, t, l3.ipv4_subnet_prefix_length, &V4_RULES, ctx));
    let ipv6_configured = l3.ipv6_subnet.is_some() || l3.ipv6_subnet_prefix_length.is_some();
    let v6 = match (&l3.ipv6_subnet, l3.ipv6_subnet_prefix_length) {
        (Some(t), Some(len)) => check_subnet(c, t, Some(len), &V6_RULES, ctx),
        (None, None) => None,
        (Some(_), None) => {
            c.push(
                L3_IPV6_PAIRED,
                format!("{P}.ipv6SubnetPrefixLength"),
                "ipv6Subnet is set but ipv6SubnetPrefixLength is not",
            );
            None
        }
        (None, Some(_)) => {
            c.push(
                L3_IPV6_PAIRED,
                format!("{P}.ipv6Subnet"),
                "ipv6SubnetPrefixLength is set but ipv6Subnet is not",
            );
            None
        }
    };
    // MTU.
    match l3.mtu_bytes {
        None => c.push(
            L3_MTU_PRESENT,
            format!("{P}.mtuBytes"),
            "mtuBytes is required",
        ),
        Some(mtu) => {
            if mtu < 68 {
                c.push(
                    L3_MTU_MINIMUM,
                    format!("{P}.mtuBytes"),
                    format!("MTU {mtu} is below 68, the IPv4 minimum"),
                );
            }
            let inside = if g.mtu_ranges.is_empty() {
                true
            } else {
                g.mtu_ranges.iter().any(|r| {
                    in_range(
                        i64::from(mtu),
                        r.start.map(i64::from),
                        r.stop.map(i64::from),
                    )
                })
            };
            if !inside {
                c.push(
                    L3_MTU_IN_GUIDANCE,
                    format!("{P}.mtuBytes"),
                    format!("MTU {mtu} is outside the guidance MTU ranges"),
                );
            }
            if ipv6_configured && mtu < 1280 {
                c.push(
                    L3_MTU_IPV6_MINIMUM,
                    format!("{P}.mtuBytes"),
                    format!("MTU {mtu} is below 1280, the IPv6 minimum"),
                );
            }
        }
    }
    check_bgp(c, l3, ctx, v4, v6, ipv6_configured);
    if let Some(pw) = &l3.md5_bgp_password {
        let text = pw.expose();
        if text.is_empty() || text.len() > MAX_MD5_PASSWORD_LEN {
            c.push(
                L3_MD5_PASSWORD,
                format!("{P}.md5BgpPassword"),
                format!(
                    "the MD5 password, when present, must be 1 to {MAX_MD5_PASSWORD_LEN} bytes (got {} bytes)",
                    text.len()
                ),
            );
        }
    }
}

fn in_range(v: i64, start: Option<i64>, stop: Option<i64>) -> bool {
    matches!((start, stop), (Some(a), Some(b)) if a <= v && v <= b)
}

/// Reads a subnet member, in `address/prefix` or bare-address form.
fn read_subnet(text: &str, len: Option<i32>, family: Family) -> Result<IpNet, String> {
    if text.len() > 64 {
        return Err(format!(
            "{} characters is too long for a subnet",
            text.len()
        ));
    }
    let net = if text.contains('/') {
        text.parse::<IpNet>()
            .map_err(|_| format!("{text:?} is not an {} subnet", family.label()))?
    } else {
        let addr: IpAddr = text
            .parse()
            .map_err(|_| format!("{text:?} is not an {} address", family.label()))?;
        let len = len.ok_or_else(|| "no prefix length to go with the address".to_string())?;
        let len = u8::try_from(len).map_err(|_| format!("/{len} is not a prefix length"))?;
        IpNet::new(addr, len)
            .map_err(|_| format!("/{len} is not a {} prefix length", family.label()))?
    };
    if Family::of(&net) != family {
        return Err(format!("{text:?} is not an {} subnet", family.label()));
    }
    Ok(net)
}

/// The rule ids and member names of one address family.
struct FamilyRules {
    family: Family,
    member: &'static str,
    len_member: &'static str,
    host_member: &'static str,
    parses: &'static str,
    host_bits: &'static str,
    prefix_possible: &'static str,
    prefix_matches: &'static str,
    prefix_allowed: &'static str,
    included: &'static str,
    not_excluded: &'static str,
    unused: &'static str,
    host_in_subnet: &'static str,
    host_not_reserved: &'static str,
    hosts_distinct: &'static str,
}

const V4_RULES: FamilyRules = FamilyRules {
    family: Family::V4,
    member: "ipv4Subnet",
    len_member: "ipv4SubnetPrefixLength",
    host_member: "hostIpv4",
    parses: L3_IPV4_PARSES,
    host_bits: L3_IPV4_HOST_BITS,
    prefix_possible: L3_IPV4_PREFIX_POSSIBLE,
    prefix_matches: L3_IPV4_PREFIX_MATCHES,
    prefix_allowed: L3_IPV4_PREFIX_ALLOWED,
    included: L3_IPV4_INCLUDED,
    not_excluded: L3_IPV4_NOT_EXCLUDED,
    unused: L3_IPV4_UNUSED,
    host_in_subnet: L3_HOST_IPV4_IN_SUBNET,
    host_not_reserved: L3_HOST_IPV4_NOT_RESERVED,
    hosts_distinct: L3_HOST_IPV4_DISTINCT,
};

const V6_RULES: FamilyRules = FamilyRules {
    family: Family::V6,
    member: "ipv6Subnet",
    len_member: "ipv6SubnetPrefixLength",
    host_member: "hostIpv6",
    parses: L3_IPV6_PARSES,
    host_bits: L3_IPV6_HOST_BITS,
    prefix_possible: L3_IPV6_PREFIX_POSSIBLE,
    prefix_matches: L3_IPV6_PREFIX_MATCHES,
    prefix_allowed: L3_IPV6_PREFIX_ALLOWED,
    included: L3_IPV6_INCLUDED,
    not_excluded: L3_IPV6_NOT_EXCLUDED,
    unused: L3_IPV6_UNUSED,
    host_in_subnet: L3_HOST_IPV6_IN_SUBNET,
    host_not_reserved: L3_HOST_IPV6_NOT_RESERVED,
    hosts_distinct: L3_HOST_IPV6_DISTINCT,
};

fn check_subnet(
    c: &mut Collector,
    text: &str,
    len: Option<i32>,
    rules: &FamilyRules,
    ctx: &L3Context<'_>,
) -> Option<IpNet> {
    let (family, member, len_member) = (rules.family, rules.member, rules.len_member);
    let path = format!("{P}.{member}");
    let net = match read_subnet(text, len, family) {
        Ok(net) => net,
        Err(why) => {
            c.push(rules.parses, path, why);
            return None;
        }
    };
    if net.trunc() != net {
        c.push(
            rules.host_bits,
            path.clone(),
            format!("{net} has host bits set; write {}", net.trunc()),
        );
    }
    let net = net.trunc();
    let prefix = i32::from(net.prefix_len());
    if let Some(len) = len
        && len != prefix
    {
        c.push(
            rules.prefix_matches,
            format!("{P}.{len_member}"),
            format!("{len_member} is {len} but the subnet is /{prefix}"),
        );
    }
    if net.prefix_len() > family.longest_two_host_prefix() {
        c.push(
            rules.prefix_possible,
            path.clone(),
            format!("/{prefix} cannot hold two hosts"),
        );
    }
    let (allowed, guidance) = match family {
        Family::V4 => (
            &ctx.guidance.ipv4_allowed_subnet_prefix_lengths,
            &ctx.guidance.ipv4_subnet_guidance,
        ),
        Family::V6 => (
            &ctx.guidance.ipv6_allowed_subnet_prefix_lengths,
            &ctx.guidance.ipv6_subnet_guidance,
        ),
    };
    if !allowed.is_empty() && !allowed.contains(&prefix) {
        c.push(
            rules.prefix_allowed,
            format!("{P}.{len_member}"),
            format!("/{prefix} is not among the allowed {allowed:?}"),
        );
    }
    if !guidance.is_empty() {
        let parse = |t: &Option<String>| t.as_deref().and_then(|t| t.parse::<IpNet>().ok());
        let includes: Vec<IpNet> = guidance
            .iter()
            .filter_map(|g| parse(&g.include_subnet))
            .collect();
        if !includes.iter().any(|inc| within(&net, inc)) {
            c.push(
                rules.included,
                path.clone(),
                format!("{net} is not inside any include subnet of the guidance"),
            );
        }
        let excluded = guidance
            .iter()
            .flat_map(|g| g.exclude_subnets.iter())
            .filter_map(|t| t.parse::<IpNet>().ok())
            .find(|ex| overlaps(&net, ex));
        if let Some(ex) = excluded {
            c.push(
                rules.not_excluded,
                path.clone(),
                format!("{net} overlaps the excluded subnet {ex}"),
            );
        }
    }
    if let Some(used) = ctx.used.subnets.iter().find(|u| overlaps(&net, u)) {
        c.push(
            rules.unused,
            path,
            format!("{net} overlaps {used}, already used on the channel"),
        );
    }
    Some(net)
}

fn check_bgp(
    c: &mut Collector,
    l3: &L3BaseConfig,
    ctx: &L3Context<'_>,
    v4: Option<IpNet>,
    v6: Option<IpNet>,
    ipv6_configured: bool,
) {
    let path = format!("{P}.providerBgpConfigs");
    if l3.provider_bgp_configs.is_empty() {
        c.push(L3_BGP_PRESENT, path, "providerBgpConfigs is required");
        return;
    }
    for who in [ctx.negotiator, ctx.responder] {
        let n = l3
            .provider_bgp_configs
            .iter()
            .filter(|b| b.provider.as_ref() == Some(who))
            .count();
        if n != 1 {
            c.push(
                L3_BGP_ONE_PER_PROVIDER,
                path.clone(),
                format!("{n} entries for {who}; exactly one is required"),
            );
        }
    }
    let mut hosts4: Vec<(usize, IpAddr)> = Vec::new();
    let mut hosts6: Vec<(usize, IpAddr)> = Vec::new();
    for (i, b) in l3.provider_bgp_configs.iter().enumerate() {
        let bpath = format!("{path}[{i}]");
        check_entry_provider(c, b, ctx, &bpath);
        match b.asn {
            None => c.push(L3_ASN_PRESENT, format!("{bpath}.asn"), "asn is required"),
            Some(asn) if RESERVED_ASNS.contains(&asn) => c.push(
                L3_ASN_VALID,
                format!("{bpath}.asn"),
                format!("ASN {asn} is reserved and cannot be used"),
            ),
            Some(asn) => {
                let ranges = &ctx.guidance.asn_ranges;
                let responder = b.provider.as_ref() == Some(ctx.responder);
                if responder
                    && !ranges.is_empty()
                    && !ranges.iter().any(|r| {
                        in_range(
                            i64::from(asn),
                            r.start.map(i64::from),
                            r.stop.map(i64::from),
                        )
                    })
                {
                    c.push(
                        L3_ASN_IN_GUIDANCE,
                        format!("{bpath}.asn"),
                        format!("ASN {asn} of the responder is outside its guidance ASN ranges"),
                    );
                }
            }
        }
        match (&b.host_ipv4, v4) {
            (None, _) => c.push(
                L3_HOST_IPV4_PRESENT,
                format!("{bpath}.hostIpv4"),
                "hostIpv4 is required",
            ),
            (Some(text), net) => {
                if let Some(addr) =
                    check_host(c, text, net, &V4_RULES, &format!("{bpath}.hostIpv4"))
                {
                    hosts4.push((i, addr));
                }
            }
        }
        match (&b.host_ipv6, ipv6_configured) {
            (Some(_), false) => c.push(
                L3_IPV6_HOSTS_MATCH,
                format!("{bpath}.hostIpv6"),
                "hostIpv6 is set but IPv6 is not configured",
            ),
            // L3-42: hostIpv6 is optional even with IPv6 configured
            (Some(text), true) => {
                if let Some(addr) = check_host(c, text, v6, &V6_RULES, &format!("{bpath}.hostIpv6"))
                {
                    hosts6.push((i, addr));
                }
            }
            (None, _) => {}
        }
    }
    for (hosts, rules) in [(hosts4, &V4_RULES), (hosts6, &V6_RULES)] {
        let member = rules.host_member;
        for (x, (i, a)) in hosts.iter().enumerate() {
            if let Some((j, _)) = hosts.iter().skip(x + 1).find(|(_, b)| b == a) {
                c.push(
                    rules.hosts_distinct,
                    format!("{path}[{j}].{member}"),
                    format!("{a} is also the address of {path}[{i}]"),
                );
            }
        }
    }
}

fn check_entry_provider(
    c: &mut Collector,
    b: &ProviderBgpConfig,
    ctx: &L3Context<'_>,
    bpath: &str,
) {
    match &b.provider {
        None => c.push(
            L3_BGP_PROVIDER_PRESENT,
            format!("{bpath}.provider"),
            "the entry names no provider",
        ),
        Some(p) if p != ctx.negotiator && p != ctx.responder => c.push(
            L3_BGP_ONE_PER_PROVIDER,
            format!("{bpath}.provider"),
            format!("{p} is not a provider of this pair"),
        ),
        Some(_) => {}
    }
}

/// Judges one host address: bare, or `addr/len` with `len` the subnet's
/// prefix length (E-43); any other length breaks the family's in-subnet rule.
fn check_host(
    c: &mut Collector,
    text: &str,
    net: Option<IpNet>,
    rules: &FamilyRules,
    path: &str,
) -> Option<IpAddr> {
    let family = rules.family;
    let read = if text.contains('/') {
        text.parse::<IpNet>()
            .ok()
            .map(|n| (n.addr(), Some(n.prefix_len())))
    } else {
        text.parse::<IpAddr>().ok().map(|a| (a, None))
    };
    let (addr, len) = match read {
        Some((a, len)) if Family::of(&IpNet::from(a)) == family => (a, len),
        _ => {
            c.push(
                rules.host_in_subnet,
                path,
                format!("{text:?} is not an {} address", family.label()),
            );
            return None;
        }
    };
    let net = net?;
    match len {
        Some(len) if len != net.prefix_len() => c.push(
            rules.host_in_subnet,
            path,
            format!(
                "{addr}/{len} has a prefix length other than the subnet's /{}",
                net.prefix_len()
            ),
        ),
        _ if !net.contains(&addr) => c.push(
            rules.host_in_subnet,
            path,
            format!("{addr} is not inside {net}"),
        ),
        _ => {}
    }
    if net.contains(&addr) && !host_is_usable(addr, &net) {
        c.push(
            rules.host_not_reserved,
            path,
            format!("{addr} is the network or broadcast address of {net}"),
        );
    }
    Some(addr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::fixtures;
    use crate::wire::{Secret, VlanRange};

    fn judge(f: &Feature, used: &ChannelUsage) -> Vec<Violation> {
        let conn = fixtures::connection();
        let g = fixtures::guidance();
        let (aws, gcp) = (fixtures::aws(), fixtures::gcp());
        let ctx = L3Context {
            connection: &conn,
            guidance: &g,
            negotiator: &gcp,
            responder: &aws,
            used,
        };
        validate_l3_feature(f, &ctx)
    }

    fn rules_of(f: &Feature) -> Vec<&'static str> {
        judge(f, &ChannelUsage::default())
            .iter()
            .map(|v| v.rule)
            .collect()
    }

    fn with(edit: impl FnOnce(&mut L3BaseConfig)) -> Feature {
        let mut f = fixtures::feature();
        if let Some(l3) = f
            .feature_config
            .as_mut()
            .and_then(|c| c.l3_base_config.as_mut())
        {
            edit(l3);
        }
        f
    }

    #[test]
    fn the_fixture_is_valid() {
        assert_eq!(
            judge(&fixtures::feature(), &ChannelUsage::default()),
            vec![]
        );
    }

    #[test]
    fn bare_address_form_is_read_with_the_prefix_member() {
        let f = with(|l3| l3.ipv4_subnet = Some("169.254.1.16".into()));
        assert_eq!(rules_of(&f), Vec::<&str>::new());
    }

    #[test]
    fn required_members() {
        assert_eq!(
            rules_of(&with(|l3| l3.vlan_id = None)),
            vec![L3_VLAN_PRESENT]
        );
        assert_eq!(
            rules_of(&with(|l3| l3.mtu_bytes = None)),
            vec![L3_MTU_PRESENT]
        );
        assert_eq!(
            rules_of(&with(|l3| l3.provider_bgp_configs.clear())),
            vec![L3_BGP_PRESENT]
        );
        assert_eq!(
            rules_of(&with(|l3| l3.ipv4_subnet = None)),
            vec![L3_IPV4_SUBNET_PRESENT]
        );
        let f = with(|l3| {
            l3.ipv4_subnet_prefix_length = None;
        });
        assert_eq!(rules_of(&f), vec![L3_IPV4_PREFIX_PRESENT]);
        assert_eq!(
            rules_of(&with(|l3| l3.provider_bgp_configs[0].provider = None)),
            vec![L3_BGP_ONE_PER_PROVIDER, L3_BGP_PROVIDER_PRESENT]
        );
        assert_eq!(
            rules_of(&with(|l3| l3.provider_bgp_configs[0].asn = None)),
            vec![L3_ASN_PRESENT]
        );
        let mut f = fixtures::feature();
        f.feature_config = None;
        assert_eq!(rules_of(&f), vec![L3_CONFIG_PRESENT]);
        let mut f = fixtures::feature();
        f.channel = None;
        assert_eq!(rules_of(&f), vec![L3_CHANNEL_PRESENT]);
    }

    #[test]
    fn mtu_has_an_absolute_floor() {
        let conn = fixtures::connection();
        let mut g = fixtures::guidance();
        g.mtu_ranges.clear();
        let (aws, gcp) = (fixtures::aws(), fixtures::gcp());
        let used = ChannelUsage::default();
        let ctx = L3Context {
            connection: &conn,
            guidance: &g,
            negotiator: &gcp,
            responder: &aws,
            used: &used,
        };
        let f = with(|l3| {
            l3.mtu_bytes = Some(67);
            l3.ipv6_subnet = None;
            l3.ipv6_subnet_prefix_length = None;
            for b in &mut l3.provider_bgp_configs {
                b.host_ipv6 = None;
            }
        });
        let v = validate_l3_feature(&f, &ctx);
        assert_eq!(
            v.iter().map(|v| v.rule).collect::<Vec<_>>(),
            vec![L3_MTU_MINIMUM]
        );
    }

    #[test]
    fn feature_type_must_match() {
        let mut f = fixtures::feature();
        if let Some(c) = f.feature_config.as_mut() {
            c.feature_type = Some(FeatureType::Unknown("FEATURE_TYPE_L2".into()));
        }
        assert_eq!(rules_of(&f), vec![L3_TYPE_MATCHES]);
        if let Some(c) = f.feature_config.as_mut() {
            c.feature_type = None;
        }
        assert_eq!(rules_of(&f), vec![L3_TYPE_MATCHES]);
    }

    #[test]
    fn channel_must_belong_to_the_interconnect() -> Result<(), crate::names::NameError> {
        let mut f = fixtures::feature();
        f.channel = Some(
            fixtures::connection()
                .interconnect()
                .environment()
                .interconnect("ix2")?
                .channel("ch1")?,
        );
        assert_eq!(rules_of(&f), vec![L3_CHANNEL_OF_INTERCONNECT]);
        Ok(())
    }

    #[test]
    fn vlan_rules() {
        // 1024 is reserved even when guidance would allow it.
        let conn = fixtures::connection();
        let mut g = fixtures::guidance();
        g.vlan_ranges = vec![VlanRange {
            start: Some(1000),
            stop: Some(4095),
        }];
        let (aws, gcp) = (fixtures::aws(), fixtures::gcp());
        let used = ChannelUsage::default();
        let ctx = L3Context {
            connection: &conn,
            guidance: &g,
            negotiator: &gcp,
            responder: &aws,
            used: &used,
        };
        for (vlan, ok) in [
            (1024, false),
            (1025, true),
            (4094, true),
            (4095, false),
            (0, false),
        ] {
            let v = validate_l3_feature(&with(|l3| l3.vlan_id = Some(vlan)), &ctx);
            assert_eq!(
                v.iter().any(|v| v.rule == L3_VLAN_RESERVED),
                !ok,
                "VLAN {vlan}"
            );
        }
        assert_eq!(
            rules_of(&with(|l3| l3.vlan_id = Some(3000))),
            vec![L3_VLAN_IN_GUIDANCE]
        );
        let used = ChannelUsage {
            vlans: vec![2000],
            subnets: vec![],
        };
        let v = judge(&fixtures::feature(), &used);
        assert_eq!(
            v.iter().map(|v| v.rule).collect::<Vec<_>>(),
            vec![L3_VLAN_UNUSED]
        );
        assert_eq!(v[0].path, "featureConfig.l3BaseConfig.vlanId");
    }

    #[test]
    fn subnet_parse_and_host_bits() {
        assert_eq!(
            rules_of(&with(|l3| l3.ipv4_subnet = Some("not-a-subnet".into()))),
            vec![L3_IPV4_PARSES]
        );
        assert_eq!(
            rules_of(&with(|l3| l3.ipv4_subnet = Some("fd20::/126".into()))),
            vec![L3_IPV4_PARSES]
        );
        assert_eq!(
            rules_of(&with(|l3| l3.ipv4_subnet = Some("169.254.1.17/30".into()))),
            vec![L3_IPV4_HOST_BITS]
        );
    }

    #[test]
    fn prefix_length_rules() {
        assert_eq!(
            rules_of(&with(|l3| l3.ipv4_subnet_prefix_length = Some(29))),
            vec![L3_IPV4_PREFIX_MATCHES]
        );
        let f = with(|l3| {
            l3.ipv4_subnet = Some("169.254.1.16/28".into());
            l3.ipv4_subnet_prefix_length = Some(28);
        });
        // /28 is not allowed and overlaps the excluded 169.254.1.0/28? No: .16/28 is 16..31.
        assert_eq!(rules_of(&f), vec![L3_IPV4_PREFIX_ALLOWED]);
        let f = with(|l3| {
            l3.ipv4_subnet = Some("169.254.1.16/32".into());
            l3.ipv4_subnet_prefix_length = Some(32);
        });
        let r = rules_of(&f);
        assert!(r.contains(&L3_IPV4_PREFIX_POSSIBLE), "{r:?}");
    }

    #[test]
    fn include_exclude_and_used_subnets() {
        let f = with(|l3| {
            l3.ipv4_subnet = Some("10.0.0.0/30".into());
            for (b, h) in l3
                .provider_bgp_configs
                .iter_mut()
                .zip(["10.0.0.1", "10.0.0.2"])
            {
                b.host_ipv4 = Some(h.into());
            }
        });
        assert_eq!(rules_of(&f), vec![L3_IPV4_INCLUDED]);
        let f = with(|l3| {
            l3.ipv4_subnet = Some("169.254.1.4/30".into());
            for (b, h) in l3
                .provider_bgp_configs
                .iter_mut()
                .zip(["169.254.1.5", "169.254.1.6"])
            {
                b.host_ipv4 = Some(h.into());
            }
        });
        assert_eq!(rules_of(&f), vec![L3_IPV4_NOT_EXCLUDED]);
        let used = ChannelUsage {
            vlans: vec![],
            subnets: vec!["169.254.1.16/29".parse().expect("net")],
        };
        let v = judge(&fixtures::feature(), &used);
        assert_eq!(
            v.iter().map(|v| v.rule).collect::<Vec<_>>(),
            vec![L3_IPV4_UNUSED]
        );
    }

    #[test]
    fn ipv6_pairing_and_hosts() {
        let f = with(|l3| l3.ipv6_subnet_prefix_length = None);
        assert_eq!(rules_of(&f), vec![L3_IPV6_PAIRED]);
        let f = with(|l3| l3.ipv6_subnet = None);
        assert_eq!(rules_of(&f), vec![L3_IPV6_PAIRED]);
        let f = with(|l3| {
            l3.ipv6_subnet = None;
            l3.ipv6_subnet_prefix_length = None;
        });
        assert_eq!(rules_of(&f), vec![L3_IPV6_HOSTS_MATCH, L3_IPV6_HOSTS_MATCH]);
        // L3-42: with IPv6 configured, hostIpv6 is optional (upstream)
        let f = with(|l3| l3.provider_bgp_configs[0].host_ipv6 = None);
        assert_eq!(rules_of(&f), Vec::<&str>::new());
        let f = with(|l3| {
            for b in &mut l3.provider_bgp_configs {
                b.host_ipv6 = None;
            }
        });
        assert_eq!(rules_of(&f), Vec::<&str>::new());
    }

    #[test]
    fn mtu_rules() {
        assert_eq!(
            rules_of(&with(|l3| l3.mtu_bytes = Some(9001))),
            vec![L3_MTU_IN_GUIDANCE]
        );
        let conn = fixtures::connection();
        let mut g = fixtures::guidance();
        g.mtu_ranges[0].start = Some(576);
        let (aws, gcp) = (fixtures::aws(), fixtures::gcp());
        let used = ChannelUsage::default();
        let ctx = L3Context {
            connection: &conn,
            guidance: &g,
            negotiator: &gcp,
            responder: &aws,
            used: &used,
        };
        let v = validate_l3_feature(&with(|l3| l3.mtu_bytes = Some(1000)), &ctx);
        assert_eq!(
            v.iter().map(|v| v.rule).collect::<Vec<_>>(),
            vec![L3_MTU_IPV6_MINIMUM]
        );
    }

    #[test]
    fn bgp_entries_one_per_provider() {
        let f = with(|l3| l3.provider_bgp_configs.truncate(1));
        assert_eq!(rules_of(&f), vec![L3_BGP_ONE_PER_PROVIDER]);
        let f = with(|l3| {
            let extra = l3.provider_bgp_configs[0].clone();
            l3.provider_bgp_configs[1].provider = extra.provider;
        });
        let r = rules_of(&f);
        assert!(
            r.iter()
                .all(|r| *r == L3_BGP_ONE_PER_PROVIDER || *r == L3_ASN_IN_GUIDANCE),
            "{r:?}"
        );
        assert!(r.contains(&L3_BGP_ONE_PER_PROVIDER));
        let f = with(|l3| l3.provider_bgp_configs[1].provider = ProviderName::new("azure").ok());
        assert_eq!(
            rules_of(&f),
            vec![L3_BGP_ONE_PER_PROVIDER, L3_BGP_ONE_PER_PROVIDER]
        );
    }

    #[test]
    fn asn_rules() {
        for bad in RESERVED_ASNS {
            assert_eq!(
                rules_of(&with(|l3| l3.provider_bgp_configs[1].asn = Some(bad))),
                vec![L3_ASN_VALID],
                "{bad}"
            );
        }
        assert_eq!(
            rules_of(&with(|l3| l3.provider_bgp_configs[1].asn = None)),
            vec![L3_ASN_PRESENT]
        );
        // The responder (aws, entry 0) must follow its ranges; the negotiator need not.
        assert_eq!(
            rules_of(&with(|l3| l3.provider_bgp_configs[0].asn = Some(65000))),
            vec![L3_ASN_IN_GUIDANCE]
        );
        assert_eq!(
            rules_of(&with(|l3| l3.provider_bgp_configs[1].asn = Some(65000))),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn host_rules() {
        assert_eq!(
            rules_of(&with(
                |l3| l3.provider_bgp_configs[1].host_ipv4 = Some("169.254.9.1".into())
            )),
            vec![L3_HOST_IPV4_IN_SUBNET]
        );
        assert_eq!(
            rules_of(&with(
                |l3| l3.provider_bgp_configs[1].host_ipv4 = Some("x".into())
            )),
            vec![L3_HOST_IPV4_IN_SUBNET]
        );
        assert_eq!(
            rules_of(&with(
                |l3| l3.provider_bgp_configs[1].host_ipv4 = Some("169.254.1.17".into())
            )),
            vec![L3_HOST_IPV4_DISTINCT]
        );
        assert_eq!(
            rules_of(&with(
                |l3| l3.provider_bgp_configs[1].host_ipv4 = Some("169.254.1.19".into())
            )),
            vec![L3_HOST_IPV4_NOT_RESERVED]
        );
        assert_eq!(
            rules_of(&with(
                |l3| l3.provider_bgp_configs[1].host_ipv4 = Some("169.254.1.16".into())
            )),
            vec![L3_HOST_IPV4_NOT_RESERVED]
        );
        assert_eq!(
            rules_of(&with(
                |l3| l3.provider_bgp_configs[1].host_ipv6 = Some("fd20::".into())
            )),
            vec![L3_HOST_IPV6_NOT_RESERVED]
        );
        assert_eq!(
            rules_of(&with(|l3| l3.provider_bgp_configs[1].host_ipv4 = None)),
            vec![L3_HOST_IPV4_PRESENT]
        );
    }

    #[test]
    fn hosts_may_carry_the_subnet_prefix_length() {
        let f = with(|l3| {
            l3.provider_bgp_configs[0].host_ipv4 = Some("169.254.1.17/30".into());
            l3.provider_bgp_configs[1].host_ipv4 = Some("169.254.1.18/30".into());
            l3.provider_bgp_configs[1].host_ipv6 = Some("fd20::2/126".into());
        });
        assert_eq!(rules_of(&f), Vec::<&str>::new());
        let wrong = |v4: &str, v6: &str| {
            let (v4, v6) = (v4.to_string(), v6.to_string());
            rules_of(&with(move |l3| {
                l3.provider_bgp_configs[1].host_ipv4 = Some(v4);
                l3.provider_bgp_configs[1].host_ipv6 = Some(v6);
            }))
        };
        assert_eq!(
            wrong("169.254.1.18/29", "fd20::2"),
            vec![L3_HOST_IPV4_IN_SUBNET]
        );
        assert_eq!(
            wrong("169.254.1.18/32", "fd20::2/64"),
            vec![L3_HOST_IPV4_IN_SUBNET, L3_HOST_IPV6_IN_SUBNET]
        );
        assert_eq!(
            wrong("169.254.1.18/33", "fd20::2/"),
            vec![L3_HOST_IPV4_IN_SUBNET, L3_HOST_IPV6_IN_SUBNET]
        );
        // The length is judged, and so is the address.
        assert_eq!(
            wrong("169.254.1.17/30", "fd20::2"),
            vec![L3_HOST_IPV4_DISTINCT]
        );
        assert_eq!(
            wrong("169.254.1.19/30", "fd20::2"),
            vec![L3_HOST_IPV4_NOT_RESERVED]
        );
        assert_eq!(
            wrong("169.254.9.1/30", "fd20::2"),
            vec![L3_HOST_IPV4_IN_SUBNET]
        );
    }

    #[test]
    fn slash_31_hosts_may_be_network_and_broadcast() {
        let conn = fixtures::connection();
        let mut g = fixtures::guidance();
        g.ipv4_allowed_subnet_prefix_lengths.push(31);
        let (aws, gcp) = (fixtures::aws(), fixtures::gcp());
        let used = ChannelUsage::default();
        let ctx = L3Context {
            connection: &conn,
            guidance: &g,
            negotiator: &gcp,
            responder: &aws,
            used: &used,
        };
        let f = with(|l3| {
            l3.ipv4_subnet = Some("169.254.1.16/31".into());
            l3.ipv4_subnet_prefix_length = Some(31);
            l3.provider_bgp_configs[0].host_ipv4 = Some("169.254.1.16".into());
            l3.provider_bgp_configs[1].host_ipv4 = Some("169.254.1.17".into());
        });
        assert_eq!(validate_l3_feature(&f, &ctx), vec![]);
    }

    #[test]
    fn md5_password_rules() {
        assert_eq!(
            rules_of(&with(
                |l3| l3.md5_bgp_password = Some(Secret::new("s3cret pass"))
            )),
            Vec::<&str>::new()
        );
        // L3-46 (E-123): any characters, up to 1024 bytes
        for good in [
            "x".repeat(81),
            "tab\there".into(),
            "é".into(),
            "é".repeat(512),
        ] {
            assert_eq!(
                rules_of(&with(
                    |l3| l3.md5_bgp_password = Some(Secret::new(good.clone()))
                )),
                Vec::<&str>::new(),
                "{} bytes",
                good.len()
            );
        }
        for bad in [String::new(), "x".repeat(1025), "é".repeat(513)] {
            let v = judge(
                &with(|l3| l3.md5_bgp_password = Some(Secret::new(bad.clone()))),
                &ChannelUsage::default(),
            );
            assert_eq!(
                v.iter().map(|v| v.rule).collect::<Vec<_>>(),
                vec![L3_MD5_PASSWORD]
            );
            if bad.len() > 2 {
                assert!(
                    !v[0].message.contains(&bad),
                    "the password leaked into {}",
                    v[0].message
                );
            }
        }
    }

    #[test]
    fn every_violation_is_reported_at_once() {
        let f = with(|l3| {
            l3.vlan_id = Some(100);
            l3.mtu_bytes = Some(100);
            l3.provider_bgp_configs[1].asn = Some(0);
        });
        assert_eq!(
            rules_of(&f),
            vec![
                L3_VLAN_RESERVED,
                L3_VLAN_IN_GUIDANCE,
                L3_MTU_IN_GUIDANCE,
                L3_MTU_IPV6_MINIMUM,
                L3_ASN_VALID
            ]
        );
    }
}
