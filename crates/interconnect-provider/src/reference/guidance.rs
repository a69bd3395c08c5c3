//! PLACEHOLDER: replaced by the guidance family implementation.

use interconnect_core::wire;

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;

pub(super) fn generate_feature_guidance(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::GenerateFeatureGuidance,
) -> CoordinatorResult<wire::GenerateFeatureGuidanceResponse> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "GenerateFeatureGuidance is not implemented yet",
    ))
}
