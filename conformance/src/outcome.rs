//! The result of running one vector: what every family's runner produces
//! and every report format reads.

use serde::Serialize;

/// What happened when one vector ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    /// The target behaved as the vector expects.
    Pass,
    /// The target did not; `mismatch` describes the first difference found
    /// (the step, the JSON pointer, what was expected and what came back).
    Fail {
        /// The first difference found.
        mismatch: String,
    },
    /// The vector was not run; `reason` says why (a missing capability of the
    /// target, a `--only` filter, ...). A skip without a reason is a defect.
    Skip {
        /// Why the vector was not run.
        reason: String,
    },
}

/// Where a vector ran: against this project's library (offline) or
/// against the target (a protocol scenario).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An offline vector: checks this project's library, not the target.
    #[default]
    Offline,
    /// A protocol scenario: calls the target.
    Scenario,
}

/// One vector's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// The vector's `id` (unique across all vector files).
    pub vector: String,
    /// The requirement id it tests (a row of `spec/REQUIREMENTS.md`).
    pub requirement: String,
    /// The family (file stem) it came from, for example `activation_keys`.
    pub family: String,
    /// The vector's description.
    pub description: String,
    /// Whether it ran offline or against the target.
    pub kind: Kind,
    /// What happened.
    #[serde(flatten)]
    pub verdict: Verdict,
}

impl Outcome {
    /// Whether the vector failed.
    pub fn failed(&self) -> bool {
        matches!(self.verdict, Verdict::Fail { .. })
    }
}
