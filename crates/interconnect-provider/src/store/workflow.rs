//! What a provider remembers of its own side of each connection: its role,
//! how far the protocol has come, the customer who asked for it, and the
//! retry state of the next call to the peer. One record per shared
//! connection UUID, kept in the same store as the resources so that a step
//! and the record of it commit together (nothing is left half created
//! without a record, `docs/Protocols.md` § Negotiate Feature Parameters,
//! NEG-16).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use interconnect_core::customer::Attachment;
use interconnect_core::names::{ConnectionName, EnvironmentName, InterconnectName};
use interconnect_core::wire::Secret;
use serde::{Deserialize, Serialize};

/// This provider's role in a connection (NEG-1, DEFER-*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// It drives the negotiation: it received the key and did not defer, or
    /// it accepted a deferral.
    Negotiator,
    /// It answers the negotiator: it issued the key (or deferred).
    Responder,
}

/// How far a connection's workflow has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    /// Key issued; waiting for the key receiver's `CreateConnection`.
    AwaitingPeer,
    /// Local connection created; `CreateConnection` on the peer is next.
    CreatingRemote,
    /// Connection on both sides; features are being agreed (negotiator).
    Features,
    /// Features agreed; provisioning, notifying and verifying.
    Provisioning,
    /// Verified on this side (NEG-13).
    Verified,
    /// Was verified, but the peer no longer shows the connection or one of
    /// its features (RECON-2): this side stops treating it as verified
    /// until the peer shows them again (RECON-3) or the customer deletes
    /// it; [`Workflow::degradation`] says what is missing.
    Degraded,
    /// The customer deleted it; telling the peer (CONN-28).
    Deleting,
    /// Gone on this side.
    Deleted,
    /// Given up; `failure` says why. Nothing is left on this side.
    Failed,
}

impl Phase {
    /// Every phase, in the order a workflow goes through them (the metrics
    /// count workflows by phase over this list).
    pub const ALL: [Phase; 9] = [
        Phase::AwaitingPeer,
        Phase::CreatingRemote,
        Phase::Features,
        Phase::Provisioning,
        Phase::Verified,
        Phase::Degraded,
        Phase::Deleting,
        Phase::Deleted,
        Phase::Failed,
    ];

    /// The phase as the customer API spells it (`provisioning`, ...), for
    /// messages: never Rust's `Debug` form.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::AwaitingPeer => "awaitingPeer",
            Phase::CreatingRemote => "creatingRemote",
            Phase::Features => "features",
            Phase::Provisioning => "provisioning",
            Phase::Verified => "verified",
            Phase::Degraded => "degraded",
            Phase::Deleting => "deleting",
            Phase::Deleted => "deleted",
            Phase::Failed => "failed",
        }
    }

    /// Whether the workflow has ended.
    pub fn is_final(self) -> bool {
        matches!(self, Phase::Deleted | Phase::Failed)
    }
}

/// The progress of one channel's feature, on the negotiator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChannelProgress {
    /// No feature agreed yet; `attempt` proposals were made so far.
    Open {
        /// Proposals made for the channel so far.
        attempt: u32,
        /// VLANs the peer refused as in use (409 naming L3-12): its guidance
        /// does not filter them (GUIDE-15), so the next proposal avoids them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        avoid_vlans: Vec<i32>,
    },
    /// The peer accepted the feature of this name (its id).
    Agreed {
        /// The feature id, the same on both sides.
        feature_id: String,
    },
    /// The channel takes no feature: disabled, or the peer refused a
    /// proposal with 400 (never resent, NEG-8). `rule` says why.
    Closed {
        /// The rule that closed it.
        rule: String,
    },
}

/// The customer of a connection at this provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRecord {
    /// The customer's account at this provider (secret).
    pub account: Secret,
    /// The customer's end at this provider.
    pub attachment: Attachment,
    /// The other end, as the customer declared it (for the pair checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_attachment: Option<Attachment>,
}

/// Retry state of the call the workflow is waiting to make (NEG-4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryState {
    /// Failed attempts of the current call.
    pub attempt: u32,
    /// When the first attempt of the current call failed.
    pub since: Option<DateTime<Utc>>,
}

/// One line of a workflow's history, for the customer and the demo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened (never a secret).
    pub what: String,
}

/// The most history lines a workflow keeps.
pub const MAX_EVENTS: usize = 64;

/// A connection as this provider drives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workflow {
    /// This provider's role.
    pub role: Role,
    /// How far it has come.
    pub phase: Phase,
    /// The environment, named as this server names it (under the partner).
    pub environment: EnvironmentName,
    /// The bandwidth wanted.
    pub bandwidth_mbps: i32,
    /// The local connection, once it exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<ConnectionName>,
    /// Interconnects the peer refused with 409 (NEG-3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused_interconnects: Vec<InterconnectName>,
    /// Whether this side deferred the negotiator role to the peer (DEFER-1).
    #[serde(default)]
    pub deferred: bool,
    /// When the deferral times out (DEFER-5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferral_deadline: Option<DateTime<Utc>>,
    /// Per channel (by channel id), the negotiator's progress.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channels: BTreeMap<String, ChannelProgress>,
    /// The features (ids) this side had when its last notification was
    /// acknowledged; `None` until one was (NEG-12, NEG-14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_features: Option<Vec<String>>,
    /// The peer's notifications counted so far.
    #[serde(default)]
    pub peer_notifications_seen: usize,
    /// The customer, when the connection was asked for here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<CustomerRecord>,
    /// The retry state of the pending call to the peer.
    #[serde(default)]
    pub retry: RetryState,
    /// A connection being migrated away from, deleted once this one is
    /// verified (NEG-15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migrating_from: Option<ConnectionName>,
    /// A bandwidth change waiting for the peer (CONN-18).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_bandwidth_mbps: Option<i32>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// What happened, oldest first (at most [`MAX_EVENTS`]).
    #[serde(default)]
    pub events: Vec<WorkflowEvent>,
    /// The peer's `maxReceivedBgpRoutePrefixes`, once learnt from its
    /// guidance: what this side announces at most, and tells its customer
    /// (NEG-17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_prefix_limit: Option<PeerPrefixLimit>,
    /// The peer's copy of a connection this side rolled back, while the
    /// peer has not yet acknowledged its deletion (NEG-16; retried with the
    /// peer retry policy, E-321).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_copy_to_delete: Option<ConnectionName>,
    /// When the peer's guidance may be asked for again after a failed
    /// attempt (NEG-17; the peer retry policy, E-322).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance_retry_at: Option<DateTime<Utc>>,
    /// Failed attempts to learn the peer's guidance in a row.
    #[serde(default)]
    pub guidance_failures: u32,
    /// What the peer no longer shows, while the phase is
    /// [`Phase::Degraded`] (RECON-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degradation: Option<Degradation>,
    /// The `requestId` of each mutation sent to the peer that has not been
    /// answered for good yet, by operation, target and a digest of its
    /// content: every retry of it sends the same id (REQ-2, E-244), a new
    /// operation a new one. At most [`MAX_OPEN_REQUESTS`] are kept.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub open_requests: BTreeMap<String, String>,
    /// The type of connection this side creates at the peer (absent:
    /// STANDARD); MONITORING for the operator's own monitoring connection
    /// (CONN-44, `operator/monitoring.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_type: Option<interconnect_core::wire::ConnectionType>,
    /// With a shared store: the replica running this workflow's step now,
    /// and until when its claim holds (OPS-32).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease: Option<Lease>,
    /// With a shared store: when the replica that ran the last step wants
    /// the next one; a replica finds work a dead replica left by it
    /// (OPS-32).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
}

/// A replica's claim on a workflow (OPS-32).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lease {
    /// The replica ([`ReferenceProvider::replica_id`](crate::ReferenceProvider::replica_id)).
    pub holder: String,
    /// The claim lapses at this time unless renewed.
    pub until: DateTime<Utc>,
}

/// The most [`Workflow::open_requests`] one workflow keeps (the oldest key
/// is dropped first; a workflow has a handful of calls open at most).
pub const MAX_OPEN_REQUESTS: usize = 32;

/// What the peer check found missing at the peer (RECON-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Degradation {
    /// When the peer check first found it.
    pub since: DateTime<Utc>,
    /// What is missing, in words (resource names as this side calls them).
    pub reason: String,
}

/// The peer's prefix limit as learnt from its guidance (NEG-17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerPrefixLimit {
    /// The smallest `maxReceivedBgpRoutePrefixes` of the peer's guidance
    /// entries; `None` when its guidance states no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_received_bgp_route_prefixes: Option<i32>,
    /// The smallest IPv6 limit of the peer's guidance entries: each entry's
    /// `maxReceivedBgpRoutePrefixesIpv6`, or its IPv4 value when the entry
    /// omits it (`L3BaseGuidance`, upstream main). `None` when no entry
    /// states a limit; absent in records written before the member existed,
    /// which then fall back to the IPv4 limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_received_bgp_route_prefixes_ipv6: Option<i32>,
}

impl Workflow {
    /// A new workflow.
    pub fn new(
        role: Role,
        phase: Phase,
        environment: EnvironmentName,
        bandwidth_mbps: i32,
        now: DateTime<Utc>,
    ) -> Self {
        Workflow {
            role,
            phase,
            environment,
            bandwidth_mbps,
            connection: None,
            refused_interconnects: Vec::new(),
            deferred: false,
            deferral_deadline: None,
            channels: BTreeMap::new(),
            notified_features: None,
            peer_notifications_seen: 0,
            customer: None,
            retry: RetryState::default(),
            migrating_from: None,
            pending_bandwidth_mbps: None,
            failure: None,
            created_at: now,
            events: Vec::new(),
            peer_prefix_limit: None,
            peer_copy_to_delete: None,
            guidance_retry_at: None,
            guidance_failures: 0,
            degradation: None,
            open_requests: BTreeMap::new(),
            connection_type: None,
            lease: None,
            due_at: None,
        }
    }

    /// Appends a history line, dropping the oldest beyond [`MAX_EVENTS`].
    pub fn record(&mut self, at: DateTime<Utc>, what: impl Into<String>) {
        self.events.push(WorkflowEvent {
            at,
            what: what.into(),
        });
        if self.events.len() > MAX_EVENTS {
            let extra = self.events.len() - MAX_EVENTS;
            self.events.drain(..extra);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Phase;

    #[test]
    fn every_phase_is_listed_once_with_its_own_name() {
        for phase in Phase::ALL {
            // a phase added without its place in ALL fails to compile here
            match phase {
                Phase::AwaitingPeer
                | Phase::CreatingRemote
                | Phase::Features
                | Phase::Provisioning
                | Phase::Verified
                | Phase::Degraded
                | Phase::Deleting
                | Phase::Deleted
                | Phase::Failed => {}
            }
        }
        let names: std::collections::BTreeSet<&str> =
            Phase::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(names.len(), Phase::ALL.len(), "distinct names");
        for phase in Phase::ALL {
            let json = serde_json::to_value(phase).expect("serializes");
            assert_eq!(json, phase.as_str(), "the customer API spells it as_str");
        }
    }
}
