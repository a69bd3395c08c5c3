//! # interconnect-http
//!
//! The HTTP binding of the Connection Coordinator specification
//! (`openapi.yaml`): [`router`] serves any
//! [`ConnectionCoordinator`](interconnect_provider::ConnectionCoordinator) at
//! the specification's paths, and [`HttpCoordinator`] implements the same
//! trait against a peer's base URL.
//!
//! | module | what it holds | upstream source |
//! |---|---|---|
//! | `router` | [`router()`], [`router_with`], [`RouterConfig`]: the partner API behind the gate, 404 and 405 | `openapi.yaml` paths; E-36 |
//! | `gate` | the gate every API passes: request id, access log, authentication before the body is read, rate limit, body limits; refused tokens counted, not logged one by one | OPS-24 |
//! | `routes` | one handler per operation, generated from the operation table at its row's method and path; custom methods as `/Verb` segments | `paths/*.yaml` |
//! | `segments` | path parameters read into typed names (NAME-9) | `parameters/_index.yaml` path parameters |
//! | `query` | operation and global query parameters (`$alt`, `$prettyPrint`, `$.xgafv`, `$callback`) | `parameters/_index.yaml`; `paths/*.yaml`; E-35 |
//! | `body` | request bodies: limit (413), required or `{}`, errors naming the JSON path | `requestBody` of `paths/*.yaml`; E-11 |
//! | [`error_body`] | the one error JSON shape, from the provider crate's status table | `parameters/_index.yaml` `_.xgafv`; E-36 |
//! | [`auth`] | `Authenticator`, `BearerTokens` (401 AUTH-1) | `docs/Protocols.md` § Authentication; governance § Authentication and Authorization |
//! | [`metrics`] | [`Metrics`]: requests, rate-limit refusals, workflows by phase, negotiation time, retries, peer errors; the text of `GET /metrics` | OPS-53 |
//! | [`rate_limit`] | per-partner token buckets (429 with `Retry-After`) | none upstream: project decision ERR-7 |
//! | `request_id` | `x-request-id` honoured or generated, echoed | `ARCHITECTURE.md` |
//! | [`client`] | `HttpCoordinator`: the trait over HTTPS (TLS 1.3), errors mapped back | `openapi.yaml` paths; governance § Mandatory Encryption |
//! | `rules` | the requirement ids this crate reports | `spec/REQUIREMENTS.md` |
//! | `tls` | [`TlsConfig`]: server and client configurations accepting TLS 1.3 only | governance § Mandatory Encryption; AUTH-6 |
//! | `serve` | [`serve`], [`serve_with`]: the accept loop over TLS, or plain HTTP on loopback for development, with its [`ListenerLimits`] (timeouts, connection cap, shutdown grace, bounds of the request head) | governance § Mandatory Encryption; AUTH-6; OPS-20, OPS-22, OPS-23, OPS-60, OPS-61; E-440 |
//! | [`driver`] | [`Driver`]: a reference provider's scheduler on tokio | `docs/Protocols.md` § Negotiate Feature Parameters; OPS-7 |
//! | [`customer_api`] | `/customer/v1/...`: the customer operations of a reference provider | `docs/ConnectionCoordinatorAPI.md` § Create Connection at CSP A, § Accept Connection at CSP B |
//! | [`operator_api`] | `/operator/v1/...`, `/metrics`, `/healthz` and `/readyz`: the operator operations, metrics, health and readiness | `docs/Protocols.md` § Maintenance Coordination, § MACsec Key Rotation |
//! | [`management_doc`] | the OpenAPI document of the customer and operator APIs, from one table of their routes, served at `GET /operator/v1/openapi.json` | OPS-55 |
//! | [`dev_api`] | `/operator/v1/dev/...`: development hooks (clock, provisioning, MACsec activation) for `serve --dev` and conformance runs | none upstream: project decision |
//! | `app` | [`provider_app`]: all of the above on one router | |
//!
//! The modules in plain text are private: what they hold that a user needs
//! is re-exported here (`ROUTE_PATHS`).
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `client` | yes | `client`: `HttpCoordinator`, the trait over HTTPS to a peer (reqwest with rustls) |
//! | `server` | yes | everything that answers HTTP: the partner router, the customer, operator and development APIs, the gate, metrics, the accept loop over TLS (`serve`), the `Driver` of a reference provider's scheduler and the durable-answer middleware (axum, hyper, tower, tokio-rustls, prometheus-client) |
//!
//! Both build alone (`--no-default-features --features client`, or
//! `server`). Without `server` the modules of the table that answer HTTP
//! are absent; [`error_body`] (the error JSON shape), [`TlsConfig`] and
//! [`client_config`] are always there.
//!
//! ## Re-exported dependencies
//!
//! The crates whose types appear in this crate's public signatures are
//! re-exported: [`interconnect_core`], [`interconnect_provider`].
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Marks an item as needing the `server` feature (gated and documented so).
macro_rules! server {
    ($($item:item)*) => {$(
        #[cfg(feature = "server")]
        #[cfg_attr(docsrs, doc(cfg(feature = "server")))]
        $item
    )*};
}

/// Marks an item as needing the `client` feature (gated and documented so).
macro_rules! client {
    ($($item:item)*) => {$(
        #[cfg(feature = "client")]
        #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
        $item
    )*};
}

pub use interconnect_core;
pub use interconnect_provider;

server! {
    mod app;
    pub mod auth;
    mod body;
    pub mod customer_api;
    pub mod dev_api;
    pub mod driver;
    mod durable;
    mod gate;
    pub mod management_doc;
    pub mod metrics;
    pub mod operator_api;
    mod query;
    pub mod rate_limit;
    mod router;
    mod routes;
    mod segments;
    mod serve;

    pub use app::{AppAccess, provider_app};
    pub use auth::{AuthError, Authenticator, BearerTokens};
    pub use customer_api::CustomerTokens;
    pub use dev_api::{DevHooks, dev_router};
    pub use driver::Driver;
    pub use metrics::Metrics;
    pub use rate_limit::RateLimit;
    pub use router::{RouterConfig, router, router_with};
    /// How many paths the partner router serves (the specification's 26).
    pub use routes::PATHS as ROUTE_PATHS;
    pub use serve::{
        HARD_HEAD_BYTES, HARD_HEADER_COUNT, HARD_TARGET_BYTES, ListenerLimits,
        MAX_HEADER_BYTES_SETTING, MAX_HEADER_COUNT_SETTING, ServeError, Transport, bind_loopback,
        check_plain_allowed, serve, serve_with,
    };
}

client! {
    pub mod client;

    pub use client::{AnswerTap, HttpCoordinator, HttpCoordinatorConfig};
}

pub mod error_body;
mod request_id;
// each build uses the ids of the features it has
#[cfg_attr(not(all(feature = "client", feature = "server")), allow(dead_code))]
mod rules;
mod tls;

pub use error_body::{ApiError, ErrorBody};
pub use tls::{
    PemOrigin, TlsConfig, TlsConfigError, certificates_from_pem, certificates_from_pem_file,
    client_config,
};
