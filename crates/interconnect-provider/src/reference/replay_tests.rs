//! `requestId` replays through the trait (REQ-3, REQ-4, REQ-5): the same
//! request twice reserves once, the same id with other content is 409,
//! concurrent replays reserve once, and records end with their window.

use std::sync::Arc;

use chrono::Duration;
use interconnect_core::wire::{self, Secret};
use uuid::Uuid;

use super::ReferenceProvider;
use super::inventory::reserved_mbps;
use crate::caller::Caller;
use crate::coordinator::ConnectionCoordinator;
use crate::error::{CoordinatorResult, ErrorKind};
use crate::request;
use crate::store::StoreExt;
use crate::testing::Fixture;

type F = Fixture<Arc<ReferenceProvider>>;

/// Issues a key of `mbps` here and confirms it (as the partner would).
async fn confirmed_key(f: &F, mbps: i32) -> CoordinatorResult<String> {
    let key = f
        .server
        .issue_activation_key(&f.environment(), mbps, Secret::new("123456789012"))?;
    f.server
        .confirm_activation_key(
            &f.caller(),
            request::ConfirmActivationKey {
                name: f.environment(),
                body: wire::ConfirmActivationKeyRequest {
                    key: None,
                    encoded_key: Some(key.encoded().clone()),
                },
            },
        )
        .await?;
    Ok(key.shared_connection_uuid().as_str().to_owned())
}

fn create(f: &F, uuid: &str, mbps: i32) -> request::CreateConnection {
    request::CreateConnection {
        parent: f.interconnect("ix1"),
        connection_id: uuid.to_owned(),
        connection: wire::Connection {
            bandwidth_mbps: Some(mbps),
            ..Default::default()
        },
    }
}

fn reserved(f: &F) -> i64 {
    f.server
        .store()
        .view(|s| reserved_mbps(s, &f.interconnect("ix1"), None))
        .unwrap_or(-1)
}

#[tokio::test]
async fn a_replay_answers_the_recorded_outcome_and_reserves_once() -> CoordinatorResult<()> {
    let f = Fixture::new();
    let uuid = confirmed_key(&f, 1000).await?;
    let caller = f.caller().with_new_request_id();
    let first = f
        .server
        .create_connection(&caller, create(&f, &uuid, 1000))
        .await?;
    assert_eq!(reserved(&f), 1000);
    let again = f
        .server
        .create_connection(&caller, create(&f, &uuid, 1000))
        .await?;
    assert_eq!(again, first, "REQ-3: the recorded outcome");
    assert_eq!(reserved(&f), 1000, "REQ-3: no second reservation");
    // without the id, the same request is a new one: the name is taken
    let e = f
        .server
        .create_connection(&f.caller(), create(&f, &uuid, 1000))
        .await
        .expect_err("a second create without requestId");
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    Ok(())
}

#[tokio::test]
async fn the_same_id_with_other_content_or_operation_is_409() -> CoordinatorResult<()> {
    let f = Fixture::new();
    let uuid = confirmed_key(&f, 1000).await?;
    let caller = f.caller().with_new_request_id();
    f.server
        .create_connection(&caller, create(&f, &uuid, 1000))
        .await?;
    let e = f
        .server
        .create_connection(&caller, create(&f, &uuid, 2000))
        .await
        .expect_err("other content");
    assert_eq!((e.kind(), e.rule()), (ErrorKind::Aborted, "REQ-4"));
    assert!(e.message().contains("requestId"), "{}", e.message());
    let name = f
        .interconnect("ix1")
        .connection(&uuid)
        .map_err(|e| crate::CoordinatorError::internal("REQ-4", e.to_string()))?;
    let e = f
        .server
        .delete_connection(&caller, request::DeleteConnection { name: name.clone() })
        .await
        .expect_err("other operation");
    assert_eq!((e.kind(), e.rule()), (ErrorKind::Aborted, "REQ-4"));
    // another caller's id space is its own: the same id is a new request there
    let other = Caller::partner(f.partner.clone()).with_request_id(caller.request_id());
    assert_eq!(other.request_id(), caller.request_id());
    // the connection is still there (the refused delete changed nothing)
    f.server
        .get_connection(&f.caller(), request::GetConnection { name })
        .await?;
    Ok(())
}

#[tokio::test]
async fn records_end_with_their_window() -> CoordinatorResult<()> {
    let f = Fixture::new();
    let uuid = confirmed_key(&f, 1000).await?;
    let caller = f.caller().with_new_request_id();
    f.server
        .create_connection(&caller, create(&f, &uuid, 1000))
        .await?;
    assert_eq!(f.server.store().view(|s| s.request_records.len()), Some(1));
    f.clock
        .advance(f.server.config().policy.request_record_window() + Duration::seconds(1));
    // past the window the id is forgotten: the replay runs again (and the
    // name is taken)
    let e = f
        .server
        .create_connection(&caller, create(&f, &uuid, 1000))
        .await
        .expect_err("forgotten");
    assert_eq!(e.kind(), ErrorKind::AlreadyExists, "REQ-5");
    Ok(())
}

#[tokio::test]
async fn failed_mutations_are_not_recorded() -> CoordinatorResult<()> {
    let f = Fixture::new();
    let caller = f.caller().with_new_request_id();
    // no key was issued for this UUID: refused, nothing recorded
    let uuid = Uuid::new_v4().to_string();
    f.server
        .create_connection(&caller, create(&f, &uuid, 1000))
        .await
        .expect_err("no key");
    assert_eq!(f.server.store().view(|s| s.request_records.len()), Some(0));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_replays_of_one_request_id_reserve_once() -> CoordinatorResult<()> {
    let f = Fixture::new();
    let uuid = confirmed_key(&f, 1000).await?;
    let caller = f.caller().with_new_request_id();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let server = f.server.clone();
            let caller = caller.clone();
            let req = create(&f, &uuid, 1000);
            tokio::spawn(async move { server.create_connection(&caller, req).await })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(
            t.await
                .map_err(|e| crate::CoordinatorError::internal("REQ-3", e.to_string()))??,
        );
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "one outcome");
    assert_eq!(reserved(&f), 1000, "REQ-3: reserved once");
    Ok(())
}
