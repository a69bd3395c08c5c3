//! The development hooks of a reference server (`/operator/v1/dev/...`):
//! the operator's token only (401, AUTH-1), the clock moves forward only
//! (400 naming `seconds`), `awaitProvisioning` moves it past the devices'
//! delay, and a MACsec key that does not exist is 404. What the hooks let a
//! conformance run observe is tested by the CLI's
//! `conformance_against_serve_dev_runs_every_vector_and_passes`.
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use interconnect_core::names::ProviderName;
use interconnect_core::wire::Secret;
use interconnect_http::{DevHooks, dev_router, operator_api::operator_router};
use interconnect_provider::ReferenceProvider;
use interconnect_provider::backend::InMemoryBackend;
use interconnect_provider::clock::{Clock, ShiftedClock};
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::store::MemoryStore;
use serde_json::{Value, json};
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const OPERATOR: &str = "operator-token";

fn app() -> (axum::Router, Arc<ShiftedClock>) {
    let aws = ProviderName::new("aws").expect("id");
    let gcp = ProviderName::new("gcp").expect("id");
    let clock = Arc::new(ShiftedClock::new());
    let provider = Arc::new(
        ReferenceProvider::new(
            ProviderConfig::default_pair(&aws, &gcp, 64512).expect("default pair"),
            Arc::new(MemoryStore::new()),
            clock.clone(),
            Arc::new(InMemoryBackend::new(
                clock.clone(),
                chrono::Duration::milliseconds(200),
            )),
        )
        .expect("coherent"),
    );
    let app = operator_router(provider.clone(), Some(Secret::new(OPERATOR))).merge(dev_router(
        DevHooks {
            provider,
            clock: clock.clone(),
            provisioning_delay: chrono::Duration::milliseconds(200),
            token: Some(Secret::new(OPERATOR)),
        },
    ));
    (app, clock)
}

async fn send(
    app: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Result<(StatusCode, Value), Box<dyn std::error::Error>> {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let text = body.map(|b| b.to_string()).unwrap_or_default();
    let request = request
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(text))?;
    let response = app.clone().oneshot(request).await?;
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

#[tokio::test]
async fn the_hooks_need_the_operator_token() -> TestResult {
    let (app, clock) = app();
    for (method, path, body) in [
        ("GET", "/operator/v1/dev/hooks", None),
        (
            "POST",
            "/operator/v1/dev/advanceClock",
            Some(json!({"seconds": 60})),
        ),
        (
            "POST",
            "/operator/v1/dev/awaitProvisioning",
            Some(json!({})),
        ),
    ] {
        for token in [None, Some("not-the-operator")] {
            let (status, value) = send(&app, method, path, token, body.clone()).await?;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {value}");
            assert_eq!(value["error"]["code"], 401);
        }
    }
    assert_eq!(clock.offset(), chrono::Duration::zero(), "nothing moved");
    let (status, listed) =
        send(&app, "GET", "/operator/v1/dev/hooks", Some(OPERATOR), None).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        listed,
        json!({"hooks": ["advanceClock", "awaitProvisioning", "activateMacSecKey"]})
    );
    Ok(())
}

#[tokio::test]
async fn the_clock_moves_forward_only() -> TestResult {
    let (app, clock) = app();
    let path = "/operator/v1/dev/advanceClock";
    let (status, value) = send(
        &app,
        "POST",
        path,
        Some(OPERATOR),
        Some(json!({"seconds": -1})),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{value}");
    assert!(
        value["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("seconds") && m.contains("ERR-6")),
        "{value}"
    );
    let (status, value) = send(
        &app,
        "POST",
        path,
        Some(OPERATOR),
        Some(json!({"seconds": "60"})),
    )
    .await?;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a string is not seconds: {value}"
    );
    let (status, value) = send(
        &app,
        "POST",
        path,
        Some(OPERATOR),
        Some(json!({"seconds": 3600})),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{value}");
    assert_eq!(clock.offset(), chrono::Duration::hours(1));
    let shown: chrono::DateTime<chrono::Utc> = value["now"].as_str().ok_or("now")?.parse()?;
    assert!((shown - clock.now()).num_seconds().abs() < 5);
    let (status, _) = send(
        &app,
        "POST",
        "/operator/v1/dev/awaitProvisioning",
        Some(OPERATOR),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        clock.offset(),
        chrono::Duration::hours(1) + chrono::Duration::seconds(1),
        "past the 200 ms of provisioning, rounded up to a second"
    );
    Ok(())
}

#[tokio::test]
async fn an_unknown_mac_sec_key_is_404() -> TestResult {
    let (app, _) = app();
    let name =
        "providers/gcp/environments/aws-gcp-us-east/interconnects/ix1/channels/ch1/macSecKeys/k1";
    let (status, value) = send(
        &app,
        "POST",
        "/operator/v1/dev/activateMacSecKey",
        Some(OPERATOR),
        Some(json!({ "name": name })),
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{value}");
    let (status, value) = send(
        &app,
        "POST",
        "/operator/v1/dev/activateMacSecKey",
        Some(OPERATOR),
        Some(json!({ "name": "not/a/key" })),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{value}");
    Ok(())
}
