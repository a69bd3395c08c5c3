//! AUTH-6 (governance § Mandatory Encryption; spec/ERRATA.md E-59): the
//! server accepts TLS 1.3 only, refuses plain HTTP off loopback, and reports
//! bad certificate or key input with typed errors that never quote the key.
//!
//! Certificates are generated at test time (a CA and a leaf for `localhost`
//! and 127.0.0.1); servers bind 127.0.0.1 port 0 only.
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use interconnect_http::{
    PemOrigin, ServeError, TlsConfig, TlsConfigError, Transport, bind_loopback,
    check_plain_allowed, client_config, serve,
};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_rustls::TlsConnector;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const BODY: &str = r#"{"pong":true}"#;

/// A CA and a leaf certificate for `localhost` / 127.0.0.1 signed by it.
struct Pki {
    ca_der: CertificateDer<'static>,
    leaf_pem: String,
    leaf_key_pem: String,
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "interconnect test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().expect("CA key");
    let ca = ca_params.self_signed(&ca_key).expect("CA certificate");

    let mut leaf_params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .expect("leaf parameters");
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = leaf_params
        .signed_by(&leaf_key, &ca, &ca_key)
        .expect("leaf certificate");
    Pki {
        ca_der: ca.der().clone(),
        leaf_pem: leaf.pem(),
        leaf_key_pem: leaf_key.serialize_pem(),
    }
}

/// The base64 lines of a PEM document: the bytes that must never leak.
fn body_lines(pem: &str) -> Vec<&str> {
    pem.lines()
        .filter(|line| !line.starts_with("-----") && !line.trim().is_empty())
        .collect()
}

fn assert_quotes_no_key(error: &TlsConfigError, key_pem: &str) {
    let shown = format!("{error} / {error:?}");
    for line in body_lines(key_pem) {
        // Even a fragment is too much: check every 16-byte window.
        for window in line.as_bytes().windows(16) {
            let fragment = String::from_utf8_lossy(window);
            assert!(
                !shown.contains(fragment.as_ref()),
                "the error quotes key bytes {fragment:?}: {shown}"
            );
        }
    }
}

fn app() -> Router {
    Router::new().route(
        "/ping",
        get(|| async { ([("content-type", "application/json")], BODY) }),
    )
}

struct Running {
    address: SocketAddr,
    stop: oneshot::Sender<()>,
    server: JoinHandle<Result<(), ServeError>>,
}

impl Running {
    async fn start(transport: Transport) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let listener = bind_loopback(0).await?;
        let address = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, app(), transport, async move {
            let _ = stopped.await;
        }));
        Ok(Running {
            address,
            stop,
            server,
        })
    }

    async fn start_tls(pki: &Pki) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let config = TlsConfig::from_pem(pki.leaf_pem.as_bytes(), pki.leaf_key_pem.as_bytes())?;
        Self::start(Transport::Tls(config.server_config()?)).await
    }

    /// Stops the server and checks that `serve` returned `Ok` (graceful
    /// shutdown on the future).
    async fn stop(self) -> TestResult {
        let _ = self.stop.send(());
        self.server.await??;
        Ok(())
    }
}

/// A GET /ping over a raw tokio-rustls client; returns the whole response.
async fn raw_get(
    address: SocketAddr,
    config: rustls::ClientConfig,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let stream = TcpStream::connect(address).await?;
    let connector = TlsConnector::from(Arc::new(config));
    let mut tls = connector
        .connect(ServerName::try_from("localhost")?, stream)
        .await?;
    let (_, session) = tls.get_ref();
    assert_eq!(
        session.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_3),
        "AUTH-6: the session must be TLS 1.3"
    );
    assert_eq!(session.alpn_protocol(), Some(&b"http/1.1"[..]));
    tls.write_all(b"GET /ping HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
        .await?;
    let mut response = Vec::new();
    tls.read_to_end(&mut response).await?;
    Ok(String::from_utf8(response)?)
}

fn tls12_only_client(
    pki: &Pki,
) -> Result<rustls::ClientConfig, Box<dyn std::error::Error + Send + Sync>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca_der.clone())?;
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(&[&rustls::version::TLS12])?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

#[tokio::test]
async fn tls13_client_gets_200() -> TestResult {
    let pki = pki();
    let running = Running::start_tls(&pki).await?;
    let response = raw_get(
        running.address,
        client_config(std::slice::from_ref(&pki.ca_der))?,
    )
    .await?;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(BODY), "{response}");
    running.stop().await
}

#[tokio::test]
async fn tls12_only_client_is_refused_and_the_server_keeps_serving() -> TestResult {
    let pki = pki();
    let running = Running::start_tls(&pki).await?;

    let stream = TcpStream::connect(running.address).await?;
    let connector = TlsConnector::from(Arc::new(tls12_only_client(&pki)?));
    let refused = connector
        .connect(ServerName::try_from("localhost")?, stream)
        .await;
    let Err(error) = refused else {
        panic!("AUTH-6: a TLS 1.2-only client completed the handshake");
    };
    let rustls_error = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    assert!(
        matches!(
            rustls_error,
            Some(rustls::Error::AlertReceived(
                rustls::AlertDescription::ProtocolVersion
            ))
        ),
        "AUTH-6: expected a protocol_version alert from the server, got {error:?}"
    );

    // The failed handshake dropped only that connection.
    let response = raw_get(
        running.address,
        client_config(std::slice::from_ref(&pki.ca_der))?,
    )
    .await?;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    running.stop().await
}

#[tokio::test]
async fn reqwest_with_tls13_minimum_gets_200() -> TestResult {
    // reqwest is built without a bundled crypto provider: the process
    // default is ring (a second install in the same process is refused,
    // which is fine).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pki = pki();
    let running = Running::start_tls(&pki).await?;
    let client = reqwest::Client::builder()
        .min_tls_version(reqwest::tls::Version::TLS_1_3)
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_der(&pki.ca_der)?)
        .resolve("localhost", running.address)
        .build()?;
    let url = format!("https://localhost:{}/ping", running.address.port());
    let response = client.get(url).send().await?;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(response.text().await?, BODY);
    running.stop().await
}

#[tokio::test]
async fn shutdown_lets_the_in_flight_request_finish() -> TestResult {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pki = pki();
    let (entered_tx, mut entered) = tokio::sync::mpsc::channel::<()>(1);
    let release = Arc::new(tokio::sync::Notify::new());
    let handler_release = Arc::clone(&release);
    let slow = Router::new().route(
        "/slow",
        get(move || {
            let entered_tx = entered_tx.clone();
            let release = Arc::clone(&handler_release);
            async move {
                let _ = entered_tx.send(()).await;
                release.notified().await;
                BODY
            }
        }),
    );
    let config = TlsConfig::from_pem(pki.leaf_pem.as_bytes(), pki.leaf_key_pem.as_bytes())?;
    let listener = bind_loopback(0).await?;
    let address = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        listener,
        slow,
        Transport::Tls(config.server_config()?),
        async move {
            let _ = stopped.await;
        },
    ));

    let client = reqwest::Client::builder()
        .min_tls_version(reqwest::tls::Version::TLS_1_3)
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_der(&pki.ca_der)?)
        .resolve("localhost", address)
        .build()?;
    let url = format!("https://localhost:{}/slow", address.port());
    let request = tokio::spawn(client.get(url).send());
    entered.recv().await.expect("the handler was entered");

    let _ = stop.send(());
    // The handler is still blocked, so `serve` cannot have returned.
    assert!(
        !server.is_finished(),
        "serve returned with a request in flight"
    );
    release.notify_one();
    let response = request.await??;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(response.text().await?, BODY);
    server.await??;
    Ok(())
}

#[tokio::test]
async fn plain_http_is_served_on_loopback_for_development() -> TestResult {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let running = Running::start(Transport::PlainLoopbackForDevelopment).await?;
    let url = format!("http://{}/ping", running.address);
    let response = reqwest::Client::builder().build()?.get(url).send().await?;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(response.text().await?, BODY);
    running.stop().await
}

#[test]
fn plain_http_is_refused_off_loopback() {
    for refused in ["0.0.0.0:8080", "192.0.2.1:80", "[::]:80"] {
        let address: SocketAddr = refused.parse().expect("test address parses");
        let result = check_plain_allowed(address);
        assert!(
            matches!(result, Err(ServeError::PlainHttpNotLoopback { address: a }) if a == address),
            "AUTH-6: plain HTTP on {refused} must be refused, got {result:?}"
        );
        let message = result.map_err(|e| e.to_string()).err().unwrap_or_default();
        assert!(message.contains("AUTH-6"), "{message}");
    }
    for allowed in ["127.0.0.1:8080", "[::1]:8080"] {
        let address: SocketAddr = allowed.parse().expect("test address parses");
        assert!(
            check_plain_allowed(address).is_ok(),
            "plain HTTP on loopback {allowed} is allowed for development"
        );
    }
}

#[tokio::test]
async fn serve_checks_the_listener_address_before_plain_http() -> TestResult {
    // The listener is on loopback (tests never bind anything else); `serve`
    // reads its address and accepts it, which proves the check is wired to
    // the listener's real address: see `plain_http_is_refused_off_loopback`
    // for the refusals of the same function.
    let listener = bind_loopback(0).await?;
    assert_eq!(
        listener.local_addr()?.ip(),
        std::net::IpAddr::from(Ipv4Addr::LOCALHOST)
    );
    serve(
        listener,
        app(),
        Transport::PlainLoopbackForDevelopment,
        async {},
    )
    .await?;
    Ok(())
}

/// A scratch file under the test target directory, unique per test.
fn scratch(name: &str, content: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("interconnect-http-tls");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("scratch file");
    path
}

#[test]
fn pem_files_build_a_server_config() -> TestResult {
    let pki = pki();
    let chain = scratch("good-chain.pem", pki.leaf_pem.as_bytes());
    let key = scratch("good-key.pem", pki.leaf_key_pem.as_bytes());
    let config = TlsConfig::from_pem_files(&chain, &key)?;
    assert_eq!(config.certificate_chain_len(), 1);
    let server = config.server_config()?;
    assert_eq!(server.alpn_protocols, vec![b"http/1.1".to_vec()]);
    Ok(())
}

#[test]
fn key_file_that_is_not_pem_is_named_and_not_quoted() {
    let pki = pki();
    // The key's base64 body without its PEM markers: key bytes, but not PEM.
    let bare = body_lines(&pki.leaf_key_pem).join("\n");
    let chain = scratch("not-pem-chain.pem", pki.leaf_pem.as_bytes());
    let key = scratch("not-pem.key", bare.as_bytes());
    let error = TlsConfig::from_pem_files(&chain, &key).expect_err("a non-PEM key is refused");
    assert!(
        matches!(&error, TlsConfigError::NotPem { origin: PemOrigin::File(path) } if *path == key),
        "{error:?}"
    );
    assert!(error.to_string().contains("not-pem.key"), "{error}");
    assert_quotes_no_key(&error, &pki.leaf_key_pem);
}

#[test]
fn malformed_key_pem_is_refused_without_quoting_it() {
    let pki = pki();
    // Corrupt one base64 character in the middle of the key.
    let mut corrupted = pki.leaf_key_pem.clone();
    let at = corrupted.find('\n').expect("PEM header line") + 10;
    corrupted.replace_range(at..at + 1, "!");
    let error = TlsConfig::from_pem(pki.leaf_pem.as_bytes(), corrupted.as_bytes())
        .expect_err("a malformed key is refused");
    assert!(
        matches!(
            &error,
            TlsConfigError::MalformedPem {
                origin: PemOrigin::Bytes("private key"),
                section: 1
            }
        ),
        "{error:?}"
    );
    assert_quotes_no_key(&error, &pki.leaf_key_pem);
}

#[test]
fn empty_chain_is_refused() {
    let pki = pki();
    let error = TlsConfig::from_pem(b"", pki.leaf_key_pem.as_bytes())
        .expect_err("an empty chain is refused");
    assert!(
        matches!(
            &error,
            TlsConfigError::NoCertificate {
                origin: PemOrigin::Bytes("certificate chain")
            }
        ),
        "{error:?}"
    );

    let chain = scratch("empty-chain.pem", b"");
    let key = scratch("empty-chain.key", pki.leaf_key_pem.as_bytes());
    let error =
        TlsConfig::from_pem_files(&chain, &key).expect_err("an empty chain file is refused");
    assert!(
        matches!(&error, TlsConfigError::NoCertificate { origin: PemOrigin::File(path) } if *path == chain),
        "{error:?}"
    );
    assert!(error.to_string().contains("empty-chain.pem"), "{error}");
}

#[test]
fn chain_holding_only_a_key_has_no_certificate_and_is_not_quoted() {
    let pki = pki();
    let error = TlsConfig::from_pem(pki.leaf_key_pem.as_bytes(), pki.leaf_key_pem.as_bytes())
        .expect_err("a key is not a certificate chain");
    assert!(
        matches!(&error, TlsConfigError::NoCertificate { .. }),
        "{error:?}"
    );
    assert_quotes_no_key(&error, &pki.leaf_key_pem);
}

#[test]
fn key_file_holding_only_a_certificate_has_no_key() {
    let pki = pki();
    let error = TlsConfig::from_pem(pki.leaf_pem.as_bytes(), pki.leaf_pem.as_bytes())
        .expect_err("a certificate is not a key");
    assert!(
        matches!(
            &error,
            TlsConfigError::NoPrivateKey {
                origin: PemOrigin::Bytes("private key")
            }
        ),
        "{error:?}"
    );
}

#[test]
fn two_keys_are_ambiguous() {
    let pki = pki();
    let other = KeyPair::generate().expect("second key").serialize_pem();
    let both = format!("{}{}", pki.leaf_key_pem, other);
    let error = TlsConfig::from_pem(pki.leaf_pem.as_bytes(), both.as_bytes())
        .expect_err("two keys are refused");
    assert!(
        matches!(&error, TlsConfigError::MultiplePrivateKeys { count: 2, .. }),
        "{error:?}"
    );
    assert_quotes_no_key(&error, &pki.leaf_key_pem);
    assert_quotes_no_key(&error, &other);
}

#[test]
fn missing_file_is_named() {
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-such-dir/no-such-key.pem");
    let error =
        TlsConfig::from_pem_files(&missing, &missing).expect_err("a missing file is refused");
    assert!(matches!(&error, TlsConfigError::Read { .. }), "{error:?}");
    assert!(error.to_string().contains("no-such-key.pem"), "{error}");
}

#[test]
fn key_not_matching_the_leaf_is_refused_without_quoting_it() {
    let pki = pki();
    let other = KeyPair::generate().expect("unrelated key").serialize_pem();
    let error = TlsConfig::from_pem(pki.leaf_pem.as_bytes(), other.as_bytes())
        .and_then(|config| config.server_config())
        .expect_err("a key that does not match the certificate is refused");
    assert!(
        matches!(&error, TlsConfigError::Refused { .. }),
        "{error:?}"
    );
    assert_quotes_no_key(&error, &other);
}

#[test]
fn debug_of_the_config_redacts_the_key() -> TestResult {
    let pki = pki();
    let config = TlsConfig::from_pem(pki.leaf_pem.as_bytes(), pki.leaf_key_pem.as_bytes())?;
    let shown = format!("{config:?}");
    assert!(shown.contains("redacted"), "{shown}");
    let transport = Transport::Tls(config.server_config()?);
    let shown = format!("{shown} {transport:?}");
    let key = {
        use rustls::pki_types::pem::PemObject;
        rustls::pki_types::PrivateKeyDer::from_pem_slice(pki.leaf_key_pem.as_bytes())?
    };
    let der = key.secret_der();
    // The key as Debug would print it (decimal bytes), as hex, or as base64.
    let decimal = format!("{:?}", &der[..12]);
    let hex: String = der[..12].iter().map(|b| format!("{b:02x}")).collect();
    for leak in [decimal.trim_matches(&['[', ']'][..]), hex.as_str()]
        .into_iter()
        .chain(body_lines(&pki.leaf_key_pem))
    {
        assert!(
            !shown.contains(leak),
            "Debug shows key bytes {leak}: {shown}"
        );
    }
    Ok(())
}
