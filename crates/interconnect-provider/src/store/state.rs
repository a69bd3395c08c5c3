//! The data model of a reference provider's dynamic resources.
//!
//! Names are the keys: every connection, feature, MACsec key and issue lives
//! under the namespace of the partner that called (`providers/{partner}/...`,
//! `ARCHITECTURE.md`, "The protocol in one paragraph"), so a lookup by
//! name is already scoped to one partner (AUTH-3). Maps are ordered by name, which is
//! the order of every list (LIST-7).
//!
//! The maps are persistent B-trees ([`imbl::OrdMap`], [`imbl::OrdSet`]):
//! cloning a [`State`] shares every node, and a change copies only the path
//! to the entry it touches, so a transaction's draft copy
//! ([`MemoryStore`](super::MemoryStore)) costs O(1) and each change
//! O(log n) instead of a copy of every record (`BENCHMARKS.md`,
//! "Establishment").

use chrono::{DateTime, Utc};
use imbl::{OrdMap, OrdSet};
use interconnect_core::names::{
    ChannelName, ConnectionName, EnvironmentName, FeatureName, InterconnectName, IssueName,
    MacSecKeyName, ProviderName,
};
use interconnect_core::wire::{
    Comment, Connection, Feature, Issue, MacSecKey, MaintenanceEvent, Secret,
};
use serde::{Deserialize, Serialize};

use super::{Connections, Features};

/// Everything a reference provider stores besides its configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// Activation keys this server issued, by shared connection UUID (lower case).
    pub issued_keys: OrdMap<String, IssuedKey>,
    /// Connections, by name, indexed by id ([`Connections`]; each record
    /// behind an `Arc`, as the features).
    pub connections: Connections,
    /// Features, by name, indexed by channel ([`Features`]; each record
    /// behind an `Arc`, so a change copies one record, not its neighbours).
    pub features: Features,
    /// MACsec keys held for channels, by name.
    pub mac_sec_keys: OrdMap<MacSecKeyName, MacSecKeyRecord>,
    /// Per-channel dynamic state (maintenance, rotations), by name.
    pub channels: OrdMap<ChannelName, ChannelRecord>,
    /// Issues, by name.
    pub issues: OrdMap<IssueName, IssueRecord>,
    /// Connections whose in-flight update (`ConnectionRecord::update_in_flight`)
    /// was started by this server's own side; any other in-flight update was
    /// started by the partner and ends with its `NotifyConnectionStatus`
    /// (CONN-17, CONN-19).
    #[serde(default)]
    pub local_updates: OrdSet<ConnectionName>,
    /// This provider's own side of each connection, by shared connection
    /// UUID (lower case): role, progress, customer (issue 5 workflows).
    #[serde(default)]
    pub workflows: super::Workflows,
    /// Operator work in progress: maintenance pushes and pulls, MACsec
    /// rotation runs (issue 5, operator side).
    #[serde(default)]
    pub operator: super::OperatorState,
    /// Outcomes of mutations made with a `requestId`, for replays (REQ-3,
    /// REQ-5).
    #[serde(default)]
    pub request_records: super::RequestRecords,
    /// The RSA key pairs of each environment for version 2 activation
    /// keys (KEY-41, KEY-42, E-207): in the store, so that a restart keeps
    /// decrypting keys made with the public keys already served, and every
    /// replica of a shared store serves and reads the same keys. A durable
    /// store seals every record (the private keys with it).
    #[serde(default)]
    pub activation_key_rings: OrdMap<EnvironmentName, KeyRing>,
}

/// The version 2 activation key pairs of one environment, newest first
/// (`reference/key_pairs.rs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyRing {
    /// The start of the first rotation slot (slots are one rotation period
    /// long, counted from here).
    pub epoch: DateTime<Utc>,
    /// The pairs of the most recent slots, newest first.
    pub pairs: Vec<StoredKeyPair>,
}

/// One RSA key pair of a [`KeyRing`]. `Debug` shows no key material.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredKeyPair {
    /// The rotation slot it was made in.
    pub slot: i64,
    /// The private key, PKCS#8 PEM.
    pub private_key_pem: Secret,
    /// The public key, SubjectPublicKeyInfo PEM (what is served).
    pub public_key_pem: String,
}

/// The smallest valid resource id: every id is made of unreserved
/// characters (`names::segment`), of which `-` sorts first, so every id is
/// `>=` this one.
const SMALLEST_ID: &str = "-";

impl State {
    /// The features of connection `connection`, in name order: a range of
    /// the map (names order by connection first), not a scan of every
    /// feature.
    pub fn features_of_connection<'a>(
        &'a self,
        connection: &'a ConnectionName,
    ) -> impl Iterator<Item = (&'a FeatureName, &'a FeatureRecord)> + 'a {
        let from = connection.feature(SMALLEST_ID).ok();
        from.into_iter().flat_map(move |from| {
            self.features
                .range(from..)
                .take_while(move |(name, _)| name.connection() == connection)
                .map(|(name, record)| (name, &**record))
        })
    }

    /// The connections of interconnect `interconnect`, in name order: a
    /// range of the map, not a scan of every connection (CONN-4 and the
    /// choice of interconnect read it on every creation).
    pub fn connections_of_interconnect<'a>(
        &'a self,
        interconnect: &'a InterconnectName,
    ) -> impl Iterator<Item = (&'a ConnectionName, &'a ConnectionRecord)> + 'a {
        let from = interconnect.connection(SMALLEST_ID).ok();
        from.into_iter().flat_map(move |from| {
            self.connections
                .range(from..)
                .take_while(move |(name, _)| name.interconnect() == interconnect)
                .map(|(name, record)| (name, &**record))
        })
    }

    /// The features of every connection of interconnect `interconnect`, in
    /// name order (a range of the map, as above).
    pub fn features_of_interconnect<'a>(
        &'a self,
        interconnect: &'a InterconnectName,
    ) -> impl Iterator<Item = (&'a FeatureName, &'a FeatureRecord)> + 'a {
        let from = interconnect
            .connection(SMALLEST_ID)
            .and_then(|c| c.feature(SMALLEST_ID))
            .ok();
        from.into_iter().flat_map(move |from| {
            self.features
                .range(from..)
                .take_while(move |(name, _)| name.connection().interconnect() == interconnect)
                .map(|(name, record)| (name, &**record))
        })
    }
}

/// An activation key this server issued (KEY-14..KEY-19).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedKey {
    /// The environment the key is for, under the partner's namespace here.
    pub environment: EnvironmentName,
    /// The shared connection UUID, lower case (secret: never logged).
    pub shared_connection_uuid: Secret,
    /// `connectionSizeMbps`.
    pub connection_size_mbps: i32,
    /// `destinationAccountId` (secret).
    pub destination_account_id: Secret,
    /// The exact text handed to the customer (secret, KEY-12).
    pub encoded: Secret,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops being confirmable (KEY-16).
    pub expires_at: DateTime<Utc>,
    /// The partner that confirmed it, once confirmed (KEY-19).
    pub confirmed_by: Option<ProviderName>,
    /// Set when the key was revoked (its intent or connection deleted, CONN-12).
    pub revoked: bool,
}

impl IssuedKey {
    /// A placeholder record for store tests.
    #[cfg(test)]
    pub(crate) fn for_tests(uuid: &str) -> Self {
        IssuedKey {
            environment: "providers/gcp/environments/e"
                .parse()
                .expect("valid literal"),
            shared_connection_uuid: Secret::new(uuid),
            connection_size_mbps: 1000,
            destination_account_id: Secret::new("acct"),
            encoded: Secret::new("key"),
            issued_at: DateTime::<Utc>::UNIX_EPOCH,
            expires_at: DateTime::<Utc>::UNIX_EPOCH,
            confirmed_by: None,
            revoked: false,
        }
    }
}

/// A connection and what the server knows about it beyond the wire resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionRecord {
    /// The resource as served (server-set members filled in).
    pub connection: Connection,
    /// When this server created it (CONN-13, CONN-14).
    pub created_at: DateTime<Utc>,
    /// Whether this server negotiates it (it accepted a deferral, or it
    /// created the connection as key receiver).
    pub negotiator_here: bool,
    /// Set while an update from either side is in flight (CONN-17).
    pub update_in_flight: Option<DateTime<Utc>>,
    /// The notifications received from the partner (CONN-20).
    pub notifications_received: Vec<NotificationRecord>,
    /// Whether the partner's copy of the connection was seen to exist
    /// (a connection seen on one side only is cleaned up, CONN-14).
    pub seen_on_peer: bool,
}

/// One `NotifyConnectionStatus` received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationRecord {
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Who sent it.
    pub from: ProviderName,
}

/// A feature and its reservations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureRecord {
    /// The resource as accepted (server-set members filled in).
    pub feature: Feature,
    /// When it was accepted.
    pub created_at: DateTime<Utc>,
}

/// A MACsec key held for a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MacSecKeyRecord {
    /// The key with its CAK and CKN (never served with its CAK, MACSEC-15).
    pub key: MacSecKey,
    /// Who created it (the channel's manager).
    pub created_by: ProviderName,
}

/// Dynamic state of a channel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelRecord {
    /// This server's own maintenance events on the channel (MAINT-1).
    pub maintenance_events: Vec<MaintenanceEvent>,
    /// The partner's events, as last pulled after its `NotifyMaintenance`.
    pub peer_maintenance_events: Vec<MaintenanceEvent>,
    /// When the partner last sent `NotifyMaintenance` for the channel.
    pub maintenance_notified_at: Option<DateTime<Utc>>,
    /// When the last rotation on the channel ended (MACSEC-6).
    pub last_rotation_ended_at: Option<DateTime<Utc>>,
    /// When the partner last asked for a key rotation (MACSEC-16).
    pub rotation_requested_at: Option<DateTime<Utc>>,
}

/// An issue and its comments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueRecord {
    /// The issue as served.
    pub issue: Issue,
    /// Its comments in the order they were added (served newest first, ISSUE-11).
    pub comments: Vec<Comment>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> FeatureRecord {
        FeatureRecord {
            feature: Feature::default(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn ranges_of_features_hold_exactly_their_connection_or_interconnect()
    -> Result<(), Box<dyn std::error::Error>> {
        let env: EnvironmentName = "providers/gcp/environments/e".parse()?;
        let mut state = State::default();
        // ids at both ends of the unreserved alphabet, and neighbours that
        // share a prefix with the connection id
        let mut all = Vec::new();
        for ix in ["ix1", "ix1-", "ix0", "ix2"] {
            let ix = env.interconnect(ix)?;
            for conn in ["-", "c", "c-", "c.", "C", "0", "~"] {
                let conn = ix.connection(conn)?;
                for f in ["-", "a", "Z", "~"] {
                    let name = conn.feature(f)?;
                    state.features.insert(name.clone(), record());
                    all.push(name);
                }
            }
        }
        let ix1 = env.interconnect("ix1")?;
        let c = ix1.connection("c")?;
        let of_c: Vec<_> = state
            .features_of_connection(&c)
            .map(|(n, _)| n.clone())
            .collect();
        let expected: Vec<_> = all
            .iter()
            .filter(|n| n.connection() == &c)
            .cloned()
            .collect();
        let mut expected = expected;
        expected.sort();
        assert_eq!(of_c.len(), 4);
        assert_eq!(of_c, expected);
        let of_ix1: Vec<_> = state
            .features_of_interconnect(&ix1)
            .map(|(n, _)| n.clone())
            .collect();
        let mut expected: Vec<_> = all
            .iter()
            .filter(|n| n.connection().interconnect() == &ix1)
            .cloned()
            .collect();
        expected.sort();
        assert_eq!(of_ix1.len(), 28);
        assert_eq!(of_ix1, expected);
        Ok(())
    }

    #[test]
    fn the_range_of_connections_holds_exactly_the_interconnects()
    -> Result<(), Box<dyn std::error::Error>> {
        let env: EnvironmentName = "providers/gcp/environments/e".parse()?;
        let mut state = State::default();
        let mut all = Vec::new();
        for ix in ["ix1", "ix1-", "ix0", "ix2", "ix1.a"] {
            let ix = env.interconnect(ix)?;
            for conn in ["-", "c", "c-", "C", "0", "~"] {
                let name = ix.connection(conn)?;
                state.connections.insert(
                    name.clone(),
                    ConnectionRecord {
                        connection: Connection::default(),
                        created_at: DateTime::<Utc>::UNIX_EPOCH,
                        negotiator_here: false,
                        update_in_flight: None,
                        notifications_received: Vec::new(),
                        seen_on_peer: false,
                    },
                );
                all.push(name);
            }
        }
        let ix1 = env.interconnect("ix1")?;
        let got: Vec<_> = state
            .connections_of_interconnect(&ix1)
            .map(|(n, _)| n.clone())
            .collect();
        let mut expected: Vec<_> = all
            .into_iter()
            .filter(|n| n.interconnect() == &ix1)
            .collect();
        expected.sort();
        assert_eq!(
            got.len(),
            6,
            "CONN-9 counts every connection of the interconnect"
        );
        assert_eq!(got, expected);
        Ok(())
    }
}
