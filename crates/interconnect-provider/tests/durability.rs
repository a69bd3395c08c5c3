//! The durability barrier (`spec/REQUIREMENTS.md` OPS-33, `spec/ERRATA.md`
//! E-407; issue 15): nothing leaves the reference provider before its store
//! has made durable what was committed before it. A probe store counts the
//! writes and the barriers: every answer to a peer, every call to a peer and
//! every change on the devices must find the writes before it covered by a
//! barrier, and a barrier that fails withholds what would have left.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use interconnect_core::names::ProviderName;
use interconnect_core::wire::{self, L3BaseConfig};
use interconnect_provider::backend::{Backend, FeatureStatus};
use interconnect_provider::peer::{Peer, PeerFuture};
use interconnect_provider::store::{MemoryStore, State, Store, StoreExt};
use interconnect_provider::testing::Fixture;
use interconnect_provider::testing::scenarios::simple_issue;
use interconnect_provider::{
    Caller, ConnectionCoordinator, CoordinatorError, ErrorKind, PageRequest, ReferenceProvider,
    request,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A [`MemoryStore`] that counts its writes and barriers, and can be told
/// to fail its barrier.
#[derive(Default)]
struct Probe {
    inner: MemoryStore,
    writes: AtomicU64,
    /// `writes` as it was at the last successful barrier.
    durable_through: AtomicU64,
    barriers: AtomicU64,
    fail: AtomicBool,
}

impl Probe {
    /// Writes no barrier has covered yet.
    fn undurable(&self) -> u64 {
        self.writes.load(Ordering::SeqCst) - self.durable_through.load(Ordering::SeqCst)
    }
}

impl Store for Probe {
    fn transact(
        &self,
        change: &mut dyn FnMut(&mut State) -> Result<(), CoordinatorError>,
    ) -> Result<(), CoordinatorError> {
        self.inner.transact(change)?;
        self.writes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn read(&self, read: &mut dyn FnMut(&State)) {
        self.inner.read(read)
    }

    fn make_durable(&self) -> Result<(), CoordinatorError> {
        self.barriers.fetch_add(1, Ordering::SeqCst);
        if self.fail.load(Ordering::SeqCst) {
            return Err(CoordinatorError::unavailable(
                "OPS-33",
                "the probe's disk is gone",
            ));
        }
        self.durable_through
            .store(self.writes.load(Ordering::SeqCst), Ordering::SeqCst);
        Ok(())
    }
}

fn fixture() -> (Fixture<Arc<ReferenceProvider>>, Arc<Probe>) {
    let probe = Arc::new(Probe::default());
    (Fixture::with_store(probe.clone()), probe)
}

async fn open_issue(
    f: &Fixture<Arc<ReferenceProvider>>,
    id: &str,
) -> Result<wire::Issue, CoordinatorError> {
    ConnectionCoordinator::create_issue(
        &f.server,
        &f.caller(),
        request::CreateIssue {
            parent: f.partner.clone(),
            issue_id: id.to_owned(),
            issue: simple_issue(id),
        },
    )
    .await
}

#[tokio::test]
async fn an_answer_to_a_peer_leaves_after_the_barrier() -> TestResult {
    let (f, probe) = fixture();
    open_issue(&f, "disk-check").await?;
    assert!(probe.writes.load(Ordering::SeqCst) > 0, "CreateIssue wrote");
    assert_eq!(probe.undurable(), 0, "the answer left before a barrier");
    Ok(())
}

#[tokio::test]
async fn an_answer_is_withheld_when_the_store_cannot_make_it_durable() -> TestResult {
    let (f, probe) = fixture();
    probe.fail.store(true, Ordering::SeqCst);
    let refused = open_issue(&f, "disk-gone")
        .await
        .err()
        .ok_or("a write answered although its barrier failed")?;
    assert_eq!(refused.kind(), ErrorKind::Unavailable);
    assert_eq!(refused.http_status(), 503);
    Ok(())
}

/// A peer that records, at each call, how many writes of the caller's
/// store no barrier covered yet.
struct Recorder {
    probe: Arc<Probe>,
    seen: std::sync::Mutex<Vec<u64>>,
}

macro_rules! recorder {
    ($($req:ident $fn:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        impl Peer for Recorder {
            $(
                fn $fn<'a>(&'a self, _caller: &'a Caller, _request: request::$req) -> PeerFuture<'a, wire::$resp> {
                    if let Ok(mut seen) = self.seen.lock() {
                        seen.push(self.probe.undurable());
                    }
                    Box::pin(async {
                        Err(CoordinatorError::unavailable("OPS-33", "recorded only"))
                    })
                }
            )*
        }
    };
}

interconnect_provider::for_each_operation!(recorder);

#[tokio::test]
async fn a_call_to_a_peer_leaves_after_the_barrier() -> TestResult {
    let (f, probe) = fixture();
    let recorder = Arc::new(Recorder {
        probe: probe.clone(),
        seen: std::sync::Mutex::new(Vec::new()),
    });
    let partner: ProviderName = f.partner.clone();
    f.server.peers().connect(partner.clone(), recorder.clone());
    f.server.store().update(|_| Ok(()))?;
    assert_eq!(probe.undurable(), 1, "the probe counts the write");
    let peer = f.server.peers().get(&partner)?;
    let environment = f.environment();
    let _ = peer
        .list_interconnects(
            &f.caller(),
            request::ListInterconnects {
                parent: environment,
                page: PageRequest::default(),
            },
        )
        .await;
    let seen = recorder.seen.lock().map_err(|_| "poisoned")?.clone();
    assert_eq!(seen, vec![0], "the peer was called before a barrier");

    // A failed barrier: the peer is not called at all.
    f.server.store().update(|_| Ok(()))?;
    probe.fail.store(true, Ordering::SeqCst);
    let refused = peer
        .get_interconnect(
            &f.caller(),
            request::GetInterconnect {
                name: f.interconnect("ix1"),
            },
        )
        .await
        .err()
        .ok_or("the call went through")?;
    assert_eq!(refused.kind(), ErrorKind::Unavailable);
    let seen = recorder.seen.lock().map_err(|_| "poisoned")?.clone();
    assert_eq!(
        seen.len(),
        1,
        "the peer was called although the barrier failed"
    );
    Ok(())
}

#[tokio::test]
async fn a_change_on_the_devices_comes_after_the_barrier() -> TestResult {
    let (f, probe) = fixture();
    let feature = f.interconnect("ix1").connection("c1")?.feature("f1")?;
    let config = L3BaseConfig::default();

    f.server.store().update(|_| Ok(()))?;
    probe.fail.store(true, Ordering::SeqCst);
    assert!(
        f.server
            .backend()
            .provision_feature(&feature, &config)
            .is_err(),
        "the devices changed although the barrier failed"
    );
    assert_eq!(
        f.backend.feature_status(&feature),
        FeatureStatus::Unknown,
        "the devices were reached"
    );

    probe.fail.store(false, Ordering::SeqCst);
    let before = probe.barriers.load(Ordering::SeqCst);
    f.server.backend().provision_feature(&feature, &config)?;
    assert_eq!(probe.undurable(), 0, "the devices changed before a barrier");
    assert!(probe.barriers.load(Ordering::SeqCst) > before);

    // Reads of the devices need no barrier.
    let barriers = probe.barriers.load(Ordering::SeqCst);
    let _ = f.server.backend().feature_status(&feature);
    assert_eq!(probe.barriers.load(Ordering::SeqCst), barriers);
    Ok(())
}
