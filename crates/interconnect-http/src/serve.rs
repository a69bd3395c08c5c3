//! The serving loop: an axum [`Router`] over TLS 1.3, or over plain HTTP on
//! loopback for development only.
//!
//! Implements `governance/SECURITY_AND_OPERATIONAL_EXCELLENCE.md`
//! § Mandatory Encryption (requirement AUTH-6; `spec/ERRATA.md` E-59): a
//! provider's endpoint is reachable only over TLS 1.3 or later. Plain HTTP
//! exists so that a developer can run the reference provider on one machine;
//! [`serve`] refuses it unless the listener is bound to a loopback address,
//! so it can never face another host.
//!
//! A failed TLS handshake (an old client, a scanner, a wrong certificate)
//! drops only that connection; it is logged at `debug` with the peer address
//! and rustls's reason, which carries no secret.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::{Request, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::error_body::ApiError;
use crate::request_id::{REQUEST_ID, request_id};
use crate::rules;
use interconnect_provider::CoordinatorError;

/// How long a client may take to complete the TLS handshake before its
/// connection is dropped, so that idle sockets cannot pile up.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the accept loop pauses after an accept error that is not about
/// a single connection (for example, too many open files).
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// hyper's read buffer for one request head (request line and header
/// fields). A head that does not fit is answered by hyper itself with a bare
/// 431 (no error document); it is set well above
/// [`ListenerLimits::max_header_bytes`] plus
/// [`ListenerLimits::max_target_bytes`], so that the server's own,
/// smaller limits answer first, with the error document (OPS-60, OPS-61;
/// `spec/ERRATA.md` E-440).
pub const HARD_HEAD_BYTES: usize = 256 * 1024;

/// The most header fields hyper parses in one head; beyond it hyper answers
/// a bare 431 itself. Above [`ListenerLimits::max_header_count`]'s largest
/// setting, for the same reason as [`HARD_HEAD_BYTES`].
pub const HARD_HEADER_COUNT: usize = 256;

/// The longest request target hyper accepts (its own constant); beyond it
/// hyper answers a bare 414 itself.
pub const HARD_TARGET_BYTES: usize = u16::MAX as usize - 1;

/// The largest [`ListenerLimits::max_header_bytes`] (it and the target must
/// fit in [`HARD_HEAD_BYTES`] together).
pub const MAX_HEADER_BYTES_SETTING: usize = 128 * 1024;

/// The largest [`ListenerLimits::max_header_count`].
pub const MAX_HEADER_COUNT_SETTING: usize = HARD_HEADER_COUNT / 2;

/// How the listener's connections are carried.
#[derive(Clone)]
pub enum Transport {
    /// TLS with this server configuration; build it with
    /// [`TlsConfig::server_config`](crate::TlsConfig::server_config), which
    /// accepts TLS 1.3 only.
    Tls(Arc<rustls::ServerConfig>),
    /// Plain HTTP, refused by [`serve`] unless the listener is bound to a
    /// loopback address. For development on one machine only.
    PlainLoopbackForDevelopment,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The server configuration holds the private key: never print it.
            Transport::Tls(_) => f.write_str("Tls(..)"),
            Transport::PlainLoopbackForDevelopment => f.write_str("PlainLoopbackForDevelopment"),
        }
    }
}

/// Why [`serve`] stopped or refused to start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// Plain HTTP was requested on an address other hosts can reach.
    #[error(
        "AUTH-6: plain HTTP is refused on {address}: provider-to-provider calls use TLS 1.3; \
         plain HTTP is allowed on a loopback address only, for development"
    )]
    PlainHttpNotLoopback {
        /// The listener's address.
        address: SocketAddr,
    },
    /// The listener's local address could not be read.
    #[error("cannot read the listener's local address: {0}")]
    LocalAddress(#[source] std::io::Error),
    /// The plain HTTP server failed.
    #[error("plain HTTP server failed: {0}")]
    Io(#[source] std::io::Error),
}

/// Checks that plain HTTP may be served on `address`: only loopback
/// addresses (`127.0.0.0/8`, `::1`, and IPv4-mapped loopback) are allowed
/// (AUTH-6).
pub fn check_plain_allowed(address: SocketAddr) -> Result<(), ServeError> {
    if address.ip().to_canonical().is_loopback() {
        Ok(())
    } else {
        Err(ServeError::PlainHttpNotLoopback { address })
    }
}

/// Binds a listener on `127.0.0.1:port` (port 0 picks a free port; read it
/// back with [`TcpListener::local_addr`]).
pub async fn bind_loopback(port: u16) -> std::io::Result<TcpListener> {
    TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await
}

/// The bounds every listener keeps, plain or TLS (`spec/REQUIREMENTS.md`
/// OPS-20, OPS-22, OPS-23; `spec/ERRATA.md` E-410): a client that connects
/// and sends nothing, sends its head a byte at a time, or holds an idle
/// keep-alive connection cannot hold a connection slot for longer than
/// [`header_read_timeout`](Self::header_read_timeout), the number of open
/// connections is capped, and a stop waits at most
/// [`shutdown_grace`](Self::shutdown_grace) for in-flight requests.
///
/// The head of a request is bounded as well: a request target longer than
/// [`max_target_bytes`](Self::max_target_bytes) is answered 414, header
/// fields beyond [`max_header_bytes`](Self::max_header_bytes) or
/// [`max_header_count`](Self::max_header_count) 431, both with the error
/// document (OPS-60, OPS-61). What hyper refuses before the request reaches
/// the server (a head beyond [`HARD_HEAD_BYTES`], a target beyond
/// [`HARD_TARGET_BYTES`], a request line that is not HTTP) is answered by
/// hyper with an empty body (E-440).
///
/// The body read timeout is the router's
/// ([`RouterConfig::body_read_timeout`](crate::RouterConfig::body_read_timeout),
/// OPS-21), since the body is read by the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListenerLimits {
    /// How long a connection may take to deliver a request's line and
    /// headers, counted from the moment the server is ready for the request:
    /// the TLS handshake's end for the first one, the previous answer for
    /// the next ones on a keep-alive connection. It bounds the idle time of
    /// a keep-alive connection as well. Default 30 s (clients keep idle
    /// connections for less: [`HttpCoordinator`](crate::HttpCoordinator)
    /// for 20 s).
    pub header_read_timeout: Duration,
    /// How long the TLS handshake may take. Default 10 s.
    pub handshake_timeout: Duration,
    /// The most connections served at once; beyond it the listener stops
    /// accepting until one closes (new clients wait in the kernel's
    /// backlog instead of being refused). Default 1024.
    pub max_connections: usize,
    /// How long a stop waits for in-flight requests before it closes the
    /// connections that still hold one. Default 30 s.
    pub shutdown_grace: Duration,
    /// The longest request target (the path and query of the request line)
    /// in bytes; longer is 414 (OPS-60). Default 8 KiB, at most
    /// [`HARD_TARGET_BYTES`].
    pub max_target_bytes: usize,
    /// The most bytes of header fields (each counted as name, value and 4
    /// bytes of `": "` and line end); more is 431 (OPS-61). Default 32 KiB,
    /// at most 128 KiB.
    pub max_header_bytes: usize,
    /// The most header fields; more is 431 (OPS-61). Default 100, at most
    /// 128.
    pub max_header_count: usize,
}

impl Default for ListenerLimits {
    fn default() -> Self {
        ListenerLimits {
            header_read_timeout: Duration::from_secs(30),
            handshake_timeout: HANDSHAKE_TIMEOUT,
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(30),
            max_target_bytes: 8 * 1024,
            max_header_bytes: 32 * 1024,
            max_header_count: 100,
        }
    }
}

impl ListenerLimits {
    /// Sets [`header_read_timeout`](Self::header_read_timeout).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets [`handshake_timeout`](Self::handshake_timeout).
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// Sets [`max_connections`](Self::max_connections) (at least 1).
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// Sets [`shutdown_grace`](Self::shutdown_grace).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Sets [`max_target_bytes`](Self::max_target_bytes) (1 to
    /// [`HARD_TARGET_BYTES`]).
    pub fn max_target_bytes(mut self, bytes: usize) -> Self {
        self.max_target_bytes = bytes.clamp(1, HARD_TARGET_BYTES);
        self
    }

    /// Sets [`max_header_bytes`](Self::max_header_bytes) (1 to 128 KiB).
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.max_header_bytes = bytes.clamp(1, MAX_HEADER_BYTES_SETTING);
        self
    }

    /// Sets [`max_header_count`](Self::max_header_count) (1 to 128).
    pub fn max_header_count(mut self, count: usize) -> Self {
        self.max_header_count = count.clamp(1, MAX_HEADER_COUNT_SETTING);
        self
    }

    /// The answer to a request whose head passes these bounds, before it
    /// is routed (OPS-60, OPS-61): `None` when it is within them.
    fn refuse_head<B>(&self, req: &Request<B>) -> Option<Response> {
        let target = target_len(req.uri());
        let refusal = if target > self.max_target_bytes {
            ApiError::with_status(
                CoordinatorError::invalid_argument(
                    rules::OPS_TARGET_TOO_LONG,
                    format!(
                        "the request target is {target} bytes; this server reads at most {}",
                        self.max_target_bytes
                    ),
                ),
                StatusCode::URI_TOO_LONG,
            )
        } else if req.headers().len() > self.max_header_count {
            ApiError::with_status(
                CoordinatorError::invalid_argument(
                    rules::OPS_HEAD_TOO_LARGE,
                    format!(
                        "the request has {} header fields; this server reads at most {}",
                        req.headers().len(),
                        self.max_header_count
                    ),
                ),
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            )
        } else {
            let bytes = header_bytes(req.headers());
            if bytes <= self.max_header_bytes {
                return None;
            }
            ApiError::with_status(
                CoordinatorError::invalid_argument(
                    rules::OPS_HEAD_TOO_LARGE,
                    format!(
                        "the request's header fields are {bytes} bytes; this server reads at most {}",
                        self.max_header_bytes
                    ),
                ),
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            )
        };
        tracing::debug!(
            method = %req.method(),
            status = refusal.status().as_u16(),
            "request head refused before routing"
        );
        let mut response = refusal.into_response();
        response
            .headers_mut()
            .insert(REQUEST_ID, request_id(req.headers()));
        Some(response)
    }
}

/// The length of the request target as it came on the request line: the
/// path and query (origin form), with the scheme and authority when the
/// client sent the absolute form.
fn target_len(uri: &Uri) -> usize {
    let scheme = uri.scheme_str().map_or(0, |s| s.len() + 3);
    let authority = uri.authority().map_or(0, |a| a.as_str().len());
    let path = uri.path_and_query().map_or(0, |p| p.as_str().len());
    scheme + authority + path
}

/// The size of the header fields as sent: name, `": "`, value, line end.
fn header_bytes(headers: &axum::http::HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

/// Serves `app` on `listener` with the default [`ListenerLimits`] until
/// `shutdown` completes; see [`serve_with`].
pub async fn serve(
    listener: TcpListener,
    app: Router,
    transport: Transport,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    serve_with(
        listener,
        app,
        transport,
        ListenerLimits::default(),
        shutdown,
    )
    .await
}

/// Serves `app` on `listener` until `shutdown` completes, then stops
/// accepting, lets every open connection finish its in-flight request for
/// up to [`ListenerLimits::shutdown_grace`], closes the ones still open,
/// and returns.
///
/// With [`Transport::Tls`] each connection is a TLS session (TLS 1.3 only
/// when the configuration comes from [`TlsConfig`](crate::TlsConfig)); a
/// failed handshake drops that connection only. With
/// [`Transport::PlainLoopbackForDevelopment`] the listener must be bound to
/// a loopback address, else [`ServeError::PlainHttpNotLoopback`] is returned
/// before any connection is accepted. Both carry HTTP/1.1 only (E-411): a
/// client that opens with the HTTP/2 preface is closed.
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    transport: Transport,
    limits: ListenerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let acceptor = match transport {
        Transport::Tls(config) => Some(TlsAcceptor::from(config)),
        Transport::PlainLoopbackForDevelopment => {
            let address = listener.local_addr().map_err(ServeError::LocalAddress)?;
            check_plain_allowed(address)?;
            tracing::warn!(%address, "serving plain HTTP on loopback, for development only");
            None
        }
    };
    accept_loop(listener, app, acceptor, limits, shutdown).await;
    Ok(())
}

/// Whether the server that runs a request is still accepting connections
/// (OPS-54): put into every request by the accept loop, read by `/readyz`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Serving(Arc<AtomicBool>);

impl Serving {
    /// Whether a stop began.
    pub(crate) fn is_stopping(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The accept loop. Each connection runs in its own task and holds one of
/// `limits.max_connections` permits; `stop` tells them to finish their
/// in-flight request and close.
async fn accept_loop(
    listener: TcpListener,
    app: Router,
    acceptor: Option<TlsAcceptor>,
    limits: ListenerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let serving = Serving::default();
    let app = app.layer(axum::Extension(serving.clone()));
    let (stop, stopped) = watch::channel(false);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut at_cap_logged = false;
    loop {
        // OPS-22: a connection slot first, then the connection; at the cap
        // the listener waits (new clients queue in the backlog).
        let permit = match permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if !at_cap_logged {
                    tracing::warn!(
                        max_connections = limits.max_connections,
                        "connection cap reached; new connections wait until one closes"
                    );
                    at_cap_logged = true;
                }
                tokio::select! {
                    () = &mut shutdown => break,
                    Some(_) = connections.join_next(), if !connections.is_empty() => continue,
                    acquired = permits.clone().acquire_owned() => match acquired {
                        Ok(permit) => permit,
                        // The semaphore is never closed.
                        Err(_) => break,
                    },
                }
            }
        };
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    if permits.available_permits() > 0 {
                        at_cap_logged = false;
                    }
                    connections.spawn(serve_connection(
                        stream,
                        peer,
                        acceptor.clone(),
                        app.clone(),
                        limits,
                        stopped.clone(),
                        permit,
                    ));
                }
                Err(error) if is_connection_error(&error) => {
                    tracing::debug!(%error, "accept failed for one connection");
                }
                Err(error) => {
                    tracing::warn!(%error, "accept failed; pausing");
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => {}
                    }
                }
            },
        }
    }
    serving.0.store(true, Ordering::Relaxed);
    drop(listener);
    // Receivers keep working after the sender is gone, so the send result
    // (an error only when every connection already ended) does not matter.
    let _ = stop.send(true);
    // OPS-23: one stuck client cannot hold the process.
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            grace_seconds = limits.shutdown_grace.as_secs(),
            "connections still open after the shutdown grace period; closing them"
        );
        connections.shutdown().await;
    }
}

/// One connection: the TLS handshake when there is an acceptor, then
/// HTTP/1.1 until the peer closes, a timeout closes it, or the server stops.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    acceptor: Option<TlsAcceptor>,
    app: Router,
    limits: ListenerLimits,
    mut stopped: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    // Small requests and answers go out at once (no Nagle delay).
    let _ = stream.set_nodelay(true);
    let Some(acceptor) = acceptor else {
        serve_http(TokioIo::new(stream), peer, app, limits, stopped).await;
        return;
    };
    let handshake = tokio::time::timeout(limits.handshake_timeout, acceptor.accept(stream));
    let tls = tokio::select! {
        result = handshake => match result {
            Ok(Ok(tls)) => tls,
            Ok(Err(error)) => {
                tracing::debug!(%peer, %error, "TLS handshake failed; connection dropped");
                return;
            }
            Err(_) => {
                tracing::debug!(%peer, "TLS handshake timed out; connection dropped");
                return;
            }
        },
        () = stop_requested(&mut stopped) => return,
    };
    serve_http(TokioIo::new(tls), peer, app, limits, stopped).await;
}

/// HTTP/1.1 on one connection, with the header read timeout (OPS-20).
async fn serve_http<I>(
    io: TokioIo<I>,
    peer: SocketAddr,
    app: Router,
    limits: ListenerLimits,
    mut stopped: watch::Receiver<bool>,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(HARD_HEAD_BYTES)
        .max_headers(HARD_HEADER_COUNT);
    // OPS-60, OPS-61: the head's bounds, checked before routing, so that
    // every API (and the unmatched paths) answers them with the error
    // document.
    let service = tower::service_fn(move |req: Request<Incoming>| {
        let app = app.clone();
        async move {
            if let Some(refusal) = limits.refuse_head(&req) {
                return Ok::<_, Infallible>(refusal);
            }
            app.oneshot(req).await
        }
    });
    let connection = builder.serve_connection(io, TowerToHyperService::new(service));
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
        }
        () = stop_requested(&mut stopped) => {
            connection.as_mut().graceful_shutdown();
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "connection ended with an error during shutdown");
            }
        }
    }
}

/// Completes once the server is stopping (or the accept loop is gone).
async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    // The guard returned by `wait_for` is dropped here, before any other
    // await, so that the connection task stays `Send`.
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// Accept errors that concern one connection only; the loop goes on at once.
fn is_connection_error(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_allow_plain_http() -> Result<(), ServeError> {
        for address in [
            "127.0.0.1:8080",
            "127.1.2.3:1",
            "[::1]:8080",
            "[::ffff:127.0.0.1]:80",
        ] {
            check_plain_allowed(address.parse().expect("test address parses"))?;
        }
        Ok(())
    }

    #[test]
    fn other_addresses_refuse_plain_http() {
        for address in [
            "0.0.0.0:8080",
            "192.0.2.1:80",
            "[::]:8080",
            "[2001:db8::1]:443",
            "[::ffff:192.0.2.1]:80",
        ] {
            let parsed: SocketAddr = address.parse().expect("test address parses");
            let result = check_plain_allowed(parsed);
            assert!(
                matches!(result, Err(ServeError::PlainHttpNotLoopback { address: a }) if a == parsed),
                "AUTH-6: plain HTTP on {address} must be refused, got {result:?}"
            );
        }
    }
}
