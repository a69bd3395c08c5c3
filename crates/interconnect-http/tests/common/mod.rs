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

/// The fixture's resource for each placeholder of a path template.
fn fixture_id(placeholder: &str) -> &'static str {
    match placeholder {
        "provider" => "gcp",
        "environment" => "aws-gcp-us-east",
        "interconnect" => "ix1",
        "channel" => "ch1",
        "macSecKey" => "k1",
        "connection" => "c1",
        "feature" => "f1",
        "issue" => "i1",
        other => panic!("no fixture resource for {{{other}}}"),
    }
}

/// One request per operation of upstream main (35), in `openapi.yaml`
/// order, from the operation table: its method and path (with the query
/// parameter a create needs) on the fixture's resources.
pub fn every_operation() -> Vec<(reqwest::Method, String)> {
    interconnect_provider::request::TABLE
        .iter()
        .map(|row| {
            let mut path = String::new();
            for segment in row.path.split('/').skip(1) {
                path.push('/');
                match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(placeholder) => path.push_str(fixture_id(placeholder)),
                    None => path.push_str(segment),
                }
            }
            if let Some(parameter) = row.id_parameter() {
                let child = fixture_id(parameter.trim_end_matches("Id"));
                path.push_str(&format!("?{parameter}={child}"));
            }
            let method = reqwest::Method::from_bytes(row.method.as_str().as_bytes())
                .expect("an HTTP method");
            (method, path)
        })
        .collect()
}
