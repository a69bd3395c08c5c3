//! The 35 operations of the specification (`openapi.yaml` paths) as data: a
//! scenario step names an operation id, a resource name, query parameters
//! and a JSON body; [`OperationCall::parse`] turns them into the typed
//! request of `interconnect_provider::request`, and [`invoke`] runs it on any
//! [`ConnectionCoordinator`] and answers the response as JSON.
//!
//! The provider crate's operation table
//! ([`for_each_operation!`](interconnect_provider::for_each_operation)) lists
//! every operation once; [`AnyRequest`], [`invoke`], the delegation of
//! [`Mutant`](super::mutant::Mutant) and the retries of
//! [`Patient`](super::patient::Patient) are generated from it.

use std::collections::BTreeMap;
use std::str::FromStr;

use interconnect_core::names::{
    ChannelName, ConnectionName, EnvironmentName, FeatureName, InterconnectName, IssueName,
    MacSecKeyName, ProviderName,
};
use interconnect_core::wire::from_value;
use interconnect_provider::request::{self, Binding, Source, Target};
use interconnect_provider::{Caller, ConnectionCoordinator, CoordinatorError, PageRequest};
use serde::de::DeserializeOwned;
use serde_json::Value;

macro_rules! any_request {
    ($($variant:ident $method:ident -> $response:ident, $kind:ident, $http:ident $path:literal;)*) => {
        /// The typed request of any one operation.
        #[derive(Debug, Clone, PartialEq)]
        pub enum AnyRequest {
            $(
                #[doc = concat!("`", stringify!($variant), "`.")]
                $variant(request::$variant),
            )*
        }

        impl OperationCall {
            /// The typed request, read through its
            /// [`Binding`](interconnect_provider::request::Binding).
            pub fn parse(&self) -> Result<AnyRequest, CallError> {
                match self.operation.as_str() {
                    $(
                        stringify!($variant) => {
                            Ok(AnyRequest::$variant(request::$variant::read(self)?))
                        }
                    )*
                    other => Err(CallError::UnknownOperation(other.to_owned())),
                }
            }
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

interconnect_provider::for_each_operation!(any_request);

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
#[non_exhaustive]
pub enum CallError {
    /// The operation id is not one of the 35.
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
}

impl Source for OperationCall {
    type Error = CallError;

    fn page(&self) -> Result<PageRequest, CallError> {
        OperationCall::page(self)
    }

    fn id(&self, key: &'static str) -> Result<String, CallError> {
        OperationCall::id(self, key)
    }

    fn optional(&self, key: &'static str) -> Result<Option<String>, CallError> {
        self.query_text(key)
    }

    /// The body, `{}` when absent: whether the operation requires one is
    /// the target's to say.
    fn body<T: DeserializeOwned + Default>(
        &self,
        _operation: &'static str,
        _required: bool,
    ) -> Result<T, CallError> {
        OperationCall::body(self)
    }
}

/// The resource names a step's `path` can give.
macro_rules! targets {
    ($($name:ty),* $(,)?) => {
        $( impl Target<$name> for OperationCall {
            fn target(&self) -> Result<$name, CallError> {
                self.name()
            }
        } )*
    };
}

targets!(
    ProviderName,
    EnvironmentName,
    InterconnectName,
    ChannelName,
    MacSecKeyName,
    ConnectionName,
    FeatureName,
    IssueName,
);

/// `ListProviders` addresses no resource.
impl Target<()> for OperationCall {
    fn target(&self) -> Result<(), CallError> {
        Ok(())
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
