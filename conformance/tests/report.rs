//! The report writers: text grouped by requirement, JSON that follows
//! `report.schema.json`, well-formed JUnit with the right counts, and the
//! exit code.

use std::path::Path;

use interconnect_conformance::offline::{Filter, run_offline};
use interconnect_conformance::report::REPORT_SCHEMA;
use interconnect_conformance::{Outcome, Report, Verdict};
use quick_xml::events::Event;

fn outcome(vector: &str, requirement: &str, verdict: Verdict) -> Outcome {
    Outcome {
        vector: vector.to_owned(),
        requirement: requirement.to_owned(),
        family: "test".to_owned(),
        description: "a <tricky> \"description\" & more".to_owned(),
        kind: interconnect_conformance::Kind::Scenario,
        verdict,
    }
}

fn mixed() -> Report {
    Report::new(vec![
        outcome("KEY-10/a", "KEY-10", Verdict::Pass),
        outcome(
            "KEY-2/b",
            "KEY-2",
            Verdict::Fail {
                mismatch: "expected <a> & \"b\", got 'c'\nsecond line \u{1}".to_owned(),
            },
        ),
        outcome("KEY-2/c", "KEY-2", Verdict::Pass),
        outcome(
            "L3-4/d",
            "L3-4",
            Verdict::Skip {
                reason: "filtered by --only".to_owned(),
            },
        ),
        outcome("CUST-MTU-MISMATCH/e", "CUST-MTU-MISMATCH", Verdict::Pass),
    ])
}

#[test]
fn text_groups_by_requirement_with_totals() {
    let text = mixed().to_text();
    let key2 = text.find("KEY-2 (1 passed, 1 failed, 0 skipped)");
    let key10 = text.find("KEY-10 (1 passed, 0 failed, 0 skipped)");
    assert!(key2.is_some() && key10.is_some(), "{text}");
    assert!(key2 < key10, "KEY-2 sorts before KEY-10: {text}");
    assert!(text.contains("  FAIL  KEY-2/b: expected <a>"), "{text}");
    assert!(
        text.contains("  skip  L3-4/d: filtered by --only"),
        "{text}"
    );
    assert!(text.contains("  pass  KEY-2/c"), "{text}");
    assert!(
        text.ends_with("total 5: 3 passed, 1 failed, 1 skipped\n"),
        "{text}"
    );
}

#[test]
fn exit_code_is_zero_only_without_failures() {
    assert_eq!(mixed().exit_code(), 1);
    let ok = Report::new(vec![
        outcome("A-1/x", "A-1", Verdict::Pass),
        outcome(
            "A-1/y",
            "A-1",
            Verdict::Skip {
                reason: "no capability".to_owned(),
            },
        ),
    ]);
    assert_eq!(ok.exit_code(), 0);
    assert_eq!(Report::new(Vec::new()).exit_code(), 0);
}

#[test]
fn json_follows_the_report_schema() -> Result<(), Box<dyn std::error::Error>> {
    let schema: serde_json::Value = serde_json::from_str(REPORT_SCHEMA)?;
    let validator = jsonschema::validator_for(&schema)?;
    let real = run_offline(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors"),
        &Filter::all(),
    )?;
    for report in [mixed(), Report::new(real), Report::new(Vec::new())] {
        let json = report.to_json();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(json["totals"]["total"], report.outcomes().len());
    }
    let json = mixed().to_json();
    assert_eq!(json["totals"]["failed"], 1);
    assert_eq!(json["requirements"][0]["requirement"], "CUST-MTU-MISMATCH");
    assert_eq!(json["requirements"][1]["requirement"], "KEY-2");
    assert_eq!(json["requirements"][1]["outcomes"][0]["verdict"], "fail");
    assert!(json["requirements"][1]["outcomes"][0]["mismatch"].is_string());
    // The schema refuses what it should: a fail without its mismatch.
    let mut broken = json.clone();
    if let Some(o) = broken["requirements"][1]["outcomes"][0].as_object_mut() {
        o.remove("mismatch");
    }
    assert!(!validator.is_valid(&broken));
    Ok(())
}

/// Counts of `<testsuite>`, `<testcase>`, `<failure>`, `<skipped>` and the
/// attributes of `<testsuites>`, read with an XML parser.
#[derive(Debug, Default, PartialEq)]
struct Junit {
    suites: Vec<(String, String, String, String)>,
    cases: usize,
    failures: Vec<String>,
    skipped: Vec<String>,
    root: Vec<(String, String)>,
}

fn read_junit(xml: &str) -> Result<Junit, Box<dyn std::error::Error>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut out = Junit::default();
    loop {
        let event = reader.read_event()?;
        let e = match &event {
            Event::Start(e) | Event::Empty(e) => e.clone(),
            Event::Eof => break,
            _ => continue,
        };
        let attr = |name: &str| -> Result<String, Box<dyn std::error::Error>> {
            match e.try_get_attribute(name)? {
                Some(a) => Ok(a.unescape_value()?.into_owned()),
                None => Ok(String::new()),
            }
        };
        match e.name().as_ref() {
            b"testsuites" => {
                for name in ["tests", "failures", "skipped"] {
                    out.root.push((name.to_owned(), attr(name)?));
                }
            }
            b"testsuite" => out.suites.push((
                attr("name")?,
                attr("tests")?,
                attr("failures")?,
                attr("skipped")?,
            )),
            b"testcase" => out.cases += 1,
            b"failure" => out.failures.push(attr("message")?),
            b"skipped" => out.skipped.push(attr("message")?),
            _ => {}
        }
    }
    Ok(out)
}

#[test]
fn junit_is_well_formed_with_the_right_counts() -> Result<(), Box<dyn std::error::Error>> {
    let xml = mixed().to_junit();
    let junit = read_junit(&xml)?;
    assert_eq!(
        junit.root,
        vec![
            ("tests".to_owned(), "5".to_owned()),
            ("failures".to_owned(), "1".to_owned()),
            ("skipped".to_owned(), "1".to_owned())
        ]
    );
    let s = |n: &str, t: &str, f: &str, k: &str| (n.into(), t.into(), f.into(), k.into());
    assert_eq!(
        junit.suites,
        vec![
            s("CUST", "1", "0", "0"),
            s("KEY", "3", "1", "0"),
            s("L3", "1", "0", "1")
        ]
    );
    assert_eq!(junit.cases, 5);
    // Escaped on the way out, read back intact (control characters become '?').
    assert_eq!(
        junit.failures,
        vec!["expected <a> & \"b\", got 'c'\nsecond line ?".to_owned()]
    );
    assert_eq!(junit.skipped, vec!["filtered by --only".to_owned()]);
    Ok(())
}

#[test]
fn junit_of_the_real_run_counts_every_vector() -> Result<(), Box<dyn std::error::Error>> {
    let real = run_offline(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors"),
        &Filter::all(),
    )?;
    let n = real.len();
    let junit = read_junit(&Report::new(real).to_junit())?;
    assert_eq!(junit.cases, n);
    assert!(junit.failures.is_empty() && junit.skipped.is_empty());
    let families: Vec<&str> = junit.suites.iter().map(|s| s.0.as_str()).collect();
    for family in ["CUST", "ENV", "GUIDE", "ISSUE", "KEY", "L3", "NAME", "WIRE"] {
        assert!(families.contains(&family), "{families:?}");
    }
    Ok(())
}
