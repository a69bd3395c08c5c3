//! The listener's bounds (`spec/REQUIREMENTS.md` OPS-20..OPS-23, issue 19
//! item 5 and 9): slow and idle clients are closed after the header read
//! timeout, the connection cap holds a fresh client in the backlog until a
//! slot frees instead of refusing it, a body that does not arrive is 408,
//! a stuck request cannot hold a stopping server, and HTTP/2 is not served.
//!
//! The clients here are raw TCP sockets on loopback, so that a test can be
//! exactly as slow as an attacker.
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use interconnect_http::{
    ListenerLimits, RouterConfig, Transport, bind_loopback, router_with, serve_with,
};
use interconnect_provider::testing::Fixture;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Long enough for anything that should happen to happen on a loaded CI
/// machine; only reached when the server misbehaves.
const PATIENCE: Duration = Duration::from_secs(10);

/// A server on loopback with `limits`, stopped by the returned sender.
struct Running {
    address: std::net::SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

async fn start(app: Router, limits: ListenerLimits) -> Running {
    let listener = bind_loopback(0).await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        serve_with(
            listener,
            app,
            Transport::PlainLoopbackForDevelopment,
            limits,
            async move {
                let _ = stopped.await;
            },
        )
        .await
        .expect("loopback plain HTTP is allowed");
    });
    Running {
        address,
        stop: Some(stop),
        task,
    }
}

/// A tiny application: `/ping` answers at once, `/stuck` never.
fn app() -> Router {
    Router::new()
        .route("/ping", get(|| async { "pong" }))
        .route("/stuck", get(std::future::pending::<&'static str>))
}

const PING: &[u8] = b"GET /ping HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";

/// Sends one `/ping` on a new connection and reads the whole answer.
async fn ping(address: std::net::SocketAddr) -> String {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(PING).await.expect("write");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

/// Whether the server closed `stream` (end of file or reset) within
/// `PATIENCE`; bytes it sends first are skipped.
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buffer = [0_u8; 1024];
    let read = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(PATIENCE, read).await.is_ok()
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_read_timeout() {
    let running = start(
        app(),
        ListenerLimits::default().header_read_timeout(Duration::from_millis(200)),
    )
    .await;
    let mut idle = TcpStream::connect(running.address).await.expect("connect");
    assert!(
        closed_by_server(&mut idle).await,
        "OPS-20: a connection that never sends a request is closed after the header read timeout"
    );
}

#[tokio::test]
async fn a_head_sent_a_byte_at_a_time_is_cut_off_by_the_header_read_timeout() {
    let running = start(
        app(),
        ListenerLimits::default().header_read_timeout(Duration::from_millis(300)),
    )
    .await;
    let mut slow = TcpStream::connect(running.address).await.expect("connect");
    slow.write_all(b"GET /ping HTTP/1.1\r\n")
        .await
        .expect("write");
    // Keep trickling header lines, each well inside the timeout: the
    // timeout bounds the whole head, not the gap between bytes.
    let trickle = async {
        for n in 0..200 {
            if slow
                .write_all(format!("X-Slow-{n}: y\r\n").as_bytes())
                .await
                .is_err()
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    };
    let cut_off = tokio::time::timeout(PATIENCE, trickle).await;
    assert!(
        matches!(cut_off, Ok(true)),
        "OPS-20: a head that never completes is cut off after the header read timeout"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_read_timeout() {
    let running = start(
        app(),
        ListenerLimits::default().header_read_timeout(Duration::from_millis(200)),
    )
    .await;
    let mut kept = TcpStream::connect(running.address).await.expect("connect");
    kept.write_all(b"GET /ping HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .expect("write");
    let mut first = [0_u8; 256];
    let n = kept.read(&mut first).await.expect("read the answer");
    assert!(
        String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200"),
        "the first request on the connection is served"
    );
    assert!(
        closed_by_server(&mut kept).await,
        "OPS-20: an idle keep-alive connection is closed after the header read timeout"
    );
}

#[tokio::test]
async fn at_the_connection_cap_a_new_client_waits_for_a_free_slot_and_is_then_served() {
    // A header read timeout far longer than the test: only the cap decides.
    let running = start(
        app(),
        ListenerLimits::default()
            .header_read_timeout(Duration::from_secs(600))
            .max_connections(2),
    )
    .await;
    let first = TcpStream::connect(running.address).await.expect("connect");
    let second = TcpStream::connect(running.address).await.expect("connect");
    // Let the accept loop take both.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let address = running.address;
    let mut fresh = tokio::spawn(async move { ping(address).await });
    let waited = tokio::time::timeout(Duration::from_millis(300), &mut fresh).await;
    assert!(
        waited.is_err(),
        "OPS-22: with two connections open and a cap of two, a third is not served yet"
    );
    drop(first);
    let answer = tokio::time::timeout(PATIENCE, fresh)
        .await
        .expect("OPS-22: once a slot frees, the waiting client is served")
        .expect("the client task ran");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("pong"), "{answer}");
    drop(second);
}

#[tokio::test]
async fn slow_and_idle_clients_beyond_the_cap_are_closed_and_a_fresh_client_is_still_served() {
    let running = start(
        app(),
        ListenerLimits::default()
            .header_read_timeout(Duration::from_millis(300))
            .max_connections(4),
    )
    .await;
    let mut hostile = Vec::new();
    for n in 0..10 {
        let mut stream = TcpStream::connect(running.address).await.expect("connect");
        if n % 2 == 0 {
            // Half send the start of a head and stop; half send nothing.
            stream
                .write_all(b"GET /ping HTTP/1.1\r\nHost: te")
                .await
                .expect("write");
        }
        hostile.push(stream);
    }
    let answer = tokio::time::timeout(PATIENCE, ping(running.address))
        .await
        .expect("OPS-20, OPS-22: a fresh client is served while ten hostile ones hold the cap");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    for (n, stream) in hostile.iter_mut().enumerate() {
        assert!(
            closed_by_server(stream).await,
            "OPS-20: hostile connection {n} is closed after the header read timeout"
        );
    }
}

#[tokio::test]
async fn a_body_that_does_not_arrive_is_408_naming_the_rule() {
    let f = Fixture::new();
    let app = router_with(
        f.server.clone(),
        Arc::new(common::tokens()),
        RouterConfig::default()
            .rate_limit(None)
            .body_read_timeout(Duration::from_millis(200)),
    );
    let running = start(app, ListenerLimits::default()).await;
    let mut stream = TcpStream::connect(running.address).await.expect("connect");
    let head = format!(
        "POST {}/ConfirmActivationKey HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"key\"",
        common::ENV,
        common::GCP_TOKEN
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("OPS-21: the server answers once the body read timeout passes")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("\"status\":\"DEADLINE_EXCEEDED\""),
        "{answer}"
    );
    assert!(answer.contains("OPS-21"), "{answer}");
}

#[tokio::test]
async fn a_stuck_request_cannot_hold_a_stopping_server_beyond_the_grace_period() {
    let mut running = start(
        app(),
        ListenerLimits::default().shutdown_grace(Duration::from_millis(200)),
    )
    .await;
    let mut stuck = TcpStream::connect(running.address).await.expect("connect");
    stuck
        .write_all(b"GET /stuck HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .expect("write");
    // Let the request reach its handler.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = running.stop.take().expect("not stopped yet").send(());
    let stopped = tokio::time::timeout(PATIENCE, &mut running.task).await;
    assert!(
        matches!(stopped, Ok(Ok(()))),
        "OPS-23: the server stops within the grace period although a request is stuck"
    );
    assert!(
        closed_by_server(&mut stuck).await,
        "OPS-23: the stuck connection is closed"
    );
}

#[tokio::test]
async fn a_stop_lets_a_request_in_flight_finish_within_the_grace_period() {
    let slow = Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            "done"
        }),
    );
    let mut running = start(slow, ListenerLimits::default()).await;
    let mut stream = TcpStream::connect(running.address).await.expect("connect");
    stream
        .write_all(b"GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .expect("write");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let _ = running.stop.take().expect("not stopped yet").send(());
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("the answer comes")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("done"), "{answer}");
    let stopped = tokio::time::timeout(PATIENCE, &mut running.task).await;
    assert!(matches!(stopped, Ok(Ok(()))), "the server stopped");
}

#[tokio::test]
async fn http2_is_not_served() {
    let running = start(app(), ListenerLimits::default()).await;
    let mut stream = TcpStream::connect(running.address).await.expect("connect");
    // The HTTP/2 connection preface and an empty SETTINGS frame.
    let mut preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    preface.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
    stream.write_all(&preface).await.expect("write");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "E-411: a client speaking HTTP/2 is closed, not kept waiting"
    );
    // An HTTP/2 server would answer with its own SETTINGS frame (type 4 in
    // the fourth byte); HTTP/1.1 answers, if any, start with "HTTP/1.1".
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 "),
        "E-411: HTTP/2 is not served: {:?}",
        String::from_utf8_lossy(&answer)
    );
}
