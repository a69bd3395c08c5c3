//! Every shared scenario, in process, against the reference provider.

use interconnect_provider::scenario_tests;
use interconnect_provider::testing::Fixture;

scenario_tests!(Fixture::new();
    list_providers_shows_the_server_and_the_caller,
    another_partners_namespace_is_refused,
    refusals_do_not_reveal_existence,
    missing_static_resources_are_not_found,
    static_resources_are_listed_in_name_order,
    static_lists_page_with_bound_tokens,
);
