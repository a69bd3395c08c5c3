//! A per-partner request rate limit: one token bucket per authenticated
//! principal. The specification says nothing about request rates; this is a
//! project decision (`spec/REQUIREMENTS.md` ERR-7) so one partner cannot
//! starve the others. Over the limit the answer is 429
//! `RESOURCE_EXHAUSTED` (the provider crate's status table) with
//! `Retry-After` in whole seconds.
//!
//! Time comes from an injected [`Clock`], so tests move a `ManualClock`
//! instead of sleeping.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use interconnect_provider::CoordinatorError;
use interconnect_provider::clock::Clock;

use crate::rules;

/// Requests per second and burst allowed to each partner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Sustained requests per second (must be positive).
    pub per_second: f64,
    /// Requests allowed at once after a quiet period (at least 1).
    pub burst: u32,
}

impl Default for RateLimit {
    /// 50 requests per second, bursts of 100.
    fn default() -> Self {
        RateLimit {
            per_second: 50.0,
            burst: 100,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
}

/// Token buckets keyed by principal.
pub struct RateLimiter {
    limit: RateLimit,
    clock: Arc<dyn Clock>,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// A limiter reading time from `clock`.
    pub fn new(limit: RateLimit, clock: Arc<dyn Clock>) -> Self {
        RateLimiter {
            limit,
            clock,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `principal`, or says when one will be available.
    pub fn check(&self, principal: &str) -> Result<(), CoordinatorError> {
        let now = self.clock.now();
        let burst = f64::from(self.limit.burst.max(1));
        let rate = if self.limit.per_second > 0.0 {
            self.limit.per_second
        } else {
            f64::MIN_POSITIVE
        };
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket = buckets.entry(principal.to_owned()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = (now - bucket.at)
            .to_std()
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / rate;
            let wait = Duration::try_from_secs_f64(wait).unwrap_or(Duration::from_secs(3600));
            Err(CoordinatorError::resource_exhausted(
                rules::ERR_RATE_LIMIT,
                // The key is not repeated: a customer's is its account id,
                // a secret that must not travel in an answer (OPS-50).
                format!(
                    "the caller is over {} requests per second (burst {}); retry later",
                    self.limit.per_second, self.limit.burst
                ),
                wait,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interconnect_provider::ErrorKind;
    use interconnect_provider::clock::ManualClock;

    #[test]
    fn a_burst_then_refusals_then_refill() {
        let clock = Arc::new(ManualClock::at_epoch());
        let limiter = RateLimiter::new(
            RateLimit {
                per_second: 0.5,
                burst: 3,
            },
            clock.clone(),
        );
        for _ in 0..3 {
            limiter.check("gcp").expect("within the burst");
        }
        let e = limiter.check("gcp").expect_err("ERR-7: over the burst");
        assert_eq!(e.kind(), ErrorKind::ResourceExhausted);
        assert_eq!(e.rule(), "ERR-7");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
        let e = limiter
            .check("customer:111122223333")
            .and_then(|()| limiter.check("customer:111122223333"))
            .and_then(|()| limiter.check("customer:111122223333"))
            .and_then(|()| limiter.check("customer:111122223333"))
            .expect_err("over the burst");
        assert!(
            !e.to_string().contains("111122223333"),
            "no account id in the answer: {e}"
        );
        limiter
            .check("azure")
            .expect("ERR-7: buckets are per partner");
        clock.advance(chrono::Duration::seconds(2));
        limiter.check("gcp").expect("one token refilled");
        assert!(limiter.check("gcp").is_err());
    }
}
