//! The customer (`/customer/v1`) and operator (`/operator/v1`) APIs of a
//! reference provider, at the HTTP level: authentication (401, AUTH-1),
//! isolation of customers (404, CONN-22), bodies (400 naming the JSON path,
//! ERR-6), the accepting account (403, KEY-24), the operator's key issuing
//! and MACsec rotation, and the one error shape (ERR-1).
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use interconnect_core::names::ProviderName;
use interconnect_core::wire::Secret;
use interconnect_http::rate_limit::RateLimit;
use interconnect_http::{AppAccess, BearerTokens, CustomerTokens, RouterConfig, provider_app};
use interconnect_provider::ReferenceProvider;
use interconnect_provider::backend::InMemoryBackend;
use interconnect_provider::clock::ManualClock;
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::store::MemoryStore;
use serde_json::{Value, json};
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ALICE: &str = "alice-token";
const BOB: &str = "bob-token";
const OPERATOR: &str = "operator-token";

fn app() -> axum::Router {
    app_with(RouterConfig::default().rate_limit(None))
}

fn app_with(router_config: RouterConfig) -> axum::Router {
    app_and_provider(router_config).0
}

fn app_and_provider(router_config: RouterConfig) -> (axum::Router, Arc<ReferenceProvider>) {
    let aws = ProviderName::new("aws").expect("id");
    let gcp = ProviderName::new("gcp").expect("id");
    let clock = Arc::new(ManualClock::at_epoch());
    // No partner is reachable in this fixture: the shared environments take
    // version 1 keys only, so issuing a key asks no partner for its
    // activation key parameters (KEY-44).
    let mut config = ProviderConfig::default_pair(&aws, &gcp, 64512).expect("default pair");
    for partner in &mut config.inventory.partners {
        for env in &mut partner.environments {
            env.activation_key_versions = vec![1];
        }
    }
    let provider = Arc::new(
        ReferenceProvider::new(
            config,
            Arc::new(MemoryStore::new()),
            clock.clone(),
            Arc::new(InMemoryBackend::new(clock, chrono::Duration::zero())),
        )
        .expect("coherent"),
    );
    let app = provider_app(
        provider.clone(),
        AppAccess {
            partners: Arc::new(BearerTokens::new().with_partner(Secret::new("gcp-token"), gcp)),
            customers: CustomerTokens::new()
                .with_customer(Secret::new(ALICE), Secret::new("111122223333"))
                .with_customer(Secret::new(BOB), Secret::new("444455556666")),
            operator: Some(Secret::new(OPERATOR)),
        },
        router_config,
    );
    (app, provider)
}

async fn send(
    app: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<(StatusCode, Value), Box<dyn std::error::Error>> {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let request = request.body(Body::from(body.unwrap_or("").to_owned()))?;
    let response = app.clone().oneshot(request).await?;
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Ok((status, value))
}

fn request_body() -> String {
    json!({
        "environment": "providers/gcp/environments/aws-gcp-us-east",
        "bandwidth": "1Gbps",
        "remoteAccountId": "my-gcp-project",
        "attachment": {
            "provider": "providers/aws",
            "attachPoint": {"kind": "awsDirectConnectGateway", "id": "dxgw-1"},
            "cidrs": ["10.0.0.0/16"],
            "ipStack": "IPV4_ONLY",
            "mtuBytes": 8500
        }
    })
    .to_string()
}

fn assert_error_shape(value: &Value, code: u16, rule: &str) {
    assert_eq!(value["error"]["code"], code, "{value}");
    assert!(value["error"]["status"].is_string(), "{value}");
    let message = value["error"]["message"].as_str().unwrap_or("");
    assert!(message.starts_with(rule), "{rule} expected in {value}");
}

#[tokio::test]
async fn customer_calls_without_a_known_token_are_401() -> TestResult {
    let app = app();
    for (method, path) in [
        ("GET", "/customer/v1/connections"),
        ("POST", "/customer/v1/connections"),
        ("GET", "/customer/v1/connections/x"),
        ("DELETE", "/customer/v1/connections/x"),
        ("POST", "/customer/v1/activationKeys/accept"),
    ] {
        let (status, value) = send(&app, method, path, None, None).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_error_shape(&value, 401, "AUTH-1");
        let (status, _) = send(&app, method, path, Some("not-a-token"), None).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        // a partner's token is not a customer's
        let (status, _) = send(&app, method, path, Some("gcp-token"), None).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    Ok(())
}

#[tokio::test]
async fn another_customers_connection_is_404() -> TestResult {
    let app = app();
    let body = request_body();
    let (status, requested) = send(
        &app,
        "POST",
        "/customer/v1/connections",
        Some(ALICE),
        Some(&body),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{requested}");
    let id = requested["connection"]["connectionId"]
        .as_str()
        .ok_or("connection id")?;
    assert!(requested["activationKey"].is_string());
    assert_eq!(requested["connection"]["phase"], "awaitingPeer");

    let path = format!("/customer/v1/connections/{id}");
    let (status, mine) = send(&app, "GET", &path, Some(ALICE), None).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["connectionId"], id);

    let (status, value) = send(&app, "GET", &path, Some(BOB), None).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "CONN-22: {value}");
    assert_error_shape(&value, 404, "CONN-22");
    let (status, _) = send(&app, "DELETE", &path, Some(BOB), None).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(
        &app,
        "PATCH",
        &path,
        Some(BOB),
        Some(r#"{"bandwidthMbps": 2000}"#),
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, listed) = send(&app, "GET", "/customer/v1/connections", Some(BOB), None).await?;
    assert_eq!(listed, json!({"connections": []}));
    let (_, listed) = send(&app, "GET", "/customer/v1/connections", Some(ALICE), None).await?;
    assert_eq!(listed["connections"].as_array().map(Vec::len), Some(1));

    let (status, deleted) = send(&app, "DELETE", &path, Some(ALICE), None).await?;
    assert_eq!(status, StatusCode::OK, "{deleted}");
    assert_eq!(deleted["phase"], "deleted");
    Ok(())
}

#[tokio::test]
async fn bad_bodies_are_400_naming_the_json_path() -> TestResult {
    let app = app();
    let mut body: Value = serde_json::from_str(&request_body())?;
    body["attachment"]["mtuBytes"] = json!("big");
    let (status, value) = send(
        &app,
        "POST",
        "/customer/v1/connections",
        Some(ALICE),
        Some(&body.to_string()),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{value}");
    assert_error_shape(&value, 400, "ERR-6");
    let message = value["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains("attachment.mtuBytes"), "{message}");

    let (status, value) = send(&app, "POST", "/customer/v1/connections", Some(ALICE), None).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "ERR-6: a body is required");
    assert_error_shape(&value, 400, "ERR-6");

    let (status, value) = send(
        &app,
        "PATCH",
        "/customer/v1/connections/x",
        Some(ALICE),
        Some(r#"{"bandwidthMbps": "fast"}"#),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        value["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("bandwidthMbps")),
        "{value}"
    );

    let (status, value) = send(
        &app,
        "POST",
        "/customer/v1/activationKeys/describe",
        Some(ALICE),
        Some(r#"{"activationKey": "not base64!"}"#),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{value}");
    assert_error_shape(&value, 400, "KEY-23");
    assert!(
        !value.to_string().contains("not base64!"),
        "the key is never repeated"
    );
    Ok(())
}

#[tokio::test]
async fn a_key_is_accepted_only_for_the_authenticated_account() -> TestResult {
    let app = app();
    let body = json!({
        "activationKey": "eyJ2ZXJzaW9uIjoxfQ==",
        "acceptingAccountId": "444455556666",
        "attachment": {
            "provider": "providers/aws",
            "attachPoint": {"kind": "awsDirectConnectGateway", "id": "dxgw-1"},
            "cidrs": ["10.0.0.0/16"],
            "ipStack": "IPV4_ONLY",
            "mtuBytes": 8500
        }
    })
    .to_string();
    let (status, value) = send(
        &app,
        "POST",
        "/customer/v1/activationKeys/accept",
        Some(ALICE),
        Some(&body),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "KEY-24: {value}");
    assert_error_shape(&value, 403, "KEY-24");
    assert!(
        !value.to_string().contains("444455556666"),
        "no account id in errors"
    );
    Ok(())
}

#[tokio::test]
async fn the_operator_issues_keys_and_starts_rotations_with_its_token_only() -> TestResult {
    let app = app();
    let body = json!({
        "environment": "providers/gcp/environments/aws-gcp-us-east",
        "bandwidthMbps": 2000,
        "destinationAccountId": "my-gcp-project"
    })
    .to_string();
    for token in [None, Some(ALICE), Some("gcp-token")] {
        let (status, value) = send(
            &app,
            "POST",
            "/operator/v1/activationKeys",
            token,
            Some(&body),
        )
        .await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_error_shape(&value, 401, "AUTH-1");
    }
    let (status, issued) = send(
        &app,
        "POST",
        "/operator/v1/activationKeys",
        Some(OPERATOR),
        Some(&body),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{issued}");
    assert_eq!(
        issued.as_object().map(|o| o.len()),
        Some(1),
        "exactly {{activationKey}}"
    );
    let key = issued["activationKey"].as_str().ok_or("key")?;
    // the key describes as asked
    let (status, described) = send(
        &app,
        "POST",
        "/customer/v1/activationKeys/describe",
        Some(ALICE),
        Some(&json!({"activationKey": key}).to_string()),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{described}");
    assert_eq!(described["bandwidthMbps"], 2000);

    let (status, value) = send(
        &app,
        "POST",
        "/operator/v1/activationKeys",
        Some(OPERATOR),
        Some(
            r#"{"environment": "providers/gcp/environments/aws-gcp-us-east", "bandwidthMbps": 3}"#,
        ),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "KEY-26: {value}");

    let ix = "providers/gcp/environments/aws-gcp-us-east/interconnects/ix1";
    let (status, queued) = send(
        &app,
        "POST",
        "/operator/v1/macsecRotations",
        Some(OPERATOR),
        Some(&json!({"interconnect": ix}).to_string()),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{queued}");
    assert_eq!(queued["interconnect"], ix);
    assert_eq!(
        queued["channels"].as_array().map(Vec::len),
        Some(2),
        "aws manages ch1, ch2"
    );
    let (status, run) = send(
        &app,
        "GET",
        &format!("/operator/v1/macsecRotations/{ix}"),
        Some(OPERATOR),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{run}");
    assert_eq!(run["queue"].as_array().map(Vec::len), Some(2));

    let (status, value) = send(
        &app,
        "POST",
        "/operator/v1/macsecRotations",
        Some(OPERATOR),
        Some(r#"{}"#),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{value}");

    let (status, health) = send(&app, "GET", "/healthz", None, None).await?;
    assert_eq!(
        (status, health),
        (
            StatusCode::OK,
            json!({"status": "ok", "provider": "providers/aws"})
        )
    );
    Ok(())
}

/// The POST routes of the customer and operator APIs that read a body.
const BODY_ROUTES: [&str; 5] = [
    "/customer/v1/connections",
    "/customer/v1/activationKeys/accept",
    "/customer/v1/activationKeys/describe",
    "/operator/v1/activationKeys",
    "/operator/v1/issues",
];

#[tokio::test]
async fn a_large_unauthenticated_body_is_401_before_it_is_read() -> TestResult {
    // OPS-24: the gate authenticates before any handler reads the body, so
    // an anonymous client gets 401, not 413, and cannot make the server
    // read (or wait for) a body.
    let app = app();
    let large = format!("{{{}}}", " ".repeat(2 << 20));
    for path in BODY_ROUTES {
        let (status, value) = send(&app, "POST", path, None, Some(&large)).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "POST {path}: {value}");
        assert_error_shape(&value, 401, "AUTH-1");
        let never = Body::from_stream(futures_never());
        let request = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::AUTHORIZATION, "Bearer not-a-token")
            .header(header::CONTENT_TYPE, "application/json")
            .body(never)?;
        let response = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            app.clone().oneshot(request),
        )
        .await
        .map_err(|_| {
            format!("POST {path}: the server waited for the body of an anonymous caller")
        })??;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "POST {path}");
    }
    Ok(())
}

/// A body stream that never yields.
fn futures_never()
-> impl futures_core::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static {
    struct Never;
    impl futures_core::Stream for Never {
        type Item = Result<axum::body::Bytes, std::io::Error>;
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Pending
        }
    }
    Never
}

#[tokio::test]
async fn customers_and_the_operator_are_rate_limited_each_on_their_own() -> TestResult {
    // OPS-24: the same rate limit as partners, one bucket per caller; the
    // clock is frozen, so the bucket never refills during the test.
    let app = app_with(
        RouterConfig::default()
            .rate_limit(Some(RateLimit {
                per_second: 0.001,
                burst: 2,
            }))
            .clock(Arc::new(ManualClock::at_epoch())),
    );
    for _ in 0..2 {
        let (status, value) =
            send(&app, "GET", "/customer/v1/connections", Some(ALICE), None).await?;
        assert_eq!(status, StatusCode::OK, "{value}");
    }
    let (status, value) = send(&app, "GET", "/customer/v1/connections", Some(ALICE), None).await?;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{value}");
    assert_error_shape(&value, 429, "ERR-7");
    let (status, value) = send(&app, "GET", "/customer/v1/connections", Some(BOB), None).await?;
    assert_eq!(
        status,
        StatusCode::OK,
        "another customer has a bucket of its own: {value}"
    );
    let rotation =
        "/operator/v1/macsecRotations/providers/gcp/environments/aws-gcp-us-east/interconnects/ix1";
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let (status, _) = send(&app, "GET", rotation, Some(OPERATOR), None).await?;
        statuses.push(status);
    }
    assert_eq!(statuses[2], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    assert_ne!(statuses[0], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    // /healthz is outside the gate: no token, no rate limit.
    for _ in 0..5 {
        let (status, value) = send(&app, "GET", "/healthz", None, None).await?;
        assert_eq!(status, StatusCode::OK, "{value}");
    }
    Ok(())
}

#[tokio::test]
async fn every_api_echoes_the_request_id() -> TestResult {
    let app = app();
    for (path, token) in [
        ("/customer/v1/connections", Some(ALICE)),
        ("/customer/v1/connections", None),
        (
            "/operator/v1/macsecRotations/providers/gcp/environments/aws-gcp-us-east/interconnects/ix1",
            Some(OPERATOR),
        ),
        ("/providers", Some("gcp-token")),
    ] {
        let mut request = Request::builder()
            .method("GET")
            .uri(path)
            .header("x-request-id", "trace-42");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = app.clone().oneshot(request.body(Body::empty())?).await?;
        assert_eq!(
            response
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok()),
            Some("trace-42"),
            "OPS-24: GET {path} (token {token:?}) echoes x-request-id"
        );
    }
    Ok(())
}

/// Issue 19 item 4: a partner the operator names that is not configured is
/// the operator's typo, answered 404 (ERR-3) over HTTP, not the 503 of a
/// partner that cannot be reached.
#[tokio::test]
async fn an_operator_call_naming_an_unknown_partner_is_404_not_503() -> TestResult {
    let app = app();
    let body = json!({"partner": "gpc", "issue": {"title": "t", "body": "b"}}).to_string();
    let (status, value) = send(
        &app,
        "POST",
        "/operator/v1/issues",
        Some(OPERATOR),
        Some(&body),
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{value}");
    assert_error_shape(&value, 404, "ERR-3");
    assert_eq!(value["error"]["status"], "NOT_FOUND");
    Ok(())
}

/// RECON-2: the connections the peer check found degraded are listed to
/// the operator, with the reason, and to nobody else.
#[tokio::test]
async fn degraded_connections_are_listed_to_the_operator() -> TestResult {
    use interconnect_provider::store::{Degradation, Phase, Role, StoreExt, Workflow};
    let (app, provider) = app_and_provider(RouterConfig::default().rate_limit(None));
    let path = "/operator/v1/degradedConnections";
    let (status, value) = send(&app, "GET", path, Some(OPERATOR), None).await?;
    assert_eq!(status, StatusCode::OK, "{value}");
    assert_eq!(value, json!({"connections": []}));
    let uuid = "7c1f4e4a-1d2b-4c3d-8e9f-0a1b2c3d4e5f";
    let since = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    let environment = "providers/gcp/environments/aws-gcp-us-east".parse()?;
    provider.store().update(|s| {
        let mut wf = Workflow::new(Role::Negotiator, Phase::Degraded, environment, 1000, since);
        wf.degradation = Some(Degradation {
            since,
            reason: "the peer no longer lists feature(s) f1".into(),
        });
        s.workflows.insert(uuid.into(), wf);
        Ok(())
    })?;
    for token in [None, Some(ALICE), Some("gcp-token")] {
        let (status, value) = send(&app, "GET", path, token, None).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}: {value}");
    }
    let (status, value) = send(&app, "GET", path, Some(OPERATOR), None).await?;
    assert_eq!(status, StatusCode::OK, "{value}");
    assert_eq!(value["connections"][0]["connectionId"], uuid);
    assert_eq!(
        value["connections"][0]["reason"],
        "the peer no longer lists feature(s) f1"
    );
    assert_eq!(value["connections"][0]["since"], "1970-01-01T00:00:00Z");
    assert_eq!(value["connections"].as_array().map(Vec::len), Some(1));
    Ok(())
}

/// CONN-46: the operator creates the provider's own MONITORING connection,
/// lists it, and a second one on the same interconnect is 409 CONN-45.
#[tokio::test]
async fn the_operator_creates_and_lists_monitoring_connections() -> TestResult {
    let app = app();
    let path = "/operator/v1/monitoringConnections";
    let body = json!({
        "interconnect": "providers/gcp/environments/aws-gcp-us-east/interconnects/ix1",
        "bandwidthMbps": 100
    })
    .to_string();
    let (status, _) = send(&app, "POST", path, Some(ALICE), Some(&body)).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, value) = send(
        &app,
        "POST",
        path,
        Some(OPERATOR),
        Some("{\"interconnect\": 1}"),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{value}");
    let (status, created) = send(&app, "POST", path, Some(OPERATOR), Some(&body)).await?;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["phase"], "creatingRemote");
    let (status, listed) = send(&app, "GET", path, Some(OPERATOR), None).await?;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(
        listed["connections"][0]["connectionId"],
        created["connectionId"]
    );
    let (status, value) = send(&app, "POST", path, Some(OPERATOR), Some(&body)).await?;
    assert_eq!(status, StatusCode::CONFLICT, "{value}");
    assert_error_shape(&value, 409, "CONN-45");
    Ok(())
}

/// The routes the router in `file` (relative to the crate) registers, as
/// `METHOD path`: the string literal after each `.route(` and the method
/// functions (`get(`, `post(`, ...) before the next `.route`.
fn registered_routes(file: &str) -> std::collections::BTreeSet<String> {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut routes = std::collections::BTreeSet::new();
    for (i, m) in text.match_indices(".route(") {
        let Some(rest) = text[i + m.len()..].trim_start().strip_prefix('"') else {
            continue;
        };
        let Some(end) = rest.find('"') else { continue };
        let path = &rest[..end];
        let tail = &rest[end..];
        let segment = &tail[..tail.find(".route").unwrap_or(tail.len())];
        for method in ["get", "post", "patch", "delete", "put"] {
            let called = segment.match_indices(&format!("{method}(")).any(|(j, _)| {
                segment[..j]
                    .chars()
                    .last()
                    .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_')
            });
            if called {
                routes.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    routes
}

/// OPS-55 (issue 16 item 12): the OpenAPI document of the customer and
/// operator APIs lists every route the routers register, every row is
/// served with its method, and the document is served to the operator.
#[tokio::test]
async fn the_openapi_document_lists_every_route_and_every_row_is_served() -> TestResult {
    use interconnect_http::management_doc::{
        CUSTOMER_ROUTES, OPERATOR_ROUTES, management_openapi, openapi_path,
    };
    for (file, rows) in [
        ("src/customer_api.rs", CUSTOMER_ROUTES),
        ("src/operator_api.rs", OPERATOR_ROUTES),
    ] {
        let documented: std::collections::BTreeSet<String> = rows
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert_eq!(registered_routes(file), documented, "{file}");
    }
    let app = app();
    for (rows, token) in [(CUSTOMER_ROUTES, ALICE), (OPERATOR_ROUTES, OPERATOR)] {
        for r in rows {
            let path = r
                .path
                .replace("{id}", "7c1f4e4a-1d2b-4c3d-8e9f-0a1b2c3d4e5f")
                .replace(
                    "{*interconnect}",
                    "providers/gcp/environments/aws-gcp-us-east/interconnects/ix1",
                );
            let token = (!r.public).then_some(token);
            let (status, value) =
                send(&app, r.method, &path, token, r.request.map(|_| "{}")).await?;
            assert_ne!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{} {path}",
                r.method
            );
            assert!(
                !value
                    .to_string()
                    .contains("no operation of the specification"),
                "{} {path} is not routed: {value}",
                r.method
            );
            assert_ne!(status, StatusCode::UNAUTHORIZED, "{} {path}", r.method);
        }
    }
    let (status, _) = send(&app, "GET", "/operator/v1/openapi.json", None, None).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, doc) = send(
        &app,
        "GET",
        "/operator/v1/openapi.json",
        Some(OPERATOR),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc, management_openapi());
    assert_eq!(doc["openapi"], "3.1.0");
    for r in CUSTOMER_ROUTES.iter().chain(OPERATOR_ROUTES) {
        let op = &doc["paths"][openapi_path(r.path)][r.method.to_lowercase()];
        assert!(op["operationId"].is_string(), "{} {}", r.method, r.path);
        assert_eq!(op["requestBody"].is_object(), r.request.is_some());
        assert_eq!(
            op["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Error"
        );
    }
    Ok(())
}
