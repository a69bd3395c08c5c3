//! Requests of `paths/environments.yaml`.

use interconnect_core::names::{EnvironmentName, ProviderName};
use interconnect_core::wire;

use crate::page::PageRequest;

/// `GET /providers/{provider}/environments`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEnvironments {
    /// `providers/{provider}`.
    pub parent: ProviderName,
    /// `pageSize`, `pageToken`.
    pub page: PageRequest,
}

/// `GET /providers/{provider}/environments/{environment}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetEnvironment {
    /// The environment.
    pub name: EnvironmentName,
}

/// `GET /providers/{provider}/environments/{environment}/activationKeyParameters`
/// (upstream main, PR #61).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetActivationKeyParameters {
    /// The environment.
    pub name: EnvironmentName,
}

/// `POST /providers/{provider}/environments/{environment}/ConfirmActivationKey`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmActivationKey {
    /// The environment in the path.
    pub name: EnvironmentName,
    /// The key to confirm (its Debug never shows the key).
    pub body: wire::ConfirmActivationKeyRequest,
}

// Where each field travels in a call.
binding! {
    ListEnvironments(ProviderName) { parent: target, page: page }
    GetEnvironment(EnvironmentName) { name: target }
    GetActivationKeyParameters(EnvironmentName) { name: target }
    ConfirmActivationKey(EnvironmentName) { name: target, body: body(optional) }
}
