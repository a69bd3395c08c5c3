//! Wire types: one Rust type per schema of the specification
//! (`connection-coordinator/schemas/*.yaml` of upstream main,
//! `openapi-main.bundled.json`, 64 schemas), one file per resource family.
//! Documents in the May 2026 forms still read (`spec/ERRATA.md` E-160 to
//! E-164).
//!
//! Serialization is exact: members are named as in the specification
//! (camelCase), optional members are omitted when absent, empty lists are
//! omitted, enums are their strings. Unknown members are ignored on input and
//! unknown enum values are kept (`Unknown(String)`), so the members of the
//! draft Feature Recovery profile (`PROVISIONING_STATE_FAILED`,
//! `failureInfo`, `featureRecoveryManagerProvider`) read without error and are
//! never written by us (E-163). Names and URIs are typed ([`crate::names`]).
//! `int32` members are `i32`, ASNs are `u32` (upstream: `integer`, `int64`,
//! 0..4294967295), timestamps are [`Timestamp`]s. Members that carry secrets
//! are [`Secret`]s. Members upstream marks `readOnly` carry the marker in
//! the published schemas.
//!
//! Members the specification marks "Required." in prose but does not list in
//! `required` stay optional here, so that documents valid against the
//! specification's schemas parse; the validation rules enforce them. Members
//! upstream main added to `required` lists stay optional on input too, so
//! that May documents read; we always write them and the published schemas
//! list them (`required.rs`, E-162).
//!
//! [`from_json`] reads any of these types and names the JSON path of the first
//! bad member. [`schemas`] lists the JSON Schema of every type under its
//! upstream name (`ASNRange` for [`AsnRange`], ...), in the specification's
//! order.

#[macro_use]
mod enums;
mod decode;
mod objects_only;
mod secret;
mod timestamp;

mod activation_key;
mod channel;
mod common;
mod connection;
mod environment;
mod feature;
mod interconnect;
mod issues;
mod macseckey;
mod provider;
mod registry;
#[cfg(feature = "schemars")]
mod required;

#[cfg(test)]
pub(crate) mod arbitrary;
#[cfg(test)]
mod roundtrip_tests;
#[cfg(test)]
mod test_support;

pub use activation_key::{
    ActivationKey, ActivationKeyEncryptedPayload, ActivationKeyV1, ActivationKeyV2,
    EncryptionParameters, GetActivationKeyParametersResponse, OtherActivationKey,
};
pub use channel::{
    Channel, GetMaintenanceEventsResponse, ListChannelsResponse, MacSecKeyRotationRequest,
    MaintenanceEvent, NotifyMaintenanceRequest,
};
pub use common::Empty;
pub use connection::{
    AsnRange, Connection, ConnectionType, EncodedKey, FeatureGuidance,
    GenerateFeatureGuidanceRequest, GenerateFeatureGuidanceResponse, L3BaseGuidance,
    ListConnectionsResponse, MtuRange, NotifyConnectionStatusRequest, SourceConnectionName,
    SourceData, SubnetGuidance, VlanRange,
};
pub use decode::{DecodeError, MAX_DOCUMENT_BYTES, from_json, from_value};
pub use enums::{
    AdminState, EnvironmentVisibility, FeatureType, InterconnectState, IssueContext, Priority,
    ProvisioningState, State, VerificationState,
};
pub use environment::{
    ConfirmActivationKeyRequest, ConfirmActivationKeyResponse, Environment,
    ListEnvironmentsResponse, ProviderSites,
};
pub use feature::{Feature, FeatureConfig, L3BaseConfig, ListFeaturesResponse, ProviderBgpConfig};
pub use interconnect::{Interconnect, ListInterconnectsResponse};
pub use issues::{
    AddCommentRequest, AddCommentResponse, ChannelContext, CloseIssueRequest, CloseIssueResponse,
    Comment, ConnectionContext, FeatureContext, InterconnectContext, Issue, ListCommentsResponse,
    ListIssuesResponse,
};
pub use macseckey::{ListMacSecKeysResponse, MacSecKey};
pub use provider::{ListProvidersResponse, Provider};
#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
pub use registry::schemas;
pub use registry::{SCHEMA_COUNT, parse_by_name, parse_value_by_name};
pub use secret::{Secret, constant_time_eq};
pub use timestamp::{Timestamp, TimestampError};

/// Serde helper for list members (WIRE-2): `null` reads as an empty list,
/// as absence does; anything else is read as the list itself.
pub(crate) mod null_list {
    use serde::{Deserialize, Deserializer};

    /// Deserializes a list, reading `null` as empty.
    pub(crate) fn read<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
    }
}

/// Serde helpers for members that hold a provider reference written either as
/// `providers/{provider}` or as a bare provider id (`spec/ERRATA.md`,
/// "provider references"). Written back in the full form.
pub(crate) mod provider_ref {
    use serde::{Deserialize, Deserializer};

    use crate::names::ProviderName;

    /// Deserializes an optional provider reference leniently.
    pub(crate) fn option<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<ProviderName>, D::Error> {
        let text = Option::<std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.map(|t| ProviderName::parse_reference(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}
