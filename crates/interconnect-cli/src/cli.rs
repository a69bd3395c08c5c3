//! The command line, as clap types. Parsing only; the work is in
//! [`crate::commands`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Offline tools for the Connection Coordinator specification: activation
/// keys, feature and attachment validation, wire schemas.
#[derive(Debug, Parser)]
#[command(name = "interconnect", version, about)]
pub(crate) struct Cli {
    /// Write errors to stderr as JSON: {"error":{"kind":...,"message":...}}.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// The log's format on stderr (serve, demo): `text`
    /// (coloured only on a terminal) or `json` (one object a line).
    #[arg(long, global = true, value_enum, value_name = "FORMAT", default_value_t = crate::logging::LogFormat::Text)]
    pub(crate) log_format: crate::logging::LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Encode or decode activation keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Validate a proposed feature or a pair of customer attachments.
    #[command(subcommand)]
    Validate(ValidateCommand),
    /// Check a JSON document against a wire schema and the typed parser.
    Check(CheckArgs),
    /// Print the JSON Schema of a wire type, or list the names.
    Schema(SchemaArgs),
    /// Run a reference provider over HTTP (the specification's routes, the customer and operator APIs).
    Serve(crate::commands::serve::ServeArgs),
    /// Maintain the store named by the store section of a serve configuration.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Two providers over loopback HTTP: a connection from request to VERIFIED, changed, rotated, deleted.
    Demo(crate::commands::demo::DemoArgs),
    /// Run the conformance suite: offline vectors, and with --target (or
    /// --in-process) the protocol scenarios against a server.
    Conformance(crate::commands::conformance::ConformanceArgs),
    /// Print a completion script for a shell (bash, zsh, fish, elvish,
    /// powershell), e.g. `interconnect completions bash > /etc/bash_completion.d/interconnect`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `interconnect man | man -l -`.
    Man,
}

/// `interconnect completions SHELL`
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

/// `interconnect store ...`
#[derive(Debug, Subcommand)]
pub(crate) enum StoreCommand {
    /// Recount every derived total and index (bandwidth reserved per
    /// interconnect, connections by id, VLANs and subnets per channel) from
    /// the records; exit 1 on a difference.
    Check(StoreArgs),
    /// Apply the schema migrations the database lacks, without serving.
    Migrate(StoreArgs),
}

/// The configuration naming the store.
#[derive(Debug, Args)]
pub(crate) struct StoreArgs {
    /// The serve configuration (TOML) whose store section names the database.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: PathBuf,
}

/// `interconnect key ...`
#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Print the members of an activation key as JSON.
    Decode(KeyDecodeArgs),
    /// Build an activation key (version 1, or 2 encrypted with a public key) and print it.
    Encode(KeyEncodeArgs),
}

/// `interconnect key decode [KEY|-]`
#[derive(Debug, Args)]
pub(crate) struct KeyDecodeArgs {
    /// The key text; `-` or nothing reads it from stdin (at most 64 KiB).
    pub(crate) key: Option<String>,
    /// A version 2 key is decrypted with this PEM `PRIVATE KEY` (PKCS #8)
    /// file; without it only its clear envelope is shown.
    #[arg(long, value_name = "PEM")]
    pub(crate) private_key: Option<PathBuf>,
}

/// `interconnect key encode ...`
#[derive(Debug, Args)]
pub(crate) struct KeyEncodeArgs {
    /// destinationEnvironmentUri: providers/{provider}/environments/{environment}.
    #[arg(long, value_name = "URI")]
    pub(crate) environment: String,
    /// sharedConnectionUuid.
    #[arg(long, value_name = "UUID")]
    pub(crate) uuid: String,
    /// connectionSizeMbps (positive).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub(crate) mbps: i32,
    /// destinationAccountId.
    #[arg(long, value_name = "ID")]
    pub(crate) account: String,
    /// The key version: 1 (clear) or 2 (encrypted, RSA-OAEP-256).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub(crate) version: i32,
    /// Version 2: the destination environment's PEM `PUBLIC KEY` file
    /// (`encryption.publicKey` of GetActivationKeyParameters).
    #[arg(long, value_name = "PEM")]
    pub(crate) public_key: Option<PathBuf>,
    /// Version 2: sourceAccountId, the customer's account at the key creator.
    #[arg(long, value_name = "ID")]
    pub(crate) source_account: Option<String>,
}

/// `interconnect validate ...`
#[derive(Debug, Subcommand)]
pub(crate) enum ValidateCommand {
    /// Validate a proposed L3 base feature against the responder's guidance.
    Feature(FeatureArgs),
    /// Validate the two ends (attachments) of a connection against each other.
    Attachments(AttachmentsArgs),
}

/// `interconnect validate feature ...`
#[derive(Debug, Args)]
pub(crate) struct FeatureArgs {
    /// A FeatureGuidance (its l3BaseGuidance is used) or a bare L3BaseGuidance.
    #[arg(long, value_name = "FILE")]
    pub(crate) guidance: PathBuf,
    /// The proposed Feature.
    #[arg(long, value_name = "FILE")]
    pub(crate) feature: PathBuf,
    /// The negotiator (proposing provider): `aws` or `providers/aws`.
    #[arg(long, value_name = "PROVIDER")]
    pub(crate) negotiator: String,
    /// The responder (judging provider): `gcp` or `providers/gcp`.
    #[arg(long, value_name = "PROVIDER")]
    pub(crate) responder: String,
    /// Features already on the channel: a JSON array of Features or a ListFeaturesResponse.
    #[arg(long, value_name = "FILE")]
    pub(crate) used: Option<PathBuf>,
    /// The connection the feature is proposed on (default: the parent of the feature's name).
    #[arg(long, value_name = "NAME")]
    pub(crate) connection: Option<String>,
}

/// `interconnect validate attachments ...`
#[derive(Debug, Args)]
pub(crate) struct AttachmentsArgs {
    /// The local end (Attachment JSON).
    #[arg(long, value_name = "FILE")]
    pub(crate) local: PathBuf,
    /// The remote end (Attachment JSON).
    #[arg(long, value_name = "FILE")]
    pub(crate) remote: PathBuf,
    /// An Environment whose supportedConnectionSizeMbps are the offered bandwidths.
    #[arg(long, value_name = "FILE")]
    pub(crate) environment: Option<PathBuf>,
    /// The requested bandwidth: `1Gbps`, `500Mbps`, `BPS_1G`, ...
    #[arg(long, value_name = "B")]
    pub(crate) bandwidth: Option<String>,
}

/// `interconnect check SCHEMA FILE`
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The wire schema name (see `interconnect schema --list`).
    pub(crate) schema: String,
    /// The JSON document to check.
    pub(crate) file: PathBuf,
}

/// `interconnect schema NAME | --list`
#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// The wire schema name.
    #[arg(required_unless_present = "list", conflicts_with = "list")]
    pub(crate) name: Option<String>,
    /// List the schema names, one a line.
    #[arg(long)]
    pub(crate) list: bool,
}
