//! Every shared scenario of `interconnect-provider` (the list of its
//! `for_each_scenario!`), unchanged, against a reference provider whose
//! store is a `SqliteStore` (always) and a `PostgresStore` (when
//! `INTERCONNECT_TEST_POSTGRES` is set). After each scenario a second store
//! opened on the same database must hold the same state, derived indexes
//! included: every record the scenario wrote reads back.

use std::sync::Arc;

use crate::common::*;
use interconnect_provider::for_each_scenario;
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

for_each_scenario!(over_every_store!());

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
