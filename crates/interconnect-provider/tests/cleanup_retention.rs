//! The cleanup forgets ended workflows after the cleanup age (OPS-7), so a
//! provider's store does not grow with every connection ever made; live
//! connections and recent endings are kept.

use chrono::Duration;
use interconnect_core::wire::Secret;
use interconnect_provider::clock::Clock;
use interconnect_provider::store::{Phase, StoreExt};
use interconnect_provider::testing::pair::{AWS_ACCOUNT, Pair};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn workflows(p: &interconnect_provider::ReferenceProvider) -> usize {
    p.store().view(|s| s.workflows.len()).unwrap_or(usize::MAX)
}

#[tokio::test]
async fn ended_workflows_are_forgotten_after_the_cleanup_age_and_live_ones_are_kept() -> TestResult
{
    let pair = Pair::new();
    let age = pair.aws.config().policy.cleanup_after();
    let kept = pair.establish(1000).await?;
    let gone = pair.establish(1000).await?;
    pair.aws
        .customer()
        .delete_customer_connection(&Secret::new(AWS_ACCOUNT), &gone)?;
    pair.settle().await;
    assert_eq!(pair.at_aws(&gone)?.phase, Phase::Deleted);
    assert_eq!(pair.at_gcp(&gone)?.phase, Phase::Deleted);
    let ended_at = pair.clock.now();

    // one second short of the age: still there for the customer to read
    pair.clock.set(ended_at + age - Duration::seconds(1));
    assert_eq!(pair.aws.run_cleanup()?.purged_workflows, 0);
    assert_eq!(pair.gcp.run_cleanup()?.purged_workflows, 0);
    assert_eq!(workflows(&pair.aws), 2);
    assert_eq!(pair.at_aws(&gone)?.phase, Phase::Deleted);

    pair.clock.set(ended_at + age);
    assert_eq!(
        pair.aws.run_cleanup()?.purged_workflows,
        1,
        "the ended workflow is purged at the cleanup age"
    );
    assert_eq!(pair.gcp.run_cleanup()?.purged_workflows, 1);
    assert!(pair.aws.workflow(&gone).is_none() && pair.gcp.workflow(&gone).is_none());
    assert!(
        pair.at_aws(&gone).is_err(),
        "a purged connection is not found"
    );
    assert_eq!(workflows(&pair.aws), 1, "the verified one is kept");
    assert_eq!(workflows(&pair.gcp), 1);
    assert_eq!(pair.at_aws(&kept)?.phase, Phase::Verified);
    assert_eq!(pair.at_gcp(&kept)?.phase, Phase::Verified);
    Ok(())
}
