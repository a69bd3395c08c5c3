//! The feature and guidance scenarios, in process, against the reference
//! provider.

use interconnect_provider::scenario_tests;
use interconnect_provider::testing::Fixture;
use interconnect_provider::testing::seed::disabled_channel_config;

scenario_tests!(Fixture::new();
    feature_guidance_has_one_entry_per_channel,
    feature_guidance_follows_channel_usage,
    an_accepted_feature_is_pending_then_final,
    invalid_feature_proposals_are_rejected_in_full,
    conflicting_feature_proposals_are_409,
    create_feature_checks_names_channel_and_type,
    deleting_a_feature_releases_it,
    concurrent_proposals_for_one_vlan_accept_exactly_one,
);

mod disabled_channel {
    use super::*;

    scenario_tests!(Fixture::with_config(disabled_channel_config());
        features_on_a_disabled_channel_are_refused,
    );
}
