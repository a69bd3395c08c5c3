//! # validate_feature: judging a proposed L3 feature against guidance
//!
//! The responder of a negotiation (here aws) gives guidance for each channel;
//! the negotiator (gcp) proposes a `Feature`; the responder accepts it in
//! full or rejects it in full. `validation::validate_l3_feature` returns
//! every violated rule at once, each with its rule id, the JSON path of the
//! member at fault and a message. This example validates a good proposal,
//! prints the `Report` as JSON, then breaks two rules (an MTU above the
//! guidance and a BGP host outside the subnet) and prints the violations.
//!
//! Run it with `cargo run -p interconnect-examples --example validate_feature`.

use std::error::Error;

use interconnect_core::names::{ConnectionName, ProviderName};
use interconnect_core::validation::{ChannelUsage, L3Context, Report, rules, validate_l3_feature};
use interconnect_core::wire::{Feature, L3BaseGuidance, from_value};
use serde_json::json;

fn main() -> Result<(), Box<dyn Error>> {
    // The responder's guidance for the channel, as it travels on the wire.
    let guidance: L3BaseGuidance = from_value(json!({
        "asnRanges": [{"start": 64512, "stop": 64512}],
        "ipv4SubnetGuidance": [{"includeSubnet": "169.254.0.0/16",
                                "excludeSubnets": ["169.254.0.0/24"]}],
        "ipv4AllowedSubnetPrefixLengths": [29, 30],
        "vlanRanges": [{"start": 2000, "stop": 2999}],
        "mtuRanges": [{"start": 1500, "stop": 8896}],
    }))?;
    let connection: ConnectionName =
        "providers/aws/environments/aws-gcp-us-east/interconnects/ix1/connections/c1".parse()?;
    let channel = connection.interconnect().channel("ch1")?;

    // The negotiator's proposal: IPv4 only, hosts .1 (aws) and .2 (gcp).
    let mut feature: Feature = from_value(json!({
        "channel": channel,
        "featureConfig": {
            "featureType": "FEATURE_TYPE_L3_BASE",
            "l3BaseConfig": {
                "ipv4Subnet": "169.254.10.0/30",
                "ipv4SubnetPrefixLength": 30,
                "mtuBytes": 8896,
                "vlanId": 2100,
                "providerBgpConfigs": [
                    {"provider": "providers/aws", "asn": 64512, "hostIpv4": "169.254.10.1"},
                    {"provider": "providers/gcp", "asn": 16550, "hostIpv4": "169.254.10.2"},
                ],
            },
        },
    }))?;

    let (aws, gcp) = (ProviderName::new("aws")?, ProviderName::new("gcp")?);
    let used = ChannelUsage::default();
    let ctx = L3Context {
        connection: &connection,
        guidance: &guidance,
        negotiator: &gcp,
        responder: &aws,
        used: &used,
    };

    let report = Report::from(validate_l3_feature(&feature, &ctx));
    println!(
        "proposal as sent:\n{}",
        serde_json::to_string_pretty(&feature)?
    );
    println!("report:\n{}", serde_json::to_string_pretty(&report)?);
    if !report.valid {
        return Err("the good proposal was rejected".into());
    }

    // Break two rules: an MTU above the guidance, a host outside the subnet.
    let l3 = feature
        .feature_config
        .as_mut()
        .and_then(|c| c.l3_base_config.as_mut())
        .ok_or("the proposal has no L3 configuration")?;
    l3.mtu_bytes = Some(9001);
    let gcp_bgp = l3
        .provider_bgp_configs
        .get_mut(1)
        .ok_or("the proposal has no second BGP configuration")?;
    gcp_bgp.host_ipv4 = Some("169.254.11.2".into());

    let report = Report::from(validate_l3_feature(&feature, &ctx));
    println!("\nafter breaking two rules: valid = {}", report.valid);
    for violation in &report.violations {
        println!("  {violation}");
    }
    println!("rules broken: {}", report.rules().join(", "));
    if report.rules() != [rules::L3_MTU_IN_GUIDANCE, rules::L3_HOST_IPV4_IN_SUBNET] {
        return Err("the broken proposal was not rejected under exactly those two rules".into());
    }
    Ok(())
}
