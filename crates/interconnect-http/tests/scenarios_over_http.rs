//! Every shared scenario of `interconnect-provider` (the lists of its
//! `tests/scenarios*.rs`), unchanged, through [`HttpCoordinator`] against the
//! router serving the fixture's reference provider.

mod common;

use std::sync::Arc;

use interconnect_http::HttpCoordinator;
use interconnect_provider::ReferenceProvider;
use interconnect_provider::scenario_tests;
use interconnect_provider::testing::Fixture;

fn over_http() -> Fixture<HttpCoordinator> {
    Fixture::new().retarget(|server: Arc<ReferenceProvider>| common::serve(server))
}

scenario_tests!(over_http();
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

mod disabled_channel {
    use super::*;
    use interconnect_provider::testing::seed::disabled_channel_config;

    fn over_http() -> Fixture<HttpCoordinator> {
        Fixture::with_config(disabled_channel_config())
            .retarget(|server: Arc<ReferenceProvider>| super::common::serve(server))
    }

    scenario_tests!(over_http();
        features_on_a_disabled_channel_are_refused,
    );
}
