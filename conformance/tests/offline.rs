//! The offline vectors: every file follows the schema, every requirement id
//! is a row of `spec/REQUIREMENTS.md`, ids are unique, and the library
//! passes every vector.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use interconnect_conformance::offline::{Filter, run_offline};
use interconnect_conformance::vectors::{self, FILE_FAMILIES};
use interconnect_conformance::{Outcome, Verdict};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Row ids of `spec/REQUIREMENTS.md` (first cell of every table row).
fn requirement_ids() -> Result<Option<BTreeSet<String>>, std::io::Error> {
    let Some(path) = crate::repository::file("spec/REQUIREMENTS.md") else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)?;
    Ok(Some(
        text.lines()
            .filter_map(|l| l.strip_prefix("| "))
            .filter_map(|l| l.split(" |").next())
            .map(str::trim)
            .filter(|id| {
                id.contains('-') && id.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            })
            .map(str::to_owned)
            .collect(),
    ))
}

#[test]
fn every_family_file_exists_and_follows_the_schema() -> Result<(), Box<dyn std::error::Error>> {
    let validator = vectors::schema_validator()?;
    for family in FILE_FAMILIES {
        let file = vectors_dir().join(format!("{family}.json"));
        vectors::read_checked(&file, &validator)?;
    }
    let mut wire = 0;
    for entry in std::fs::read_dir(vectors_dir().join("wire"))? {
        let path = entry?.path();
        vectors::read_checked(&path, &validator)?;
        wire += 1;
    }
    assert_eq!(
        wire,
        interconnect_core::wire::SCHEMA_COUNT,
        "one wire file per schema"
    );
    Ok(())
}

#[test]
fn every_wire_schema_has_a_file_with_a_valid_and_an_invalid_case()
-> Result<(), Box<dyn std::error::Error>> {
    let loaded = vectors::load(&vectors_dir())?;
    for (name, _) in interconnect_core::wire::schemas() {
        let file = loaded
            .wire
            .get(name)
            .ok_or_else(|| format!("no wire/{name}.json"))?;
        assert!(file.tests.iter().any(|c| c.valid), "{name}: no valid case");
        assert!(
            file.tests.iter().any(|c| !c.valid),
            "{name}: no invalid case"
        );
    }
    for name in ["Connection", "Feature", "MacSecKey", "Issue"] {
        let cases = loaded.wire.get(name).map_or(0, |f| f.tests.len());
        assert!(cases >= 5, "{name}: {cases} cases; at least 5 wanted");
    }
    Ok(())
}

#[test]
fn every_requirement_id_is_a_row_and_ids_are_unique() -> Result<(), Box<dyn std::error::Error>> {
    let Some(rows) = requirement_ids()? else {
        return Ok(());
    };
    assert!(
        rows.contains("KEY-5") && rows.contains("CUST-CIDR-OVERLAP"),
        "row parsing"
    );
    let loaded = vectors::load(&vectors_dir())?;
    let mut seen = BTreeSet::new();
    for (id, requirement) in loaded.ids() {
        assert!(
            rows.contains(requirement),
            "{id}: {requirement} is not a row of REQUIREMENTS.md"
        );
        assert!(seen.insert(id), "{id} appears twice");
        assert!(
            id.starts_with(&format!("{requirement}/")),
            "{id} does not start with {requirement}/"
        );
    }
    for file in loaded.files.values() {
        for v in &file.vectors {
            for rule in expected_rules(&v.expected) {
                assert!(
                    rows.contains(&rule),
                    "{}: expected rule {rule} is not a row",
                    v.id
                );
            }
        }
    }
    for file in loaded.wire.values() {
        for c in &file.tests {
            if let Some(rule) = &c.rule {
                assert!(rows.contains(rule), "{}: rule {rule} is not a row", c.id);
            }
        }
    }
    Ok(())
}

fn expected_rules(expected: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["error", "rule"] {
        if let Some(r) = expected.get(key).and_then(|v| v.as_str()) {
            out.push(r.to_owned());
        }
    }
    if let Some(list) = expected.get("violations").and_then(|v| v.as_array()) {
        out.extend(list.iter().filter_map(|v| v.as_str()).map(str::to_owned));
    }
    out
}

#[test]
fn the_library_passes_every_vector() -> Result<(), Box<dyn std::error::Error>> {
    let outcomes = run_offline(&vectors_dir(), &Filter::all())?;
    let bad: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.verdict != Verdict::Pass)
        .collect();
    for o in &bad {
        eprintln!("{}: {:?}", o.vector, o.verdict);
    }
    assert!(
        bad.is_empty(),
        "{} of {} vectors did not pass",
        bad.len(),
        outcomes.len()
    );
    assert!(
        (150..=600).contains(&outcomes.len()),
        "{} vectors",
        outcomes.len()
    );
    Ok(())
}

#[test]
fn every_rule_of_the_offline_areas_is_covered() -> Result<(), Box<dyn std::error::Error>> {
    let loaded = vectors::load(&vectors_dir())?;
    let mut covered: BTreeSet<String> = loaded.ids().iter().map(|(_, r)| (*r).to_owned()).collect();
    for file in loaded.files.values() {
        for v in &file.vectors {
            covered.extend(expected_rules(&v.expected));
        }
    }
    for file in loaded.wire.values() {
        covered.extend(file.tests.iter().filter_map(|c| c.rule.clone()));
    }
    let mut wanted: Vec<String> = Vec::new();
    wanted.extend((1..=46).map(|n| format!("L3-{n}")));
    wanted.extend((4..=14).map(|n| format!("GUIDE-{n}")));
    wanted.push("GUIDE-19".to_owned());
    wanted.extend((1..=11).map(|n| format!("KEY-{n}")));
    wanted.extend((1..=13).map(|n| format!("NAME-{n}")));
    wanted.extend(
        interconnect_core::customer::RULES
            .iter()
            .map(|(id, _)| (*id).to_owned()),
    );
    let missing: Vec<&String> = wanted.iter().filter(|id| !covered.contains(*id)).collect();
    assert!(missing.is_empty(), "no vector for {missing:?}");
    Ok(())
}
