//! The typed activation key: `ActivationKey` in `schemas/environment.yaml`,
//! with every member validated.

use std::fmt;

use super::MAX_ACCOUNT_ID_LEN;
use super::error::ActivationKeyError;
use super::uuid::ConnectionUuid;
use super::v2::ActivationKeyV2;
use crate::names::EnvironmentName;
use crate::wire::Secret;

/// A version 1 activation key whose members are all valid: the environment
/// is an environment name, the UUID is a UUID, the size is positive and the
/// account id has 1 to [`MAX_ACCOUNT_ID_LEN`] characters.
///
/// `Debug` and `Display` show the version, the destination environment and
/// the size only: the shared connection UUID and the destination account id
/// are secrets while the key is in flight.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ActivationKeyV1 {
    destination_environment: EnvironmentName,
    shared_connection_uuid: ConnectionUuid,
    connection_size_mbps: i32,
    destination_account_id: Secret,
}

impl ActivationKeyV1 {
    /// The value of the `version` member of these keys.
    pub const VERSION: i32 = 1;

    /// Builds a key, checking that the size is positive and that the account
    /// id has 1 to [`MAX_ACCOUNT_ID_LEN`] characters.
    pub fn new(
        destination_environment: EnvironmentName,
        shared_connection_uuid: ConnectionUuid,
        connection_size_mbps: i32,
        destination_account_id: Secret,
    ) -> Result<Self, ActivationKeyError> {
        check_size(connection_size_mbps)?;
        check_account_id(&destination_account_id)?;
        Ok(ActivationKeyV1 {
            destination_environment,
            shared_connection_uuid,
            connection_size_mbps,
            destination_account_id,
        })
    }

    /// `destinationEnvironmentUri`: the environment, named under the
    /// provider that will receive the key, where the connection is wanted.
    pub fn destination_environment(&self) -> &EnvironmentName {
        &self.destination_environment
    }
    /// `sharedConnectionUuid`: the UUID both providers use for this
    /// connection. Secret while the key is in flight.
    pub fn shared_connection_uuid(&self) -> &ConnectionUuid {
        &self.shared_connection_uuid
    }
    /// `connectionSizeMbps`: the size of the connection, in Mbps (positive).
    pub fn connection_size_mbps(&self) -> i32 {
        self.connection_size_mbps
    }
    /// `destinationAccountId`: the customer's account on the receiving
    /// provider, which that provider must check the customer is
    /// authorized for.
    pub fn destination_account_id(&self) -> &Secret {
        &self.destination_account_id
    }
}

/// Rule on `connectionSizeMbps`: a connection has a positive size.
pub(super) fn check_size(mbps: i32) -> Result<(), ActivationKeyError> {
    if mbps > 0 {
        Ok(())
    } else {
        Err(ActivationKeyError::SizeNotPositive { mbps })
    }
}

/// Rule on `destinationAccountId`: 1 to [`MAX_ACCOUNT_ID_LEN`] characters.
pub(super) fn check_account_id(id: &Secret) -> Result<(), ActivationKeyError> {
    if id.is_empty() {
        return Err(ActivationKeyError::AccountIdEmpty);
    }
    // Each character takes at least one byte: count only when it may matter.
    if id.len() > MAX_ACCOUNT_ID_LEN {
        let len = id.expose().chars().count();
        if len > MAX_ACCOUNT_ID_LEN {
            return Err(ActivationKeyError::AccountIdTooLong {
                len,
                max: MAX_ACCOUNT_ID_LEN,
            });
        }
    }
    Ok(())
}

impl fmt::Debug for ActivationKeyV1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActivationKeyV1")
            .field("destination_environment", &self.destination_environment)
            .field("shared_connection_uuid", &format_args!("<redacted>"))
            .field("connection_size_mbps", &self.connection_size_mbps)
            .field("destination_account_id", &format_args!("<redacted>"))
            .finish()
    }
}

impl fmt::Display for ActivationKeyV1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "activation key version {} for {} ({} Mbps)",
            Self::VERSION,
            self.destination_environment,
            self.connection_size_mbps
        )
    }
}

/// An activation key of a version this release can read. New versions are
/// added as new variants, so `match` needs a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodedActivationKey {
    /// A version 1 key (plain JSON).
    V1(ActivationKeyV1),
    /// A version 2 key (members encrypted for the destination).
    V2(ActivationKeyV2),
}

impl DecodedActivationKey {
    /// The value of the key's `version` member.
    pub fn version(&self) -> i32 {
        match self {
            DecodedActivationKey::V1(_) => ActivationKeyV1::VERSION,
            DecodedActivationKey::V2(_) => ActivationKeyV2::VERSION,
        }
    }

    /// `destinationEnvironmentUri`, in clear in every version.
    pub fn destination_environment(&self) -> &EnvironmentName {
        match self {
            DecodedActivationKey::V1(key) => key.destination_environment(),
            DecodedActivationKey::V2(key) => key.destination_environment(),
        }
    }
}

impl From<ActivationKeyV2> for DecodedActivationKey {
    fn from(key: ActivationKeyV2) -> Self {
        DecodedActivationKey::V2(key)
    }
}

impl From<ActivationKeyV1> for DecodedActivationKey {
    fn from(key: ActivationKeyV1) -> Self {
        DecodedActivationKey::V1(key)
    }
}

impl fmt::Display for DecodedActivationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodedActivationKey::V1(key) => key.fmt(f),
            DecodedActivationKey::V2(key) => key.fmt(f),
        }
    }
}
