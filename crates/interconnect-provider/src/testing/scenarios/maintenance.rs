//! MAINT-*: maintenance events published by the server and pulled by the
//! partner.

use chrono::Duration;
use interconnect_core::wire::{MaintenanceEvent, NotifyMaintenanceRequest, Timestamp};

use crate::clock::Clock;
use crate::coordinator::ConnectionCoordinator;
use crate::error::ErrorKind;
use crate::request;
use crate::testing::Fixture;

/// An event from `start_h` to `end_h` hours after the fixture's clock.
pub fn maintenance_window<C>(
    f: &Fixture<C>,
    id: Option<&str>,
    start_h: i64,
    end_h: i64,
) -> MaintenanceEvent {
    let now = f.clock.now();
    MaintenanceEvent {
        start_time: Some(Timestamp::from_utc(now + Duration::hours(start_h))),
        end_time: Some(Timestamp::from_utc(now + Duration::hours(end_h))),
        maintenance_id: id.map(str::to_owned),
    }
}

/// MAINT-1, MAINT-9, MAINT-8, LIST-9: the partner reads the server's own
/// events on the channel, without ended ones; a missing channel is 404.
pub async fn maintenance_events_are_the_servers_own_and_current<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let caller = f.caller();
    let ch1 = f.channel("ix1", "ch1");
    let ch2 = f.channel("ix2", "ch1");
    let soon = maintenance_window(f, Some("m1"), 1, 3);
    let later = maintenance_window(f, Some("m2"), 24, 26);
    f.server
        .operator()
        .schedule_maintenance(&ch1, soon.clone())
        .expect("schedule m1");
    f.server
        .operator()
        .schedule_maintenance(&ch1, later.clone())
        .expect("schedule m2");
    f.server
        .operator()
        .schedule_maintenance(&ch2, maintenance_window(f, Some("other"), 1, 2))
        .expect("another channel");
    let get = |ch| {
        f.target
            .get_maintenance_events(&caller, request::GetMaintenanceEvents { channel: ch })
    };
    let events = get(ch1.clone()).await.expect("MAINT-1").events;
    assert_eq!(
        events,
        vec![soon, later.clone()],
        "MAINT-1: this channel's events only"
    );
    f.clock.advance(Duration::hours(3));
    let events = get(ch1.clone()).await.expect("MAINT-9").events;
    assert_eq!(events, vec![later], "MAINT-9: an ended event is left out");
    let missing = get(f.interconnect("ix1").channel("ch9").expect("name"))
        .await
        .expect_err("MAINT-8");
    assert_eq!(missing.kind(), ErrorKind::NotFound, "MAINT-8");
}

/// MAINT-4, MAINT-5: `NotifyMaintenance` is recorded for the pull, and its
/// deprecated `events` are ignored.
pub async fn notify_maintenance_is_recorded_and_its_events_ignored<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let caller = f.caller();
    let ch = f.channel("ix1", "ch2");
    f.target
        .notify_maintenance(
            &caller,
            request::NotifyMaintenance {
                channel: ch.clone(),
                body: NotifyMaintenanceRequest {
                    events: vec![maintenance_window(f, Some("pushed"), 1, 2)],
                },
            },
        )
        .await
        .expect("MAINT-4");
    let notices = f.server.operator().pending_maintenance_notices();
    assert_eq!(notices.len(), 1, "MAINT-4: the notice waits for the pull");
    assert_eq!(notices.first().map(|n| &n.channel), Some(&ch));
    let own = f
        .target
        .get_maintenance_events(
            &caller,
            request::GetMaintenanceEvents {
                channel: ch.clone(),
            },
        )
        .await
        .expect("GetMaintenanceEvents")
        .events;
    assert!(
        own.is_empty(),
        "MAINT-5: pushed events are not taken: {own:?}"
    );
    // MAINT-6 sees what the pull stored, not what was pushed
    f.server
        .operator()
        .schedule_maintenance(&f.channel("ix1", "ch3"), maintenance_window(f, None, 1, 2))
        .expect("MAINT-5: the pushed event does not block");
    f.server
        .operator()
        .record_peer_maintenance(&ch, Vec::new())
        .expect("pulled");
    assert!(
        f.server.operator().pending_maintenance_notices().is_empty(),
        "MAINT-4: pulled"
    );
}
