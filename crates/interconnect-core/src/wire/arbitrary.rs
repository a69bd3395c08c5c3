//! proptest strategies for every wire type (tests only): names built from
//! random valid segments, enums that include unknown values, optional members
//! present or absent, random secrets and timestamps within a sane range.

use proptest::collection::vec;
use proptest::option::of as opt;
use proptest::prelude::*;

use super::*;
use crate::names::{
    ChannelName, ConnectionName, EnvironmentName, FeatureName, InterconnectName, IssueName,
    MacSecKeyName, ProviderName,
};

/// A valid resource-id segment (shorter than the 128-character limit so
/// names stay readable in failure output; the limit has its own tests),
/// never the dot-segments `.` and `..` (NAME-9).
pub(crate) fn segment() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~-]{1,24}".prop_filter("a dot-segment is not a valid segment", |s| {
        s != "." && s != ".."
    })
}

/// Free text, including non-ASCII and JSON-escaped characters.
fn text() -> impl Strategy<Value = String> {
    "\\PC{0,24}"
}

/// Short lists, often empty.
fn list<S: Strategy>(s: S) -> impl Strategy<Value = Vec<S::Value>> {
    vec(s, 0..3)
}

/// A `ProviderName` with a random provider id.
pub(crate) fn provider_name() -> impl Strategy<Value = ProviderName> {
    segment().prop_map(|p| ProviderName::new(&p).expect("valid segment"))
}

/// An `EnvironmentName` from random segments.
pub(crate) fn environment_name() -> impl Strategy<Value = EnvironmentName> {
    (provider_name(), segment()).prop_map(|(p, e)| p.environment(&e).expect("valid segment"))
}

/// An `InterconnectName` from random segments.
pub(crate) fn interconnect_name() -> impl Strategy<Value = InterconnectName> {
    (environment_name(), segment()).prop_map(|(e, i)| e.interconnect(&i).expect("valid segment"))
}

/// A `ChannelName` from random segments.
pub(crate) fn channel_name() -> impl Strategy<Value = ChannelName> {
    (interconnect_name(), segment()).prop_map(|(i, c)| i.channel(&c).expect("valid segment"))
}

/// A `ConnectionName` from random segments.
pub(crate) fn connection_name() -> impl Strategy<Value = ConnectionName> {
    (interconnect_name(), segment()).prop_map(|(i, c)| i.connection(&c).expect("valid segment"))
}

/// A `FeatureName` from random segments.
pub(crate) fn feature_name() -> impl Strategy<Value = FeatureName> {
    (connection_name(), segment()).prop_map(|(c, f)| c.feature(&f).expect("valid segment"))
}

/// A `MacSecKeyName` from random segments.
pub(crate) fn mac_sec_key_name() -> impl Strategy<Value = MacSecKeyName> {
    (channel_name(), segment()).prop_map(|(c, k)| c.mac_sec_key(&k).expect("valid segment"))
}

/// An `IssueName` from random segments.
pub(crate) fn issue_name() -> impl Strategy<Value = IssueName> {
    (provider_name(), segment()).prop_map(|(p, i)| p.issue(&i).expect("valid segment"))
}

/// A random secret value.
pub(crate) fn secret() -> impl Strategy<Value = Secret> {
    text().prop_map(Secret::new)
}

/// A whole-second timestamp between 1970 and 2100.
pub(crate) fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0i64..4_102_444_800)
        .prop_map(|s| Timestamp::from_unix_seconds(s).expect("seconds within range"))
}

/// Strategies for the wire enums: a known value or an unknown one (which
/// may be `""`, as in the upstream examples).
macro_rules! enum_strategy {
    ($($fn_name:ident => $ty:ident),+ $(,)?) => {$(
        #[doc = concat!("A known or unknown `", stringify!($ty), "`.")]
        pub(crate) fn $fn_name() -> impl Strategy<Value = $ty> {
            prop_oneof![
                proptest::sample::select($ty::KNOWN).prop_map($ty::from_wire),
                "[A-Z_0-9]{0,16}"
                    .prop_filter("not a known value", |s| !$ty::KNOWN.contains(&s.as_str()))
                    .prop_map(|s| $ty::Unknown(s)),
            ]
        }
    )+};
}

enum_strategy! {
    admin_state => AdminState,
    verification_state => VerificationState,
    provisioning_state => ProvisioningState,
    feature_type => FeatureType,
    interconnect_state => InterconnectState,
    environment_visibility => EnvironmentVisibility,
    state => State,
    priority => Priority,
    issue_context => IssueContext,
}

enum_strategy! {
    connection_type => ConnectionType,
}

/// A `sourceData`: an `EncodedKey` or a `SourceConnectionName`.
pub(crate) fn source_data() -> impl Strategy<Value = SourceData> {
    prop_oneof![
        secret().prop_map(|encoded_key| SourceData::EncodedKey(EncodedKey { encoded_key })),
        text().prop_map(|source_connection_name| {
            SourceData::SourceConnectionName(SourceConnectionName {
                source_connection_name,
            })
        }),
    ]
}

prop_compose! {
    /// A `Channel`.
    pub(crate) fn channel()(
        name in opt(channel_name()),
        macsec_manager_provider in opt(provider_name()),
        cross_connect_manager_provider in opt(provider_name()),
        aggregate_channel_size_gbps in opt(any::<i32>()),
        channel_member_size_gbps in opt(any::<i32>()),
        obfuscated_device_id in opt(text()),
        demarc in opt(text()),
        admin_state in opt(admin_state()),
    ) -> Channel {
        Channel {
            name,
            macsec_manager_provider,
            cross_connect_manager_provider,
            aggregate_channel_size_gbps,
            channel_member_size_gbps,
            obfuscated_device_id,
            demarc,
            admin_state,
        }
    }
}

prop_compose! {
    /// A `ListChannelsResponse`.
    pub(crate) fn list_channels_response()(
        channels in list(channel()), next_page_token in opt(text()),
    ) -> ListChannelsResponse {
        ListChannelsResponse { channels, next_page_token }
    }
}

prop_compose! {
    /// A `MaintenanceEvent`.
    pub(crate) fn maintenance_event()(
        start_time in opt(timestamp()),
        end_time in opt(timestamp()),
        maintenance_id in opt(text()),
    ) -> MaintenanceEvent {
        MaintenanceEvent { start_time, end_time, maintenance_id }
    }
}

prop_compose! {
    /// A `NotifyMaintenanceRequest`.
    pub(crate) fn notify_maintenance_request()(
        events in list(maintenance_event()),
    ) -> NotifyMaintenanceRequest {
        NotifyMaintenanceRequest { events }
    }
}

prop_compose! {
    /// A `GetMaintenanceEventsResponse`.
    pub(crate) fn get_maintenance_events_response()(
        events in list(maintenance_event()),
    ) -> GetMaintenanceEventsResponse {
        GetMaintenanceEventsResponse { events }
    }
}

prop_compose! {
    /// A `MacSecKeyRotationRequest`.
    pub(crate) fn mac_sec_key_rotation_request()(
        reason in opt(text()),
    ) -> MacSecKeyRotationRequest {
        MacSecKeyRotationRequest { reason }
    }
}

prop_compose! {
    /// A `Connection`.
    pub(crate) fn connection()(
        name in opt(connection_name()),
        activation_key in opt(secret()),
        bandwidth_mbps in opt(any::<i32>()),
        admin_state in opt(admin_state()),
        verification_state in opt(verification_state()),
        defer_provisioning in opt(any::<bool>()),
        source_data in opt(source_data()),
        connection_type in opt(connection_type()),
    ) -> Connection {
        Connection {
            name,
            activation_key,
            bandwidth_mbps,
            admin_state,
            verification_state,
            defer_provisioning,
            source_data,
            connection_type,
        }
    }
}

prop_compose! {
    /// An `AsnRange`.
    pub(crate) fn asn_range()(
        start in opt(any::<u32>()), stop in opt(any::<u32>()),
    ) -> AsnRange {
        AsnRange { start, stop }
    }
}

prop_compose! {
    /// A `VlanRange`.
    pub(crate) fn vlan_range()(
        start in opt(any::<i32>()), stop in opt(any::<i32>()),
    ) -> VlanRange {
        VlanRange { start, stop }
    }
}

prop_compose! {
    /// An `MtuRange`.
    pub(crate) fn mtu_range()(
        start in opt(any::<i32>()), stop in opt(any::<i32>()),
    ) -> MtuRange {
        MtuRange { start, stop }
    }
}

prop_compose! {
    /// A `SubnetGuidance` (subnets as arbitrary text: the wire keeps them
    /// unparsed).
    pub(crate) fn subnet_guidance()(
        include_subnet in opt(text()),
        exclude_subnets in list(text()),
        preferred_subnet in opt(text()),
    ) -> SubnetGuidance {
        SubnetGuidance { include_subnet, exclude_subnets, preferred_subnet }
    }
}

prop_compose! {
    /// An `L3BaseGuidance`.
    pub(crate) fn l3_base_guidance()(
        asn_ranges in list(asn_range()),
        ipv4_subnet_guidance in list(subnet_guidance()),
        ipv6_subnet_guidance in list(subnet_guidance()),
        ipv4_allowed_subnet_prefix_lengths in list(any::<i32>()),
        ipv6_allowed_subnet_prefix_lengths in list(any::<i32>()),
        vlan_ranges in list(vlan_range()),
        mtu_ranges in list(mtu_range()),
        // Required on upstream main (E-162): what we write always has it.
        max_received_bgp_route_prefixes in any::<i32>().prop_map(Some),
        max_received_bgp_route_prefixes_ipv6 in opt(any::<i32>()),
    ) -> L3BaseGuidance {
        L3BaseGuidance {
            asn_ranges,
            ipv4_subnet_guidance,
            ipv6_subnet_guidance,
            ipv4_allowed_subnet_prefix_lengths,
            ipv6_allowed_subnet_prefix_lengths,
            vlan_ranges,
            mtu_ranges,
            max_received_bgp_route_prefixes,
            max_received_bgp_route_prefixes_ipv6,
        }
    }
}

prop_compose! {
    /// A `FeatureGuidance`.
    pub(crate) fn feature_guidance()(
        feature_type in opt(feature_type()),
        channel in opt(channel_name()),
        channel_admin_state in opt(admin_state()),
        l3_base_guidance in opt(l3_base_guidance()),
    ) -> FeatureGuidance {
        FeatureGuidance { feature_type, channel, channel_admin_state, l3_base_guidance }
    }
}

prop_compose! {
    /// A `ListConnectionsResponse`.
    pub(crate) fn list_connections_response()(
        connections in list(connection()), next_page_token in opt(text()),
    ) -> ListConnectionsResponse {
        ListConnectionsResponse { connections, next_page_token }
    }
}

prop_compose! {
    /// A `GenerateFeatureGuidanceResponse`.
    pub(crate) fn generate_feature_guidance_response()(
        feature_guidance in list(feature_guidance()),
    ) -> GenerateFeatureGuidanceResponse {
        GenerateFeatureGuidanceResponse { feature_guidance }
    }
}

prop_compose! {
    /// A `ProviderSites`.
    pub(crate) fn provider_sites()(
        provider_id in opt(provider_name()),
        site in opt(text()),
        display_name in opt(text()),
    ) -> ProviderSites {
        ProviderSites { provider_id, site, display_name }
    }
}

prop_compose! {
    /// An `Environment`.
    pub(crate) fn environment()(
        name in opt(environment_name()),
        provider_sites in list(provider_sites()),
        api_uri in opt(text()),
        supported_connection_size_mbps in list(any::<i32>()),
        supported_features in list(feature_type()),
        environment_visibility in opt(environment_visibility()),
        deferral_timeout_hours in opt(any::<i32>()),
        defer_connection_provisioning in opt(any::<bool>()),
    ) -> Environment {
        Environment {
            name,
            provider_sites,
            api_uri,
            supported_connection_size_mbps,
            supported_features,
            environment_visibility,
            deferral_timeout_hours,
            defer_connection_provisioning,
        }
    }
}

prop_compose! {
    /// A `ListEnvironmentsResponse`.
    pub(crate) fn list_environments_response()(
        environments in list(environment()), next_page_token in opt(text()),
    ) -> ListEnvironmentsResponse {
        ListEnvironmentsResponse { environments, next_page_token }
    }
}

prop_compose! {
    /// An `ActivationKeyV1`.
    pub(crate) fn activation_key_v1()(
        destination_environment_uri in environment_name(),
        shared_connection_uuid in secret(),
        connection_size_mbps in any::<i32>(),
        destination_account_id in secret(),
    ) -> ActivationKey {
        ActivationKey::V1(ActivationKeyV1 {
            version: 1,
            destination_environment_uri,
            shared_connection_uuid,
            connection_size_mbps,
            destination_account_id,
        })
    }
}

prop_compose! {
    /// An `ActivationKeyV2`.
    pub(crate) fn activation_key_v2()(
        destination_environment_uri in environment_name(),
        encrypted_contents in text(),
    ) -> ActivationKey {
        ActivationKey::V2(ActivationKeyV2 {
            version: 2,
            destination_environment_uri,
            encrypted_contents,
        })
    }
}

prop_compose! {
    /// A key of a version this release does not know.
    pub(crate) fn activation_key_other()(
        version in any::<i32>().prop_filter("not a known version", |v| *v != 1 && *v != 2),
        destination_environment_uri in environment_name(),
        sealed in opt(text()),
    ) -> ActivationKey {
        let mut members = serde_json::Map::new();
        if let Some(sealed) = sealed {
            members.insert("sealed".to_owned(), serde_json::Value::String(sealed));
        }
        ActivationKey::Other(OtherActivationKey {
            version,
            destination_environment_uri,
            members,
        })
    }
}

/// An `ActivationKey` of a version we write (unknown versions are read and
/// carried, never written by us: their round trip is tested in
/// `wire::activation_key`).
pub(crate) fn activation_key() -> impl Strategy<Value = ActivationKey> {
    prop_oneof![activation_key_v1(), activation_key_v2()]
}

/// A key of any version, unknown ones included.
pub(crate) fn any_activation_key() -> impl Strategy<Value = ActivationKey> {
    prop_oneof![
        activation_key_v1(),
        activation_key_v2(),
        activation_key_other()
    ]
}

prop_compose! {
    /// A `ConfirmActivationKeyRequest`.
    pub(crate) fn confirm_activation_key_request()(
        key in opt(activation_key()), encoded_key in opt(secret()),
    ) -> ConfirmActivationKeyRequest {
        ConfirmActivationKeyRequest { key, encoded_key }
    }
}

prop_compose! {
    /// A `ConfirmActivationKeyResponse`.
    pub(crate) fn confirm_activation_key_response()(
        key_valid in opt(any::<bool>()),
    ) -> ConfirmActivationKeyResponse {
        ConfirmActivationKeyResponse { key_valid }
    }
}

prop_compose! {
    /// A `ProviderBgpConfig` (addresses as arbitrary text).
    pub(crate) fn provider_bgp_config()(
        // `provider` and `asn` are required on upstream main (E-162).
        provider in provider_name().prop_map(Some),
        asn in any::<u32>().prop_map(Some),
        host_ipv4 in opt(text()),
        host_ipv6 in opt(text()),
    ) -> ProviderBgpConfig {
        ProviderBgpConfig { provider, asn, host_ipv4, host_ipv6 }
    }
}

prop_compose! {
    /// An `L3BaseConfig` (subnets as arbitrary text).
    pub(crate) fn l3_base_config()(
        ipv4_subnet in opt(text()),
        ipv4_subnet_prefix_length in opt(any::<i32>()),
        ipv6_subnet in opt(text()),
        ipv6_subnet_prefix_length in opt(any::<i32>()),
        // `mtuBytes`, `vlanId`, `providerBgpConfigs` and `md5BgpPassword`
        // are required on upstream main (E-162).
        mtu_bytes in any::<i32>().prop_map(Some),
        vlan_id in any::<i32>().prop_map(Some),
        provider_bgp_configs in list(provider_bgp_config()),
        md5_bgp_password in secret().prop_map(Some),
    ) -> L3BaseConfig {
        L3BaseConfig {
            ipv4_subnet,
            ipv4_subnet_prefix_length,
            ipv6_subnet,
            ipv6_subnet_prefix_length,
            mtu_bytes,
            vlan_id,
            provider_bgp_configs,
            md5_bgp_password,
        }
    }
}

prop_compose! {
    /// A `FeatureConfig`.
    pub(crate) fn feature_config()(
        // `featureType` is required on upstream main (E-162).
        feature_type in feature_type().prop_map(Some),
        l3_base_config in opt(l3_base_config()),
    ) -> FeatureConfig {
        FeatureConfig { feature_type, l3_base_config }
    }
}

prop_compose! {
    /// A `Feature`.
    pub(crate) fn feature()(
        name in opt(feature_name()),
        channel in opt(channel_name()),
        feature_config in opt(feature_config()),
        provisioning_state in opt(provisioning_state()),
        updatable in opt(any::<bool>()),
    ) -> Feature {
        Feature { name, channel, feature_config, provisioning_state, updatable }
    }
}

prop_compose! {
    /// A `ListFeaturesResponse`.
    pub(crate) fn list_features_response()(
        features in list(feature()), next_page_token in opt(text()),
    ) -> ListFeaturesResponse {
        ListFeaturesResponse { features, next_page_token }
    }
}

prop_compose! {
    /// An `Interconnect`.
    pub(crate) fn interconnect()(
        name in opt(interconnect_name()),
        supported_connection_size_mbps in list(any::<i32>()),
        supported_features in list(feature_type()),
        state in opt(interconnect_state()),
        max_bandwidth_mbps in opt(any::<i32>()),
    ) -> Interconnect {
        Interconnect {
            name,
            supported_connection_size_mbps,
            supported_features,
            state,
            max_bandwidth_mbps,
        }
    }
}

prop_compose! {
    /// A `ListInterconnectsResponse`.
    pub(crate) fn list_interconnects_response()(
        interconnects in list(interconnect()), next_page_token in opt(text()),
    ) -> ListInterconnectsResponse {
        ListInterconnectsResponse { interconnects, next_page_token }
    }
}

/// A `ChannelContext`.
pub(crate) fn channel_context() -> impl Strategy<Value = ChannelContext> {
    channel_name().prop_map(|name| ChannelContext { name })
}

/// A `ConnectionContext`.
pub(crate) fn connection_context() -> impl Strategy<Value = ConnectionContext> {
    connection_name().prop_map(|name| ConnectionContext { name })
}

/// A `FeatureContext`.
pub(crate) fn feature_context() -> impl Strategy<Value = FeatureContext> {
    feature_name().prop_map(|name| FeatureContext { name })
}

/// An `InterconnectContext`.
pub(crate) fn interconnect_context() -> impl Strategy<Value = InterconnectContext> {
    interconnect_name().prop_map(|name| InterconnectContext { name })
}

prop_compose! {
    /// An `Issue` (drawn in two groups: proptest tuples stop at 12).
    pub(crate) fn issue()(
        (body, title, name, create_time, issue_context, priority, state) in (
            text(),
            text(),
            opt(issue_name()),
            opt(timestamp()),
            opt(issue_context()),
            opt(priority()),
            opt(state()),
        ),
        (
            channel_contexts,
            connection_contexts,
            feature_contexts,
            interconnect_contexts,
            local_issue_id,
            remote_contact_email,
            remote_issue_id,
        ) in (
            list(channel_context()),
            list(connection_context()),
            list(feature_context()),
            list(interconnect_context()),
            opt(text()),
            opt(text()),
            opt(text()),
        ),
    ) -> Issue {
        Issue {
            body,
            channel_contexts,
            connection_contexts,
            create_time,
            feature_contexts,
            interconnect_contexts,
            issue_context,
            local_issue_id,
            name,
            priority,
            remote_contact_email,
            remote_issue_id,
            state,
            title,
        }
    }
}

prop_compose! {
    /// A `Comment`.
    pub(crate) fn comment()(
        body in text(),
        create_time in opt(timestamp()),
        display_name in opt(text()),
        local_comment_id in opt(text()),
    ) -> Comment {
        Comment { body, create_time, display_name, local_comment_id }
    }
}

/// An `AddCommentRequest`.
pub(crate) fn add_comment_request() -> impl Strategy<Value = AddCommentRequest> {
    comment().prop_map(|comment| AddCommentRequest { comment })
}

/// An `AddCommentResponse`.
pub(crate) fn add_comment_response() -> impl Strategy<Value = AddCommentResponse> {
    opt(comment()).prop_map(|comment| AddCommentResponse { comment })
}

prop_compose! {
    /// A `ListCommentsResponse`.
    pub(crate) fn list_comments_response()(
        comments in list(comment()), next_page_token in opt(text()),
    ) -> ListCommentsResponse {
        ListCommentsResponse { comments, next_page_token }
    }
}

prop_compose! {
    /// A `ListIssuesResponse`.
    pub(crate) fn list_issues_response()(
        issues in list(issue()), next_page_token in opt(text()),
    ) -> ListIssuesResponse {
        ListIssuesResponse { issues, next_page_token }
    }
}

prop_compose! {
    /// A `MacSecKey`.
    pub(crate) fn mac_sec_key()(
        name in opt(mac_sec_key_name()),
        cak in opt(secret()),
        ckn in opt(secret()),
        start_time in opt(timestamp()),
        active in opt(any::<bool>()),
    ) -> MacSecKey {
        MacSecKey { name, cak, ckn, start_time, active }
    }
}

/// A `ListMacSecKeysResponse`.
pub(crate) fn list_mac_sec_keys_response() -> impl Strategy<Value = ListMacSecKeysResponse> {
    list(mac_sec_key()).prop_map(|mac_sec_keys| ListMacSecKeysResponse { mac_sec_keys })
}

prop_compose! {
    /// A `Provider`.
    pub(crate) fn provider()(
        name in opt(provider_name()), display_name in opt(text()),
    ) -> Provider {
        Provider { name, display_name }
    }
}

prop_compose! {
    /// A `ListProvidersResponse`.
    pub(crate) fn list_providers_response()(
        providers in list(provider()), next_page_token in opt(text()),
    ) -> ListProvidersResponse {
        ListProvidersResponse { providers, next_page_token }
    }
}
