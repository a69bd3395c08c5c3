//! `spec/REQUIREMENTS.md` stays true for what the HTTP binding enforces, and
//! the router serves exactly the specification's paths and methods (read
//! from the bundled OpenAPI document when it is present).
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use crate::common;

use std::path::PathBuf;

use interconnect_http::RouterConfig;
use interconnect_provider::testing::Fixture;
use reqwest::{Method, StatusCode};

fn read(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The quoted ids of `NAME = "ID";` lines.
fn rule_ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_suffix("\";")?;
            let (_, id) = rest.rsplit_once("= \"")?;
            Some(id.to_owned())
        })
        .collect()
}

#[test]
fn every_rule_the_crate_reports_is_indexed_and_enforced() {
    let Some(index) = crate::repository::file("spec/REQUIREMENTS.md") else {
        return;
    };
    let index = std::fs::read_to_string(&index).expect("spec/REQUIREMENTS.md exists");
    let ids = rule_ids(&read("src/rules.rs"));
    assert!(ids.len() >= 8, "rules.rs defines only {} ids", ids.len());
    let problems: Vec<String> = ids
        .iter()
        .filter_map(|id| {
            let prefix = format!("| {id} |");
            match index.lines().find(|l| l.starts_with(&prefix)) {
                None => Some(format!("{id}: no row")),
                Some(row) if row.contains("| planned |") => Some(format!("{id}: planned")),
                Some(_) => None,
            }
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A concrete path for a template: each `{placeholder}` becomes `x1`.
fn concrete(template: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in template.chars() {
        match c {
            '{' => inside = true,
            '}' => {
                inside = false;
                out.push_str("x1");
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out.replace("/providers/x1", "/providers/gcp")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_router_serves_exactly_the_specifications_paths_and_methods() {
    let spec = std::env::var_os("INTERCONNECT_SPEC_DIR")
        .map(|d| PathBuf::from(d).join("openapi-main.bundled.json"))
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/spec/openapi-main.bundled.json")
        });
    let Ok(text) = std::fs::read_to_string(&spec) else {
        println!("notice: {} not found; routes not compared", spec.display());
        return;
    };
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let paths = doc["paths"].as_object().expect("paths");
    assert_eq!(paths.len(), interconnect_http::ROUTE_PATHS);
    interconnect_http::client::ensure_crypto_provider();
    let base = common::spawn(
        Fixture::new().server,
        RouterConfig::default().rate_limit(None),
    );
    let http = reqwest::Client::new();
    let mut operations = 0;
    for (template, item) in paths {
        let path = concrete(template);
        for method in ["get", "post", "patch", "delete", "put"] {
            let offered = item.get(method).is_some();
            operations += usize::from(offered);
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let response = http
                .request(
                    m,
                    format!("{base}{path}?connectionId=c&featureId=f&macSecKeyId=k&issueId=i"),
                )
                .bearer_auth(common::GCP_TOKEN)
                .body("{}")
                .send()
                .await
                .expect("answered");
            let status = response.status();
            let text = response.text().await.expect("body");
            if offered {
                assert_ne!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {template}"
                );
                assert!(
                    !text.contains("no operation of the specification has this path"),
                    "{method} {template} is not routed"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {template}: {text}"
                );
            }
        }
    }
    assert_eq!(operations, interconnect_provider::request::OPERATIONS.len());
}
