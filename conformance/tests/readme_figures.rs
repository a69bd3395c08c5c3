//! The figures the READMEs quote are the suite's own (issue 16 item 19):
//! how many vectors, scenarios and offline vectors the bundled suite has,
//! and how many mutants the self-tests run. A vector or a mutant added
//! without its README line fails here.

use std::path::Path;

use interconnect_conformance::Suite;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every number written right after `prefix` in `text`.
fn numbers_after(text: &str, prefix: &str) -> Vec<usize> {
    text.match_indices(prefix)
        .filter_map(|(i, _)| {
            let rest = &text[i + prefix.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

fn assert_all(found: &[usize], want: usize, what: &str) {
    assert!(!found.is_empty(), "no figure for {what} found");
    assert!(
        found.iter().all(|n| *n == want),
        "{what}: the README says {found:?}, the suite has {want}"
    );
}

#[test]
fn the_readmes_quote_the_suites_own_counts() {
    let listed = Suite::bundled().list().expect("the bundled suite lists");
    let total = listed.len();
    let scenarios = listed.iter().filter(|l| l.kind == "scenario").count();
    let offline = listed.iter().filter(|l| l.kind == "offline").count();
    assert_eq!(scenarios + offline, total);
    let Some(readme) = crate::repository::file("README.md") else {
        return;
    };
    let readme = std::fs::read_to_string(readme).expect("README.md");
    assert_all(
        &numbers_after(&readme, "reference provider: "),
        total,
        "vectors",
    );
    assert_all(&numbers_after(&readme, "total "), total, "the total line");
    assert_all(
        &numbers_after(&readme, "scenarios against the target "),
        scenarios,
        "scenarios",
    );
    assert_all(
        &numbers_after(&readme, "offline vectors (this library, not the target) "),
        offline,
        "offline vectors",
    );
    let mutants = crate::mutants::count();
    let conformance_readme = read("README.md");
    for text in [&readme, &conformance_readme] {
        assert_all(&numbers_after(text, "mutants killed "), mutants, "mutants");
        assert_all(
            &numbers_after(text, &format!("mutants killed {mutants} of ")),
            mutants,
            "mutants (of)",
        );
    }
    assert_all(
        &numbers_after(&conformance_readme, "`tests/mutants.rs`: "),
        mutants,
        "mutants in the crate README",
    );
    assert_all(
        &numbers_after(&readme, "`conformance/tests/mutants_interop.rs` adds "),
        crate::mutants_interop::count(),
        "interoperability mutants",
    );
}
