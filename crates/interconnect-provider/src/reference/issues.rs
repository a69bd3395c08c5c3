//! Issues and their comments (`paths/issues.yaml`, `schemas/issues.yaml`;
//! E-55, E-56, E-78).
//!
//! A partner files issues under its own namespace (`providers/{partner}/issues`)
//! and sees only those. The server sets `state`, `createTime` and
//! `localIssueId` (ISSUE-7) and moves the state itself
//! ([`ReferenceProvider::set_issue_state`], ISSUE-8); its own staff comment
//! with [`ReferenceProvider::add_server_comment`] (ISSUE-18). Comments are
//! listed newest first (ISSUE-11).

use interconnect_core::names::{IssueName, ProviderName};
use interconnect_core::validation::validate_issue;
use interconnect_core::wire::{self, Comment, Issue, State, Timestamp};

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::page::PageScope;
use crate::request;
use crate::rules;
use crate::store::{IssueRecord, StoreExt};

fn not_found(name: &IssueName) -> CoordinatorError {
    CoordinatorError::not_found(rules::ISSUE_NOT_FOUND, format!("{name} does not exist"))
}

/// ISSUE-6: every context names a resource of `provider`'s namespace.
fn check_contexts(issue: &Issue, provider: &ProviderName) -> CoordinatorResult<()> {
    let named = issue
        .channel_contexts
        .iter()
        .map(|c| (c.name.interconnect().provider(), c.name.to_string()))
        .chain(
            issue
                .connection_contexts
                .iter()
                .map(|c| (c.name.interconnect().provider(), c.name.to_string())),
        )
        .chain(issue.feature_contexts.iter().map(|c| {
            (
                c.name.connection().interconnect().provider(),
                c.name.to_string(),
            )
        }))
        .chain(
            issue
                .interconnect_contexts
                .iter()
                .map(|c| (c.name.provider(), c.name.to_string())),
        );
    for (owner, name) in named {
        if owner != provider {
            return Err(CoordinatorError::permission_denied(
                rules::ISSUE_CONTEXT_OWN_PROVIDER,
                format!("context {name} is not under {provider}"),
            ));
        }
    }
    Ok(())
}

pub(super) fn list_issues(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::ListIssues,
) -> CoordinatorResult<wire::ListIssuesResponse> {
    p.partner(caller, &request.parent)?;
    let parent = request.parent.to_string();
    let scope = PageScope {
        operation: "ListIssues",
        parent: &parent,
        caller: caller.principal(),
    };
    let items: Vec<(String, Issue)> = p
        .store
        .view(|state| {
            state
                .issues
                .iter()
                .filter(|(name, _)| name.provider() == &request.parent)
                .map(|(name, record)| (name.to_string(), record.issue.clone()))
                .collect()
        })
        .unwrap_or_default();
    let page = p
        .tokens
        .page(&scope, &request.page, items, |(key, _)| key.clone())?;
    Ok(wire::ListIssuesResponse {
        issues: page.items.into_iter().map(|(_, issue)| issue).collect(),
        next_page_token: page.next_page_token,
    })
}

pub(super) fn create_issue(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::CreateIssue,
) -> CoordinatorResult<wire::Issue> {
    p.partner(caller, &request.parent)?;
    let name = request.parent.issue(&request.issue_id).map_err(|e| {
        CoordinatorError::invalid_argument(rules::ID_PARAMETER_SEGMENT, format!("issueId: {e}"))
    })?;
    if let Some(given) = &request.issue.name
        && given != &name
    {
        return Err(CoordinatorError::invalid_argument(
            rules::ISSUE_NAME,
            format!("the body names {given} but the path and issueId give {name}"),
        ));
    }
    if let Some(v) = validate_issue(&request.issue).into_iter().next() {
        return Err(CoordinatorError::invalid_argument(
            v.rule,
            format!("{}: {}", v.path, v.message),
        ));
    }
    check_contexts(&request.issue, &request.parent)?;
    let now = Timestamp::from_utc(p.clock.now());
    let own = p.config.provider.id().to_owned();
    p.store.update(|state| {
        if state.issues.contains_key(&name) {
            return Err(CoordinatorError::already_exists(
                rules::ISSUE_NAME,
                format!("{name} already exists"),
            ));
        }
        let issue = Issue {
            name: Some(name.clone()),
            state: Some(State::Open),
            create_time: Some(now),
            local_issue_id: Some(format!("{own}-{:06}", state.issues.len() + 1)),
            ..request.issue.clone()
        };
        state.issues.insert(
            name.clone(),
            IssueRecord {
                issue: issue.clone(),
                comments: Vec::new(),
            },
        );
        Ok(issue)
    })
}

/// The issue, after checking the caller may act as its provider (AUTH-2).
fn issue_for(p: &ReferenceProvider, caller: &Caller, name: &IssueName) -> CoordinatorResult<Issue> {
    p.partner(caller, name.provider())?;
    p.store
        .view(|state| state.issues.get(name).map(|r| r.issue.clone()))
        .flatten()
        .ok_or_else(|| not_found(name))
}

pub(super) fn get_issue(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::GetIssue,
) -> CoordinatorResult<wire::Issue> {
    issue_for(p, caller, &request.name)
}

pub(super) fn close_issue(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::CloseIssue,
) -> CoordinatorResult<wire::Issue> {
    p.partner(caller, request.name.provider())?;
    p.set_issue_state(&request.name, State::Closed)
}

/// The paging key of the comment added `seq`-th at `time`: it increases as
/// the comments get older, so newest-first order is ascending (ISSUE-11,
/// LIST-7).
fn comment_key(comment: &Comment, seq: usize) -> String {
    let micros = comment
        .create_time
        .map(|t| t.to_utc().timestamp_micros())
        .unwrap_or_default();
    let micros = u64::try_from(micros).unwrap_or_default();
    let seq = u64::try_from(seq).unwrap_or(u64::MAX);
    format!("{:020}.{:020}", u64::MAX - micros, u64::MAX - seq)
}

pub(super) fn list_comments(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::ListComments,
) -> CoordinatorResult<wire::ListCommentsResponse> {
    p.partner(caller, request.parent.provider())?;
    let parent = request.parent.to_string();
    let scope = PageScope {
        operation: "ListComments",
        parent: &parent,
        caller: caller.principal(),
    };
    let mut items: Vec<(String, Comment)> = p
        .store
        .view(|state| {
            state.issues.get(&request.parent).map(|r| {
                r.comments
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (comment_key(c, i + 1), c.clone()))
                    .collect()
            })
        })
        .flatten()
        .ok_or_else(|| not_found(&request.parent))?;
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let page = p
        .tokens
        .page(&scope, &request.page, items, |(key, _)| key.clone())?;
    Ok(wire::ListCommentsResponse {
        comments: page.items.into_iter().map(|(_, c)| c).collect(),
        next_page_token: page.next_page_token,
    })
}

pub(super) fn add_comment(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::AddComment,
) -> CoordinatorResult<wire::AddCommentResponse> {
    let partner = p.partner(caller, request.name.provider())?;
    let display_name = partner.display_name.clone();
    let comment = p.append_comment(&request.name, &request.body.comment.body, display_name)?;
    Ok(wire::AddCommentResponse {
        comment: Some(comment),
    })
}

/// ISSUE-8 (E-55, E-920): the moves the server makes.
fn transition_allowed(from: &State, to: &State) -> bool {
    matches!(
        (from, to),
        (State::Open, State::InProgress | State::ActionRequired)
            | (State::InProgress, State::ActionRequired)
            | (State::ActionRequired, State::InProgress)
            | (
                State::Open | State::InProgress | State::ActionRequired,
                State::Closed
            )
    )
}

impl ReferenceProvider {
    /// Operator: moves an issue to `to`. Allowed: OPEN → IN_PROGRESS or
    /// ACTION_REQUIRED, IN_PROGRESS ↔ ACTION_REQUIRED, any state → CLOSED;
    /// CLOSED is final (ISSUE-8). Setting the current state again changes
    /// nothing (ISSUE-13); `STATE_UNSPECIFIED` and unknown states are never
    /// written (ISSUE-17).
    pub fn set_issue_state(&self, name: &IssueName, to: State) -> CoordinatorResult<Issue> {
        if !to.is_known() || to == State::Unspecified {
            return Err(CoordinatorError::invalid_argument(
                rules::ISSUE_STATE_SPECIFIED,
                format!("an issue cannot be put in {to}"),
            ));
        }
        self.store.update(|state| {
            let record = state.issues.get_mut(name).ok_or_else(|| not_found(name))?;
            let from = record.issue.state.clone().unwrap_or(State::Open);
            if from == to {
                return Ok(record.issue.clone());
            }
            if !transition_allowed(&from, &to) {
                return Err(CoordinatorError::failed_precondition(
                    rules::ISSUE_TRANSITIONS,
                    format!("{name} cannot move from {from} to {to}"),
                ));
            }
            record.issue.state = Some(to);
            Ok(record.issue.clone())
        })
    }

    /// Operator: a comment by this server's own staff, shown under its
    /// display name (ISSUE-18).
    pub fn add_server_comment(&self, name: &IssueName, body: &str) -> CoordinatorResult<Comment> {
        self.append_comment(name, body, self.config.display_name.clone())
    }

    /// Adds a comment: refused on a closed issue (ISSUE-9) or with a blank
    /// body (ISSUE-10); the server sets `createTime`, `displayName` and
    /// `localCommentId`.
    fn append_comment(
        &self,
        name: &IssueName,
        body: &str,
        display_name: String,
    ) -> CoordinatorResult<Comment> {
        if body.trim().is_empty() {
            return Err(CoordinatorError::invalid_argument(
                rules::ISSUE_COMMENT_BODY,
                "comment.body must not be blank",
            ));
        }
        let now = Timestamp::from_utc(self.clock.now());
        self.store.update(|state| {
            let record = state.issues.get_mut(name).ok_or_else(|| not_found(name))?;
            if record.issue.state == Some(State::Closed) {
                return Err(CoordinatorError::aborted(
                    rules::ISSUE_CLOSED_NO_COMMENT,
                    format!("{name} is closed"),
                ));
            }
            let comment = Comment {
                body: body.to_owned(),
                create_time: Some(now),
                display_name: Some(display_name),
                local_comment_id: Some(format!("c-{:06}", record.comments.len() + 1)),
            };
            record.comments.push(comment.clone());
            Ok(comment)
        })
    }
}
