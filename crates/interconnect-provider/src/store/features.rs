//! The features map of [`State`](super::State) with its secondary index by
//! channel (`schemas/feature.yaml`: a feature configures one channel).
//!
//! The guidance of a channel (GUIDE-14, GUIDE-15), the check of a proposed
//! feature against it (L3-12, FEAT-2) and the negotiator's proposal all
//! read what the features of one channel use. The names order by
//! connection, so without the index each read walks every feature of the
//! interconnect and parses their subnets (`BENCHMARKS.md`,
//! "Establishment"). The index keeps, per channel, what each feature there
//! uses (its VLAN and subnets, parsed once when it is stored) and their
//! concatenation in name order, rebuilt when a feature of the channel
//! enters or leaves the map, so a read is a copy of one value. It is
//! [`FeatureIndex`], the [`Index`] of the generic [`Indexed`] map, which
//! tells it of every feature stored or removed, so it cannot drift.

use std::sync::Arc;

use imbl::OrdMap;
use interconnect_core::names::{ChannelName, FeatureName};
use interconnect_core::validation::ChannelUsage;

use super::FeatureRecord;
use super::indexed::{Index, Indexed};

/// Features by name, indexed by channel. Serialized as the map alone; the
/// index is rebuilt when read back.
pub type Features = Indexed<FeatureName, FeatureRecord, FeatureIndex>;

/// The index of [`Features`]: per channel, what each of its features uses
/// and the concatenation of those in name order. Read through the methods
/// of [`Features`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureIndex {
    by_channel: OrdMap<ChannelName, OrdMap<FeatureName, ChannelUsage>>,
    usage: OrdMap<ChannelName, Arc<ChannelUsage>>,
}

/// What a channel without features uses.
static UNUSED: ChannelUsage = ChannelUsage {
    vlans: Vec::new(),
    subnets: Vec::new(),
};

/// What one feature uses on its channel (its L3 base configuration).
fn usage_of(record: &FeatureRecord) -> ChannelUsage {
    let mut usage = ChannelUsage::default();
    if let Some(l3) = record
        .feature
        .feature_config
        .as_ref()
        .and_then(|c| c.l3_base_config.as_ref())
    {
        usage.add(l3);
    }
    usage
}

impl FeatureIndex {
    /// Rebuilds what `channel` uses from what each of its features uses.
    fn aggregate(&mut self, channel: &ChannelName) {
        let Some(features) = self.by_channel.get(channel) else {
            self.usage.remove(channel);
            return;
        };
        let mut total = ChannelUsage::default();
        for usage in features.values() {
            total.vlans.extend_from_slice(&usage.vlans);
            total.subnets.extend_from_slice(&usage.subnets);
        }
        self.usage.insert(channel.clone(), Arc::new(total));
    }
}

impl Index<FeatureName, FeatureRecord> for FeatureIndex {
    fn insert(&mut self, name: &FeatureName, record: &FeatureRecord) {
        let Some(channel) = record.feature.channel.as_ref() else {
            return;
        };
        self.by_channel
            .entry(channel.clone())
            .or_default()
            .insert(name.clone(), usage_of(record));
        self.aggregate(channel);
    }

    fn remove(&mut self, name: &FeatureName, record: &FeatureRecord) {
        let Some(channel) = record.feature.channel.as_ref() else {
            return;
        };
        let emptied = self.by_channel.get_mut(channel).is_some_and(|names| {
            names.remove(name);
            names.is_empty()
        });
        if emptied {
            self.by_channel.remove(channel);
        }
        self.aggregate(channel);
    }
}

impl Features {
    /// The names of the features on `channel`, in name order: a lookup of
    /// the index, not a scan.
    pub fn on_channel<'a>(
        &'a self,
        channel: &ChannelName,
    ) -> impl Iterator<Item = &'a FeatureName> + 'a {
        self.index()
            .by_channel
            .get(channel)
            .into_iter()
            .flat_map(|features| features.keys())
    }

    /// What the features on `channel` use, whatever their connection, in
    /// the order of their names (GUIDE-15, L3-12).
    pub fn usage_on_channel(&self, channel: &ChannelName) -> &ChannelUsage {
        self.index()
            .usage
            .get(channel)
            .map_or(&UNUSED, |usage| usage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use interconnect_core::names::EnvironmentName;
    use interconnect_core::wire::{Feature, FeatureConfig, L3BaseConfig};
    use proptest::prelude::*;

    fn ix() -> interconnect_core::names::InterconnectName {
        let env: EnvironmentName = "providers/gcp/environments/e"
            .parse()
            .expect("a valid literal");
        env.interconnect("ix1").expect("a valid id")
    }

    fn channel(ch: usize) -> Option<ChannelName> {
        (ch > 0).then(|| ix().channel(&format!("ch{ch}")).expect("a valid id"))
    }

    fn name(conn: usize, f: usize) -> FeatureName {
        ix().connection(&format!("c{conn}"))
            .and_then(|c| c.feature(&format!("f{f}")))
            .expect("valid ids")
    }

    /// A feature on channel `ch` (none for 0) using VLAN `vlan` and a
    /// subnet of its own.
    fn record(ch: usize, vlan: i32) -> FeatureRecord {
        FeatureRecord {
            feature: Feature {
                channel: channel(ch),
                feature_config: Some(FeatureConfig {
                    l3_base_config: Some(L3BaseConfig {
                        vlan_id: Some(vlan),
                        ipv4_subnet: Some(format!("169.254.{vlan}.0")),
                        ipv4_subnet_prefix_length: Some(30),
                        ..L3BaseConfig::default()
                    }),
                    ..FeatureConfig::default()
                }),
                ..Feature::default()
            },
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    /// What the usage must be: a scan of every feature, in name order.
    fn scanned_usage(f: &Features, ch: &ChannelName) -> ChannelUsage {
        let mut usage = ChannelUsage::default();
        for (_, r) in f
            .iter()
            .filter(|(_, r)| r.feature.channel.as_ref() == Some(ch))
        {
            if let Some(l3) = r
                .feature
                .feature_config
                .as_ref()
                .and_then(|c| c.l3_base_config.as_ref())
            {
                usage.add(l3);
            }
        }
        usage
    }

    /// What the index must answer: a scan of every feature.
    fn scanned(f: &Features, ch: &ChannelName) -> Vec<FeatureName> {
        f.iter()
            .filter(|(_, r)| r.feature.channel.as_ref() == Some(ch))
            .map(|(n, _)| n.clone())
            .collect()
    }

    proptest! {
        #[test]
        fn the_channel_index_equals_a_scan_after_any_sequence(
            ops in prop::collection::vec((0..3u8, 0..3usize, 0..3usize, 0..4usize), 0..60)
        ) {
            let mut f = Features::default();
            let mut snapshots = Vec::new();
            for (kind, conn, id, ch) in ops {
                let vlan = (10 * conn + id) as i32 + 1;
                match kind {
                    // replacing a feature may move it to another channel
                    0 => { f.insert(name(conn, id), record(ch, vlan)); }
                    1 => { f.remove(&name(conn, id)); }
                    // so may a change in place, with another VLAN
                    _ => {
                        let n = name(conn, id);
                        if let Some(mut r) = f.get_mut(&n) {
                            *r = record(ch, vlan + 100);
                        }
                    }
                }
                snapshots.push(f.clone());
            }
            for snapshot in snapshots.iter().chain([&f]) {
                for ch in 1..4 {
                    let ch = channel(ch).expect("a channel");
                    let indexed: Vec<_> = snapshot.on_channel(&ch).cloned().collect();
                    prop_assert_eq!(indexed, scanned(snapshot, &ch));
                    prop_assert_eq!(snapshot.usage_on_channel(&ch), &scanned_usage(snapshot, &ch));
                }
                prop_assert!(
                    snapshot.index().by_channel.values().all(|names| !names.is_empty()),
                    "no empty entry is left in the index"
                );
                prop_assert_eq!(snapshot.index().usage.len(), snapshot.index().by_channel.len());
            }
        }
    }

    #[test]
    fn a_replaced_feature_moves_to_its_new_channel() {
        let mut f = Features::default();
        f.insert(name(1, 1), record(1, 7));
        f.insert(name(1, 1), record(2, 7));
        let ch1 = channel(1).expect("a channel");
        let ch2 = channel(2).expect("a channel");
        assert_eq!(f.on_channel(&ch1).count(), 0);
        assert_eq!(f.on_channel(&ch2).count(), 1);
        assert_eq!(f.usage_on_channel(&ch2).vlans, vec![7], "GUIDE-15");
        assert!(f.usage_on_channel(&ch1).vlans.is_empty());
        f.insert(name(1, 1), record(2, 7));
        assert_eq!(f.on_channel(&ch2).count(), 1, "the same channel again");
        f.remove(&name(1, 1));
        assert_eq!(f.on_channel(&ch2).count(), 0);
        assert!(f.index().by_channel.is_empty() && f.index().usage.is_empty());
    }
}
