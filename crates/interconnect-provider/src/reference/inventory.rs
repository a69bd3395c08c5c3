//! The static resources of a reference provider: the coherence checks run
//! when it starts (ENV-1..ENV-9, OPS-3), the lookups every operation uses
//! to turn a path into a resource the caller may see (AUTH-2, AUTH-3,
//! ENV-10), and the one place capacity is read: the environment shared
//! with a partner, an interconnect's capacity and reserved bandwidth
//! (CONN-9), and the interconnect with the most room (KEY-26, NEG-2).
//!
//! Static resources are configured out of band and read-only through the API
//! (`docs/Protocols.md` "Static Resources").

use std::collections::BTreeSet;

use interconnect_core::names::{
    ChannelName, ConnectionName, EnvironmentName, InterconnectName, ProviderName,
};
use interconnect_core::validation::{
    ChannelUsage, Family, SubnetProblem, parse_subnet, validate_environment, validate_l3_guidance,
};
use interconnect_core::wire::{Channel, InterconnectState};

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::config::{
    EnvironmentInventory, InterconnectInventory, PartnerInventory, ProviderConfig,
};
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::rules;
use crate::store::State;

/// A configuration a reference provider refuses to serve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {resource}: {message}")]
pub struct InventoryError {
    /// The requirement broken.
    pub rule: &'static str,
    /// The resource at fault (its name, or the configuration member).
    pub resource: String,
    /// What is wrong.
    pub message: String,
}

pub(super) fn bad(
    rule: &'static str,
    resource: impl ToString,
    message: impl Into<String>,
) -> InventoryError {
    InventoryError {
        rule,
        resource: resource.to_string(),
        message: message.into(),
    }
}

/// Checks a whole configuration.
pub(super) fn check(config: &ProviderConfig) -> Result<(), InventoryError> {
    let own = &config.provider;
    let mut partners = BTreeSet::new();
    for partner in &config.inventory.partners {
        if &partner.provider == own {
            return Err(bad(
                rules::ENV_SITES_ARE_THE_PAIR,
                &partner.provider,
                "a server cannot be its own partner",
            ));
        }
        if !partners.insert(partner.provider.clone()) {
            return Err(bad(
                rules::ENV_SITES_ARE_THE_PAIR,
                &partner.provider,
                "partner listed twice",
            ));
        }
        let mut env_ids = BTreeSet::new();
        for env in &partner.environments {
            check_environment(own, partner, env)?;
            let name = env
                .environment
                .name
                .as_ref()
                .map(|n| n.id().to_owned())
                .unwrap_or_default();
            if !env_ids.insert(name.clone()) {
                return Err(bad(
                    rules::ENV_SITES_ARE_THE_PAIR,
                    name,
                    "environment listed twice",
                ));
            }
        }
    }
    super::agreements::check_operational(config)?;
    check_policy(config)
}

fn check_environment(
    own: &ProviderName,
    partner: &PartnerInventory,
    inv: &EnvironmentInventory,
) -> Result<(), InventoryError> {
    let env = &inv.environment;
    let Some(name) = &env.name else {
        return Err(bad(
            rules::ENV_SITES_ARE_THE_PAIR,
            &partner.provider,
            "an environment has no name",
        ));
    };
    if name.provider() != &partner.provider {
        return Err(bad(
            rules::ENV_SITES_ARE_THE_PAIR,
            name,
            format!(
                "an environment shared with {} must be named under its namespace",
                partner.provider
            ),
        ));
    }
    if let Some(v) = validate_environment(env).into_iter().next() {
        return Err(bad(v.rule, name, format!("{}: {}", v.path, v.message)));
    }
    let sites: BTreeSet<_> = env
        .provider_sites
        .iter()
        .filter_map(|s| s.provider_id.clone())
        .collect();
    if !sites.contains(own) || !sites.contains(&partner.provider) {
        return Err(bad(
            rules::ENV_SITES_ARE_THE_PAIR,
            name,
            format!("providerSites must name {own} and {}", partner.provider),
        ));
    }
    check_sizes(name, &env.supported_connection_size_mbps)?;
    if env.deferral_timeout_hours.is_some_and(|h| h < 0) {
        return Err(bad(
            rules::ENV_DEFERRAL_TIMEOUT,
            name,
            "deferralTimeoutHours is negative",
        ));
    }
    let mut ix_ids = BTreeSet::new();
    for ix in &inv.interconnects {
        let Some(ix_name) = &ix.interconnect.name else {
            return Err(bad(
                rules::ENV_SITES_ARE_THE_PAIR,
                name,
                "an interconnect has no name",
            ));
        };
        if ix_name.environment() != name || !ix_ids.insert(ix_name.id().to_owned()) {
            return Err(bad(
                rules::ENV_SITES_ARE_THE_PAIR,
                ix_name,
                format!("must be a distinct interconnect of {name}"),
            ));
        }
        check_sizes(ix_name, &ix.interconnect.supported_connection_size_mbps)?;
        for size in &env.supported_connection_size_mbps {
            if !ix
                .interconnect
                .supported_connection_size_mbps
                .contains(size)
            {
                return Err(bad(
                    rules::ENV_INTERCONNECT_OFFERS,
                    ix_name,
                    format!("does not offer the environment's size {size} Mbps"),
                ));
            }
        }
        for feature in &env.supported_features {
            if !ix.interconnect.supported_features.contains(feature) {
                return Err(bad(
                    rules::ENV_INTERCONNECT_OFFERS,
                    ix_name,
                    format!("does not offer the environment's feature {feature}"),
                ));
            }
        }
        check_channels(own, &partner.provider, ix_name, ix)?;
    }
    Ok(())
}

fn check_sizes(resource: &impl ToString, sizes: &[i32]) -> Result<(), InventoryError> {
    let mut seen = BTreeSet::new();
    for size in sizes {
        if *size <= 0 || !seen.insert(*size) {
            return Err(bad(
                rules::ENV_SIZES_DISTINCT,
                resource.to_string(),
                format!("size {size} Mbps is not positive or is repeated"),
            ));
        }
    }
    Ok(())
}

fn check_channels(
    own: &ProviderName,
    partner: &ProviderName,
    ix_name: &InterconnectName,
    ix: &InterconnectInventory,
) -> Result<(), InventoryError> {
    let mut ids = BTreeSet::new();
    let mut devices = BTreeSet::new();
    let mut smallest_mbps: Option<i64> = None;
    for ch in &ix.channels {
        let Some(ch_name) = &ch.name else {
            return Err(bad(
                rules::ENV_SITES_ARE_THE_PAIR,
                ix_name,
                "a channel has no name",
            ));
        };
        if ch_name.interconnect() != ix_name || !ids.insert(ch_name.id().to_owned()) {
            return Err(bad(
                rules::ENV_SITES_ARE_THE_PAIR,
                ch_name,
                format!("must be a distinct channel of {ix_name}"),
            ));
        }
        for (member, value) in [
            ("macsecManagerProvider", &ch.macsec_manager_provider),
            (
                "crossConnectManagerProvider",
                &ch.cross_connect_manager_provider,
            ),
        ] {
            match value {
                Some(m) if m == own || m == partner => {}
                None if member == "crossConnectManagerProvider" => {}
                _ => {
                    return Err(bad(
                        rules::ENV_CHANNEL_MANAGERS,
                        ch_name,
                        format!("{member} must be {own} or {partner}"),
                    ));
                }
            }
        }
        match (ch.channel_member_size_gbps, ch.aggregate_channel_size_gbps) {
            (Some(member), _) if member <= 0 => {
                return Err(bad(
                    rules::ENV_CHANNEL_SIZES,
                    ch_name,
                    "channelMemberSizeGbps must be positive",
                ));
            }
            (_, Some(aggregate)) if aggregate <= 0 => {
                return Err(bad(
                    rules::ENV_CHANNEL_SIZES,
                    ch_name,
                    "aggregateChannelSizeGbps must be positive",
                ));
            }
            (Some(member), Some(aggregate)) if aggregate % member != 0 => {
                return Err(bad(
                    rules::ENV_CHANNEL_SIZES,
                    ch_name,
                    format!(
                        "aggregateChannelSizeGbps {aggregate} is not a whole multiple of channelMemberSizeGbps {member}"
                    ),
                ));
            }
            _ => {}
        }
        if let Some(device) = &ch.obfuscated_device_id
            && !devices.insert(device.clone())
        {
            return Err(bad(
                rules::OPS_DISTINCT_DEVICES,
                ch_name,
                "shares its obfuscatedDeviceId with another channel of the interconnect",
            ));
        }
        if let Some(gbps) = ch.aggregate_channel_size_gbps {
            let mbps = i64::from(gbps) * 1000;
            smallest_mbps = Some(smallest_mbps.map_or(mbps, |s| s.min(mbps)));
        }
    }
    match ix.interconnect.max_bandwidth_mbps {
        Some(max) if max > 0 => {
            if smallest_mbps.is_some_and(|s| i64::from(max) > s) {
                return Err(bad(
                    rules::ENV_MAX_BANDWIDTH,
                    ix_name,
                    "maxBandwidthMbps exceeds the capacity of its smallest channel",
                ));
            }
        }
        _ => {
            return Err(bad(
                rules::ENV_MAX_BANDWIDTH,
                ix_name,
                "maxBandwidthMbps must be present and positive",
            ));
        }
    }
    Ok(())
}

/// A subnet problem in words (never Rust's `Debug` form).
fn subnet_problem_text(problem: &SubnetProblem) -> String {
    problem.to_string()
}

fn check_policy(config: &ProviderConfig) -> Result<(), InventoryError> {
    let g = &config.guidance;
    for (pools, family) in [(&g.ipv4_pools, Family::V4), (&g.ipv6_pools, Family::V6)] {
        for pool in pools {
            parse_subnet(pool, family).map_err(|e| {
                bad(
                    rules::GUIDE_POLICY,
                    "guidance.pools",
                    format!("{pool}: {}", subnet_problem_text(&e)),
                )
            })?;
        }
    }
    if g.ipv4_pools.is_empty() {
        return Err(bad(
            rules::GUIDE_POLICY,
            "guidance.ipv4Pools",
            "at least one IPv4 pool is required",
        ));
    }
    for (lengths, max) in [(&g.ipv4_prefix_lengths, 31), (&g.ipv6_prefix_lengths, 127)] {
        if lengths.iter().any(|l| *l < 1 || *l > max) {
            return Err(bad(
                rules::GUIDE_POLICY,
                "guidance.prefixLengths",
                format!("prefix lengths must be 1..={max}"),
            ));
        }
    }
    if g.ipv4_prefix_lengths.is_empty() {
        return Err(bad(
            rules::GUIDE_POLICY,
            "guidance.ipv4PrefixLengths",
            "at least one IPv4 prefix length is required",
        ));
    }
    if g.vlan_ranges.is_empty()
        || g.vlan_ranges
            .iter()
            .any(|(a, b)| *a < 1025 || *b > 4094 || a > b)
    {
        return Err(bad(
            rules::GUIDE_POLICY,
            "guidance.vlanRanges",
            "VLAN ranges must be ordered and inside 1025..=4094",
        ));
    }
    if g.mtu_ranges.is_empty() || g.mtu_ranges.iter().any(|(a, b)| *a < 68 || a > b) {
        return Err(bad(
            rules::GUIDE_POLICY,
            "guidance.mtuRanges",
            "MTU ranges must be ordered and at least 68",
        ));
    }
    if g.asn == 0 || g.asn == 23456 || g.asn == u32::MAX {
        return Err(bad(
            rules::GUIDE_POLICY,
            "guidance.asn",
            "the ASN is reserved",
        ));
    }
    // Every allowed length must fit inside a pool of its family (GUIDE-13),
    // so the lengths offered can be used at all.
    for (pools, lengths, family) in [
        (&g.ipv4_pools, &g.ipv4_prefix_lengths, Family::V4),
        (&g.ipv6_pools, &g.ipv6_prefix_lengths, Family::V6),
    ] {
        for len in lengths {
            let fits = pools.iter().any(|pool| {
                parse_subnet(pool, family)
                    .is_ok_and(|net| i64::from(net.prefix_len()) <= i64::from(*len))
            });
            if !fits {
                return Err(bad(
                    rules::GUIDE_POLICY,
                    "guidance.prefixLengths",
                    format!("/{len} fits inside no {} pool", family.label()),
                ));
            }
        }
    }
    // The guidance the policy yields on an unused channel must itself be
    // coherent (GUIDE-4..GUIDE-14), or no negotiator could follow it.
    let guidance = super::guidance::l3_base_guidance(g, &ChannelUsage::default());
    if let Some(v) = validate_l3_guidance(&guidance, "guidance")
        .into_iter()
        .next()
    {
        return Err(bad(
            rules::GUIDE_POLICY,
            v.path,
            format!("the guidance it yields breaks {}: {}", v.rule, v.message),
        ));
    }
    Ok(())
}

impl ReferenceProvider {
    /// The partner namespace `provider`, after checking the caller may act
    /// as it (AUTH-2). The server's own namespace holds nothing a partner may
    /// use: a caller cannot act as the server.
    pub(crate) fn partner(
        &self,
        caller: &Caller,
        provider: &ProviderName,
    ) -> CoordinatorResult<&PartnerInventory> {
        caller.authorize(provider)?;
        self.config
            .inventory
            .partners
            .iter()
            .find(|p| &p.provider == provider)
            .ok_or_else(|| {
                CoordinatorError::not_found(
                    rules::ENV_NOT_FOUND,
                    format!("{provider} is not a partner of this server"),
                )
            })
    }

    /// An environment the caller may see (AUTH-2, ENV-10).
    pub(crate) fn environment(
        &self,
        caller: &Caller,
        name: &EnvironmentName,
    ) -> CoordinatorResult<&EnvironmentInventory> {
        self.partner(caller, name.provider())?
            .environments
            .iter()
            .find(|e| e.environment.name.as_ref() == Some(name))
            .ok_or_else(|| {
                CoordinatorError::not_found(rules::ENV_NOT_FOUND, format!("{name} does not exist"))
            })
    }

    /// An interconnect the caller may see (AUTH-2, ENV-10).
    pub(crate) fn interconnect(
        &self,
        caller: &Caller,
        name: &InterconnectName,
    ) -> CoordinatorResult<&InterconnectInventory> {
        self.environment(caller, name.environment())?
            .interconnects
            .iter()
            .find(|i| i.interconnect.name.as_ref() == Some(name))
            .ok_or_else(|| {
                CoordinatorError::not_found(rules::ENV_NOT_FOUND, format!("{name} does not exist"))
            })
    }

    /// A channel the caller may see (AUTH-2, ENV-10).
    pub(crate) fn channel(
        &self,
        caller: &Caller,
        name: &ChannelName,
    ) -> CoordinatorResult<&Channel> {
        self.interconnect(caller, name.interconnect())?
            .channels
            .iter()
            .find(|c| c.name.as_ref() == Some(name))
            .ok_or_else(|| {
                CoordinatorError::not_found(rules::ENV_NOT_FOUND, format!("{name} does not exist"))
            })
    }

    /// The environment `name` as shared with its partner, if configured.
    pub(crate) fn shared_environment(
        &self,
        name: &EnvironmentName,
    ) -> Option<&EnvironmentInventory> {
        self.config
            .inventory
            .partners
            .iter()
            .filter(|p| &p.provider == name.provider())
            .flat_map(|p| p.environments.iter())
            .find(|e| e.environment.name.as_ref() == Some(name))
    }

    /// The active interconnect of `env` that offers `mbps`, has room for it
    /// and has the most free bandwidth, leaving out `refused` (NEG-2, NEG-3);
    /// `None` when none has room, which refuses a key before it is issued or
    /// accepted (KEY-26).
    pub(crate) fn most_free_interconnect(
        &self,
        state: &State,
        env: &EnvironmentInventory,
        mbps: i32,
        refused: &[InterconnectName],
    ) -> Option<InterconnectName> {
        env.interconnects
            .iter()
            .filter(|ix| ix.interconnect.state == Some(InterconnectState::Active))
            .filter(|ix| {
                ix.interconnect
                    .supported_connection_size_mbps
                    .contains(&mbps)
            })
            .filter_map(|ix| {
                let name = ix.interconnect.name.clone()?;
                if refused.contains(&name) {
                    return None;
                }
                let free = capacity_mbps(self, ix)? - reserved_mbps(state, &name, None);
                (free >= i64::from(mbps)).then_some((free, name))
            })
            // most free first; ties go to the first name
            .max_by(|(fa, na), (fb, nb)| fa.cmp(fb).then(nb.cmp(na)))
            .map(|(_, name)| name)
    }
}

/// The bandwidth reserved on `interconnect` by its connections, leaving out
/// `except` (CONN-9): the running total the store keeps
/// ([`Connections::reserved_mbps`](crate::store::Connections::reserved_mbps)).
pub(crate) fn reserved_mbps(
    state: &State,
    interconnect: &InterconnectName,
    except: Option<&ConnectionName>,
) -> i64 {
    let excepted = except
        .filter(|name| name.interconnect() == interconnect)
        .and_then(|name| state.connections.get(name))
        .and_then(|r| r.connection.bandwidth_mbps)
        .map_or(0, i64::from);
    state.connections.reserved_mbps(interconnect) - excepted
}

/// What the interconnect can carry in total now: `maxBandwidthMbps`,
/// lowered by a local limit of the backend; `None` while the local devices
/// take no new work.
pub(crate) fn capacity_mbps(p: &ReferenceProvider, ix: &InterconnectInventory) -> Option<i64> {
    let name = ix.interconnect.name.as_ref()?;
    let local = p.backend.local_availability(name);
    if !local.accepting {
        return None;
    }
    let max = ix
        .interconnect
        .max_bandwidth_mbps
        .map(i64::from)
        .unwrap_or(0);
    Some(local.capacity_mbps.map_or(max, |cap| cap.min(max)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProviderConfig;

    fn p(id: &str) -> ProviderName {
        ProviderName::new(id).expect("valid")
    }

    fn config() -> ProviderConfig {
        ProviderConfig::default_pair(&p("aws"), &p("gcp"), 64512).expect("default config")
    }

    /// A change that makes a configuration incoherent.
    type Breakage = Box<dyn Fn(&mut ProviderConfig)>;

    fn first_ix(c: &mut ProviderConfig) -> &mut InterconnectInventory {
        &mut c.inventory.partners[0].environments[0].interconnects[0]
    }

    #[test]
    fn the_default_configuration_is_coherent() {
        assert_eq!(check(&config()), Ok(()));
    }

    #[test]
    fn each_incoherence_is_refused_with_its_rule() {
        let cases: Vec<(&str, Breakage)> = vec![
            (
                rules::ENV_SITES_ARE_THE_PAIR,
                Box::new(|c| c.inventory.partners[0].provider = p("aws")),
            ),
            (
                "ENV-1",
                Box::new(|c| {
                    c.inventory.partners[0].environments[0]
                        .environment
                        .provider_sites
                        .pop();
                }),
            ),
            (
                rules::ENV_SITES_ARE_THE_PAIR,
                Box::new(|c| {
                    c.inventory.partners[0].environments[0]
                        .environment
                        .provider_sites[0]
                        .provider_id = Some(p("azure"))
                }),
            ),
            (
                rules::ENV_INTERCONNECT_OFFERS,
                Box::new(|c| {
                    first_ix(c)
                        .interconnect
                        .supported_connection_size_mbps
                        .retain(|s| *s != 500);
                }),
            ),
            (
                rules::ENV_SIZES_DISTINCT,
                Box::new(|c| {
                    c.inventory.partners[0].environments[0]
                        .environment
                        .supported_connection_size_mbps
                        .push(500)
                }),
            ),
            (
                rules::ENV_DEFERRAL_TIMEOUT,
                Box::new(|c| {
                    c.inventory.partners[0].environments[0]
                        .environment
                        .deferral_timeout_hours = Some(-1)
                }),
            ),
            (
                rules::ENV_MAX_BANDWIDTH,
                Box::new(|c| first_ix(c).interconnect.max_bandwidth_mbps = Some(0)),
            ),
            (
                rules::ENV_MAX_BANDWIDTH,
                Box::new(|c| first_ix(c).interconnect.max_bandwidth_mbps = Some(100_001)),
            ),
            (
                rules::OPS_DISTINCT_DEVICES,
                Box::new(|c| {
                    let d = first_ix(c).channels[0].obfuscated_device_id.clone();
                    first_ix(c).channels[1].obfuscated_device_id = d;
                }),
            ),
            (
                rules::ENV_CHANNEL_MANAGERS,
                Box::new(|c| first_ix(c).channels[0].macsec_manager_provider = Some(p("azure"))),
            ),
            (
                rules::ENV_CHANNEL_MANAGERS,
                Box::new(|c| first_ix(c).channels[1].macsec_manager_provider = None),
            ),
            (
                rules::ENV_CHANNEL_MANAGERS,
                Box::new(|c| {
                    first_ix(c).channels[2].cross_connect_manager_provider = Some(p("oci"))
                }),
            ),
            (
                rules::ENV_CHANNEL_SIZES,
                Box::new(|c| first_ix(c).channels[0].channel_member_size_gbps = Some(0)),
            ),
            (
                rules::ENV_CHANNEL_SIZES,
                Box::new(|c| first_ix(c).channels[0].channel_member_size_gbps = Some(40)),
            ),
            (
                rules::GUIDE_POLICY,
                Box::new(|c| c.guidance.vlan_ranges = vec![(1000, 2000)]),
            ),
            (rules::GUIDE_POLICY, Box::new(|c| c.guidance.asn = 23456)),
            (
                rules::GUIDE_POLICY,
                Box::new(|c| c.guidance.ipv4_pools = vec!["169.254.0.1/16".into()]),
            ),
            (
                rules::GUIDE_POLICY,
                Box::new(|c| c.guidance.ipv6_pools = vec![]),
            ),
            (
                rules::GUIDE_POLICY,
                Box::new(|c| c.guidance.ipv4_prefix_lengths = vec![8, 30]),
            ),
            (
                rules::GUIDE_POLICY,
                Box::new(|c| c.guidance.mtu_ranges = vec![(1280, 8896), (8000, 9000)]),
            ),
            (
                rules::GUIDE_POLICY,
                Box::new(|c| c.guidance.max_received_bgp_route_prefixes = Some(0)),
            ),
        ];
        for (i, (rule, break_it)) in cases.iter().enumerate() {
            let mut c = config();
            break_it(&mut c);
            let Err(err) = check(&c) else {
                panic!("case {i} must be refused");
            };
            assert_eq!(err.rule, *rule, "case {i}: {err}");
        }
    }

    /// Issue 19 item 4: a subnet problem is told in words, not in Rust's
    /// `Debug` form (`HostBitsSet(..)`).
    #[test]
    fn a_bad_pool_is_told_in_words() {
        let mut c = config();
        c.guidance.ipv4_pools = vec!["169.254.0.1/16".into()];
        let Err(err) = check(&c) else {
            panic!("a pool with host bits is refused");
        };
        let text = err.to_string();
        assert!(
            text.contains("host bits are set; the network is 169.254.0.0/16"),
            "{text}"
        );
        assert!(!text.contains("HostBitsSet"), "{text}");
    }
}
