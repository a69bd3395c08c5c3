//! One handler per operation of `openapi.yaml` (25 paths, 33 operations),
//! grouped by family as the specification's `paths/*.yaml` are. Custom
//! methods are final path segments (`.../ConfirmActivationKey`), as the
//! bundled specification writes them (`/verb`, not `:verb`).
//!
//! Each handler reads the path into typed names, the query into
//! [`Params`] (the query), the body with
//! [`RawBody::decode`](crate::body::RawBody::decode), calls the coordinator
//! with the authenticated caller (which checks AUTH-2 itself), and answers
//! JSON.

mod activation;
mod connections;
mod features;
mod issues;
mod macsec;
mod maintenance;
mod static_resources;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use interconnect_provider::{Caller, ConnectionCoordinator, CoordinatorError};
use serde::Serialize;

use crate::error_body::ApiError;
use crate::query::Params;
use crate::rules;

/// The authenticated caller the router's gate put in the request.
#[derive(Debug, Clone)]
pub struct AuthedCaller(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for AuthedCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .map(AuthedCaller)
            .ok_or_else(|| {
                ApiError::new(CoordinatorError::unauthenticated(
                    rules::AUTH_AUTHENTICATED,
                    "the request is not authenticated",
                ))
            })
    }
}

/// A 200 JSON response, indented when `$prettyPrint=true`.
pub(crate) fn reply<T: Serialize>(params: &Params, value: &T) -> Response {
    let text = if params.pretty() {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    };
    match text {
        Ok(text) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            text,
        )
            .into_response(),
        Err(e) => ApiError::new(CoordinatorError::internal(
            rules::ERR_JSON_SHAPE,
            format!("the response could not be written: {e}"),
        ))
        .into_response(),
    }
}

/// Defines a handler: extract, build the typed request, attach the
/// `requestId` to the caller (REQ-1), call, answer.
macro_rules! handler {
    ($(#[$doc:meta])* $name:ident => $method:ident, |$seg:ident, $q:ident, $body:ident| $req:expr) => {
        $(#[$doc])*
        pub(crate) async fn $name<C: interconnect_provider::ConnectionCoordinator>(
            axum::extract::State(coordinator): axum::extract::State<std::sync::Arc<C>>,
            caller: crate::routes::AuthedCaller,
            $seg: crate::segments::Segments,
            $q: crate::query::Params,
            $body: crate::body::RawBody,
        ) -> Result<axum::response::Response, crate::error_body::ApiError> {
            let caller = caller.0.with_request_id($q.request_id()?);
            let request = $req;
            let out = coordinator.$method(&caller, request).await?;
            Ok(crate::routes::reply(&$q, &out))
        }
    };
}
pub(crate) use handler;

/// `/providers/{provider}/environments/{environment}`.
const ENV: &str = "/providers/{provider}/environments/{environment}";
/// `<ENV>/interconnects/{interconnect}`.
const IX: &str = "/providers/{provider}/environments/{environment}/interconnects/{interconnect}";

/// The 25 paths of the specification, every operation routed.
pub(crate) fn routes<C: ConnectionCoordinator + 'static>() -> Router<Arc<C>> {
    let ch = format!("{IX}/channels/{{channel}}");
    let conn = format!("{IX}/connections/{{connection}}");
    Router::new()
        .route("/providers", get(static_resources::list_providers::<C>))
        .route(
            "/providers/{provider}",
            get(static_resources::get_provider::<C>),
        )
        .route(
            "/providers/{provider}/environments",
            get(static_resources::list_environments::<C>),
        )
        .route(ENV, get(static_resources::get_environment::<C>))
        .route(
            &format!("{ENV}/ConfirmActivationKey"),
            post(activation::confirm_activation_key::<C>),
        )
        .route(
            &format!("{ENV}/activationKeyParameters"),
            get(activation::get_activation_key_parameters::<C>),
        )
        .route(
            &format!("{ENV}/interconnects"),
            get(static_resources::list_interconnects::<C>),
        )
        .route(IX, get(static_resources::get_interconnect::<C>))
        .route(
            &format!("{IX}/channels"),
            get(static_resources::list_channels::<C>),
        )
        .route(&ch, get(static_resources::get_channel::<C>))
        .route(
            &format!("{ch}/NotifyMaintenance"),
            post(maintenance::notify_maintenance::<C>),
        )
        .route(
            &format!("{ch}/RequestMacSecKeyRotation"),
            post(macsec::request_mac_sec_key_rotation::<C>),
        )
        .route(
            &format!("{ch}/maintenanceEvents"),
            get(maintenance::get_maintenance_events::<C>),
        )
        .route(
            &format!("{ch}/macSecKeys"),
            post(macsec::create_mac_sec_key::<C>).get(macsec::list_mac_sec_keys::<C>),
        )
        .route(
            &format!("{ch}/macSecKeys/{{macSecKey}}"),
            get(macsec::get_mac_sec_key::<C>).delete(macsec::delete_mac_sec_key::<C>),
        )
        .route(
            &format!("{IX}/connections"),
            get(connections::list_connections::<C>).post(connections::create_connection::<C>),
        )
        .route(
            &conn,
            get(connections::get_connection::<C>)
                .delete(connections::delete_connection::<C>)
                .patch(connections::update_connection::<C>),
        )
        .route(
            &format!("{conn}/GenerateFeatureGuidance"),
            post(features::generate_feature_guidance::<C>),
        )
        .route(
            &format!("{conn}/NotifyConnectionStatus"),
            post(connections::notify_connection_status::<C>),
        )
        .route(
            &format!("{conn}/features"),
            get(features::list_features::<C>).post(features::create_feature::<C>),
        )
        .route(
            &format!("{conn}/features/{{feature}}"),
            get(features::get_feature::<C>)
                .delete(features::delete_feature::<C>)
                .patch(features::update_feature::<C>),
        )
        .route(
            "/providers/{provider}/issues",
            get(issues::list_issues::<C>).post(issues::create_issue::<C>),
        )
        .route(
            "/providers/{provider}/issues/{issue}",
            get(issues::get_issue::<C>),
        )
        .route(
            "/providers/{provider}/issues/{issue}/Close",
            post(issues::close_issue::<C>),
        )
        .route(
            "/providers/{provider}/issues/{issue}/comments",
            get(issues::list_comments::<C>),
        )
        .route(
            "/providers/{provider}/issues/{issue}/AddComment",
            post(issues::add_comment::<C>),
        )
}

/// The number of paths the router serves (the May text's 25, and
/// `activationKeyParameters` of upstream main).
pub const PATHS: usize = 26;
