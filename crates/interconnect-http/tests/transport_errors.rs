//! What the HTTP binding itself answers, with raw requests: authentication
//! (AUTH-1), the provider in the path (AUTH-2, AUTH-3), unknown routes and
//! methods (ERR-3), bodies (ERR-6, WIRE-10), query parameters (ERR-1, ERR-4,
//! ERR-5, AUTH-8), the rate limit (ERR-7), the error shape (ERR-1), request
//! ids, and the client's transport errors (ERR-8).
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{AZURE_TOKEN, ENV, GCP_TOKEN, IX};
use interconnect_http::{HttpCoordinator, RateLimit, RouterConfig};
use interconnect_provider::clock::ManualClock;
use interconnect_provider::testing::Fixture;
use interconnect_provider::testing::scenarios::simple_issue;
use interconnect_provider::{Caller, ConnectionCoordinator, ErrorKind, request};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// The text of the router's own 404.
const UNKNOWN_ROUTE: &str = "no operation of the specification has this path";

struct Server {
    base: String,
    http: reqwest::Client,
}

impl Server {
    fn start() -> Self {
        Self::with(RouterConfig::default().rate_limit(None))
    }

    fn with(config: RouterConfig) -> Self {
        interconnect_http::client::ensure_crypto_provider();
        let f = Fixture::new();
        Server {
            base: common::spawn(f.server, config),
            http: reqwest::Client::new(),
        }
    }

    fn req(&self, method: Method, path: &str, token: Option<&str>) -> reqwest::RequestBuilder {
        let r = self.http.request(method, format!("{}{path}", self.base));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    async fn send(
        &self,
        r: reqwest::RequestBuilder,
    ) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let response = r.send().await.expect("the server answered");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        (status, headers, text)
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, String) {
        let (s, _, t) = self.send(self.req(Method::GET, path, token)).await;
        (s, t)
    }
}

/// The error document, checked to have exactly the ERR-1 shape; answers
/// (code, status, message).
fn error_of(text: &str) -> (u64, String, String) {
    let v: Value = serde_json::from_str(text).expect("ERR-1: errors are JSON");
    let obj = v.as_object().expect("an object");
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["error"], "ERR-1: {text}");
    let e = obj["error"].as_object().expect("error is an object");
    let mut keys: Vec<_> = e.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "message", "status"], "ERR-1: {text}");
    (
        e["code"].as_u64().expect("code"),
        e["status"].as_str().expect("status").to_owned(),
        e["message"].as_str().expect("message").to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_or_wrong_tokens_are_401_with_a_bearer_challenge() {
    let s = Server::start();
    for token in [None, Some("not-a-token"), Some("gcp-test-token-012345678")] {
        let (status, headers, text) = s.send(s.req(Method::GET, "/providers", token)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "AUTH-1: {token:?}");
        assert_eq!(headers["www-authenticate"], "Bearer", "AUTH-1");
        let (code, st, msg) = error_of(&text);
        assert_eq!((code, st.as_str()), (401, "UNAUTHENTICATED"));
        assert!(msg.starts_with("AUTH-1: "), "{msg}");
        assert!(
            !msg.contains("not-a-token") && !msg.contains("gcp-test"),
            "AUTH-9: {msg}"
        );
    }
    // Unknown routes are not revealed before authentication either.
    let (status, _) = s.get("/nothing/here", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "AUTH-1 before ERR-3");
    // Nor are the methods of a known route: an anonymous wrong method, an
    // anonymous unknown path and an anonymous right call answer alike, with
    // no `Allow` header that would map the routes (issue 19 item 4).
    let mut answers = Vec::new();
    for (method, path) in [
        (Method::DELETE, "/providers"),
        (Method::GET, "/nothing/here"),
        (Method::GET, "/providers"),
    ] {
        let (status, headers, text) = s.send(s.req(method.clone(), path, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {text}");
        assert!(
            headers.get("allow").is_none(),
            "{method} {path}: a 401 carries no Allow header"
        );
        answers.push(error_of(&text));
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "the three anonymous answers are the same: {answers:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_path_for_another_provider_is_403() {
    let s = Server::start();
    let (status, text) = s
        .get("/providers/azure/environments", Some(GCP_TOKEN))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "AUTH-2");
    let (code, st, msg) = error_of(&text);
    assert_eq!((code, st.as_str()), (403, "PERMISSION_DENIED"));
    assert!(msg.starts_with("AUTH-2: "), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_never_see_each_others_resources() {
    let s = Server::start();
    let body = serde_json::to_vec(&simple_issue("fan failure")).expect("issue");
    let (status, _, text) = s
        .send(
            s.req(
                Method::POST,
                "/providers/gcp/issues?issueId=i1",
                Some(GCP_TOKEN),
            )
            .body(body),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, text) = s.get(ENV, Some(GCP_TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    for path in [ENV, "/providers/gcp/issues", "/providers/gcp/issues/i1"] {
        let (status, text) = s.get(path, Some(AZURE_TOKEN)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "AUTH-3: {path}: {text}");
    }
    let (_, text) = s.get("/providers/azure/issues", Some(AZURE_TOKEN)).await;
    assert!(!text.contains("fan failure"), "AUTH-3: {text}");
    let (_, text) = s
        .get("/providers/azure/environments", Some(AZURE_TOKEN))
        .await;
    assert!(!text.contains("aws-gcp-us-east"), "AUTH-3: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_are_404_and_wrong_methods_405() {
    let s = Server::start();
    for path in [
        "/",
        "/nothing",
        "/providers/gcp/unknowns",
        &format!("{IX}/ConfirmActivationKey"),
    ] {
        let (status, text) = s.get(path, Some(GCP_TOKEN)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "ERR-3: {path}");
        let (code, st, msg) = error_of(&text);
        assert_eq!((code, st.as_str()), (404, "NOT_FOUND"));
        assert!(
            msg.starts_with("ERR-3: ") && msg.contains(UNKNOWN_ROUTE),
            "{msg}"
        );
    }
    // The `:verb` form of a custom method is not the specification's path:
    // the segment `aws-gcp-us-east:ConfirmActivationKey` breaks NAME-9.
    let (status, _, text) = s
        .send(s.req(
            Method::POST,
            &format!("{ENV}:ConfirmActivationKey"),
            Some(GCP_TOKEN),
        ))
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{text}");
    let (status, text) = s
        .get(&format!("{ENV}:ConfirmActivationKey"), Some(GCP_TOKEN))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(error_of(&text).2.starts_with("NAME-9: "), "{text}");
    let (status, headers, text) = s
        .send(s.req(Method::DELETE, "/providers", Some(GCP_TOKEN)))
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "ERR-3");
    let allow = headers["allow"].to_str().expect("ascii");
    assert!(allow.contains("GET"), "Allow: {allow}");
    let (code, status, msg) = error_of(&text);
    assert_eq!(code, 405);
    // a 405 carries its own status name, not INVALID_ARGUMENT (issue 19)
    assert_eq!(status, "METHOD_NOT_ALLOWED");
    assert!(msg.starts_with("ERR-3: "), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_the_limit_are_413() {
    let s = Server::with(RouterConfig::default().rate_limit(None).body_limit(1024));
    let big = format!("{{\"title\": \"{}\"}}", "x".repeat(2048));
    let (status, _, text) = s
        .send(
            s.req(
                Method::POST,
                "/providers/gcp/issues?issueId=i1",
                Some(GCP_TOKEN),
            )
            .body(big),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "WIRE-10");
    let (code, name, msg) = error_of(&text);
    assert_eq!(code, 413);
    assert_eq!(name, "PAYLOAD_TOO_LARGE", "OPS-62");
    assert!(msg.starts_with("WIRE-10: "), "{msg}");
    // The default limit is 1 MiB.
    let s = Server::start();
    let big = vec![b' '; 1024 * 1024 + 1];
    let (status, _, _) = s
        .send(
            s.req(
                Method::POST,
                "/providers/gcp/issues?issueId=i1",
                Some(GCP_TOKEN),
            )
            .body(big),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "WIRE-10: 1 MiB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_are_400_naming_the_json_path() {
    let s = Server::start();
    let create = format!("{IX}/connections?connectionId=c1");
    let cases: [(&str, &str); 4] = [
        ("{\"bandwidthMbps\": ", "ERR-6"),
        ("{\"bandwidthMbps\": \"fast\"}", "bandwidthMbps"),
        ("[1, 2]", "not a JSON object"),
        ("", "requires a request body"),
    ];
    for (body, expected) in cases {
        let (status, _, text) = s
            .send(s.req(Method::POST, &create, Some(GCP_TOKEN)).body(body))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "ERR-6: {body:?}");
        let (_, st, msg) = error_of(&text);
        assert_eq!(st, "INVALID_ARGUMENT");
        assert!(msg.starts_with("ERR-6: "), "{msg}");
        assert!(msg.contains(expected), "{body:?}: {msg}");
    }
    // An optional body may be absent: CloseIssue on a missing issue gets
    // past the body to the coordinator's 404.
    let (status, _, _) = s
        .send(s.req(
            Method::POST,
            "/providers/gcp/issues/nope/Close",
            Some(GCP_TOKEN),
        ))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "ERR-6: optional body read as {{}}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_parameters_are_checked_or_ignored() {
    let s = Server::start();
    let (status, _, text) = s
        .send(
            s.req(Method::POST, &format!("{IX}/connections"), Some(GCP_TOKEN))
                .body("{}"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "ERR-5");
    assert!(error_of(&text).2.starts_with("ERR-5: "), "{text}");
    for alt in ["proto", "media"] {
        let (status, text) = s
            .get(&format!("/providers?$alt={alt}"), Some(GCP_TOKEN))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "$alt={alt}");
        assert!(error_of(&text).2.starts_with("ERR-1: "), "{text}");
    }
    let (status, text) = s.get("/providers?%24.xgafv=3", Some(GCP_TOKEN)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "$.xgafv=3: {text}");
    for ok in [
        "$alt=json",
        "$.xgafv=2",
        "$.xgafv=1",
        "whatever=1&pageSize=x",
    ] {
        let (status, text) = s.get(&format!("/providers?{ok}"), Some(GCP_TOKEN)).await;
        assert_eq!(status, StatusCode::OK, "ERR-4: {ok}: {text}");
    }
    let (status, text) = s.get("/providers?$callback=steal", Some(GCP_TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.starts_with('{') && !text.contains("steal"),
        "AUTH-8: {text}"
    );
    let (_, compact) = s.get("/providers", Some(GCP_TOKEN)).await;
    let (_, pretty) = s.get("/providers?$prettyPrint=true", Some(GCP_TOKEN)).await;
    assert!(
        !compact.contains('\n') && pretty.contains("\n  "),
        "{pretty}"
    );
    let a: Value = serde_json::from_str(&compact).expect("json");
    let b: Value = serde_json::from_str(&pretty).expect("json");
    assert_eq!(a, b);
    let (status, text) = s
        .get(
            &format!("{ENV}/interconnects?pageSize=many"),
            Some(GCP_TOKEN),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
}

/// Issue 19 item 4 over HTTP (ERR-41, LIST-3): an empty `pageSize=` is
/// malformed, not absent; a `pageSize` beyond int32 says "out of range"; a
/// repeated parameter the binding reads is refused, not decided by its first
/// value; a negative one is told without Rust's `Debug` form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_size_and_repeated_parameters_are_strict_over_http() {
    let s = Server::start();
    let list = format!("{ENV}/interconnects");
    for (query, rule, words) in [
        ("pageSize=", "LIST-3", "empty"),
        ("pageSize=99999999999", "LIST-3", "out of range"),
        ("pageSize=-1", "LIST-3", "negative"),
        ("pageSize=1&pageSize=500", "ERR-41", "pageSize"),
        ("pageToken=a&pageToken=b", "ERR-41", "pageToken"),
    ] {
        let (status, text) = s.get(&format!("{list}?{query}"), Some(GCP_TOKEN)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {text}");
        let (code, name, msg) = error_of(&text);
        assert_eq!((code, name.as_str()), (400, "INVALID_ARGUMENT"), "{query}");
        assert!(msg.starts_with(&format!("{rule}: ")), "{query}: {msg}");
        assert!(msg.contains(words), "{query}: {msg}");
        assert!(!msg.contains("Some("), "{query}: {msg}");
    }
    let (status, text) = s.get(&format!("{list}?pageSize=1"), Some(GCP_TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_path_segments_name_the_rule() {
    let s = Server::start();
    let (status, text) = s
        .get("/providers/gcp/environments/bad%20env", Some(GCP_TOKEN))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, _, msg) = error_of(&text);
    assert!(
        msg.starts_with("NAME-9: ") && msg.contains("environment"),
        "{msg}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_burst_is_followed_by_429_with_retry_after() {
    let clock = Arc::new(ManualClock::at_epoch());
    let s = Server::with(
        RouterConfig::default()
            .rate_limit(Some(RateLimit {
                per_second: 0.25,
                burst: 3,
            }))
            .clock(clock.clone()),
    );
    for _ in 0..3 {
        assert_eq!(s.get("/providers", Some(GCP_TOKEN)).await.0, StatusCode::OK);
    }
    let (status, headers, text) = s
        .send(s.req(Method::GET, "/providers", Some(GCP_TOKEN)))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "ERR-7");
    assert_eq!(headers["retry-after"], "4", "ERR-7: whole seconds");
    let (code, st, msg) = error_of(&text);
    assert_eq!((code, st.as_str()), (429, "RESOURCE_EXHAUSTED"));
    assert!(msg.starts_with("ERR-7: "), "{msg}");
    // Another partner has its own bucket.
    assert_eq!(
        s.get("/providers", Some(AZURE_TOKEN)).await.0,
        StatusCode::OK
    );
    clock.advance(chrono::Duration::seconds(4));
    assert_eq!(s.get("/providers", Some(GCP_TOKEN)).await.0, StatusCode::OK);
    // The client reads Retry-After back.
    let client = common::client(&s.base);
    let e = client
        .list_providers(
            &Caller::partner(common::provider("gcp")),
            request::ListProviders {},
        )
        .await
        .expect_err("ERR-7: over the limit");
    assert_eq!(e.kind(), ErrorKind::ResourceExhausted);
    assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(4)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_are_honoured_or_generated() {
    let s = Server::start();
    let (_, headers, _) = s
        .send(
            s.req(Method::GET, "/providers", Some(GCP_TOKEN))
                .header("x-request-id", "trace-42"),
        )
        .await;
    assert_eq!(headers["x-request-id"], "trace-42");
    let (_, headers, _) = s
        .send(
            s.req(Method::GET, "/nothing", None)
                .header("x-request-id", "no spaces allowed"),
        )
        .await;
    let id = headers["x-request-id"].to_str().expect("ascii");
    assert_eq!(id.len(), 36, "a generated UUID: {id}");
}

/// Every operation of the specification is routed (no ERR-3 404 or 405),
/// and the paths refuse the methods they do not offer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_the_specifications_operations_are_routed() {
    let s = Server::start();
    let ops = common::every_operation();
    assert_eq!(ops.len(), 35);
    let mut paths: Vec<String> = ops
        .iter()
        .map(|(_, p)| p.split('?').next().unwrap_or(p).to_owned())
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), interconnect_http::ROUTE_PATHS);
    for (method, path) in &ops {
        let (status, _, text) = s
            .send(s.req(method.clone(), path, Some(GCP_TOKEN)).body("{}"))
            .await;
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        if status == StatusCode::NOT_FOUND {
            assert!(
                !error_of(&text).2.contains(UNKNOWN_ROUTE),
                "{method} {path} is routed"
            );
        }
    }
    for path in &paths {
        let offered: Vec<&Method> = ops
            .iter()
            .filter(|(_, p)| p.split('?').next() == Some(path))
            .map(|(m, _)| m)
            .collect();
        for method in [
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
            Method::PUT,
        ] {
            if offered.contains(&&method) {
                continue;
            }
            let (status, _, _) = s.send(s.req(method.clone(), path, Some(GCP_TOKEN))).await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
    }
}

/// Accepts connections and closes them at once, counting them.
async fn closing_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (format!("http://{addr}"), count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transport_failures_are_unavailable_and_only_reads_are_retried() {
    let (base, count) = closing_server().await;
    let client: HttpCoordinator = common::client(&base);
    let gcp = Caller::partner(common::provider("gcp"));
    let e = client
        .list_providers(&gcp, request::ListProviders {})
        .await
        .expect_err("ERR-8: the peer closes every connection");
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert_eq!(e.rule(), "ERR-8");
    let reads = count.swap(0, Ordering::SeqCst);
    assert_eq!(
        reads,
        interconnect_http::client::READ_ATTEMPTS as usize,
        "reads are retried"
    );
    let env = common::provider("gcp")
        .environment("aws-gcp-us-east")
        .expect("name");
    let e = client
        .confirm_activation_key(
            &gcp,
            request::ConfirmActivationKey {
                name: env,
                body: Default::default(),
            },
        )
        .await
        .expect_err("ERR-8");
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "ERR-8: a write is never retried"
    );
    // A caller without a credential is refused before anything is sent.
    let e = client
        .list_providers(
            &Caller::partner(common::provider("oracle")),
            request::ListProviders {},
        )
        .await
        .expect_err("AUTH-1");
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_never_answers_is_a_deadline_and_is_not_retried() {
    // Accepts connections and holds them open without answering.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    interconnect_http::client::ensure_crypto_provider();
    let client = interconnect_http::HttpCoordinatorConfig::new(
        format!("http://{addr}"),
        &common::provider("gcp"),
        interconnect_core::wire::Secret::new(GCP_TOKEN),
    )
    .with_timeouts(
        std::time::Duration::from_secs(1),
        std::time::Duration::from_millis(50),
    )
    .build()
    .expect("client");
    let e = client
        .list_providers(
            &Caller::partner(common::provider("gcp")),
            request::ListProviders {},
        )
        .await
        .expect_err("ERR-8: no answer in time");
    assert_eq!(e.kind(), ErrorKind::DeadlineExceeded);
    assert_eq!(e.rule(), "ERR-8");
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "ERR-8: a timeout is not retried"
    );
}
