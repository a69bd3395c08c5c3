//! Process tests of the log of `interconnect serve` (OPS-50): with stderr a
//! pipe the text log has no ANSI escapes, and `--log-format json` writes
//! one JSON object a line; no token shows in either.

#![cfg(unix)]

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const OPERATOR: &str = "operator-secret-for-the-log-test";

/// A child process killed when dropped (also when a test fails).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Runs `serve --dev` with `format_args` before the command, makes a few
/// calls, stops it with SIGTERM and returns what it wrote on stderr.
async fn serve_log(format_args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    interconnect_http::client::ensure_crypto_provider();
    let port = free_port();
    let port_text = port.to_string();
    let mut args: Vec<&str> = format_args.to_vec();
    args.extend([
        "serve",
        "--dev",
        "--port",
        &port_text,
        "--operator-token",
        OPERATOR,
    ]);
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_interconnect"))
            .args(&args)
            .env("RUST_LOG", "info")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?,
    );
    let mut stderr = server.0.stderr.take().ok_or("stderr")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(r) = http.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            break;
        }
        if Instant::now() > deadline {
            return Err("serve never became ready".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let metrics = http
        .get(format!("{base}/metrics"))
        .bearer_auth(OPERATOR)
        .header("x-request-id", "log-test-1")
        .send()
        .await?;
    assert_eq!(metrics.status(), 200);
    let refused = http
        .get(format!("{base}/customer/v1/connections"))
        .bearer_auth("not-a-token")
        .send()
        .await?;
    assert_eq!(refused.status(), 401);
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()?
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.0.try_wait()?.is_none() {
        if Instant::now() > deadline {
            return Err("serve did not stop".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let text = reader.join().map_err(|_| "stderr reader")?;
    assert!(!text.contains(OPERATOR), "no token in the log:\n{text}");
    assert!(
        !text.contains("not-a-token"),
        "no token in the log:\n{text}"
    );
    Ok(text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_piped_text_log_has_no_ansi_escapes() -> TestResult {
    let text = serve_log(&[]).await?;
    assert!(text.contains("answered"), "the access log line:\n{text}");
    assert!(text.contains("log-test-1"), "the request id:\n{text}");
    assert!(
        !text.contains("\x1b["),
        "OPS-50: no ANSI escapes when stderr is not a terminal:\n{text:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_log_is_one_object_a_line() -> TestResult {
    let text = serve_log(&["--log-format", "json"]).await?;
    let mut answered = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("OPS-50: not a JSON line ({e}): {line}"))?;
        assert!(value.is_object(), "{line}");
        assert!(value["level"].is_string(), "{line}");
        if value["message"] == "answered" {
            answered += 1;
            let span = &value["span"];
            assert_eq!(span["request_id"], "log-test-1", "{line}");
            assert_eq!(span["api"], "operator", "{line}");
            assert_eq!(span["route"], "/metrics", "{line}");
            assert_eq!(span["status"], 200, "{line}");
            assert!(span["latency_ms"].is_u64(), "{line}");
        }
    }
    assert_eq!(
        answered, 1,
        "one access line (the 401 is at debug):\n{text}"
    );
    assert!(!text.contains("\x1b["), "{text:?}");
    Ok(())
}
