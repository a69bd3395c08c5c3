//! Maintenance coordination (`paths/channels.yaml` `NotifyMaintenance`,
//! `GetMaintenanceEvents`; `schemas/channel.yaml` `MaintenanceEvent`;
//! `docs/Protocols.md` § Maintenance Coordination; E-34, E-63, E-82).
//!
//! Each server publishes its own maintenance events per channel; a peer
//! that is told (`NotifyMaintenance`) pulls them (`GetMaintenanceEvents`).
//! The operator schedules events with [`Operator::schedule_maintenance`](crate::operator::Operator::schedule_maintenance),
//! which refuses an event overlapping maintenance, ours or the peer's, on
//! another device of an interconnect the channel's device belongs to
//! (MAINT-6; devices may be shared by interconnects, E-114). The pull side stores
//! what it fetched with [`Operator::record_peer_maintenance`](crate::operator::Operator::record_peer_maintenance).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use interconnect_core::names::{ChannelName, InterconnectName};
use interconnect_core::validation::validate_maintenance_event;
use interconnect_core::wire::{self, MaintenanceEvent, Timestamp};

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::operator::Operator;
use crate::request;
use crate::rules;
use crate::scheduler::Task;
use crate::store::{State, StoreExt};

/// A `NotifyMaintenance` received and not yet followed by a pull.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceNotice {
    /// The channel whose events changed at the partner.
    pub channel: ChannelName,
    /// When the partner said so.
    pub notified_at: DateTime<Utc>,
}

pub(super) fn notify_maintenance(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::NotifyMaintenance,
) -> CoordinatorResult<wire::Empty> {
    p.channel(caller, &request.channel)?;
    // MAINT-5: the deprecated `events` are not read; the events are pulled.
    let now = p.clock.now();
    p.store.update(|state| {
        state
            .channels
            .entry(request.channel.clone())
            .or_default()
            .maintenance_notified_at = Some(now);
        Ok(())
    })?;
    // MAINT-4: the pull runs at once, as a task (`crate::operator`).
    p.scheduler()
        .schedule(Task::PullMaintenance(request.channel), now);
    Ok(wire::Empty::default())
}

/// Whether the event is still scheduled or in progress at `now` (MAINT-9).
fn not_ended(event: &MaintenanceEvent, now: DateTime<Utc>) -> bool {
    event.end_time.is_none_or(|end| end.to_utc() > now)
}

pub(super) fn get_maintenance_events(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::GetMaintenanceEvents,
) -> CoordinatorResult<wire::GetMaintenanceEventsResponse> {
    p.channel(caller, &request.channel)?;
    let now = p.clock.now();
    let mut events: Vec<MaintenanceEvent> = p
        .store
        .view(|state| {
            state
                .channels
                .get(&request.channel)
                .map(|c| c.maintenance_events.clone())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    events.retain(|e| not_ended(e, now));
    Ok(wire::GetMaintenanceEventsResponse { events })
}

/// Whether two events share some instant (half-open intervals).
fn overlaps(a: &MaintenanceEvent, b: &MaintenanceEvent) -> bool {
    match (a.start_time, a.end_time, b.start_time, b.end_time) {
        (Some(a0), Some(a1), Some(b0), Some(b1)) => a0 < b1 && b0 < a1,
        _ => false,
    }
}

/// MAINT-6: the first event, ours or the peer's, on another channel of the
/// same interconnect that overlaps `event`.
/// MAINT-6 (E-114): an event of another device that shares an interconnect
/// with `channel`'s device, overlapping `event`. Devices are the channels'
/// `obfuscatedDeviceId`s (a channel without one is its own device), so
/// interconnects that share devices are maintained as one group, and two
/// channels on one device are one device's maintenance.
fn overlapping<'a>(
    p: &ReferenceProvider,
    state: &'a State,
    channel: &ChannelName,
    event: &MaintenanceEvent,
) -> Option<(&'a ChannelName, &'a MaintenanceEvent)> {
    let groups = p.device_groups();
    let device = device_of(&groups, channel);
    let peers: BTreeSet<&String> = groups
        .iter()
        .filter(|(_, devices)| devices.values().any(|d| *d == device))
        .flat_map(|(_, devices)| devices.values())
        .filter(|d| **d != device)
        .collect();
    state
        .channels
        .iter()
        .filter(|(other, _)| {
            let d = device_of(&groups, other);
            *other != channel && peers.contains(&d)
        })
        .flat_map(|(other, record)| {
            record
                .maintenance_events
                .iter()
                .chain(record.peer_maintenance_events.iter())
                .map(move |e| (other, e))
        })
        .find(|(_, e)| overlaps(e, event))
}

/// The device of `channel`: its `obfuscatedDeviceId`, or its name.
fn device_of(groups: &DeviceGroups, channel: &ChannelName) -> String {
    groups
        .get(channel.interconnect())
        .and_then(|devices| devices.get(channel))
        .cloned()
        .unwrap_or_else(|| channel.to_string())
}

/// Per interconnect, the device of each of its channels.
type DeviceGroups = BTreeMap<InterconnectName, BTreeMap<ChannelName, String>>;

fn time_text(t: Option<Timestamp>) -> String {
    t.map(|t| t.to_string()).unwrap_or_default()
}

impl ReferenceProvider {
    /// Every configured interconnect with the device of each channel (E-114).
    fn device_groups(&self) -> DeviceGroups {
        let mut groups = DeviceGroups::new();
        for ix in self
            .config
            .inventory
            .partners
            .iter()
            .flat_map(|p| p.environments.iter())
            .flat_map(|e| e.interconnects.iter())
        {
            let Some(ix_name) = ix.interconnect.name.clone() else {
                continue;
            };
            let devices = groups.entry(ix_name).or_default();
            for ch in &ix.channels {
                if let Some(name) = &ch.name {
                    let device = ch
                        .obfuscated_device_id
                        .clone()
                        .unwrap_or_else(|| name.to_string());
                    devices.insert(name.clone(), device);
                }
            }
        }
        groups
    }

    /// A channel of the configuration, whoever it is shared with.
    fn configured_channel(&self, name: &ChannelName) -> CoordinatorResult<&wire::Channel> {
        self.config
            .inventory
            .partners
            .iter()
            .flat_map(|p| p.environments.iter())
            .flat_map(|e| e.interconnects.iter())
            .flat_map(|i| i.channels.iter())
            .find(|c| c.name.as_ref() == Some(name))
            .ok_or_else(|| {
                CoordinatorError::not_found(
                    rules::MAINT_CHANNEL_EXISTS,
                    format!("{name} is not a channel of this server"),
                )
            })
    }

    fn publish_maintenance(
        &self,
        channel: &ChannelName,
        event: MaintenanceEvent,
        check_overlap: bool,
    ) -> CoordinatorResult<MaintenanceEvent> {
        self.configured_channel(channel)?;
        if let Some(v) = validate_maintenance_event(&event).into_iter().next() {
            return Err(CoordinatorError::invalid_argument(
                rules::MAINT_START_BEFORE_END,
                format!("{}: {}", v.path, v.message),
            ));
        }
        let id = match event.maintenance_id.as_deref() {
            Some(id) if !id.trim().is_empty() => id.to_owned(),
            Some(_) => {
                return Err(CoordinatorError::invalid_argument(
                    rules::MAINT_UNIQUE_ID,
                    "maintenanceId must not be blank",
                ));
            }
            None => format!("m-{}", uuid::Uuid::new_v4()),
        };
        let event = MaintenanceEvent {
            maintenance_id: Some(id.clone()),
            ..event
        };
        self.store.update(|state| {
            let taken = state.channels.get(channel).is_some_and(|c| {
                c.maintenance_events
                    .iter()
                    .any(|e| e.maintenance_id.as_deref() == Some(id.as_str()))
            });
            if taken {
                return Err(CoordinatorError::already_exists(
                    rules::MAINT_UNIQUE_ID,
                    format!("maintenance {id} already exists on {channel}"),
                ));
            }
            if let Some((other, e)) = overlapping(self, state, channel, &event).filter(|_| check_overlap) {
                return Err(CoordinatorError::aborted(
                    rules::MAINT_NO_OVERLAP,
                    format!(
                        "{other} is in maintenance from {} to {}; devices of one interconnect are not maintained together",
                        time_text(e.start_time),
                        time_text(e.end_time)
                    ),
                ));
            }
            state
                .channels
                .entry(channel.clone())
                .or_default()
                .maintenance_events
                .push(event.clone());
            Ok(())
        })?;
        Ok(event)
    }
}

impl Operator<'_> {
    /// Operator: publishes a maintenance event of this server on `channel`.
    /// Its start must come before its end (MAINT-2); its `maintenanceId`,
    /// generated when absent, must be new in the channel (MAINT-3); and it
    /// must not overlap maintenance, either provider's, on another channel of
    /// the same interconnect (MAINT-6). The caller then tells the peer with
    /// `NotifyMaintenance` (MAINT-4).
    pub fn schedule_maintenance(
        &self,
        channel: &ChannelName,
        event: MaintenanceEvent,
    ) -> CoordinatorResult<MaintenanceEvent> {
        self.publish_maintenance(channel, event, true)
    }

    /// Operator: publishes emergency maintenance on `channel` (MAINT-7).
    /// Like [`schedule_maintenance`](Self::schedule_maintenance) except that
    /// an overlap with other channels is allowed (E-63): an emergency does
    /// not wait.
    pub fn publish_emergency_maintenance(
        &self,
        channel: &ChannelName,
        event: MaintenanceEvent,
    ) -> CoordinatorResult<MaintenanceEvent> {
        self.publish_maintenance(channel, event, false)
    }

    /// Operator: withdraws this server's maintenance `maintenance_id` on
    /// `channel` and returns it (404 when there is none).
    pub fn cancel_maintenance(
        &self,
        channel: &ChannelName,
        maintenance_id: &str,
    ) -> CoordinatorResult<MaintenanceEvent> {
        self.store.update(|state| {
            let events = state
                .channels
                .get_mut(channel)
                .map(|c| &mut c.maintenance_events);
            let position = events.as_ref().and_then(|events| {
                events
                    .iter()
                    .position(|e| e.maintenance_id.as_deref() == Some(maintenance_id))
            });
            match (events, position) {
                (Some(events), Some(i)) => Ok(events.remove(i)),
                _ => Err(CoordinatorError::not_found(
                    rules::MISSING_RESOURCE,
                    format!("no maintenance {maintenance_id} on {channel}"),
                )),
            }
        })
    }

    /// The pull side: stores the events the partner returned from its
    /// `GetMaintenanceEvents` for `channel` (replacing the previous pull,
    /// MAINT-4) and clears the pending notice.
    pub fn record_peer_maintenance(
        &self,
        channel: &ChannelName,
        events: Vec<MaintenanceEvent>,
    ) -> CoordinatorResult<()> {
        self.configured_channel(channel)?;
        self.store.update(|state| {
            let record = state.channels.entry(channel.clone()).or_default();
            record.peer_maintenance_events = events;
            record.maintenance_notified_at = None;
            Ok(())
        })
    }

    /// Channels whose partner sent `NotifyMaintenance` since the last
    /// [`record_peer_maintenance`](Self::record_peer_maintenance): the work
    /// list of the pull (MAINT-4).
    pub fn pending_maintenance_notices(&self) -> Vec<MaintenanceNotice> {
        self.store
            .view(|state| {
                state
                    .channels
                    .iter()
                    .filter_map(|(channel, record)| {
                        record
                            .maintenance_notified_at
                            .map(|notified_at| MaintenanceNotice {
                                channel: channel.clone(),
                                notified_at,
                            })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// This server's own events on `channel`, including ended ones.
    pub fn own_maintenance(&self, channel: &ChannelName) -> Vec<MaintenanceEvent> {
        self.store
            .view(|state| {
                state
                    .channels
                    .get(channel)
                    .map(|c| c.maintenance_events.clone())
                    .unwrap_or_default()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::config::ProviderConfig;
    use crate::error::ErrorKind;
    use crate::testing::Fixture;
    use crate::testing::scenarios::maintenance_window;

    type TestResult = Result<(), CoordinatorError>;

    fn rule_of(result: CoordinatorResult<MaintenanceEvent>) -> (ErrorKind, String) {
        let err = result.expect_err("must be refused");
        (err.kind(), err.rule().to_owned())
    }

    #[test]
    fn an_event_starts_before_it_ends() {
        let f = Fixture::new();
        let ch = f.channel("ix1", "ch1");
        let backwards = maintenance_window(&f, Some("m"), 3, 1);
        assert_eq!(
            rule_of(f.server.operator().schedule_maintenance(&ch, backwards)),
            (
                ErrorKind::InvalidArgument,
                rules::MAINT_START_BEFORE_END.to_owned()
            )
        );
        let mut open_ended = maintenance_window(&f, Some("m"), 1, 2);
        open_ended.end_time = None;
        assert_eq!(
            rule_of(f.server.operator().schedule_maintenance(&ch, open_ended)).1,
            rules::MAINT_START_BEFORE_END
        );
        assert!(f.server.operator().own_maintenance(&ch).is_empty());
    }

    #[test]
    fn maintenance_ids_are_generated_and_unique_in_the_channel() -> TestResult {
        let f = Fixture::new();
        let ch = f.channel("ix1", "ch1");
        let a = f
            .server
            .operator()
            .schedule_maintenance(&ch, maintenance_window(&f, None, 1, 2))?;
        let b = f
            .server
            .operator()
            .schedule_maintenance(&ch, maintenance_window(&f, None, 3, 4))?;
        assert!(a.maintenance_id.is_some(), "MAINT-3: generated");
        assert_ne!(a.maintenance_id, b.maintenance_id, "MAINT-3");
        f.server
            .operator()
            .schedule_maintenance(&ch, maintenance_window(&f, Some("m"), 5, 6))?;
        assert_eq!(
            rule_of(
                f.server
                    .operator()
                    .schedule_maintenance(&ch, maintenance_window(&f, Some("m"), 7, 8))
            ),
            (ErrorKind::AlreadyExists, rules::MAINT_UNIQUE_ID.to_owned())
        );
        assert_eq!(
            rule_of(
                f.server
                    .operator()
                    .schedule_maintenance(&ch, maintenance_window(&f, Some(" "), 7, 8))
            )
            .1,
            rules::MAINT_UNIQUE_ID
        );
        f.server
            .operator()
            .schedule_maintenance(
                &f.channel("ix1", "ch2"),
                maintenance_window(&f, Some("m"), 10, 11),
            )
            .expect("MAINT-3: unique within the channel only");
        Ok(())
    }

    #[test]
    fn the_overlap_rule_compares_devices_across_interconnects_that_share_them() -> TestResult {
        // MAINT-6 (E-114): ix2 runs on ix1's devices
        let mut config = ProviderConfig::default_pair(
            &interconnect_core::names::ProviderName::new("aws").expect("id"),
            &interconnect_core::names::ProviderName::new("gcp").expect("id"),
            64512,
        )
        .expect("the default configuration");
        for env in &mut config.inventory.partners[0].environments {
            let devices: Vec<Option<String>> = env.interconnects[0]
                .channels
                .iter()
                .map(|c| c.obfuscated_device_id.clone())
                .collect();
            for (ch, device) in env.interconnects[1].channels.iter_mut().zip(devices) {
                ch.obfuscated_device_id = device;
            }
        }
        let f = Fixture::with_config(config);
        f.server.operator().schedule_maintenance(
            &f.channel("ix1", "ch1"),
            maintenance_window(&f, Some("a"), 2, 4),
        )?;
        assert_eq!(
            rule_of(f.server.operator().schedule_maintenance(
                &f.channel("ix2", "ch2"),
                maintenance_window(&f, Some("b"), 3, 5)
            ))
            .1,
            rules::MAINT_NO_OVERLAP,
            "another device of the shared group"
        );
        f.server
            .operator()
            .schedule_maintenance(
                &f.channel("ix2", "ch1"),
                maintenance_window(&f, Some("c"), 3, 5),
            )
            .expect("MAINT-6: the same device, through the other interconnect");
        Ok(())
    }

    #[test]
    fn channels_of_one_interconnect_are_not_maintained_together() -> TestResult {
        let f = Fixture::new();
        let ch1 = f.channel("ix1", "ch1");
        let ch2 = f.channel("ix1", "ch2");
        f.server
            .operator()
            .schedule_maintenance(&ch1, maintenance_window(&f, Some("a"), 2, 4))?;
        assert_eq!(
            rule_of(
                f.server
                    .operator()
                    .schedule_maintenance(&ch2, maintenance_window(&f, Some("b"), 3, 5))
            ),
            (ErrorKind::Aborted, rules::MAINT_NO_OVERLAP.to_owned())
        );
        f.server
            .operator()
            .schedule_maintenance(&ch2, maintenance_window(&f, Some("b"), 4, 5))
            .expect("MAINT-6: back to back");
        f.server
            .operator()
            .schedule_maintenance(&ch1, maintenance_window(&f, Some("c"), 3, 4))
            .expect("MAINT-6: same channel");
        f.server
            .operator()
            .schedule_maintenance(
                &f.channel("ix2", "ch2"),
                maintenance_window(&f, Some("d"), 2, 4),
            )
            .expect("MAINT-6: another interconnect");
        let ch3 = f.channel("ix1", "ch3");
        f.server
            .operator()
            .record_peer_maintenance(&ch3, vec![maintenance_window(&f, Some("peer"), 10, 12)])?;
        assert_eq!(
            rule_of(
                f.server
                    .operator()
                    .schedule_maintenance(&ch1, maintenance_window(&f, Some("e"), 11, 13))
            )
            .1,
            rules::MAINT_NO_OVERLAP,
            "MAINT-6: the peer's events count"
        );
        f.server
            .operator()
            .publish_emergency_maintenance(&ch2, maintenance_window(&f, Some("urgent"), 3, 5))
            .expect("MAINT-7: an emergency is published even when it overlaps");
        f.server.operator().cancel_maintenance(&ch2, "urgent")?;
        f.server.operator().cancel_maintenance(&ch1, "a")?;
        f.server
            .operator()
            .schedule_maintenance(&ch2, maintenance_window(&f, Some("f"), 2, 3))
            .expect("cancelled events free the window");
        Ok(())
    }

    #[test]
    fn cancelling_and_unknown_channels() -> TestResult {
        let f = Fixture::new();
        let ch = f.channel("ix1", "ch1");
        let m = f
            .server
            .operator()
            .schedule_maintenance(&ch, maintenance_window(&f, Some("m"), 1, 2))?;
        assert_eq!(f.server.operator().cancel_maintenance(&ch, "m")?, m);
        assert_eq!(
            f.server
                .operator()
                .cancel_maintenance(&ch, "m")
                .map_err(|e| e.kind()),
            Err(ErrorKind::NotFound)
        );
        let nowhere = f.interconnect("ix1").channel("ch9").expect("name");
        assert_eq!(
            rule_of(
                f.server
                    .operator()
                    .schedule_maintenance(&nowhere, maintenance_window(&f, None, 1, 2))
            )
            .1,
            rules::MAINT_CHANNEL_EXISTS
        );
        assert_eq!(
            f.server
                .operator()
                .record_peer_maintenance(&nowhere, Vec::new())
                .map_err(|e| e.kind()),
            Err(ErrorKind::NotFound)
        );
        Ok(())
    }

    #[test]
    fn ended_events_are_not_served() -> TestResult {
        let f = Fixture::new();
        let ch = f.channel("ix1", "ch1");
        f.server
            .operator()
            .schedule_maintenance(&ch, maintenance_window(&f, Some("m"), 1, 2))?;
        let get = || {
            get_maintenance_events(
                &f.server,
                &f.caller(),
                request::GetMaintenanceEvents {
                    channel: ch.clone(),
                },
            )
        };
        f.clock.advance(Duration::minutes(119));
        assert_eq!(get()?.events.len(), 1, "MAINT-9: still in progress");
        f.clock.advance(Duration::minutes(1));
        assert!(get()?.events.is_empty(), "MAINT-9: ended");
        assert_eq!(
            f.server.operator().own_maintenance(&ch).len(),
            1,
            "kept for the operator"
        );
        Ok(())
    }
}
