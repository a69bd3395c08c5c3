//! `interconnect store check|migrate --config FILE`: maintenance of the
//! store a serve configuration names (its `[store]` section).

use interconnect_store::{PostgresStore, SqliteStore, migrations};

use crate::cli::{StoreArgs, StoreCommand};
use crate::commands::Outcome;
use crate::error::{CliError, ErrorKind};
use crate::serve_config::ServeConfig;
use crate::store_config::{Location, StoreConfig};

/// Runs a store command.
pub(crate) fn run(command: &StoreCommand) -> Result<Outcome, CliError> {
    match command {
        StoreCommand::Check(args) => check(args),
        StoreCommand::Migrate(args) => migrate(args),
    }
}

fn durable(args: &StoreArgs) -> Result<(StoreConfig, Location), CliError> {
    let config = ServeConfig::from_file(&args.config)?;
    let store = config.store.ok_or_else(|| {
        CliError::new(
            ErrorKind::Usage,
            "store: the configuration has no [store] section (its state is in memory)",
        )
    })?;
    let location = store.location()?.ok_or_else(|| {
        CliError::new(
            ErrorKind::Usage,
            "store.kind: \"memory\" keeps nothing to check or migrate",
        )
    })?;
    Ok((store, location))
}

fn check(args: &StoreArgs) -> Result<Outcome, CliError> {
    let (settings, _) = durable(args)?;
    let store = settings.open()?;
    let mut report = None;
    store.read(&mut |state| {
        let differences = interconnect_store::check::check(state);
        let summary = format!(
            "{} connections, {} features, {} MACsec keys, {} issues, {} workflows",
            state.connections.len(),
            state.features.len(),
            state.mac_sec_keys.len(),
            state.issues.len(),
            state.workflows.len()
        );
        report = Some((summary, differences));
    });
    let (summary, differences) =
        report.ok_or_else(|| CliError::new(ErrorKind::Io, "store: the state was not read"))?;
    if differences.is_empty() {
        Ok(Outcome::ok(format!(
            "store check: {summary}; every derived total and index recounts equal"
        )))
    } else {
        let mut stdout = format!(
            "store check: {summary}; {} difference(s):",
            differences.len()
        );
        for d in differences {
            stdout.push_str("\n  ");
            stdout.push_str(&d);
        }
        Ok(Outcome {
            stdout,
            valid: false,
        })
    }
}

fn migrate(args: &StoreArgs) -> Result<Outcome, CliError> {
    let (settings, location) = durable(args)?;
    let (before, after) = match location {
        Location::Sqlite(path) => SqliteStore::migrate(&path),
        Location::Postgres(options) => PostgresStore::migrate(&options),
    }
    .map_err(|e| settings.open_error(e))?;
    Ok(Outcome::ok(if before == after {
        format!("store migrate: the schema is at version {after}, the latest this binary knows")
    } else {
        format!(
            "store migrate: schema version {before} -> {after} (latest {})",
            migrations::LATEST
        )
    }))
}
