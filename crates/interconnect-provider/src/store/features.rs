//! The features map of [`State`](super::State) with its secondary index by
//! channel (`schemas/feature.yaml`: a feature configures one channel).
//!
//! The guidance of a channel (GUIDE-14, GUIDE-15), the check of a proposed
//! feature against it (L3-12, FEAT-2) and the negotiator's proposal all
//! read what the features of one channel use. The names order by
//! connection, so without the index each read walks every feature of the
//! interconnect and parses their subnets (`BENCHMARKS.md`,
//! "Establishment"). The index is changed only by [`Features::insert`] and
//! [`Features::remove`], the only ways to change the map (reads go through
//! `Deref`; there is no `get_mut`: a feature is replaced whole), so it
//! cannot drift.

use std::ops::Deref;

use imbl::{OrdMap, OrdSet};
use interconnect_core::names::{ChannelName, FeatureName};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::FeatureRecord;

/// Features by name, indexed by channel. Serialized as the map alone; the
/// index is rebuilt when read back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    map: OrdMap<FeatureName, FeatureRecord>,
    by_channel: OrdMap<ChannelName, OrdSet<FeatureName>>,
}

impl Features {
    /// Inserts or replaces the feature `name`; returns the record it
    /// replaced.
    pub fn insert(&mut self, name: FeatureName, record: FeatureRecord) -> Option<FeatureRecord> {
        let channel = record.feature.channel.clone();
        let old = self.map.insert(name.clone(), record);
        if let Some(old) = &old {
            self.unindex(&name, old);
        }
        if let Some(channel) = channel {
            self.by_channel.entry(channel).or_default().insert(name);
        }
        old
    }

    /// Removes the feature `name`; returns its record.
    pub fn remove(&mut self, name: &FeatureName) -> Option<FeatureRecord> {
        let removed = self.map.remove(name)?;
        self.unindex(name, &removed);
        Some(removed)
    }

    fn unindex(&mut self, name: &FeatureName, record: &FeatureRecord) {
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
    }

    /// The features on `channel`, in name order: a lookup of the index and
    /// one map read per feature, not a scan.
    pub fn on_channel<'a>(
        &'a self,
        channel: &ChannelName,
    ) -> impl Iterator<Item = (&'a FeatureName, &'a FeatureRecord)> + 'a {
        self.by_channel
            .get(channel)
            .into_iter()
            .flat_map(|names| names.iter())
            .filter_map(|name| self.map.get_key_value(name))
    }
}

impl Deref for Features {
    type Target = OrdMap<FeatureName, FeatureRecord>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl FromIterator<(FeatureName, FeatureRecord)> for Features {
    fn from_iter<I: IntoIterator<Item = (FeatureName, FeatureRecord)>>(iter: I) -> Self {
        let mut features = Features::default();
        for (name, record) in iter {
            features.insert(name, record);
        }
        features
    }
}

impl Serialize for Features {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Features {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = OrdMap::<FeatureName, FeatureRecord>::deserialize(deserializer)?;
        Ok(map.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use interconnect_core::names::EnvironmentName;
    use interconnect_core::wire::Feature;
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

    /// A feature on channel `ch` (none for 0).
    fn record(ch: usize) -> FeatureRecord {
        FeatureRecord {
            feature: Feature {
                channel: channel(ch),
                ..Feature::default()
            },
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        }
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
            ops in prop::collection::vec((any::<bool>(), 0..3usize, 0..3usize, 0..4usize), 0..60)
        ) {
            let mut f = Features::default();
            let mut snapshots = Vec::new();
            for (insert, conn, id, ch) in ops {
                if insert {
                    // replacing a feature may move it to another channel
                    f.insert(name(conn, id), record(ch));
                } else {
                    f.remove(&name(conn, id));
                }
                snapshots.push(f.clone());
            }
            for snapshot in snapshots.iter().chain([&f]) {
                for ch in 1..4 {
                    let ch = channel(ch).expect("a channel");
                    let indexed: Vec<_> = snapshot.on_channel(&ch).map(|(n, _)| n.clone()).collect();
                    prop_assert_eq!(indexed, scanned(snapshot, &ch));
                }
                prop_assert!(
                    snapshot.by_channel.values().all(|names| !names.is_empty()),
                    "no empty entry is left in the index"
                );
            }
        }
    }

    #[test]
    fn a_replaced_feature_moves_to_its_new_channel() {
        let mut f = Features::default();
        f.insert(name(1, 1), record(1));
        f.insert(name(1, 1), record(2));
        let ch1 = channel(1).expect("a channel");
        let ch2 = channel(2).expect("a channel");
        assert_eq!(f.on_channel(&ch1).count(), 0);
        assert_eq!(f.on_channel(&ch2).count(), 1);
        f.insert(name(1, 1), record(2));
        assert_eq!(f.on_channel(&ch2).count(), 1, "the same channel again");
        f.remove(&name(1, 1));
        assert_eq!(f.on_channel(&ch2).count(), 0);
        assert!(f.by_channel.is_empty());
    }
}
