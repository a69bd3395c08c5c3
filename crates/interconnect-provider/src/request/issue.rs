//! Requests of `paths/issues.yaml`.

use interconnect_core::names::{IssueName, ProviderName};
use interconnect_core::wire;

use crate::page::PageRequest;

/// `GET /providers/{provider}/issues`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListIssues {
    /// `providers/{provider}`.
    pub parent: ProviderName,
    /// `pageSize`, `pageToken`.
    pub page: PageRequest,
}

/// `POST /providers/{provider}/issues?issueId=`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateIssue {
    /// `providers/{provider}`.
    pub parent: ProviderName,
    /// `issueId` (required).
    pub issue_id: String,
    /// The issue.
    pub issue: wire::Issue,
}

/// `GET /providers/{provider}/issues/{issue}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetIssue {
    /// The issue.
    pub name: IssueName,
}

/// `POST /providers/{provider}/issues/{issue}/Close`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseIssue {
    /// The issue.
    pub name: IssueName,
    /// The (empty) body.
    pub body: wire::CloseIssueRequest,
}

/// `GET /providers/{provider}/issues/{issue}/comments`: newest first (ISSUE-11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListComments {
    /// The issue.
    pub parent: IssueName,
    /// `pageSize`, `pageToken`.
    pub page: PageRequest,
}

/// `POST /providers/{provider}/issues/{issue}/AddComment`.
#[derive(Debug, Clone, PartialEq)]
pub struct AddComment {
    /// The issue.
    pub name: IssueName,
    /// The comment.
    pub body: wire::AddCommentRequest,
}

// Where each field travels in a call.
binding! {
    ListIssues(ProviderName) { parent: target, page: page }
    CreateIssue(ProviderName) {
        parent: target,
        issue_id: id("issueId"),
        issue: body(required),
    }
    GetIssue(IssueName) { name: target }
    CloseIssue(IssueName) { name: target, body: body(optional) }
    ListComments(IssueName) { parent: target, page: page }
    AddComment(IssueName) { name: target, body: body(optional) }
}
