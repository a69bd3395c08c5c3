//! Channel resources (`schemas/channel.yaml`): the physical links of an
//! interconnect, their maintenance notifications and MACsec key rotation
//! requests.

use serde::{Deserialize, Serialize};

use super::{AdminState, Timestamp};
use crate::names::{ChannelName, ProviderName};

/// `Channel`: one physical link between the routers of two providers inside
/// an interconnect.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    /// The channel's resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ChannelName>,
    /// Output only. The provider that runs MACsec key rotations on this
    /// channel; only it may call the MACsec key methods. Read as either
    /// `providers/{provider}` or a bare provider id, written in full.
    #[serde(
        default,
        deserialize_with = "super::provider_ref::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub macsec_manager_provider: Option<ProviderName>,
    /// Output only. The provider that owns the physical cross connect (its
    /// cost and troubleshooting with the facility). Read as either
    /// `providers/{provider}` or a bare provider id, written in full.
    #[serde(
        default,
        deserialize_with = "super::provider_ref::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub cross_connect_manager_provider: Option<ProviderName>,
    /// Output only. Total capacity of the channel, in Gbit/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub aggregate_channel_size_gbps: Option<i32>,
    /// Output only. Capacity of each member link of the channel, in Gbit/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub channel_member_size_gbps: Option<i32>,
    /// Output only. An opaque id of the device that hosts the channel, so the
    /// peer can check that channels of one interconnect sit on different
    /// devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub obfuscated_device_id: Option<String>,
    /// Identifier of the demarcation point where the cross connect lands,
    /// usually taken from the facility's letter of authorization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demarc: Option<String>,
    /// Output only. Whether a provider has administratively disabled the
    /// channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub admin_state: Option<AdminState>,
}

/// `ListChannelsResponse`: one page of channels.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListChannelsResponse {
    /// The channels on this page.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub channels: Vec<Channel>,
    /// Token for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `NotifyMaintenanceRequest`: a peer tells the channel's provider that
/// maintenance on the channel changed.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotifyMaintenanceRequest {
    /// Deprecated upstream. Every maintenance event of the channel known when
    /// the notification was sent.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "schemars", schemars(extend("deprecated" = true)))]
    pub events: Vec<MaintenanceEvent>,
}

/// `MaintenanceEvent`: a maintenance window of a channel, planned or under
/// way.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceEvent {
    /// When the maintenance starts (or started).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    /// When the maintenance ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// Opaque id both providers use to refer to this maintenance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_id: Option<String>,
}

/// `GetMaintenanceEventsResponse`: the maintenance events of one channel.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct GetMaintenanceEventsResponse {
    /// The channel's maintenance events.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub events: Vec<MaintenanceEvent>,
}

/// `MacSecKeyRotationRequest`: the provider that does not manage MACsec asks
/// the manager to rotate the channel's key.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct MacSecKeyRotationRequest {
    /// Why the rotation is asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::test_support::{CH, TestResult, golden, rejects_at, upstream_example};

    fn channel_doc() -> serde_json::Value {
        json!({
            "name": CH,
            "macsecManagerProvider": "providers/aws",
            "crossConnectManagerProvider": "providers/gcp",
            "aggregateChannelSizeGbps": 100,
            "channelMemberSizeGbps": 100,
            "obfuscatedDeviceId": "dev-7f3a",
            "demarc": "EQX-DC2-CAGE12-PP3-P7",
            "adminState": "ADMIN_STATE_ENABLED",
        })
    }

    #[test]
    fn golden_channel() -> TestResult {
        let c: Channel = golden(&channel_doc())?;
        assert_eq!(c.name, Some(CH.parse()?));
        assert_eq!(c.macsec_manager_provider, Some(ProviderName::new("aws")?));
        assert_eq!(
            c.cross_connect_manager_provider,
            Some(ProviderName::new("gcp")?)
        );
        assert_eq!(c.aggregate_channel_size_gbps, Some(100));
        assert_eq!(c.channel_member_size_gbps, Some(100));
        assert_eq!(c.obfuscated_device_id.as_deref(), Some("dev-7f3a"));
        assert_eq!(c.demarc.as_deref(), Some("EQX-DC2-CAGE12-PP3-P7"));
        assert_eq!(c.admin_state, Some(AdminState::Enabled));
        let list: ListChannelsResponse =
            golden(&json!({"channels": [channel_doc()], "nextPageToken": "p2"}))?;
        assert_eq!(list.channels, vec![c]);
        assert_eq!(list.next_page_token.as_deref(), Some("p2"));
        Ok(())
    }

    #[test]
    fn empty_documents() -> TestResult {
        assert_eq!(golden::<Channel>(&json!({}))?, Channel::default());
        assert_eq!(
            golden::<ListChannelsResponse>(&json!({}))?,
            ListChannelsResponse::default()
        );
        assert_eq!(
            golden::<NotifyMaintenanceRequest>(&json!({}))?,
            NotifyMaintenanceRequest::default()
        );
        assert_eq!(
            golden::<GetMaintenanceEventsResponse>(&json!({}))?,
            GetMaintenanceEventsResponse::default()
        );
        assert_eq!(
            golden::<MacSecKeyRotationRequest>(&json!({}))?,
            MacSecKeyRotationRequest::default()
        );
        Ok(())
    }

    #[test]
    fn bare_provider_ids_are_read_and_written_in_full() -> TestResult {
        let c: Channel = serde_json::from_value(json!({"macsecManagerProvider": "aws"}))?;
        assert_eq!(c.macsec_manager_provider, Some(ProviderName::new("aws")?));
        assert_eq!(
            serde_json::to_value(&c)?,
            json!({"macsecManagerProvider": "providers/aws"})
        );
        rejects_at::<Channel>(
            &json!({"crossConnectManagerProvider": "providers/a/b"}),
            "crossConnectManagerProvider",
        );
        Ok(())
    }

    #[test]
    fn golden_maintenance() -> TestResult {
        let event = json!({
            "startTime": "2026-03-01T02:00:00Z",
            "endTime": "2026-03-01T06:00:00Z",
            "maintenanceId": "MW-2026-0301-ix1",
        });
        let e: MaintenanceEvent = golden(&event)?;
        assert_eq!(e.start_time, Some("2026-03-01T02:00:00Z".parse()?));
        assert_eq!(e.end_time, Some("2026-03-01T06:00:00Z".parse()?));
        assert_eq!(e.maintenance_id.as_deref(), Some("MW-2026-0301-ix1"));
        let n: NotifyMaintenanceRequest = golden(&json!({"events": [event.clone()]}))?;
        assert_eq!(n.events, vec![e.clone()]);
        let g: GetMaintenanceEventsResponse = golden(&json!({"events": [event]}))?;
        assert_eq!(g.events, vec![e]);
        let r: MacSecKeyRotationRequest = golden(&json!({"reason": "CKN leaked"}))?;
        assert_eq!(r.reason.as_deref(), Some("CKN leaked"));
        Ok(())
    }

    #[test]
    fn null_events_read_as_an_empty_list() -> TestResult {
        let r: GetMaintenanceEventsResponse = serde_json::from_value(json!({"events": null}))?;
        assert!(r.events.is_empty());
        let r: NotifyMaintenanceRequest = serde_json::from_value(json!({"events": null}))?;
        assert!(r.events.is_empty());
        let r: ListChannelsResponse = serde_json::from_value(json!({"channels": null}))?;
        assert!(r.channels.is_empty());
        rejects_at::<GetMaintenanceEventsResponse>(&json!({"events": [null]}), "events[0]");
        Ok(())
    }

    #[test]
    fn wrong_member_types_name_their_path() {
        rejects_at::<Channel>(
            &json!({"aggregateChannelSizeGbps": "100"}),
            "aggregateChannelSizeGbps",
        );
        rejects_at::<Channel>(
            &json!({"channelMemberSizeGbps": 1.5}),
            "channelMemberSizeGbps",
        );
        rejects_at::<Channel>(&json!({"adminState": 1}), "adminState");
        rejects_at::<Channel>(&json!({"name": "providers/aws"}), "name");
        rejects_at::<ListChannelsResponse>(
            &json!({"channels": [{}, {"demarc": 7}]}),
            "channels[1].demarc",
        );
        rejects_at::<GetMaintenanceEventsResponse>(
            &json!({"events": [{"startTime": "tomorrow"}]}),
            "events[0].startTime",
        );
        rejects_at::<MacSecKeyRotationRequest>(&json!({"reason": []}), "reason");
    }

    #[test]
    fn unknown_members_are_ignored_and_unknown_states_kept() -> TestResult {
        let c: Channel = serde_json::from_value(
            json!({"demarc": "d", "futureMember": {"x": 1}, "adminState": "ADMIN_STATE_PAUSED"}),
        )?;
        assert_eq!(
            c.admin_state,
            Some(AdminState::Unknown("ADMIN_STATE_PAUSED".into()))
        );
        assert_eq!(
            serde_json::to_value(&c)?,
            json!({"demarc": "d", "adminState": "ADMIN_STATE_PAUSED"})
        );
        Ok(())
    }

    #[test]
    fn the_draft_recovery_manager_is_read_and_never_written() -> TestResult {
        // Channel.featureRecoveryManagerProvider, FeatureRecovery.md [draft]
        // (E-163): tolerated on read, dropped on write.
        let c: Channel = crate::wire::from_json(
            br#"{"demarc": "d", "featureRecoveryManagerProvider": "providers/aws"}"#,
        )?;
        assert_eq!(serde_json::to_value(&c)?, json!({"demarc": "d"}));
        // Even a malformed value is ignored: the member is not ours to judge.
        let c: Channel = crate::wire::from_json(br#"{"featureRecoveryManagerProvider": 5}"#)?;
        assert_eq!(c, Channel::default());
        Ok(())
    }

    #[test]
    fn upstream_examples() -> TestResult {
        // Bare provider ids and `""` for the admin state are accepted.
        if let Some(doc) = upstream_example("Channel") {
            let c: Channel = serde_json::from_value(doc)?;
            assert_eq!(c.admin_state, Some(AdminState::Unknown(String::new())));
            assert_eq!(
                c.macsec_manager_provider.as_ref().map(ProviderName::id),
                Some("macsecManagerProvider")
            );
        }
        if let Some(doc) = upstream_example("ListChannelsResponse") {
            let l: ListChannelsResponse = serde_json::from_value(doc)?;
            assert_eq!(l.channels.len(), 2);
        }
        // The examples write timestamps with a space instead of `T`.
        if let Some(doc) = upstream_example("MaintenanceEvent") {
            let e: MaintenanceEvent = serde_json::from_value(doc)?;
            assert_eq!(e.start_time, Some("2000-01-23T04:56:07Z".parse()?));
        }
        if let Some(doc) = upstream_example("GetMaintenanceEventsResponse") {
            let g: GetMaintenanceEventsResponse = serde_json::from_value(doc)?;
            assert_eq!(g.events.len(), 2);
        }
        Ok(())
    }
}
