//! One handler per operation of `openapi.yaml` (26 paths, 35 operations),
//! generated from the operation table
//! ([`for_each_operation!`](interconnect_provider::for_each_operation)) and
//! routed at its row's method and path. Custom methods are final path
//! segments (`.../ConfirmActivationKey`), as the bundled specification
//! writes them (`/verb`, not `:verb`).
//!
//! Each handler attaches the `requestId` to the caller (REQ-1), reads the
//! typed request through its [`Binding`] (the path into typed names with
//! [`Segments`], the query from [`Params`], the body with
//! [`RawBody::decode`](crate::body::RawBody::decode)), calls the
//! coordinator with the authenticated caller (which checks AUTH-2 itself),
//! and answers JSON.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
use interconnect_core::names::{
    ChannelName, ConnectionName, EnvironmentName, FeatureName, InterconnectName, IssueName,
    MacSecKeyName, ProviderName,
};
use interconnect_provider::request::{self, Binding, Method, Operation, Source, Target};
use interconnect_provider::{Caller, ConnectionCoordinator, CoordinatorError, PageRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::body::RawBody;
use crate::error_body::ApiError;
use crate::query::Params;
use crate::rules;
use crate::segments::Segments;

/// The authenticated caller the router's gate put in the request.
#[derive(Debug, Clone)]
pub(crate) struct AuthedCaller(pub Caller);

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

/// A request's path, query and body as its handler received them.
struct Received<'a> {
    seg: &'a Segments,
    q: &'a Params,
    body: &'a RawBody,
}

impl Source for Received<'_> {
    type Error = CoordinatorError;

    fn page(&self) -> Result<PageRequest, CoordinatorError> {
        self.q.page()
    }

    fn id(&self, key: &'static str) -> Result<String, CoordinatorError> {
        self.q.required_id(key)
    }

    fn optional(&self, key: &'static str) -> Result<Option<String>, CoordinatorError> {
        Ok(self.q.get(key).map(str::to_owned))
    }

    fn body<T: DeserializeOwned + Default>(
        &self,
        operation: &'static str,
        required: bool,
    ) -> Result<T, CoordinatorError> {
        self.body.decode(operation, required)
    }
}

/// The resource names a path can address, each read by its [`Segments`]
/// accessor.
macro_rules! targets {
    ($($name:ty => $level:ident),* $(,)?) => {
        $( impl Target<$name> for Received<'_> {
            fn target(&self) -> Result<$name, CoordinatorError> {
                self.seg.$level()
            }
        } )*
    };
}

targets!(
    ProviderName => provider,
    EnvironmentName => environment,
    InterconnectName => interconnect,
    ChannelName => channel,
    MacSecKeyName => mac_sec_key,
    ConnectionName => connection,
    FeatureName => feature,
    IssueName => issue,
);

/// `ListProviders` addresses no resource.
impl Target<()> for Received<'_> {
    fn target(&self) -> Result<(), CoordinatorError> {
        Ok(())
    }
}

/// The caller, with the `requestId` attached (REQ-1: checked first, for
/// every operation that has the parameter), and the typed request.
fn receive<R: Binding>(
    caller: AuthedCaller,
    seg: &Segments,
    q: &Params,
    body: &RawBody,
) -> Result<(Caller, R), ApiError>
where
    for<'a> Received<'a>: Target<R::Target, Error = CoordinatorError>,
{
    let caller = if R::REQUEST_ID {
        caller.0.with_request_id(q.request_id()?)
    } else {
        // UpdateFeature: a `requestId` sent is an unknown parameter, ignored (ERR-4)
        caller.0
    };
    let request = R::read(&Received { seg, q, body })?;
    Ok((caller, request))
}

/// The method filter of an operation's HTTP method.
fn filter(method: Method) -> MethodFilter {
    match method {
        Method::Get => MethodFilter::GET,
        Method::Post => MethodFilter::POST,
        Method::Patch => MethodFilter::PATCH,
        Method::Delete => MethodFilter::DELETE,
    }
}

macro_rules! routes {
    ($($req:ident $fn:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        /// One handler per operation: read the request, call, answer.
        mod handlers {
            use super::*;

            $(
                #[doc = concat!("`", stringify!($http), " ", $path, "`.")]
                pub(super) async fn $fn<C: ConnectionCoordinator>(
                    State(coordinator): State<Arc<C>>,
                    caller: AuthedCaller,
                    seg: Segments,
                    q: Params,
                    body: RawBody,
                ) -> Result<Response, ApiError> {
                    let (caller, request) = receive::<request::$req>(caller, &seg, &q, &body)?;
                    let out = coordinator.$fn(&caller, request).await?;
                    Ok(reply(&q, &out))
                }
            )*
        }

        /// Every operation routed at the method and path of its row of the
        /// operation table (operations that share a path share its route).
        pub(crate) fn routes<C: ConnectionCoordinator + 'static>() -> Router<Arc<C>> {
            Router::new()
                $( .route(
                    <request::$req as Operation>::PATH,
                    on(filter(<request::$req as Operation>::METHOD), handlers::$fn::<C>),
                ) )*
        }
    };
}

interconnect_provider::for_each_operation!(routes);

/// The number of paths the router serves (the May text's 25, and
/// `activationKeyParameters` of upstream main).
pub const PATHS: usize = 26;
