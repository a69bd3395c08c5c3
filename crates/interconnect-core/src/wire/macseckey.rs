//! MACsec key resources (`schemas/macseckey.yaml`): the keys that protect a
//! channel, created and rotated by the channel's MACsec manager provider.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Secret, Timestamp};
use crate::names::MacSecKeyName;

/// `MacSecKey`: one MACsec key of a channel (a channel holds at most two).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MacSecKey {
    /// The key's resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<MacSecKeyName>,
    /// The MACsec connectivity association key (secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cak: Option<Secret>,
    /// The MACsec connectivity association key name (secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ckn: Option<Secret>,
    /// Output only. When the key was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    /// Output only. Whether the channel currently uses this key (at most one
    /// per channel; an active key cannot be deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// `ListMacSecKeysResponse`: the MACsec keys of one channel.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListMacSecKeysResponse {
    /// The channel's keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mac_sec_keys: Vec<MacSecKey>,
}
