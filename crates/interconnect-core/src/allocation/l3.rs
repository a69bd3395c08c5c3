//! Choosing a complete L3 base configuration for one channel, as the
//! negotiator does after GenerateFeatureGuidance (Protocols.md, "Negotiate
//! Feature Parameters"; ConnectionCoordinatorAPI.md, "Negotiate L3
//! Parameters"):
//!
//! - VLAN: the lowest VLAN in 1025..=4094 inside both sides' VLAN ranges and
//!   unused on the channel;
//! - subnet (per family): the responder's preferred subnet when it is free and
//!   allowed, otherwise the lowest free aligned subnet of the longest prefix
//!   length both sides allow, inside an include subnet, avoiding the excludes
//!   and what the channel uses;
//! - MTU: the highest MTU both sides allow (`MTURange`: "select the highest
//!   MTU supported by both providers");
//! - ASNs: the responder's first guidance ASN and the negotiator's own;
//! - host addresses: the first two usable addresses of each subnet, the
//!   first to the responder, the second to the negotiator.
//!
//! The subnet search uses an [`IntervalSet`], so its cost grows with the
//! number of blocked ranges, not with the size of the address space.

use std::net::IpAddr;

use ipnet::IpNet;

use super::interval::{IntervalSet, net_bounds};
use crate::names::{ChannelName, ProviderName};
use crate::validation::{ChannelUsage, Family, USABLE_VLANS, host_is_usable, parse_subnet};
use crate::wire::{
    FeatureConfig, FeatureType, L3BaseConfig, L3BaseGuidance, ProviderBgpConfig, SubnetGuidance,
};

/// What the negotiator brings of its own: its ASN and the ranges its routers support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalConstraints {
    /// The negotiator's ASN.
    pub asn: u32,
    /// VLAN ranges the negotiator can use (empty: any usable VLAN).
    pub vlan_ranges: Vec<(i32, i32)>,
    /// MTU ranges the negotiator supports (empty: no limit of its own).
    pub mtu_ranges: Vec<(i32, i32)>,
    /// IPv4 prefix lengths the negotiator accepts (empty: any).
    pub ipv4_prefix_lengths: Vec<i32>,
    /// IPv6 prefix lengths the negotiator accepts (empty: any).
    pub ipv6_prefix_lengths: Vec<i32>,
    /// Whether to configure IPv6 (dual stack).
    pub ipv6: bool,
}

/// Everything an allocation is computed from.
#[derive(Debug, Clone, Copy)]
pub struct AllocationInput<'a> {
    /// The channel the feature is for.
    pub channel: &'a ChannelName,
    /// The responder's guidance for that channel.
    pub guidance: &'a L3BaseGuidance,
    /// The negotiator's own constraints.
    pub local: &'a LocalConstraints,
    /// The negotiator.
    pub negotiator: &'a ProviderName,
    /// The responder.
    pub responder: &'a ProviderName,
    /// What is already used on the channel.
    pub used: &'a ChannelUsage,
}

/// Why no configuration could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AllocationError {
    /// No VLAN is free in both sides' ranges.
    #[error("no free VLAN in 1025..=4094 inside both sides' VLAN ranges on {channel}")]
    VlanExhausted {
        /// The channel.
        channel: String,
    },
    /// No subnet of an allowed length is free inside the include subnets.
    #[error(
        "no free {family} subnet of an allowed prefix length inside the include subnets on {channel}"
    )]
    SubnetExhausted {
        /// `IPv4` or `IPv6`.
        family: &'static str,
        /// The channel.
        channel: String,
    },
    /// The two sides allow no common prefix length.
    #[error("no {family} prefix length is allowed by both sides")]
    NoCommonPrefixLength {
        /// `IPv4` or `IPv6`.
        family: &'static str,
    },
    /// The two sides' MTU ranges do not meet (or not at 1280 or above for IPv6).
    #[error("no MTU is allowed by both sides{}", if *.ipv6 { " at or above 1280 (IPv6)" } else { "" })]
    NoCommonMtu {
        /// Whether IPv6 raised the floor to 1280.
        ipv6: bool,
    },
    /// The guidance names no ASN for the responder.
    #[error("the guidance gives no ASN range for the responder")]
    NoResponderAsn,
    /// IPv6 was asked for but the guidance offers no IPv6 subnets.
    #[error("IPv6 was requested but the guidance offers no IPv6 subnet")]
    NoIpv6Guidance,
}

/// MTU used when neither side states a range.
pub const DEFAULT_MTU: i32 = 1500;

/// Chooses a complete, valid L3 configuration.
pub fn allocate_l3(input: &AllocationInput<'_>) -> Result<FeatureConfig, AllocationError> {
    let vlan = choose_vlan(input)?;
    let ipv4 = choose_subnet(input, Family::V4)?;
    let ipv6 = if input.local.ipv6 {
        if input.guidance.ipv6_subnet_guidance.is_empty() {
            return Err(AllocationError::NoIpv6Guidance);
        }
        Some(choose_subnet(input, Family::V6)?)
    } else {
        None
    };
    let mtu = choose_mtu(input)?;
    let responder_asn = input
        .guidance
        .asn_ranges
        .iter()
        .find_map(|r| r.start.filter(|s| r.stop.is_some_and(|e| *s <= e)))
        .ok_or(AllocationError::NoResponderAsn)?;
    let (r4, n4) = first_two_hosts(&ipv4);
    let hosts6 = ipv6.as_ref().map(first_two_hosts);
    let config = L3BaseConfig {
        // E-43: the masked address alone, its length in its own member
        ipv4_subnet: Some(ipv4.network().to_string()),
        ipv4_subnet_prefix_length: Some(i32::from(ipv4.prefix_len())),
        ipv6_subnet: ipv6.map(|n| n.network().to_string()),
        ipv6_subnet_prefix_length: ipv6.map(|n| i32::from(n.prefix_len())),
        mtu_bytes: Some(mtu),
        vlan_id: Some(vlan),
        provider_bgp_configs: vec![
            ProviderBgpConfig {
                provider: Some(input.responder.clone()),
                asn: Some(responder_asn),
                host_ipv4: Some(r4.to_string()),
                host_ipv6: hosts6.map(|(r, _)| r.to_string()),
            },
            ProviderBgpConfig {
                provider: Some(input.negotiator.clone()),
                asn: Some(input.local.asn),
                host_ipv4: Some(n4.to_string()),
                host_ipv6: hosts6.map(|(_, n)| n.to_string()),
            },
        ],
        md5_bgp_password: None,
    };
    Ok(FeatureConfig {
        feature_type: Some(FeatureType::L3Base),
        l3_base_config: Some(config),
    })
}

fn choose_vlan(input: &AllocationInput<'_>) -> Result<i32, AllocationError> {
    let theirs: Vec<(i32, i32)> = input
        .guidance
        .vlan_ranges
        .iter()
        .filter_map(|r| Some((r.start?, r.stop?)))
        .collect();
    let allowed = |v: i32, ranges: &[(i32, i32)]| {
        ranges.is_empty() || ranges.iter().any(|(a, b)| *a <= v && v <= *b)
    };
    USABLE_VLANS
        .clone()
        .find(|v| {
            allowed(*v, &theirs)
                && allowed(*v, &input.local.vlan_ranges)
                && !input.used.vlans.contains(v)
        })
        .ok_or_else(|| AllocationError::VlanExhausted {
            channel: input.channel.to_string(),
        })
}

fn choose_mtu(input: &AllocationInput<'_>) -> Result<i32, AllocationError> {
    let theirs: Vec<(i32, i32)> = input
        .guidance
        .mtu_ranges
        .iter()
        .filter_map(|r| Some((r.start?, r.stop?)))
        .collect();
    let floor = if input.local.ipv6 { 1280 } else { 1 };
    let best = match (theirs.is_empty(), input.local.mtu_ranges.is_empty()) {
        (true, true) => Some(DEFAULT_MTU),
        (false, true) => theirs.iter().map(|r| r.1).max(),
        (true, false) => input.local.mtu_ranges.iter().map(|r| r.1).max(),
        (false, false) => theirs
            .iter()
            .flat_map(|a| {
                input
                    .local
                    .mtu_ranges
                    .iter()
                    .map(move |b| (a.0.max(b.0), a.1.min(b.1)))
            })
            .filter(|(lo, hi)| lo <= hi)
            .map(|(_, hi)| hi)
            .max(),
    };
    best.filter(|m| *m >= floor)
        .ok_or(AllocationError::NoCommonMtu {
            ipv6: input.local.ipv6,
        })
}

fn choose_subnet(input: &AllocationInput<'_>, family: Family) -> Result<IpNet, AllocationError> {
    let (guidance, theirs, ours): (&[SubnetGuidance], &[i32], &[i32]) = match family {
        Family::V4 => (
            &input.guidance.ipv4_subnet_guidance,
            &input.guidance.ipv4_allowed_subnet_prefix_lengths,
            &input.local.ipv4_prefix_lengths,
        ),
        Family::V6 => (
            &input.guidance.ipv6_subnet_guidance,
            &input.guidance.ipv6_allowed_subnet_prefix_lengths,
            &input.local.ipv6_prefix_lengths,
        ),
    };
    let longest = i32::from(family.longest_two_host_prefix());
    let default_len = match family {
        Family::V4 => 30,
        Family::V6 => 126,
    };
    let ok_len = |l: i32| {
        (0..=longest).contains(&l)
            && (theirs.is_empty() || theirs.contains(&l))
            && (ours.is_empty() || ours.contains(&l))
    };
    let len = if theirs.is_empty() && ours.is_empty() {
        default_len
    } else {
        theirs
            .iter()
            .chain(ours.iter())
            .copied()
            .filter(|l| ok_len(*l))
            .max()
            .ok_or(AllocationError::NoCommonPrefixLength {
                family: family.label(),
            })?
    };
    let len_u8 = u8::try_from(len).map_err(|_| AllocationError::NoCommonPrefixLength {
        family: family.label(),
    })?;

    let mut blocked: Vec<(u128, u128)> = input
        .used
        .subnets
        .iter()
        .filter(|n| Family::of(n) == family)
        .map(net_bounds)
        .collect();
    for g in guidance {
        blocked.extend(
            g.exclude_subnets
                .iter()
                .filter_map(|t| parse_subnet(t, family).ok())
                .map(|n| net_bounds(&n)),
        );
    }
    let blocked = IntervalSet::from_intervals(blocked);

    // The preferred subnet first, when it is free and allowed.
    for g in guidance {
        let Some(pref) = g
            .preferred_subnet
            .as_deref()
            .and_then(|t| parse_subnet(t, family).ok())
        else {
            continue;
        };
        let Some(include) = g
            .include_subnet
            .as_deref()
            .and_then(|t| parse_subnet(t, family).ok())
        else {
            continue;
        };
        let (s, e) = net_bounds(&pref);
        if include.contains(&pref)
            && ok_len(i32::from(pref.prefix_len()))
            && !blocked.intersects(s, e)
        {
            return Ok(pref);
        }
    }
    let size: u128 = 1u128 << (u32::from(family.bits()) - u32::from(len_u8));
    let mut includes: Vec<IpNet> = guidance
        .iter()
        .filter_map(|g| {
            g.include_subnet
                .as_deref()
                .and_then(|t| parse_subnet(t, family).ok())
        })
        .collect();
    if includes.is_empty() {
        includes.push(default_include(family));
    }
    includes.sort_by_key(net_bounds);
    for include in includes {
        let (lo, hi) = net_bounds(&include);
        if let Some(start) = blocked.first_free_aligned(lo, hi, size) {
            return Ok(to_net(start, len_u8, family));
        }
    }
    Err(AllocationError::SubnetExhausted {
        family: family.label(),
        channel: input.channel.to_string(),
    })
}

/// Link-local space, used when a guidance list is empty.
fn default_include(family: Family) -> IpNet {
    match family {
        Family::V4 => IpNet::V4(
            ipnet::Ipv4Net::new(std::net::Ipv4Addr::new(169, 254, 0, 0), 16).unwrap_or_default(),
        ),
        Family::V6 => IpNet::V6(
            ipnet::Ipv6Net::new(std::net::Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10)
                .unwrap_or_default(),
        ),
    }
}

fn to_net(start: u128, len: u8, family: Family) -> IpNet {
    match family {
        Family::V4 => {
            let addr = std::net::Ipv4Addr::from(u32::try_from(start).unwrap_or(0));
            IpNet::V4(ipnet::Ipv4Net::new(addr, len).unwrap_or_default())
        }
        Family::V6 => {
            IpNet::V6(ipnet::Ipv6Net::new(std::net::Ipv6Addr::from(start), len).unwrap_or_default())
        }
    }
}

/// The first two usable host addresses of a subnet.
fn first_two_hosts(net: &IpNet) -> (IpAddr, IpAddr) {
    let mut usable = net
        .hosts()
        .chain(std::iter::once(net.broadcast()))
        .filter(|h| host_is_usable(*h, net));
    let first = usable.next().unwrap_or(net.network());
    let second = usable.next().unwrap_or(net.broadcast());
    (first, second)
}
