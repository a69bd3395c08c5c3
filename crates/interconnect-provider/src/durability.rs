//! Nothing leaves the provider before the store has made it durable.
//!
//! A peer that reads our answer to CreateConnection, or our own call to its
//! CreateFeature, acts on what our store committed: it reserves, provisions
//! and answers in turn. If a power failure then took back our commit, the two
//! sides would disagree with no message left to repair it. So every message
//! that leaves the provider is preceded by [`Store::make_durable`]: the
//! dispatch of the peer-facing API calls it before answering
//! (`reference/coordinator.rs`), and the wrappers here call it before each
//! call to a peer ([`DurablePeer`], installed by [`Peers`]) and before each
//! change made on the devices ([`DurableBackend`]).
//!
//! A store may then commit without waiting for the disk and wait once per
//! message instead of once per transaction (group commit); a store that is
//! durable at each commit, or in memory, makes the call free.

use std::sync::Arc;

use interconnect_core::names::{FeatureName, InterconnectName, MacSecKeyName};
use interconnect_core::wire::{self, L3BaseConfig, Secret};

use crate::backend::{Backend, BackendError, FeatureStatus, LocalAvailability};
use crate::caller::Caller;
use crate::peer::{Peer, PeerFuture};
use crate::request;
use crate::store::Store;

/// A peer whose every call waits until the store has made durable what
/// this provider committed before it.
pub(crate) struct DurablePeer {
    pub(crate) inner: Arc<dyn Peer>,
    pub(crate) store: Arc<dyn Store>,
}

macro_rules! durable_peer {
    ($($req:ident $fn:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        impl Peer for DurablePeer {
            $(
                fn $fn<'a>(&'a self, caller: &'a Caller, request: request::$req) -> PeerFuture<'a, wire::$resp> {
                    Box::pin(async move {
                        self.store.make_durable()?;
                        self.inner.$fn(caller, request).await
                    })
                }
            )*
        }
    };
}

crate::for_each_operation!(durable_peer);

/// A backend whose every change to the devices waits until the store has
/// made durable what this provider committed before it (reads pass
/// through).
pub(crate) struct DurableBackend {
    pub(crate) inner: Arc<dyn Backend>,
    pub(crate) store: Arc<dyn Store>,
}

impl DurableBackend {
    fn barrier(&self) -> Result<(), BackendError> {
        self.store
            .make_durable()
            .map_err(|e| BackendError::new(format!("the store is not durable: {e}")))
    }
}

impl Backend for DurableBackend {
    fn provision_feature(
        &self,
        feature: &FeatureName,
        config: &L3BaseConfig,
    ) -> Result<(), BackendError> {
        self.barrier()?;
        self.inner.provision_feature(feature, config)
    }

    fn feature_status(&self, feature: &FeatureName) -> FeatureStatus {
        self.inner.feature_status(feature)
    }

    fn remove_feature(&self, feature: &FeatureName) -> Result<(), BackendError> {
        self.barrier()?;
        self.inner.remove_feature(feature)
    }

    fn install_mac_sec_key(
        &self,
        key: &MacSecKeyName,
        cak: &Secret,
        ckn: &Secret,
    ) -> Result<(), BackendError> {
        self.barrier()?;
        self.inner.install_mac_sec_key(key, cak, ckn)
    }

    fn activate_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), BackendError> {
        self.barrier()?;
        self.inner.activate_mac_sec_key(key)
    }

    fn mac_sec_key_active(&self, key: &MacSecKeyName) -> bool {
        self.inner.mac_sec_key_active(key)
    }

    fn remove_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), BackendError> {
        self.barrier()?;
        self.inner.remove_mac_sec_key(key)
    }

    fn local_availability(&self, interconnect: &InterconnectName) -> LocalAvailability {
        self.inner.local_availability(interconnect)
    }

    fn limit_announced_prefixes(
        &self,
        feature: &FeatureName,
        max: i32,
    ) -> Result<(), BackendError> {
        self.barrier()?;
        self.inner.limit_announced_prefixes(feature, max)
    }

    fn limit_announced_ipv6_prefixes(
        &self,
        feature: &FeatureName,
        max: i32,
    ) -> Result<(), BackendError> {
        self.barrier()?;
        self.inner.limit_announced_ipv6_prefixes(feature, max)
    }
}
