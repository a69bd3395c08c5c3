//! The 33 operations of the specification (`openapi.yaml` paths) as data: a
//! scenario step names an operation id, a resource name, query parameters
//! and a JSON body; [`OperationCall::parse`] turns them into the typed
//! request of `interconnect_provider::request`, and [`invoke`] runs it on any
//! [`ConnectionCoordinator`] and answers the response as JSON.
//!
//! One table ([`for_each_operation!`](crate::for_each_operation)) lists every
//! operation once; [`AnyRequest`], [`invoke`] and the delegation of
//! [`Mutant`](super::mutant::Mutant) are generated from it.

use std::collections::BTreeMap;
use std::str::FromStr;

use interconnect_core::wire::from_value;
use interconnect_provider::request;
use interconnect_provider::{Caller, ConnectionCoordinator, CoordinatorError, PageRequest};
use serde_json::Value;

/// Calls `$mac!` with the table of the 33 operations:
/// `Variant method ResponseType` (the request type is `request::Variant`, the
/// response `interconnect_core::wire::ResponseType`), in `openapi.yaml`
/// order.
#[macro_export]
macro_rules! for_each_operation {
    ($mac:ident) => {
        $mac! {
            ListProviders list_providers ListProvidersResponse,
            GetProvider get_provider Provider,
            ListEnvironments list_environments ListEnvironmentsResponse,
            GetEnvironment get_environment Environment,
            ConfirmActivationKey confirm_activation_key ConfirmActivationKeyResponse,
            GetActivationKeyParameters get_activation_key_parameters GetActivationKeyParametersResponse,
            ListInterconnects list_interconnects ListInterconnectsResponse,
            GetInterconnect get_interconnect Interconnect,
            ListChannels list_channels ListChannelsResponse,
            GetChannel get_channel Channel,
            NotifyMaintenance notify_maintenance Empty,
            RequestMacSecKeyRotation request_mac_sec_key_rotation Empty,
            GetMaintenanceEvents get_maintenance_events GetMaintenanceEventsResponse,
            CreateMacSecKey create_mac_sec_key MacSecKey,
            ListMacSecKeys list_mac_sec_keys ListMacSecKeysResponse,
            GetMacSecKey get_mac_sec_key MacSecKey,
            DeleteMacSecKey delete_mac_sec_key Empty,
            ListConnections list_connections ListConnectionsResponse,
            CreateConnection create_connection Connection,
            DeleteConnection delete_connection Empty,
            GetConnection get_connection Connection,
            UpdateConnection update_connection Connection,
            GenerateFeatureGuidance generate_feature_guidance GenerateFeatureGuidanceResponse,
            NotifyConnectionStatus notify_connection_status Empty,
            ListFeatures list_features ListFeaturesResponse,
            CreateFeature create_feature Feature,
            DeleteFeature delete_feature Empty,
            GetFeature get_feature Feature,
            UpdateFeature update_feature Feature,
            ListIssues list_issues ListIssuesResponse,
            CreateIssue create_issue Issue,
            GetIssue get_issue Issue,
            CloseIssue close_issue Issue,
            ListComments list_comments ListCommentsResponse,
            AddComment add_comment AddCommentResponse,
        }
    };
}

macro_rules! any_request {
    ($($variant:ident $method:ident $response:ident,)*) => {
        /// The typed request of any one operation.
        #[derive(Debug, Clone, PartialEq)]
        pub enum AnyRequest {
            $(
                #[doc = concat!("`", stringify!($variant), "`.")]
                $variant(request::$variant),
            )*
        }

        impl AnyRequest {
            /// The operation id (`CreateConnection`, ...).
            pub fn operation(&self) -> &'static str {
                match self {
                    $(AnyRequest::$variant(_) => stringify!($variant),)*
                }
            }
        }

        /// Runs `request` on `coordinator` as `caller`; the response, or the
        /// error, as JSON ([`error_json`]).
        pub async fn invoke<C: ConnectionCoordinator + ?Sized>(
            coordinator: &C,
            caller: &Caller,
            request: AnyRequest,
        ) -> Result<Value, CoordinatorError> {
            match request {
                $(
                    AnyRequest::$variant(r) => {
                        let response = coordinator.$method(caller, r).await?;
                        serde_json::to_value(response).map_err(|e| {
                            CoordinatorError::internal(
                                "WIRE-1",
                                format!("{} response does not serialize: {e}", stringify!($variant)),
                            )
                        })
                    }
                )*
            }
        }
    };
}

for_each_operation!(any_request);

/// An error as the JSON a step's assertions read:
/// `{"error": {"code", "status", "rule", "message"}}`.
pub fn error_json(error: &CoordinatorError) -> Value {
    serde_json::json!({
        "error": {
            "code": error.http_status(),
            "status": error.kind().status_name(),
            "rule": error.rule(),
            "message": error.message(),
        }
    })
}

/// Why a step's operation could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The operation id is not one of the 33.
    #[error("unknown operation `{0}`")]
    UnknownOperation(String),
    /// The operation addresses a resource and the step gives no `path`.
    #[error("{operation}: `path` is required")]
    MissingPath {
        /// The operation.
        operation: String,
    },
    /// The path is not a resource name of the expected kind.
    #[error("{operation}: path `{path}` is not a valid name: {reason}")]
    BadPath {
        /// The operation.
        operation: String,
        /// The path given.
        path: String,
        /// What was wrong.
        reason: String,
    },
    /// A query parameter is missing or malformed.
    #[error("{operation}: query parameter `{parameter}`: {reason}")]
    BadQuery {
        /// The operation.
        operation: String,
        /// The parameter.
        parameter: String,
        /// What was wrong.
        reason: String,
    },
    /// The body does not read as the operation's body type.
    #[error("{operation}: body {reason}")]
    BadBody {
        /// The operation.
        operation: String,
        /// What was wrong (names the JSON path, never a value).
        reason: String,
    },
}

/// An operation call described as data: what a scenario step holds once its
/// placeholders are filled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationCall {
    /// The operation id.
    pub operation: String,
    /// The resource name the operation addresses (`name` or `parent`).
    pub path: Option<String>,
    /// Query parameters (`connectionId`, `updateMask`, `pageSize`, ...).
    pub query: BTreeMap<String, Value>,
    /// The body (`{}` when absent).
    pub body: Option<Value>,
}

impl OperationCall {
    fn name<T: FromStr>(&self) -> Result<T, CallError>
    where
        T::Err: std::fmt::Display,
    {
        let path = self.path.as_deref().ok_or_else(|| CallError::MissingPath {
            operation: self.operation.clone(),
        })?;
        path.parse().map_err(|e: T::Err| CallError::BadPath {
            operation: self.operation.clone(),
            path: path.to_owned(),
            reason: e.to_string(),
        })
    }

    fn query_text(&self, key: &str) -> Result<Option<String>, CallError> {
        match self.query.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(self.bad_query(key, "must be a string or a number")),
        }
    }

    fn bad_query(&self, key: &str, reason: &str) -> CallError {
        CallError::BadQuery {
            operation: self.operation.clone(),
            parameter: key.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// A required id parameter (`connectionId`, ...): absent is sent as
    /// empty, so the target (not the runner) refuses it.
    fn id(&self, key: &str) -> Result<String, CallError> {
        Ok(self.query_text(key)?.unwrap_or_default())
    }

    fn page(&self) -> Result<PageRequest, CallError> {
        let page_size = match self.query_text("pageSize")? {
            None => None,
            Some(text) => Some(
                text.parse::<i32>()
                    .map_err(|_| self.bad_query("pageSize", "must be a 32-bit integer"))?,
            ),
        };
        Ok(PageRequest {
            page_size,
            page_token: self.query_text("pageToken")?,
        })
    }

    fn body<T: serde::de::DeserializeOwned>(&self) -> Result<T, CallError> {
        let value = self
            .body
            .clone()
            .unwrap_or_else(|| Value::Object(Default::default()));
        from_value(value).map_err(|e| CallError::BadBody {
            operation: self.operation.clone(),
            reason: match e.path() {
                Some(path) => format!("does not read at `{path}`"),
                None => "does not read".to_owned(),
            },
        })
    }

    /// The typed request.
    pub fn parse(&self) -> Result<AnyRequest, CallError> {
        use AnyRequest as A;
        use request as r;
        Ok(match self.operation.as_str() {
            "ListProviders" => A::ListProviders(r::ListProviders {}),
            "GetProvider" => A::GetProvider(r::GetProvider { name: self.name()? }),
            "ListEnvironments" => A::ListEnvironments(r::ListEnvironments {
                parent: self.name()?,
                page: self.page()?,
            }),
            "GetEnvironment" => A::GetEnvironment(r::GetEnvironment { name: self.name()? }),
            "ConfirmActivationKey" => A::ConfirmActivationKey(r::ConfirmActivationKey {
                name: self.name()?,
                body: self.body()?,
            }),
            "GetActivationKeyParameters" => {
                A::GetActivationKeyParameters(r::GetActivationKeyParameters { name: self.name()? })
            }
            "ListInterconnects" => A::ListInterconnects(r::ListInterconnects {
                parent: self.name()?,
                page: self.page()?,
            }),
            "GetInterconnect" => A::GetInterconnect(r::GetInterconnect { name: self.name()? }),
            "ListChannels" => A::ListChannels(r::ListChannels {
                parent: self.name()?,
                page: self.page()?,
            }),
            "GetChannel" => A::GetChannel(r::GetChannel { name: self.name()? }),
            "NotifyMaintenance" => A::NotifyMaintenance(r::NotifyMaintenance {
                channel: self.name()?,
                body: self.body()?,
            }),
            "RequestMacSecKeyRotation" => {
                A::RequestMacSecKeyRotation(r::RequestMacSecKeyRotation {
                    channel: self.name()?,
                    body: self.body()?,
                })
            }
            "GetMaintenanceEvents" => A::GetMaintenanceEvents(r::GetMaintenanceEvents {
                channel: self.name()?,
            }),
            "CreateMacSecKey" => A::CreateMacSecKey(r::CreateMacSecKey {
                parent: self.name()?,
                mac_sec_key_id: self.id("macSecKeyId")?,
                mac_sec_key: self.body()?,
            }),
            "ListMacSecKeys" => A::ListMacSecKeys(r::ListMacSecKeys {
                parent: self.name()?,
            }),
            "GetMacSecKey" => A::GetMacSecKey(r::GetMacSecKey { name: self.name()? }),
            "DeleteMacSecKey" => A::DeleteMacSecKey(r::DeleteMacSecKey { name: self.name()? }),
            "ListConnections" => A::ListConnections(r::ListConnections {
                parent: self.name()?,
                page: self.page()?,
            }),
            "CreateConnection" => A::CreateConnection(r::CreateConnection {
                parent: self.name()?,
                connection_id: self.id("connectionId")?,
                connection: self.body()?,
            }),
            "DeleteConnection" => A::DeleteConnection(r::DeleteConnection { name: self.name()? }),
            "GetConnection" => A::GetConnection(r::GetConnection { name: self.name()? }),
            "UpdateConnection" => A::UpdateConnection(r::UpdateConnection {
                name: self.name()?,
                update_mask: self.query_text("updateMask")?,
                connection: self.body()?,
            }),
            "GenerateFeatureGuidance" => A::GenerateFeatureGuidance(r::GenerateFeatureGuidance {
                name: self.name()?,
                body: self.body()?,
            }),
            "NotifyConnectionStatus" => A::NotifyConnectionStatus(r::NotifyConnectionStatus {
                name: self.name()?,
                body: self.body()?,
            }),
            "ListFeatures" => A::ListFeatures(r::ListFeatures {
                parent: self.name()?,
                page: self.page()?,
            }),
            "CreateFeature" => A::CreateFeature(r::CreateFeature {
                parent: self.name()?,
                feature_id: self.id("featureId")?,
                feature: self.body()?,
            }),
            "DeleteFeature" => A::DeleteFeature(r::DeleteFeature { name: self.name()? }),
            "GetFeature" => A::GetFeature(r::GetFeature { name: self.name()? }),
            "UpdateFeature" => A::UpdateFeature(r::UpdateFeature {
                name: self.name()?,
                update_mask: self.query_text("updateMask")?,
                feature: self.body()?,
            }),
            "ListIssues" => A::ListIssues(r::ListIssues {
                parent: self.name()?,
                page: self.page()?,
            }),
            "CreateIssue" => A::CreateIssue(r::CreateIssue {
                parent: self.name()?,
                issue_id: self.id("issueId")?,
                issue: self.body()?,
            }),
            "GetIssue" => A::GetIssue(r::GetIssue { name: self.name()? }),
            "CloseIssue" => A::CloseIssue(r::CloseIssue {
                name: self.name()?,
                body: self.body()?,
            }),
            "ListComments" => A::ListComments(r::ListComments {
                parent: self.name()?,
                page: self.page()?,
            }),
            "AddComment" => A::AddComment(r::AddComment {
                name: self.name()?,
                body: self.body()?,
            }),
            other => return Err(CallError::UnknownOperation(other.to_owned())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_specification_parses() {
        for op in request::OPERATIONS {
            let call = OperationCall {
                operation: op.to_owned(),
                path: None,
                ..Default::default()
            };
            match call.parse() {
                Ok(r) => assert_eq!(r.operation(), op),
                Err(CallError::MissingPath { operation }) => assert_eq!(operation, op),
                Err(e) => panic!("{op}: {e}"),
            }
        }
        let unknown = OperationCall {
            operation: "Frobnicate".into(),
            ..Default::default()
        };
        assert_eq!(
            unknown.parse(),
            Err(CallError::UnknownOperation("Frobnicate".into()))
        );
    }

    #[test]
    fn bad_paths_and_queries_are_typed_errors() {
        let call = OperationCall {
            operation: "ListConnections".into(),
            path: Some("providers/gcp".into()),
            ..Default::default()
        };
        assert!(matches!(call.parse(), Err(CallError::BadPath { .. })));
        let call = OperationCall {
            operation: "ListEnvironments".into(),
            path: Some("providers/gcp".into()),
            query: BTreeMap::from([("pageSize".into(), Value::from("x"))]),
            body: None,
        };
        assert!(matches!(call.parse(), Err(CallError::BadQuery { .. })));
    }
}
