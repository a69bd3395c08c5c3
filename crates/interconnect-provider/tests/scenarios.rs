//! Every shared scenario, in process, against the reference provider: the
//! list of [`for_each_scenario!`] on the default fixture, and the scenarios
//! that need another inventory. The over-HTTP suite of `interconnect-http`
//! and the per-store suite of `interconnect-store` expand the same list.

use interconnect_provider::testing::Fixture;
use interconnect_provider::testing::seed::disabled_channel_config;
use interconnect_provider::{for_each_scenario, scenario_tests};

for_each_scenario!(scenario_tests!(Fixture::new();));

mod disabled_channel {
    use super::*;

    scenario_tests!(Fixture::with_config(disabled_channel_config());
        features_on_a_disabled_channel_are_refused,
    );
}

/// The scenarios no host runs through `for_each_scenario!`, each with the
/// host that runs it instead.
const OUTSIDE_THE_LIST: &[&str] = &[
    // a disabled channel: `disabled_channel` above and its twins over HTTP
    // and per store
    "features_on_a_disabled_channel_are_refused",
];

macro_rules! names {
    ($($name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// A scenario is a public `async fn` of `testing/scenarios/` taking the
/// fixture alone and returning nothing; the helpers take more or return a
/// value. Each one must be in the list (or named in [`OUTSIDE_THE_LIST`]), so
/// a scenario added later cannot be left out of every suite by accident.
#[test]
fn every_scenario_is_in_the_one_list() {
    let listed: &[&str] = for_each_scenario!(names!());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/testing/scenarios");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the scenarios folder") {
        let text = std::fs::read_to_string(entry.expect("an entry").path()).expect("a file");
        let mut rest = text.as_str();
        while let Some(at) = rest.find("pub async fn ") {
            rest = &rest[at + "pub async fn ".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let signature: String = rest[..rest.find('{').expect("a body")]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .replace(",)", ")");
            if signature.contains("(f:&Fixture<C>)") && !signature.contains("->") {
                found.push(name);
            }
        }
    }
    assert!(found.len() >= 30, "the scenarios were read: {found:?}");
    for name in &found {
        assert!(
            listed.contains(&name.as_str()) || OUTSIDE_THE_LIST.contains(&name.as_str()),
            "scenario `{name}` is in no suite: add it to for_each_scenario! (testing/mod.rs)"
        );
    }
    for name in listed {
        assert!(
            found.iter().any(|f| f == name),
            "`{name}` is listed but is no scenario"
        );
        assert!(!OUTSIDE_THE_LIST.contains(name), "`{name}` is listed twice");
    }
}
