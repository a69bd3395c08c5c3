//! Reaching a partner's server: [`Peer`], an object-safe form of
//! [`ConnectionCoordinator`] that every coordinator implements, and
//! [`Peers`], the directory a reference provider looks its partners up in.
//!
//! The negotiator (`docs/Protocols.md` § Negotiate Feature Parameters) calls
//! the peer's API as itself: in process the peer is another
//! `ReferenceProvider`, across the network an HTTP client of the peer's base
//! URL (`interconnect-http`). Both implement `ConnectionCoordinator`, so both
//! are a `Peer`. The directory is filled after the providers exist, so two
//! providers in one process can name each other.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use interconnect_core::names::ProviderName;
use interconnect_core::wire;

use crate::caller::Caller;
use crate::coordinator::ConnectionCoordinator;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;
use crate::rules;

/// A boxed future answering one operation.
pub type PeerFuture<'a, T> = Pin<Box<dyn Future<Output = CoordinatorResult<T>> + Send + 'a>>;

macro_rules! peer_trait {
    ($($fn:ident: $req:ident -> $resp:ty;)*) => {
        /// The operations of a partner's server, callable through `dyn Peer`.
        /// Implemented for every [`ConnectionCoordinator`].
        pub trait Peer: Send + Sync {
            $(
                #[doc = concat!("`", stringify!($req), "` on the peer.")]
                fn $fn<'a>(&'a self, caller: &'a Caller, request: request::$req) -> PeerFuture<'a, $resp>;
            )*
        }

        impl<C: ConnectionCoordinator> Peer for C {
            $(
                fn $fn<'a>(&'a self, caller: &'a Caller, request: request::$req) -> PeerFuture<'a, $resp> {
                    Box::pin(ConnectionCoordinator::$fn(self, caller, request))
                }
            )*
        }
    };
}

peer_trait! {
    list_providers: ListProviders -> wire::ListProvidersResponse;
    get_provider: GetProvider -> wire::Provider;
    list_environments: ListEnvironments -> wire::ListEnvironmentsResponse;
    get_environment: GetEnvironment -> wire::Environment;
    confirm_activation_key: ConfirmActivationKey -> wire::ConfirmActivationKeyResponse;
    get_activation_key_parameters: GetActivationKeyParameters -> wire::GetActivationKeyParametersResponse;
    list_interconnects: ListInterconnects -> wire::ListInterconnectsResponse;
    get_interconnect: GetInterconnect -> wire::Interconnect;
    list_channels: ListChannels -> wire::ListChannelsResponse;
    get_channel: GetChannel -> wire::Channel;
    notify_maintenance: NotifyMaintenance -> wire::Empty;
    request_mac_sec_key_rotation: RequestMacSecKeyRotation -> wire::Empty;
    get_maintenance_events: GetMaintenanceEvents -> wire::GetMaintenanceEventsResponse;
    create_mac_sec_key: CreateMacSecKey -> wire::MacSecKey;
    list_mac_sec_keys: ListMacSecKeys -> wire::ListMacSecKeysResponse;
    get_mac_sec_key: GetMacSecKey -> wire::MacSecKey;
    delete_mac_sec_key: DeleteMacSecKey -> wire::Empty;
    list_connections: ListConnections -> wire::ListConnectionsResponse;
    create_connection: CreateConnection -> wire::Connection;
    delete_connection: DeleteConnection -> wire::Empty;
    get_connection: GetConnection -> wire::Connection;
    update_connection: UpdateConnection -> wire::Connection;
    generate_feature_guidance: GenerateFeatureGuidance -> wire::GenerateFeatureGuidanceResponse;
    notify_connection_status: NotifyConnectionStatus -> wire::Empty;
    list_features: ListFeatures -> wire::ListFeaturesResponse;
    create_feature: CreateFeature -> wire::Feature;
    delete_feature: DeleteFeature -> wire::Empty;
    get_feature: GetFeature -> wire::Feature;
    update_feature: UpdateFeature -> wire::Feature;
    list_issues: ListIssues -> wire::ListIssuesResponse;
    create_issue: CreateIssue -> wire::Issue;
    get_issue: GetIssue -> wire::Issue;
    close_issue: CloseIssue -> wire::Issue;
    list_comments: ListComments -> wire::ListCommentsResponse;
    add_comment: AddComment -> wire::AddCommentResponse;
}

/// The partners' servers a provider can reach, by provider name.
#[derive(Default)]
pub struct Peers {
    peers: RwLock<BTreeMap<ProviderName, Arc<dyn Peer>>>,
}

impl std::fmt::Debug for Peers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .peers
            .read()
            .map(|p| p.keys().map(ToString::to_string).collect())
            .unwrap_or_default();
        f.debug_struct("Peers").field("providers", &names).finish()
    }
}

impl Peers {
    /// An empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes `peer` the server of `provider` (replacing any earlier one).
    pub fn connect(&self, provider: ProviderName, peer: Arc<dyn Peer>) {
        if let Ok(mut peers) = self.peers.write() {
            peers.insert(provider, peer);
        }
    }

    /// Forgets every peer (breaks the reference cycle of two providers in
    /// one process that name each other).
    pub fn disconnect_all(&self) {
        if let Ok(mut peers) = self.peers.write() {
            peers.clear();
        }
    }

    /// The server of `provider`; 503 `UNAVAILABLE` when none is configured
    /// (the negotiator retries and then rolls back, NEG-16).
    pub fn get(&self, provider: &ProviderName) -> CoordinatorResult<Arc<dyn Peer>> {
        self.peers
            .read()
            .ok()
            .and_then(|p| p.get(provider).cloned())
            .ok_or_else(|| {
                CoordinatorError::unavailable(
                    rules::NEG_RECONCILE,
                    format!("no route to the server of {provider} is configured"),
                )
            })
    }
}
