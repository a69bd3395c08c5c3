//! The authenticated caller of an operation.
//!
//! The specification's paths start with the *calling* provider's id
//! (`docs/Protocols.md` "Provider"; `Provider` description): a server keeps one
//! namespace per partner, and a partner may only act as the providers its
//! credentials allow (`spec/REQUIREMENTS.md` AUTH-1..AUTH-5). How a request
//! becomes a `Caller` (bearer token, mutual TLS, ...) is the transport's
//! business; every operation receives the result.
//!
//! A `Caller` also carries the request's `requestId` (upstream-next
//! `parameters/_index.yaml` `x-request-id`, a UUID query parameter), when
//! the request has one: it belongs to the exchange, not to the operation's
//! body, and the same trait serves in-process and HTTP callers. A server
//! uses it to answer a replayed mutation with its recorded outcome (REQ-3);
//! an HTTP client sends it as the `requestId` query parameter (REQ-2).

use std::collections::BTreeSet;
use std::fmt;

use interconnect_core::names::ProviderName;
use uuid::Uuid;

use crate::error::CoordinatorError;
use crate::rules;

/// An authenticated partner and the providers it may act as.
#[derive(Clone, PartialEq, Eq)]
pub struct Caller {
    principal: String,
    acts_as: BTreeSet<ProviderName>,
    request_id: Option<Uuid>,
}

impl Caller {
    /// A partner that acts as exactly one provider (the usual case: the
    /// principal is the provider id).
    pub fn partner(provider: ProviderName) -> Self {
        Caller {
            principal: provider.id().to_owned(),
            acts_as: BTreeSet::from([provider]),
            request_id: None,
        }
    }

    /// A principal allowed to act as several providers (for example a
    /// carrier operating on behalf of two brands).
    pub fn new(
        principal: impl Into<String>,
        acts_as: impl IntoIterator<Item = ProviderName>,
    ) -> Self {
        Caller {
            principal: principal.into(),
            acts_as: acts_as.into_iter().collect(),
            request_id: None,
        }
    }

    /// The same caller making a request identified by `request_id` (the
    /// `requestId` query parameter; `None` for a request without one).
    /// Callers that retry one logical operation pass the same id each time.
    #[must_use]
    pub fn with_request_id(mut self, request_id: Option<Uuid>) -> Self {
        self.request_id = request_id;
        self
    }

    /// The same caller with a fresh request id (a new logical operation).
    #[must_use]
    pub fn with_new_request_id(self) -> Self {
        self.with_request_id(Some(Uuid::new_v4()))
    }

    /// The `requestId` of the request, when it has one.
    pub fn request_id(&self) -> Option<Uuid> {
        self.request_id
    }

    /// A label for logs (never a credential).
    pub fn principal(&self) -> &str {
        &self.principal
    }

    /// The providers this caller may act as.
    pub fn acts_as(&self) -> impl Iterator<Item = &ProviderName> {
        self.acts_as.iter()
    }

    /// Whether the caller may act as `provider` (AUTH-2).
    pub fn may_act_as(&self, provider: &ProviderName) -> bool {
        self.acts_as.contains(provider)
    }

    /// `Ok` when the caller may act as `provider`, else 403 (AUTH-2).
    pub fn authorize(&self, provider: &ProviderName) -> Result<(), CoordinatorError> {
        if self.may_act_as(provider) {
            Ok(())
        } else {
            Err(CoordinatorError::permission_denied(
                rules::AUTH_ACT_AS,
                format!(
                    "the caller may not act as {provider}; it may act as {}",
                    self.acts_as
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
    }
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Caller")
            .field("principal", &self.principal)
            .field(
                "acts_as",
                &self
                    .acts_as
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>(),
            )
            .field("request_id", &self.request_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn p(id: &str) -> ProviderName {
        ProviderName::new(id).expect("valid id")
    }

    #[test]
    fn a_partner_acts_only_as_itself() {
        let gcp = Caller::partner(p("gcp"));
        assert!(gcp.may_act_as(&p("gcp")));
        assert!(gcp.authorize(&p("gcp")).is_ok());
        let err = gcp
            .authorize(&p("azure"))
            .expect_err("must refuse another provider");
        assert_eq!(err.kind(), ErrorKind::PermissionDenied);
        assert_eq!(err.rule(), rules::AUTH_ACT_AS);
        assert_eq!(gcp.principal(), "gcp");
    }

    #[test]
    fn a_principal_may_hold_several_providers() {
        let carrier = Caller::new("carrier", [p("brand-a"), p("brand-b")]);
        assert!(carrier.may_act_as(&p("brand-a")));
        assert!(carrier.may_act_as(&p("brand-b")));
        assert!(!carrier.may_act_as(&p("gcp")));
        assert_eq!(carrier.acts_as().count(), 2);
    }
}
