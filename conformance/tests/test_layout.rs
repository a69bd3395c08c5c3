//! The workspace's test layout (issue 17 item 6): a crate whose integration
//! tests build into one binary (`autotests = false`, `[[test]] name = "all"`)
//! lists every file of its `tests/` folder as a module of `tests/all.rs`, so
//! a test file added later cannot be left out of every run by accident. A
//! file that needs a process of its own is declared as its own `[[test]]`.

#[test]
fn every_test_file_is_a_module_of_its_crates_one_binary() -> Result<(), std::io::Error> {
    let Some(workspace) = crate::repository::file("") else {
        return Ok(());
    };
    let mut crates = vec![workspace.join("conformance")];
    for entry in std::fs::read_dir(workspace.join("crates"))? {
        crates.push(entry?.path());
    }
    let mut checked = 0;
    for dir in crates {
        let all = dir.join("tests/all.rs");
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
        if !all.exists() {
            assert!(
                !manifest.contains("autotests = false"),
                "{}: autotests is off but there is no tests/all.rs",
                dir.display()
            );
            continue;
        }
        assert!(
            manifest.contains("autotests = false") && manifest.contains("path = \"tests/all.rs\""),
            "{}: tests/all.rs exists, so Cargo.toml must set autotests = false and declare it",
            dir.display()
        );
        let listed = std::fs::read_to_string(&all)?;
        for entry in std::fs::read_dir(dir.join("tests"))? {
            let path = entry?.path();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let is_module =
                path.extension().is_some_and(|e| e == "rs") || path.join("mod.rs").exists();
            if !is_module || stem == "all" {
                continue;
            }
            // a file that must run in a process of its own is declared as
            // its own `[[test]]` (its documentation says why)
            if manifest.contains(&format!("path = \"tests/{stem}.rs\"")) {
                continue;
            }
            assert!(
                listed.lines().any(|l| l.trim() == format!("mod {stem};")),
                "{}: tests/{stem} is not a module of tests/all.rs: add `mod {stem};` there",
                dir.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "the test files were found ({checked})");
    Ok(())
}
