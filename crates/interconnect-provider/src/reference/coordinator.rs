//! `ConnectionCoordinator` for `ReferenceProvider`: each operation is a
//! function of its family's file.

use interconnect_core::wire;

use super::{
    ReferenceProvider, activation, connections, features, guidance, issues, key_parameters, macsec,
    maintenance, replay, static_resources,
};
use crate::caller::Caller;
use crate::coordinator::ConnectionCoordinator;
use crate::error::CoordinatorResult;
use crate::request;

macro_rules! dispatch {
    ($($fn:ident: $module:ident, $req:ident -> $resp:ty;)*) => {
        impl ConnectionCoordinator for ReferenceProvider {
            $(
                async fn $fn(&self, caller: &Caller, request: request::$req) -> CoordinatorResult<$resp> {
                    let span = tracing::debug_span!(
                        stringify!($req),
                        caller = caller.principal(),
                        request_id = caller.request_id().map(|id| id.to_string()).as_deref().unwrap_or("-"),
                    );
                    let _enter = span.enter();
                    // REQ-3, REQ-4: a mutation with a requestId is recorded and replayed.
                    let result = replay::run(self, caller, stringify!($req), request, |request| {
                        $module::$fn(self, caller, request)
                    });
                    if let Err(error) = &result {
                        tracing::debug!(status = error.http_status(), rule = error.rule(), "refused");
                    }
                    result
                }
            )*
        }
    };
}

dispatch! {
    list_providers: static_resources, ListProviders -> wire::ListProvidersResponse;
    get_provider: static_resources, GetProvider -> wire::Provider;
    list_environments: static_resources, ListEnvironments -> wire::ListEnvironmentsResponse;
    get_environment: static_resources, GetEnvironment -> wire::Environment;
    confirm_activation_key: activation, ConfirmActivationKey -> wire::ConfirmActivationKeyResponse;
    get_activation_key_parameters: key_parameters, GetActivationKeyParameters -> wire::GetActivationKeyParametersResponse;
    list_interconnects: static_resources, ListInterconnects -> wire::ListInterconnectsResponse;
    get_interconnect: static_resources, GetInterconnect -> wire::Interconnect;
    list_channels: static_resources, ListChannels -> wire::ListChannelsResponse;
    get_channel: static_resources, GetChannel -> wire::Channel;
    notify_maintenance: maintenance, NotifyMaintenance -> wire::Empty;
    request_mac_sec_key_rotation: macsec, RequestMacSecKeyRotation -> wire::Empty;
    get_maintenance_events: maintenance, GetMaintenanceEvents -> wire::GetMaintenanceEventsResponse;
    create_mac_sec_key: macsec, CreateMacSecKey -> wire::MacSecKey;
    list_mac_sec_keys: macsec, ListMacSecKeys -> wire::ListMacSecKeysResponse;
    get_mac_sec_key: macsec, GetMacSecKey -> wire::MacSecKey;
    delete_mac_sec_key: macsec, DeleteMacSecKey -> wire::Empty;
    list_connections: connections, ListConnections -> wire::ListConnectionsResponse;
    create_connection: connections, CreateConnection -> wire::Connection;
    delete_connection: connections, DeleteConnection -> wire::Empty;
    get_connection: connections, GetConnection -> wire::Connection;
    update_connection: connections, UpdateConnection -> wire::Connection;
    generate_feature_guidance: guidance, GenerateFeatureGuidance -> wire::GenerateFeatureGuidanceResponse;
    notify_connection_status: connections, NotifyConnectionStatus -> wire::Empty;
    list_features: features, ListFeatures -> wire::ListFeaturesResponse;
    create_feature: features, CreateFeature -> wire::Feature;
    delete_feature: features, DeleteFeature -> wire::Empty;
    get_feature: features, GetFeature -> wire::Feature;
    update_feature: features, UpdateFeature -> wire::Feature;
    list_issues: issues, ListIssues -> wire::ListIssuesResponse;
    create_issue: issues, CreateIssue -> wire::Issue;
    get_issue: issues, GetIssue -> wire::Issue;
    close_issue: issues, CloseIssue -> wire::Issue;
    list_comments: issues, ListComments -> wire::ListCommentsResponse;
    add_comment: issues, AddComment -> wire::AddCommentResponse;
}
