//! One server for a reference provider: the specification's routes
//! (`/providers/...`, partners' bearer tokens), the customer API
//! (`/customer/v1/...`), the operator API (`/operator/v1/...`) and the
//! health check (`/healthz`), on one listener.

use std::sync::Arc;

use axum::Router;
use interconnect_core::wire::Secret;
use interconnect_provider::ReferenceProvider;

use crate::auth::Authenticator;
use crate::customer_api::{CustomerTokens, customer_router_with};
use crate::operator_api::operator_router_with;
use crate::router::{RouterConfig, router_with};

/// Who may call which part of a provider's server.
#[derive(Clone)]
pub struct AppAccess {
    /// The partners' tokens, for the specification's routes.
    pub partners: Arc<dyn Authenticator>,
    /// The customers' tokens, each mapped to an account id.
    pub customers: CustomerTokens,
    /// The operator's token; `None` closes the operator API (401).
    pub operator: Option<Secret>,
}

impl std::fmt::Debug for AppAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppAccess")
            .field("customers", &self.customers)
            .field("operator", &self.operator.is_some())
            .finish_non_exhaustive()
    }
}

/// The whole server of `provider`; each API passes its own gate under
/// `config`'s limits (OPS-24), with a rate limiter of its own.
pub fn provider_app(
    provider: Arc<ReferenceProvider>,
    access: AppAccess,
    config: RouterConfig,
) -> Router {
    let customer = customer_router_with(provider.clone(), access.customers, &config);
    let operator = operator_router_with(provider.clone(), access.operator, &config);
    router_with(provider, access.partners, config)
        .merge(customer)
        .merge(operator)
}
