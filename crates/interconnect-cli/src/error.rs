//! Errors of the `interconnect` tool: a kind, a message and the exit code
//! the kind implies.
//!
//! Errors are written to stderr as `error: <kind>: <message>`, or with the
//! global `--json` flag as `{"error":{"kind":"...","message":"..."}}`.
//! Messages never repeat a secret: activation key errors come from
//! `interconnect_core::activation_key`, which names members and rules only.

use std::fmt;

use serde::Serialize;

/// Exit code when everything was valid.
pub(crate) const EXIT_OK: u8 = 0;
/// Exit code when the input was read and judged invalid.
pub(crate) const EXIT_INVALID: u8 = 1;
/// Exit code for a usage error or an unreadable file.
pub(crate) const EXIT_USAGE: u8 = 2;

/// What kind of error stopped the tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ErrorKind {
    /// The command line is wrong.
    Usage,
    /// A file or stdin could not be read, or is too large.
    Io,
    /// An input file is not the JSON document expected.
    Json,
    /// An activation key could not be read or built.
    Key,
    /// A resource name or provider reference is malformed.
    Name,
    /// A bandwidth is malformed or out of range.
    Bandwidth,
}

impl ErrorKind {
    fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Usage => "usage",
            ErrorKind::Io => "io",
            ErrorKind::Json => "json",
            ErrorKind::Key => "key",
            ErrorKind::Name => "name",
            ErrorKind::Bandwidth => "bandwidth",
        }
    }
}

/// An error that stops the tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CliError {
    /// Its kind.
    pub(crate) kind: ErrorKind,
    /// What went wrong, without secrets.
    pub(crate) message: String,
}

impl CliError {
    /// An error of `kind`.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
        }
    }

    /// A usage error.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }

    /// The process exit code: 1 when the input was judged invalid (an
    /// unparsable document, a bad activation key), 2 for usage errors, bad
    /// arguments and unreadable files.
    pub(crate) fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Json | ErrorKind::Key => EXIT_INVALID,
            ErrorKind::Usage | ErrorKind::Io | ErrorKind::Name | ErrorKind::Bandwidth => EXIT_USAGE,
        }
    }

    /// The line written to stderr, plain or JSON.
    pub(crate) fn render(&self, json: bool) -> String {
        if json {
            serde_json::json!({"error": {"kind": self.kind, "message": self.message}}).to_string()
        } else {
            self.to_string()
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}: {}", self.kind.as_str(), self.message)
    }
}

impl From<interconnect_core::activation_key::ActivationKeyError> for CliError {
    fn from(e: interconnect_core::activation_key::ActivationKeyError) -> Self {
        CliError::new(ErrorKind::Key, e.to_string())
    }
}

impl From<interconnect_core::names::NameError> for CliError {
    fn from(e: interconnect_core::names::NameError) -> Self {
        CliError::new(ErrorKind::Name, e.to_string())
    }
}

impl From<interconnect_core::customer::BandwidthError> for CliError {
    fn from(e: interconnect_core::customer::BandwidthError) -> Self {
        CliError::new(ErrorKind::Bandwidth, e.to_string())
    }
}
