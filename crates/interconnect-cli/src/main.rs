//! `interconnect`: offline command-line tool for the Connection Coordinator
//! specification (`connection-coordinator/openapi.yaml`). It reads and writes
//! activation keys, validates proposed L3 features and customer attachment
//! pairs, and checks documents against the wire schemas. No network.
//!
//! Exit codes: 0 valid or done; 1 the input was judged invalid; 2 usage
//! error or unreadable file. Errors go to stderr as `error: <kind>:
//! <message>`, or as JSON with `--json`.

mod cli;
mod commands;
mod error;
mod input;
mod logging;
mod redact;
mod serve_config;
mod store_config;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind as ClapErrorKind;

use crate::cli::Cli;
use crate::error::{CliError, EXIT_INVALID, EXIT_OK};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Known before parsing, so that usage errors honour it too.
    let json = args
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json");
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            return match e.kind() {
                ClapErrorKind::DisplayHelp | ClapErrorKind::DisplayVersion => {
                    // Printing help can only fail on a closed stdout.
                    let _ = e.print();
                    ExitCode::from(EXIT_OK)
                }
                _ => fail(&usage_error(&e), json),
            };
        }
    };
    logging::set_format(cli.log_format);
    match commands::run(cli.command) {
        Ok(outcome) => {
            let mut out = std::io::stdout().lock();
            if writeln!(out, "{}", outcome.stdout).is_err() {
                return ExitCode::from(error::EXIT_USAGE);
            }
            ExitCode::from(if outcome.valid { EXIT_OK } else { EXIT_INVALID })
        }
        Err(e) => fail(&e, cli.json),
    }
}

/// clap's message without its own `error: ` prefix and trailing newline.
fn usage_error(e: &clap::Error) -> CliError {
    let text = e.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text).trim_end();
    CliError::usage(text)
}

fn fail(e: &CliError, json: bool) -> ExitCode {
    eprintln!("{}", e.render(json));
    ExitCode::from(e.exit_code())
}
