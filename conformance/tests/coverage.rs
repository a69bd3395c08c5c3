//! Every requirement observable through the API has a vector (offline or
//! scenario), unless `vectors/uncovered.json` lists it with a reason; and
//! nothing listed there has a vector, so the list only shrinks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use interconnect_conformance::Suite;
use serde::Deserialize;

/// `vectors/uncovered.json`.
#[derive(Debug, Deserialize)]
struct Uncovered {
    /// Whole families no server shows through its API, with the reason.
    families: BTreeMap<String, String>,
    /// Single ids without a vector, with the reason.
    ids: BTreeMap<String, String>,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every id of `spec/REQUIREMENTS.md` (first cell of a table row:
/// `KEY-5`, `L3-10`, `CUST-CIDR-OVERLAP`).
fn requirement_ids() -> Result<Option<Vec<String>>, std::io::Error> {
    let Some(path) = crate::repository::file("spec/REQUIREMENTS.md") else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)?;
    Ok(Some(
        text.lines()
            .filter_map(|l| l.strip_prefix("| "))
            .filter_map(|l| l.split(" |").next())
            .filter(|id| {
                let mut parts = id.split('-');
                parts
                    .next()
                    .is_some_and(|a| a.starts_with(|c: char| c.is_ascii_uppercase()))
                    && id.contains('-')
                    && parts.all(|p| {
                        !p.is_empty()
                            && p.chars()
                                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                    })
                    && id
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            })
            .map(str::to_owned)
            .collect(),
    ))
}

fn family(id: &str) -> &str {
    id.split_once('-').map(|(f, _)| f).unwrap_or(id)
}

#[test]
fn every_observable_requirement_has_a_vector() -> Result<(), Box<dyn std::error::Error>> {
    let uncovered: Uncovered =
        serde_json::from_slice(&std::fs::read(root().join("vectors/uncovered.json"))?)?;
    let Some(ids) = requirement_ids()? else {
        return Ok(());
    };
    assert!(
        ids.len() > 300,
        "REQUIREMENTS.md is read: {} ids",
        ids.len()
    );
    let known: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let mut covered: BTreeSet<String> = BTreeSet::new();
    for v in Suite::bundled().list()? {
        covered.insert(v.requirement);
        covered.extend(v.also);
    }
    let mut missing = Vec::new();
    let mut observable = 0;
    for id in &ids {
        if uncovered.families.contains_key(family(id)) {
            continue;
        }
        observable += 1;
        if !covered.contains(id) && !uncovered.ids.contains_key(id) {
            missing.push(id.clone());
        }
    }
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "requirements with no vector: add one, or list the id in vectors/uncovered.json with the reason"
    );
    let stale: Vec<&String> = uncovered
        .ids
        .keys()
        .filter(|id| covered.contains(*id) || !known.contains(id.as_str()))
        .collect();
    assert_eq!(
        stale,
        Vec::<&String>::new(),
        "listed as uncovered but has a vector (or is not a requirement id)"
    );
    for (id, reason) in uncovered.ids.iter().chain(&uncovered.families) {
        assert!(reason.len() > 20, "{id}: a reason, not a placeholder");
    }
    let unknown_vectors: Vec<&String> = covered
        .iter()
        .filter(|id| !known.contains(id.as_str()))
        .collect();
    assert_eq!(
        unknown_vectors,
        Vec::<&String>::new(),
        "vectors name ids that are not rows of REQUIREMENTS.md"
    );
    let share = (observable - uncovered.ids.len()) * 100 / observable;
    println!(
        "{} of {observable} observable requirements have a vector ({share}%)",
        observable - uncovered.ids.len()
    );
    assert!(share >= 70, "coverage fell to {share}%");
    Ok(())
}
