//! PLACEHOLDER: replaced by the macsec family implementation.

use interconnect_core::wire;

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;

pub(super) fn request_mac_sec_key_rotation(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::RequestMacSecKeyRotation,
) -> CoordinatorResult<wire::Empty> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "RequestMacSecKeyRotation is not implemented yet",
    ))
}

pub(super) fn create_mac_sec_key(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::CreateMacSecKey,
) -> CoordinatorResult<wire::MacSecKey> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "CreateMacSecKey is not implemented yet",
    ))
}

pub(super) fn list_mac_sec_keys(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::ListMacSecKeys,
) -> CoordinatorResult<wire::ListMacSecKeysResponse> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "ListMacSecKeys is not implemented yet",
    ))
}

pub(super) fn get_mac_sec_key(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::GetMacSecKey,
) -> CoordinatorResult<wire::MacSecKey> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "GetMacSecKey is not implemented yet",
    ))
}

pub(super) fn delete_mac_sec_key(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::DeleteMacSecKey,
) -> CoordinatorResult<wire::Empty> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "DeleteMacSecKey is not implemented yet",
    ))
}
