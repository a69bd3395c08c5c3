//! `interconnect key decode|encode`: activation keys (`ActivationKey`,
//! `ActivationKeyV1`, `ActivationKeyV2` and `ActivationKeyEncryptedPayload`
//! in `schemas/environment.yaml` of upstream main; `docs/Protocols.md`,
//! "Establish Customer Intent").
//!
//! `decode` prints the members of the key, including its secrets, on stdout:
//! that is what the command is for. A version 2 key is decrypted with
//! `--private-key`; without it, only its clear envelope is shown. Errors
//! never repeat the key, and a failed decryption says nothing of why (E-203).

use std::path::Path;

use interconnect_core::activation_key::{
    ActivationKeyEncryptedPayload, ActivationKeyError, ActivationKeyPrivateKey,
    ActivationKeyPublicKey, ActivationKeyV1, ActivationKeyV2, ConnectionUuid, DecodedActivationKey,
    EncodedActivationKey, decrypt, encrypt,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    source_account_id: Option<&'a str>,
}

/// The clear part of a version 2 key, shown without a private key.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    version: i32,
    destination_environment_uri: String,
    encrypted_contents_bytes: usize,
}

/// Runs `interconnect key ...`.
pub(crate) fn run(command: KeyCommand) -> Result<Outcome, CliError> {
    match command {
        KeyCommand::Decode(args) => decode(args),
        KeyCommand::Encode(args) => encode(&args),
    }
}

fn pem_file(path: &Path) -> Result<String, CliError> {
    String::from_utf8(input::read_file(path)?).map_err(|_| {
        CliError::new(
            ErrorKind::Key,
            format!("{} is not UTF-8 text (a PEM file)", path.display()),
        )
    })
}

fn key_error(e: impl std::fmt::Display) -> CliError {
    CliError::new(ErrorKind::Key, e.to_string())
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
                source_account_id: None,
            };
            Outcome::json(&members, true)
        }
        DecodedActivationKey::V2(v2) => match &args.private_key {
            None => Outcome::json(
                &Envelope {
                    version: ActivationKeyV2::VERSION,
                    destination_environment_uri: v2.destination_environment().to_string(),
                    encrypted_contents_bytes: v2.encrypted_contents().len(),
                },
                true,
            ),
            Some(path) => {
                let private =
                    ActivationKeyPrivateKey::from_pkcs8_pem(&pem_file(path)?).map_err(key_error)?;
                let payload = decrypt(&v2, &[private]).map_err(key_error)?;
                Outcome::json(
                    &Members {
                        version: ActivationKeyV2::VERSION,
                        destination_environment_uri: v2.destination_environment().to_string(),
                        shared_connection_uuid: payload.shared_connection_uuid().as_str(),
                        connection_size_mbps: payload.connection_size_mbps(),
                        destination_account_id: payload.destination_account_id().expose(),
                        source_account_id: Some(payload.source_account_id().expose()),
                    },
                    true,
                )
            }
        },
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
    match args.version {
        ActivationKeyV1::VERSION => {
            if args.public_key.is_some() || args.source_account.is_some() {
                return Err(CliError::new(
                    ErrorKind::Usage,
                    "--public-key and --source-account are for --version 2",
                ));
            }
            let key =
                ActivationKeyV1::new(environment, uuid, args.mbps, Secret::new(&args.account))?;
            Ok(Outcome::ok(key.encode().expose()))
        }
        ActivationKeyV2::VERSION => {
            let (Some(public_key), Some(source)) = (&args.public_key, &args.source_account) else {
                return Err(CliError::new(
                    ErrorKind::Usage,
                    "--version 2 needs --public-key PEM and --source-account ID",
                ));
            };
            let public = ActivationKeyPublicKey::from_pem(&pem_file(public_key)?)
                .map_err(|e| key_error(format!("--public-key: {e}")))?;
            let payload = ActivationKeyEncryptedPayload::new(
                uuid,
                args.mbps,
                Secret::new(&args.account),
                Secret::new(source),
            )?;
            let key = encrypt(environment, &payload, &public).map_err(key_error)?;
            Ok(Outcome::ok(key.encode().expose()))
        }
        other => Err(CliError::new(
            ErrorKind::Usage,
            format!("--version {other}: this release makes activation keys of version 1 or 2"),
        )),
    }
}
