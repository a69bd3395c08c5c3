//! `interconnect serve`: runs a reference provider over HTTP: the
//! specification's routes for partners, the customer API
//! (`/customer/v1/...`), the operator API (`/operator/v1/...`) and
//! `/healthz`, with its scheduler driven in the background.
//!
//! `--config FILE` reads a [`ServeConfig`] (TOML); `--dev` builds one:
//! the built-in default inventory, plain HTTP on 127.0.0.1, tokens from
//! the flags (`--partner-token NAME=SECRET`, or from files with
//! `--partner-token-file NAME=FILE`, or from environment variables with
//! `--partner-token-env NAME=VAR`, and the like for customers and the
//! operator; the operator's also from `INTERCONNECT_OPERATOR_TOKEN`), the
//! ones not given generated and printed at start. The `--dev` flags are refused with `--config`.
//!
//! Ctrl-C or SIGTERM stops it: the stop is logged with the requests in
//! flight and the grace, the listener drains them (OPS-23), the driver
//! finishes its task and stops (OPS-40); a second signal during the stop
//! exits at once with 128 + the signal's number (OPS-41, E-423).

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clap::Args;
use interconnect_core::wire::{AdminState, InterconnectState, Secret};
use interconnect_http::{
    AppAccess, BearerTokens, CustomerTokens, DevHooks, Driver, HttpCoordinatorConfig, RouterConfig,
    TlsConfig, Transport, dev_router, provider_app, serve_with,
};
use interconnect_provider::ReferenceProvider;
use interconnect_provider::backend::InMemoryBackend;
use interconnect_provider::clock::{Clock, ShiftedClock, SystemClock};
use interconnect_provider::peer_budget::{BudgetedPeer, PeerBudget};
use interconnect_provider::store::{MemoryStore, Store};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::Outcome;
use crate::error::{CliError, ErrorKind};
use crate::serve_config::{
    CustomerConfig, PartnerConfig, ServeConfig, check_base_url, dev_policy, process_env,
    provider_name, read_secret_env, read_secret_file, required,
};

/// `interconnect serve (--config FILE | --dev [...])`
///
/// The `(--dev)` options are refused with `--config` (the file says all);
/// clap's `requires` does not see a flag whose default is `false`, so
/// [`dev_only_flags`] checks them.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The TOML configuration (see crates/interconnect-cli/examples/serve.toml).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "dev",
        conflicts_with = "dev"
    )]
    pub(crate) config: Option<PathBuf>,
    /// Development mode: default inventory, plain HTTP on 127.0.0.1.
    #[arg(long)]
    pub(crate) dev: bool,
    /// (--dev) This server's provider id (default aws).
    #[arg(long, value_name = "ID")]
    pub(crate) provider: Option<String>,
    /// (--dev) The port on 127.0.0.1 (default 8080 for aws, 8081 otherwise; 0 picks one).
    #[arg(long, value_name = "N")]
    pub(crate) port: Option<u16>,
    /// (--dev) A partner and its base URL, repeated (default: gcp at
    /// 127.0.0.1:8081 for aws, aws at 127.0.0.1:8080 otherwise).
    #[arg(long, value_name = "NAME=URL")]
    pub(crate) partner: Vec<String>,
    /// (--dev) The secret shared with a partner, used in both directions,
    /// repeated; generated and printed when absent.
    #[arg(long, value_name = "NAME=SECRET")]
    pub(crate) partner_token: Vec<String>,
    /// (--dev) A partner's secret read from a file (trailing newline
    /// dropped), repeated; instead of --partner-token.
    #[arg(long, value_name = "NAME=FILE")]
    pub(crate) partner_token_file: Vec<String>,
    /// (--dev) A partner's secret read from the environment variable VAR,
    /// repeated; instead of --partner-token.
    #[arg(long, value_name = "NAME=VAR")]
    pub(crate) partner_token_env: Vec<String>,
    /// (--dev) A customer's account and token, repeated; one is generated
    /// and printed when absent.
    #[arg(long, value_name = "ACCOUNT=TOKEN")]
    pub(crate) customer_token: Vec<String>,
    /// (--dev) A customer's account and the file holding its token, repeated.
    #[arg(long, value_name = "ACCOUNT=FILE")]
    pub(crate) customer_token_file: Vec<String>,
    /// (--dev) A customer's account and the environment variable holding
    /// its token, repeated.
    #[arg(long, value_name = "ACCOUNT=VAR")]
    pub(crate) customer_token_env: Vec<String>,
    /// (--dev) The operator token (or --operator-token-file, or
    /// --operator-token-env, or the environment variable
    /// INTERCONNECT_OPERATOR_TOKEN; only one of them); generated and
    /// printed when none is given.
    #[arg(long, value_name = "SECRET")]
    pub(crate) operator_token: Option<String>,
    /// (--dev) The file holding the operator token.
    #[arg(long, value_name = "FILE")]
    pub(crate) operator_token_file: Option<PathBuf>,
    /// (--dev) The environment variable holding the operator token.
    #[arg(long, value_name = "VAR")]
    pub(crate) operator_token_env: Option<String>,
}

/// The environment variable `serve --dev` reads the operator token from.
pub(crate) const OPERATOR_TOKEN_ENV: &str = "INTERCONNECT_OPERATOR_TOKEN";

/// The `(--dev)` flags given, by name.
fn dev_only_flags(args: &ServeArgs) -> Vec<&'static str> {
    let mut given = Vec::new();
    let flags: [(&'static str, bool); 12] = [
        ("--provider", args.provider.is_some()),
        ("--port", args.port.is_some()),
        ("--partner", !args.partner.is_empty()),
        ("--partner-token", !args.partner_token.is_empty()),
        ("--partner-token-file", !args.partner_token_file.is_empty()),
        ("--partner-token-env", !args.partner_token_env.is_empty()),
        ("--customer-token", !args.customer_token.is_empty()),
        (
            "--customer-token-file",
            !args.customer_token_file.is_empty(),
        ),
        ("--customer-token-env", !args.customer_token_env.is_empty()),
        ("--operator-token", args.operator_token.is_some()),
        ("--operator-token-file", args.operator_token_file.is_some()),
        ("--operator-token-env", args.operator_token_env.is_some()),
    ];
    for (flag, present) in flags {
        if present {
            given.push(flag);
        }
    }
    given
}

/// A random token.
pub(crate) fn generated_token(prefix: &str) -> Secret {
    Secret::new(format!("{prefix}-{}", uuid::Uuid::new_v4().simple()))
}

fn split_pair<'a>(text: &'a str, what: &str) -> Result<(&'a str, &'a str), CliError> {
    text.split_once('=')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| CliError::usage(format!("{what} must be NAME=VALUE")))
}

/// The channel `serve --dev` serves admin-disabled: (environment,
/// interconnect, channel) ids.
const DEV_DISABLED_CHANNEL: (&str, &str, &str) = ("aws-gcp-eu-west", "ix2", "ch4");

/// The interconnect `serve --dev` adds in `INTERCONNECT_STATE_PENDING`, so
/// that a conformance run sees new connections refused there (CONN-6):
/// (environment, interconnect) ids.
const DEV_PENDING_INTERCONNECT: (&str, &str) = ("aws-gcp-eu-west", "ix3");

/// The operator token of `serve --dev` from its one source: the flag, the
/// file, the variable `--operator-token-env` names, or
/// [`OPERATOR_TOKEN_ENV`] (not counted when `--operator-token-env` names it);
/// two sources are refused, naming both.
fn dev_operator_token(args: &ServeArgs) -> Result<Option<Secret>, CliError> {
    let implicit = std::env::var_os(OPERATOR_TOKEN_ENV).is_some_and(|v| !v.is_empty())
        && args.operator_token_env.as_deref() != Some(OPERATOR_TOKEN_ENV);
    let given: Vec<&str> = [
        (args.operator_token.is_some(), "--operator-token"),
        (args.operator_token_file.is_some(), "--operator-token-file"),
        (args.operator_token_env.is_some(), "--operator-token-env"),
        (implicit, OPERATOR_TOKEN_ENV),
    ]
    .into_iter()
    .filter_map(|(present, name)| present.then_some(name))
    .collect();
    if let [first, second, ..] = given.as_slice() {
        return Err(CliError::usage(format!(
            "{first} and {second}: the operator token is given twice; give one of them"
        )));
    }
    if let Some(token) = &args.operator_token {
        return Ok(Some(Secret::new(token.clone())));
    }
    if let Some(file) = &args.operator_token_file {
        return read_secret_file("--operator-token-file", file).map(Some);
    }
    if let Some(var) = &args.operator_token_env {
        return read_secret_env("--operator-token-env", var, &process_env).map(Some);
    }
    if implicit {
        return read_secret_env(OPERATOR_TOKEN_ENV, OPERATOR_TOKEN_ENV, &process_env).map(Some);
    }
    Ok(None)
}

/// The development configuration of `serve --dev`, and what to print.
fn dev_config(args: &ServeArgs) -> Result<(ServeConfig, Vec<String>), CliError> {
    let local = provider_name(args.provider.as_deref().unwrap_or("aws"))
        .map_err(|e| CliError::usage(format!("--provider: {}", e.message)))?;
    let is_aws = local.id() == "aws";
    let port = args.port.unwrap_or(if is_aws { 8080 } else { 8081 });
    let mut partners: Vec<(String, String)> = Vec::new();
    for p in &args.partner {
        let (name, url) = split_pair(p, "--partner")?;
        let id = provider_name(name)
            .map_err(|e| CliError::usage(format!("--partner {name}: {}", e.message)))?;
        if id == local {
            return Err(CliError::usage(format!(
                "--partner {name}: this server's own provider cannot be its partner"
            )));
        }
        if partners.iter().any(|(n, _)| n == id.id()) {
            return Err(CliError::usage(format!("--partner {name}: given twice")));
        }
        check_base_url(&format!("--partner {name}"), url)?;
        partners.push((id.id().to_owned(), url.to_owned()));
    }
    if partners.is_empty() {
        partners.push(if is_aws {
            ("gcp".to_owned(), "http://127.0.0.1:8081".to_owned())
        } else {
            ("aws".to_owned(), "http://127.0.0.1:8080".to_owned())
        });
    }
    let names: Vec<&str> = partners.iter().map(|(n, _)| n.as_str()).collect();
    let mut given: BTreeMap<String, Secret> = BTreeMap::new();
    let mut take = |flag: &str, name: &str, token: Secret| -> Result<(), CliError> {
        let id = provider_name(name)
            .map_err(|e| CliError::usage(format!("{flag} {name}: {}", e.message)))?;
        if !names.contains(&id.id()) {
            return Err(CliError::usage(format!(
                "{flag} {name}: {} is not a partner of this server (partners: {}); add --partner {}=URL",
                id.id(),
                names.join(", "),
                id.id()
            )));
        }
        if given.insert(id.id().to_owned(), token).is_some() {
            return Err(CliError::usage(format!(
                "{flag} {name}: a token for {} is given twice (--partner-token, --partner-token-file and --partner-token-env count together)",
                id.id()
            )));
        }
        Ok(())
    };
    for t in &args.partner_token {
        let (name, secret) = split_pair(t, "--partner-token")?;
        take("--partner-token", name, Secret::new(secret))?;
    }
    for t in &args.partner_token_file {
        let (name, file) = split_pair(t, "--partner-token-file")?;
        let token = read_secret_file(&format!("--partner-token-file {name}"), Path::new(file))?;
        take("--partner-token-file", name, token)?;
    }
    for t in &args.partner_token_env {
        let (name, var) = split_pair(t, "--partner-token-env")?;
        let token = read_secret_env(&format!("--partner-token-env {name}"), var, &process_env)?;
        take("--partner-token-env", name, token)?;
    }
    let mut printed = Vec::new();
    let mut partner_configs = Vec::new();
    for (name, url) in partners {
        let token = match given.remove(&name) {
            Some(token) => token,
            None => {
                let token = generated_token("partner");
                printed.push(format!(
                    "partner token for {name} (both directions): {}",
                    token.expose()
                ));
                token
            }
        };
        partner_configs.push(PartnerConfig::new(name, url, token.clone(), token));
    }
    let mut customers = Vec::new();
    for c in &args.customer_token {
        let (account, token) = split_pair(c, "--customer-token")?;
        customers.push(CustomerConfig::new(
            Secret::new(account),
            Secret::new(token),
        ));
    }
    for c in &args.customer_token_file {
        let (account, file) = split_pair(c, "--customer-token-file")?;
        let token = read_secret_file("--customer-token-file", Path::new(file))?;
        customers.push(CustomerConfig::new(Secret::new(account), token));
    }
    for c in &args.customer_token_env {
        let (account, var) = split_pair(c, "--customer-token-env")?;
        let token = read_secret_env("--customer-token-env", var, &process_env)?;
        customers.push(CustomerConfig::new(Secret::new(account), token));
    }
    if customers.is_empty() {
        let token = generated_token("customer");
        let account = format!("dev-account-{}", local.id());
        printed.push(format!(
            "customer token for account {account}: {}",
            token.expose()
        ));
        customers.push(CustomerConfig::new(Secret::new(account), token));
    }
    let operator = match dev_operator_token(args)? {
        Some(token) => token,
        None => {
            let token = generated_token("operator");
            printed.push(format!("operator token: {}", token.expose()));
            token
        }
    };
    let config = ServeConfig {
        provider: local.id().to_owned(),
        display_name: None,
        listen: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        tls: None,
        partners: partner_configs,
        customers,
        operator_token: Some(operator),
        operator_token_file: None,
        operator_token_env: None,
        inventory: None,
        guidance: None,
        asn: None,
        policy: Some(dev_policy()),
        provisioning_delay_ms: 200,
        dev_hooks: true,
        // serve --dev keeps its state in memory
        store: None,
        limits: Default::default(),
    };
    // The default inventory, with one channel admin-disabled (ch4 of ix2 in
    // aws-gcp-eu-west) so that a conformance run sees FEAT-13 at work, and
    // a pending interconnect (ix3, same environment) for CONN-6; the demo's
    // environment, aws-gcp-us-east, is untouched.
    let mut inventory = config.provider_config()?.inventory;
    for partner in &mut inventory.partners {
        for env in &mut partner.environments {
            if env.environment.name.as_ref().map(|n| n.id()) == Some(DEV_PENDING_INTERCONNECT.0) {
                env.add_interconnect_like_last(
                    DEV_PENDING_INTERCONNECT.1,
                    InterconnectState::Pending,
                )?;
            }
            if env.environment.name.as_ref().map(|n| n.id()) != Some(DEV_DISABLED_CHANNEL.0) {
                continue;
            }
            for ix in &mut env.interconnects {
                if ix.interconnect.name.as_ref().map(|n| n.id()) != Some(DEV_DISABLED_CHANNEL.1) {
                    continue;
                }
                for ch in &mut ix.channels {
                    if ch.name.as_ref().map(|n| n.id()) == Some(DEV_DISABLED_CHANNEL.2) {
                        ch.admin_state = Some(AdminState::Disabled);
                    }
                }
            }
        }
    }
    let config = ServeConfig {
        inventory: Some(inventory),
        ..config
    };
    Ok((config, printed))
}

/// A provider being served.
pub(crate) struct Running {
    /// `http://127.0.0.1:port` or `https://...`.
    pub(crate) base_url: String,
    /// The provider.
    pub(crate) provider: Arc<ReferenceProvider>,
    stop: watch::Sender<bool>,
    server: tokio::task::JoinHandle<Result<(), interconnect_http::ServeError>>,
    driver: tokio::task::JoinHandle<()>,
    /// Requests being answered now.
    in_flight: Arc<AtomicUsize>,
    /// How long a stop waits for them.
    shutdown_grace: Duration,
}

impl Running {
    /// Requests being answered now.
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Stops the server and the driver, and breaks the peers' references.
    /// The listener stops accepting and waits for the requests in flight
    /// (at most the shutdown grace, OPS-23); the driver finishes the
    /// workflow task it is running and starts no other (OPS-40).
    pub(crate) async fn stop(self) -> Result<(), CliError> {
        let _ = self.stop.send(true);
        let served = self.server.await;
        match self.driver.await {
            Ok(()) => tracing::info!("background work stopped"),
            Err(error) => tracing::warn!(%error, "background work ended abnormally"),
        }
        self.provider.peers().disconnect_all();
        match served {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(CliError::new(ErrorKind::Io, e.to_string())),
            Err(e) => Err(CliError::new(ErrorKind::Io, format!("server task: {e}"))),
        }
    }
}

async fn stopped(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Starts the provider of `config` on `listener` (already bound): builds
/// it, connects its partners, serves and drives it.
pub(crate) async fn launch(
    listener: TcpListener,
    config: &ServeConfig,
) -> Result<Running, CliError> {
    config.check()?;
    let provider_config = config.provider_config()?;
    let local = provider_config.provider.clone();
    // A development server's clock can be moved forward by the dev hooks.
    let shifted = Arc::new(ShiftedClock::new());
    let clock: Arc<dyn Clock> = if config.dev_hooks {
        shifted.clone()
    } else {
        Arc::new(SystemClock)
    };
    let delay = chrono::Duration::milliseconds(
        i64::try_from(config.provisioning_delay_ms).unwrap_or(i64::MAX / 2),
    );
    let backend = Arc::new(InMemoryBackend::new(clock.clone(), delay));
    let (store, page_tokens): (Arc<dyn Store>, _) = match &config.store {
        Some(store) => store.open_with_page_tokens()?,
        None => {
            if !config.dev_hooks {
                tracing::warn!(
                    "no [store] section: the state is kept in memory and lost when serve stops"
                );
            }
            (Arc::new(MemoryStore::new()), None)
        }
    };
    let mut provider = ReferenceProvider::new(provider_config, store, clock, backend)
        .map_err(|e| CliError::usage(format!("configuration: {e}")))?;
    if let Some(tokens) = page_tokens {
        provider = provider.with_page_tokens(tokens);
    }
    let provider = Arc::new(provider);
    let mut partners = BearerTokens::new();
    for (i, p) in config.partners.iter().enumerate() {
        let name = provider_name(&p.provider)?;
        let to_them = required(
            p.token_to_call_them.as_ref(),
            &format!("partners[{i}].token_to_call_them"),
        )?;
        let they_use = required(
            p.token_they_use.as_ref(),
            &format!("partners[{i}].token_they_use"),
        )?;
        let mut client = HttpCoordinatorConfig::new(&p.base_url, &local, to_them.clone());
        if let Some(path) = &p.ca_pem {
            let pem = std::fs::read(path)
                .map_err(|e| CliError::new(ErrorKind::Io, format!("{}: {e}", path.display())))?;
            client = client.with_root_pem(pem);
        }
        let client = client
            .build()
            .map_err(|e| CliError::usage(format!("partner {name}: {e}")))?;
        // NEG-41: every call to the partner shares one budget under its
        // published limit
        let defaults = PeerBudget::default();
        let budget = PeerBudget {
            per_second: p.rate_per_second.unwrap_or(defaults.per_second),
            burst: p.rate_burst.unwrap_or(defaults.burst),
            max_in_flight: p.max_in_flight.unwrap_or(defaults.max_in_flight),
        };
        provider.peers().connect(
            name.clone(),
            Arc::new(BudgetedPeer::new(
                Arc::new(client),
                budget,
                provider.clock().clone(),
            )),
        );
        partners = partners.with_partner(they_use.clone(), name);
    }
    let (limits, body_read_timeout) = config.limits.resolve()?;
    let mut router_config = RouterConfig::default();
    if let Some(timeout) = body_read_timeout {
        router_config = router_config.body_read_timeout(timeout);
    }
    let mut customers = CustomerTokens::new();
    for (i, c) in config.customers.iter().enumerate() {
        let token = required(c.token.as_ref(), &format!("customers[{i}].token"))?;
        customers = customers.with_customer(token.clone(), c.account.clone());
    }
    let mut app = provider_app(
        provider.clone(),
        AppAccess {
            partners: Arc::new(partners),
            customers,
            operator: config.operator_token.clone(),
        },
        router_config,
    );
    let address = listener
        .local_addr()
        .map_err(|e| CliError::new(ErrorKind::Io, format!("listener address: {e}")))?;
    let (transport, scheme) = match &config.tls {
        Some(tls) => {
            let server = TlsConfig::from_pem_files(&tls.cert, &tls.key)
                .and_then(|t| t.server_config())
                .map_err(|e| CliError::usage(format!("tls: {e}")))?;
            (Transport::Tls(server), "https")
        }
        None => {
            interconnect_http::check_plain_allowed(address)
                .map_err(|e| CliError::usage(e.to_string()))?;
            (Transport::PlainLoopbackForDevelopment, "http")
        }
    };
    if config.dev_hooks {
        if config.tls.is_some() {
            return Err(CliError::usage(
                "dev_hooks: development hooks are only served with plain HTTP on loopback",
            ));
        }
        app = app.merge(dev_router(DevHooks {
            provider: provider.clone(),
            clock: shifted,
            provisioning_delay: delay,
            token: config.operator_token.clone(),
        }));
    }
    // Counts the requests being answered, for the stop's log line.
    let in_flight = Arc::new(AtomicUsize::new(0));
    let counter = in_flight.clone();
    app = app.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            let guard = InFlight::enter(counter.clone());
            async move {
                let response = next.run(request).await;
                drop(guard);
                response
            }
        },
    ));
    let (stop, rx) = watch::channel(false);
    let server = tokio::spawn(serve_with(
        listener,
        app,
        transport,
        limits,
        stopped(rx.clone()),
    ));
    let driver = Driver::new(provider.clone())
        .idle_poll(Duration::from_millis(20))
        .spawn(stopped(rx));
    Ok(Running {
        base_url: format!("{scheme}://{address}"),
        provider,
        stop,
        server,
        driver,
        in_flight,
        shutdown_grace: limits.shutdown_grace,
    })
}

/// One request being answered: counted while it lives (also when the
/// request is dropped unanswered).
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(counter: Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        InFlight(counter)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info` for `serve`),
/// in the format of `--log-format` (`crate::logging`).
pub(crate) fn init_tracing(default: &str) {
    crate::logging::init(default);
}

/// A multi-threaded runtime.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new(ErrorKind::Io, format!("tokio runtime: {e}")))
}

/// Runs `serve` until Ctrl-C or SIGTERM; a second one during the stop
/// ends the process at once with exit status 128 + the signal's number
/// (130 for SIGINT, 143 for SIGTERM; OPS-41, E-423).
pub(crate) fn run(args: &ServeArgs) -> Result<Outcome, CliError> {
    init_tracing("info");
    let (config, printed) = match &args.config {
        Some(path) => {
            if let Some(flag) = dev_only_flags(args).first() {
                return Err(CliError::usage(format!(
                    "{flag} is only for --dev; with --config put partners, customers and tokens in the file"
                )));
            }
            let mut config = ServeConfig::from_file(path)?;
            config.load_secrets(&process_env)?;
            (config, Vec::new())
        }
        None => dev_config(args)?,
    };
    runtime()?.block_on(async move {
        // Listening before serving: a signal that comes at once is not lost.
        let mut signals = StopSignals::new();
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| CliError::new(ErrorKind::Io, format!("bind {}: {e}", config.listen)))?;
        let running = launch(listener, &config).await?;
        println!(
            "serving {} at {} (customer API /customer/v1, operator API /operator/v1, health /healthz and /readyz, metrics /metrics, OpenAPI of these /operator/v1/openapi.json); Ctrl-C or SIGTERM stops",
            running.provider.config().provider,
            running.base_url
        );
        for line in &printed {
            println!("{line}");
        }
        let first = signals.next().await;
        let requests = running.in_flight();
        let grace = running.shutdown_grace.as_secs_f64();
        tracing::info!(
            signal = first.name,
            in_flight = requests,
            grace_seconds = grace,
            "stopping: finishing {requests} request(s) in flight, grace {grace}s, and the background work; a second Ctrl-C or SIGTERM stops at once"
        );
        let in_flight = running.in_flight.clone();
        tokio::select! {
            stopped = running.stop() => stopped?,
            second = signals.next() => {
                tracing::warn!(
                    signal = second.name,
                    in_flight = in_flight.load(Ordering::SeqCst),
                    exit_code = second.exit_code,
                    "{} during the stop: exiting at once, requests in flight cut off",
                    second.name
                );
                std::process::exit(second.exit_code);
            }
        }
        Ok(Outcome::ok("stopped"))
    })
}

/// A signal that stops `serve`: its name and the exit status of a second
/// one (128 + its number, as a shell reports a process killed by it).
#[derive(Debug, Clone, Copy)]
struct StopSignal {
    name: &'static str,
    exit_code: i32,
}

const SIGINT: StopSignal = StopSignal {
    name: "SIGINT",
    exit_code: 130,
};

#[cfg(unix)]
const SIGTERM: StopSignal = StopSignal {
    name: "SIGTERM",
    exit_code: 143,
};

/// Ctrl-C (SIGINT) and, on Unix, SIGTERM (what a service manager or a
/// container runtime sends), listened to from start to exit, so that a
/// second signal during the stop is seen too. Either one stops `serve` the
/// same way: no new connection is accepted, requests in flight finish
/// within the shutdown grace (OPS-23), the driver stops.
struct StopSignals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let listen = |kind: SignalKind, name: &str| match signal(kind) {
                Ok(stream) => Some(stream),
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for {name}; it will not stop serve cleanly");
                    None
                }
            };
            StopSignals {
                interrupt: listen(SignalKind::interrupt(), "SIGINT"),
                terminate: listen(SignalKind::terminate(), "SIGTERM"),
            }
        }
        #[cfg(not(unix))]
        {
            StopSignals {}
        }
    }

    /// The next stop signal.
    async fn next(&mut self) -> StopSignal {
        #[cfg(unix)]
        {
            async fn on(signal: Option<&mut tokio::signal::unix::Signal>) {
                match signal {
                    Some(signal) => {
                        if signal.recv().await.is_none() {
                            std::future::pending::<()>().await;
                        }
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                () = on(self.interrupt.as_mut()) => SIGINT,
                () = on(self.terminate.as_mut()) => SIGTERM,
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
            SIGINT
        }
    }
}
