//! Loading scenario files: every problem is a [`LoadError`] naming the file
//! and the JSON path, never a panic.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use interconnect_core::wire::from_json;

use super::model::{Scenario, ScenarioFile, Step};

/// Why scenario files could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file or directory could not be read.
    #[error("{file}: {message}")]
    Io {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        message: String,
    },
    /// The file is not a scenario file.
    #[error("{file}: {path}: {message}")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// JSON path of the first bad member.
        path: String,
        /// What was wrong.
        message: String,
    },
}

fn invalid(file: &Path, path: String, message: impl Into<String>) -> LoadError {
    LoadError::Invalid {
        file: file.to_owned(),
        path,
        message: message.into(),
    }
}

/// Reads one scenario file; `family` is its file stem.
pub fn load_file(file: &Path) -> Result<Vec<Scenario>, LoadError> {
    let bytes = std::fs::read(file).map_err(|e| LoadError::Io {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    let family = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse(file, &family, &bytes)
}

/// Reads scenario file text (`file` only names it in errors).
pub fn parse(file: &Path, family: &str, bytes: &[u8]) -> Result<Vec<Scenario>, LoadError> {
    let parsed: ScenarioFile = from_json(bytes)
        .map_err(|e| invalid(file, e.path().unwrap_or(".").to_owned(), e.to_string()))?;
    let mut out = Vec::with_capacity(parsed.scenarios.len());
    for (i, mut scenario) in parsed.scenarios.into_iter().enumerate() {
        check_scenario(file, i, &scenario)?;
        scenario.family = family.to_owned();
        out.push(scenario);
    }
    Ok(out)
}

fn check_scenario(file: &Path, i: usize, s: &Scenario) -> Result<(), LoadError> {
    let at = |rest: &str| format!("scenarios[{i}]{rest}");
    if s.id.trim().is_empty() {
        return Err(invalid(file, at(".id"), "must not be empty"));
    }
    for (j, r) in s.requirements().enumerate() {
        if !looks_like_requirement(r) {
            return Err(invalid(
                file,
                if j == 0 {
                    at(".requirement")
                } else {
                    at(&format!(".also[{}]", j - 1))
                },
                format!("`{r}` is not a requirement id such as CONN-4"),
            ));
        }
    }
    if s.steps.is_empty() {
        return Err(invalid(
            file,
            at(".steps"),
            "a scenario needs at least one step",
        ));
    }
    for (j, step) in s.steps.iter().enumerate() {
        check_step(file, &at(&format!(".steps[{j}]")), s, step)?;
    }
    Ok(())
}

fn looks_like_requirement(r: &str) -> bool {
    let mut parts = r.rsplitn(2, '-');
    let tail = parts.next().unwrap_or_default();
    let head = parts.next().unwrap_or_default();
    !head.is_empty()
        && head.starts_with(|c: char| c.is_ascii_uppercase())
        && head
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !tail.is_empty()
        && tail
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

fn check_step(file: &Path, at: &str, s: &Scenario, step: &Step) -> Result<(), LoadError> {
    let kinds = [
        step.op.is_some(),
        step.hook.is_some(),
        step.peer.is_some(),
        step.probe.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if kinds != 1 {
        return Err(invalid(
            file,
            at.to_owned(),
            "a step has exactly one of `op`, `hook`, `peer`, `probe`",
        ));
    }
    if step.walk.is_some() && !step.op.as_deref().is_some_and(|o| o.starts_with("List")) {
        return Err(invalid(
            file,
            format!("{at}.walk"),
            "`walk` follows the pages of a List operation only",
        ));
    }
    if step.probe.is_some() && !s.needs.contains(&super::model::Hook::RawHttp) {
        return Err(invalid(
            file,
            format!("{at}.probe"),
            "the scenario uses `probe` but does not list `rawHttp` in `needs`",
        ));
    }
    if let Some(op) = &step.op
        && !interconnect_provider::request::OPERATIONS.contains(&op.as_str())
    {
        return Err(invalid(
            file,
            format!("{at}.op"),
            format!("`{op}` is not an operation id of the specification"),
        ));
    }
    if let Some(hook) = &step.hook
        && !s.needs.contains(&hook.hook())
    {
        return Err(invalid(
            file,
            format!("{at}.hook"),
            format!(
                "the scenario uses `{}` but does not list it in `needs`",
                hook.hook().as_str()
            ),
        ));
    }
    for (k, a) in step.assert.iter().enumerate() {
        if a.checks() != 1 {
            return Err(invalid(
                file,
                format!("{at}.assert[{k}]"),
                "an assertion has exactly one of equals, exists, absent, oneOf, length, contains, excludes, after, every, includes, matchesEach",
            ));
        }
        if !(a.pointer.is_empty() || a.pointer.starts_with('/')) {
            return Err(invalid(
                file,
                format!("{at}.assert[{k}].pointer"),
                "a JSON pointer is empty or starts with `/`",
            ));
        }
    }
    if !(100..=599).contains(&step.expect.status) {
        return Err(invalid(
            file,
            format!("{at}.expect.status"),
            "not an HTTP status",
        ));
    }
    if step.expect.status < 400 && !step.expect.or_status.is_empty() {
        return Err(invalid(
            file,
            format!("{at}.expect.orStatus"),
            "other statuses are allowed only for an expected error",
        ));
    }
    for (k, status) in step.expect.or_status.iter().enumerate() {
        if !(400..=599).contains(status) {
            return Err(invalid(
                file,
                format!("{at}.expect.orStatus[{k}]"),
                "not an HTTP error status",
            ));
        }
    }
    Ok(())
}

/// Reads every `*.json` file of `dir` in name order; scenario ids must be
/// unique across them.
pub fn load_dir(dir: &Path) -> Result<Vec<Scenario>, LoadError> {
    let io = |e: std::io::Error| LoadError::Io {
        file: dir.to_owned(),
        message: e.to_string(),
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for file in files {
        for (i, scenario) in load_file(&file)?.into_iter().enumerate() {
            if !seen.insert(scenario.id.clone()) {
                return Err(invalid(
                    &file,
                    format!("scenarios[{i}].id"),
                    format!("`{}` is used by another scenario", scenario.id),
                ));
            }
            out.push(scenario);
        }
    }
    Ok(out)
}

/// The scenario directory of this crate (`conformance/vectors/scenarios`).
pub fn bundled_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join("scenarios")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> LoadError {
        parse(Path::new("x.json"), "x", text.as_bytes()).expect_err("must be refused")
    }

    #[test]
    fn errors_name_the_file_and_the_json_path() {
        let e = err(
            r#"{"description": "d", "scenarios": [{"id": "a", "requirement": "CONN-4", "description": "d", "steps": [{"op": "Nope"}]}]}"#,
        );
        assert_eq!(
            e,
            LoadError::Invalid {
                file: "x.json".into(),
                path: "scenarios[0].steps[0].op".into(),
                message: "`Nope` is not an operation id of the specification".into(),
            }
        );
        let e = err(r#"{"description": "d", "scenarios": [{"id": "a", "requirement": 4}]}"#);
        assert!(
            matches!(&e, LoadError::Invalid { path, .. } if path.contains("requirement")),
            "{e}"
        );
        let e = err(
            r#"{"description": "d", "scenarios": [{"id": "a", "requirement": "CONN-4", "description": "d", "steps": [{"hook": {"advanceClock": {"seconds": 1}}}]}]}"#,
        );
        assert!(e.to_string().contains("needs"), "{e}");
        let e = err(
            r#"{"description": "d", "scenarios": [{"id": "a", "requirement": "CONN-4", "description": "d", "steps": [{"op": "ListProviders", "assert": [{"pointer": "/a"}]}]}]}"#,
        );
        assert!(e.to_string().contains("assert[0]"), "{e}");
        let e = err(
            r#"{"description": "d", "scenarios": [{"id": "a", "requirement": "conn", "description": "d", "steps": [{"op": "ListProviders"}]}]}"#,
        );
        assert!(e.to_string().contains("requirement"), "{e}");
        assert!(matches!(err("not json"), LoadError::Invalid { .. }));
    }
}
