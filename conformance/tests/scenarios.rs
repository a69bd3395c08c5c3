//! Every protocol scenario passes against the in-process reference provider;
//! broken coordinators (mutants) fail on the requirement they break.

use std::sync::Arc;

use interconnect_conformance::scenario::operations::AnyRequest;
use interconnect_conformance::scenario::{
    CoordinatorTarget, Filter, FixtureTarget, Mutant, Patient, Scenario, bundled_dir, load_dir,
    reference_fixture, run_scenarios,
};
use interconnect_conformance::{Outcome, Verdict};
use interconnect_core::names::ProviderName;
use interconnect_provider::store::StoreExt;
use interconnect_provider::testing::Fixture;
use interconnect_provider::{Caller, CoordinatorError, ErrorKind, ReferenceProvider};

fn scenarios() -> Vec<Scenario> {
    load_dir(&bundled_dir()).unwrap_or_else(|e| panic!("the bundled scenarios load: {e}"))
}

fn failures(outcomes: &[Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter_map(|o| match &o.verdict {
            Verdict::Fail { mismatch } => {
                Some(format!("{} ({}): {mismatch}", o.vector, o.requirement))
            }
            _ => None,
        })
        .collect()
}

/// Runs every scenario against the reference provider wrapped by `wrap`.
async fn run_wrapped<C, F>(wrap: F) -> Vec<Outcome>
where
    C: interconnect_provider::ConnectionCoordinator,
    F: FnOnce(Arc<ReferenceProvider>) -> C,
{
    let fixture = reference_fixture().retarget(wrap);
    run_scenarios(
        &FixtureTarget::new(fixture),
        &scenarios(),
        &Filter::default(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_passes_against_the_reference_provider() {
    let outcomes = run_scenarios(
        &FixtureTarget::reference(),
        &scenarios(),
        &Filter::default(),
    )
    .await;
    assert!(!outcomes.is_empty());
    assert_eq!(failures(&outcomes), Vec::<String>::new());
    // In process, only the raw HTTP requests (AUTH-1, ERR-1) cannot be
    // sent: `tests/http.rs` runs them.
    let skips: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match &o.verdict {
            Verdict::Skip { reason } => Some((o.vector.as_str(), reason.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        skips,
        vec![
            (
                "auth-every-operation-needs-a-token",
                "the target offers no `rawHttp` hook"
            ),
            ("err-error-document", "the target offers no `rawHttp` hook"),
        ],
        "the fixture offers every other hook"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_without_hooks_skips_with_the_reason() {
    let fixture = Fixture::new();
    let target = CoordinatorTarget::new(
        fixture.target.clone(),
        fixture.partner.clone(),
        ProviderName::new("azure").expect("valid id"),
    );
    let outcomes = run_scenarios(&target, &scenarios(), &Filter::default()).await;
    assert_eq!(failures(&outcomes), Vec::<String>::new());
    let skipped: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match &o.verdict {
            Verdict::Skip { reason } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert!(!skipped.is_empty(), "scenarios needing hooks are skipped");
    assert!(skipped.iter().all(|r| r.contains("hook")), "{skipped:?}");
    assert!(
        outcomes.iter().any(|o| o.verdict == Verdict::Pass),
        "hook-less scenarios still run"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filter_selects_by_id_requirement_or_family() {
    let filter = Filter {
        only: vec!["CONN-5".into()],
    };
    let outcomes = run_scenarios(&FixtureTarget::new(Fixture::new()), &scenarios(), &filter).await;
    let ran: Vec<_> = outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Pass)
        .map(|o| o.requirement.as_str())
        .collect();
    assert_eq!(ran, vec!["CONN-5"]);
    assert_eq!(outcomes.len(), 1, "unselected scenarios are not reported");
    let family = Filter::only(["maintenance"]);
    let outcomes = run_scenarios(&FixtureTarget::new(Fixture::new()), &scenarios(), &family).await;
    assert!(!outcomes.is_empty());
    assert!(outcomes.iter().all(|o| o.family == "maintenance"));
}

/// The requirements of the failed scenarios.
fn failed_requirements(outcomes: &[Outcome]) -> Vec<&str> {
    outcomes
        .iter()
        .filter(|o| o.failed())
        .map(|o| o.requirement.as_str())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_accepting_vlan_1000_fails_l3_10() {
    let outcomes = run_wrapped(|inner| {
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
    })
    .await;
    assert_eq!(
        failed_requirements(&outcomes),
        vec!["L3-10"],
        "{:?}",
        failures(&outcomes)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_answering_500_on_overbooking_fails_conn_4() {
    let outcomes = run_wrapped(|inner| {
        Mutant::new("500 instead of 409 on an overbooked interconnect", inner).after(
            |_, request, result| match (request, result) {
                (AnyRequest::CreateConnection(_), Err(e))
                    if e.kind() == ErrorKind::Aborted && e.rule() == "CONN-4" =>
                {
                    Err(CoordinatorError::internal("CONN-4", "overbooked"))
                }
                (_, r) => r,
            },
        )
    })
    .await;
    assert_eq!(
        failed_requirements(&outcomes),
        vec!["CONN-4"],
        "{:?}",
        failures(&outcomes)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_leaking_connections_fails_auth_2() {
    let outcomes = run_wrapped(|inner| {
        Mutant::new("ListConnections shows another partner's connections", inner).before(
            |caller, request| {
                if let AnyRequest::ListConnections(r) = request {
                    *caller = Caller::new("leaky", [r.parent.provider().clone()]);
                }
                None
            },
        )
    })
    .await;
    // It lists another partner's namespace (AUTH-2) and so shows the
    // stranger's own connections to the partner (AUTH-3).
    assert_eq!(
        failed_requirements(&outcomes),
        vec!["AUTH-2", "AUTH-3"],
        "{:?}",
        failures(&outcomes)
    );
    assert!(
        failures(&outcomes)
            .iter()
            .any(|f| f.contains("ListConnections")),
        "{:?}",
        failures(&outcomes)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_listing_the_partner_to_a_stranger_fails_auth_5() {
    let outcomes = run_wrapped(|inner| {
        Mutant::new("ListProviders shows the partner to every caller", inner).before(
            |caller, request| {
                if let AnyRequest::ListProviders(_) = request {
                    let gcp = ProviderName::new("gcp").expect("a valid provider id");
                    *caller = Caller::new("leaky", [gcp]);
                }
                None
            },
        )
    })
    .await;
    assert_eq!(
        failed_requirements(&outcomes),
        vec!["AUTH-5"],
        "{:?}",
        failures(&outcomes)
    );
    assert!(
        failures(&outcomes)
            .iter()
            .any(|f| f.contains("expected no item matching")),
        "{:?}",
        failures(&outcomes)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_hiding_itself_from_a_stranger_fails_auth_5() {
    let outcomes = run_wrapped(|inner| {
        Mutant::new("ListProviders leaves the server out for strangers", inner).after(
            |caller, request, result| match (request, result) {
                (AnyRequest::ListProviders(_), Ok(mut listed))
                    if !caller.may_act_as(&ProviderName::new("gcp").expect("a valid id")) =>
                {
                    if let Some(items) = listed
                        .get_mut("providers")
                        .and_then(serde_json::Value::as_array_mut)
                    {
                        items.retain(|p| p["name"] != "providers/aws");
                    }
                    Ok(listed)
                }
                (_, result) => result,
            },
        )
    })
    .await;
    assert_eq!(
        failed_requirements(&outcomes),
        vec!["AUTH-5"],
        "{:?}",
        failures(&outcomes)
    );
    assert!(
        failures(&outcomes)
            .iter()
            .any(|f| f.contains("expected an item matching")),
        "{:?}",
        failures(&outcomes)
    );
}

#[test]
fn every_scenario_file_follows_the_schema() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("schema/scenario.schema.json"))?)?;
    let validator = jsonschema::validator_for(&schema)?;
    let mut files = 0;
    for entry in std::fs::read_dir(dir.join("scenarios"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|x| x == "json") {
            let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path)?)?;
            let errors: Vec<String> = validator
                .iter_errors(&doc)
                .map(|e| format!("{}: {e}", e.instance_path()))
                .collect();
            assert_eq!(errors, Vec::<String>::new(), "{}", path.display());
            files += 1;
        }
    }
    assert!(files >= 6, "one file per family");
    let broken = serde_json::json!({"description": "d", "scenarios": [{"id": "a", "requirement": "CONN-4", "description": "d", "steps": [{"op": "GetConnection", "hook": {"awaitProvisioning": {}}}]}]});
    assert!(!validator.is_valid(&broken), "op and hook together");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_removes_only_what_the_scenarios_created() {
    let fixture = Fixture::new();
    let keep = interconnect_provider::testing::scenarios::create_confirmed(&fixture, "ix1", 1000)
        .await
        .1;
    let target = FixtureTarget::new(fixture);
    let outcomes = run_scenarios(&target, &scenarios(), &Filter::default()).await;
    assert_eq!(failures(&outcomes), Vec::<String>::new());
    let f = target.fixture();
    let connections: Vec<_> = f
        .server
        .store()
        .view(|s| s.connections.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    assert_eq!(
        connections,
        vec![keep],
        "only the connection made outside the runner is left"
    );
    let keys: Vec<String> = f
        .server
        .store()
        .view(|s| s.mac_sec_keys.keys().map(ToString::to_string).collect())
        .unwrap_or_default();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        keys.iter()
            .all(|k| k.ends_with("/macSecKeys/k2") || k.ends_with("/macSecKeys/j1")),
        "every MACsec key the runner made is deleted, except the two the \
         activateMacSecKey hook left active (MACSEC-7, the bake-time \
         scenario's two channels): {keys:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cleanup_failure_fails_the_scenario() {
    let outcomes = run_wrapped(|inner| {
        Mutant::new("DeleteConnection answers 500", inner).before(|_, request| {
            matches!(request, AnyRequest::DeleteConnection(_))
                .then(|| Err(CoordinatorError::internal("CONN-11", "refused")))
        })
    })
    .await;
    let cleanup: Vec<_> = failures(&outcomes)
        .into_iter()
        .filter(|f| f.contains("cleanup:"))
        .collect();
    assert!(!cleanup.is_empty(), "{:?}", failures(&outcomes));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mismatches_never_show_secrets() {
    let outcomes = run_wrapped(|inner| {
        Mutant::new("echoes the key in its error", inner).after(
            |_, request, result| match request {
                AnyRequest::ConfirmActivationKey(r) => {
                    let text = r
                        .body
                        .encoded_key
                        .as_ref()
                        .map(|k| k.expose().to_owned())
                        .unwrap_or_default();
                    Err(CoordinatorError::invalid_argument(
                        "KEY-14",
                        format!("bad key {text}"),
                    ))
                }
                _ => result,
            },
        )
    })
    .await;
    let failed = failures(&outcomes);
    assert!(
        failed.iter().any(|f| f.contains("bad key <redacted>")),
        "{failed:?}"
    );
    assert!(
        failed.iter().all(|f| !f.contains("eyJ")),
        "no base64 JSON key text: {failed:?}"
    );
}

/// A target that answers 429 to every other call (a tight rate limit).
fn throttled(inner: Arc<ReferenceProvider>) -> Mutant<Arc<ReferenceProvider>> {
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    Mutant::new("429 on every other call", inner).before(move |_, _| {
        let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        n.is_multiple_of(2).then(|| {
            Err(
                CoordinatorError::new(ErrorKind::ResourceExhausted, "ERR-7", "slow down")
                    .with_retry_after(std::time::Duration::ZERO),
            )
        })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_target_passes_when_the_runner_waits() {
    let impatient = run_wrapped(throttled).await;
    assert!(
        !failures(&impatient).is_empty(),
        "429 answers fail scenarios when nothing retries"
    );
    let patient = run_wrapped(|inner| Patient::new(throttled(inner), 3)).await;
    assert_eq!(failures(&patient), Vec::<String>::new());
}
