//! PLACEHOLDER: replaced by the connections family implementation.

use interconnect_core::wire;

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;

pub(super) fn list_connections(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::ListConnections,
) -> CoordinatorResult<wire::ListConnectionsResponse> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "ListConnections is not implemented yet",
    ))
}

pub(super) fn create_connection(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::CreateConnection,
) -> CoordinatorResult<wire::Connection> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "CreateConnection is not implemented yet",
    ))
}

pub(super) fn delete_connection(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::DeleteConnection,
) -> CoordinatorResult<wire::Empty> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "DeleteConnection is not implemented yet",
    ))
}

pub(super) fn get_connection(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::GetConnection,
) -> CoordinatorResult<wire::Connection> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "GetConnection is not implemented yet",
    ))
}

pub(super) fn update_connection(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::UpdateConnection,
) -> CoordinatorResult<wire::Connection> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "UpdateConnection is not implemented yet",
    ))
}

pub(super) fn notify_connection_status(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::NotifyConnectionStatus,
) -> CoordinatorResult<wire::Empty> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "NotifyConnectionStatus is not implemented yet",
    ))
}
