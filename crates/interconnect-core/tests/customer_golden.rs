//! The customer-side golden documents in `tests/data/customer/` parse, and
//! validate to the outcome their README states.

use std::path::PathBuf;

use interconnect_core::customer::{
    Attachment, ConnectionRequest, PairContext, TransportAcceptance, rules, validate_pair,
    validate_request_and_acceptance,
};
use interconnect_core::wire::from_json;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn read<T: serde::de::DeserializeOwned>(name: &str) -> Result<T, Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/customer")
        .join(name);
    let text = std::fs::read(&path)?;
    Ok(from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?)
}

#[test]
fn valid_pair_has_no_violations() -> TestResult {
    let local: Attachment = read("local.json")?;
    let remote: Attachment = read("remote.json")?;
    assert_eq!(
        validate_pair(&local, &remote, &PairContext::default()),
        vec![]
    );
    Ok(())
}

#[test]
fn overlapping_pair_names_both_ranges() -> TestResult {
    let local: Attachment = read("overlap/local.json")?;
    let remote: Attachment = read("overlap/remote.json")?;
    let found = validate_pair(&local, &remote, &PairContext::default());
    let got: Vec<(&str, &str)> = found.iter().map(|v| (v.rule, v.path.as_str())).collect();
    assert_eq!(got, vec![(rules::CIDR_OVERLAP, "remote.cidrs[0]")]);
    let message = &found.first().ok_or("no violation")?.message;
    assert!(message.contains("10.1.128.0/20") && message.contains("10.1.0.0/16"));
    Ok(())
}

#[test]
fn request_and_acceptance_match() -> TestResult {
    let request: ConnectionRequest = read("request.json")?;
    let acceptance: TransportAcceptance = read("acceptance.json")?;
    assert_eq!(request.bandwidth.mbps(), 1000);
    assert_eq!(acceptance.advertised_routes.len(), 2);
    let offered = ["1Gbps".parse()?, "10Gbps".parse()?];
    assert_eq!(
        validate_request_and_acceptance(&request, &acceptance, Some(&offered)),
        vec![]
    );
    // Secrets stay out of Debug.
    let shown = format!("{request:?} {acceptance:?}");
    assert!(
        !shown.contains("4821") && !shown.contains("eyJ2"),
        "{shown}"
    );
    Ok(())
}

#[test]
fn documents_round_trip_and_reject_unknown_members() -> TestResult {
    let local: Attachment = read("local.json")?;
    let again: Attachment = serde_json::from_value(serde_json::to_value(&local)?)?;
    assert_eq!(again, local);
    let mut doc = serde_json::to_value(&local)?;
    doc["mtu"] = serde_json::json!(1500);
    let err = interconnect_core::wire::from_value::<Attachment>(doc)
        .err()
        .ok_or("unknown member accepted")?;
    assert!(err.to_string().contains("mtu"), "{err}");
    Ok(())
}

#[test]
#[cfg(feature = "schemars")]
fn documents_match_their_json_schemas() -> TestResult {
    fn check<T: schemars::JsonSchema>(name: &str) -> TestResult {
        let schema = serde_json::to_value(schemars::schema_for!(T))?;
        let validator = jsonschema::validator_for(&schema)?;
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/customer")
            .join(name);
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path)?)?;
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        Ok(())
    }
    check::<Attachment>("local.json")?;
    check::<Attachment>("remote.json")?;
    check::<Attachment>("overlap/local.json")?;
    check::<ConnectionRequest>("request.json")?;
    check::<TransportAcceptance>("acceptance.json")?;
    Ok(())
}
