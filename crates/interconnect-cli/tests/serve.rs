//! Process tests of `interconnect serve` and `interconnect demo`: two
//! `serve --config` processes configured as each other's peers on free
//! loopback ports reach `VERIFIED` through the customer API; the demo
//! exits 0; `serve --dev` prints its generated tokens and answers.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const AWS_ACCOUNT: &str = "111122223333";
const GCP_PROJECT: &str = "my-gcp-project";
const POLL: Duration = Duration::from_millis(50);

/// An HTTP client (reqwest needs rustls' crypto provider installed).
fn client() -> reqwest::Client {
    interconnect_http::client::ensure_crypto_provider();
    reqwest::Client::new()
}

/// A child process killed when dropped (also when a test fails).
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port (bound, read, released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "interconnect-serve-{tag}-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[allow(clippy::too_many_arguments)]
fn write_config(
    dir: &Path,
    provider: &str,
    port: u16,
    partner: &str,
    partner_port: u16,
    to_them: &str,
    to_us: &str,
    account: &str,
) -> PathBuf {
    let path = dir.join(format!("{provider}.toml"));
    let text = format!(
        r#"provider = "{provider}"
listen = "127.0.0.1:{port}"
operator_token = "{provider}-operator"
provisioning_delay_ms = 100

[[partners]]
provider = "{partner}"
base_url = "http://127.0.0.1:{partner_port}"
token_to_call_them = "{to_them}"
token_they_use = "{to_us}"

[[customers]]
account = "{account}"
token = "{provider}-customer"

[store]
kind = "sqlite"
path = "{db}"
secrets_key_file = "{key}"
"#,
        db = dir.join(format!("{provider}.db")).display(),
        key = dir.join("store.key").display(),
    );
    std::fs::write(
        dir.join("store.key"),
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
    )
    .expect("key file");
    let mut file = std::fs::File::create(&path).expect("config file");
    file.write_all(text.as_bytes()).expect("config written");
    path
}

fn spawn(args: &[&str], port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_interconnect"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn wait_healthy(http: &reqwest::Client, server: &Server) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(r) = http.get(format!("{}/healthz", server.base)).send().await
            && r.status() == 200
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{} never became healthy", server.base).into());
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> Result<(u16, Value), Box<dyn std::error::Error>> {
    let mut request = http.request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let value = response.json::<Value>().await.unwrap_or(Value::Null);
    Ok((status, value))
}

fn attachment(provider: &str, kind: &str, cidr: &str) -> Value {
    json!({
        "provider": format!("providers/{provider}"),
        "attachPoint": {"kind": kind, "id": "x"},
        "cidrs": [cidr],
        "ipStack": "IPV4_ONLY",
        "mtuBytes": 8500
    })
}

async fn wait_verified(
    http: &reqwest::Client,
    server: &Server,
    token: &str,
    id: &str,
) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, value) = call(
            http,
            reqwest::Method::GET,
            format!("{}/customer/v1/connections/{id}", server.base),
            token,
            None,
        )
        .await?;
        assert_eq!(status, 200, "{value}");
        if value["verificationState"] == "VERIFICATION_STATE_VERIFIED"
            && value["phase"] == "verified"
        {
            return Ok(());
        }
        assert_ne!(value["phase"], "failed", "{value}");
        if Instant::now() > deadline {
            return Err(format!("{} not VERIFIED: {value}", server.base).into());
        }
        tokio::time::sleep(POLL).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serve_processes_reach_verified_through_the_customer_api() -> TestResult {
    let dir = temp_dir("pair");
    let (aws_port, gcp_port) = (free_port(), free_port());
    let aws_config = write_config(
        &dir,
        "aws",
        aws_port,
        "gcp",
        gcp_port,
        "aws-to-gcp",
        "gcp-to-aws",
        AWS_ACCOUNT,
    );
    let gcp_config = write_config(
        &dir,
        "gcp",
        gcp_port,
        "aws",
        aws_port,
        "gcp-to-aws",
        "aws-to-gcp",
        GCP_PROJECT,
    );
    let aws = spawn(
        &["serve", "--config", &aws_config.display().to_string()],
        aws_port,
    );
    let gcp = spawn(
        &["serve", "--config", &gcp_config.display().to_string()],
        gcp_port,
    );
    let http = client();
    wait_healthy(&http, &aws).await?;
    wait_healthy(&http, &gcp).await?;

    // the partner routes are served too, and authenticate
    let (status, _) = call(
        &http,
        reqwest::Method::GET,
        format!("{}/providers/gcp", aws.base),
        "gcp-to-aws",
        None,
    )
    .await?;
    assert_eq!(status, 200, "the spec router serves gcp's token at aws");

    let (status, requested) = call(
        &http,
        reqwest::Method::POST,
        format!("{}/customer/v1/connections", aws.base),
        "aws-customer",
        Some(json!({
            "environment": "providers/gcp/environments/aws-gcp-us-east",
            "bandwidth": "1Gbps",
            "remoteAccountId": GCP_PROJECT,
            "attachment": attachment("aws", "awsDirectConnectGateway", "10.0.0.0/16")
        })),
    )
    .await?;
    assert_eq!(status, 200, "{requested}");
    let id = requested["connection"]["connectionId"]
        .as_str()
        .ok_or("connection id")?
        .to_owned();
    let key = requested["activationKey"].as_str().ok_or("key")?.to_owned();
    assert_eq!(
        interconnect_core::activation_key::EncodedActivationKey::new(&key)?.peek_version()?,
        2,
        "both sides take version 2: aws issues a version 2 key"
    );

    let (status, accepted) = call(
        &http,
        reqwest::Method::POST,
        format!("{}/customer/v1/activationKeys/accept", gcp.base),
        "gcp-customer",
        Some(json!({
            "activationKey": key,
            "acceptingAccountId": GCP_PROJECT,
            "attachment": attachment("gcp", "googleCloudVpcNetwork", "10.1.0.0/16"),
            "remoteAttachment": attachment("aws", "awsDirectConnectGateway", "10.0.0.0/16")
        })),
    )
    .await?;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["connectionId"], id.as_str());

    wait_verified(&http, &gcp, "gcp-customer", &id).await?;
    wait_verified(&http, &aws, "aws-customer", &id).await?;

    // both keep their state in SQLite ([store]): aws restarted on its file
    // still has the verified connection
    drop(aws);
    let aws = spawn(
        &["serve", "--config", &aws_config.display().to_string()],
        aws_port,
    );
    wait_healthy(&http, &aws).await?;
    wait_verified(&http, &aws, "aws-customer", &id).await?;
    drop((aws, gcp));

    // store migrate and store check on the stopped server's file
    for (command, expected) in [
        ("migrate", "the latest this binary knows"),
        ("check", "every derived total and index recounts equal"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_interconnect"))
            .args([
                "store",
                command,
                "--config",
                &aws_config.display().to_string(),
            ])
            .stdin(Stdio::null())
            .output()?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "store {command}: {stdout}");
        assert!(stdout.contains(expected), "store {command}: {stdout}");
    }

    // a wrong secrets key stops serve at start, naming the setting
    std::fs::write(dir.join("store.key"), "ff".repeat(32)).expect("key file");
    let out = Command::new(env!("CARGO_BIN_EXE_interconnect"))
        .args(["serve", "--config", &aws_config.display().to_string()])
        .stdin(Stdio::null())
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("store.secrets_key_file") && stderr.contains("not the key"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

#[test]
fn the_demo_runs_and_exits_zero() -> TestResult {
    let mut child = Command::new(env!("CARGO_BIN_EXE_interconnect"))
        .args(["demo", "--timeout", "20"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err("the demo did not finish within 60 s".into());
        }
        std::thread::sleep(POLL);
    };
    let mut out = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            out.push_str(&line?);
            out.push('\n');
        }
    }
    assert!(status.success(), "demo failed: {status}\n{out}");
    for expected in [
        "POST /customer/v1/connections -> 200",
        // the demo's providers serve version 2 (issue 13): the key is encrypted
        "gcp reads the key (version 2, decrypted with gcp's private key",
        "VERIFIED on both sides",
        "bandwidth changed to 2000 Mbps on both sides",
        "MACsec keys rotated",
        "deleted on both sides",
        "demo complete",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_dev_prints_generated_tokens_and_serves_them() -> TestResult {
    let port = free_port();
    let port_text = port.to_string();
    let mut server = spawn(&["serve", "--dev", "--port", &port_text], port);
    let stdout = server.child.stdout.take().ok_or("stdout")?;
    let lines = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .take(4)
            .collect::<Result<Vec<_>, _>>()
    })
    .await??;
    let token_of = |prefix: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(": ").next())
            .map(str::to_owned)
    };
    let customer = token_of("customer token").ok_or("customer token printed")?;
    let operator = token_of("operator token").ok_or("operator token printed")?;
    assert!(token_of("partner token for gcp").is_some(), "{lines:?}");
    let http = client();
    wait_healthy(&http, &server).await?;
    let (status, listed) = call(
        &http,
        reqwest::Method::GET,
        format!("{}/customer/v1/connections", server.base),
        &customer,
        None,
    )
    .await?;
    assert_eq!((status, listed), (200, json!({"connections": []})));
    let (status, issued) = call(
        &http,
        reqwest::Method::POST,
        format!("{}/operator/v1/activationKeys", server.base),
        &operator,
        Some(json!({
            "environment": "providers/gcp/environments/aws-gcp-eu-west",
            "bandwidthMbps": 500,
            "destinationAccountId": "p"
        })),
    )
    .await?;
    assert_eq!(status, 200, "{issued}");
    assert!(
        issued["activationKey"]
            .as_str()
            .is_some_and(|k| !k.is_empty())
    );
    Ok(())
}

/// Issue 15 item 5, issue 16: SIGTERM (what a service manager sends) stops
/// `serve` cleanly: exit status 0, "stopped" printed, the port released.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_serve_cleanly() -> TestResult {
    let port = free_port();
    let port_text = port.to_string();
    let mut server = spawn(&["serve", "--dev", "--port", &port_text], port);
    let http = client();
    wait_healthy(&http, &server).await?;
    let pid = server.child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status()?;
    assert!(sent.success(), "kill -TERM {pid}");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            return Err("serve did not stop within 30 s of SIGTERM".into());
        }
        tokio::time::sleep(POLL).await;
    };
    assert!(status.success(), "serve exits 0 on SIGTERM: {status}");
    let mut out = String::new();
    if let Some(mut stdout) = server.child.stdout.take() {
        std::io::Read::read_to_string(&mut stdout, &mut out)?;
    }
    assert!(out.contains("stopped"), "{out}");
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
        "the port is released"
    );
    Ok(())
}

/// Issue 7's acceptance: `interconnect conformance` against
/// `interconnect serve --dev` runs every vector (the development hooks move
/// the server's clock, finish provisioning and activate MACsec keys; the
/// dev inventory has a disabled channel), fails none, skips none, and
/// writes a JSON report that follows its schema. Issue 18 item 5: a second
/// run against the same server instance passes too (each run names its
/// resources uniquely and cleans up).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_against_serve_dev_runs_every_vector_and_passes() -> TestResult {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let port_text = port.to_string();
    let server = spawn(
        &[
            "serve",
            "--dev",
            "--port",
            &port_text,
            // azure is a partner of other environments only: the stranger.
            "--partner",
            "gcp=http://127.0.0.1:9",
            "--partner",
            "azure=http://127.0.0.1:9",
            "--partner-token",
            "gcp=conf-partner",
            "--partner-token",
            "azure=conf-stranger",
            "--operator-token",
            "conf-operator",
            "--customer-token",
            "acct=conf-customer",
        ],
        port,
    );
    let http = client();
    wait_healthy(&http, &server).await?;
    let dir = temp_dir("conformance");
    let json_report = dir.join("report.json");
    let junit = dir.join("report.xml");
    let args: Vec<String> = [
        "conformance",
        "--target",
        &base,
        "--token",
        "conf-partner",
        "--as-provider",
        "gcp",
        "--operator-url",
        &base,
        "--operator-token",
        "conf-operator",
        "--stranger",
        "azure",
        "--stranger-token",
        "conf-stranger",
        "--json-report",
        &json_report.display().to_string(),
        "--junit",
        &junit.display().to_string(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for attempt in ["first", "second"] {
        let args = args.clone();
        let out = tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_interconnect"))
                .args(&args)
                .stdin(Stdio::null())
                .output()
        })
        .await??;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(0), "{attempt} run: {text}");
        check_serve_dev_report(&text, &json_report, &junit)?;
    }
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

/// The checks of one run of [`conformance_against_serve_dev_runs_every_vector_and_passes`].
fn check_serve_dev_report(
    text: &str,
    json_report: &std::path::Path,
    junit: &std::path::Path,
) -> TestResult {
    let totals = text.lines().last().unwrap_or_default();
    assert!(
        totals.contains(" 0 failed, 0 skipped"),
        "every vector runs: {totals}"
    );
    for secret in ["conf-partner", "conf-operator", "conf-stranger"] {
        assert!(!text.contains(secret), "the report shows a token");
    }
    let report: Value = serde_json::from_slice(&std::fs::read(json_report)?)?;
    let schema: Value = serde_json::from_str(include_str!(
        "../../../conformance/vectors/schema/report.schema.json"
    ))?;
    let validator = jsonschema::validator_for(&schema)?;
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let totals = &report["totals"];
    assert_eq!(
        (&totals["failed"], &totals["skipped"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(totals["passed"], totals["total"]);
    assert!(
        totals["total"].as_u64().is_some_and(|n| n > 400),
        "{totals}"
    );
    // Issue 18 item 7: the scenarios that called the server are counted
    // apart from the offline vectors.
    let scenarios = report["scenarios"]["passed"].as_u64().unwrap_or(0);
    assert!(
        scenarios >= 69,
        "scenarios against the server: {}",
        report["scenarios"]
    );
    assert!(
        text.contains(&format!(
            "scenarios against the target {scenarios}: {scenarios} passed"
        )),
        "{text}"
    );
    let xml = std::fs::read_to_string(junit)?;
    assert!(
        xml.contains(r#"failures="0""#) && xml.contains(r#"skipped="0""#),
        "{}",
        xml.lines().take(3).collect::<Vec<_>>().join("\n")
    );
    assert!(
        xml.contains(&format!("scenarios against the target: {scenarios} ")),
        "{}",
        xml.lines().take(3).collect::<Vec<_>>().join("\n")
    );
    Ok(())
}

/// Appends `[inventory]` to a `serve` configuration: the default pair of
/// `local` and `partner`, every environment taking activation keys of
/// `versions` only.
fn append_inventory_with_key_versions(
    config: &Path,
    local: &str,
    partner: &str,
    versions: &[i32],
) -> TestResult {
    use interconnect_core::names::ProviderName;
    use interconnect_provider::config::Inventory;
    let mut inventory =
        Inventory::default_pair(&ProviderName::new(local)?, &ProviderName::new(partner)?)?;
    for partner in &mut inventory.partners {
        for env in &mut partner.environments {
            env.activation_key_versions = versions.to_vec();
        }
    }
    let mut table = toml::Table::new();
    table.insert("inventory".to_owned(), toml::Value::try_from(&inventory)?);
    let mut file = std::fs::OpenOptions::new().append(true).open(config)?;
    write!(file, "\n{}", toml::to_string(&table)?)?;
    Ok(())
}

/// Issue 13's other pair: the destination (gcp) takes version 1 keys only,
/// so aws, asking gcp's activationKeyParameters, falls back to version 1
/// (KEY-44), and the connection still reaches VERIFIED on both sides.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serve_processes_reach_verified_with_a_version_1_key_when_one_side_takes_only_1()
-> TestResult {
    use interconnect_core::activation_key::EncodedActivationKey;
    let dir = temp_dir("v1-pair");
    let (aws_port, gcp_port) = (free_port(), free_port());
    let aws_config = write_config(
        &dir,
        "aws",
        aws_port,
        "gcp",
        gcp_port,
        "aws-to-gcp",
        "gcp-to-aws",
        AWS_ACCOUNT,
    );
    let gcp_config = write_config(
        &dir,
        "gcp",
        gcp_port,
        "aws",
        aws_port,
        "gcp-to-aws",
        "aws-to-gcp",
        GCP_PROJECT,
    );
    append_inventory_with_key_versions(&gcp_config, "gcp", "aws", &[1])?;
    let aws = spawn(
        &["serve", "--config", &aws_config.display().to_string()],
        aws_port,
    );
    let gcp = spawn(
        &["serve", "--config", &gcp_config.display().to_string()],
        gcp_port,
    );
    let http = client();
    wait_healthy(&http, &aws).await?;
    wait_healthy(&http, &gcp).await?;

    // gcp says so on its activationKeyParameters
    let (status, parameters) = call(
        &http,
        reqwest::Method::GET,
        format!(
            "{}/providers/aws/environments/aws-gcp-us-east/activationKeyParameters",
            gcp.base
        ),
        "aws-to-gcp",
        None,
    )
    .await?;
    assert_eq!(status, 200, "{parameters}");
    assert_eq!(parameters["supportedVersions"], json!([1]), "{parameters}");

    let (status, requested) = call(
        &http,
        reqwest::Method::POST,
        format!("{}/customer/v1/connections", aws.base),
        "aws-customer",
        Some(json!({
            "environment": "providers/gcp/environments/aws-gcp-us-east",
            "bandwidth": "1Gbps",
            "remoteAccountId": GCP_PROJECT,
            "attachment": attachment("aws", "awsDirectConnectGateway", "10.0.0.0/16")
        })),
    )
    .await?;
    assert_eq!(status, 200, "{requested}");
    let id = requested["connection"]["connectionId"]
        .as_str()
        .ok_or("connection id")?
        .to_owned();
    let key = requested["activationKey"].as_str().ok_or("key")?.to_owned();
    assert_eq!(
        EncodedActivationKey::new(&key)?.peek_version()?,
        1,
        "aws issued a version 1 key for a destination that takes only 1"
    );

    let (status, accepted) = call(
        &http,
        reqwest::Method::POST,
        format!("{}/customer/v1/activationKeys/accept", gcp.base),
        "gcp-customer",
        Some(json!({
            "activationKey": key,
            "acceptingAccountId": GCP_PROJECT,
            "attachment": attachment("gcp", "googleCloudVpcNetwork", "10.1.0.0/16"),
            "remoteAttachment": attachment("aws", "awsDirectConnectGateway", "10.0.0.0/16")
        })),
    )
    .await?;
    assert_eq!(status, 200, "{accepted}");
    wait_verified(&http, &gcp, "gcp-customer", &id).await?;
    wait_verified(&http, &aws, "aws-customer", &id).await?;
    drop((aws, gcp));
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
