//! A coordinator that waits and retries when the target answers 429
//! `RESOURCE_EXHAUSTED` (ERR-7: a server limits each partner's request
//! rate). The suite makes many calls in a short time; against a
//! rate-limited server (`HttpTarget`, feature `http`) it pauses for the
//! answer's `Retry-After` (or [`Patient::DEFAULT_PAUSE`]) and tries again, a
//! bounded number of times, instead of failing the scenario.

use std::time::Duration;

use interconnect_core::wire;
use interconnect_provider::{Caller, ConnectionCoordinator, CoordinatorResult, ErrorKind, request};

/// How many times a call answered 429 (ERR-7) is retried.
pub const RATE_LIMIT_RETRIES: u32 = 10;

/// Retries `inner`'s calls answered with 429.
#[derive(Debug, Clone)]
pub struct Patient<C> {
    inner: C,
    retries: u32,
    default_pause: Duration,
}

impl<C> Patient<C> {
    /// The pause when a 429 answer carries no `Retry-After`.
    pub const DEFAULT_PAUSE: Duration = Duration::from_secs(1);

    /// The longest pause honoured, whatever `Retry-After` says.
    pub const MAX_PAUSE: Duration = Duration::from_secs(30);

    /// `inner`, retrying each call at most `retries` times.
    pub fn new(inner: C, retries: u32) -> Self {
        Patient {
            inner,
            retries,
            default_pause: Self::DEFAULT_PAUSE,
        }
    }

    /// Sets the pause used when an answer has no `Retry-After`.
    pub fn with_default_pause(mut self, pause: Duration) -> Self {
        self.default_pause = pause;
        self
    }

    /// The coordinator it wraps.
    pub fn inner(&self) -> &C {
        &self.inner
    }

    fn pause(&self, retry_after: Option<Duration>) -> Duration {
        retry_after
            .unwrap_or(self.default_pause)
            .min(Self::MAX_PAUSE)
    }
}

macro_rules! patient {
    ($($variant:ident $method:ident -> $response:ident, $kind:ident, $http:ident $path:literal;)*) => {
        impl<C: ConnectionCoordinator> ConnectionCoordinator for Patient<C> {
            $(
                async fn $method(
                    &self,
                    caller: &Caller,
                    request: request::$variant,
                ) -> CoordinatorResult<wire::$response> {
                    let mut attempt = 0;
                    loop {
                        match self.inner.$method(caller, request.clone()).await {
                            Err(e)
                                if e.kind() == ErrorKind::ResourceExhausted
                                    && attempt < self.retries =>
                            {
                                attempt += 1;
                                tokio::time::sleep(self.pause(e.retry_after())).await;
                            }
                            other => return other,
                        }
                    }
                }
            )*
        }
    };
}

interconnect_provider::for_each_operation!(patient);
