//! Unit tests of `connections.rs`, one per rule.

use std::sync::Arc;

use chrono::Duration;
use interconnect_core::names::ConnectionName;
use interconnect_core::wire::{self, Secret, VerificationState};

use super::*;
use crate::backend::Backend;
use crate::clock::Clock;
use crate::config::ProviderConfig;
use crate::error::ErrorKind;
use crate::page::PageRequest;
use crate::reference::CleanupReport;
use crate::reference::IssuedActivationKey;
use crate::reference::deputy::{DeputyRefusal, DeputyVerifier, TrustAuthenticatedPartner};
use crate::testing::Fixture;

type F = Fixture<Arc<ReferenceProvider>>;
type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Issues a key of `mbps` and confirms it as the partner.
fn intent(f: &F, mbps: i32) -> IssuedActivationKey {
    let key = f
        .server
        .issue_activation_key(&f.environment(), mbps, Secret::new("123456789012"))
        .expect("issued");
    let answer = super::super::activation::confirm_activation_key(
        &f.server,
        &f.caller(),
        request::ConfirmActivationKey {
            name: f.environment(),
            body: wire::ConfirmActivationKeyRequest {
                key: None,
                encoded_key: Some(key.encoded().clone()),
            },
        },
    )
    .expect("confirmed");
    assert_eq!(answer.key_valid, Some(true));
    key
}

fn pn(id: &str) -> interconnect_core::names::ProviderName {
    interconnect_core::names::ProviderName::new(id).expect("valid id")
}

fn body(mbps: i32) -> wire::Connection {
    wire::Connection {
        bandwidth_mbps: Some(mbps),
        ..Default::default()
    }
}

fn create(
    f: &F,
    ix: &str,
    id: &str,
    connection: wire::Connection,
) -> CoordinatorResult<wire::Connection> {
    create_connection(
        &f.server,
        &f.caller(),
        request::CreateConnection {
            parent: f.interconnect(ix),
            connection_id: id.to_owned(),
            connection,
        },
    )
}

fn name_of(f: &F, ix: &str, key: &IssuedActivationKey) -> ConnectionName {
    f.interconnect(ix)
        .connection(key.shared_connection_uuid().as_str())
        .expect("valid")
}

fn created(f: &F, mbps: i32) -> (IssuedActivationKey, ConnectionName) {
    let key = intent(f, mbps);
    create(f, "ix1", key.shared_connection_uuid().as_str(), body(mbps)).expect("created");
    let name = name_of(f, "ix1", &key);
    (key, name)
}

fn update(
    f: &F,
    name: &ConnectionName,
    mask: Option<&str>,
    connection: wire::Connection,
) -> CoordinatorResult<wire::Connection> {
    update_connection(
        &f.server,
        &f.caller(),
        request::UpdateConnection {
            name: name.clone(),
            update_mask: mask.map(str::to_owned),
            connection,
        },
    )
}

fn delete(f: &F, name: &ConnectionName) -> CoordinatorResult<wire::Empty> {
    delete_connection(
        &f.server,
        &f.caller(),
        request::DeleteConnection { name: name.clone() },
    )
}

fn notify(f: &F, name: &ConnectionName) -> CoordinatorResult<wire::Empty> {
    notify_connection_status(
        &f.server,
        &f.caller(),
        request::NotifyConnectionStatus {
            name: name.clone(),
            body: Default::default(),
        },
    )
}

fn rule_of<T: std::fmt::Debug>(r: CoordinatorResult<T>) -> (ErrorKind, String) {
    let e = r.expect_err("must be refused");
    (e.kind(), e.rule().to_owned())
}

fn record(f: &F, name: &ConnectionName) -> Option<ConnectionRecord> {
    f.server
        .store()
        .view(|s| s.connections.get(name).map(|r| ConnectionRecord::clone(r)))
        .flatten()
}

#[test]
fn a_created_connection_has_server_states_and_reserves_bandwidth() {
    let f = Fixture::new();
    let key = intent(&f, 2000);
    let mut sent = body(2000);
    sent.admin_state = Some(AdminState::Disabled);
    sent.verification_state = Some(VerificationState::Verified);
    let c = create(&f, "ix1", key.shared_connection_uuid().as_str(), sent).expect("created");
    assert_eq!(c.admin_state, Some(AdminState::Enabled), "CONN-21/CONN-26");
    assert_eq!(
        c.verification_state,
        Some(VerificationState::Unverified),
        "CONN-21/CONN-26"
    );
    assert_eq!(c.activation_key, None, "KEY-13: the key is not served");
    let reserved = f
        .server
        .store()
        .view(|s| reserved_mbps(s, &f.interconnect("ix1"), None))
        .unwrap_or_default();
    assert_eq!(reserved, 2000, "CONN-9");
}

#[test]
fn the_connection_id_must_be_a_confirmed_intent() {
    let f = Fixture::new();
    assert_eq!(rule_of(create(&f, "ix1", "a/b", body(2000))).1, "NAME-9");
    assert_eq!(
        rule_of(create(&f, "ix1", "not-a-uuid", body(2000))).1,
        "CONN-3"
    );
    let key = intent(&f, 2000);
    // CONN-3: an upper-case UUID is the same UUID; the name is canonical
    let upper = key.shared_connection_uuid().as_str().to_ascii_uppercase();
    let created = create(&f, "ix1", &upper, body(2000)).expect("CONN-3: upper case accepted");
    assert_eq!(created.name, Some(name_of(&f, "ix1", &key)));
    let unconfirmed = f
        .server
        .issue_activation_key(&f.environment(), 2000, Secret::new("1"))
        .expect("issued");
    assert_eq!(
        rule_of(create(
            &f,
            "ix1",
            unconfirmed.shared_connection_uuid().as_str(),
            body(2000)
        )),
        (ErrorKind::InvalidArgument, "CONN-3".to_owned())
    );
    assert_eq!(
        rule_of(create(
            &f,
            "ix1",
            "00000000-0000-4000-8000-000000000000",
            body(2000)
        ))
        .1,
        "CONN-3"
    );
}

#[test]
fn the_first_create_matches_its_intent() {
    let f = Fixture::new();
    let key = intent(&f, 2000);
    let id = key.shared_connection_uuid().as_str();
    assert_eq!(
        rule_of(create(&f, "ix1", id, body(1000))).1,
        "CONN-25",
        "size"
    );
    let mut wrong_key = body(2000);
    wrong_key.activation_key = Some(Secret::new("b3RoZXI="));
    assert_eq!(
        rule_of(create(&f, "ix1", id, wrong_key)).1,
        "CONN-25",
        "key text"
    );
    let eu_ix = f
        .environment_id("aws-gcp-eu-west")
        .interconnect("ix1")
        .expect("valid");
    let err = create_connection(
        &f.server,
        &f.caller(),
        request::CreateConnection {
            parent: eu_ix,
            connection_id: id.to_owned(),
            connection: body(2000),
        },
    );
    assert_eq!(rule_of(err).1, "CONN-25", "environment");
    // CONN-25: compared by decoded content, as ConfirmActivationKey reads
    // it (KEY-22): the key wrapped at 76 columns, unpadded, is the same key
    let text = key.encoded().expose().trim_end_matches('=');
    assert!(text.len() > 76, "the key is long enough to wrap");
    let wrapped: Vec<String> = text
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let mut right_key = body(2000);
    right_key.activation_key = Some(Secret::new(wrapped.join("\r\n")));
    create(&f, "ix1", id, right_key).expect("CONN-25: the same key, wrapped");
}

#[test]
fn create_checks_name_bandwidth_and_state() {
    let f = Fixture::new();
    let key = intent(&f, 2000);
    let id = key.shared_connection_uuid().as_str();
    assert_eq!(rule_of(create(&f, "ix1", id, body(0))).1, "CONN-1");
    assert_eq!(rule_of(create(&f, "ix1", id, body(3000))).1, "CONN-2");
    // CONN-23 (AIP-133, E-30 reversed): the body's name is ignored, even
    // one naming another interconnect (a peer's own copy)
    let mut named = body(2000);
    named.name = Some(name_of(&f, "ix2", &key));
    let created = create(&f, "ix1", id, named).expect("CONN-23: a body name is ignored");
    assert_eq!(created.name, Some(name_of(&f, "ix1", &key)));
    assert_eq!(
        rule_of(create(&f, "ix1", id, body(2000))),
        (ErrorKind::AlreadyExists, "CONN-5".to_owned())
    );
}

fn with_ix_state(state: InterconnectState) -> F {
    let mut config = ProviderConfig::default_pair(&pn("aws"), &pn("gcp"), 64512).expect("default");
    config.inventory.partners[0].environments[0].interconnects[0]
        .interconnect
        .state = Some(state);
    Fixture::with_config(config)
}

#[test]
fn only_an_active_interconnect_takes_new_connections() {
    for state in [InterconnectState::Pending, InterconnectState::Closed] {
        let f = with_ix_state(state);
        let key = intent(&f, 2000);
        let id = key.shared_connection_uuid().as_str();
        assert_eq!(
            rule_of(create(&f, "ix1", id, body(2000))),
            (ErrorKind::Aborted, "CONN-6".to_owned()),
            "E-67: 409 CONFLICT, the caller tries another interconnect"
        );
        assert!(create(&f, "ix2", id, body(2000)).is_ok());
    }
    let f = Fixture::new();
    let key = intent(&f, 2000);
    f.backend.set_unavailable(&f.interconnect("ix1"), true);
    let err = create(&f, "ix1", key.shared_connection_uuid().as_str(), body(2000));
    assert_eq!(
        rule_of(err),
        (ErrorKind::Aborted, "CONN-6".to_owned()),
        "E-83: 409 CONFLICT, not 503"
    );
}

#[test]
fn a_closed_interconnect_keeps_its_connections_operable() -> TestResult {
    let mut config = ProviderConfig::default_pair(&pn("aws"), &pn("gcp"), 64512)?;
    let f = Fixture::with_config(config.clone());
    let (_, name) = created(&f, 2000);
    // the same server, same store content, the interconnect now closed
    config.inventory.partners[0].environments[0].interconnects[0]
        .interconnect
        .state = Some(InterconnectState::Closed);
    let closed = Fixture::with_config(config);
    let state = f.server.store().view(|s| s.clone()).ok_or("state")?;
    closed.server.store().update(|s| {
        *s = state;
        Ok(())
    })?;
    assert!(
        update(&closed, &name, None, body(5000)).is_ok(),
        "CONN-31: update"
    );
    notify(&closed, &name)?;
    assert!(delete(&closed, &name).is_ok(), "CONN-31: delete");
    Ok(())
}

#[test]
fn deferral_is_accepted_or_refused_by_policy() -> TestResult {
    let f = Fixture::new();
    let key = intent(&f, 2000);
    let mut deferred = body(2000);
    deferred.defer_provisioning = Some(true);
    let c = create(
        &f,
        "ix1",
        key.shared_connection_uuid().as_str(),
        deferred.clone(),
    )?;
    assert_eq!(c.defer_provisioning, Some(true));
    let name = name_of(&f, "ix1", &key);
    assert_eq!(
        record(&f, &name).map(|r| r.negotiator_here),
        Some(true),
        "DEFER-3"
    );

    let mut config = ProviderConfig::default_pair(&pn("aws"), &pn("gcp"), 64512)?;
    config.policy.accept_deferral = false;
    let refusing = Fixture::with_config(config.clone());
    let key = intent(&refusing, 2000);
    let err = create(
        &refusing,
        "ix1",
        key.shared_connection_uuid().as_str(),
        deferred.clone(),
    );
    assert_eq!(
        rule_of(err),
        (ErrorKind::InvalidArgument, "CONN-8".to_owned()),
        "DEFER-3"
    );
    assert!(
        create(
            &refusing,
            "ix1",
            key.shared_connection_uuid().as_str(),
            body(2000)
        )
        .is_ok()
    );

    config.inventory.partners[0].environments[0]
        .environment
        .defer_connection_provisioning = Some(true);
    let always = Fixture::with_config(config);
    let key = intent(&always, 2000);
    assert!(
        create(
            &always,
            "ix1",
            key.shared_connection_uuid().as_str(),
            deferred
        )
        .is_ok(),
        "DEFER-11: the environment's flag overrides the server's refusal"
    );
    Ok(())
}

#[test]
fn bandwidth_must_fit_the_interconnect() {
    let f = Fixture::new();
    let (_, first) = created(&f, 50_000);
    let (_, _second) = created(&f, 50_000);
    let key = intent_on_other_ix_only(&f);
    let err = create(&f, "ix1", key.shared_connection_uuid().as_str(), body(500));
    assert_eq!(rule_of(err), (ErrorKind::Aborted, "CONN-4".to_owned()));
    delete(&f, &first).expect("deleted");
    assert!(
        create(&f, "ix1", key.shared_connection_uuid().as_str(), body(500)).is_ok(),
        "CONN-10: the deleted connection released its bandwidth"
    );
}

/// A confirmed 500 Mbps intent, while ix1 is full (ix2 still has room).
fn intent_on_other_ix_only(f: &F) -> IssuedActivationKey {
    intent(f, 500)
}

#[test]
fn a_migration_reuses_the_uuid_under_another_interconnect() {
    let f = Fixture::new();
    let (key, old) = created(&f, 2000);
    let id = key.shared_connection_uuid().as_str();
    assert!(
        create(&f, "ix2", id, body(5000)).is_ok(),
        "CONN-24: another size is fine"
    );
    assert!(record(&f, &old).is_some(), "CONN-24: both exist");
    delete(&f, &old).expect("the old one is deleted");
    let revoked = f
        .server
        .store()
        .view(|s| s.issued_keys.get(id).map(|k| k.revoked))
        .flatten();
    assert_eq!(
        revoked,
        Some(false),
        "CONN-12: the key still has a connection"
    );
}

#[test]
fn update_mask_body_and_bandwidth_rules() {
    let f = Fixture::new();
    let (_, name) = created(&f, 2000);
    assert_eq!(
        rule_of(update(&f, &name, Some("adminState"), body(5000))).1,
        "CONN-15"
    );
    assert_eq!(
        rule_of(update(&f, &name, Some("bandwidthMbps,name"), body(5000))).1,
        "CONN-15"
    );
    assert_eq!(
        rule_of(update(&f, &name, None, wire::Connection::default())).1,
        "CONN-1"
    );
    assert_eq!(rule_of(update(&f, &name, None, body(3000))).1, "CONN-16");
    let c = update(&f, &name, Some("bandwidth_mbps"), body(5000)).expect("CONN-15: snake case");
    assert_eq!(c.bandwidth_mbps, Some(5000));
    let missing_name = f.interconnect("ix1").connection("gone").expect("valid");
    assert_eq!(
        rule_of(update(&f, &missing_name, None, body(5000))).0,
        ErrorKind::NotFound
    );
}

#[test]
fn an_update_accepts_the_wildcard_mask_and_ignores_the_body_name() {
    // CONN-15 (AIP-134: `*` is every updatable member, here bandwidthMbps)
    let f = Fixture::new();
    let (_, name) = created(&f, 2000);
    let c = update(&f, &name, Some("*"), body(5000)).expect("CONN-15: updateMask=*");
    assert_eq!(c.bandwidth_mbps, Some(5000));
    // CONN-29 (E-30 reversed): a body name, even another one, is ignored
    let (_, other) = created(&f, 2000);
    let mut renamed = body(1000);
    renamed.name = Some(f.interconnect("ix2").connection("x").expect("valid"));
    let c = update(&f, &other, None, renamed).expect("CONN-29: a body name is ignored");
    assert_eq!(c.name.as_ref(), Some(&other));
    assert_eq!(c.bandwidth_mbps, Some(1000));
}

#[test]
fn an_update_fits_without_counting_its_own_bandwidth() {
    let f = Fixture::new();
    let (_, _big) = created(&f, 50_000);
    let (_, small) = created(&f, 10_000);
    // others hold 50,000; 50,000 more fits exactly (counting its own 10,000 would not)
    let c = update(&f, &small, None, body(50_000)).expect("CONN-16: exactly full fits");
    assert_eq!(
        c.bandwidth_mbps,
        Some(50_000),
        "CONN-9: the reservation follows"
    );
}

#[test]
fn growing_beyond_the_interconnect_is_aborted() {
    let f = Fixture::new();
    let (_, _a) = created(&f, 50_000);
    let (_, b) = created(&f, 10_000);
    let (_, _c) = created(&f, 10_000);
    assert_eq!(
        rule_of(update(&f, &b, None, body(50_000))),
        (ErrorKind::Aborted, "CONN-16".to_owned())
    );
    assert!(
        update(&f, &b, None, body(5000)).is_ok(),
        "shrinking always fits"
    );
}

#[test]
fn an_update_in_flight_blocks_the_next_until_it_ends() {
    let f = Fixture::new();
    let (_, name) = created(&f, 2000);
    update(&f, &name, None, body(5000)).expect("first");
    assert_eq!(
        rule_of(update(&f, &name, None, body(1000))),
        (ErrorKind::Aborted, "CONN-17".to_owned()),
        "the partner's update is in flight"
    );
    notify(&f, &name).expect("the partner says it is complete");
    update(&f, &name, None, body(1000)).expect("CONN-17: over");
    f.server.finish_update(&name).expect("operator ends it");
    f.server.begin_local_update(&name).expect("our own update");
    assert_eq!(rule_of(update(&f, &name, None, body(2000))).1, "CONN-17");
    notify(&f, &name).expect("a notification of the partner");
    assert_eq!(
        rule_of(update(&f, &name, None, body(2000))).1,
        "CONN-17",
        "a partner's notification does not end our own update"
    );
    assert_eq!(rule_of(f.server.begin_local_update(&name)).1, "CONN-17");
    f.server.finish_update(&name).expect("ours is done");
    assert!(update(&f, &name, None, body(2000)).is_ok());
}

#[test]
fn delete_cascades_revokes_and_404s() -> TestResult {
    let f = Fixture::new();
    let (key, name) = created(&f, 2000);
    let feature = name.feature("f1")?;
    f.server.store().update(|s| {
        s.features.insert(
            feature.clone(),
            crate::store::FeatureRecord {
                feature: wire::Feature::default(),
                created_at: f.clock.now(),
            },
        );
        Ok(())
    })?;
    f.backend
        .provision_feature(&feature, &wire::L3BaseConfig::default())?;
    delete(&f, &name)?;
    assert!(record(&f, &name).is_none());
    assert_eq!(
        f.server.store().view(|s| s.features.len()),
        Some(0),
        "CONN-10"
    );
    assert!(
        f.backend.provisioned_features().is_empty(),
        "CONN-10: backend"
    );
    let revoked = f
        .server
        .store()
        .view(|s| {
            s.issued_keys
                .get(key.shared_connection_uuid().as_str())
                .map(|k| k.revoked)
        })
        .flatten();
    assert_eq!(revoked, Some(true), "CONN-12");
    assert_eq!(
        rule_of(delete(&f, &name)),
        (ErrorKind::NotFound, "CONN-22".to_owned())
    );
    assert_eq!(rule_of(notify(&f, &name)).1, "CONN-22");
    Ok(())
}

/// A verifier that refuses everything, to exercise AUTH-7 and AUTH-10.
struct Refuse;
impl DeputyVerifier for Refuse {
    fn verify(&self, _: &DeputyCheck<'_>) -> Result<(), DeputyRefusal> {
        Err(DeputyRefusal {
            rule: rules::DEPUTY_VERIFIED,
            reason: "no proof".into(),
        })
    }
}

fn with_verifier(f: F, verifier: Arc<dyn DeputyVerifier>) -> F {
    let config = f.server.config().clone();
    let server = ReferenceProvider::new(
        config,
        f.server.store().clone(),
        f.clock.clone(),
        f.backend.clone(),
    )
    .expect("same configuration")
    .with_deputy_verifier(verifier);
    let server = Arc::new(server);
    Fixture {
        target: server.clone(),
        server,
        clock: f.clock,
        backend: f.backend,
        local: f.local,
        partner: f.partner,
    }
}

#[test]
fn a_refused_verification_is_403_except_for_an_old_unfinished_delete() {
    let f = Fixture::new();
    let (_, name) = created(&f, 2000);
    let key = intent(&f, 2000);
    let f = with_verifier(f, Arc::new(Refuse));
    assert_eq!(
        rule_of(create(
            &f,
            "ix1",
            key.shared_connection_uuid().as_str(),
            body(2000)
        )),
        (ErrorKind::PermissionDenied, "AUTH-7".to_owned())
    );
    assert_eq!(rule_of(update(&f, &name, None, body(5000))).1, "AUTH-7");
    assert_eq!(
        rule_of(delete(&f, &name)).0,
        ErrorKind::PermissionDenied,
        "CONN-11"
    );
    f.clock.advance(f.server.config().policy.cleanup_after());
    assert!(
        delete(&f, &name).is_ok(),
        "AUTH-10: unverified and 7 days old"
    );
}

#[test]
fn a_verified_connection_needs_proof_to_be_deleted_even_when_old() -> TestResult {
    let f = Fixture::new();
    let (_, name) = created(&f, 2000);
    f.server.store().update(|s| {
        if let Some(mut r) = s.connections.get_mut(&name) {
            r.connection.verification_state = Some(VerificationState::Verified);
        }
        Ok(())
    })?;
    let f = with_verifier(f, Arc::new(Refuse));
    f.clock.advance(Duration::days(30));
    assert_eq!(rule_of(delete(&f, &name)).1, "AUTH-7", "AUTH-10");
    Ok(())
}

#[test]
fn a_deferred_connection_may_be_deleted_after_the_deferral_timeout() -> TestResult {
    let f = Fixture::new();
    let key = intent(&f, 2000);
    let mut deferred = body(2000);
    deferred.defer_provisioning = Some(true);
    create(&f, "ix1", key.shared_connection_uuid().as_str(), deferred)?;
    let name = name_of(&f, "ix1", &key);
    f.server.store().update(|s| {
        if let Some(mut r) = s.connections.get_mut(&name) {
            r.connection.verification_state = Some(VerificationState::Verified);
        }
        Ok(())
    })?;
    let f = with_verifier(f, Arc::new(Refuse));
    f.clock.advance(Duration::hours(167));
    assert!(delete(&f, &name).is_err());
    f.clock.advance(Duration::hours(1));
    assert!(
        delete(&f, &name).is_ok(),
        "AUTH-10: 168 h deferral timeout (E-54)"
    );
    Ok(())
}

#[test]
fn the_default_verifier_refuses_a_connection_without_an_issued_key() -> TestResult {
    // a connection this server holds without having issued its key (it was
    // the key receiver): the issuer's side has no account on record (AUTH-12)
    let f = Fixture::new();
    let name = f
        .interconnect("ix1")
        .connection("00000000-0000-4000-8000-000000000001")?;
    f.server.store().update(|s| {
        s.connections.insert(
            name.clone(),
            ConnectionRecord {
                connection: wire::Connection {
                    name: Some(name.clone()),
                    bandwidth_mbps: Some(1000),
                    ..Default::default()
                },
                created_at: f.clock.now(),
                negotiator_here: true,
                update_in_flight: None,
                notifications_received: Vec::new(),
                seen_on_peer: false,
            },
        );
        Ok(())
    })?;
    assert_eq!(
        rule_of(update(&f, &name, None, body(2000))),
        (ErrorKind::PermissionDenied, "AUTH-12".to_owned())
    );
    let trusting = with_verifier(f, Arc::new(TrustAuthenticatedPartner));
    assert!(update(&trusting, &name, None, body(2000)).is_ok());
    Ok(())
}

#[test]
fn notifications_are_recorded_and_mark_the_peer_seen() {
    let f = Fixture::new();
    let (_, name) = created(&f, 2000);
    assert_eq!(record(&f, &name).map(|r| r.seen_on_peer), Some(false));
    f.clock.advance(Duration::seconds(5));
    notify(&f, &name).expect("recorded");
    let r = record(&f, &name).expect("exists");
    assert!(r.seen_on_peer, "CONN-14 input");
    assert_eq!(r.notifications_received.len(), 1, "CONN-20");
    assert_eq!(r.notifications_received[0].received_at, f.clock.now());
    assert_eq!(r.notifications_received[0].from, f.partner);
}

#[test]
fn list_and_get_show_the_callers_connections_in_name_order() {
    let f = Fixture::new();
    let mut names: Vec<String> = (0..5).map(|_| created(&f, 500).1.to_string()).collect();
    created_on(&f, "ix2");
    names.sort();
    let mut seen = Vec::new();
    let mut page = PageRequest::of_size(2);
    loop {
        let resp = list_connections(
            &f.server,
            &f.caller(),
            request::ListConnections {
                parent: f.interconnect("ix1"),
                page: page.clone(),
            },
        )
        .expect("listed");
        seen.extend(resp.connections.iter().map(name_text));
        match resp.next_page_token {
            Some(t) => page = page.next(t),
            None => break,
        }
    }
    assert_eq!(seen, names, "LIST-7 and only ix1's");
    let err = list_connections(
        &f.server,
        &f.stranger(),
        request::ListConnections {
            parent: f.interconnect("ix1"),
            page: PageRequest::first(),
        },
    );
    assert_eq!(rule_of(err).0, ErrorKind::PermissionDenied, "AUTH-2");
    let first: ConnectionName = names[0].parse().expect("valid");
    let got = get_connection(
        &f.server,
        &f.caller(),
        request::GetConnection {
            name: first.clone(),
        },
    )
    .expect("got");
    assert_eq!(got.name, Some(first));
    let gone = f.interconnect("ix1").connection("gone").expect("valid");
    assert_eq!(
        rule_of(get_connection(
            &f.server,
            &f.caller(),
            request::GetConnection { name: gone }
        )),
        (ErrorKind::NotFound, "CONN-22".to_owned())
    );
}

fn created_on(f: &F, ix: &str) -> ConnectionName {
    let key = intent(f, 500);
    create(f, ix, key.shared_connection_uuid().as_str(), body(500)).expect("created");
    name_of(f, ix, &key)
}

#[test]
fn cleanup_removes_old_unfinished_and_one_sided_connections() -> TestResult {
    let f = Fixture::new();
    let (_, unverified) = created(&f, 500);
    let (_, one_sided) = created(&f, 500);
    let (_, finished) = created(&f, 500);
    let young = f.clock.now();
    for (name, seen) in [(&one_sided, false), (&finished, true)] {
        f.server.store().update(|s| {
            if let Some(mut r) = s.connections.get_mut(name) {
                r.connection.verification_state = Some(VerificationState::Verified);
                r.seen_on_peer = seen;
            }
            Ok(())
        })?;
    }
    let feature = unverified.feature("f1")?;
    f.server.store().update(|s| {
        s.features.insert(
            feature.clone(),
            crate::store::FeatureRecord {
                feature: wire::Feature::default(),
                created_at: young,
            },
        );
        Ok(())
    })?;
    let _unconfirmed = f
        .server
        .issue_activation_key(&f.environment(), 500, Secret::new("1"))?;
    let age = f.server.config().policy.cleanup_after();
    f.clock.advance(age - Duration::seconds(1));
    let fresh = created_on(&f, "ix2");
    assert_eq!(
        f.server.run_cleanup()?,
        CleanupReport::default(),
        "nothing is old yet"
    );
    f.clock.advance(Duration::seconds(1));
    let report = f.server.run_cleanup()?;
    let mut expected = vec![unverified.clone(), one_sided.clone()];
    expected.sort();
    let mut got = report.deleted_connections.clone();
    got.sort();
    assert_eq!(got, expected, "CONN-13, CONN-14");
    assert_eq!(report.deleted_features, vec![feature], "CONN-32");
    assert!(record(&f, &finished).is_some());
    assert!(record(&f, &fresh).is_some());
    // the unconfirmed key expired (KEY-16 lifetime = cleanup age by default),
    // and the keys of the two removed connections were revoked and expired
    assert_eq!(
        report.dropped_keys, 3,
        "expired unconfirmed and revoked keys"
    );
    Ok(())
}

#[test]
fn cleanup_clears_stale_update_markers() -> TestResult {
    let f = Fixture::new();
    let (_, name) = created(&f, 500);
    f.server.store().update(|s| {
        if let Some(mut r) = s.connections.get_mut(&name) {
            r.connection.verification_state = Some(VerificationState::Verified);
            r.seen_on_peer = true;
        }
        Ok(())
    })?;
    f.server.begin_local_update(&name)?;
    f.clock.advance(f.server.config().policy.cleanup_after());
    let report = f.server.run_cleanup()?;
    assert_eq!(report.cleared_updates, vec![name.clone()]);
    assert!(
        update(&f, &name, None, body(1000)).is_ok(),
        "CONN-17 marker gone"
    );
    Ok(())
}

fn typed(mbps: i32, kind: wire::ConnectionType) -> wire::Connection {
    wire::Connection {
        connection_type: Some(kind),
        ..body(mbps)
    }
}

fn reserved_on(f: &F, ix: &str) -> i64 {
    f.server
        .store()
        .view(|s| reserved_mbps(s, &f.interconnect(ix), None))
        .unwrap_or(-1)
}

#[test]
fn source_data_wins_over_the_deprecated_activation_key() {
    let f = Fixture::new();
    let key = intent(&f, 1000);
    let id = key.shared_connection_uuid().as_str();
    // the deprecated member is wrong, sourceData right: accepted (CONN-40)
    let with_both = wire::Connection {
        activation_key: Some(Secret::new("bm90IHRoZSBrZXk=")),
        source_data: Some(wire::SourceData::EncodedKey(wire::EncodedKey {
            encoded_key: key.encoded().clone(),
        })),
        ..body(1000)
    };
    assert!(create(&f, "ix1", id, with_both).is_ok(), "CONN-40");
    // sourceData wrong, the deprecated member right: refused (CONN-40, CONN-7)
    let f = Fixture::new();
    let key = intent(&f, 1000);
    let id = key.shared_connection_uuid().as_str();
    let wrong = wire::Connection {
        activation_key: Some(key.encoded().clone()),
        source_data: Some(wire::SourceData::EncodedKey(wire::EncodedKey {
            encoded_key: Secret::new("bm90IHRoZSBrZXk="),
        })),
        ..body(1000)
    };
    assert_eq!(
        rule_of(create(&f, "ix1", id, wrong)),
        (
            ErrorKind::InvalidArgument,
            rules::CONN_MATCHES_INTENT.to_owned()
        )
    );
}

#[test]
fn a_migration_names_its_source_connection() {
    let f = Fixture::new();
    let (key, old) = created(&f, 2000);
    let id = key.shared_connection_uuid().as_str();
    let named = |source: &str| wire::Connection {
        source_data: Some(wire::SourceData::SourceConnectionName(
            wire::SourceConnectionName {
                source_connection_name: source.to_owned(),
            },
        )),
        ..body(5000)
    };
    assert_eq!(
        rule_of(create(&f, "ix2", id, named("not a name"))).1,
        "CONN-42"
    );
    let elsewhere = f
        .interconnect("ix2")
        .connection("00000000-0000-4000-8000-000000000000")
        .expect("valid");
    assert_eq!(
        rule_of(create(&f, "ix2", id, named(&elsewhere.to_string()))).1,
        "CONN-42",
        "the source must exist"
    );
    assert!(
        create(&f, "ix2", id, named(&old.to_string())).is_ok(),
        "CONN-42"
    );
    assert!(
        record(&f, &old).is_some(),
        "both exist until the old one is deleted"
    );
}

#[test]
fn test_connections_may_be_small_are_not_counted_and_have_a_quota() {
    let f = Fixture::new();
    let quota = f.server.config().policy.test_connection_quota;
    for i in 0..quota {
        let id = format!("44444444-4444-4444-8444-00000000000{i}");
        create(&f, "ix1", &id, typed(50, wire::ConnectionType::Test)).expect("CONN-41: 50 Mbps");
    }
    assert_eq!(reserved_on(&f, "ix1"), 0, "CONN-41: not counted");
    let id = "55555555-5555-4555-8555-555555555555";
    assert_eq!(
        rule_of(create(&f, "ix1", id, typed(50, wire::ConnectionType::Test))),
        (ErrorKind::Aborted, "CONN-41".to_owned())
    );
    // a standard connection of 50 Mbps is still refused (not an offered size)
    assert_eq!(
        rule_of(create(&f, "ix1", id, body(50))).0,
        ErrorKind::InvalidArgument
    );
}

#[test]
fn monitoring_connections_need_no_key_are_not_counted_one_per_provider() {
    let f = Fixture::new();
    let id = "11111111-1111-4111-8111-111111111111";
    let made = create(&f, "ix1", id, typed(10, wire::ConnectionType::Monitoring))
        .expect("CONN-44: no key needed");
    assert_eq!(
        made.connection_type,
        Some(wire::ConnectionType::Monitoring),
        "the type is served"
    );
    assert_eq!(reserved_on(&f, "ix1"), 0, "CONN-44: not counted");
    let second = "22222222-2222-4222-8222-222222222222";
    assert_eq!(
        rule_of(create(
            &f,
            "ix1",
            second,
            typed(10, wire::ConnectionType::Monitoring)
        )),
        (ErrorKind::Aborted, "CONN-45".to_owned())
    );
    // another interconnect has its own
    assert!(
        create(
            &f,
            "ix2",
            second,
            typed(10, wire::ConnectionType::Monitoring)
        )
        .is_ok()
    );
    // a standard connection still needs its key
    let third = "33333333-3333-4333-8333-333333333333";
    assert_eq!(rule_of(create(&f, "ix1", third, body(1000))).1, "CONN-3");
    // its creator may delete it (no key, no deputy evidence needed)
    let monitoring = f.interconnect("ix1").connection(id).expect("valid");
    delete(&f, &monitoring).expect("CONN-44: deleted without a key");
    let fourth = "77777777-7777-4777-8777-777777777777";
    assert!(
        create(
            &f,
            "ix1",
            fourth,
            typed(10, wire::ConnectionType::Monitoring)
        )
        .is_ok()
    );
}

#[test]
fn unknown_connection_types_are_refused_without_panic() {
    let f = Fixture::new();
    let key = intent(&f, 1000);
    let id = key.shared_connection_uuid().as_str();
    assert_eq!(
        rule_of(create(
            &f,
            "ix1",
            id,
            typed(
                1000,
                wire::ConnectionType::Unknown("CONNECTION_TYPE_X".into())
            )
        )),
        (ErrorKind::InvalidArgument, "CONN-43".to_owned())
    );
}

/// OPS-73: a partner holds at most `pendingConnectionsPerPartner`
/// connections here that are not VERIFIED; one more is 429 naming the
/// limit, and a verified one frees its place.
#[test]
fn a_partners_unverified_connections_have_a_quota() {
    let mut config = Fixture::new().server.config().clone();
    config.policy.quotas.pending_connections_per_partner = 2;
    let f = Fixture::with_config(config);
    let (_, first) = created(&f, 1000);
    created(&f, 1000);
    let key = intent(&f, 1000);
    let id = key.shared_connection_uuid().as_str().to_owned();
    let refused = create(&f, "ix1", &id, body(1000)).expect_err("the third is over the quota");
    assert_eq!(
        (refused.kind(), refused.rule()),
        (ErrorKind::ResourceExhausted, "OPS-73")
    );
    assert!(
        refused.message().contains("pendingConnectionsPerPartner")
            && refused.message().contains('2'),
        "{}",
        refused.message()
    );
    assert_eq!(refused.retry_after(), None, "E-442: no Retry-After");
    f.server
        .store()
        .update(|s| {
            if let Some(mut r) = s.connections.get_mut(&first) {
                r.connection.verification_state = Some(VerificationState::Verified);
            }
            Ok(())
        })
        .expect("marked verified");
    create(&f, "ix1", &id, body(1000)).expect("a verified connection frees its place");
}
