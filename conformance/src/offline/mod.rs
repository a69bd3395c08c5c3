//! The offline families: vectors checked against this project's library
//! functions (`interconnect-core`), with no server involved.
//!
//! | family | file | library function |
//! |---|---|---|
//! | [`activation_keys`] | `activation_keys.json` | `activation_key::EncodedActivationKey::decode`, `ActivationKeyV1::encode` |
//! | [`names`] | `names.json` | `FromStr` of every `names` type |
//! | [`wire`] | `wire/<Schema>.json` | `wire::parse_value_by_name` and the `validation` functions |
//! | [`l3_features`] | `l3_features.json` | `validation::validate_l3_feature`, `validate_l3_guidance` |
//! | [`customer_pairs`] | `customer_pairs.json` | `customer::validate_pair` |

pub mod activation_keys;
pub mod customer_pairs;
pub mod l3_features;
pub mod names;
pub mod wire;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::outcome::{Outcome, Verdict};
use crate::vectors::{LoadError, WIRE_FAMILY, load};

pub use crate::filter::Filter;

/// Runs every offline vector of `vectors_dir` that `filter` selects, in
/// file order (families in [`crate::vectors::FILE_FAMILIES`] order, then
/// `wire/` by schema name). A file that does not load is an error; a vector
/// whose result differs from its expectation is an [`Outcome`] with
/// [`Verdict::Fail`].
pub fn run_offline(vectors_dir: &Path, filter: &Filter) -> Result<Vec<Outcome>, LoadError> {
    let vectors = load(vectors_dir)?;
    let mut out = Vec::new();
    for family in crate::vectors::FILE_FAMILIES {
        let Some(file) = vectors.files.get(family) else {
            continue;
        };
        let run: fn(&Value, &Value) -> Verdict = match family {
            "activation_keys" => activation_keys::run,
            "names" => names::run,
            "l3_features" => l3_features::run,
            _ => customer_pairs::run,
        };
        for v in file
            .vectors
            .iter()
            .filter(|v| filter.selects(&v.id, family, [v.requirement.as_str()]))
        {
            out.push(Outcome {
                vector: v.id.clone(),
                requirement: v.requirement.clone(),
                family: family.to_owned(),
                description: v.description.clone(),
                kind: crate::outcome::Kind::Offline,
                verdict: run(&v.input, &v.expected),
            });
        }
    }
    for file in vectors.wire.values() {
        for case in file
            .tests
            .iter()
            .filter(|c| filter.selects(&c.id, WIRE_FAMILY, [c.requirement.as_str()]))
        {
            out.push(Outcome {
                vector: case.id.clone(),
                requirement: case.requirement.clone(),
                family: WIRE_FAMILY.to_owned(),
                description: case.description.clone(),
                kind: crate::outcome::Kind::Offline,
                verdict: wire::run(&file.schema, case),
            });
        }
    }
    Ok(out)
}

/// A failure saying what was expected and what came back.
pub(crate) fn mismatch(
    what: &str,
    expected: impl std::fmt::Display,
    got: impl std::fmt::Display,
) -> Verdict {
    Verdict::Fail {
        mismatch: format!("{what}: expected {expected}, got {got}"),
    }
}

/// Compares the set of rule ids a validator reported with the expected set
/// (`expected` is `{"valid": true}` or `{"violations": [ids]}`).
pub(crate) fn compare_rules<'a>(
    expected: &Value,
    reported: impl IntoIterator<Item = &'a str>,
) -> Verdict {
    let got: BTreeSet<&str> = reported.into_iter().collect();
    let want: BTreeSet<&str> = match expected.get("violations").and_then(Value::as_array) {
        Some(list) => list.iter().filter_map(Value::as_str).collect(),
        None => BTreeSet::new(),
    };
    if got == want {
        Verdict::Pass
    } else {
        mismatch("violated rules", show(&want), show(&got))
    }
}

/// `valid` or `[L3-10, L3-11]`.
fn show(set: &BTreeSet<&str>) -> String {
    if set.is_empty() {
        "valid".to_owned()
    } else {
        format!("[{}]", set.iter().copied().collect::<Vec<_>>().join(", "))
    }
}

/// A vector whose input the library's types cannot read: the vector is at
/// fault (or the library reads less than the specification allows).
pub(crate) fn bad_input(member: &str, why: impl std::fmt::Display) -> Verdict {
    Verdict::Fail {
        mismatch: format!("input.{member} cannot be read: {why}"),
    }
}
