//! Every shared scenario of `interconnect-provider` (the list of its
//! `for_each_scenario!`, and the disabled-channel one), unchanged, through [`HttpCoordinator`] against the
//! router serving the fixture's reference provider.
// the client and the server together, as the default features have them
#![cfg(all(feature = "client", feature = "server"))]

use crate::common;

use std::sync::Arc;

use interconnect_http::HttpCoordinator;
use interconnect_provider::ReferenceProvider;
use interconnect_provider::testing::Fixture;
use interconnect_provider::{for_each_scenario, scenario_tests};

fn over_http() -> Fixture<HttpCoordinator> {
    Fixture::new().retarget(|server: Arc<ReferenceProvider>| common::serve(server))
}

for_each_scenario!(scenario_tests!(over_http();));

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
