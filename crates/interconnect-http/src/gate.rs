//! The gate every request passes, on every API of the server: the
//! specification's routes (partners), the customer API and the operator API
//! (`spec/REQUIREMENTS.md` OPS-24, issue 19 item 7).
//!
//! In this order: a request id (`x-request-id`, echoed), authentication
//! before anything reads the body (a large unauthenticated body is 401, not
//! 413), the per-caller rate limit (429), the body limit and body read
//! timeout handed to the handler, then one access log line and the
//! request's metrics ([`crate::metrics`]; OPS-50, OPS-53). The log line is
//! alike on every API: `api`, `method`, `route` (the template, never the
//! raw path, whose segments may name a customer's connection), `status`,
//! `latency_ms`, `request_id` and, for partners, the caller's provider id;
//! never a token or an account. The request id is in scope while the
//! handler runs, so that calls to a peer made for this request carry it
//! ([`crate::request_id::current`]). Refused
//! authentications are not logged one by one at `info`: they go to `debug`,
//! and a `warn` line counts them at most once a minute, so a flood of bad
//! tokens cannot fill the disk.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::body::{BodyLimit, BodyReadTimeout};
use crate::error_body::ApiError;
use crate::metrics::{Metrics, operation_label};
use crate::rate_limit::RateLimiter;
use crate::request_id::{REQUEST_ID, request_id};

/// How often the count of refused authentications is logged at most.
const REFUSED_SUMMARY_EVERY: Duration = Duration::from_secs(60);

/// Who a request is from, as one API establishes it.
pub(crate) trait Admission: Send + Sync + 'static {
    /// Authenticates the request from its headers alone (the body is not
    /// read yet) and puts what the handler needs into its extensions.
    fn admit(&self, req: &mut Request) -> Result<Admitted, ApiError>;
}

/// An admitted caller.
pub(crate) struct Admitted {
    /// The rate limiter's key; never logged (it may be an account id).
    pub(crate) rate_key: String,
    /// What the access log shows of the caller: a partner's provider id,
    /// or only the kind of caller (`customer`, `operator`).
    pub(crate) shown: String,
}

/// One API's gate.
pub(crate) struct Gate {
    api: &'static str,
    admission: Box<dyn Admission>,
    limiter: Option<RateLimiter>,
    body_limit: usize,
    body_read_timeout: Duration,
    refused: RefusedLog,
    metrics: Metrics,
}

impl Gate {
    pub(crate) fn new(
        api: &'static str,
        admission: impl Admission,
        limiter: Option<RateLimiter>,
        body_limit: usize,
        body_read_timeout: Duration,
        metrics: Metrics,
    ) -> Self {
        Gate {
            api,
            admission: Box::new(admission),
            limiter,
            body_limit,
            body_read_timeout,
            refused: RefusedLog::default(),
            metrics,
        }
    }

    /// Authenticates, applies the rate limit and records the body limits.
    fn admit(&self, req: &mut Request) -> Result<(), ApiError> {
        let admitted = self.admission.admit(req)?;
        tracing::Span::current().record("caller", admitted.shown.as_str());
        if let Some(limiter) = &self.limiter
            && let Err(refused) = limiter.check(&admitted.rate_key)
        {
            self.metrics.rate_limited(self.api);
            return Err(refused.into());
        }
        req.extensions_mut().insert(BodyLimit(self.body_limit));
        req.extensions_mut()
            .insert(BodyReadTimeout(self.body_read_timeout));
        Ok(())
    }
}

/// Counts refused authentications and says so at most once a minute.
#[derive(Default)]
struct RefusedLog {
    since_last: AtomicU64,
    last: Mutex<Option<Instant>>,
}

impl RefusedLog {
    fn record(&self, api: &'static str) {
        let count = self.since_last.fetch_add(1, Ordering::Relaxed) + 1;
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        let now = Instant::now();
        if last.is_some_and(|at| now.duration_since(at) < REFUSED_SUMMARY_EVERY) {
            return;
        }
        *last = Some(now);
        self.since_last.fetch_sub(count, Ordering::Relaxed);
        tracing::warn!(
            api,
            refused = count,
            "requests refused for want of a valid token (counted; each is logged at debug)"
        );
    }
}

/// The middleware: `from_fn_with_state(Arc<Gate>, gate_request)`.
pub(crate) async fn gate_request(
    State(gate): State<Arc<Gate>>,
    mut req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = request_id(req.headers());
    // The matched path is shared (`Arc<str>`): no copy per request.
    let route = req.extensions().get::<MatchedPath>().cloned();
    // REQ-6: the `requestId` query parameter is logged with the request
    // (only a well-formed UUID; anything else is logged as "invalid").
    let spec_request_id = crate::router::query_request_id(req.uri());
    let route = route.as_ref().map(MatchedPath::as_str);
    let operation = operation_label(gate.api, req.method().as_str(), route);
    let span = tracing::info_span!(
        "request",
        api = gate.api,
        method = %req.method(),
        route = route.unwrap_or("unmatched"),
        request_id = id.to_str().unwrap_or("-"),
        spec_request_id = spec_request_id.as_deref().unwrap_or("-"),
        caller = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    async move {
        let mut response = match gate.admit(&mut req) {
            Ok(()) => crate::request_id::scope(id.clone(), next.run(req)).await,
            Err(e) => e.into_response(),
        };
        response.headers_mut().insert(REQUEST_ID, id);
        let took = started.elapsed();
        let span = tracing::Span::current();
        span.record("status", response.status().as_u16());
        span.record("latency_ms", took.as_millis() as u64);
        gate.metrics
            .request(gate.api, operation, response.status().as_u16(), took);
        if response.status() == StatusCode::UNAUTHORIZED {
            tracing::debug!("refused: no valid token");
            gate.refused.record(gate.api);
        } else {
            tracing::info!("answered");
        }
        response
    }
    .instrument(span)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_requests_are_summarized_at_most_once_a_minute() {
        let log = RefusedLog::default();
        log.record("partner");
        let first = *log.last.lock().expect("not poisoned");
        assert!(first.is_some(), "the first refusal is summarized at once");
        assert_eq!(log.since_last.load(Ordering::Relaxed), 0);
        for _ in 0..1000 {
            log.record("partner");
        }
        assert_eq!(
            *log.last.lock().expect("not poisoned"),
            first,
            "within the minute no other summary is written"
        );
        assert_eq!(
            log.since_last.load(Ordering::Relaxed),
            1000,
            "the refusals are counted for the next summary"
        );
    }
}
