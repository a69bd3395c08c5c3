//! `interconnect demo`: two reference providers, `aws` and `gcp`, in this
//! process on loopback ports, talking real HTTP to each other; the demo
//! plays their common customer through the customer API
//! (`/customer/v1/...`) and their operators through the operator API
//! (`/operator/v1/...`):
//!
//! 1. request a connection at aws and take the activation key;
//! 2. describe the key at gcp and accept it;
//! 3. wait until both sides are `VERIFIED`;
//! 4. change the bandwidth at aws and wait until both sides carry it;
//! 5. install the MACsec keys of the connection's interconnect, then
//!    rotate them (as aws's operator);
//! 6. delete the connection at aws and wait until gcp has removed it too.
//!
//! Every API call is printed as `METHOD path -> status (ms)` as it
//! happens, and a line per milestone. Exit 0 only when every step
//! succeeded.

use std::time::{Duration, Instant};

use clap::Args;
use interconnect_core::wire::Secret;
use interconnect_http::ErrorBody;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::Outcome;
use super::serve::{Running, generated_token, init_tracing, launch, runtime};
use crate::error::{CliError, ErrorKind};
use crate::serve_config::{CustomerConfig, PartnerConfig, ServeConfig, demo_policy};

/// The aws customer's account.
const AWS_ACCOUNT: &str = "111122223333";
/// The same customer's project at gcp.
const GCP_PROJECT: &str = "my-gcp-project";

/// `interconnect demo`
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Longest wait for any one milestone, in seconds.
    #[arg(long, value_name = "S", default_value_t = 30)]
    pub(crate) timeout: u64,
    /// The first bandwidth, in Mbps.
    #[arg(long, value_name = "MBPS", default_value_t = 1000)]
    pub(crate) bandwidth: i32,
    /// The bandwidth it is changed to, in Mbps.
    #[arg(long, value_name = "MBPS", default_value_t = 2000)]
    pub(crate) new_bandwidth: i32,
}

/// Why the demo stopped.
fn failed(message: impl Into<String>) -> CliError {
    CliError::new(ErrorKind::Io, message)
}

/// One side as the customer sees it.
struct Side {
    name: &'static str,
    base_url: String,
    customer_token: Secret,
    operator_token: Secret,
}

/// The customer (and operator) client: every call printed.
struct Client {
    http: reqwest::Client,
    started: Instant,
}

impl Client {
    fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    fn milestone(&self, text: &str) {
        println!("==> [{:6.2} s] {text}", self.elapsed());
    }

    async fn call(
        &self,
        side: &Side,
        method: Method,
        path: &str,
        token: &Secret,
        body: Option<&Value>,
    ) -> Result<(u16, Value), CliError> {
        let began = Instant::now();
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", side.base_url))
            .bearer_auth(token.expose());
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| failed(format!("{method} {path} at {}: {e}", side.name)))?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        println!(
            "    {:<4} {} {path} -> {status} ({} ms)",
            side.name,
            method,
            began.elapsed().as_millis()
        );
        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok((status, value))
    }

    /// A call that must answer 200.
    async fn ok(
        &self,
        side: &Side,
        method: Method,
        path: &str,
        token: &Secret,
        body: Option<&Value>,
    ) -> Result<Value, CliError> {
        let (status, value) = self.call(side, method.clone(), path, token, body).await?;
        if status == 200 {
            Ok(value)
        } else {
            Err(failed(format!(
                "{method} {path} at {} answered {status}: {}",
                side.name,
                ErrorBody::from_json(status, &value)
                    .map(|body| body.error.message)
                    .unwrap_or_default()
            )))
        }
    }

    /// Reads the connection at `side` until `done` holds for it.
    async fn wait_for(
        &self,
        side: &Side,
        id: &str,
        timeout: Duration,
        what: &str,
        done: impl Fn(u16, &Value) -> bool,
    ) -> Result<Value, CliError> {
        let deadline = Instant::now() + timeout;
        let path = format!("/customer/v1/connections/{id}");
        let mut last_phase = String::new();
        loop {
            let (status, value) = self
                .call(side, Method::GET, &path, &side.customer_token, None)
                .await?;
            let phase = value
                .get("phase")
                .and_then(Value::as_str)
                .unwrap_or("gone")
                .to_owned();
            if phase != last_phase {
                if !last_phase.is_empty() {
                    self.milestone(&format!("{}: phase {last_phase} -> {phase}", side.name));
                }
                last_phase = phase;
            }
            if done(status, &value) {
                return Ok(value);
            }
            if value.get("phase").and_then(Value::as_str) == Some("failed") {
                return Err(failed(format!(
                    "{} failed while waiting for {what}: {}",
                    side.name,
                    value.get("failure").and_then(Value::as_str).unwrap_or("?")
                )));
            }
            if Instant::now() >= deadline {
                return Err(failed(format!(
                    "{} did not reach {what} within {} s",
                    side.name,
                    timeout.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn phase_is(value: &Value, phase: &str) -> bool {
    value.get("phase").and_then(Value::as_str) == Some(phase)
}

fn verified(status: u16, value: &Value) -> bool {
    status == 200
        && phase_is(value, "verified")
        && value.get("verificationState").and_then(Value::as_str)
            == Some("VERIFICATION_STATE_VERIFIED")
}

fn attachment(provider: &str, kind: &str, id: &str, cidr: &str) -> Value {
    json!({
        "provider": format!("providers/{provider}"),
        "attachPoint": {"kind": kind, "id": id},
        "cidrs": [cidr],
        "ipStack": "IPV4_ONLY",
        "mtuBytes": 8500
    })
}

/// The two servers' configurations, listening on the given ports.
fn configs(aws_port: u16, gcp_port: u16) -> (ServeConfig, ServeConfig, Side, Side) {
    let aws_to_gcp = generated_token("aws-calls-gcp");
    let gcp_to_aws = generated_token("gcp-calls-aws");
    let aws_customer = generated_token("aws-customer");
    let gcp_customer = generated_token("gcp-customer");
    let aws_operator = generated_token("aws-operator");
    let gcp_operator = generated_token("gcp-operator");
    let aws_url = format!("http://127.0.0.1:{aws_port}");
    let gcp_url = format!("http://127.0.0.1:{gcp_port}");
    let config = |provider: &str,
                  port: u16,
                  partner: &str,
                  partner_url: &str,
                  to_them: &Secret,
                  to_us: &Secret,
                  account: &str,
                  customer: &Secret,
                  operator: &Secret| ServeConfig {
        provider: provider.to_owned(),
        display_name: None,
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        tls: None,
        partners: vec![PartnerConfig::new(
            partner,
            partner_url,
            to_them.clone(),
            to_us.clone(),
        )],
        customers: vec![CustomerConfig::new(Secret::new(account), customer.clone())],
        operator_token: Some(operator.clone()),
        operator_token_file: None,
        operator_token_env: None,
        inventory: None,
        guidance: None,
        asn: None,
        policy: Some(demo_policy()),
        provisioning_delay_ms: 200,
        dev_hooks: false,
        store: None,
        limits: Default::default(),
    };
    let aws = config(
        "aws",
        aws_port,
        "gcp",
        &gcp_url,
        &aws_to_gcp,
        &gcp_to_aws,
        AWS_ACCOUNT,
        &aws_customer,
        &aws_operator,
    );
    let gcp = config(
        "gcp",
        gcp_port,
        "aws",
        &aws_url,
        &gcp_to_aws,
        &aws_to_gcp,
        GCP_PROJECT,
        &gcp_customer,
        &gcp_operator,
    );
    (
        aws,
        gcp,
        Side {
            name: "aws",
            base_url: aws_url,
            customer_token: aws_customer,
            operator_token: aws_operator,
        },
        Side {
            name: "gcp",
            base_url: gcp_url,
            customer_token: gcp_customer,
            operator_token: gcp_operator,
        },
    )
}

async fn bind() -> Result<(TcpListener, u16), CliError> {
    let listener = interconnect_http::bind_loopback(0)
        .await
        .map_err(|e| failed(format!("bind 127.0.0.1:0: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| failed(format!("listener address: {e}")))?
        .port();
    Ok((listener, port))
}

/// The customer's story, step by step.
async fn story(client: &Client, aws: &Side, gcp: &Side, args: &DemoArgs) -> Result<(), CliError> {
    let timeout = Duration::from_secs(args.timeout);
    let environment = "providers/gcp/environments/aws-gcp-us-east";
    let requested = client
        .ok(
            aws,
            Method::POST,
            "/customer/v1/connections",
            &aws.customer_token,
            Some(&json!({
                "environment": environment,
                "bandwidth": format!("{}Mbps", args.bandwidth),
                "remoteAccountId": GCP_PROJECT,
                "attachment": attachment("aws", "awsDirectConnectGateway", "dxgw-demo", "10.0.0.0/16")
            })),
        )
        .await?;
    let id = requested
        .pointer("/connection/connectionId")
        .and_then(Value::as_str)
        .ok_or_else(|| failed("the answer has no connection id"))?
        .to_owned();
    let key = Secret::new(
        requested
            .get("activationKey")
            .and_then(Value::as_str)
            .ok_or_else(|| failed("the answer has no activation key"))?,
    );
    client.milestone(&format!(
        "connection {id} requested at aws; activation key issued (not shown: it is a secret)"
    ));

    let described = client
        .ok(
            gcp,
            Method::POST,
            "/customer/v1/activationKeys/describe",
            &gcp.customer_token,
            Some(&json!({"activationKey": key.expose()})),
        )
        .await?;
    client.milestone(&format!(
        "gcp reads the key (version {}{}): {} Mbps in {} issued by {}",
        described.get("version").unwrap_or(&Value::Null),
        if described.get("version") == Some(&json!(2)) {
            ", decrypted with gcp's private key for the environment"
        } else {
            ""
        },
        described.get("bandwidthMbps").unwrap_or(&Value::Null),
        described
            .get("environment")
            .and_then(Value::as_str)
            .unwrap_or("?"),
        described
            .get("issuer")
            .and_then(Value::as_str)
            .unwrap_or("?")
    ));

    client
        .ok(
            gcp,
            Method::POST,
            "/customer/v1/activationKeys/accept",
            &gcp.customer_token,
            Some(&json!({
                "activationKey": key.expose(),
                "acceptingAccountId": GCP_PROJECT,
                "attachment": attachment("gcp", "googleCloudVpcNetwork", "prod", "10.1.0.0/16"),
                "remoteAttachment": attachment("aws", "awsDirectConnectGateway", "dxgw-demo", "10.0.0.0/16")
            })),
        )
        .await?;
    client.milestone("key accepted at gcp; the providers negotiate over HTTP");

    client
        .wait_for(gcp, &id, timeout, "VERIFIED", verified)
        .await?;
    let at_aws = client
        .wait_for(aws, &id, timeout, "VERIFIED", verified)
        .await?;
    let features = at_aws
        .get("features")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    client.milestone(&format!(
        "VERIFIED on both sides ({features} features provisioned at aws)"
    ));

    let path = format!("/customer/v1/connections/{id}");
    client
        .ok(
            aws,
            Method::PATCH,
            &path,
            &aws.customer_token,
            Some(&json!({"bandwidthMbps": args.new_bandwidth})),
        )
        .await?;
    let carries = |status: u16, value: &Value| {
        verified(status, value)
            && value.get("bandwidthMbps").and_then(Value::as_i64)
                == Some(i64::from(args.new_bandwidth))
            && value.get("pendingBandwidthMbps").is_none_or(Value::is_null)
            && value.get("migratingFrom").is_none_or(Value::is_null)
    };
    client
        .wait_for(aws, &id, timeout, "the new bandwidth", carries)
        .await?;
    client
        .wait_for(gcp, &id, timeout, "the new bandwidth", carries)
        .await?;
    client.milestone(&format!(
        "bandwidth changed to {} Mbps on both sides",
        args.new_bandwidth
    ));

    rotate_mac_sec(client, aws, &at_aws, timeout, 1).await?;
    rotate_mac_sec(client, aws, &at_aws, timeout, 2).await?;

    client
        .ok(aws, Method::DELETE, &path, &aws.customer_token, None)
        .await?;
    client.milestone("deleted at aws; gcp is told");
    client
        .wait_for(gcp, &id, timeout, "deletion", |status, value| {
            status == 404 || phase_is(value, "deleted")
        })
        .await?;
    client.milestone("deleted on both sides");
    Ok(())
}

/// Runs the MACsec key rotation of the connection's interconnect at aws
/// (the channels aws manages, one at a time, MACSEC-23) and waits until
/// it is done; `round` 1 installs each channel's first key, round 2 is a
/// rotation proper (the old key is deleted on both sides, after the bake
/// time).
async fn rotate_mac_sec(
    client: &Client,
    aws: &Side,
    connection: &Value,
    timeout: Duration,
    round: usize,
) -> Result<(), CliError> {
    let id = connection
        .get("connectionId")
        .and_then(Value::as_str)
        .ok_or_else(|| failed("the verified connection has no id"))?;
    let queued = client
        .ok(
            aws,
            Method::POST,
            "/operator/v1/macsecRotations",
            &aws.operator_token,
            Some(&json!({"connectionId": id})),
        )
        .await?;
    let interconnect = queued
        .get("interconnect")
        .and_then(Value::as_str)
        .ok_or_else(|| failed("the rotation answer names no interconnect"))?
        .to_owned();
    let channels = queued
        .get("channels")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    client.milestone(&format!(
        "MACsec round {round} on the {channels} channel(s) aws manages on {interconnect} started"
    ));
    let path = format!("/operator/v1/macsecRotations/{interconnect}");
    let deadline = Instant::now() + timeout;
    loop {
        let run = client
            .ok(aws, Method::GET, &path, &aws.operator_token, None)
            .await?;
        let history = run
            .get("history")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let queue_empty = run
            .get("queue")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty);
        let idle = run.get("current").is_none_or(Value::is_null);
        let ended = history
            .iter()
            .filter(|r| r.get("endedAt").is_some_and(|t| !t.is_null()))
            .count();
        if history
            .iter()
            .any(|r| r.get("abandoned").and_then(Value::as_bool) == Some(true))
        {
            return Err(failed("a MACsec key was abandoned during the rotation"));
        }
        if queue_empty && idle && ended >= channels * round {
            client.milestone(&if round == 1 {
                format!("MACsec: first key of {channels} channel(s) installed on both sides and in use")
            } else {
                format!("MACsec keys rotated on {channels} channel(s): new key on both sides and in use, old key deleted at gcp and aws")
            });
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(failed(format!(
                "the MACsec rotation did not finish within {} s",
                timeout.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Runs the demo.
pub(crate) fn run(args: &DemoArgs) -> Result<Outcome, CliError> {
    init_tracing("warn");
    runtime()?.block_on(async move {
        let started = Instant::now();
        let (aws_listener, aws_port) = bind().await?;
        let (gcp_listener, gcp_port) = bind().await?;
        let (aws_config, gcp_config, aws, gcp) = configs(aws_port, gcp_port);
        let aws_running = launch(aws_listener, &aws_config).await?;
        let gcp_running = launch(gcp_listener, &gcp_config).await?;
        interconnect_http::client::ensure_crypto_provider();
        let client = Client {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .map_err(|e| failed(format!("HTTP client: {e}")))?,
            started,
        };
        client.milestone(&format!(
            "aws serving at {}, gcp at {} (plain HTTP on loopback, development only)",
            aws.base_url, gcp.base_url
        ));
        let outcome = story(&client, &aws, &gcp, args).await;
        let stopped = stop_both(aws_running, gcp_running).await;
        outcome?;
        stopped?;
        Ok(Outcome::ok(format!(
            "demo complete: every step succeeded in {:.2} s",
            started.elapsed().as_secs_f64()
        )))
    })
}

async fn stop_both(aws: Running, gcp: Running) -> Result<(), CliError> {
    let a = aws.stop().await;
    let g = gcp.stop().await;
    a.and(g)
}
