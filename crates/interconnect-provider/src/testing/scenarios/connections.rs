//! CONN-*: connections through the API, including the two races
//! (concurrent creations cannot overbook an interconnect, CONN-4;
//! concurrent updates of one connection, CONN-17).

use std::sync::Arc;

use interconnect_core::names::ConnectionName;
use interconnect_core::wire::{self, AdminState, VerificationState};

use super::activation::{confirm_text, issue_key};
use crate::coordinator::ConnectionCoordinator;
use crate::error::{CoordinatorResult, ErrorKind};
use crate::page::PageRequest;
use crate::reference::IssuedActivationKey;
use crate::request;
use crate::store::StoreExt;
use crate::testing::Fixture;

/// Issues a key of `mbps` and confirms it through the target.
pub async fn confirmed_key<C: ConnectionCoordinator>(
    f: &Fixture<C>,
    mbps: i32,
) -> IssuedActivationKey {
    let key = issue_key(f, mbps);
    let valid = confirm_text(f, &f.environment(), key.encoded().expose()).await;
    assert_eq!(
        valid.ok(),
        Some(true),
        "KEY-14: a freshly issued key is confirmed"
    );
    key
}

fn create_request<C>(
    f: &Fixture<C>,
    ix: &str,
    key: &IssuedActivationKey,
    mbps: i32,
) -> request::CreateConnection {
    request::CreateConnection {
        parent: f.interconnect(ix),
        connection_id: key.shared_connection_uuid().as_str().to_owned(),
        connection: wire::Connection {
            bandwidth_mbps: Some(mbps),
            ..Default::default()
        },
    }
}

/// Creates a connection of `mbps` on `ix` for a freshly confirmed key.
pub async fn create_confirmed<C: ConnectionCoordinator>(
    f: &Fixture<C>,
    ix: &str,
    mbps: i32,
) -> (IssuedActivationKey, ConnectionName) {
    let key = confirmed_key(f, mbps).await;
    let created = f
        .target
        .create_connection(&f.caller(), create_request(f, ix, &key, mbps))
        .await
        .unwrap_or_else(|e| panic!("CONN-3: create for a confirmed key: {e}"));
    let name = created
        .name
        .unwrap_or_else(|| panic!("CONN-23: the server names the connection"));
    (key, name)
}

fn update_request(name: &ConnectionName, mbps: i32) -> request::UpdateConnection {
    request::UpdateConnection {
        name: name.clone(),
        update_mask: Some("bandwidthMbps".to_owned()),
        connection: wire::Connection {
            bandwidth_mbps: Some(mbps),
            ..Default::default()
        },
    }
}

fn expect_rule<T: std::fmt::Debug>(r: CoordinatorResult<T>, kind: ErrorKind, rule: &str) {
    let e = r.expect_err(rule);
    assert_eq!((e.kind(), e.rule()), (kind, rule), "{rule}: {e}");
}

/// CONN-3, CONN-21, CONN-26, KEY-19: a confirmed key leads to a connection
/// that starts enabled and unverified; afterwards its key confirms `false`.
pub async fn create_connection_follows_a_confirmed_key<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let unconfirmed = issue_key(f, 2000);
    expect_rule(
        f.target
            .create_connection(&f.caller(), create_request(f, "ix1", &unconfirmed, 2000))
            .await,
        ErrorKind::InvalidArgument,
        "CONN-3",
    );
    let key = confirmed_key(f, 2000).await;
    let mut req = create_request(f, "ix1", &key, 2000);
    req.connection.admin_state = Some(AdminState::Disabled);
    req.connection.verification_state = Some(VerificationState::Verified);
    let c = f
        .target
        .create_connection(&f.caller(), req)
        .await
        .expect("CONN-3");
    assert_eq!(c.admin_state, Some(AdminState::Enabled), "CONN-21, CONN-26");
    assert_eq!(
        c.verification_state,
        Some(VerificationState::Unverified),
        "CONN-21, CONN-26"
    );
    assert_eq!(c.bandwidth_mbps, Some(2000));
    let got = f
        .target
        .get_connection(
            &f.caller(),
            request::GetConnection {
                name: c.name.clone().expect("named"),
            },
        )
        .await
        .expect("GetConnection");
    assert_eq!(got, c);
    assert_eq!(
        confirm_text(f, &f.environment(), key.encoded().expose())
            .await
            .ok(),
        Some(false),
        "KEY-19: used once a connection exists"
    );
}

/// CONN-4, CONN-5: a second create of the same name is `ALREADY_EXISTS`; a
/// create that does not fit is `ABORTED`.
pub async fn create_connection_refuses_duplicates_and_overbooking<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let (key, _) = create_confirmed(f, "ix1", 50_000).await;
    expect_rule(
        f.target
            .create_connection(&f.caller(), create_request(f, "ix1", &key, 50_000))
            .await,
        ErrorKind::AlreadyExists,
        "CONN-5",
    );
    create_confirmed(f, "ix1", 50_000).await;
    let late = confirmed_key(f, 500).await;
    expect_rule(
        f.target
            .create_connection(&f.caller(), create_request(f, "ix1", &late, 500))
            .await,
        ErrorKind::Aborted,
        "CONN-4",
    );
}

/// CONN-4 under contention: 200 concurrent creations of 2000 Mbps on an
/// interconnect of 100,000 Mbps leave exactly 50 connections and 150
/// `ABORTED` answers naming CONN-4.
pub async fn concurrent_creates_never_overbook<C>(f: &Fixture<C>)
where
    C: ConnectionCoordinator + Clone + 'static,
{
    let mut requests = Vec::new();
    for _ in 0..200 {
        let key = confirmed_key(f, 2000).await;
        requests.push(create_request(f, "ix1", &key, 2000));
    }
    let caller = Arc::new(f.caller());
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|req| {
            let target = f.target.clone();
            let caller = caller.clone();
            tokio::spawn(async move { target.create_connection(&caller, req).await })
        })
        .collect();
    let (mut created, mut aborted, mut other) = (0, 0, Vec::new());
    for task in tasks {
        match task.await.expect("the task ran") {
            Ok(_) => created += 1,
            Err(e) if e.kind() == ErrorKind::Aborted && e.rule() == "CONN-4" => aborted += 1,
            Err(e) => other.push(e),
        }
    }
    assert!(other.is_empty(), "CONN-4: unexpected errors {other:?}");
    assert_eq!((created, aborted), (50, 150), "CONN-4: exactly 50 fit");
    let mut listed = 0;
    let mut page = PageRequest::of_size(1000);
    loop {
        let resp = f
            .target
            .list_connections(
                &f.caller(),
                request::ListConnections {
                    parent: f.interconnect("ix1"),
                    page: page.clone(),
                },
            )
            .await
            .expect("ListConnections");
        listed += resp.connections.len();
        match resp.next_page_token {
            Some(t) => page = page.next(t),
            None => break,
        }
    }
    assert_eq!(listed, 50, "CONN-4, CONN-9: exactly 50 connections exist");
}

/// CONN-17 under contention: of two concurrent updates of one connection,
/// exactly one wins; the other finds it in flight (409).
pub async fn concurrent_updates_of_one_connection_conflict<C>(f: &Fixture<C>)
where
    C: ConnectionCoordinator + Clone + 'static,
{
    let (_, name) = create_confirmed(f, "ix1", 2000).await;
    let caller = Arc::new(f.caller());
    let tasks: Vec<_> = [5000, 10_000]
        .into_iter()
        .map(|mbps| {
            let target = f.target.clone();
            let caller = caller.clone();
            let req = update_request(&name, mbps);
            tokio::spawn(async move { target.update_connection(&caller, req).await })
        })
        .collect();
    let mut won = Vec::new();
    let mut in_flight = 0;
    for task in tasks {
        match task.await.expect("the task ran") {
            Ok(c) => won.push(c.bandwidth_mbps),
            Err(e) if e.kind() == ErrorKind::Aborted && e.rule() == "CONN-17" => in_flight += 1,
            Err(e) => panic!("CONN-17: unexpected error {e}"),
        }
    }
    assert_eq!(
        (won.len(), in_flight),
        (1, 1),
        "CONN-17: one wins, one is refused"
    );
    let now = f
        .target
        .get_connection(&f.caller(), request::GetConnection { name: name.clone() })
        .await
        .expect("GetConnection");
    assert_eq!(
        vec![now.bandwidth_mbps],
        won,
        "CONN-17: the winner's bandwidth holds"
    );
}

/// CONN-15, CONN-16, CONN-17, CONN-19: mask and size rules; an update stays
/// in flight until the partner notifies.
pub async fn update_connection_follows_the_update_workflow<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let (_, name) = create_confirmed(f, "ix1", 2000).await;
    let mut masked = update_request(&name, 5000);
    masked.update_mask = Some("adminState".to_owned());
    expect_rule(
        f.target.update_connection(&f.caller(), masked).await,
        ErrorKind::InvalidArgument,
        "CONN-15",
    );
    expect_rule(
        f.target
            .update_connection(&f.caller(), update_request(&name, 3000))
            .await,
        ErrorKind::InvalidArgument,
        "CONN-16",
    );
    let c = f
        .target
        .update_connection(&f.caller(), update_request(&name, 5000))
        .await
        .expect("CONN-16: offered and fits");
    assert_eq!(c.bandwidth_mbps, Some(5000));
    expect_rule(
        f.target
            .update_connection(&f.caller(), update_request(&name, 1000))
            .await,
        ErrorKind::Aborted,
        "CONN-17",
    );
    f.target
        .notify_connection_status(
            &f.caller(),
            request::NotifyConnectionStatus {
                name: name.clone(),
                body: Default::default(),
            },
        )
        .await
        .expect("CONN-20");
    f.target
        .update_connection(&f.caller(), update_request(&name, 1000))
        .await
        .expect("CONN-17: the partner's update ended with its notification");
}

/// CONN-10, CONN-12, CONN-22: delete releases the bandwidth and the key; a
/// missing connection is 404.
pub async fn delete_connection_releases_everything<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let (key, name) = create_confirmed(f, "ix1", 50_000).await;
    create_confirmed(f, "ix1", 50_000).await;
    f.target
        .delete_connection(
            &f.caller(),
            request::DeleteConnection { name: name.clone() },
        )
        .await
        .expect("CONN-11: not declined");
    expect_rule(
        f.target
            .get_connection(&f.caller(), request::GetConnection { name: name.clone() })
            .await,
        ErrorKind::NotFound,
        "CONN-22",
    );
    expect_rule(
        f.target
            .delete_connection(
                &f.caller(),
                request::DeleteConnection { name: name.clone() },
            )
            .await,
        ErrorKind::NotFound,
        "CONN-22",
    );
    assert_eq!(
        confirm_text(f, &f.environment(), key.encoded().expose())
            .await
            .ok(),
        Some(false),
        "CONN-12: the key is revoked"
    );
    create_confirmed(f, "ix1", 50_000).await;
}

/// CONN-20, CONN-22: a notification is recorded; one for a missing
/// connection is 404.
pub async fn notify_connection_status_is_recorded<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let (_, name) = create_confirmed(f, "ix1", 1000).await;
    f.target
        .notify_connection_status(
            &f.caller(),
            request::NotifyConnectionStatus {
                name: name.clone(),
                body: Default::default(),
            },
        )
        .await
        .expect("CONN-20");
    let received = f
        .server
        .store()
        .view(|s| {
            s.connections
                .get(&name)
                .map(|r| r.notifications_received.len())
        })
        .flatten();
    assert_eq!(received, Some(1), "CONN-20: recorded");
    let gone = f.interconnect("ix1").connection("gone").expect("valid");
    expect_rule(
        f.target
            .notify_connection_status(
                &f.caller(),
                request::NotifyConnectionStatus {
                    name: gone,
                    body: Default::default(),
                },
            )
            .await,
        ErrorKind::NotFound,
        "CONN-22",
    );
}

/// CONN-13, CONN-32: the cleanup task removes connections still unverified
/// after the cleanup age; the API no longer lists them.
pub async fn cleanup_removes_unfinished_connections<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let (_, name) = create_confirmed(f, "ix1", 1000).await;
    f.clock.advance(f.server.config().policy.cleanup_after());
    let report = f.server.run_cleanup().expect("cleanup ran");
    assert_eq!(report.deleted_connections, vec![name.clone()], "CONN-13");
    expect_rule(
        f.target
            .get_connection(&f.caller(), request::GetConnection { name })
            .await,
        ErrorKind::NotFound,
        "CONN-22",
    );
}

/// LIST-7, AUTH-2: connections are listed by name, per interconnect, to
/// their partner only.
pub async fn list_connections_in_name_order<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let mut expected = Vec::new();
    for _ in 0..3 {
        expected.push(create_confirmed(f, "ix1", 500).await.1);
    }
    create_confirmed(f, "ix2", 500).await;
    expected.sort_by_key(ToString::to_string);
    let resp = f
        .target
        .list_connections(
            &f.caller(),
            request::ListConnections {
                parent: f.interconnect("ix1"),
                page: PageRequest::first(),
            },
        )
        .await
        .expect("ListConnections");
    let names: Vec<_> = resp
        .connections
        .into_iter()
        .filter_map(|c| c.name)
        .collect();
    assert_eq!(names, expected, "LIST-7");
    let err = f
        .target
        .list_connections(
            &f.stranger(),
            request::ListConnections {
                parent: f.interconnect("ix1"),
                page: PageRequest::first(),
            },
        )
        .await
        .expect_err("AUTH-2");
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "AUTH-2");
}
