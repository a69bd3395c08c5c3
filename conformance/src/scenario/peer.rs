//! The runner's embedded peer: what a real peer of the target would send
//! (`docs/Protocols.md` "Negotiate Feature Parameters": the negotiator
//! chooses a complete configuration inside the responder's guidance;
//! "MACsec": the manager creates keys).

use interconnect_core::allocation::{AllocationInput, LocalConstraints, allocate_l3};
use interconnect_core::names::{ChannelName, ConnectionName, ProviderName};
use interconnect_core::validation::ChannelUsage;
use interconnect_core::wire;
use interconnect_provider::{Caller, ConnectionCoordinator, PageRequest, request};
use serde_json::Value;

use super::model::Deviation;

/// The peer's own ASN in its proposals.
pub const PEER_ASN: u32 = 16550;

/// The runner's peer: the partner identity with its local constraints.
#[derive(Debug, Clone)]
pub struct EmbeddedPeer {
    identity: ProviderName,
    local: LocalConstraints,
}

impl EmbeddedPeer {
    /// A peer acting as `identity` with ASN [`PEER_ASN`], VLANs
    /// 1025..=4094, MTU 1280..=8896, IPv4 only.
    pub fn new(identity: ProviderName) -> Self {
        EmbeddedPeer {
            identity,
            local: LocalConstraints {
                asn: PEER_ASN,
                vlan_ranges: vec![(1025, 4094)],
                mtu_ranges: vec![(1280, 8896)],
                ipv4_prefix_lengths: vec![],
                ipv6_prefix_lengths: vec![],
                ipv6: false,
            },
        }
    }

    /// A complete L3 feature for `channel` of `connection`, chosen from the
    /// target's guidance and avoiding what the connection's features use;
    /// with `ipv6`, IPv6 is configured too (an error starting `skip: ` when
    /// the guidance offers no IPv6 subnet).
    #[allow(clippy::too_many_arguments)]
    pub async fn feature_proposal<C: ConnectionCoordinator + ?Sized>(
        &self,
        coordinator: &C,
        caller: &Caller,
        server: &ProviderName,
        connection: &ConnectionName,
        channel: &ChannelName,
        deviate: Option<Deviation>,
        ipv6: bool,
    ) -> Result<Value, String> {
        let guidance = coordinator
            .generate_feature_guidance(
                caller,
                request::GenerateFeatureGuidance {
                    name: connection.clone(),
                    body: wire::GenerateFeatureGuidanceRequest {},
                },
            )
            .await
            .map_err(|e| format!("GenerateFeatureGuidance: {e}"))?;
        let l3 = guidance
            .feature_guidance
            .iter()
            .find(|g| g.channel.as_ref() == Some(channel))
            .and_then(|g| g.l3_base_guidance.as_ref())
            .ok_or_else(|| format!("the guidance has no L3 entry for {channel}"))?;
        let features = coordinator
            .list_features(
                caller,
                request::ListFeatures {
                    parent: connection.clone(),
                    page: PageRequest {
                        page_size: Some(1000),
                        page_token: None,
                    },
                },
            )
            .await
            .map_err(|e| format!("ListFeatures: {e}"))?;
        let mut used = ChannelUsage::default();
        for f in features
            .features
            .iter()
            .filter(|f| f.channel.as_ref() == Some(channel))
        {
            if let Some(c) = f
                .feature_config
                .as_ref()
                .and_then(|c| c.l3_base_config.as_ref())
            {
                used.add(c);
            }
        }
        if ipv6 && l3.ipv6_subnet_guidance.is_empty() {
            return Err("skip: the target's guidance offers no IPv6 subnet".to_owned());
        }
        let local = LocalConstraints {
            ipv6,
            ..self.local.clone()
        };
        let config = allocate_l3(&AllocationInput {
            channel,
            guidance: l3,
            local: &local,
            negotiator: &self.identity,
            responder: server,
            used: &used,
        })
        .map_err(|e| format!("allocation: {e}"))?;
        // upstream main requires `md5BgpPassword` (L3BaseConfig `required`)
        let mut config = config;
        if let Some(l3) = config.l3_base_config.as_mut() {
            l3.md5_bgp_password.get_or_insert_with(|| {
                wire::Secret::new(uuid::Uuid::new_v4().simple().to_string())
            });
        }
        let config = match deviate {
            None => config,
            Some(d) => deviation(config, l3, server, d)?,
        };
        let feature = wire::Feature {
            name: None,
            channel: Some(channel.clone()),
            feature_config: Some(config),
            provisioning_state: None,
            updatable: None,
        };
        serde_json::to_value(feature).map_err(|e| format!("feature: {e}"))
    }

    /// A fresh MACsec key body with a random 16-octet CAK and CKN.
    pub fn mac_sec_key(&self) -> Value {
        serde_json::json!({
            "cak": uuid::Uuid::new_v4().simple().to_string(),
            "ckn": uuid::Uuid::new_v4().simple().to_string(),
        })
    }
}

/// `config` with exactly one departure from `guidance` (see [`Deviation`]).
fn deviation(
    mut config: wire::FeatureConfig,
    guidance: &wire::L3BaseGuidance,
    server: &ProviderName,
    deviate: Deviation,
) -> Result<wire::FeatureConfig, String> {
    let l3 = config
        .l3_base_config
        .as_mut()
        .ok_or("the allocation has no L3 configuration")?;
    match deviate {
        Deviation::AsnOutsideGuidance => {
            let inside = |asn: u32| {
                guidance
                    .asn_ranges
                    .iter()
                    .any(|r| r.start.is_some_and(|s| s <= asn) && r.stop.is_some_and(|e| asn <= e))
            };
            // Private 4-byte ASNs (RFC 6996), never reserved: the only rule
            // the choice breaks is the guidance's ranges.
            let asn = (4_200_000_000u32..4_294_967_294)
                .step_by(7919)
                .find(|a| !inside(*a))
                .ok_or("every private ASN lies inside the guidance")?;
            let own = l3
                .provider_bgp_configs
                .iter_mut()
                .find(|c| c.provider.as_ref() == Some(server))
                .ok_or("the allocation has no BGP entry for the server")?;
            own.asn = Some(asn);
        }
        Deviation::PrefixLengthNotAllowed => {
            let subnet = allocated_ipv4_subnet(l3)?;
            let pools: Vec<ipnet::Ipv4Net> = guidance
                .ipv4_subnet_guidance
                .iter()
                .filter_map(|g| g.include_subnet.as_deref()?.parse().ok())
                .collect();
            let pool = pools
                .iter()
                .find(|p| p.contains(&subnet))
                .ok_or("the allocated subnet lies in no include subnet")?;
            // A shorter length (a wider subnet) still holds both hosts.
            let wider = (pool.prefix_len()..subnet.prefix_len())
                .rev()
                .find(|len| {
                    !guidance
                        .ipv4_allowed_subnet_prefix_lengths
                        .contains(&i32::from(*len))
                })
                .ok_or(
                    "skip: the guidance allows every length between its pool and the allocation",
                )?;
            let net = ipnet::Ipv4Net::new(subnet.network(), wider)
                .map_err(|e| format!("the wider subnet: {e}"))?
                .trunc();
            l3.ipv4_subnet = Some(net.network().to_string());
            l3.ipv4_subnet_prefix_length = Some(i32::from(wider));
        }
        Deviation::SubnetExcluded => {
            let subnet = allocated_ipv4_subnet(l3)?;
            let len = subnet.prefix_len();
            // The first block of the allocation's length inside an excluded
            // subnet of the pool the allocation came from; the hosts keep
            // their offsets, so nothing but the exclusion is broken.
            let target = guidance
                .ipv4_subnet_guidance
                .iter()
                .filter(|g| {
                    g.include_subnet
                        .as_deref()
                        .and_then(|p| p.parse::<ipnet::Ipv4Net>().ok())
                        .is_some_and(|p| p.contains(&subnet))
                })
                .flat_map(|g| g.exclude_subnets.iter())
                .filter_map(|e| e.parse::<ipnet::Ipv4Net>().ok())
                // inside a wider exclusion, or the block holding a narrower one
                .find_map(|e| {
                    ipnet::Ipv4Net::new(e.network(), len)
                        .ok()
                        .map(|n| n.trunc())
                })
                .ok_or("skip: the guidance excludes no IPv4 subnet in the allocation's pool")?;
            move_subnet(l3, &subnet, &target);
        }
        Deviation::SubnetOutsideGuidance => {
            let subnet = allocated_ipv4_subnet(l3)?;
            let pools: Vec<ipnet::Ipv4Net> = guidance
                .ipv4_subnet_guidance
                .iter()
                .filter_map(|g| g.include_subnet.as_deref()?.parse().ok())
                .collect();
            let len = subnet.prefix_len();
            // Documentation ranges first (RFC 5737), then any block.
            let target = [
                "192.0.2.0",
                "198.51.100.0",
                "203.0.113.0",
                "100.64.0.0",
                "10.0.0.0",
            ]
            .iter()
            .filter_map(|a| ipnet::Ipv4Net::new(a.parse().ok()?, len).ok())
            .find(|n| {
                !pools
                    .iter()
                    .any(|p| p.contains(&n.network()) || n.contains(&p.network()))
            })
            .ok_or("no block lies outside the guidance's include subnets")?;
            move_subnet(l3, &subnet, &target);
        }
    }
    Ok(config)
}

/// Moves the IPv4 subnet of `l3` from `subnet` to `target` (same length),
/// each host keeping its offset inside it.
fn move_subnet(l3: &mut wire::L3BaseConfig, subnet: &ipnet::Ipv4Net, target: &ipnet::Ipv4Net) {
    let offset = |host: &str| -> Option<String> {
        let h: std::net::Ipv4Addr = host.parse().ok()?;
        let delta = u32::from(h).checked_sub(u32::from(subnet.network()))?;
        Some(std::net::Ipv4Addr::from(u32::from(target.network()) + delta).to_string())
    };
    l3.ipv4_subnet = Some(target.network().to_string());
    for c in &mut l3.provider_bgp_configs {
        if let Some(h) = c.host_ipv4.as_deref().and_then(offset) {
            c.host_ipv4 = Some(h);
        }
    }
}

/// The IPv4 subnet of an allocated configuration: `ipv4Subnet` is the bare
/// masked address with the length in `ipv4SubnetPrefixLength` (E-43), or a
/// CIDR as older peers write it.
fn allocated_ipv4_subnet(l3: &wire::L3BaseConfig) -> Result<ipnet::Ipv4Net, String> {
    let text = l3
        .ipv4_subnet
        .as_deref()
        .ok_or("the allocation has no IPv4 subnet")?;
    if text.contains('/') {
        return text
            .parse()
            .map_err(|e| format!("the allocated subnet: {e}"));
    }
    let address: std::net::Ipv4Addr = text
        .parse()
        .map_err(|e| format!("the allocated subnet: {e}"))?;
    let length = l3
        .ipv4_subnet_prefix_length
        .and_then(|l| u8::try_from(l).ok())
        .ok_or("the allocation has no IPv4 prefix length")?;
    ipnet::Ipv4Net::new(address, length).map_err(|e| format!("the allocated subnet: {e}"))
}
