//! A reference provider stopped and started again on the same database has
//! every resource it had, and its derived totals recount equal.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::common::*;
use interconnect_provider::store::{State, Store, StoreExt};
use interconnect_provider::testing::{Fixture, scenarios};
use interconnect_store::PostgresStore;
use interconnect_store::check::check;

/// The bandwidth reserved per interconnect and the VLANs used per channel.
fn totals(state: &State) -> (BTreeMap<String, i64>, BTreeMap<String, Vec<i32>>) {
    let reserved = state
        .connections
        .keys()
        .map(|n| {
            let ix = n.interconnect();
            (ix.to_string(), state.connections.reserved_mbps(ix))
        })
        .collect();
    let vlans = state
        .features
        .values()
        .filter_map(|r| r.feature.channel.clone())
        .map(|ch| {
            let vlans = state.features.usage_on_channel(&ch).vlans.clone();
            (ch.to_string(), vlans)
        })
        .collect();
    (reserved, vlans)
}

type Totals = (BTreeMap<String, i64>, BTreeMap<String, Vec<i32>>);

/// Creates connections, features, issues and MACsec keys through the
/// provider over `store`, then drops the provider; returns what it held.
async fn populate(store: Arc<dyn Store>) -> (serde_json::Value, Totals) {
    let fixture = Fixture::with_store(store.clone());
    scenarios::create_connection_refuses_duplicates_and_overbooking(&fixture).await;
    scenarios::an_accepted_feature_is_pending_then_final(&fixture).await;
    scenarios::issues_are_filed_with_server_set_fields(&fixture).await;
    scenarios::mac_sec_keys_are_created_by_the_manager_only(&fixture).await;
    drop(fixture);
    store
        .view(|s| (json(s), totals(s)))
        .expect("the store is read")
}

/// The reopened `store`, under a new provider, holds `held`.
fn assert_restored(store: Arc<dyn Store>, held: &(serde_json::Value, Totals)) {
    let _restarted = Fixture::with_store(store.clone());
    store.read(&mut |state| {
        assert_eq!(json(state), held.0, "every record is back");
        assert_eq!(totals(state), held.1, "reservations recount equal");
        assert!(check(state).is_empty(), "{:?}", check(state));
        assert!(
            state.connections.len() >= 2,
            "the scenarios made connections"
        );
        assert!(!state.features.is_empty(), "and features");
        assert!(!state.issues.is_empty(), "and issues");
        assert!(!state.mac_sec_keys.is_empty(), "and MACsec keys");
        assert!(
            held.1.0.values().any(|mbps| *mbps > 0),
            "bandwidth is reserved"
        );
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_provider_restarted_on_its_sqlite_file_has_everything_and_equal_totals() {
    let db = TempDb::new();
    let held = populate(Arc::new(db.open())).await;
    assert_restored(Arc::new(db.open()), &held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_provider_restarted_on_its_postgres_database_has_everything_and_equal_totals() {
    let Some(url) = postgres_url("a_provider_restarted_on_its_postgres_database") else {
        return;
    };
    let schema = TempSchema::new(url);
    let open = || Arc::new(PostgresStore::open(&schema.options(), &schema.key).expect("opens"));
    let held = populate(open()).await;
    assert_restored(open(), &held);
}
