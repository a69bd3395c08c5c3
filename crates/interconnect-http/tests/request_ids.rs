//! `requestId` over HTTP (upstream-next `x-request-id`): REQ-1 (a malformed
//! one is 400 naming it, on every operation that has it), REQ-2 (what the
//! client sends) and REQ-3 (a replay reserves once).
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use crate::common;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::RawQuery;
use axum::routing::{get, patch};
use common::GCP_TOKEN;
use interconnect_core::wire::{self, Secret};
use interconnect_provider::store::StoreExt;
use interconnect_provider::testing::Fixture;
use interconnect_provider::{Caller, ConnectionCoordinator, request};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use common::IX;

#[tokio::test]
async fn a_malformed_request_id_is_400_on_every_operation_that_has_it() {
    interconnect_http::client::ensure_crypto_provider();
    let f = Fixture::new();
    let base = common::spawn(
        f.server,
        interconnect_http::RouterConfig::default().rate_limit(None),
    );
    let http = reqwest::Client::new();
    // every operation but UpdateFeature, the one without `requestId`
    let ops: Vec<(Method, String)> = common::every_operation()
        .into_iter()
        .filter(|(method, path)| !(method == Method::PATCH && path.contains("/features/")))
        .collect();
    assert_eq!(ops.len(), 34);
    for (method, path) in &ops {
        let sep = if path.contains('?') { '&' } else { '?' };
        let response = http
            .request(
                method.clone(),
                format!("{base}{path}{sep}requestId=not-a-uuid"),
            )
            .bearer_auth(GCP_TOKEN)
            .body("{}")
            .send()
            .await
            .expect("answered");
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{method} {path}"
        );
        let body: Value = response.json().await.expect("JSON");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("REQ-1") && message.contains("requestId"),
            "{method} {path}: {message}"
        );
        // a well-formed one is accepted (whatever the operation answers)
        let response = http
            .request(
                method.clone(),
                format!("{base}{path}{sep}requestId=550e8400-e29b-41d4-a716-446655440000"),
            )
            .bearer_auth(GCP_TOKEN)
            .body("{}")
            .send()
            .await
            .expect("answered");
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(!message.starts_with("REQ-1"), "{method} {path}: {message}");
    }
    // UpdateFeature has no requestId: a malformed one is an unknown parameter
    let response = http
        .request(
            Method::PATCH,
            format!("{base}{IX}/connections/c1/features/f1?requestId=not-a-uuid"),
        )
        .bearer_auth(GCP_TOKEN)
        .body("{}")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "ERR-4: ignored");
}

#[tokio::test]
async fn the_client_sends_the_callers_request_id_and_a_fresh_one_otherwise() {
    interconnect_http::client::ensure_crypto_provider();
    let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let record = |seen: Arc<Mutex<Vec<Option<String>>>>, answer: &'static str| {
        move |RawQuery(q): RawQuery| {
            let seen = seen.clone();
            async move {
                let id = q.as_deref().and_then(|q| {
                    q.split('&')
                        .find_map(|p| p.strip_prefix("requestId=").map(str::to_owned))
                });
                seen.lock().expect("lock").push(id);
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    answer,
                )
            }
        }
    };
    let app = Router::new()
        .route(
            "/providers/{p}",
            get(record(seen.clone(), r#"{"name":"providers/gcp"}"#)),
        )
        .route(
            "/providers/{p}/environments/{e}/interconnects/{i}/connections/{c}/features/{f}",
            patch(record(seen.clone(), "{}")),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("served") });
    let client = common::client(&base);
    let caller = Caller::partner(common::provider("gcp"));
    let name = common::provider("gcp");
    let id = uuid::Uuid::new_v4();
    let with_id = caller.clone().with_request_id(Some(id));
    for c in [&with_id, &with_id, &caller, &caller] {
        client
            .get_provider(c, request::GetProvider { name: name.clone() })
            .await
            .expect("answered");
    }
    let feature = format!("{IX}/connections/c1/features/f1")
        .trim_start_matches('/')
        .parse()
        .expect("a feature name");
    client
        .update_feature(
            &with_id,
            request::UpdateFeature {
                name: feature,
                update_mask: None,
                feature: wire::Feature::default(),
            },
        )
        .await
        .expect("answered");
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 5);
    assert_eq!(
        seen[0].as_deref(),
        Some(id.to_string().as_str()),
        "REQ-2: the caller's"
    );
    assert_eq!(
        seen[0], seen[1],
        "REQ-2: the same for the same logical operation"
    );
    let fresh: Vec<uuid::Uuid> = seen[2..4]
        .iter()
        .map(|s| {
            s.as_deref()
                .and_then(|s| uuid::Uuid::parse_str(s).ok())
                .expect("a UUID")
        })
        .collect();
    assert_ne!(fresh[0], fresh[1], "REQ-2: a new id for a new operation");
    assert_eq!(seen[4], None, "UpdateFeature has no requestId");
}

#[tokio::test]
async fn a_replay_over_http_reserves_once() {
    interconnect_http::client::ensure_crypto_provider();
    let f = Fixture::new();
    let key = f
        .server
        .issue_activation_key(&f.environment(), 1000, Secret::new("123456789012"))
        .expect("issued");
    let client = common::serve(f.server.clone());
    let caller = f.caller();
    client
        .confirm_activation_key(
            &caller,
            request::ConfirmActivationKey {
                name: f.environment(),
                body: wire::ConfirmActivationKeyRequest {
                    key: None,
                    encoded_key: Some(key.encoded().clone()),
                },
            },
        )
        .await
        .expect("confirmed");
    let create = || request::CreateConnection {
        parent: f.interconnect("ix1"),
        connection_id: key.shared_connection_uuid().as_str().to_owned(),
        connection: wire::Connection {
            bandwidth_mbps: Some(1000),
            ..Default::default()
        },
    };
    let once = caller.clone().with_new_request_id();
    let first = client
        .create_connection(&once, create())
        .await
        .expect("created");
    let again = client
        .create_connection(&once, create())
        .await
        .expect("REQ-3: replayed");
    assert_eq!(first, again);
    let reserved = f
        .server
        .store()
        .view(|s| s.connections.reserved_mbps(&f.interconnect("ix1")))
        .expect("a view");
    assert_eq!(reserved, 1000, "REQ-3: reserved once");
    let other = wire::Connection {
        bandwidth_mbps: Some(2000),
        ..Default::default()
    };
    let e = client
        .create_connection(
            &once,
            request::CreateConnection {
                connection: other,
                ..create()
            },
        )
        .await
        .expect_err("REQ-4");
    assert_eq!(e.http_status(), 409);
    assert_eq!(e.rule(), "REQ-4");
}
