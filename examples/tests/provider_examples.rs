//! Runs the provider examples (`two_clouds`, `custom_backend`) that
//! `cargo test` builds beside this test, and checks they exit 0 with the
//! lines the README shows.

use std::path::PathBuf;
use std::process::Command;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// `target/<profile>/examples/<name>`: this test runs from
/// `target/<profile>/deps/`.
fn example(name: &str) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let exe = std::env::current_exe()?;
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .ok_or("the test binary lives in target/<profile>/deps")?;
    Ok(profile
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX)))
}

fn run(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    let path = example(name)?;
    let out = Command::new(&path)
        .output()
        .map_err(|e| format!("{}: {e} (built by cargo test)", path.display()))?;
    let stdout = String::from_utf8(out.stdout)?;
    assert!(
        out.status.success(),
        "{name} failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(stdout)
}

#[test]
fn two_clouds_reaches_verified_and_deletes() -> TestResult {
    let out = run("two_clouds")?;
    assert!(out.contains("aws: Verified Some(Verified)"), "{out}");
    assert!(out.contains("gcp: Verified Some(Verified)"), "{out}");
    assert!(out.contains("gcp: Deleted; aws: Deleted"), "{out}");
    assert!(!out.contains("ABORTED"), "{out}");
    Ok(())
}

#[test]
fn custom_backend_turns_features_into_router_jobs() -> TestResult {
    let out = run("custom_backend")?;
    assert_eq!(
        out.matches("applied on").count(),
        8,
        "4 configure + 4 remove: {out}"
    );
    assert!(
        out.contains("aws: Deleted; gcp: Deleted; 4 removal jobs"),
        "{out}"
    );
    Ok(())
}
