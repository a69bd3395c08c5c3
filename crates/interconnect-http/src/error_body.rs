//! The one JSON shape of every error the binding answers (ERR-1):
//! `{"error": {"code": 409, "status": "ABORTED", "message": "CONN-4: ..."}}`,
//! the JSON form of `google.rpc.Status` that `parameters/_index.yaml`
//! `_.xgafv` ("V1 error format") alludes to (`spec/ERRATA.md` E-36).
//!
//! The code and status come from the provider crate's one status table
//! ([`ErrorKind::http_status`], [`ErrorKind::status_name`]); the message is
//! the error's `RULE: text` display, which never holds a secret (AUTH-9).
//!
//! The binding answers a few HTTP statuses of its own that the table (and
//! `google.rpc`'s mapping) has no code for: 413, 414, 415 and 431. Their
//! `status` is the HTTP reason in capitals ([`status_name`]: `PAYLOAD_TOO_LARGE`,
//! ...), as upstream-next does for 405 (`METHOD_NOT_ALLOWED`), never the
//! `INVALID_ARGUMENT` of a 400 (`spec/REQUIREMENTS.md` OPS-62;
//! `spec/ERRATA.md` E-441). A client reads such a name back as the kind of
//! its HTTP status ([`ErrorKind::from_http_status`]: not retryable).

use std::time::Duration;

#[cfg(feature = "server")]
use axum::response::{IntoResponse, Response};
#[cfg(feature = "server")]
use http::header;
use http::{HeaderValue, StatusCode};
use interconnect_provider::{CoordinatorError, ErrorKind};
use serde::{Deserialize, Serialize};

/// The error document: one `error` member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The status object.
    pub error: ErrorStatus,
}

/// `code`, `status` and `message` of an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorStatus {
    /// The HTTP status code.
    pub code: u16,
    /// The canonical status name (`ABORTED`, ...).
    pub status: String,
    /// `RULE: text`.
    pub message: String,
}

impl ErrorBody {
    /// The body of a coordinator error, with the status of its kind.
    pub fn of(error: &CoordinatorError) -> Self {
        Self::with_code(error.http_status(), error)
    }

    /// The body of an error answered with another HTTP status than its
    /// kind's (408, 413, 414, 415, 431): the status name is [`status_name`]'s.
    pub fn with_code(code: u16, error: &CoordinatorError) -> Self {
        ErrorBody {
            error: ErrorStatus {
                code,
                status: status_name(code, error.kind()).to_owned(),
                message: error.to_string(),
            },
        }
    }

    /// Reads an error document answered with HTTP status `http_status`,
    /// liberal in what it accepts of the `google.rpc.Status` JSON form (the
    /// "V1 error format" of `parameters/_index.yaml` `_.xgafv`): members it
    /// does not know (`details`, ...) are ignored, a missing or out of range
    /// `code` is `http_status`, a missing `status` is the canonical name of
    /// that code's kind, and a missing `message` is empty. Refused only when
    /// the body is not JSON, has no `error` object, or a member has another
    /// type.
    pub fn parse(http_status: u16, body: &[u8]) -> Result<Self, serde_json::Error> {
        Ok(serde_json::from_slice::<LenientDocument>(body)?.into_body(http_status))
    }

    /// [`ErrorBody::parse`] of a document already read as JSON.
    pub fn from_json(
        http_status: u16,
        document: &serde_json::Value,
    ) -> Result<Self, serde_json::Error> {
        Ok(LenientDocument::deserialize(document)?.into_body(http_status))
    }

    /// Reads the error back: the kind from `status` (or from the HTTP
    /// status when the name is unknown), the rule from the `RULE: text`
    /// message.
    pub fn into_error(self, http_status: u16) -> CoordinatorError {
        let kind = ErrorKind::from_status_name(&self.error.status)
            .unwrap_or_else(|| ErrorKind::from_http_status(http_status));
        CoordinatorError::from_status(kind, &self.error.message)
    }
}

/// An error document as [`ErrorBody::parse`] reads it: every member of
/// `error` may be missing, and members it does not know are ignored.
#[derive(Deserialize)]
struct LenientDocument {
    error: LenientStatus,
}

#[derive(Deserialize)]
struct LenientStatus {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

impl LenientDocument {
    fn into_body(self, http_status: u16) -> ErrorBody {
        let error = self.error;
        let code = error
            .code
            .and_then(|c| u16::try_from(c).ok())
            .unwrap_or(http_status);
        ErrorBody {
            error: ErrorStatus {
                code,
                status: error
                    .status
                    .unwrap_or_else(|| ErrorKind::from_http_status(code).status_name().to_owned()),
                message: error.message.unwrap_or_default(),
            },
        }
    }
}

/// The `status` of an error answered with HTTP status `code` (OPS-62): the
/// kind's canonical name, except for the statuses the binding answers about
/// the message itself, which have no `google.rpc` code and carry their HTTP
/// reason (413 `PAYLOAD_TOO_LARGE`, 414 `URI_TOO_LONG`, 415
/// `UNSUPPORTED_MEDIA_TYPE`, 431 `REQUEST_HEADER_FIELDS_TOO_LARGE`). A 408
/// keeps `DEADLINE_EXCEEDED`, the canonical code of the condition itself.
pub fn status_name(code: u16, kind: ErrorKind) -> &'static str {
    match code {
        413 => "PAYLOAD_TOO_LARGE",
        414 => "URI_TOO_LONG",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        431 => "REQUEST_HEADER_FIELDS_TOO_LARGE",
        _ => kind.status_name(),
    }
}

/// An error ready to be answered: the coordinator error and the HTTP status
/// it travels with (its kind's, unless overridden for 408, 413, 414, 415 and
/// 431).
#[derive(Debug, Clone)]
pub struct ApiError {
    error: CoordinatorError,
    status: StatusCode,
    allow: Option<HeaderValue>,
}

impl ApiError {
    /// The error with its kind's status.
    pub fn new(error: CoordinatorError) -> Self {
        let status =
            StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError {
            error,
            status,
            allow: None,
        }
    }

    /// The error with another HTTP status (408, 413, 414, 415, 431).
    pub fn with_status(error: CoordinatorError, status: StatusCode) -> Self {
        ApiError {
            error,
            status,
            allow: None,
        }
    }

    /// The `Allow` header of a 405.
    pub fn with_allow(mut self, allow: HeaderValue) -> Self {
        self.allow = Some(allow);
        self
    }

    /// The coordinator error.
    pub fn error(&self) -> &CoordinatorError {
        &self.error
    }

    /// The HTTP status it is answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<CoordinatorError> for ApiError {
    fn from(error: CoordinatorError) -> Self {
        ApiError::new(error)
    }
}

/// Whole seconds for `Retry-After`, rounded up and at least 1.
pub fn retry_after_seconds(after: Duration) -> u64 {
    let secs = after.as_secs() + u64::from(after.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(feature = "server")]
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody::with_code(self.status.as_u16(), &self.error);
        let text = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            text,
        )
            .into_response();
        let headers = response.headers_mut();
        if self.error.kind() == ErrorKind::Unauthenticated {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(after) = self.error.retry_after() {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_seconds(after)),
            );
        }
        if let Some(allow) = self.allow {
            headers.insert(header::ALLOW, allow);
        }
        response
    }
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use super::*;

    #[test]
    fn parse_is_liberal_in_the_members_and_strict_in_their_types() -> Result<(), serde_json::Error>
    {
        let full = br#"{"error": {"code": 409, "status": "ABORTED", "message": "CONN-4: full", "details": []}, "other": 1}"#;
        let body = ErrorBody::parse(500, full)?;
        assert_eq!(
            body,
            ErrorBody {
                error: ErrorStatus {
                    code: 409,
                    status: "ABORTED".into(),
                    message: "CONN-4: full".into(),
                },
            }
        );
        let bare = ErrorBody::parse(404, br#"{"error": {}}"#)?;
        assert_eq!(bare.error.code, 404);
        assert_eq!(bare.error.status, "NOT_FOUND");
        assert_eq!(bare.error.message, "");
        let odd_code = ErrorBody::parse(503, br#"{"error": {"code": -1, "message": "m"}}"#)?;
        assert_eq!(odd_code.error.code, 503);
        assert_eq!(odd_code.error.status, "UNAVAILABLE");
        for refused in [
            &b"not json"[..],
            br#"{"code": 409}"#,
            br#"{"error": "text"}"#,
            br#"{"error": {"message": 7}}"#,
        ] {
            assert!(
                ErrorBody::parse(400, refused).is_err(),
                "{}",
                String::from_utf8_lossy(refused)
            );
        }
        // what the server writes, the parser reads back unchanged
        let e = CoordinatorError::aborted("CONN-4", "ix1 has 500 Mbps free");
        let written = serde_json::to_vec(&ErrorBody::of(&e))?;
        assert_eq!(ErrorBody::parse(409, &written)?, ErrorBody::of(&e));
        let value: serde_json::Value = serde_json::from_slice(full)?;
        assert_eq!(ErrorBody::from_json(500, &value)?, body);
        assert!(ErrorBody::from_json(400, &serde_json::json!({"error": 1})).is_err());
        Ok(())
    }

    #[test]
    fn the_shape_is_exact() {
        let e = CoordinatorError::aborted("CONN-4", "ix1 has 500 Mbps free");
        let json = serde_json::to_value(ErrorBody::of(&e)).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": 409, "status": "ABORTED", "message": "CONN-4: ix1 has 500 Mbps free"}})
        );
    }

    #[test]
    fn every_kind_round_trips_through_the_body() {
        for kind in ErrorKind::ALL {
            let e = CoordinatorError::new(kind, "CONN-4", "some text: with a colon");
            let text = serde_json::to_vec(&ErrorBody::of(&e)).expect("serializes");
            let body: ErrorBody = serde_json::from_slice(&text).expect("reads back");
            let back = body.into_error(kind.http_status());
            assert_eq!(back.kind(), kind);
            assert_eq!(back.rule(), "CONN-4");
            assert_eq!(back.message(), "some text: with a colon");
        }
    }

    /// OPS-62: the binding's own statuses carry their HTTP reason, never
    /// INVALID_ARGUMENT, and read back as a 4xx that is not retried.
    #[test]
    fn the_bindings_own_statuses_carry_their_reason() {
        let e = CoordinatorError::invalid_argument("WIRE-10", "too large");
        for (code, name) in [
            (413, "PAYLOAD_TOO_LARGE"),
            (414, "URI_TOO_LONG"),
            (415, "UNSUPPORTED_MEDIA_TYPE"),
            (431, "REQUEST_HEADER_FIELDS_TOO_LARGE"),
        ] {
            let body = ErrorBody::with_code(code, &e);
            assert_eq!(body.error.status, name);
            assert_eq!(body.error.code, code);
            let back = body.into_error(code);
            assert_eq!(back.kind(), ErrorKind::InvalidArgument, "{code}");
            assert!(!back.kind().is_transient(), "{code}");
        }
        let timeout = CoordinatorError::deadline_exceeded("OPS-21", "slow");
        assert_eq!(
            ErrorBody::with_code(408, &timeout).error.status,
            "DEADLINE_EXCEEDED"
        );
        assert_eq!(ErrorBody::of(&e).error.status, "INVALID_ARGUMENT");
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_seconds(Duration::from_secs(3)), 3);
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
    }
}
