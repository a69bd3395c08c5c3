//! The 33 operations as HTTP calls (`openapi.yaml` paths; custom methods as
//! final path segments).

use std::fmt::Display;

use interconnect_core::wire;
use interconnect_provider::{
    Caller, ConnectionCoordinator, CoordinatorResult, PageRequest, request,
};
use reqwest::Method;

use super::HttpCoordinator;
use super::transport::Call;

/// `/` + a resource name + an optional suffix.
fn path(name: &impl Display, suffix: &str) -> String {
    format!("/{name}{suffix}")
}

/// A paged `GET` of the collection `suffix` under `parent`.
fn list<'a>(parent: &impl Display, suffix: &str, page: &PageRequest) -> Call<'a> {
    Call::get(path(parent, suffix))
        .query_opt("pageSize", page.page_size.map(|s| s.to_string()))
        .query_opt("pageToken", page.page_token.clone())
}

impl ConnectionCoordinator for HttpCoordinator {
    async fn list_providers(
        &self,
        caller: &Caller,
        _request: request::ListProviders,
    ) -> CoordinatorResult<wire::ListProvidersResponse> {
        self.send(caller, Call::get("/providers".to_owned())).await
    }

    async fn get_provider(
        &self,
        caller: &Caller,
        request: request::GetProvider,
    ) -> CoordinatorResult<wire::Provider> {
        self.send(caller, Call::get(path(&request.name, ""))).await
    }

    async fn list_environments(
        &self,
        caller: &Caller,
        request: request::ListEnvironments,
    ) -> CoordinatorResult<wire::ListEnvironmentsResponse> {
        self.send(
            caller,
            list(&request.parent, "/environments", &request.page),
        )
        .await
    }

    async fn get_environment(
        &self,
        caller: &Caller,
        request: request::GetEnvironment,
    ) -> CoordinatorResult<wire::Environment> {
        self.send(caller, Call::get(path(&request.name, ""))).await
    }

    async fn confirm_activation_key(
        &self,
        caller: &Caller,
        request: request::ConfirmActivationKey,
    ) -> CoordinatorResult<wire::ConfirmActivationKeyResponse> {
        let call = Call::with_body(
            Method::POST,
            path(&request.name, "/ConfirmActivationKey"),
            &request.body,
        )?;
        self.send(caller, call).await
    }

    async fn get_activation_key_parameters(
        &self,
        caller: &Caller,
        request: request::GetActivationKeyParameters,
    ) -> CoordinatorResult<wire::GetActivationKeyParametersResponse> {
        self.send(
            caller,
            Call::get(path(&request.name, "/activationKeyParameters")),
        )
        .await
    }

    async fn list_interconnects(
        &self,
        caller: &Caller,
        request: request::ListInterconnects,
    ) -> CoordinatorResult<wire::ListInterconnectsResponse> {
        self.send(
            caller,
            list(&request.parent, "/interconnects", &request.page),
        )
        .await
    }

    async fn get_interconnect(
        &self,
        caller: &Caller,
        request: request::GetInterconnect,
    ) -> CoordinatorResult<wire::Interconnect> {
        self.send(caller, Call::get(path(&request.name, ""))).await
    }

    async fn list_channels(
        &self,
        caller: &Caller,
        request: request::ListChannels,
    ) -> CoordinatorResult<wire::ListChannelsResponse> {
        self.send(caller, list(&request.parent, "/channels", &request.page))
            .await
    }

    async fn get_channel(
        &self,
        caller: &Caller,
        request: request::GetChannel,
    ) -> CoordinatorResult<wire::Channel> {
        self.send(caller, Call::get(path(&request.name, ""))).await
    }

    async fn notify_maintenance(
        &self,
        caller: &Caller,
        request: request::NotifyMaintenance,
    ) -> CoordinatorResult<wire::Empty> {
        let call = Call::with_body(
            Method::POST,
            path(&request.channel, "/NotifyMaintenance"),
            &request.body,
        )?;
        self.send(caller, call).await
    }

    async fn request_mac_sec_key_rotation(
        &self,
        caller: &Caller,
        request: request::RequestMacSecKeyRotation,
    ) -> CoordinatorResult<wire::Empty> {
        let call = Call::with_body(
            Method::POST,
            path(&request.channel, "/RequestMacSecKeyRotation"),
            &request.body,
        )?;
        self.send(caller, call).await
    }

    async fn get_maintenance_events(
        &self,
        caller: &Caller,
        request: request::GetMaintenanceEvents,
    ) -> CoordinatorResult<wire::GetMaintenanceEventsResponse> {
        self.send(
            caller,
            Call::get(path(&request.channel, "/maintenanceEvents")),
        )
        .await
    }

    async fn create_mac_sec_key(
        &self,
        caller: &Caller,
        request: request::CreateMacSecKey,
    ) -> CoordinatorResult<wire::MacSecKey> {
        let call = Call::with_body(
            Method::POST,
            path(&request.parent, "/macSecKeys"),
            &request.mac_sec_key,
        )?
        .query("macSecKeyId", request.mac_sec_key_id);
        self.send(caller, call).await
    }

    async fn list_mac_sec_keys(
        &self,
        caller: &Caller,
        request: request::ListMacSecKeys,
    ) -> CoordinatorResult<wire::ListMacSecKeysResponse> {
        self.send(caller, Call::get(path(&request.parent, "/macSecKeys")))
            .await
    }

    async fn get_mac_sec_key(
        &self,
        caller: &Caller,
        request: request::GetMacSecKey,
    ) -> CoordinatorResult<wire::MacSecKey> {
        self.send(caller, Call::get(path(&request.name, ""))).await
    }

    async fn delete_mac_sec_key(
        &self,
        caller: &Caller,
        request: request::DeleteMacSecKey,
    ) -> CoordinatorResult<wire::Empty> {
        self.send(caller, Call::bare(Method::DELETE, path(&request.name, "")))
            .await
    }

    async fn list_connections(
        &self,
        caller: &Caller,
        request: request::ListConnections,
    ) -> CoordinatorResult<wire::ListConnectionsResponse> {
        self.send(caller, list(&request.parent, "/connections", &request.page))
            .await
    }

    async fn create_connection(
        &self,
        caller: &Caller,
        request: request::CreateConnection,
    ) -> CoordinatorResult<wire::Connection> {
        let call = Call::with_body(
            Method::POST,
            path(&request.parent, "/connections"),
            &request.connection,
        )?
        .query("connectionId", request.connection_id);
        self.send(caller, call).await
    }

    async fn delete_connection(
        &self,
        caller: &Caller,
        request: request::DeleteConnection,
    ) -> CoordinatorResult<wire::Empty> {
        self.send(caller, Call::bare(Method::DELETE, path(&request.name, "")))
            .await
    }

    async fn get_connection(
        &self,
        caller: &Caller,
        request: request::GetConnection,
    ) -> CoordinatorResult<wire::Connection> {
        self.send(caller, Call::get(path(&request.name, ""))).await
    }

    async fn update_connection(
        &self,
        caller: &Caller,
        request: request::UpdateConnection,
    ) -> CoordinatorResult<wire::Connection> {
        let call = Call::with_body(Method::PATCH, path(&request.name, ""), &request.connection)?
            .query_opt("updateMask", request.update_mask);
        self.send(caller, call).await
    }

    async fn generate_feature_guidance(
        &self,
        caller: &Caller,
        request: request::GenerateFeatureGuidance,
    ) -> CoordinatorResult<wire::GenerateFeatureGuidanceResponse> {
        let call = Call::with_body(
            Method::POST,
            path(&request.name, "/GenerateFeatureGuidance"),
            &request.body,
        )?;
        self.send(caller, call).await
    }

    async fn notify_connection_status(
        &self,
        caller: &Caller,
        request: request::NotifyConnectionStatus,
    ) -> CoordinatorResult<wire::Empty> {
        let call = Call::with_body(
            Method::POST,
            path(&request.name, "/NotifyConnectionStatus"),
            &request.body,
        )?;
        self.send(caller, call).await
    }

    async fn list_features(
        &self,
        caller: &Caller,
        request: request::ListFeatures,
    ) -> CoordinatorResult<wire::ListFeaturesResponse> {
        self.send(caller, list(&request.parent, "/features", &request.page))
            .await
    }

    async fn create_feature(
        &self,
        caller: &Caller,
        request: request::CreateFeature,
    ) -> CoordinatorResult<wire::Feature> {
        let call = Call::with_body(
            Method::POST,
            path(&request.parent, "/features"),
            &request.feature,
        )?
        .query("featureId", request.feature_id);
        self.send(caller, call).await
    }

    async fn delete_feature(
        &self,
        caller: &Caller,
        request: request::DeleteFeature,
    ) -> CoordinatorResult<wire::Empty> {
        self.send(caller, Call::bare(Method::DELETE, path(&request.name, "")))
            .await
    }

    async fn update_feature(
        &self,
        caller: &Caller,
        request: request::UpdateFeature,
    ) -> CoordinatorResult<wire::Feature> {
        let call = Call::with_body(Method::PATCH, path(&request.name, ""), &request.feature)?
            .query_opt("updateMask", request.update_mask)
            .without_request_id();
        self.send(caller, call).await
    }

    async fn get_feature(
        &self,
        caller: &Caller,
        request: request::GetFeature,
    ) -> CoordinatorResult<wire::Feature> {
        self.send(caller, Call::get(path(&request.name, ""))).await
    }

    async fn list_issues(
        &self,
        caller: &Caller,
        request: request::ListIssues,
    ) -> CoordinatorResult<wire::ListIssuesResponse> {
        self.send(caller, list(&request.parent, "/issues", &request.page))
            .await
    }

    async fn create_issue(
        &self,
        caller: &Caller,
        request: request::CreateIssue,
    ) -> CoordinatorResult<wire::Issue> {
        let call = Call::with_body(
            Method::POST,
            path(&request.parent, "/issues"),
            &request.issue,
        )?
        .query("issueId", request.issue_id);
        self.send(caller, call).await
    }

    async fn get_issue(
        &self,
        caller: &Caller,
        request: request::GetIssue,
    ) -> CoordinatorResult<wire::Issue> {
        self.send(caller, Call::get(path(&request.name, ""))).await
    }

    async fn close_issue(
        &self,
        caller: &Caller,
        request: request::CloseIssue,
    ) -> CoordinatorResult<wire::Issue> {
        let call = Call::with_body(Method::POST, path(&request.name, "/Close"), &request.body)?;
        self.send(caller, call).await
    }

    async fn list_comments(
        &self,
        caller: &Caller,
        request: request::ListComments,
    ) -> CoordinatorResult<wire::ListCommentsResponse> {
        self.send(caller, list(&request.parent, "/comments", &request.page))
            .await
    }

    async fn add_comment(
        &self,
        caller: &Caller,
        request: request::AddComment,
    ) -> CoordinatorResult<wire::AddCommentResponse> {
        let call = Call::with_body(
            Method::POST,
            path(&request.name, "/AddComment"),
            &request.body,
        )?;
        self.send(caller, call).await
    }
}
