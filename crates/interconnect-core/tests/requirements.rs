//! `spec/REQUIREMENTS.md` stays true for what the core crate enforces: every
//! rule id a validator reports is listed there, with where it is enforced
//! (not `planned`).

fn index() -> Option<String> {
    let path = crate::repository::file("spec/REQUIREMENTS.md")?;
    Some(std::fs::read_to_string(path).expect("spec/REQUIREMENTS.md exists"))
}

fn row<'a>(text: &'a str, id: &str) -> Option<&'a str> {
    let prefix = format!("| {id} |");
    text.lines().find(|l| l.starts_with(&prefix))
}

#[test]
fn every_enforced_rule_is_indexed_with_its_enforcing_code() {
    let Some(text) = index() else {
        return;
    };
    let ids = interconnect_core::validation::rules::RULES
        .iter()
        .chain(interconnect_core::customer::RULES.iter())
        .map(|(id, _)| *id);
    let mut missing = Vec::new();
    let mut count = 0;
    for id in ids {
        count += 1;
        match row(&text, id) {
            None => missing.push(format!("{id}: no row")),
            Some(r) if r.contains("| planned |") => missing.push(format!("{id}: still 'planned'")),
            Some(_) => {}
        }
    }
    assert!(
        missing.is_empty(),
        "spec/REQUIREMENTS.md is out of step:\n{}",
        missing.join("\n")
    );
    println!("{count} enforced rule ids are indexed");
}

#[test]
fn ids_are_unique() {
    let Some(text) = index() else {
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    for line in text.lines().filter(|l| l.starts_with("| ")) {
        let id = line
            .trim_start_matches("| ")
            .split(' ')
            .next()
            .unwrap_or("");
        if id.contains('-') && id.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
            assert!(seen.insert(id.to_string()), "{id} appears twice");
        }
    }
    assert!(seen.len() > 200, "only {} ids found", seen.len());
}
