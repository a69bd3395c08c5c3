//! The activation and connection scenarios, in process, against the
//! reference provider.

use interconnect_provider::scenario_tests;
use interconnect_provider::testing::Fixture;

scenario_tests!(Fixture::new();
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
);
