//! Establishment over loopback HTTP: the customer requests a connection at
//! aws, accepts the key at gcp, and both providers' schedulers run until
//! the connection is `VERIFIED` on both sides, every provider-to-provider
//! call going through `HttpCoordinator` (reqwest) to the other's axum
//! router over 127.0.0.1. A `ManualClock` skips the devices' provisioning
//! time, so what is measured is the protocol's work and its HTTP round
//! trips.
//!
//! The floor is measured in the same run: the same number of sequential
//! round trips, on the same stack (reqwest client, `interconnect_http::serve`
//! over plain loopback HTTP, axum), to a handler that does nothing. The
//! run prints the ratio.
//!
//! ```text
//! cargo bench -p interconnect-http --bench http_establishment
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use interconnect_core::customer::{
    AttachPoint, Attachment, Bandwidth, ConnectionRequest, IpStack, TransportAcceptance,
};
use interconnect_core::names::ProviderName;
use interconnect_core::wire::Secret;
use interconnect_http::{
    BearerTokens, HttpCoordinatorConfig, RouterConfig, Transport, bind_loopback, router_with, serve,
};
use interconnect_provider::ReferenceProvider;
use interconnect_provider::backend::InMemoryBackend;
use interconnect_provider::clock::{Clock, ManualClock};
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::customer::AcceptActivationKey;
use interconnect_provider::store::{MemoryStore, Phase};

/// Requests served by the two providers' routers.
static ROUND_TRIPS: AtomicUsize = AtomicUsize::new(0);

struct Peers {
    aws: Arc<ReferenceProvider>,
    gcp: Arc<ReferenceProvider>,
    clock: Arc<ManualClock>,
    stop: Option<tokio::sync::watch::Sender<bool>>,
}

impl Drop for Peers {
    fn drop(&mut self) {
        if let Some(stop) = &self.stop {
            let _ = stop.send(true);
        }
        self.aws.peers().disconnect_all();
        self.gcp.peers().disconnect_all();
    }
}

fn name(id: &str) -> ProviderName {
    ProviderName::new(id).unwrap_or_else(|e| panic!("{id}: {e}"))
}

async fn counted(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    ROUND_TRIPS.fetch_add(1, Ordering::Relaxed);
    next.run(req).await
}

async fn serve_app(app: Router, stop: tokio::sync::watch::Receiver<bool>) -> String {
    let listener = bind_loopback(0).await.expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let mut stop = stop;
    tokio::spawn(serve(
        listener,
        app,
        Transport::PlainLoopbackForDevelopment,
        async move {
            let _ = stop.wait_for(|s| *s).await;
        },
    ));
    url
}

/// The same two providers calling each other in process (no HTTP): the
/// protocol's own work, for reference.
fn start_in_process() -> Peers {
    let clock = Arc::new(ManualClock::at_epoch());
    let build = |local: &str, partner: &str, asn: u32| {
        let config =
            ProviderConfig::default_pair(&name(local), &name(partner), asn).expect("default pair");
        Arc::new(
            ReferenceProvider::new(
                config,
                Arc::new(MemoryStore::new()),
                clock.clone(),
                Arc::new(InMemoryBackend::new(
                    clock.clone(),
                    chrono::Duration::seconds(30),
                )),
            )
            .expect("coherent"),
        )
    };
    let aws = build("aws", "gcp", 64512);
    let gcp = build("gcp", "aws", 64513);
    aws.peers().connect(name("gcp"), gcp.clone());
    gcp.peers().connect(name("aws"), aws.clone());
    Peers {
        aws,
        gcp,
        clock,
        stop: None,
    }
}

async fn start() -> Peers {
    let clock = Arc::new(ManualClock::at_epoch());
    let build = |local: &str, partner: &str, asn: u32| {
        let config =
            ProviderConfig::default_pair(&name(local), &name(partner), asn).expect("default pair");
        Arc::new(
            ReferenceProvider::new(
                config,
                Arc::new(MemoryStore::new()),
                clock.clone(),
                Arc::new(InMemoryBackend::new(
                    clock.clone(),
                    chrono::Duration::seconds(30),
                )),
            )
            .expect("coherent"),
        )
    };
    let aws = build("aws", "gcp", 64512);
    let gcp = build("gcp", "aws", 64513);
    let config = RouterConfig::default().rate_limit(None);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let aws_url = serve_app(
        router_with(
            aws.clone(),
            Arc::new(BearerTokens::new().with_partner(Secret::new("gcp-token"), name("gcp"))),
            config.clone(),
        )
        .layer(axum::middleware::from_fn(counted)),
        stopped.clone(),
    )
    .await;
    let gcp_url = serve_app(
        router_with(
            gcp.clone(),
            Arc::new(BearerTokens::new().with_partner(Secret::new("aws-token"), name("aws"))),
            config,
        )
        .layer(axum::middleware::from_fn(counted)),
        stopped,
    )
    .await;
    aws.peers().connect(
        name("gcp"),
        Arc::new(
            HttpCoordinatorConfig::new(gcp_url, &name("aws"), Secret::new("aws-token"))
                .build()
                .expect("client"),
        ),
    );
    gcp.peers().connect(
        name("aws"),
        Arc::new(
            HttpCoordinatorConfig::new(aws_url, &name("gcp"), Secret::new("gcp-token"))
                .build()
                .expect("client"),
        ),
    );
    Peers {
        aws,
        gcp,
        clock,
        stop: Some(stop),
    }
}

fn attachment(provider: &str, point: AttachPoint, cidr: &str) -> Attachment {
    Attachment {
        provider: name(provider),
        attach_point: point,
        cidrs: vec![cidr.parse().expect("cidr")],
        ip_stack: IpStack::Ipv4Only,
        mtu_bytes: 8500,
    }
}

/// One establishment to VERIFIED on both sides.
async fn establish(p: &Peers) {
    let aws_end = attachment(
        "aws",
        AttachPoint::AwsDirectConnectGateway { id: "dxgw".into() },
        "10.0.0.0/16",
    );
    let requested = p
        .aws
        .request_connection(
            &Secret::new("111122223333"),
            &ConnectionRequest {
                environment: name("gcp").environment("aws-gcp-us-east").expect("env"),
                bandwidth: Bandwidth::from_mbps(500).expect("size"),
                remote_account_id: Secret::new("proj"),
                attachment: aws_end.clone(),
            },
        )
        .expect("requested");
    let id = requested.connection.connection_id.clone();
    p.gcp
        .accept_activation_key(&AcceptActivationKey {
            acceptance: TransportAcceptance {
                activation_key: requested.activation_key,
                accepting_account_id: Secret::new("proj"),
                attachment: attachment(
                    "gcp",
                    AttachPoint::GoogleCloudVpcNetwork { id: "prod".into() },
                    "10.1.0.0/16",
                ),
                advertised_routes: Vec::new(),
            },
            remote_attachment: Some(aws_end),
            defer_provisioning: false,
        })
        .await
        .expect("accepted");
    // settle: run both schedulers, move the clock to the next due task
    for _ in 0..10_000 {
        while p.aws.run_until_idle().await + p.gcp.run_until_idle().await > 0 {}
        let verified = |prov: &ReferenceProvider| {
            prov.workflow(&id)
                .is_some_and(|w| w.phase == Phase::Verified)
        };
        if verified(&p.aws) && verified(&p.gcp) {
            // free the interconnect for the next iteration
            let _ = p
                .aws
                .delete_customer_connection(&Secret::new("111122223333"), &id);
            while p.aws.run_until_idle().await + p.gcp.run_until_idle().await > 0 {}
            return;
        }
        let next = [p.aws.scheduler().next_due(), p.gcp.scheduler().next_due()]
            .into_iter()
            .flatten()
            .min()
            .expect("work is due until verified");
        if next > p.clock.now() {
            p.clock.set(next);
        }
    }
    panic!("not verified");
}

/// `n` sequential round trips to a handler that does nothing.
async fn floor(client: &reqwest::Client, url: &str, n: usize) {
    for _ in 0..n {
        let response = client.get(url).send().await.expect("noop");
        let _ = response.bytes().await.expect("body");
    }
}

/// Total time of `iters` establishments, each on a fresh pair (the pair's
/// start-up is not timed).
fn establishments(
    rt: &tokio::runtime::Runtime,
    iters: u64,
    make: &dyn Fn(&tokio::runtime::Runtime) -> Peers,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let peers = make(rt);
        let t = Instant::now();
        rt.block_on(establish(&peers));
        total += t.elapsed();
        drop(peers);
    }
    total
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let over_http = |rt: &tokio::runtime::Runtime| rt.block_on(start());
    let in_process = |_: &tokio::runtime::Runtime| start_in_process();
    // round trips of one establishment
    establishments(&rt, 1, &over_http);
    ROUND_TRIPS.store(0, Ordering::Relaxed);
    establishments(&rt, 1, &over_http);
    let trips = ROUND_TRIPS.load(Ordering::Relaxed);
    let (_noop_stop, noop_stopped) = tokio::sync::watch::channel(false);
    let noop_url = rt.block_on(async {
        let app = Router::new().route("/noop", get(|| async { "{}" }));
        format!("{}/noop", serve_app(app, noop_stopped).await)
    });
    interconnect_http::client::ensure_crypto_provider();
    let client = reqwest::Client::builder().build().expect("client");

    let mut group = c.benchmark_group("http_establishment");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("establish_to_verified_over_http", |b| {
        b.iter_custom(|iters| establishments(&rt, iters, &over_http))
    });
    group.bench_function(format!("floor_{trips}_noop_round_trips"), |b| {
        b.iter(|| rt.block_on(floor(&client, &noop_url, trips)))
    });
    group.bench_function("establish_to_verified_in_process", |b| {
        b.iter_custom(|iters| establishments(&rt, iters, &in_process))
    });
    group.finish();

    let runs = 30;
    let establishment = establishments(&rt, runs, &over_http) / runs as u32;
    let t = Instant::now();
    for _ in 0..runs {
        rt.block_on(floor(&client, &noop_url, trips));
    }
    let floor_time = t.elapsed() / runs as u32;
    let local = establishments(&rt, runs, &in_process) / runs as u32;
    println!("IN-PROCESS establishment (same work, no HTTP): {local:?}");
    println!(
        "RATIO establishment {establishment:?} vs floor {floor_time:?} ({trips} round trips to a do-nothing handler): {:.2}x the floor",
        establishment.as_secs_f64() / floor_time.as_secs_f64()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
