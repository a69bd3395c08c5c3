//! Protocol scenarios: ordered steps run against any
//! [`ConnectionCoordinator`](interconnect_provider::ConnectionCoordinator)
//! (`conformance/vectors/scenarios/README.md` documents the file format,
//! `conformance/vectors/schema/scenario.schema.json` its schema). Each
//! scenario checks a requirement of `spec/REQUIREMENTS.md` through the
//! operations of `openapi.yaml` only, plus the target hooks of [`target`]
//! for what the specification has no operation for.
//!
//! | module | concept |
//! |---|---|
//! | [`model`] | the scenario file format (serde) |
//! | [`load`] | reading files, errors naming file and JSON path |
//! | [`operations`] | the 33 operations as data; `invoke` on any coordinator |
//! | [`bind`] | placeholders and the discovery of names |
//! | [`target`] | `Target`: coordinator, identities, optional hooks |
//! | [`patient`] | waits and retries on 429 (rate-limited targets) |
//! | [`inventory`] | the partner's declared test inventory |
//! | [`probe`] | raw requests with chosen credentials (AUTH-1, ERR-1) |
//! | `http_target` | `HttpTarget`: a target at a URL, hooks through the operator API (feature `http`) |
//! | [`peer`] | the runner's embedded peer |
//! | [`redact`] | secrets never printed |
//! | [`run`] | the runner and its cleanup |
//! | [`mutant`] | broken coordinators that the suite must fail |

pub mod bind;
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub mod http_target;
pub mod inventory;
pub mod load;
pub mod model;
pub mod mutant;
pub mod operations;
pub mod patient;
pub mod peer;
pub mod probe;
pub mod redact;
pub mod run;
pub mod target;

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub use http_target::{HttpTarget, HttpTargetConfig, HttpTargetError, PreflightError};
pub use inventory::{Inventory, InventoryError};
pub use load::{LoadError, bundled_dir, load_dir, load_file};
pub use model::{
    Assertion, Deviation, Expect, Hook, HookCall, PeerCall, Probe, ProbeCredentials, Role,
    Scenario, ScenarioFile, Step,
};
pub use mutant::Mutant;
pub use operations::{AnyRequest, OperationCall, invoke};
pub use patient::{Patient, RATE_LIMIT_RETRIES};
pub use run::{Filter, RunOptions, run_scenarios, run_scenarios_in, run_scenarios_with};
pub use target::{
    CoordinatorTarget, FixtureTarget, HookError, RawAnswer, Target, reference_fixture,
};
