//! The connections map of [`State`](super::State) with its secondary index
//! by connection id (the shared connection UUID, `schemas/connection.yaml`:
//! the same id on both providers, and on both connections of a migration,
//! NEG-15).
//!
//! Several rules look a connection up by its id alone: the activation key
//! check (KEY-19), a migration's second connection (CONN-7, NEG-15), the
//! revocation of a key when the last connection of its UUID goes (CONN-12)
//! and the cleanup of keys (KEY-16). The names order by interconnect first,
//! so without the index each of these would read every connection
//! (`BENCHMARKS.md`, "Establishment"). The index lives beside the map and
//! is changed only by [`Connections::insert`] and [`Connections::remove`],
//! the only ways to add or drop an entry (reads go through `Deref` to the
//! map; [`Connections::get_mut`] cannot change a name), so it cannot drift.

use std::ops::Deref;

use imbl::{OrdMap, OrdSet};
use interconnect_core::names::ConnectionName;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ConnectionRecord;

/// Connections by name, indexed by id. Serialized as the map alone; the
/// index is rebuilt when read back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Connections {
    map: OrdMap<ConnectionName, ConnectionRecord>,
    by_id: OrdMap<String, OrdSet<ConnectionName>>,
}

impl Connections {
    /// Inserts or replaces the connection `name`; returns the record it
    /// replaced.
    pub fn insert(
        &mut self,
        name: ConnectionName,
        record: ConnectionRecord,
    ) -> Option<ConnectionRecord> {
        self.by_id
            .entry(name.id().to_owned())
            .or_default()
            .insert(name.clone());
        self.map.insert(name, record)
    }

    /// Removes the connection `name`; returns its record.
    pub fn remove(&mut self, name: &ConnectionName) -> Option<ConnectionRecord> {
        let removed = self.map.remove(name)?;
        let id = name.id();
        let emptied = self.by_id.get_mut(id).is_some_and(|names| {
            names.remove(name);
            names.is_empty()
        });
        if emptied {
            self.by_id.remove(id);
        }
        Some(removed)
    }

    /// The record of `name`, to change in place (its name cannot change).
    pub fn get_mut(&mut self, name: &ConnectionName) -> Option<&mut ConnectionRecord> {
        self.map.get_mut(name)
    }

    /// The connections whose id is `id` (at most one per interconnect), in
    /// name order: a lookup of the index, not a scan.
    pub fn with_id<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a ConnectionName> + 'a {
        self.by_id
            .get(id)
            .into_iter()
            .flat_map(|names| names.iter())
    }

    /// Whether any connection has the id `id`.
    pub fn has_id(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }
}

impl Deref for Connections {
    type Target = OrdMap<ConnectionName, ConnectionRecord>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl FromIterator<(ConnectionName, ConnectionRecord)> for Connections {
    fn from_iter<I: IntoIterator<Item = (ConnectionName, ConnectionRecord)>>(iter: I) -> Self {
        let mut connections = Connections::default();
        for (name, record) in iter {
            connections.insert(name, record);
        }
        connections
    }
}

impl Serialize for Connections {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Connections {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = OrdMap::<ConnectionName, ConnectionRecord>::deserialize(deserializer)?;
        Ok(map.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use interconnect_core::names::EnvironmentName;
    use interconnect_core::wire::Connection;
    use proptest::prelude::*;

    fn record(mbps: i32) -> ConnectionRecord {
        ConnectionRecord {
            connection: Connection {
                bandwidth_mbps: Some(mbps),
                ..Connection::default()
            },
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            negotiator_here: false,
            update_in_flight: None,
            notifications_received: Vec::new(),
            seen_on_peer: false,
        }
    }

    fn name(ix: usize, id: usize) -> ConnectionName {
        let env: EnvironmentName = "providers/gcp/environments/e"
            .parse()
            .expect("a valid literal");
        env.interconnect(&format!("ix{ix}"))
            .and_then(|ix| ix.connection(&format!("c{id}")))
            .expect("valid ids")
    }

    /// What the index must answer: a scan of every connection.
    fn scanned(c: &Connections, id: &str) -> Vec<ConnectionName> {
        c.keys().filter(|n| n.id() == id).cloned().collect()
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(usize, usize),
        Remove(usize, usize),
        Touch(usize, usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..3usize, 0..5usize).prop_map(|(i, c)| Op::Insert(i, c)),
            (0..3usize, 0..5usize).prop_map(|(i, c)| Op::Remove(i, c)),
            (0..3usize, 0..5usize).prop_map(|(i, c)| Op::Touch(i, c)),
        ]
    }

    proptest! {
        #[test]
        fn the_id_index_equals_a_scan_after_any_sequence(ops in prop::collection::vec(op(), 0..60)) {
            let mut c = Connections::default();
            let mut snapshots = Vec::new();
            for op in ops {
                match op {
                    Op::Insert(ix, id) => { c.insert(name(ix, id), record(100)); }
                    Op::Remove(ix, id) => { c.remove(&name(ix, id)); }
                    Op::Touch(ix, id) => {
                        if let Some(r) = c.get_mut(&name(ix, id)) {
                            r.seen_on_peer = true;
                        }
                    }
                }
                // an older version keeps its own index (persistent maps)
                snapshots.push(c.clone());
            }
            for snapshot in snapshots.iter().chain([&c]) {
                for id in 0..5 {
                    let id = format!("c{id}");
                    let indexed: Vec<_> = snapshot.with_id(&id).cloned().collect();
                    prop_assert_eq!(&indexed, &scanned(snapshot, &id));
                    prop_assert_eq!(snapshot.has_id(&id), !indexed.is_empty());
                }
                let ids: Vec<_> = snapshot.by_id.keys().cloned().collect();
                let mut expected: Vec<_> = snapshot.keys().map(|n| n.id().to_owned()).collect();
                expected.sort();
                expected.dedup();
                prop_assert_eq!(ids, expected, "no empty entry is left in the index");
            }
        }
    }

    #[test]
    fn insert_and_remove_keep_the_index() {
        let mut c = Connections::default();
        c.insert(name(1, 7), record(100));
        c.insert(name(2, 7), record(100));
        assert_eq!(
            c.with_id("c7").cloned().collect::<Vec<_>>(),
            vec![name(1, 7), name(2, 7)],
            "both connections of a migration share the id (NEG-15)"
        );
        c.remove(&name(1, 7));
        assert_eq!(
            c.with_id("c7").cloned().collect::<Vec<_>>(),
            vec![name(2, 7)]
        );
        c.remove(&name(2, 7));
        assert!(
            !c.has_id("c7"),
            "CONN-12: the last connection of the id is gone"
        );
    }

    #[test]
    fn serialization_is_the_map_and_reading_it_back_rebuilds_the_index()
    -> Result<(), serde_json::Error> {
        let c: Connections = [(name(1, 1), record(100)), (name(2, 2), record(200))]
            .into_iter()
            .collect();
        let json = serde_json::to_value(&c)?;
        assert_eq!(json, serde_json::to_value(&*c)?);
        let back: Connections = serde_json::from_value(json)?;
        assert_eq!(back, c);
        assert!(back.has_id("c2"));
        Ok(())
    }
}
