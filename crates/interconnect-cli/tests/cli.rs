//! End-to-end tests of the `interconnect` binary: every command, every exit
//! code (0 valid, 1 invalid, 2 usage or unreadable), and the stderr format
//! with and without `--json`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ENVIRONMENT: &str = "providers/gcp/environments/aws-gcp-us-east";
const UUID: &str = "5f0c8a2e-1b3d-4c5e-9f60-7a8b9c0d1e2f";
const ACCOUNT: &str = "123456789012";

fn data(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .display()
        .to_string()
}

fn customer(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/customer")
        .join(name)
        .display()
        .to_string()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interconnect"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Result<Output, std::io::Error> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_interconnect"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // A write error means the child stopped reading early (the size bound).
    if let Some(mut pipe) = child.stdin.take() {
        let _ = pipe.write_all(stdin);
    }
    child.wait_with_output()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn stdout_json(out: &Output) -> Result<Value, serde_json::Error> {
    serde_json::from_slice(&out.stdout)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The `rule` of every violation in a Report.
fn rules(report: &Value) -> Vec<String> {
    report["violations"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|x| x["rule"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn encode_key() -> Result<String, Box<dyn std::error::Error>> {
    let out = run(&[
        "key",
        "encode",
        "--environment",
        ENVIRONMENT,
        "--uuid",
        UUID,
        "--mbps",
        "1000",
        "--account",
        ACCOUNT,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

// ---- key ----

#[test]
fn key_encode_then_decode_round_trips() -> TestResult {
    let key = encode_key()?;
    let out = run(&["key", "decode", &key]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let members = stdout_json(&out)?;
    assert_eq!(members["version"], 1);
    assert_eq!(members["destinationEnvironmentUri"], ENVIRONMENT);
    assert_eq!(members["sharedConnectionUuid"], UUID);
    assert_eq!(members["connectionSizeMbps"], 1000);
    assert_eq!(members["destinationAccountId"], ACCOUNT);
    Ok(())
}

/// Version 2 (upstream main A2): `key encode --version 2 --public-key`
/// and `key decode --private-key` round-trip; without the private key only
/// the envelope shows; with another key the one uniform error (E-203).
#[test]
fn key_encode_version_2_then_decode_with_the_private_key() -> TestResult {
    use interconnect_core::activation_key::ActivationKeyPrivateKey;
    let dir = std::env::temp_dir().join(format!("interconnect-cli-v2-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let private = ActivationKeyPrivateKey::generate()?;
    let other = ActivationKeyPrivateKey::generate()?;
    let public_pem = dir.join("public.pem");
    let private_pem = dir.join("private.pem");
    let other_pem = dir.join("other.pem");
    std::fs::write(&public_pem, private.public_key()?.to_pem())?;
    std::fs::write(&private_pem, private.to_pkcs8_pem()?)?;
    std::fs::write(&other_pem, other.to_pkcs8_pem()?)?;
    let public_path = public_pem.display().to_string();
    let out = run(&[
        "key",
        "encode",
        "--version",
        "2",
        "--public-key",
        &public_path,
        "--source-account",
        "111122223333",
        "--environment",
        ENVIRONMENT,
        "--uuid",
        UUID,
        "--mbps",
        "1000",
        "--account",
        ACCOUNT,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let key = String::from_utf8(out.stdout)?.trim().to_string();
    let private_path = private_pem.display().to_string();
    let out = run(&["key", "decode", "--private-key", &private_path, &key]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let members = stdout_json(&out)?;
    assert_eq!(members["version"], 2);
    assert_eq!(members["sharedConnectionUuid"], UUID);
    assert_eq!(members["destinationAccountId"], ACCOUNT);
    assert_eq!(members["sourceAccountId"], "111122223333");
    let out = run(&["key", "decode", &key]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let envelope = stdout_json(&out)?;
    assert_eq!(envelope["encryptedContentsBytes"], 256);
    assert!(envelope.get("sharedConnectionUuid").is_none());
    let other_path = other_pem.display().to_string();
    let out = run(&["key", "decode", "--private-key", &other_path, &key]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("cannot be decrypted"),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "key",
        "encode",
        "--version",
        "2",
        "--environment",
        ENVIRONMENT,
        "--uuid",
        UUID,
        "--mbps",
        "1000",
        "--account",
        ACCOUNT,
    ]);
    assert_eq!(code(&out), 2, "--public-key is required: {}", stderr(&out));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn key_decode_reads_stdin_with_dash_or_no_argument() -> TestResult {
    let key = encode_key()?;
    for args in [&["key", "decode", "-"][..], &["key", "decode"][..]] {
        let out = run_with_stdin(args, format!("{key}\n").as_bytes())?;
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        assert_eq!(stdout_json(&out)?["destinationAccountId"], ACCOUNT);
    }
    Ok(())
}

#[test]
fn key_decode_bounds_stdin() -> TestResult {
    let out = run_with_stdin(&["key", "decode"], &vec![b'A'; 64 * 1024 + 1])?;
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).starts_with("error: io: "), "{}", stderr(&out));
    Ok(())
}

#[test]
fn key_of_unknown_version_is_a_key_error() -> TestResult {
    // Version 2 exists since upstream main (A2); version 3 is unknown.
    // base64 of {"version":3,"destinationEnvironmentUri":"providers/gcp/environments/aws-gcp-us-east"}
    let v3 = "eyJ2ZXJzaW9uIjozLCJkZXN0aW5hdGlvbkVudmlyb25tZW50VXJpIjoicHJvdmlkZXJzL2djcC9lbnZpcm9ubWVudHMvYXdzLWdjcC11cy1lYXN0In0=";
    let out = run(&["key", "decode", v3]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.starts_with("error: key: "), "{err}");
    assert!(err.contains("version 3"), "{err}");
    // The old data file (a version 2 key without encryptedContents) now
    // names the missing member.
    let v2 = std::fs::read_to_string(data("key-v2.txt"))?;
    let out = run(&["key", "decode", v2.trim()]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("encryptedContents"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

#[test]
fn bad_key_errors_never_repeat_the_key() {
    let out = run(&["key", "decode", "bm90IGEga2V5IGF0IGFsbA=="]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.starts_with("error: key: "), "{err}");
    assert!(!err.contains("bm90IGEga2V5"), "{err}");
}

#[test]
fn key_errors_as_json() -> TestResult {
    let out = run(&["--json", "key", "decode", "%%%"]);
    assert_eq!(code(&out), 1);
    let err: Value = serde_json::from_slice(&out.stderr)?;
    assert_eq!(err["error"]["kind"], "key");
    assert!(err["error"]["message"].is_string());
    assert!(out.stdout.is_empty());
    Ok(())
}

#[test]
fn key_encode_rejects_a_bad_environment_name() {
    let out = run(&[
        "key",
        "encode",
        "--environment",
        "environments/x",
        "--uuid",
        UUID,
        "--mbps",
        "1000",
        "--account",
        ACCOUNT,
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: name: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn key_encode_rejects_a_size_that_is_not_positive_without_echoing_the_account() {
    let out = run(&[
        "key",
        "encode",
        "--environment",
        ENVIRONMENT,
        "--uuid",
        UUID,
        "--mbps",
        "0",
        "--account",
        ACCOUNT,
    ]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.starts_with("error: key: "), "{err}");
    assert!(!err.contains(ACCOUNT) && !err.contains(UUID), "{err}");
}

// ---- validate feature ----

fn validate_feature(feature: &str, extra: &[&str]) -> Output {
    let guidance = data("guidance.json");
    let feature = data(feature);
    let mut args = vec![
        "validate",
        "feature",
        "--guidance",
        &guidance,
        "--feature",
        &feature,
        "--negotiator",
        "gcp",
        "--responder",
        "providers/aws",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn valid_feature_reports_valid() -> TestResult {
    let out = validate_feature("feature.json", &[]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    let report = stdout_json(&out)?;
    assert_eq!(report["valid"], true);
    assert_eq!(report["violations"], Value::Array(vec![]));
    Ok(())
}

#[test]
fn invalid_feature_reports_each_violation_with_its_path() -> TestResult {
    let out = validate_feature("feature-invalid.json", &[]);
    assert_eq!(code(&out), 1);
    let report = stdout_json(&out)?;
    assert_eq!(report["valid"], false);
    assert_eq!(rules(&report), ["L3-10", "L3-11", "L3-30"]);
    assert_eq!(
        report["violations"][2]["path"],
        "featureConfig.l3BaseConfig.mtuBytes"
    );
    Ok(())
}

#[test]
fn used_features_count_as_a_list_or_an_array() -> TestResult {
    for used in ["used.json", "used-list.json"] {
        let path = data(used);
        let out = validate_feature("feature.json", &["--used", &path]);
        assert_eq!(code(&out), 1, "{used}");
        assert_eq!(rules(&stdout_json(&out)?), ["L3-12", "L3-20"], "{used}");
    }
    Ok(())
}

#[test]
fn incoherent_bare_guidance_is_reported_under_guidance() -> TestResult {
    let guidance = data("guidance-incoherent.json");
    let feature = data("feature.json");
    let out = run(&[
        "validate",
        "feature",
        "--guidance",
        &guidance,
        "--feature",
        &feature,
        "--negotiator",
        "providers/gcp",
        "--responder",
        "aws",
    ]);
    assert_eq!(code(&out), 1);
    let report = stdout_json(&out)?;
    assert_eq!(report["violations"][0]["rule"], "GUIDE-4");
    assert_eq!(report["violations"][0]["path"], "guidance.vlanRanges[0]");
    Ok(())
}

#[test]
fn connection_flag_overrides_the_feature_name() -> TestResult {
    // A connection on another interconnect: the channel is not one of its.
    let out = validate_feature(
        "feature.json",
        &[
            "--connection",
            "providers/aws/environments/aws-gcp-us-east/interconnects/ix2/connections/c1",
        ],
    );
    assert_eq!(code(&out), 1);
    assert_eq!(stdout_json(&out)?["violations"][0]["path"], "channel");
    Ok(())
}

#[test]
fn feature_without_name_or_connection_is_a_usage_error() -> TestResult {
    let dir = std::env::temp_dir().join(format!("interconnect-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut feature: Value = serde_json::from_str(&std::fs::read_to_string(data("feature.json"))?)?;
    if let Some(obj) = feature.as_object_mut() {
        obj.remove("name");
    }
    let path = dir.join("unnamed.json");
    std::fs::write(&path, feature.to_string())?;
    let path = path.display().to_string();
    let guidance = data("guidance.json");
    let out = run(&[
        "validate",
        "feature",
        "--guidance",
        &guidance,
        "--feature",
        &path,
        "--negotiator",
        "gcp",
        "--responder",
        "aws",
    ]);
    std::fs::remove_dir_all(&dir)?;
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.starts_with("error: usage: "), "{err}");
    assert!(err.contains("--connection"), "{err}");
    Ok(())
}

#[test]
fn unparsable_feature_names_the_json_path() {
    let out = validate_feature("invalid-feature-types.json", &[]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.starts_with("error: json: "), "{err}");
    assert!(err.contains("featureConfig.l3BaseConfig.vlanId"), "{err}");
}

#[test]
fn bad_provider_is_a_name_error() {
    let guidance = data("guidance.json");
    let feature = data("feature.json");
    let out = run(&[
        "validate",
        "feature",
        "--guidance",
        &guidance,
        "--feature",
        &feature,
        "--negotiator",
        "Not A Provider",
        "--responder",
        "aws",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: name: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_file_is_an_io_error() -> TestResult {
    let out = validate_feature("no-such-file.json", &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).starts_with("error: io: "), "{}", stderr(&out));
    let out = run(&["--json", "check", "Feature", &data("no-such-file.json")]);
    assert_eq!(code(&out), 2);
    let err: Value = serde_json::from_slice(&out.stderr)?;
    assert_eq!(err["error"]["kind"], "io");
    Ok(())
}

#[test]
fn files_over_one_mebibyte_are_refused() -> TestResult {
    let dir = std::env::temp_dir().join(format!("interconnect-cli-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("big.json");
    let mut text = String::from("[");
    text.push_str(&" ".repeat(1024 * 1024));
    text.push(']');
    std::fs::write(&path, text)?;
    let out = run(&["check", "ListFeaturesResponse", &path.display().to_string()]);
    std::fs::remove_dir_all(&dir)?;
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).starts_with("error: io: "), "{}", stderr(&out));
    Ok(())
}

// ---- validate attachments ----

#[test]
fn valid_attachment_pair() -> TestResult {
    let out = run(&[
        "validate",
        "attachments",
        "--local",
        &customer("local.json"),
        "--remote",
        &customer("remote.json"),
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(stdout_json(&out)?["valid"], true);
    Ok(())
}

#[test]
fn overlapping_attachment_pair() -> TestResult {
    let out = run(&[
        "validate",
        "attachments",
        "--local",
        &customer("overlap/local.json"),
        "--remote",
        &customer("overlap/remote.json"),
    ]);
    assert_eq!(code(&out), 1);
    let report = stdout_json(&out)?;
    assert_eq!(rules(&report), ["CUST-CIDR-OVERLAP"]);
    assert_eq!(report["violations"][0]["path"], "remote.cidrs[0]");
    Ok(())
}

#[test]
fn bandwidth_must_be_offered_by_the_environment() -> TestResult {
    let base = [
        "validate".to_string(),
        "attachments".into(),
        "--local".into(),
        customer("local.json"),
        "--remote".into(),
        customer("remote.json"),
        "--environment".into(),
        data("environment.json"),
        "--bandwidth".into(),
    ];
    let args = |bw: &str| {
        let mut a: Vec<String> = base.to_vec();
        a.push(bw.into());
        a
    };
    for offered in ["1Gbps", "BPS_10G"] {
        let a = args(offered);
        let out = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(code(&out), 0, "{offered}");
    }
    let a = args("BPS_2G");
    let out = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&out), 1);
    assert_eq!(rules(&stdout_json(&out)?), ["CUST-BANDWIDTH-NOT-OFFERED"]);
    let a = args("fast");
    let out = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: bandwidth: "),
        "{}",
        stderr(&out)
    );
    Ok(())
}

// ---- check ----

#[test]
fn check_accepts_a_valid_document() -> TestResult {
    let out = run(&["check", "Feature", &data("feature.json")]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        stdout_json(&out)?,
        serde_json::json!({"valid": true, "errors": []})
    );
    Ok(())
}

#[test]
fn check_reports_schema_and_parser_errors_with_paths() -> TestResult {
    let out = run(&["check", "Feature", &data("invalid-feature-types.json")]);
    assert_eq!(code(&out), 1);
    let report = stdout_json(&out)?;
    assert_eq!(report["valid"], false);
    let errors = report["errors"].as_array().ok_or("errors is an array")?;
    let sources: Vec<&str> = errors.iter().filter_map(|e| e["source"].as_str()).collect();
    assert_eq!(sources, ["schema", "parser"]);
    for e in errors {
        assert_eq!(e["path"], "featureConfig.l3BaseConfig.vlanId");
        assert!(e["message"].is_string());
    }
    Ok(())
}

#[test]
fn check_reports_text_that_is_not_json() -> TestResult {
    let out = run(&["check", "Feature", &data("key-v2.txt")]);
    assert_eq!(code(&out), 1);
    let report = stdout_json(&out)?;
    assert_eq!(report["errors"][0]["source"], "parser");
    assert_eq!(report["errors"][0]["path"], ".");
    Ok(())
}

#[test]
fn check_has_a_parser_for_every_schema() -> TestResult {
    let list = run(&["schema", "--list"]);
    let names = String::from_utf8(list.stdout)?;
    for name in names.lines() {
        let out = run(&["check", name, &data("environment.json")]);
        assert_ne!(code(&out), 2, "{name}: {}", stderr(&out));
    }
    Ok(())
}

#[test]
fn check_unknown_schema_is_a_usage_error() -> TestResult {
    let out = run(&["check", "Bogus", &data("feature.json")]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.starts_with("error: usage: "), "{err}");
    assert!(err.contains("schema --list"), "{err}");
    let out = run(&["--json", "check", "Bogus", &data("feature.json")]);
    let err: Value = serde_json::from_slice(&out.stderr)?;
    assert_eq!(err["error"]["kind"], "usage");
    Ok(())
}

// ---- schema ----

#[test]
fn schema_list_names_all_64() -> TestResult {
    let out = run(&["schema", "--list"]);
    assert_eq!(code(&out), 0);
    let names = String::from_utf8(out.stdout)?;
    assert_eq!(names.lines().count(), 64);
    assert!(names.lines().any(|n| n == "ASNRange"));
    Ok(())
}

#[test]
fn schema_prints_one_schema() -> TestResult {
    let out = run(&["schema", "Feature"]);
    assert_eq!(code(&out), 0);
    let schema = stdout_json(&out)?;
    assert_eq!(schema["title"], "Feature");
    assert!(schema["properties"]["featureConfig"].is_object());
    Ok(())
}

#[test]
fn schema_unknown_name_is_a_usage_error() {
    let out = run(&["schema", "Bogus"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: usage: "),
        "{}",
        stderr(&out)
    );
}

// ---- clap ----

#[test]
fn help_and_version_exit_zero_on_stdout() {
    for flag in ["--help", "--version"] {
        let out = run(&[flag]);
        assert_eq!(code(&out), 0, "{flag}");
        assert!(!out.stdout.is_empty(), "{flag}");
        assert!(out.stderr.is_empty(), "{flag}");
    }
}

#[test]
fn clap_errors_are_usage_errors_in_both_formats() -> TestResult {
    let out = run(&["frobnicate"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.starts_with("error: usage: "), "{err}");
    assert!(!err.starts_with("error: usage: error:"), "{err}");

    let out = run(&["--json", "key", "encode"]);
    assert_eq!(code(&out), 2);
    let err: Value = serde_json::from_slice(&out.stderr)?;
    assert_eq!(err["error"]["kind"], "usage");
    assert!(
        err["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--environment")),
        "{err}"
    );

    let out = run(&["schema"]);
    assert_eq!(code(&out), 2);
    Ok(())
}

// ---- secrets ----

#[test]
fn check_never_shows_a_secret_member_value() -> TestResult {
    let out = run(&[
        "check",
        "MacSecKey",
        &data("macseckey-secret-mistyped.json"),
    ]);
    assert_eq!(code(&out), 1);
    let text = String::from_utf8(out.stdout)?;
    assert!(!text.contains("31415926535"), "{text}");
    let report: Value = serde_json::from_str(&text)?;
    let errors = report["errors"].as_array().ok_or("errors is an array")?;
    assert_eq!(errors.len(), 2, "{text}");
    assert!(errors.iter().all(|e| e["path"] == "cak"), "{text}");
    Ok(())
}

#[test]
fn json_errors_never_show_a_secret_member_value() {
    let out = validate_feature("feature-secret-mistyped.json", &[]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.starts_with("error: json: "), "{err}");
    assert!(err.contains("md5BgpPassword"), "{err}");
    assert!(!err.contains("27182818284"), "{err}");
}

#[test]
fn feature_guidance_without_l3_guidance_is_a_json_error() {
    let guidance = data("guidance-empty.json");
    let feature = data("feature.json");
    let out = run(&[
        "validate",
        "feature",
        "--guidance",
        &guidance,
        "--feature",
        &feature,
        "--negotiator",
        "gcp",
        "--responder",
        "aws",
    ]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.starts_with("error: json: "), "{err}");
    assert!(err.contains("l3BaseGuidance"), "{err}");
}

/// Issue 16 item 13: completion scripts and the manual page come from the
/// clap definitions, so they name every command there is.
#[test]
fn completions_and_the_manual_name_every_command() {
    const COMMANDS: [&str; 10] = [
        "key",
        "validate",
        "check",
        "schema",
        "serve",
        "store",
        "demo",
        "conformance",
        "completions",
        "man",
    ];
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell]);
        assert_eq!(
            code(&out),
            0,
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = String::from_utf8_lossy(&out.stdout);
        for command in COMMANDS {
            assert!(script.contains(command), "{shell} completes {command}");
        }
        assert!(script.contains("log-format"), "{shell} completes options");
    }
    let out = run(&["completions", "tcsh"]);
    assert_eq!(code(&out), 2, "an unknown shell is a usage error");
    let out = run(&["man"]);
    assert_eq!(code(&out), 0);
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH interconnect"),
        "{page:.200}"
    );
    assert!(page.contains(".TH interconnect 1"), "roff, section 1");
    for command in COMMANDS {
        assert!(page.contains(command), "the manual names {command}");
    }
}
