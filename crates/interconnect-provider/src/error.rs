//! `CoordinatorError`: how any implementation of the API says no.
//!
//! The specification's operations list their errors in prose (`paths/*.yaml`
//! "Errors" sections: 400, 404, 409) and name `$.xgafv` error formats, which
//! are those of `google.rpc.Status`. We use its canonical codes
//! (`spec/REQUIREMENTS.md` ERR-1, ERR-2; `spec/ERRATA.md` E-36): every kind
//! maps to exactly one HTTP status in [`ErrorKind::http_status`], and that
//! table is the only place a status is chosen.
//!
//! Every error carries the id of the requirement that failed (`CONN-4`, ...)
//! and a message. Messages are written by this crate's code from names and
//! numbers, never by echoing a request body, so secrets (activation keys,
//! MACsec CAK/CKN, MD5 passwords) cannot reach them (AUTH-9).

use std::fmt;
use std::time::Duration;

/// The canonical error kinds (the `status` member of an error body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request is malformed or breaks a rule of the specification (400).
    InvalidArgument,
    /// The request is well-formed but the resource is not in a state that
    /// allows it (400).
    FailedPrecondition,
    /// No authenticated caller (401).
    Unauthenticated,
    /// The caller may not act as the provider in the path (403).
    PermissionDenied,
    /// The resource does not exist, or the caller may not see it (404).
    NotFound,
    /// A resource with that name exists or is being created (409).
    AlreadyExists,
    /// A conflict with concurrent work or with a reservation (409).
    Aborted,
    /// A rate or quota limit was hit; retry later (429).
    ResourceExhausted,
    /// A bug or an unexpected failure of the server (500).
    Internal,
    /// The server or a dependency is temporarily unavailable (503).
    Unavailable,
    /// The work did not finish in time (504).
    DeadlineExceeded,
    /// The operation is not allowed on this resource (405; upstream-next
    /// UpdateFeature on a feature that is not updatable).
    MethodNotAllowed,
}

/// The one table: kind, HTTP status, canonical status name.
const TABLE: [(ErrorKind, u16, &str); 12] = [
    (ErrorKind::InvalidArgument, 400, "INVALID_ARGUMENT"),
    (ErrorKind::FailedPrecondition, 400, "FAILED_PRECONDITION"),
    (ErrorKind::Unauthenticated, 401, "UNAUTHENTICATED"),
    (ErrorKind::PermissionDenied, 403, "PERMISSION_DENIED"),
    (ErrorKind::NotFound, 404, "NOT_FOUND"),
    (ErrorKind::AlreadyExists, 409, "ALREADY_EXISTS"),
    (ErrorKind::Aborted, 409, "ABORTED"),
    (ErrorKind::ResourceExhausted, 429, "RESOURCE_EXHAUSTED"),
    (ErrorKind::Internal, 500, "INTERNAL"),
    (ErrorKind::Unavailable, 503, "UNAVAILABLE"),
    (ErrorKind::DeadlineExceeded, 504, "DEADLINE_EXCEEDED"),
    (ErrorKind::MethodNotAllowed, 405, "METHOD_NOT_ALLOWED"),
];

impl ErrorKind {
    /// Every kind, in table order.
    pub const ALL: [ErrorKind; 12] = [
        ErrorKind::InvalidArgument,
        ErrorKind::FailedPrecondition,
        ErrorKind::Unauthenticated,
        ErrorKind::PermissionDenied,
        ErrorKind::NotFound,
        ErrorKind::AlreadyExists,
        ErrorKind::Aborted,
        ErrorKind::ResourceExhausted,
        ErrorKind::Internal,
        ErrorKind::Unavailable,
        ErrorKind::DeadlineExceeded,
        ErrorKind::MethodNotAllowed,
    ];

    fn row(self) -> (ErrorKind, u16, &'static str) {
        TABLE
            .iter()
            .copied()
            .find(|(kind, _, _)| *kind == self)
            .unwrap_or((ErrorKind::Internal, 500, "INTERNAL"))
    }

    /// The HTTP status answered for this kind.
    pub fn http_status(self) -> u16 {
        self.row().1
    }

    /// The canonical status name (`ABORTED`, ...), as in `error.status`.
    pub fn status_name(self) -> &'static str {
        self.row().2
    }

    /// The kind named by a canonical status name.
    pub fn from_status_name(name: &str) -> Option<ErrorKind> {
        TABLE
            .iter()
            .find(|(_, _, n)| *n == name)
            .map(|(kind, _, _)| *kind)
    }

    /// The kind a bare HTTP status means when the body names none (a 409
    /// without a status name is read as `ABORTED`, 400 as
    /// `INVALID_ARGUMENT`; anything unknown at or above 500 as `INTERNAL`).
    pub fn from_http_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::InvalidArgument,
            401 => ErrorKind::Unauthenticated,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            405 => ErrorKind::MethodNotAllowed,
            409 => ErrorKind::Aborted,
            429 => ErrorKind::ResourceExhausted,
            503 => ErrorKind::Unavailable,
            504 => ErrorKind::DeadlineExceeded,
            s if (400..500).contains(&s) => ErrorKind::InvalidArgument,
            _ => ErrorKind::Internal,
        }
    }

    /// Whether a caller may retry the same request later (429, 503, 504,
    /// and `ABORTED` conflicts with in-flight work are not in this set: a 409
    /// is a decision, retried only with new parameters).
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorKind::ResourceExhausted
                | ErrorKind::Unavailable
                | ErrorKind::DeadlineExceeded
                | ErrorKind::Internal
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.status_name())
    }
}

/// An error answered by a `ConnectionCoordinator`.
///
/// Its [`Display`](fmt::Display) is `RULE: message` and is what travels in
/// the `message` member of an error body, so a peer learns which requirement
/// of `spec/REQUIREMENTS.md` it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {message}")]
pub struct CoordinatorError {
    kind: ErrorKind,
    rule: String,
    message: String,
    retry_after: Option<Duration>,
}

impl CoordinatorError {
    /// An error of `kind` for the requirement `rule` (an id such as
    /// `CONN-4`). `message` must not contain secrets.
    pub fn new(kind: ErrorKind, rule: impl Into<String>, message: impl Into<String>) -> Self {
        CoordinatorError {
            kind,
            rule: rule.into(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400 `INVALID_ARGUMENT`.
    pub fn invalid_argument(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, rule, message)
    }

    /// 400 `FAILED_PRECONDITION`.
    pub fn failed_precondition(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::FailedPrecondition, rule, message)
    }

    /// 401 `UNAUTHENTICATED`.
    pub fn unauthenticated(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthenticated, rule, message)
    }

    /// 403 `PERMISSION_DENIED`.
    pub fn permission_denied(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::PermissionDenied, rule, message)
    }

    /// 404 `NOT_FOUND`.
    pub fn not_found(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, rule, message)
    }

    /// 409 `ALREADY_EXISTS`.
    pub fn already_exists(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::AlreadyExists, rule, message)
    }

    /// 409 `ABORTED`.
    pub fn aborted(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Aborted, rule, message)
    }

    /// 429 `RESOURCE_EXHAUSTED`, with the delay after which a retry is welcome.
    pub fn resource_exhausted(
        rule: impl Into<String>,
        message: impl Into<String>,
        retry_after: Duration,
    ) -> Self {
        Self::new(ErrorKind::ResourceExhausted, rule, message).with_retry_after(retry_after)
    }

    /// 500 `INTERNAL`.
    pub fn internal(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, rule, message)
    }

    /// 503 `UNAVAILABLE`.
    pub fn unavailable(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, rule, message)
    }

    /// 405 `METHOD_NOT_ALLOWED`.
    pub fn method_not_allowed(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::MethodNotAllowed, rule, message)
    }

    /// 504 `DEADLINE_EXCEEDED`.
    pub fn deadline_exceeded(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::DeadlineExceeded, rule, message)
    }

    /// The same error, telling the caller when to retry (`Retry-After`).
    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// Reads an error back from the `status` and `message` members of an
    /// error body (`message` is `RULE: text` when written by this crate; any
    /// other message is kept whole with rule `UNSPECIFIED`).
    pub fn from_status(kind: ErrorKind, message: &str) -> Self {
        match message.split_once(": ") {
            Some((rule, text)) if looks_like_rule_id(rule) => Self::new(kind, rule, text),
            _ => Self::new(kind, "UNSPECIFIED", message),
        }
    }

    /// The canonical kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The requirement id that failed (`CONN-4`), `UNSPECIFIED` when a peer
    /// did not name one.
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// The message without the rule id.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of the kind.
    pub fn http_status(&self) -> u16 {
        self.kind.http_status()
    }

    /// When to retry, if the server said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

/// `AREA-n` or `AREA-WORD-...` in capitals, digits and dashes.
fn looks_like_rule_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 40
        && text.contains('-')
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && text.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

/// A specialized result for coordinator operations.
pub type CoordinatorResult<T> = Result<T, CoordinatorError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_row_and_the_statuses_of_err_2() {
        let expected = [
            (ErrorKind::InvalidArgument, 400, "INVALID_ARGUMENT"),
            (ErrorKind::FailedPrecondition, 400, "FAILED_PRECONDITION"),
            (ErrorKind::Unauthenticated, 401, "UNAUTHENTICATED"),
            (ErrorKind::PermissionDenied, 403, "PERMISSION_DENIED"),
            (ErrorKind::NotFound, 404, "NOT_FOUND"),
            (ErrorKind::AlreadyExists, 409, "ALREADY_EXISTS"),
            (ErrorKind::Aborted, 409, "ABORTED"),
            (ErrorKind::ResourceExhausted, 429, "RESOURCE_EXHAUSTED"),
            (ErrorKind::Internal, 500, "INTERNAL"),
            (ErrorKind::Unavailable, 503, "UNAVAILABLE"),
            (ErrorKind::DeadlineExceeded, 504, "DEADLINE_EXCEEDED"),
        ];
        for (kind, status, name) in expected {
            assert_eq!(kind.http_status(), status, "{kind:?}");
            assert_eq!(kind.status_name(), name, "{kind:?}");
            assert_eq!(ErrorKind::from_status_name(name), Some(kind));
        }
        for kind in ErrorKind::ALL {
            assert_eq!(TABLE.iter().filter(|row| row.0 == kind).count(), 1);
        }
        assert_eq!(ErrorKind::from_status_name("CONFLICT"), None);
    }

    #[test]
    fn display_names_the_rule_and_reads_back() {
        let e = CoordinatorError::aborted("CONN-4", "interconnect ix1 has 500 Mbps free");
        assert_eq!(e.to_string(), "CONN-4: interconnect ix1 has 500 Mbps free");
        let back = CoordinatorError::from_status(ErrorKind::Aborted, &e.to_string());
        assert_eq!(back, e);
        let foreign = CoordinatorError::from_status(ErrorKind::NotFound, "no such thing: x");
        assert_eq!(foreign.rule(), "UNSPECIFIED");
        assert_eq!(foreign.message(), "no such thing: x");
    }

    #[test]
    fn bare_statuses_map_to_kinds() {
        assert_eq!(ErrorKind::from_http_status(409), ErrorKind::Aborted);
        assert_eq!(ErrorKind::from_http_status(418), ErrorKind::InvalidArgument);
        assert_eq!(ErrorKind::from_http_status(502), ErrorKind::Internal);
        assert!(ErrorKind::Unavailable.is_transient());
        assert!(!ErrorKind::Aborted.is_transient());
        assert!(!ErrorKind::InvalidArgument.is_transient());
    }
}
