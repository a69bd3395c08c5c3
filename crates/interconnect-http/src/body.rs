//! Request bodies (`requestBody` of `paths/*.yaml`; `spec/REQUIREMENTS.md`
//! ERR-6, WIRE-10): read up to the configured limit (413 beyond it), then
//! decoded with [`interconnect_core::wire::from_json`], whose errors name
//! the JSON path of the first bad member.
//!
//! The bodies of `CreateConnection`, `UpdateConnection`, `CreateFeature` and
//! `CreateIssue` are required; any other body may be absent and is then read
//! as `{}`. A body that is not a JSON object is refused.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use interconnect_core::wire::from_json;
use interconnect_provider::CoordinatorError;
use serde::de::DeserializeOwned;

use crate::error_body::ApiError;
use crate::rules;

/// Largest request body accepted by default (1 MiB, as WIRE-10).
pub(crate) const DEFAULT_BODY_LIMIT: usize = interconnect_core::wire::MAX_DOCUMENT_BYTES;

/// How long a request body may take to arrive by default (30 s; OPS-21).
pub(crate) const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The configured body read timeout, stored in request extensions by the
/// router; without it [`DEFAULT_BODY_READ_TIMEOUT`] applies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyReadTimeout(pub Duration);

/// The configured body limit, stored in request extensions by the router.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit(pub usize);

/// The raw bytes of a request body, read within the limit.
#[derive(Debug, Clone)]
pub(crate) struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let limit = req
            .extensions()
            .get::<BodyLimit>()
            .map_or(DEFAULT_BODY_LIMIT, |l| l.0);
        let timeout = req
            .extensions()
            .get::<BodyReadTimeout>()
            .map_or(DEFAULT_BODY_READ_TIMEOUT, |t| t.0);
        let declared_json = declares_json(req.headers());
        let body: Body = req.into_body();
        // OPS-21: a client that announces a body and sends it slowly (or
        // never) holds the handler for the timeout at most.
        let read = tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await;
        let Ok(read) = read else {
            return Err(ApiError::with_status(
                CoordinatorError::deadline_exceeded(
                    rules::OPS_BODY_READ_TIMEOUT,
                    format!(
                        "the request body did not arrive within {} ms",
                        timeout.as_millis()
                    ),
                ),
                StatusCode::REQUEST_TIMEOUT,
            ));
        };
        let bytes = read.map_err(|_| {
            ApiError::with_status(
                CoordinatorError::invalid_argument(
                    rules::WIRE_TOO_LARGE,
                    format!("the request body is larger than {limit} bytes"),
                ),
                StatusCode::PAYLOAD_TOO_LARGE,
            )
        })?;
        // ERR-42: every request body of the specification is
        // `application/json`; a body declared as something else is not read
        // as JSON by guess. A body without a Content-Type is read (liberal).
        if declared_json == Some(false) && !bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::with_status(
                CoordinatorError::invalid_argument(
                    rules::ERR_MEDIA_TYPE,
                    "the request body must be application/json",
                ),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ));
        }
        Ok(RawBody(bytes))
    }
}

/// Whether the request's `Content-Type` is JSON (`application/json` or a
/// `+json` type, any parameters): `None` without the header.
fn declares_json(headers: &axum::http::HeaderMap) -> Option<bool> {
    let value = headers.get(axum::http::header::CONTENT_TYPE)?;
    let media = value
        .to_str()
        .ok()
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    Some(media.is_some_and(|m| m == "application/json" || m.ends_with("+json")))
}

impl RawBody {
    /// Decodes the body of operation `op`; `required` bodies may not be
    /// absent, others are read as `{}` when absent.
    pub(crate) fn decode<T: DeserializeOwned + Default>(
        &self,
        op: &str,
        required: bool,
    ) -> Result<T, CoordinatorError> {
        decode(&self.0, op, required)
    }
}

/// See [`RawBody::decode`].
pub(crate) fn decode<T: DeserializeOwned + Default>(
    bytes: &[u8],
    op: &str,
    required: bool,
) -> Result<T, CoordinatorError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        None if required => Err(CoordinatorError::invalid_argument(
            rules::ERR_BODY,
            format!("{op} requires a request body"),
        )),
        None => Ok(T::default()),
        Some(b'{') => from_json(bytes).map_err(|e| {
            CoordinatorError::invalid_argument(
                rules::ERR_BODY,
                format!("the {op} body is malformed at {e}"),
            )
        }),
        Some(_) => Err(CoordinatorError::invalid_argument(
            rules::ERR_BODY,
            format!("the {op} body is not a JSON object"),
        )),
    }
}

/// Decodes a required JSON object body of a management operation `op`
/// (the customer and operator APIs): absent or not an object is 400
/// ERR-6; a bad member names its JSON path.
pub(crate) fn decode_required<T: DeserializeOwned>(
    bytes: &[u8],
    op: &str,
) -> Result<T, CoordinatorError> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Err(CoordinatorError::invalid_argument(
            rules::ERR_BODY,
            format!("{op} requires a request body"),
        )),
        Some(b'{') => from_json(bytes).map_err(|e| {
            CoordinatorError::invalid_argument(
                rules::ERR_BODY,
                format!("the {op} body is malformed at {e}"),
            )
        }),
        Some(_) => Err(CoordinatorError::invalid_argument(
            rules::ERR_BODY,
            format!("the {op} body is not a JSON object"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;
    use interconnect_core::wire;

    /// ERR-42: a body declared as another media type is 415; JSON with
    /// parameters, `+json` types and an absent Content-Type are read.
    #[tokio::test]
    async fn a_body_that_is_not_declared_json_is_415() {
        let request = |content_type: Option<&str>, body: &'static str| {
            let mut builder = axum::http::Request::builder().method("POST").uri("/x");
            if let Some(t) = content_type {
                builder = builder.header(axum::http::header::CONTENT_TYPE, t);
            }
            builder.body(Body::from(body)).expect("request")
        };
        for ok in [
            None,
            Some("application/json"),
            Some("Application/JSON; charset=utf-8"),
            Some("application/merge-patch+json"),
        ] {
            assert!(
                RawBody::from_request(request(ok, "{}"), &()).await.is_ok(),
                "{ok:?}"
            );
        }
        let refused = RawBody::from_request(request(Some("text/plain"), "{}"), &())
            .await
            .expect_err("text/plain");
        assert_eq!(refused.error().rule(), "ERR-42");
        assert_eq!(
            refused.into_response().status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        // nothing to misread: an empty body of any declared type is read
        assert!(
            RawBody::from_request(request(Some("text/plain"), ""), &())
                .await
                .is_ok()
        );
    }

    #[test]
    fn absent_bodies_follow_err_6() {
        let e =
            decode::<wire::Connection>(b"", "CreateConnection", true).expect_err("ERR-6: required");
        assert_eq!(e.rule(), "ERR-6");
        let empty: wire::CloseIssueRequest =
            decode(b"  ", "CloseIssue", false).expect("ERR-6: optional is {}");
        assert_eq!(empty, wire::CloseIssueRequest::default());
        let e = decode::<wire::CloseIssueRequest>(b"[]", "CloseIssue", false)
            .expect_err("ERR-6: not an object");
        assert_eq!(e.rule(), "ERR-6");
    }

    #[test]
    fn bad_members_name_their_path() {
        let e = decode::<wire::Connection>(br#"{"bandwidthMbps": "x"}"#, "CreateConnection", true)
            .expect_err("wrong type");
        assert!(e.message().contains("bandwidthMbps"), "{e}");
        let e = decode::<wire::Connection>(b"{", "CreateConnection", true).expect_err("malformed");
        assert_eq!(e.rule(), "ERR-6");
    }
}
