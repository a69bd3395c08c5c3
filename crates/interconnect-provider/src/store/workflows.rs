//! The workflows map of [`State`](super::State): one [`Workflow`] per
//! shared connection UUID, each behind an [`Arc`].
//!
//! A change of a persistent map copies the nodes on the path to the entry
//! it touches, and a node holds many entries; a workflow is large (its
//! customer, its channels, up to [`MAX_EVENTS`](super::MAX_EVENTS) history
//! lines) and is changed many times per establishment, so copying the
//! workflows beside it dominated every step (`BENCHMARKS.md`,
//! "Establishment"). Behind an `Arc`, a copied node shares them and only
//! the workflow being changed is cloned ([`Arc::make_mut`]).

use std::sync::Arc;

use imbl::OrdMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Workflow;

/// Workflows by shared connection UUID (lower case). Serialized as a map
/// of workflows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workflows {
    map: OrdMap<String, Arc<Workflow>>,
}

impl Workflows {
    /// The workflow of `uuid`.
    pub fn get(&self, uuid: &str) -> Option<&Workflow> {
        self.map.get(uuid).map(|wf| &**wf)
    }

    /// The workflow of `uuid`, to change in place (cloned first when an
    /// older version of the state still shares it).
    pub fn get_mut(&mut self, uuid: &str) -> Option<&mut Workflow> {
        self.map.get_mut(uuid).map(Arc::make_mut)
    }

    /// The workflow of `uuid`, inserting `new()` when there is none.
    pub fn get_or_insert_with(
        &mut self,
        uuid: String,
        new: impl FnOnce() -> Workflow,
    ) -> &mut Workflow {
        Arc::make_mut(self.map.entry(uuid).or_insert_with(|| Arc::new(new())))
    }

    /// Inserts or replaces the workflow of `uuid`; returns the one replaced.
    pub fn insert(&mut self, uuid: String, workflow: Workflow) -> Option<Workflow> {
        self.map
            .insert(uuid, Arc::new(workflow))
            .map(Arc::unwrap_or_clone)
    }

    /// Removes the workflow of `uuid`; returns it.
    pub fn remove(&mut self, uuid: &str) -> Option<Workflow> {
        self.map.remove(uuid).map(Arc::unwrap_or_clone)
    }

    /// Whether `uuid` has a workflow.
    pub fn contains_key(&self, uuid: &str) -> bool {
        self.map.contains_key(uuid)
    }

    /// How many workflows there are.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The map itself, each workflow behind its `Arc`: a durable store
    /// compares two versions of it with [`OrdMap::diff`], which skips the
    /// nodes they share.
    pub fn as_map(&self) -> &OrdMap<String, Arc<Workflow>> {
        &self.map
    }

    /// Every workflow with its UUID, in UUID order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Workflow)> {
        self.map.iter().map(|(uuid, wf)| (uuid, &**wf))
    }

    /// The workflows whose UUID sorts after `uuid` (all of them for
    /// `None`), in UUID order: a range of the map, not a scan.
    pub fn after<'a>(
        &'a self,
        uuid: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a String, &'a Workflow)> + 'a {
        use std::ops::Bound;
        let from = uuid.map_or(Bound::Unbounded, Bound::Excluded);
        self.map
            .range::<_, str>((from, Bound::Unbounded))
            .map(|(uuid, wf)| (uuid, &**wf))
    }
}

impl FromIterator<(String, Workflow)> for Workflows {
    fn from_iter<I: IntoIterator<Item = (String, Workflow)>>(iter: I) -> Self {
        Workflows {
            map: iter
                .into_iter()
                .map(|(uuid, wf)| (uuid, Arc::new(wf)))
                .collect(),
        }
    }
}

impl Serialize for Workflows {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Workflows {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = OrdMap::<String, Workflow>::deserialize(deserializer)?;
        Ok(map.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Phase, Role};
    use chrono::{DateTime, Utc};

    fn workflow() -> Workflow {
        Workflow::new(
            Role::Negotiator,
            Phase::Features,
            "providers/gcp/environments/e"
                .parse()
                .expect("a valid literal"),
            1000,
            DateTime::<Utc>::UNIX_EPOCH,
        )
    }

    #[test]
    fn a_change_is_not_seen_by_an_older_state_and_serialization_is_a_map()
    -> Result<(), serde_json::Error> {
        let mut w = Workflows::default();
        w.insert("u".into(), workflow());
        let before = w.clone();
        if let Some(wf) = w.get_mut("u") {
            wf.phase = Phase::Verified;
        }
        assert_eq!(before.get("u").map(|wf| wf.phase), Some(Phase::Features));
        assert_eq!(w.get("u").map(|wf| wf.phase), Some(Phase::Verified));
        let json = serde_json::to_value(&w)?;
        assert_eq!(json["u"]["phase"], "verified");
        let back: Workflows = serde_json::from_value(json)?;
        assert_eq!(back, w);
        assert_eq!(w.remove("u").map(|wf| wf.phase), Some(Phase::Verified));
        assert!(w.is_empty() && before.contains_key("u"));
        Ok(())
    }

    #[test]
    fn after_starts_past_the_cursor_in_uuid_order() {
        let w: Workflows = ["c", "a", "b"]
            .into_iter()
            .map(|u| (u.to_owned(), workflow()))
            .collect();
        let ids = |from: Option<&str>| w.after(from).map(|(u, _)| u.clone()).collect::<Vec<_>>();
        assert_eq!(ids(None), ["a", "b", "c"]);
        assert_eq!(ids(Some("a")), ["b", "c"]);
        assert_eq!(ids(Some("b0")), ["c"]);
        assert!(ids(Some("c")).is_empty());
    }
}
