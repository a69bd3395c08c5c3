//! Test support shared by every crate that hosts a `ConnectionCoordinator`
//! (feature `testing`): a [`Fixture`] around a reference provider with a
//! manual clock and an in-memory backend, and [`scenarios`], each a rule of
//! `spec/REQUIREMENTS.md` exercised through the trait only, so the same
//! scenario runs in process here and over HTTP in `interconnect-http`.
//!
//! [`for_each_scenario!`](crate::for_each_scenario) holds the one list of the
//! scenarios every host runs on the default fixture, and
//! [`scenario_tests!`](crate::scenario_tests) turns such a list into
//! `#[tokio::test]`s against a fixture expression: a host writes
//! `for_each_scenario!(scenario_tests!(its_fixture();))` and runs every
//! scenario, today's and the ones added later.

pub mod pair;
pub mod scenarios;
pub mod seed;

use std::sync::Arc;

use chrono::Duration;
use interconnect_core::names::{ChannelName, EnvironmentName, InterconnectName, ProviderName};

use crate::backend::InMemoryBackend;
use crate::caller::Caller;
use crate::clock::ManualClock;
use crate::config::ProviderConfig;
use crate::reference::ReferenceProvider;
use crate::store::{MemoryStore, Store};

/// The provisioning delay of the fixture's backend.
pub const PROVISIONING_DELAY_SECONDS: i64 = 30;

/// A reference provider `aws` whose partner is `gcp`, reached through
/// `target` (the provider itself, or a client of it).
pub struct Fixture<C> {
    /// What the scenarios call.
    pub target: C,
    /// The server behind the target, for set-up the API does not offer
    /// (issuing activation keys, operator actions).
    pub server: Arc<ReferenceProvider>,
    /// The server's clock.
    pub clock: Arc<ManualClock>,
    /// The server's backend.
    pub backend: Arc<InMemoryBackend>,
    /// The server's own provider (`providers/aws`).
    pub local: ProviderName,
    /// The partner the scenarios act as (`providers/gcp`).
    pub partner: ProviderName,
}

fn provider(id: &str) -> ProviderName {
    ProviderName::new(id).unwrap_or_else(|e| panic!("fixture provider id {id}: {e}"))
}

impl Fixture<Arc<ReferenceProvider>> {
    /// The built-in default pair, seen from the `aws` server.
    pub fn new() -> Self {
        let config = ProviderConfig::default_pair(&provider("aws"), &provider("gcp"), 64512)
            .unwrap_or_else(|e| panic!("default configuration: {e}"));
        Self::with_config(config)
    }

    /// A fixture serving `config` (its provider is the local one, its first
    /// partner the one the scenarios act as).
    pub fn with_config(config: ProviderConfig) -> Self {
        Self::with_config_and_store(config, Arc::new(MemoryStore::new()))
    }

    /// The built-in default pair over `store` (a durable store runs the
    /// same scenarios as the memory one).
    pub fn with_store(store: Arc<dyn Store>) -> Self {
        let config = ProviderConfig::default_pair(&provider("aws"), &provider("gcp"), 64512)
            .unwrap_or_else(|e| panic!("default configuration: {e}"));
        Self::with_config_and_store(config, store)
    }

    /// A fixture serving `config` over `store`.
    pub fn with_config_and_store(config: ProviderConfig, store: Arc<dyn Store>) -> Self {
        let clock = Arc::new(ManualClock::at_epoch());
        let backend = Arc::new(InMemoryBackend::new(
            clock.clone(),
            Duration::seconds(PROVISIONING_DELAY_SECONDS),
        ));
        let local = config.provider.clone();
        let partner = config
            .inventory
            .partners
            .first()
            .map(|p| p.provider.clone())
            .unwrap_or_else(|| provider("gcp"));
        let server = Arc::new(
            ReferenceProvider::new(config, store, clock.clone(), backend.clone())
                .unwrap_or_else(|e| panic!("fixture configuration: {e}")),
        );
        Fixture {
            target: server.clone(),
            server,
            clock,
            backend,
            local,
            partner,
        }
    }
}

impl Default for Fixture<Arc<ReferenceProvider>> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> Fixture<C> {
    /// The same server reached through another target (an HTTP client).
    pub fn retarget<D>(self, target: impl FnOnce(Arc<ReferenceProvider>) -> D) -> Fixture<D> {
        Fixture {
            target: target(self.server.clone()),
            server: self.server,
            clock: self.clock,
            backend: self.backend,
            local: self.local,
            partner: self.partner,
        }
    }

    /// The partner, authenticated.
    pub fn caller(&self) -> Caller {
        Caller::partner(self.partner.clone())
    }

    /// A provider that is not a partner of the server.
    pub fn stranger(&self) -> Caller {
        Caller::partner(provider("azure"))
    }

    /// The first environment shared with the partner (`aws-gcp-us-east`).
    pub fn environment(&self) -> EnvironmentName {
        self.environment_id("aws-gcp-us-east")
    }

    /// An environment of the partner's namespace by id.
    pub fn environment_id(&self, id: &str) -> EnvironmentName {
        self.partner
            .environment(id)
            .unwrap_or_else(|e| panic!("environment {id}: {e}"))
    }

    /// An interconnect of the first environment (`ix1`, `ix2`).
    pub fn interconnect(&self, id: &str) -> InterconnectName {
        self.environment()
            .interconnect(id)
            .unwrap_or_else(|e| panic!("interconnect {id}: {e}"))
    }

    /// A channel of an interconnect of the first environment.
    pub fn channel(&self, ix: &str, ch: &str) -> ChannelName {
        self.interconnect(ix)
            .channel(ch)
            .unwrap_or_else(|e| panic!("channel {ch}: {e}"))
    }
}

/// Calls `$callback!(ARGS name, name, ...)` with every scenario of
/// [`testing::scenarios`](crate::testing::scenarios) that runs on the default
/// pair (`Fixture::new()` or an equivalent): the one list the in-process,
/// over-HTTP and per-store test suites expand, so a scenario added here runs
/// in all of them. Scenarios that need another inventory (a disabled channel:
/// `features_on_a_disabled_channel_are_refused`) are not in it; the
/// provider's `tests/scenarios.rs` fails when a scenario is in no list.
///
/// ```ignore
/// use interconnect_provider::{for_each_scenario, scenario_tests};
/// for_each_scenario!(scenario_tests!(Fixture::new();));
/// ```
#[macro_export]
macro_rules! for_each_scenario {
    ($callback:ident ! ($($args:tt)*)) => {
        $callback!($($args)*
            // static resources and isolation
            list_providers_shows_the_server_and_the_caller,
            another_partners_namespace_is_refused,
            refusals_do_not_reveal_existence,
            missing_static_resources_are_not_found,
            static_resources_are_listed_in_name_order,
            static_lists_page_with_bound_tokens,
            // activation keys and connections
            confirm_activation_key_accepts_only_issued_keys,
            confirm_activation_key_refuses_empty_or_double_requests,
            confirm_activation_key_expires,
            create_connection_follows_a_confirmed_key,
            create_connection_refuses_duplicates_and_overbooking,
            concurrent_creates_never_overbook,
            concurrent_updates_of_one_connection_conflict,
            update_connection_follows_the_update_workflow,
            delete_connection_releases_everything,
            notify_connection_status_is_recorded,
            cleanup_removes_unfinished_connections,
            list_connections_in_name_order,
            // features and guidance
            feature_guidance_has_one_entry_per_channel,
            feature_guidance_follows_channel_usage,
            an_accepted_feature_is_pending_then_final,
            invalid_feature_proposals_are_rejected_in_full,
            conflicting_feature_proposals_are_409,
            create_feature_checks_names_channel_and_type,
            deleting_a_feature_releases_it,
            concurrent_proposals_for_one_vlan_accept_exactly_one,
            // MACsec, maintenance and issues
            mac_sec_keys_are_created_by_the_manager_only,
            mac_sec_errors_never_show_the_secrets,
            a_rotation_is_followed_by_the_bake_time,
            one_channel_of_an_interconnect_rotates_at_a_time,
            mac_sec_roles_are_kept,
            maintenance_events_are_the_servers_own_and_current,
            notify_maintenance_is_recorded_and_its_events_ignored,
            issues_are_filed_with_server_set_fields,
            bad_issues_are_refused,
            comments_are_newest_first_and_closing_is_final,
            issues_are_listed_by_their_filer_only,
        );
    };
}

/// Generates one `#[tokio::test]` per scenario of
/// [`testing::scenarios`](crate::testing::scenarios), each on a fresh
/// fixture built by the given expression.
///
/// ```ignore
/// interconnect_provider::scenario_tests!(Fixture::new(); list_providers_shows_the_caller_and_the_server);
/// ```
#[macro_export]
macro_rules! scenario_tests {
    ($fixture:expr; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                let fixture = $fixture;
                $crate::testing::scenarios::$name(&fixture).await;
            }
        )*
    };
}
