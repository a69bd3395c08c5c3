//! The `ConnectionCoordinator` trait: the operations of the specification
//! (`openapi.yaml` of upstream main), one async method each, in the order of
//! the operation table ([`for_each_operation!`](crate::for_each_operation)).
//!
//! Every provider serves the same API (`ARCHITECTURE.md`, "The protocol in
//! one paragraph"), so the same trait describes a partner's server (implemented by
//! the reference provider of this crate or a partner's own code) and a
//! client that reaches a peer over HTTP. Each method takes the authenticated
//! [`Caller`] and the typed request of its operation, and answers the typed
//! response of the specification or a [`CoordinatorError`](crate::CoordinatorError).
//!
//! The futures are `Send`, so any server (axum, tonic, a test harness) can
//! host any implementation. Implementations write `async fn` bodies:
//!
//! ```
//! # use interconnect_provider::{Caller, CoordinatorResult, request};
//! # use interconnect_core::wire;
//! # struct Mine;
//! # impl Mine {
//! async fn get_provider(
//!     &self,
//!     caller: &Caller,
//!     request: request::GetProvider,
//! ) -> CoordinatorResult<wire::Provider> {
//!     caller.authorize(&request.name)?;
//!     Ok(wire::Provider { name: Some(request.name), display_name: None })
//! }
//! # }
//! ```

use std::future::Future;

use interconnect_core::wire;

use crate::caller::Caller;
use crate::error::CoordinatorResult;
use crate::request;

/// A server (or a client of one) of the Connection Coordinator API.
pub trait ConnectionCoordinator: Send + Sync {
    /// `ListProviders`: The providers the caller may act as and the server's own provider (AUTH-5).
    fn list_providers(
        &self,
        caller: &Caller,
        request: request::ListProviders,
    ) -> impl Future<Output = CoordinatorResult<wire::ListProvidersResponse>> + Send;

    /// `GetProvider`: One provider: the caller's own or the server's (AUTH-4).
    fn get_provider(
        &self,
        caller: &Caller,
        request: request::GetProvider,
    ) -> impl Future<Output = CoordinatorResult<wire::Provider>> + Send;

    /// `ListEnvironments`: The environments shared with the provider in the path.
    fn list_environments(
        &self,
        caller: &Caller,
        request: request::ListEnvironments,
    ) -> impl Future<Output = CoordinatorResult<wire::ListEnvironmentsResponse>> + Send;

    /// `GetEnvironment`: One environment.
    fn get_environment(
        &self,
        caller: &Caller,
        request: request::GetEnvironment,
    ) -> impl Future<Output = CoordinatorResult<wire::Environment>> + Send;

    /// `ConfirmActivationKey`: Whether an activation key is one this server issued, unused, unexpired and matching (KEY-14..KEY-22).
    fn confirm_activation_key(
        &self,
        caller: &Caller,
        request: request::ConfirmActivationKey,
    ) -> impl Future<Output = CoordinatorResult<wire::ConfirmActivationKeyResponse>> + Send;

    /// `GetActivationKeyParameters`: The environment's activation key versions and current public key (KEY-40..KEY-42).
    fn get_activation_key_parameters(
        &self,
        caller: &Caller,
        request: request::GetActivationKeyParameters,
    ) -> impl Future<Output = CoordinatorResult<wire::GetActivationKeyParametersResponse>> + Send;

    /// `ListInterconnects`: The interconnects of an environment.
    fn list_interconnects(
        &self,
        caller: &Caller,
        request: request::ListInterconnects,
    ) -> impl Future<Output = CoordinatorResult<wire::ListInterconnectsResponse>> + Send;

    /// `GetInterconnect`: One interconnect.
    fn get_interconnect(
        &self,
        caller: &Caller,
        request: request::GetInterconnect,
    ) -> impl Future<Output = CoordinatorResult<wire::Interconnect>> + Send;

    /// `ListChannels`: The channels of an interconnect.
    fn list_channels(
        &self,
        caller: &Caller,
        request: request::ListChannels,
    ) -> impl Future<Output = CoordinatorResult<wire::ListChannelsResponse>> + Send;

    /// `GetChannel`: One channel.
    fn get_channel(
        &self,
        caller: &Caller,
        request: request::GetChannel,
    ) -> impl Future<Output = CoordinatorResult<wire::Channel>> + Send;

    /// `NotifyMaintenance`: The caller's maintenance events on a channel changed (MAINT-4).
    fn notify_maintenance(
        &self,
        caller: &Caller,
        request: request::NotifyMaintenance,
    ) -> impl Future<Output = CoordinatorResult<wire::Empty>> + Send;

    /// `RequestMacSecKeyRotation`: The caller asks the channel's MACsec manager to rotate its key (MACSEC-16).
    fn request_mac_sec_key_rotation(
        &self,
        caller: &Caller,
        request: request::RequestMacSecKeyRotation,
    ) -> impl Future<Output = CoordinatorResult<wire::Empty>> + Send;

    /// `GetMaintenanceEvents`: This server's maintenance events on a channel (MAINT-1).
    fn get_maintenance_events(
        &self,
        caller: &Caller,
        request: request::GetMaintenanceEvents,
    ) -> impl Future<Output = CoordinatorResult<wire::GetMaintenanceEventsResponse>> + Send;

    /// `CreateMacSecKey`: The channel's manager installs a new MACsec key (MACSEC-1..MACSEC-22).
    fn create_mac_sec_key(
        &self,
        caller: &Caller,
        request: request::CreateMacSecKey,
    ) -> impl Future<Output = CoordinatorResult<wire::MacSecKey>> + Send;

    /// `ListMacSecKeys`: The MACsec keys of a channel, without their CAK (MACSEC-15).
    fn list_mac_sec_keys(
        &self,
        caller: &Caller,
        request: request::ListMacSecKeys,
    ) -> impl Future<Output = CoordinatorResult<wire::ListMacSecKeysResponse>> + Send;

    /// `GetMacSecKey`: One MACsec key, without its CAK.
    fn get_mac_sec_key(
        &self,
        caller: &Caller,
        request: request::GetMacSecKey,
    ) -> impl Future<Output = CoordinatorResult<wire::MacSecKey>> + Send;

    /// `DeleteMacSecKey`: The channel's manager removes an inactive key (MACSEC-2, MACSEC-7).
    fn delete_mac_sec_key(
        &self,
        caller: &Caller,
        request: request::DeleteMacSecKey,
    ) -> impl Future<Output = CoordinatorResult<wire::Empty>> + Send;

    /// `ListConnections`: The caller's connections on an interconnect.
    fn list_connections(
        &self,
        caller: &Caller,
        request: request::ListConnections,
    ) -> impl Future<Output = CoordinatorResult<wire::ListConnectionsResponse>> + Send;

    /// `CreateConnection`: Creates the connection and reserves its bandwidth (CONN-1..CONN-9).
    fn create_connection(
        &self,
        caller: &Caller,
        request: request::CreateConnection,
    ) -> impl Future<Output = CoordinatorResult<wire::Connection>> + Send;

    /// `DeleteConnection`: Deletes a connection and its features, releasing every reservation (CONN-10..CONN-12).
    fn delete_connection(
        &self,
        caller: &Caller,
        request: request::DeleteConnection,
    ) -> impl Future<Output = CoordinatorResult<wire::Empty>> + Send;

    /// `GetConnection`: One connection.
    fn get_connection(
        &self,
        caller: &Caller,
        request: request::GetConnection,
    ) -> impl Future<Output = CoordinatorResult<wire::Connection>> + Send;

    /// `UpdateConnection`: Changes a connection's bandwidth (CONN-15..CONN-17).
    fn update_connection(
        &self,
        caller: &Caller,
        request: request::UpdateConnection,
    ) -> impl Future<Output = CoordinatorResult<wire::Connection>> + Send;

    /// `GenerateFeatureGuidance`: What this server will accept for each channel of the connection's interconnect.
    fn generate_feature_guidance(
        &self,
        caller: &Caller,
        request: request::GenerateFeatureGuidance,
    ) -> impl Future<Output = CoordinatorResult<wire::GenerateFeatureGuidanceResponse>> + Send;

    /// `NotifyConnectionStatus`: The caller's features of the connection changed state (CONN-20).
    fn notify_connection_status(
        &self,
        caller: &Caller,
        request: request::NotifyConnectionStatus,
    ) -> impl Future<Output = CoordinatorResult<wire::Empty>> + Send;

    /// `ListFeatures`: The features of a connection.
    fn list_features(
        &self,
        caller: &Caller,
        request: request::ListFeatures,
    ) -> impl Future<Output = CoordinatorResult<wire::ListFeaturesResponse>> + Send;

    /// `CreateFeature`: Accepts a proposed feature in full or rejects it (FEAT-1..FEAT-14).
    fn create_feature(
        &self,
        caller: &Caller,
        request: request::CreateFeature,
    ) -> impl Future<Output = CoordinatorResult<wire::Feature>> + Send;

    /// `DeleteFeature`: Deletes a feature and releases its reservations (FEAT-10).
    fn delete_feature(
        &self,
        caller: &Caller,
        request: request::DeleteFeature,
    ) -> impl Future<Output = CoordinatorResult<wire::Empty>> + Send;

    /// `GetFeature`: One feature, with its provisioning state.
    fn get_feature(
        &self,
        caller: &Caller,
        request: request::GetFeature,
    ) -> impl Future<Output = CoordinatorResult<wire::Feature>> + Send;

    /// `UpdateFeature`: Changes an updatable feature; 405 for a feature that is not (FEAT-16, FEAT-17).
    fn update_feature(
        &self,
        caller: &Caller,
        request: request::UpdateFeature,
    ) -> impl Future<Output = CoordinatorResult<wire::Feature>> + Send;

    /// `ListIssues`: The issues the caller opened with this server.
    fn list_issues(
        &self,
        caller: &Caller,
        request: request::ListIssues,
    ) -> impl Future<Output = CoordinatorResult<wire::ListIssuesResponse>> + Send;

    /// `CreateIssue`: Opens an issue (ISSUE-1..ISSUE-12).
    fn create_issue(
        &self,
        caller: &Caller,
        request: request::CreateIssue,
    ) -> impl Future<Output = CoordinatorResult<wire::Issue>> + Send;

    /// `GetIssue`: One issue.
    fn get_issue(
        &self,
        caller: &Caller,
        request: request::GetIssue,
    ) -> impl Future<Output = CoordinatorResult<wire::Issue>> + Send;

    /// `CloseIssue`: Closes an issue (ISSUE-13).
    fn close_issue(
        &self,
        caller: &Caller,
        request: request::CloseIssue,
    ) -> impl Future<Output = CoordinatorResult<wire::Issue>> + Send;

    /// `ListComments`: The comments of an issue, newest first (ISSUE-11).
    fn list_comments(
        &self,
        caller: &Caller,
        request: request::ListComments,
    ) -> impl Future<Output = CoordinatorResult<wire::ListCommentsResponse>> + Send;

    /// `AddComment`: Adds a comment to an open issue (ISSUE-9, ISSUE-10).
    fn add_comment(
        &self,
        caller: &Caller,
        request: request::AddComment,
    ) -> impl Future<Output = CoordinatorResult<wire::AddCommentResponse>> + Send;
}

macro_rules! shared {
    ($($req:ident $fn:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        /// A shared coordinator is a coordinator (servers hold them in an `Arc`).
        impl<T: ConnectionCoordinator + ?Sized> ConnectionCoordinator for std::sync::Arc<T> {
            $(
                fn $fn(
                    &self,
                    caller: &Caller,
                    request: request::$req,
                ) -> impl Future<Output = CoordinatorResult<wire::$resp>> + Send {
                    (**self).$fn(caller, request)
                }
            )*
        }
    };
}

crate::for_each_operation!(shared);
