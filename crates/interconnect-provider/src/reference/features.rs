//! PLACEHOLDER: replaced by the features family implementation.

use interconnect_core::wire;

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;

pub(super) fn list_features(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::ListFeatures,
) -> CoordinatorResult<wire::ListFeaturesResponse> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "ListFeatures is not implemented yet",
    ))
}

pub(super) fn create_feature(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::CreateFeature,
) -> CoordinatorResult<wire::Feature> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "CreateFeature is not implemented yet",
    ))
}

pub(super) fn delete_feature(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::DeleteFeature,
) -> CoordinatorResult<wire::Empty> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "DeleteFeature is not implemented yet",
    ))
}

pub(super) fn get_feature(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::GetFeature,
) -> CoordinatorResult<wire::Feature> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "GetFeature is not implemented yet",
    ))
}
