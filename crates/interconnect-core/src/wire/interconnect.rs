//! Interconnect resources (`schemas/interconnect.yaml`): a group of redundant
//! channels between two providers on which connections are provisioned.
//! `InterconnectState` lives in [`super::enums`].

use serde::{Deserialize, Serialize};

use super::{FeatureType, InterconnectState};
use crate::names::InterconnectName;

/// `Interconnect`: redundant physical capacity between two providers, shared
/// by the connections provisioned on it.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Interconnect {
    /// The interconnect's resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<InterconnectName>,
    /// Output only. Connection sizes, in Mbit/s, the interconnect supports (at
    /// least those of its environment).
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub supported_connection_size_mbps: Vec<i32>,
    /// Output only. Features the interconnect supports (at least those of its
    /// environment).
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub supported_features: Vec<FeatureType>,
    /// Output only. Whether new connections may be provisioned on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub state: Option<InterconnectState>,
    /// Output only. Total connection bandwidth, in Mbit/s, the interconnect
    /// accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub max_bandwidth_mbps: Option<i32>,
}

/// `ListInterconnectsResponse`: one page of interconnects.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListInterconnectsResponse {
    /// The interconnects on this page.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub interconnects: Vec<Interconnect>,
    /// Token for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::wire::test_support::{IX, TestResult, golden, rejects_at, upstream_example};

    fn interconnect_doc() -> Value {
        json!({
            "name": IX,
            "supportedConnectionSizeMbps": [1000, 10000, 50000],
            "supportedFeatures": ["FEATURE_TYPE_L3_BASE"],
            "state": "INTERCONNECT_STATE_ACTIVE",
            "maxBandwidthMbps": 400000,
        })
    }

    #[test]
    fn golden_interconnect() -> TestResult {
        let i: Interconnect = golden(&interconnect_doc())?;
        assert_eq!(i.name, Some(IX.parse()?));
        assert_eq!(i.supported_connection_size_mbps, vec![1000, 10000, 50000]);
        assert_eq!(i.supported_features, vec![FeatureType::L3Base]);
        assert_eq!(i.state, Some(InterconnectState::Active));
        assert_eq!(i.max_bandwidth_mbps, Some(400000));
        let list: ListInterconnectsResponse =
            golden(&json!({"interconnects": [interconnect_doc()], "nextPageToken": "t"}))?;
        assert_eq!(list.interconnects, vec![i]);
        assert_eq!(list.next_page_token.as_deref(), Some("t"));
        Ok(())
    }

    #[test]
    fn empty_documents() -> TestResult {
        assert_eq!(golden::<Interconnect>(&json!({}))?, Interconnect::default());
        assert_eq!(
            golden::<ListInterconnectsResponse>(&json!({}))?,
            ListInterconnectsResponse::default()
        );
        Ok(())
    }

    #[test]
    fn wrong_member_types_name_their_path() {
        rejects_at::<Interconnect>(&json!({"maxBandwidthMbps": "400G"}), "maxBandwidthMbps");
        rejects_at::<Interconnect>(&json!({"supportedFeatures": [1]}), "supportedFeatures[0]");
        rejects_at::<Interconnect>(&json!({"state": null, "name": 3}), "name");
        rejects_at::<ListInterconnectsResponse>(
            &json!({"interconnects": [{"name": "providers/aws/environments/e"}]}),
            "interconnects[0].name",
        );
        rejects_at::<ListInterconnectsResponse>(&json!({"nextPageToken": 2}), "nextPageToken");
    }

    #[test]
    fn unknown_members_are_ignored_and_unknown_states_kept() -> TestResult {
        let i: Interconnect = serde_json::from_value(
            json!({"state": "INTERCONNECT_STATE_DRAINING", "location": "IAD"}),
        )?;
        assert_eq!(
            i.state,
            Some(InterconnectState::Unknown(
                "INTERCONNECT_STATE_DRAINING".into()
            ))
        );
        assert_eq!(
            serde_json::to_value(&i)?,
            json!({"state": "INTERCONNECT_STATE_DRAINING"})
        );
        Ok(())
    }

    #[test]
    fn upstream_examples() -> TestResult {
        if let Some(doc) = upstream_example("Interconnect") {
            let i: Interconnect = serde_json::from_value(doc)?;
            assert_eq!(i.max_bandwidth_mbps, Some(6));
            assert_eq!(i.state, Some(InterconnectState::Unknown(String::new())));
        }
        if let Some(doc) = upstream_example("ListInterconnectsResponse") {
            let l: ListInterconnectsResponse = serde_json::from_value(doc)?;
            assert_eq!(l.interconnects.len(), 2);
        }
        Ok(())
    }
}
