//! A reference provider served over HTTP on `127.0.0.1:0`, and clients of it.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use interconnect_core::names::ProviderName;
use interconnect_core::wire::Secret;
use interconnect_http::{
    BearerTokens, HttpCoordinator, HttpCoordinatorConfig, RouterConfig, router_with,
};
use interconnect_provider::ConnectionCoordinator;

/// The partner's token.
pub const GCP_TOKEN: &str = "gcp-test-token-0123456789";
/// A token of a provider that is not a partner of the server.
pub const AZURE_TOKEN: &str = "azure-test-token-0123456789";

pub fn provider(id: &str) -> ProviderName {
    ProviderName::new(id).expect("valid provider id")
}

/// The tokens the test server knows.
pub fn tokens() -> BearerTokens {
    BearerTokens::new()
        .with_partner(Secret::new(GCP_TOKEN), provider("gcp"))
        .with_partner(Secret::new(AZURE_TOKEN), provider("azure"))
}

/// Serves `coordinator` on a fresh loopback port (inside the current tokio
/// runtime) and answers its base URL.
pub fn spawn<C: ConnectionCoordinator + 'static>(
    coordinator: Arc<C>,
    config: RouterConfig,
) -> String {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    std_listener.set_nonblocking(true).expect("non-blocking");
    let addr = std_listener.local_addr().expect("local address");
    let listener = tokio::net::TcpListener::from_std(std_listener).expect("tokio listener");
    let app = router_with(coordinator, Arc::new(tokens()), config);
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("server ran");
    });
    format!("http://{addr}")
}

/// A client speaking as `gcp` (and `azure`, for the stranger scenarios).
pub fn client(base: &str) -> HttpCoordinator {
    HttpCoordinatorConfig::new(base, &provider("gcp"), Secret::new(GCP_TOKEN))
        .with_credential("azure", Secret::new(AZURE_TOKEN))
        .build()
        .expect("client builds")
}

/// Serves the fixture's server without a rate limit and answers a client.
pub fn serve<C: ConnectionCoordinator + 'static>(server: Arc<C>) -> HttpCoordinator {
    let base = spawn(server, RouterConfig::default().rate_limit(None));
    client(&base)
}

/// The environment the fixture serves to `gcp`.
pub const ENV: &str = "/providers/gcp/environments/aws-gcp-us-east";
/// Its first interconnect.
pub const IX: &str = "/providers/gcp/environments/aws-gcp-us-east/interconnects/ix1";

/// One request per operation of upstream main (35), in `openapi.yaml`
/// order: its method and path (with the query parameters a create needs)
/// on the fixture's resources.
pub fn every_operation() -> Vec<(reqwest::Method, String)> {
    use reqwest::Method;
    let ch = format!("{IX}/channels/ch1");
    let conn = format!("{IX}/connections/c1");
    vec![
        (Method::GET, "/providers".into()),
        (Method::GET, "/providers/gcp".into()),
        (Method::GET, "/providers/gcp/environments".into()),
        (Method::GET, ENV.into()),
        (Method::POST, format!("{ENV}/ConfirmActivationKey")),
        (Method::GET, format!("{ENV}/activationKeyParameters")),
        (Method::GET, format!("{ENV}/interconnects")),
        (Method::GET, IX.into()),
        (Method::GET, format!("{IX}/channels")),
        (Method::GET, ch.clone()),
        (Method::POST, format!("{ch}/NotifyMaintenance")),
        (Method::POST, format!("{ch}/RequestMacSecKeyRotation")),
        (Method::GET, format!("{ch}/maintenanceEvents")),
        (Method::POST, format!("{ch}/macSecKeys?macSecKeyId=k1")),
        (Method::GET, format!("{ch}/macSecKeys")),
        (Method::GET, format!("{ch}/macSecKeys/k1")),
        (Method::DELETE, format!("{ch}/macSecKeys/k1")),
        (Method::GET, format!("{IX}/connections")),
        (Method::POST, format!("{IX}/connections?connectionId=c1")),
        (Method::DELETE, conn.clone()),
        (Method::GET, conn.clone()),
        (Method::PATCH, conn.clone()),
        (Method::POST, format!("{conn}/GenerateFeatureGuidance")),
        (Method::POST, format!("{conn}/NotifyConnectionStatus")),
        (Method::GET, format!("{conn}/features")),
        (Method::POST, format!("{conn}/features?featureId=f1")),
        (Method::DELETE, format!("{conn}/features/f1")),
        (Method::GET, format!("{conn}/features/f1")),
        (Method::PATCH, format!("{conn}/features/f1")),
        (Method::GET, "/providers/gcp/issues".into()),
        (Method::POST, "/providers/gcp/issues?issueId=i1".into()),
        (Method::GET, "/providers/gcp/issues/i1".into()),
        (Method::POST, "/providers/gcp/issues/i1/Close".into()),
        (Method::GET, "/providers/gcp/issues/i1/comments".into()),
        (Method::POST, "/providers/gcp/issues/i1/AddComment".into()),
    ]
}
