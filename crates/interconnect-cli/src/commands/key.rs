//! `interconnect key decode|encode`: activation keys (`ActivationKey` in
//! `schemas/environment.yaml`; `docs/Protocols.md`, "Establish Customer
//! Intent").
//!
//! `decode` prints the members of the key, including its secrets, on stdout:
//! that is what the command is for. Errors never repeat the key.

use interconnect_core::activation_key::{
    ActivationKeyError, ActivationKeyV1, ConnectionUuid, DecodedActivationKey, EncodedActivationKey,
};
use interconnect_core::names::EnvironmentName;
use interconnect_core::wire::Secret;
use serde::Serialize;

use super::Outcome;
use crate::cli::{KeyCommand, KeyDecodeArgs, KeyEncodeArgs};
use crate::error::{CliError, ErrorKind};
use crate::input;

/// The members of a decoded key, in the schema's order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Members<'a> {
    version: i32,
    destination_environment_uri: String,
    shared_connection_uuid: &'a str,
    connection_size_mbps: i32,
    destination_account_id: &'a str,
}

/// Runs `interconnect key ...`.
pub(crate) fn run(command: KeyCommand) -> Result<Outcome, CliError> {
    match command {
        KeyCommand::Decode(args) => decode(args),
        KeyCommand::Encode(args) => encode(&args),
    }
}

fn decode(args: KeyDecodeArgs) -> Result<Outcome, CliError> {
    let text = match args.key {
        Some(k) if k != "-" => k,
        _ => input::read_stdin_key()?,
    };
    let key = EncodedActivationKey::new(&text)?;
    match key.decode()? {
        DecodedActivationKey::V1(v1) => {
            let members = Members {
                version: ActivationKeyV1::VERSION,
                destination_environment_uri: v1.destination_environment().to_string(),
                shared_connection_uuid: v1.shared_connection_uuid().as_str(),
                connection_size_mbps: v1.connection_size_mbps(),
                destination_account_id: v1.destination_account_id().expose(),
            };
            Outcome::json(&members, true)
        }
        other => Err(ActivationKeyError::UnknownVersion {
            version: other.version(),
        }
        .into()),
    }
}

fn encode(args: &KeyEncodeArgs) -> Result<Outcome, CliError> {
    let environment: EnvironmentName = args.environment.parse()?;
    let uuid: ConnectionUuid = args.uuid.parse().map_err(|e| {
        CliError::new(
            ErrorKind::Key,
            format!("--uuid is not a UUID (sharedConnectionUuid): {e}"),
        )
    })?;
    let key = ActivationKeyV1::new(environment, uuid, args.mbps, Secret::new(&args.account))?;
    Ok(Outcome::ok(key.encode().expose()))
}
