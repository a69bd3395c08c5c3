//! The two customer documents: the connection requested at the initiating
//! provider and the transport accepted at the other provider
//! (`docs/ConnectionCoordinatorAPI.md`, "Create Connection at CSP A" and
//! "Accept Connection at CSP B"; `docs/Protocols.md`, customer intent).

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

#[cfg(feature = "schemars")]
use super::attachment::cidr_list_schema;
use super::{Attachment, Bandwidth};
use crate::names::EnvironmentName;
use crate::wire::Secret;

/// What the customer asks the initiating provider for: the provider's
/// `CreateConnection` inputs (remote account id, environment, bandwidth)
/// plus this end's attachment. The provider answers with an activation key.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectionRequest {
    /// The environment, which fixes the two providers and regions.
    pub environment: EnvironmentName,
    /// The bandwidth, one of the environment's tiers.
    pub bandwidth: Bandwidth,
    /// The customer's account on the other provider (AWS account number,
    /// Google Cloud project); it becomes the key's `destinationAccountId`.
    /// Secret.
    pub remote_account_id: Secret,
    /// This end's attachment at the initiating provider.
    pub attachment: Attachment,
}

/// What the customer accepts at the other provider: the activation key, the
/// account accepting it, and the transport's attachment and routes.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransportAcceptance {
    /// The activation key text (base64) from the initiating provider. Secret.
    pub activation_key: Secret,
    /// The account accepting the key; must be the key's
    /// `destinationAccountId`. Secret.
    pub accepting_account_id: Secret,
    /// This end's attachment at the accepting provider (its IP stack is the
    /// transport's).
    pub attachment: Attachment,
    /// Ranges this end advertises to the other end.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schemars", schemars(schema_with = "cidr_list_schema"))]
    pub advertised_routes: Vec<IpNet>,
}
