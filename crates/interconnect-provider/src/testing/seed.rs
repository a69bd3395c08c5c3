//! Set-up the API does not offer, written straight into a fixture's store:
//! records other families would normally create (a connection, for the
//! feature scenarios), so a family can be tested on its own.

use interconnect_core::names::{ConnectionName, ProviderName};
use interconnect_core::wire::{AdminState, Connection, VerificationState};

use super::Fixture;
use crate::clock::Clock;
use crate::config::ProviderConfig;
use crate::store::{ConnectionRecord, StoreExt};

/// Inserts the connection `connection_id` of the interconnect
/// `interconnect_id` (of the fixture's first environment) as if it had been
/// created by the partner: `bandwidthMbps` as given, `ADMIN_STATE_ENABLED`,
/// `VERIFICATION_STATE_UNVERIFIED`, created now, negotiated by the partner.
/// Panics (it is test set-up) when an id is not a valid segment.
pub fn seed_connection<C>(
    f: &Fixture<C>,
    interconnect_id: &str,
    connection_id: &str,
    bandwidth_mbps: i32,
) -> ConnectionName {
    let name = f
        .interconnect(interconnect_id)
        .connection(connection_id)
        .unwrap_or_else(|e| panic!("connection id {connection_id}: {e}"));
    let record = ConnectionRecord {
        connection: Connection {
            name: Some(name.clone()),
            activation_key: None,
            bandwidth_mbps: Some(bandwidth_mbps),
            admin_state: Some(AdminState::Enabled),
            verification_state: Some(VerificationState::Unverified),
            defer_provisioning: None,
            source_data: None,
            connection_type: None,
        },
        created_at: f.clock.now(),
        negotiator_here: false,
        update_in_flight: None,
        notifications_received: Vec::new(),
        seen_on_peer: false,
    };
    f.server
        .store()
        .update(|state| {
            state.connections.insert(name.clone(), record);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("seeding {name}: {e}"));
    name
}

/// The fixture's default configuration with channel `ch4` of `ix1` (first
/// environment) set to `ADMIN_STATE_DISABLED`, for the scenarios of disabled
/// channels (GUIDE-2, FEAT-13): `Fixture::with_config(disabled_channel_config())`.
pub fn disabled_channel_config() -> ProviderConfig {
    let local = ProviderName::new("aws").unwrap_or_else(|e| panic!("provider id: {e}"));
    let partner = ProviderName::new("gcp").unwrap_or_else(|e| panic!("provider id: {e}"));
    let mut config = ProviderConfig::default_pair(&local, &partner, 64512)
        .unwrap_or_else(|e| panic!("default configuration: {e}"));
    for env in &mut config
        .inventory
        .partners
        .iter_mut()
        .flat_map(|p| &mut p.environments)
    {
        if env.environment.name.as_ref().map(|n| n.id()) != Some("aws-gcp-us-east") {
            continue;
        }
        for ix in &mut env.interconnects {
            if ix.interconnect.name.as_ref().map(|n| n.id()) != Some("ix1") {
                continue;
            }
            for ch in &mut ix.channels {
                if ch.name.as_ref().map(|n| n.id()) == Some("ch4") {
                    ch.admin_state = Some(AdminState::Disabled);
                }
            }
        }
    }
    config
}

/// The default configuration of `local` (partner `partner`, ASN `asn`),
/// its first environment widened to `interconnects` interconnects whose
/// four channels are `channel_gbps` each (and so each interconnect's
/// maximum), for benchmarks at thousands of connections: the default
/// inventory has room for a few hundred. Every device id stays distinct.
pub fn widened_config(
    local: &ProviderName,
    partner: &ProviderName,
    asn: u32,
    interconnects: usize,
    channel_gbps: i32,
) -> Result<ProviderConfig, Box<dyn std::error::Error>> {
    let mut config = ProviderConfig::default_pair(local, partner, asn)?;
    let env = config
        .inventory
        .partners
        .first_mut()
        .and_then(|p| p.environments.first_mut())
        .ok_or("the default pair has an environment")?;
    let env_name = env.environment.name.clone().ok_or("a named environment")?;
    let template = env
        .interconnects
        .first()
        .cloned()
        .ok_or("the default environment has an interconnect")?;
    env.interconnects.clear();
    for i in 1..=interconnects {
        let ix_name = env_name.interconnect(&format!("ix{i}"))?;
        let mut ix = template.clone();
        ix.interconnect.name = Some(ix_name.clone());
        ix.interconnect.max_bandwidth_mbps = Some(channel_gbps.saturating_mul(1000));
        for (c, channel) in ix.channels.iter_mut().enumerate() {
            channel.name = Some(ix_name.channel(&format!("ch{}", c + 1))?);
            channel.aggregate_channel_size_gbps = Some(channel_gbps);
            channel.channel_member_size_gbps = Some(100);
            channel.obfuscated_device_id = Some(format!("bench-ix{i}-dev{}", c + 1));
        }
        env.interconnects.push(ix);
    }
    Ok(config)
}
