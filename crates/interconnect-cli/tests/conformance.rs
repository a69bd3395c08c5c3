//! `interconnect conformance`: offline only without a target, the whole
//! suite in process or at a URL, `--list`, `--only`, the report files and
//! the exit code (0 only when nothing failed).

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use interconnect_core::names::ProviderName;
use interconnect_core::wire::Secret;
use interconnect_http::{BearerTokens, RouterConfig, router_with};
use interconnect_provider::testing::Fixture;
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interconnect"))
        .arg("conformance")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// Serves `fixture`'s target on loopback HTTP with `tokens` (no rate
/// limit) and returns its URL.
async fn serve_target(
    fixture: &Fixture<Arc<interconnect_provider::ReferenceProvider>>,
    tokens: BearerTokens,
) -> Result<String, Box<dyn std::error::Error>> {
    let app = router_with(
        fixture.target.clone(),
        Arc::new(tokens),
        RouterConfig::default().rate_limit(None),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(url)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn temp_dir(name: &str) -> Result<PathBuf, std::io::Error> {
    let dir = std::env::temp_dir().join(format!(
        "interconnect-conformance-{name}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[test]
fn without_a_target_only_the_offline_vectors_run() {
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("offline vectors only"), "{text}");
    assert!(text.contains(", 0 failed, 0 skipped"), "{text}");
    assert!(
        !text.contains("conn-overbooking-is-aborted"),
        "no scenario ran"
    );
}

#[test]
fn in_process_runs_everything_and_writes_valid_reports() -> TestResult {
    let dir = temp_dir("reports")?;
    let junit = dir.join("report.xml");
    let json = dir.join("report.json");
    let out = run(&[
        "--in-process",
        "--junit",
        &junit.display().to_string(),
        "--json-report",
        &json.display().to_string(),
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("pass  conn-overbooking-is-aborted"), "{text}");
    // In process there is no HTTP binding: only the raw requests of
    // AUTH-1 and ERR-1 are skipped, and the summary says why.
    assert!(text.contains(", 0 failed, 2 skipped"), "{text}");
    assert!(
        text.contains("skipped 2: the target offers no `rawHttp` hook"),
        "{text}"
    );
    assert!(text.contains("scenarios against the target "), "{text}");
    let report: Value = serde_json::from_slice(&std::fs::read(&json)?)?;
    let schema: Value = serde_json::from_str(interconnect_conformance::report::REPORT_SCHEMA)?;
    let validator = jsonschema::validator_for(&schema)?;
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(report["totals"]["failed"], 0);
    let xml = std::fs::read_to_string(&junit)?;
    assert!(xml.starts_with("<?xml"));
    assert!(xml.contains("<testsuite name=\"CONN\""), "{xml}");
    assert!(xml.contains("failures=\"0\""));
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn list_prints_the_selected_vectors_without_running_them() {
    let out = run(&["--list", "--only", "CONN-4"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("conn-overbooking-is-aborted"), "{text}");
    assert!(text.contains("[needs issueActivationKey]"), "{text}");
    assert!(!text.contains("pass "), "nothing ran: {text}");
    assert!(
        text.lines()
            .all(|l| l.contains("CONN-4") || l.ends_with("vectors")),
        "{text}"
    );
}

#[test]
fn a_failed_vector_exits_1() -> TestResult {
    let dir = temp_dir("failing")?;
    std::fs::create_dir_all(dir.join("scenarios"))?;
    let file = serde_json::json!({
        "family": "names",
        "description": "one vector that expects the wrong outcome",
        "vectors": [{
            "id": "NAME-1/wrong-on-purpose",
            "requirement": "NAME-1",
            "description": "a valid provider name, expected invalid",
            "input": {"kind": "provider", "text": "providers/aws"},
            "expected": {"valid": false, "rule": "NAME-1"}
        }]
    });
    std::fs::write(dir.join("names.json"), file.to_string())?;
    let out = run(&["--vectors", &dir.display().to_string()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL  NAME-1/wrong-on-purpose"), "{text}");
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn a_target_needs_a_token_and_a_provider() {
    let out = run(&["--target", "https://peer.example"]);
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_a_url_scenarios_without_hooks_skip_with_the_reason() -> TestResult {
    let fixture = Fixture::new();
    let tokens = BearerTokens::new()
        .with_partner(Secret::new("cli-test-token"), fixture.partner.clone())
        .with_partner(
            Secret::new("cli-stranger-token"),
            ProviderName::new("azure")?,
        );
    let url = serve_target(&fixture, tokens).await?;
    let out = tokio::task::spawn_blocking(move || {
        run(&[
            "--target",
            &url,
            "--token",
            "cli-test-token",
            "--as-provider",
            "gcp",
            "--stranger",
            "azure",
            "--stranger-token",
            "cli-stranger-token",
            "--environment",
            "aws-gcp-us-east",
        ])
    })
    .await?;
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("pass  static-namespace-isolation"), "{text}");
    assert!(
        text.contains(
            "skip  conn-overbooking-is-aborted: the target offers no `issueActivationKey` hook"
        ),
        "{text}"
    );
    assert!(!text.contains("cli-test-token"));
    Ok(())
}

#[test]
fn a_run_that_selects_nothing_exits_2_with_the_reason() -> TestResult {
    let out = run(&["--only", "NO-SUCH-RULE"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no vector matches --only NO-SUCH-RULE"),
        "{err}"
    );
    let missing = std::env::temp_dir().join("interconnect-no-such-vectors-dir");
    let out = run(&["--vectors", &missing.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not exist or holds no vector"), "{err}");
    let empty = temp_dir("empty")?;
    let out = run(&["--vectors", &empty.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(empty)?;
    Ok(())
}

#[test]
fn the_embedded_vectors_run_from_any_working_directory() -> TestResult {
    let elsewhere = temp_dir("cwd")?;
    let out = Command::new(env!("CARGO_BIN_EXE_interconnect"))
        .args(["conformance", "--only", "KEY"])
        .current_dir(&elsewhere)
        .stdin(Stdio::null())
        .output()?;
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("pass  "), "{text}");
    assert!(text.contains(", 0 failed, 0 skipped"), "{text}");
    std::fs::remove_dir_all(elsewhere)?;
    Ok(())
}

#[test]
fn strict_fails_a_run_with_skips() {
    let out = run(&["--in-process", "--strict", "--only", "AUTH-1"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("--strict: the skips fail the run"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_at_the_preflight_with_one_error() -> TestResult {
    let fixture = Fixture::new();
    let tokens =
        BearerTokens::new().with_partner(Secret::new("cli-good-token"), fixture.partner.clone());
    let url = serve_target(&fixture, tokens).await?;
    let out = tokio::task::spawn_blocking(move || {
        run(&[
            "--target",
            &url,
            "--token",
            "cli-bad-token",
            "--as-provider",
            "gcp",
        ])
    })
    .await?;
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("preflight: the target refused --token"),
        "{err}"
    );
    assert!(!err.contains("cli-bad-token"), "{err}");
    assert!(stdout(&out).is_empty(), "no vector ran");
    Ok(())
}

/// Issue 16 item 8: the tokens can come from files (trailing newline
/// dropped), so none is on the command line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tokens_can_come_from_files() -> TestResult {
    let fixture = Fixture::new();
    let tokens = BearerTokens::new()
        .with_partner(Secret::new("cli-file-token"), fixture.partner.clone())
        .with_partner(
            Secret::new("cli-file-stranger"),
            ProviderName::new("azure")?,
        );
    let url = serve_target(&fixture, tokens).await?;
    let dir = temp_dir("token-files")?;
    std::fs::write(dir.join("partner.token"), "cli-file-token\n")?;
    std::fs::write(dir.join("stranger.token"), "cli-file-stranger\n")?;
    let partner = dir.join("partner.token").display().to_string();
    let stranger = dir.join("stranger.token").display().to_string();
    let out = tokio::task::spawn_blocking(move || {
        run(&[
            "--target",
            &url,
            "--token-file",
            &partner,
            "--as-provider",
            "gcp",
            "--stranger",
            "azure",
            "--stranger-token-file",
            &stranger,
            "--environment",
            "aws-gcp-us-east",
            "--only",
            "static-namespace-isolation",
        ])
    })
    .await?;
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("pass  static-namespace-isolation"), "{text}");
    // a stranger without its token is refused before anything runs
    let out = run(&[
        "--target",
        "http://127.0.0.1:9",
        "--token",
        "t",
        "--as-provider",
        "gcp",
        "--stranger",
        "azure",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--stranger needs --stranger-token"), "{err}");
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interconnect"))
        .arg("conformance")
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// Issue 16 item 8: the tokens can come from environment variables named
/// by `--token-env` and `--stranger-token-env`; a variable that is not set
/// is refused naming the option, and two sources of one token are refused
/// naming both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tokens_can_come_from_environment_variables() -> TestResult {
    let fixture = Fixture::new();
    let tokens = BearerTokens::new()
        .with_partner(Secret::new("cli-env-token"), fixture.partner.clone())
        .with_partner(Secret::new("cli-env-stranger"), ProviderName::new("azure")?);
    let url = serve_target(&fixture, tokens).await?;
    let target = url.clone();
    let out = tokio::task::spawn_blocking(move || {
        run_with_env(
            &[
                "--target",
                &target,
                "--token-env",
                "IC_TEST_PARTNER_TOKEN",
                "--as-provider",
                "gcp",
                "--stranger",
                "azure",
                "--stranger-token-env",
                "IC_TEST_STRANGER_TOKEN",
                "--environment",
                "aws-gcp-us-east",
                "--only",
                "static-namespace-isolation",
            ],
            &[
                ("IC_TEST_PARTNER_TOKEN", "cli-env-token"),
                ("IC_TEST_STRANGER_TOKEN", "cli-env-stranger"),
            ],
        )
    })
    .await?;
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("pass  static-namespace-isolation"), "{text}");
    // not set, empty: refused before anything runs, naming the option
    for (env, expected) in [
        (
            vec![],
            "--token-env: the environment variable IC_TEST_PARTNER_TOKEN is not set",
        ),
        (
            vec![("IC_TEST_PARTNER_TOKEN", "")],
            "--token-env: the environment variable IC_TEST_PARTNER_TOKEN is empty",
        ),
    ] {
        let out = run_with_env(
            &[
                "--target",
                &url,
                "--token-env",
                "IC_TEST_PARTNER_TOKEN",
                "--as-provider",
                "gcp",
            ],
            &env,
        );
        assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{err}");
        assert!(stdout(&out).is_empty(), "no vector ran");
    }
    // the value and the variable: refused, naming both
    for (flag, value) in [("--token", "cli-sekrit"), ("--token-file", "token.txt")] {
        let out = run_with_env(
            &[
                "--target",
                &url,
                flag,
                value,
                "--token-env",
                "IC_TEST_PARTNER_TOKEN",
                "--as-provider",
                "gcp",
            ],
            &[("IC_TEST_PARTNER_TOKEN", "cli-env-token")],
        );
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(flag) && err.contains("--token-env"),
            "{flag}: {err}"
        );
        assert!(!err.contains("sekrit"), "{err}");
    }
    Ok(())
}
