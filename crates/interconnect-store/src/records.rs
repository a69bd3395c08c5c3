//! The records of a [`State`]: which parts of the state become rows, how a
//! transaction's changes are found, and how rows are put back into a state.
//!
//! Each entry of each map of [`State`] is one record `(kind, name, body)`;
//! the kinds are listed in [`Kind`]. The operator's work in progress
//! ([`OperatorState`](interconnect_provider::store::OperatorState)) is one
//! record; each environment's ring of activation key pairs is one record
//! (sealed like every body: the private keys are never stored in the
//! clear). Derived indexes (connections by id and the bandwidth reserved per
//! interconnect, features by channel and the VLANs and subnets used per
//! channel, request records by time) are never stored: putting a record
//! back goes through the same `insert` that maintains them in memory, so
//! they are rebuilt from the records.
//!
//! The changes of a transaction are found by comparing the state before and
//! after it map by map with [`OrdMap::diff`], which skips the nodes the two
//! versions share: the cost follows the size of the change, not of the state.

use std::sync::Arc;

use imbl::OrdMap;
use imbl::ordmap::DiffItem;
use imbl::ordset::DiffItem as SetDiffItem;
use interconnect_provider::store::State;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::StoreError;

/// The kinds of records, one per map of [`State`]. The text of a kind is
/// what the `kind` column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    IssuedKey,
    Connection,
    Feature,
    MacSecKey,
    Channel,
    Issue,
    LocalUpdate,
    Workflow,
    Operator,
    RequestRecord,
    ActivationKeyRing,
}

impl Kind {
    pub(crate) const ALL: [Kind; 11] = [
        Kind::IssuedKey,
        Kind::Connection,
        Kind::Feature,
        Kind::MacSecKey,
        Kind::Channel,
        Kind::Issue,
        Kind::LocalUpdate,
        Kind::Workflow,
        Kind::Operator,
        Kind::RequestRecord,
        Kind::ActivationKeyRing,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::IssuedKey => "issued_key",
            Kind::Connection => "connection",
            Kind::Feature => "feature",
            Kind::MacSecKey => "mac_sec_key",
            Kind::Channel => "channel",
            Kind::Issue => "issue",
            Kind::LocalUpdate => "local_update",
            Kind::Workflow => "workflow",
            Kind::Operator => "operator",
            Kind::RequestRecord => "request_record",
            Kind::ActivationKeyRing => "activation_key_ring",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One changed record: its name (canonical JSON text) and its new content
/// (JSON text), `None` when it was removed. Both are written once, straight
/// to text: the row's body is put together from them
/// ([`Change::entry_text`]) without a tree of values in between.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    pub(crate) kind: Kind,
    pub(crate) name: String,
    pub(crate) record: Option<Vec<u8>>,
}

impl Change {
    /// The [`Entry`] of this change as JSON text: `{"name":..}` or
    /// `{"name":..,"record":..}`.
    pub(crate) fn entry_text(&self) -> Vec<u8> {
        let record = self.record.as_deref().unwrap_or_default();
        let mut out = Vec::with_capacity(self.name.len() + record.len() + 20);
        out.extend_from_slice(b"{\"name\":");
        out.extend_from_slice(self.name.as_bytes());
        if let Some(record) = &self.record {
            out.extend_from_slice(b",\"record\":");
            out.extend_from_slice(record);
        }
        out.push(b'}');
        out
    }
}

/// The body of a row before sealing: the name (the row key is a hash of
/// it) and the record, absent for a removal.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Entry {
    pub(crate) name: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) record: Option<Value>,
}

fn json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Corrupt(format!("cannot write: {e}")))
}

fn name_text<K: Serialize>(name: &K) -> Result<String, StoreError> {
    serde_json::to_string(name).map_err(|e| StoreError::Corrupt(format!("cannot write: {e}")))
}

fn diff_map<K, V, T>(
    kind: Kind,
    before: &OrdMap<K, V>,
    after: &OrdMap<K, V>,
    project: impl Fn(&V) -> &T,
    out: &mut Vec<Change>,
) -> Result<(), StoreError>
where
    K: Ord + Clone + Serialize,
    V: Clone + PartialEq,
    T: Serialize + ?Sized,
{
    for item in before.diff(after) {
        let (name, record) = match item {
            DiffItem::Add(k, v) | DiffItem::Update { new: (k, v), .. } => {
                (k, Some(json(project(v))?))
            }
            DiffItem::Remove(k, _) => (k, None),
        };
        out.push(Change {
            kind,
            name: name_text(name)?,
            record,
        });
    }
    Ok(())
}

/// The records that differ between `before` and `after`.
pub(crate) fn diff(before: &State, after: &State) -> Result<Vec<Change>, StoreError> {
    // Destructured without `..`: a field added to `State` does not compile
    // here until it is given a kind.
    let State {
        issued_keys,
        connections,
        features,
        mac_sec_keys,
        channels,
        issues,
        local_updates,
        workflows,
        operator,
        request_records,
        activation_key_rings,
    } = after;
    let mut out = Vec::new();
    diff_map(
        Kind::IssuedKey,
        &before.issued_keys,
        issued_keys,
        |v| v,
        &mut out,
    )?;
    diff_map(
        Kind::Connection,
        &before.connections,
        connections,
        |v: &Arc<_>| &**v,
        &mut out,
    )?;
    diff_map(
        Kind::Feature,
        &before.features,
        features,
        |v: &Arc<_>| &**v,
        &mut out,
    )?;
    diff_map(
        Kind::MacSecKey,
        &before.mac_sec_keys,
        mac_sec_keys,
        |v| v,
        &mut out,
    )?;
    diff_map(Kind::Channel, &before.channels, channels, |v| v, &mut out)?;
    diff_map(Kind::Issue, &before.issues, issues, |v| v, &mut out)?;
    for item in before.local_updates.diff(local_updates) {
        let (name, record) = match item {
            SetDiffItem::Add(k) => (k, Some(b"true".to_vec())),
            SetDiffItem::Remove(k) => (k, None),
        };
        out.push(Change {
            kind: Kind::LocalUpdate,
            name: name_text(name)?,
            record,
        });
    }
    diff_map(
        Kind::Workflow,
        before.workflows.as_map(),
        workflows.as_map(),
        |v: &Arc<_>| &**v,
        &mut out,
    )?;
    if &before.operator != operator {
        out.push(Change {
            kind: Kind::Operator,
            name: name_text(&"")?,
            record: Some(json(operator)?),
        });
    }
    diff_map(
        Kind::RequestRecord,
        before.request_records.as_map(),
        request_records.as_map(),
        |v| v,
        &mut out,
    )?;
    diff_map(
        Kind::ActivationKeyRing,
        &before.activation_key_rings,
        activation_key_rings,
        |v| v,
        &mut out,
    )?;
    Ok(out)
}

fn read<T: DeserializeOwned>(kind: Kind, value: Value) -> Result<T, StoreError> {
    serde_json::from_value(value)
        .map_err(|e| StoreError::Corrupt(format!("a {} record: {e}", kind.as_str())))
}

/// Puts one record back into `state` (or removes it), through the same
/// methods a transaction uses, so derived indexes follow.
pub(crate) fn apply(state: &mut State, kind: Kind, entry: Entry) -> Result<(), StoreError> {
    let Entry { name, record } = entry;
    match kind {
        Kind::IssuedKey => put(&mut state.issued_keys, kind, name, record),
        Kind::MacSecKey => put(&mut state.mac_sec_keys, kind, name, record),
        Kind::Channel => put(&mut state.channels, kind, name, record),
        Kind::Issue => put(&mut state.issues, kind, name, record),
        Kind::ActivationKeyRing => put(&mut state.activation_key_rings, kind, name, record),
        Kind::Connection => {
            let name = read(kind, name)?;
            match record {
                Some(r) => {
                    state.connections.insert(name, read(kind, r)?);
                }
                None => {
                    state.connections.remove(&name);
                }
            }
            Ok(())
        }
        Kind::Feature => {
            let name = read(kind, name)?;
            match record {
                Some(r) => {
                    state.features.insert(name, read(kind, r)?);
                }
                None => {
                    state.features.remove(&name);
                }
            }
            Ok(())
        }
        Kind::LocalUpdate => {
            let name = read(kind, name)?;
            match record {
                Some(_) => {
                    state.local_updates.insert(name);
                }
                None => {
                    state.local_updates.remove(&name);
                }
            }
            Ok(())
        }
        Kind::Workflow => {
            let name: String = read(kind, name)?;
            match record {
                Some(r) => {
                    state.workflows.insert(name, read(kind, r)?);
                }
                None => {
                    state.workflows.remove(&name);
                }
            }
            Ok(())
        }
        Kind::Operator => {
            state.operator = match record {
                Some(r) => read(kind, r)?,
                None => Default::default(),
            };
            Ok(())
        }
        Kind::RequestRecord => {
            let name: String = read(kind, name)?;
            match record {
                Some(r) => state.request_records.restore(name, read(kind, r)?),
                None => {
                    state.request_records.remove(&name);
                }
            }
            Ok(())
        }
    }
}

fn put<K, V>(
    map: &mut OrdMap<K, V>,
    kind: Kind,
    name: Value,
    record: Option<Value>,
) -> Result<(), StoreError>
where
    K: Ord + Clone + DeserializeOwned,
    V: Clone + DeserializeOwned,
{
    let name: K = read(kind, name)?;
    match record {
        Some(r) => {
            map.insert(name, read(kind, r)?);
        }
        None => {
            map.remove(&name);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_text_reads_back_as_the_entry() {
        let live = Change {
            kind: Kind::Workflow,
            name: name_text(&"a \"quoted\" name").expect("a name"),
            record: Some(
                json(&serde_json::json!({"phase": "verified", "n": [1, 2]})).expect("json"),
            ),
        };
        let entry: Entry = serde_json::from_slice(&live.entry_text()).expect("an entry");
        assert_eq!(entry.name, Value::from("a \"quoted\" name"));
        assert_eq!(
            entry.record,
            Some(serde_json::json!({"phase": "verified", "n": [1, 2]}))
        );
        let removed = Change {
            record: None,
            ..live
        };
        let entry: Entry = serde_json::from_slice(&removed.entry_text()).expect("an entry");
        assert_eq!(entry.record, None, "a removal has no record");
    }
}
