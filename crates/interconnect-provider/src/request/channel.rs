//! Requests of `paths/channels.yaml`.

use interconnect_core::names::{ChannelName, InterconnectName};
use interconnect_core::wire;

use crate::page::PageRequest;

/// `GET .../interconnects/{interconnect}/channels`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListChannels {
    /// The interconnect.
    pub parent: InterconnectName,
    /// `pageSize`, `pageToken`.
    pub page: PageRequest,
}

/// `GET .../channels/{channel}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetChannel {
    /// The channel.
    pub name: ChannelName,
}

/// `POST .../channels/{channel}/NotifyMaintenance`: the caller's maintenance
/// events on the channel changed; the receiver pulls them with
/// `GetMaintenanceEvents` (MAINT-4).
#[derive(Debug, Clone, PartialEq)]
pub struct NotifyMaintenance {
    /// The channel.
    pub channel: ChannelName,
    /// The body (its deprecated `events` are ignored, MAINT-5).
    pub body: wire::NotifyMaintenanceRequest,
}

/// `GET .../channels/{channel}/maintenanceEvents`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetMaintenanceEvents {
    /// The channel.
    pub channel: ChannelName,
}

/// `POST .../channels/{channel}/RequestMacSecKeyRotation`.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestMacSecKeyRotation {
    /// The channel.
    pub channel: ChannelName,
    /// The body (an optional reason).
    pub body: wire::MacSecKeyRotationRequest,
}

// Where each field travels in a call.
binding! {
    ListChannels(InterconnectName) { parent: target, page: page }
    GetChannel(ChannelName) { name: target }
    NotifyMaintenance(ChannelName) { channel: target, body: body(optional) }
    GetMaintenanceEvents(ChannelName) { channel: target }
    RequestMacSecKeyRotation(ChannelName) { channel: target, body: body(optional) }
}
