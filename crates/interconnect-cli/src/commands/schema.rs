//! `interconnect schema NAME | --list`: the JSON Schema (draft 2020-12) of
//! each wire type, under its name in `components.schemas` of the
//! specification (`openapi.yaml`).

use interconnect_core::wire::schemas;

use super::Outcome;
use crate::cli::SchemaArgs;
use crate::error::{CliError, ErrorKind};

/// Runs `interconnect schema ...`.
pub(crate) fn run(args: &SchemaArgs) -> Result<Outcome, CliError> {
    match &args.name {
        Some(name) => {
            let schema = find(name)?;
            let text = serde_json::to_string_pretty(&schema)
                .map_err(|e| CliError::new(ErrorKind::Json, format!("cannot write JSON: {e}")))?;
            Ok(Outcome::ok(text))
        }
        None => {
            let names: Vec<&str> = schemas().into_iter().map(|(n, _)| n).collect();
            Ok(Outcome::ok(names.join("\n")))
        }
    }
}

/// The schema called `name`, as JSON; an unknown name is a usage error.
pub(crate) fn find(name: &str) -> Result<serde_json::Value, CliError> {
    schemas()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s.to_value())
        .ok_or_else(|| {
            CliError::usage(format!(
                "unknown schema {name:?}; `interconnect schema --list` lists the names"
            ))
        })
}
