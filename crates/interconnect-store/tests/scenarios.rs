//! Every shared scenario of `interconnect-provider` (the lists of its
//! `tests/scenarios*.rs`), unchanged, against a reference provider whose
//! store is a `SqliteStore` (always) and a `PostgresStore` (when
//! `INTERCONNECT_TEST_POSTGRES` is set). After each scenario a second store
//! opened on the same database must hold the same state, derived indexes
//! included: every record the scenario wrote reads back.

mod common;

use std::sync::Arc;

use common::*;
use interconnect_provider::store::Store;
use interconnect_provider::testing::Fixture;
use interconnect_store::PostgresStore;

/// The state of `store` and of a store opened anew must be equal.
fn assert_reloads(live: &dyn Store, reloaded: &dyn Store) {
    let mut compared = false;
    live.read(&mut |state| {
        reloaded.read(&mut |again| {
            assert_same_state(state, again);
            compared = true;
        })
    });
    assert!(compared, "both stores were read");
}

macro_rules! over_every_store {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let db = TempDb::new();
                    let store = Arc::new(db.open());
                    let fixture = Fixture::with_store(store.clone());
                    interconnect_provider::testing::scenarios::$name(&fixture).await;
                    assert_reloads(&*store, &db.open());
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some(url) = postgres_url(concat!("postgres::", stringify!($name))) else {
                        return;
                    };
                    let schema = TempSchema::new(url);
                    let store = Arc::new(
                        PostgresStore::open(&schema.options(), &schema.key).expect("opens"),
                    );
                    let fixture = Fixture::with_store(store.clone());
                    interconnect_provider::testing::scenarios::$name(&fixture).await;
                    let again = PostgresStore::open(&schema.options(), &schema.key).expect("reopens");
                    assert_reloads(&*store, &again);
                }
            )*
        }
    };
}

over_every_store!(
    // tests/scenarios.rs
    list_providers_shows_the_server_and_the_caller,
    another_partners_namespace_is_refused,
    refusals_do_not_reveal_existence,
    missing_static_resources_are_not_found,
    static_resources_are_listed_in_name_order,
    static_lists_page_with_bound_tokens,
    // tests/scenarios_connections.rs
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
    // tests/scenarios_features.rs
    feature_guidance_has_one_entry_per_channel,
    feature_guidance_follows_channel_usage,
    an_accepted_feature_is_pending_then_final,
    invalid_feature_proposals_are_rejected_in_full,
    conflicting_feature_proposals_are_409,
    create_feature_checks_names_channel_and_type,
    deleting_a_feature_releases_it,
    concurrent_proposals_for_one_vlan_accept_exactly_one,
    // tests/scenarios_msi.rs
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn features_on_a_disabled_channel_are_refused_over_sqlite() {
    use interconnect_provider::testing::seed::disabled_channel_config;
    let db = TempDb::new();
    let store = Arc::new(db.open());
    let fixture = Fixture::with_config_and_store(disabled_channel_config(), store.clone());
    interconnect_provider::testing::scenarios::features_on_a_disabled_channel_are_refused(&fixture)
        .await;
    assert_reloads(&*store, &db.open());
}
