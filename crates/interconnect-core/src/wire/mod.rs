//! Wire types: one Rust type per schema of the specification
//! (`connection-coordinator/schemas/*.yaml`, 56 schemas), one file per
//! resource family.
//!
//! Serialization is exact: members are named as in the specification
//! (camelCase), optional members are omitted when absent, empty lists are
//! omitted, enums are their strings. Unknown members are ignored on input and
//! unknown enum values are kept ([`enums`]). Names and URIs are typed
//! ([`crate::names`]). `int32` members are `i32`, ASNs are `u32`
//! (the specification writes `type: uint32`, see `spec/ERRATA.md`),
//! timestamps are [`Timestamp`]s. Members that carry secrets are [`Secret`]s.
//!
//! Members the specification marks "Required." in prose but does not list in
//! `required` stay optional here, so that documents valid against the
//! specification's schemas parse; the validation rules enforce them.
//!
//! [`from_json`] reads any of these types and names the JSON path of the first
//! bad member.

#[macro_use]
mod enums;
mod decode;
mod secret;
mod timestamp;

mod provider;

pub use decode::{DecodeError, MAX_DOCUMENT_BYTES, from_json, from_value};
pub use enums::{
    AdminState, EnvironmentVisibility, FeatureType, InterconnectState, IssueContext, Priority,
    ProvisioningState, State, VerificationState,
};
pub use provider::{ListProvidersResponse, Provider};
pub use secret::Secret;
pub use timestamp::{Timestamp, TimestampError};

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
