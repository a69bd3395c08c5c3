//! The bounds of a request head (`spec/REQUIREMENTS.md` OPS-60, OPS-61,
//! OPS-62; `spec/ERRATA.md` E-440, E-441; issue 19 item 4): a request target
//! or header fields beyond the listener's limits are answered 414 or 431
//! with the error document, by the server before routing, on every path;
//! what hyper still answers by itself beyond its own hard limits is shown
//! here too, so that a change of hyper's behaviour is noticed.
//!
//! The clients are raw TCP sockets on loopback, so that a request can be
//! exactly as long as the test needs.
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::GCP_TOKEN;
use interconnect_http::{
    HARD_HEAD_BYTES, ListenerLimits, RouterConfig, Transport, bind_loopback, router_with,
    serve_with,
};
use interconnect_provider::testing::Fixture;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

const PATIENCE: Duration = Duration::from_secs(10);

/// The reference provider's router served with `limits`; answers its
/// address and the sender that stops it.
async fn start(limits: ListenerLimits) -> (std::net::SocketAddr, oneshot::Sender<()>) {
    let f = Fixture::new();
    let app = router_with(
        f.server,
        Arc::new(common::tokens()),
        RouterConfig::default().rate_limit(None),
    );
    let listener = bind_loopback(0).await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
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
    (address, stop)
}

/// One answer: status, its headers (lower-case names) and body.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

/// Sends `request` on a new connection and reads the answer to its end.
async fn exchange(address: std::net::SocketAddr, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    // hyper may answer and close before the whole request is written.
    let _ = stream.write_all(request).await;
    let mut raw = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buffer = [0_u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server answered and closed in time");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    Answer {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_owned(),
    }
}

/// A GET of `target` with `extra` header lines (each ending in CRLF).
fn get(target: &str, extra: &str) -> Vec<u8> {
    format!(
        "GET {target} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {GCP_TOKEN}\r\n\
         Connection: close\r\n{extra}\r\n"
    )
    .into_bytes()
}

/// The error document's (code, status, message), checked to be ERR-1's shape.
fn envelope(answer: &Answer) -> (u64, String, String) {
    assert!(
        answer.head.contains("content-type: application/json"),
        "{}",
        answer.head
    );
    let v: Value = serde_json::from_str(&answer.body).unwrap_or_else(|e| {
        panic!(
            "ERR-1: the body is the error document ({e}): {:?}",
            answer.body
        )
    });
    let e = v["error"].as_object().expect("an error member");
    assert_eq!(e.len(), 3, "{v}");
    (
        e["code"].as_u64().expect("code"),
        e["status"].as_str().expect("status").to_owned(),
        e["message"].as_str().expect("message").to_owned(),
    )
}

/// `/providers?pad=xxx` exactly `len` bytes long.
fn target_of(len: usize) -> String {
    let base = "/providers?pad=";
    format!("{base}{}", "x".repeat(len - base.len()))
}

#[tokio::test]
async fn a_target_at_the_limit_is_served_and_one_byte_more_is_414_with_the_envelope() {
    let (address, _stop) = start(ListenerLimits::default().max_target_bytes(200)).await;
    let at = exchange(address, &get(&target_of(200), "")).await;
    assert_eq!(at.status, 200, "OPS-60: a target at the limit is served");
    let over = exchange(address, &get(&target_of(201), "")).await;
    assert_eq!(over.status, 414, "OPS-60");
    let (code, status, message) = envelope(&over);
    assert_eq!(code, 414);
    assert_eq!(status, "URI_TOO_LONG", "OPS-62");
    assert!(message.starts_with("OPS-60: "), "{message}");
    assert!(
        message.contains("201") && message.contains("200"),
        "{message}"
    );
    assert!(over.head.contains("x-request-id: "), "{}", over.head);
    // Before routing: an unknown path and an anonymous caller get the same.
    let anonymous = format!(
        "GET /nowhere?pad={} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        "x".repeat(300)
    );
    let answer = exchange(address, anonymous.as_bytes()).await;
    assert_eq!(answer.status, 414, "OPS-60 is checked before routing");
}

#[tokio::test]
async fn the_default_target_limit_is_8_kib() {
    let (address, _stop) = start(ListenerLimits::default()).await;
    assert_eq!(
        exchange(address, &get(&target_of(8192), "")).await.status,
        200
    );
    assert_eq!(
        exchange(address, &get(&target_of(8193), "")).await.status,
        414
    );
}

/// One `X-Pad` header line whose field counts `bytes` (name, ": ", value,
/// CRLF).
fn pad_header(bytes: usize) -> String {
    let fixed = "x-pad".len() + 4;
    format!("X-Pad: {}\r\n", "v".repeat(bytes - fixed))
}

/// The header bytes of [`get`]'s own lines.
fn own_header_bytes() -> usize {
    let fields = [
        ("host", "t".to_owned()),
        ("authorization", format!("Bearer {GCP_TOKEN}")),
        ("connection", "close".to_owned()),
    ];
    fields.iter().map(|(n, v)| n.len() + v.len() + 4).sum()
}

#[tokio::test]
async fn header_fields_at_the_size_limit_are_served_and_one_byte_more_is_431() {
    let limit = 4096;
    let (address, _stop) = start(ListenerLimits::default().max_header_bytes(limit)).await;
    let room = limit - own_header_bytes();
    let at = exchange(address, &get("/providers", &pad_header(room))).await;
    assert_eq!(
        at.status, 200,
        "OPS-61: header fields at the limit are served"
    );
    let over = exchange(address, &get("/providers", &pad_header(room + 1))).await;
    assert_eq!(over.status, 431, "OPS-61");
    let (code, status, message) = envelope(&over);
    assert_eq!(code, 431);
    assert_eq!(status, "REQUEST_HEADER_FIELDS_TOO_LARGE", "OPS-62");
    assert!(message.starts_with("OPS-61: "), "{message}");
    assert!(
        message.contains(&(limit + 1).to_string()),
        "the message gives the size: {message}"
    );
}

#[tokio::test]
async fn header_fields_at_the_count_limit_are_served_and_one_more_is_431() {
    let (address, _stop) = start(ListenerLimits::default().max_header_count(10)).await;
    // get() sends three fields.
    let lines = |n: usize| (0..n).map(|i| format!("X-F{i}: v\r\n")).collect::<String>();
    let at = exchange(address, &get("/providers", &lines(7))).await;
    assert_eq!(at.status, 200, "OPS-61: ten fields are served");
    let over = exchange(address, &get("/providers", &lines(8))).await;
    assert_eq!(over.status, 431, "OPS-61");
    let (code, status, message) = envelope(&over);
    assert_eq!(
        (code, status.as_str()),
        (431, "REQUEST_HEADER_FIELDS_TOO_LARGE")
    );
    assert!(
        message.starts_with("OPS-61: ") && message.contains("11"),
        "{message}"
    );
}

#[tokio::test]
async fn the_default_head_limits_answer_before_hypers_own() {
    // hyper's own default (100 fields) would answer a bare 431 here.
    let (address, _stop) = start(ListenerLimits::default()).await;
    let lines = |n: usize| (0..n).map(|i| format!("X-F{i}: v\r\n")).collect::<String>();
    assert_eq!(
        exchange(address, &get("/providers", &lines(97)))
            .await
            .status,
        200
    );
    let over = exchange(address, &get("/providers", &lines(120))).await;
    assert_eq!(over.status, 431);
    envelope(&over);
    // 32 KiB of header fields by default; 100 KiB still reach the server.
    let over = exchange(address, &get("/providers", &pad_header(100 * 1024))).await;
    assert_eq!(over.status, 431);
    let (_, status, _) = envelope(&over);
    assert_eq!(status, "REQUEST_HEADER_FIELDS_TOO_LARGE");
}

/// E-440: beyond hyper's hard limits, or with a request line that is not
/// HTTP, hyper answers by itself with an empty body; these are outside the
/// server's control. If hyper starts sending a body, this test says so.
#[tokio::test]
async fn beyond_hypers_hard_limits_hyper_answers_without_a_body() {
    let (address, _stop) = start(ListenerLimits::default()).await;
    let huge = exchange(
        address,
        &get("/providers", &pad_header(2 * HARD_HEAD_BYTES)),
    )
    .await;
    assert_eq!(huge.status, 431, "a head beyond hyper's buffer");
    assert!(huge.body.is_empty(), "{:?}", huge.body);
    let garbage = exchange(address, b"\x01\x02 nonsense\r\n\r\n").await;
    assert_eq!(garbage.status, 400, "a request line that is not HTTP");
    assert!(garbage.body.is_empty(), "{:?}", garbage.body);
}

/// OPS-62: a body over the limit is 413 `PAYLOAD_TOO_LARGE`, a body that is
/// not JSON 415 `UNSUPPORTED_MEDIA_TYPE`, a method the path does not offer
/// 405 `METHOD_NOT_ALLOWED`: none says `INVALID_ARGUMENT`.
#[tokio::test]
async fn the_bindings_own_statuses_carry_their_own_names() {
    let (address, _stop) = start(ListenerLimits::default()).await;
    let big = "x".repeat(1024 * 1024 + 1);
    let request = format!(
        "POST /providers/gcp/issues?issueId=i1 HTTP/1.1\r\nHost: t\r\n\
         Authorization: Bearer {GCP_TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{big}",
        big.len()
    );
    let answer = exchange(address, request.as_bytes()).await;
    assert_eq!(answer.status, 413);
    let (code, status, message) = envelope(&answer);
    assert_eq!((code, status.as_str()), (413, "PAYLOAD_TOO_LARGE"));
    assert!(message.starts_with("WIRE-10: "), "{message}");

    let request = format!(
        "POST /providers/gcp/issues?issueId=i1 HTTP/1.1\r\nHost: t\r\n\
         Authorization: Bearer {GCP_TOKEN}\r\nContent-Type: text/plain\r\n\
         Content-Length: 2\r\nConnection: close\r\n\r\nhi"
    );
    let answer = exchange(address, request.as_bytes()).await;
    assert_eq!(answer.status, 415);
    let (code, status, _) = envelope(&answer);
    assert_eq!((code, status.as_str()), (415, "UNSUPPORTED_MEDIA_TYPE"));

    let request = format!(
        "DELETE /providers HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {GCP_TOKEN}\r\n\
         Connection: close\r\n\r\n"
    );
    let answer = exchange(address, request.as_bytes()).await;
    assert_eq!(answer.status, 405);
    let (code, status, _) = envelope(&answer);
    assert_eq!((code, status.as_str()), (405, "METHOD_NOT_ALLOWED"));
}
