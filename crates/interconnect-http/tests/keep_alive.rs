//! `HttpCoordinator` keeps one keep-alive connection pool per peer: calls
//! made one after another (by the client or any of its clones) reuse one
//! open TCP connection instead of opening a new one each time.
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use crate::common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use interconnect_http::{RouterConfig, router_with};
use interconnect_provider::testing::Fixture;
use interconnect_provider::{Caller, ConnectionCoordinator, request};

#[tokio::test]
async fn sequential_calls_reuse_one_connection() {
    interconnect_http::client::ensure_crypto_provider();
    let f = Fixture::new();
    let seen: Arc<Mutex<BTreeSet<SocketAddr>>> = Arc::default();
    let record = seen.clone();
    let app = router_with(
        f.server.clone(),
        Arc::new(common::tokens()),
        RouterConfig::default().rate_limit(None),
    )
    .layer(axum::middleware::from_fn(
        move |req: Request, next: Next| {
            let record = record.clone();
            async move {
                if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>() {
                    record.lock().expect("not poisoned").insert(*peer);
                }
                next.run(req).await
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("server ran");
    });
    let client = common::client(&base);
    let clone = client.clone();
    let caller = Caller::partner(common::provider("gcp"));
    for c in [&client, &clone, &client, &clone, &client] {
        c.get_provider(
            &caller,
            request::GetProvider {
                name: common::provider("aws"),
            },
        )
        .await
        .expect("GetProvider answers");
    }
    let seen = seen.lock().expect("not poisoned");
    assert_eq!(
        seen.len(),
        1,
        "five sequential calls came over {} connections: {seen:?}",
        seen.len()
    );
}
