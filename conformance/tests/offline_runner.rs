//! The runner can fail: wrong vectors fail naming the vector, broken files
//! are load errors naming the file and JSON path, and `--only` selects by
//! requirement id.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use interconnect_conformance::offline::{Filter, run_offline};
use interconnect_conformance::{LoadError, Verdict};
use serde_json::{Value, json};

fn real_vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// A fresh, empty directory under the system temp dir.
fn temp_dir(tag: &str) -> Result<PathBuf, std::io::Error> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "conformance-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn write(dir: &Path, name: &str, doc: &Value) -> Result<(), Box<dyn std::error::Error>> {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, serde_json::to_vec_pretty(doc)?)?;
    Ok(())
}

/// The real file of `family`, with its vectors replaced by `vectors`.
fn family_file(family: &str, vectors: Value) -> Result<Value, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(real_vectors().join(format!("{family}.json")))?;
    let mut doc: Value = serde_json::from_str(&text)?;
    doc["vectors"] = vectors;
    Ok(doc)
}

/// One real vector of a family, by id.
fn real_vector(family: &str, id: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(real_vectors().join(format!("{family}.json")))?;
    let doc: Value = serde_json::from_str(&text)?;
    doc["vectors"]
        .as_array()
        .and_then(|v| v.iter().find(|v| v["id"] == id))
        .cloned()
        .ok_or_else(|| format!("no vector {id}").into())
}

fn mismatch_of(verdict: &Verdict) -> &str {
    match verdict {
        Verdict::Fail { mismatch } => mismatch,
        _ => "",
    }
}

#[test]
fn wrong_expectations_fail_in_every_family() -> Result<(), Box<dyn std::error::Error>> {
    let dir = temp_dir("wrong")?;
    // A valid key said to be rejected; a rejected key said to break another rule.
    let mut valid_key = real_vector("activation_keys", "KEY-1/golden-decodes")?;
    valid_key["id"] = json!("KEY-1/deliberately-wrong");
    valid_key["expected"] = json!({"error": "KEY-5"});
    let mut wrong_rule = real_vector("activation_keys", "KEY-10/size-zero")?;
    wrong_rule["id"] = json!("KEY-10/deliberately-wrong-rule");
    wrong_rule["expected"] = json!({"error": "KEY-11"});
    write(
        &dir,
        "activation_keys.json",
        &family_file("activation_keys", json!([valid_key, wrong_rule]))?,
    )?;
    // A name said to be valid that is not.
    write(
        &dir,
        "names.json",
        &family_file(
            "names",
            json!([{"id": "NAME-1/deliberately-wrong", "requirement": "NAME-1",
                    "description": "wrong on purpose",
                    "input": {"kind": "provider", "text": "providers/a b"},
                    "expected": {"valid": true}}]),
        )?,
    )?;
    // A near-valid proposal said to break one rule too few.
    let mut l3 = real_vector("l3_features", "L3-10/vlan-0-and-outside-guidance")?;
    l3["id"] = json!("L3-10/deliberately-wrong");
    l3["expected"] = json!({"violations": ["L3-10"]});
    write(
        &dir,
        "l3_features.json",
        &family_file("l3_features", json!([l3]))?,
    )?;
    let mut pair = real_vector("customer_pairs", "CUST-MTU-MISMATCH/1500-vs-8500")?;
    pair["id"] = json!("CUST-MTU-MISMATCH/deliberately-wrong");
    pair["expected"] = json!({"valid": true});
    write(
        &dir,
        "customer_pairs.json",
        &family_file("customer_pairs", json!([pair]))?,
    )?;
    write(
        &dir,
        "wire/Channel.json",
        &json!({"family": "wire", "schema": "Channel", "description": "wrong on purpose", "tests": [
            {"id": "WIRE-13/deliberately-wrong-valid", "requirement": "WIRE-13", "description": "x",
             "data": {"name": "not a name"}, "valid": true},
            {"id": "WIRE-13/deliberately-wrong-path", "requirement": "WIRE-13", "description": "x",
             "data": {"name": "not a name"}, "valid": false, "path": "demarc"}
        ]}),
    )?;
    let outcomes = run_offline(&dir, &Filter::all())?;
    assert_eq!(outcomes.len(), 7);
    for o in &outcomes {
        assert!(o.failed(), "{} should fail: {:?}", o.vector, o.verdict);
        assert!(o.vector.contains("deliberately-wrong"), "{}", o.vector);
    }
    let by_id = |id: &str| {
        outcomes
            .iter()
            .find(|o| o.vector == id)
            .map(|o| mismatch_of(&o.verdict))
    };
    assert_eq!(
        by_id("KEY-10/deliberately-wrong-rule"),
        Some("rejection rule: expected KEY-11, got KEY-10")
    );
    assert_eq!(
        by_id("L3-10/deliberately-wrong"),
        Some("violated rules: expected [L3-10], got [L3-10, L3-11]")
    );
    assert_eq!(
        by_id("WIRE-13/deliberately-wrong-path"),
        Some("decode error path: expected demarc, got name")
    );
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn key_mismatches_never_show_the_secrets() -> Result<(), Box<dyn std::error::Error>> {
    let dir = temp_dir("secret")?;
    let mut v = real_vector("activation_keys", "KEY-1/golden-decodes")?;
    let text = v["input"]["decode"].as_str().unwrap_or_default().to_owned();
    v["id"] = json!("KEY-1/deliberately-wrong-account");
    v["expected"]["key"]["destinationAccountId"] = json!("999999999999");
    let mut e = real_vector("activation_keys", "KEY-1/golden-encodes")?;
    e["id"] = json!("KEY-1/deliberately-wrong-text");
    e["expected"]["encoded"] = json!(format!("{}x", &text[..text.len() - 1]));
    write(
        &dir,
        "activation_keys.json",
        &family_file("activation_keys", json!([v, e]))?,
    )?;
    let outcomes = run_offline(&dir, &Filter::all())?;
    assert_eq!(outcomes.len(), 2);
    for o in &outcomes {
        let shown = mismatch_of(&o.verdict);
        assert!(!shown.is_empty(), "{} should fail", o.vector);
        for secret in [
            "123456789012",
            "999999999999",
            "5f0c8a2e",
            text.as_str(),
            &text[..20],
        ] {
            assert!(!shown.contains(secret), "{}: {shown}", o.vector);
        }
    }
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn a_file_that_breaks_the_schema_is_a_load_error_naming_file_and_path()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = temp_dir("schema")?;
    let mut v = real_vector("names", "NAME-1/valid")?;
    v["expected"] = json!({"valid": "yes"});
    write(&dir, "names.json", &family_file("names", json!([v]))?)?;
    match run_offline(&dir, &Filter::all()) {
        Err(LoadError::Schema { file, pointer, .. }) => {
            assert!(file.ends_with("names.json"), "{}", file.display());
            assert_eq!(pointer, "/vectors/0/expected");
        }
        other => panic!("expected a schema error, got {other:?}"),
    }
    // Missing `requirement`.
    let mut v = real_vector("names", "NAME-1/valid")?;
    v.as_object_mut().map(|o| o.remove("requirement"));
    write(&dir, "names.json", &family_file("names", json!([v]))?)?;
    let err = run_offline(&dir, &Filter::all())
        .err()
        .map(|e| e.to_string());
    let shown = err.unwrap_or_default();
    assert!(
        shown.contains("names.json") && shown.contains("/vectors/0"),
        "{shown}"
    );
    // Not JSON at all.
    std::fs::write(dir.join("names.json"), "{\"family\": ")?;
    assert!(matches!(
        run_offline(&dir, &Filter::all()),
        Err(LoadError::NotJson { .. })
    ));
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn a_family_or_schema_in_the_wrong_file_is_a_load_error() -> Result<(), Box<dyn std::error::Error>>
{
    let dir = temp_dir("misplaced")?;
    let mut doc = family_file("names", json!([real_vector("names", "NAME-1/valid")?]))?;
    doc["family"] = json!("customer_pairs");
    write(&dir, "names.json", &doc)?;
    match run_offline(&dir, &Filter::all()) {
        // The schema already refuses a names vector read as a customer pair.
        Err(LoadError::Schema { file, .. }) => assert!(file.ends_with("names.json")),
        other => panic!("expected a schema error, got {other:?}"),
    }
    std::fs::remove_dir_all(&dir)?;
    std::fs::create_dir_all(&dir)?;
    let text = std::fs::read_to_string(real_vectors().join("wire/Provider.json"))?;
    std::fs::create_dir_all(dir.join("wire"))?;
    std::fs::write(dir.join("wire/Provider2.json"), text)?;
    match run_offline(&dir, &Filter::all()) {
        Err(LoadError::Schema { file, pointer, .. }) => {
            assert_eq!(pointer, "/schema");
            assert!(file.ends_with("Provider2.json"));
        }
        other => panic!("expected a schema error, got {other:?}"),
    }
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn a_duplicate_id_is_a_load_error() -> Result<(), Box<dyn std::error::Error>> {
    let dir = temp_dir("dup")?;
    let v = real_vector("names", "NAME-1/valid")?;
    write(
        &dir,
        "names.json",
        &family_file("names", json!([v.clone(), v]))?,
    )?;
    match run_offline(&dir, &Filter::all()) {
        Err(LoadError::DuplicateId { id, .. }) => assert_eq!(id, "NAME-1/valid"),
        other => panic!("expected a duplicate id error, got {other:?}"),
    }
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn only_selects_by_requirement_prefix_or_exact_id() -> Result<(), Box<dyn std::error::Error>> {
    let all = run_offline(&real_vectors(), &Filter::all())?;
    let keys = run_offline(&real_vectors(), &Filter::only(["KEY"]))?;
    assert!(!keys.is_empty());
    assert!(keys.iter().all(|o| o.requirement.starts_with("KEY-")));
    assert_eq!(
        keys.len(),
        all.iter()
            .filter(|o| o.requirement.starts_with("KEY-"))
            .count()
    );
    let one = run_offline(&real_vectors(), &Filter::only(["KEY-1"]))?;
    assert!(!one.is_empty());
    assert!(
        one.iter().all(|o| o.requirement == "KEY-1"),
        "KEY-1 must not select KEY-10"
    );
    let two = run_offline(&real_vectors(), &Filter::only(["NAME-9", "L3"]))?;
    assert!(
        two.iter()
            .all(|o| o.requirement == "NAME-9" || o.requirement.starts_with("L3-"))
    );
    assert!(two.iter().any(|o| o.requirement == "NAME-9"));
    let cust = run_offline(&real_vectors(), &Filter::only(["CUST-CIDR"]))?;
    assert!(cust.iter().all(|o| o.requirement.starts_with("CUST-CIDR-")));
    assert!(run_offline(&real_vectors(), &Filter::only(["NOPE"]))?.is_empty());
    Ok(())
}

#[test]
fn filter_matching_rules() {
    let f = Filter::only(["KEY"]);
    assert!(f.matches("KEY-5") && f.matches("KEY-12") && !f.matches("KEYS-1"));
    let f = Filter::only(["KEY-1"]);
    assert!(f.matches("KEY-1") && !f.matches("KEY-12") && !f.matches("KEY-10"));
    assert!(Filter::all().matches("ANY-1"));
}
