//! Requests of `paths/macseckeys.yaml`.

use interconnect_core::names::{ChannelName, MacSecKeyName};
use interconnect_core::wire;

/// `POST .../channels/{channel}/macSecKeys?macSecKeyId=`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateMacSecKey {
    /// The channel.
    pub parent: ChannelName,
    /// `macSecKeyId` (required).
    pub mac_sec_key_id: String,
    /// The key (CAK and CKN are secrets; Debug never shows them).
    pub mac_sec_key: wire::MacSecKey,
}

/// `GET .../channels/{channel}/macSecKeys`: every key of the channel in one
/// response (LIST-9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListMacSecKeys {
    /// The channel.
    pub parent: ChannelName,
}

/// `GET .../macSecKeys/{macSecKey}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetMacSecKey {
    /// The key.
    pub name: MacSecKeyName,
}

/// `DELETE .../macSecKeys/{macSecKey}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteMacSecKey {
    /// The key.
    pub name: MacSecKeyName,
}

// Where each field travels in a call.
binding! {
    CreateMacSecKey(ChannelName) {
        parent: target,
        mac_sec_key_id: id("macSecKeyId"),
        mac_sec_key: body(optional),
    }
    ListMacSecKeys(ChannelName) { parent: target }
    GetMacSecKey(MacSecKeyName) { name: target }
    DeleteMacSecKey(MacSecKeyName) { name: target }
}
