//! Requests of `paths/connections.yaml`.

use interconnect_core::names::{ConnectionName, InterconnectName};
use interconnect_core::wire;

use crate::page::PageRequest;

/// `GET .../interconnects/{interconnect}/connections`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListConnections {
    /// The interconnect.
    pub parent: InterconnectName,
    /// `pageSize`, `pageToken`.
    pub page: PageRequest,
}

/// `POST .../interconnects/{interconnect}/connections?connectionId=`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateConnection {
    /// The interconnect.
    pub parent: InterconnectName,
    /// `connectionId` (required): the shared connection UUID.
    pub connection_id: String,
    /// The body.
    pub connection: wire::Connection,
}

/// `GET .../connections/{connection}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetConnection {
    /// The connection.
    pub name: ConnectionName,
}

/// `PATCH .../connections/{connection}?updateMask=`.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateConnection {
    /// The connection.
    pub name: ConnectionName,
    /// `updateMask`: the members to change (CONN-15).
    pub update_mask: Option<String>,
    /// The body holding the new values.
    pub connection: wire::Connection,
}

/// `DELETE .../connections/{connection}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteConnection {
    /// The connection.
    pub name: ConnectionName,
}

/// `POST .../connections/{connection}/GenerateFeatureGuidance`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateFeatureGuidance {
    /// The connection.
    pub name: ConnectionName,
    /// The (empty) body.
    pub body: wire::GenerateFeatureGuidanceRequest,
}

/// `POST .../connections/{connection}/NotifyConnectionStatus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyConnectionStatus {
    /// The connection.
    pub name: ConnectionName,
    /// The (empty) body.
    pub body: wire::NotifyConnectionStatusRequest,
}

// Where each field travels in a call.
binding! {
    ListConnections(InterconnectName) { parent: target, page: page }
    CreateConnection(InterconnectName) {
        parent: target,
        connection_id: id("connectionId"),
        connection: body(required),
    }
    GetConnection(ConnectionName) { name: target }
    UpdateConnection(ConnectionName) {
        name: target,
        update_mask: optional("updateMask"),
        connection: body(required),
    }
    DeleteConnection(ConnectionName) { name: target }
    GenerateFeatureGuidance(ConnectionName) { name: target, body: body(optional) }
    NotifyConnectionStatus(ConnectionName) { name: target, body: body(optional) }
}
