//! MACSEC-*: MACsec keys through the API and the rotation rules with the
//! manual clock (the concurrent creates are in `tests/scenarios_msi.rs`).

use std::collections::BTreeMap;

use chrono::Duration;
use interconnect_core::names::{ChannelName, MacSecKeyName};
use interconnect_core::wire::{self, Secret};

use crate::clock::Clock;
use crate::coordinator::ConnectionCoordinator;
use crate::error::ErrorKind;
use crate::page::PageRequest;
use crate::request;
use crate::testing::Fixture;

/// A well-formed CAK (16 octets).
pub const MAC_SEC_TEST_CAK: &str = "0123456789abcdef0123456789abcdef";

/// A well-formed CKN (16 octets) distinct for each `n`.
pub fn mac_sec_test_ckn(n: u8) -> String {
    format!("{n:02x}").repeat(16)
}

/// A `CreateMacSecKey` request for key `id` on `channel` with CKN `n`.
pub fn mac_sec_create_request(channel: &ChannelName, id: &str, n: u8) -> request::CreateMacSecKey {
    request::CreateMacSecKey {
        parent: channel.clone(),
        mac_sec_key_id: id.to_owned(),
        mac_sec_key: wire::MacSecKey {
            cak: Some(Secret::new(MAC_SEC_TEST_CAK)),
            ckn: Some(Secret::new(mac_sec_test_ckn(n))),
            ..Default::default()
        },
    }
}

fn key(channel: &ChannelName, id: &str) -> MacSecKeyName {
    channel
        .mac_sec_key(id)
        .unwrap_or_else(|e| panic!("key id {id}: {e}"))
}

/// The channels of `ix1` whose MACsec manager is the partner (the caller).
pub async fn mac_sec_managed_channels<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) -> Vec<ChannelName> {
    let caller = f.caller();
    let channels = f
        .target
        .list_channels(
            &caller,
            request::ListChannels {
                parent: f.interconnect("ix1"),
                page: PageRequest::first(),
            },
        )
        .await
        .expect("ListChannels");
    channels
        .channels
        .into_iter()
        .filter(|c| c.macsec_manager_provider.as_ref() == Some(&f.partner))
        .filter_map(|c| c.name)
        .collect()
}

/// The keys of `channel`, listed by the partner.
pub async fn mac_sec_keys_of<C: ConnectionCoordinator>(
    f: &Fixture<C>,
    channel: &ChannelName,
) -> Vec<wire::MacSecKey> {
    let caller = f.caller();
    f.target
        .list_mac_sec_keys(
            &caller,
            request::ListMacSecKeys {
                parent: channel.clone(),
            },
        )
        .await
        .expect("ListMacSecKeys")
        .mac_sec_keys
}

/// MACSEC-1, MACSEC-9, MACSEC-10, MACSEC-15, MACSEC-21: the manager creates
/// a key; the server sets `startTime` and `active`, never returns the CAK,
/// and refuses the same name twice; the non-manager cannot create.
pub async fn mac_sec_keys_are_created_by_the_manager_only<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let caller = f.caller();
    let ours = f.channel("ix1", "ch1");
    let theirs = f.channel("ix1", "ch3");
    let err = f
        .target
        .create_mac_sec_key(&caller, mac_sec_create_request(&ours, "k1", 1))
        .await
        .expect_err("MACSEC-1: the server manages ch1");
    assert_eq!(
        (err.kind(), err.rule()),
        (ErrorKind::Aborted, "MACSEC-1"),
        "{err}"
    );
    let mut req = mac_sec_create_request(&theirs, "k1", 1);
    req.mac_sec_key.active = Some(true);
    req.mac_sec_key.start_time = Some("2001-01-01T00:00:00Z".parse().expect("timestamp"));
    let created = f
        .target
        .create_mac_sec_key(&caller, req.clone())
        .await
        .expect("MACSEC-1: the manager creates");
    assert_eq!(created.name, Some(key(&theirs, "k1")), "MACSEC-21");
    assert_eq!(created.cak, None, "MACSEC-15: create returns no CAK");
    assert_eq!(
        created.active,
        Some(false),
        "MACSEC-9: installed in standby"
    );
    assert_eq!(
        created.start_time.map(|t| t.to_utc()),
        Some(f.clock.now()),
        "MACSEC-10"
    );
    let listed = mac_sec_keys_of(f, &theirs).await;
    assert_eq!(listed.len(), 1);
    assert!(listed.iter().all(|k| k.cak.is_none()), "MACSEC-15: list");
    let got = f
        .target
        .get_mac_sec_key(
            &caller,
            request::GetMacSecKey {
                name: key(&theirs, "k1"),
            },
        )
        .await
        .expect("GetMacSecKey");
    assert_eq!(got.cak, None, "MACSEC-15: get");
    let again = f
        .target
        .create_mac_sec_key(&caller, mac_sec_create_request(&theirs, "k1", 2))
        .await
        .expect_err("MACSEC-21: same name");
    assert_eq!(
        (again.kind(), again.rule()),
        (ErrorKind::AlreadyExists, "MACSEC-21")
    );
    let missing = f
        .target
        .get_mac_sec_key(
            &caller,
            request::GetMacSecKey {
                name: key(&theirs, "nope"),
            },
        )
        .await
        .expect_err("404");
    assert_eq!(missing.kind(), ErrorKind::NotFound);
}

/// MACSEC-14, MACSEC-11, MACSEC-22: refusals never repeat the CAK or CKN.
pub async fn mac_sec_errors_never_show_the_secrets<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let caller = f.caller();
    let ch = f.channel("ix1", "ch3");
    let mut bad = mac_sec_create_request(&ch, "k1", 1);
    let bad_cak = "c0ffee".repeat(5);
    bad.mac_sec_key.cak = Some(Secret::new(bad_cak.clone()));
    let err = f
        .target
        .create_mac_sec_key(&caller, bad)
        .await
        .expect_err("MACSEC-11: a 15-octet CAK");
    assert_eq!(
        (err.kind(), err.rule()),
        (ErrorKind::InvalidArgument, "MACSEC-11")
    );
    assert!(!err.to_string().contains(&bad_cak), "MACSEC-14: {err}");
    f.target
        .create_mac_sec_key(&caller, mac_sec_create_request(&ch, "k1", 7))
        .await
        .expect("first key");
    let dup = f
        .target
        .create_mac_sec_key(&caller, mac_sec_create_request(&ch, "k2", 7))
        .await
        .expect_err("MACSEC-22: same CKN");
    assert_eq!((dup.kind(), dup.rule()), (ErrorKind::Aborted, "MACSEC-22"));
    assert!(
        !dup.to_string().contains(&mac_sec_test_ckn(7)),
        "MACSEC-14: {dup}"
    );
    assert!(
        !dup.to_string().contains(MAC_SEC_TEST_CAK),
        "MACSEC-14: {dup}"
    );
}

/// MACSEC-3, MACSEC-7, MACSEC-6: a full rotation. Two keys at most; the
/// active key cannot be deleted; after the old key is deleted, a new key is
/// refused until the bake time has passed.
pub async fn a_rotation_is_followed_by_the_bake_time<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let caller = f.caller();
    let ch = f.channel("ix1", "ch3");
    let create = |id: &'static str, n: u8| {
        f.target
            .create_mac_sec_key(&caller, mac_sec_create_request(&ch, id, n))
    };
    create("k1", 1).await.expect("first key");
    f.server
        .activate_mac_sec_key(&key(&ch, "k1"))
        .expect("k1 active");
    create("k2", 2)
        .await
        .expect("MACSEC-3: a second key starts the rotation");
    let third = create("k3", 3).await.expect_err("MACSEC-3: a third key");
    assert_eq!(
        (third.kind(), third.rule()),
        (ErrorKind::Aborted, "MACSEC-3")
    );
    let delete = |id: &'static str| {
        f.target
            .delete_mac_sec_key(&caller, request::DeleteMacSecKey { name: key(&ch, id) })
    };
    let active = delete("k1").await.expect_err("MACSEC-7: k1 is active");
    assert_eq!(
        (active.kind(), active.rule()),
        (ErrorKind::Aborted, "MACSEC-7")
    );
    f.server
        .activate_mac_sec_key(&key(&ch, "k2"))
        .expect("k2 active");
    let states: BTreeMap<_, _> = mac_sec_keys_of(f, &ch)
        .await
        .into_iter()
        .map(|k| (k.name.map(|n| n.id().to_owned()), k.active))
        .collect();
    assert_eq!(
        states.get(&Some("k1".into())),
        Some(&Some(false)),
        "MACSEC-8"
    );
    assert_eq!(
        states.get(&Some("k2".into())),
        Some(&Some(true)),
        "MACSEC-8"
    );
    delete("k1")
        .await
        .expect("MACSEC-7: an inactive key is deleted");
    assert!(
        f.backend
            .mac_sec_keys_on(&ch)
            .iter()
            .all(|(k, _)| k.id() != "k1"),
        "the deleted key leaves the devices"
    );
    f.clock.advance(Duration::minutes(119));
    let early = create("k3", 3)
        .await
        .expect_err("MACSEC-6: 1h59m after the rotation");
    assert_eq!(
        (early.kind(), early.rule()),
        (ErrorKind::Aborted, "MACSEC-6")
    );
    f.clock.advance(Duration::minutes(1));
    create("k3", 3)
        .await
        .expect("MACSEC-6: 2h after the rotation");
}

/// MACSEC-5: while one channel rotates, another channel cannot start a
/// rotation, but a channel's first key is accepted.
pub async fn one_channel_of_an_interconnect_rotates_at_a_time<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let caller = f.caller();
    let ch3 = f.channel("ix1", "ch3");
    let ch4 = f.channel("ix1", "ch4");
    let create = |ch: &ChannelName, id: &str, n: u8| {
        f.target
            .create_mac_sec_key(&caller, mac_sec_create_request(ch, id, n))
    };
    create(&ch3, "a1", 1).await.expect("first key of ch3");
    create(&ch3, "a2", 2).await.expect("ch3 rotates");
    create(&ch4, "b1", 3)
        .await
        .expect("MACSEC-5: a first key is exempt");
    let err = create(&ch4, "b2", 4)
        .await
        .expect_err("MACSEC-5: ch3 is rotating");
    assert_eq!((err.kind(), err.rule()), (ErrorKind::Aborted, "MACSEC-5"));
    let other_ix = f.channel("ix2", "ch3");
    create(&other_ix, "c1", 5)
        .await
        .expect("another interconnect");
    create(&other_ix, "c2", 6)
        .await
        .expect("MACSEC-5 is per interconnect");
}

/// MACSEC-2, MACSEC-16: only the manager deletes; only the non-manager asks
/// for a rotation, and the server records the request.
pub async fn mac_sec_roles_are_kept<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let caller = f.caller();
    let ours = f.channel("ix1", "ch1");
    let theirs = f.channel("ix1", "ch3");
    let err = f
        .target
        .delete_mac_sec_key(
            &caller,
            request::DeleteMacSecKey {
                name: key(&ours, "k1"),
            },
        )
        .await
        .expect_err("MACSEC-2");
    assert_eq!((err.kind(), err.rule()), (ErrorKind::Aborted, "MACSEC-2"));
    let ask = |ch: &ChannelName| {
        f.target.request_mac_sec_key_rotation(
            &caller,
            request::RequestMacSecKeyRotation {
                channel: ch.clone(),
                body: wire::MacSecKeyRotationRequest {
                    reason: Some("scheduled".into()),
                },
            },
        )
    };
    let manager = ask(&theirs)
        .await
        .expect_err("MACSEC-16: the manager asks itself");
    assert_eq!(
        (manager.kind(), manager.rule()),
        (ErrorKind::InvalidArgument, "MACSEC-16")
    );
    ask(&ours).await.expect("MACSEC-16: the non-manager asks");
    let pending = f.server.operator().pending_rotation_requests();
    assert_eq!(pending.len(), 1, "MACSEC-16: recorded");
    assert_eq!(pending.first().map(|r| &r.channel), Some(&ours));
}
