//! The whole suite in one call: the offline vectors against this project's
//! library, then the protocol scenarios against a [`Target`], as one
//! [`Report`] (`conformance/README.md`, "Running the suite").

use std::path::{Path, PathBuf};

use interconnect_core::names::EnvironmentName;
use serde::Serialize;

use crate::filter::Filter;
use crate::offline::run_offline;
use crate::report::Report;
use crate::scenario::{self, Inventory, RunOptions, Target, load_dir, run_scenarios_with};
use crate::vectors;

/// Why the suite could not run (its own files, never the target).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SuiteError {
    /// An offline vector file does not load.
    #[error("offline vectors: {0}")]
    Offline(#[from] vectors::LoadError),
    /// A scenario file does not load.
    #[error("scenarios: {0}")]
    Scenarios(#[from] scenario::LoadError),
    /// The vectors directory does not exist or holds no vector.
    #[error("the vectors directory {0} does not exist or holds no vector")]
    NoVectors(String),
    /// The filter selects no vector (`--only` matching nothing).
    #[error("no vector matches --only {0}")]
    NothingSelected(String),
}

/// One vector as `--list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listed {
    /// The vector id.
    pub id: String,
    /// The requirement it tests.
    pub requirement: String,
    /// Further requirements the same vector checks (scenarios).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// Its family (file stem).
    pub family: String,
    /// `offline` or `scenario`.
    pub kind: &'static str,
    /// The target hooks it needs (scenarios).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<&'static str>,
    /// What it checks.
    pub description: String,
}

/// The suite: where its vectors are, which ones run, and where.
#[derive(Debug, Clone)]
pub struct Suite {
    vectors_dir: PathBuf,
    filter: Filter,
    environment: Option<EnvironmentName>,
    inventory: Option<Inventory>,
}

impl Default for Suite {
    fn default() -> Self {
        Suite::bundled()
    }
}

impl Suite {
    /// The vectors shipped with this crate (`conformance/vectors`),
    /// embedded in the library at build time ([`crate::embedded`]): found
    /// from any working directory, without the source tree.
    pub fn bundled() -> Self {
        match crate::embedded::dir() {
            Ok(dir) => Suite::new(dir),
            // The temporary directory is not writable: the source tree's
            // copy, when it is there.
            Err(_) => Suite::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")),
        }
    }

    /// The vectors of `dir` (offline files at its top, scenarios in
    /// `dir/scenarios`).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Suite {
            vectors_dir: dir.into(),
            filter: Filter::all(),
            environment: None,
            inventory: None,
        }
    }

    /// The partner's declared test inventory (`--inventory FILE`); without
    /// it, the target's own ([`Target::inventory`]) when it has one.
    pub fn with_inventory(mut self, inventory: Option<Inventory>) -> Self {
        self.inventory = inventory;
        self
    }

    /// Fails when the run would select no vector: the directory is
    /// missing or empty, or `--only` matches nothing. A run that checks
    /// nothing must not pass.
    pub fn check_selection(&self) -> Result<usize, SuiteError> {
        let shown = self.vectors_dir.display().to_string();
        let has_files = std::fs::read_dir(&self.vectors_dir)
            .map(|entries| {
                entries.filter_map(Result::ok).any(|e| {
                    let p = e.path();
                    p.extension().is_some_and(|x| x == "json") || p.is_dir()
                })
            })
            .unwrap_or(false);
        if !has_files {
            return Err(SuiteError::NoVectors(shown));
        }
        let listed = self.list()?;
        if listed.is_empty() {
            if self.filter.only.is_empty() {
                return Err(SuiteError::NoVectors(shown));
            }
            return Err(SuiteError::NothingSelected(self.filter.only.join(", ")));
        }
        Ok(listed.len())
    }

    /// Runs only what `filter` selects (`--only`).
    pub fn with_filter(mut self, filter: Filter) -> Self {
        self.filter = filter;
        self
    }

    /// Restricts discovery to one environment of the target
    /// (`--environment ID`).
    pub fn with_environment(mut self, environment: Option<EnvironmentName>) -> Self {
        self.environment = environment;
        self
    }

    /// The vectors directory.
    pub fn vectors_dir(&self) -> &Path {
        &self.vectors_dir
    }

    /// The selected vectors, without running them: offline ones first, then
    /// the scenarios.
    pub fn list(&self) -> Result<Vec<Listed>, SuiteError> {
        let loaded = vectors::load(&self.vectors_dir)?;
        let mut out = Vec::new();
        for file in loaded.files.values() {
            for v in &file.vectors {
                if self
                    .filter
                    .selects(&v.id, &file.family, [v.requirement.as_str()])
                {
                    out.push(Listed {
                        id: v.id.clone(),
                        requirement: v.requirement.clone(),
                        also: Vec::new(),
                        family: file.family.clone(),
                        kind: "offline",
                        needs: Vec::new(),
                        description: v.description.clone(),
                    });
                }
            }
        }
        for file in loaded.wire.values() {
            for c in &file.tests {
                if self
                    .filter
                    .selects(&c.id, vectors::WIRE_FAMILY, [c.requirement.as_str()])
                {
                    out.push(Listed {
                        id: c.id.clone(),
                        requirement: c.requirement.clone(),
                        also: Vec::new(),
                        family: vectors::WIRE_FAMILY.to_owned(),
                        kind: "offline",
                        needs: Vec::new(),
                        description: c.description.clone(),
                    });
                }
            }
        }
        for s in self.scenarios()? {
            if self.filter.selects(&s.id, &s.family, s.requirements()) {
                out.push(Listed {
                    id: s.id.clone(),
                    requirement: s.requirement.clone(),
                    also: s.also.clone(),
                    family: s.family.clone(),
                    kind: "scenario",
                    needs: s.needs.iter().map(|h| h.as_str()).collect(),
                    description: s.description.clone(),
                });
            }
        }
        Ok(out)
    }

    /// The scenarios of the suite.
    pub fn scenarios(&self) -> Result<Vec<scenario::Scenario>, SuiteError> {
        Ok(load_dir(&self.vectors_dir.join("scenarios"))?)
    }

    /// The offline vectors only (no target).
    pub fn run_offline(&self) -> Result<Report, SuiteError> {
        self.check_selection()?;
        Ok(Report::new(run_offline(&self.vectors_dir, &self.filter)?))
    }

    /// The offline vectors, then the scenarios against `target`.
    pub async fn run<T: Target>(&self, target: &T) -> Result<Report, SuiteError> {
        self.check_selection()?;
        let mut outcomes = run_offline(&self.vectors_dir, &self.filter)?;
        let scenarios = self.scenarios()?;
        let options = RunOptions {
            environment: self.environment.clone(),
            inventory: self.inventory.clone().or_else(|| target.inventory()),
        };
        outcomes.extend(run_scenarios_with(target, &scenarios, &self.filter, &options).await);
        Ok(Report::new(outcomes))
    }
}

/// Every bundled vector that `filter` selects: offline ones against this
/// library, scenarios against `target`.
pub async fn run_all<T: Target>(target: &T, filter: &Filter) -> Result<Report, SuiteError> {
    Suite::bundled()
        .with_filter(filter.clone())
        .run(target)
        .await
}
