//! ISSUE-*: issues and comments filed by the partner.

use chrono::Duration;
use interconnect_core::names::IssueName;
use interconnect_core::wire::{self, AddCommentRequest, Comment, Issue, State};

use crate::clock::Clock;
use crate::coordinator::ConnectionCoordinator;
use crate::error::ErrorKind;
use crate::page::PageRequest;
use crate::request;
use crate::testing::Fixture;

/// A valid issue with a title and a body.
pub fn simple_issue(title: &str) -> Issue {
    Issue {
        title: title.to_owned(),
        body: format!("details of {title}"),
        ..Issue::default()
    }
}

fn issue_name<C>(f: &Fixture<C>, id: &str) -> IssueName {
    f.partner
        .issue(id)
        .unwrap_or_else(|e| panic!("issue id {id}: {e}"))
}

async fn file<C: ConnectionCoordinator>(
    f: &Fixture<C>,
    id: &str,
    issue: Issue,
) -> Result<Issue, crate::CoordinatorError> {
    let caller = f.caller();
    f.target
        .create_issue(
            &caller,
            request::CreateIssue {
                parent: f.partner.clone(),
                issue_id: id.to_owned(),
                issue,
            },
        )
        .await
}

/// ISSUE-7, ISSUE-12, ISSUE-14, ISSUE-16: the server sets state, time and
/// local id; a name is used once; a context need not exist; a missing issue
/// is 404.
pub async fn issues_are_filed_with_server_set_fields<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let caller = f.caller();
    let mut issue = simple_issue("flaps");
    issue.state = Some(State::Closed);
    issue.local_issue_id = Some("mine".into());
    issue.channel_contexts = vec![wire::ChannelContext {
        name: f.interconnect("ix1").channel("gone").expect("name"),
    }];
    let filed = file(f, "i1", issue)
        .await
        .expect("ISSUE-16: a context need not exist");
    assert_eq!(filed.name, Some(issue_name(f, "i1")));
    assert_eq!(filed.state, Some(State::Open), "ISSUE-7");
    assert_ne!(filed.local_issue_id.as_deref(), Some("mine"), "ISSUE-7");
    assert!(filed.local_issue_id.is_some(), "ISSUE-7");
    assert_eq!(
        filed.create_time.map(|t| t.to_utc()),
        Some(f.clock.now()),
        "ISSUE-7"
    );
    let dup = file(f, "i1", simple_issue("again"))
        .await
        .expect_err("ISSUE-12");
    assert_eq!(
        (dup.kind(), dup.rule()),
        (ErrorKind::AlreadyExists, "ISSUE-12")
    );
    let got = f
        .target
        .get_issue(
            &caller,
            request::GetIssue {
                name: issue_name(f, "i1"),
            },
        )
        .await
        .expect("GetIssue");
    assert_eq!(got, filed);
    let missing = f
        .target
        .get_issue(
            &caller,
            request::GetIssue {
                name: issue_name(f, "nope"),
            },
        )
        .await
        .expect_err("ISSUE-14");
    assert_eq!(
        (missing.kind(), missing.rule()),
        (ErrorKind::NotFound, "ISSUE-14")
    );
}

/// ISSUE-1, ISSUE-4, ISSUE-6: bad issues are refused with their rule.
pub async fn bad_issues_are_refused<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let blank = file(f, "i1", simple_issue(" ")).await.expect_err("ISSUE-1");
    assert_eq!(
        (blank.kind(), blank.rule()),
        (ErrorKind::InvalidArgument, "ISSUE-1")
    );
    let mut conn = simple_issue("conn");
    conn.issue_context = Some(wire::IssueContext::ConnectionIssue);
    let err = file(f, "i2", conn).await.expect_err("ISSUE-4");
    assert_eq!(err.rule(), "ISSUE-4");
    let mut foreign = simple_issue("foreign");
    foreign.interconnect_contexts = vec![wire::InterconnectContext {
        name: f
            .local
            .environment("aws-gcp-us-east")
            .and_then(|e| e.interconnect("ix1"))
            .expect("name"),
    }];
    let err = file(f, "i3", foreign).await.expect_err("ISSUE-6");
    assert_eq!(
        (err.kind(), err.rule()),
        (ErrorKind::PermissionDenied, "ISSUE-6")
    );
    let bad_id = file(f, "a/b", simple_issue("t")).await.expect_err("ERR-5");
    assert_eq!(bad_id.kind(), ErrorKind::InvalidArgument);
}

/// ISSUE-9, ISSUE-10, ISSUE-11, ISSUE-13, ISSUE-18: comments newest first,
/// paged; closing is idempotent and ends commenting.
pub async fn comments_are_newest_first_and_closing_is_final<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let caller = f.caller();
    let name = issue_name(f, "i1");
    file(f, "i1", simple_issue("t")).await.expect("filed");
    let comment = |body: &str| {
        f.target.add_comment(
            &caller,
            request::AddComment {
                name: name.clone(),
                body: AddCommentRequest {
                    comment: Comment {
                        body: body.to_owned(),
                        local_comment_id: Some("mine".into()),
                        ..Comment::default()
                    },
                },
            },
        )
    };
    let blank = comment(" ").await.expect_err("ISSUE-10");
    assert_eq!(
        (blank.kind(), blank.rule()),
        (ErrorKind::InvalidArgument, "ISSUE-10")
    );
    let first = comment("one")
        .await
        .expect("AddComment")
        .comment
        .expect("ISSUE-10: returned");
    assert!(first.display_name.is_some(), "ISSUE-10");
    assert_ne!(first.local_comment_id.as_deref(), Some("mine"), "ISSUE-10");
    f.server
        .operator()
        .add_server_comment(&name, "two")
        .expect("ISSUE-18");
    comment("three").await.expect("AddComment");
    f.clock.advance(Duration::seconds(1));
    comment("four").await.expect("AddComment");
    let mut bodies = Vec::new();
    let mut page = PageRequest::of_size(3);
    loop {
        let resp = f
            .target
            .list_comments(
                &caller,
                request::ListComments {
                    parent: name.clone(),
                    page: page.clone(),
                },
            )
            .await
            .expect("ListComments");
        bodies.extend(resp.comments.into_iter().map(|c| (c.body, c.display_name)));
        match resp.next_page_token {
            Some(t) => page = page.next(t),
            None => break,
        }
    }
    let order: Vec<&str> = bodies.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(order, ["four", "three", "two", "one"], "ISSUE-11");
    assert_ne!(
        bodies.get(2).map(|b| &b.1),
        bodies.get(3).map(|b| &b.1),
        "ISSUE-18: who wrote each"
    );
    let close = || {
        f.target.close_issue(
            &caller,
            request::CloseIssue {
                name: name.clone(),
                body: wire::CloseIssueRequest {},
            },
        )
    };
    let closed = close().await.expect("ISSUE-13");
    assert_eq!(closed.state, Some(State::Closed), "ISSUE-13");
    assert_eq!(
        close().await.expect("ISSUE-13: again"),
        closed,
        "ISSUE-13: unchanged"
    );
    let late = comment("five").await.expect_err("ISSUE-9");
    assert_eq!((late.kind(), late.rule()), (ErrorKind::Aborted, "ISSUE-9"));
}

/// LIST-5, AUTH-2: the partner lists only its own issues, in pages.
pub async fn issues_are_listed_by_their_filer_only<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let caller = f.caller();
    for i in 0..5 {
        file(f, &format!("i{i}"), simple_issue("t"))
            .await
            .expect("filed");
    }
    let mut names = Vec::new();
    let mut page = PageRequest::of_size(2);
    loop {
        let resp = f
            .target
            .list_issues(
                &caller,
                request::ListIssues {
                    parent: f.partner.clone(),
                    page: page.clone(),
                },
            )
            .await
            .expect("ListIssues");
        names.extend(resp.issues.into_iter().filter_map(|i| i.name));
        match resp.next_page_token {
            Some(t) => page = page.next(t),
            None => break,
        }
    }
    let expected: Vec<_> = (0..5).map(|i| issue_name(f, &format!("i{i}"))).collect();
    assert_eq!(names, expected, "LIST-7");
    let stranger = f
        .target
        .list_issues(
            &f.stranger(),
            request::ListIssues {
                parent: f.partner.clone(),
                page: PageRequest::first(),
            },
        )
        .await
        .expect_err("AUTH-2");
    assert_eq!(stranger.kind(), ErrorKind::PermissionDenied);
}
