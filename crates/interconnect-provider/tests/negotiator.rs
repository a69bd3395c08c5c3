//! Two reference providers reach VERIFIED in process (issue 5): the
//! negotiator, the responder and the customer flows, stepped with a manual
//! clock (no test sleeps).

use std::collections::BTreeSet;

use interconnect_core::wire::{ProvisioningState, VerificationState};
use interconnect_provider::store::{Phase, Role};
use interconnect_provider::testing::pair::Pair;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn verified(view: &interconnect_provider::customer::CustomerConnection) -> bool {
    view.phase == Phase::Verified
        && view.verification_state == Some(VerificationState::Verified)
        && view
            .features
            .iter()
            .all(|f| f.provisioning_state == ProvisioningState::Final)
}

#[tokio::test]
async fn the_happy_path_reaches_verified_on_both_sides() -> TestResult {
    let pair = Pair::new();
    let uuid = pair.establish(1000).await?;
    let aws = pair.at_aws(&uuid)?;
    let gcp = pair.at_gcp(&uuid)?;
    assert!(verified(&aws), "NEG-13 at aws: {aws:#?}");
    assert!(verified(&gcp), "NEG-13 at gcp: {gcp:#?}");
    assert_eq!(
        gcp.role,
        Role::Negotiator,
        "NEG-1: the key receiver negotiates"
    );
    assert_eq!(aws.role, Role::Responder);
    assert_eq!(aws.features.len(), 4, "one feature per channel");
    assert_eq!(gcp.features.len(), 4);
    let vlans: BTreeSet<_> = gcp
        .features
        .iter()
        .map(|f| (f.channel.id().to_owned(), f.vlan_id))
        .collect();
    let aws_vlans: BTreeSet<_> = aws
        .features
        .iter()
        .map(|f| (f.channel.id().to_owned(), f.vlan_id))
        .collect();
    assert_eq!(vlans, aws_vlans, "both sides hold the same configuration");
    Ok(())
}
