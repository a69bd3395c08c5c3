//! The OpenAPI document of the customer (`/customer/v1`) and operator
//! (`/operator/v1`, `/metrics`, `/healthz`, `/readyz`) APIs, which the
//! specification does not define (issue 16 item 12; OPS-55).
//!
//! [`CUSTOMER_ROUTES`] and [`OPERATOR_ROUTES`] list every route the two
//! routers serve, with its method, what it does and the body types it reads
//! and answers; [`management_openapi`] turns them into an OpenAPI 3.1
//! document, served at `GET /operator/v1/openapi.json`. A test
//! (`tests/management_api.rs`) checks both ways that the tables and the
//! routers agree: every route in the routers' source is in a table, and
//! every row is served with its method.

use serde_json::{Map, Value, json};

/// One route of the customer or operator API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteDoc {
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path as the router writes it (`{id}`, `{*interconnect}`).
    pub path: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// The request body's type (a Rust type of the provider or HTTP crate),
    /// `None` for no body.
    pub request: Option<&'static str>,
    /// What the 200 answer holds.
    pub response: &'static str,
    /// Whether the route needs no token (health and readiness).
    pub public: bool,
}

const fn route(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    request: Option<&'static str>,
    response: &'static str,
) -> RouteDoc {
    RouteDoc {
        method,
        path,
        summary,
        request,
        response,
        public: false,
    }
}

/// Every route of the customer API (`customer_api.rs`).
pub const CUSTOMER_ROUTES: &[RouteDoc] = &[
    route(
        "POST",
        "/customer/v1/connections",
        "Request a connection to another provider's environment: answers the connection and its activation key (shown once).",
        Some("ConnectionRequest"),
        "ConnectionRequested: {connection, activationKey}",
    ),
    route(
        "GET",
        "/customer/v1/connections",
        "The caller's connections.",
        None,
        "{connections: [CustomerConnection]}",
    ),
    route(
        "GET",
        "/customer/v1/connections/{id}",
        "One connection of the caller (404 for another customer's).",
        None,
        "CustomerConnection",
    ),
    route(
        "PATCH",
        "/customer/v1/connections/{id}",
        "Change the bandwidth of a verified connection.",
        Some("BandwidthChange: {bandwidthMbps}"),
        "CustomerConnection",
    ),
    route(
        "DELETE",
        "/customer/v1/connections/{id}",
        "Delete a connection (here first, then at the other provider).",
        None,
        "CustomerConnection",
    ),
    route(
        "POST",
        "/customer/v1/activationKeys/describe",
        "What an activation key requests (environment, size, issuer), before accepting it.",
        Some("{activationKey}"),
        "KeyDescription",
    ),
    route(
        "POST",
        "/customer/v1/activationKeys/accept",
        "Accept an activation key: the providers negotiate the connection.",
        Some("AcceptActivationKey"),
        "CustomerConnection",
    ),
];

/// Every route of the operator API (`operator_api.rs`).
pub const OPERATOR_ROUTES: &[RouteDoc] = &[
    route(
        "POST",
        "/operator/v1/activationKeys",
        "Issue an activation key for a partner's customer (the conformance runner's issueActivationKey hook).",
        Some("{environment, bandwidthMbps, destinationAccountId}"),
        "{activationKey}",
    ),
    route(
        "POST",
        "/operator/v1/macsecRotations",
        "Rotate the MACsec keys of the channels this side manages on an interconnect, one channel at a time.",
        Some("{interconnect} or {connectionId}"),
        "{interconnect, channels}",
    ),
    route(
        "GET",
        "/operator/v1/macsecRotations/{*interconnect}",
        "The MACsec rotation run of an interconnect (the rest of the path is its name).",
        None,
        "RotationRun: {queue, current, notBefore, history}",
    ),
    route(
        "POST",
        "/operator/v1/macsecRotationRequests",
        "Ask the peer to rotate a channel it manages (MACSEC-16).",
        Some("RequestPeerRotation: {channel, reason}"),
        "{}",
    ),
    route(
        "GET",
        "/operator/v1/degradedConnections",
        "The connections the peer no longer shows whole (RECON-2).",
        None,
        "{connections: [DegradedConnection]}",
    ),
    route(
        "POST",
        "/operator/v1/monitoringConnections",
        "Create this provider's own MONITORING connection on an interconnect (CONN-46).",
        Some("CreateMonitoringConnection: {interconnect, bandwidthMbps}"),
        "MonitoringConnection",
    ),
    route(
        "GET",
        "/operator/v1/monitoringConnections",
        "This provider's own MONITORING connections.",
        None,
        "{connections: [MonitoringConnection]}",
    ),
    route(
        "POST",
        "/operator/v1/maintenance",
        "Schedule maintenance on a channel; the peer is told (MAINT-4).",
        Some("{channel, event: {startTime, endTime, maintenanceId}, emergency}"),
        "MaintenanceEvent",
    ),
    route(
        "POST",
        "/operator/v1/maintenance/cancel",
        "Withdraw a maintenance event.",
        Some("{channel, maintenanceId}"),
        "MaintenanceEvent",
    ),
    route(
        "POST",
        "/operator/v1/issues",
        "File an issue with a partner.",
        Some("{partner, issueId, issue}"),
        "Issue",
    ),
    route(
        "POST",
        "/operator/v1/issues/comment",
        "Comment on an issue filed with a partner.",
        Some("{partner, issue, body}"),
        "Comment",
    ),
    route(
        "POST",
        "/operator/v1/issues/close",
        "Close an issue filed with a partner.",
        Some("{partner, issue}"),
        "Issue",
    ),
    route(
        "GET",
        "/operator/v1/openapi.json",
        "This document.",
        None,
        "OpenAPI 3.1 document",
    ),
    route(
        "GET",
        "/metrics",
        "Metrics in the OpenMetrics text format (OPS-53).",
        None,
        "text/plain OpenMetrics",
    ),
    RouteDoc {
        public: true,
        ..route("GET", "/healthz", "Liveness.", None, "{status, provider}")
    },
    RouteDoc {
        public: true,
        ..route(
            "GET",
            "/readyz",
            "Readiness: the store answers and the server accepts (503 once a stop began).",
            None,
            "{status, provider}",
        )
    },
];

/// The OpenAPI path of a router path: `{*name}` becomes `{name}`.
pub fn openapi_path(path: &str) -> String {
    path.replace("{*", "{")
}

/// The path parameters of a router path.
fn parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            let (name, rest) = match name.strip_prefix('*') {
                Some(n) => (n, true),
                None => (name, false),
            };
            json!({
                "name": name,
                "in": "path",
                "required": true,
                "schema": {"type": "string"},
                "description": if rest {
                    "the rest of the path: a resource name with its slashes"
                } else {
                    "a connection's id (UUID)"
                }
            })
        })
        .collect()
}

fn operation(r: &RouteDoc, tag: &str) -> Value {
    let mut op = Map::new();
    op.insert("summary".into(), json!(r.summary));
    op.insert("tags".into(), json!([tag]));
    let id: String = format!("{} {}", r.method.to_lowercase(), r.path)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            if i == 0 {
                w.to_owned()
            } else {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            }
        })
        .collect();
    op.insert("operationId".into(), json!(id));
    let params = parameters(r.path);
    if !params.is_empty() {
        op.insert("parameters".into(), Value::Array(params));
    }
    if let Some(body) = r.request {
        op.insert(
            "requestBody".into(),
            json!({
                "required": true,
                "description": body,
                "content": {"application/json": {"schema": {"type": "object"}}}
            }),
        );
    }
    let ok = if r.path == "/metrics" {
        json!({"description": r.response, "content": {"application/openmetrics-text": {"schema": {"type": "string"}}}})
    } else {
        json!({"description": r.response, "content": {"application/json": {"schema": {"type": "object"}}}})
    };
    op.insert(
        "responses".into(),
        json!({
            "200": ok,
            "default": {
                "description": "An error, in the one error document of every API (ERR-1).",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            }
        }),
    );
    op.insert(
        "security".into(),
        if r.public {
            json!([])
        } else {
            json!([{"bearer": []}])
        },
    );
    Value::Object(op)
}

/// The OpenAPI 3.1 document of the customer and operator APIs.
pub fn management_openapi() -> Value {
    let mut paths = Map::new();
    for (routes, tag) in [(CUSTOMER_ROUTES, "customer"), (OPERATOR_ROUTES, "operator")] {
        for r in routes {
            let entry = paths
                .entry(openapi_path(r.path))
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(methods) = entry {
                methods.insert(r.method.to_lowercase(), operation(r, tag));
            }
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "interconnect: customer and operator APIs of a reference provider",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Not part of the Connection Coordinator specification: the APIs a reference provider offers its own customers (bearer token of the customer's account) and its operator (the operator token). The partner API is the specification's own document."
        },
        "tags": [
            {"name": "customer", "description": "/customer/v1: the customer's connections and activation keys"},
            {"name": "operator", "description": "/operator/v1, /metrics, /healthz, /readyz"}
        ],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "status", "message"],
                            "properties": {
                                "code": {"type": "integer", "description": "the HTTP status"},
                                "status": {"type": "string", "description": "the google.rpc status name (E-36, E-441)"},
                                "message": {"type": "string"}
                            }
                        }
                    }
                }
            }
        },
        "paths": Value::Object(paths)
    })
}
