//! The whole suite over HTTP: the reference provider served by
//! `interconnect_http::router` on 127.0.0.1, reached through `HttpTarget`,
//! with the `issueActivationKey` hook through an operator API stub of the
//! shape `interconnect serve` offers (`POST /operator/v1/activationKeys`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use interconnect_conformance::scenario::{HttpTarget, HttpTargetConfig, reference_fixture};
use interconnect_conformance::{Suite, Verdict};
use interconnect_core::names::{EnvironmentName, ProviderName};
use interconnect_core::wire::Secret;
use interconnect_http::{BearerTokens, RouterConfig, router_with};
use interconnect_provider::ReferenceProvider;
use interconnect_provider::testing::Fixture;
use serde_json::{Value, json};

const PARTNER_TOKEN: &str = "partner-token-for-tests";
const STRANGER_TOKEN: &str = "stranger-token-for-tests";
const OPERATOR_TOKEN: &str = "operator-token-for-tests";

async fn issue(
    State(server): State<Arc<ReferenceProvider>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let authorized = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {OPERATOR_TOKEN}"));
    if !authorized {
        return (StatusCode::UNAUTHORIZED, Json(json!({})));
    }
    let environment: Option<EnvironmentName> = body
        .get("environment")
        .and_then(Value::as_str)
        .and_then(|e| e.parse().ok());
    let bandwidth = body.get("bandwidthMbps").and_then(Value::as_i64);
    let account = body
        .get("destinationAccountId")
        .and_then(Value::as_str)
        .unwrap_or("123456789012");
    let (Some(environment), Some(bandwidth)) = (environment, bandwidth) else {
        return (StatusCode::BAD_REQUEST, Json(json!({})));
    };
    match server.issue_activation_key(
        &environment,
        i32::try_from(bandwidth).unwrap_or(0),
        Secret::new(account.to_owned()),
    ) {
        Ok(key) => (
            StatusCode::OK,
            Json(json!({"activationKey": key.encoded().expose()})),
        ),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"message": e.to_string()}})),
        ),
    }
}

async fn spawn(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("bound");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{address}")
}

/// Serves a fresh reference provider; answers the target config.
async fn serve_reference(
    with_operator: bool,
) -> (Fixture<Arc<ReferenceProvider>>, HttpTargetConfig) {
    serve_mutated(with_operator, |api| api).await
}

/// [`serve_reference`] with the API router changed by `mutate` (a proxy in
/// front of the reference server that breaks one rule of the binding).
async fn serve_mutated(
    with_operator: bool,
    mutate: impl FnOnce(axum::Router) -> axum::Router,
) -> (Fixture<Arc<ReferenceProvider>>, HttpTargetConfig) {
    let fixture = reference_fixture();
    let stranger = ProviderName::new("azure").expect("id");
    let tokens = BearerTokens::new()
        .with_partner(Secret::new(PARTNER_TOKEN), fixture.partner.clone())
        .with_partner(Secret::new(STRANGER_TOKEN), stranger.clone());
    let api = router_with(
        fixture.target.clone(),
        Arc::new(tokens),
        RouterConfig::default().rate_limit(None),
    );
    let url = spawn(mutate(api)).await;
    let mut config =
        HttpTargetConfig::new(url, fixture.partner.clone(), Secret::new(PARTNER_TOKEN))
            .with_stranger(stranger, Secret::new(STRANGER_TOKEN));
    if with_operator {
        let operator = axum::Router::new()
            .route("/operator/v1/activationKeys", post(issue))
            .with_state(fixture.server.clone());
        let operator_url = spawn(operator).await;
        config = config.with_operator(operator_url, Secret::new(OPERATOR_TOKEN));
    }
    (fixture, config)
}

fn failures(report: &interconnect_conformance::Report) -> Vec<String> {
    report
        .outcomes()
        .iter()
        .filter_map(|o| match &o.verdict {
            Verdict::Fail { mismatch } => Some(format!("{}: {mismatch}", o.vector)),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_provider_passes_over_http() {
    let (_fixture, config) = serve_reference(true).await;
    let target: HttpTarget = config.build().expect("the target builds");
    let report = Suite::bundled()
        .run(&target)
        .await
        .expect("the suite loads");
    assert_eq!(failures(&report), Vec::<String>::new());
    let skips: Vec<(String, String)> = report
        .outcomes()
        .iter()
        .filter_map(|o| match &o.verdict {
            Verdict::Skip { reason } => Some((o.vector.clone(), reason.clone())),
            _ => None,
        })
        .collect();
    for (vector, reason) in &skips {
        assert!(
            reason.contains("advanceClock")
                || reason.contains("awaitProvisioning")
                || reason.contains("activateMacSecKey"),
            "{vector} skipped for a reason a URL target should not have: {reason}"
        );
    }
    let t = report.totals();
    assert!(
        t.passed > t.skipped * 5,
        "most vectors run over HTTP: {t:?}"
    );
    assert!(
        report
            .outcomes()
            .iter()
            .any(|o| o.family == "connections" && o.verdict == Verdict::Pass),
        "the issueActivationKey hook works through the operator API"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_operator_api_key_scenarios_skip_with_the_reason() {
    let (_fixture, config) = serve_reference(false).await;
    let target = config.build().expect("the target builds");
    let report = Suite::bundled()
        .with_filter(interconnect_conformance::Filter::only(["connections"]))
        .run(&target)
        .await
        .expect("the suite loads");
    assert_eq!(failures(&report), Vec::<String>::new());
    let reasons: Vec<&str> = report
        .outcomes()
        .iter()
        .filter_map(|o| match &o.verdict {
            Verdict::Skip { reason } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert!(!reasons.is_empty());
    assert!(
        reasons.iter().all(|r| r.contains("issueActivationKey")),
        "{reasons:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_operator_token_fails_the_hook_without_showing_it() {
    let (_fixture, mut config) = serve_reference(true).await;
    if let Some((_, token)) = config.operator.as_mut() {
        *token = Secret::new("wrong-operator-token");
    }
    let target = config.build().expect("the target builds");
    let report = Suite::bundled()
        .with_filter(interconnect_conformance::Filter::only(["CONN-5"]))
        .run(&target)
        .await
        .expect("the suite loads");
    let failed = failures(&report);
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed.iter().all(|f| f.contains("401")), "{failed:?}");
    assert!(failed.iter().all(|f| !f.contains("wrong-operator-token")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_can_be_restricted_to_one_environment() {
    let (fixture, config) = serve_reference(true).await;
    let target = config.build().expect("the target builds");
    let report = Suite::bundled()
        .with_filter(interconnect_conformance::Filter::only(["static_resources"]))
        .with_environment(Some(fixture.environment()))
        .run(&target)
        .await
        .expect("the suite loads");
    assert_eq!(failures(&report), Vec::<String>::new());
    let missing = fixture.environment_id("no-such-environment");
    let report = Suite::bundled()
        .with_filter(interconnect_conformance::Filter::only(["static_resources"]))
        .with_environment(Some(missing))
        .run(&target)
        .await
        .expect("the suite loads");
    assert!(
        failures(&report)
            .iter()
            .all(|f| f.contains("no-such-environment")),
        "an environment that is not listed fails discovery"
    );
    assert!(!failures(&report).is_empty());
}

/// A binding that answers without authentication: a request without a
/// token, or with a token it never issued, is served as the partner.
async fn no_authentication(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let known = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v == format!("Bearer {PARTNER_TOKEN}") || v == format!("Bearer {STRANGER_TOKEN}")
        });
    if !known && let Ok(v) = format!("Bearer {PARTNER_TOKEN}").parse() {
        request.headers_mut().insert("authorization", v);
    }
    next.run(request).await
}

/// A binding whose errors are a flat `{"code", "message"}` document instead
/// of the `{"error": {...}}` of the specification.
async fn flat_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    if response.status().as_u16() < 400 {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let doc: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let flat = json!({"code": doc["error"]["code"], "message": doc["error"]["message"]});
    let mut parts = parts;
    parts.headers.remove("content-length");
    axum::response::Response::from_parts(parts, axum::body::Body::from(flat.to_string()))
}

/// A binding that writes the list of ListProviders under the May name
/// `environments` (upstream main: `providers`), and a `failureInfo` (a
/// draft member upstream main does not define) on every feature it answers
/// with: what only the JSON shows, since our typed decoder reads both.
async fn may_and_draft_members(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if response.status().as_u16() != 200 {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let mut doc: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    if path.ends_with("/providers")
        && let Some(list) = doc.as_object_mut().and_then(|o| o.remove("providers"))
    {
        doc["environments"] = list;
    }
    if path.contains("/features/") {
        doc["failureInfo"] = json!({"code": "VLAN_CONFLICT", "message": "m"});
    }
    parts.headers.remove("content-length");
    axum::response::Response::from_parts(parts, axum::body::Body::from(doc.to_string()))
}

/// The failures of the suite against a mutated binding, as (vector,
/// requirement, mismatch).
async fn failures_against(
    mutate: impl FnOnce(axum::Router) -> axum::Router,
) -> Vec<(String, String, String)> {
    failures_of(&["static_resources"], mutate).await
}

/// [`failures_against`] for the vectors `only` selects.
async fn failures_of(
    only: &[&str],
    mutate: impl FnOnce(axum::Router) -> axum::Router,
) -> Vec<(String, String, String)> {
    let (_fixture, config) = serve_mutated(true, mutate).await;
    let target: HttpTarget = config.build().expect("the target builds");
    let report = Suite::bundled()
        .with_filter(interconnect_conformance::Filter::only(only.iter().copied()))
        .run(&target)
        .await
        .expect("the suite loads");
    report
        .outcomes()
        .iter()
        .filter_map(|o| match &o.verdict {
            Verdict::Fail { mismatch } => {
                Some((o.vector.clone(), o.requirement.clone(), mismatch.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Issue 18 item 6, the binding's mutants: each is killed by the vector
/// whose requirement is the rule it breaks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_binding_without_authentication_fails_auth_1() {
    let failed =
        failures_against(|api| api.layer(axum::middleware::from_fn(no_authentication))).await;
    let requirements: Vec<&str> = failed.iter().map(|(_, r, _)| r.as_str()).collect();
    assert_eq!(requirements, vec!["AUTH-1"], "{failed:?}");
    assert!(failed[0].2.contains("expected status 401"), "{failed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_binding_with_a_flat_error_document_fails_err_1() {
    let failed = failures_against(|api| api.layer(axum::middleware::from_fn(flat_errors))).await;
    assert!(failed.iter().any(|(_, r, _)| r == "ERR-1"), "{failed:?}");
    assert!(
        failed.iter().all(|(_, _, m)| m.contains("ERR-1")),
        "every failure names the broken document: {failed:?}"
    );
}

/// The runner judges the JSON the server wrote, not what our liberal
/// decoder makes of it: a server still writing the May member name, or a
/// member upstream main does not define, fails the vectors of the current
/// specification although the typed client reads both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_binding_writing_may_and_draft_members_fails_wire_14_and_wire_31() {
    let failed = failures_of(
        &[
            "main-list-providers-writes-providers",
            "main-draft-failed-state-is-never-echoed",
        ],
        |api| api.layer(axum::middleware::from_fn(may_and_draft_members)),
    )
    .await;
    let mut requirements: Vec<&str> = failed.iter().map(|(_, r, _)| r.as_str()).collect();
    requirements.sort_unstable();
    assert_eq!(requirements, vec!["WIRE-14", "WIRE-31"], "{failed:?}");
    assert!(
        failed.iter().any(|(_, _, m)| m.contains("/providers")),
        "{failed:?}"
    );
    assert!(
        failed.iter().any(|(_, _, m)| m.contains("/failureInfo")),
        "{failed:?}"
    );
}

/// Removes the members proto3 JSON leaves out (false, 0, "", [], {}) and
/// reverses the order of every list but `comments`, the one list whose
/// order the specification defines (newest first, ISSUE-11).
fn proto3(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| match v {
                    Value::Array(items) if k == "comments" => {
                        (k, Value::Array(items.into_iter().map(proto3).collect()))
                    }
                    v => (k, proto3(v)),
                })
                .filter(|(_, v)| match v {
                    Value::Bool(b) => *b,
                    Value::String(s) => !s.is_empty(),
                    Value::Array(a) => !a.is_empty(),
                    Value::Object(o) => !o.is_empty(),
                    Value::Number(n) => n.as_f64() != Some(0.0),
                    Value::Null => false,
                })
                .collect(),
        ),
        // No list of the specification has an order a client may rely on
        // (pages are stable, not sorted): answer every list backwards.
        Value::Array(items) => Value::Array(items.into_iter().rev().map(proto3).collect()),
        other => other,
    }
}

/// `message` without the words that look like requirement ids.
fn without_ids(message: &str) -> String {
    message
        .split(' ')
        .filter(|w| {
            let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            !(w.contains('-')
                && w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
                && w.chars().any(|c| c.is_ascii_digit()))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A conforming server in other words: no requirement ids in error
/// messages, default-valued members left out of answers, lists in another
/// order.
async fn strip_ids_and_defaults(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    let Ok(doc) = serde_json::from_slice::<Value>(&bytes) else {
        return axum::response::Response::from_parts(parts, axum::body::Body::from(bytes));
    };
    let doc = if parts.status.as_u16() >= 400 {
        let mut doc = doc;
        if let Some(m) = doc["error"]["message"].as_str() {
            doc["error"]["message"] = json!(without_ids(m));
        }
        doc
    } else {
        proto3(doc)
    };
    parts.headers.remove("content-length");
    axum::response::Response::from_parts(parts, axum::body::Body::from(doc.to_string()))
}

/// Issue 18 item 1's control over HTTP: the reference server behind a
/// proxy that strips our ids from error messages, drops false and empty
/// members and reverses every list passes every vector the URL target can
/// run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_strip_ids_control_passes_over_http() {
    let (_fixture, config) = serve_mutated(true, |api| {
        api.layer(axum::middleware::from_fn(strip_ids_and_defaults))
    })
    .await;
    let target: HttpTarget = config.build().expect("the target builds");
    let report = Suite::bundled()
        .run(&target)
        .await
        .expect("the suite loads");
    assert_eq!(failures(&report), Vec::<String>::new());
    assert!(
        report
            .outcomes()
            .iter()
            .any(|o| o.vector == "auth-every-operation-needs-a-token" && o.verdict == Verdict::Pass)
    );
}
