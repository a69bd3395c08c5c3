//! What a provider reports about its own work (OPS-51, OPS-53): the
//! observer hears of failed calls to the peer, retries and the negotiation
//! time; the workflow's log lines carry a correlation id, not the UUID.
//!
//! A test binary of its own (not a module of `tests/all.rs`), its tests one
//! at a time: the log test captures events with a thread-scoped subscriber,
//! and `tracing` may cache a call site as uninteresting when another thread
//! without a subscriber reaches it at the same moment, so the capture came
//! out empty when other tests ran beside it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use interconnect_provider::CoordinatorError;
use interconnect_provider::observe::Observer;
use interconnect_provider::testing::pair::Pair;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Held by each test of this binary, so they run one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[derive(Default)]
struct Recorder {
    peer_errors: Mutex<Vec<(&'static str, &'static str)>>,
    retries: Mutex<Vec<&'static str>>,
    negotiated: Mutex<Vec<Duration>>,
}

impl Observer for Recorder {
    fn peer_error(&self, operation: &'static str, error: &CoordinatorError) {
        self.peer_errors
            .lock()
            .expect("lock")
            .push((operation, error.kind().status_name()));
    }
    fn retry(&self, reason: &'static str) {
        self.retries.lock().expect("lock").push(reason);
    }
    fn negotiated(&self, took: Duration) {
        self.negotiated.lock().expect("lock").push(took);
    }
}

#[tokio::test]
async fn a_verified_connection_reports_its_negotiation_time() -> TestResult {
    let _serial = SERIAL.lock().await;
    let pair = Pair::new();
    let (aws, gcp) = (Arc::new(Recorder::default()), Arc::new(Recorder::default()));
    pair.aws.observe(aws.clone());
    pair.gcp.observe(gcp.clone());
    // gcp, the key receiver, finds aws unavailable once
    pair.to_aws.fail_next(
        "create_connection",
        CoordinatorError::unavailable("ERR-8", "the peer is restarting"),
    );
    let uuid = pair.establish(1000).await?;
    assert_eq!(
        pair.at_gcp(&uuid)?.phase,
        interconnect_provider::store::Phase::Verified
    );
    assert_eq!(
        *gcp.peer_errors.lock().expect("lock"),
        vec![("CreateConnection", "UNAVAILABLE")],
        "OPS-53: the failed call is reported"
    );
    assert_eq!(*gcp.retries.lock().expect("lock"), vec!["backoff"]);
    for side in [&aws, &gcp] {
        assert_eq!(
            side.negotiated.lock().expect("lock").len(),
            1,
            "OPS-53: each side reports its first VERIFIED once"
        );
    }
    // a later look at a verified connection reports nothing more
    pair.settle_for(chrono::Duration::hours(2)).await;
    assert_eq!(gcp.negotiated.lock().expect("lock").len(), 1);
    Ok(())
}

/// A log writer into a shared buffer.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn workflow_log_lines_carry_the_correlation_id_not_the_uuid() -> TestResult {
    let _serial = SERIAL.lock().await;
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let pair = Pair::new();
    let uuid = pair.establish(1000).await?;
    let text = String::from_utf8(buffer.0.lock().expect("lock").clone())?;
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("workflow{")).collect();
    assert!(!lines.is_empty(), "the workflow logged:\n{text}");
    let ids = [
        pair.aws.correlation_id(&uuid),
        pair.gcp.correlation_id(&uuid),
    ];
    for line in &lines {
        assert!(
            ids.iter()
                .any(|id| line.contains(&format!("correlation={id}"))),
            "OPS-51: {line}"
        );
        assert!(!line.contains(&uuid), "OPS-51: no UUID in {line}");
    }
    Ok(())
}
