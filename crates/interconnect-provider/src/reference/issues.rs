//! PLACEHOLDER: replaced by the issues family implementation.

use interconnect_core::wire;

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;

pub(super) fn list_issues(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::ListIssues,
) -> CoordinatorResult<wire::ListIssuesResponse> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "ListIssues is not implemented yet",
    ))
}

pub(super) fn create_issue(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::CreateIssue,
) -> CoordinatorResult<wire::Issue> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "CreateIssue is not implemented yet",
    ))
}

pub(super) fn get_issue(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::GetIssue,
) -> CoordinatorResult<wire::Issue> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "GetIssue is not implemented yet",
    ))
}

pub(super) fn close_issue(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::CloseIssue,
) -> CoordinatorResult<wire::Issue> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "CloseIssue is not implemented yet",
    ))
}

pub(super) fn list_comments(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::ListComments,
) -> CoordinatorResult<wire::ListCommentsResponse> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "ListComments is not implemented yet",
    ))
}

pub(super) fn add_comment(
    _p: &ReferenceProvider,
    _caller: &Caller,
    _request: request::AddComment,
) -> CoordinatorResult<wire::AddCommentResponse> {
    Err(CoordinatorError::internal(
        "OPS-1",
        "AddComment is not implemented yet",
    ))
}
