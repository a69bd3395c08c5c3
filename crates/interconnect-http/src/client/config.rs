//! Configuration of [`HttpCoordinator`]: the peer's base URL, the bearer
//! token(s), extra trusted roots and timeouts; every call says
//! [`USER_AGENT`]. TLS is rustls (ring) with a
//! minimum of TLS 1.3 (AUTH-6).

use std::collections::BTreeMap;
use std::time::Duration;

use interconnect_core::names::ProviderName;
use interconnect_core::wire::Secret;

use super::HttpCoordinator;

/// How long an idle keep-alive connection stays in the pool (20 s, under
/// the 30 s a server following [`ListenerLimits`](crate::ListenerLimits)
/// keeps it).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(20);

/// The `User-Agent` of every call to a peer (OPS-52).
pub const USER_AGENT: &str = concat!("interconnect/", env!("CARGO_PKG_VERSION"));

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpCoordinatorError {
    /// An extra root certificate is not PEM.
    #[error("root certificate {index} is not a PEM certificate")]
    RootCertificate {
        /// Its position in the configuration.
        index: usize,
    },
    /// The base URL is neither `https://` nor plain HTTP on a loopback
    /// address (AUTH-6: peers are reached over TLS).
    #[error("the base URL {0:?} is not https (plain http is allowed only on loopback)")]
    BaseUrl(String),
    /// The HTTP client could not be built.
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
}

/// How to reach a peer.
#[derive(Clone)]
pub struct HttpCoordinatorConfig {
    /// The peer's base URL (`https://peer.example`); paths are appended.
    /// Plain `http://` is accepted only for loopback hosts (tests).
    pub base_url: String,
    /// Bearer token per principal (the provider id for a partner).
    pub credentials: BTreeMap<String, Secret>,
    /// PEM root certificates trusted besides the WebPKI roots.
    pub extra_roots_pem: Vec<Vec<u8>>,
    /// Time allowed to connect (default 5 s).
    pub connect_timeout: Duration,
    /// Time allowed for a whole request (default 30 s).
    pub request_timeout: Duration,
}

impl std::fmt::Debug for HttpCoordinatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpCoordinatorConfig")
            .field("base_url", &self.base_url)
            .field("principals", &self.credentials.keys().collect::<Vec<_>>())
            .field("extra_roots", &self.extra_roots_pem.len())
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

impl HttpCoordinatorConfig {
    /// A client acting as `provider` with its `token`.
    pub fn new(base_url: impl Into<String>, provider: &ProviderName, token: Secret) -> Self {
        HttpCoordinatorConfig {
            base_url: base_url.into(),
            credentials: BTreeMap::from([(provider.id().to_owned(), token)]),
            extra_roots_pem: Vec::new(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
        }
    }

    /// Adds the token of another principal this client speaks for.
    pub fn with_credential(mut self, principal: impl Into<String>, token: Secret) -> Self {
        self.credentials.insert(principal.into(), token);
        self
    }

    /// Trusts an extra PEM root certificate (a private CA).
    pub fn with_root_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_roots_pem.push(pem.into());
        self
    }

    /// Sets the connect and request timeouts.
    pub fn with_timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.connect_timeout = connect;
        self.request_timeout = request;
        self
    }

    /// Builds the client. Installs rustls' ring provider as the process
    /// default when none is installed (reqwest needs one).
    pub fn build(self) -> Result<HttpCoordinator, HttpCoordinatorError> {
        let client = self.http_client()?;
        Ok(HttpCoordinator {
            base_url: self.base_url.trim_end_matches('/').to_owned(),
            credentials: self.credentials,
            client,
            tap: None,
        })
    }

    /// The reqwest client [`build`](Self::build) uses, configured exactly
    /// as the coordinator's: rustls with TLS 1.3 at least, https only
    /// unless the base URL is plain loopback HTTP, no redirects, the
    /// timeouts, `TCP_NODELAY`, and a keep-alive pool whose idle
    /// connections are reused by every later call to the same peer.
    pub fn http_client(&self) -> Result<reqwest::Client, HttpCoordinatorError> {
        let base = self.base_url.trim_end_matches('/');
        if !(base.starts_with("https://") || is_loopback_http(base)) {
            return Err(HttpCoordinatorError::BaseUrl(base.to_owned()));
        }
        ensure_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .min_tls_version(reqwest::tls::Version::TLS_1_3)
            .https_only(base.starts_with("https://"))
            // A redirect would carry the request (and its token) elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            // OPS-52: the peer's logs tell this implementation and version
            .user_agent(USER_AGENT)
            // Requests and answers are small: send them at once, never
            // wait for Nagle's algorithm to coalesce them.
            .tcp_nodelay(true)
            // An idle pooled connection is dropped before a server following
            // `ListenerLimits`' default (30 s) closes it, so a call never
            // races the server's close of the connection it picked (OPS-20).
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout);
        for (index, pem) in self.extra_roots_pem.iter().enumerate() {
            let cert = reqwest::Certificate::from_pem(pem)
                .map_err(|_| HttpCoordinatorError::RootCertificate { index })?;
            builder = builder.add_root_certificate(cert);
        }
        builder
            .build()
            .map_err(|e| HttpCoordinatorError::Client(e.to_string()))
    }
}

/// Installs rustls' ring provider as the process default unless one is
/// installed already (reqwest built without a provider needs one; every
/// reqwest client of the process then uses it).
pub fn ensure_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may win the race; either way a provider is set.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// `http://127.0.0.1...`, `http://localhost...` or `http://[::1]...`.
fn is_loopback_http(base: &str) -> bool {
    let Some(rest) = base.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split('/').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_owned()
    };
    matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(is_loopback_http("http://127.0.0.1:8080"));
        assert!(is_loopback_http("http://localhost/x"));
        assert!(is_loopback_http("http://[::1]:9"));
        assert!(!is_loopback_http("http://peer.example"));
        assert!(!is_loopback_http("http://127.0.0.1.evil.example"));
        let gcp = ProviderName::new("gcp").expect("id");
        let e = HttpCoordinatorConfig::new("http://peer.example", &gcp, Secret::new("t"))
            .build()
            .expect_err("AUTH-6: no plain http to a peer");
        assert!(matches!(e, HttpCoordinatorError::BaseUrl(_)));
        assert!(
            HttpCoordinatorConfig::new("https://peer.example", &gcp, Secret::new("t"))
                .build()
                .is_ok()
        );
    }

    #[test]
    fn debug_never_shows_tokens() {
        let gcp = ProviderName::new("gcp").expect("id");
        let c = HttpCoordinatorConfig::new("https://p", &gcp, Secret::new("tok-123"));
        assert!(!format!("{c:?}").contains("tok-123"));
    }
}
