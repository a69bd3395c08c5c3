//! MACsec keys held for a channel (`paths/macseckeys.yaml`,
//! `paths/channels.yaml` `RequestMacSecKeyRotation`, `schemas/macseckey.yaml`;
//! `docs/Protocols.md` § MACsec Key Rotation; E-14, E-47..E-50).
//!
//! The partner that is a channel's `macsecManagerProvider` creates and
//! deletes keys here; this server is the key's receiver: it checks that a
//! rotation is permitted now (MACSEC-17), then installs the key on its
//! devices in standby and reports `active` from them (MACSEC-9). Every check
//! of a create runs with the insert in one store transaction, so concurrent
//! creates cannot together break MACSEC-3..MACSEC-6.
//!
//! Operator entry points for the rotation driver: [`ReferenceProvider::activate_mac_sec_key`],
//! [`Operator::pending_rotation_requests`](crate::operator::Operator::pending_rotation_requests) and
//! [`Operator::clear_rotation_request`](crate::operator::Operator::clear_rotation_request).

use chrono::{DateTime, Duration, Utc};
use interconnect_core::names::{ChannelName, MacSecKeyName};
use interconnect_core::validation::{MacSecKeyEncoding, validate_mac_sec_key_as};
use interconnect_core::wire::{self, Secret, Timestamp};

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::operator::Operator;
use crate::request;
use crate::rules;
use crate::scheduler::Task;
use crate::store::{MacSecKeyRecord, State, StoreExt};

/// A rotation the partner asked for on a channel this server manages
/// (MACSEC-16), waiting for the rotation driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationRequest {
    /// The channel.
    pub channel: ChannelName,
    /// When the partner asked.
    pub requested_at: DateTime<Utc>,
}

/// The key as served: never its CAK (MACSEC-15), `active` from the devices
/// (MACSEC-9).
fn served(p: &ReferenceProvider, key: &wire::MacSecKey) -> wire::MacSecKey {
    let active = key
        .name
        .as_ref()
        .is_some_and(|name| p.backend.mac_sec_key_active(name));
    wire::MacSecKey {
        cak: None,
        active: Some(active),
        ..key.clone()
    }
}

/// The keys stored for `channel`, in name order.
fn keys_on<'a>(state: &'a State, channel: &'a ChannelName) -> Vec<&'a MacSecKeyRecord> {
    state
        .mac_sec_keys
        .iter()
        .filter(|(name, _)| name.channel() == channel)
        .map(|(_, record)| record)
        .collect()
}

/// Whether the caller (the provider of the channel's namespace) is the
/// channel's MACsec manager.
fn caller_manages(
    p: &ReferenceProvider,
    caller: &Caller,
    channel: &ChannelName,
) -> CoordinatorResult<bool> {
    let found = p.channel(caller, channel)?;
    Ok(found.macsec_manager_provider.as_ref() == Some(channel.interconnect().provider()))
}

fn device_error(rule: &str, error: &crate::backend::BackendError) -> CoordinatorError {
    CoordinatorError::unavailable(
        rule.to_owned(),
        format!("the local devices refused: {error}"),
    )
}

pub(super) fn request_mac_sec_key_rotation(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::RequestMacSecKeyRotation,
) -> CoordinatorResult<wire::Empty> {
    if caller_manages(p, caller, &request.channel)? {
        return Err(CoordinatorError::invalid_argument(
            rules::MACSEC_ROTATION_REQUEST_FROM_PEER,
            format!(
                "the caller is the MACsec manager of {}; it rotates keys itself",
                request.channel
            ),
        ));
    }
    let now = p.clock.now();
    tracing::info!(channel = %request.channel, reason = ?request.body.reason, "MACsec key rotation requested");
    p.store.update(|state| {
        state
            .channels
            .entry(request.channel.clone())
            .or_default()
            .rotation_requested_at = Some(now);
        Ok(())
    })?;
    // MACSEC-16: the rotation driver (`crate::operator`) takes it up at once.
    p.scheduler().schedule(
        Task::RotateMacSec(request.channel.interconnect().clone()),
        now,
    );
    Ok(wire::Empty::default())
}

/// What a create checks inside its transaction.
struct Admission<'a> {
    name: &'a MacSecKeyName,
    ckn: &'a Secret,
    channels_in_interconnect: usize,
    now: DateTime<Utc>,
    bake: Duration,
}

impl Admission<'_> {
    /// MACSEC-21, MACSEC-3, MACSEC-22, MACSEC-6, MACSEC-4, MACSEC-5, in that order.
    fn check(&self, state: &State) -> CoordinatorResult<()> {
        let channel = self.name.channel();
        let interconnect = channel.interconnect();
        if state.mac_sec_keys.contains_key(self.name) {
            return Err(CoordinatorError::already_exists(
                rules::MACSEC_NAME,
                format!("{} already exists", self.name),
            ));
        }
        let on_channel = keys_on(state, channel);
        if on_channel.len() >= 2 {
            return Err(CoordinatorError::aborted(
                rules::MACSEC_TWO_PER_CHANNEL,
                format!("{channel} already holds two keys; delete the old one first"),
            ));
        }
        let same_ckn = on_channel.iter().any(|r| {
            r.key
                .ckn
                .as_ref()
                .is_some_and(|c| c.expose().eq_ignore_ascii_case(self.ckn.expose()))
        });
        if same_ckn {
            return Err(CoordinatorError::aborted(
                rules::MACSEC_DISTINCT_CKN,
                format!("the new key's CKN equals that of another key of {channel}"),
            ));
        }
        // MACSEC-6 (E-108 revised): after a rotation of any channel of the
        // interconnect, no rotation on it for the bake time; a channel's
        // first key is not a rotation (unless its own rotation just ended)
        let rotating = !on_channel.is_empty();
        let ended = state
            .channels
            .iter()
            .filter(|(c, _)| c.interconnect() == interconnect && (rotating || *c == channel))
            .filter_map(|(_, r)| r.last_rotation_ended_at)
            .max();
        if let Some(ended) = ended {
            let allowed_at = ended + self.bake;
            if self.now < allowed_at {
                let wait = (allowed_at - self.now).to_std().unwrap_or_default();
                return Err(CoordinatorError::aborted(
                    rules::MACSEC_BAKE_TIME,
                    format!(
                        "the last rotation on {interconnect} ended at {}; a new key on {channel} is accepted from {}",
                        Timestamp::from_utc(ended),
                        Timestamp::from_utc(allowed_at)
                    ),
                )
                .with_retry_after(wait));
            }
        }
        let in_interconnect: Vec<&ChannelName> = state
            .mac_sec_keys
            .keys()
            .filter(|k| k.channel().interconnect() == interconnect)
            .map(MacSecKeyName::channel)
            .collect();
        if in_interconnect.len() > self.channels_in_interconnect {
            return Err(CoordinatorError::aborted(
                rules::MACSEC_N_PLUS_ONE,
                format!(
                    "{interconnect} has {} channels and already holds {} keys",
                    self.channels_in_interconnect,
                    in_interconnect.len()
                ),
            ));
        }
        if on_channel.len() == 1 {
            let rotating = in_interconnect
                .iter()
                .filter(|c| **c != channel)
                .find(|c| in_interconnect.iter().filter(|o| o == c).count() >= 2);
            if let Some(other) = rotating {
                return Err(CoordinatorError::aborted(
                    rules::MACSEC_ONE_ROTATION,
                    format!(
                        "{other} is in rotation; one channel of {interconnect} rotates at a time"
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl ReferenceProvider {
    /// The CAK/CKN encoding agreed with the partner whose namespace holds
    /// `channel` (hexadecimal unless configured, E-14).
    pub(crate) fn mac_sec_key_encoding(&self, channel: &ChannelName) -> MacSecKeyEncoding {
        self.config
            .inventory
            .partners
            .iter()
            .find(|p| &p.provider == channel.interconnect().provider())
            .map(|p| p.mac_sec_key_encoding)
            .unwrap_or_default()
    }
}

pub(super) fn create_mac_sec_key(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::CreateMacSecKey,
) -> CoordinatorResult<wire::MacSecKey> {
    let channel = &request.parent;
    if !caller_manages(p, caller, channel)? {
        return Err(CoordinatorError::aborted(
            rules::MACSEC_CREATE_BY_MANAGER,
            format!("only the MACsec manager of {channel} creates keys on it"),
        ));
    }
    let name = channel.mac_sec_key(&request.mac_sec_key_id).map_err(|e| {
        CoordinatorError::invalid_argument(rules::ID_PARAMETER_SEGMENT, format!("macSecKeyId: {e}"))
    })?;
    // MACSEC-21 (AIP-133): a body `name` is ignored; the path and id name it
    // MACSEC-11, MACSEC-12 (E-14): in the encoding agreed with the partner
    if let Some(v) = validate_mac_sec_key_as(&request.mac_sec_key, p.mac_sec_key_encoding(channel))
        .into_iter()
        .next()
    {
        return Err(CoordinatorError::invalid_argument(
            v.rule,
            format!("{}: {}", v.path, v.message),
        ));
    }
    let (Some(cak), Some(ckn)) = (&request.mac_sec_key.cak, &request.mac_sec_key.ckn) else {
        return Err(CoordinatorError::invalid_argument(
            interconnect_core::validation::rules::MACSEC_KEY_PRESENT,
            "cak and ckn are required",
        ));
    };
    let channels_in_interconnect = p
        .interconnect(caller, channel.interconnect())?
        .channels
        .len();
    let now = p.clock.now();
    let admission = Admission {
        name: &name,
        ckn,
        channels_in_interconnect,
        now,
        bake: p.config.policy.mac_sec_bake(),
    };
    let key = wire::MacSecKey {
        name: Some(name.clone()),
        cak: Some(cak.clone()),
        ckn: Some(ckn.clone()),
        start_time: Some(Timestamp::from_utc(now)),
        active: None,
    };
    let created_by = channel.interconnect().provider().clone();
    p.store.update(|state| {
        admission.check(state)?;
        p.backend
            .install_mac_sec_key(&name, cak, ckn)
            .map_err(|e| device_error(rules::MACSEC_CHECK_BEFORE_INSTALL, &e))?;
        state.mac_sec_keys.insert(
            name.clone(),
            MacSecKeyRecord {
                key: key.clone(),
                created_by,
            },
        );
        Ok(())
    })?;
    if p.config.policy.mac_sec_activate_received_keys
        && let Err(e) = p.activate_mac_sec_key(&name)
    {
        tracing::warn!(key = %name, error = %e, "the devices did not move to the received key");
    }
    Ok(served(p, &key))
}

pub(super) fn list_mac_sec_keys(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::ListMacSecKeys,
) -> CoordinatorResult<wire::ListMacSecKeysResponse> {
    p.channel(caller, &request.parent)?;
    let keys: Vec<wire::MacSecKey> = p
        .store
        .view(|state| {
            keys_on(state, &request.parent)
                .into_iter()
                .map(|r| r.key.clone())
                .collect()
        })
        .unwrap_or_default();
    Ok(wire::ListMacSecKeysResponse {
        mac_sec_keys: keys.iter().map(|k| served(p, k)).collect(),
    })
}

fn stored(p: &ReferenceProvider, name: &MacSecKeyName) -> CoordinatorResult<wire::MacSecKey> {
    p.store
        .view(|state| state.mac_sec_keys.get(name).map(|r| r.key.clone()))
        .flatten()
        .ok_or_else(|| {
            CoordinatorError::not_found(rules::MISSING_RESOURCE, format!("{name} does not exist"))
        })
}

pub(super) fn get_mac_sec_key(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::GetMacSecKey,
) -> CoordinatorResult<wire::MacSecKey> {
    p.channel(caller, request.name.channel())?;
    Ok(served(p, &stored(p, &request.name)?))
}

pub(super) fn delete_mac_sec_key(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::DeleteMacSecKey,
) -> CoordinatorResult<wire::Empty> {
    let name = &request.name;
    let channel = name.channel();
    if !caller_manages(p, caller, channel)? {
        return Err(CoordinatorError::aborted(
            rules::MACSEC_DELETE_BY_MANAGER,
            format!("only the MACsec manager of {channel} deletes keys on it"),
        ));
    }
    let now = p.clock.now();
    p.store.update(|state| {
        if !state.mac_sec_keys.contains_key(name) {
            return Err(CoordinatorError::not_found(
                rules::MISSING_RESOURCE,
                format!("{name} does not exist"),
            ));
        }
        if p.backend.mac_sec_key_active(name) {
            return Err(CoordinatorError::aborted(
                rules::MACSEC_ACTIVE_NOT_DELETED,
                format!("{name} is the active key of {channel}; activate the other key first"),
            ));
        }
        let before = keys_on(state, channel).len();
        state.mac_sec_keys.remove(name);
        if before == 2 {
            state
                .channels
                .entry(channel.clone())
                .or_default()
                .last_rotation_ended_at = Some(now);
        }
        p.backend
            .remove_mac_sec_key(name)
            .map_err(|e| device_error(rules::MACSEC_ACTIVE_NOT_DELETED, &e))
    })?;
    Ok(wire::Empty::default())
}

impl ReferenceProvider {
    /// Operator: makes `key` the active key of its channel on the local
    /// devices, once they carry traffic with it (`docs/Protocols.md` § MACsec
    /// Key Rotation). The channel's other key becomes inactive (MACSEC-8);
    /// a backend that leaves it active is reported as an internal error.
    pub fn activate_mac_sec_key(&self, key: &MacSecKeyName) -> CoordinatorResult<wire::MacSecKey> {
        let stored_key = stored(self, key)?;
        self.backend
            .activate_mac_sec_key(key)
            .map_err(|e| device_error(rules::MACSEC_ONE_ACTIVE, &e))?;
        let others: Vec<MacSecKeyName> = self
            .store
            .view(|state| {
                keys_on(state, key.channel())
                    .into_iter()
                    .filter_map(|r| r.key.name.clone())
                    .filter(|n| n != key)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(still) = others.iter().find(|n| self.backend.mac_sec_key_active(n)) {
            return Err(CoordinatorError::internal(
                rules::MACSEC_ONE_ACTIVE,
                format!("the devices kept {still} active after activating {key}"),
            ));
        }
        Ok(served(self, &stored_key))
    }
}

impl Operator<'_> {
    /// The rotations partners asked for (MACSEC-16) and not yet cleared, in
    /// channel name order: the work list of the rotation driver.
    pub fn pending_rotation_requests(&self) -> Vec<RotationRequest> {
        self.store
            .view(|state| {
                state
                    .channels
                    .iter()
                    .filter_map(|(channel, record)| {
                        record.rotation_requested_at.map(|at| RotationRequest {
                            channel: channel.clone(),
                            requested_at: at,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Clears the rotation request of `channel` once the rotation driver
    /// has started the rotation.
    pub fn clear_rotation_request(&self, channel: &ChannelName) -> CoordinatorResult<()> {
        self.store.update(|state| {
            if let Some(record) = state.channels.get_mut(channel) {
                record.rotation_requested_at = None;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::Duration;
    use interconnect_core::names::{InterconnectName, ProviderName};
    use interconnect_core::wire::L3BaseConfig;

    use super::*;
    use crate::backend::{
        Backend, BackendError, FeatureStatus, InMemoryBackend, LocalAvailability,
    };
    use crate::clock::{Clock, ManualClock};
    use crate::config::ProviderConfig;
    use crate::error::ErrorKind;
    use crate::store::MemoryStore;
    use crate::testing::Fixture;
    use crate::testing::scenarios::{MAC_SEC_TEST_CAK, mac_sec_create_request, mac_sec_test_ckn};

    type TestResult = Result<(), CoordinatorError>;

    fn gcp() -> ProviderName {
        ProviderName::new("gcp").expect("id")
    }

    /// The default pair with the partner managing every channel of `ix1`.
    fn all_managed_config() -> ProviderConfig {
        let aws = ProviderName::new("aws").expect("id");
        let mut config = ProviderConfig::default_pair(&aws, &gcp(), 64512).expect("default pair");
        for partner in &mut config.inventory.partners {
            for env in &mut partner.environments {
                for ix in &mut env.interconnects {
                    for ch in &mut ix.channels {
                        ch.macsec_manager_provider = Some(gcp());
                    }
                }
            }
        }
        config
    }

    fn create(
        f: &Fixture<Arc<ReferenceProvider>>,
        ch: &str,
        id: &str,
        n: u8,
    ) -> CoordinatorResult<wire::MacSecKey> {
        create_mac_sec_key(
            &f.server,
            &f.caller(),
            mac_sec_create_request(&f.channel("ix1", ch), id, n),
        )
    }

    fn refused(result: CoordinatorResult<wire::MacSecKey>) -> (ErrorKind, String) {
        let err = result.expect_err("must be refused");
        (err.kind(), err.rule().to_owned())
    }

    #[test]
    fn the_key_encoding_is_the_one_agreed_with_the_partner() -> TestResult {
        // MACSEC-11, MACSEC-12 (E-14): hex unless the partner agreed another
        let octets = [0x5au8; 32];
        let base64_key = |id: &str| {
            let mut req = mac_sec_create_request(&Fixture::new().channel("ix1", "ch1"), id, 1);
            req.mac_sec_key.cak = Some(Secret::new(MacSecKeyEncoding::Base64.encode(&octets)));
            req.mac_sec_key.ckn =
                Some(Secret::new(MacSecKeyEncoding::Base64.encode(&octets[..16])));
            req
        };
        let hex_side = Fixture::with_config(all_managed_config());
        assert_eq!(
            refused(create_mac_sec_key(
                &hex_side.server,
                &hex_side.caller(),
                base64_key("k1")
            )),
            (ErrorKind::InvalidArgument, "MACSEC-11".to_owned()),
            "the default is hex"
        );
        let mut config = all_managed_config();
        for partner in &mut config.inventory.partners {
            partner.mac_sec_key_encoding = MacSecKeyEncoding::Base64;
        }
        let b64_side = Fixture::with_config(config);
        create_mac_sec_key(&b64_side.server, &b64_side.caller(), base64_key("k1"))?;
        assert_eq!(
            refused(create_mac_sec_key(
                &b64_side.server,
                &b64_side.caller(),
                mac_sec_create_request(&b64_side.channel("ix1", "ch2"), "k1", 2),
            ))
            .1,
            "MACSEC-11",
            "hex is not what this partner agreed"
        );
        Ok(())
    }

    #[test]
    fn an_interconnect_holds_at_most_n_plus_one_keys() -> TestResult {
        let f = Fixture::with_config(all_managed_config());
        for (i, ch) in ["ch1", "ch2", "ch3", "ch4"].into_iter().enumerate() {
            create(&f, ch, "k1", u8::try_from(i).unwrap_or(0) + 1)?;
        }
        create(&f, "ch1", "k2", 20)?;
        assert_eq!(
            refused(create(&f, "ch2", "k2", 21)),
            (ErrorKind::Aborted, rules::MACSEC_N_PLUS_ONE.to_owned())
        );
        Ok(())
    }

    #[test]
    fn the_body_name_is_ignored_and_the_id_checked() {
        // MACSEC-21 (AIP-133, E-30 reversed): the path and id name the key
        let f = Fixture::new();
        let ch = f.channel("ix1", "ch3");
        let mut req = mac_sec_create_request(&ch, "k1", 1);
        req.mac_sec_key.name = Some(ch.mac_sec_key("other").expect("name"));
        let key = create_mac_sec_key(&f.server, &f.caller(), req)
            .expect("a different body name is ignored");
        assert_eq!(key.name, Some(ch.mac_sec_key("k1").expect("name")));
        let err = refused(create_mac_sec_key(
            &f.server,
            &f.caller(),
            mac_sec_create_request(&ch, "bad/id", 2),
        ));
        assert_eq!(
            err,
            (
                ErrorKind::InvalidArgument,
                rules::ID_PARAMETER_SEGMENT.to_owned()
            )
        );
    }

    #[test]
    fn cak_and_ckn_are_required_and_well_formed_and_never_echoed() {
        let f = Fixture::new();
        let ch = f.channel("ix1", "ch3");
        let mut req = mac_sec_create_request(&ch, "k1", 1);
        req.mac_sec_key.ckn = None;
        let err = create_mac_sec_key(&f.server, &f.caller(), req).expect_err("MACSEC-13");
        assert_eq!(err.rule(), "MACSEC-13");
        let mut req = mac_sec_create_request(&ch, "k1", 1);
        let odd_ckn = "abcdef1234567";
        req.mac_sec_key.ckn = Some(Secret::new(odd_ckn));
        let err = create_mac_sec_key(&f.server, &f.caller(), req).expect_err("MACSEC-12");
        assert_eq!(err.rule(), "MACSEC-12");
        assert!(!err.to_string().contains(odd_ckn), "MACSEC-14: {err}");
        assert!(!format!("{err:?}").contains(odd_ckn), "MACSEC-14: {err:?}");
        assert!(f.backend.mac_sec_keys_on(&ch).is_empty());
    }

    #[test]
    fn a_refused_key_never_reaches_the_devices() -> TestResult {
        let f = Fixture::new();
        let ch = f.channel("ix1", "ch3");
        create(&f, "ch3", "k1", 1)?;
        create(&f, "ch3", "k2", 2)?;
        refused(create(&f, "ch3", "k3", 3));
        let on_devices: Vec<String> = f
            .backend
            .mac_sec_keys_on(&ch)
            .into_iter()
            .map(|(k, _)| k.id().to_owned())
            .collect();
        assert_eq!(on_devices, ["k1", "k2"], "MACSEC-17");
        let stored = f.server.store.view(|s| s.mac_sec_keys.len());
        assert_eq!(stored, Some(2));
        Ok(())
    }

    #[test]
    fn the_stored_key_keeps_its_secrets_and_creator() -> TestResult {
        let f = Fixture::new();
        create(&f, "ch3", "k1", 1)?;
        let name = f.channel("ix1", "ch3").mac_sec_key("k1").expect("name");
        let record = f
            .server
            .store
            .view(|s| s.mac_sec_keys.get(&name).cloned())
            .flatten()
            .expect("stored");
        assert_eq!(
            record.key.cak.as_ref().map(Secret::expose),
            Some(MAC_SEC_TEST_CAK)
        );
        assert_eq!(
            record.key.ckn.as_ref().map(Secret::expose),
            Some(mac_sec_test_ckn(1).as_str())
        );
        assert_eq!(record.created_by, gcp());
        Ok(())
    }

    #[test]
    fn the_bake_time_follows_the_policy_and_only_a_rotation_starts_it() -> TestResult {
        let mut config =
            ProviderConfig::default_pair(&ProviderName::new("aws").expect("id"), &gcp(), 64512)
                .expect("config");
        config.policy.mac_sec_bake_seconds = 600;
        let f = Fixture::with_config(config);
        let ch = f.channel("ix1", "ch3");
        let delete = |id: &str| {
            delete_mac_sec_key(
                &f.server,
                &f.caller(),
                request::DeleteMacSecKey {
                    name: ch.mac_sec_key(id).expect("name"),
                },
            )
        };
        create(&f, "ch3", "k1", 1)?;
        delete("k1")?;
        create(&f, "ch3", "k1", 1).expect("deleting a lone key is not the end of a rotation");
        create(&f, "ch3", "k2", 2)?;
        delete("k1")?;
        f.clock.advance(Duration::seconds(599));
        let err = create(&f, "ch3", "k3", 3).expect_err("MACSEC-6");
        assert_eq!(err.rule(), rules::MACSEC_BAKE_TIME);
        assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(1)));
        f.clock.advance(Duration::seconds(1));
        create(&f, "ch3", "k3", 3)?;
        Ok(())
    }

    #[test]
    fn the_bake_time_holds_on_the_whole_interconnect() -> TestResult {
        // MACSEC-6: after ch1 rotates, no channel of ix1 rotates for the
        // bake time; a first key is not a rotation
        let mut config = all_managed_config();
        config.policy.mac_sec_bake_seconds = 600;
        let f = Fixture::with_config(config);
        create(&f, "ch2", "k1", 10)?;
        create(&f, "ch1", "k1", 1)?;
        create(&f, "ch1", "k2", 2)?;
        delete_mac_sec_key(
            &f.server,
            &f.caller(),
            request::DeleteMacSecKey {
                name: f.channel("ix1", "ch1").mac_sec_key("k1").expect("name"),
            },
        )?;
        let err = create(&f, "ch2", "k2", 11).expect_err("MACSEC-6 on another channel");
        assert_eq!(err.rule(), rules::MACSEC_BAKE_TIME);
        create(&f, "ch3", "k1", 20).expect("a first key is not a rotation");
        f.clock.advance(Duration::seconds(600));
        create(&f, "ch2", "k2", 11)?;
        Ok(())
    }

    #[test]
    fn missing_keys_are_not_found() {
        let f = Fixture::new();
        let name = f.channel("ix1", "ch3").mac_sec_key("nope").expect("name");
        let err = delete_mac_sec_key(
            &f.server,
            &f.caller(),
            request::DeleteMacSecKey { name: name.clone() },
        )
        .expect_err("404");
        assert_eq!(err.kind(), ErrorKind::NotFound);
        let err = f.server.activate_mac_sec_key(&name).expect_err("404");
        assert_eq!(err.kind(), ErrorKind::NotFound);
        let err = refused(create_mac_sec_key(
            &f.server,
            &f.caller(),
            mac_sec_create_request(&f.interconnect("ix1").channel("ch9").expect("name"), "k", 1),
        ));
        assert_eq!(err.0, ErrorKind::NotFound);
    }

    #[test]
    fn rotation_requests_are_listed_until_cleared() -> TestResult {
        let f = Fixture::new();
        let ch = f.channel("ix1", "ch2");
        request_mac_sec_key_rotation(
            &f.server,
            &f.caller(),
            request::RequestMacSecKeyRotation {
                channel: ch.clone(),
                body: wire::MacSecKeyRotationRequest::default(),
            },
        )?;
        assert_eq!(
            f.server.operator().pending_rotation_requests(),
            vec![RotationRequest {
                channel: ch.clone(),
                requested_at: f.clock.now()
            }]
        );
        f.server.operator().clear_rotation_request(&ch)?;
        assert!(f.server.operator().pending_rotation_requests().is_empty());
        Ok(())
    }

    /// A backend that activates a key without deactivating the others.
    struct Sticky(InMemoryBackend, std::sync::Mutex<Vec<MacSecKeyName>>);

    impl Backend for Sticky {
        fn provision_feature(
            &self,
            f: &interconnect_core::names::FeatureName,
            c: &L3BaseConfig,
        ) -> Result<(), BackendError> {
            self.0.provision_feature(f, c)
        }
        fn feature_status(&self, f: &interconnect_core::names::FeatureName) -> FeatureStatus {
            self.0.feature_status(f)
        }
        fn remove_feature(
            &self,
            f: &interconnect_core::names::FeatureName,
        ) -> Result<(), BackendError> {
            self.0.remove_feature(f)
        }
        fn install_mac_sec_key(
            &self,
            k: &MacSecKeyName,
            cak: &Secret,
            ckn: &Secret,
        ) -> Result<(), BackendError> {
            self.0.install_mac_sec_key(k, cak, ckn)
        }
        fn activate_mac_sec_key(&self, k: &MacSecKeyName) -> Result<(), BackendError> {
            self.1
                .lock()
                .map_err(|_| BackendError::new("poisoned"))?
                .push(k.clone());
            Ok(())
        }
        fn mac_sec_key_active(&self, k: &MacSecKeyName) -> bool {
            self.1.lock().map(|a| a.contains(k)).unwrap_or(false)
        }
        fn remove_mac_sec_key(&self, k: &MacSecKeyName) -> Result<(), BackendError> {
            self.0.remove_mac_sec_key(k)
        }
        fn local_availability(&self, i: &InterconnectName) -> LocalAvailability {
            self.0.local_availability(i)
        }
    }

    #[test]
    fn a_second_active_key_on_a_channel_is_reported() -> TestResult {
        let clock = Arc::new(ManualClock::at_epoch());
        let backend = Sticky(
            InMemoryBackend::new(clock.clone(), Duration::zero()),
            Default::default(),
        );
        let config =
            ProviderConfig::default_pair(&ProviderName::new("aws").expect("id"), &gcp(), 64512)
                .expect("config");
        let p = ReferenceProvider::new(
            config,
            Arc::new(MemoryStore::new()),
            clock,
            Arc::new(backend),
        )
        .expect("provider");
        let caller = Caller::partner(gcp());
        let ch: ChannelName =
            "providers/gcp/environments/aws-gcp-us-east/interconnects/ix1/channels/ch3"
                .parse()
                .expect("name");
        create_mac_sec_key(&p, &caller, mac_sec_create_request(&ch, "k1", 1))?;
        create_mac_sec_key(&p, &caller, mac_sec_create_request(&ch, "k2", 2))?;
        let k1 = p.activate_mac_sec_key(&ch.mac_sec_key("k1").expect("name"))?;
        assert_eq!(k1.active, Some(true));
        let err = p
            .activate_mac_sec_key(&ch.mac_sec_key("k2").expect("name"))
            .expect_err("MACSEC-8");
        assert_eq!(
            (err.kind(), err.rule()),
            (ErrorKind::Internal, rules::MACSEC_ONE_ACTIVE)
        );
        Ok(())
    }
}
