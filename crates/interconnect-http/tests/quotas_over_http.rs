//! Quota refusals over HTTP (`spec/REQUIREMENTS.md` OPS-70, OPS-72;
//! `spec/ERRATA.md` E-442): a full count is 429 `RESOURCE_EXHAUSTED` with
//! the error document and no `Retry-After` (so a client does not pause all
//! its calls to the server), a comment too long is 400; the client reads
//! both back with their rule.
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use crate::common;

use common::GCP_TOKEN;
use interconnect_http::RouterConfig;
use interconnect_provider::testing::Fixture;
use interconnect_provider::testing::scenarios::simple_issue;
use interconnect_provider::{Caller, ConnectionCoordinator, ErrorKind, request};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_refusals_travel_as_429_without_retry_after_and_400() {
    interconnect_http::client::ensure_crypto_provider();
    let mut config = Fixture::new().server.config().clone();
    config.policy.quotas.issues_per_partner = 1;
    config.policy.quotas.comment_bytes = 10;
    let f = Fixture::with_config(config);
    let partner = f.partner.clone();
    let base = common::spawn(f.server.clone(), RouterConfig::default().rate_limit(None));
    let http = reqwest::Client::new();
    let create = |id: &str| {
        http.post(format!("{base}/providers/gcp/issues?issueId={id}"))
            .bearer_auth(GCP_TOKEN)
            .json(&serde_json::json!({"title": "t", "body": "b"}))
            .send()
    };
    assert_eq!(create("i1").await.expect("answer").status(), 200);
    let refused = create("i2").await.expect("answer");
    assert_eq!(refused.status(), 429, "OPS-70");
    assert!(
        refused.headers().get("retry-after").is_none(),
        "E-442: no Retry-After on a quota"
    );
    let v: Value = refused.json().await.expect("the error document");
    assert_eq!(v["error"]["status"], "RESOURCE_EXHAUSTED");
    let message = v["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("OPS-70: "), "{message}");
    assert!(message.contains("issuesPerPartner"), "{message}");

    let long = http
        .post(format!("{base}/providers/gcp/issues/i1/AddComment"))
        .bearer_auth(GCP_TOKEN)
        .json(&serde_json::json!({"comment": {"body": "more than ten bytes"}}))
        .send()
        .await
        .expect("answer");
    assert_eq!(long.status(), 400, "OPS-72");
    let v: Value = long.json().await.expect("the error document");
    assert_eq!(v["error"]["status"], "INVALID_ARGUMENT");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("OPS-72: ")),
        "{v}"
    );

    // Our client reads the refusal back with its kind and rule, and no
    // pause.
    let client = common::client(&base);
    let e = client
        .create_issue(
            &Caller::partner(partner.clone()),
            request::CreateIssue {
                parent: partner,
                issue_id: "i3".to_owned(),
                issue: simple_issue("i3"),
            },
        )
        .await
        .expect_err("OPS-70 over the client");
    assert_eq!(
        (e.kind(), e.rule()),
        (ErrorKind::ResourceExhausted, "OPS-70")
    );
    assert_eq!(e.retry_after(), None);
}
