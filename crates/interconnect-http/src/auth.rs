//! Who is calling: the [`Authenticator`] plug point and [`BearerTokens`],
//! the configured token -> partner table (`docs/Protocols.md`
//! § Authentication; governance § Authentication and Authorization;
//! `spec/REQUIREMENTS.md` AUTH-1).
//!
//! Every request is authenticated before routing reaches an operation; a
//! missing or unknown credential is 401 `UNAUTHENTICATED` with
//! `WWW-Authenticate: Bearer`. Which providers the caller may then act as is
//! the coordinator's decision (`Caller::authorize`, AUTH-2). Tokens are held
//! as [`Secret`]s, compared in constant time and never logged.

use axum::http::{HeaderMap, header};
use interconnect_core::names::ProviderName;
use interconnect_core::wire::Secret;
use interconnect_provider::{Caller, CoordinatorError};

use crate::rules;

/// Why a request is not authenticated (never repeats the credential).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No `Authorization` header.
    #[error("the request has no Authorization header; send `Authorization: Bearer <token>`")]
    Missing,
    /// The header is not `Bearer <token>`.
    #[error("the Authorization header is not a bearer token")]
    NotBearer,
    /// The token is not one this server knows.
    #[error("the bearer token is not recognised")]
    Unknown,
}

impl From<AuthError> for CoordinatorError {
    fn from(e: AuthError) -> Self {
        CoordinatorError::unauthenticated(rules::AUTH_AUTHENTICATED, e.to_string())
    }
}

/// Turns the headers of a request into the authenticated [`Caller`].
pub trait Authenticator: Send + Sync {
    /// The caller, or why the request is not authenticated.
    fn authenticate(&self, headers: &HeaderMap) -> Result<Caller, AuthError>;
}

/// Bearer tokens from configuration, each naming the partner it belongs to.
#[derive(Default)]
pub struct BearerTokens {
    entries: Vec<(Secret, Caller)>,
}

impl std::fmt::Debug for BearerTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BearerTokens")
            .field(
                "callers",
                &self
                    .entries
                    .iter()
                    .map(|(_, c)| c.principal())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl BearerTokens {
    /// An empty table (every request is 401).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a token of a partner acting as one provider.
    pub fn with_partner(self, token: Secret, provider: ProviderName) -> Self {
        self.with_caller(token, Caller::partner(provider))
    }

    /// Adds a token of any caller (a principal acting as several providers).
    pub fn with_caller(mut self, token: Secret, caller: Caller) -> Self {
        self.entries.push((token, caller));
        self
    }
}

/// The one constant-time comparison of the project (core's).
pub(crate) use interconnect_core::wire::constant_time_eq;

/// The token of an `Authorization: Bearer <token>` header.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Result<&[u8], AuthError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(AuthError::Missing)?;
    let text = value.to_str().map_err(|_| AuthError::NotBearer)?;
    let (scheme, token) = text.split_once(' ').ok_or(AuthError::NotBearer)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AuthError::NotBearer);
    }
    Ok(token.trim().as_bytes())
}

impl Authenticator for BearerTokens {
    fn authenticate(&self, headers: &HeaderMap) -> Result<Caller, AuthError> {
        let token = bearer_token(headers)?;
        // Every entry is compared, so the time does not tell which matched.
        let mut found = None;
        for (secret, caller) in &self.entries {
            if constant_time_eq(secret.expose().as_bytes(), token) && found.is_none() {
                found = Some(caller.clone());
            }
        }
        found.ok_or(AuthError::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(value).expect("header"),
        );
        h
    }

    fn tokens() -> BearerTokens {
        BearerTokens::new().with_partner(
            Secret::new("s3cret-token"),
            ProviderName::new("gcp").expect("id"),
        )
    }

    #[test]
    fn a_known_token_is_its_partner() {
        let caller = tokens()
            .authenticate(&headers("Bearer s3cret-token"))
            .expect("AUTH-1: known token");
        assert_eq!(caller.principal(), "gcp");
    }

    #[test]
    fn missing_wrong_or_malformed_credentials_are_refused() {
        let t = tokens();
        assert_eq!(t.authenticate(&HeaderMap::new()), Err(AuthError::Missing));
        assert_eq!(
            t.authenticate(&headers("Bearer s3cret-tokeN")),
            Err(AuthError::Unknown)
        );
        assert_eq!(
            t.authenticate(&headers("Bearer s3cret")),
            Err(AuthError::Unknown)
        );
        assert_eq!(
            t.authenticate(&headers("Basic s3cret-token")),
            Err(AuthError::NotBearer)
        );
        let e = CoordinatorError::from(AuthError::Unknown);
        assert_eq!(e.rule(), "AUTH-1");
        assert!(!e.to_string().contains("s3cret"));
        assert!(!format!("{t:?}").contains("s3cret"));
    }
}
