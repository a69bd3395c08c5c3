//! The log of `serve` and `demo`: lines on stderr, filtered
//! by `RUST_LOG`, as text or as one JSON object a line
//! (`--log-format text|json`; `spec/REQUIREMENTS.md` OPS-50). Text has
//! colours only when stderr is a terminal: a log piped to a file or a
//! collector carries no ANSI escapes.

use std::io::IsTerminal;
use std::sync::OnceLock;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum LogFormat {
    /// Human-readable lines (coloured on a terminal only).
    #[default]
    Text,
    /// One JSON object a line: `timestamp`, `level`, `target`, `message`,
    /// the event's fields, and the fields of its innermost span (`span`:
    /// the request's access fields, or a workflow's `correlation`).
    Json,
}

static FORMAT: OnceLock<LogFormat> = OnceLock::new();

/// Chooses the format of the log (once, from the command line).
pub(crate) fn set_format(format: LogFormat) {
    let _ = FORMAT.set(format);
}

/// Starts the log on stderr in the chosen format, filtered by `RUST_LOG`
/// (else `default`, such as `info`).
pub(crate) fn init(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (a test calling a command twice) keeps the
    // first subscriber.
    let _ = match FORMAT.get().copied().unwrap_or_default() {
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}
