//! `spec/REQUIREMENTS.md` names, in each row's "Tested by" cell, the
//! conformance vector files that cover the row: this test keeps that true
//! when vectors are added or moved.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

/// Requirement id -> the vector files (as REQUIREMENTS.md writes them).
fn covering_files() -> Result<BTreeMap<String, BTreeSet<String>>, Box<dyn std::error::Error>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let vectors = root().join("vectors");
    let mut add = |id: &str, file: String| {
        out.entry(id.to_owned()).or_default().insert(file);
    };
    for entry in std::fs::read_dir(&vectors)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if path.extension().and_then(|e| e.to_str()) != Some("json") || name == "uncovered.json" {
            continue;
        }
        for v in read(&path)?["vectors"].as_array().into_iter().flatten() {
            if let Some(id) = v["requirement"].as_str() {
                add(id, format!("conformance/vectors/{name}"));
            }
        }
    }
    for entry in std::fs::read_dir(vectors.join("wire"))? {
        let path = entry?.path();
        for t in read(&path)?["tests"].as_array().into_iter().flatten() {
            if let Some(id) = t["requirement"].as_str() {
                add(id, "conformance/vectors/wire/".to_owned());
            }
        }
    }
    for entry in std::fs::read_dir(vectors.join("scenarios"))? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        for s in read(&path)?["scenarios"].as_array().into_iter().flatten() {
            let also = s["also"].as_array().cloned().unwrap_or_default();
            for id in std::iter::once(&s["requirement"]).chain(also.iter()) {
                if let Some(id) = id.as_str() {
                    add(id, format!("conformance/vectors/scenarios/{name}"));
                }
            }
        }
    }
    Ok(out)
}

#[test]
fn every_row_names_the_vector_files_that_cover_it() -> TestResult {
    let Some(path) = crate::repository::file("spec/REQUIREMENTS.md") else {
        return Ok(());
    };
    let text = std::fs::read_to_string(path)?;
    let rows: BTreeMap<&str, &str> = text
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("| ")?;
            let (id, _) = rest.split_once(" | ")?;
            let tested = l.rsplit(" | ").next()?;
            Some((id, tested))
        })
        .collect();
    let covering = covering_files()?;
    assert!(
        covering.len() > 150,
        "vectors were read: {}",
        covering.len()
    );
    let mut missing = Vec::new();
    for (id, files) in &covering {
        let Some(tested) = rows.get(id.as_str()) else {
            missing.push(format!("{id}: no row"));
            continue;
        };
        for file in files {
            if !tested.contains(&format!("`{file}`")) {
                missing.push(format!("{id}: the row does not name {file}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "REQUIREMENTS.md is out of step with the vectors (re-annotate the \"Tested by\" cells):\n{}",
        missing.join("\n")
    );
    Ok(())
}
