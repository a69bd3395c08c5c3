//! The customer API of a reference provider, served outside the
//! specification's `/providers` tree at `/customer/v1/...`.
//!
//! The specification leaves the customer's side to each provider
//! (`docs/ConnectionCoordinatorAPI.md` § Create Connection at CSP A,
//! § Accept Connection at CSP B); these routes serve the customer
//! operations of [`ReferenceProvider`] (`interconnect_provider::customer`):
//!
//! | method and path | operation |
//! |---|---|
//! | `POST /customer/v1/connections` | request a connection (body: `ConnectionRequest`): the pending connection and the activation key |
//! | `GET /customer/v1/connections` | the caller's connections |
//! | `GET /customer/v1/connections/{id}` | one of them (404 for another customer's) |
//! | `PATCH /customer/v1/connections/{id}` | change its bandwidth (body: `{"bandwidthMbps": N}`) |
//! | `DELETE /customer/v1/connections/{id}` | delete it |
//! | `POST /customer/v1/activationKeys/describe` | what a key asks for (body: `{"activationKey": "..."}`, KEY-28) |
//! | `POST /customer/v1/activationKeys/accept` | accept a key (body: `AcceptActivationKey`) |
//!
//! A customer authenticates with `Authorization: Bearer <token>`; the
//! configuration maps each token to the customer's account id, which is a
//! secret and never appears in logs or errors. Without a known token the
//! answer is 401 (AUTH-1). Errors have the one JSON shape of the
//! specification's router (ERR-1); a bad body is 400 naming the JSON path
//! (ERR-6).

use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::middleware;
use axum::routing::{get, post};
use interconnect_core::customer::ConnectionRequest;
use interconnect_core::wire::Secret;
use interconnect_provider::ReferenceProvider;
use interconnect_provider::customer::ConnectionRequested;
use interconnect_provider::customer::{AcceptActivationKey, CustomerConnection, KeyDescription};
use serde::{Deserialize, Serialize};

use crate::auth::{AuthError, bearer_token, constant_time_eq};
use crate::body::{RawBody, decode_required};
use crate::durable::durable_before_answer;
use crate::error_body::ApiError;
use crate::gate::{Admission, Admitted, gate_request};
use crate::router::RouterConfig;

/// Customer tokens from configuration, each mapped to the customer's
/// account id (both secrets).
#[derive(Default, Clone)]
pub struct CustomerTokens {
    entries: Vec<(Secret, Secret)>,
}

impl std::fmt::Debug for CustomerTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomerTokens")
            .field("customers", &self.entries.len())
            .finish()
    }
}

impl CustomerTokens {
    /// No customers (every request is 401).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a customer: its bearer `token` and its `account` id.
    pub fn with_customer(mut self, token: Secret, account: Secret) -> Self {
        self.entries.push((token, account));
        self
    }

    /// The account of the request's bearer token; every entry is compared
    /// so the time does not tell which matched.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Secret, AuthError> {
        let token = bearer_token(headers)?;
        let mut found = None;
        for (secret, account) in &self.entries {
            if constant_time_eq(secret.expose().as_bytes(), token) && found.is_none() {
                found = Some(account.clone());
            }
        }
        found.ok_or(AuthError::Unknown)
    }
}

/// What the customer routes share.
struct CustomerState {
    provider: Arc<ReferenceProvider>,
}

/// The authenticated customer's account, put into the request by the gate.
#[derive(Clone)]
struct CustomerAccount(Secret);

/// The customers' admission: a customer's bearer token (AUTH-1), checked by
/// the gate before the body is read; the account is rate-limited on its own
/// and never logged.
struct CustomerAdmission {
    tokens: CustomerTokens,
}

impl Admission for CustomerAdmission {
    fn admit(&self, req: &mut axum::extract::Request) -> Result<Admitted, ApiError> {
        let account = self
            .tokens
            .authenticate(req.headers())
            .map_err(|e| ApiError::new(e.into()))?;
        let rate_key = format!("customer:{}", account.expose());
        req.extensions_mut().insert(CustomerAccount(account));
        Ok(Admitted {
            rate_key,
            shown: "customer".to_owned(),
        })
    }
}

type Shared = State<Arc<CustomerState>>;

/// The body of `PATCH /customer/v1/connections/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeBandwidth {
    /// The new bandwidth, one of the environment's sizes.
    pub bandwidth_mbps: i32,
}

/// The body of `POST /customer/v1/activationKeys/describe`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DescribeActivationKey {
    /// The key text (secret).
    pub activation_key: Secret,
}

impl std::fmt::Debug for DescribeActivationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DescribeActivationKey(<redacted>)")
    }
}

/// The answer of `GET /customer/v1/connections`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerConnections {
    /// The caller's connections, by connection id.
    pub connections: Vec<CustomerConnection>,
}

/// The customer routes for `provider`, authenticating with `tokens`.
pub fn customer_router(provider: Arc<ReferenceProvider>, tokens: CustomerTokens) -> Router {
    customer_router_with(provider, tokens, &RouterConfig::default())
}

/// The customer routes behind the gate of `config` (OPS-24: token checked
/// before the body is read, a rate limit per account, request id, access
/// log without the account).
pub fn customer_router_with(
    provider: Arc<ReferenceProvider>,
    tokens: CustomerTokens,
    config: &RouterConfig,
) -> Router {
    let durable = Arc::clone(&provider);
    let state = Arc::new(CustomerState { provider });
    let gate = Arc::new(config.gate("customer", CustomerAdmission { tokens }));
    Router::new()
        .route(
            "/customer/v1/connections",
            post(request_connection).get(list_connections),
        )
        .route(
            "/customer/v1/connections/{id}",
            get(get_connection)
                .patch(change_bandwidth)
                .delete(delete_connection),
        )
        .route(
            "/customer/v1/activationKeys/describe",
            post(describe_activation_key),
        )
        .route(
            "/customer/v1/activationKeys/accept",
            post(accept_activation_key),
        )
        // OPS-33: the answer leaves once the store made it durable
        .route_layer(middleware::from_fn_with_state(
            durable,
            durable_before_answer,
        ))
        .route_layer(middleware::from_fn_with_state(gate, gate_request))
        .with_state(state)
}

async fn request_connection(
    State(s): Shared,
    Extension(CustomerAccount(account)): Extension<CustomerAccount>,
    body: RawBody,
) -> Result<Json<ConnectionRequested>, ApiError> {
    let request: ConnectionRequest = decode_required(&body.0, "RequestConnection")?;
    Ok(Json(
        s.provider
            .customer()
            .request_connection(&account, &request)
            .await?,
    ))
}

async fn list_connections(
    State(s): Shared,
    Extension(CustomerAccount(account)): Extension<CustomerAccount>,
) -> Result<Json<CustomerConnections>, ApiError> {
    Ok(Json(CustomerConnections {
        connections: s.provider.customer().customer_connections(&account),
    }))
}

async fn get_connection(
    State(s): Shared,
    Extension(CustomerAccount(account)): Extension<CustomerAccount>,
    Path(id): Path<String>,
) -> Result<Json<CustomerConnection>, ApiError> {
    Ok(Json(
        s.provider.customer().customer_connection(&account, &id)?,
    ))
}

async fn change_bandwidth(
    State(s): Shared,
    Extension(CustomerAccount(account)): Extension<CustomerAccount>,
    Path(id): Path<String>,
    body: RawBody,
) -> Result<Json<CustomerConnection>, ApiError> {
    let change: ChangeBandwidth = decode_required(&body.0, "ChangeBandwidth")?;
    Ok(Json(
        s.provider
            .customer()
            .change_bandwidth(&account, &id, change.bandwidth_mbps)
            .await?,
    ))
}

async fn delete_connection(
    State(s): Shared,
    Extension(CustomerAccount(account)): Extension<CustomerAccount>,
    Path(id): Path<String>,
) -> Result<Json<CustomerConnection>, ApiError> {
    Ok(Json(
        s.provider
            .customer()
            .delete_customer_connection(&account, &id)?,
    ))
}

async fn describe_activation_key(
    State(s): Shared,
    body: RawBody,
) -> Result<Json<KeyDescription>, ApiError> {
    let describe: DescribeActivationKey = decode_required(&body.0, "DescribeActivationKey")?;
    Ok(Json(
        s.provider
            .customer()
            .describe_activation_key(&describe.activation_key)?,
    ))
}

async fn accept_activation_key(
    State(s): Shared,
    Extension(CustomerAccount(account)): Extension<CustomerAccount>,
    body: RawBody,
) -> Result<Json<CustomerConnection>, ApiError> {
    let accept: AcceptActivationKey = decode_required(&body.0, "AcceptActivationKey")?;
    // KEY-24 (the account is the authenticated customer) is the provider's
    Ok(Json(
        s.provider
            .customer()
            .accept_activation_key(&account, &accept)
            .await?,
    ))
}
