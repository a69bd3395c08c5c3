//! Parity between our wire types and the specification's 64 schemas
//! (upstream main, `openapi-main.bundled.json`).
//!
//! For every schema in `components.schemas` of `openapi-main.bundled.json`
//! the test compares, against the JSON Schema our Rust type generates: the
//! property names, the `required` list, the enum values, the member types,
//! the `readOnly` markers and the numeric bounds (`minimum`, `maximum`); and
//! it deserializes every upstream `example` into our type. Each difference
//! found is a key such as `Feature: example rejected`. A difference we keep
//! must be listed in `spec/ERRATA.md` on a `- **Parity:**` line as a
//! backticked key; an unlisted difference fails, and so does a listed key
//! that no longer occurs (a stale erratum).
//!
//! The May 2026 bundle (`openapi.bundled.json`) is no longer compared schema
//! by schema (its schemas are superseded, `spec/ERRATA.md` E-164); its
//! examples, the documents a May peer sends, must still parse: a rejected
//! one is the key `May: <schema>: example rejected` and must be listed the
//! same way.
//!
//! The specification lives beside the repository (`../shared/spec`); set
//! `INTERCONNECT_SPEC_DIR` to point elsewhere. Without it the test prints a
//! notice and passes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use interconnect_core::wire;
use serde_json::Value;

/// Number of schemas upstream main defines.
const MAIN_SCHEMAS: usize = 64;

/// Prefix of the keys of the May bundle's examples.
const MAY: &str = "May: ";

fn spec_dir() -> PathBuf {
    match std::env::var_os("INTERCONNECT_SPEC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec"),
    }
}

/// Upstream main: the specification we implement.
fn spec_file() -> PathBuf {
    spec_dir().join("openapi-main.bundled.json")
}

/// The May 2026 version, still sent by peers that have not upgraded.
fn may_spec_file() -> PathBuf {
    spec_dir().join("openapi.bundled.json")
}

fn errata_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/ERRATA.md")
}

/// The parity keys listed in ERRATA.md.
fn listed_differences() -> BTreeSet<String> {
    let text = std::fs::read_to_string(errata_file()).expect("spec/ERRATA.md exists");
    let mut keys = BTreeSet::new();
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix("- **Parity:**") else {
            continue;
        };
        for (i, part) in rest.split('`').enumerate() {
            if i % 2 == 1 {
                keys.insert(part.to_string());
            }
        }
    }
    keys
}

/// Deserializes `example` into the Rust type for the upstream schema `name`.
fn parse_example(name: &str, example: &Value) -> Result<(), String> {
    match wire::parse_value_by_name(name, example.clone()) {
        Some(verdict) => verdict.map_err(|e| e.to_string()),
        None => Err(format!("no Rust type is registered for {name}")),
    }
}

/// A member type reduced to what both sides can express: a reference to a
/// named schema, or a JSON type with its integer format, or an array of one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    Ref(String),
    Scalar { ty: String, format: Option<String> },
    Array(Box<Shape>),
    Unknown(String),
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shape::Ref(name) => write!(f, "{name}"),
            Shape::Scalar {
                ty,
                format: Some(fmt),
            } => write!(f, "{ty}({fmt})"),
            Shape::Scalar { ty, format: None } => write!(f, "{ty}"),
            Shape::Array(items) => write!(f, "array of {items}"),
            Shape::Unknown(raw) => write!(f, "unrecognised {raw}"),
        }
    }
}

fn ref_name(reference: &str) -> String {
    reference
        .rsplit('/')
        .next()
        .unwrap_or(reference)
        .to_string()
}

/// Shape of an upstream member (`$ref`, `allOf: [{$ref}]`, or a typed member).
fn upstream_shape(member: &Value) -> Shape {
    if let Some(r) = member.get("$ref").and_then(Value::as_str) {
        return Shape::Ref(ref_name(r));
    }
    if let Some(r) = member
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|all| all.first())
        .and_then(|first| first.get("$ref"))
        .and_then(Value::as_str)
    {
        return Shape::Ref(ref_name(r));
    }
    scalar_or_array(member, upstream_shape)
}

/// Shape of one of our members, as schemars wrote it.
fn our_shape(member: &Value) -> Shape {
    if let Some(r) = member.get("$ref").and_then(Value::as_str) {
        return Shape::Ref(ref_name(r));
    }
    scalar_or_array(member, our_shape)
}

fn scalar_or_array(member: &Value, recurse: fn(&Value) -> Shape) -> Shape {
    match member.get("type").and_then(Value::as_str) {
        Some("array") => Shape::Array(Box::new(
            member
                .get("items")
                .map(recurse)
                .unwrap_or(Shape::Unknown("items".into())),
        )),
        Some(ty) => {
            let format = match ty {
                // Integer width matters (int32 vs uint32); string formats
                // such as date-time or byte are compared by type only.
                "integer" => integer_format(member),
                _ => None,
            };
            Shape::Scalar {
                ty: ty.to_string(),
                format,
            }
        }
        None => Shape::Unknown(member.to_string()),
    }
}

/// `int32`, or `uint32` for members bounded to 0..=4294967295 (the bundled
/// document's rendering of upstream `type: uint32`, whatever format it names).
fn integer_format(member: &Value) -> Option<String> {
    let bounds = (
        member.get("minimum").and_then(Value::as_u64),
        member.get("maximum").and_then(Value::as_u64),
    );
    if bounds == (Some(0), Some(4_294_967_295)) {
        return Some("uint32".into());
    }
    member
        .get("format")
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn string_list(v: Option<&Value>) -> BTreeSet<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn fmt_list(set: &BTreeSet<String>) -> String {
    format!("[{}]", set.iter().cloned().collect::<Vec<_>>().join(", "))
}

/// Every difference between the upstream schema `name` and ours.
fn differences(name: &str, upstream: &Value, ours: &Value, out: &mut BTreeSet<String>) {
    let up_enum = string_list(upstream.get("enum"));
    let our_enum = string_list(ours.get("enum"));
    if up_enum != our_enum {
        out.insert(format!(
            "{name}: enum upstream {} ours {}",
            fmt_list(&up_enum),
            fmt_list(&our_enum)
        ));
    }

    let up_required = string_list(upstream.get("required"));
    let our_required = string_list(ours.get("required"));
    if up_required != our_required {
        out.insert(format!(
            "{name}: required upstream {} ours {}",
            fmt_list(&up_required),
            fmt_list(&our_required)
        ));
    }

    let empty = serde_json::Map::new();
    let up_props = upstream
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let our_props = ours
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (prop, up_member) in up_props {
        match our_props.get(prop) {
            None => {
                out.insert(format!("{name}.{prop}: missing in ours"));
            }
            Some(our_member) => {
                let (a, b) = (upstream_shape(up_member), our_shape(our_member));
                if a != b {
                    out.insert(format!("{name}.{prop}: type upstream {a} ours {b}"));
                }
            }
        }
    }
    for prop in our_props.keys() {
        if !up_props.contains_key(prop) {
            out.insert(format!("{name}.{prop}: extra in ours"));
        }
    }

    if let Some(example) = upstream.get("example")
        && parse_example(name, example).is_err()
    {
        out.insert(format!("{name}: example rejected"));
    }
}

/// Whether a member is marked `readOnly`.
fn read_only(member: &Value) -> bool {
    member.get("readOnly").and_then(Value::as_bool) == Some(true)
}

/// The numeric bounds of a member, as text (`minimum 0, maximum 4294967295`).
fn bounds(member: &Value) -> String {
    ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]
        .iter()
        .filter_map(|k| member.get(*k).map(|v| format!("{k} {v}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Differences in the `readOnly` markers and numeric bounds of the members
/// both sides have (missing and extra members are reported elsewhere).
fn marker_differences(name: &str, upstream: &Value, ours: &Value, out: &mut BTreeSet<String>) {
    let empty = serde_json::Map::new();
    let props = |v: &Value| v.get("properties").and_then(Value::as_object).cloned();
    let up_props = props(upstream).unwrap_or_else(|| empty.clone());
    let our_props = props(ours).unwrap_or(empty);
    for (prop, up_member) in &up_props {
        let Some(our_member) = our_props.get(prop) else {
            continue;
        };
        match (read_only(up_member), read_only(our_member)) {
            (true, false) => {
                out.insert(format!("{name}.{prop}: readOnly upstream, not ours"));
            }
            (false, true) => {
                out.insert(format!("{name}.{prop}: readOnly ours, not upstream"));
            }
            _ => {}
        }
        let (a, b) = (bounds(up_member), bounds(our_member));
        if a != b {
            out.insert(format!("{name}.{prop}: bounds upstream [{a}] ours [{b}]"));
        }
    }
}

#[test]
fn wire_types_match_the_specification() {
    let path = spec_file();
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!(
            "NOTICE: parity test skipped: {} not found (set INTERCONNECT_SPEC_DIR)",
            path.display()
        );
        return;
    };
    let spec: Value = serde_json::from_str(&text).expect("openapi-main.bundled.json is JSON");
    let upstream = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("components.schemas");

    let ours: BTreeMap<&str, Value> = wire::schemas()
        .into_iter()
        .map(|(n, s)| (n, serde_json::to_value(s).expect("schema is JSON")))
        .collect();

    let mut found = BTreeSet::new();
    for (name, schema) in upstream {
        match ours.get(name.as_str()) {
            Some(our) => {
                differences(name, schema, our, &mut found);
                marker_differences(name, schema, our, &mut found);
            }
            None => {
                found.insert(format!("{name}: no Rust type"));
            }
        }
    }
    for name in ours.keys() {
        if !upstream.contains_key(*name) {
            found.insert(format!("{name}: not an upstream schema"));
        }
    }

    let listed: BTreeSet<String> = listed_differences()
        .into_iter()
        .filter(|k| !k.starts_with(MAY))
        .collect();
    let unlisted: Vec<_> = found.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&found).collect();
    println!(
        "parity: compared {} upstream schemas with {} Rust types; {} differences, all listed in spec/ERRATA.md: {}",
        upstream.len(),
        ours.len(),
        found.len(),
        unlisted.is_empty()
    );
    assert_eq!(
        upstream.len(),
        MAIN_SCHEMAS,
        "upstream main has {MAIN_SCHEMAS} schemas"
    );
    assert!(
        unlisted.is_empty(),
        "differences not listed in spec/ERRATA.md (add a `- **Parity:**` line with the key, or fix the type):\n{}",
        unlisted
            .iter()
            .map(|k| format!("  `{k}`"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        stale.is_empty(),
        "spec/ERRATA.md lists differences that no longer occur:\n{}",
        stale
            .iter()
            .map(|k| format!("  `{k}`"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every example of the May bundle still parses (a May peer sends such
/// documents), except those listed as `May: <schema>: example rejected`.
/// Schemas May had under a name main no longer uses would have no Rust type
/// and fail here.
#[test]
fn may_examples_still_parse() {
    let path = may_spec_file();
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("NOTICE: skipped, {} not found", path.display());
        return;
    };
    let spec: Value = serde_json::from_str(&text).expect("openapi.bundled.json is JSON");
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("components.schemas");
    let mut found = BTreeSet::new();
    let mut parsed = 0;
    for (name, schema) in schemas {
        let Some(example) = schema.get("example") else {
            continue;
        };
        match parse_example(name, example) {
            Ok(()) => parsed += 1,
            Err(_) => {
                found.insert(format!("{MAY}{name}: example rejected"));
            }
        }
    }
    let listed: BTreeSet<String> = listed_differences()
        .into_iter()
        .filter(|k| k.starts_with(MAY))
        .collect();
    println!(
        "May examples: {parsed} parsed, {} rejected (listed: {})",
        found.len(),
        listed.len()
    );
    let unlisted: Vec<_> = found.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&found).collect();
    assert!(
        unlisted.is_empty(),
        "May examples rejected and not listed in spec/ERRATA.md: {unlisted:?}"
    );
    assert!(
        stale.is_empty(),
        "spec/ERRATA.md lists May examples that now parse: {stale:?}"
    );
}

/// The request-body example of CreateMacSecKey (paths, not schemas) parses too.
#[test]
fn path_request_examples_parse() {
    let Ok(text) = std::fs::read_to_string(spec_file()) else {
        println!("NOTICE: skipped, specification not found");
        return;
    };
    let spec: Value = serde_json::from_str(&text).expect("JSON");
    let mut seen = 0;
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Some(body) = op.pointer("/requestBody/content/application~1json") else {
                continue;
            };
            let (Some(example), Some(reference)) = (
                body.get("example"),
                body.pointer("/schema/$ref").and_then(Value::as_str),
            ) else {
                continue;
            };
            seen += 1;
            let name = ref_name(reference);
            assert!(
                parse_example(&name, example).is_ok(),
                "{method} {path}: request example does not parse as {name}"
            );
        }
    }
    println!("parsed {seen} request-body examples");
}
