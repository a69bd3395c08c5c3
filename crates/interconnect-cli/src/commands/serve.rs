//! `interconnect serve`: runs a reference provider over HTTP: the
//! specification's routes for partners, the customer API
//! (`/customer/v1/...`), the operator API (`/operator/v1/...`) and
//! `/healthz`, with its scheduler driven in the background.
//!
//! `--config FILE` reads a [`ServeConfig`] (TOML); `--dev` builds one:
//! the built-in default inventory, plain HTTP on 127.0.0.1, partner tokens
//! from `--partner-token NAME=SECRET` or generated, customer and operator
//! tokens generated, all printed at start. Stops on Ctrl-C or SIGTERM.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
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
use crate::serve_config::{CustomerConfig, PartnerConfig, ServeConfig, provider_name};

/// `interconnect serve (--config FILE | --dev [...])`
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
    /// (--dev) This server's provider id.
    #[arg(long, value_name = "ID", default_value = "aws", requires = "dev")]
    pub(crate) provider: String,
    /// (--dev) The port on 127.0.0.1 (default 8080 for aws, 8081 otherwise; 0 picks one).
    #[arg(long, value_name = "N", requires = "dev")]
    pub(crate) port: Option<u16>,
    /// (--dev) A partner and its base URL, repeated (default: gcp at
    /// 127.0.0.1:8081 for aws, aws at 127.0.0.1:8080 otherwise).
    #[arg(long, value_name = "NAME=URL", requires = "dev")]
    pub(crate) partner: Vec<String>,
    /// (--dev) The secret shared with a partner, used in both directions,
    /// repeated; generated and printed when absent.
    #[arg(long, value_name = "NAME=SECRET", requires = "dev")]
    pub(crate) partner_token: Vec<String>,
    /// (--dev) A customer's account and token, repeated; one is generated
    /// and printed when absent.
    #[arg(long, value_name = "ACCOUNT=TOKEN", requires = "dev")]
    pub(crate) customer_token: Vec<String>,
    /// (--dev) The operator token; generated and printed when absent.
    #[arg(long, value_name = "SECRET", requires = "dev")]
    pub(crate) operator_token: Option<String>,
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

/// The development configuration of `serve --dev`, and what to print.
fn dev_config(args: &ServeArgs) -> Result<(ServeConfig, Vec<String>), CliError> {
    let local = provider_name(&args.provider)?;
    let is_aws = local.id() == "aws";
    let port = args.port.unwrap_or(if is_aws { 8080 } else { 8081 });
    let mut partners: Vec<(String, String)> = Vec::new();
    for p in &args.partner {
        let (name, url) = split_pair(p, "--partner")?;
        partners.push((name.to_owned(), url.to_owned()));
    }
    if partners.is_empty() {
        partners.push(if is_aws {
            ("gcp".to_owned(), "http://127.0.0.1:8081".to_owned())
        } else {
            ("aws".to_owned(), "http://127.0.0.1:8080".to_owned())
        });
    }
    let mut printed = Vec::new();
    let mut partner_configs = Vec::new();
    for (name, url) in partners {
        let given = args
            .partner_token
            .iter()
            .map(|t| split_pair(t, "--partner-token"))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| Secret::new(s));
        let token = match given {
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
        partner_configs.push(PartnerConfig {
            provider: name,
            base_url: url,
            token_to_call_them: token.clone(),
            token_they_use: token,
            ca_pem: None,
            rate_per_second: None,
            rate_burst: None,
            max_in_flight: None,
        });
    }
    let mut customers = Vec::new();
    for c in &args.customer_token {
        let (account, token) = split_pair(c, "--customer-token")?;
        customers.push(CustomerConfig {
            account: Secret::new(account),
            token: Secret::new(token),
        });
    }
    if customers.is_empty() {
        let token = generated_token("customer");
        let account = format!("dev-account-{}", local.id());
        printed.push(format!(
            "customer token for account {account}: {}",
            token.expose()
        ));
        customers.push(CustomerConfig {
            account: Secret::new(account),
            token,
        });
    }
    let operator = match &args.operator_token {
        Some(t) => Secret::new(t.clone()),
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
        inventory: None,
        guidance: None,
        asn: None,
        policy: None,
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
}

impl Running {
    /// Stops the server and the driver, and breaks the peers' references.
    pub(crate) async fn stop(self) -> Result<(), CliError> {
        let _ = self.stop.send(true);
        let served = self.server.await;
        let _ = self.driver.await;
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
    for p in &config.partners {
        let name = provider_name(&p.provider)?;
        let mut client =
            HttpCoordinatorConfig::new(&p.base_url, &local, p.token_to_call_them.clone());
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
        partners = partners.with_partner(p.token_they_use.clone(), name);
    }
    let (limits, body_read_timeout) = config.limits.resolve()?;
    let mut router_config = RouterConfig::default();
    if let Some(timeout) = body_read_timeout {
        router_config = router_config.body_read_timeout(timeout);
    }
    let mut customers = CustomerTokens::new();
    for c in &config.customers {
        customers = customers.with_customer(c.token.clone(), c.account.clone());
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
    })
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

/// Runs `serve` until Ctrl-C or SIGTERM.
pub(crate) fn run(args: &ServeArgs) -> Result<Outcome, CliError> {
    init_tracing("info");
    let (config, printed) = match &args.config {
        Some(path) => (ServeConfig::from_file(path)?, Vec::new()),
        None => dev_config(args)?,
    };
    runtime()?.block_on(async move {
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| CliError::new(ErrorKind::Io, format!("bind {}: {e}", config.listen)))?;
        let running = launch(listener, &config).await?;
        println!(
            "serving {} at {} (customer API /customer/v1, operator API /operator/v1, health /healthz); Ctrl-C or SIGTERM stops",
            running.provider.config().provider,
            running.base_url
        );
        for line in &printed {
            println!("{line}");
        }
        let signal = stop_signal().await;
        tracing::info!(signal, "stopping: finishing the requests in flight");
        running.stop().await?;
        Ok(Outcome::ok("stopped"))
    })
}

/// Waits for Ctrl-C (SIGINT) or, on Unix, SIGTERM (what a service manager
/// or a container runtime sends), and names the one that came. Either one
/// stops `serve` the same way: no new connection is accepted, requests in
/// flight finish within the shutdown grace (OPS-23), the driver stops.
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => "SIGINT",
                _ = term.recv() => "SIGTERM",
            },
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops serve");
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
