//! The configuration checks beyond coherence: what a production
//! environment needs (OPS-4), how interconnects use devices (OPS-12), who
//! manages MACsec keys when a partner cannot take them (MACSEC-25), who may
//! use a private environment (ENV-14), and whether the two providers'
//! copies of their shared static resources agree (ENV-12, ENV-15).
//!
//! Sources: `docs/Protocols.md` § Channel (no fewer than four channels in
//! production, E-45), § Maintenance Coordination (shared or disjoint
//! devices), § MACsec Key Rotation (the manager split); the
//! `Interconnect`, `Channel` and `Environment` descriptions (members
//! exchanged at setup, `environmentVisibility`).

use std::collections::{BTreeMap, BTreeSet};

use interconnect_core::wire::{EnvironmentVisibility, FeatureType};

use super::inventory::{InventoryError, bad};
use crate::config::{EnvironmentInventory, PartnerInventory, ProviderConfig};
use crate::rules;

/// The fewest channels of a production interconnect (OPS-4).
pub(super) const PRODUCTION_CHANNELS: usize = 4;

/// Checks OPS-4, OPS-12, MACSEC-25 and ENV-14 on one configuration.
pub(super) fn check_operational(config: &ProviderConfig) -> Result<(), InventoryError> {
    let mut devices: BTreeMap<BTreeSet<String>, String> = BTreeMap::new();
    for partner in &config.inventory.partners {
        check_managers(config, partner)?;
        for env in &partner.environments {
            check_visibility(env)?;
            check_feature_types(env)?;
            for ix in &env.interconnects {
                let ix_name = ix
                    .interconnect
                    .name
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                if env.production {
                    if ix.channels.len() < PRODUCTION_CHANNELS {
                        return Err(bad(
                            rules::OPS_PRODUCTION_CHANNELS,
                            &ix_name,
                            format!(
                                "a production interconnect has at least {PRODUCTION_CHANNELS} \
                                 channels, this one {}",
                                ix.channels.len()
                            ),
                        ));
                    }
                    let sizes: BTreeSet<_> = ix
                        .channels
                        .iter()
                        .map(|c| c.aggregate_channel_size_gbps)
                        .collect();
                    if sizes.len() > 1 || sizes.contains(&None) {
                        return Err(bad(
                            rules::OPS_PRODUCTION_CHANNELS,
                            &ix_name,
                            "the channels of a production interconnect have one and the same \
                             aggregateChannelSizeGbps",
                        ));
                    }
                }
                let set: BTreeSet<String> = ix
                    .channels
                    .iter()
                    .filter_map(|c| c.obfuscated_device_id.clone())
                    .collect();
                if set.is_empty() || devices.contains_key(&set) {
                    continue;
                }
                if let Some(other) = devices
                    .iter()
                    .find(|(seen, _)| !seen.is_disjoint(&set))
                    .map(|(_, name)| name)
                {
                    return Err(bad(
                        rules::OPS_SHARED_OR_DISJOINT_DEVICES,
                        &ix_name,
                        format!(
                            "shares some but not all devices with {other}: interconnects use \
                             the same devices or disjoint ones"
                        ),
                    ));
                }
                devices.insert(set, ix_name);
            }
        }
    }
    Ok(())
}

/// MACSEC-25: when the partner cannot take keys, this provider manages
/// every channel shared with it.
fn check_managers(
    config: &ProviderConfig,
    partner: &PartnerInventory,
) -> Result<(), InventoryError> {
    if partner.peer_accepts_mac_sec_keys {
        return Ok(());
    }
    let channels = partner
        .environments
        .iter()
        .flat_map(|e| &e.interconnects)
        .flat_map(|i| &i.channels);
    for ch in channels {
        if ch.macsec_manager_provider.as_ref() != Some(&config.provider) {
            return Err(bad(
                rules::MACSEC_MANAGER_SPLIT,
                ch.name
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                format!(
                    "{} cannot take MACsec keys (peerAcceptsMacSecKeys false), so \
                     macsecManagerProvider must be {}",
                    partner.provider, config.provider
                ),
            ));
        }
    }
    Ok(())
}

/// OPS-2: every feature type the specification defines is offered (ENV-4
/// then carries it to every interconnect of the environment).
fn check_feature_types(env: &EnvironmentInventory) -> Result<(), InventoryError> {
    for text in FeatureType::KNOWN {
        let feature = FeatureType::from_wire(text);
        if !env.environment.supported_features.contains(&feature) {
            return Err(bad(
                rules::OPS_ALL_FEATURE_TYPES,
                env.environment
                    .name
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                format!(
                    "supportedFeatures must include {feature}: every defined type is supported"
                ),
            ));
        }
    }
    Ok(())
}

/// ENV-14: only a private environment lists allowed accounts.
fn check_visibility(env: &EnvironmentInventory) -> Result<(), InventoryError> {
    let private = env.environment.environment_visibility == Some(EnvironmentVisibility::Private);
    if !private && !env.allowed_accounts.is_empty() {
        return Err(bad(
            rules::ENV_PRIVATE,
            env.environment
                .name
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            "allowedAccounts is only for a private environment (a public one is open to every \
             customer)",
        ));
    }
    Ok(())
}

/// Checks that two providers' configurations agree on the static
/// resources they share (ENV-7, ENV-12, ENV-15): the same environment,
/// interconnect and channel ids, the same `supportedConnectionSizeMbps`
/// for each environment and interconnect, and the same channel managers.
/// Used where both copies are known (a test pair, or an operator comparing
/// its file with the partner's).
pub fn check_pair(local: &ProviderConfig, partner: &ProviderConfig) -> Result<(), InventoryError> {
    fn side<'a>(
        config: &'a ProviderConfig,
        other: &ProviderConfig,
    ) -> Result<&'a PartnerInventory, InventoryError> {
        config
            .inventory
            .partners
            .iter()
            .find(|p| p.provider == other.provider)
            .ok_or_else(|| {
                bad(
                    rules::ENV_AGREED_VALUES,
                    &config.provider,
                    format!("{} is not a partner of {}", other.provider, config.provider),
                )
            })
    }
    let (ours, theirs) = (side(local, partner)?, side(partner, local)?);
    let ids = |p: &PartnerInventory| {
        p.environments
            .iter()
            .filter_map(|e| e.environment.name.as_ref().map(|n| n.id().to_owned()))
            .collect::<BTreeSet<_>>()
    };
    if ids(ours) != ids(theirs) {
        return Err(bad(
            rules::ENV_AGREED_VALUES,
            &ours.provider,
            "the two copies list different environments",
        ));
    }
    for env in &ours.environments {
        let Some(name) = &env.environment.name else {
            continue;
        };
        let Some(peer_env) = theirs
            .environments
            .iter()
            .find(|e| e.environment.name.as_ref().map(|n| n.id()) == Some(name.id()))
        else {
            continue;
        };
        if sorted(&env.environment.supported_connection_size_mbps)
            != sorted(&peer_env.environment.supported_connection_size_mbps)
        {
            return Err(bad(
                rules::ENV_AGREED_VALUES,
                name,
                "the two copies list different supportedConnectionSizeMbps",
            ));
        }
        if env.interconnects.len() != peer_env.interconnects.len() {
            return Err(bad(
                rules::ENV_AGREED_VALUES,
                name,
                "the two copies list different interconnects",
            ));
        }
        for ix in &env.interconnects {
            let Some(ix_name) = &ix.interconnect.name else {
                continue;
            };
            let Some(peer_ix) = peer_env
                .interconnects
                .iter()
                .find(|i| i.interconnect.name.as_ref().map(|n| n.id()) == Some(ix_name.id()))
            else {
                return Err(bad(
                    rules::ENV_AGREED_VALUES,
                    ix_name,
                    "missing from the partner's copy",
                ));
            };
            if sorted(&ix.interconnect.supported_connection_size_mbps)
                != sorted(&peer_ix.interconnect.supported_connection_size_mbps)
            {
                return Err(bad(
                    rules::ENV_SAME_SIZES,
                    ix_name,
                    "the two copies list different supportedConnectionSizeMbps",
                ));
            }
            if ix.channels.len() != peer_ix.channels.len() {
                return Err(bad(
                    rules::ENV_AGREED_VALUES,
                    ix_name,
                    "the two copies list different channels",
                ));
            }
            for ch in &ix.channels {
                let id = ch.name.as_ref().map(|n| n.id());
                let peer_ch = peer_ix
                    .channels
                    .iter()
                    .find(|c| c.name.as_ref().map(|n| n.id()) == id);
                let agreed = peer_ch.is_some_and(|p| {
                    p.macsec_manager_provider == ch.macsec_manager_provider
                        && p.cross_connect_manager_provider == ch.cross_connect_manager_provider
                });
                if !agreed {
                    return Err(bad(
                        rules::ENV_AGREED_VALUES,
                        ch.name
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                        "missing from the partner's copy, or its managers differ there",
                    ));
                }
            }
        }
    }
    Ok(())
}

fn sorted(sizes: &[i32]) -> Vec<i32> {
    let mut v = sizes.to_vec();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use interconnect_core::names::ProviderName;
    use interconnect_core::wire::Secret;

    use super::*;
    use crate::config::{InterconnectInventory, ManagerSplit, ProviderConfig};

    fn p(id: &str) -> ProviderName {
        ProviderName::new(id).expect("valid")
    }

    fn config(local: &str, partner: &str) -> ProviderConfig {
        ProviderConfig::default_pair(&p(local), &p(partner), 64512).expect("default config")
    }

    fn ix(c: &mut ProviderConfig, env: usize, ix: usize) -> &mut InterconnectInventory {
        &mut c.inventory.partners[0].environments[env].interconnects[ix]
    }

    fn rule_of(c: &ProviderConfig) -> Option<&'static str> {
        super::super::inventory::check(c).err().map(|e| e.rule)
    }

    #[test]
    fn a_production_interconnect_has_four_channels_of_equal_capacity() {
        let mut three = config("aws", "gcp");
        ix(&mut three, 0, 0).channels.pop();
        assert_eq!(rule_of(&three), Some(rules::OPS_PRODUCTION_CHANNELS));
        three.inventory.partners[0].environments[0].production = false;
        assert_eq!(
            rule_of(&three),
            None,
            "a laboratory environment may have fewer"
        );

        let mut unequal = config("aws", "gcp");
        let ch = &mut ix(&mut unequal, 0, 0).channels[3];
        ch.aggregate_channel_size_gbps = Some(400);
        assert_eq!(rule_of(&unequal), Some(rules::OPS_PRODUCTION_CHANNELS));

        let mut disabled = config("aws", "gcp");
        ix(&mut disabled, 0, 1).channels[3].admin_state =
            Some(interconnect_core::wire::AdminState::Disabled);
        assert_eq!(
            rule_of(&disabled),
            None,
            "admin-disabled is not unequal capacity"
        );
    }

    #[test]
    fn interconnects_share_all_devices_or_none() {
        let mut partly = config("aws", "gcp");
        let borrowed = ix(&mut partly, 0, 0).channels[0]
            .obfuscated_device_id
            .clone();
        ix(&mut partly, 0, 1).channels[0].obfuscated_device_id = borrowed;
        assert_eq!(
            rule_of(&partly),
            Some(rules::OPS_SHARED_OR_DISJOINT_DEVICES)
        );

        let mut same = config("aws", "gcp");
        let devices: Vec<_> = ix(&mut same, 0, 0)
            .channels
            .iter()
            .map(|c| c.obfuscated_device_id.clone())
            .collect();
        for (ch, device) in ix(&mut same, 0, 1).channels.iter_mut().zip(devices) {
            ch.obfuscated_device_id = device;
        }
        assert_eq!(rule_of(&same), None, "the very same devices are allowed");
    }

    #[test]
    fn a_peer_that_cannot_take_keys_manages_no_channel() {
        let mut even = config("aws", "gcp");
        even.inventory.partners[0].peer_accepts_mac_sec_keys = false;
        assert_eq!(rule_of(&even), Some(rules::MACSEC_MANAGER_SPLIT));

        let mut ours = config("aws", "gcp");
        ours.inventory = crate::config::Inventory::default_pair_with_split(
            &p("aws"),
            &p("gcp"),
            ManagerSplit::AllLocal,
        )
        .expect("inventory");
        assert!(!ours.inventory.partners[0].peer_accepts_mac_sec_keys);
        assert_eq!(rule_of(&ours), None);
        let managers: BTreeSet<_> = ours.inventory.partners[0]
            .environments
            .iter()
            .flat_map(|e| &e.interconnects)
            .flat_map(|i| &i.channels)
            .map(|c| c.macsec_manager_provider.clone())
            .collect();
        assert_eq!(managers, BTreeSet::from([Some(p("aws"))]));
    }

    #[test]
    fn every_defined_feature_type_is_offered() {
        let mut none = config("aws", "gcp");
        none.inventory.partners[0].environments[1]
            .environment
            .supported_features
            .clear();
        assert_eq!(rule_of(&none), Some(rules::OPS_ALL_FEATURE_TYPES));
    }

    #[test]
    fn only_a_private_environment_lists_accounts() {
        let mut public = config("aws", "gcp");
        public.inventory.partners[0].environments[0].allowed_accounts =
            vec![Secret::new("111122223333")];
        assert_eq!(rule_of(&public), Some(rules::ENV_PRIVATE));
        public.inventory.partners[0].environments[0]
            .environment
            .environment_visibility = Some(EnvironmentVisibility::Private);
        assert_eq!(rule_of(&public), None);
    }

    #[test]
    fn the_two_copies_must_agree() {
        let (aws, gcp) = (config("aws", "gcp"), config("gcp", "aws"));
        assert_eq!(check_pair(&aws, &gcp), Ok(()));
        assert_eq!(check_pair(&gcp, &aws), Ok(()));

        let mut sizes = gcp.clone();
        ix(&mut sizes, 0, 1)
            .interconnect
            .supported_connection_size_mbps
            .push(100_000);
        let err = check_pair(&aws, &sizes).err().map(|e| e.rule);
        assert_eq!(err, Some(rules::ENV_SAME_SIZES));

        let mut managers = gcp.clone();
        ix(&mut managers, 1, 0).channels[0].macsec_manager_provider = Some(p("gcp"));
        let err = check_pair(&aws, &managers).err().map(|e| e.rule);
        assert_eq!(err, Some(rules::ENV_AGREED_VALUES));

        let mut fewer = gcp.clone();
        fewer.inventory.partners[0].environments.pop();
        let err = check_pair(&aws, &fewer).err().map(|e| e.rule);
        assert_eq!(err, Some(rules::ENV_AGREED_VALUES));

        let mut disabled = gcp;
        ix(&mut disabled, 0, 1).channels[3].admin_state =
            Some(interconnect_core::wire::AdminState::Disabled);
        assert_eq!(
            check_pair(&aws, &disabled),
            Ok(()),
            "admin state is each side's own"
        );
    }
}
