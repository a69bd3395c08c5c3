//! Who may use an environment and how large a connection may be: a
//! private environment is open only to the customers both providers agreed
//! on (ENV-14, `Environment.environmentVisibility`), and a server may
//! refuse a size under its own limits (CONN-30, E-76).

use interconnect_core::wire::{EnvironmentVisibility, Secret};

use crate::config::{EnvironmentInventory, ProtocolPolicy};
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::rules;

/// ENV-14: `account` may use `env`. A private environment that does not
/// list the account is answered as missing (404), so its existence is not
/// shown to other customers (E-112).
pub(crate) fn check_allowed(env: &EnvironmentInventory, account: &Secret) -> CoordinatorResult<()> {
    let private = env.environment.environment_visibility == Some(EnvironmentVisibility::Private);
    if !private || env.allowed_accounts.iter().any(|a| a == account) {
        return Ok(());
    }
    Err(CoordinatorError::not_found(
        rules::ENV_PRIVATE,
        "environment: no such environment is open to this account",
    ))
}

/// CONN-30: `mbps` is within the server's own per-connection limit.
pub(crate) fn check_bandwidth_limit(policy: &ProtocolPolicy, mbps: i32) -> CoordinatorResult<()> {
    match policy.max_connection_bandwidth_mbps {
        Some(max) if mbps > max => Err(CoordinatorError::invalid_argument(
            rules::CONN_UPDATE_LIMIT,
            format!(
                "bandwidthMbps: {mbps} Mbps exceeds this server's limit of {max} Mbps per \
                 connection (policy maxConnectionBandwidthMbps)"
            ),
        )),
        _ => Ok(()),
    }
}
