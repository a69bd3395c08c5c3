//! MACsec key resources (`schemas/macseckey.yaml`): the keys that protect a
//! channel, created and rotated by the channel's MACsec manager provider.

use serde::{Deserialize, Serialize};

use super::{Secret, Timestamp};
use crate::names::MacSecKeyName;

/// `MacSecKey`: one MACsec key of a channel (a channel holds at most two).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub start_time: Option<Timestamp>,
    /// Output only. Whether the channel currently uses this key (at most one
    /// per channel; an active key cannot be deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub active: Option<bool>,
}

/// `ListMacSecKeysResponse`: the MACsec keys of one channel.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListMacSecKeysResponse {
    /// The channel's keys.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub mac_sec_keys: Vec<MacSecKey>,
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::wire::test_support::{CH, TestResult, golden, rejects_at, upstream_example};

    fn key_doc() -> Value {
        json!({
            "name": format!("{CH}/macSecKeys/k-2026-02"),
            "cak": "135bd758b0ee5c11c55ff6ab19fdb199",
            "ckn": "96437a93ccf10d9dfe347846cce52c7d",
            "startTime": "2026-02-01T00:00:00Z",
            "active": true,
        })
    }

    #[test]
    fn golden_mac_sec_key() -> TestResult {
        let k: MacSecKey = golden(&key_doc())?;
        assert_eq!(k.name, Some(format!("{CH}/macSecKeys/k-2026-02").parse()?));
        assert_eq!(
            k.cak.as_ref().map(Secret::expose),
            Some("135bd758b0ee5c11c55ff6ab19fdb199")
        );
        assert_eq!(
            k.ckn.as_ref().map(Secret::expose),
            Some("96437a93ccf10d9dfe347846cce52c7d")
        );
        assert_eq!(k.start_time, Some("2026-02-01T00:00:00Z".parse()?));
        assert_eq!(k.active, Some(true));
        let shown = format!("{k:?}");
        assert!(!shown.contains("135bd758"), "{shown}");
        assert!(!shown.contains("96437a93"), "{shown}");
        let list: ListMacSecKeysResponse = golden(&json!({"macSecKeys": [key_doc()]}))?;
        assert_eq!(list.mac_sec_keys, vec![k]);
        Ok(())
    }

    #[test]
    fn empty_documents() -> TestResult {
        assert_eq!(golden::<MacSecKey>(&json!({}))?, MacSecKey::default());
        assert_eq!(
            golden::<ListMacSecKeysResponse>(&json!({}))?,
            ListMacSecKeysResponse::default()
        );
        Ok(())
    }

    #[test]
    fn wrong_member_types_name_their_path() {
        rejects_at::<MacSecKey>(&json!({"active": "true"}), "active");
        rejects_at::<MacSecKey>(&json!({"cak": 1}), "cak");
        rejects_at::<MacSecKey>(&json!({"name": CH}), "name");
        rejects_at::<ListMacSecKeysResponse>(
            &json!({"macSecKeys": [{"startTime": 0}]}),
            "macSecKeys[0].startTime",
        );
    }

    #[test]
    fn unknown_members_are_ignored() -> TestResult {
        let k: MacSecKey =
            serde_json::from_value(json!({"active": false, "cipherSuite": "GCM-AES-XPN-256"}))?;
        assert_eq!(serde_json::to_value(&k)?, json!({"active": false}));
        Ok(())
    }

    #[test]
    fn upstream_examples() -> TestResult {
        // The example writes its timestamp with a space instead of `T`.
        if let Some(doc) = upstream_example("MacSecKey") {
            let k: MacSecKey = serde_json::from_value(doc)?;
            assert_eq!(k.cak.as_ref().map(Secret::expose), Some("MACsec CAK"));
            assert_eq!(k.start_time, Some("2000-01-23T04:56:07Z".parse()?));
        }
        Ok(())
    }
}
