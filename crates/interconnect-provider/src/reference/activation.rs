//! PLACEHOLDER: replaced by the activation family implementation.

use interconnect_core::wire;

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;

/// An activation key issued by this server (placeholder).
#[derive(Debug)]
pub struct IssuedActivationKey;

pub(super) fn confirm_activation_key(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::ConfirmActivationKey,
) -> CoordinatorResult<wire::ConfirmActivationKeyResponse> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "ConfirmActivationKey is not implemented yet",
    ))
}
