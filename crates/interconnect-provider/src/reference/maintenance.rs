//! PLACEHOLDER: replaced by the maintenance family implementation.

use interconnect_core::wire;

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;

pub(super) fn notify_maintenance(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::NotifyMaintenance,
) -> CoordinatorResult<wire::Empty> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "NotifyMaintenance is not implemented yet",
    ))
}

pub(super) fn get_maintenance_events(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::GetMaintenanceEvents,
) -> CoordinatorResult<wire::GetMaintenanceEventsResponse> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "GetMaintenanceEvents is not implemented yet",
    ))
}
