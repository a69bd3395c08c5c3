//! The maximum age of a MACsec key (MACSEC-26): the rewritten governance
//! policy (`governance/SECURITY_AND_OPERATIONAL_EXCELLENCE.md` § Secure
//! Channel Management, upstream-next [gov]) says MACsec keys "must be
//! rotated once every 30 days". The age is a policy
//! (`ProtocolPolicy::mac_sec_key_max_age_seconds`, default 30 days, E-167).
//!
//! [`Operator::rotate_aged_mac_sec_keys`](crate::operator::Operator::rotate_aged_mac_sec_keys) runs with every periodic
//! cleanup: it queues each channel this side manages whose one key started
//! at least the maximum age ago, and the rotation driver
//! (`macsec_rotation.rs`) then rotates them one channel at a time with the
//! bake time between (MACSEC-5, MACSEC-6, MACSEC-23). A channel holding two
//! keys is already in rotation; a channel without a key has nothing to
//! rotate.

use std::collections::BTreeMap;

use interconnect_core::names::{ChannelName, InterconnectName};

use super::Operator;
use crate::error::CoordinatorResult;
use crate::rules;
use crate::scheduler::Task;
use crate::store::StoreExt;

impl Operator<'_> {
    /// Queues for rotation every channel this side manages whose key has
    /// reached the policy's maximum age (MACSEC-26); returns them. Nothing
    /// when the policy turns automatic rotation off.
    pub fn rotate_aged_mac_sec_keys(&self) -> CoordinatorResult<Vec<ChannelName>> {
        let Some(max_age) = self.config().policy.mac_sec_key_max_age() else {
            return Ok(Vec::new());
        };
        let now = self.clock().now();
        let managed: Vec<ChannelName> = self
            .config()
            .inventory
            .partners
            .iter()
            .flat_map(|p| p.environments.iter())
            .flat_map(|e| e.interconnects.iter())
            .flat_map(|i| i.channels.iter())
            .filter(|c| self.manages_mac_sec(c))
            .filter_map(|c| c.name.clone())
            .collect();
        let due: Vec<ChannelName> = self
            .store()
            .view(|s| {
                managed
                    .iter()
                    .filter(|channel| {
                        let started: Vec<_> = s
                            .mac_sec_keys
                            .iter()
                            .filter(|(name, _)| name.channel() == *channel)
                            .map(|(_, record)| record.key.start_time)
                            .collect();
                        matches!(
                            started.as_slice(),
                            [Some(start)] if now - start.to_utc() >= max_age
                        )
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if due.is_empty() {
            return Ok(due);
        }
        let mut by_interconnect: BTreeMap<InterconnectName, Vec<ChannelName>> = BTreeMap::new();
        for channel in &due {
            by_interconnect
                .entry(channel.interconnect().clone())
                .or_default()
                .push(channel.clone());
        }
        self.store().update(|s| {
            for (interconnect, channels) in &by_interconnect {
                let run = s
                    .operator
                    .rotations
                    .entry(interconnect.clone())
                    .or_default();
                for channel in channels {
                    super::macsec_rotation::queue_channel(run, channel);
                }
            }
            Ok(())
        })?;
        for interconnect in by_interconnect.keys() {
            self.scheduler()
                .schedule(Task::RotateMacSec(interconnect.clone()), now);
        }
        tracing::info!(
            rule = rules::MACSEC_MAX_KEY_AGE,
            channels = due.len(),
            "MACsec keys at their maximum age queued for rotation"
        );
        Ok(due)
    }
}
