//! The reference provider: a [`ConnectionCoordinator`](crate::ConnectionCoordinator)
//! that enforces every server-side rule of `spec/REQUIREMENTS.md`.
//!
//! It is configured with a [`ProviderConfig`] (identity, the static resources
//! shared with each partner, guidance policy, lifetimes) and three plug
//! points: a [`Store`] for dynamic resources, a [`Clock`], and a [`Backend`]
//! for the local devices. Each family of operations lives in its own file,
//! beside the rules it enforces:
//!
//! | file | operations | rules |
//! |---|---|---|
//! | `static_resources.rs` | ListProviders, GetProvider, ListEnvironments, GetEnvironment, ListInterconnects, GetInterconnect, ListChannels, GetChannel | AUTH-2..AUTH-5, ENV-*, LIST-* |
//! | `activation.rs` | ConfirmActivationKey, and issuing keys for the customer side | KEY-14..KEY-22, KEY-26, KEY-27, KEY-45 |
//! | `key_parameters.rs`, `key_pairs.rs` | GetActivationKeyParameters; the key creator's choice of version; the environments' RSA key pairs | KEY-40..KEY-44, KEY-46 |
//! | `deputy.rs` | the confused-deputy verifier of connection changes | AUTH-7, AUTH-10..AUTH-12 |
//! | `cleanup.rs` | the cleanup task | CONN-13, CONN-14, CONN-32 |
//! | `connections.rs` | ListConnections, CreateConnection, GetConnection, UpdateConnection, DeleteConnection, NotifyConnectionStatus; updates in flight | CONN-*, DEFER-3, DEFER-11 |
//! | `guidance.rs`, `features.rs` | GenerateFeatureGuidance, ListFeatures, CreateFeature, GetFeature, DeleteFeature | GUIDE-*, L3-*, FEAT-* |
//! | `macsec.rs` | RequestMacSecKeyRotation, CreateMacSecKey, ListMacSecKeys, GetMacSecKey, DeleteMacSecKey | MACSEC-* |
//! | `maintenance.rs` | NotifyMaintenance, GetMaintenanceEvents | MAINT-* |
//! | `issues.rs` | ListIssues, CreateIssue, GetIssue, CloseIssue, ListComments, AddComment | ISSUE-* |
//! | `replay.rs` | every mutation made with a `requestId` | REQ-3..REQ-5 |
//! | `quotas.rs` | the counts partners and customers may have stored (issues, comments, pending connections, unused keys) | OPS-70..OPS-76; E-442 |
//!
//! Server-side operations do no network I/O: every request is one store
//! transaction plus, where the protocol says so, a backend call.

mod activation;
mod agreements;
mod cleanup;
pub(crate) mod connections;
mod coordinator;
pub mod deputy;
pub(crate) mod features;
#[cfg(test)]
mod governance_tests;
pub(crate) mod guidance;
pub(crate) mod inventory;
mod issues;
mod key_pairs;
pub(crate) mod key_parameters;
mod listing;
mod macsec;
mod maintenance;
#[cfg(test)]
mod policy_tests;
pub(crate) mod quotas;
mod replay;
pub(crate) use replay::fingerprint;
#[cfg(test)]
mod replay_tests;
mod static_resources;
#[cfg(test)]
mod update_feature_tests;

use std::sync::Arc;

pub use activation::IssuedActivationKey;
pub use agreements::check_pair;
pub use cleanup::CleanupReport;
pub use inventory::InventoryError;
pub use key_parameters::KeyVersionChoice;
pub use macsec::RotationRequest;
pub use maintenance::MaintenanceNotice;

use crate::backend::Backend;
use crate::clock::Clock;
use crate::config::ProviderConfig;
use crate::durability::DurableBackend;
use crate::observe::{CorrelationKey, NoObserver, Observer};
use crate::page::PageTokens;
use crate::peer::Peers;
use crate::retry::{Backoff, Jitter};
use crate::scheduler::Scheduler;
use crate::store::Store;
use deputy::{ConfirmedKeyHolder, DeputyVerifier};

/// The reference implementation of the server side of the specification.
pub struct ReferenceProvider {
    config: ProviderConfig,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    backend: Arc<dyn Backend>,
    tokens: PageTokens,
    deputy: Arc<dyn DeputyVerifier>,
    peers: Peers,
    scheduler: Scheduler,
    retry_policy: Backoff,
    jitter: Jitter,
    key_pairs: key_pairs::KeyPairs,
    key_parameters_cache: key_parameters::ParametersCache,
    replays: replay::Replays,
    correlation: CorrelationKey,
    /// This process among the replicas of a shared store: the holder of
    /// the workflow leases it takes (OPS-32).
    replica: String,
}

impl std::fmt::Debug for ReferenceProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReferenceProvider")
            .field("provider", &self.config.provider.to_string())
            .finish_non_exhaustive()
    }
}

impl ReferenceProvider {
    /// A provider serving `config`, after checking that its inventory is
    /// coherent (ENV-1..ENV-9, OPS-3).
    pub fn new(
        config: ProviderConfig,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        backend: Arc<dyn Backend>,
    ) -> Result<Self, InventoryError> {
        inventory::check(&config)?;
        // Nothing leaves before the store made it durable (crate::durability).
        let backend = Arc::new(DurableBackend {
            inner: backend,
            store: Arc::clone(&store),
        });
        Ok(ReferenceProvider {
            config,
            peers: Peers::durable_before_calls(Arc::clone(&store)),
            store,
            clock,
            backend,
            tokens: PageTokens::new(),
            deputy: Arc::new(ConfirmedKeyHolder),
            scheduler: Scheduler::new(),
            retry_policy: Backoff::default(),
            jitter: Jitter::new(),
            key_pairs: key_pairs::KeyPairs::default(),
            key_parameters_cache: key_parameters::ParametersCache::default(),
            replays: replay::Replays::new(),
            correlation: CorrelationKey::new(),
            replica: uuid::Uuid::new_v4().to_string(),
        })
    }

    /// This process's id among the replicas of a shared store (the holder
    /// of the workflow leases it takes, OPS-32).
    pub fn replica_id(&self) -> &str {
        &self.replica
    }

    /// Issues and reads page tokens with `tokens` instead of a key random
    /// to this process: replicas sharing a store share their signer, so a
    /// listing goes on across replicas and restarts (LIST-4).
    pub fn with_page_tokens(mut self, tokens: PageTokens) -> Self {
        self.tokens = tokens;
        self
    }

    /// The configuration it serves.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// Its store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Its clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Its backend.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// The partners' servers this provider calls (filled after start-up).
    pub fn peers(&self) -> &Peers {
        &self.peers
    }

    /// Reports failed calls to peers, retries and negotiation times to
    /// `observer` from now on (replacing any earlier one; OPS-53).
    pub fn observe(&self, observer: Arc<dyn Observer>) {
        self.peers.observe(observer);
    }

    /// The observer, or [`NoObserver`].
    pub(crate) fn observer(&self) -> Arc<dyn Observer> {
        self.peers
            .observer()
            .unwrap_or_else(|| Arc::new(NoObserver))
    }

    /// The correlation id the log lines of connection `uuid`'s workflow
    /// carry (OPS-51, E-430): a keyed hash, not the UUID.
    pub fn correlation_id(&self, uuid: &str) -> String {
        self.correlation.of(uuid)
    }

    /// Its background work.
    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// The backoff of calls to peers (NEG-4).
    pub fn retry_policy(&self) -> &Backoff {
        &self.retry_policy
    }

    /// The jitter source of the backoff.
    pub(crate) fn jitter(&self) -> &Jitter {
        &self.jitter
    }

    /// Replaces the backoff of calls to peers, and seeds its jitter (tests
    /// use a fixed seed for repeatable runs).
    pub fn with_retry_policy(mut self, policy: Backoff, jitter_seed: Option<u64>) -> Self {
        self.retry_policy = policy;
        if let Some(seed) = jitter_seed {
            self.jitter = Jitter::seeded(seed);
        }
        self
    }

    /// Replaces the confused-deputy verifier (AUTH-7; the default is
    /// [`ConfirmedKeyHolder`], see [`deputy`]).
    pub fn with_deputy_verifier(mut self, verifier: Arc<dyn DeputyVerifier>) -> Self {
        self.deputy = verifier;
        self
    }
}
