//! The operation table: every operation of the specification (`openapi.yaml`
//! of upstream main, 35 operations) written once, in `openapi.yaml` order.
//!
//! [`for_each_operation!`](crate::for_each_operation) calls a macro with the
//! whole table, one row per operation:
//!
//! ```text
//! Request method -> Response, kind, HTTP "path template";
//! ```
//!
//! - `Request`: the operation id, which is also the name of its typed request
//!   (`request::Request`);
//! - `method`: the method of [`ConnectionCoordinator`](crate::ConnectionCoordinator);
//! - `Response`: the answer, `interconnect_core::wire::Response`;
//! - `kind`: `read` or `mutation` ([`request::Kind`](crate::request::Kind));
//! - `HTTP`: `GET`, `POST`, `PATCH` or `DELETE`
//!   ([`request::Method`](crate::request::Method));
//! - the path template, with the placeholders of `parameters/_index.yaml`
//!   (`{provider}` .. `{issue}`).
//!
//! Everything that has one item per operation is generated from it: the
//! request's [`Operation`](crate::request::Operation) constants and
//! [`request::TABLE`](crate::request::TABLE), the `Arc` forwarding of the
//! trait, [`Peer`](crate::peer::Peer) and the peer wrappers (budget, test
//! switch), the reference provider's dispatch and its replay classes, the
//! HTTP router's routes, and the conformance crate's `AnyRequest`, `Mutant`
//! and `Patient`. A wrapper that treats one operation differently matches
//! that operation's row with a literal arm of a helper macro; it never keeps
//! a second list. `ARCHITECTURE.md` ("Adding an operation") says what else a
//! new operation needs.

/// Calls `$mac!` with the operation table (see [the module](crate::operations)):
/// `Request method -> Response, kind, HTTP "path";` per operation.
#[macro_export]
macro_rules! for_each_operation {
    ($mac:ident) => {
        $mac! {
            ListProviders list_providers -> ListProvidersResponse, read, GET "/providers";
            GetProvider get_provider -> Provider, read, GET "/providers/{provider}";
            ListEnvironments list_environments -> ListEnvironmentsResponse, read, GET
                "/providers/{provider}/environments";
            GetEnvironment get_environment -> Environment, read, GET
                "/providers/{provider}/environments/{environment}";
            ConfirmActivationKey confirm_activation_key -> ConfirmActivationKeyResponse, mutation, POST
                "/providers/{provider}/environments/{environment}/ConfirmActivationKey";
            GetActivationKeyParameters get_activation_key_parameters -> GetActivationKeyParametersResponse, read, GET
                "/providers/{provider}/environments/{environment}/activationKeyParameters";
            ListInterconnects list_interconnects -> ListInterconnectsResponse, read, GET
                "/providers/{provider}/environments/{environment}/interconnects";
            GetInterconnect get_interconnect -> Interconnect, read, GET
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}";
            ListChannels list_channels -> ListChannelsResponse, read, GET
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/channels";
            GetChannel get_channel -> Channel, read, GET
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/channels/{channel}";
            NotifyMaintenance notify_maintenance -> Empty, mutation, POST
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/channels/{channel}/NotifyMaintenance";
            RequestMacSecKeyRotation request_mac_sec_key_rotation -> Empty, mutation, POST
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/channels/{channel}/RequestMacSecKeyRotation";
            GetMaintenanceEvents get_maintenance_events -> GetMaintenanceEventsResponse, read, GET
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/channels/{channel}/maintenanceEvents";
            CreateMacSecKey create_mac_sec_key -> MacSecKey, mutation, POST
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/channels/{channel}/macSecKeys";
            ListMacSecKeys list_mac_sec_keys -> ListMacSecKeysResponse, read, GET
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/channels/{channel}/macSecKeys";
            GetMacSecKey get_mac_sec_key -> MacSecKey, read, GET
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/channels/{channel}/macSecKeys/{macSecKey}";
            DeleteMacSecKey delete_mac_sec_key -> Empty, mutation, DELETE
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/channels/{channel}/macSecKeys/{macSecKey}";
            ListConnections list_connections -> ListConnectionsResponse, read, GET
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections";
            CreateConnection create_connection -> Connection, mutation, POST
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections";
            DeleteConnection delete_connection -> Empty, mutation, DELETE
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}";
            GetConnection get_connection -> Connection, read, GET
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}";
            UpdateConnection update_connection -> Connection, mutation, PATCH
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}";
            GenerateFeatureGuidance generate_feature_guidance -> GenerateFeatureGuidanceResponse, read, POST
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}/GenerateFeatureGuidance";
            NotifyConnectionStatus notify_connection_status -> Empty, mutation, POST
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}/NotifyConnectionStatus";
            ListFeatures list_features -> ListFeaturesResponse, read, GET
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}/features";
            CreateFeature create_feature -> Feature, mutation, POST
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}/features";
            DeleteFeature delete_feature -> Empty, mutation, DELETE
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}/features/{feature}";
            GetFeature get_feature -> Feature, read, GET
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}/features/{feature}";
            UpdateFeature update_feature -> Feature, mutation, PATCH
                "/providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}/features/{feature}";
            ListIssues list_issues -> ListIssuesResponse, read, GET "/providers/{provider}/issues";
            CreateIssue create_issue -> Issue, mutation, POST "/providers/{provider}/issues";
            GetIssue get_issue -> Issue, read, GET "/providers/{provider}/issues/{issue}";
            CloseIssue close_issue -> Issue, mutation, POST "/providers/{provider}/issues/{issue}/Close";
            ListComments list_comments -> ListCommentsResponse, read, GET
                "/providers/{provider}/issues/{issue}/comments";
            AddComment add_comment -> AddCommentResponse, mutation, POST
                "/providers/{provider}/issues/{issue}/AddComment";
        }
    };
}
