//! Three reference providers, each with its own `PostgresStore` on one
//! database, as three `serve` replicas would run (issue 15 item 6): the
//! reservation rules hold across them, and a page token issued by one
//! replica is read by the others. Runs when `INTERCONNECT_TEST_POSTGRES`
//! names a database (each test in a schema of its own); skipped otherwise,
//! unless `INTERCONNECT_REQUIRE_POSTGRES=1`.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::*;
use interconnect_core::wire;
use interconnect_provider::request;
use interconnect_provider::store::Store;
use interconnect_provider::testing::Fixture;
use interconnect_provider::testing::scenarios;
use interconnect_provider::testing::scenarios::confirmed_key;
use interconnect_provider::{
    Caller, ConnectionCoordinator, CoordinatorResult, ErrorKind, PageRequest, PageTokens,
    ReferenceProvider,
};
use interconnect_store::PostgresStore;

/// The fixture (for issuing and confirming keys) and three replicas on its
/// database, sharing its clock and its devices.
fn replicas(schema: &TempSchema) -> (Fixture<Arc<ReferenceProvider>>, Vec<Arc<ReferenceProvider>>) {
    let open = || -> Arc<dyn Store> {
        Arc::new(PostgresStore::open(&schema.options(), &schema.key).expect("the store opens"))
    };
    let f = Fixture::with_store(open());
    // As `serve` does with a durable store: the page token signer comes
    // from the secrets key every replica shares.
    let tokens = || PageTokens::with_signer(schema.key.page_token_signer());
    let first = f.server.clone();
    let mut all = Vec::new();
    for _ in 0..3 {
        all.push(Arc::new(
            ReferenceProvider::new(
                first.config().clone(),
                open(),
                f.clock.clone(),
                f.backend.clone(),
            )
            .expect("the same configuration")
            .with_page_tokens(tokens()),
        ));
    }
    (f, all)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_creates_spread_over_three_replicas_give_exactly_fifty() {
    let Some(url) = postgres_url("two_hundred_creates_spread_over_three_replicas") else {
        return;
    };
    let schema = TempSchema::new(url);
    let (f, replicas) = replicas(&schema);
    // ix1 has room for 50 connections of 2000 Mbps (CONN-4, as the
    // in-process scenario `concurrent_creates_never_overbook`).
    let mut requests = Vec::new();
    for _ in 0..200 {
        let key = confirmed_key(&f, 2000).await;
        requests.push(request::CreateConnection {
            parent: f.interconnect("ix1"),
            connection_id: key.shared_connection_uuid().as_str().to_owned(),
            connection: wire::Connection {
                bandwidth_mbps: Some(2000),
                ..Default::default()
            },
        });
    }
    let caller = Arc::new(f.caller());
    let tasks: Vec<_> = requests
        .into_iter()
        .enumerate()
        .map(|(n, req)| {
            let replica = replicas[n % replicas.len()].clone();
            let caller = caller.clone();
            tokio::spawn(async move { replica.create_connection(&caller, req).await })
        })
        .collect();
    let (mut created, mut aborted, mut other) = (0, 0, Vec::new());
    for task in tasks {
        match task.await.expect("the task ran") {
            Ok(_) => created += 1,
            Err(e) if e.kind() == ErrorKind::Aborted && e.rule() == "CONN-4" => aborted += 1,
            Err(e) => other.push(e),
        }
    }
    assert!(other.is_empty(), "CONN-4: unexpected errors {other:?}");
    assert_eq!(
        (created, aborted),
        (50, 150),
        "CONN-4: exactly 50 fit across three replicas"
    );

    // Every replica sees the 50, and a listing begun on one replica goes on
    // on the others with the page token it issued (LIST-*).
    let mut names = BTreeSet::new();
    let mut page = PageRequest::of_size(20);
    let mut pages = 0;
    loop {
        let replica = &replicas[pages % replicas.len()];
        let resp = replica
            .list_connections(
                &f.caller(),
                request::ListConnections {
                    parent: f.interconnect("ix1"),
                    page: page.clone(),
                },
            )
            .await
            .expect("a page token of one replica is read by the others");
        pages += 1;
        for c in &resp.connections {
            let name = c.name.as_ref().map(ToString::to_string);
            assert!(
                names.insert(name.clone()),
                "no connection is listed twice: {name:?}"
            );
        }
        match resp.next_page_token {
            Some(t) => page = page.next(t),
            None => break,
        }
    }
    assert_eq!(
        names.len(),
        50,
        "CONN-4, CONN-9: exactly 50 connections exist"
    );
    assert!(pages >= 3, "the listing crossed the three replicas");
}

/// The three replicas behind one target, each call going to the next one
/// in turn, as a load balancer in front of `serve` replicas would spread
/// them: the in-process race scenarios then run across the replicas.
#[derive(Clone)]
struct RoundRobin {
    replicas: Arc<Vec<Arc<ReferenceProvider>>>,
    next: Arc<AtomicUsize>,
}

impl RoundRobin {
    fn new(replicas: Vec<Arc<ReferenceProvider>>) -> Self {
        RoundRobin {
            replicas: Arc::new(replicas),
            next: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn pick(&self) -> &ReferenceProvider {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        &self.replicas[n % self.replicas.len()]
    }
}

macro_rules! round_robin {
    ($($variant:ident $method:ident -> $response:ident, $kind:ident, $http:ident $path:literal;)*) => {
        impl ConnectionCoordinator for RoundRobin {
            $(
                async fn $method(
                    &self,
                    caller: &Caller,
                    request: request::$variant,
                ) -> CoordinatorResult<wire::$response> {
                    self.pick().$method(caller, request).await
                }
            )*
        }
    };
}

interconnect_provider::for_each_operation!(round_robin);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_proposals_of_one_vlan_over_three_replicas_accept_exactly_one() {
    let Some(url) = postgres_url("a_hundred_proposals_of_one_vlan_over_three_replicas") else {
        return;
    };
    let schema = TempSchema::new(url);
    let (f, replicas) = replicas(&schema);
    let f = f.retarget(|_| RoundRobin::new(replicas));
    // FEAT-2, L3-12: exactly one of 100 wins, the 99 others are 409
    scenarios::concurrent_proposals_for_one_vlan_accept_exactly_one(&f).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_updates_of_one_connection_on_two_replicas_let_exactly_one_through() {
    let Some(url) = postgres_url("two_updates_of_one_connection_on_two_replicas") else {
        return;
    };
    let schema = TempSchema::new(url);
    let (f, replicas) = replicas(&schema);
    let f = f.retarget(|_| RoundRobin::new(replicas));
    // CONN-17: one wins, the other finds the update in flight (409)
    for _ in 0..5 {
        scenarios::concurrent_updates_of_one_connection_conflict(&f).await;
    }
}

/// A pair whose gcp runs as two replicas on one PostgreSQL database: `A`
/// (the pair's own gcp, which aws calls) and `B`, reaching aws through a
/// switch of its own. aws keeps its state in memory.
fn pair_with_two_gcp_replicas(
    schema: &TempSchema,
) -> (
    interconnect_provider::testing::pair::Pair,
    Arc<ReferenceProvider>,
    Arc<interconnect_provider::testing::pair::SwitchablePeer>,
) {
    use interconnect_core::names::ProviderName;
    use interconnect_provider::config::ProviderConfig;
    use interconnect_provider::testing::pair::{Pair, SwitchablePeer};
    let open = || -> Arc<dyn Store> {
        Arc::new(PostgresStore::open(&schema.options(), &schema.key).expect("the store opens"))
    };
    let (aws, gcp) = (
        ProviderName::new("aws").expect("id"),
        ProviderName::new("gcp").expect("id"),
    );
    let aws_config = ProviderConfig::default_pair(&aws, &gcp, 64512).expect("config");
    let gcp_config = ProviderConfig::default_pair(&gcp, &aws, 64513).expect("config");
    let pair = Pair::with_configs_and_stores(
        aws_config,
        gcp_config.clone(),
        Arc::new(interconnect_provider::store::MemoryStore::new()),
        open(),
    );
    let b = Arc::new(
        ReferenceProvider::new(
            gcp_config,
            open(),
            pair.clock.clone(),
            pair.gcp_backend.clone(),
        )
        .expect("the same configuration"),
    );
    let to_aws = Arc::new(SwitchablePeer::new(pair.aws.clone()));
    b.peers().connect(aws, to_aws.clone());
    (pair, b, to_aws)
}

/// Runs aws's and replica `b`'s due tasks (never the pair's own gcp, which
/// is dead), moving the shared clock to the next due task, for `horizon`.
async fn settle_without_a(
    pair: &interconnect_provider::testing::pair::Pair,
    b: &ReferenceProvider,
    horizon: chrono::Duration,
) {
    use interconnect_provider::clock::Clock;
    let deadline = pair.clock.now() + horizon;
    loop {
        while pair.aws.run_until_idle().await + b.run_until_idle().await > 0 {}
        let next = [pair.aws.scheduler().next_due(), b.scheduler().next_due()]
            .into_iter()
            .flatten()
            .min();
        match next {
            Some(at) if at <= deadline => {
                if at > pair.clock.now() {
                    pair.clock.set(at);
                }
            }
            _ => return,
        }
    }
}

/// Issue 15 item 6, OPS-32: a replica killed while it holds a workflow's
/// lease: no other replica runs the workflow while the lease holds, and
/// another finishes it once the lease has lapsed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_holding_a_lease_leaves_its_work_to_another_after_the_lease() {
    use interconnect_provider::clock::Clock;
    use interconnect_provider::negotiator::LEASE_TTL;
    use interconnect_provider::store::{Lease, Phase, StoreExt};
    use interconnect_provider::testing::pair::GCP_PROJECT;
    let Some(url) = postgres_url("a_replica_killed_holding_a_lease") else {
        return;
    };
    let schema = TempSchema::new(url);
    let (pair, b, b_to_aws) = pair_with_two_gcp_replicas(&schema);
    let (uuid, key) = pair.request_at_aws(1000).await.expect("requested");
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await
        .expect("accepted at gcp (replica A)");
    // A takes the lease for its first step and dies before it runs it
    let start = pair.clock.now();
    let a = pair.gcp.replica_id().to_owned();
    b.store()
        .update(|s| {
            let wf = s.workflows.get_mut(&uuid).expect("A's workflow");
            wf.lease = Some(Lease {
                holder: a.clone(),
                until: start + LEASE_TTL,
            });
            wf.due_at = Some(start);
            Ok(())
        })
        .expect("stored");
    // B starts: it finds the workflow, but runs nothing while A's lease holds
    assert!(b.start_background_work() >= 1);
    settle_without_a(&pair, &b, LEASE_TTL - chrono::Duration::seconds(1)).await;
    assert_eq!(b_to_aws.calls(), 0, "nothing ran under A's lease");
    let phase = b.workflow(&uuid).map(|wf| wf.phase);
    assert_eq!(phase, Some(Phase::CreatingRemote));
    // once it lapses, B takes the work over and finishes it
    settle_without_a(&pair, &b, chrono::Duration::minutes(10)).await;
    let view = b
        .customer()
        .customer_connection(&interconnect_core::wire::Secret::new(GCP_PROJECT), &uuid)
        .expect("the connection at gcp");
    assert_eq!(view.phase, Phase::Verified, "{:#?}", view.events);
    assert_eq!(pair.at_aws(&uuid).expect("at aws").phase, Phase::Verified);
    assert!(b_to_aws.calls() > 0, "B did the work");
    let wf = b.workflow(&uuid).expect("the workflow");
    assert!(
        wf.lease.is_none_or(|l| l.holder == b.replica_id()),
        "A's lease is gone"
    );
}

/// OPS-32: work that only a dead replica's memory knew of (its next step
/// overdue, no lease) is woken by another replica's takeover, and work that
/// is not overdue, or that another replica holds, is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overdue_work_no_replica_holds_is_taken_over() {
    use interconnect_provider::clock::Clock;
    use interconnect_provider::negotiator::TAKEOVER_GRACE;
    use interconnect_provider::scheduler::Task;
    use interconnect_provider::store::{Lease, StoreExt};
    let Some(url) = postgres_url("overdue_work_no_replica_holds") else {
        return;
    };
    let schema = TempSchema::new(url);
    let (pair, b, _) = pair_with_two_gcp_replicas(&schema);
    let (uuid, key) = pair.request_at_aws(1000).await.expect("requested");
    pair.gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await
        .expect("accepted at gcp (replica A)");
    let now = pair.clock.now();
    let set = |due, lease: Option<Lease>| {
        b.store()
            .update(|s| {
                let wf = s.workflows.get_mut(&uuid).expect("the workflow");
                wf.due_at = Some(due);
                wf.lease = lease.clone();
                Ok(())
            })
            .expect("stored");
    };
    set(now, None);
    assert_eq!(b.take_over_orphans(), 0, "not overdue yet");
    set(
        now - TAKEOVER_GRACE,
        Some(Lease {
            holder: "other".into(),
            until: now + TAKEOVER_GRACE,
        }),
    );
    assert_eq!(b.take_over_orphans(), 0, "another replica holds it");
    set(now - TAKEOVER_GRACE, None);
    assert_eq!(b.take_over_orphans(), 1);
    assert!(b.scheduler().is_pending(&Task::Reconcile(uuid.clone())));
    // the takeover itself is periodic on a shared store
    b.start_cleanup_schedule();
    assert!(b.scheduler().is_pending(&Task::TakeOver));
    assert!(
        !pair.aws.scheduler().is_pending(&Task::TakeOver),
        "aws's store is not shared"
    );
}
