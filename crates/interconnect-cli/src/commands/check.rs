//! `interconnect check SCHEMA FILE`: a document judged twice, by the JSON
//! Schema of the wire type (from [`interconnect_core::wire::schemas`], checked
//! with the `jsonschema` crate) and by the typed parser
//! ([`interconnect_core::wire::from_json`]). Both should agree; every error
//! is listed with its source and JSON path.

use interconnect_core::wire::{self, DecodeError};
use serde::Serialize;
use serde_json::Value;

use super::Outcome;
use super::schema::find;
use crate::cli::CheckArgs;
use crate::error::{CliError, ErrorKind};
use crate::{input, redact};

/// One error found in the document.
#[derive(Debug, Serialize)]
struct CheckError {
    /// `schema` or `parser`.
    source: &'static str,
    /// JSON path of the member at fault (`.` for the document itself).
    path: String,
    /// What is wrong.
    message: String,
}

/// The output of `check`.
#[derive(Debug, Serialize)]
struct CheckReport {
    valid: bool,
    errors: Vec<CheckError>,
}

/// Runs `interconnect check`.
pub(crate) fn run(args: &CheckArgs) -> Result<Outcome, CliError> {
    let schema = find(&args.schema)?;
    let bytes = input::read_file(&args.file)?;
    let mut errors = Vec::new();
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(document) => {
            let validator = jsonschema::validator_for(&schema).map_err(|e| {
                CliError::new(
                    ErrorKind::Json,
                    format!("schema {} is not usable: {e}", args.schema),
                )
            })?;
            for e in validator.iter_errors(&document) {
                let path = pointer_to_path(e.instance_path().as_str());
                let message = redact::message_at(&path, e.to_string());
                errors.push(CheckError {
                    source: "schema",
                    path,
                    message,
                });
            }
            if let Err(e) = parse_as(&args.schema, &bytes)? {
                errors.push(parser_error(e));
            }
        }
        // Not JSON at all: the schema cannot judge it; the parser says where.
        Err(_) => {
            if let Err(e) = parse_as(&args.schema, &bytes)? {
                errors.push(parser_error(e));
            }
        }
    }
    let report = CheckReport {
        valid: errors.is_empty(),
        errors,
    };
    Outcome::json(&report, report.valid)
}

fn parser_error(e: DecodeError) -> CheckError {
    let path = e.path().unwrap_or(".").to_string();
    let message = match e {
        DecodeError::Invalid { message, .. } => message,
        other => other.to_string(),
    };
    CheckError {
        source: "parser",
        message: redact::message_at(&path, message),
        path,
    }
}

/// `/features/0/name` as `features[0].name`; the root as `.`.
fn pointer_to_path(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&segment);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    if out.is_empty() { ".".into() } else { out }
}

/// Parses `bytes` as the Rust type of the wire schema `name`. The outer
/// error is a name with no parser (a usage error); the inner one the
/// parser's verdict.
fn parse_as(name: &str, bytes: &[u8]) -> Result<Result<(), DecodeError>, CliError> {
    wire::parse_by_name(name, bytes).ok_or_else(|| {
        CliError::usage(format!(
            "no parser for schema {name:?}; `interconnect schema --list` lists the names"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::pointer_to_path;

    #[test]
    fn pointers_become_paths() {
        assert_eq!(pointer_to_path(""), ".");
        assert_eq!(pointer_to_path("/features/0/name"), "features[0].name");
        assert_eq!(pointer_to_path("/a~1b/c~0d"), "a/b.c~d");
    }
}
