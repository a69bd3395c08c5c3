//! [`Indexed`]: a map of [`State`](super::State) with secondary indexes
//! that follow every change of its entries. It is the one type behind
//! [`Connections`](super::Connections) (indexed by connection id, with the
//! bandwidth reserved per interconnect) and [`Features`](super::Features)
//! (indexed by channel, with what each channel uses); each of those files
//! holds only its [`Index`].
//!
//! Each value is kept behind an [`Arc`], so a copy of a node of the
//! persistent map shares the values and only the one being changed is
//! cloned ([`Arc::make_mut`]). The index is told of every value that enters
//! or leaves the map. The map changes only through [`Indexed::insert`],
//! [`Indexed::remove`] and the guard [`Indexed::get_mut`] answers (the
//! value leaves the index when the guard is made and enters it again,
//! changed, when the guard is dropped). Reads go through `Deref` to the
//! map and there is no other way to change it, so an index cannot drift.
//!
//! Serialized as the map alone (the persisted form of `State` is a plain
//! map); the index is rebuilt when it is read back.

use std::fmt::Debug;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use imbl::OrdMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What an [`Indexed`] map keeps beside its entries: it is told of each
/// value that enters or leaves the map, and must end the same whatever the
/// order the entries came in.
pub trait Index<K, V>: Debug + Clone + Default + PartialEq {
    /// `value` is now stored under `key`.
    fn insert(&mut self, key: &K, value: &V);

    /// `value`, stored under `key` until now, is no longer.
    fn remove(&mut self, key: &K, value: &V);
}

/// A map from `K` to `V` with the index `I` of its entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Indexed<K: Ord + Clone, V, I> {
    map: OrdMap<K, Arc<V>>,
    index: I,
}

impl<K: Ord + Clone, V, I: Default> Default for Indexed<K, V, I> {
    fn default() -> Self {
        Indexed {
            map: OrdMap::new(),
            index: I::default(),
        }
    }
}

/// A value of an [`Indexed`] map being changed in place; it enters the
/// index again, as changed, when the guard is dropped.
pub struct ValueMut<'a, K, V, I: Index<K, V>> {
    key: &'a K,
    value: &'a mut V,
    index: &'a mut I,
}

impl<K, V, I: Index<K, V>> Deref for ValueMut<'_, K, V, I> {
    type Target = V;

    fn deref(&self) -> &V {
        self.value
    }
}

impl<K, V, I: Index<K, V>> DerefMut for ValueMut<'_, K, V, I> {
    fn deref_mut(&mut self) -> &mut V {
        self.value
    }
}

impl<K, V, I: Index<K, V>> Drop for ValueMut<'_, K, V, I> {
    fn drop(&mut self) {
        self.index.insert(self.key, self.value);
    }
}

impl<K: Ord + Clone, V: Clone, I: Index<K, V>> Indexed<K, V, I> {
    /// Inserts or replaces the entry `key`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        if let Some(old) = self.map.get(&key) {
            self.index.remove(&key, old);
        }
        self.index.insert(&key, &value);
        self.map
            .insert(key, Arc::new(value))
            .map(Arc::unwrap_or_clone)
    }

    /// Removes the entry `key`; returns its value.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        let removed = self.map.remove(key)?;
        self.index.remove(key, &removed);
        Some(Arc::unwrap_or_clone(removed))
    }

    /// The value of `key`, to change in place (its key cannot change; the
    /// index follows the change when the guard is dropped).
    pub fn get_mut<'a>(&'a mut self, key: &'a K) -> Option<ValueMut<'a, K, V, I>> {
        let value = Arc::make_mut(self.map.get_mut(key)?);
        self.index.remove(key, value);
        Some(ValueMut {
            key,
            value,
            index: &mut self.index,
        })
    }

    /// The index, to read.
    pub(super) fn index(&self) -> &I {
        &self.index
    }
}

impl<K: Ord + Clone, V, I> Deref for Indexed<K, V, I> {
    type Target = OrdMap<K, Arc<V>>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl<K: Ord + Clone, V: Clone, I: Index<K, V>> FromIterator<(K, V)> for Indexed<K, V, I> {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut indexed = Indexed::default();
        for (key, value) in iter {
            indexed.insert(key, value);
        }
        indexed
    }
}

impl<K: Ord + Clone + Serialize, V: Serialize, I> Serialize for Indexed<K, V, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.map.iter().map(|(key, value)| (key, &**value)))
    }
}

impl<'de, K, V, I> Deserialize<'de> for Indexed<K, V, I>
where
    K: Ord + Clone + Deserialize<'de>,
    V: Clone + Deserialize<'de>,
    I: Index<K, V>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = OrdMap::<K, V>::deserialize(deserializer)?;
        Ok(map.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An index of words by their length, with the total of their lengths.
    #[derive(Debug, Clone, Default, PartialEq)]
    struct ByLength {
        keys: OrdMap<usize, imbl::OrdSet<u8>>,
        total: usize,
    }

    impl Index<u8, String> for ByLength {
        fn insert(&mut self, key: &u8, value: &String) {
            self.keys.entry(value.len()).or_default().insert(*key);
            self.total += value.len();
        }

        fn remove(&mut self, key: &u8, value: &String) {
            let emptied = self.keys.get_mut(&value.len()).is_some_and(|keys| {
                keys.remove(key);
                keys.is_empty()
            });
            if emptied {
                self.keys.remove(&value.len());
            }
            self.total -= value.len();
        }
    }

    type Words = Indexed<u8, String, ByLength>;

    /// What the index must be: built again from the map alone.
    fn rebuilt(words: &Words) -> ByLength {
        let mut index = ByLength::default();
        for (key, value) in words.iter() {
            index.insert(key, value);
        }
        index
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, usize),
        Remove(u8),
        Change(u8, usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..6u8, 0..4usize).prop_map(|(k, n)| Op::Insert(k, n)),
            (0..6u8).prop_map(Op::Remove),
            (0..6u8, 0..4usize).prop_map(|(k, n)| Op::Change(k, n)),
        ]
    }

    proptest! {
        #[test]
        fn the_index_equals_a_rebuild_after_any_sequence(ops in prop::collection::vec(op(), 0..60)) {
            let mut words = Words::default();
            let mut snapshots = Vec::new();
            for op in ops {
                let before = words.clone();
                match op {
                    Op::Insert(k, n) => {
                        let old = words.insert(k, "x".repeat(n));
                        prop_assert_eq!(old, before.get(&k).map(|v| (**v).clone()));
                    }
                    Op::Remove(k) => {
                        let removed = words.remove(&k);
                        prop_assert_eq!(removed, before.get(&k).map(|v| (**v).clone()));
                    }
                    Op::Change(k, n) => {
                        if let Some(mut word) = words.get_mut(&k) {
                            word.push_str(&"y".repeat(n));
                        }
                    }
                }
                // an older version keeps its own index (persistent maps)
                snapshots.push(words.clone());
            }
            for snapshot in snapshots.iter().chain([&words]) {
                prop_assert_eq!(snapshot.index(), &rebuilt(snapshot));
            }
        }
    }

    #[test]
    fn serialization_is_the_map_alone_and_reading_it_back_rebuilds_the_index()
    -> Result<(), serde_json::Error> {
        let words: Words = [(1, "ab".to_owned()), (2, "abc".to_owned())]
            .into_iter()
            .collect();
        let json = serde_json::to_value(&words)?;
        assert_eq!(json, serde_json::json!({"1": "ab", "2": "abc"}));
        let back: Words = serde_json::from_value(json)?;
        assert_eq!(back, words);
        assert_eq!(back.index().total, 5);
        Ok(())
    }
}
