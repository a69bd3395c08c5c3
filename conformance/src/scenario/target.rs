//! What the scenarios run against: any [`ConnectionCoordinator`], the
//! identities the runner acts as, and the optional hooks for what the
//! specification has no operation for (`docs/Protocols.md` "Establish
//! Customer Intent": keys are issued to customers outside the API; time
//! passing; devices provisioning).

use std::future::Future;

use interconnect_core::names::{EnvironmentName, MacSecKeyName, ProviderName};
use std::sync::Arc;

use interconnect_core::wire::{AdminState, InterconnectState, Secret};
use interconnect_provider::testing::{Fixture, PROVISIONING_DELAY_SECONDS};
use interconnect_provider::{Caller, ConnectionCoordinator, ReferenceProvider};

use super::model::{Hook, ProbeCredentials, Role};

/// A raw HTTP answer (the `rawHttp` hook): status and body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// Why a hook call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HookError {
    /// The target does not offer the hook.
    #[error("the target offers no `{}` hook", .0.as_str())]
    Unsupported(Hook),
    /// The hook ran and failed (the message never holds a secret).
    #[error("{hook} failed: {message}", hook = .hook.as_str())]
    Failed {
        /// The hook.
        hook: Hook,
        /// What went wrong.
        message: String,
    },
}

/// A target of the protocol scenarios.
pub trait Target: Sync {
    /// The coordinator the operations go to.
    type Coordinator: ConnectionCoordinator;

    /// The coordinator the operations go to.
    fn coordinator(&self) -> &Self::Coordinator;

    /// The provider the runner acts as (the target's partner).
    fn partner(&self) -> &ProviderName;

    /// The authenticated caller for a role.
    fn caller(&self, role: Role) -> Caller;

    /// Whether the runner can call as `role`; scenarios with a step in a
    /// role the target lacks are skipped with the reason. The partner role
    /// always exists; the stranger role needs the credentials of a provider
    /// that is not a partner of the target.
    fn has_role(&self, role: Role) -> bool {
        role == Role::Partner
    }

    /// Whether the target offers `hook`.
    fn has_hook(&self, hook: Hook) -> bool {
        let _ = hook;
        false
    }

    /// Issues an activation key for `environment` (named under the
    /// partner's namespace); answers the encoded key text.
    fn issue_activation_key(
        &self,
        environment: &EnvironmentName,
        bandwidth_mbps: i32,
        destination_account_id: Secret,
    ) -> impl Future<Output = Result<Secret, HookError>> + Send {
        let _ = (environment, bandwidth_mbps, destination_account_id);
        async { Err(HookError::Unsupported(Hook::IssueActivationKey)) }
    }

    /// The test inventory the target is known to hold (an in-process
    /// target's configuration); `--inventory FILE` takes precedence.
    fn inventory(&self) -> Option<super::inventory::Inventory> {
        None
    }

    /// The secrets the runner holds for the target (its bearer tokens):
    /// no answer may ever contain one (AUTH-9).
    fn secrets(&self) -> Vec<String> {
        Vec::new()
    }

    /// The document of the last successful answer exactly as the target
    /// wrote it, when the target is reached over a wire (taken: a second
    /// call answers `None`). The runner judges that document, not what the
    /// typed decoder made of it, so a member under another name (the May
    /// `environments` of ListProviders), a required list left out or a
    /// member the specification does not define is seen. `None` for an
    /// in-process target, whose answers are the typed values themselves.
    fn take_answer_document(&self) -> Option<Result<serde_json::Value, String>> {
        None
    }

    /// Sends a raw HTTP request to the target (`rawHttp`): `method`, a path
    /// with its query under the base URL, an optional JSON body, and the
    /// credentials chosen; `wrong_token` is the token sent for
    /// [`ProbeCredentials::Wrong`].
    fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
        credentials: ProbeCredentials,
        wrong_token: &str,
    ) -> impl Future<Output = Result<RawAnswer, HookError>> + Send {
        let _ = (method, path, body, credentials, wrong_token);
        async { Err(HookError::Unsupported(Hook::RawHttp)) }
    }

    /// Moves the target's clock forward.
    fn advance_clock(&self, seconds: i64) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = seconds;
        async { Err(HookError::Unsupported(Hook::AdvanceClock)) }
    }

    /// Moves the target until the features it accepted are FINAL.
    fn await_provisioning(&self) -> impl Future<Output = Result<(), HookError>> + Send {
        async { Err(HookError::Unsupported(Hook::AwaitProvisioning)) }
    }

    /// Makes `key` the active MACsec key of its channel on the target's
    /// devices (what the devices do once they carry traffic with it).
    fn activate_mac_sec_key(
        &self,
        key: &MacSecKeyName,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = key;
        async { Err(HookError::Unsupported(Hook::ActivateMacSecKey)) }
    }
}

/// Any coordinator, without hooks: scenarios that need one are skipped.
pub struct CoordinatorTarget<C> {
    coordinator: C,
    partner: ProviderName,
    stranger: ProviderName,
}

impl<C: ConnectionCoordinator> CoordinatorTarget<C> {
    /// `coordinator`, called as `partner`; isolation checks call as
    /// `stranger` (a provider that is not a partner of the target).
    pub fn new(coordinator: C, partner: ProviderName, stranger: ProviderName) -> Self {
        CoordinatorTarget {
            coordinator,
            partner,
            stranger,
        }
    }
}

impl<C: ConnectionCoordinator> Target for CoordinatorTarget<C> {
    type Coordinator = C;

    fn coordinator(&self) -> &C {
        &self.coordinator
    }

    fn partner(&self) -> &ProviderName {
        &self.partner
    }

    fn caller(&self, role: Role) -> Caller {
        match role {
            Role::Partner => Caller::partner(self.partner.clone()),
            Role::Stranger => Caller::partner(self.stranger.clone()),
        }
    }

    fn has_role(&self, _role: Role) -> bool {
        true
    }
}

/// The in-process reference provider the suite certifies itself against:
/// the built-in aws/gcp pair (`ProviderConfig::default_pair`, this server
/// `aws`, the runner `gcp`) with channel `ix2/ch4` of every environment
/// administratively disabled, so that the rules about disabled channels
/// (FEAT-13) have something to be checked on, a third interconnect `ix3` in
/// `INTERCONNECT_STATE_PENDING` for the refusal of new connections (CONN-6)
/// (the [`Target::inventory`] of a `FixtureTarget` declares both), and the stranger `azure` a partner of environments of its
/// own, so that it owns resources during the run (AUTH-3).
pub fn reference_fixture() -> Fixture<Arc<ReferenceProvider>> {
    let mut fixture = Fixture::new();
    let mut config = fixture.server.config().clone();
    if let (Ok(azure), Some(first)) = (
        ProviderName::new("azure"),
        config.inventory.partners.first().cloned(),
    ) && let Ok(extra) =
        interconnect_provider::config::Inventory::default_pair(&config.provider, &azure)
    {
        for mut p in extra.partners {
            p.peer_accepts_mac_sec_keys = first.peer_accepts_mac_sec_keys;
            config.inventory.partners.push(p);
        }
    }
    for partner in &mut config.inventory.partners {
        for env in &mut partner.environments {
            for ix in env.interconnects.iter_mut().skip(1).take(1) {
                for ch in ix.channels.iter_mut().skip(3).take(1) {
                    ch.admin_state = Some(AdminState::Disabled);
                }
            }
            if let Err(e) = env.add_interconnect_like_last("ix3", InterconnectState::Pending) {
                panic!("the fixture's pending interconnect: {e}");
            }
        }
    }
    fixture = Fixture::with_config(config);
    fixture
}

/// An in-process reference provider (`testing::Fixture`): every hook.
pub struct FixtureTarget<C> {
    fixture: Fixture<C>,
}

impl FixtureTarget<Arc<ReferenceProvider>> {
    /// The [`reference_fixture`]'s target.
    pub fn reference() -> Self {
        FixtureTarget::new(reference_fixture())
    }
}

impl<C: ConnectionCoordinator> FixtureTarget<C> {
    /// The fixture's target, called as its partner.
    pub fn new(fixture: Fixture<C>) -> Self {
        FixtureTarget { fixture }
    }

    /// The fixture (for set-up and inspection in tests).
    pub fn fixture(&self) -> &Fixture<C> {
        &self.fixture
    }
}

impl<C: ConnectionCoordinator> Target for FixtureTarget<C> {
    type Coordinator = C;

    fn coordinator(&self) -> &C {
        &self.fixture.target
    }

    fn partner(&self) -> &ProviderName {
        &self.fixture.partner
    }

    fn caller(&self, role: Role) -> Caller {
        match role {
            Role::Partner => self.fixture.caller(),
            Role::Stranger => self.fixture.stranger(),
        }
    }

    fn has_role(&self, _role: Role) -> bool {
        true
    }

    fn has_hook(&self, hook: Hook) -> bool {
        hook != Hook::RawHttp
    }

    fn inventory(&self) -> Option<super::inventory::Inventory> {
        Some(super::inventory::Inventory::of_config(
            self.fixture.server.config(),
            &self.fixture.partner,
        ))
    }

    async fn issue_activation_key(
        &self,
        environment: &EnvironmentName,
        bandwidth_mbps: i32,
        destination_account_id: Secret,
    ) -> Result<Secret, HookError> {
        self.fixture
            .server
            .issue_activation_key(environment, bandwidth_mbps, destination_account_id)
            .map(|key| key.encoded().clone())
            .map_err(|e| HookError::Failed {
                hook: Hook::IssueActivationKey,
                message: e.to_string(),
            })
    }

    async fn advance_clock(&self, seconds: i64) -> Result<(), HookError> {
        if seconds < 0 {
            return Err(HookError::Failed {
                hook: Hook::AdvanceClock,
                message: format!("cannot move the clock back ({seconds} s)"),
            });
        }
        self.fixture
            .clock
            .advance(chrono::Duration::seconds(seconds));
        Ok(())
    }

    async fn await_provisioning(&self) -> Result<(), HookError> {
        self.fixture
            .clock
            .advance(chrono::Duration::seconds(PROVISIONING_DELAY_SECONDS + 1));
        Ok(())
    }

    async fn activate_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), HookError> {
        self.fixture
            .server
            .activate_mac_sec_key(key)
            .map(|_| ())
            .map_err(|e| HookError::Failed {
                hook: Hook::ActivateMacSecKey,
                message: e.to_string(),
            })
    }
}
