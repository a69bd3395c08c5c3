//! The server: [`router`] serves any [`ConnectionCoordinator`] at the
//! specification's paths (`openapi.yaml`), behind one gate that every request
//! passes: request id, tracing span, authentication (AUTH-1), the
//! per-partner rate limit, the body limit, and the one error shape for
//! routes that do not exist (404) or methods a path does not offer (405).

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use interconnect_provider::clock::{Clock, SystemClock};
use interconnect_provider::{ConnectionCoordinator, CoordinatorError};
use tracing::Instrument;

use crate::auth::Authenticator;
use crate::body::{BodyLimit, DEFAULT_BODY_LIMIT};
use crate::error_body::ApiError;
use crate::rate_limit::{RateLimit, RateLimiter};
use crate::request_id::{REQUEST_ID, request_id};
use crate::routes;
use crate::rules;

/// Limits of the server.
#[derive(Clone)]
pub struct RouterConfig {
    /// Largest request body in bytes (default 1 MiB); larger is 413.
    pub body_limit: usize,
    /// Per-partner request rate; `None` turns the limit off.
    pub rate_limit: Option<RateLimit>,
    /// The time the rate limiter reads (a `ManualClock` in tests).
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for RouterConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouterConfig")
            .field("body_limit", &self.body_limit)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

impl Default for RouterConfig {
    fn default() -> Self {
        RouterConfig {
            body_limit: DEFAULT_BODY_LIMIT,
            rate_limit: Some(RateLimit::default()),
            clock: Arc::new(SystemClock),
        }
    }
}

impl RouterConfig {
    /// Sets the body limit.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sets (or with `None` removes) the per-partner rate limit.
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Sets the clock of the rate limiter.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

struct Gate {
    authenticator: Arc<dyn Authenticator>,
    limiter: Option<RateLimiter>,
    body_limit: usize,
}

/// The router with the default [`RouterConfig`].
pub fn router<C: ConnectionCoordinator + 'static>(
    coordinator: Arc<C>,
    authenticator: Arc<dyn Authenticator>,
) -> Router {
    router_with(coordinator, authenticator, RouterConfig::default())
}

/// The router with explicit limits.
pub fn router_with<C: ConnectionCoordinator + 'static>(
    coordinator: Arc<C>,
    authenticator: Arc<dyn Authenticator>,
    config: RouterConfig,
) -> Router {
    let gate = Arc::new(Gate {
        authenticator,
        limiter: config
            .rate_limit
            .map(|limit| RateLimiter::new(limit, config.clock.clone())),
        body_limit: config.body_limit,
    });
    routes::routes::<C>()
        .fallback(unknown_route)
        .layer(middleware::from_fn_with_state(gate, gate_request))
        .with_state(coordinator)
}

/// 404 for a path the specification does not define (ERR-3).
async fn unknown_route() -> ApiError {
    ApiError::new(CoordinatorError::not_found(
        rules::ERR_UNKNOWN_ROUTE,
        "no operation of the specification has this path",
    ))
}

/// The gate every request passes.
async fn gate_request(State(gate): State<Arc<Gate>>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(req.headers());
    // The matched path is shared (`Arc<str>`): no copy per request.
    let route = req.extensions().get::<MatchedPath>().cloned();
    // REQ-6: the `requestId` query parameter is logged with the request
    // (only a well-formed UUID; anything else is logged as "invalid").
    let spec_request_id = query_request_id(req.uri());
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = route.as_ref().map_or("unmatched", MatchedPath::as_str),
        request_id = id.to_str().unwrap_or("-"),
        spec_request_id = spec_request_id.as_deref().unwrap_or("-"),
        partner = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    async move {
        let mut response = match admit(&gate, &mut req) {
            Ok(()) => {
                let response = next.run(req).await;
                shape_method_not_allowed(response)
            }
            Err(e) => e.into_response(),
        };
        response.headers_mut().insert(REQUEST_ID, id);
        let span = tracing::Span::current();
        span.record("status", response.status().as_u16());
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        tracing::info!("answered");
        response
    }
    .instrument(span)
    .await
}

/// The `requestId` query parameter for the log: the UUID in its hyphenated
/// form, `invalid` when it is not a UUID (or the query is not form-encoded),
/// `None` when absent.
fn query_request_id(uri: &axum::http::Uri) -> Option<String> {
    uri.query()?;
    let Ok(axum::extract::Query(pairs)) =
        axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
    else {
        return Some("invalid".to_owned());
    };
    let (_, raw) = pairs.into_iter().find(|(k, _)| k == "requestId")?;
    Some(match uuid::Uuid::parse_str(&raw) {
        Ok(id) => id.to_string(),
        Err(_) => "invalid".to_owned(),
    })
}

/// Authenticates, applies the rate limit and records the body limit.
fn admit(gate: &Gate, req: &mut Request) -> Result<(), ApiError> {
    let caller = gate
        .authenticator
        .authenticate(req.headers())
        .map_err(|e| ApiError::new(e.into()))?;
    tracing::Span::current().record("partner", caller.principal());
    if let Some(limiter) = &gate.limiter {
        limiter.check(caller.principal())?;
    }
    req.extensions_mut().insert(BodyLimit(gate.body_limit));
    req.extensions_mut().insert(caller);
    Ok(())
}

/// axum answers a method a path does not offer with an empty 405 (and adds
/// `Allow` afterwards); give it the one error shape.
fn shape_method_not_allowed(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::METHOD_NOT_ALLOWED && !is_json {
        ApiError::new(CoordinatorError::method_not_allowed(
            rules::ERR_UNKNOWN_ROUTE,
            "this path does not offer that method; see the Allow header",
        ))
        .into_response()
    } else {
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_id_parameter_is_read_for_the_log() {
        let uri = |q: &str| q.parse::<axum::http::Uri>().expect("uri");
        let id = "550e8400-e29b-41d4-a716-446655440000";
        assert_eq!(
            query_request_id(&uri(&format!("/providers?pageSize=1&requestId={id}"))),
            Some(id.to_owned())
        );
        assert_eq!(
            query_request_id(&uri("/providers?requestId=nope")),
            Some("invalid".to_owned())
        );
        assert_eq!(query_request_id(&uri("/providers?pageSize=1")), None);
        assert_eq!(query_request_id(&uri("/providers")), None);
    }
}
