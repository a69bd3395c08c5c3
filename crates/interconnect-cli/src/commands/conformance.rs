//! `interconnect conformance`: runs the conformance suite
//! (`interconnect-conformance`, `conformance/README.md`). Without
//! `--target` only the offline vectors run (this tool's own library);
//! with `--target URL` they run and then every protocol scenario against
//! that server; `--in-process` runs the scenarios against an in-process
//! reference provider with every hook. The readable report goes to stdout;
//! `--junit FILE` and `--json-report FILE` write the other formats. The exit
//! code is 0 only when nothing failed (and, with `--strict`, nothing was
//! skipped); 2 when the run would check nothing (`--only` matching no
//! vector, a `--vectors` directory missing or empty) or the preflight finds
//! the target or a credential unusable. The vectors are embedded in the
//! binary: the suite runs from any working directory.

use std::path::PathBuf;

use clap::Args;
use interconnect_conformance::scenario::{
    FixtureTarget, HttpTargetConfig, Inventory, reference_fixture,
};
use interconnect_conformance::{Filter, Report, Suite};
use interconnect_core::names::{EnvironmentName, ProviderName};
use interconnect_core::wire::Secret;

use super::Outcome;
use crate::error::{CliError, ErrorKind};
use crate::input;

/// `interconnect conformance [--target URL --token TOKEN --as-provider NAME] ...`
#[derive(Debug, Args)]
pub(crate) struct ConformanceArgs {
    /// The base URL of the server under test (`https://...`; plain `http`
    /// only on loopback). Without it, only the offline vectors run.
    #[arg(long, value_name = "URL", conflicts_with = "in_process")]
    pub(crate) target: Option<String>,
    /// The bearer token the server gave the provider of `--as-provider`.
    #[arg(long, value_name = "TOKEN", requires = "target")]
    pub(crate) token: Option<String>,
    /// The file holding `--token` (one line; the trailing newline is dropped).
    #[arg(
        long,
        value_name = "FILE",
        requires = "target",
        conflicts_with = "token"
    )]
    pub(crate) token_file: Option<PathBuf>,
    /// The environment variable holding `--token`.
    #[arg(
        long,
        value_name = "VAR",
        requires = "target",
        conflicts_with_all = ["token", "token_file"]
    )]
    pub(crate) token_env: Option<String>,
    /// The provider the suite acts as: a partner of the server under test
    /// (`gcp` or `providers/gcp`).
    #[arg(long, value_name = "NAME", requires = "target")]
    pub(crate) as_provider: Option<String>,
    /// Run the scenarios against an in-process reference provider (every
    /// hook available) instead of a URL.
    #[arg(long)]
    pub(crate) in_process: bool,
    /// Restrict discovery to this environment id of the server.
    #[arg(long, value_name = "ID")]
    pub(crate) environment: Option<String>,
    /// Run only these: a requirement id (`KEY-5`), an id prefix (`KEY`), a
    /// vector id or a family (`connections`). Repeatable.
    #[arg(long, value_name = "CLAUSE")]
    pub(crate) only: Vec<String>,
    /// Print the selected vectors (id, requirement, description) without
    /// running them.
    #[arg(long)]
    pub(crate) list: bool,
    /// Also write the report as JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<PathBuf>,
    /// Also write the report as JSON to FILE (`report.schema.json`).
    #[arg(long, value_name = "FILE")]
    pub(crate) json_report: Option<PathBuf>,
    /// The base URL of the server's operator API, for the
    /// `issueActivationKey` hook (`POST /operator/v1/activationKeys`).
    /// Needs `--operator-token`, `--operator-token-file` or
    /// `--operator-token-env`.
    #[arg(long, value_name = "URL", requires = "target")]
    pub(crate) operator_url: Option<String>,
    /// The operator API's bearer token.
    #[arg(long, value_name = "TOKEN", requires = "operator_url")]
    pub(crate) operator_token: Option<String>,
    /// The file holding `--operator-token`.
    #[arg(
        long,
        value_name = "FILE",
        requires = "operator_url",
        conflicts_with = "operator_token"
    )]
    pub(crate) operator_token_file: Option<PathBuf>,
    /// The environment variable holding `--operator-token`.
    #[arg(
        long,
        value_name = "VAR",
        requires = "operator_url",
        conflicts_with_all = ["operator_token", "operator_token_file"]
    )]
    pub(crate) operator_token_env: Option<String>,
    /// A provider the server knows that is NOT a partner of the server's
    /// resources, for the isolation scenarios (AUTH-2, AUTH-13).
    /// Needs `--stranger-token`, `--stranger-token-file` or
    /// `--stranger-token-env`.
    #[arg(long, value_name = "NAME", requires = "target")]
    pub(crate) stranger: Option<String>,
    /// The bearer token of `--stranger`.
    #[arg(long, value_name = "TOKEN", requires = "stranger")]
    pub(crate) stranger_token: Option<String>,
    /// The file holding `--stranger-token`.
    #[arg(
        long,
        value_name = "FILE",
        requires = "stranger",
        conflicts_with = "stranger_token"
    )]
    pub(crate) stranger_token_file: Option<PathBuf>,
    /// The environment variable holding `--stranger-token`.
    #[arg(
        long,
        value_name = "VAR",
        requires = "stranger",
        conflicts_with_all = ["stranger_token", "stranger_token_file"]
    )]
    pub(crate) stranger_token_env: Option<String>,
    /// A PEM root certificate to trust besides the WebPKI roots (a private
    /// CA of the server under test).
    #[arg(long, value_name = "FILE")]
    pub(crate) root_cert: Option<PathBuf>,
    /// The vectors directory (default: the vectors embedded in this tool).
    #[arg(long, value_name = "DIR")]
    pub(crate) vectors: Option<PathBuf>,
    /// Any skipped vector fails the run (a missing hook, role or declared
    /// resource then counts as a failure).
    #[arg(long)]
    pub(crate) strict: bool,
    /// The partner's declared test inventory (JSON,
    /// `{"disabledChannels": [NAME, ...], "inactiveInterconnects": [NAME, ...]}`):
    /// what the target holds, so that
    /// a scenario whose precondition the target hides fails instead of
    /// skipping (`conformance/vectors/scenarios/README.md`).
    #[arg(long, value_name = "FILE", requires = "target")]
    pub(crate) inventory: Option<PathBuf>,
}

fn provider(text: &str) -> Result<ProviderName, CliError> {
    Ok(ProviderName::parse_reference(text)?)
}

fn environment(partner: &ProviderName, id: &str) -> Result<EnvironmentName, CliError> {
    match id.parse::<EnvironmentName>() {
        Ok(name) => Ok(name),
        Err(_) => Ok(partner.environment(id)?),
    }
}

/// Runs `interconnect conformance`.
pub(crate) fn run(args: ConformanceArgs) -> Result<Outcome, CliError> {
    let suite = match &args.vectors {
        Some(dir) => Suite::new(dir.clone()),
        None => Suite::bundled(),
    }
    .with_filter(Filter::only(args.only.clone()));
    if args.list {
        return list(&suite);
    }
    // A run that checks nothing must not pass.
    suite
        .check_selection()
        .map_err(|e| CliError::usage(e.to_string()))?;
    let inventory = match &args.inventory {
        Some(file) => Some(Inventory::read(file).map_err(|e| CliError::usage(e.to_string()))?),
        None => None,
    };
    let suite = suite.with_inventory(inventory);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::new(ErrorKind::Io, format!("cannot start the runtime: {e}")))?;
    let (heading, report) = if args.in_process {
        let fixture = reference_fixture();
        let suite = match &args.environment {
            Some(id) => suite.with_environment(Some(environment(&fixture.partner, id)?)),
            None => suite,
        };
        let target = FixtureTarget::new(fixture);
        let report = runtime.block_on(suite.run(&target)).map_err(suite_error)?;
        (
            "offline vectors and scenarios against an in-process reference provider".to_owned(),
            report,
        )
    } else if let Some(url) = &args.target {
        let token = token_from("--token", &args.token, &args.token_file, &args.token_env)?;
        let (Some(token), Some(as_provider)) = (token, &args.as_provider) else {
            return Err(CliError::usage(
                "--target needs --token TOKEN (or --token-file FILE, or --token-env VAR) and --as-provider NAME",
            ));
        };
        let partner = provider(as_provider)?;
        let mut config = HttpTargetConfig::new(url.clone(), partner.clone(), token);
        if let Some(u) = &args.operator_url {
            let token = token_from(
                "--operator-token",
                &args.operator_token,
                &args.operator_token_file,
                &args.operator_token_env,
            )?
            .ok_or_else(|| {
                CliError::usage(
                    "--operator-url needs --operator-token, --operator-token-file or --operator-token-env",
                )
            })?;
            config = config.with_operator(u.clone(), token);
        }
        if let Some(s) = &args.stranger {
            let token = token_from(
                "--stranger-token",
                &args.stranger_token,
                &args.stranger_token_file,
                &args.stranger_token_env,
            )?
            .ok_or_else(|| {
                CliError::usage(
                    "--stranger needs --stranger-token, --stranger-token-file or --stranger-token-env",
                )
            })?;
            config = config.with_stranger(provider(s)?, token);
        }
        if let Some(file) = &args.root_cert {
            config.extra_roots_pem.push(input::read_file(file)?);
        }
        let suite = match &args.environment {
            Some(id) => suite.with_environment(Some(environment(&partner, id)?)),
            None => suite,
        };
        let report = runtime.block_on(async {
            let mut target = config.build().map_err(|e| CliError::usage(e.to_string()))?;
            // One check of the target and of each credential first; it
            // also finds the development hooks of a `serve --dev` server
            // (clock, provisioning, MACsec activation).
            target
                .preflight()
                .await
                .map_err(|e| CliError::usage(e.to_string()))?;
            suite.run(&target).await.map_err(suite_error)
        })?;
        (
            format!("offline vectors and scenarios against {url} as {partner}"),
            report,
        )
    } else {
        let report = suite.run_offline().map_err(suite_error)?;
        ("offline vectors only (no --target)".to_owned(), report)
    };
    let report = report.strict(args.strict);
    write_reports(&args, &report)?;
    let mut stdout = format!("interconnect conformance: {heading}\n\n");
    stdout.push_str(report.to_text().trim_end());
    Ok(Outcome {
        stdout,
        valid: report.exit_code() == 0,
    })
}

fn suite_error(e: interconnect_conformance::SuiteError) -> CliError {
    match e {
        interconnect_conformance::SuiteError::NoVectors(_)
        | interconnect_conformance::SuiteError::NothingSelected(_) => {
            CliError::usage(e.to_string())
        }
        other => CliError::new(ErrorKind::Io, other.to_string()),
    }
}

fn write_reports(args: &ConformanceArgs, report: &Report) -> Result<(), CliError> {
    let write = |path: &PathBuf, text: String| {
        std::fs::write(path, text).map_err(|e| {
            CliError::new(
                ErrorKind::Io,
                format!("cannot write {}: {e}", path.display()),
            )
        })
    };
    if let Some(path) = &args.junit {
        write(path, report.to_junit())?;
    }
    if let Some(path) = &args.json_report {
        let text = serde_json::to_string_pretty(&report.to_json())
            .map_err(|e| CliError::new(ErrorKind::Json, format!("cannot write JSON: {e}")))?;
        write(path, text)?;
    }
    Ok(())
}

fn list(suite: &Suite) -> Result<Outcome, CliError> {
    let listed = suite.list().map_err(suite_error)?;
    let mut out = String::new();
    for v in &listed {
        let needs = if v.needs.is_empty() {
            String::new()
        } else {
            format!(" [needs {}]", v.needs.join(", "))
        };
        out.push_str(&format!(
            "{:<48} {:<14} {}{needs}\n",
            v.id, v.requirement, v.description
        ));
    }
    out.push_str(&format!("{} vectors", listed.len()));
    Ok(Outcome::ok(out))
}

/// A token from its flag, from the file of `{flag}-file` or from the
/// environment variable of `{flag}-env` (clap refuses two of them).
fn token_from(
    flag: &str,
    value: &Option<String>,
    file: &Option<PathBuf>,
    var: &Option<String>,
) -> Result<Option<Secret>, CliError> {
    match (value, file, var) {
        (Some(value), _, _) => Ok(Some(Secret::new(value.clone()))),
        (None, Some(file), _) => {
            crate::serve_config::read_secret_file(&format!("{flag}-file"), file).map(Some)
        }
        (None, None, Some(var)) => crate::serve_config::read_secret_env(
            &format!("{flag}-env"),
            var,
            &crate::serve_config::process_env,
        )
        .map(Some),
        (None, None, None) => Ok(None),
    }
}
