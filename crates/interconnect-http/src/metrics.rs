//! The metrics of a provider's server, served at `GET /metrics` on the
//! operator API (`spec/REQUIREMENTS.md` OPS-53, OPS-54; `spec/ERRATA.md`
//! E-432) in the text exposition format of Prometheus and OpenMetrics,
//! written by the `prometheus-client` crate.
//!
//! | metric | type | labels | what |
//! |---|---|---|---|
//! | `interconnect_http_requests_total` | counter | `api`, `operation`, `status` | requests answered, by API (`partner`, `customer`, `operator`), operation and HTTP status |
//! | `interconnect_http_request_duration_seconds` | histogram | `api`, `operation` | the time to answer them |
//! | `interconnect_rate_limited_total` | counter | `api` | requests refused by the rate limit (429, ERR-7) |
//! | `interconnect_workflows` | gauge | `phase` | workflows in each phase, counted from the store at each scrape |
//! | `interconnect_negotiation_duration_seconds` | histogram | | from a workflow's creation to its connection's first VERIFIED (NEG-13) |
//! | `interconnect_peer_retries_total` | counter | `reason` | retries a workflow scheduled: `backoff` (NEG-4) or `peer_budget` (NEG-41) |
//! | `interconnect_peer_errors_total` | counter | `operation`, `kind` | calls to a peer that failed: the peer's error kind, or `UNAVAILABLE` / `DEADLINE_EXCEEDED` in transport |
//!
//! The `operation` of the partner API is the specification's operation id
//! (`CreateConnection`); of the customer and operator APIs, the method and
//! route template (`POST /customer/v1/connections`); a path no route
//! matches is `unmatched`. No label holds a path's values, a caller or a
//! secret.

use std::sync::Arc;
use std::time::Duration;

use interconnect_provider::observe::Observer;
use interconnect_provider::request::TABLE;
use interconnect_provider::store::{Phase, StoreExt};
use interconnect_provider::{CoordinatorError, ReferenceProvider};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The content type of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    api: &'static str,
    operation: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LatencyLabels {
    api: &'static str,
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ApiLabels {
    api: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PhaseLabels {
    phase: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PeerErrorLabels {
    operation: &'static str,
    kind: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn request_histogram() -> Histogram {
    // 1 ms to about 16 s
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily<LatencyLabels>,
    rate_limited: Family<ApiLabels, Counter>,
    workflows: Family<PhaseLabels, Gauge>,
    negotiation: Histogram,
    retries: Family<ReasonLabels, Counter>,
    peer_errors: Family<PeerErrorLabels, Counter>,
}

/// A server's metrics (cheap to clone: clones share the counters).
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Empty metrics.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: HistogramFamily<LatencyLabels> =
            Family::new_with_constructor(request_histogram as fn() -> Histogram);
        let rate_limited = Family::<ApiLabels, Counter>::default();
        let workflows = Family::<PhaseLabels, Gauge>::default();
        // 100 ms to about 30 min
        let negotiation = Histogram::new(exponential_buckets(0.1, 2.0, 15));
        let retries = Family::<ReasonLabels, Counter>::default();
        let peer_errors = Family::<PeerErrorLabels, Counter>::default();
        registry.register(
            "interconnect_http_requests",
            "Requests answered, by API, operation and HTTP status",
            requests.clone(),
        );
        registry.register(
            "interconnect_http_request_duration_seconds",
            "Time to answer a request, by API and operation",
            latency.clone(),
        );
        registry.register(
            "interconnect_rate_limited",
            "Requests refused by the rate limit (429), by API",
            rate_limited.clone(),
        );
        registry.register(
            "interconnect_workflows",
            "Workflows in each phase",
            workflows.clone(),
        );
        registry.register(
            "interconnect_negotiation_duration_seconds",
            "Time from a workflow's creation to its connection's first VERIFIED",
            negotiation.clone(),
        );
        registry.register(
            "interconnect_peer_retries",
            "Retries of calls to a peer scheduled by the workflows, by reason",
            retries.clone(),
        );
        registry.register(
            "interconnect_peer_errors",
            "Calls to a peer that failed, by operation and error kind",
            peer_errors.clone(),
        );
        Metrics {
            inner: Arc::new(Inner {
                registry,
                requests,
                latency,
                rate_limited,
                workflows,
                negotiation,
                retries,
                peer_errors,
            }),
        }
    }

    /// Counts one answered request.
    pub(crate) fn request(
        &self,
        api: &'static str,
        operation: String,
        status: u16,
        took: Duration,
    ) {
        self.inner
            .latency
            .get_or_create(&LatencyLabels {
                api,
                operation: operation.clone(),
            })
            .observe(took.as_secs_f64());
        self.inner
            .requests
            .get_or_create(&RequestLabels {
                api,
                operation,
                status,
            })
            .inc();
    }

    /// Counts one request refused by the rate limit.
    pub(crate) fn rate_limited(&self, api: &'static str) {
        self.inner
            .rate_limited
            .get_or_create(&ApiLabels { api })
            .inc();
    }

    /// The metrics as text, with the workflows of `provider` counted now.
    pub fn encode(&self, provider: Option<&ReferenceProvider>) -> String {
        if let Some(provider) = provider {
            let mut counts = [0i64; Phase::ALL.len()];
            let _ = provider.store().view(|s| {
                for (_, wf) in s.workflows.iter() {
                    if let Some(i) = Phase::ALL.iter().position(|p| *p == wf.phase) {
                        counts[i] += 1;
                    }
                }
            });
            for (phase, count) in Phase::ALL.iter().zip(counts) {
                self.inner
                    .workflows
                    .get_or_create(&PhaseLabels {
                        phase: phase.as_str(),
                    })
                    .set(count);
            }
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.inner.registry);
        text
    }

    /// The observer that reports a provider's work into these metrics
    /// (install it with [`ReferenceProvider::observe`]).
    pub fn observer(&self) -> Arc<dyn Observer> {
        Arc::new(self.clone())
    }
}

impl Observer for Metrics {
    fn peer_error(&self, operation: &'static str, error: &CoordinatorError) {
        self.inner
            .peer_errors
            .get_or_create(&PeerErrorLabels {
                operation,
                kind: error.kind().status_name(),
            })
            .inc();
    }

    fn retry(&self, reason: &'static str) {
        self.inner
            .retries
            .get_or_create(&ReasonLabels { reason })
            .inc();
    }

    fn negotiated(&self, took: Duration) {
        self.inner.negotiation.observe(took.as_secs_f64());
    }
}

/// The `operation` label of a request: the specification's operation id on
/// the partner API, else the method and route template.
pub(crate) fn operation_label(api: &str, method: &str, route: Option<&str>) -> String {
    let Some(route) = route else {
        return "unmatched".to_owned();
    };
    if api == "partner"
        && let Some(row) = TABLE
            .iter()
            .find(|row| row.path == route && row.method.as_str() == method)
    {
        return row.operation.to_owned();
    }
    format!("{method} {route}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use interconnect_provider::ErrorKind;

    #[test]
    fn operations_are_named_by_the_table_or_the_route_template() {
        let row = &TABLE[0];
        assert_eq!(
            operation_label("partner", row.method.as_str(), Some(row.path)),
            row.operation
        );
        assert_eq!(
            operation_label("customer", "GET", Some("/customer/v1/connections/{id}")),
            "GET /customer/v1/connections/{id}"
        );
        assert_eq!(operation_label("partner", "GET", None), "unmatched");
    }

    #[test]
    fn every_family_is_written() {
        let m = Metrics::new();
        m.request(
            "partner",
            "ListProviders".to_owned(),
            200,
            Duration::from_millis(3),
        );
        m.rate_limited("customer");
        m.retry("backoff");
        m.negotiated(Duration::from_secs(2));
        m.peer_error(
            "CreateConnection",
            &CoordinatorError::new(ErrorKind::Unavailable, "ERR-8", "down"),
        );
        let text = m.encode(None);
        for line in [
            r#"interconnect_http_requests_total{api="partner",operation="ListProviders",status="200"} 1"#,
            r#"interconnect_http_request_duration_seconds_count{api="partner",operation="ListProviders"} 1"#,
            r#"interconnect_rate_limited_total{api="customer"} 1"#,
            r#"interconnect_peer_retries_total{reason="backoff"} 1"#,
            "interconnect_negotiation_duration_seconds_count 1",
            r#"interconnect_peer_errors_total{operation="CreateConnection",kind="UNAVAILABLE"} 1"#,
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
        assert!(text.ends_with("# EOF\n"));
    }
}
