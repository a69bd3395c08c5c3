//! What a validator reports: every violated rule, each with its requirement
//! id (`spec/REQUIREMENTS.md`), the JSON path of the member at fault and a
//! message that never repeats a secret.

use serde::Serialize;

/// One violated rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Requirement id, for example `L3-1`.
    pub rule: &'static str,
    /// JSON path of the member at fault, for example
    /// `featureConfig.l3BaseConfig.vlanId` or `ipv4SubnetGuidance[0].preferredSubnet`.
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
}

impl Violation {
    /// A violation of `rule` at `path`.
    pub fn new(rule: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Violation {
            rule,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}: {}", self.rule, self.path, self.message)
    }
}

/// The outcome of a validation: valid exactly when there are no violations.
/// Serializes as `{"valid": bool, "violations": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Report {
    /// Whether no rule was violated.
    pub valid: bool,
    /// Every violated rule, in the order found.
    pub violations: Vec<Violation>,
}

impl From<Vec<Violation>> for Report {
    fn from(violations: Vec<Violation>) -> Self {
        Report {
            valid: violations.is_empty(),
            violations,
        }
    }
}

impl Report {
    /// The rule ids violated, in order, without repeats.
    pub fn rules(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for v in &self.violations {
            if !out.contains(&v.rule) {
                out.push(v.rule);
            }
        }
        out
    }
}

/// Collects violations under a path prefix.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    pub(crate) violations: Vec<Violation>,
}

impl Collector {
    pub(crate) fn push(
        &mut self,
        rule: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.violations.push(Violation::new(rule, path, message));
    }
}
