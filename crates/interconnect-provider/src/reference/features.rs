//! `ListFeatures`, `CreateFeature`, `GetFeature`, `DeleteFeature`
//! (`paths/features.yaml`; `schemas/feature.yaml`; `docs/Protocols.md`
//! § Negotiate Feature Parameters and § Delete Feature): this server as the
//! responder of a feature negotiation.
//!
//! `CreateFeature` runs every check and the insertion in ONE store
//! transaction, so concurrent proposals for a channel are judged one at a
//! time against what the channel uses at that moment (FEAT-2) and a rejected
//! proposal leaves nothing behind (FEAT-1). A proposal is judged by
//! [`validate_l3_feature`] against the guidance this server would give for
//! the channel now (regenerated inside the transaction, FEAT-12). A violation
//! is 400 naming the first rule broken, except a collision with what another
//! feature of the channel uses (L3-12, L3-20, L3-29), which is 409 `ABORTED`:
//! the proposal raced another one and fresh guidance will help (E-40, E-89).
//!
//! The server sets `provisioningState` (FEAT-7): `PENDING` when it accepts the
//! feature and starts provisioning on the backend, `FINAL` once the backend
//! reports it provisioned. Features are never modified in place: the
//! specification has no update operation, and a change is a delete and a new
//! create (FEAT-14). `DeleteFeature` removes the record and the backend's
//! configuration, which releases the VLAN and subnets (FEAT-10).

use interconnect_core::names::{ChannelName, ConnectionName, FeatureName};
use interconnect_core::validation::rules::{
    L3_CHANNEL_OF_INTERCONNECT, L3_IPV4_NOT_EXCLUDED, L3_IPV4_UNUSED, L3_IPV6_NOT_EXCLUDED,
    L3_IPV6_UNUSED, L3_VLAN_UNUSED,
};
use interconnect_core::validation::{L3Context, Violation, validate_l3_feature};
use interconnect_core::wire::{self, AdminState, FeatureType, ProvisioningState};

use super::ReferenceProvider;
use super::guidance::{channel_usage, l3_base_guidance};
use super::listing::name_text;
use crate::backend::FeatureStatus;
use crate::caller::Caller;
use crate::config::InterconnectInventory;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request;
use crate::rules;
use crate::store::{FeatureRecord, State, StoreExt};

/// L3 rules broken when a proposal collides with what another feature of the
/// channel uses: a race, answered 409 (E-40).
const COLLISION_RULES: [&str; 3] = [L3_VLAN_UNUSED, L3_IPV4_UNUSED, L3_IPV6_UNUSED];
/// L3 rules a collision also breaks, because this server's guidance excludes
/// every subnet in use (GUIDE-15): not counted against a collision (E-89).
const EXCLUSION_RULES: [&str; 2] = [L3_IPV4_NOT_EXCLUDED, L3_IPV6_NOT_EXCLUDED];

fn missing(name: &impl std::fmt::Display) -> CoordinatorError {
    CoordinatorError::not_found(rules::FEAT_EXISTS, format!("{name} does not exist"))
}

fn connection_exists(state: &State, name: &ConnectionName) -> CoordinatorResult<()> {
    if state.connections.contains_key(name) {
        Ok(())
    } else {
        Err(missing(name))
    }
}

/// Whether UpdateFeature may change a feature of this type (FEAT-17).
/// upstream-next `schemas/feature.yaml` `FeatureType`: "FEATURE_TYPE_L3_BASE:
/// NOT updatable"; it is the only type this version defines, and a type this
/// server does not know is not updatable either.
pub(crate) fn is_updatable(feature_type: Option<&FeatureType>) -> bool {
    match feature_type {
        Some(FeatureType::L3Base) | None => false,
        // a type this server does not know is not updatable either
        Some(_) => false,
    }
}

/// The feature as served: `PROVISIONING_STATE_FINAL` once the backend has
/// provisioned it, `PENDING` until then (FEAT-7), and whether it is
/// `updatable` (FEAT-17).
fn served(p: &ReferenceProvider, record: &FeatureRecord) -> wire::Feature {
    let mut feature = record.feature.clone();
    feature.updatable = Some(is_updatable(
        feature
            .feature_config
            .as_ref()
            .and_then(|c| c.feature_type.as_ref()),
    ));
    let provisioned = feature
        .name
        .as_ref()
        .is_some_and(|n| p.backend.feature_status(n) == FeatureStatus::Provisioned);
    feature.provisioning_state = Some(if provisioned {
        ProvisioningState::Final
    } else {
        ProvisioningState::Pending
    });
    feature
}

pub(super) fn list_features(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::ListFeatures,
) -> CoordinatorResult<wire::ListFeaturesResponse> {
    p.interconnect(caller, request.parent.interconnect())?;
    let records = p
        .store
        .view(|state| {
            connection_exists(state, &request.parent)?;
            Ok(state
                .features_of_connection(&request.parent)
                .map(|(_, record)| record.clone())
                .collect::<Vec<_>>())
        })
        .ok_or_else(|| CoordinatorError::internal("FEAT-6", "the store answered no view"))??;
    let items: Vec<wire::Feature> = records.iter().map(|r| served(p, r)).collect();
    let page = p.page_of(
        "ListFeatures",
        &request.parent,
        caller,
        &request.page,
        items,
        name_text,
    )?;
    Ok(wire::ListFeaturesResponse {
        features: page.items,
        next_page_token: page.next_page_token,
    })
}

pub(super) fn get_feature(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::GetFeature,
) -> CoordinatorResult<wire::Feature> {
    p.interconnect(caller, request.name.connection().interconnect())?;
    let record = p
        .store
        .view(|state| state.features.get(&request.name).cloned())
        .flatten()
        .ok_or_else(|| missing(&request.name))?;
    Ok(served(p, &record))
}

/// `UpdateFeature` (upstream-next `paths/features.yaml`): 404 for a missing
/// feature, 400 for a body naming another feature, then 405
/// `METHOD_NOT_ALLOWED` for a feature that is not updatable (FEAT-16), which
/// today is every feature: the L3 base feature never changes in place
/// (FEAT-14). The record is read and judged in one store transaction, so a
/// concurrent DeleteFeature is seen either before (404) or after (405).
pub(super) fn update_feature(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::UpdateFeature,
) -> CoordinatorResult<wire::Feature> {
    p.interconnect(caller, request.name.connection().interconnect())?;
    if let Some(body_name) = &request.feature.name
        && body_name != &request.name
    {
        return Err(CoordinatorError::invalid_argument(
            rules::FEAT_BODY_NAME,
            format!(
                "the body names {body_name} but the path names {}",
                request.name
            ),
        ));
    }
    p.store.update(|state| {
        let record = state
            .features
            .get(&request.name)
            .ok_or_else(|| missing(&request.name))?;
        let kind = record
            .feature
            .feature_config
            .as_ref()
            .and_then(|c| c.feature_type.as_ref());
        if !is_updatable(kind) {
            return Err(CoordinatorError::method_not_allowed(
                rules::FEAT_NOT_UPDATABLE,
                format!(
                    "{} is of type {} which is not updatable; delete it and create a new one",
                    request.name,
                    kind.map_or("(none)", FeatureType::as_str)
                ),
            ));
        }
        // No feature type of this version is updatable, so no feature
        // reaches this point (is_updatable answers false for every type).
        Err(CoordinatorError::internal(
            rules::FEAT_NOT_UPDATABLE,
            "an updatable feature type has no update rules in this version",
        ))
    })
}

pub(super) fn delete_feature(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::DeleteFeature,
) -> CoordinatorResult<wire::Empty> {
    p.interconnect(caller, request.name.connection().interconnect())?;
    p.store.update(|state| {
        if state.features.remove(&request.name).is_none() {
            return Err(missing(&request.name));
        }
        // Inside the transaction: if the devices refuse, the record stays.
        p.backend.remove_feature(&request.name).map_err(|e| {
            CoordinatorError::unavailable(rules::FEAT_RELEASE, format!("{}: {e}", request.name))
        })
    })?;
    // the channel's manager re-creates it (FEAT-9)
    p.wake(request.name.connection().id(), p.clock.now());
    Ok(wire::Empty {})
}

pub(super) fn create_feature(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::CreateFeature,
) -> CoordinatorResult<wire::Feature> {
    let ix = p.interconnect(caller, request.parent.interconnect())?;
    let name = request.parent.feature(&request.feature_id).map_err(|e| {
        CoordinatorError::invalid_argument(
            rules::FEAT_OPAQUE_ID,
            format!("featureId is not a valid resource id: {e}"),
        )
    })?;
    // FEAT-11 (AIP-133): a body `name` is ignored; the path and id name it
    let proposed = request.feature;
    p.store
        .update(|state| {
            connection_exists(state, &request.parent)?;
            if state.features.contains_key(&name) {
                return Err(CoordinatorError::already_exists(
                    rules::FEAT_NAME_TAKEN,
                    format!("{name} already exists"),
                ));
            }
            let channel_name = proposed_channel(p, state, ix, &request.parent, &name, &proposed)?;
            let violations = validate(p, state, &name, &proposed, Some(&channel_name));
            if !violations.is_empty() {
                return Err(rejection(&violations));
            }
            let accepted = wire::Feature {
                name: Some(name.clone()),
                channel: Some(channel_name),
                feature_config: proposed.feature_config.clone(),
                provisioning_state: Some(ProvisioningState::Pending),
                updatable: None,
            };
            state.features.insert(
                name.clone(),
                FeatureRecord {
                    feature: accepted.clone(),
                    created_at: p.clock.now(),
                },
            );
            // Last, still inside the transaction: if the devices refuse, the
            // reservation is discarded with it (FEAT-1).
            let config = accepted
                .feature_config
                .as_ref()
                .and_then(|c| c.l3_base_config.clone())
                .unwrap_or_default();
            p.backend.provision_feature(&name, &config).map_err(|e| {
                CoordinatorError::unavailable(rules::FEAT_ALL_OR_NOTHING, format!("{name}: {e}"))
            })?;
            Ok(accepted)
        })
        .inspect(|_| p.wake(request.parent.id(), p.clock.now()))
}

/// The channel a proposed feature is for: named and of this interconnect
/// (L3-1, L3-2), enabled (FEAT-13), offering the feature's type (FEAT-15),
/// and not yet carrying an L3 base feature of this connection (FEAT-3).
fn proposed_channel(
    p: &ReferenceProvider,
    state: &State,
    ix: &InterconnectInventory,
    parent: &ConnectionName,
    name: &FeatureName,
    proposed: &wire::Feature,
) -> CoordinatorResult<ChannelName> {
    let Some(channel_name) = proposed.channel.clone() else {
        return Err(rejection(&validate(p, state, name, proposed, None)));
    };
    let channel = ix
        .channels
        .iter()
        .find(|c| c.name.as_ref() == Some(&channel_name))
        .ok_or_else(|| {
            CoordinatorError::invalid_argument(
                L3_CHANNEL_OF_INTERCONNECT,
                format!(
                    "channel: {channel_name} is not a channel of {}",
                    parent.interconnect()
                ),
            )
        })?;
    match &channel.admin_state {
        None | Some(AdminState::Enabled) => {}
        Some(other) => {
            return Err(CoordinatorError::invalid_argument(
                rules::FEAT_CHANNEL_ENABLED,
                format!("{channel_name} is {other}; features need an enabled channel"),
            ));
        }
    }
    if let Some(kind) = proposed
        .feature_config
        .as_ref()
        .and_then(|c| c.feature_type.as_ref())
        && !ix.interconnect.supported_features.contains(kind)
    {
        return Err(CoordinatorError::invalid_argument(
            rules::FEAT_TYPE_SUPPORTED,
            format!(
                "featureConfig.featureType: {kind} is not supported by {}",
                parent.interconnect()
            ),
        ));
    }
    // One L3 base feature per connection and channel (FEAT-3).
    if let Some(other) = state.features_of_connection(parent).find_map(|(n, r)| {
        (r.feature.channel.as_ref() == Some(&channel_name) && is_l3_base(&r.feature)).then_some(n)
    }) {
        return Err(CoordinatorError::aborted(
            rules::FEAT_ONE_PER_CHANNEL,
            format!("{other} is already the L3 base feature of this connection on {channel_name}"),
        ));
    }
    Ok(channel_name)
}

fn is_l3_base(feature: &wire::Feature) -> bool {
    feature
        .feature_config
        .as_ref()
        .is_some_and(|c| c.feature_type == Some(FeatureType::L3Base) || c.l3_base_config.is_some())
}

/// The L3 rules broken by `proposed`, judged against this server's current
/// guidance for `channel` and what the channel uses.
fn validate(
    p: &ReferenceProvider,
    state: &State,
    name: &FeatureName,
    proposed: &wire::Feature,
    channel: Option<&interconnect_core::names::ChannelName>,
) -> Vec<Violation> {
    let usage = channel
        .map(|ch| channel_usage(state, ch))
        .unwrap_or_default();
    let guidance = l3_base_guidance(&p.config.guidance, &usage);
    let ctx = L3Context {
        connection: name.connection(),
        guidance: &guidance,
        negotiator: name.connection().interconnect().provider(),
        responder: &p.config.provider,
        used: &usage,
    };
    validate_l3_feature(proposed, &ctx)
}

/// The error for a non-empty list of violations: 409 `ABORTED` when the
/// proposal is valid except for what other features use (a race, FEAT-2),
/// 400 otherwise. The message names every rule broken, never a value of the
/// MD5 password (the validator's messages do not contain it).
fn rejection(violations: &[Violation]) -> CoordinatorError {
    let own: Vec<&Violation> = violations
        .iter()
        .filter(|v| !COLLISION_RULES.contains(&v.rule) && !EXCLUSION_RULES.contains(&v.rule))
        .collect();
    let collisions: Vec<&Violation> = violations
        .iter()
        .filter(|v| COLLISION_RULES.contains(&v.rule))
        .collect();
    let (first, all): (&Violation, Vec<&Violation>) = match (own.first(), collisions.first()) {
        (Some(first), _) => (first, violations.iter().collect()),
        (None, Some(first)) => (first, collisions.clone()),
        (None, None) => match violations.first() {
            Some(first) => (first, violations.iter().collect()),
            None => {
                return CoordinatorError::internal(
                    rules::FEAT_FOLLOWS_GUIDANCE,
                    "a proposal was rejected without a reason",
                );
            }
        },
    };
    let others: Vec<String> = all
        .iter()
        .filter(|v| !std::ptr::eq(**v, first))
        .map(ToString::to_string)
        .collect();
    let mut message = format!("{}: {}", first.path, first.message);
    if !others.is_empty() {
        message.push_str("; also ");
        message.push_str(&others.join("; "));
    }
    if own.is_empty() && !collisions.is_empty() {
        CoordinatorError::aborted(first.rule, message)
    } else {
        CoordinatorError::invalid_argument(first.rule, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn v(rule: &'static str) -> Violation {
        Violation::new(rule, "featureConfig.l3BaseConfig", format!("{rule} broken"))
    }

    /// A backend whose devices refuse every new feature.
    struct RefusingBackend(crate::backend::InMemoryBackend);

    impl crate::backend::Backend for RefusingBackend {
        fn provision_feature(
            &self,
            _feature: &FeatureName,
            _config: &wire::L3BaseConfig,
        ) -> Result<(), crate::backend::BackendError> {
            Err(crate::backend::BackendError::new("the router is read-only"))
        }
        fn feature_status(&self, feature: &FeatureName) -> FeatureStatus {
            self.0.feature_status(feature)
        }
        fn remove_feature(
            &self,
            feature: &FeatureName,
        ) -> Result<(), crate::backend::BackendError> {
            self.0.remove_feature(feature)
        }
        fn install_mac_sec_key(
            &self,
            key: &interconnect_core::names::MacSecKeyName,
            cak: &wire::Secret,
            ckn: &wire::Secret,
        ) -> Result<(), crate::backend::BackendError> {
            self.0.install_mac_sec_key(key, cak, ckn)
        }
        fn activate_mac_sec_key(
            &self,
            key: &interconnect_core::names::MacSecKeyName,
        ) -> Result<(), crate::backend::BackendError> {
            self.0.activate_mac_sec_key(key)
        }
        fn mac_sec_key_active(&self, key: &interconnect_core::names::MacSecKeyName) -> bool {
            self.0.mac_sec_key_active(key)
        }
        fn remove_mac_sec_key(
            &self,
            key: &interconnect_core::names::MacSecKeyName,
        ) -> Result<(), crate::backend::BackendError> {
            self.0.remove_mac_sec_key(key)
        }
        fn local_availability(
            &self,
            interconnect: &interconnect_core::names::InterconnectName,
        ) -> crate::backend::LocalAvailability {
            self.0.local_availability(interconnect)
        }
    }

    #[test]
    fn a_proposal_the_devices_refuse_leaves_no_reservation() {
        use std::sync::Arc;

        use interconnect_core::names::ProviderName;
        use interconnect_core::wire::{FeatureConfig, L3BaseConfig, ProviderBgpConfig};

        use crate::clock::ManualClock;
        use crate::config::ProviderConfig;
        use crate::store::{ConnectionRecord, MemoryStore};

        let aws = ProviderName::new("aws").expect("valid");
        let gcp = ProviderName::new("gcp").expect("valid");
        let config = ProviderConfig::default_pair(&aws, &gcp, 64512).expect("default pair");
        let clock = Arc::new(ManualClock::at_epoch());
        let backend = RefusingBackend(crate::backend::InMemoryBackend::new(
            clock.clone(),
            chrono::Duration::zero(),
        ));
        let p = ReferenceProvider::new(
            config,
            Arc::new(MemoryStore::new()),
            clock,
            Arc::new(backend),
        )
        .expect("coherent");
        let ix = gcp
            .environment("aws-gcp-us-east")
            .and_then(|e| e.interconnect("ix1"))
            .expect("valid");
        let conn = ix.connection("c").expect("valid");
        p.store
            .update(|state| {
                state.connections.insert(
                    conn.clone(),
                    ConnectionRecord {
                        connection: wire::Connection {
                            name: Some(conn.clone()),
                            ..wire::Connection::default()
                        },
                        created_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
                        negotiator_here: false,
                        update_in_flight: None,
                        notifications_received: Vec::new(),
                        seen_on_peer: false,
                    },
                );
                Ok(())
            })
            .expect("seeded");
        let bgp = |provider: &ProviderName, asn: u32, host: &str| ProviderBgpConfig {
            provider: Some(provider.clone()),
            asn: Some(asn),
            host_ipv4: Some(host.into()),
            host_ipv6: None,
        };
        let feature = wire::Feature {
            name: None,
            channel: Some(ix.channel("ch1").expect("valid")),
            feature_config: Some(FeatureConfig {
                feature_type: Some(FeatureType::L3Base),
                l3_base_config: Some(L3BaseConfig {
                    ipv4_subnet: Some("169.254.0.0/30".into()),
                    ipv4_subnet_prefix_length: Some(30),
                    mtu_bytes: Some(1500),
                    vlan_id: Some(1100),
                    provider_bgp_configs: vec![
                        bgp(&aws, 64512, "169.254.0.1"),
                        bgp(&gcp, 16550, "169.254.0.2"),
                    ],
                    ..L3BaseConfig::default()
                }),
            }),
            provisioning_state: None,
            updatable: None,
        };
        let err = create_feature(
            &p,
            &Caller::partner(gcp.clone()),
            request::CreateFeature {
                parent: conn,
                feature_id: "f1".into(),
                feature,
            },
        )
        .expect_err("the devices refused");
        assert_eq!(
            (err.kind(), err.rule()),
            (ErrorKind::Unavailable, rules::FEAT_ALL_OR_NOTHING)
        );
        assert_eq!(
            p.store.view(|s| s.features.len()),
            Some(0),
            "FEAT-1: no reservation left behind"
        );
    }

    #[test]
    fn a_collision_alone_is_a_409_race() {
        let e = rejection(&[v("L3-19"), v("L3-20")]);
        assert_eq!(
            (e.kind(), e.rule()),
            (ErrorKind::Aborted, "L3-20"),
            "FEAT-2, E-40"
        );
        let e = rejection(&[v("L3-12")]);
        assert_eq!((e.kind(), e.rule()), (ErrorKind::Aborted, "L3-12"));
        let e = rejection(&[v("L3-28"), v("L3-29"), v("L3-12")]);
        assert_eq!(e.kind(), ErrorKind::Aborted);
        assert!(e.message().contains("L3-12"), "{e}");
    }

    #[test]
    fn any_other_violation_makes_it_a_400_naming_the_first_and_listing_the_rest() {
        let e = rejection(&[v("L3-12"), v("L3-11"), v("L3-30")]);
        assert_eq!(
            (e.kind(), e.rule()),
            (ErrorKind::InvalidArgument, "L3-11"),
            "FEAT-12"
        );
        assert!(
            e.message().contains("L3-12") && e.message().contains("L3-30"),
            "{e}"
        );
        let e = rejection(&[v("L3-19")]);
        assert_eq!((e.kind(), e.rule()), (ErrorKind::InvalidArgument, "L3-19"));
    }
}
