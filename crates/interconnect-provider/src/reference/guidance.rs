//! `GenerateFeatureGuidance` (`paths/connections.yaml`; `schemas/connection.yaml`
//! `FeatureGuidance`, `L3BaseGuidance`, `SubnetGuidance`): what this server
//! accepts for the features of a connection, one entry per channel of the
//! connection's interconnect (GUIDE-1), built from the server's
//! [`GuidancePolicy`] and the current use of each channel.
//!
//! - Every entry is an L3 base entry with its `l3BaseGuidance` (GUIDE-3) and
//!   the channel's `adminState`, disabled channels included (GUIDE-2, E-66).
//! - `asnRanges` is the single range `[asn, asn]` of the server's ASN (GUIDE-16).
//! - Each pool is an `includeSubnet` whose `excludeSubnets` are the subnets
//!   features already use on the channel; VLAN ranges are not filtered for
//!   VLANs in use (GUIDE-15, `VLANRange` description, E-42).
//! - `preferredSubnet` is the lowest free block of the longest allowed prefix
//!   length, when one is free (a preference only, GUIDE-19).
//! - Nothing is cached or reserved: each call reads the current state (GUIDE-17).
//!
//! [`CreateFeature`](super::features) judges proposals against the same
//! guidance, regenerated inside its store transaction.

use interconnect_core::allocation::{IntervalSet, net_bounds};
use interconnect_core::names::{ChannelName, ConnectionName};
use interconnect_core::validation::{ChannelUsage, Family, parse_subnet, within};
use interconnect_core::wire::{
    self, AdminState, AsnRange, Channel, FeatureGuidance, FeatureType, L3BaseGuidance, MtuRange,
    SubnetGuidance, VlanRange,
};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::config::GuidancePolicy;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;
use crate::rules;
use crate::store::{State, StoreExt};

pub(super) fn generate_feature_guidance(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::GenerateFeatureGuidance,
) -> CoordinatorResult<wire::GenerateFeatureGuidanceResponse> {
    let ix = p.interconnect(caller, request.name.interconnect())?;
    let mut channels: Vec<&Channel> = ix.channels.iter().collect();
    channels.sort_by_key(|c| c.name.as_ref().map(ToString::to_string));
    let policy = &p.config.guidance;
    let feature_guidance = p
        .store
        .view(|state| {
            connection_exists(state, &request.name)?;
            Ok(channels
                .iter()
                .filter_map(|channel| {
                    let name = channel.name.as_ref()?;
                    Some(feature_guidance(
                        channel,
                        policy,
                        &channel_usage(state, name),
                    ))
                })
                .collect())
        })
        .ok_or_else(|| CoordinatorError::internal("GUIDE-17", "the store answered no view"))??;
    Ok(wire::GenerateFeatureGuidanceResponse { feature_guidance })
}

/// 404 when the connection is not in the store (GUIDE-18).
fn connection_exists(state: &State, name: &ConnectionName) -> CoordinatorResult<()> {
    if state.connections.contains_key(name) {
        Ok(())
    } else {
        Err(CoordinatorError::not_found(
            rules::GUIDE_CONNECTION_EXISTS,
            format!("{name} does not exist"),
        ))
    }
}

/// What the features on `channel` use now, whatever their connection.
pub(crate) fn channel_usage(state: &State, channel: &ChannelName) -> ChannelUsage {
    // kept per channel by the store's index, not a walk of the interconnect
    state.features.usage_on_channel(channel).clone()
}

/// The guidance entry of one channel.
pub(crate) fn feature_guidance(
    channel: &Channel,
    policy: &GuidancePolicy,
    usage: &ChannelUsage,
) -> FeatureGuidance {
    FeatureGuidance {
        feature_type: Some(FeatureType::L3Base),
        channel: channel.name.clone(),
        channel_admin_state: Some(channel.admin_state.clone().unwrap_or(AdminState::Enabled)),
        l3_base_guidance: Some(l3_base_guidance(policy, usage)),
    }
}

/// The L3 base guidance of `policy` for a channel whose features use `usage`.
pub(crate) fn l3_base_guidance(policy: &GuidancePolicy, usage: &ChannelUsage) -> L3BaseGuidance {
    L3BaseGuidance {
        asn_ranges: vec![AsnRange {
            start: Some(policy.asn),
            stop: Some(policy.asn),
        }],
        ipv4_subnet_guidance: subnet_guidance(
            &policy.ipv4_pools,
            Family::V4,
            &policy.ipv4_prefix_lengths,
            usage,
        ),
        ipv6_subnet_guidance: subnet_guidance(
            &policy.ipv6_pools,
            Family::V6,
            &policy.ipv6_prefix_lengths,
            usage,
        ),
        ipv4_allowed_subnet_prefix_lengths: policy.ipv4_prefix_lengths.clone(),
        ipv6_allowed_subnet_prefix_lengths: policy.ipv6_prefix_lengths.clone(),
        vlan_ranges: policy
            .vlan_ranges
            .iter()
            .map(|(start, stop)| VlanRange {
                start: Some(*start),
                stop: Some(*stop),
            })
            .collect(),
        mtu_ranges: policy
            .mtu_ranges
            .iter()
            .map(|(start, stop)| MtuRange {
                start: Some(*start),
                stop: Some(*stop),
            })
            .collect(),
        // Required on upstream main: always served; no limit of our own is
        // the largest value the member can hold (E-162).
        max_received_bgp_route_prefixes: Some(
            policy.max_received_bgp_route_prefixes.unwrap_or(i32::MAX),
        ),
        max_received_bgp_route_prefixes_ipv6: policy.max_received_bgp_route_prefixes_ipv6,
    }
}

fn subnet_guidance(
    pools: &[String],
    family: Family,
    allowed: &[i32],
    usage: &ChannelUsage,
) -> Vec<SubnetGuidance> {
    let longest = allowed
        .iter()
        .filter_map(|l| u8::try_from(*l).ok())
        .filter(|l| *l <= family.bits())
        .max();
    pools
        .iter()
        .filter_map(|text| parse_subnet(text, family).ok())
        .map(|pool| {
            let excluded: Vec<IpNet> = usage
                .subnets
                .iter()
                .filter(|used| Family::of(used) == family && within(used, &pool))
                .copied()
                .collect();
            SubnetGuidance {
                include_subnet: Some(pool.to_string()),
                exclude_subnets: excluded.iter().map(ToString::to_string).collect(),
                preferred_subnet: longest
                    .and_then(|len| lowest_free(&pool, len, &excluded))
                    .map(|net| net.to_string()),
            }
        })
        .collect()
}

/// The lowest block of prefix length `len` inside `pool` that overlaps none
/// of `excluded`.
fn lowest_free(pool: &IpNet, len: u8, excluded: &[IpNet]) -> Option<IpNet> {
    if len < pool.prefix_len() {
        return None;
    }
    let family = Family::of(pool);
    let size = 1u128.checked_shl(u32::from(family.bits() - len))?;
    let blocked = IntervalSet::from_intervals(excluded.iter().map(net_bounds).collect());
    let (lo, hi) = net_bounds(pool);
    let start = blocked.first_free_aligned(lo, hi, size)?;
    match family {
        Family::V4 => Ipv4Net::new(u32::try_from(start).ok()?.into(), len)
            .ok()
            .map(IpNet::V4),
        Family::V6 => Ipv6Net::new(start.into(), len).ok().map(IpNet::V6),
    }
}

#[cfg(test)]
mod tests {
    use interconnect_core::validation::validate_l3_guidance;
    use interconnect_core::wire::L3BaseConfig;

    use super::*;

    fn net(text: &str) -> IpNet {
        text.parse().expect("test subnet")
    }

    fn used(subnets: &[&str], vlans: &[i32]) -> ChannelUsage {
        ChannelUsage {
            vlans: vlans.to_vec(),
            subnets: subnets.iter().map(|s| net(s)).collect(),
        }
    }

    #[test]
    fn the_asn_range_is_the_servers_own_asn() {
        let g = l3_base_guidance(&GuidancePolicy::typical(64512), &ChannelUsage::default());
        assert_eq!(
            g.asn_ranges,
            vec![AsnRange {
                start: Some(64512),
                stop: Some(64512)
            }],
            "GUIDE-16"
        );
    }

    #[test]
    fn used_subnets_are_excluded_and_vlans_are_not_filtered() {
        let policy = GuidancePolicy::typical(64512);
        let usage = used(&["169.254.0.0/30", "fd20:1234::/127"], &[1100]);
        let g = l3_base_guidance(&policy, &usage);
        assert_eq!(
            g.ipv4_subnet_guidance[0].exclude_subnets,
            vec!["169.254.0.0/30"],
            "GUIDE-15: IPv4 in use excluded"
        );
        assert_eq!(
            g.ipv6_subnet_guidance[0].exclude_subnets,
            vec!["fd20:1234::/127"],
            "GUIDE-15: IPv6 in use excluded"
        );
        assert_eq!(
            g.vlan_ranges,
            vec![VlanRange {
                start: Some(1025),
                stop: Some(4094)
            }],
            "GUIDE-15, E-42: VLAN ranges are not filtered"
        );
        assert_eq!(
            g.ipv4_subnet_guidance[0].preferred_subnet.as_deref(),
            Some("169.254.0.4/30"),
            "the preferred subnet skips the used one"
        );
        assert_eq!(
            g.ipv6_subnet_guidance[0].preferred_subnet.as_deref(),
            Some("fd20:1234::2/127")
        );
        assert_eq!(validate_l3_guidance(&g, "g"), vec![], "GUIDE-4..GUIDE-14");
    }

    #[test]
    fn a_full_pool_has_no_preferred_subnet_and_foreign_subnets_are_not_listed() {
        let mut policy = GuidancePolicy::typical(64512);
        policy.ipv4_pools = vec!["169.254.7.0/30".into()];
        let usage = used(&["169.254.7.0/30", "10.0.0.0/30"], &[]);
        let g = l3_base_guidance(&policy, &usage);
        assert_eq!(g.ipv4_subnet_guidance[0].preferred_subnet, None);
        assert_eq!(
            g.ipv4_subnet_guidance[0].exclude_subnets,
            vec!["169.254.7.0/30"],
            "GUIDE-10: only subnets inside the pool"
        );
    }

    #[test]
    fn usage_is_read_from_the_features_of_the_channel_only() {
        let mut state = State::default();
        let ch1: ChannelName = "providers/gcp/environments/e/interconnects/ix1/channels/ch1"
            .parse()
            .expect("valid");
        let ch2 = ch1.interconnect().channel("ch2").expect("valid");
        let conn = ch1.interconnect().connection("c").expect("valid");
        for (id, ch, subnet) in [("f1", &ch1, "169.254.0.8"), ("f2", &ch2, "169.254.0.12")] {
            let name = conn.feature(id).expect("valid");
            state.features.insert(
                name.clone(),
                crate::store::FeatureRecord {
                    feature: wire::Feature {
                        name: Some(name),
                        channel: Some(ch.clone()),
                        feature_config: Some(wire::FeatureConfig {
                            feature_type: Some(FeatureType::L3Base),
                            l3_base_config: Some(L3BaseConfig {
                                ipv4_subnet: Some(subnet.into()),
                                ipv4_subnet_prefix_length: Some(30),
                                vlan_id: Some(1100),
                                ..L3BaseConfig::default()
                            }),
                        }),
                        provisioning_state: None,
                        updatable: None,
                    },
                    created_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
                },
            );
        }
        assert_eq!(
            channel_usage(&state, &ch1),
            used(&["169.254.0.8/30"], &[1100]),
            "GUIDE-15: the channel's own features only"
        );
    }
}
