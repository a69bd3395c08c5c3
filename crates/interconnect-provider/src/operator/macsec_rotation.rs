//! The MACsec rotation driver of the channels this side manages
//! (`docs/Protocols.md` § MACsec Key Rotation, § Requesting a Key Rotation;
//! `paths/macseckeys.yaml`; E-48, E-49).
//!
//! [`Operator::operator_rotate_mac_sec_keys`](crate::operator::Operator::operator_rotate_mac_sec_keys) queues every channel
//! of an interconnect whose `macsecManagerProvider` is this side; a
//! rotation request of the peer (MACSEC-16) queues its channel. The
//! [`Task::RotateMacSec`] of the interconnect then rotates one channel at a
//! time (MACSEC-5, MACSEC-23), each in the order of the protocol:
//!
//! 1. a fresh CAK/CKN (random) is installed on this side's devices in
//!    standby and kept in the store (MACSEC-19);
//! 2. `CreateMacSecKey` on the peer (who checks that the rotation is
//!    permitted, MACSEC-17);
//! 3. this side's devices move to the new key;
//! 4. `DeleteMacSecKey` of the old key on the peer (a 409 MACSEC-7 means the
//!    peer's devices still use it: looked at again later), then the old key
//!    is removed here (MACSEC-18);
//! 5. no channel of the interconnect starts before the bake time
//!    (`ProtocolPolicy::mac_sec_bake`, MACSEC-6) has passed; a channel's
//!    first key is not a rotation and has no bake time.
//!
//! Failures fail closed (MACSEC-20): until step 3 the old key stays the
//! active one; a failed call is retried with backoff (NEG-4) by the
//! scheduler. When the retries are spent before step 3 the new key is
//! abandoned (removed here and, best effort, at the peer) and the channel is
//! tried again later with a fresh key rather than the failed one
//! (MACSEC-24).

use chrono::Duration;
use interconnect_core::names::{ChannelName, InterconnectName};
use interconnect_core::wire::{self, Secret, Timestamp};

use super::Operator;
use crate::error::{CoordinatorError, CoordinatorResult, ErrorKind};
use crate::negotiator::Next;
use crate::reference::ReferenceProvider;
use crate::request;
use crate::rules;
use crate::scheduler::Task;
use crate::store::{
    ChannelRotation, MacSecKeyRecord, RotationRecord, RotationRun, RotationStep, State, StoreExt,
};

/// How often a rotation waiting for the peer (its devices still on the old
/// key, or another channel in rotation) looks again.
pub const ROTATION_POLL: Duration = Duration::seconds(30);

/// How long after an abandoned key the channel is tried again with a fresh
/// key (MACSEC-24).
pub const FAIL_FORWARD_AFTER: Duration = Duration::minutes(10);

fn rotate_key(interconnect: &InterconnectName) -> String {
    format!("rotate:{interconnect}")
}

/// `n` random octets (from version-4 UUIDs: the operating system's random
/// source; 6 bits of every 16 octets are fixed).
fn random_octets(octets: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(octets + 16);
    while out.len() < octets {
        out.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    out.truncate(octets);
    out
}

/// `n` random octets as hex digits (see [`random_octets`]).
fn random_hex(octets: usize) -> String {
    let mut out = String::with_capacity(octets * 2);
    while out.len() < octets * 2 {
        out.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    out.truncate(octets * 2);
    out
}

/// The channels of `interconnect` holding two keys here (in rotation),
/// other than `except`.
fn rotating_channels(
    state: &State,
    interconnect: &InterconnectName,
    except: Option<&ChannelName>,
) -> Vec<ChannelName> {
    let mut counts: std::collections::BTreeMap<&ChannelName, usize> = Default::default();
    for name in state.mac_sec_keys.keys() {
        if name.channel().interconnect() == interconnect {
            *counts.entry(name.channel()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(c, n)| *n >= 2 && Some(*c) != except)
        .map(|(c, _)| c.clone())
        .collect()
}

fn internal(e: impl std::fmt::Display) -> CoordinatorError {
    CoordinatorError::internal(rules::MACSEC_ROTATION_CADENCE, e.to_string())
}

impl ReferenceProvider {
    /// [`Task::RotateMacSec`]: steps the run of `interconnect` until it waits.
    pub(crate) async fn step_rotation(&self, interconnect: &InterconnectName) {
        self.take_rotation_requests(interconnect);
        for _ in 0..16 {
            match self.rotation_step(interconnect).await {
                Next::Continue => continue,
                Next::At(at) => {
                    self.scheduler()
                        .schedule(Task::RotateMacSec(interconnect.clone()), at);
                    return;
                }
                Next::Done => return,
            }
        }
        self.scheduler().schedule(
            Task::RotateMacSec(interconnect.clone()),
            self.clock().now() + ROTATION_POLL,
        );
    }

    /// Queues the channels of `interconnect` the peer asked to rotate
    /// (MACSEC-16); a request for the channel in rotation is met by it.
    fn take_rotation_requests(&self, interconnect: &InterconnectName) {
        let requested: Vec<ChannelName> = self
            .operator()
            .pending_rotation_requests()
            .into_iter()
            .map(|r| r.channel)
            .filter(|c| c.interconnect() == interconnect)
            .filter(|c| {
                self.configured_channel_of(c)
                    .is_ok_and(|c| self.manages_mac_sec(&c))
            })
            .collect();
        if requested.is_empty() {
            return;
        }
        let _ = self.store().update(|s| {
            let run = s
                .operator
                .rotations
                .entry(interconnect.clone())
                .or_default();
            for channel in &requested {
                if run.current.as_ref().is_some_and(|c| &c.channel == channel) {
                    if let Some(record) = s.channels.get_mut(channel) {
                        record.rotation_requested_at = None;
                    }
                } else {
                    queue_channel(run, channel);
                }
            }
            Ok(())
        });
    }

    async fn rotation_step(&self, interconnect: &InterconnectName) -> Next {
        let Some(run) = self.operator().mac_sec_rotation(interconnect) else {
            return Next::Done;
        };
        let Some(current) = run.current.clone() else {
            return self.start_next_channel(interconnect, &run);
        };
        let step = match current.step {
            RotationStep::InstalledLocally => self.create_on_peer(interconnect, &current).await,
            RotationStep::CreatedOnPeer => self.activate_locally(interconnect, &current),
            RotationStep::ActiveLocally => self.delete_old_on_peer(interconnect, &current).await,
            RotationStep::OldDeletedOnPeer => self.finish_channel(interconnect, &current),
        };
        step.unwrap_or_else(|e| {
            tracing::warn!(%interconnect, error = %e, "MACsec rotation step failed");
            Next::At(self.clock().now() + ROTATION_POLL)
        })
    }

    /// Starts the rotation of the next queued channel: a fresh key in
    /// standby on this side's devices (MACSEC-19), once no other channel of
    /// the interconnect is in rotation (MACSEC-5) and the bake time of the
    /// last rotation has passed (MACSEC-6).
    fn start_next_channel(&self, interconnect: &InterconnectName, run: &RotationRun) -> Next {
        let now = self.clock().now();
        let Some(channel) = run.queue.first().cloned() else {
            return Next::Done;
        };
        if let Some(not_before) = run.not_before.filter(|t| now < *t) {
            return Next::At(not_before);
        }
        let key_id = format!("k{}", random_hex(8));
        let Ok(new_key) = channel.mac_sec_key(&key_id) else {
            return Next::At(now + ROTATION_POLL);
        };
        // MACSEC-11, MACSEC-12 (E-14): written as agreed with the partner
        let encoding = self.mac_sec_key_encoding(&channel);
        let cak = Secret::new(encoding.encode(&random_octets(32)));
        let ckn = Secret::new(encoding.encode(&random_octets(16)));
        let started = self.store().update(|s| {
            if let Some(other) = rotating_channels(s, interconnect, None).first() {
                return Ok(Some(other.clone()));
            }
            let old_key = s
                .mac_sec_keys
                .keys()
                .filter(|k| k.channel() == &channel)
                .max_by_key(|k| self.backend().mac_sec_key_active(k))
                .cloned();
            self.backend()
                .install_mac_sec_key(&new_key, &cak, &ckn)
                .map_err(|e| {
                    CoordinatorError::unavailable(
                        rules::MACSEC_STANDBY_FIRST,
                        format!("the local devices refused the new key of {channel}: {e}"),
                    )
                })?;
            s.mac_sec_keys.insert(
                new_key.clone(),
                MacSecKeyRecord {
                    key: wire::MacSecKey {
                        name: Some(new_key.clone()),
                        cak: Some(cak.clone()),
                        ckn: Some(ckn.clone()),
                        start_time: Some(Timestamp::from_utc(now)),
                        active: None,
                    },
                    created_by: self.config().provider.clone(),
                },
            );
            if let Some(record) = s.channels.get_mut(&channel) {
                record.rotation_requested_at = None;
            }
            let run = s
                .operator
                .rotations
                .entry(interconnect.clone())
                .or_default();
            run.queue.retain(|c| c != &channel);
            run.current = Some(ChannelRotation {
                channel: channel.clone(),
                old_key,
                new_key: new_key.clone(),
                step: RotationStep::InstalledLocally,
                started_at: now,
            });
            run.history.push(RotationRecord {
                channel: channel.clone(),
                new_key_id: key_id.clone(),
                started_at: now,
                ended_at: None,
                abandoned: false,
            });
            Ok(None)
        });
        match started {
            Ok(None) => {
                tracing::info!(%channel, key = %new_key, "MACSEC-19: new key installed in standby");
                Next::Continue
            }
            Ok(Some(other)) => {
                tracing::info!(%channel, %other, "MACSEC-5: another channel is in rotation; waiting");
                Next::At(now + ROTATION_POLL)
            }
            Err(e) => self.retry_or_abandon(interconnect, None, &e),
        }
    }

    async fn create_on_peer(
        &self,
        interconnect: &InterconnectName,
        current: &ChannelRotation,
    ) -> CoordinatorResult<Next> {
        let record = self
            .store()
            .view(|s| s.mac_sec_keys.get(&current.new_key).cloned())
            .flatten()
            .ok_or_else(|| internal(format!("{} vanished", current.new_key)))?;
        let result = async {
            let peer = self.peers().get(interconnect.provider())?;
            self.remove_strays_at_peer(peer.as_ref(), &current.channel)
                .await?;
            let request = request::CreateMacSecKey {
                parent: self.at_peer_channel(&current.channel)?,
                mac_sec_key_id: current.new_key.id().to_owned(),
                mac_sec_key: wire::MacSecKey {
                    cak: record.key.cak.clone(),
                    ckn: record.key.ckn.clone(),
                    ..Default::default()
                },
            };
            peer.create_mac_sec_key(&self.as_caller(), request).await
        }
        .await;
        match result {
            // a lost answer to our own create: the peer holds the key
            Ok(_) => self.advance(interconnect, RotationStep::CreatedOnPeer),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && e.rule() == rules::MACSEC_NAME => {
                self.advance(interconnect, RotationStep::CreatedOnPeer)
            }
            Err(e) => Ok(self.retry_or_abandon(interconnect, Some(current), &e)),
        }
    }

    /// Deletes, at the peer, keys of `channel` this side no longer holds:
    /// keys of an abandoned attempt whose `CreateMacSecKey` reached the peer
    /// although its answer did not (MACSEC-24). Only the manager creates
    /// keys on the channel, so any such key is ours.
    async fn remove_strays_at_peer(
        &self,
        peer: &dyn crate::peer::Peer,
        channel: &ChannelName,
    ) -> CoordinatorResult<()> {
        let at_peer = self.at_peer_channel(channel)?;
        let ours: Vec<String> = self
            .operator()
            .mac_sec_keys_of(channel)
            .into_iter()
            .filter_map(|k| k.name.map(|n| n.id().to_owned()))
            .collect();
        let listed = peer
            .list_mac_sec_keys(
                &self.as_caller(),
                request::ListMacSecKeys {
                    parent: at_peer.clone(),
                },
            )
            .await?;
        for stray in listed
            .mac_sec_keys
            .into_iter()
            .filter_map(|k| k.name)
            .filter(|n| !ours.iter().any(|o| o == n.id()))
        {
            tracing::info!(key = %stray, rule = rules::MACSEC_FAIL_FORWARD, "deleting an abandoned key at the peer");
            match peer
                .delete_mac_sec_key(&self.as_caller(), request::DeleteMacSecKey { name: stray })
                .await
            {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn activate_locally(
        &self,
        interconnect: &InterconnectName,
        current: &ChannelRotation,
    ) -> CoordinatorResult<Next> {
        match self.activate_mac_sec_key(&current.new_key) {
            Ok(_) => self.advance(interconnect, RotationStep::ActiveLocally),
            Err(e) => {
                self.keep_a_key_active(current);
                Ok(self.retry_or_abandon(interconnect, Some(current), &e))
            }
        }
    }

    async fn delete_old_on_peer(
        &self,
        interconnect: &InterconnectName,
        current: &ChannelRotation,
    ) -> CoordinatorResult<Next> {
        let now = self.clock().now();
        let Some(old) = &current.old_key else {
            return self.advance(interconnect, RotationStep::OldDeletedOnPeer);
        };
        let result = async {
            let peer = self.peers().get(interconnect.provider())?;
            let name = self
                .at_peer_channel(old.channel())?
                .mac_sec_key(old.id())
                .map_err(internal)?;
            peer.delete_mac_sec_key(&self.as_caller(), request::DeleteMacSecKey { name })
                .await
        }
        .await;
        match result {
            Ok(_) => self.advance(interconnect, RotationStep::OldDeletedOnPeer),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                self.advance(interconnect, RotationStep::OldDeletedOnPeer)
            }
            Err(e) if e.rule() == rules::MACSEC_ACTIVE_NOT_DELETED => {
                // the peer's devices still use the old key: look again later
                Ok(Next::At(now + ROTATION_POLL))
            }
            Err(e) => {
                let key = rotate_key(interconnect);
                // the new key is already in use here: never abandoned now
                Ok(Next::At(
                    self.operator_backoff(&key, &e)
                        .unwrap_or(now + FAIL_FORWARD_AFTER),
                ))
            }
        }
    }

    /// Removes the old key here (MACSEC-18) and ends the channel's
    /// rotation; the next channel waits for the bake time (MACSEC-6).
    fn finish_channel(
        &self,
        interconnect: &InterconnectName,
        current: &ChannelRotation,
    ) -> CoordinatorResult<Next> {
        let now = self.clock().now();
        let bake = self.config().policy.mac_sec_bake();
        self.store().update(|s| {
            if let Some(old) = &current.old_key {
                if self.backend().mac_sec_key_active(old) {
                    return Err(CoordinatorError::aborted(
                        rules::MACSEC_ACTIVE_NOT_DELETED,
                        format!("{old} is still active here"),
                    ));
                }
                s.mac_sec_keys.remove(old);
                s.channels
                    .entry(current.channel.clone())
                    .or_default()
                    .last_rotation_ended_at = Some(now);
                self.backend().remove_mac_sec_key(old).map_err(|e| {
                    CoordinatorError::unavailable(
                        rules::MACSEC_DELETE_OLD_KEY,
                        format!("the local devices kept {old}: {e}"),
                    )
                })?;
            }
            let run = s
                .operator
                .rotations
                .entry(interconnect.clone())
                .or_default();
            run.current = None;
            if let Some(last) = run.history.last_mut() {
                last.ended_at = Some(now);
            }
            run.not_before = current.old_key.as_ref().map(|_| now + bake);
            s.operator.retries.remove(&rotate_key(interconnect));
            Ok(())
        })?;
        tracing::info!(channel = %current.channel, "MACSEC-18: rotation ended");
        Ok(Next::Continue)
    }

    fn advance(
        &self,
        interconnect: &InterconnectName,
        step: RotationStep,
    ) -> CoordinatorResult<Next> {
        self.operator_retry_done(&rotate_key(interconnect));
        self.store().update(|s| {
            if let Some(current) = s
                .operator
                .rotations
                .get_mut(interconnect)
                .and_then(|r| r.current.as_mut())
            {
                current.step = step;
            }
            Ok(())
        })?;
        Ok(Next::Continue)
    }

    /// MACSEC-20: if the devices use no key of the channel, the old one is
    /// made active again (the link never runs without a key).
    fn keep_a_key_active(&self, current: &ChannelRotation) {
        let any_active = self
            .operator()
            .mac_sec_keys_of(&current.channel)
            .iter()
            .any(|k| k.active == Some(true));
        if let (false, Some(old)) = (any_active, &current.old_key)
            && let Err(e) = self.activate_mac_sec_key(old)
        {
            tracing::error!(key = %old, error = %e, rule = rules::MACSEC_FAIL_CLOSED, "the old key could not be restored");
        }
    }

    /// A failed step before the new key is in use: retried with backoff
    /// while the budget lasts (MACSEC-20: the old key stays active); then
    /// the new key is abandoned and the channel tried again later with a
    /// fresh one (MACSEC-24).
    fn retry_or_abandon(
        &self,
        interconnect: &InterconnectName,
        current: Option<&ChannelRotation>,
        error: &CoordinatorError,
    ) -> Next {
        let now = self.clock().now();
        if let Some(at) = self.operator_backoff(&rotate_key(interconnect), error) {
            tracing::info!(rule = rules::MACSEC_FAIL_CLOSED, error = %error, "the old key stays active; retrying");
            return Next::At(at);
        }
        let Some(current) = current else {
            return Next::At(now + FAIL_FORWARD_AFTER);
        };
        let retry_at = now
            + error
                .retry_after()
                .and_then(|d| Duration::from_std(d).ok())
                .unwrap_or(FAIL_FORWARD_AFTER)
                .max(FAIL_FORWARD_AFTER);
        let abandoned = self.store().update(|s| {
            s.mac_sec_keys.remove(&current.new_key);
            let run = s
                .operator
                .rotations
                .entry(interconnect.clone())
                .or_default();
            run.current = None;
            run.queue.retain(|c| c != &current.channel);
            run.queue.insert(0, current.channel.clone());
            run.not_before = Some(retry_at);
            if let Some(last) = run.history.last_mut() {
                last.ended_at = Some(now);
                last.abandoned = true;
            }
            Ok(())
        });
        if let Err(e) = self.backend().remove_mac_sec_key(&current.new_key) {
            tracing::warn!(key = %current.new_key, error = %e, "the abandoned key stays on the devices");
        }
        tracing::warn!(
            channel = %current.channel,
            error = %error,
            ok = abandoned.is_ok(),
            rule = rules::MACSEC_FAIL_FORWARD,
            "new key abandoned; the channel is tried again with a fresh key"
        );
        Next::At(retry_at)
    }
}

impl Operator<'_> {
    /// Operator: rotates the MACsec key of every channel of `interconnect`
    /// (this side's name) whose `macsecManagerProvider` is this side, one
    /// channel at a time with the bake time between (MACSEC-23); returns
    /// the channels queued. The work runs as [`Task::RotateMacSec`].
    /// 409 naming MACSEC-1 when this side manages no channel of it.
    pub fn operator_rotate_mac_sec_keys(
        &self,
        interconnect: &InterconnectName,
    ) -> CoordinatorResult<Vec<ChannelName>> {
        let managed: Vec<ChannelName> = self
            .configured_channels(interconnect)?
            .iter()
            .filter(|c| self.manages_mac_sec(c))
            .filter_map(|c| c.name.clone())
            .collect();
        if managed.is_empty() {
            return Err(CoordinatorError::aborted(
                rules::MACSEC_CREATE_BY_MANAGER,
                format!("this side is the MACsec manager of no channel of {interconnect}"),
            ));
        }
        self.store().update(|s| {
            let run = s
                .operator
                .rotations
                .entry(interconnect.clone())
                .or_default();
            for channel in &managed {
                queue_channel(run, channel);
            }
            Ok(())
        })?;
        self.scheduler()
            .schedule(Task::RotateMacSec(interconnect.clone()), self.clock().now());
        Ok(managed)
    }

    /// Operator: asks the peer to rotate the key of `channel` (this side's
    /// name), which the peer manages (`RequestMacSecKeyRotation`,
    /// MACSEC-16). 400 naming MACSEC-16 when this side manages it.
    pub async fn operator_request_peer_rotation(
        &self,
        channel: &ChannelName,
        reason: Option<String>,
    ) -> CoordinatorResult<()> {
        let configured = self.configured_channel_of(channel)?;
        if self.manages_mac_sec(&configured) {
            return Err(CoordinatorError::invalid_argument(
                rules::MACSEC_ROTATION_REQUEST_FROM_PEER,
                format!("this side manages {channel}; rotate it with operator_rotate_mac_sec_keys"),
            ));
        }
        let peer = self.peers().get(channel.interconnect().provider())?;
        let request = request::RequestMacSecKeyRotation {
            channel: self.at_peer_channel(channel)?,
            body: wire::MacSecKeyRotationRequest { reason },
        };
        peer.request_mac_sec_key_rotation(&self.as_caller(), request)
            .await
            .map(|_| ())
    }

    /// The rotation run of `interconnect` (this side's name), if any.
    pub fn mac_sec_rotation(&self, interconnect: &InterconnectName) -> Option<RotationRun> {
        self.store()
            .view(|s| s.operator.rotations.get(interconnect).cloned())
            .flatten()
    }

    /// The MACsec keys this server stores for `channel` (its own for the
    /// channels it manages, the peer's for the others), in name order;
    /// never their CAK.
    pub fn mac_sec_keys_of(&self, channel: &ChannelName) -> Vec<wire::MacSecKey> {
        self.store()
            .view(|s| {
                s.mac_sec_keys
                    .iter()
                    .filter(|(n, _)| n.channel() == channel)
                    .map(|(n, r)| wire::MacSecKey {
                        cak: None,
                        active: Some(self.backend().mac_sec_key_active(n)),
                        ..r.key.clone()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Adds `channel` to the run's queue unless it is queued or in rotation.
pub(super) fn queue_channel(run: &mut RotationRun, channel: &ChannelName) {
    let current = run.current.as_ref().is_some_and(|c| &c.channel == channel);
    if !current && !run.queue.contains(channel) {
        run.queue.push(channel.clone());
    }
}

#[cfg(test)]
mod tests {
    use interconnect_core::validation::validate_mac_sec_key;

    use super::*;

    #[test]
    fn generated_keys_are_well_formed_and_fresh() {
        let key = wire::MacSecKey {
            cak: Some(Secret::new(random_hex(32))),
            ckn: Some(Secret::new(random_hex(16))),
            ..Default::default()
        };
        assert!(
            validate_mac_sec_key(&key).is_empty(),
            "MACSEC-11, MACSEC-12: 64 and 32 hex digits"
        );
        assert_eq!(random_hex(32).len(), 64);
        assert!(random_hex(32).chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(random_hex(32), random_hex(32), "a fresh key every time");
    }

    #[test]
    fn a_channel_is_queued_once() {
        let ch: ChannelName = "providers/gcp/environments/e/interconnects/ix1/channels/ch1"
            .parse()
            .expect("name");
        let mut run = RotationRun::default();
        queue_channel(&mut run, &ch);
        queue_channel(&mut run, &ch);
        assert_eq!(run.queue, vec![ch.clone()]);
        run.queue.clear();
        run.current = Some(ChannelRotation {
            channel: ch.clone(),
            old_key: None,
            new_key: ch.mac_sec_key("k").expect("name"),
            step: RotationStep::InstalledLocally,
            started_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        });
        queue_channel(&mut run, &ch);
        assert!(
            run.queue.is_empty(),
            "the channel in rotation is not queued again"
        );
    }
}
