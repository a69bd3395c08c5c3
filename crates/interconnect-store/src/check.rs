//! Recounting the derived totals and indexes of a [`State`] from its
//! records (`interconnect store check`, and the restart tests).
//!
//! The stores never keep derived data as truth: a cache rebuilds it through
//! the same `insert` as a transaction. This check rebuilds every index from
//! the records alone, compares it with the one the state carries (which a
//! long-running process maintained change by change), and recounts the
//! bandwidth reserved per interconnect independently, by summing the
//! connections.

use std::collections::BTreeMap;

use interconnect_core::names::InterconnectName;
use interconnect_core::wire::ConnectionType;
use interconnect_provider::store::{Connections, Features, State};

/// The differences found, one sentence each; empty when all agree.
pub fn check(state: &State) -> Vec<String> {
    let mut differences = Vec::new();
    let rebuilt: Connections = state
        .connections
        .iter()
        .map(|(name, record)| (name.clone(), (**record).clone()))
        .collect();
    let mut summed: BTreeMap<&InterconnectName, i64> = BTreeMap::new();
    for (name, record) in state.connections.iter() {
        let mbps = match record.connection.connection_type_or_default() {
            ConnectionType::Test | ConnectionType::Monitoring => 0,
            // STANDARD, and any type this server does not know, count
            _ => record.connection.bandwidth_mbps.map_or(0, i64::from),
        };
        *summed.entry(name.interconnect()).or_default() += mbps;
    }
    for (interconnect, total) in &summed {
        let held = state.connections.reserved_mbps(interconnect);
        if held != *total {
            differences.push(format!(
                "{interconnect}: {held} Mbps reserved, the connections sum to {total} (CONN-9)"
            ));
        }
    }
    if rebuilt != state.connections && differences.is_empty() {
        differences
            .push("the connections' index by id or reserved totals differ from a rebuild".into());
    }
    let rebuilt: Features = state
        .features
        .iter()
        .map(|(name, record)| (name.clone(), (**record).clone()))
        .collect();
    if rebuilt != state.features {
        let before = differences.len();
        let channels: std::collections::BTreeSet<_> = state
            .features
            .values()
            .filter_map(|r| r.feature.channel.clone())
            .collect();
        for channel in &channels {
            if rebuilt.usage_on_channel(channel) != state.features.usage_on_channel(channel) {
                differences.push(format!(
                    "{channel}: the VLANs and subnets in use differ from a recount of its features"
                ));
            }
        }
        if differences.len() == before {
            differences.push("the features' index by channel differs from a rebuild".into());
        }
    }
    differences
}
