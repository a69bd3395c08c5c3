//! A target at a URL (`interconnect conformance --target URL --token TOKEN
//! --as-provider NAME`): the operations go through
//! [`HttpCoordinator`] (`openapi.yaml`
//! paths over HTTPS). Hooks go to the operator API of the server, when its
//! URL and token are given: `issueActivationKey` to
//! `POST {operator-url}/operator/v1/activationKeys`, and, when the server
//! lists them at `GET {operator-url}/operator/v1/dev/hooks` (a development
//! server, `interconnect serve --dev`), `advanceClock`,
//! `awaitProvisioning` and `activateMacSecKey` to
//! `POST {operator-url}/operator/v1/dev/{hook}` ([`HttpTarget::discover_hooks`]).
//! Without them, the scenarios that need a hook are skipped with that
//! reason. Calls answered 429 (the server's rate limit, ERR-7) are retried
//! after a pause ([`Patient`]).

use interconnect_core::names::{EnvironmentName, MacSecKeyName, ProviderName};
use interconnect_core::wire::Secret;
use interconnect_http::client::ensure_crypto_provider;
use interconnect_http::{AnswerTap, ErrorBody, HttpCoordinator, HttpCoordinatorConfig};
use interconnect_provider::Caller;
use serde_json::Value;

use super::model::{Hook, ProbeCredentials, Role};
use super::patient::Patient;
use super::target::{HookError, RawAnswer, Target};

/// The path of the operator API that issues activation keys, under the
/// operator URL.
pub const OPERATOR_ACTIVATION_KEYS: &str = "/operator/v1/activationKeys";

/// The path, under the operator URL, that lists a development server's
/// hooks (`{"hooks": ["advanceClock", ...]}`); each hook is then
/// `POST /operator/v1/dev/{hook}`.
pub const OPERATOR_DEV_HOOKS: &str = "/operator/v1/dev/hooks";

pub use super::patient::RATE_LIMIT_RETRIES;

/// Why an [`HttpTarget`] could not be built (never shows a token).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpTargetError {
    /// The API client could not be built.
    #[error("target: {0}")]
    Client(#[from] interconnect_http::client::HttpCoordinatorError),
    /// The operator URL is neither `https://` nor plain HTTP on loopback.
    #[error("the operator URL {0:?} is not https (plain http is allowed only on loopback)")]
    OperatorUrl(String),
    /// The operator client could not be built.
    #[error("the operator client could not be built: {0}")]
    OperatorClient(String),
}

/// Why the target cannot be tested at all: one clear error naming the
/// credential or address and what the server answered (never a token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("preflight: {0}")]
pub struct PreflightError(pub String);

/// How to reach a target at a URL.
#[derive(Clone)]
pub struct HttpTargetConfig {
    /// The target's base URL.
    pub url: String,
    /// The provider the runner acts as (`--as-provider`), a partner of the
    /// target.
    pub as_provider: ProviderName,
    /// Its bearer token (`--token`).
    pub token: Secret,
    /// A provider that is not a partner of the target and its token
    /// (`--stranger NAME --stranger-token TOKEN`), for the isolation
    /// scenarios; without it they are skipped.
    pub stranger: Option<(ProviderName, Secret)>,
    /// The operator API's base URL and token (`--operator-url`,
    /// `--operator-token`), for the `issueActivationKey` hook.
    pub operator: Option<(String, Secret)>,
    /// PEM root certificates trusted besides the WebPKI roots.
    pub extra_roots_pem: Vec<Vec<u8>>,
}

impl std::fmt::Debug for HttpTargetConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTargetConfig")
            .field("url", &self.url)
            .field("as_provider", &self.as_provider)
            .field("stranger", &self.stranger.as_ref().map(|(p, _)| p))
            .field("operator", &self.operator.as_ref().map(|(u, _)| u))
            .finish_non_exhaustive()
    }
}

impl HttpTargetConfig {
    /// A target at `url`, called as `as_provider` with `token`.
    pub fn new(url: impl Into<String>, as_provider: ProviderName, token: Secret) -> Self {
        HttpTargetConfig {
            url: url.into(),
            as_provider,
            token,
            stranger: None,
            operator: None,
            extra_roots_pem: Vec::new(),
        }
    }

    /// Adds the stranger identity.
    pub fn with_stranger(mut self, provider: ProviderName, token: Secret) -> Self {
        self.stranger = Some((provider, token));
        self
    }

    /// Adds the operator API (the `issueActivationKey` hook).
    pub fn with_operator(mut self, url: impl Into<String>, token: Secret) -> Self {
        self.operator = Some((url.into(), token));
        self
    }

    /// Builds the target.
    pub fn build(self) -> Result<HttpTarget, HttpTargetError> {
        let raw = RawClient {
            url: self.url.trim_end_matches('/').to_owned(),
            token: self.token.clone(),
            client: raw_client(&self.url, &self.extra_roots_pem)?,
        };
        let mut secrets = vec![self.token.expose().to_owned()];
        if let Some((_, t)) = &self.stranger {
            secrets.push(t.expose().to_owned());
        }
        if let Some((_, t)) = &self.operator {
            secrets.push(t.expose().to_owned());
        }
        let mut api = HttpCoordinatorConfig::new(&self.url, &self.as_provider, self.token);
        if let Some((stranger, token)) = &self.stranger {
            api = api.with_credential(stranger.id(), token.clone());
        }
        for pem in &self.extra_roots_pem {
            api = api.with_root_pem(pem.clone());
        }
        let answers = AnswerTap::new();
        let coordinator = api.build()?.with_answer_tap(answers.clone());
        let operator = match self.operator {
            None => None,
            Some((url, token)) => {
                let url = url.trim_end_matches('/').to_owned();
                if !(url.starts_with("https://") || loopback_http(&url)) {
                    return Err(HttpTargetError::OperatorUrl(url));
                }
                let client = raw_client(&url, &self.extra_roots_pem)?;
                Some(Operator { url, token, client })
            }
        };
        Ok(HttpTarget {
            coordinator: Patient::new(coordinator, RATE_LIMIT_RETRIES),
            partner: self.as_provider,
            stranger: self.stranger.map(|(p, _)| p),
            operator,
            dev_hooks: Vec::new(),
            raw,
            secrets,
            answers,
        })
    }
}

/// A client of the operator API or of raw requests to the target:
/// rustls, no redirects, 30 s timeout, `https` only unless `url` is plain
/// HTTP (which the callers allow on loopback only).
fn raw_client(url: &str, extra_roots_pem: &[Vec<u8>]) -> Result<reqwest::Client, HttpTargetError> {
    ensure_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .https_only(url.starts_with("https://"))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30));
    for pem in extra_roots_pem {
        let cert = reqwest::Certificate::from_pem(pem)
            .map_err(|e| HttpTargetError::OperatorClient(e.to_string()))?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build()
        .map_err(|e| HttpTargetError::OperatorClient(e.to_string()))
}

struct RawClient {
    url: String,
    token: Secret,
    client: reqwest::Client,
}

/// `http://127.0.0.1...`, `http://localhost...` or `http://[::1]...`.
fn loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split('/').next().unwrap_or_default();
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    matches!(host, "127.0.0.1" | "localhost" | "::1")
}

struct Operator {
    url: String,
    token: Secret,
    client: reqwest::Client,
}

/// A target at a URL.
pub struct HttpTarget {
    coordinator: Patient<HttpCoordinator>,
    partner: ProviderName,
    stranger: Option<ProviderName>,
    operator: Option<Operator>,
    dev_hooks: Vec<Hook>,
    raw: RawClient,
    secrets: Vec<String>,
    /// The JSON of the last successful answer, as the target wrote it.
    answers: AnswerTap,
}

impl std::fmt::Debug for HttpTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTarget")
            .field("coordinator", &self.coordinator)
            .field("partner", &self.partner)
            .field("stranger", &self.stranger)
            .field("operator", &self.operator.as_ref().map(|o| &o.url))
            .field("dev_hooks", &self.dev_hooks)
            .finish()
    }
}

fn failed(message: impl Into<String>) -> HookError {
    failed_hook(Hook::IssueActivationKey, message)
}

fn failed_hook(hook: Hook, message: impl Into<String>) -> HookError {
    HookError::Failed {
        hook,
        message: message.into(),
    }
}

/// The hooks of a development server beyond `issueActivationKey`.
const DEV_HOOKS: [Hook; 3] = [
    Hook::AdvanceClock,
    Hook::AwaitProvisioning,
    Hook::ActivateMacSecKey,
];

impl HttpTarget {
    /// Asks the operator API which development hooks the server offers
    /// (`GET /operator/v1/dev/hooks`) and uses them; a server that does not
    /// answer 200 with a list offers none (a production server). Answers
    /// the hooks found.
    pub async fn discover_hooks(&mut self) -> Vec<Hook> {
        let Some(op) = &self.operator else {
            return Vec::new();
        };
        let answer = op
            .client
            .get(format!("{}{OPERATOR_DEV_HOOKS}", op.url))
            .bearer_auth(op.token.expose())
            .send()
            .await;
        let listed = match answer {
            Ok(response) if response.status().is_success() => {
                response.json::<Value>().await.unwrap_or_default()
            }
            _ => Value::Null,
        };
        let names: Vec<&str> = listed
            .get("hooks")
            .and_then(Value::as_array)
            .map(|hooks| hooks.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        self.dev_hooks = DEV_HOOKS
            .into_iter()
            .filter(|h| names.contains(&h.as_str()))
            .collect();
        self.dev_hooks.clone()
    }

    /// Checks the target, each token and each role once before any vector
    /// runs, so that a wrong URL or credential stops the run with one
    /// clear error instead of dozens of identical failures: the partner's
    /// token and identity (`ListProviders` answers and lists the partner,
    /// AUTH-5), the stranger's token, the operator token. Then discovers
    /// the development hooks ([`Self::discover_hooks`]).
    pub async fn preflight(&mut self) -> Result<Vec<Hook>, PreflightError> {
        use interconnect_provider::{ConnectionCoordinator, ErrorKind, request};
        let roles: Vec<(Role, String, &str)> =
            std::iter::once((Role::Partner, self.partner.to_string(), "--token"))
                .chain(
                    self.stranger
                        .iter()
                        .map(|s| (Role::Stranger, s.to_string(), "--stranger-token")),
                )
                .collect();
        for (role, who, flag) in roles {
            let answer = self
                .coordinator
                .list_providers(&self.caller(role), request::ListProviders {})
                .await;
            match answer {
                Ok(listed) => {
                    // The stranger may be a partner of nothing here; the
                    // partner must be listed (AUTH-5).
                    if role == Role::Partner
                        && !listed
                            .providers
                            .iter()
                            .any(|p| p.name.as_ref().is_some_and(|n| n.to_string() == who))
                    {
                        return Err(PreflightError(format!(
                            "ListProviders with {flag} does not list {who} among the providers \
                             the token may act as (AUTH-5): the token belongs to another provider?"
                        )));
                    }
                }
                Err(e) if e.kind() == ErrorKind::Unauthenticated => {
                    return Err(PreflightError(format!(
                        "the target refused {flag} (the token of {who}): 401 {e}"
                    )));
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::Unavailable | ErrorKind::DeadlineExceeded
                    ) =>
                {
                    return Err(PreflightError(format!(
                        "the target {} does not answer: {e}",
                        self.raw.url
                    )));
                }
                Err(e) => {
                    return Err(PreflightError(format!(
                        "ListProviders as {who} answered {} {}: {e}",
                        e.http_status(),
                        e.kind().status_name()
                    )));
                }
            }
        }
        if let Some(op) = &self.operator {
            let answer = op
                .client
                .get(format!("{}{OPERATOR_DEV_HOOKS}", op.url))
                .bearer_auth(op.token.expose())
                .send()
                .await
                .map_err(|e| {
                    PreflightError(format!(
                        "the operator API {} does not answer: {}",
                        op.url,
                        e.without_url()
                    ))
                })?;
            let status = answer.status().as_u16();
            if status == 401 || status == 403 {
                return Err(PreflightError(format!(
                    "the operator API refused --operator-token: {status}"
                )));
            }
        }
        Ok(self.discover_hooks().await)
    }

    /// Calls the development hook `hook` with `body`.
    async fn dev_hook(&self, hook: Hook, body: Value) -> Result<(), HookError> {
        let Some(op) = self
            .operator
            .as_ref()
            .filter(|_| self.dev_hooks.contains(&hook))
        else {
            return Err(HookError::Unsupported(hook));
        };
        let response = op
            .client
            .post(format!("{}/operator/v1/dev/{}", op.url, hook.as_str()))
            .bearer_auth(op.token.expose())
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                failed_hook(
                    hook,
                    format!("the operator API is unreachable: {}", e.without_url()),
                )
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let detail = response
            .bytes()
            .await
            .ok()
            .and_then(|bytes| ErrorBody::parse(status.as_u16(), &bytes).ok())
            .map(|body| body.error.message)
            .unwrap_or_default();
        Err(failed_hook(
            hook,
            format!("the operator API answered {} {detail}", status.as_u16()),
        ))
    }
}

impl Target for HttpTarget {
    type Coordinator = Patient<HttpCoordinator>;

    fn coordinator(&self) -> &Patient<HttpCoordinator> {
        &self.coordinator
    }

    fn partner(&self) -> &ProviderName {
        &self.partner
    }

    fn caller(&self, role: Role) -> Caller {
        match (role, &self.stranger) {
            (Role::Stranger, Some(stranger)) => Caller::partner(stranger.clone()),
            _ => Caller::partner(self.partner.clone()),
        }
    }

    fn has_role(&self, role: Role) -> bool {
        role == Role::Partner || self.stranger.is_some()
    }

    fn has_hook(&self, hook: Hook) -> bool {
        hook == Hook::RawHttp
            || self.operator.is_some()
                && (hook == Hook::IssueActivationKey || self.dev_hooks.contains(&hook))
    }

    fn secrets(&self) -> Vec<String> {
        self.secrets.clone()
    }

    fn take_answer_document(&self) -> Option<Result<Value, String>> {
        let body = self.answers.take()?;
        Some(
            serde_json::from_slice(&body)
                .map_err(|e| format!("the answer is not a JSON document: {e}")),
        )
    }

    async fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        credentials: ProbeCredentials,
        wrong_token: &str,
    ) -> Result<RawAnswer, HookError> {
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|_| failed_hook(Hook::RawHttp, format!("bad method {method}")))?;
        let mut request = self
            .raw
            .client
            .request(method, format!("{}{path}", self.raw.url));
        request = match credentials {
            ProbeCredentials::None => request,
            ProbeCredentials::Wrong => request.bearer_auth(wrong_token),
            ProbeCredentials::Partner => request.bearer_auth(self.raw.token.expose()),
        };
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| {
            failed_hook(
                Hook::RawHttp,
                format!("the target is unreachable: {}", e.without_url()),
            )
        })?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| {
            failed_hook(
                Hook::RawHttp,
                format!("the answer could not be read: {}", e.without_url()),
            )
        })?;
        Ok(RawAnswer {
            status,
            body: body.to_vec(),
        })
    }

    async fn advance_clock(&self, seconds: i64) -> Result<(), HookError> {
        self.dev_hook(
            Hook::AdvanceClock,
            serde_json::json!({ "seconds": seconds }),
        )
        .await
    }

    async fn await_provisioning(&self) -> Result<(), HookError> {
        self.dev_hook(Hook::AwaitProvisioning, serde_json::json!({}))
            .await
    }

    async fn activate_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), HookError> {
        self.dev_hook(
            Hook::ActivateMacSecKey,
            serde_json::json!({ "name": key.to_string() }),
        )
        .await
    }

    async fn issue_activation_key(
        &self,
        environment: &EnvironmentName,
        bandwidth_mbps: i32,
        destination_account_id: Secret,
    ) -> Result<Secret, HookError> {
        let Some(op) = &self.operator else {
            return Err(HookError::Unsupported(Hook::IssueActivationKey));
        };
        let body = serde_json::json!({
            "environment": environment.to_string(),
            "bandwidthMbps": bandwidth_mbps,
            "destinationAccountId": destination_account_id.expose(),
        });
        let response = op
            .client
            .post(format!("{}{OPERATOR_ACTIVATION_KEYS}", op.url))
            .bearer_auth(op.token.expose())
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                failed(format!(
                    "the operator API is unreachable: {}",
                    e.without_url()
                ))
            })?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| failed(format!("the operator API answer: {}", e.without_url())))?;
        if !status.is_success() {
            // The error body is the API's error shape; it names no secret.
            let detail = ErrorBody::parse(status.as_u16(), &bytes)
                .map(|body| body.error.message)
                .unwrap_or_default();
            return Err(failed(format!(
                "the operator API answered {} {detail}",
                status.as_u16()
            )));
        }
        let answer: Value = serde_json::from_slice(&bytes)
            .map_err(|e| failed(format!("the operator API answer is not JSON: {e}")))?;
        answer
            .get("activationKey")
            .and_then(Value::as_str)
            .map(|k| Secret::new(k.to_owned()))
            .ok_or_else(|| failed("the operator API answer has no `activationKey` string"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_urls_are_https_or_loopback() {
        assert!(loopback_http("http://127.0.0.1:9/x"));
        assert!(loopback_http("http://[::1]:9"));
        assert!(!loopback_http("http://127.0.0.1.evil.example"));
        let gcp = ProviderName::new("gcp").expect("id");
        let e = HttpTargetConfig::new("https://t.example", gcp, Secret::new("t"))
            .with_operator("http://ops.example", Secret::new("o"))
            .build()
            .expect_err("plain http off loopback");
        assert!(matches!(e, HttpTargetError::OperatorUrl(_)));
    }

    #[test]
    fn debug_never_shows_tokens() {
        let gcp = ProviderName::new("gcp").expect("id");
        let azure = ProviderName::new("azure").expect("id");
        let c = HttpTargetConfig::new("https://t.example", gcp, Secret::new("tok-1"))
            .with_stranger(azure, Secret::new("tok-2"))
            .with_operator("https://o.example", Secret::new("tok-3"));
        let shown = format!("{c:?}");
        assert!(!shown.contains("tok-"), "{shown}");
        let t = c.build().expect("builds");
        assert!(!format!("{t:?}").contains("tok-"));
    }
}
