//! `interconnect validate feature|attachments`.
//!
//! `feature` judges a proposed L3 base feature as a responder would
//! (`docs/Protocols.md`, "Negotiate Feature Parameters"): first the guidance
//! itself must be coherent (violations under `guidance`), then the feature
//! must follow it. `attachments` checks a customer's two ends of a connection
//! with the `CUST-` rules ([`interconnect_core::customer::validate_pair`]).

use std::path::Path;

use interconnect_core::customer::{Attachment, Bandwidth, PairContext, validate_pair};
use interconnect_core::names::{ConnectionName, ProviderName};
use interconnect_core::validation::{
    ChannelUsage, L3Context, Report, validate_l3_feature, validate_l3_guidance,
};
use interconnect_core::wire::{
    Environment, Feature, FeatureGuidance, L3BaseGuidance, ListFeaturesResponse,
};
use serde_json::Value;

use super::Outcome;
use crate::cli::{AttachmentsArgs, FeatureArgs, ValidateCommand};
use crate::error::{CliError, ErrorKind};
use crate::input;

/// Runs `interconnect validate ...`.
pub(crate) fn run(command: ValidateCommand) -> Result<Outcome, CliError> {
    match command {
        ValidateCommand::Feature(args) => feature(&args),
        ValidateCommand::Attachments(args) => attachments(&args),
    }
}

fn report(report: &Report) -> Result<Outcome, CliError> {
    Outcome::json(report, report.valid)
}

fn feature(args: &FeatureArgs) -> Result<Outcome, CliError> {
    let guidance = read_guidance(&args.guidance)?;
    let feature: Feature = input::read_document(&args.feature)?;
    let negotiator = provider("--negotiator", &args.negotiator)?;
    let responder = provider("--responder", &args.responder)?;
    let connection: ConnectionName = match (&args.connection, &feature.name) {
        (Some(text), _) => text
            .parse()
            .map_err(|e| CliError::new(ErrorKind::Name, format!("--connection: {e}")))?,
        (None, Some(name)) => name.connection().clone(),
        (None, None) => {
            return Err(CliError::usage(
                "the feature has no name; give the connection with --connection",
            ));
        }
    };
    let mut used = ChannelUsage::default();
    if let Some(path) = &args.used {
        for f in read_used(path)? {
            if let Some(config) = f.feature_config.and_then(|c| c.l3_base_config) {
                used.add(&config);
            }
        }
    }
    let mut violations = validate_l3_guidance(&guidance, "guidance");
    violations.extend(validate_l3_feature(
        &feature,
        &L3Context {
            connection: &connection,
            guidance: &guidance,
            negotiator: &negotiator,
            responder: &responder,
            used: &used,
        },
    ));
    report(&Report::from(violations))
}

fn provider(flag: &str, text: &str) -> Result<ProviderName, CliError> {
    ProviderName::parse_reference(text)
        .map_err(|e| CliError::new(ErrorKind::Name, format!("{flag}: {e}")))
}

/// A FeatureGuidance (its `l3BaseGuidance`) or a bare L3BaseGuidance. A
/// document with a `featureType` or `l3BaseGuidance` member is read as a
/// FeatureGuidance.
fn read_guidance(path: &Path) -> Result<L3BaseGuidance, CliError> {
    let bytes = input::read_file(path)?;
    let value: Value = input::parse_document(&bytes, path)?;
    let wrapped = [
        "l3BaseGuidance",
        "featureType",
        "channel",
        "channelAdminState",
    ]
    .iter()
    .any(|m| value.get(m).is_some());
    if !wrapped {
        return input::parse_document(&bytes, path);
    }
    let fg: FeatureGuidance = input::parse_document(&bytes, path)?;
    fg.l3_base_guidance.ok_or_else(|| {
        CliError::new(
            ErrorKind::Json,
            format!(
                "{}: l3BaseGuidance: the FeatureGuidance holds no L3 base guidance",
                path.display()
            ),
        )
    })
}

/// A JSON array of Features or a ListFeaturesResponse.
fn read_used(path: &Path) -> Result<Vec<Feature>, CliError> {
    let bytes = input::read_file(path)?;
    let value: Value = input::parse_document(&bytes, path)?;
    if value.is_array() {
        input::parse_document(&bytes, path)
    } else {
        let list: ListFeaturesResponse = input::parse_document(&bytes, path)?;
        Ok(list.features)
    }
}

fn attachments(args: &AttachmentsArgs) -> Result<Outcome, CliError> {
    let local: Attachment = input::read_document(&args.local)?;
    let remote: Attachment = input::read_document(&args.remote)?;
    let mut context = PairContext::default();
    if let Some(path) = &args.environment {
        let env: Environment = input::read_document(path)?;
        let offered = env
            .supported_connection_size_mbps
            .iter()
            .map(|&mbps| {
                let mbps = u32::try_from(mbps).map_err(|_| {
                    CliError::new(
                        ErrorKind::Bandwidth,
                        format!(
                            "{}: supportedConnectionSizeMbps holds {mbps}, not a positive size",
                            path.display()
                        ),
                    )
                })?;
                Ok(Bandwidth::from_mbps(mbps)?)
            })
            .collect::<Result<Vec<_>, CliError>>()?;
        context.offered_bandwidths = Some(offered);
    }
    if let Some(text) = &args.bandwidth {
        context.requested_bandwidth = Some(text.parse::<Bandwidth>()?);
    }
    report(&Report::from(validate_pair(&local, &remote, &context)))
}
