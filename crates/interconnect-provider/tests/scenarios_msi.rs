//! The concurrent MACsec creates (MACSEC-3..MACSEC-5), in process, on
//! inventories where the partner manages MACsec; the shared MACsec,
//! maintenance and issue scenarios run from `tests/scenarios.rs`.

use std::sync::Arc;

use interconnect_core::names::ProviderName;
use interconnect_provider::config::ProviderConfig;
use interconnect_provider::reference::ReferenceProvider;
use interconnect_provider::request;
use interconnect_provider::testing::Fixture;
use interconnect_provider::testing::scenarios::{
    mac_sec_create_request, mac_sec_keys_of, mac_sec_managed_channels,
};
use interconnect_provider::{ConnectionCoordinator, CoordinatorError};

/// The default pair, with the partner managing every channel of `ix1`.
fn partner_manages_ix1() -> Fixture<Arc<ReferenceProvider>> {
    let aws = ProviderName::new("aws").expect("id");
    let gcp = ProviderName::new("gcp").expect("id");
    let mut config = ProviderConfig::default_pair(&aws, &gcp, 64512).expect("default pair");
    for partner in &mut config.inventory.partners {
        for env in &mut partner.environments {
            for ix in &mut env.interconnects {
                if ix
                    .interconnect
                    .name
                    .as_ref()
                    .is_some_and(|n| n.id() == "ix1")
                {
                    for ch in &mut ix.channels {
                        ch.macsec_manager_provider = Some(gcp.clone());
                    }
                }
            }
        }
    }
    Fixture::with_config(config)
}

/// Runs every create at once and counts the accepted ones; every refusal
/// names a rotation rule.
async fn race(
    f: &Fixture<Arc<ReferenceProvider>>,
    attempts: Vec<request::CreateMacSecKey>,
) -> Result<usize, CoordinatorError> {
    let handles: Vec<_> = attempts
        .into_iter()
        .map(|req| {
            let target = f.target.clone();
            let caller = f.caller();
            tokio::spawn(async move { target.create_mac_sec_key(&caller, req).await })
        })
        .collect();
    let mut accepted = 0;
    for h in handles {
        match h.await.expect("task finished") {
            Ok(_) => accepted += 1,
            Err(e) if ["MACSEC-3", "MACSEC-4", "MACSEC-5"].contains(&e.rule()) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(accepted)
}

/// MACSEC-3..MACSEC-5 under concurrency: while one channel of an
/// interconnect rotates, many creates on its channels at once; exactly one
/// first key per other channel is accepted, no second key and no third.
/// Then, with no rotation, many second keys at once: exactly one.
async fn concurrent_creates_respect_the_rotation_rules(f: Fixture<Arc<ReferenceProvider>>) {
    let channels = mac_sec_managed_channels(&f).await;
    let (first, others) = channels.split_first().expect("a managed channel");
    for (id, n) in [("r1", 1), ("r2", 2)] {
        f.target
            .create_mac_sec_key(&f.caller(), mac_sec_create_request(first, id, n))
            .await
            .expect("the first channel rotates");
    }
    let mut n = 10u8;
    let mut attempts = Vec::new();
    for ch in others {
        for i in 0..6 {
            attempts.push(mac_sec_create_request(ch, &format!("x{i}"), n));
            n += 1;
        }
    }
    attempts.push(mac_sec_create_request(first, "r3", 99));
    let accepted = race(&f, attempts).await.expect("only rotation refusals");
    assert_eq!(
        accepted,
        others.len(),
        "MACSEC-5: one first key per other channel"
    );
    for ch in others {
        assert_eq!(mac_sec_keys_of(&f, ch).await.len(), 1, "MACSEC-5: {ch}");
    }
    assert_eq!(mac_sec_keys_of(&f, first).await.len(), 2, "MACSEC-3");
    f.target
        .delete_mac_sec_key(
            &f.caller(),
            request::DeleteMacSecKey {
                name: first.mac_sec_key("r1").expect("name"),
            },
        )
        .await
        .expect("the rotation ends");
    // MACSEC-6: no rotation on the interconnect for the bake time
    f.clock.advance(f.server.config().policy.mac_sec_bake());
    let mut attempts = Vec::new();
    for ch in others {
        for i in 0..6 {
            attempts.push(mac_sec_create_request(ch, &format!("y{i}"), n));
            n += 1;
        }
    }
    let accepted = race(&f, attempts).await.expect("only rotation refusals");
    assert_eq!(accepted, 1, "MACSEC-5: one rotation at a time");
    let mut total = 0;
    for ch in &channels {
        total += mac_sec_keys_of(&f, ch).await.len();
    }
    assert!(total <= channels.len() + 1, "MACSEC-4: {total} keys");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_on_two_managed_channels() {
    concurrent_creates_respect_the_rotation_rules(Fixture::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_on_four_managed_channels() {
    for _ in 0..5 {
        concurrent_creates_respect_the_rotation_rules(partner_manages_ix1()).await;
    }
}
