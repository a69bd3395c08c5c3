//! # run_conformance: certifying a provider with the conformance suite
//!
//! Runs the whole conformance suite (offline vectors against this project's
//! library, then the protocol scenarios) against an in-process reference
//! provider with every hook, once as is and once wrapped in a mutant that
//! accepts VLAN 1000 (which the specification reserves, L3-10), and prints
//! each report's totals and the failures of the broken one.
//!
//! A partner runs the same suite against its own server with
//! `interconnect conformance --target URL --token TOKEN --as-provider NAME`
//! (see the README, "For partner providers").
//!
//! Run it with `cargo run -p interconnect-examples --example run_conformance`.

use std::error::Error;

use interconnect_conformance::scenario::operations::AnyRequest;
use interconnect_conformance::scenario::{FixtureTarget, Mutant, reference_fixture};
use interconnect_conformance::{Report, Suite, Verdict};

fn summary(label: &str, report: &Report) {
    let t = report.totals();
    println!(
        "{label}: {} vectors, {} passed, {} failed, {} skipped (exit code {})",
        t.total,
        t.passed,
        t.failed,
        t.skipped,
        report.exit_code()
    );
}

fn main() -> Result<(), Box<dyn Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let suite = Suite::bundled();

        let reference = FixtureTarget::reference();
        let report = suite.run(&reference).await?;
        summary("reference provider", &report);

        let broken = FixtureTarget::new(reference_fixture().retarget(|inner| {
            Mutant::new("accepts VLAN 1000", inner).before(|_, request| {
                if let AnyRequest::CreateFeature(r) = request
                    && let Some(l3) = r
                        .feature
                        .feature_config
                        .as_mut()
                        .and_then(|c| c.l3_base_config.as_mut())
                    && l3.vlan_id == Some(1000)
                {
                    l3.vlan_id = Some(3999);
                }
                None
            })
        }));
        let report = suite.run(&broken).await?;
        summary("a provider accepting VLAN 1000", &report);
        for o in report.outcomes() {
            if let Verdict::Fail { mismatch } = &o.verdict {
                println!("  FAIL {} {}: {mismatch}", o.requirement, o.vector);
            }
        }
        Ok(())
    })
}
