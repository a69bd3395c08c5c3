//! Which vectors run: `--only CLAUSE` (repeatable), one type for the offline
//! vectors and the protocol scenarios.

/// Which vectors to run. A clause is a requirement id prefix such as `KEY`
/// (every `KEY-*` row), an exact requirement id such as `KEY-5`, a vector
/// id, or a family name (`activation_keys`, `connections`). Vectors that
/// match no clause are neither run nor reported. An empty filter runs
/// everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The clauses; empty selects everything.
    pub only: Vec<String>,
}

impl Filter {
    /// Runs every vector.
    pub fn all() -> Self {
        Filter::default()
    }

    /// Runs the vectors that one of `clauses` selects.
    pub fn only<I, S>(clauses: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Filter {
            only: clauses.into_iter().map(Into::into).collect(),
        }
    }

    /// Whether a vector testing `requirement` is run: `KEY` matches `KEY-5`
    /// and `KEY-12`; `KEY-1` matches `KEY-1` only (not `KEY-12`);
    /// `CUST-CIDR` matches `CUST-CIDR-OVERLAP`.
    pub fn matches(&self, requirement: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|c| clause_matches(c, requirement))
    }

    /// Whether a vector is run: its id or family is a clause, or one of the
    /// requirements it tests [`matches`](Self::matches) one.
    pub fn selects<'a>(
        &self,
        id: &str,
        family: &str,
        requirements: impl IntoIterator<Item = &'a str>,
    ) -> bool {
        if self.only.is_empty() {
            return true;
        }
        let requirements: Vec<&str> = requirements.into_iter().collect();
        self.only
            .iter()
            .any(|c| c == id || c == family || requirements.iter().any(|r| clause_matches(c, r)))
    }
}

fn clause_matches(clause: &str, requirement: &str) -> bool {
    requirement == clause
        || requirement
            .strip_prefix(clause)
            .is_some_and(|rest| rest.starts_with('-') && !is_numbered(clause))
}

/// Whether a clause already ends in a rule number (`KEY-1`), so that it
/// must not match longer numbers or sub-ids.
fn is_numbered(clause: &str) -> bool {
    clause
        .rsplit('-')
        .next()
        .is_some_and(|last| !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        && clause.contains('-')
}

#[cfg(test)]
mod tests {
    use super::Filter;

    #[test]
    fn clauses_select_by_prefix_id_or_family() {
        let f = Filter::only(["KEY", "conn-x", "macsec"]);
        assert!(f.selects("a", "b", ["KEY-12"]));
        assert!(f.selects("conn-x", "connections", ["CONN-4"]));
        assert!(f.selects("m", "macsec", ["MACSEC-1"]));
        assert!(!f.selects("m", "issues", ["ISSUE-1"]));
        assert!(
            f.selects("m", "issues", ["ISSUE-1", "KEY-3"]),
            "an `also` id"
        );
        let one = Filter::only(["KEY-1"]);
        assert!(!one.matches("KEY-12"));
        assert!(one.matches("KEY-1"));
        assert!(Filter::all().selects("x", "y", []));
    }
}
