//! Operator work in progress, kept in the store so a task that runs again
//! (or after a restart) continues where the last one stopped: the retry
//! state of maintenance pushes and pulls (`docs/Protocols.md` § Maintenance
//! Coordination, MAINT-4) and the MACsec rotation runs (§ MACsec Key
//! Rotation, MACSEC-18..MACSEC-24). See [`crate::operator`].

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use interconnect_core::names::{ChannelName, InterconnectName, MacSecKeyName};
use serde::{Deserialize, Serialize};

use super::RetryState;

/// Everything the operator side keeps between task runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatorState {
    /// Retry state of operator calls to the peer, by task key
    /// (`notify:{channel}`, `pull:{channel}`, `rotate:{interconnect}`).
    #[serde(default)]
    pub retries: BTreeMap<String, RetryState>,
    /// MACsec rotation runs, by interconnect (this side's name for it).
    #[serde(default)]
    pub rotations: BTreeMap<InterconnectName, RotationRun>,
    /// Where the peer check (RECON-1) goes on: the shared connection UUID
    /// of the last workflow its previous pass looked at (`None`: from the
    /// first one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_check_cursor: Option<String>,
}

/// The rotation of the channels of one interconnect that this side
/// manages, one channel at a time (MACSEC-23).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationRun {
    /// Channels still to rotate, in order.
    pub queue: Vec<ChannelName>,
    /// The channel being rotated now, if any.
    pub current: Option<ChannelRotation>,
    /// No channel starts before this time (the bake time after the last
    /// rotation, MACSEC-6).
    pub not_before: Option<DateTime<Utc>>,
    /// Every channel rotation of the run, in order.
    pub history: Vec<RotationRecord>,
}

/// The rotation of one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelRotation {
    /// The channel (this side's name).
    pub channel: ChannelName,
    /// The key being replaced (this side's name), if the channel had one.
    pub old_key: Option<MacSecKeyName>,
    /// The new key (this side's name).
    pub new_key: MacSecKeyName,
    /// The last step done.
    pub step: RotationStep,
    /// When the rotation started.
    pub started_at: DateTime<Utc>,
}

/// The steps of a channel rotation, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RotationStep {
    /// The new key is on this side's devices in standby (MACSEC-19).
    InstalledLocally,
    /// The peer accepted the new key (`CreateMacSecKey`).
    CreatedOnPeer,
    /// This side's devices use the new key.
    ActiveLocally,
    /// The peer deleted the old key (MACSEC-18).
    OldDeletedOnPeer,
}

/// How one channel rotation went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationRecord {
    /// The channel (this side's name).
    pub channel: ChannelName,
    /// The new key's id.
    pub new_key_id: String,
    /// When the rotation started (the new key was installed locally).
    pub started_at: DateTime<Utc>,
    /// When it ended: the old key deleted on both sides, or the new key
    /// abandoned.
    pub ended_at: Option<DateTime<Utc>>,
    /// Whether the new key was abandoned (MACSEC-24: the next attempt uses
    /// a fresh key).
    pub abandoned: bool,
}
