//! The operator side between two reference providers (issue 5):
//! maintenance push and pull (MAINT-4, MAINT-6), the MACsec rotation driver
//! (MACSEC-5, MACSEC-6, MACSEC-18..MACSEC-20, MACSEC-23, MACSEC-24), rotation
//! requests (MACSEC-16) and issues filed at the peer. Stepped with the
//! pair's manual clock; nothing sleeps.

use std::sync::{Arc, Mutex};

use chrono::Duration;
use interconnect_core::names::{ChannelName, InterconnectName, MacSecKeyName, ProviderName};
use interconnect_core::wire::{self, MaintenanceEvent, State as IssueState, Timestamp};
use interconnect_provider::backend::InMemoryBackend;
use interconnect_provider::clock::Clock;
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::peer::{Peer, PeerFuture};
use interconnect_provider::scheduler::Task;
use interconnect_provider::testing::pair::Pair;
use interconnect_provider::testing::scenarios::simple_issue;
use interconnect_provider::{
    Caller, ConnectionCoordinator, CoordinatorResult, ErrorKind, ReferenceProvider, request,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ENV: &str = "aws-gcp-us-east";

fn provider(id: &str) -> ProviderName {
    ProviderName::new(id).expect("provider id")
}

/// Interconnect `ix1` as `p` names it (under its partner).
fn ix1(p: &ReferenceProvider) -> InterconnectName {
    let partner = if p.config().provider.id() == "aws" {
        provider("gcp")
    } else {
        provider("aws")
    };
    partner
        .environment(ENV)
        .and_then(|e| e.interconnect("ix1"))
        .expect("interconnect name")
}

fn channel(p: &ReferenceProvider, id: &str) -> ChannelName {
    ix1(p).channel(id).expect("channel name")
}

fn window(p: &ReferenceProvider, id: &str, start_h: i64, end_h: i64) -> MaintenanceEvent {
    let now = p.clock().now();
    MaintenanceEvent {
        start_time: Some(Timestamp::from_utc(now + Duration::hours(start_h))),
        end_time: Some(Timestamp::from_utc(now + Duration::hours(end_h))),
        maintenance_id: Some(id.to_owned()),
    }
}

fn ids(events: &[MaintenanceEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| e.maintenance_id.clone())
        .collect()
}

#[tokio::test]
async fn maintenance_overlapping_another_channel_on_either_side_is_refused() -> TestResult {
    let pair = Pair::new();
    let (aws, gcp) = (&pair.aws, &pair.gcp);
    aws.operator()
        .operator_schedule_maintenance(&channel(aws, "ch1"), window(aws, "a1", 2, 4))?;
    let ours = aws
        .operator()
        .operator_schedule_maintenance(&channel(aws, "ch2"), window(aws, "a2", 3, 5))
        .expect_err("MAINT-6: our own ch1 is in maintenance then");
    assert_eq!(
        (ours.kind(), ours.rule()),
        (ErrorKind::Aborted, "MAINT-6"),
        "{ours}"
    );
    assert_eq!(ours.kind().http_status(), 409);

    gcp.operator()
        .operator_schedule_maintenance(&channel(gcp, "ch3"), window(gcp, "g3", 10, 12))?;
    pair.settle().await;
    assert_eq!(
        ids(&aws.operator().peer_maintenance(&channel(aws, "ch3"))),
        ["g3"],
        "MAINT-4: aws pulled gcp's events"
    );
    let theirs = aws
        .operator()
        .operator_schedule_maintenance(&channel(aws, "ch2"), window(aws, "a2", 11, 13))
        .expect_err("MAINT-6: gcp's ch3 is in maintenance then");
    assert_eq!(
        (theirs.kind(), theirs.rule()),
        (ErrorKind::Aborted, "MAINT-6")
    );

    aws.operator()
        .operator_schedule_maintenance(&channel(aws, "ch2"), window(aws, "a2", 12, 13))
        .expect("MAINT-6: after gcp's window ends");
    aws.operator()
        .operator_schedule_maintenance(&channel(aws, "ch4"), window(aws, "a4", 5, 6))
        .expect("MAINT-6: no overlap anywhere");
    pair.settle().await;
    assert_eq!(
        ids(&gcp.operator().peer_maintenance(&channel(gcp, "ch2"))),
        ["a2"]
    );
    assert_eq!(
        ids(&gcp.operator().peer_maintenance(&channel(gcp, "ch4"))),
        ["a4"]
    );
    Ok(())
}

#[tokio::test]
async fn the_push_makes_the_peer_pull_at_once() -> TestResult {
    let pair = Pair::new();
    let (aws, gcp) = (&pair.aws, &pair.gcp);
    let start = pair.clock.now();
    let event = aws
        .operator()
        .operator_schedule_maintenance(&channel(aws, "ch1"), window(aws, "m1", 2, 4))?;
    assert!(
        aws.scheduler()
            .is_pending(&Task::NotifyMaintenance(channel(aws, "ch1")))
    );
    aws.run_until_idle().await;
    assert!(
        gcp.scheduler()
            .is_pending(&Task::PullMaintenance(channel(gcp, "ch1"))),
        "MAINT-4: the notification wakes the pull"
    );
    gcp.run_until_idle().await;
    assert_eq!(pair.clock.now(), start, "MAINT-4: at once");
    assert_eq!(
        gcp.operator().peer_maintenance(&channel(gcp, "ch1")),
        vec![event]
    );
    assert!(gcp.operator().pending_maintenance_notices().is_empty());

    aws.operator()
        .operator_cancel_maintenance(&channel(aws, "ch1"), "m1")?;
    pair.settle().await;
    assert!(
        gcp.operator()
            .peer_maintenance(&channel(gcp, "ch1"))
            .is_empty(),
        "MAINT-4: a cancellation is pushed too"
    );
    Ok(())
}

#[tokio::test]
async fn maintenance_push_and_pull_are_retried_while_the_peer_is_down() -> TestResult {
    let pair = Pair::new();
    let (aws, gcp) = (&pair.aws, &pair.gcp);
    let ch = channel(aws, "ch1");
    pair.to_gcp.set_down(true);
    aws.operator()
        .operator_schedule_maintenance(&ch, window(aws, "m1", 2, 4))?;
    aws.run_until_idle().await;
    assert!(pair.to_gcp.refused() >= 1);
    assert!(
        aws.scheduler()
            .is_pending(&Task::NotifyMaintenance(ch.clone())),
        "NEG-4: the push is retried"
    );
    assert!(
        aws.operator()
            .operator_retry_attempts(&format!("notify:{ch}"))
            >= 1
    );
    pair.to_gcp.set_down(false);
    pair.to_aws.set_down(true);
    pair.settle_for(Duration::seconds(5)).await;
    assert!(
        gcp.scheduler()
            .is_pending(&Task::PullMaintenance(channel(gcp, "ch1"))),
        "NEG-4: the pull is retried"
    );
    assert!(
        gcp.operator()
            .peer_maintenance(&channel(gcp, "ch1"))
            .is_empty()
    );
    pair.to_aws.set_down(false);
    pair.settle().await;
    assert_eq!(
        ids(&gcp.operator().peer_maintenance(&channel(gcp, "ch1"))),
        ["m1"]
    );
    Ok(())
}

/// A peer that checks, at every call, that neither side has two channels
/// of `ix1` in rotation, and that a key reaches the peer only after it is
/// in standby on aws's devices (MACSEC-19).
struct Watcher {
    inner: Arc<dyn Peer>,
    aws_backend: Arc<InMemoryBackend>,
    gcp_backend: Arc<InMemoryBackend>,
    aws_ix: InterconnectName,
    gcp_ix: InterconnectName,
    violations: Mutex<Vec<String>>,
    checks: Mutex<usize>,
}

fn rotating(backend: &InMemoryBackend, ix: &InterconnectName) -> Vec<String> {
    ["ch1", "ch2", "ch3", "ch4"]
        .into_iter()
        .filter(|id| {
            ix.channel(id)
                .map(|ch| backend.mac_sec_keys_on(&ch).len() >= 2)
                .unwrap_or(false)
        })
        .map(str::to_owned)
        .collect()
}

impl Watcher {
    fn check(&self) {
        if let Ok(mut n) = self.checks.lock() {
            *n += 1;
        }
        for (side, backend, ix) in [
            ("aws", &self.aws_backend, &self.aws_ix),
            ("gcp", &self.gcp_backend, &self.gcp_ix),
        ] {
            let r = rotating(backend, ix);
            if r.len() > 1 {
                self.violate(format!("MACSEC-5: {side} has {r:?} in rotation"));
            }
        }
    }

    fn violate(&self, what: String) {
        if let Ok(mut v) = self.violations.lock() {
            v.push(what);
        }
    }

    fn violations(&self) -> Vec<String> {
        self.violations
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default()
    }
}

macro_rules! watched {
    ($($req:ident $fn:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        impl Peer for Watcher {
            $( watched_call!($req $fn $resp); )*
        }
    };
}

/// One operation through the [`Watcher`]: every call checks MACSEC-5;
/// `CreateMacSecKey` also checks MACSEC-19.
macro_rules! watched_call {
    (CreateMacSecKey create_mac_sec_key MacSecKey) => {
        fn create_mac_sec_key<'a>(
            &'a self,
            caller: &'a Caller,
            request: request::CreateMacSecKey,
        ) -> PeerFuture<'a, wire::MacSecKey> {
            self.check();
            let local = self
                .aws_ix
                .channel(request.parent.id())
                .and_then(|c| c.mac_sec_key(&request.mac_sec_key_id));
            let standby = local.as_ref().is_ok_and(|k| {
                self.aws_backend
                    .mac_sec_keys_on(k.channel())
                    .contains(&(k.clone(), false))
            });
            if !standby {
                self.violate(format!(
                    "MACSEC-19: {} reached the peer before it was in standby at aws",
                    request.mac_sec_key_id
                ));
            }
            self.inner.create_mac_sec_key(caller, request)
        }
    };
    ($req:ident $fn:ident $resp:ident) => {
        fn $fn<'a>(
            &'a self,
            caller: &'a Caller,
            request: request::$req,
        ) -> PeerFuture<'a, wire::$resp> {
            self.check();
            self.inner.$fn(caller, request)
        }
    };
}

interconnect_provider::for_each_operation!(watched);

/// The default pair whose devices move to a received key once installed,
/// aws reaching gcp through a [`Watcher`].
fn rotation_pair() -> (Pair, Arc<Watcher>) {
    rotation_pair_activating(true, true)
}

/// [`rotation_pair`] where each side's devices move to a received key at
/// once (`true`) or only when told (`false`).
fn rotation_pair_activating(aws_moves: bool, gcp_moves: bool) -> (Pair, Arc<Watcher>) {
    let config = |local: &str, partner: &str, asn, moves| {
        let mut c = ProviderConfig::default_pair(&provider(local), &provider(partner), asn)
            .expect("config");
        c.policy.mac_sec_activate_received_keys = moves;
        c
    };
    let pair = Pair::with_configs(
        config("aws", "gcp", 64512, aws_moves),
        config("gcp", "aws", 64513, gcp_moves),
    );
    let watcher = Arc::new(Watcher {
        inner: pair.to_gcp.clone(),
        aws_backend: pair.aws_backend.clone(),
        gcp_backend: pair.gcp_backend.clone(),
        aws_ix: ix1(&pair.aws),
        gcp_ix: ix1(&pair.gcp),
        violations: Mutex::new(Vec::new()),
        checks: Mutex::new(0),
    });
    pair.aws.peers().connect(provider("gcp"), watcher.clone());
    (pair, watcher)
}

/// The keys of channel `id` on `backend` (named under `ix`), with whether
/// each is active.
fn keys(backend: &InMemoryBackend, ix: &InterconnectName, id: &str) -> Vec<(String, bool)> {
    backend
        .mac_sec_keys_on(&ix.channel(id).expect("channel"))
        .into_iter()
        .map(|(k, a)| (k.id().to_owned(), a))
        .collect()
}

/// The one key of channel `id`, active, the same on both sides.
fn single_active_key(pair: &Pair, id: &str) -> String {
    let at_aws = keys(&pair.aws_backend, &ix1(&pair.aws), id);
    let at_gcp = keys(&pair.gcp_backend, &ix1(&pair.gcp), id);
    assert_eq!(at_aws.len(), 1, "{id} at aws: {at_aws:?}");
    assert_eq!(at_aws, at_gcp, "{id}: both sides hold the same key");
    let (key, active) = at_aws.into_iter().next().expect("one key");
    assert!(active, "{id}: the key is active");
    key
}

async fn run_both(pair: &Pair) {
    while pair.aws.run_until_idle().await + pair.gcp.run_until_idle().await > 0 {}
}

/// Installs the first keys of aws's channels of ix1 (no bake time).
async fn first_keys(pair: &Pair) -> TestResult {
    let managed = pair
        .aws
        .operator()
        .operator_rotate_mac_sec_keys(&ix1(&pair.aws))?;
    assert_eq!(
        managed,
        [channel(&pair.aws, "ch1"), channel(&pair.aws, "ch2")],
        "aws manages ch1 and ch2 of the default pair"
    );
    pair.settle().await;
    Ok(())
}

#[tokio::test]
async fn a_rotation_goes_channel_by_channel_with_the_bake_time_between() -> TestResult {
    let (pair, watcher) = rotation_pair();
    let ix = ix1(&pair.aws);
    first_keys(&pair).await?;
    let old1 = single_active_key(&pair, "ch1");
    let old2 = single_active_key(&pair, "ch2");

    pair.aws.operator().operator_rotate_mac_sec_keys(&ix)?;
    run_both(&pair).await;
    let rotated_at = pair.clock.now();
    let new1 = single_active_key(&pair, "ch1");
    assert_ne!(new1, old1, "MACSEC-23: ch1 has a new key");
    assert_eq!(single_active_key(&pair, "ch2"), old2, "ch2 waits");
    let bake = pair.aws.config().policy.mac_sec_bake();
    assert_eq!(bake, Duration::hours(2));
    assert_eq!(
        pair.aws
            .scheduler()
            .pending()
            .into_iter()
            .find(|(t, _)| *t == Task::RotateMacSec(ix.clone()))
            .map(|(_, at)| at),
        Some(rotated_at + bake),
        "MACSEC-6: the next channel is due after the bake time"
    );

    pair.clock.set(rotated_at + bake - Duration::seconds(1));
    run_both(&pair).await;
    assert_eq!(
        keys(&pair.aws_backend, &ix, "ch2"),
        [(old2.clone(), true)],
        "MACSEC-6: not started a second before the bake time ends"
    );
    pair.clock.set(rotated_at + bake);
    run_both(&pair).await;
    let new2 = single_active_key(&pair, "ch2");
    assert_ne!(
        new2, old2,
        "MACSEC-23: ch2 rotated once the bake time passed"
    );
    assert_eq!(single_active_key(&pair, "ch1"), new1);

    for (id, old) in [("ch1", &old1), ("ch2", &old2)] {
        let gone = |p: &ReferenceProvider| {
            p.operator()
                .mac_sec_keys_of(&channel(p, id))
                .iter()
                .all(|k| k.name.as_ref().map(MacSecKeyName::id) != Some(old.as_str()))
        };
        assert!(gone(&pair.aws), "MACSEC-18: {old} deleted at aws");
        assert!(gone(&pair.gcp), "MACSEC-18: {old} deleted at gcp");
    }
    let run = pair.aws.operator().mac_sec_rotation(&ix).expect("run");
    let history: Vec<_> = run.history.iter().skip(2).collect();
    assert_eq!(history.len(), 2);
    for pair_of in history.windows(2) {
        let (a, b) = (pair_of[0], pair_of[1]);
        let ended = a.ended_at.expect("ended");
        assert!(b.started_at >= ended + bake, "MACSEC-6: {a:?} then {b:?}");
    }
    assert!(
        *watcher.checks.lock().expect("lock") > 0,
        "the watcher saw the calls"
    );
    assert_eq!(watcher.violations(), Vec::<String>::new());
    assert!(run.queue.is_empty() && run.current.is_none());
    Ok(())
}

#[tokio::test]
async fn a_peer_down_during_rotation_leaves_the_old_key_active_and_is_retried() -> TestResult {
    let (pair, watcher) = rotation_pair();
    let ix = ix1(&pair.aws);
    first_keys(&pair).await?;
    let old1 = single_active_key(&pair, "ch1");
    pair.to_gcp.set_down(true);
    pair.aws.operator().operator_rotate_mac_sec_keys(&ix)?;
    pair.settle_for(Duration::seconds(20)).await;
    let at_aws = keys(&pair.aws_backend, &ix, "ch1");
    assert_eq!(at_aws.len(), 2, "the new key waits in standby: {at_aws:?}");
    assert!(
        at_aws.contains(&(old1.clone(), true)),
        "MACSEC-20: the old key stays active: {at_aws:?}"
    );
    assert!(pair.to_gcp.refused() >= 2, "NEG-4: retried");
    assert!(
        pair.aws
            .operator()
            .operator_retry_attempts(&format!("rotate:{ix}"))
            >= 2
    );
    assert!(
        pair.aws
            .scheduler()
            .is_pending(&Task::RotateMacSec(ix.clone()))
    );
    pair.to_gcp.set_down(false);
    pair.settle().await;
    let new1 = single_active_key(&pair, "ch1");
    assert_ne!(new1, old1);
    assert_eq!(watcher.violations(), Vec::<String>::new());
    Ok(())
}

#[tokio::test]
async fn a_failed_key_is_abandoned_and_the_channel_fails_forward() -> TestResult {
    let (pair, watcher) = rotation_pair();
    let ix = ix1(&pair.aws);
    first_keys(&pair).await?;
    let old1 = single_active_key(&pair, "ch1");
    pair.to_gcp.set_down(true);
    pair.aws.operator().operator_rotate_mac_sec_keys(&ix)?;
    pair.settle_for(Duration::minutes(2)).await;
    let run = pair.aws.operator().mac_sec_rotation(&ix).expect("run");
    let failed = run.history.last().expect("an attempt").clone();
    assert!(failed.abandoned, "MACSEC-24: {run:?}");
    assert_eq!(
        keys(&pair.aws_backend, &ix, "ch1"),
        [(old1.clone(), true)],
        "MACSEC-20, MACSEC-24: the failed key is gone, the old one active"
    );
    pair.to_gcp.set_down(false);
    pair.settle_for(Duration::minutes(15)).await;
    let new1 = single_active_key(&pair, "ch1");
    assert_ne!(new1, old1);
    assert_ne!(
        new1, failed.new_key_id,
        "MACSEC-24: a fresh key, not the failed one"
    );
    assert_eq!(watcher.violations(), Vec::<String>::new());
    Ok(())
}

#[tokio::test]
async fn a_rotation_request_from_the_peer_is_honoured() -> TestResult {
    let (pair, _) = rotation_pair();
    let (aws, gcp) = (&pair.aws, &pair.gcp);
    gcp.operator().operator_rotate_mac_sec_keys(&ix1(gcp))?;
    pair.settle().await;
    let old3 = single_active_key(&pair, "ch3");
    let old4 = single_active_key(&pair, "ch4");

    let own = aws
        .operator()
        .operator_request_peer_rotation(&channel(aws, "ch1"), None)
        .await
        .expect_err("MACSEC-16: aws manages ch1");
    assert_eq!(
        (own.kind(), own.rule()),
        (ErrorKind::InvalidArgument, "MACSEC-16")
    );

    aws.operator()
        .operator_request_peer_rotation(&channel(aws, "ch3"), Some("audit".into()))
        .await?;
    assert!(
        gcp.scheduler().is_pending(&Task::RotateMacSec(ix1(gcp))),
        "MACSEC-16: the request wakes gcp's driver"
    );
    pair.settle().await;
    assert_ne!(
        single_active_key(&pair, "ch3"),
        old3,
        "MACSEC-16: ch3 rotated"
    );
    assert_eq!(
        single_active_key(&pair, "ch4"),
        old4,
        "only the requested channel"
    );
    assert!(gcp.operator().pending_rotation_requests().is_empty());
    Ok(())
}

#[tokio::test]
async fn an_issue_is_opened_commented_and_closed_at_the_peer() -> TestResult {
    let pair = Pair::new();
    let gcp_id = provider("gcp");
    let filed = pair
        .aws
        .operator()
        .operator_open_issue(&gcp_id, Some("i1"), simple_issue("flapping BGP"))
        .await?;
    let name = provider("aws").issue("i1")?;
    assert_eq!(filed.name.as_ref(), Some(&name));
    let as_aws = Caller::partner(provider("aws"));
    let at_gcp = ConnectionCoordinator::get_issue(
        &*pair.gcp,
        &as_aws,
        request::GetIssue { name: name.clone() },
    )
    .await?;
    assert_eq!(at_gcp.title, "flapping BGP");
    assert_eq!(at_gcp.state, Some(IssueState::Open));
    pair.aws
        .operator()
        .operator_add_comment(&gcp_id, &name, "seen again at 10:00")
        .await?;
    let comments = ConnectionCoordinator::list_comments(
        &*pair.gcp,
        &as_aws,
        request::ListComments {
            parent: name.clone(),
            page: Default::default(),
        },
    )
    .await?;
    assert_eq!(comments.comments.len(), 1);
    let closed = pair
        .aws
        .operator()
        .operator_close_issue(&gcp_id, &name)
        .await?;
    assert_eq!(closed.state, Some(IssueState::Closed));
    let generated: CoordinatorResult<wire::Issue> = pair
        .aws
        .operator()
        .operator_open_issue(&gcp_id, None, simple_issue("another"))
        .await;
    assert!(generated?.name.is_some(), "an id is generated");
    // a partner name that is not configured is the operator's typo: 404,
    // not the 503 of a partner that cannot be reached (issue 19 item 4)
    let typo = pair
        .aws
        .operator()
        .operator_open_issue(&provider("gpc"), None, simple_issue("typo"))
        .await
        .expect_err("unknown partner");
    assert_eq!((typo.http_status(), typo.rule()), (404, "ERR-3"));
    Ok(())
}

#[tokio::test]
async fn a_channel_waits_while_the_peer_rotates_another_channel_of_the_interconnect() -> TestResult
{
    // aws's devices move to a received key only when told: gcp's rotation
    // of ch3 stays open until then
    let (pair, watcher) = rotation_pair_activating(false, true);
    let (aws, gcp) = (&pair.aws, &pair.gcp);
    let ix = ix1(aws);
    gcp.operator().operator_rotate_mac_sec_keys(&ix1(gcp))?;
    pair.settle().await;
    let old3 = keys(&pair.aws_backend, &ix, "ch3");
    assert_eq!(old3.len(), 1);
    let old3 = channel(aws, "ch3").mac_sec_key(&old3[0].0)?;
    aws.activate_mac_sec_key(&old3)?;
    first_keys(&pair).await?;
    let old1 = single_active_key(&pair, "ch1");

    gcp.operator().operator_rotate_mac_sec_keys(&ix1(gcp))?;
    pair.settle_for(Duration::minutes(1)).await;
    assert_eq!(
        keys(&pair.aws_backend, &ix, "ch3").len(),
        2,
        "MACSEC-18: gcp keeps the old key while aws still uses it"
    );
    aws.operator().operator_rotate_mac_sec_keys(&ix)?;
    pair.settle_for(Duration::minutes(1)).await;
    assert_eq!(
        keys(&pair.aws_backend, &ix, "ch1"),
        [(old1.clone(), true)],
        "MACSEC-5: ch1 waits while ch3 is in rotation"
    );
    let new3 = keys(&pair.aws_backend, &ix, "ch3")
        .into_iter()
        .find(|(k, _)| k != old3.id())
        .expect("the new ch3 key");
    aws.activate_mac_sec_key(&channel(aws, "ch3").mac_sec_key(&new3.0)?)?;
    pair.settle_for(Duration::minutes(5)).await;
    assert_eq!(
        keys(&pair.aws_backend, &ix, "ch3"),
        [(new3.0.clone(), true)],
        "MACSEC-18: the old key is deleted once the new one is active"
    );
    assert_eq!(
        single_active_key(&pair, "ch1"),
        old1,
        "MACSEC-6: ch1 waits the bake time of the interconnect after ch3's rotation"
    );
    pair.settle_for(Duration::hours(2) + Duration::minutes(5))
        .await;
    assert_ne!(single_active_key(&pair, "ch1"), old1, "then ch1 rotates");
    assert_eq!(watcher.violations(), Vec::<String>::new());
    Ok(())
}

#[tokio::test]
async fn a_key_left_at_the_peer_by_an_abandoned_attempt_is_deleted_first() -> TestResult {
    let (pair, watcher) = rotation_pair();
    let (aws, gcp) = (&pair.aws, &pair.gcp);
    first_keys(&pair).await?;
    let old1 = single_active_key(&pair, "ch1");
    // a create whose answer was lost: the peer holds a key aws forgot
    let as_aws = Caller::partner(provider("aws"));
    let gcp_ch1 = channel(gcp, "ch1");
    ConnectionCoordinator::create_mac_sec_key(
        &*pair.gcp,
        &as_aws,
        request::CreateMacSecKey {
            parent: gcp_ch1.clone(),
            mac_sec_key_id: "stray".into(),
            mac_sec_key: wire::MacSecKey {
                cak: Some(wire::Secret::new("ab".repeat(32))),
                ckn: Some(wire::Secret::new("cd".repeat(16))),
                ..Default::default()
            },
        },
    )
    .await?;
    gcp.activate_mac_sec_key(&gcp_ch1.mac_sec_key(&old1)?)?;
    assert_eq!(keys(&pair.gcp_backend, &ix1(gcp), "ch1").len(), 2);

    aws.operator().operator_rotate_mac_sec_keys(&ix1(aws))?;
    run_both(&pair).await;
    let at_gcp = keys(&pair.gcp_backend, &ix1(gcp), "ch1");
    assert_eq!(
        at_gcp,
        [(old1.clone(), true)],
        "the stray key is deleted at the peer"
    );
    // deleting it took gcp's ch1 from two keys to one: gcp's bake time
    // (E-96) refuses the new key, which is abandoned until then
    let run = aws.operator().mac_sec_rotation(&ix1(aws)).expect("run");
    let refused = run.history.last().expect("an attempt").clone();
    assert!(refused.abandoned, "{run:?}");
    let bake = aws.config().policy.mac_sec_bake();
    assert_eq!(
        run.not_before,
        Some(pair.clock.now() + bake),
        "Retry-After is honoured"
    );
    pair.clock.set(pair.clock.now() + bake);
    run_both(&pair).await;
    let new1 = single_active_key(&pair, "ch1");
    assert!(
        new1 != old1 && new1 != "stray" && new1 != refused.new_key_id,
        "MACSEC-24: a fresh key {new1}"
    );
    assert_eq!(watcher.violations(), Vec::<String>::new());
    Ok(())
}

/// The start time of the one key of channel `id` at aws.
fn key_started(pair: &Pair, id: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    pair.aws
        .operator()
        .mac_sec_keys_of(&channel(&pair.aws, id))
        .into_iter()
        .find_map(|k| k.start_time)
        .map(Timestamp::to_utc)
        .ok_or_else(|| format!("{id} has a key with a start time"))
}

#[tokio::test]
async fn keys_are_rotated_once_they_reach_the_policys_maximum_age() -> TestResult {
    let (pair, _watcher) = rotation_pair();
    first_keys(&pair).await?;
    let old1 = single_active_key(&pair, "ch1");
    let old2 = single_active_key(&pair, "ch2");
    let max_age = pair
        .aws
        .config()
        .policy
        .mac_sec_key_max_age()
        .ok_or("MACSEC-26 is on by default")?;
    assert_eq!(max_age, Duration::days(30), "E-167: the governance default");
    let (start1, start2) = (key_started(&pair, "ch1")?, key_started(&pair, "ch2")?);

    pair.clock
        .set(start1.min(start2) + max_age - Duration::seconds(1));
    assert_eq!(
        pair.aws.operator().rotate_aged_mac_sec_keys()?,
        Vec::<ChannelName>::new(),
        "MACSEC-26: not a second before the maximum age"
    );

    // the periodic cleanup queues both channels once their keys are 30 days old
    pair.clock.set(start1.max(start2) + max_age);
    pair.aws
        .scheduler()
        .schedule(Task::Cleanup, pair.clock.now());
    run_both(&pair).await;
    let new1 = single_active_key(&pair, "ch1");
    assert_ne!(new1, old1, "MACSEC-26: ch1 rotated at 30 days");
    assert_eq!(single_active_key(&pair, "ch2"), old2, "MACSEC-5: ch2 waits");
    pair.clock
        .set(pair.clock.now() + pair.aws.config().policy.mac_sec_bake());
    run_both(&pair).await;
    assert_ne!(
        single_active_key(&pair, "ch2"),
        old2,
        "MACSEC-26: ch2 rotated after the bake time"
    );
    // gcp manages ch3 and ch4, which hold no key: nothing to rotate there
    assert_eq!(
        pair.gcp.operator().rotate_aged_mac_sec_keys()?,
        Vec::<ChannelName>::new()
    );
    // the fresh keys are not due
    assert_eq!(
        pair.aws.operator().rotate_aged_mac_sec_keys()?,
        Vec::<ChannelName>::new()
    );
    Ok(())
}

#[tokio::test]
async fn a_maximum_age_of_zero_turns_the_automatic_rotation_off() -> TestResult {
    let config = |local: &str, partner: &str, asn| -> Result<ProviderConfig, String> {
        let mut c = ProviderConfig::default_pair(&provider(local), &provider(partner), asn)
            .map_err(|e| e.to_string())?;
        c.policy.mac_sec_activate_received_keys = true;
        c.policy.mac_sec_key_max_age_seconds = 0;
        Ok(c)
    };
    let pair = Pair::with_configs(config("aws", "gcp", 64512)?, config("gcp", "aws", 64513)?);
    first_keys(&pair).await?;
    let old1 = single_active_key(&pair, "ch1");
    pair.clock.set(pair.clock.now() + Duration::days(365));
    assert_eq!(
        pair.aws.operator().rotate_aged_mac_sec_keys()?,
        Vec::<ChannelName>::new()
    );
    run_both(&pair).await;
    assert_eq!(single_active_key(&pair, "ch1"), old1);
    Ok(())
}
