//! # http_peers: two reference providers over loopback HTTP
//!
//! Starts the reference providers of aws and gcp in this process, each
//! served by the `interconnect-http` router on a free 127.0.0.1 port and
//! each reaching the other through an `HttpCoordinator` (plain HTTP is
//! allowed on loopback only, for development). A `Driver` runs each
//! provider's background work on tokio. Then the customer asks aws for a
//! connection, takes the activation key to gcp and accepts it; the two
//! providers negotiate over HTTP until both sides are `VERIFIED`. Each
//! step prints one line.
//!
//! Run it with `cargo run -p interconnect-examples --example http_peers`.
//! It takes about half a second and exits with an error if a step fails.

use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use interconnect_core::customer::{
    AttachPoint, Attachment, Bandwidth, ConnectionRequest, IpStack, TransportAcceptance,
};
use interconnect_core::names::ProviderName;
use interconnect_core::wire::Secret;
use interconnect_http::{
    BearerTokens, Driver, HttpCoordinatorConfig, Transport, bind_loopback, router, serve,
};
use interconnect_provider::ReferenceProvider;
use interconnect_provider::backend::InMemoryBackend;
use interconnect_provider::clock::SystemClock;
use interconnect_provider::config::{ProtocolPolicy, ProviderConfig};
use interconnect_provider::customer::AcceptActivationKey;
use interconnect_provider::store::{MemoryStore, Phase};
use tokio::sync::watch;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The customer's account at aws and its project at gcp.
const AWS_ACCOUNT: &str = "111122223333";
const GCP_PROJECT: &str = "my-gcp-project";

/// One provider with the built-in default inventory, the system clock and
/// in-memory devices that take 200 ms to provision.
fn provider(
    local: &ProviderName,
    partner: &ProviderName,
    asn: u32,
) -> Result<Arc<ReferenceProvider>> {
    let mut config = ProviderConfig::default_pair(local, partner, asn)?;
    config.policy = ProtocolPolicy {
        provisioning_poll_ms: 50,
        ..ProtocolPolicy::default()
    };
    let clock = Arc::new(SystemClock);
    let backend = Arc::new(InMemoryBackend::new(
        clock.clone(),
        chrono::Duration::milliseconds(200),
    ));
    Ok(Arc::new(ReferenceProvider::new(
        config,
        Arc::new(MemoryStore::new()),
        clock,
        backend,
    )?))
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

#[tokio::main]
async fn main() -> Result<()> {
    let started = Instant::now();
    let step =
        |n: u32, text: String| println!("{n}. [{:5.2} s] {text}", started.elapsed().as_secs_f64());
    let (aws_id, gcp_id) = (ProviderName::new("aws")?, ProviderName::new("gcp")?);
    let aws = provider(&aws_id, &gcp_id, 64512)?;
    let gcp = provider(&gcp_id, &aws_id, 64513)?;

    // Each server knows the token its partner presents; each client presents its own.
    let (aws_listener, gcp_listener) = (bind_loopback(0).await?, bind_loopback(0).await?);
    let aws_url = format!("http://{}", aws_listener.local_addr()?);
    let gcp_url = format!("http://{}", gcp_listener.local_addr()?);
    let (aws_token, gcp_token) = (
        Secret::new("aws-token-example"),
        Secret::new("gcp-token-example"),
    );
    aws.peers().connect(
        gcp_id.clone(),
        Arc::new(HttpCoordinatorConfig::new(&gcp_url, &aws_id, aws_token.clone()).build()?),
    );
    gcp.peers().connect(
        aws_id.clone(),
        Arc::new(HttpCoordinatorConfig::new(&aws_url, &gcp_id, gcp_token.clone()).build()?),
    );
    let (stop, stopped) = watch::channel(false);
    let until_stopped = move || {
        let mut rx = stopped.clone();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    };
    let servers = [
        tokio::spawn(serve(
            aws_listener,
            router(
                aws.clone(),
                Arc::new(BearerTokens::new().with_partner(gcp_token, gcp_id.clone())),
            ),
            Transport::PlainLoopbackForDevelopment,
            until_stopped(),
        )),
        tokio::spawn(serve(
            gcp_listener,
            router(
                gcp.clone(),
                Arc::new(BearerTokens::new().with_partner(aws_token, aws_id.clone())),
            ),
            Transport::PlainLoopbackForDevelopment,
            until_stopped(),
        )),
    ];
    let drivers = [
        Driver::new(aws.clone()).spawn(until_stopped()),
        Driver::new(gcp.clone()).spawn(until_stopped()),
    ];
    step(
        1,
        format!("aws serves at {aws_url}, gcp at {gcp_url}; each names the other as its peer"),
    );

    let aws_end = attachment(
        &aws_id,
        AttachPoint::AwsDirectConnectGateway {
            id: "dxgw-1".into(),
        },
        "10.0.0.0/16",
    )?;
    let requested = aws
        .customer()
        .request_connection(
            &Secret::new(AWS_ACCOUNT),
            &ConnectionRequest {
                environment: gcp_id.environment("aws-gcp-us-east")?,
                bandwidth: Bandwidth::from_mbps(1000)?,
                remote_account_id: Secret::new(GCP_PROJECT),
                attachment: aws_end.clone(),
            },
        )
        .await?;
    let id = requested.connection.connection_id.clone();
    step(
        2,
        format!("the customer asks aws for 1 Gbps: connection {id}, activation key issued"),
    );

    let accepted = gcp
        .customer()
        .accept_activation_key(
            &Secret::new(GCP_PROJECT),
            &AcceptActivationKey {
                acceptance: TransportAcceptance {
                    activation_key: requested.activation_key.clone(),
                    accepting_account_id: Secret::new(GCP_PROJECT),
                    attachment: attachment(
                        &gcp_id,
                        AttachPoint::GoogleCloudVpcNetwork { id: "prod".into() },
                        "10.1.0.0/16",
                    )?,
                    advertised_routes: Vec::new(),
                },
                remote_attachment: Some(aws_end),
                defer_provisioning: false,
            },
        )
        .await?;
    step(
        3,
        format!(
            "gcp accepts the key (ConfirmActivationKey at aws over HTTP): phase {:?}",
            accepted.phase
        ),
    );

    let deadline = Instant::now() + Duration::from_secs(20);
    let mut shown = (None, None);
    loop {
        let at_aws = aws
            .customer()
            .customer_connection(&Secret::new(AWS_ACCOUNT), &id)?;
        let at_gcp = gcp
            .customer()
            .customer_connection(&Secret::new(GCP_PROJECT), &id)?;
        if shown != (Some(at_aws.phase), Some(at_gcp.phase)) {
            step(4, format!("aws {:?}, gcp {:?}", at_aws.phase, at_gcp.phase));
            shown = (Some(at_aws.phase), Some(at_gcp.phase));
        }
        if at_aws.phase == Phase::Verified && at_gcp.phase == Phase::Verified {
            step(
                5,
                format!(
                    "VERIFIED on both sides with {} features each",
                    at_aws.features.len()
                ),
            );
            break;
        }
        if at_aws.phase == Phase::Failed
            || at_gcp.phase == Phase::Failed
            || Instant::now() > deadline
        {
            return Err(format!(
                "not verified: aws {:?} {:?}, gcp {:?} {:?}",
                at_aws.phase, at_aws.failure, at_gcp.phase, at_gcp.failure
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let _ = stop.send(true);
    for server in servers {
        server.await??;
    }
    for driver in drivers {
        driver.await?;
    }
    aws.peers().disconnect_all();
    gcp.peers().disconnect_all();
    Ok(())
}
