//! # two_clouds: one connection between two reference providers, in process
//!
//! Runs the whole customer flow between an `aws` and a `gcp` reference
//! provider that call each other through the `ConnectionCoordinator` trait
//! (the `Pair` of `interconnect_provider::testing`): the customer asks aws
//! for a connection and gets an activation key, gcp describes the key, the
//! customer accepts it at gcp, both providers settle (gcp negotiates, aws
//! responds, both provision), each side's workflow events are printed with
//! their clock times, the connection is VERIFIED on both sides, and the
//! customer deletes it. The clock is a manual one: the 30 s of provisioning
//! pass without sleeping.
//!
//! Run it with `cargo run -p interconnect-examples --example two_clouds`. It
//! exits with an error if the connection is not VERIFIED on both sides or is
//! not deleted on both sides.

use std::error::Error;

use interconnect_core::wire::{Secret, VerificationState};
use interconnect_provider::clock::Clock;
use interconnect_provider::customer::CustomerConnection;
use interconnect_provider::store::Phase;
use interconnect_provider::testing::pair::{GCP_PROJECT, Pair};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const MBPS: u32 = 10_000;

fn step(n: u32, what: &str) {
    println!("[{n}/7] {what}");
}

fn events(side: &str, view: &CustomerConnection) {
    for event in &view.events {
        println!(
            "    {side} {}  {}",
            event.at.format("%H:%M:%S%.3f"),
            event.what
        );
    }
}

fn verified(view: &CustomerConnection) -> bool {
    view.phase == Phase::Verified && view.verification_state == Some(VerificationState::Verified)
}

async fn run() -> Result<()> {
    let pair = Pair::new();

    step(1, "the customer asks aws for 10 Gbps to a gcp project");
    let (uuid, key) = pair.request_at_aws(MBPS).await?;
    println!("    connection id {uuid}");
    println!(
        "    activation key: {} characters (not shown: it is a secret)",
        key.expose().len()
    );
    println!("    aws: {:?}", pair.at_aws(&uuid)?.phase);

    step(2, "gcp describes the key before the customer accepts it");
    let description = pair.gcp.customer().describe_activation_key(&key)?;
    println!(
        "    issued by {}, for {}, {} Mbps",
        description.issuer, description.environment, description.bandwidth_mbps
    );
    for check in &description.checks {
        let verdict = match check.passed {
            Some(true) => "passed",
            Some(false) => "FAILED",
            None => "checked on acceptance",
        };
        println!("    {} {}: {verdict}", check.rule, check.description);
    }

    step(3, "the customer accepts the key at gcp");
    let accepted = pair
        .gcp
        .customer()
        .accept_activation_key(&pair.gcp_customer(), &pair.acceptance(&key))
        .await?;
    println!("    gcp: {:?}, role {:?}", accepted.phase, accepted.role);

    step(
        4,
        "both providers settle (no sleeping: the clock is stepped)",
    );
    let started = pair.clock.now();
    let tasks = pair.settle().await;
    println!(
        "    {tasks} tasks ran over {} s of clock time",
        (pair.clock.now() - started).num_seconds()
    );

    step(5, "what each side did");
    let (aws, gcp) = (pair.at_aws(&uuid)?, pair.at_gcp(&uuid)?);
    events("gcp", &gcp);
    events("aws", &aws);

    step(6, "VERIFIED on both sides");
    for (side, view) in [("aws", &aws), ("gcp", &gcp)] {
        let connection = view
            .connection
            .as_ref()
            .map_or_else(|| "-".to_owned(), ToString::to_string);
        println!(
            "    {side}: {:?} {:?} on {connection}",
            view.phase, view.verification_state
        );
        for f in &view.features {
            println!(
                "        {} vlan {} {} {:?}",
                f.channel.id(),
                f.vlan_id.unwrap_or_default(),
                f.ipv4_subnet.as_deref().unwrap_or("-"),
                f.provisioning_state
            );
        }
        if !verified(view) {
            return Err(format!("{side} did not reach VERIFIED").into());
        }
    }

    step(7, "the customer deletes the connection at gcp");
    pair.gcp
        .customer()
        .delete_customer_connection(&Secret::new(GCP_PROJECT), &uuid)?;
    pair.settle().await;
    let (aws, gcp) = (pair.at_aws(&uuid)?, pair.at_gcp(&uuid)?);
    println!("    gcp: {:?}; aws: {:?}", gcp.phase, aws.phase);
    if gcp.phase != Phase::Deleted || aws.phase != Phase::Deleted {
        return Err("the connection was not deleted on both sides".into());
    }
    println!(
        "    features left: aws {}, gcp {}",
        aws.features.len(),
        gcp.features.len()
    );
    Ok(())
}

fn main() -> Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .build()?
        .block_on(run())
}
