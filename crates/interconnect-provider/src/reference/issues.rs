//! Issues and their comments (`paths/issues.yaml`, `schemas/issues.yaml`;
//! E-55, E-56, E-78).
//!
//! A partner files issues under its own namespace (`providers/{partner}/issues`)
//! and sees only those. The server sets `state`, `createTime` and
//! `localIssueId` (ISSUE-7) and moves the state itself
//! ([`Operator::set_issue_state`](crate::operator::Operator::set_issue_state), ISSUE-8); its own staff comment
//! with [`Operator::add_server_comment`](crate::operator::Operator::add_server_comment) (ISSUE-18). Comments are
//! listed newest first (ISSUE-11).

use interconnect_core::names::{IssueName, ProviderName};
use interconnect_core::validation::validate_issue;
use interconnect_core::wire::{self, Comment, Issue, State, Timestamp};

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::operator::Operator;
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
    let page = p.page_of(
        "ListIssues",
        &request.parent,
        caller,
        &request.page,
        items,
        |(key, _)| key.clone(),
    )?;
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
    // ISSUE-12 (AIP-133): a body `name` is ignored; the path and id name it
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
        super::quotas::check_issues(state, &p.config.policy.quotas, &request.parent)?;
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
    p.operator().set_issue_state(&request.name, State::Closed)
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
    let items: Vec<(String, Comment)> = p
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
    let page = p.page_of(
        "ListComments",
        &request.parent,
        caller,
        &request.page,
        items,
        |(key, _)| key.clone(),
    )?;
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

/// ISSUE-8 (E-55, E-94): the moves the server makes.
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
        let quotas = &self.config.policy.quotas;
        super::quotas::check_comment_bytes(quotas, body)?;
        let now = Timestamp::from_utc(self.clock.now());
        self.store.update(|state| {
            let record = state.issues.get_mut(name).ok_or_else(|| not_found(name))?;
            if record.issue.state == Some(State::Closed) {
                return Err(CoordinatorError::aborted(
                    rules::ISSUE_CLOSED_NO_COMMENT,
                    format!("{name} is closed"),
                ));
            }
            super::quotas::check_comments(quotas, record)?;
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

impl Operator<'_> {
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
}

#[cfg(test)]
mod tests {
    use interconnect_core::wire::{
        ChannelContext, ConnectionContext, FeatureContext, IssueContext, Priority,
    };

    use super::*;
    use crate::error::ErrorKind;
    use crate::page::PageRequest;
    use crate::testing::Fixture;
    use crate::testing::scenarios::simple_issue;

    type TestResult = Result<(), CoordinatorError>;
    type Mutation<'a> = Box<dyn Fn(&mut Issue) + 'a>;

    fn file(
        f: &Fixture<std::sync::Arc<ReferenceProvider>>,
        id: &str,
        issue: Issue,
    ) -> CoordinatorResult<Issue> {
        create_issue(
            &f.server,
            &f.caller(),
            request::CreateIssue {
                parent: f.partner.clone(),
                issue_id: id.to_owned(),
                issue,
            },
        )
    }

    fn rule(result: CoordinatorResult<Issue>) -> (ErrorKind, String) {
        let err = result.expect_err("must be refused");
        (err.kind(), err.rule().to_owned())
    }

    #[test]
    fn every_state_transition_follows_issue_8() -> TestResult {
        let all = [
            State::Open,
            State::InProgress,
            State::ActionRequired,
            State::Closed,
        ];
        let allowed = [
            (State::Open, State::InProgress),
            (State::Open, State::ActionRequired),
            (State::InProgress, State::ActionRequired),
            (State::ActionRequired, State::InProgress),
            (State::Open, State::Closed),
            (State::InProgress, State::Closed),
            (State::ActionRequired, State::Closed),
        ];
        for from in &all {
            for to in &all {
                let f = Fixture::new();
                let name = f.partner.issue("i").expect("name");
                file(&f, "i", simple_issue("t"))?;
                // walk to `from` by an allowed path
                match from {
                    State::Open => {}
                    State::Closed => {
                        f.server.operator().set_issue_state(&name, State::Closed)?;
                    }
                    other => {
                        f.server.operator().set_issue_state(&name, other.clone())?;
                    }
                }
                let result = f.server.operator().set_issue_state(&name, to.clone());
                if from == to || allowed.contains(&(from.clone(), to.clone())) {
                    assert_eq!(result?.state.as_ref(), Some(to), "{from} -> {to}");
                } else {
                    let err = result.expect_err("not allowed");
                    assert_eq!(
                        (err.kind(), err.rule()),
                        (ErrorKind::FailedPrecondition, rules::ISSUE_TRANSITIONS),
                        "{from} -> {to}"
                    );
                }
            }
        }
        Ok(())
    }

    #[test]
    fn unspecified_and_unknown_states_are_never_written() -> TestResult {
        let f = Fixture::new();
        let name = f.partner.issue("i").expect("name");
        file(&f, "i", simple_issue("t"))?;
        for to in [State::Unspecified, State::Unknown("STATE_WONT_FIX".into())] {
            let err = f
                .server
                .operator()
                .set_issue_state(&name, to)
                .expect_err("ISSUE-17");
            assert_eq!(err.rule(), rules::ISSUE_STATE_SPECIFIED);
        }
        let err = f
            .server
            .operator()
            .set_issue_state(&f.partner.issue("none").expect("name"), State::Closed)
            .expect_err("404");
        assert_eq!(err.rule(), rules::ISSUE_NOT_FOUND);
        Ok(())
    }

    #[test]
    fn the_body_name_is_ignored() {
        // ISSUE-12 (AIP-133, E-30 reversed): a partner may send its own copy
        let f = Fixture::new();
        let mut issue = simple_issue("t");
        issue.name = Some(f.partner.issue("other").expect("name"));
        let filed = file(&f, "i", issue).expect("a different body name is ignored");
        assert_eq!(filed.name, Some(f.partner.issue("i").expect("name")));
        assert!(
            issue_for(
                &f.server,
                &f.caller(),
                &f.partner.issue("other").expect("name")
            )
            .is_err(),
            "nothing is filed under the body's name"
        );
    }

    #[test]
    fn every_context_kind_must_lie_under_the_callers_provider() {
        let f = Fixture::new();
        let foreign_ix = f
            .local
            .environment("aws-gcp-us-east")
            .and_then(|e| e.interconnect("ix1"))
            .expect("name");
        let foreign_conn = foreign_ix.connection("c1").expect("name");
        let cases: Vec<Mutation<'_>> = vec![
            Box::new(|i| {
                i.channel_contexts = vec![ChannelContext {
                    name: foreign_ix.channel("ch1").expect("name"),
                }]
            }),
            Box::new(|i| {
                i.connection_contexts = vec![ConnectionContext {
                    name: foreign_conn.clone(),
                }]
            }),
            Box::new(|i| {
                i.feature_contexts = vec![FeatureContext {
                    name: foreign_conn.feature("f1").expect("name"),
                }]
            }),
        ];
        for (n, set) in cases.iter().enumerate() {
            let mut issue = simple_issue("t");
            set(&mut issue);
            assert_eq!(
                rule(file(&f, &format!("i{n}"), issue)),
                (
                    ErrorKind::PermissionDenied,
                    rules::ISSUE_CONTEXT_OWN_PROVIDER.to_owned()
                ),
                "case {n}"
            );
        }
        let own = f.interconnect("ix1").connection("c1").expect("name");
        let mut issue = simple_issue("t");
        issue.issue_context = Some(IssueContext::ConnectionIssue);
        issue.connection_contexts = vec![ConnectionContext { name: own }];
        file(&f, "mine", issue).expect("ISSUE-6: own namespace");
    }

    #[test]
    fn the_core_issue_rules_apply() {
        let f = Fixture::new();
        let mut no_body = simple_issue("t");
        no_body.body = "  ".into();
        assert_eq!(rule(file(&f, "a", no_body)).1, "ISSUE-2");
        let mut two_lines = simple_issue("t");
        two_lines.title = "a\nb".into();
        assert_eq!(rule(file(&f, "b", two_lines)).1, "ISSUE-1");
        let mut ix = simple_issue("t");
        ix.issue_context = Some(IssueContext::InterconnectIssue);
        assert_eq!(rule(file(&f, "c", ix)).1, "ISSUE-5");
    }

    #[test]
    fn unknown_issue_values_are_kept() -> TestResult {
        let f = Fixture::new();
        let mut issue = simple_issue("t");
        issue.issue_context = Some(IssueContext::Unknown("ISSUE_CONTEXT_POWER".into()));
        issue.priority = Some(Priority::Unknown("PRIORITY_P9".into()));
        let filed = file(&f, "i", issue)?;
        assert_eq!(
            filed.issue_context,
            Some(IssueContext::Unknown("ISSUE_CONTEXT_POWER".into())),
            "ISSUE-15"
        );
        assert_eq!(
            filed.priority,
            Some(Priority::Unknown("PRIORITY_P9".into())),
            "ISSUE-15"
        );
        Ok(())
    }

    #[test]
    fn comments_of_the_same_instant_keep_newest_first() -> TestResult {
        let f = Fixture::new();
        let name = f.partner.issue("i").expect("name");
        file(&f, "i", simple_issue("t"))?;
        for body in ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"] {
            f.server.operator().add_server_comment(&name, body)?;
        }
        let mut seen = Vec::new();
        let mut page = PageRequest::of_size(4);
        loop {
            let resp = list_comments(
                &f.server,
                &f.caller(),
                request::ListComments {
                    parent: name.clone(),
                    page: page.clone(),
                },
            )?;
            seen.extend(resp.comments.into_iter().map(|c| c.body));
            match resp.next_page_token {
                Some(t) => page = page.next(t),
                None => break,
            }
        }
        assert_eq!(
            seen,
            ["11", "10", "9", "8", "7", "6", "5", "4", "3", "2", "1"],
            "ISSUE-11"
        );
        let err = list_comments(
            &f.server,
            &f.caller(),
            request::ListComments {
                parent: f.partner.issue("x").expect("name"),
                page: PageRequest::first(),
            },
        )
        .expect_err("404");
        assert_eq!(err.rule(), rules::ISSUE_NOT_FOUND);
        Ok(())
    }

    #[test]
    fn a_stranger_cannot_read_or_comment() -> TestResult {
        let f = Fixture::new();
        let name = f.partner.issue("i").expect("name");
        file(&f, "i", simple_issue("t"))?;
        let err = get_issue(
            &f.server,
            &f.stranger(),
            request::GetIssue { name: name.clone() },
        )
        .expect_err("403");
        assert_eq!(err.kind(), ErrorKind::PermissionDenied);
        let err = close_issue(
            &f.server,
            &f.stranger(),
            request::CloseIssue {
                name,
                body: wire::CloseIssueRequest {},
            },
        )
        .expect_err("403");
        assert_eq!(err.kind(), ErrorKind::PermissionDenied);
        Ok(())
    }
}
