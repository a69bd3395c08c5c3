//! Requests of `paths/interconnects.yaml`.

use interconnect_core::names::{EnvironmentName, InterconnectName};

use crate::page::PageRequest;

/// `GET .../environments/{environment}/interconnects`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListInterconnects {
    /// The environment.
    pub parent: EnvironmentName,
    /// `pageSize`, `pageToken`.
    pub page: PageRequest,
}

/// `GET .../interconnects/{interconnect}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetInterconnect {
    /// The interconnect.
    pub name: InterconnectName,
}

// Where each field travels in a call.
binding! {
    ListInterconnects(EnvironmentName) { parent: target, page: page }
    GetInterconnect(InterconnectName) { name: target }
}
