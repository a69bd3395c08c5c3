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
//! (`BENCHMARKS.md`, "Establishment").
//!
//! Beside it, the bandwidth reserved on each interconnect (CONN-9): the sum
//! of its connections' `bandwidthMbps`, read on every creation (CONN-4) and
//! by the negotiator's choice of interconnect for each of the environment's
//! interconnects (NEG-2), which would otherwise add up every connection.
//!
//! Both are kept by [`ConnectionIndex`], the [`Index`] of the generic
//! [`Indexed`] map, which tells it of every record that enters or leaves
//! the map, a change in place included: neither can drift.

use imbl::{OrdMap, OrdSet};
use interconnect_core::names::{ConnectionName, InterconnectName};
use interconnect_core::wire::ConnectionType;

use super::ConnectionRecord;
use super::indexed::{Index, Indexed, ValueMut};

/// Connections by name, indexed by id, with the bandwidth reserved on each
/// interconnect. Serialized as the map alone; the index is rebuilt when
/// read back.
pub type Connections = Indexed<ConnectionName, ConnectionRecord, ConnectionIndex>;

/// A connection record being changed in place ([`Indexed::get_mut`]); the
/// interconnect's reserved total follows its `bandwidthMbps` when the
/// guard is dropped.
pub type ConnectionMut<'a> = ValueMut<'a, ConnectionName, ConnectionRecord, ConnectionIndex>;

/// The index of [`Connections`]: the names of the connections of each id,
/// and the bandwidth reserved on each interconnect (a total of zero is not
/// kept). Read through the methods of [`Connections`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectionIndex {
    by_id: OrdMap<String, OrdSet<ConnectionName>>,
    reserved: OrdMap<InterconnectName, i64>,
}

/// The bandwidth a connection reserves (CONN-9): its `bandwidthMbps`,
/// except that TEST and MONITORING connections count against no capacity
/// (CONN-41, CONN-44; upstream-next `common.yaml#/ConnectionType`).
fn mbps(record: &ConnectionRecord) -> i64 {
    match record.connection.connection_type_or_default() {
        ConnectionType::Test | ConnectionType::Monitoring => 0,
        // STANDARD, and any type this server does not know, count
        _ => record.connection.bandwidth_mbps.map_or(0, i64::from),
    }
}

impl ConnectionIndex {
    /// Adds `delta` to the total of `interconnect`, dropping a zero total.
    fn add(&mut self, interconnect: &InterconnectName, delta: i64) {
        if delta == 0 {
            return;
        }
        let total = self.reserved.get(interconnect).copied().unwrap_or(0) + delta;
        if total == 0 {
            self.reserved.remove(interconnect);
        } else {
            self.reserved.insert(interconnect.clone(), total);
        }
    }
}

impl Index<ConnectionName, ConnectionRecord> for ConnectionIndex {
    fn insert(&mut self, name: &ConnectionName, record: &ConnectionRecord) {
        self.by_id
            .entry(name.id().to_owned())
            .or_default()
            .insert(name.clone());
        self.add(name.interconnect(), mbps(record));
    }

    fn remove(&mut self, name: &ConnectionName, record: &ConnectionRecord) {
        let id = name.id();
        let emptied = self.by_id.get_mut(id).is_some_and(|names| {
            names.remove(name);
            names.is_empty()
        });
        if emptied {
            self.by_id.remove(id);
        }
        self.add(name.interconnect(), -mbps(record));
    }
}

impl Connections {
    /// The bandwidth reserved on `interconnect` by its connections
    /// (CONN-9): a lookup of the running total, not a sum.
    pub fn reserved_mbps(&self, interconnect: &InterconnectName) -> i64 {
        self.index()
            .reserved
            .get(interconnect)
            .copied()
            .unwrap_or(0)
    }

    /// The connections whose id is `id` (at most one per interconnect), in
    /// name order: a lookup of the index, not a scan.
    pub fn with_id<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a ConnectionName> + 'a {
        self.index()
            .by_id
            .get(id)
            .into_iter()
            .flat_map(|names| names.iter())
    }

    /// Whether any connection has the id `id`.
    pub fn has_id(&self, id: &str) -> bool {
        self.index().by_id.contains_key(id)
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
                    Op::Insert(ix, id) => { c.insert(name(ix, id), record(100 * (id as i32 + 1))); }
                    Op::Remove(ix, id) => { c.remove(&name(ix, id)); }
                    Op::Touch(ix, id) => {
                        let n = name(ix, id);
                        if let Some(mut r) = c.get_mut(&n) {
                            r.seen_on_peer = true;
                            // a bandwidth change in place (CONN-18)
                            r.connection.bandwidth_mbps = Some(50 * (ix as i32 + id as i32));
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
                let ids: Vec<_> = snapshot.index().by_id.keys().cloned().collect();
                let mut expected: Vec<_> = snapshot.keys().map(|n| n.id().to_owned()).collect();
                expected.sort();
                expected.dedup();
                prop_assert_eq!(ids, expected, "no empty entry is left in the index");
                for ix in 0..3 {
                    let ix = name(ix, 0).interconnect().clone();
                    let summed: i64 = snapshot
                        .values()
                        .zip(snapshot.keys())
                        .filter(|(_, n)| n.interconnect() == &ix)
                        .filter_map(|(r, _)| r.connection.bandwidth_mbps)
                        .map(i64::from)
                        .sum();
                    prop_assert_eq!(snapshot.reserved_mbps(&ix), summed, "CONN-9");
                }
                prop_assert!(!snapshot.index().reserved.values().any(|t| *t == 0));
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
        let plain: std::collections::BTreeMap<_, _> =
            c.iter().map(|(n, r)| (n.to_string(), &**r)).collect();
        assert_eq!(json, serde_json::to_value(plain)?);
        let back: Connections = serde_json::from_value(json)?;
        assert_eq!(back, c);
        assert!(back.has_id("c2"));
        Ok(())
    }
}
