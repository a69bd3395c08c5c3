//! Quotas on stored data (`spec/REQUIREMENTS.md` OPS-70..OPS-77,
//! `spec/ERRATA.md` E-442; issue 19 item 6): each limit is refused at
//! limit + 1 and not at the limit, names itself, and holds under concurrent
//! creators; list pages are bounded in bytes and their tokens go on.

use std::sync::Arc;

use chrono::Duration;
use interconnect_core::wire::{self, Secret};
use interconnect_provider::config::{ProviderConfig, Quotas};
use interconnect_provider::store::StoreExt;
use interconnect_provider::testing::Fixture;
use interconnect_provider::testing::pair::{AWS_ACCOUNT, Pair};
use interconnect_provider::testing::scenarios::simple_issue;
use interconnect_provider::{
    ConnectionCoordinator, CoordinatorError, ErrorKind, PageRequest, ReferenceProvider, request,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type F = Fixture<Arc<ReferenceProvider>>;

/// The fixture with `quotas` changed by `set`.
fn fixture(set: impl Fn(&mut Quotas)) -> F {
    let mut config: ProviderConfig = Fixture::new().server.config().clone();
    set(&mut config.policy.quotas);
    Fixture::with_config(config)
}

async fn file(f: &F, id: &str) -> Result<wire::Issue, CoordinatorError> {
    f.server
        .create_issue(
            &f.caller(),
            request::CreateIssue {
                parent: f.partner.clone(),
                issue_id: id.to_owned(),
                issue: simple_issue(id),
            },
        )
        .await
}

async fn comment(f: &F, issue: &str, body: &str) -> Result<(), CoordinatorError> {
    f.server
        .add_comment(
            &f.caller(),
            request::AddComment {
                name: f.partner.issue(issue).expect("valid issue id"),
                body: wire::AddCommentRequest {
                    comment: wire::Comment {
                        body: body.to_owned(),
                        ..wire::Comment::default()
                    },
                },
            },
        )
        .await
        .map(|_| ())
}

/// Asserts a count refusal: 429 without `Retry-After`, naming the rule and
/// the setting.
fn assert_exhausted(e: &CoordinatorError, rule: &str, setting: &str) {
    assert_eq!(
        (e.kind(), e.rule()),
        (ErrorKind::ResourceExhausted, rule),
        "{e}"
    );
    assert_eq!(e.http_status(), 429);
    assert!(e.message().contains(setting), "{e}");
    assert_eq!(e.retry_after(), None, "E-442: no Retry-After on a quota");
}

#[tokio::test]
async fn issues_per_partner_are_refused_at_the_limit_plus_one() -> TestResult {
    let f = fixture(|q| q.issues_per_partner = 3);
    for i in 0..3 {
        file(&f, &format!("i{i}")).await?;
    }
    let e = file(&f, "i3").await.expect_err("OPS-70: a fourth issue");
    assert_exhausted(&e, "OPS-70", "issuesPerPartner");
    assert!(e.message().contains("3 issues"), "{e}");
    // closing does not free a place: the issue stays stored
    f.server
        .close_issue(
            &f.caller(),
            request::CloseIssue {
                name: f.partner.issue("i0")?,
                body: wire::CloseIssueRequest::default(),
            },
        )
        .await?;
    assert!(file(&f, "i4").await.is_err(), "closed issues still count");
    Ok(())
}

#[tokio::test]
async fn comments_per_issue_and_their_size_are_bounded() -> TestResult {
    let f = fixture(|q| {
        q.comments_per_issue = 2;
        q.comment_bytes = 100;
    });
    file(&f, "i1").await?;
    let e = comment(&f, "i1", &"x".repeat(101))
        .await
        .expect_err("OPS-72: 101 bytes");
    assert_eq!(
        (e.kind(), e.rule()),
        (ErrorKind::InvalidArgument, "OPS-72"),
        "{e}"
    );
    assert!(
        e.message().contains("commentBytes") && e.message().contains("101"),
        "{e}"
    );
    // multi-byte characters count in bytes: 50 × 'é' is 100 bytes
    comment(&f, "i1", &"é".repeat(50)).await?;
    // the server's own staff count toward the same limit
    f.server
        .operator()
        .add_server_comment(&f.partner.issue("i1")?, "looking")?;
    let e = comment(&f, "i1", "third").await.expect_err("OPS-71");
    assert_exhausted(&e, "OPS-71", "commentsPerIssue");
    let e = f
        .server
        .operator()
        .add_server_comment(&f.partner.issue("i1")?, "staff")
        .expect_err("OPS-71 for staff too");
    assert_eq!(e.rule(), "OPS-71");
    Ok(())
}

#[test]
fn unused_keys_per_partner_are_bounded_and_expiry_frees_them() {
    let f = fixture(|q| q.unused_keys_per_partner = 2);
    let issue = || {
        f.server
            .issue_activation_key(&f.environment(), 1000, Secret::new("123456789012"))
    };
    issue().expect("first");
    issue().expect("second");
    let e = issue().expect_err("OPS-75: a third unused key");
    assert_exhausted(&e, "OPS-75", "unusedKeysPerPartner");
    let ttl = f.server.config().policy.activation_key_ttl();
    f.clock.advance(ttl + Duration::seconds(1));
    issue().expect("expired keys do not count");
}

/// A pair whose aws side has these customer quotas.
fn pair_with(set: impl Fn(&mut Quotas)) -> Pair {
    let base = Pair::new();
    let mut aws = base.aws.config().clone();
    set(&mut aws.policy.quotas);
    let gcp = base.gcp.config().clone();
    base.disconnect();
    Pair::with_configs(aws, gcp)
}

#[tokio::test]
async fn unused_keys_per_customer_are_bounded() -> TestResult {
    let pair = pair_with(|q| q.unused_keys_per_customer = 2);
    pair.request_at_aws(1000).await?;
    pair.request_at_aws(1000).await?;
    let e = pair
        .request_at_aws(1000)
        .await
        .expect_err("OPS-76: a third unused key of the account");
    assert_exhausted(&e, "OPS-76", "unusedKeysPerCustomer");
    assert!(
        !e.to_string().contains(AWS_ACCOUNT),
        "the account is a secret: {e}"
    );
    // the refused request left no key and no connection behind
    let keys = pair
        .aws
        .store()
        .view(|s| s.issued_keys.len())
        .unwrap_or_default();
    assert_eq!(keys, 2, "the refusal undid the key");
    pair.disconnect();
    Ok(())
}

#[tokio::test]
async fn pending_connections_per_customer_are_bounded_and_verification_frees_them() -> TestResult {
    let pair = pair_with(|q| {
        q.pending_connections_per_customer = 2;
        q.unused_keys_per_customer = 100;
    });
    let first = pair.establish(1000).await?;
    assert_eq!(
        pair.at_aws(&first)?.phase,
        interconnect_provider::store::Phase::Verified
    );
    // the verified one does not count: two pending ones fit
    pair.request_at_aws(1000).await?;
    pair.request_at_aws(1000).await?;
    let e = pair
        .request_at_aws(1000)
        .await
        .expect_err("OPS-74: a third pending connection");
    assert_exhausted(&e, "OPS-74", "pendingConnectionsPerCustomer");
    pair.disconnect();
    Ok(())
}

/// Concurrent creators cannot pass a quota together: of 20 concurrent
/// CreateIssue calls under a quota of 5, exactly 5 succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_issue_creators_cannot_pass_the_quota() -> TestResult {
    let f = Arc::new(fixture(|q| q.issues_per_partner = 5));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let f = f.clone();
        tasks.spawn(async move { file(&f, &format!("race{i}")).await });
    }
    let mut won = 0;
    while let Some(result) = tasks.join_next().await {
        match result? {
            Ok(_) => won += 1,
            Err(e) => assert_eq!(e.rule(), "OPS-70", "{e}"),
        }
    }
    assert_eq!(won, 5);
    Ok(())
}

/// The same for one customer's activation keys, whose quota is checked in
/// the transaction that stores the key and the connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_customer_requests_cannot_pass_the_quota() -> TestResult {
    let pair = Arc::new(pair_with(|q| q.unused_keys_per_customer = 3));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let pair = pair.clone();
        tasks.spawn(async move { pair.request_at_aws(1000).await });
    }
    let mut won = 0;
    while let Some(result) = tasks.join_next().await {
        match result? {
            Ok(_) => won += 1,
            Err(e) => assert_eq!(e.rule(), "OPS-76", "{e}"),
        }
    }
    assert_eq!(won, 3);
    pair.disconnect();
    Ok(())
}

/// OPS-77: a list page stops at the byte cap and its token goes on: every
/// issue is listed once, and no page but a lone item passes the cap.
#[tokio::test]
async fn list_pages_are_bounded_in_bytes() -> TestResult {
    let cap = 1500;
    let f = fixture(|q| {
        q.page_bytes = cap;
        q.issues_per_partner = 100;
    });
    for i in 0..30 {
        file(&f, &format!("issue{i:02}")).await?;
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::of_size(1000);
    let mut pages = 0;
    loop {
        let answer = f
            .server
            .list_issues(
                &f.caller(),
                request::ListIssues {
                    parent: f.partner.clone(),
                    page: page.clone(),
                },
            )
            .await?;
        let bytes: usize = answer
            .issues
            .iter()
            .map(|i| serde_json::to_vec(i).map_or(0, |v| v.len()) + 1)
            .sum();
        assert!(!answer.issues.is_empty());
        assert!(bytes <= cap || answer.issues.len() == 1, "{bytes} bytes");
        pages += 1;
        seen.extend(answer.issues.into_iter().filter_map(|i| i.name));
        match answer.next_page_token {
            Some(token) => page = page.next(token),
            None => break,
        }
    }
    assert!(pages > 1, "the cap cut the listing into pages");
    let mut expected: Vec<String> = (0..30).map(|i| format!("issue{i:02}")).collect();
    expected.sort();
    let ids: Vec<String> = seen.iter().map(|n| n.id().to_owned()).collect();
    assert_eq!(ids, expected, "every issue once, in order");
    Ok(())
}

/// OPS-74 at the key receiver: an acceptance over the customer's quota is
/// refused before the issuer is asked to confirm, so the key stays usable.
#[tokio::test]
async fn an_acceptance_over_the_customers_quota_does_not_use_up_the_key() -> TestResult {
    let base = Pair::new();
    let aws = base.aws.config().clone();
    let mut gcp = base.gcp.config().clone();
    base.disconnect();
    gcp.policy.quotas.pending_connections_per_customer = 1;
    let pair = Pair::with_configs(aws, gcp);
    let (_, first) = pair.request_at_aws(1000).await?;
    let (second_id, second) = pair.request_at_aws(1000).await?;
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&first))
        .await?;
    let e = pair
        .gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&second))
        .await
        .expect_err("OPS-74: a second pending connection of the account at gcp");
    assert_exhausted(&e, "OPS-74", "pendingConnectionsPerCustomer");
    let confirmed = pair
        .aws
        .store()
        .view(|s| {
            s.issued_keys
                .get(&second_id)
                .map(|k| k.confirmed_by.is_some())
        })
        .flatten();
    assert_eq!(
        confirmed,
        Some(false),
        "the second key was not used up at aws"
    );
    pair.disconnect();
    Ok(())
}
