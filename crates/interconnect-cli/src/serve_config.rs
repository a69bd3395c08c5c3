//! The configuration of `interconnect serve --config FILE` (TOML), and the
//! built-in development configuration of `interconnect serve --dev`.
//!
//! ```toml
//! provider = "aws"                       # this server's provider id
//! display_name = "Amazon Web Services"   # optional
//! listen = "127.0.0.1:8080"
//! operator_token = "op-secret"           # optional; the operator API is closed without it
//! # operator_token_file = "operator.token" # instead: the token read from a file
//! # operator_token_env = "OPERATOR_TOKEN"  # or: the environment variable holding it
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
//! token_to_call_them = "aws-calls-gcp"   # sent to the partner (or token_to_call_them_file/_env)
//! token_they_use = "gcp-calls-aws"       # the partner sends it to us (or token_they_use_file/_env)
//! # ca_pem = "partner-ca.pem"            # extra trusted root
//!
//! [[customers]]
//! account = "111122223333"               # the customer's account id (secret)
//! token = "customer-secret"             # or token_file = "customer.token", or token_env = "VAR"
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
//! ([`Inventory::default_pair`]). `policy` and `guidance` may be partial:
//! a member left out takes its default (the specification's lifetimes,
//! [`ProtocolPolicy::default`]; [`GuidancePolicy::typical`]), E-421.
//!
//! Every secret can be read from a file or an environment variable
//! instead (`*_file` or `*_env` beside the member; giving more than one is
//! refused, naming both); the file's trailing newline is dropped, an unset
//! or empty variable is refused naming the setting and the variable
//! (E-422). Relative paths (TLS files, partner CA files, token files, the
//! store's path and key file) are taken from the configuration file's
//! directory, not the working directory (E-420). [`ServeConfig::check`]
//! refuses a partner configured twice, a base URL that is not a URL, two
//! callers sharing one token, and a missing token.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use interconnect_core::names::ProviderName;
use interconnect_core::wire::Secret;
use interconnect_http::ListenerLimits;
use interconnect_provider::config::{
    GuidancePolicy, Inventory, ProtocolPolicy, ProviderConfig, display_name_of,
};
use serde::{Deserialize, Deserializer};

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
    /// The file holding the operator API's token (instead of `operator_token`).
    #[serde(default)]
    pub(crate) operator_token_file: Option<PathBuf>,
    /// The environment variable holding the operator API's token (instead
    /// of `operator_token`).
    #[serde(default)]
    pub(crate) operator_token_env: Option<String>,
    /// The static resources (default: the default pair per partner).
    #[serde(default)]
    pub(crate) inventory: Option<Inventory>,
    /// The guidance policy (default: typical, with `asn`); a member left
    /// out takes the typical policy's.
    #[serde(default)]
    pub(crate) guidance: Option<PartialGuidance>,
    /// The ASN of the default guidance policy (default 64512 for the
    /// provider id that sorts first among it and its first partner, 64513
    /// otherwise).
    #[serde(default)]
    pub(crate) asn: Option<u32>,
    /// Lifetimes and protocol choices (default: the specification's,
    /// [`ProtocolPolicy::default`]); a member left out takes its default.
    #[serde(default, deserialize_with = "policy_over_defaults")]
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
    /// The longest request target (path and query), in bytes (414 beyond).
    #[serde(default)]
    pub(crate) max_target_bytes: Option<usize>,
    /// The most bytes of header fields (431 beyond).
    #[serde(default)]
    pub(crate) max_header_bytes: Option<usize>,
    /// The most header fields (431 beyond).
    #[serde(default)]
    pub(crate) max_header_count: Option<usize>,
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
        // OPS-60, OPS-61: a bound of the request head, 1 to what hyper
        // leaves room for (never clamped silently: the setting is refused)
        fn bounded(
            name: &str,
            value: Option<usize>,
            max: usize,
        ) -> Result<Option<usize>, CliError> {
            match value {
                Some(n) if n == 0 || n > max => Err(CliError::usage(format!(
                    "limits.{name}: must be 1 to {max}, not {n}"
                ))),
                other => Ok(other),
            }
        }
        if let Some(n) = bounded(
            "max_target_bytes",
            self.max_target_bytes,
            interconnect_http::HARD_TARGET_BYTES,
        )? {
            limits = limits.max_target_bytes(n);
        }
        if let Some(n) = bounded(
            "max_header_bytes",
            self.max_header_bytes,
            interconnect_http::MAX_HEADER_BYTES_SETTING,
        )? {
            limits = limits.max_header_bytes(n);
        }
        if let Some(n) = bounded(
            "max_header_count",
            self.max_header_count,
            interconnect_http::MAX_HEADER_COUNT_SETTING,
        )? {
            limits = limits.max_header_count(n);
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
    #[serde(default)]
    pub(crate) token_to_call_them: Option<Secret>,
    /// The file holding `token_to_call_them`.
    #[serde(default)]
    pub(crate) token_to_call_them_file: Option<PathBuf>,
    /// The environment variable holding `token_to_call_them`.
    #[serde(default)]
    pub(crate) token_to_call_them_env: Option<String>,
    /// The token it sends when calling this server.
    #[serde(default)]
    pub(crate) token_they_use: Option<Secret>,
    /// The file holding `token_they_use`.
    #[serde(default)]
    pub(crate) token_they_use_file: Option<PathBuf>,
    /// The environment variable holding `token_they_use`.
    #[serde(default)]
    pub(crate) token_they_use_env: Option<String>,
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
    #[serde(default)]
    pub(crate) token: Option<Secret>,
    /// The file holding its bearer token.
    #[serde(default)]
    pub(crate) token_file: Option<PathBuf>,
    /// The environment variable holding its bearer token.
    #[serde(default)]
    pub(crate) token_env: Option<String>,
}

impl PartnerConfig {
    /// A partner with the default budget and no extra root.
    pub(crate) fn new(
        provider: impl Into<String>,
        base_url: impl Into<String>,
        token_to_call_them: Secret,
        token_they_use: Secret,
    ) -> Self {
        PartnerConfig {
            provider: provider.into(),
            base_url: base_url.into(),
            token_to_call_them: Some(token_to_call_them),
            token_to_call_them_file: None,
            token_to_call_them_env: None,
            token_they_use: Some(token_they_use),
            token_they_use_file: None,
            token_they_use_env: None,
            ca_pem: None,
            rate_per_second: None,
            rate_burst: None,
            max_in_flight: None,
        }
    }
}

impl CustomerConfig {
    /// A customer.
    pub(crate) fn new(account: Secret, token: Secret) -> Self {
        CustomerConfig {
            account,
            token: Some(token),
            token_file: None,
            token_env: None,
        }
    }
}

/// `[guidance]` as written: checked at parse time against the typical
/// policy, resolved once the ASN is known ([`ServeConfig::provider_config`]).
#[derive(Debug, Clone)]
pub(crate) struct PartialGuidance(toml::Table);

impl PartialGuidance {
    /// The members given, over [`GuidancePolicy::typical`] with `asn`.
    fn over_typical(&self, asn: u32) -> Result<GuidancePolicy, String> {
        over_defaults(&GuidancePolicy::typical(asn), &self.0, "guidance")
    }

    /// The ASN the table names, if any.
    fn asn(&self) -> Option<i64> {
        self.0.get("asn").and_then(toml::Value::as_integer)
    }
}

impl<'de> Deserialize<'de> for PartialGuidance {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let table = toml::Table::deserialize(deserializer)?;
        let partial = PartialGuidance(table);
        partial
            .over_typical(64512)
            .map_err(serde::de::Error::custom)?;
        Ok(partial)
    }
}

/// `given`'s members over `defaults`' (a shallow merge), read back as `T`:
/// unknown members and wrong types are still refused, naming `table`.
fn over_defaults<T>(defaults: &T, given: &toml::Table, table: &str) -> Result<T, String>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let mut merged = match toml::Value::try_from(defaults) {
        Ok(toml::Value::Table(t)) => t,
        Ok(_) | Err(_) => toml::Table::new(),
    };
    for (key, value) in given {
        merged.insert(key.clone(), value.clone());
    }
    toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| format!("{table}: {}", e.message().trim_end()))
}

/// `[policy]`: the members given over [`ProtocolPolicy::default`].
fn policy_over_defaults<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<ProtocolPolicy>, D::Error> {
    let given = toml::Table::deserialize(deserializer)?;
    over_defaults(&ProtocolPolicy::default(), &given, "policy")
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// The most bytes a secret file may hold.
const SECRET_FILE_LIMIT: u64 = 64 * 1024;

/// Reads a secret from `path` for the setting `key`: UTF-8, its trailing
/// line ends dropped, one line, not empty. Errors name the setting and the
/// file, never the content.
pub(crate) fn read_secret_file(key: &str, path: &Path) -> Result<Secret, CliError> {
    let failed = |what: String| config_error(format!("{key}: {}: {what}", path.display()));
    let size = std::fs::metadata(path)
        .map_err(|e| failed(e.to_string()))?
        .len();
    if size > SECRET_FILE_LIMIT {
        return Err(failed(format!(
            "larger than {SECRET_FILE_LIMIT} bytes; not a token file"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| failed("not UTF-8 text".to_owned()))?;
    let token = text.trim_end_matches(['\n', '\r']);
    if token.is_empty() {
        return Err(failed("empty".to_owned()));
    }
    if token.contains(['\n', '\r']) {
        return Err(failed("holds more than one line".to_owned()));
    }
    Ok(Secret::new(token))
}

/// Reads a secret from the environment variable `var` for the setting
/// `key`, looked up with `env`: set, not empty, UTF-8, one line. Errors
/// name the setting and the variable, never the content.
pub(crate) fn read_secret_env(key: &str, var: &str, env: &Env<'_>) -> Result<Secret, CliError> {
    let failed = |what: &str| config_error(format!("{key}: the environment variable {var} {what}"));
    if var.is_empty() || var.contains(['=', '\0']) {
        return Err(config_error(format!(
            "{key}: {var:?} is not an environment variable's name"
        )));
    }
    let value = env(var).ok_or_else(|| failed("is not set"))?;
    let value = value
        .into_string()
        .map_err(|_| failed("is not UTF-8 text"))?;
    if value.is_empty() {
        return Err(failed("is empty"));
    }
    if value.contains(['\n', '\r']) {
        return Err(failed("holds more than one line"));
    }
    Ok(Secret::new(value))
}

/// How environment variables are looked up: [`process_env`] when serving;
/// tests pass their own (changing the process's environment is `unsafe`).
pub(crate) type Env<'a> = dyn Fn(&str) -> Option<std::ffi::OsString> + 'a;

/// The process's environment.
pub(crate) fn process_env(var: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(var)
}

/// One secret from its value, its file (`{key}_file`) or its environment
/// variable (`{key}_env`): more than one is an error naming two of the
/// settings given.
fn one_source(
    key: &str,
    value: &mut Option<Secret>,
    file: &mut Option<PathBuf>,
    var: &mut Option<String>,
    env: &Env<'_>,
) -> Result<(), CliError> {
    let given: Vec<String> = [
        (value.is_some(), key.to_owned()),
        (file.is_some(), format!("{key}_file")),
        (var.is_some(), format!("{key}_env")),
    ]
    .into_iter()
    .filter_map(|(present, name)| present.then_some(name))
    .collect();
    if let [first, second, ..] = given.as_slice() {
        return Err(config_error(format!(
            "{first} and {second}: give the value, the file or the environment variable, only one"
        )));
    }
    if let Some(path) = file.take() {
        *value = Some(read_secret_file(&format!("{key}_file"), &path)?);
    }
    if let Some(var) = var.take() {
        *value = Some(read_secret_env(&format!("{key}_env"), &var, env)?);
    }
    Ok(())
}

/// Checks that `text` is an http(s) URL with a host and nothing a base URL
/// cannot hold. The message names `key`; it never quotes the value.
pub(crate) fn check_base_url(key: &str, text: &str) -> Result<(), CliError> {
    let url = reqwest::Url::parse(text).map_err(|e| {
        config_error(format!(
            "{key}: not a URL ({e}); expected e.g. https://partner.example"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(config_error(format!(
            "{key}: not an http or https URL (scheme {:?})",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(config_error(format!("{key}: the URL has no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(config_error(format!(
            "{key}: the URL holds a user or password; the partner's token goes in token_to_call_them"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(config_error(format!(
            "{key}: a base URL has no query or fragment"
        )));
    }
    Ok(())
}

/// `value`, or an error naming the setting that should have given it.
pub(crate) fn required<'a>(value: Option<&'a Secret>, key: &str) -> Result<&'a Secret, CliError> {
    value.ok_or_else(|| {
        config_error(format!(
            "{key}: missing (give {key}, {key}_file or {key}_env)"
        ))
    })
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
        let mut config = Self::from_toml(&text)
            .map_err(|e| config_error(format!("{}: {}", path.display(), e.message)))?;
        let base = path.parent().unwrap_or(Path::new(""));
        config.resolve_paths(base);
        Ok(config)
    }

    /// Takes every relative path of the configuration (TLS files, partner
    /// CA files, secret files, the store's file and key file) from `base`,
    /// the configuration file's directory (E-420).
    pub(crate) fn resolve_paths(&mut self, base: &Path) {
        let fix = |path: &mut PathBuf| {
            if path.is_relative() {
                *path = base.join(&*path);
            }
        };
        let fix_some = |path: &mut Option<PathBuf>| {
            if let Some(path) = path {
                fix(path);
            }
        };
        if let Some(tls) = &mut self.tls {
            fix(&mut tls.cert);
            fix(&mut tls.key);
        }
        fix_some(&mut self.operator_token_file);
        for p in &mut self.partners {
            fix_some(&mut p.ca_pem);
            fix_some(&mut p.token_to_call_them_file);
            fix_some(&mut p.token_they_use_file);
        }
        for c in &mut self.customers {
            fix_some(&mut c.token_file);
        }
        if let Some(store) = &mut self.store {
            fix_some(&mut store.path);
            fix_some(&mut store.secrets_key_file);
        }
    }

    /// Reads every secret given as a file or an environment variable
    /// (looked up with `env`; E-422); a secret given two ways (value, file,
    /// variable) is refused, naming both settings.
    pub(crate) fn load_secrets(&mut self, env: &Env<'_>) -> Result<(), CliError> {
        one_source(
            "operator_token",
            &mut self.operator_token,
            &mut self.operator_token_file,
            &mut self.operator_token_env,
            env,
        )?;
        for (i, p) in self.partners.iter_mut().enumerate() {
            one_source(
                &format!("partners[{i}].token_to_call_them"),
                &mut p.token_to_call_them,
                &mut p.token_to_call_them_file,
                &mut p.token_to_call_them_env,
                env,
            )?;
            one_source(
                &format!("partners[{i}].token_they_use"),
                &mut p.token_they_use,
                &mut p.token_they_use_file,
                &mut p.token_they_use_env,
                env,
            )?;
        }
        for (i, c) in self.customers.iter_mut().enumerate() {
            one_source(
                &format!("customers[{i}].token"),
                &mut c.token,
                &mut c.token_file,
                &mut c.token_env,
                env,
            )?;
        }
        Ok(())
    }

    /// Refuses what the parser cannot see: a partner configured twice or
    /// named as this server, a base URL that is not an http(s) URL, a
    /// missing token, two callers sharing one token (the server could not
    /// tell them apart), a top-level `asn` that `guidance.asn` contradicts.
    /// Every message names the setting and never a secret.
    pub(crate) fn check(&self) -> Result<(), CliError> {
        let local = provider_name(&self.provider)?;
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        // token -> the setting that uses it: one token for two callers is refused
        let mut callers: BTreeMap<String, String> = BTreeMap::new();
        let mut claim = |token: &Secret, who: String| -> Result<(), CliError> {
            match callers.get(token.expose()) {
                Some(first) => Err(config_error(format!(
                    "{who}: the same token as {first}; each caller needs its own"
                ))),
                None => {
                    callers.insert(token.expose().to_owned(), who);
                    Ok(())
                }
            }
        };
        for (i, p) in self.partners.iter().enumerate() {
            let name = provider_name(&p.provider)
                .map_err(|e| config_error(format!("partners[{i}].provider: {}", e.message)))?;
            if name == local {
                return Err(config_error(format!(
                    "partners[{i}].provider: {} is this server's own provider",
                    name.id()
                )));
            }
            if let Some(first) = seen.insert(name.id().to_owned(), i) {
                return Err(config_error(format!(
                    "partners[{i}].provider: {} is configured twice (also partners[{first}])",
                    name.id()
                )));
            }
            check_base_url(&format!("partners[{i}].base_url"), &p.base_url)?;
            required(
                p.token_to_call_them.as_ref(),
                &format!("partners[{i}].token_to_call_them"),
            )?;
            let theirs = required(
                p.token_they_use.as_ref(),
                &format!("partners[{i}].token_they_use"),
            )?;
            claim(theirs, format!("partners[{i}].token_they_use"))?;
        }
        for (i, c) in self.customers.iter().enumerate() {
            let token = required(c.token.as_ref(), &format!("customers[{i}].token"))?;
            claim(token, format!("customers[{i}].token"))?;
        }
        if let Some(operator) = &self.operator_token {
            claim(operator, "operator_token".to_owned())?;
        }
        if let (Some(asn), Some(given)) = (self.asn, self.guidance.as_ref().and_then(|g| g.asn()))
            && i64::from(asn) != given
        {
            return Err(config_error(
                "asn and guidance.asn: they differ; give one of them",
            ));
        }
        Ok(())
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
            guidance: match &self.guidance {
                Some(partial) => partial.over_typical(asn).map_err(config_error)?,
                None => GuidancePolicy::typical(asn),
            },
            policy: self.policy.clone().unwrap_or_default(),
        })
    }
}

/// The protocol policy of `serve --dev`: the specification's lifetimes,
/// with devices looked at every 100 ms, so a connection verifies in well
/// under a second on the in-memory devices, and a MACsec bake time of one
/// minute: long enough that a client checking the refusal during the bake
/// time (a conformance run, MACSEC-6) is not outrun by the wall clock on a
/// loaded machine, and ended at once by the `advanceClock` hook.
/// `serve --config` without `[policy]` takes [`ProtocolPolicy::default`]
/// instead (E-421).
pub(crate) fn dev_policy() -> ProtocolPolicy {
    ProtocolPolicy {
        provisioning_poll_ms: 100,
        mac_sec_bake_seconds: 60,
        ..ProtocolPolicy::default()
    }
}

/// The demo's policy: [`dev_policy`] with a MACsec bake time of one second,
/// and received MACsec keys put in use at once by the in-memory devices
/// (both ends then hold the new key), so that a rotation completes in about
/// a second instead of waiting for the peer's operator to activate it.
pub(crate) fn demo_policy() -> ProtocolPolicy {
    ProtocolPolicy {
        mac_sec_activate_received_keys: true,
        mac_sec_bake_seconds: 1,
        ..dev_policy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../examples/serve.toml");

    /// An empty environment.
    fn no_env(_: &str) -> Option<std::ffi::OsString> {
        None
    }

    #[test]
    fn secrets_come_from_environment_variables_and_two_sources_are_refused() -> Result<(), CliError>
    {
        let vars: BTreeMap<&str, &str> = [
            ("OP_TOKEN", "op-from-env-0123"),
            ("TO_GCP", "to-gcp-from-env"),
            ("FROM_GCP", "they-from-env"),
            ("CUSTOMER", "cust-from-env"),
            ("EMPTY", ""),
            ("TWO_LINES", "line-one-secret\nline-two-secret"),
        ]
        .into_iter()
        .collect();
        let env = |var: &str| vars.get(var).map(std::ffi::OsString::from);
        let text = format!(
            "{BASE}operator_token_env = \"OP_TOKEN\"\n\
             [[partners]]\nprovider = \"gcp\"\nbase_url = \"http://127.0.0.1:1\"\n\
             token_to_call_them_env = \"TO_GCP\"\ntoken_they_use_env = \"FROM_GCP\"\n\
             [[customers]]\naccount = \"111122223333\"\ntoken_env = \"CUSTOMER\"\n"
        );
        let mut config = ServeConfig::from_toml(&text)?;
        config.load_secrets(&env)?;
        config.check()?;
        let expose = |s: &Option<Secret>| s.as_ref().map(|s| s.expose().to_owned());
        assert_eq!(
            expose(&config.operator_token).as_deref(),
            Some("op-from-env-0123")
        );
        let p = &config.partners[0];
        assert_eq!(
            expose(&p.token_to_call_them).as_deref(),
            Some("to-gcp-from-env")
        );
        assert_eq!(expose(&p.token_they_use).as_deref(), Some("they-from-env"));
        assert_eq!(
            expose(&config.customers[0].token).as_deref(),
            Some("cust-from-env")
        );
        // unset, empty, two lines, no name, and two sources of one secret
        for (text, expected) in [
            (
                "operator_token_env = \"UNSET_VAR\"\n",
                "operator_token_env: the environment variable UNSET_VAR is not set",
            ),
            (
                "operator_token_env = \"EMPTY\"\n",
                "operator_token_env: the environment variable EMPTY is empty",
            ),
            (
                "operator_token_env = \"TWO_LINES\"\n",
                "operator_token_env: the environment variable TWO_LINES holds more than one line",
            ),
            (
                "operator_token_env = \"\"\n",
                "operator_token_env: \"\" is not an environment variable's name",
            ),
            (
                "operator_token = \"op-inline-0123\"\noperator_token_env = \"OP_TOKEN\"\n",
                "operator_token and operator_token_env",
            ),
            (
                "operator_token_file = \"op.token\"\noperator_token_env = \"OP_TOKEN\"\n",
                "operator_token_file and operator_token_env",
            ),
            (
                "[[partners]]\nprovider = \"gcp\"\nbase_url = \"http://127.0.0.1:1\"\n\
                 token_to_call_them = \"to-inline\"\ntoken_to_call_them_env = \"TO_GCP\"\n\
                 token_they_use_env = \"FROM_GCP\"\n",
                "partners[0].token_to_call_them and partners[0].token_to_call_them_env",
            ),
            (
                "[[customers]]\naccount = \"1\"\ntoken_file = \"c.token\"\ntoken_env = \"CUSTOMER\"\n",
                "customers[0].token_file and customers[0].token_env",
            ),
        ] {
            let mut config = ServeConfig::from_toml(&format!("{BASE}{text}"))?;
            let e = config.load_secrets(&env).expect_err(text);
            assert!(e.message.contains(expected), "{text}: {e}");
            for secret in ["from-env", "inline", "line-one"] {
                assert!(!e.message.contains(secret), "{secret} in {e}");
            }
        }
        let config = ServeConfig::from_toml(&format!(
            "{BASE}[[customers]]\naccount = \"111122223333\"\n"
        ))?;
        let e = config.check().expect_err("no token");
        assert!(e.message.contains("customers[0].token_env"), "{e}");
        Ok(())
    }

    #[test]
    fn limits_are_read_and_a_zero_is_refused_naming_the_member() {
        let base = "provider = \"aws\"\nlisten = \"127.0.0.1:0\"\n";
        let config = ServeConfig::from_toml(&format!(
            "{base}[limits]\nheader_read_timeout_ms = 250\nbody_read_timeout_ms = 400\n\
             max_connections = 7\nshutdown_grace_ms = 900\nmax_target_bytes = 4096\n\
             max_header_bytes = 16384\nmax_header_count = 50\n"
        ))
        .expect("limits parse");
        let (limits, body) = config.limits.resolve().expect("limits are valid");
        assert_eq!(
            (
                limits.max_target_bytes,
                limits.max_header_bytes,
                limits.max_header_count
            ),
            (4096, 16384, 50),
            "OPS-60, OPS-61: the head bounds are settable"
        );
        for (member, too_big) in [
            ("max_target_bytes", 70_000),
            ("max_header_bytes", 200_000),
            ("max_header_count", 129),
        ] {
            let config = ServeConfig::from_toml(&format!("{base}[limits]\n{member} = {too_big}\n"))
                .expect("parses");
            let Err(e) = config.limits.resolve() else {
                panic!("limits.{member} = {too_big} accepted");
            };
            assert!(
                e.message.contains(&format!("limits.{member}")),
                "{}",
                e.message
            );
        }
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
            "max_target_bytes",
            "max_header_bytes",
            "max_header_count",
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
            // partner tokens of the wrong type, and beside a misspelt member
            "[[partners]]\nprovider = \"gcp\"\nbase_url = \"http://127.0.0.1:1\"\n\
             token_to_call_them = 123456789012\ntoken_they_use = \"t\"\n",
            "[[partners]]\nprovider = \"gcp\", token_they_use = \"op-token-0123456789\", \
             token_they_us = \"cust-token-0123456789\"\n",
            // a token and its file on one line with an error
            "[[customers]]\naccount = \"a\"\ntoken = \"cust-token-0123456789\" token_file = \"x\"\n",
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
        // its partial [policy]: a short poll, the specification's bake time
        assert_eq!(provider.policy.provisioning_poll_ms, 100);
        assert_eq!(provider.policy.mac_sec_bake_seconds, 7200);
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

    const BASE: &str = "provider = \"aws\"\nlisten = \"127.0.0.1:0\"\n";

    fn partner(extra: &str) -> String {
        format!(
            "[[partners]]\nprovider = \"gcp\"\nbase_url = \"http://127.0.0.1:1\"\n\
             token_to_call_them = \"to-gcp-0123\"\ntoken_they_use = \"from-gcp-0123\"\n{extra}"
        )
    }

    /// A fresh directory under the system's temporary one.
    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "interconnect-serve-config-{tag}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn without_policy_serve_config_takes_the_specification_s_lifetimes() -> Result<(), CliError> {
        let config = ServeConfig::from_toml(&format!("{BASE}{}", partner("")))?;
        let policy = config.provider_config()?.policy;
        assert_eq!(policy, ProtocolPolicy::default());
        assert_eq!(
            policy.mac_sec_bake_seconds,
            2 * 3600,
            "MACsec bake time 2 hours"
        );
        assert_eq!(policy.cleanup_after_seconds, 7 * 24 * 3600);
        assert_eq!(policy.mac_sec_key_max_age_seconds, 30 * 24 * 3600);
        assert_ne!(policy, dev_policy(), "the dev policy is for --dev only");
        Ok(())
    }

    #[test]
    fn a_partial_policy_or_guidance_takes_defaults_for_the_members_left_out() -> Result<(), CliError>
    {
        let config = ServeConfig::from_toml(&format!(
            "{BASE}{}[policy]\nmacSecBakeSeconds = 60\n[guidance]\nmtuRanges = [[1500, 9000]]\n",
            partner("")
        ))?;
        let provider = config.provider_config()?;
        assert_eq!(
            provider.policy,
            ProtocolPolicy {
                mac_sec_bake_seconds: 60,
                ..ProtocolPolicy::default()
            }
        );
        assert_eq!(
            provider.guidance,
            GuidancePolicy {
                mtu_ranges: vec![(1500, 9000)],
                ..GuidancePolicy::typical(64512)
            },
            "the ASN is the computed default's"
        );
        // a partial guidance naming its ASN, and the top-level asn
        let config = ServeConfig::from_toml(&format!(
            "{BASE}asn = 65001\n[guidance]\nvlanRanges = [[2000, 2999]]\n"
        ))?;
        let guidance = config.provider_config()?.guidance;
        assert_eq!(
            (guidance.asn, guidance.vlan_ranges),
            (65001, vec![(2000, 2999)])
        );
        let config =
            ServeConfig::from_toml(&format!("{BASE}asn = 65001\n[guidance]\nasn = 65002\n"))?;
        let e = config.check().expect_err("two ASNs");
        assert!(e.message.contains("guidance.asn"), "{e}");
        // unknown members and wrong types are still refused, naming the table
        for (text, expected) in [
            ("[policy]\nmacSecBakeSecond = 1\n", "macSecBakeSecond"),
            ("[policy]\nmacSecBakeSeconds = \"long\"\n", "policy"),
            ("[guidance]\nmtuRange = [[1, 2]]\n", "mtuRange"),
        ] {
            let e = ServeConfig::from_toml(&format!("{BASE}{text}")).expect_err(text);
            assert!(e.message.contains(expected), "{e}");
            assert!(e.message.contains("line "), "{e}");
        }
        Ok(())
    }

    #[test]
    fn relative_paths_are_taken_from_the_configuration_file_s_directory() -> Result<(), CliError> {
        let dir = temp_dir("paths");
        let path = dir.join("aws.toml");
        let absolute = std::env::temp_dir().join("elsewhere.pem");
        std::fs::write(
            &path,
            format!(
                "{BASE}operator_token_file = \"secrets/op.token\"\n\
                 [tls]\ncert = \"tls/aws.pem\"\nkey = \"{}\"\n\
                 [[partners]]\nprovider = \"gcp\"\nbase_url = \"http://127.0.0.1:1\"\n\
                 token_to_call_them_file = \"to-gcp.token\"\ntoken_they_use = \"t\"\n\
                 ca_pem = \"gcp-ca.pem\"\n\
                 [[customers]]\naccount = \"111122223333\"\ntoken_file = \"c.token\"\n\
                 [store]\npath = \"aws.db\"\nsecrets_key_file = \"store.key\"\n",
                absolute.display()
            ),
        )
        .map_err(|e| CliError::usage(e.to_string()))?;
        let config = ServeConfig::from_file(&path)?;
        let tls = config.tls.as_ref().ok_or_else(|| CliError::usage("tls"))?;
        assert_eq!(tls.cert, dir.join("tls/aws.pem"));
        assert_eq!(tls.key, absolute, "an absolute path is kept");
        assert_eq!(
            config.operator_token_file,
            Some(dir.join("secrets/op.token"))
        );
        let p = &config.partners[0];
        assert_eq!(p.ca_pem, Some(dir.join("gcp-ca.pem")));
        assert_eq!(p.token_to_call_them_file, Some(dir.join("to-gcp.token")));
        assert_eq!(config.customers[0].token_file, Some(dir.join("c.token")));
        let store = config
            .store
            .as_ref()
            .ok_or_else(|| CliError::usage("store"))?;
        assert_eq!(store.path, Some(dir.join("aws.db")));
        assert_eq!(store.secrets_key_file, Some(dir.join("store.key")));
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }

    #[test]
    fn secrets_come_from_files_trimmed_and_value_and_file_together_are_refused()
    -> Result<(), CliError> {
        let dir = temp_dir("secrets");
        let io = |e: std::io::Error| CliError::usage(e.to_string());
        std::fs::write(dir.join("op.token"), "op-from-file-0123\n").map_err(io)?;
        std::fs::write(dir.join("to.token"), "to-gcp-from-file\r\n").map_err(io)?;
        std::fs::write(dir.join("they.token"), "they-from-file").map_err(io)?;
        std::fs::write(dir.join("c.token"), "cust-from-file\n").map_err(io)?;
        std::fs::write(dir.join("two.token"), "line-one-secret\nline-two-secret\n").map_err(io)?;
        std::fs::write(dir.join("empty.token"), "\n").map_err(io)?;
        let write = |text: &str| -> Result<PathBuf, CliError> {
            let path = dir.join("serve.toml");
            std::fs::write(&path, format!("{BASE}{text}")).map_err(io)?;
            Ok(path)
        };
        let mut config = ServeConfig::from_file(&write(
            "operator_token_file = \"op.token\"\n\
             [[partners]]\nprovider = \"gcp\"\nbase_url = \"http://127.0.0.1:1\"\n\
             token_to_call_them_file = \"to.token\"\ntoken_they_use_file = \"they.token\"\n\
             [[customers]]\naccount = \"111122223333\"\ntoken_file = \"c.token\"\n",
        )?)?;
        config.load_secrets(&no_env)?;
        config.check()?;
        let expose = |s: &Option<Secret>| s.as_ref().map(|s| s.expose().to_owned());
        assert_eq!(
            expose(&config.operator_token).as_deref(),
            Some("op-from-file-0123")
        );
        let p = &config.partners[0];
        assert_eq!(
            expose(&p.token_to_call_them).as_deref(),
            Some("to-gcp-from-file")
        );
        assert_eq!(expose(&p.token_they_use).as_deref(), Some("they-from-file"));
        assert_eq!(
            expose(&config.customers[0].token).as_deref(),
            Some("cust-from-file")
        );
        // value and file, a missing file, two lines, an empty file, neither
        for (text, key) in [
            (
                "operator_token = \"op-inline-0123\"\noperator_token_file = \"op.token\"\n",
                "operator_token and operator_token_file",
            ),
            (
                "[[customers]]\naccount = \"1\"\ntoken = \"cust-inline-0123\"\ntoken_file = \"c.token\"\n",
                "customers[0].token and customers[0].token_file",
            ),
            (
                "operator_token_file = \"absent.token\"\n",
                "operator_token_file",
            ),
            (
                "operator_token_file = \"two.token\"\n",
                "more than one line",
            ),
            ("operator_token_file = \"empty.token\"\n", "empty"),
        ] {
            let mut config = ServeConfig::from_file(&write(text)?)?;
            let e = config.load_secrets(&no_env).expect_err(text);
            assert!(e.message.contains(key), "{e}");
            for secret in [
                "op-from-file",
                "op-inline",
                "cust-inline",
                "cust-from-file",
                "line-one",
            ] {
                assert!(!e.message.contains(secret), "{secret} in {e}");
            }
        }
        let config =
            ServeConfig::from_file(&write("[[customers]]\naccount = \"111122223333\"\n")?)?;
        let e = config.check().expect_err("no token");
        assert!(e.message.contains("customers[0].token: missing"), "{e}");
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }

    #[test]
    fn check_refuses_duplicate_partners_bad_base_urls_and_shared_tokens() -> Result<(), CliError> {
        let twice = format!(
            "{BASE}{}{}",
            partner(""),
            partner("")
                .replace("to-gcp-0123", "x1")
                .replace("from-gcp-0123", "x2")
        );
        let e = ServeConfig::from_toml(&twice)?.check().expect_err("twice");
        assert!(
            e.message.contains("partners[1].provider") && e.message.contains("twice"),
            "{e}"
        );
        let e = ServeConfig::from_toml(&format!("{BASE}{}", partner("").replace("gcp", "aws")))?
            .check()
            .expect_err("self");
        assert!(e.message.contains("own provider"), "{e}");
        for (url, expected) in [
            ("gcp.example", "not a URL"),
            ("http//127.0.0.1:8081", "not a URL"),
            ("ftp://gcp.example", "not an http or https URL"),
            ("https://user:pw-secret@gcp.example", "user or password"),
            ("https://gcp.example/?x=1", "no query"),
        ] {
            let text = format!("{BASE}{}", partner("").replace("http://127.0.0.1:1", url));
            let e = ServeConfig::from_toml(&text)?.check().expect_err(url);
            assert!(
                e.message.contains("partners[0].base_url") && e.message.contains(expected),
                "{url}: {e}"
            );
            assert!(!e.message.contains("not https"), "{e}");
            assert!(!e.message.contains("pw-secret"), "{e}");
        }
        let shared = format!(
            "{BASE}{}[[customers]]\naccount = \"1\"\ntoken = \"from-gcp-0123\"\n",
            partner("")
        );
        let e = ServeConfig::from_toml(&shared)?
            .check()
            .expect_err("shared token");
        assert!(
            e.message.contains("customers[0].token")
                && e.message.contains("partners[0].token_they_use"),
            "{e}"
        );
        assert!(!e.message.contains("from-gcp-0123"), "{e}");
        Ok(())
    }
}
