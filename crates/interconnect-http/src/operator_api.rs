//! The operator API of a reference provider, served outside the
//! specification's `/providers` tree at `/operator/v1/...`, and the
//! unauthenticated health check `GET /healthz`.
//!
//! | method and path | operation |
//! |---|---|
//! | `POST /operator/v1/activationKeys` | issue an activation key for a partner directly (`{"environment", "bandwidthMbps", "destinationAccountId"}` -> `{"activationKey"}`; KEY-26, KEY-27); the conformance runner's `issueActivationKey` hook |
//!
//! The operator authenticates with `Authorization: Bearer <operator
//! token>` (401 otherwise, AUTH-1). Errors have the one JSON shape of the
//! specification's router (ERR-1).

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use interconnect_core::names::EnvironmentName;
use interconnect_core::wire::Secret;
use interconnect_provider::ReferenceProvider;
use serde::{Deserialize, Serialize};

use crate::auth::{AuthError, bearer_token, constant_time_eq};
use crate::body::{RawBody, decode_required};
use crate::error_body::ApiError;

/// What the operator routes share.
struct OperatorState {
    provider: Arc<ReferenceProvider>,
    token: Option<Secret>,
}

impl OperatorState {
    fn check(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let token = bearer_token(headers).map_err(|e| ApiError::new(e.into()))?;
        match &self.token {
            Some(secret) if constant_time_eq(secret.expose().as_bytes(), token) => Ok(()),
            _ => Err(ApiError::new(AuthError::Unknown.into())),
        }
    }
}

type Shared = State<Arc<OperatorState>>;

/// The body of `POST /operator/v1/activationKeys`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssueActivationKey {
    /// The environment, named under the partner's namespace as this server
    /// serves it (`providers/gcp/environments/...` at aws).
    pub environment: EnvironmentName,
    /// The connection size.
    pub bandwidth_mbps: i32,
    /// The customer's account at the partner (secret); empty when absent.
    #[serde(default = "empty_secret")]
    pub destination_account_id: Secret,
}

fn empty_secret() -> Secret {
    Secret::new("")
}

impl std::fmt::Debug for IssueActivationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssueActivationKey")
            .field("environment", &self.environment)
            .field("bandwidth_mbps", &self.bandwidth_mbps)
            .finish_non_exhaustive()
    }
}

/// The answer of `POST /operator/v1/activationKeys`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedKey {
    /// The encoded activation key (secret).
    pub activation_key: Secret,
}

impl std::fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IssuedKey(<redacted>)")
    }
}

/// The answer of `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
    /// The provider served, for example `providers/aws`.
    pub provider: String,
}

/// The operator routes for `provider`; with `token` `None` every request
/// is 401.
pub fn operator_router(provider: Arc<ReferenceProvider>, token: Option<Secret>) -> Router {
    let state = Arc::new(OperatorState { provider, token });
    Router::new()
        .route("/operator/v1/activationKeys", post(issue_activation_key))
        .route("/healthz", get(health))
        .with_state(state)
}

async fn health(State(s): Shared) -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        provider: s.provider.config().provider.to_string(),
    })
}

async fn issue_activation_key(
    State(s): Shared,
    headers: HeaderMap,
    body: RawBody,
) -> Result<Json<IssuedKey>, ApiError> {
    s.check(&headers)?;
    let issue: IssueActivationKey = decode_required(&body.0, "IssueActivationKey")?;
    let issued = s.provider.issue_activation_key(
        &issue.environment,
        issue.bandwidth_mbps,
        issue.destination_account_id,
    )?;
    Ok(Json(IssuedKey {
        activation_key: issued.encoded().clone(),
    }))
}
