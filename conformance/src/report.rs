//! Reports of a run: readable text, JSON (`vectors/schema/report.schema.json`)
//! and JUnit XML, from the [`Outcome`]s any runner produces.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::outcome::{Kind, Outcome, Verdict};

/// The JSON Schema of [`Report::to_json`].
pub const REPORT_SCHEMA: &str = include_str!("../vectors/schema/report.schema.json");

/// Counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Vectors reported.
    pub total: usize,
    /// Vectors that passed.
    pub passed: usize,
    /// Vectors that failed.
    pub failed: usize,
    /// Vectors skipped.
    pub skipped: usize,
}

impl Totals {
    fn of<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> Self {
        let mut t = Totals::default();
        for o in outcomes {
            t.total += 1;
            match o.verdict {
                Verdict::Pass => t.passed += 1,
                Verdict::Fail { .. } => t.failed += 1,
                Verdict::Skip { .. } => t.skipped += 1,
            }
        }
        t
    }
}

/// The outcomes of a run, ready to be written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    outcomes: Vec<Outcome>,
    strict: bool,
}

/// Why vectors were skipped, and how many for each reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkipReason {
    /// The reason (step numbers removed, so that equal reasons group).
    pub reason: String,
    /// How many vectors were skipped for it.
    pub count: usize,
}

impl Report {
    /// A report of these outcomes, kept in the order given.
    pub fn new(outcomes: Vec<Outcome>) -> Self {
        Report {
            outcomes,
            strict: false,
        }
    }

    /// With `strict`, any skipped vector fails the run (`--strict`).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Counts of the vectors of one kind: scenarios (run against the
    /// target) or offline vectors (this project's library).
    pub fn totals_of(&self, kind: Kind) -> Totals {
        Totals::of(self.outcomes.iter().filter(|o| o.kind == kind))
    }

    /// The reasons vectors were skipped, most frequent first.
    pub fn skip_reasons(&self) -> Vec<SkipReason> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for o in &self.outcomes {
            if let Verdict::Skip { reason } = &o.verdict {
                *counts.entry(general(reason)).or_default() += 1;
            }
        }
        let mut out: Vec<SkipReason> = counts
            .into_iter()
            .map(|(reason, count)| SkipReason { reason, count })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
        out
    }

    /// The outcomes.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// Counts of passes, failures and skips.
    pub fn totals(&self) -> Totals {
        Totals::of(&self.outcomes)
    }

    /// 0 when nothing failed, 1 otherwise; skips fail the run only when
    /// [`strict`](Self::strict).
    pub fn exit_code(&self) -> i32 {
        let skipped = self
            .outcomes
            .iter()
            .any(|o| matches!(o.verdict, Verdict::Skip { .. }));
        if self.outcomes.iter().any(Outcome::failed) || self.strict && skipped {
            1
        } else {
            0
        }
    }

    /// Outcomes grouped by requirement id, ids in natural order (`KEY-2`
    /// before `KEY-10`).
    fn by_requirement(&self) -> BTreeMap<RequirementKey, Vec<&Outcome>> {
        let mut groups: BTreeMap<RequirementKey, Vec<&Outcome>> = BTreeMap::new();
        for o in &self.outcomes {
            groups
                .entry(RequirementKey::new(&o.requirement))
                .or_default()
                .push(o);
        }
        groups
    }

    /// Readable text: one block per requirement id, one line per vector
    /// (`pass`, `FAIL` with the first mismatch, `skip` with the reason),
    /// then the totals.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (req, outcomes) in self.by_requirement() {
            let t = Totals::of(outcomes.iter().copied());
            let _ = writeln!(
                out,
                "{} ({} passed, {} failed, {} skipped)",
                req.id, t.passed, t.failed, t.skipped
            );
            for o in outcomes {
                let _ = match &o.verdict {
                    Verdict::Pass => writeln!(out, "  pass  {}", o.vector),
                    Verdict::Fail { mismatch } => {
                        writeln!(out, "  FAIL  {}: {}", o.vector, mismatch)
                    }
                    Verdict::Skip { reason } => writeln!(out, "  skip  {}: {}", o.vector, reason),
                };
            }
        }
        for (kind, label) in [
            (Kind::Scenario, "scenarios against the target"),
            (
                Kind::Offline,
                "offline vectors (this library, not the target)",
            ),
        ] {
            let k = self.totals_of(kind);
            let _ = writeln!(
                out,
                "{label} {}: {} passed, {} failed, {} skipped",
                k.total, k.passed, k.failed, k.skipped
            );
        }
        for s in self.skip_reasons() {
            let _ = writeln!(out, "skipped {}: {}", s.count, s.reason);
        }
        if self.strict && self.totals().skipped > 0 {
            let _ = writeln!(out, "--strict: the skips fail the run");
        }
        let t = self.totals();
        let _ = writeln!(
            out,
            "total {}: {} passed, {} failed, {} skipped",
            t.total, t.passed, t.failed, t.skipped
        );
        out
    }

    /// The report as JSON: `{"totals": {...}, "requirements": [{"requirement",
    /// "totals", "outcomes": [Outcome]}]}` (see `report.schema.json`).
    pub fn to_json(&self) -> Value {
        let requirements: Vec<Value> = self
            .by_requirement()
            .into_iter()
            .map(|(req, outcomes)| {
                serde_json::json!({
                    "requirement": req.id,
                    "totals": Totals::of(outcomes.iter().copied()),
                    "outcomes": outcomes,
                })
            })
            .collect();
        serde_json::json!({
            "totals": self.totals(),
            "scenarios": self.totals_of(Kind::Scenario),
            "offline": self.totals_of(Kind::Offline),
            "skipReasons": self.skip_reasons(),
            "strict": self.strict,
            "requirements": requirements,
        })
    }

    /// The report as JUnit XML: `<testsuites>` holding one `<testsuite>`
    /// per requirement family (the id before its first `-`: `KEY`, `L3`,
    /// `CUST`), one `<testcase>` per vector (`name` the vector id,
    /// `classname` the requirement id), with `<failure message=...>` or
    /// `<skipped message=...>`.
    pub fn to_junit(&self) -> String {
        let mut suites: BTreeMap<&str, Vec<&Outcome>> = BTreeMap::new();
        for o in &self.outcomes {
            let family = o.requirement.split('-').next().unwrap_or_default();
            suites.entry(family).or_default().push(o);
        }
        let t = self.totals();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let (sc, off) = (
            self.totals_of(Kind::Scenario),
            self.totals_of(Kind::Offline),
        );
        let _ = writeln!(
            out,
            "<!-- scenarios against the target: {} ({} failed, {} skipped); offline vectors: {} ({} failed, {} skipped) -->",
            sc.total, sc.failed, sc.skipped, off.total, off.failed, off.skipped
        );
        let _ = writeln!(
            out,
            "<testsuites name=\"interconnect-conformance\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\">",
            t.total, t.failed, t.skipped
        );
        for (family, outcomes) in suites {
            let s = Totals::of(outcomes.iter().copied());
            let _ = writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\">",
                escape(family),
                s.total,
                s.failed,
                s.skipped
            );
            let sc = Totals::of(
                outcomes
                    .iter()
                    .copied()
                    .filter(|o| o.kind == Kind::Scenario),
            );
            let _ = writeln!(
                out,
                "    <properties>\n      <property name=\"scenarios\" value=\"{}\"/>\n      <property name=\"offline\" value=\"{}\"/>\n    </properties>",
                sc.total,
                s.total - sc.total
            );
            for o in outcomes {
                let head = format!(
                    "    <testcase name=\"{}\" classname=\"{}.{}\"",
                    escape(&o.vector),
                    match o.kind {
                        Kind::Scenario => "scenario",
                        Kind::Offline => "offline",
                    },
                    escape(&o.requirement)
                );
                let _ = match &o.verdict {
                    Verdict::Pass => writeln!(out, "{head}/>"),
                    Verdict::Fail { mismatch } => writeln!(
                        out,
                        "{head}>\n      <failure message=\"{}\"/>\n    </testcase>",
                        escape(mismatch)
                    ),
                    Verdict::Skip { reason } => writeln!(
                        out,
                        "{head}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                        escape(reason)
                    ),
                };
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }
}

/// A skip reason without its step number (`step 3: x` becomes `x`).
fn general(reason: &str) -> String {
    match reason.split_once(": ") {
        Some((head, rest)) if head.starts_with("step ") => rest.to_owned(),
        _ => reason.to_owned(),
    }
}

/// Escapes text for an XML attribute value. Characters XML 1.0 cannot hold
/// (most control characters) are written as `?`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if u32::from(c) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// A requirement id sorted naturally: area, then number, then the rest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RequirementKey {
    area: String,
    number: u64,
    id: String,
}

impl RequirementKey {
    fn new(id: &str) -> Self {
        let (area, rest) = id.split_once('-').unwrap_or((id, ""));
        let number = rest.parse().unwrap_or(0);
        RequirementKey {
            area: area.to_owned(),
            number,
            id: id.to_owned(),
        }
    }
}
