//! Development hooks of a reference server, at `/operator/v1/dev/...`
//! behind the operator token: what the specification has no operation for
//! but a conformance run needs to observe (key expiry, provisioning, a
//! MACsec key carrying traffic). `interconnect serve --dev` offers them;
//! a production configuration never does.
//!
//! | method and path | what it does | conformance hook |
//! |---|---|---|
//! | `GET /operator/v1/dev/hooks` | `{"hooks": [...]}`: the hooks offered | |
//! | `POST /operator/v1/dev/advanceClock` | moves the server's clock forward (`{"seconds"}` -> `{"now"}`; negative is 400) | `advanceClock` |
//! | `POST /operator/v1/dev/awaitProvisioning` | moves the clock past the devices' provisioning time (`{}` -> `{"now"}`) | `awaitProvisioning` |
//! | `POST /operator/v1/dev/activateMacSecKey` | the devices put a key in use (`{"name"}` -> `{}`; KEY names under the partner's namespace) | `activateMacSecKey` |
//!
//! Moving the clock is what the in-process targets of the conformance
//! suite do with a manual clock; here the clock is a [`ShiftedClock`]: the
//! system's time plus an offset that only grows.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use interconnect_core::names::MacSecKeyName;
use interconnect_core::wire::{Secret, Timestamp};
use interconnect_provider::clock::{Clock, ShiftedClock};
use interconnect_provider::{CoordinatorError, ReferenceProvider};
use serde::{Deserialize, Serialize};

use crate::body::{RawBody, decode_required};
use crate::error_body::ApiError;
use crate::operator_api::check_operator;
use crate::rules;

/// The hooks [`dev_router`] offers, in the conformance suite's names.
pub const DEV_HOOKS: [&str; 3] = ["advanceClock", "awaitProvisioning", "activateMacSecKey"];

/// What the development routes need.
#[derive(Clone)]
pub struct DevHooks {
    /// The provider served (its clock must be `clock`).
    pub provider: Arc<ReferenceProvider>,
    /// The clock the provider and its devices read.
    pub clock: Arc<ShiftedClock>,
    /// How long the devices take to provision a feature.
    pub provisioning_delay: chrono::Duration,
    /// The operator's token; `None` closes the routes (401).
    pub token: Option<Secret>,
}

impl std::fmt::Debug for DevHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevHooks")
            .field("clock", &self.clock)
            .field("provisioning_delay", &self.provisioning_delay)
            .field("token", &self.token.is_some())
            .finish_non_exhaustive()
    }
}

impl DevHooks {
    fn check(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        check_operator(self.token.as_ref(), headers)
    }

    fn now(&self) -> Now {
        Now {
            now: Timestamp::from_utc(self.clock.now()),
        }
    }
}

/// The answer of `GET /operator/v1/dev/hooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hooks {
    /// The hooks offered ([`DEV_HOOKS`]).
    pub hooks: Vec<String>,
}

/// The body of `POST /operator/v1/dev/advanceClock`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvanceClock {
    /// How far to move the clock, in seconds (0 or more).
    pub seconds: i64,
}

/// The body of `POST /operator/v1/dev/activateMacSecKey`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivateMacSecKey {
    /// The key, named as this server serves it.
    pub name: MacSecKeyName,
}

/// The server's time after a clock hook.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Now {
    /// The server's clock now.
    pub now: Timestamp,
}

/// The development routes of `hooks.provider`.
pub fn dev_router(hooks: DevHooks) -> Router {
    Router::new()
        .route("/operator/v1/dev/hooks", get(list_hooks))
        .route("/operator/v1/dev/advanceClock", post(advance_clock))
        .route(
            "/operator/v1/dev/awaitProvisioning",
            post(await_provisioning),
        )
        .route(
            "/operator/v1/dev/activateMacSecKey",
            post(activate_mac_sec_key),
        )
        .with_state(Arc::new(hooks))
}

type Shared = State<Arc<DevHooks>>;

async fn list_hooks(State(s): Shared, headers: HeaderMap) -> Result<Json<Hooks>, ApiError> {
    s.check(&headers)?;
    Ok(Json(Hooks {
        hooks: DEV_HOOKS.iter().map(|h| (*h).to_owned()).collect(),
    }))
}

/// Moves the clock by `seconds`, refusing a negative or absurd amount.
fn advance(s: &DevHooks, seconds: i64) -> Result<Now, ApiError> {
    let by = chrono::Duration::try_seconds(seconds)
        .filter(|d| *d <= chrono::Duration::days(3650))
        .ok_or_else(|| {
            ApiError::new(CoordinatorError::invalid_argument(
                rules::ERR_BODY,
                format!("seconds: {seconds} is more than ten years"),
            ))
        })?;
    if !s.clock.advance(by) {
        return Err(ApiError::new(CoordinatorError::invalid_argument(
            rules::ERR_BODY,
            format!("seconds: {seconds} would move the clock back; it only moves forward"),
        )));
    }
    Ok(s.now())
}

async fn advance_clock(
    State(s): Shared,
    headers: HeaderMap,
    body: RawBody,
) -> Result<Json<Now>, ApiError> {
    s.check(&headers)?;
    let request: AdvanceClock = decode_required(&body.0, "AdvanceClock")?;
    advance(&s, request.seconds).map(Json)
}

async fn await_provisioning(State(s): Shared, headers: HeaderMap) -> Result<Json<Now>, ApiError> {
    s.check(&headers)?;
    let past = s.provisioning_delay.num_seconds().saturating_add(1);
    advance(&s, past).map(Json)
}

async fn activate_mac_sec_key(
    State(s): Shared,
    headers: HeaderMap,
    body: RawBody,
) -> Result<Json<serde_json::Value>, ApiError> {
    s.check(&headers)?;
    let request: ActivateMacSecKey = decode_required(&body.0, "ActivateMacSecKey")?;
    // The key (with its CAK) is not echoed: the answer is empty.
    s.provider.activate_mac_sec_key(&request.name)?;
    Ok(Json(serde_json::json!({})))
}
