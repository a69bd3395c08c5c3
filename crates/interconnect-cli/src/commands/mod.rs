//! The commands: each returns what to print on stdout and whether the input
//! was valid, or a [`CliError`].

pub(crate) mod check;
pub(crate) mod conformance;
pub(crate) mod demo;
pub(crate) mod docs;
pub(crate) mod key;
pub(crate) mod schema;
pub(crate) mod serve;
pub(crate) mod store;
pub(crate) mod validate;

use serde::Serialize;

use crate::cli::Command;
use crate::error::{CliError, ErrorKind};

/// What a command produced.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// Text for stdout (a trailing newline is added).
    pub(crate) stdout: String,
    /// Whether the input was judged valid (exit 0) or not (exit 1).
    pub(crate) valid: bool,
}

impl Outcome {
    /// A successful outcome printing `stdout`.
    pub(crate) fn ok(stdout: impl Into<String>) -> Self {
        Outcome {
            stdout: stdout.into(),
            valid: true,
        }
    }

    /// An outcome printing `value` as pretty JSON.
    pub(crate) fn json(value: &impl Serialize, valid: bool) -> Result<Self, CliError> {
        let stdout = serde_json::to_string_pretty(value)
            .map_err(|e| CliError::new(ErrorKind::Json, format!("cannot write JSON: {e}")))?;
        Ok(Outcome { stdout, valid })
    }
}

/// Runs one command.
pub(crate) fn run(command: Command) -> Result<Outcome, CliError> {
    match command {
        Command::Key(k) => key::run(k),
        Command::Validate(v) => validate::run(v),
        Command::Check(c) => check::run(&c),
        Command::Schema(s) => schema::run(&s),
        Command::Serve(s) => serve::run(&s),
        Command::Store(s) => store::run(&s),
        Command::Demo(d) => demo::run(&d),
        Command::Conformance(c) => conformance::run(c),
        Command::Completions(c) => docs::completions(c.shell),
        Command::Man => docs::man(),
    }
}
