//! Establishment over loopback HTTP: the customer requests a connection at
//! aws, accepts the key at gcp, and both providers' schedulers run until
//! the connection is `VERIFIED` on both sides, every provider-to-provider
//! call going through `HttpCoordinator` (reqwest) to the other's axum
//! router over 127.0.0.1. A `ManualClock` skips the devices' provisioning
//! time, so what is measured is the protocol's work and its HTTP round
//! trips.
//!
//! Each iteration runs on a fresh pair (the store of a provider grows with
//! every connection it ever made). Before the timed part, each provider's
//! `HttpCoordinator` makes one untimed `GetProvider` call to the other, so
//! its keep-alive pool holds an open connection, as a long-lived provider's
//! client does and as the floor's client does (the `_cold_connections`
//! variant skips this and pays for the TCP set-up inside the timed part).
//!
//! The floor is measured in the same run: the same number of sequential
//! round trips, on the same stack (a reqwest client configured exactly as
//! `HttpCoordinator`'s, `interconnect_http::serve` over plain loopback
//! HTTP, axum), to a handler that does nothing. Two more rows split the
//! binding's per-request cost: the same number of round trips through the
//! router's gate (request id, span, bearer authentication) to the fallback
//! (a small JSON error body), and the same number of `GetProvider` calls
//! through `HttpCoordinator` (client, gate, path names, codec, and a read of
//! the store). The run prints the ratio.
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
    BearerTokens, HttpCoordinator, HttpCoordinatorConfig, RouterConfig, Transport, bind_loopback,
    router_with, serve,
};
use interconnect_provider::backend::InMemoryBackend;
use interconnect_provider::clock::{Clock, ManualClock};
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::customer::AcceptActivationKey;
use interconnect_provider::request::GetProvider;
use interconnect_provider::store::{MemoryStore, Phase};
use interconnect_provider::{Caller, ConnectionCoordinator, ReferenceProvider};

/// Requests served by the two providers' routers.
static ROUND_TRIPS: AtomicUsize = AtomicUsize::new(0);
/// Nanoseconds spent inside the two providers' routers (gate, handler and
/// the serving provider's work), from the request's arrival to its answer.
static SERVED_NANOS: AtomicUsize = AtomicUsize::new(0);

struct Peers {
    aws: Arc<ReferenceProvider>,
    gcp: Arc<ReferenceProvider>,
    clock: Arc<ManualClock>,
    /// aws's client of gcp and gcp's client of aws (over HTTP only).
    clients: Option<(Arc<HttpCoordinator>, Arc<HttpCoordinator>)>,
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
    let t = Instant::now();
    let what = format!("{} {}", req.method(), req.uri().path());
    let response = next.run(req).await;
    if std::env::var_os("TRACE_TRIPS").is_some() {
        eprintln!("TRIP {what} -> {} in {:?}", response.status(), t.elapsed());
    }
    SERVED_NANOS.fetch_add(t.elapsed().as_nanos() as usize, Ordering::Relaxed);
    response
}

/// Servers of pairs still running (a dropped pair's servers stop in the
/// background; the next timed row waits for them, see `settle`).
static PAIR_SERVERS: AtomicUsize = AtomicUsize::new(0);

async fn serve_app(app: Router, stop: tokio::sync::watch::Receiver<bool>, of_pair: bool) -> String {
    let listener = bind_loopback(0).await.expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let mut stop = stop;
    if of_pair {
        PAIR_SERVERS.fetch_add(1, Ordering::SeqCst);
    }
    tokio::spawn(async move {
        let _ = serve(
            listener,
            app,
            Transport::PlainLoopbackForDevelopment,
            async move {
                let _ = stop.wait_for(|s| *s).await;
            },
        )
        .await;
        if of_pair {
            PAIR_SERVERS.fetch_sub(1, Ordering::SeqCst);
        }
    });
    url
}

/// Waits (untimed) until every dropped pair's servers have stopped, so that
/// their shutdown does not run during the next timed row.
fn settle(rt: &tokio::runtime::Runtime) {
    rt.block_on(async {
        for _ in 0..10_000 {
            if PAIR_SERVERS.load(Ordering::SeqCst) == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_micros(100)).await;
        }
        panic!("a pair's servers did not stop");
    });
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
        clients: None,
        stop: None,
    }
}

/// Two providers over HTTP; `instrumented` adds the counting middleware
/// (used only by the untimed runs that count round trips and time the
/// routers, so that the timed stack is exactly the production one).
async fn start(instrumented: bool) -> Peers {
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
    let count = |app: Router| {
        if instrumented {
            app.layer(axum::middleware::from_fn(counted))
        } else {
            app
        }
    };
    let aws_url = serve_app(
        count(router_with(
            aws.clone(),
            Arc::new(BearerTokens::new().with_partner(Secret::new("gcp-token"), name("gcp"))),
            config.clone(),
        )),
        stopped.clone(),
        true,
    )
    .await;
    let gcp_url = serve_app(
        count(router_with(
            gcp.clone(),
            Arc::new(BearerTokens::new().with_partner(Secret::new("aws-token"), name("aws"))),
            config,
        )),
        stopped,
        true,
    )
    .await;
    let to_gcp = Arc::new(
        HttpCoordinatorConfig::new(gcp_url, &name("aws"), Secret::new("aws-token"))
            .build()
            .expect("client"),
    );
    let to_aws = Arc::new(
        HttpCoordinatorConfig::new(aws_url, &name("gcp"), Secret::new("gcp-token"))
            .build()
            .expect("client"),
    );
    aws.peers().connect(name("gcp"), to_gcp.clone());
    gcp.peers().connect(name("aws"), to_aws.clone());
    Peers {
        aws,
        gcp,
        clock,
        clients: Some((to_gcp, to_aws)),
        stop: Some(stop),
    }
}

/// One untimed call each way, so that each client's pool holds an open
/// keep-alive connection (as a long-lived provider's client does).
async fn warm(p: &Peers) {
    if let Some((to_gcp, to_aws)) = &p.clients {
        let calls = [(to_gcp, "aws", "gcp"), (to_aws, "gcp", "aws")];
        for (client, me, other) in calls {
            client
                .get_provider(
                    &Caller::partner(name(me)),
                    GetProvider { name: name(other) },
                )
                .await
                .expect("warm-up call");
        }
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
        .customer()
        .request_connection(
            &Secret::new("111122223333"),
            &ConnectionRequest {
                environment: name("gcp").environment("aws-gcp-us-east").expect("env"),
                bandwidth: Bandwidth::from_mbps(500).expect("size"),
                remote_account_id: Secret::new("proj"),
                attachment: aws_end.clone(),
            },
        )
        .await
        .expect("requested");
    let id = requested.connection.connection_id.clone();
    p.gcp
        .customer()
        .accept_activation_key(
            &Secret::new("proj"),
            &AcceptActivationKey {
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
            },
        )
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
                .customer()
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

/// `n` sequential round trips through the router's gate (request id, span,
/// bearer authentication) to its fallback, which answers a small JSON
/// error body.
async fn gate(client: &reqwest::Client, url: &str, n: usize) {
    for _ in 0..n {
        let response = client
            .get(url)
            .header(reqwest::header::AUTHORIZATION, "Bearer aws-token")
            .send()
            .await
            .expect("gate");
        assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND);
        let _ = response.bytes().await.expect("body");
    }
}

/// `n` sequential `GetProvider` calls through `HttpCoordinator`.
async fn binding(client: &HttpCoordinator, n: usize) {
    let caller = Caller::partner(name("aws"));
    for _ in 0..n {
        client
            .get_provider(&caller, GetProvider { name: name("gcp") })
            .await
            .expect("GetProvider");
    }
}

/// One establishment on a fresh pair (its start-up and, when `warm_up`,
/// one call each way are not timed).
fn one_establishment(
    rt: &tokio::runtime::Runtime,
    make: &dyn Fn(&tokio::runtime::Runtime) -> Peers,
    warm_up: bool,
) -> Duration {
    let peers = make(rt);
    if warm_up {
        rt.block_on(warm(&peers));
    }
    SERVED_NANOS.store(0, Ordering::Relaxed);
    let t = Instant::now();
    rt.block_on(establish(&peers));
    let elapsed = t.elapsed();
    if warm_up && peers.clients.is_some() {
        SERVED.with(|s| {
            s.borrow_mut().push(Duration::from_nanos(
                SERVED_NANOS.load(Ordering::Relaxed) as u64
            ))
        });
    }
    drop(peers);
    settle(rt);
    elapsed
}

/// Total time of `iters` establishments, each on a fresh pair.
fn establishments(
    rt: &tokio::runtime::Runtime,
    iters: u64,
    make: &dyn Fn(&tokio::runtime::Runtime) -> Peers,
    warm_up: bool,
) -> Duration {
    (0..iters)
        .map(|_| one_establishment(rt, make, warm_up))
        .sum()
}

thread_local! {
    /// Time inside the routers, per establishment over HTTP.
    static SERVED: std::cell::RefCell<Vec<Duration>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn mean(times: &[Duration]) -> Duration {
    times.iter().sum::<Duration>() / times.len().max(1) as u32
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let over_http = |rt: &tokio::runtime::Runtime| rt.block_on(start(false));
    let instrumented = |rt: &tokio::runtime::Runtime| rt.block_on(start(true));
    let in_process = |_: &tokio::runtime::Runtime| start_in_process();
    // round trips of one establishment (the warm-up calls are not counted)
    one_establishment(&rt, &over_http, true);
    let peers = instrumented(&rt);
    rt.block_on(warm(&peers));
    ROUND_TRIPS.store(0, Ordering::Relaxed);
    rt.block_on(establish(&peers));
    let trips = ROUND_TRIPS.load(Ordering::Relaxed);
    drop(peers);
    settle(&rt);

    let (_noop_stop, noop_stopped) = tokio::sync::watch::channel(false);
    let noop_base = rt.block_on(async {
        let app = Router::new().route("/noop", get(|| async { "{}" }));
        serve_app(app, noop_stopped, false).await
    });
    let noop_url = format!("{noop_base}/noop");
    // the floor's client: HttpCoordinator's configuration
    let client = HttpCoordinatorConfig::new(noop_base, &name("aws"), Secret::new("aws-token"))
        .http_client()
        .expect("client");
    // a provider behind the real router, for the gate and binding rows
    let (_gate_stop, gate_stopped) = tokio::sync::watch::channel(false);
    let target = start_in_process();
    let gate_base = rt.block_on(serve_app(
        router_with(
            target.gcp.clone(),
            Arc::new(BearerTokens::new().with_partner(Secret::new("aws-token"), name("aws"))),
            RouterConfig::default().rate_limit(None),
        ),
        gate_stopped,
        false,
    ));
    let gate_url = format!("{gate_base}/noop");
    let gate_client =
        HttpCoordinatorConfig::new(gate_base.clone(), &name("aws"), Secret::new("aws-token"))
            .http_client()
            .expect("client");
    let coordinator = HttpCoordinatorConfig::new(gate_base, &name("aws"), Secret::new("aws-token"))
        .build()
        .expect("client");

    let mut group = c.benchmark_group("http_establishment");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("establish_to_verified_over_http", |b| {
        b.iter_custom(|iters| establishments(&rt, iters, &over_http, true))
    });
    group.bench_function("establish_to_verified_over_http_cold_connections", |b| {
        b.iter_custom(|iters| establishments(&rt, iters, &over_http, false))
    });
    group.bench_function(format!("floor_{trips}_noop_round_trips"), |b| {
        b.iter(|| rt.block_on(floor(&client, &noop_url, trips)))
    });
    group.bench_function(format!("gate_{trips}_round_trips"), |b| {
        b.iter(|| rt.block_on(gate(&gate_client, &gate_url, trips)))
    });
    group.bench_function(format!("binding_{trips}_get_provider_calls"), |b| {
        b.iter(|| rt.block_on(binding(&coordinator, trips)))
    });
    group.bench_function("establish_to_verified_in_process", |b| {
        b.iter_custom(|iters| establishments(&rt, iters, &in_process, false))
    });
    group.finish();

    // Interleaved runs, so that a busy machine slows every row alike.
    // time inside the routers, on instrumented pairs (untimed otherwise)
    SERVED.with(|s| s.borrow_mut().clear());
    for _ in 0..20 {
        one_establishment(&rt, &instrumented, true);
    }
    let served = SERVED.with(|s| s.borrow().clone());
    let runs = 50;
    let mut rows: [Vec<Duration>; 6] = Default::default();
    for _ in 0..runs {
        let [est, cold, fl, ga, bi, local] = &mut rows;
        est.push(one_establishment(&rt, &over_http, true));
        cold.push(one_establishment(&rt, &over_http, false));
        let t = Instant::now();
        rt.block_on(floor(&client, &noop_url, trips));
        fl.push(t.elapsed());
        let t = Instant::now();
        rt.block_on(gate(&gate_client, &gate_url, trips));
        ga.push(t.elapsed());
        let t = Instant::now();
        rt.block_on(binding(&coordinator, trips));
        bi.push(t.elapsed());
        local.push(one_establishment(&rt, &in_process, false));
    }
    let labels = [
        "establishment over HTTP (warm connections)",
        "establishment over HTTP (cold connections)",
        "floor: do-nothing round trips",
        "gate: round trips through the router's gate",
        "binding: GetProvider calls through HttpCoordinator",
        "IN-PROCESS establishment (same work, no HTTP)",
    ];
    let mut medians = Vec::new();
    for (label, times) in labels.iter().zip(rows) {
        let m = median(times.clone());
        println!(
            "{label}: median {m:?}, mean {:?} ({runs} interleaved runs)",
            mean(&times)
        );
        medians.push(m);
    }
    println!(
        "inside the routers during an establishment (instrumented pairs, 20 runs): median {:?}, mean {:?}",
        median(served.clone()),
        mean(&served)
    );
    if let [establishment, _, floor_time, ..] = medians[..] {
        println!(
            "RATIO establishment {establishment:?} vs floor {floor_time:?} ({trips} round trips to a do-nothing handler; medians of {runs} interleaved runs): {:.2}x the floor",
            establishment.as_secs_f64() / floor_time.as_secs_f64()
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
