//! What a reference provider reports about its own work, for an operator's
//! metrics (`spec/REQUIREMENTS.md` OPS-53), and the correlation id its
//! workflow log lines carry (OPS-51, `spec/ERRATA.md` E-430).
//!
//! [`Observer`] is the plug point: the provider calls it when a call to a
//! peer fails, when a workflow schedules a retry, and when a connection is
//! first verified. Every method does nothing by default; the HTTP crate's
//! metrics implement it. This crate stays free of any metrics library.
//!
//! [`CorrelationKey`] turns a connection's shared UUID, which is one of the
//! members of its activation key, into a short id for the log: a keyed
//! SipHash under a key drawn at random when the provider is built, so the
//! id links the lines of one connection within one process and tells
//! nothing about the UUID.

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::time::Duration;

use interconnect_core::wire;

use crate::caller::Caller;
use crate::error::CoordinatorError;
use crate::peer::{Peer, PeerFuture};
use crate::request;
use crate::rules;

/// Receives what a provider reports; every method defaults to nothing.
pub trait Observer: Send + Sync {
    /// A call to a peer's server answered an error or failed in transport
    /// (`operation` is its operation id, `CreateConnection`). Calls this
    /// side refused to send under its own budget for the peer (NEG-41) are
    /// not reported here: they are [`retry`](Self::retry)s.
    fn peer_error(&self, operation: &'static str, error: &CoordinatorError) {
        let _ = (operation, error);
    }

    /// A workflow scheduled another attempt of a call to the peer:
    /// `reason` is `backoff` (a retryable error, NEG-4) or `peer_budget`
    /// (this side's budget for the peer was spent, NEG-41).
    fn retry(&self, reason: &'static str) {
        let _ = reason;
    }

    /// A connection was verified for the first time (NEG-13), `took` after
    /// its workflow was created (the key accepted or issued).
    fn negotiated(&self, took: Duration) {
        let _ = took;
    }
}

/// The observer of a provider that has none.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoObserver;

impl Observer for NoObserver {}

/// The key of the log's correlation ids, drawn at random per provider.
#[derive(Clone)]
pub struct CorrelationKey(RandomState);

impl Default for CorrelationKey {
    fn default() -> Self {
        CorrelationKey(RandomState::new())
    }
}

impl std::fmt::Debug for CorrelationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CorrelationKey(<random>)")
    }
}

impl CorrelationKey {
    /// A new random key.
    pub fn new() -> Self {
        Self::default()
    }

    /// The correlation id of the connection whose shared UUID is `uuid`:
    /// 12 hexadecimal digits (48 bits of a keyed SipHash).
    pub fn of(&self, uuid: &str) -> String {
        format!("{:012x}", self.0.hash_one(uuid) >> 16)
    }
}

/// A peer whose failed calls are reported to an [`Observer`].
pub(crate) struct ObservedPeer {
    pub(crate) inner: Arc<dyn Peer>,
    pub(crate) observer: Arc<dyn Observer>,
}

impl ObservedPeer {
    fn report<T>(&self, operation: &'static str, answer: &Result<T, CoordinatorError>) {
        if let Err(e) = answer
            && e.rule() != rules::NEG_PEER_BUDGET
        {
            self.observer.peer_error(operation, e);
        }
    }
}

macro_rules! observed {
    ($($req:ident $fn:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        impl Peer for ObservedPeer {
            $(
                fn $fn<'a>(&'a self, caller: &'a Caller, request: request::$req) -> PeerFuture<'a, wire::$resp> {
                    Box::pin(async move {
                        let answer = self.inner.$fn(caller, request).await;
                        self.report(stringify!($req), &answer);
                        answer
                    })
                }
            )*
        }
    };
}

crate::for_each_operation!(observed);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_ids_are_short_stable_and_keyed() {
        let key = CorrelationKey::new();
        let uuid = "7d1c5bd4-3b3e-4f6e-9d8a-0c1e2f3a4b5c";
        let id = key.of(uuid);
        assert_eq!(id.len(), 12);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(key.of(uuid), id, "the same connection, the same id");
        assert_ne!(key.of("another"), id);
        // another process (another key) gives another id
        let other = CorrelationKey::new();
        assert_ne!(other.of(uuid), id, "OPS-51: the id is keyed");
    }
}
