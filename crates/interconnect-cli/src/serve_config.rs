//! The configuration of `interconnect serve --config FILE` (TOML), and the
//! built-in development configuration of `interconnect serve --dev`.
//!
//! ```toml
//! provider = "aws"                       # this server's provider id
//! display_name = "Amazon Web Services"   # optional
//! listen = "127.0.0.1:8080"
//! operator_token = "op-secret"           # optional; the operator API is closed without it
//! provisioning_delay_ms = 200            # the in-memory devices' provisioning time
//! asn = 64512                            # optional; the guidance policy's ASN
//!
//! [tls]                                  # optional; required unless `listen` is loopback
//! cert = "server.pem"
//! key = "server.key"
//!
//! [[partners]]
//! provider = "gcp"
//! base_url = "http://127.0.0.1:8081"     # https:// unless loopback
//! token_to_call_them = "aws-calls-gcp"   # sent to the partner
//! token_they_use = "gcp-calls-aws"       # the partner sends it to us
//! # ca_pem = "partner-ca.pem"            # extra trusted root
//!
//! [[customers]]
//! account = "111122223333"               # the customer's account id (secret)
//! token = "customer-secret"
//!
//! [store]                                # optional; in memory when absent
//! kind = "sqlite"
//! path = "aws.db"
//! secrets_key_file = "store.key"
//!
//! [limits]                               # optional; the defaults shown
//! header_read_timeout_ms = 30000         # idle keep-alive and request head (OPS-20)
//! body_read_timeout_ms = 30000           # a request body, else 408 (OPS-21)
//! max_connections = 1024                 # open connections at once (OPS-22)
//! shutdown_grace_ms = 30000              # in-flight requests at stop (OPS-23)
//! ```
//!
//! The `[store]` section is described in [`crate::store_config`].
//!
//! `inventory`, `guidance` and `policy` are optional tables in the
//! provider crate's own (camelCase) shape (`interconnect_provider::config`);
//! without `inventory` each partner gets the built-in default pair
//! ([`Inventory::default_pair`]).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use interconnect_core::names::ProviderName;
use interconnect_core::wire::Secret;
use interconnect_http::ListenerLimits;
use interconnect_provider::config::{
    GuidancePolicy, Inventory, ProtocolPolicy, ProviderConfig, display_name_of,
};
use serde::Deserialize;

use crate::error::{CliError, ErrorKind};
use crate::store_config::StoreConfig;

/// The whole `serve` configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServeConfig {
    /// This server's provider id (`aws` or `providers/aws`).
    pub(crate) provider: String,
    /// Its display name (default: the well-known name of the id).
    #[serde(default)]
    pub(crate) display_name: Option<String>,
    /// The address to listen on.
    pub(crate) listen: SocketAddr,
    /// TLS certificate chain and key (PEM files); without it only a
    /// loopback `listen` is allowed (AUTH-6).
    #[serde(default)]
    pub(crate) tls: Option<TlsFiles>,
    /// The partners.
    #[serde(default)]
    pub(crate) partners: Vec<PartnerConfig>,
    /// The customers of the customer API.
    #[serde(default)]
    pub(crate) customers: Vec<CustomerConfig>,
    /// The operator API's token; closed when absent.
    #[serde(default)]
    pub(crate) operator_token: Option<Secret>,
    /// The static resources (default: the default pair per partner).
    #[serde(default)]
    pub(crate) inventory: Option<Inventory>,
    /// The guidance policy (default: typical, with `asn`).
    #[serde(default)]
    pub(crate) guidance: Option<GuidancePolicy>,
    /// The ASN of the default guidance policy (default 64512 for the
    /// provider id that sorts first among it and its first partner, 64513
    /// otherwise).
    #[serde(default)]
    pub(crate) asn: Option<u32>,
    /// Lifetimes and protocol choices (default: the specification's).
    #[serde(default)]
    pub(crate) policy: Option<ProtocolPolicy>,
    /// How long the in-memory devices take to provision, in ms.
    #[serde(default = "default_delay")]
    pub(crate) provisioning_delay_ms: u64,
    /// Development hooks on the operator API (`/operator/v1/dev/...`:
    /// move the clock, finish provisioning, activate a MACsec key), for
    /// conformance runs; only with plain HTTP on loopback (default off;
    /// `serve --dev` turns them on).
    #[serde(default)]
    pub(crate) dev_hooks: bool,
    /// Where the state is kept (`[store]`, [`crate::store_config`]); in
    /// memory when absent.
    #[serde(default)]
    pub(crate) store: Option<StoreConfig>,
    /// The listener's bounds (`[limits]`); the defaults of
    /// `interconnect_http::ListenerLimits` when absent.
    #[serde(default)]
    pub(crate) limits: LimitsConfig,
}

/// `[limits]`: the listener's timeouts and connection cap. Each member is
/// optional; zero is refused, naming the member.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LimitsConfig {
    /// The header read (and keep-alive idle) timeout, in ms.
    #[serde(default)]
    pub(crate) header_read_timeout_ms: Option<u64>,
    /// The body read timeout, in ms.
    #[serde(default)]
    pub(crate) body_read_timeout_ms: Option<u64>,
    /// The most connections served at once.
    #[serde(default)]
    pub(crate) max_connections: Option<usize>,
    /// How long a stop waits for in-flight requests, in ms.
    #[serde(default)]
    pub(crate) shutdown_grace_ms: Option<u64>,
}

impl LimitsConfig {
    /// The listener's limits and the router's body read timeout.
    pub(crate) fn resolve(&self) -> Result<(ListenerLimits, Option<Duration>), CliError> {
        fn positive(name: &str, value: Option<u64>) -> Result<Option<Duration>, CliError> {
            match value {
                Some(0) => Err(CliError::usage(format!(
                    "limits.{name}: must be at least 1 ms"
                ))),
                other => Ok(other.map(Duration::from_millis)),
            }
        }
        let mut limits = ListenerLimits::default();
        if let Some(t) = positive("header_read_timeout_ms", self.header_read_timeout_ms)? {
            limits = limits.header_read_timeout(t);
        }
        if let Some(t) = positive("shutdown_grace_ms", self.shutdown_grace_ms)? {
            limits = limits.shutdown_grace(t);
        }
        match self.max_connections {
            Some(0) => {
                return Err(CliError::usage(
                    "limits.max_connections: must be at least 1",
                ));
            }
            Some(n) => limits = limits.max_connections(n),
            None => {}
        }
        let body = positive("body_read_timeout_ms", self.body_read_timeout_ms)?;
        Ok((limits, body))
    }
}

fn default_delay() -> u64 {
    200
}

/// TLS files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TlsFiles {
    /// The certificate chain (PEM).
    pub(crate) cert: PathBuf,
    /// The private key (PEM).
    pub(crate) key: PathBuf,
}

/// One partner.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartnerConfig {
    /// Its provider id.
    pub(crate) provider: String,
    /// Its server's base URL.
    pub(crate) base_url: String,
    /// The token this server sends when calling it.
    pub(crate) token_to_call_them: Secret,
    /// The token it sends when calling this server.
    pub(crate) token_they_use: Secret,
    /// An extra root certificate to trust for it (PEM file).
    #[serde(default)]
    pub(crate) ca_pem: Option<PathBuf>,
    /// The partner's published request rate: calls per second this
    /// server sends it at most (NEG-41; default 40).
    #[serde(default)]
    pub(crate) rate_per_second: Option<f64>,
    /// Calls this server sends it at once after a quiet period (default 80).
    #[serde(default)]
    pub(crate) rate_burst: Option<u32>,
    /// Calls to it in flight at once (default 16).
    #[serde(default)]
    pub(crate) max_in_flight: Option<usize>,
}

/// One customer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CustomerConfig {
    /// The customer's account id (secret).
    pub(crate) account: Secret,
    /// Its bearer token.
    pub(crate) token: Secret,
}

fn config_error(message: impl Into<String>) -> CliError {
    CliError::new(ErrorKind::Usage, message)
}

/// A provider id from configuration.
pub(crate) fn provider_name(text: &str) -> Result<ProviderName, CliError> {
    ProviderName::parse_reference(text).map_err(|e| config_error(format!("provider {text:?}: {e}")))
}

impl ServeConfig {
    /// Reads a TOML file.
    pub(crate) fn from_file(path: &std::path::Path) -> Result<Self, CliError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::new(ErrorKind::Io, format!("{}: {e}", path.display())))?;
        Self::from_toml(&text)
            .map_err(|e| config_error(format!("{}: {}", path.display(), e.message)))
    }

    /// Parses TOML text.
    ///
    /// An error names the line and what is wrong, never the text of the
    /// line: the toml crate's own message quotes the line, which may hold
    /// a token or an account id (E-324).
    pub(crate) fn from_toml(text: &str) -> Result<Self, CliError> {
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            let message = e.message().trim_end();
            match line {
                Some(line) => config_error(format!("configuration, line {line}: {message}")),
                None => config_error(format!("configuration: {message}")),
            }
        })
    }

    /// The provider configuration it describes.
    pub(crate) fn provider_config(&self) -> Result<ProviderConfig, CliError> {
        let local = provider_name(&self.provider)?;
        let partners = self
            .partners
            .iter()
            .map(|p| provider_name(&p.provider))
            .collect::<Result<Vec<_>, _>>()?;
        let inventory = match &self.inventory {
            Some(inventory) => inventory.clone(),
            None => {
                let mut all = Inventory::default();
                for partner in &partners {
                    let pair = Inventory::default_pair(&local, partner)
                        .map_err(|e| config_error(format!("default inventory: {e}")))?;
                    all.partners.extend(pair.partners);
                }
                all
            }
        };
        let asn = self.asn.unwrap_or_else(|| match partners.first() {
            Some(p) if p.id() < local.id() => 64513,
            _ => 64512,
        });
        Ok(ProviderConfig {
            display_name: self
                .display_name
                .clone()
                .unwrap_or_else(|| display_name_of(&local)),
            provider: local,
            inventory,
            guidance: self
                .guidance
                .clone()
                .unwrap_or_else(|| GuidancePolicy::typical(asn)),
            policy: self.policy.clone().unwrap_or_else(dev_policy),
        })
    }
}

/// The protocol policy of `serve`, `serve --dev` and the demo when none is
/// configured: the specification's lifetimes, with devices looked at every
/// 100 ms and a MACsec bake time of one second, so a connection verifies
/// in well under a second on the in-memory devices.
pub(crate) fn dev_policy() -> ProtocolPolicy {
    ProtocolPolicy {
        provisioning_poll_ms: 100,
        mac_sec_bake_seconds: 1,
        ..ProtocolPolicy::default()
    }
}

/// The demo's policy: [`dev_policy`], and received MACsec keys put in use
/// at once by the in-memory devices (both ends then hold the new key), so
/// that a rotation completes in about a second instead of waiting for the
/// peer's operator to activate it.
pub(crate) fn demo_policy() -> ProtocolPolicy {
    ProtocolPolicy {
        mac_sec_activate_received_keys: true,
        ..dev_policy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../examples/serve.toml");

    #[test]
    fn limits_are_read_and_a_zero_is_refused_naming_the_member() {
        let base = "provider = \"aws\"\nlisten = \"127.0.0.1:0\"\n";
        let config = ServeConfig::from_toml(&format!(
            "{base}[limits]\nheader_read_timeout_ms = 250\nbody_read_timeout_ms = 400\n\
             max_connections = 7\nshutdown_grace_ms = 900\n"
        ))
        .expect("limits parse");
        let (limits, body) = config.limits.resolve().expect("limits are valid");
        assert_eq!(limits.header_read_timeout, Duration::from_millis(250));
        assert_eq!(limits.max_connections, 7);
        assert_eq!(limits.shutdown_grace, Duration::from_millis(900));
        assert_eq!(body, Some(Duration::from_millis(400)));
        let absent = ServeConfig::from_toml(base).expect("parses");
        assert_eq!(
            absent.limits.resolve().expect("defaults").0,
            ListenerLimits::default()
        );
        for member in [
            "header_read_timeout_ms",
            "body_read_timeout_ms",
            "max_connections",
            "shutdown_grace_ms",
        ] {
            let config =
                ServeConfig::from_toml(&format!("{base}[limits]\n{member} = 0\n")).expect("parses");
            let Err(e) = config.limits.resolve() else {
                panic!("limits.{member} = 0 accepted");
            };
            assert!(
                e.message.contains(&format!("limits.{member}")),
                "{}",
                e.message
            );
        }
        assert!(
            ServeConfig::from_toml(&format!("{base}[limits]\nmax_conections = 3\n")).is_err(),
            "a misspelt member of [limits] is refused"
        );
    }

    #[test]
    fn configuration_errors_never_print_a_secret_from_the_file() {
        let cases = [
            // a secret of the wrong type
            "[[customers]]\naccount = 123456789012\ntoken = \"cust-token-0123456789\"\n",
            "[[customers]]\naccount = \"123456789012\"\ntoken = 987654321098\n",
            "operator_token = 555566667777\n",
            // a misspelt member next to a secret on the same line
            "[[customers]]\naccount = \"123456789012\", tokn = \"cust-token-0123456789\"\n",
            // a syntax error on a line holding a token
            "operator_token = \"op-token-0123456789\" x\n",
        ];
        for text in cases {
            let text = format!("provider = \"aws\"\nlisten = \"127.0.0.1:0\"\n{text}");
            let Err(e) = ServeConfig::from_toml(&text) else {
                panic!("accepted: {text}");
            };
            for secret in [
                "123456789012",
                "987654321098",
                "555566667777",
                "cust-token",
                "op-token",
            ] {
                assert!(
                    !e.message.contains(secret),
                    "{secret} printed in {:?} for {text}",
                    e.message
                );
            }
            assert!(
                e.message.contains("line "),
                "the line is named: {}",
                e.message
            );
        }
    }

    #[test]
    fn the_example_file_reads_and_builds_the_default_pair() -> Result<(), CliError> {
        let config = ServeConfig::from_toml(EXAMPLE)?;
        assert_eq!(config.partners.len(), 1);
        let provider = config.provider_config()?;
        assert_eq!(provider.provider.id(), "aws");
        assert_eq!(provider.inventory.partners.len(), 1);
        assert_eq!(provider.inventory.partners[0].environments.len(), 2);
        assert_eq!(provider.guidance.asn, 64512);
        Ok(())
    }

    #[test]
    fn unknown_keys_and_bad_providers_are_refused() {
        let e = ServeConfig::from_toml("provider = \"aws\"\nlisten = \"127.0.0.1:1\"\nlisen = 1\n")
            .expect_err("unknown key");
        assert!(e.message.contains("lisen"), "{e}");
        let config = ServeConfig::from_toml("provider = \"Not Valid\"\nlisten = \"127.0.0.1:1\"\n")
            .expect("parses");
        assert!(config.provider_config().is_err());
    }

    #[test]
    fn private_environments_manager_split_and_limits_read_from_toml()
    -> Result<(), Box<dyn std::error::Error>> {
        use interconnect_core::wire::{EnvironmentVisibility, Secret};
        use interconnect_provider::config::ManagerSplit;
        let cli = |e: CliError| e.message;
        let (aws, gcp) = (
            provider_name("aws").map_err(cli)?,
            provider_name("gcp").map_err(cli)?,
        );
        let mut inventory = Inventory::default_pair_with_split(&aws, &gcp, ManagerSplit::AllLocal)?;
        let env = &mut inventory.partners[0].environments[0];
        env.environment.environment_visibility = Some(EnvironmentVisibility::Private);
        env.allowed_accounts = vec![Secret::new("111122223333")];
        let policy = ProtocolPolicy {
            max_connection_bandwidth_mbps: Some(10_000),
            ..ProtocolPolicy::default()
        };
        let mut doc: toml::Table = toml::from_str(EXAMPLE)?;
        doc.insert("inventory".to_owned(), toml::Value::try_from(&inventory)?);
        doc.insert("policy".to_owned(), toml::Value::try_from(&policy)?);
        let text = toml::to_string(&doc)?;
        assert!(text.contains("allowedAccounts") && text.contains("peerAcceptsMacSecKeys"));
        let read = ServeConfig::from_toml(&text)
            .and_then(|c| c.provider_config())
            .map_err(cli)?;
        assert_eq!(read.inventory, inventory);
        assert_eq!(read.policy.max_connection_bandwidth_mbps, Some(10_000));
        Ok(())
    }

    #[test]
    fn secrets_do_not_show_in_debug() -> Result<(), CliError> {
        let config = ServeConfig::from_toml(EXAMPLE)?;
        let text = format!("{config:?}");
        assert!(!text.contains("aws-calls-gcp-secret"), "{text}");
        assert!(!text.contains("111122223333"), "{text}");
        Ok(())
    }
}
