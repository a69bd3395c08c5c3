//! # custom_backend: a partner plugs its routers into the reference provider
//!
//! The reference provider calls a `Backend` whenever its devices must
//! change: provision or remove an accepted L3 feature, install or activate
//! a MACsec key, and to ask whether an interconnect takes new work. Here gcp
//! plugs in `RouterJobs`, which turns each call into a router configuration
//! job (printed as it is queued), and reports a feature `Provisioned` only
//! once its job has been applied by the routers. aws keeps the built-in
//! `InMemoryBackend`. The two providers are built by hand with
//! `ReferenceProvider::new` and wired with `peers().connect`; a customer
//! connection then goes from the activation key to VERIFIED and is deleted.
//!
//! Run it with `cargo run -p interconnect-examples --example custom_backend`.
//! It exits with an error if the connection is not VERIFIED on both sides
//! or a job is missing.

use std::collections::BTreeMap;
use std::error::Error;
use std::sync::{Arc, Mutex};

use chrono::Duration;
use interconnect_core::customer::{
    AttachPoint, Attachment, Bandwidth, ConnectionRequest, IpStack, TransportAcceptance,
};
use interconnect_core::names::{FeatureName, InterconnectName, MacSecKeyName, ProviderName};
use interconnect_core::wire::{L3BaseConfig, Secret, VerificationState};
use interconnect_provider::ReferenceProvider;
use interconnect_provider::backend::{
    Backend, BackendError, FeatureStatus, InMemoryBackend, LocalAvailability,
};
use interconnect_provider::clock::{Clock, ManualClock};
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::customer::AcceptActivationKey;
use interconnect_provider::store::{MemoryStore, Phase};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const AWS_ACCOUNT: &str = "111122223333";
const GCP_PROJECT: &str = "my-gcp-project";

/// One router configuration job.
#[derive(Debug, Clone)]
struct Job {
    id: usize,
    router: String,
    commands: String,
    applied: bool,
}

/// gcp's router automation: every backend call becomes a queued job; the
/// routers apply queued jobs when [`RouterJobs::apply_queued`] runs.
#[derive(Default)]
struct RouterJobs {
    jobs: Mutex<Vec<Job>>,
    /// The job that configures each feature.
    feature_jobs: Mutex<BTreeMap<FeatureName, usize>>,
}

/// The router of a feature: here one per interconnect.
fn router_of(feature: &FeatureName) -> String {
    let ix = feature.connection().interconnect();
    format!("{}-{}", ix.environment().id(), ix.id())
}

impl RouterJobs {
    fn queue(&self, router: String, commands: String) -> std::result::Result<usize, BackendError> {
        let mut jobs = self
            .jobs
            .lock()
            .map_err(|_| BackendError::new("job queue lock poisoned"))?;
        let id = jobs.len() + 1;
        println!("    job #{id} queued for {router}");
        jobs.push(Job {
            id,
            router,
            commands,
            applied: false,
        });
        Ok(id)
    }

    /// The routers apply every queued job; returns how many.
    fn apply_queued(&self) -> usize {
        let Ok(mut jobs) = self.jobs.lock() else {
            return 0;
        };
        let mut applied = 0;
        for job in jobs.iter_mut().filter(|j| !j.applied) {
            job.applied = true;
            applied += 1;
            println!(
                "    job #{} applied on {}: {}",
                job.id, job.router, job.commands
            );
        }
        applied
    }

    fn count(&self) -> usize {
        self.jobs.lock().map(|j| j.len()).unwrap_or(0)
    }
}

impl Backend for RouterJobs {
    fn provision_feature(
        &self,
        feature: &FeatureName,
        config: &L3BaseConfig,
    ) -> std::result::Result<(), BackendError> {
        let commands = format!(
            "interface {} vlan {} address {} mtu {}",
            feature.id(),
            config.vlan_id.unwrap_or_default(),
            config.ipv4_subnet.as_deref().unwrap_or("-"),
            config.mtu_bytes.unwrap_or_default(),
        );
        let id = self.queue(router_of(feature), commands)?;
        self.feature_jobs
            .lock()
            .map_err(|_| BackendError::new("job index lock poisoned"))?
            .insert(feature.clone(), id);
        Ok(())
    }

    fn feature_status(&self, feature: &FeatureName) -> FeatureStatus {
        let job = self
            .feature_jobs
            .lock()
            .ok()
            .and_then(|index| index.get(feature).copied());
        let applied = job.and_then(|id| {
            self.jobs
                .lock()
                .ok()
                .and_then(|jobs| jobs.iter().find(|j| j.id == id).map(|j| j.applied))
        });
        match applied {
            Some(true) => FeatureStatus::Provisioned,
            Some(false) => FeatureStatus::Pending,
            None => FeatureStatus::Unknown,
        }
    }

    fn remove_feature(&self, feature: &FeatureName) -> std::result::Result<(), BackendError> {
        self.queue(router_of(feature), format!("no interface {}", feature.id()))?;
        Ok(())
    }

    fn install_mac_sec_key(
        &self,
        key: &MacSecKeyName,
        _cak: &Secret,
        _ckn: &Secret,
    ) -> std::result::Result<(), BackendError> {
        // the CAK and CKN go to the device, never to a job log
        self.queue(
            key.channel().id().to_owned(),
            format!("macsec install {} standby", key.id()),
        )?;
        Ok(())
    }

    fn activate_mac_sec_key(&self, key: &MacSecKeyName) -> std::result::Result<(), BackendError> {
        self.queue(
            key.channel().id().to_owned(),
            format!("macsec activate {}", key.id()),
        )?;
        Ok(())
    }

    fn mac_sec_key_active(&self, _key: &MacSecKeyName) -> bool {
        false
    }

    fn remove_mac_sec_key(&self, key: &MacSecKeyName) -> std::result::Result<(), BackendError> {
        self.queue(
            key.channel().id().to_owned(),
            format!("macsec remove {}", key.id()),
        )?;
        Ok(())
    }

    fn local_availability(&self, _interconnect: &InterconnectName) -> LocalAvailability {
        LocalAvailability::default()
    }
}

fn attachment(
    provider: &ProviderName,
    attach_point: AttachPoint,
    cidr: &str,
) -> Result<Attachment> {
    Ok(Attachment {
        provider: provider.clone(),
        attach_point,
        cidrs: vec![cidr.parse()?],
        ip_stack: IpStack::Ipv4Only,
        mtu_bytes: 8500,
    })
}

/// Runs both providers' due tasks; the routers apply their jobs between
/// rounds; the clock moves to the next due task (never past 10 minutes).
async fn settle(
    providers: [&ReferenceProvider; 2],
    clock: &ManualClock,
    routers: &RouterJobs,
) -> usize {
    let deadline = clock.now() + Duration::minutes(10);
    let mut ran = 0;
    loop {
        loop {
            let mut n = 0;
            for p in providers {
                n += p.run_until_idle().await;
            }
            ran += n;
            if n == 0 {
                break;
            }
        }
        routers.apply_queued();
        match providers
            .iter()
            .filter_map(|p| p.scheduler().next_due())
            .min()
        {
            Some(at) if at <= deadline => {
                if at > clock.now() {
                    clock.set(at);
                }
            }
            _ => return ran,
        }
    }
}

async fn run() -> Result<()> {
    let (aws_id, gcp_id) = (ProviderName::new("aws")?, ProviderName::new("gcp")?);
    let clock = Arc::new(ManualClock::at_epoch());
    let routers = Arc::new(RouterJobs::default());
    let aws = Arc::new(ReferenceProvider::new(
        ProviderConfig::default_pair(&aws_id, &gcp_id, 64512)?,
        Arc::new(MemoryStore::new()),
        clock.clone(),
        Arc::new(InMemoryBackend::new(clock.clone(), Duration::seconds(30))),
    )?);
    let gcp = Arc::new(ReferenceProvider::new(
        ProviderConfig::default_pair(&gcp_id, &aws_id, 64513)?,
        Arc::new(MemoryStore::new()),
        clock.clone(),
        routers.clone(),
    )?);
    aws.peers().connect(gcp_id.clone(), gcp.clone());
    gcp.peers().connect(aws_id.clone(), aws.clone());

    println!("[1/4] the customer asks aws for 1 Gbps and accepts the key at gcp");
    let requested = aws
        .customer()
        .request_connection(
            &Secret::new(AWS_ACCOUNT),
            &ConnectionRequest {
                environment: gcp_id.environment("aws-gcp-us-east")?,
                bandwidth: Bandwidth::from_mbps(1000)?,
                remote_account_id: Secret::new(GCP_PROJECT),
                attachment: attachment(
                    &aws_id,
                    AttachPoint::AwsDirectConnectGateway {
                        id: "dxgw-1".to_owned(),
                    },
                    "10.0.0.0/16",
                )?,
            },
        )
        .await?;
    let uuid = requested.connection.connection_id.clone();
    gcp.customer()
        .accept_activation_key(
            &Secret::new(GCP_PROJECT),
            &AcceptActivationKey {
                acceptance: TransportAcceptance {
                    activation_key: requested.activation_key.clone(),
                    accepting_account_id: Secret::new(GCP_PROJECT),
                    attachment: attachment(
                        &gcp_id,
                        AttachPoint::GoogleCloudVpcNetwork {
                            id: "prod".to_owned(),
                        },
                        "10.1.0.0/16",
                    )?,
                    advertised_routes: Vec::new(),
                },
                remote_attachment: None,
                defer_provisioning: false,
            },
        )
        .await?;

    println!("[2/4] gcp negotiates; its backend turns each accepted feature into a router job");
    let tasks = settle([&aws, &gcp], &clock, &routers).await;
    println!("    {tasks} tasks ran");

    println!("[3/4] both sides report VERIFIED once the jobs are applied");
    let gcp_view = gcp
        .customer()
        .customer_connection(&Secret::new(GCP_PROJECT), &uuid)?;
    let aws_view = aws
        .customer()
        .customer_connection(&Secret::new(AWS_ACCOUNT), &uuid)?;
    for (side, view) in [("aws", &aws_view), ("gcp", &gcp_view)] {
        println!(
            "    {side}: {:?} {:?}, {} features",
            view.phase,
            view.verification_state,
            view.features.len()
        );
        if view.phase != Phase::Verified
            || view.verification_state != Some(VerificationState::Verified)
        {
            return Err(format!("{side} did not reach VERIFIED").into());
        }
    }
    let provisioned = routers.count();
    if provisioned != gcp_view.features.len() {
        return Err(format!(
            "{provisioned} jobs for {} features",
            gcp_view.features.len()
        )
        .into());
    }

    println!("[4/4] the customer deletes the connection at gcp; its routers unconfigure it");
    gcp.customer()
        .delete_customer_connection(&Secret::new(GCP_PROJECT), &uuid)?;
    settle([&aws, &gcp], &clock, &routers).await;
    let removed = routers.count() - provisioned;
    let aws_after = aws
        .customer()
        .customer_connection(&Secret::new(AWS_ACCOUNT), &uuid)?;
    let gcp_after = gcp
        .customer()
        .customer_connection(&Secret::new(GCP_PROJECT), &uuid)?;
    println!(
        "    aws: {:?}; gcp: {:?}; {removed} removal jobs",
        aws_after.phase, gcp_after.phase
    );
    if removed != gcp_view.features.len()
        || aws_after.phase != Phase::Deleted
        || gcp_after.phase != Phase::Deleted
    {
        return Err("a feature was not removed from the routers".into());
    }
    aws.peers().disconnect_all();
    gcp.peers().disconnect_all();
    Ok(())
}

fn main() -> Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .build()?
        .block_on(run())
}
