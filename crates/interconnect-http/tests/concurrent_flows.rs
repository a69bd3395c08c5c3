//! A hundred customer flows at once between two providers' HTTP servers,
//! each server limiting the other's request rate tightly (issue 19 item 1):
//! every workflow ends VERIFIED or in a reported failure, none stays in
//! progress, and a verified connection holds the same features on both
//! sides (a feature counts as agreed only once the peer confirmed it,
//! E-320). The servers' rate limiters and both providers run on one
//! `ManualClock`, which the test moves to the next due task (no sleeps);
//! the two schedulers run at the same time, so their calls to each other
//! race over loopback.
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::Duration;
use interconnect_core::names::ProviderName;
use interconnect_core::wire::Secret;
use interconnect_http::{
    BearerTokens, HttpCoordinatorConfig, RateLimit, RouterConfig, Transport, bind_loopback,
    router_with, serve,
};
use interconnect_provider::clock::Clock;
use interconnect_provider::peer_budget::{BudgetedPeer, PeerBudget};
use interconnect_provider::store::Phase;
use interconnect_provider::testing::pair::Pair;
use interconnect_provider::{ErrorKind, ReferenceProvider};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const FLOWS: usize = 100;

fn name(id: &str) -> ProviderName {
    ProviderName::new(id).expect("provider id")
}

async fn serve_over_http(
    provider: Arc<ReferenceProvider>,
    partner: &str,
    token: &str,
    config: RouterConfig,
    stop: tokio::sync::watch::Receiver<bool>,
) -> String {
    let listener = bind_loopback(0).await.expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let app = router_with(
        provider,
        Arc::new(BearerTokens::new().with_partner(Secret::new(token), name(partner))),
        config,
    );
    let mut stop = stop;
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
    });
    url
}

/// Whether the workflow `uuid` at `p` still has work ahead. The issuer of
/// a key whose acceptance failed before its peer called it waits for the
/// key's expiry (`AwaitingPeer`), which is not work in progress: the
/// failure was reported to the accepting customer; a responder whose
/// negotiator rolled back sees its copy deleted (`Deleted`).
fn in_progress(p: &ReferenceProvider, other: &ReferenceProvider, uuid: &str) -> bool {
    let other_failed = other
        .workflow(uuid)
        .is_none_or(|w| w.phase == Phase::Failed);
    p.workflow(uuid).is_some_and(|w| match w.phase {
        Phase::Verified | Phase::Failed | Phase::Deleted => false,
        Phase::AwaitingPeer => !other_failed,
        _ => true,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_flows_under_a_tight_rate_limit_end_verified_or_failed() -> TestResult {
    let pair = Pair::new();
    // 20 calls per second, bursts of 20: far below what 100 flows ask for
    // at once (about 1,700 calls)
    let limit = RateLimit {
        per_second: 20.0,
        burst: 20,
    };
    let config = RouterConfig::default()
        .rate_limit(Some(limit))
        .clock(pair.clock.clone());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let aws_url = serve_over_http(
        pair.aws.clone(),
        "gcp",
        "gcp-token-0123456789",
        config.clone(),
        stopped.clone(),
    )
    .await;
    let gcp_url = serve_over_http(
        pair.gcp.clone(),
        "aws",
        "aws-token-0123456789",
        config,
        stopped,
    )
    .await;
    // each side keeps under the other's published limit (NEG-41)
    let budget = PeerBudget {
        per_second: limit.per_second,
        burst: limit.burst,
        max_in_flight: 8,
    };
    pair.aws.peers().connect(
        name("gcp"),
        Arc::new(BudgetedPeer::new(
            Arc::new(
                HttpCoordinatorConfig::new(
                    gcp_url,
                    &name("aws"),
                    Secret::new("aws-token-0123456789"),
                )
                .build()?,
            ),
            budget,
            pair.clock.clone(),
        )),
    );
    pair.gcp.peers().connect(
        name("aws"),
        Arc::new(BudgetedPeer::new(
            Arc::new(
                HttpCoordinatorConfig::new(
                    aws_url,
                    &name("gcp"),
                    Secret::new("gcp-token-0123456789"),
                )
                .build()?,
            ),
            budget,
            pair.clock.clone(),
        )),
    );

    // the customers: 100 keys at aws, each accepted at gcp (the acceptance
    // confirms the key at aws over HTTP, so it too may meet the limit)
    let mut ids = Vec::new();
    for _ in 0..FLOWS {
        let (uuid, key) = pair.request_at_aws(1000).await?;
        let mut accepted = false;
        for _ in 0..100 {
            match pair
                .gcp
                .customer()
                .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
                .await
            {
                Ok(_) => {
                    accepted = true;
                    break;
                }
                Err(e) if e.kind() == ErrorKind::ResourceExhausted => {
                    let wait = e.retry_after().unwrap_or(std::time::Duration::from_secs(1));
                    pair.clock.set(pair.clock.now() + Duration::from_std(wait)?);
                }
                Err(e) => return Err(e.into()),
            }
        }
        assert!(accepted, "the key of {uuid} was never confirmed");
        ids.push(uuid);
    }

    // both schedulers at once, the clock moved to the next due task
    let horizon = pair.clock.now() + Duration::hours(2);
    for _ in 0..200_000 {
        loop {
            let (a, g) = tokio::join!(pair.aws.run_until_idle(), pair.gcp.run_until_idle());
            if a + g == 0 {
                break;
            }
        }
        let next = [
            pair.aws.scheduler().next_due(),
            pair.gcp.scheduler().next_due(),
        ]
        .into_iter()
        .flatten()
        .min();
        match next {
            Some(at) if at <= horizon => {
                if at > pair.clock.now() {
                    pair.clock.set(at);
                }
            }
            _ => break,
        }
        if !ids.iter().any(|id| {
            in_progress(&pair.aws, &pair.gcp, id) || in_progress(&pair.gcp, &pair.aws, id)
        }) {
            break;
        }
    }

    let mut verified = 0;
    let mut failed = Vec::new();
    for id in &ids {
        for (side, p, other) in [("aws", &pair.aws, &pair.gcp), ("gcp", &pair.gcp, &pair.aws)] {
            let wf = p.workflow(id);
            assert!(
                !in_progress(p, other, id),
                "{side} {id} is still in progress: {:#?}; at gcp: {:#?}",
                wf.map(|w| w.events),
                pair.gcp
                    .workflow(id)
                    .map(|w| (w.phase, w.failure, w.events))
            );
        }
        let gcp = pair.gcp.workflow(id).ok_or("no workflow at gcp")?;
        match gcp.phase {
            Phase::Verified => {
                verified += 1;
                let aws = pair.aws.workflow(id).ok_or("no workflow at aws")?;
                assert_eq!(aws.phase, Phase::Verified, "{id}: {:#?}", aws.events);
                let channels = |view: interconnect_provider::customer::CustomerConnection| {
                    view.features
                        .iter()
                        .map(|f| f.channel.id().to_owned())
                        .collect::<BTreeSet<String>>()
                };
                assert_eq!(
                    channels(pair.at_gcp(id)?),
                    channels(pair.at_aws(id)?),
                    "{id}: both sides hold the same features"
                );
            }
            Phase::Failed => {
                let why = gcp.failure.clone().unwrap_or_default();
                assert!(
                    !why.is_empty(),
                    "{id}: a failure is reported with its reason"
                );
                failed.push(why);
            }
            other => return Err(format!("{id}: {other:?}").into()),
        }
    }
    eprintln!("{verified} verified, {} failed: {failed:?}", failed.len());
    assert!(
        verified >= FLOWS * 9 / 10,
        "most flows get through a tight limit: {verified} verified, failures {failed:?}"
    );
    let _ = stop.send(true);
    Ok(())
}
