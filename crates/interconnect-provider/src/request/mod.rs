//! One typed request per operation of the specification (`openapi.yaml`
//! paths, 33 operations): the names from the path, the query parameters and
//! the body. Named after the operation (`request::CreateConnection`), so they
//! do not collide with the wire bodies of the same family
//! (`wire::ConfirmActivationKeyRequest`).
//!
//! Ids given in query parameters (`connectionId`, `featureId`,
//! `macSecKeyId`, `issueId`) are carried as received; the coordinator checks
//! them (NAME-9) so an in-process caller and an HTTP caller get the same
//! error.

mod channel;
mod connection;
mod environment;
mod feature;
mod interconnect;
mod issue;
mod macseckey;
mod provider;

pub use channel::{
    GetChannel, GetMaintenanceEvents, ListChannels, NotifyMaintenance, RequestMacSecKeyRotation,
};
pub use connection::{
    CreateConnection, DeleteConnection, GenerateFeatureGuidance, GetConnection, ListConnections,
    NotifyConnectionStatus, UpdateConnection,
};
pub use environment::{
    ConfirmActivationKey, GetActivationKeyParameters, GetEnvironment, ListEnvironments,
};
pub use feature::{CreateFeature, DeleteFeature, GetFeature, ListFeatures, UpdateFeature};
pub use interconnect::{GetInterconnect, ListInterconnects};
pub use issue::{AddComment, CloseIssue, CreateIssue, GetIssue, ListComments, ListIssues};
pub use macseckey::{CreateMacSecKey, DeleteMacSecKey, GetMacSecKey, ListMacSecKeys};
pub use provider::{GetProvider, ListProviders};

/// The path parameter names of the resource a request addresses, in the
/// specification's own words, for logs and error messages.
pub trait Operation {
    /// The operation id, for example `CreateConnection`.
    const ID: &'static str;
}

macro_rules! operation_ids {
    ($($ty:ident),* $(,)?) => {
        $( impl Operation for $ty { const ID: &'static str = stringify!($ty); } )*
        /// The operation ids of the specification, in `openapi.yaml` order.
        pub const OPERATIONS: [&str; 35] = [$(stringify!($ty)),*];
    };
}

operation_ids!(
    ListProviders,
    GetProvider,
    ListEnvironments,
    GetEnvironment,
    ConfirmActivationKey,
    GetActivationKeyParameters,
    ListInterconnects,
    GetInterconnect,
    ListChannels,
    GetChannel,
    NotifyMaintenance,
    RequestMacSecKeyRotation,
    GetMaintenanceEvents,
    CreateMacSecKey,
    ListMacSecKeys,
    GetMacSecKey,
    DeleteMacSecKey,
    ListConnections,
    CreateConnection,
    DeleteConnection,
    GetConnection,
    UpdateConnection,
    GenerateFeatureGuidance,
    NotifyConnectionStatus,
    ListFeatures,
    CreateFeature,
    DeleteFeature,
    GetFeature,
    UpdateFeature,
    ListIssues,
    CreateIssue,
    GetIssue,
    CloseIssue,
    ListComments,
    AddComment,
);
