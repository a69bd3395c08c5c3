//! # tour: one connection, from the customer's request to agreed features
//!
//! Walks the whole Connection Coordinator flow between aws and gcp on a small
//! built-in inventory, using only `interconnect-core` (no network, no server):
//! the activation key, the customer's pair of networks, the choice of
//! interconnect, the responder's guidance, the negotiator's allocation and the
//! responder's check of each proposal. Each step prints one numbered line.
//!
//! Run it with `cargo run -p interconnect-examples --example tour`. It exits
//! with an error if a step that should succeed does not.

use std::error::Error;
use std::fmt::Display;

use interconnect_core::activation_key::{
    ActivationKeyV1, DecodedActivationKey, EncodedActivationKey,
};
use interconnect_core::allocation::{AllocationInput, LocalConstraints, allocate_l3};
use interconnect_core::customer::{self, Attachment, Bandwidth, PairContext};
use interconnect_core::names::{ConnectionName, InterconnectName, ProviderName};
use interconnect_core::validation::{self, ChannelUsage, L3Context, Report, rules};
use interconnect_core::wire::{
    Channel, Environment, Feature, Interconnect, L3BaseGuidance, Secret,
};
use serde_json::json;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const ENVIRONMENT: &str = "aws-gcp-us-east";
const SIZE_MBPS: i32 = 10_000;
/// Made up; a real initiating provider draws a random UUID.
const SHARED_UUID: &str = "3b9f6c1e-8a2d-4e7f-9c10-5d4b3a2f1e0d";
const GCP_PROJECT: &str = "my-gcp-project";
/// Pretend reservations: other connections already hold this much.
const RESERVED_MBPS: [(&str, i64); 2] = [("ix1", 95_000), ("ix2", 40_000)];

/// The built-in inventory, as aws publishes it.
struct Inventory {
    environment: Environment,
    interconnects: Vec<(Interconnect, Vec<Channel>)>,
}

/// Who negotiates what, on which connection: gcp proposes, aws responds.
struct Negotiation {
    connection: ConnectionName,
    guidance: L3BaseGuidance,
    gcp: ProviderName,
    aws: ProviderName,
}

fn main() -> Result<()> {
    let (aws, gcp) = (ProviderName::new("aws")?, ProviderName::new("gcp")?);
    let inventory = default_inventory(&aws)?;
    let encoded = request_key(&gcp)?;
    let key = accept_key(&encoded, &gcp, &inventory.environment)?;
    let (interconnect, channels) = pick_interconnect(&inventory)?;
    let connection = interconnect.connection(key.shared_connection_uuid().as_str())?;
    let guidance = aws_guidance(channels.len())?;
    let n = Negotiation {
        connection,
        guidance,
        gcp,
        aws,
    };
    let agreed = negotiate(&n, channels)?;
    reject_bad_proposal(&n, &agreed)?;
    milestone(7, "summary");
    println!(
        "    {} Gbps on {interconnect}: {} of {} features agreed (provisioning needs 3)",
        SIZE_MBPS / 1000,
        agreed.len(),
        channels.len()
    );
    Ok(())
}

fn milestone(step: u8, text: &str) {
    println!("[{step}/7] {text}");
}

/// Succeeds, printing `ok: what`, when there are no violations.
fn expect_valid<V: Display>(what: &str, violations: Vec<V>) -> Result<()> {
    if let Some(v) = violations.first() {
        return Err(format!("{what}: {v}").into());
    }
    println!("    ok: {what}");
    Ok(())
}

fn default_inventory(aws: &ProviderName) -> Result<Inventory> {
    let env = aws.environment(ENVIRONMENT)?;
    let environment: Environment = serde_json::from_value(json!({
        "name": env,
        "providerSites": [{"providerId": "providers/aws", "site": "us-east-1"},
                          {"providerId": "providers/gcp", "site": "us-east4"}],
        "supportedConnectionSizeMbps": [1000, 2000, 5000, 10000],
    }))?;
    let mut interconnects = Vec::new();
    for id in ["ix1", "ix2"] {
        let name = env.interconnect(id)?;
        let mut channels = Vec::new();
        for ch in ["ch1", "ch2", "ch3", "ch4"] {
            let name = Some(name.channel(ch)?);
            channels.push(Channel {
                name,
                ..Channel::default()
            });
        }
        let interconnect = Interconnect {
            name: Some(name),
            supported_connection_size_mbps: environment.supported_connection_size_mbps.clone(),
            max_bandwidth_mbps: Some(100_000),
            ..Interconnect::default()
        };
        interconnects.push((interconnect, channels));
    }
    Ok(Inventory {
        environment,
        interconnects,
    })
}

/// Step 1: the customer asks aws for a connection; aws issues the key.
fn request_key(gcp: &ProviderName) -> Result<EncodedActivationKey> {
    let destination = gcp.environment(ENVIRONMENT)?;
    let account = Secret::new(GCP_PROJECT);
    let key = ActivationKeyV1::new(destination, SHARED_UUID.parse()?, SIZE_MBPS, account)?;
    let encoded = key.encode();
    milestone(
        1,
        "customer asks aws for 10 Gbps to a gcp project; aws issues a key",
    );
    println!(
        "    activation key: {} characters (not shown: it is a secret)",
        encoded.len()
    );
    Ok(encoded)
}

/// Step 2: at gcp, the pasted key is read and the customer's pair checked.
fn accept_key(
    pasted: &EncodedActivationKey,
    gcp: &ProviderName,
    env: &Environment,
) -> Result<ActivationKeyV1> {
    milestone(
        2,
        "gcp decodes the pasted key and checks the customer's pair",
    );
    let key = match EncodedActivationKey::new(pasted.expose())?.decode()? {
        DecodedActivationKey::V1(key) => key,
        other => return Err(format!("unexpected key version {}", other.version()).into()),
    };
    let destination = key.destination_environment();
    if destination.provider() != gcp {
        return Err("the key is not for gcp".into());
    }
    println!(
        "    key: {} Mbps in {destination}",
        key.connection_size_mbps()
    );
    let aws_end = end("aws", "10.0.0.0/16", "2600:1f18::/56")?;
    let gcp_end = end("gcp", "10.128.0.0/16", "2600:1900::/56")?;
    let none = PairContext::default();
    let found = customer::validate_pair(&aws_end, &gcp_end, &none);
    expect_valid("dual-stack pair, MTU 8896 on both ends", found)?;
    let overlapping = end("gcp", "10.0.128.0/17", "2600:1900::/56")?;
    let refused = customer::validate_pair(&aws_end, &overlapping, &none);
    if !refused
        .iter()
        .any(|v| v.rule == customer::rules::CIDR_OVERLAP)
    {
        return Err("an overlapping pair was not refused".into());
    }
    for v in &refused {
        println!("    refused as it should be: {v}");
    }
    let tiers = env.supported_connection_size_mbps.iter();
    let context = PairContext {
        offered_bandwidths: Some(tiers.map(|m| mbps(*m)).collect::<Result<_>>()?),
        requested_bandwidth: Some(mbps(key.connection_size_mbps())?),
        key_destination_account_id: Some(key.destination_account_id().clone()),
        accepting_account_id: Some(Secret::new(GCP_PROJECT)),
    };
    let found = customer::validate_pair(&aws_end, &gcp_end, &context);
    expect_valid("accepting account is the key's; 10 Gbps is offered", found)?;
    Ok(key)
}

fn mbps(value: i32) -> Result<Bandwidth> {
    Ok(Bandwidth::from_mbps(u32::try_from(value)?)?)
}

/// One end of the customer's pair: dual stack, MTU 8896.
fn end(provider: &str, ipv4: &str, ipv6: &str) -> Result<Attachment> {
    let (kind, id) = match provider {
        "aws" => ("awsDirectConnectGateway", "dxgw-example"),
        _ => ("googleCloudVpcNetwork", "prod-vpc"),
    };
    Ok(serde_json::from_value(json!({
        "provider": provider,
        "attachPoint": {"kind": kind, "id": id},
        "cidrs": [ipv4, ipv6], "ipStack": "IPV4_IPV6", "mtuBytes": 8896,
    }))?)
}

/// Step 3: the interconnect with the most free bandwidth that fits the size.
fn pick_interconnect(inventory: &Inventory) -> Result<(&InterconnectName, &[Channel])> {
    milestone(3, "gcp picks the interconnect with the most free bandwidth");
    let mut best: Option<(i64, &InterconnectName, &[Channel])> = None;
    for (ix, channels) in &inventory.interconnects {
        let name = ix.name.as_ref().ok_or("an interconnect has no name")?;
        let reserved = RESERVED_MBPS.iter().find(|(id, _)| *id == name.id());
        let reserved = reserved.map_or(0, |(_, mbps)| *mbps);
        let free = i64::from(ix.max_bandwidth_mbps.unwrap_or(0)) - reserved;
        let env = &inventory.environment;
        let found = validation::validate_connection_bandwidth(Some(SIZE_MBPS), ix, env, reserved);
        match found.first() {
            Some(v) => println!("    {}: {free} Mbps free, refused: {v}", name.id()),
            None => println!("    {}: {free} Mbps free, fits", name.id()),
        }
        if found.is_empty() && best.is_none_or(|(most, ..)| free > most) {
            best = Some((free, name, channels));
        }
    }
    let (_, name, channels) = best.ok_or("no interconnect has room")?;
    println!("    chosen: {}", name.id());
    Ok((name, channels))
}

/// Step 4: aws's guidance, the same for every channel, checked for coherence.
fn aws_guidance(channels: usize) -> Result<L3BaseGuidance> {
    milestone(4, "aws gives feature guidance for each channel");
    let guidance: L3BaseGuidance = serde_json::from_value(json!({
        "asnRanges": [{"start": 64512, "stop": 64512}],
        "ipv4SubnetGuidance": [{"includeSubnet": "169.254.0.0/16",
            "excludeSubnets": ["169.254.0.0/24"], "preferredSubnet": "169.254.1.16/30"}],
        "ipv6SubnetGuidance": [{"includeSubnet": "fd20::/16"}],
        "ipv4AllowedSubnetPrefixLengths": [29, 30],
        "ipv6AllowedSubnetPrefixLengths": [126, 127],
        "vlanRanges": [{"start": 2000, "stop": 2999}],
        "mtuRanges": [{"start": 1500, "stop": 8896}],
    }))?;
    for i in 0..channels {
        let path = format!("featureGuidance[{i}].l3BaseGuidance");
        let found = validation::validate_l3_guidance(&guidance, &path);
        expect_valid(&format!("{path} is coherent"), found)?;
    }
    Ok(guidance)
}

/// What a channel already carries: ch1 holds another connection.
fn usage(channel: &str) -> Result<ChannelUsage> {
    let mut used = ChannelUsage::default();
    if channel == "ch1" {
        used.vlans.push(2000);
        used.subnets.push("169.254.1.16/30".parse()?);
    }
    Ok(used)
}

/// Step 5: gcp allocates a configuration per channel; aws checks each.
fn negotiate(n: &Negotiation, channels: &[Channel]) -> Result<Vec<Feature>> {
    milestone(
        5,
        "gcp allocates a configuration per channel; aws accepts each",
    );
    let local = LocalConstraints {
        asn: 16550,
        vlan_ranges: vec![],
        mtu_ranges: vec![(1300, 8896)],
        ipv4_prefix_lengths: vec![],
        ipv6_prefix_lengths: vec![],
        ipv6: true,
    };
    let mut agreed = Vec::new();
    for channel in channels.iter().filter_map(|c| c.name.as_ref()) {
        let used = usage(channel.id())?;
        let (negotiator, responder) = (&n.gcp, &n.aws);
        let input = AllocationInput {
            channel,
            guidance: &n.guidance,
            local: &local,
            negotiator,
            responder,
            used: &used,
        };
        let feature = Feature {
            channel: Some(channel.clone()),
            feature_config: Some(allocate_l3(&input)?),
            ..Feature::default()
        };
        expect_valid(&describe(&feature), check(n, &feature, &used))?;
        agreed.push(feature);
    }
    Ok(agreed)
}

/// aws's judgement of a proposal.
fn check(n: &Negotiation, feature: &Feature, used: &ChannelUsage) -> Vec<validation::Violation> {
    let ctx = L3Context {
        connection: &n.connection,
        guidance: &n.guidance,
        negotiator: &n.gcp,
        responder: &n.aws,
        used,
    };
    validation::validate_l3_feature(feature, &ctx)
}

/// One line per feature: channel, VLAN, subnets, MTU and BGP hosts.
fn describe(feature: &Feature) -> String {
    let config = feature.feature_config.as_ref();
    let Some(l3) = config.and_then(|c| c.l3_base_config.as_ref()) else {
        return "no L3 configuration".into();
    };
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let hosts: Vec<String> = (l3.provider_bgp_configs.iter())
        .map(|b| {
            let who = b.provider.as_ref().map_or("?", |p| p.id());
            let asn = b.asn.unwrap_or(0);
            format!(
                "{who} AS{asn} {} {}",
                show(&b.host_ipv4),
                show(&b.host_ipv6)
            )
        })
        .collect();
    let channel = feature.channel.as_ref().map_or("?", |c| c.id());
    let vlan = l3.vlan_id.unwrap_or(0);
    let (v4, v6) = (show(&l3.ipv4_subnet), show(&l3.ipv6_subnet));
    let mtu = l3.mtu_bytes.unwrap_or(0);
    format!(
        "{channel}: VLAN {vlan}, {v4} + {v6}, MTU {mtu}; {}",
        hosts.join("; ")
    )
}

/// Step 6: a proposal that breaks the rules is rejected with every reason.
fn reject_bad_proposal(n: &Negotiation, agreed: &[Feature]) -> Result<()> {
    milestone(
        6,
        "aws rejects a bad proposal (VLAN 1000, subnet with host bits set)",
    );
    let mut bad = agreed.get(1).cloned().ok_or("no second feature")?;
    let config = bad.feature_config.as_mut();
    let l3 = config
        .and_then(|c| c.l3_base_config.as_mut())
        .ok_or("no L3 configuration")?;
    l3.vlan_id = Some(1000);
    l3.ipv4_subnet = Some("169.254.1.17/30".into());
    let report = Report::from(check(n, &bad, &ChannelUsage::default()));
    for v in &report.violations {
        println!("    {v}");
    }
    for rule in [rules::L3_VLAN_RESERVED, rules::L3_IPV4_HOST_BITS] {
        if !report.rules().contains(&rule) {
            return Err(format!("the bad proposal was not rejected under {rule}").into());
        }
    }
    Ok(())
}
