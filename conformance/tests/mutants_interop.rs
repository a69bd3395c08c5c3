//! The interoperability scenarios (`vectors/scenarios/interop.json`,
//! issue 14) measured against mutants: each wraps the reference provider
//! and restores one refusal that a peer following the specification would
//! meet (our old habits); the scenarios must fail it on the requirement it
//! breaks.

use interconnect_conformance::scenario::operations::AnyRequest;
use interconnect_conformance::scenario::{FixtureTarget, Mutant, reference_fixture};
use interconnect_conformance::{Filter, Report, Suite, Verdict};
use interconnect_provider::{CoordinatorError, ErrorKind, ReferenceProvider};
use serde_json::Value;
use std::sync::Arc;

type Inner = Arc<ReferenceProvider>;

/// A 400 naming `rule`, as the old code answered.
fn refuse(rule: &str, what: &str) -> Option<Result<Value, CoordinatorError>> {
    Some(Err(CoordinatorError::invalid_argument(
        rule.to_owned(),
        what.to_owned(),
    )))
}

/// Whether a body name differs from the name `parent` and `id` give.
fn differs(body_name: Option<String>, parent: String, collection: &str, id: &str) -> bool {
    body_name.is_some_and(|n| n != format!("{parent}/{collection}/{id}"))
}

struct Case {
    name: &'static str,
    expected: &'static str,
    build: Box<dyn FnOnce(Inner) -> Mutant<Inner>>,
}

fn case(
    name: &'static str,
    expected: &'static str,
    build: impl FnOnce(Inner) -> Mutant<Inner> + 'static,
) -> Case {
    Case {
        name,
        expected,
        build: Box::new(build),
    }
}

/// How many interoperability mutants there are (the READMEs quote it).
pub(crate) fn count() -> usize {
    cases().len()
}

fn cases() -> Vec<Case> {
    vec![
        case(
            "compares the CreateConnection body name",
            "CONN-23",
            |inner| {
                Mutant::new("E-30 on CreateConnection", inner).before(|_, request| {
                    let AnyRequest::CreateConnection(r) = request else {
                        return None;
                    };
                    let name = r.connection.name.as_ref().map(ToString::to_string);
                    differs(name, r.parent.to_string(), "connections", &r.connection_id)
                        .then(|| refuse("CONN-23", "the body's name differs"))
                        .flatten()
                })
            },
        ),
        case(
            "compares the UpdateConnection body name",
            "CONN-29",
            |inner| {
                Mutant::new("E-79 on UpdateConnection", inner).before(|_, request| {
                    let AnyRequest::UpdateConnection(r) = request else {
                        return None;
                    };
                    r.connection
                        .name
                        .as_ref()
                        .is_some_and(|n| n != &r.name)
                        .then(|| refuse("CONN-29", "the body's name differs"))
                        .flatten()
                })
            },
        ),
        case("refuses updateMask=*", "CONN-29", |inner| {
            Mutant::new("no wildcard mask", inner).before(|_, request| {
                let AnyRequest::UpdateConnection(r) = request else {
                    return None;
                };
                (r.update_mask.as_deref() == Some("*"))
                    .then(|| refuse("CONN-15", "updateMask may name only bandwidthMbps"))
                    .flatten()
            })
        }),
        case("compares the CreateFeature body name", "FEAT-11", |inner| {
            Mutant::new("E-30 on CreateFeature", inner).before(|_, request| {
                let AnyRequest::CreateFeature(r) = request else {
                    return None;
                };
                let name = r.feature.name.as_ref().map(ToString::to_string);
                differs(name, r.parent.to_string(), "features", &r.feature_id)
                    .then(|| refuse("FEAT-11", "the body's name differs"))
                    .flatten()
            })
        }),
        case(
            "compares the CreateMacSecKey body name",
            "MACSEC-21",
            |inner| {
                Mutant::new("E-30 on CreateMacSecKey", inner).before(|_, request| {
                    let AnyRequest::CreateMacSecKey(r) = request else {
                        return None;
                    };
                    let name = r.mac_sec_key.name.as_ref().map(ToString::to_string);
                    differs(name, r.parent.to_string(), "macSecKeys", &r.mac_sec_key_id)
                        .then(|| refuse("MACSEC-21", "the body's name differs"))
                        .flatten()
                })
            },
        ),
        case("compares the CreateIssue body name", "ISSUE-12", |inner| {
            Mutant::new("E-30 on CreateIssue", inner).before(|_, request| {
                let AnyRequest::CreateIssue(r) = request else {
                    return None;
                };
                let name = r.issue.name.as_ref().map(ToString::to_string);
                differs(name, r.parent.to_string(), "issues", &r.issue_id)
                    .then(|| refuse("ISSUE-12", "the body's name differs"))
                    .flatten()
            })
        }),
        case("refuses key and encodedKey together", "KEY-21", |inner| {
            Mutant::new("E-16 old", inner).before(|_, request| {
                let AnyRequest::ConfirmActivationKey(r) = request else {
                    return None;
                };
                (r.body.key.is_some() && r.body.encoded_key.is_some())
                    .then(|| refuse("KEY-21", "send either encodedKey or key"))
                    .flatten()
            })
        }),
        case(
            "prefers encodedKey when the copies differ",
            "KEY-21",
            |inner| {
                Mutant::new("ignores key", inner).before(|_, request| {
                    if let AnyRequest::ConfirmActivationKey(r) = request
                        && r.body.encoded_key.is_some()
                    {
                        r.body.key = None;
                    }
                    None
                })
            },
        ),
        case("compares the key text exactly", "CONN-25", |inner| {
            // the old CONN-25: a key is the issued one only as the same text
            Mutant::new("E-86 old", inner).before(|_, request| {
                let AnyRequest::CreateConnection(r) = request else {
                    return None;
                };
                r.connection
                    .effective_activation_key()
                    .is_some_and(|k| k.expose().contains('\n'))
                    .then(|| refuse("CONN-25", "the key differs from the issued one"))
                    .flatten()
            })
        }),
        case("refuses an upper-case connectionId", "CONN-3", |inner| {
            Mutant::new("lower-case UUIDs only", inner).before(|_, request| {
                let AnyRequest::CreateConnection(r) = request else {
                    return None;
                };
                r.connection_id
                    .chars()
                    .any(|c| c.is_ascii_uppercase())
                    .then(|| refuse("CONN-3", "connectionId must be a lower-case UUID"))
                    .flatten()
            })
        }),
        case(
            "answers 400 on an interconnect that takes no new connection",
            "CONN-6",
            |inner| {
                // the old E-67: a bad argument, which ends the caller's flow
                // instead of sending it to another interconnect
                Mutant::new("E-67 old", inner).after(|_, _, result| match result {
                    Err(e) if e.rule() == "CONN-6" && e.kind() == ErrorKind::Aborted => Err(
                        CoordinatorError::invalid_argument("CONN-6", e.message().to_owned()),
                    ),
                    other => other,
                })
            },
        ),
        case("requires hostIpv6 with IPv6", "L3-42", |inner| {
            Mutant::new("hostIpv6 required", inner).before(|_, request| {
                let AnyRequest::CreateFeature(r) = request else {
                    return None;
                };
                let l3 = r
                    .feature
                    .feature_config
                    .as_ref()
                    .and_then(|c| c.l3_base_config.as_ref())?;
                (l3.ipv6_subnet.is_some()
                    && l3
                        .provider_bgp_configs
                        .iter()
                        .any(|b| b.host_ipv6.is_none()))
                .then(|| refuse("L3-42", "hostIpv6 is required when IPv6 is configured"))
                .flatten()
            })
        }),
        case(
            "limits the MD5 password to 80 printable ASCII characters",
            "L3-46",
            |inner| {
                Mutant::new("E-123 old", inner).before(|_, request| {
                    let AnyRequest::CreateFeature(r) = request else {
                        return None;
                    };
                    let password = r
                        .feature
                        .feature_config
                        .as_ref()
                        .and_then(|c| c.l3_base_config.as_ref())
                        .and_then(|l3| l3.md5_bgp_password.as_ref())?;
                    (password.expose().len() > 80)
                        .then(|| refuse("L3-46", "md5BgpPassword is at most 80 characters"))
                        .flatten()
                })
            },
        ),
        case("ignores deferConnection", "DEFER-14", |inner| {
            // what a server reading only deferProvisioning sees: no flag
            Mutant::new("deferProvisioning only", inner).before(|_, request| {
                if let AnyRequest::CreateConnection(r) = request {
                    r.connection.defer_provisioning = None;
                }
                None
            })
        }),
    ]
}

async fn run(build: Box<dyn FnOnce(Inner) -> Mutant<Inner>>) -> Report {
    let target = FixtureTarget::new(reference_fixture().retarget(build));
    Suite::bundled()
        .with_filter(Filter::only(["interop"]))
        .run(&target)
        .await
        .expect("the interop scenarios load")
}

fn failed_on(report: &Report) -> Vec<(String, String)> {
    report
        .outcomes()
        .iter()
        .filter_map(|o| match &o.verdict {
            Verdict::Fail { mismatch } => Some((o.requirement.clone(), mismatch.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interop_scenarios_pass_on_the_reference_provider() {
    let report = run(Box::new(|inner| Mutant::new("faithful", inner))).await;
    let totals = report.totals();
    assert_eq!(totals.failed, 0, "{}", report.to_text());
    assert!(
        report.outcomes().len() >= 7,
        "every interop scenario ran: {}",
        report.to_text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interop_scenarios_kill_every_mutant() {
    let mut survivors = Vec::new();
    for c in cases() {
        let report = run(c.build).await;
        let failed = failed_on(&report);
        let hit = failed.iter().any(|(requirement, mismatch)| {
            requirement == c.expected || mismatch.contains(c.expected)
        });
        if hit {
            println!("killed   {:<50} on {}", c.name, c.expected);
        } else {
            println!(
                "SURVIVED {:<50} expected {}: {failed:?}",
                c.name, c.expected
            );
            survivors.push(c.name);
        }
    }
    assert_eq!(survivors, Vec::<&str>::new());
}
