//! Unit tests of the server-side policy rules that cut across families:
//! the responder's choice of interconnect (CONN-27) and the server's own
//! update limit (CONN-30).

use std::sync::Arc;

use interconnect_core::names::ConnectionName;
use interconnect_core::wire::{self, Secret};

use super::ReferenceProvider;
use super::activation::confirm_activation_key;
use super::connections::{create_connection, update_connection};
use crate::error::{CoordinatorResult, ErrorKind};
use crate::request;
use crate::rules;
use crate::store::StoreExt;
use crate::testing::Fixture;

type F = Fixture<Arc<ReferenceProvider>>;

/// A connection of `mbps` created by the partner on `ix`, after its key was
/// issued here and confirmed.
fn create_on(f: &F, ix: &str, mbps: i32) -> CoordinatorResult<ConnectionName> {
    let key = f
        .server
        .issue_activation_key(&f.environment(), mbps, Secret::new("123456789012"))?;
    confirm_activation_key(
        &f.server,
        &f.caller(),
        request::ConfirmActivationKey {
            name: f.environment(),
            body: wire::ConfirmActivationKeyRequest {
                key: None,
                encoded_key: Some(key.encoded().clone()),
            },
        },
    )?;
    let uuid = key.shared_connection_uuid().as_str().to_owned();
    create_connection(
        &f.server,
        &f.caller(),
        request::CreateConnection {
            parent: f.interconnect(ix),
            connection_id: uuid.clone(),
            connection: wire::Connection {
                bandwidth_mbps: Some(mbps),
                ..Default::default()
            },
        },
    )?;
    f.interconnect(ix)
        .connection(&uuid)
        .map_err(|e| crate::CoordinatorError::internal("CONN-27", e.to_string()))
}

fn update_to(f: &F, name: &ConnectionName, mbps: i32) -> CoordinatorResult<wire::Connection> {
    update_connection(
        &f.server,
        &f.caller(),
        request::UpdateConnection {
            name: name.clone(),
            update_mask: Some("bandwidthMbps".to_owned()),
            connection: wire::Connection {
                bandwidth_mbps: Some(mbps),
                ..Default::default()
            },
        },
    )
}

#[test]
fn the_responder_accepts_an_interconnect_it_would_not_have_chosen() -> CoordinatorResult<()> {
    let f = Fixture::new();
    create_on(&f, "ix1", 50_000)?;
    // ix2 is empty, so this server would prefer it; the proposal of the
    // fuller ix1 is accepted all the same (CONN-27)
    let name = create_on(&f, "ix1", 10_000)?;
    assert_eq!(name.interconnect(), &f.interconnect("ix1"), "CONN-27");
    Ok(())
}

#[test]
fn an_update_beyond_the_servers_own_limit_is_refused_naming_the_policy() -> CoordinatorResult<()> {
    let mut config = Fixture::new().server.config().clone();
    config.policy.max_connection_bandwidth_mbps = Some(5000);
    let f = Fixture::with_config(config);
    let name = create_on(&f, "ix1", 1000)?;
    let refused = update_to(&f, &name, 10_000).expect_err("CONN-30: over the limit");
    assert_eq!(
        (refused.kind(), refused.rule()),
        (ErrorKind::InvalidArgument, rules::CONN_UPDATE_LIMIT)
    );
    assert!(
        refused.to_string().contains("maxConnectionBandwidthMbps"),
        "the message names the policy: {refused}"
    );
    let changed = update_to(&f, &name, 5000)?;
    assert_eq!(
        changed.bandwidth_mbps,
        Some(5000),
        "at the limit is allowed"
    );
    Ok(())
}

#[test]
fn only_connections_hold_bandwidth() -> CoordinatorResult<()> {
    let f = Fixture::new();
    let reserved = |f: &F| {
        f.server
            .store()
            .view(|s| {
                super::inventory::reserved_mbps(s, &f.interconnect("ix1"), None)
                    + super::inventory::reserved_mbps(s, &f.interconnect("ix2"), None)
            })
            .unwrap_or(-1)
    };
    // five keys of half an interconnect each, more than both interconnects
    // carry together: issuing checks room (KEY-26) but holds none (OPS-16)
    for _ in 0..5 {
        f.server
            .issue_activation_key(&f.environment(), 50_000, Secret::new("123456789012"))?;
    }
    assert_eq!(reserved(&f), 0, "OPS-16: keys hold no bandwidth");
    // the connection holds it (CONN-9), and only that
    create_on(&f, "ix1", 50_000)?;
    assert_eq!(reserved(&f), 50_000, "CONN-9: the connection holds it");
    Ok(())
}
