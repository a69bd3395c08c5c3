//! When a caller of a peer retries: exponential backoff with full jitter,
//! within a total budget, only for answers that may change by themselves.
//!
//! The specification asks a negotiator whose `CreateConnection` failed to
//! retry with exponential backoff and give up after 60 seconds
//! (`paths/connections.yaml` `CreateConnection`; NEG-4, E-38). A 4xx other
//! than 429 is a decision of the peer about this request: it is never
//! retried unchanged (NEG-8); the caller changes the request (another
//! interconnect after a 409, fresh guidance) or gives up. Timeouts, 5xx and
//! 429 are retried; a `Retry-After` the peer sent is a lower bound on the
//! wait.
//!
//! The random part is an input (a number in `[0, 1)`), so the schedule is
//! deterministic under test; [`Jitter`] supplies it in production.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::{CoordinatorError, ErrorKind};

/// The retry schedule of calls to a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The cap of the first wait.
    pub initial: Duration,
    /// The largest cap of any wait.
    pub max_delay: Duration,
    /// The total time after which the caller gives up (60 s: NEG-4).
    pub budget: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            budget: Duration::from_secs(60),
        }
    }
}

/// What to do after a failed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this long, then send the same request again.
    RetryAfter(Duration),
    /// Do not send it again: the answer will not change by itself, or the
    /// budget is spent.
    GiveUp,
}

/// Whether an error may go away by itself (timeouts, 5xx, 429).
pub fn is_retryable(error: &CoordinatorError) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Unavailable
            | ErrorKind::DeadlineExceeded
            | ErrorKind::Internal
            | ErrorKind::ResourceExhausted
    )
}

impl Backoff {
    /// The cap of the wait before retry number `attempt` (0 for the first
    /// retry): `initial * 2^attempt`, at most `max_delay`.
    pub fn cap(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max_delay)
    }

    /// The decision after `error` on retry number `attempt`, `elapsed` after
    /// the first call, with `unit` a random number in `[0, 1)`.
    pub fn decide(
        &self,
        error: &CoordinatorError,
        attempt: u32,
        elapsed: Duration,
        unit: f64,
    ) -> RetryDecision {
        if !is_retryable(error) {
            return RetryDecision::GiveUp;
        }
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let jittered = self.cap(attempt).mul_f64(unit);
        let wait = match error.retry_after() {
            Some(after) => jittered.max(after),
            None => jittered,
        };
        if elapsed.saturating_add(wait) > self.budget {
            RetryDecision::GiveUp
        } else {
            RetryDecision::RetryAfter(wait)
        }
    }
}

/// A source of jitter: numbers in `[0, 1)` from a xorshift generator seeded
/// from the process's random hasher keys. Not for cryptography.
#[derive(Debug)]
pub struct Jitter {
    state: AtomicU64,
}

impl Default for Jitter {
    fn default() -> Self {
        Self::new()
    }
}

impl Jitter {
    /// A generator with a random seed.
    pub fn new() -> Self {
        let seed = RandomState::new().hash_one(0xC0FFEE_u64) | 1;
        Jitter {
            state: AtomicU64::new(seed),
        }
    }

    /// A generator with a fixed seed (tests). The seed is mixed first
    /// (SplitMix64's finalizer): xorshift started from a small number gives
    /// numbers near 0 for its first draws, so two providers seeded 1 and 2
    /// would otherwise draw the same "random" delays.
    pub fn seeded(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Jitter {
            state: AtomicU64::new(z | 1),
        }
    }

    /// The next number in `[0, 1)`.
    pub fn next_unit(&self) -> f64 {
        let mut x = self.state.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state.store(x, Ordering::Relaxed);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unavailable() -> CoordinatorError {
        CoordinatorError::unavailable("NEG-4", "peer down")
    }

    #[test]
    fn rejections_are_never_retried_unchanged() {
        let b = Backoff::default();
        for e in [
            CoordinatorError::invalid_argument("L3-1", "bad vlan"),
            CoordinatorError::aborted("CONN-4", "full"),
            CoordinatorError::already_exists("CONN-5", "exists"),
            CoordinatorError::not_found("CONN-22", "gone"),
            CoordinatorError::permission_denied("AUTH-2", "no"),
            CoordinatorError::failed_precondition("FEAT-13", "disabled"),
        ] {
            assert_eq!(
                b.decide(&e, 0, Duration::ZERO, 0.5),
                RetryDecision::GiveUp,
                "{e}"
            );
        }
        for e in [
            unavailable(),
            CoordinatorError::deadline_exceeded("NEG-4", "timeout"),
            CoordinatorError::internal("NEG-4", "500"),
            CoordinatorError::resource_exhausted("NEG-4", "slow down", Duration::from_secs(1)),
        ] {
            assert!(
                matches!(
                    b.decide(&e, 0, Duration::ZERO, 0.5),
                    RetryDecision::RetryAfter(_)
                ),
                "{e}"
            );
        }
    }

    #[test]
    fn caps_double_up_to_the_maximum() {
        let b = Backoff::default();
        assert_eq!(b.cap(0), Duration::from_millis(200));
        assert_eq!(b.cap(1), Duration::from_millis(400));
        assert_eq!(b.cap(5), Duration::from_millis(6400));
        assert_eq!(b.cap(6), Duration::from_secs(10));
        assert_eq!(b.cap(40), Duration::from_secs(10));
    }

    #[test]
    fn full_jitter_spans_zero_to_the_cap() {
        let b = Backoff::default();
        assert_eq!(
            b.decide(&unavailable(), 3, Duration::ZERO, 0.0),
            RetryDecision::RetryAfter(Duration::ZERO)
        );
        assert_eq!(
            b.decide(&unavailable(), 3, Duration::ZERO, 0.5),
            RetryDecision::RetryAfter(Duration::from_millis(800))
        );
        assert_eq!(
            b.decide(&unavailable(), 3, Duration::ZERO, f64::NAN),
            RetryDecision::RetryAfter(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_is_a_lower_bound() {
        let b = Backoff::default();
        let e = CoordinatorError::resource_exhausted("NEG-4", "slow down", Duration::from_secs(7));
        assert_eq!(
            b.decide(&e, 0, Duration::ZERO, 0.9),
            RetryDecision::RetryAfter(Duration::from_secs(7))
        );
    }

    #[test]
    fn the_budget_of_60_seconds_ends_the_retries() {
        let b = Backoff::default();
        assert_eq!(
            b.decide(&unavailable(), 10, Duration::from_secs(55), 0.6),
            RetryDecision::GiveUp
        );
        assert_eq!(
            b.decide(&unavailable(), 10, Duration::from_secs(55), 0.4),
            RetryDecision::RetryAfter(Duration::from_secs(4))
        );
        let e =
            CoordinatorError::resource_exhausted("NEG-4", "slow down", Duration::from_secs(120));
        assert_eq!(b.decide(&e, 0, Duration::ZERO, 0.0), RetryDecision::GiveUp);
        // Summing a whole schedule never exceeds the budget.
        let jitter = Jitter::seeded(42);
        let mut elapsed = Duration::ZERO;
        let mut attempt = 0;
        while let RetryDecision::RetryAfter(wait) =
            b.decide(&unavailable(), attempt, elapsed, jitter.next_unit())
        {
            elapsed += wait;
            attempt += 1;
            assert!(attempt < 10_000);
        }
        assert!(elapsed <= b.budget);
        assert!(
            attempt > 5,
            "a 60 s budget allows several retries, got {attempt}"
        );
    }

    #[test]
    fn small_seeds_draw_apart_from_the_first_number() {
        let firsts: Vec<f64> = (1..=4).map(|s| Jitter::seeded(s).next_unit()).collect();
        for (i, a) in firsts.iter().enumerate() {
            for b in &firsts[i + 1..] {
                assert!((a - b).abs() > 1e-3, "{firsts:?}");
            }
        }
        assert!(firsts.iter().any(|u| *u > 0.1), "{firsts:?}");
    }

    #[test]
    fn jitter_is_uniform_enough_and_in_range() {
        let j = Jitter::seeded(7);
        let samples: Vec<f64> = (0..10_000).map(|_| j.next_unit()).collect();
        assert!(samples.iter().all(|u| (0.0..1.0).contains(u)));
        let low = samples.iter().filter(|u| **u < 0.5).count();
        assert!((4500..5500).contains(&low), "{low} of 10000 below 0.5");
    }
}
