//! Reaching a partner's server: [`Peer`], an object-safe form of
//! [`ConnectionCoordinator`] that every coordinator implements, and
//! [`Peers`], the directory a reference provider looks its partners up in.
//!
//! The negotiator (`docs/Protocols.md` § Negotiate Feature Parameters) calls
//! the peer's API as itself: in process the peer is another
//! `ReferenceProvider`, across the network an HTTP client of the peer's base
//! URL (`interconnect-http`). Both implement `ConnectionCoordinator`, so both
//! are a `Peer`. The directory is filled after the providers exist, so two
//! providers in one process can name each other.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use interconnect_core::names::ProviderName;
use interconnect_core::wire;

use crate::caller::Caller;
use crate::coordinator::ConnectionCoordinator;
use crate::durability::DurablePeer;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::observe::{ObservedPeer, Observer};
use crate::request;
use crate::rules;
use crate::store::Store;

/// A boxed future answering one operation.
pub type PeerFuture<'a, T> = Pin<Box<dyn Future<Output = CoordinatorResult<T>> + Send + 'a>>;

macro_rules! peer_trait {
    ($($req:ident $fn:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        /// The operations of a partner's server, callable through `dyn Peer`.
        /// Implemented for every [`ConnectionCoordinator`].
        pub trait Peer: Send + Sync {
            $(
                #[doc = concat!("`", stringify!($req), "` on the peer.")]
                fn $fn<'a>(&'a self, caller: &'a Caller, request: request::$req) -> PeerFuture<'a, wire::$resp>;
            )*
        }

        impl<C: ConnectionCoordinator> Peer for C {
            $(
                fn $fn<'a>(&'a self, caller: &'a Caller, request: request::$req) -> PeerFuture<'a, wire::$resp> {
                    Box::pin(ConnectionCoordinator::$fn(self, caller, request))
                }
            )*
        }
    };
}

crate::for_each_operation!(peer_trait);

/// The partners' servers a provider can reach, by provider name.
#[derive(Default)]
pub struct Peers {
    peers: RwLock<BTreeMap<ProviderName, Arc<dyn Peer>>>,
    observer: RwLock<Option<Arc<dyn Observer>>>,
    /// The store every call waits for ([`Store::make_durable`]); a
    /// directory made with [`Peers::new`] has none.
    durable: Option<Arc<dyn Store>>,
}

impl std::fmt::Debug for Peers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .peers
            .read()
            .map(|p| p.keys().map(ToString::to_string).collect())
            .unwrap_or_default();
        f.debug_struct("Peers").field("providers", &names).finish()
    }
}

impl Peers {
    /// An empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty directory whose peers wait, before each call, until `store`
    /// has made durable what was committed before it (the reference
    /// provider's own directory; see [`crate::durability`]).
    pub(crate) fn durable_before_calls(store: Arc<dyn Store>) -> Self {
        Peers {
            durable: Some(store),
            ..Self::default()
        }
    }

    /// Makes `peer` the server of `provider` (replacing any earlier one).
    pub fn connect(&self, provider: ProviderName, peer: Arc<dyn Peer>) {
        if let Ok(mut peers) = self.peers.write() {
            peers.insert(provider, peer);
        }
    }

    /// Forgets every peer (breaks the reference cycle of two providers in
    /// one process that name each other).
    pub fn disconnect_all(&self) {
        if let Ok(mut peers) = self.peers.write() {
            peers.clear();
        }
    }

    /// Reports every failed call to a peer got from now on to `observer`
    /// (replacing any earlier one).
    pub fn observe(&self, observer: Arc<dyn Observer>) {
        if let Ok(mut slot) = self.observer.write() {
            *slot = Some(observer);
        }
    }

    /// The observer, when one is installed.
    pub(crate) fn observer(&self) -> Option<Arc<dyn Observer>> {
        self.observer.read().ok().and_then(|o| o.clone())
    }

    /// The server of `provider`; 503 `UNAVAILABLE` when none is configured
    /// (the negotiator retries and then rolls back, NEG-16).
    pub fn get(&self, provider: &ProviderName) -> CoordinatorResult<Arc<dyn Peer>> {
        self.peers
            .read()
            .ok()
            .and_then(|p| p.get(provider).cloned())
            .map(|inner| match self.observer() {
                Some(observer) => Arc::new(ObservedPeer { inner, observer }) as Arc<dyn Peer>,
                None => inner,
            })
            .map(|inner| match &self.durable {
                Some(store) => Arc::new(DurablePeer {
                    inner,
                    store: Arc::clone(store),
                }) as Arc<dyn Peer>,
                None => inner,
            })
            .ok_or_else(|| {
                CoordinatorError::unavailable(
                    rules::NEG_RECONCILE,
                    format!("no route to the server of {provider} is configured"),
                )
            })
    }
}
