//! Issue 16 item 15: the feature flags are wired as documented. The
//! conformance suite works offline without the HTTP stack (the `http`
//! feature brings it in), core's schema export is behind `schemars`, and
//! `interconnect-http` is split into `client` and `server`. Each check
//! reads the crate's manifest; `.ci/run` builds the non-default
//! combinations, and the offline tests of this binary run without `http`
//! (`cargo test -p interconnect-conformance --no-default-features --test all`).

use std::path::Path;

use interconnect_conformance::scenario::{FixtureTarget, reference_fixture};
use interconnect_conformance::{Filter, Suite};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A crate's manifest, or `None` (with a notice) when the workspace is not
/// there (a packaged crate).
fn manifest(dir: &str) -> Result<Option<toml::Table>, Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(dir)
        .join("Cargo.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text.parse()?)),
        Err(_) => {
            println!("NOTICE: skipped, {} not found", path.display());
            Ok(None)
        }
    }
}

/// The members of a feature's list.
fn feature<'a>(manifest: &'a toml::Table, name: &str) -> Vec<&'a str> {
    manifest
        .get("features")
        .and_then(|f| f.get(name))
        .and_then(toml::Value::as_array)
        .map(|list| list.iter().filter_map(toml::Value::as_str).collect())
        .unwrap_or_default()
}

/// Checks that each dependency of `deps` is optional and that the feature
/// `name` turns it on (`dep:NAME`).
fn gated(manifest: &toml::Table, name: &str, deps: &[&str]) {
    let list = feature(manifest, name);
    let dependencies = manifest.get("dependencies").and_then(toml::Value::as_table);
    for dep in deps {
        let optional = dependencies
            .and_then(|d| d.get(*dep))
            .and_then(|d| d.get("optional"))
            .and_then(toml::Value::as_bool);
        assert_eq!(optional, Some(true), "{dep} must be an optional dependency");
        assert!(
            list.contains(&format!("dep:{dep}").as_str()),
            "feature {name} must turn on {dep}: {list:?}"
        );
    }
}

/// docs.rs builds every feature and marks the gated items.
fn documented_for_docs_rs(manifest: &toml::Table, krate: &str) {
    let docs = manifest
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("docs"))
        .and_then(|d| d.get("rs"));
    assert_eq!(
        docs.and_then(|d| d.get("all-features"))
            .and_then(toml::Value::as_bool),
        Some(true),
        "{krate}: [package.metadata.docs.rs] all-features"
    );
}

#[test]
fn the_http_stack_of_the_conformance_crate_is_the_default_feature_http() -> TestResult {
    let Some(own) = manifest(".")? else {
        return Ok(());
    };
    assert_eq!(feature(&own, "default"), ["http"]);
    gated(&own, "http", &["interconnect-http", "reqwest"]);
    documented_for_docs_rs(&own, "interconnect-conformance");
    Ok(())
}

#[test]
fn core_schema_generation_and_the_http_client_and_server_are_features() -> TestResult {
    if let Some(core) = manifest("../crates/interconnect-core")? {
        assert!(feature(&core, "default").contains(&"schemars"));
        gated(&core, "schemars", &["schemars"]);
        documented_for_docs_rs(&core, "interconnect-core");
    }
    if let Some(http) = manifest("../crates/interconnect-http")? {
        let default = feature(&http, "default");
        assert!(
            default.contains(&"client") && default.contains(&"server"),
            "{default:?}"
        );
        gated(&http, "client", &["reqwest"]);
        gated(
            &http,
            "server",
            &[
                "axum",
                "hyper",
                "hyper-util",
                "tower",
                "tokio-rustls",
                "prometheus-client",
            ],
        );
        documented_for_docs_rs(&http, "interconnect-http");
    }
    Ok(())
}

/// What the offline build offers, used here without anything of the HTTP
/// stack: the embedded vectors and the in-process runner. This test is in
/// the binary built with and without `http`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_vectors_and_the_in_process_runner_need_no_http() -> TestResult {
    let suite = Suite::bundled().with_filter(Filter::only(vec!["NAME-1".to_owned()]));
    let offline = suite.run_offline()?;
    assert!(offline.exit_code() == 0, "{}", offline.to_text());
    let suite = Suite::bundled().with_filter(Filter::only(vec!["AUTH-1".to_owned()]));
    let report = suite.run(&FixtureTarget::new(reference_fixture())).await?;
    assert_eq!(report.exit_code(), 0, "{}", report.to_text());
    assert!(report.to_text().contains("AUTH-1"), "{}", report.to_text());
    Ok(())
}
