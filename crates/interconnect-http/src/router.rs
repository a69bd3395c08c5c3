//! The server: [`router`] serves any [`ConnectionCoordinator`] at the
//! specification's paths (`openapi.yaml`), behind the gate every API of the
//! server passes ([`crate::gate`]: request id, access log, authentication
//! (AUTH-1) before the body is read, the per-partner rate limit, the body
//! limits), with the one error shape for routes that do not exist (404) or
//! methods a path does not offer (405).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use interconnect_provider::clock::{Clock, SystemClock};
use interconnect_provider::{ConnectionCoordinator, CoordinatorError};

use crate::auth::Authenticator;
use crate::body::{DEFAULT_BODY_LIMIT, DEFAULT_BODY_READ_TIMEOUT};
use crate::error_body::ApiError;
use crate::gate::{Admission, Admitted, Gate, gate_request};
use crate::metrics::Metrics;
use crate::rate_limit::{RateLimit, RateLimiter};
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
    /// How long a request body may take to arrive once the handler starts
    /// reading it (default 30 s); slower is 408 (OPS-21).
    pub body_read_timeout: Duration,
    /// The metrics every API of the server counts into and the operator
    /// API serves at `/metrics` (OPS-53); a new set by default.
    pub metrics: Metrics,
}

impl std::fmt::Debug for RouterConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouterConfig")
            .field("body_limit", &self.body_limit)
            .field("rate_limit", &self.rate_limit)
            .field("body_read_timeout", &self.body_read_timeout)
            .finish_non_exhaustive()
    }
}

impl Default for RouterConfig {
    fn default() -> Self {
        RouterConfig {
            body_limit: DEFAULT_BODY_LIMIT,
            rate_limit: Some(RateLimit::default()),
            clock: Arc::new(SystemClock),
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            metrics: Metrics::new(),
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

    /// Sets the body read timeout (OPS-21).
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// The gate of one API under these limits (a rate limiter of its own).
    pub(crate) fn gate(&self, api: &'static str, admission: impl Admission) -> Gate {
        Gate::new(
            api,
            admission,
            self.rate_limit
                .map(|limit| RateLimiter::new(limit, self.clock.clone())),
            self.body_limit,
            self.body_read_timeout,
            self.metrics.clone(),
        )
    }

    /// Counts into `metrics` (shared with another router, or read by the
    /// embedding program).
    pub fn metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// Sets the clock of the rate limiter.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// The partners' admission: a bearer token naming a partner (AUTH-1); the
/// caller goes into the request's extensions for the handlers.
struct PartnerAdmission {
    authenticator: Arc<dyn Authenticator>,
}

impl Admission for PartnerAdmission {
    fn admit(&self, req: &mut Request) -> Result<Admitted, ApiError> {
        let caller = self
            .authenticator
            .authenticate(req.headers())
            .map_err(|e| ApiError::new(e.into()))?;
        let principal = caller.principal().to_owned();
        req.extensions_mut().insert(caller);
        Ok(Admitted {
            rate_key: principal.clone(),
            shown: principal,
        })
    }
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
    let gate = Arc::new(config.gate("partner", PartnerAdmission { authenticator }));
    let partner_api = routes::routes::<C>()
        .fallback(unknown_route)
        .layer(middleware::map_response(shape_method_not_allowed))
        .layer(middleware::from_fn_with_state(gate, gate_request))
        .with_state(coordinator);
    // axum's method router adds `Allow` to whatever its layered fallback
    // answers, the gate's 401 included; removing it needs a layer outside
    // the whole router.
    Router::new()
        .fallback_service(partner_api)
        .layer(middleware::map_response(hide_routes_from_anonymous))
}

/// A 401 tells nothing about the route (issue 19 item 4): no `Allow` header
/// for an anonymous call with a method the path does not offer.
async fn hide_routes_from_anonymous(mut response: Response) -> Response {
    if response.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().remove(header::ALLOW);
    }
    response
}

/// 404 for a path the specification does not define (ERR-3).
async fn unknown_route() -> ApiError {
    ApiError::new(CoordinatorError::not_found(
        rules::ERR_UNKNOWN_ROUTE,
        "no operation of the specification has this path",
    ))
}

/// The `requestId` query parameter for the log: the UUID in its hyphenated
/// form, `invalid` when it is not a UUID (or the query is not form-encoded),
/// `None` when absent.
pub(crate) fn query_request_id(uri: &axum::http::Uri) -> Option<String> {
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

/// axum answers a method a path does not offer with an empty 405 (and adds
/// `Allow` afterwards); give it the one error shape.
async fn shape_method_not_allowed(response: Response) -> Response {
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
