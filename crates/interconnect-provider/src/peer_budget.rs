//! One budget of calls per peer (NEG-41, E-323): every call this provider
//! makes to a partner's server, whichever workflow or task makes it, takes
//! a token from one bucket refilled at the partner's published rate and
//! holds one of a bounded number of slots while in flight. Without a token
//! or a slot the call is not sent: it answers 429 `RESOURCE_EXHAUSTED` here
//! with the time until the next token, and the caller's retry policy
//! (`crate::retry`, NEG-4) waits at least that long. A 429 from the peer
//! with `Retry-After` pauses every call to it until then.
//!
//! The specification sets no rate (its error model has 429 and
//! `Retry-After`, `docs/ConnectionCoordinatorAPI.md` § Errors); a partner
//! publishes its limit out of band and this side keeps under it, so that
//! its own flows do not exhaust the partner's limit and each other's
//! retries. Time comes from the provider's [`Clock`].

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use interconnect_core::wire;

use crate::caller::Caller;
use crate::clock::Clock;
use crate::error::{CoordinatorError, ErrorKind};
use crate::peer::{Peer, PeerFuture};
use crate::request;
use crate::rules;

/// The calls this side may make to one partner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeerBudget {
    /// Calls per second, sustained (the partner's published limit).
    pub per_second: f64,
    /// Calls allowed at once after a quiet period (at least 1).
    pub burst: u32,
    /// Calls in flight at once (at least 1).
    pub max_in_flight: usize,
}

impl Default for PeerBudget {
    /// 40 calls per second, bursts of 80, 16 in flight: under the default
    /// limit of this project's servers (50 per second, bursts of 100,
    /// ERR-7), so two reference providers never refuse each other.
    fn default() -> Self {
        PeerBudget {
            per_second: 40.0,
            burst: 80,
            max_in_flight: 16,
        }
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
    paused_until: Option<DateTime<Utc>>,
}

/// A peer whose calls go through a [`PeerBudget`].
pub struct BudgetedPeer {
    inner: Arc<dyn Peer>,
    budget: PeerBudget,
    clock: Arc<dyn Clock>,
    bucket: Mutex<Bucket>,
    in_flight: AtomicUsize,
    refused: AtomicUsize,
}

impl std::fmt::Debug for BudgetedPeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BudgetedPeer")
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

/// Releases a slot when the call ends (or its future is dropped).
struct Slot<'a>(&'a AtomicUsize);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl BudgetedPeer {
    /// `inner` behind `budget`, timed by `clock`.
    pub fn new(inner: Arc<dyn Peer>, budget: PeerBudget, clock: Arc<dyn Clock>) -> Self {
        let now = clock.now();
        BudgetedPeer {
            inner,
            budget: PeerBudget {
                per_second: if budget.per_second.is_finite() && budget.per_second > 0.0 {
                    budget.per_second
                } else {
                    1.0
                },
                burst: budget.burst.max(1),
                max_in_flight: budget.max_in_flight.max(1),
            },
            clock,
            bucket: Mutex::new(Bucket {
                tokens: f64::from(budget.burst.max(1)),
                at: now,
                paused_until: None,
            }),
            in_flight: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
        }
    }

    /// Calls refused here without reaching the peer.
    pub fn refused_locally(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }

    fn refuse(&self, wait: Duration, why: &str) -> CoordinatorError {
        self.refused.fetch_add(1, Ordering::SeqCst);
        CoordinatorError::resource_exhausted(
            rules::NEG_PEER_BUDGET,
            format!("not sent: {why}"),
            wait.max(Duration::from_millis(1)),
        )
    }

    /// A token and a slot, or the wait before asking again.
    fn admit(&self) -> Result<Slot<'_>, CoordinatorError> {
        let now = self.clock.now();
        let mut bucket = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = bucket.paused_until {
            if now < until {
                let wait = (until - now).to_std().unwrap_or_default();
                return Err(self.refuse(wait, "the peer asked to wait (Retry-After)"));
            }
            bucket.paused_until = None;
        }
        let elapsed = (now - bucket.at).to_std().unwrap_or_default();
        bucket.tokens = (bucket.tokens + elapsed.as_secs_f64() * self.budget.per_second)
            .min(f64::from(self.budget.burst));
        bucket.at = now;
        if bucket.tokens < 1.0 {
            let wait = Duration::from_secs_f64((1.0 - bucket.tokens) / self.budget.per_second);
            return Err(self.refuse(wait, "over the peer's published rate"));
        }
        if self.in_flight.fetch_add(1, Ordering::SeqCst) >= self.budget.max_in_flight {
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            let wait = Duration::from_secs_f64(1.0 / self.budget.per_second);
            return Err(self.refuse(wait, "too many calls to the peer in flight"));
        }
        bucket.tokens -= 1.0;
        Ok(Slot(&self.in_flight))
    }

    /// Notes a 429 of the peer: every call waits for its `Retry-After`.
    fn observe(&self, error: &CoordinatorError) {
        if error.kind() != ErrorKind::ResourceExhausted || error.rule() == rules::NEG_PEER_BUDGET {
            return;
        }
        let Some(after) = error.retry_after() else {
            return;
        };
        let until = self.clock.now() + chrono::Duration::from_std(after).unwrap_or_default();
        let mut bucket = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
        bucket.paused_until = Some(bucket.paused_until.map_or(until, |u| u.max(until)));
    }
}

macro_rules! budgeted {
    ($($req:ident $fn:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        impl Peer for BudgetedPeer {
            $(
                fn $fn<'a>(&'a self, caller: &'a Caller, request: request::$req) -> PeerFuture<'a, wire::$resp> {
                    Box::pin(async move {
                        let slot = self.admit()?;
                        let answer = self.inner.$fn(caller, request).await;
                        drop(slot);
                        if let Err(e) = &answer {
                            self.observe(e);
                        }
                        answer
                    })
                }
            )*
        }
    };
}

crate::for_each_operation!(budgeted);
