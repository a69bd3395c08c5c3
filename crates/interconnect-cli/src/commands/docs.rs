//! `interconnect completions SHELL` and `interconnect man`: the shell
//! completion scripts and the manual page, generated from the clap
//! definitions in [`crate::cli`] (so they always match the commands).

use clap::CommandFactory;

use super::Outcome;
use crate::cli::Cli;
use crate::error::{CliError, ErrorKind};

/// The completion script of `shell`.
pub(crate) fn completions(shell: clap_complete::Shell) -> Result<Outcome, CliError> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "interconnect", &mut out);
    text(out)
}

/// The manual page of `interconnect` (roff): synopsis, options and a
/// section listing every command with what it does.
pub(crate) fn man() -> Result<Outcome, CliError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| CliError::new(ErrorKind::Io, format!("cannot write the manual: {e}")))?;
    text(out)
}

fn text(bytes: Vec<u8>) -> Result<Outcome, CliError> {
    let text = String::from_utf8(bytes)
        .map_err(|e| CliError::new(ErrorKind::Io, format!("not UTF-8: {e}")))?;
    Ok(Outcome::ok(text.trim_end().to_owned()))
}
