//! Connections (`paths/connections.yaml`; `schemas/connection.yaml`
//! `Connection`; `docs/Protocols.md` § Negotiate Feature Parameters,
//! § Update Connection Workflow, § Delete Connection Workflow, § Migration
//! Workflow; `docs/DeferringProvider.md` § Phase 2): ListConnections,
//! CreateConnection, GetConnection, UpdateConnection, DeleteConnection and
//! NotifyConnectionStatus (`spec/REQUIREMENTS.md` CONN-*, DEFER-3,
//! DEFER-11, AUTH-7, AUTH-10).
//!
//! Every check that protects a reservation runs in the same store
//! transaction as the reservation, so concurrent creations and updates
//! cannot overbook an interconnect (CONN-4, CONN-9, CONN-16).
//!
//! # Updates in flight (CONN-17)
//!
//! An update is in flight only while it is being processed (E-84):
//! - an `UpdateConnection` from the partner, once accepted, is in flight
//!   while this side processes it: until this side's workflow has
//!   re-provisioned and notified the partner (CONN-19), or the partner's
//!   own `NotifyConnectionStatus` arrives, whichever comes first; a partner
//!   that never notifies does not block later updates;
//! - an update of this server's own side starts with
//!   [`ReferenceProvider::begin_local_update`] and ends with
//!   [`ReferenceProvider::finish_update`] (which also ends a partner's
//!   update, for an operator who knows it is over).
//!
//! While one is in flight, `UpdateConnection` answers 409 `ABORTED` naming
//! CONN-17. A marker older than the cleanup age is cleared by
//! [`ReferenceProvider::run_cleanup`], so a lost notification cannot block
//! updates forever.

use chrono::{DateTime, Duration, Utc};
use interconnect_core::activation_key::{ConnectionUuid, EncodedActivationKey};
use interconnect_core::names::{ConnectionName, InterconnectName};
use interconnect_core::validation::validate_connection_bandwidth;
use interconnect_core::wire::{
    self, AdminState, ConnectionType, InterconnectState, SourceData, VerificationState,
};

use super::ReferenceProvider;
use super::deputy::{DeputyCheck, DeputyOperation};
use super::inventory::{capacity_mbps, reserved_mbps};
use super::listing::name_text;
use crate::caller::Caller;
use crate::config::{EnvironmentInventory, InterconnectInventory};
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;
use crate::rules;
use crate::store::{ConnectionRecord, NotificationRecord, Phase, Role, State, StoreExt, Workflow};

/// The deferral timeout of an environment (E-54: absent or 0 is 168 hours).
pub(crate) fn deferral_timeout(env: &EnvironmentInventory) -> Duration {
    match env.environment.deferral_timeout_hours {
        Some(h) if h > 0 => Duration::hours(i64::from(h)),
        _ => Duration::hours(168),
    }
}

fn missing(name: &ConnectionName) -> CoordinatorError {
    CoordinatorError::not_found(rules::CONN_MISSING, format!("{name} does not exist"))
}

/// The bandwidth checks of CONN-1/CONN-2 (400) against the interconnect and
/// environment, under `offered_rule` for CONN-2.
fn check_offered(
    bandwidth: Option<i32>,
    ix: &InterconnectInventory,
    env: &EnvironmentInventory,
    offered_rule: &'static str,
) -> CoordinatorResult<i32> {
    // reserved = 0 and fit checked separately: only CONN-1 and CONN-2 here
    for v in validate_connection_bandwidth(bandwidth, &ix.interconnect, &env.environment, 0) {
        if v.rule == rules::CONN_BANDWIDTH_FITS {
            continue;
        }
        let rule = if v.rule == rules::CONN_BANDWIDTH_OFFERED {
            offered_rule
        } else {
            v.rule
        };
        return Err(CoordinatorError::invalid_argument(rule, v.message));
    }
    bandwidth.ok_or_else(|| {
        CoordinatorError::invalid_argument(
            rules::CONN_BANDWIDTH_POSITIVE,
            "bandwidthMbps must be present",
        )
    })
}

pub(super) fn list_connections(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::ListConnections,
) -> CoordinatorResult<wire::ListConnectionsResponse> {
    p.interconnect(caller, &request.parent)?;
    let items: Vec<wire::Connection> = p
        .store
        .view(|s| {
            s.connections_of_interconnect(&request.parent)
                .map(|(_, r)| r.connection.clone())
                .collect()
        })
        .unwrap_or_default();
    let page = p.page_of(
        "ListConnections",
        &request.parent,
        caller,
        &request.page,
        items,
        name_text,
    )?;
    Ok(wire::ListConnectionsResponse {
        connections: page.items,
        next_page_token: page.next_page_token,
    })
}

pub(super) fn create_connection(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::CreateConnection,
) -> CoordinatorResult<wire::Connection> {
    let ix = p.interconnect(caller, &request.parent)?;
    let env = p.environment(caller, request.parent.environment())?;
    let (uuid, name) = connection_name(&request)?;
    // CONN-23 (AIP-133): a body `name` is ignored; the path and id name it
    let body = &request.connection;
    let connection_type = body.connection_type_or_default();
    let bandwidth = requested_bandwidth(body, &connection_type, ix, env)?;
    // CONN-40: sourceData wins over the deprecated activationKey.
    let sent_key = body.effective_activation_key();
    let source = migration_source(body)?;
    let deferred = body.defer_provisioning == Some(true);
    let capacity = room_to_create(p, &request.parent, ix, env, deferred)?;
    let now = p.clock.now();
    p.store
        .update(|state| {
            let migration = check_intent(
                state,
                &name,
                &uuid,
                source.as_ref(),
                &connection_type,
                bandwidth,
                sent_key,
            )?;
            let keyless = is_keyless(&connection_type);
            if !(keyless && state.issued_keys.get(uuid.as_str()).is_none()) {
                verify(p, caller, &name, DeputyOperation::CreateConnection, state)?;
            }
            check_type_quota(p, state, &request.parent, &connection_type)?;
            super::quotas::check_partner_pending(
                state,
                &p.config.policy.quotas,
                request.parent.provider(),
            )?;
            check_fits(
                state,
                &request.parent,
                &connection_type,
                bandwidth,
                capacity,
            )?;
            let connection = wire::Connection {
                name: Some(name.clone()),
                activation_key: None,
                bandwidth_mbps: Some(bandwidth),
                admin_state: Some(AdminState::Enabled),
                verification_state: Some(VerificationState::Unverified),
                defer_provisioning: Some(deferred),
                source_data: None,
                connection_type: body.connection_type.clone(),
            };
            state.connections.insert(
                name.clone(),
                ConnectionRecord {
                    connection: connection.clone(),
                    created_at: now,
                    negotiator_here: deferred,
                    update_in_flight: None,
                    notifications_received: Vec::new(),
                    seen_on_peer: false,
                },
            );
            track_peer_connection(state, &name, bandwidth, deferred, migration, now);
            Ok(connection)
        })
        .inspect(|_| p.wake(uuid.as_str(), now))
}

/// The shared connection UUID a `CreateConnection` names and the
/// connection's name: the id is a path segment (CONN-2) and the UUID of
/// the connection intent (CONN-3); RFC 9562 UUIDs are case-insensitive on
/// input, so the connection is named with the UUID's canonical lower-case
/// text.
fn connection_name(
    request: &request::CreateConnection,
) -> CoordinatorResult<(ConnectionUuid, ConnectionName)> {
    request
        .parent
        .connection(&request.connection_id)
        .map_err(|e| {
            CoordinatorError::invalid_argument(rules::CONN_ID_SEGMENT, format!("connectionId: {e}"))
        })?;
    let uuid: ConnectionUuid = request.connection_id.parse().map_err(|_| {
        CoordinatorError::invalid_argument(
            rules::CONN_ID_IS_INTENT,
            "connectionId must be the shared connection UUID in 8-4-4-4-12 form",
        )
    })?;
    let name = request.parent.connection(uuid.as_str()).map_err(|e| {
        CoordinatorError::invalid_argument(rules::CONN_ID_SEGMENT, format!("connectionId: {e}"))
    })?;
    Ok((uuid, name))
}

/// The bandwidth a new connection asks for: an offered size for a STANDARD
/// connection; any positive value for a TEST or MONITORING one (CONN-41,
/// CONN-44: below the smallest offered size is allowed); an unknown type
/// is refused (CONN-43).
fn requested_bandwidth(
    body: &wire::Connection,
    connection_type: &ConnectionType,
    ix: &InterconnectInventory,
    env: &EnvironmentInventory,
) -> CoordinatorResult<i32> {
    match connection_type {
        ConnectionType::Standard => {
            check_offered(body.bandwidth_mbps, ix, env, rules::CONN_BANDWIDTH_OFFERED)
        }
        ConnectionType::Test | ConnectionType::Monitoring => match body.bandwidth_mbps {
            Some(b) if b > 0 => Ok(b),
            _ => Err(CoordinatorError::invalid_argument(
                rules::CONN_BANDWIDTH_POSITIVE,
                "bandwidthMbps must be present and positive",
            )),
        },
        // an unknown value, or a type a later core knows and this server
        // does not serve yet (the enum is non-exhaustive)
        other => Err(CoordinatorError::invalid_argument(
            rules::CONN_TYPE_KNOWN,
            format!(
                "connectionType {:?} is not one this server knows ({})",
                other.as_str().chars().take(40).collect::<String>(),
                ConnectionType::KNOWN.join(", ")
            ),
        )),
    }
}

/// CONN-42: the connection a migration replaces, when the body names one.
fn migration_source(body: &wire::Connection) -> CoordinatorResult<Option<ConnectionName>> {
    match &body.source_data {
        Some(SourceData::SourceConnectionName(s)) => s
            .source_connection_name
            .parse::<ConnectionName>()
            .map(Some)
            .map_err(|e| {
                CoordinatorError::invalid_argument(
                    rules::CONN_MIGRATION_SOURCE,
                    format!("sourceData.sourceConnectionName is not a connection name: {e}"),
                )
            }),
        _ => Ok(None),
    }
}

/// Whether the interconnect takes new connections now, and its capacity:
/// an interconnect that is not active or whose devices take no new work is
/// a conflict (CONN-6, E-67, E-83: 409 ABORTED; the caller tries another
/// one, NEG-3); the negotiator role is refused unless this server accepts
/// it (DEFER-10).
fn room_to_create(
    p: &ReferenceProvider,
    interconnect: &InterconnectName,
    ix: &InterconnectInventory,
    env: &EnvironmentInventory,
    deferred: bool,
) -> CoordinatorResult<i64> {
    if ix.interconnect.state != Some(InterconnectState::Active) {
        return Err(CoordinatorError::aborted(
            rules::CONN_INTERCONNECT_ACTIVE,
            format!("{interconnect} is not INTERCONNECT_STATE_ACTIVE"),
        ));
    }
    if deferred
        && env.environment.defer_connection_provisioning != Some(true)
        && !p.config.policy.accept_deferral
    {
        return Err(CoordinatorError::invalid_argument(
            rules::CONN_DEFERRAL,
            "this server does not accept the negotiator role (deferProvisioning); \
             create the connection without it and negotiate (DEFER-10)",
        ));
    }
    capacity_mbps(p, ix).ok_or_else(|| {
        CoordinatorError::aborted(
            rules::CONN_INTERCONNECT_ACTIVE,
            format!("{interconnect} cannot take new connections right now"),
        )
    })
}

/// CONN-41, CONN-44: a provider's own test or monitoring connection has no
/// customer, so it may come without a key (E-249, E-250).
fn is_keyless(connection_type: &ConnectionType) -> bool {
    matches!(
        connection_type,
        ConnectionType::Test | ConnectionType::Monitoring
    )
}

/// The intent behind a new connection, in the transaction: the name is
/// free (CONN-5), a migration's source is the caller's connection with the
/// same UUID (CONN-42, E-246), and otherwise the UUID is of a key this
/// server issued and the caller confirmed, for this environment and size
/// (CONN-3, CONN-4), with the same key if one is sent (CONN-40). Returns
/// whether the connection is a migration.
fn check_intent(
    state: &State,
    name: &ConnectionName,
    uuid: &ConnectionUuid,
    source: Option<&ConnectionName>,
    connection_type: &ConnectionType,
    bandwidth: i32,
    sent_key: Option<&wire::Secret>,
) -> CoordinatorResult<bool> {
    if state.connections.contains_key(name) {
        return Err(CoordinatorError::already_exists(
            rules::CONN_NAME_TAKEN,
            format!("{name} already exists"),
        ));
    }
    let same_uuid = state
        .connections
        .with_id(uuid.as_str())
        .any(|c| c.interconnect().environment() == name.interconnect().environment());
    if let Some(source) = source
        && (!state.connections.contains_key(source)
            || source.interconnect().environment() != name.interconnect().environment()
            || source.id() != uuid.as_str())
    {
        return Err(CoordinatorError::invalid_argument(
            rules::CONN_MIGRATION_SOURCE,
            format!(
                "sourceData.sourceConnectionName {source} is not a connection of the caller \
                 in {} with the shared connection UUID {uuid} (E-246)",
                name.interconnect().environment()
            ),
        ));
    }
    let migration = same_uuid || source.is_some();
    let intent = state.issued_keys.get(uuid.as_str());
    let confirmed = intent
        .filter(|k| !k.revoked && k.confirmed_by.as_ref() == Some(name.interconnect().provider()));
    match (confirmed, migration) {
        (Some(intent), false) => {
            if &intent.environment != name.interconnect().environment()
                || intent.connection_size_mbps != bandwidth
            {
                return Err(CoordinatorError::invalid_argument(
                    rules::CONN_MATCHES_INTENT,
                    "the interconnect's environment and bandwidthMbps must be those of the \
                     confirmed activation key",
                ));
            }
        }
        (_, true) => {}
        (None, false) if is_keyless(connection_type) => {}
        (None, false) => {
            return Err(CoordinatorError::invalid_argument(
                rules::CONN_ID_IS_INTENT,
                "connectionId is not the UUID of an activation key this server issued and \
                 the caller confirmed, nor of a connection being migrated",
            ));
        }
    }
    if let (Some(sent), Some(intent)) = (sent_key, intent)
        && !same_key(sent, &intent.encoded)
    {
        return Err(CoordinatorError::invalid_argument(
            rules::CONN_MATCHES_INTENT,
            "activationKey is not the key issued for this connection",
        ));
    }
    Ok(migration)
}

/// CONN-9: a STANDARD connection fits the interconnect's capacity beside
/// what its connections reserve (409 ABORTED otherwise); TEST and
/// MONITORING connections take no room.
fn check_fits(
    state: &State,
    interconnect: &InterconnectName,
    connection_type: &ConnectionType,
    bandwidth: i32,
    capacity: i64,
) -> CoordinatorResult<()> {
    let reserved = reserved_mbps(state, interconnect, None);
    let counted = *connection_type == ConnectionType::Standard;
    if counted && reserved + i64::from(bandwidth) > capacity {
        return Err(CoordinatorError::aborted(
            rules::CONN_BANDWIDTH_FITS,
            format!(
                "{bandwidth} Mbps does not fit {interconnect}: {reserved} of {capacity} Mbps are reserved"
            ),
        ));
    }
    Ok(())
}

/// CONN-41, CONN-45: the caller's TEST connections on an interconnect stay
/// within the configured quota, and it holds at most one MONITORING
/// connection there (the other of the two per interconnect is this
/// provider's own, at the peer). 409 `ABORTED`, as a full interconnect.
fn check_type_quota(
    p: &ReferenceProvider,
    state: &State,
    interconnect: &InterconnectName,
    connection_type: &ConnectionType,
) -> CoordinatorResult<()> {
    let (limit, rule) = match connection_type {
        ConnectionType::Test => (
            p.config.policy.test_connection_quota,
            rules::CONN_TEST_QUOTA,
        ),
        ConnectionType::Monitoring => (1, rules::CONN_MONITORING_QUOTA),
        _ => return Ok(()),
    };
    // this provider's own MONITORING connection (made by its operator,
    // `operator/monitoring.rs`) is not the caller's
    let own = |uuid: &str| {
        state
            .workflows
            .get(uuid)
            .is_some_and(|wf| wf.connection_type.is_some())
    };
    let held = state
        .connections
        .iter()
        .filter(|(n, r)| {
            n.interconnect() == interconnect
                && &r.connection.connection_type_or_default() == connection_type
                && !own(n.id())
        })
        .count();
    if held >= limit {
        return Err(CoordinatorError::aborted(
            rule,
            format!(
                "{interconnect} already holds {held} {connection_type} connection(s) of the caller; the limit is {limit}"
            ),
        ));
    }
    Ok(())
}

/// CONN-25: a sent `activationKey` is the issued one when both decode to
/// the same key (ConfirmActivationKey's lenient reading, KEY-22: line
/// breaks, padding and member order do not matter), or, when the sent text
/// does not decode, when the texts are equal.
fn same_key(sent: &wire::Secret, issued: &wire::Secret) -> bool {
    let read = |text: &wire::Secret| {
        EncodedActivationKey::new(text.expose())
            .and_then(|k| k.decode())
            .ok()
    };
    match (read(sent), read(issued)) {
        (Some(a), Some(b)) => a == b,
        _ => sent == issued,
    }
}

/// This side's workflow for a connection the peer created here: the
/// issuer's waiting workflow (or a new one) now follows the connection,
/// as responder, or as negotiator when it accepted a deferral (DEFER-3).
/// A second connection with the same UUID is a migration (CONN-24): the
/// workflow follows the new one and remembers the old one (NEG-15).
fn track_peer_connection(
    state: &mut State,
    name: &ConnectionName,
    bandwidth: i32,
    deferred: bool,
    migration: bool,
    now: DateTime<Utc>,
) {
    let environment = name.interconnect().environment().clone();
    let wf = state
        .workflows
        .get_or_insert_with(name.id().to_owned(), || {
            Workflow::new(
                Role::Responder,
                Phase::AwaitingPeer,
                environment,
                bandwidth,
                now,
            )
        });
    if migration {
        wf.migrating_from = wf.connection.take();
    }
    wf.connection = Some(name.clone());
    wf.bandwidth_mbps = bandwidth;
    wf.notified_features = None;
    wf.channels.clear();
    if deferred {
        wf.role = Role::Negotiator;
        wf.phase = Phase::Features;
        wf.record(
            now,
            format!("the peer created {name} and deferred the negotiation to this side (DEFER-3)"),
        );
    } else {
        // the caller of CreateConnection negotiates (also for a migration)
        wf.role = Role::Responder;
        wf.phase = Phase::Provisioning;
        wf.record(
            now,
            format!("the peer created {name}; waiting for its features"),
        );
    }
}

/// AUTH-7: asks the verifier, in the transaction that makes the change.
fn verify(
    p: &ReferenceProvider,
    caller: &Caller,
    name: &ConnectionName,
    operation: DeputyOperation,
    state: &State,
) -> CoordinatorResult<()> {
    // CONN-44, E-249: a provider's own TEST or MONITORING connection made
    // without a key has no customer whose intent a deputy check protects.
    let keyless = !state.issued_keys.contains_key(name.id())
        && state.connections.get(name).is_some_and(|r| {
            matches!(
                r.connection.connection_type_or_default(),
                ConnectionType::Test | ConnectionType::Monitoring
            )
        });
    if keyless {
        return Ok(());
    }
    let check = DeputyCheck {
        operation,
        caller,
        connection: name,
        issued_key: state.issued_keys.get(name.id()),
        accepted_key_from: state
            .workflows
            .get(name.id())
            .filter(|w| w.customer.is_some() && !state.issued_keys.contains_key(name.id()))
            .map(|w| w.environment.provider()),
    };
    p.deputy
        .verify(&check)
        .map_err(|refusal| CoordinatorError::permission_denied(refusal.rule, refusal.reason))
}

pub(super) fn get_connection(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::GetConnection,
) -> CoordinatorResult<wire::Connection> {
    p.interconnect(caller, request.name.interconnect())?;
    p.store
        .view(|s| {
            s.connections
                .get(&request.name)
                .map(|r| r.connection.clone())
        })
        .flatten()
        .ok_or_else(|| missing(&request.name))
}

/// The members an `updateMask` names (CONN-15): only `bandwidthMbps`, or
/// `*` (AIP-134: every updatable member, which is `bandwidthMbps`).
fn check_mask(mask: Option<&str>) -> CoordinatorResult<()> {
    let Some(mask) = mask.filter(|m| !m.trim().is_empty()) else {
        return Ok(());
    };
    if mask.trim() == "*" {
        return Ok(());
    }
    for path in mask.split(',').map(str::trim) {
        if path != "bandwidthMbps" && path != "bandwidth_mbps" {
            return Err(CoordinatorError::invalid_argument(
                rules::CONN_UPDATE_MASK,
                format!("updateMask may name only bandwidthMbps, not {path:?}"),
            ));
        }
    }
    Ok(())
}

pub(super) fn update_connection(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::UpdateConnection,
) -> CoordinatorResult<wire::Connection> {
    let name = &request.name;
    let ix = p.interconnect(caller, name.interconnect())?;
    let env = p.environment(caller, name.interconnect().environment())?;
    check_mask(request.update_mask.as_deref())?;
    // CONN-29: a body `name` is ignored; the path names the connection
    // CONN-29: the masked member is present and valid; CONN-16: offered
    let bandwidth = check_offered(
        request.connection.bandwidth_mbps,
        ix,
        env,
        rules::CONN_UPDATE_FITS,
    )?;
    crate::customer::limits::check_bandwidth_limit(&p.config.policy, bandwidth)?;
    // CONN-31: no state check, a closed interconnect keeps its connections
    let max = ix
        .interconnect
        .max_bandwidth_mbps
        .map(i64::from)
        .unwrap_or(0);
    let capacity = p
        .backend
        .local_availability(name.interconnect())
        .capacity_mbps
        .map_or(max, |c| c.min(max));
    let now = p.clock.now();
    p.store.update(|state| {
        let in_flight = state
            .connections
            .get(name)
            .ok_or_else(|| missing(name))?
            .update_in_flight;
        if in_flight.is_some() {
            return Err(CoordinatorError::aborted(
                rules::CONN_UPDATE_IN_FLIGHT,
                format!("an update of {name} is in flight; retry when it is complete"),
            ));
        }
        verify(p, caller, name, DeputyOperation::UpdateConnection, state)?;
        let reserved = reserved_mbps(state, name.interconnect(), Some(name));
        if reserved + i64::from(bandwidth) > capacity {
            return Err(CoordinatorError::aborted(
                rules::CONN_UPDATE_FITS,
                format!(
                    "{bandwidth} Mbps does not fit {}: {reserved} of {capacity} Mbps are reserved \
                     by its other connections",
                    name.interconnect()
                ),
            ));
        }
        let mut record = state
            .connections
            .get_mut(name)
            .ok_or_else(|| missing(name))?;
        record.connection.bandwidth_mbps = Some(bandwidth);
        // CONN-17 (E-84): in flight only while this side processes it: its
        // workflow re-provisions and notifies the partner, which ends it
        let processing = state
            .workflows
            .get(name.id())
            .is_some_and(|wf| wf.connection.as_ref() == Some(name) && !wf.phase.is_final());
        record.update_in_flight = processing.then_some(now);
        state.local_updates.remove(name);
        let connection = record.connection.clone();
        if let Some(wf) = state.workflows.get_mut(name.id())
            && wf.connection.as_ref() == Some(name)
        {
            // CONN-19: this side notifies once its own change is complete
            wf.bandwidth_mbps = bandwidth;
            wf.notified_features = None;
            wf.record(
                now,
                format!("the peer changed {name} to {bandwidth} Mbps (UpdateConnection); re-provisioning here (recorded)"),
            );
        }
        Ok(connection)
    })
    .inspect(|_| p.wake(name.id(), now))
}

pub(super) fn delete_connection(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::DeleteConnection,
) -> CoordinatorResult<wire::Empty> {
    let name = &request.name;
    p.interconnect(caller, name.interconnect())?;
    let env = p.environment(caller, name.interconnect().environment())?;
    let now = p.clock.now();
    let unverified_after = p.config.policy.cleanup_after();
    let features = p.store.update(|state| {
        let record = state.connections.get(name).ok_or_else(|| missing(name))?;
        if let Err(refused) = verify(p, caller, name, DeputyOperation::DeleteConnection, state)
            && !unfinished(record, now, unverified_after, deferral_timeout(env))
        {
            return Err(refused);
        }
        let removed = remove_connection(state, name);
        if let Some(wf) = state.workflows.get_mut(name.id()) {
            if wf.migrating_from.as_ref() == Some(name) {
                wf.migrating_from = None;
                wf.record(
                    now,
                    format!("the peer deleted the old connection {name} (NEG-15)"),
                );
            } else if wf.connection.as_ref() == Some(name)
                && let Some(old) = wf.migrating_from.take()
            {
                // NEG-15: the peer abandoned the migration; the old one stays
                wf.bandwidth_mbps = state
                    .connections
                    .get(&old)
                    .and_then(|r| r.connection.bandwidth_mbps)
                    .unwrap_or(wf.bandwidth_mbps);
                wf.connection = Some(old);
                wf.phase = Phase::Verified;
                wf.notified_features = None;
                wf.record(
                    now,
                    format!("the peer abandoned the migration to {name}; back on the old connection (NEG-15)"),
                );
            } else if wf.connection.as_ref() == Some(name) && !wf.phase.is_final() {
                wf.phase = Phase::Deleted;
                wf.record(
                    now,
                    format!("the peer deleted {name}; its features went with it"),
                );
            }
        }
        Ok(removed)
    })?;
    remove_from_backend(p, &features);
    Ok(wire::Empty {})
}

/// AUTH-10: a connection that may be deleted without proof: unverified and
/// older than the cleanup age, or deferred and past the deferral timeout.
pub(super) fn unfinished(
    record: &ConnectionRecord,
    now: DateTime<Utc>,
    unverified_after: Duration,
    deferral_timeout: Duration,
) -> bool {
    let age = now - record.created_at;
    let unverified = record.connection.verification_state != Some(VerificationState::Verified);
    (unverified && age >= unverified_after)
        || (record.connection.defer_provisioning == Some(true) && age >= deferral_timeout)
}

/// Removes a connection, its features and its in-flight marker, and
/// revokes its key when no connection with its UUID remains (CONN-10,
/// CONN-12). Returns the features removed, for the backend.
pub(crate) fn remove_connection(
    state: &mut State,
    name: &ConnectionName,
) -> Vec<interconnect_core::names::FeatureName> {
    state.connections.remove(name);
    state.local_updates.remove(name);
    let features: Vec<_> = state
        .features_of_connection(name)
        .map(|(f, _)| f.clone())
        .collect();
    for f in &features {
        state.features.remove(f);
    }
    if !state.connections.has_id(name.id())
        && let Some(key) = state.issued_keys.get_mut(name.id())
    {
        key.revoked = true;
    }
    features
}

/// Removes deleted features from the local devices; a failure is logged
/// (the records are gone, the operator removes the configuration).
pub(crate) fn remove_from_backend(
    p: &ReferenceProvider,
    features: &[interconnect_core::names::FeatureName],
) {
    for f in features {
        if let Err(e) = p.backend.remove_feature(f) {
            tracing::warn!(feature = %f, error = %e, "CONN-10: backend removal failed");
        }
    }
}

pub(super) fn notify_connection_status(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::NotifyConnectionStatus,
) -> CoordinatorResult<wire::Empty> {
    let name = &request.name;
    p.interconnect(caller, name.interconnect())?;
    let now = p.clock.now();
    p.store.update(|state| {
        let local = state.local_updates.contains(name);
        let mut record = state
            .connections
            .get_mut(name)
            .ok_or_else(|| missing(name))?;
        record.notifications_received.push(NotificationRecord {
            received_at: now,
            from: name.interconnect().provider().clone(),
        });
        record.seen_on_peer = true;
        if !local {
            // the partner's update is complete (CONN-19)
            record.update_in_flight = None;
        }
        Ok(())
    })?;
    // re-read the peer and verify (NEG-13)
    p.wake(name.id(), now);
    Ok(wire::Empty {})
}

impl ReferenceProvider {
    /// Marks an update of this server's own side as in flight: until
    /// [`finish_update`](Self::finish_update), the partner's
    /// `UpdateConnection` is refused with 409 (CONN-17). 409 when an update
    /// is already in flight, 404 when the connection is missing.
    pub fn begin_local_update(&self, name: &ConnectionName) -> CoordinatorResult<()> {
        let now = self.clock.now();
        self.store.update(|state| {
            let mut record = state
                .connections
                .get_mut(name)
                .ok_or_else(|| missing(name))?;
            if record.update_in_flight.is_some() {
                return Err(CoordinatorError::aborted(
                    rules::CONN_UPDATE_IN_FLIGHT,
                    format!("an update of {name} is in flight"),
                ));
            }
            record.update_in_flight = Some(now);
            state.local_updates.insert(name.clone());
            Ok(())
        })
    }

    /// Ends the in-flight update of a connection, whichever side started
    /// it (CONN-17). 404 when the connection is missing.
    pub fn finish_update(&self, name: &ConnectionName) -> CoordinatorResult<()> {
        self.store.update(|state| {
            let mut record = state
                .connections
                .get_mut(name)
                .ok_or_else(|| missing(name))?;
            record.update_in_flight = None;
            state.local_updates.remove(name);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests;
