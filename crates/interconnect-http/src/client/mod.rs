//! The client [`HttpCoordinator`]: the
//! [`ConnectionCoordinator`](interconnect_provider::ConnectionCoordinator) trait implemented by
//! calling a peer's server over HTTPS (`openapi.yaml` paths; governance
//! § Mandatory Encryption for TLS 1.3, AUTH-6).
//!
//! Every answer is mapped back to what an in-process coordinator would have
//! returned: a success body decodes into the operation's wire type, an
//! error body (ERR-1) into the same
//! [`CoordinatorError`](interconnect_provider::CoordinatorError) kind and rule
//! (via [`ErrorBody::into_error`](crate::error_body::ErrorBody::into_error)).
//! Transport failures are `UNAVAILABLE`, timeouts `DEADLINE_EXCEEDED`
//! (ERR-8). Only `Get*`/`List*` reads are retried, on transport failures,
//! at most [`READ_ATTEMPTS`] times with short pauses; a write is never
//! retried here (the negotiator decides, `interconnect_provider::retry`).
//!
//! Every call carries `User-Agent: interconnect/<version>` ([`USER_AGENT`])
//! and `x-request-id`: the id of the request this server is answering when
//! the call is made for one, else a new UUID, the same on each attempt
//! (OPS-52), so that both sides' logs can be matched.
//!
//! # The `caller` argument
//!
//! The client holds one bearer token per principal it may speak for
//! (usually one: the configured provider). Each call uses the token of
//! `caller.principal()`; a caller with no configured token is refused locally
//! with 401 `UNAUTHENTICATED` (AUTH-1) and nothing is sent. Which providers
//! that token may act as is the server's decision (AUTH-2).

mod answer_tap;
mod config;
mod ops;
mod transport;

pub use answer_tap::AnswerTap;
pub use config::{HttpCoordinatorConfig, HttpCoordinatorError, USER_AGENT, ensure_crypto_provider};
pub use transport::READ_ATTEMPTS;

use std::collections::BTreeMap;

use interconnect_core::wire::Secret;

/// A client of a peer's Connection Coordinator server (cheap to clone:
/// clones share one connection pool).
#[derive(Clone)]
pub struct HttpCoordinator {
    base_url: String,
    credentials: BTreeMap<String, Secret>,
    client: reqwest::Client,
    tap: Option<AnswerTap>,
}

impl HttpCoordinator {
    /// The same coordinator, keeping the body of every successful answer in
    /// `tap` (a conformance runner judging the JSON a server wrote).
    pub fn with_answer_tap(mut self, tap: AnswerTap) -> Self {
        self.tap = Some(tap);
        self
    }
}

impl std::fmt::Debug for HttpCoordinator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpCoordinator")
            .field("base_url", &self.base_url)
            .field("principals", &self.credentials.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}
