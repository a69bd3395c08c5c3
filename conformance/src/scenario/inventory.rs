//! The partner's declared test inventory (`--inventory FILE`,
//! `conformance/vectors/scenarios/README.md` "Declared inventory"): what the
//! target is known to hold, so that a scenario whose precondition the runner
//! would otherwise discover from the target's own answers cannot skip
//! because the target hid the very thing being tested (issue 18 item 4).
//!
//! The file is JSON: `{"disabledChannels": ["providers/.../channels/ch4"],
//! "inactiveInterconnects": ["providers/.../interconnects/ix3"]}`, the
//! channels (named under the partner's namespace) whose admin state is not
//! `ADMIN_STATE_ENABLED` (FEAT-13, GUIDE-2) and the interconnects whose state
//! is not `INTERCONNECT_STATE_ACTIVE` (CONN-6); both members are optional.

use std::path::Path;

use interconnect_core::names::{ChannelName, InterconnectName};
use interconnect_core::wire::{AdminState, InterconnectState};
use interconnect_provider::config::ProviderConfig;
use serde::{Deserialize, Serialize};

/// What the partner declares its target holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Inventory {
    /// Channels whose admin state is not enabled.
    #[serde(default)]
    pub disabled_channels: Vec<ChannelName>,
    /// Interconnects whose state is not `INTERCONNECT_STATE_ACTIVE`.
    #[serde(default)]
    pub inactive_interconnects: Vec<InterconnectName>,
}

/// Why an inventory file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InventoryError {
    /// The file could not be read.
    #[error("inventory {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not an inventory document.
    #[error("inventory {path}: {source}")]
    Json {
        /// The file.
        path: String,
        /// The error (names the line and column, never a secret: the file
        /// holds none).
        source: serde_json::Error,
    },
}

impl Inventory {
    /// Reads an inventory file.
    pub fn read(path: &Path) -> Result<Self, InventoryError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| InventoryError::Io {
            path: shown.clone(),
            source,
        })?;
        serde_json::from_slice(&bytes).map_err(|source| InventoryError::Json {
            path: shown,
            source,
        })
    }

    /// The inventory a reference provider's configuration declares for its
    /// partner `partner` (the in-process targets: the configuration is the
    /// truth the runner checks the answers against).
    pub fn of_config(
        config: &ProviderConfig,
        partner: &interconnect_core::names::ProviderName,
    ) -> Self {
        let mut disabled_channels = Vec::new();
        let mut inactive_interconnects = Vec::new();
        for p in config
            .inventory
            .partners
            .iter()
            .filter(|p| &p.provider == partner)
        {
            for env in &p.environments {
                for ix in &env.interconnects {
                    if ix
                        .interconnect
                        .state
                        .as_ref()
                        .is_some_and(|s| *s != InterconnectState::Active)
                        && let Some(name) = &ix.interconnect.name
                    {
                        inactive_interconnects.push(name.clone());
                    }
                    for ch in &ix.channels {
                        if ch
                            .admin_state
                            .as_ref()
                            .is_some_and(|s| *s != AdminState::Enabled)
                            && let Some(name) = &ch.name
                        {
                            disabled_channels.push(name.clone());
                        }
                    }
                }
            }
        }
        Inventory {
            disabled_channels,
            inactive_interconnects,
        }
    }
}
