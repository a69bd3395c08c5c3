//! Two reference providers, `aws` and `gcp`, in one process, calling each
//! other through the trait: the harness of the negotiator's tests, the
//! `two_clouds` example and the establishment benchmark.
//!
//! Both share one [`ManualClock`]; [`Pair::settle`] runs both schedulers
//! and moves the clock to the next due task until nothing is due within a
//! horizon, so a whole establishment (30 s of provisioning, retries with
//! backoff) runs without sleeping.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::Duration;
use interconnect_core::customer::{
    AttachPoint, Attachment, Bandwidth, ConnectionRequest, IpStack, TransportAcceptance,
};
use interconnect_core::names::{EnvironmentName, ProviderName};
use interconnect_core::wire::{self, Secret};

use crate::backend::InMemoryBackend;
use crate::caller::Caller;
use crate::clock::{Clock, ManualClock};
use crate::config::ProviderConfig;
use crate::customer::{AcceptActivationKey, CustomerConnection};
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::peer::{Peer, PeerFuture};
use crate::reference::ReferenceProvider;
use crate::request;
use crate::retry::Backoff;
use crate::store::{MemoryStore, Store};

use super::PROVISIONING_DELAY_SECONDS;

/// The aws customer's account in the pair's documents.
pub const AWS_ACCOUNT: &str = "111122223333";
/// The gcp customer's project in the pair's documents.
pub const GCP_PROJECT: &str = "my-gcp-project";

/// A peer that can be taken down: while down, every call answers 503 (or
/// the error set with [`fail_with`](Self::fail_with)) and is counted (the
/// "peer down during negotiation" tests).
pub struct SwitchablePeer {
    inner: Arc<dyn Peer>,
    failure: Mutex<Option<CoordinatorError>>,
    once: Mutex<Vec<(&'static str, CoordinatorError)>>,
    lose: Mutex<Vec<(&'static str, CoordinatorError)>>,
    refused: AtomicUsize,
    calls: AtomicUsize,
    log: Mutex<Vec<&'static str>>,
    request_ids: Mutex<Vec<(&'static str, Option<uuid::Uuid>)>>,
}

impl SwitchablePeer {
    /// Wraps `inner`, up.
    pub fn new(inner: Arc<dyn Peer>) -> Self {
        SwitchablePeer {
            inner,
            failure: Mutex::new(None),
            once: Mutex::new(Vec::new()),
            lose: Mutex::new(Vec::new()),
            refused: AtomicUsize::new(0),
            calls: AtomicUsize::new(0),
            log: Mutex::new(Vec::new()),
            request_ids: Mutex::new(Vec::new()),
        }
    }

    /// Takes it down (every call answers 503) or brings it back.
    pub fn set_down(&self, down: bool) {
        self.fail_with(
            down.then(|| CoordinatorError::unavailable("NEG-16", "the peer is down (test switch)")),
        );
    }

    /// Makes every call answer `error` (or brings it back with `None`).
    pub fn fail_with(&self, error: Option<CoordinatorError>) {
        *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = error;
    }

    /// Makes the next call of `operation` (`create_feature`, ...) answer
    /// `error` without reaching the peer; later calls reach it.
    pub fn fail_next(&self, operation: &'static str, error: CoordinatorError) {
        self.once
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((operation, error));
    }

    /// Lets the next call of `operation` reach the peer, then answers
    /// `error` instead of the peer's answer (a lost answer).
    pub fn lose_next_answer(&self, operation: &'static str, error: CoordinatorError) {
        self.lose
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((operation, error));
    }

    fn take_lost(&self, operation: &'static str) -> Option<CoordinatorError> {
        let mut lose = self.lose.lock().unwrap_or_else(|p| p.into_inner());
        lose.iter()
            .position(|(op, _)| *op == operation)
            .map(|i| lose.remove(i).1)
    }

    /// Calls answered 503 while down.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }

    /// Every call made to it, up or down.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The operations called so far, in order (`create_connection`, ...).
    pub fn operations(&self) -> Vec<&'static str> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The operations called so far with the `requestId` each carried, in
    /// order (REQ-2: the retries of one logical call carry the same one).
    pub fn request_ids(&self) -> Vec<(&'static str, Option<uuid::Uuid>)> {
        self.request_ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn gate(&self, operation: &'static str, caller: &Caller) -> CoordinatorResult<()> {
        self.request_ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((operation, caller.request_id()));
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(operation);
        let once = {
            let mut once = self.once.lock().unwrap_or_else(|p| p.into_inner());
            once.iter()
                .position(|(op, _)| *op == operation)
                .map(|i| once.remove(i).1)
        };
        let failure = once.or_else(|| {
            self.failure
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
        });
        match failure {
            Some(error) => {
                self.refused.fetch_add(1, Ordering::SeqCst);
                Err(error)
            }
            None => Ok(()),
        }
    }
}

macro_rules! switchable {
    ($($req:ident $fn:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        impl Peer for SwitchablePeer {
            $(
                fn $fn<'a>(&'a self, caller: &'a Caller, request: request::$req) -> PeerFuture<'a, wire::$resp> {
                    match self.gate(stringify!($fn), caller) {
                        Ok(()) => match self.take_lost(stringify!($fn)) {
                            None => self.inner.$fn(caller, request),
                            Some(e) => {
                                let call = self.inner.$fn(caller, request);
                                Box::pin(async move {
                                    let _ = call.await;
                                    Err(e)
                                })
                            }
                        },
                        Err(e) => Box::pin(async move { Err(e) }),
                    }
                }
            )*
        }
    };
}

crate::for_each_operation!(switchable);

/// Two providers that name each other as peers.
pub struct Pair {
    /// The `aws` provider.
    pub aws: Arc<ReferenceProvider>,
    /// The `gcp` provider.
    pub gcp: Arc<ReferenceProvider>,
    /// The clock both use.
    pub clock: Arc<ManualClock>,
    /// aws's devices.
    pub aws_backend: Arc<InMemoryBackend>,
    /// gcp's devices.
    pub gcp_backend: Arc<InMemoryBackend>,
    /// How aws reaches gcp (can be taken down).
    pub to_gcp: Arc<SwitchablePeer>,
    /// How gcp reaches aws (can be taken down).
    pub to_aws: Arc<SwitchablePeer>,
}

fn provider(id: &str) -> ProviderName {
    ProviderName::new(id).unwrap_or_else(|e| panic!("pair provider id {id}: {e}"))
}

impl Default for Pair {
    fn default() -> Self {
        Self::new()
    }
}

impl Pair {
    /// The built-in default pair (ASNs 64512 for aws, 64513 for gcp).
    pub fn new() -> Self {
        let (aws, gcp) = (provider("aws"), provider("gcp"));
        let aws_config = ProviderConfig::default_pair(&aws, &gcp, 64512)
            .unwrap_or_else(|e| panic!("default configuration: {e}"));
        let gcp_config = ProviderConfig::default_pair(&gcp, &aws, 64513)
            .unwrap_or_else(|e| panic!("default configuration: {e}"));
        Self::with_configs(aws_config, gcp_config)
    }

    /// A pair serving these two configurations (their providers must be
    /// `aws` and `gcp`, each the other's partner).
    /// Panics when the two copies of the shared static resources disagree
    /// (ENV-12, ENV-15, [`check_pair`](crate::reference::check_pair)).
    pub fn with_configs(aws_config: ProviderConfig, gcp_config: ProviderConfig) -> Self {
        Self::with_configs_and_stores(
            aws_config,
            gcp_config,
            Arc::new(MemoryStore::new()),
            Arc::new(MemoryStore::new()),
        )
    }

    /// [`with_configs`](Self::with_configs) with each provider's state in
    /// the given store (a durable store's tests and benchmarks).
    pub fn with_configs_and_stores(
        aws_config: ProviderConfig,
        gcp_config: ProviderConfig,
        aws_store: Arc<dyn Store>,
        gcp_store: Arc<dyn Store>,
    ) -> Self {
        if let Err(e) = crate::reference::check_pair(&aws_config, &gcp_config) {
            panic!("the pair's configurations disagree: {e}");
        }
        let clock = Arc::new(ManualClock::at_epoch());
        let delay = Duration::seconds(PROVISIONING_DELAY_SECONDS);
        let aws_backend = Arc::new(InMemoryBackend::new(clock.clone(), delay));
        let gcp_backend = Arc::new(InMemoryBackend::new(clock.clone(), delay));
        let build = |config: ProviderConfig,
                     store: Arc<dyn Store>,
                     backend: Arc<InMemoryBackend>,
                     seed: u64| {
            Arc::new(
                ReferenceProvider::new(config, store, clock.clone(), backend)
                    .unwrap_or_else(|e| panic!("pair configuration: {e}"))
                    .with_retry_policy(Backoff::default(), Some(seed)),
            )
        };
        let aws = build(aws_config, aws_store, aws_backend.clone(), 1);
        let gcp = build(gcp_config, gcp_store, gcp_backend.clone(), 2);
        let to_gcp = Arc::new(SwitchablePeer::new(gcp.clone()));
        let to_aws = Arc::new(SwitchablePeer::new(aws.clone()));
        aws.peers()
            .connect(gcp.config().provider.clone(), to_gcp.clone());
        gcp.peers()
            .connect(aws.config().provider.clone(), to_aws.clone());
        Pair {
            aws,
            gcp,
            clock,
            aws_backend,
            gcp_backend,
            to_gcp,
            to_aws,
        }
    }

    /// Runs both providers' due tasks, moving the clock to the next due
    /// task, until nothing is due within `horizon` of clock time from now.
    /// Returns the tasks run.
    pub async fn settle_for(&self, horizon: Duration) -> usize {
        let deadline = self.clock.now() + horizon;
        let mut ran = 0;
        loop {
            loop {
                let n = self.aws.run_until_idle().await + self.gcp.run_until_idle().await;
                ran += n;
                if n == 0 {
                    break;
                }
            }
            let next = [
                self.aws.scheduler().next_due(),
                self.gcp.scheduler().next_due(),
            ]
            .into_iter()
            .flatten()
            .min();
            match next {
                Some(at) if at <= deadline => {
                    if at > self.clock.now() {
                        self.clock.set(at);
                    }
                }
                _ => return ran,
            }
        }
    }

    /// [`settle_for`](Self::settle_for) ten minutes: enough for an
    /// establishment, its retries and provisioning.
    pub async fn settle(&self) -> usize {
        self.settle_for(Duration::minutes(10)).await
    }

    /// The environment `id` as aws names it (under gcp).
    pub fn aws_environment(&self, id: &str) -> EnvironmentName {
        self.gcp
            .config()
            .provider
            .environment(id)
            .unwrap_or_else(|e| panic!("environment {id}: {e}"))
    }

    /// The customer's end at aws.
    pub fn aws_attachment(&self, cidr: &str) -> Attachment {
        Attachment {
            provider: self.aws.config().provider.clone(),
            attach_point: AttachPoint::AwsDirectConnectGateway {
                id: "dxgw-1".to_owned(),
            },
            cidrs: vec![cidr.parse().unwrap_or_else(|e| panic!("cidr {cidr}: {e}"))],
            ip_stack: IpStack::Ipv4Only,
            mtu_bytes: 8500,
        }
    }

    /// The customer's end at gcp.
    pub fn gcp_attachment(&self, cidr: &str) -> Attachment {
        Attachment {
            provider: self.gcp.config().provider.clone(),
            attach_point: AttachPoint::GoogleCloudVpcNetwork {
                id: "prod".to_owned(),
            },
            cidrs: vec![cidr.parse().unwrap_or_else(|e| panic!("cidr {cidr}: {e}"))],
            ip_stack: IpStack::Ipv4Only,
            mtu_bytes: 8500,
        }
    }

    /// The customer asks aws for a connection (10.0.0.0/16 on its side,
    /// for `GCP_PROJECT`) and gets the activation key.
    pub async fn request_at_aws(&self, mbps: u32) -> CoordinatorResult<(String, Secret)> {
        let bandwidth = Bandwidth::from_mbps(mbps).map_err(|e| {
            CoordinatorError::invalid_argument("CUST-BANDWIDTH-NOT-OFFERED", e.to_string())
        })?;
        let requested = self
            .aws
            .customer()
            .request_connection(
                &Secret::new(AWS_ACCOUNT),
                &ConnectionRequest {
                    environment: self.aws_environment("aws-gcp-us-east"),
                    bandwidth,
                    remote_account_id: Secret::new(GCP_PROJECT),
                    attachment: self.aws_attachment("10.0.0.0/16"),
                },
            )
            .await?;
        Ok((requested.connection.connection_id, requested.activation_key))
    }

    /// The customer's account at gcp (`GCP_PROJECT`), as gcp's customer
    /// API authenticates it (KEY-24).
    pub fn gcp_customer(&self) -> Secret {
        Secret::new(GCP_PROJECT)
    }

    /// The acceptance at gcp of `key` (10.1.0.0/16 on its side).
    pub fn acceptance(&self, key: &Secret) -> AcceptActivationKey {
        AcceptActivationKey {
            acceptance: TransportAcceptance {
                activation_key: key.clone(),
                accepting_account_id: Secret::new(GCP_PROJECT),
                attachment: self.gcp_attachment("10.1.0.0/16"),
                advertised_routes: Vec::new(),
            },
            remote_attachment: Some(self.aws_attachment("10.0.0.0/16")),
            defer_provisioning: false,
        }
    }

    /// The whole customer flow: request at aws, accept at gcp, settle.
    /// Returns the connection id.
    pub async fn establish(&self, mbps: u32) -> CoordinatorResult<String> {
        let (uuid, key) = self.request_at_aws(mbps).await?;
        self.gcp
            .customer()
            .accept_activation_key(&self.gcp_customer(), &self.acceptance(&key))
            .await?;
        self.settle().await;
        Ok(uuid)
    }

    /// The connection as the aws customer sees it.
    pub fn at_aws(&self, uuid: &str) -> CoordinatorResult<CustomerConnection> {
        self.aws
            .customer()
            .customer_connection(&Secret::new(AWS_ACCOUNT), uuid)
    }

    /// The connection as the gcp customer sees it.
    pub fn at_gcp(&self, uuid: &str) -> CoordinatorResult<CustomerConnection> {
        self.gcp
            .customer()
            .customer_connection(&Secret::new(GCP_PROJECT), uuid)
    }

    /// Breaks the reference cycle between the two providers.
    pub fn disconnect(&self) {
        self.aws.peers().disconnect_all();
        self.gcp.peers().disconnect_all();
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        self.disconnect();
    }
}
