//! Helpers shared by the wire tests: golden documents, rejection paths and
//! the upstream examples (read from `../shared/spec/` when it exists).

use std::error::Error;
use std::sync::OnceLock;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::from_json;

/// Result type of the wire tests.
pub(crate) type TestResult<T = ()> = Result<T, Box<dyn Error>>;

/// Reads `doc` as a `T` through [`from_json`] and checks that writing it back
/// gives exactly `doc`.
pub(crate) fn golden<T: DeserializeOwned + Serialize>(doc: &Value) -> TestResult<T> {
    let value: T = from_json(doc.to_string().as_bytes())?;
    assert_eq!(
        &serde_json::to_value(&value)?,
        doc,
        "written back differently"
    );
    Ok(value)
}

/// Checks that reading `doc` as a `T` fails at exactly `path`.
pub(crate) fn rejects_at<T: DeserializeOwned + std::fmt::Debug>(doc: &Value, path: &str) {
    match from_json::<T>(doc.to_string().as_bytes()) {
        Ok(v) => panic!("accepted {doc} as {v:?}; expected an error at {path}"),
        Err(e) => assert_eq!(e.path(), Some(path), "{e}"),
    }
}

/// Text of the bundled upstream specification (upstream main,
/// `openapi-main.bundled.json`), when the shared reference material is
/// present next to the repository.
pub(crate) fn upstream_text() -> Option<&'static str> {
    static TEXT: OnceLock<Option<String>> = OnceLock::new();
    TEXT.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/spec/openapi-main.bundled.json"
        );
        match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(_) => {
                println!("notice: {path} not found; upstream comparisons skipped");
                None
            }
        }
    })
    .as_deref()
}

/// The bundled upstream specification, parsed.
pub(crate) fn upstream() -> Option<&'static Value> {
    static SPEC: OnceLock<Option<Value>> = OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(upstream_text()?).ok())
        .as_ref()
}

/// The schema names of `components.schemas` in document order (the parsed
/// map is sorted, so the order is taken from the text).
#[cfg(feature = "schemars")]
pub(crate) fn upstream_schema_order() -> Option<Vec<&'static str>> {
    let text = upstream_text()?;
    let start = text.find("\"components\"")?;
    let mut names: Vec<(usize, &str)> = upstream_schemas()?
        .keys()
        .filter_map(|name| {
            let at = text.get(start..)?.find(&format!("\"{name}\": {{"))?;
            Some((at, name.as_str()))
        })
        .collect();
    names.sort();
    Some(names.into_iter().map(|(_, n)| n).collect())
}

/// `components.schemas` of the upstream specification.
pub(crate) fn upstream_schemas() -> Option<&'static serde_json::Map<String, Value>> {
    upstream()?.pointer("/components/schemas")?.as_object()
}

/// The `example` of an upstream schema, if the specification is present and
/// the schema has one.
pub(crate) fn upstream_example(schema: &str) -> Option<Value> {
    let example = upstream_schemas()?.get(schema)?.get("example").cloned();
    if example.is_none() {
        println!("notice: no upstream example for {schema}");
    }
    example
}

/// A realistic environment name used by the golden documents.
pub(crate) const ENV: &str = "providers/gcp/environments/aws-gcp-us-east";
/// A realistic interconnect name.
pub(crate) const IX: &str = "providers/gcp/environments/aws-gcp-us-east/interconnects/ix1";
/// A realistic channel name.
pub(crate) const CH: &str =
    "providers/gcp/environments/aws-gcp-us-east/interconnects/ix1/channels/ch1";
/// A realistic connection name.
pub(crate) const CONN: &str = "providers/gcp/environments/aws-gcp-us-east/interconnects/ix1/connections/8e1d2b1a-0c3e-4f53-9a3c-0b1f2f9b7c11";
/// A realistic feature name.
pub(crate) const FEAT: &str = "providers/gcp/environments/aws-gcp-us-east/interconnects/ix1/connections/8e1d2b1a-0c3e-4f53-9a3c-0b1f2f9b7c11/features/ch1-l3";
