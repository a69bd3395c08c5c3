//! The operator API of a reference provider, served outside the
//! specification's `/providers` tree at `/operator/v1/...`, and the
//! unauthenticated health and readiness checks `GET /healthz` and
//! `GET /readyz`, and the operator's `GET /metrics`.
//!
//! | method and path | operation |
//! |---|---|
//! | `POST /operator/v1/activationKeys` | issue an activation key for a partner directly (`{"environment", "bandwidthMbps", "destinationAccountId"}` -> `{"activationKey"}`; KEY-26, KEY-27); the conformance runner's `issueActivationKey` hook |
//! | `POST /operator/v1/macsecRotations` | rotate the MACsec keys of the channels of an interconnect this side manages (`{"interconnect"}` or `{"connectionId"}` -> `{"interconnect", "channels"}`; MACSEC-23) |
//! | `GET /operator/v1/macsecRotations/{interconnect name}` | the rotation run of an interconnect: queue, current channel, history |
//! | `POST /operator/v1/macsecRotationRequests` | ask the peer to rotate a channel it manages (`{"channel", "reason"}` -> `{}`; MACSEC-16) |
//! | `POST /operator/v1/maintenance` | schedule maintenance on a channel and tell the peer (`{"channel", "event", "emergency"}` -> the event; MAINT-4, MAINT-6, MAINT-7) |
//! | `POST /operator/v1/maintenance/cancel` | withdraw it (`{"channel", "maintenanceId"}` -> the event) |
//! | `POST /operator/v1/issues` | open an issue with a partner (`{"partner", "issueId", "issue"}` -> the issue as the partner stored it) |
//! | `POST /operator/v1/issues/comment` | comment on it (`{"partner", "issue", "body"}`) |
//! | `POST /operator/v1/issues/close` | close it (`{"partner", "issue"}`) |
//! | `GET /metrics` | the server's metrics in the Prometheus text format ([`crate::metrics`]; OPS-53) |
//!
//! `GET /healthz` (the process answers) and `GET /readyz` (OPS-54: 200 when
//! the store answers a read and the server is accepting connections, 503
//! otherwise, for instance once a stop began) need no token.
//!
//! Interconnect and channel names are this side's (under the partner's
//! namespace, as this server serves them).
//!
//! The operator authenticates with `Authorization: Bearer <operator
//! token>` (401 otherwise, AUTH-1). Errors have the one JSON shape of the
//! specification's router (ERR-1).

use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use interconnect_core::names::{ChannelName, EnvironmentName, InterconnectName, IssueName};
use interconnect_core::wire::{self, MaintenanceEvent, Secret};
use interconnect_provider::store::{RotationRun, StoreExt};
use interconnect_provider::{CoordinatorError, ReferenceProvider};
use serde::{Deserialize, Serialize};

use crate::auth::{AuthError, bearer_token, constant_time_eq};
use crate::body::{RawBody, decode_required};
use crate::durable::durable_before_answer;
use crate::error_body::ApiError;
use crate::gate::{Admission, Admitted, gate_request};
use crate::metrics::Metrics;
use crate::router::RouterConfig;
use crate::serve::Serving;

/// What the operator routes share.
struct OperatorState {
    provider: Arc<ReferenceProvider>,
    metrics: Metrics,
}

/// The operator's admission: the operator's bearer token (AUTH-1), checked
/// by the gate before the body is read.
struct OperatorAdmission {
    token: Option<Secret>,
}

impl Admission for OperatorAdmission {
    fn admit(&self, req: &mut axum::extract::Request) -> Result<Admitted, ApiError> {
        check_operator(self.token.as_ref(), req.headers())?;
        Ok(Admitted {
            rate_key: "operator".to_owned(),
            shown: "operator".to_owned(),
        })
    }
}

/// The operator's bearer token is on the request (401 otherwise, AUTH-1;
/// with no token configured every request is 401).
pub(crate) fn check_operator(
    expected: Option<&Secret>,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let token = bearer_token(headers).map_err(|e| ApiError::new(e.into()))?;
    match expected {
        Some(secret) if constant_time_eq(secret.expose().as_bytes(), token) => Ok(()),
        _ => Err(ApiError::new(AuthError::Unknown.into())),
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

/// The answer of `GET /healthz` and `GET /readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok` (`/healthz`); `ready`, `stopping` or `store unavailable`
    /// (`/readyz`).
    pub status: String,
    /// The provider served, for example `providers/aws`.
    pub provider: String,
}

/// The operator routes for `provider` with the default limits; with
/// `token` `None` every request is 401. `/healthz` needs no token.
pub fn operator_router(provider: Arc<ReferenceProvider>, token: Option<Secret>) -> Router {
    operator_router_with(provider, token, &RouterConfig::default())
}

/// The operator routes behind the gate of `config` (OPS-24: token checked
/// before the body is read, rate limit, request id, access log).
pub fn operator_router_with(
    provider: Arc<ReferenceProvider>,
    token: Option<Secret>,
    config: &RouterConfig,
) -> Router {
    // OPS-53: the provider reports its work where /metrics reads
    provider.observe(config.metrics.observer());
    let durable = Arc::clone(&provider);
    let state = Arc::new(OperatorState {
        provider,
        metrics: config.metrics.clone(),
    });
    let gate = Arc::new(config.gate("operator", OperatorAdmission { token }));
    let health_route = Router::new()
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
        .with_state(state.clone());
    Router::new()
        .route("/operator/v1/activationKeys", post(issue_activation_key))
        .route("/operator/v1/macsecRotations", post(rotate_mac_sec_keys))
        .route(
            "/operator/v1/macsecRotations/{*interconnect}",
            get(mac_sec_rotation),
        )
        .route(
            "/operator/v1/macsecRotationRequests",
            post(request_peer_rotation),
        )
        .route(
            "/operator/v1/degradedConnections",
            get(degraded_connections),
        )
        .route(
            "/operator/v1/monitoringConnections",
            post(create_monitoring_connection).get(monitoring_connections),
        )
        .route("/operator/v1/maintenance", post(schedule_maintenance))
        .route("/operator/v1/maintenance/cancel", post(cancel_maintenance))
        .route("/operator/v1/issues", post(open_issue))
        .route("/operator/v1/issues/comment", post(comment_issue))
        .route("/operator/v1/issues/close", post(close_issue))
        .route("/operator/v1/openapi.json", get(openapi))
        .route("/metrics", get(metrics))
        // OPS-33: the answer leaves once the store made it durable
        .route_layer(middleware::from_fn_with_state(
            durable,
            durable_before_answer,
        ))
        .route_layer(middleware::from_fn_with_state(gate, gate_request))
        .with_state(state)
        .merge(health_route)
}

async fn health(State(s): Shared) -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        provider: s.provider.config().provider.to_string(),
    })
}

/// OPS-54: ready when the store answers a read and the server is not
/// stopping (the accept loop says so through [`Serving`]; a router served
/// some other way is taken as accepting).
async fn ready(
    State(s): Shared,
    serving: Option<Extension<Serving>>,
) -> (StatusCode, Json<Health>) {
    let provider = s.provider.config().provider.to_string();
    let status = if serving.is_some_and(|Extension(serving)| serving.is_stopping()) {
        "stopping"
    } else if s.provider.store().view(|_| ()).is_none() {
        "store unavailable"
    } else {
        return (
            StatusCode::OK,
            Json(Health {
                status: "ready".to_owned(),
                provider,
            }),
        );
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(Health {
            status: status.to_owned(),
            provider,
        }),
    )
}

/// OPS-53: the metrics, with the workflows counted now.
async fn metrics(State(s): Shared) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        s.metrics.encode(Some(&s.provider)),
    )
}

async fn issue_activation_key(
    State(s): Shared,
    body: RawBody,
) -> Result<Json<IssuedKey>, ApiError> {
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

/// The body of `POST /operator/v1/macsecRotations`: the interconnect, or
/// a connection (its shared connection UUID) whose interconnect is meant.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RotateMacSecKeys {
    /// The interconnect (this side's name).
    #[serde(default)]
    pub interconnect: Option<InterconnectName>,
    /// A connection on it (the id customers see).
    #[serde(default)]
    pub connection_id: Option<String>,
}

/// The answer of `POST /operator/v1/macsecRotations`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationQueued {
    /// The interconnect (this side's name).
    pub interconnect: InterconnectName,
    /// The channels queued for rotation, in order.
    pub channels: Vec<ChannelName>,
}

/// The body of `POST /operator/v1/monitoringConnections`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateMonitoringConnection {
    /// The interconnect (this side's name).
    pub interconnect: InterconnectName,
    /// Its bandwidth (positive; any size, CONN-44).
    pub bandwidth_mbps: i32,
}

/// The answer of `GET /operator/v1/monitoringConnections`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MonitoringConnections {
    connections: Vec<interconnect_provider::operator::MonitoringConnection>,
}

async fn create_monitoring_connection(
    State(s): Shared,
    body: RawBody,
) -> Result<Json<interconnect_provider::operator::MonitoringConnection>, ApiError> {
    let request: CreateMonitoringConnection =
        decode_required(&body.0, "CreateMonitoringConnection")?;
    Ok(Json(
        s.provider
            .operator()
            .operator_create_monitoring_connection(&request.interconnect, request.bandwidth_mbps)?,
    ))
}

async fn monitoring_connections(State(s): Shared) -> Json<MonitoringConnections> {
    Json(MonitoringConnections {
        connections: s.provider.operator().monitoring_connections(),
    })
}

/// The body of `POST /operator/v1/macsecRotationRequests`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestPeerRotation {
    /// The channel (this side's name), managed by the peer.
    pub channel: ChannelName,
    /// Why, for the peer's operator.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The body of `POST /operator/v1/maintenance`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduleMaintenance {
    /// The channel (this side's name).
    pub channel: ChannelName,
    /// The window (`startTime`, `endTime`, `maintenanceId`).
    pub event: MaintenanceEvent,
    /// Emergency maintenance: no overlap check (MAINT-7).
    #[serde(default)]
    pub emergency: bool,
}

/// The body of `POST /operator/v1/maintenance/cancel`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CancelMaintenance {
    /// The channel (this side's name).
    pub channel: ChannelName,
    /// The maintenance to withdraw.
    pub maintenance_id: String,
}

/// The body of `POST /operator/v1/issues`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenIssue {
    /// The partner to open it with (`gcp` or `providers/gcp`).
    pub partner: String,
    /// Its id (generated when absent).
    #[serde(default)]
    pub issue_id: Option<String>,
    /// The issue.
    pub issue: wire::Issue,
}

/// The body of `POST /operator/v1/issues/comment`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommentIssue {
    /// The partner holding the issue.
    pub partner: String,
    /// The issue's name at the partner.
    pub issue: IssueName,
    /// The comment.
    pub body: String,
}

/// The body of `POST /operator/v1/issues/close`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloseIssue {
    /// The partner holding the issue.
    pub partner: String,
    /// The issue's name at the partner.
    pub issue: IssueName,
}

fn partner(text: &str) -> Result<interconnect_core::names::ProviderName, ApiError> {
    interconnect_core::names::ProviderName::parse_reference(text).map_err(|e| {
        ApiError::new(CoordinatorError::invalid_argument(
            crate::rules::ERR_BODY,
            format!("partner: {e}"),
        ))
    })
}

async fn rotate_mac_sec_keys(
    State(s): Shared,
    body: RawBody,
) -> Result<Json<RotationQueued>, ApiError> {
    let rotate: RotateMacSecKeys = decode_required(&body.0, "RotateMacSecKeys")?;
    let interconnect = match (rotate.interconnect, rotate.connection_id) {
        (Some(interconnect), None) => interconnect,
        (None, Some(id)) => s
            .provider
            .workflow(&id)
            .and_then(|w| w.connection)
            .map(|c| c.interconnect().clone())
            .ok_or_else(|| {
                ApiError::new(CoordinatorError::not_found(
                    interconnect_provider::rules::CONN_MISSING,
                    "connectionId: no connection with this id has a connection resource here",
                ))
            })?,
        _ => {
            return Err(ApiError::new(CoordinatorError::invalid_argument(
                crate::rules::ERR_BODY,
                "RotateMacSecKeys: give exactly one of interconnect and connectionId",
            )));
        }
    };
    let channels = s
        .provider
        .operator()
        .operator_rotate_mac_sec_keys(&interconnect)?;
    Ok(Json(RotationQueued {
        interconnect,
        channels,
    }))
}

async fn mac_sec_rotation(
    State(s): Shared,
    Path(interconnect): Path<String>,
) -> Result<Json<RotationRun>, ApiError> {
    let name: InterconnectName = interconnect.parse().map_err(|e| {
        ApiError::new(CoordinatorError::invalid_argument(
            crate::rules::NAME_SEGMENT,
            format!("interconnect: {e}"),
        ))
    })?;
    s.provider
        .operator()
        .mac_sec_rotation(&name)
        .map(Json)
        .ok_or_else(|| {
            ApiError::new(CoordinatorError::not_found(
                crate::rules::ERR_UNKNOWN_ROUTE,
                format!("no MACsec rotation was started on {name}"),
            ))
        })
}

/// OPS-55: the OpenAPI document of the customer and operator APIs.
async fn openapi() -> Json<serde_json::Value> {
    Json(crate::management_doc::management_openapi())
}

/// The connections the peer check found degraded (RECON-2).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct DegradedConnections {
    connections: Vec<interconnect_provider::negotiator::DegradedConnection>,
}

async fn degraded_connections(State(s): Shared) -> Json<DegradedConnections> {
    Json(DegradedConnections {
        connections: s.provider.operator().degraded_connections(),
    })
}

async fn request_peer_rotation(
    State(s): Shared,
    body: RawBody,
) -> Result<Json<wire::Empty>, ApiError> {
    let request: RequestPeerRotation = decode_required(&body.0, "RequestPeerRotation")?;
    s.provider
        .operator()
        .operator_request_peer_rotation(&request.channel, request.reason)
        .await?;
    Ok(Json(wire::Empty::default()))
}

async fn schedule_maintenance(
    State(s): Shared,
    body: RawBody,
) -> Result<Json<MaintenanceEvent>, ApiError> {
    let request: ScheduleMaintenance = decode_required(&body.0, "ScheduleMaintenance")?;
    let event = if request.emergency {
        s.provider
            .operator()
            .operator_publish_emergency_maintenance(&request.channel, request.event)?
    } else {
        s.provider
            .operator()
            .operator_schedule_maintenance(&request.channel, request.event)?
    };
    Ok(Json(event))
}

async fn cancel_maintenance(
    State(s): Shared,
    body: RawBody,
) -> Result<Json<MaintenanceEvent>, ApiError> {
    let request: CancelMaintenance = decode_required(&body.0, "CancelMaintenance")?;
    Ok(Json(s.provider.operator().operator_cancel_maintenance(
        &request.channel,
        &request.maintenance_id,
    )?))
}

async fn open_issue(State(s): Shared, body: RawBody) -> Result<Json<wire::Issue>, ApiError> {
    let request: OpenIssue = decode_required(&body.0, "OpenIssue")?;
    let partner = partner(&request.partner)?;
    Ok(Json(
        s.provider
            .operator()
            .operator_open_issue(&partner, request.issue_id.as_deref(), request.issue)
            .await?,
    ))
}

async fn comment_issue(
    State(s): Shared,
    body: RawBody,
) -> Result<Json<wire::AddCommentResponse>, ApiError> {
    let request: CommentIssue = decode_required(&body.0, "CommentIssue")?;
    let partner = partner(&request.partner)?;
    Ok(Json(
        s.provider
            .operator()
            .operator_add_comment(&partner, &request.issue, &request.body)
            .await?,
    ))
}

async fn close_issue(State(s): Shared, body: RawBody) -> Result<Json<wire::Issue>, ApiError> {
    let request: CloseIssue = decode_required(&body.0, "CloseIssue")?;
    let partner = partner(&request.partner)?;
    Ok(Json(
        s.provider
            .operator()
            .operator_close_issue(&partner, &request.issue)
            .await?,
    ))
}
