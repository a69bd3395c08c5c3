//! What a reference provider is configured with: its identity, the static
//! resources agreed with each partner, its guidance policy and its protocol
//! policy (key lifetime, deferral, cleanup).
//!
//! Static resources are agreed out of band and read-only through the API
//! (`docs/Protocols.md` "Static Resources"; ENV-7, ENV-8): both providers
//! use the same environment, interconnect and channel ids, each under the
//! *other* provider's namespace on its own server (`ARCHITECTURE.md`,
//! "The protocol in one paragraph"). [`Inventory::default_pair`] builds the built-in
//! default inventory of the demo: providers `aws` and `gcp`, two
//! environments, two interconnects of four channels each per environment.
//!
//! Every type here is serde-(de)serializable so a server can read it from a
//! configuration file.

use chrono::Duration;
use interconnect_core::names::{NameError, ProviderName};
use interconnect_core::validation::MacSecKeyEncoding;
use interconnect_core::wire::{
    AdminState, Channel, Environment, EnvironmentVisibility, FeatureType, Interconnect,
    InterconnectState, ProviderSites, Secret,
};
use serde::{Deserialize, Serialize};

/// The whole configuration of a reference provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProviderConfig {
    /// This server's own provider, for example `providers/aws`.
    pub provider: ProviderName,
    /// Its display name (`Provider.displayName`).
    pub display_name: String,
    /// The static resources shared with each partner.
    pub inventory: Inventory,
    /// What this server allows in features.
    pub guidance: GuidancePolicy,
    /// Lifetimes and protocol choices.
    #[serde(default)]
    pub policy: ProtocolPolicy,
}

/// The static resources of every partner namespace.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Inventory {
    /// The partners, each with the environments shared with it.
    pub partners: Vec<PartnerInventory>,
}

/// The static resources shared with one partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartnerInventory {
    /// The partner, for example `providers/gcp`.
    pub provider: ProviderName,
    /// Its display name, for `ListProviders`.
    pub display_name: String,
    /// The environments shared with it, named under its namespace.
    pub environments: Vec<EnvironmentInventory>,
    /// Whether the partner's devices can take MACsec keys from this
    /// provider (default true). When false, this provider must manage the
    /// MACsec keys of every channel it shares with the partner (MACSEC-25),
    /// which the inventory check enforces.
    #[serde(default = "yes")]
    pub peer_accepts_mac_sec_keys: bool,
    /// How MACsec CAKs and CKNs are written between this provider and the
    /// partner, agreed out of band (default hexadecimal; MACSEC-11,
    /// MACSEC-12, E-14): keys the partner sends are read in it and keys
    /// this provider sends are written in it.
    #[serde(default)]
    pub mac_sec_key_encoding: MacSecKeyEncoding,
}

fn yes() -> bool {
    true
}

/// An environment and its interconnects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvironmentInventory {
    /// The environment as served (its `name` is set).
    pub environment: Environment,
    /// Its interconnects.
    pub interconnects: Vec<InterconnectInventory>,
    /// Whether it carries production traffic (default true): every
    /// interconnect of a production environment has at least 4 channels of
    /// equal capacity (OPS-4). A laboratory environment may have fewer.
    #[serde(default = "yes")]
    pub production: bool,
    /// The customer accounts (of this provider) allowed to use the
    /// environment when its `environmentVisibility` is private, as agreed
    /// with the partner (ENV-14). Empty for a public environment; a private
    /// environment with no account is open to nobody. Account ids are
    /// secrets: they never appear in `Debug` or errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_accounts: Vec<Secret>,
    /// The activation key versions this environment accepts, served by
    /// `GetActivationKeyParameters` (KEY-40). Default `[1, 2]`; `[1]`
    /// serves no encryption parameters and refuses version 2 keys.
    #[serde(
        default = "default_activation_key_versions",
        skip_serializing_if = "is_default_activation_key_versions"
    )]
    pub activation_key_versions: Vec<i32>,
}

impl EnvironmentInventory {
    /// Adds interconnect `id` in `state`, with channels like those of the
    /// last interconnect (same ids, named under the new interconnect, on
    /// devices of their own): how a test inventory gets an interconnect
    /// that takes no new connection (`INTERCONNECT_STATE_PENDING` or
    /// `INTERCONNECT_STATE_CLOSED`, CONN-6). Does nothing when the
    /// environment has no interconnect to copy or no name.
    pub fn add_interconnect_like_last(
        &mut self,
        id: &str,
        state: InterconnectState,
    ) -> Result<(), NameError> {
        let (Some(env_name), Some(last)) = (&self.environment.name, self.interconnects.last())
        else {
            return Ok(());
        };
        let name = env_name.interconnect(id)?;
        let mut copy = last.clone();
        for ch in &mut copy.channels {
            if let Some(old) = &ch.name {
                ch.name = Some(name.channel(old.id())?);
            }
            ch.obfuscated_device_id = ch
                .obfuscated_device_id
                .as_ref()
                .map(|d| format!("{d}-{id}"));
        }
        copy.interconnect.name = Some(name);
        copy.interconnect.state = Some(state);
        self.interconnects.push(copy);
        Ok(())
    }
}

/// Versions 1 and 2.
pub fn default_activation_key_versions() -> Vec<i32> {
    vec![1, 2]
}

fn is_default_activation_key_versions(versions: &[i32]) -> bool {
    versions == [1, 2]
}

/// An interconnect and its channels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InterconnectInventory {
    /// The interconnect as served (its `name` is set).
    pub interconnect: Interconnect,
    /// Its channels (their `name`s are set).
    pub channels: Vec<Channel>,
}

/// What this server allows in features, returned as guidance
/// (`FeatureGuidance`, `L3BaseGuidance`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GuidancePolicy {
    /// This server's ASN, offered as the only ASN range.
    pub asn: u32,
    /// IPv4 pools link subnets are taken from (CIDR text).
    pub ipv4_pools: Vec<String>,
    /// IPv6 pools link subnets are taken from (CIDR text); empty disables IPv6.
    #[serde(default)]
    pub ipv6_pools: Vec<String>,
    /// Allowed IPv4 prefix lengths.
    pub ipv4_prefix_lengths: Vec<i32>,
    /// Allowed IPv6 prefix lengths.
    #[serde(default)]
    pub ipv6_prefix_lengths: Vec<i32>,
    /// Allowed VLAN ranges, inclusive.
    pub vlan_ranges: Vec<(i32, i32)>,
    /// Allowed MTU ranges, inclusive.
    pub mtu_ranges: Vec<(i32, i32)>,
    /// Most IPv4 BGP prefixes this server accepts on a connection
    /// (`maxReceivedBgpRoutePrefixes`, required on upstream main). Absent:
    /// no limit of its own, served as the largest `int32` (E-162).
    #[serde(default)]
    pub max_received_bgp_route_prefixes: Option<i32>,
    /// Most IPv6 BGP prefixes this server accepts on a connection
    /// (`maxReceivedBgpRoutePrefixesIpv6`). Absent: not served, and the
    /// IPv4 limit applies to IPv6 too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_received_bgp_route_prefixes_ipv6: Option<i32>,
}

impl GuidancePolicy {
    /// A policy typical of a cloud: link-local IPv4 /30 and /29 from
    /// 169.254.0.0/16, IPv6 /126 and /127 from fd00::/8-style ULA pools,
    /// VLANs 1025..=4094, MTU 1280..=8896.
    pub fn typical(asn: u32) -> Self {
        GuidancePolicy {
            asn,
            ipv4_pools: vec!["169.254.0.0/16".to_owned()],
            ipv6_pools: vec!["fd20:1234::/48".to_owned()],
            ipv4_prefix_lengths: vec![29, 30],
            ipv6_prefix_lengths: vec![126, 127],
            vlan_ranges: vec![(1025, 4094)],
            mtu_ranges: vec![(1280, 8896)],
            max_received_bgp_route_prefixes: Some(100),
            max_received_bgp_route_prefixes_ipv6: None,
        }
    }
}

/// Lifetimes and protocol choices of a server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProtocolPolicy {
    /// How long an issued activation key can be confirmed (KEY-16), in seconds.
    pub activation_key_ttl_seconds: i64,
    /// Whether `CreateConnection` with `deferProvisioning: true` is accepted
    /// (this server then negotiates) or refused with 400 (CONN-8, DEFER-3).
    pub accept_deferral: bool,
    /// Age after which unfinished or one-sided connections are removed by
    /// the cleanup task (CONN-13, CONN-14), in seconds.
    pub cleanup_after_seconds: i64,
    /// Time after a rotation on a channel during which a new key is refused
    /// (MACSEC-6), in seconds.
    pub mac_sec_bake_seconds: i64,
    /// Whether this server's devices start using a MACsec key received with
    /// `CreateMacSecKey` as soon as it is installed (both ends then hold
    /// it, so the link can move to it; MACSEC-9 still reports the devices'
    /// state). Off by default: the key stays in standby until
    /// [`activate_mac_sec_key`](crate::ReferenceProvider::activate_mac_sec_key).
    #[serde(default)]
    pub mac_sec_activate_received_keys: bool,
    /// How often a connection waiting for its features to be provisioned
    /// looks at the devices again, in milliseconds (default 10,000; the
    /// development server and the demo use a short one).
    #[serde(default = "default_provisioning_poll_ms")]
    pub provisioning_poll_ms: i64,
    /// The largest bandwidth this server lets one connection be changed or
    /// requested to, in Mbps, beyond what the environment offers: a server's
    /// own limit (CONN-30, E-76). Absent: no limit of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_connection_bandwidth_mbps: Option<i32>,
    /// Governance: the longest a MACsec key of a channel this side manages
    /// stays in use before this side rotates it (MACSEC-26), in seconds.
    /// Default 30 days, as the rewritten governance policy requires ("MACsec
    /// keys must be rotated once every 30 days", `governance/
    /// SECURITY_AND_OPERATIONAL_EXCELLENCE.md`, E-167); 0 turns the
    /// automatic rotation off, which is what the May policy allowed (a
    /// cadence agreed with the peer, MACSEC-23).
    #[serde(default = "default_mac_sec_key_max_age_seconds")]
    pub mac_sec_key_max_age_seconds: i64,
    /// How often each environment replaces its RSA key pair for version 2
    /// activation keys, in seconds (KEY-41; default one week, upstream's
    /// "at least weekly").
    #[serde(default = "default_activation_key_rotation_seconds")]
    pub activation_key_rotation_seconds: i64,
    /// How long the outcome of a mutation made with a `requestId` is kept
    /// for replays, in seconds (REQ-5, E-243; default one day).
    #[serde(default = "default_request_record_seconds")]
    pub request_record_seconds: i64,
    /// How many `CONNECTION_TYPE_TEST` connections one partner may hold on
    /// one interconnect of this server (CONN-41, E-250; default 2).
    #[serde(default = "default_test_connection_quota")]
    pub test_connection_quota: usize,
    /// Limits on the data partners and customers can make this server
    /// store, and on the size of a list page (OPS-70..OPS-77, E-442).
    #[serde(default)]
    pub quotas: Quotas,
    /// How often, on average, this server reads its peers' view of the
    /// connections it holds as verified (RECON-1; each pass is due after
    /// 80% to 120% of it); 0 or less turns the check off; default 900
    /// (15 minutes).
    #[serde(default = "default_peer_check_seconds")]
    pub peer_check_seconds: i64,
    /// The most connections one pass of the peer check reads (RECON-1); the
    /// next pass goes on where this one stopped; default 50.
    #[serde(default = "default_peer_check_batch")]
    pub peer_check_batch: usize,
}

/// Limits on stored data, per partner and per customer, and on list pages
/// (`spec/REQUIREMENTS.md` OPS-70..OPS-77; `spec/ERRATA.md` E-442). A count
/// that is full is refused with 429 `RESOURCE_EXHAUSTED` (without
/// `Retry-After`: nobody knows when room frees), a size with 400
/// `INVALID_ARGUMENT`; both name the limit. Every member is optional in a
/// configuration file and defaults to the value shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Quotas {
    /// Issues one partner may have stored here, closed ones included
    /// (nothing deletes an issue); default 1000 (OPS-70).
    pub issues_per_partner: usize,
    /// Comments on one issue, the partner's and this server's staff's
    /// together; default 200 (OPS-71).
    pub comments_per_issue: usize,
    /// Bytes of one comment's body (UTF-8); default 16384 (OPS-72).
    pub comment_bytes: usize,
    /// Connections in a partner's namespace here that are not yet
    /// VERIFIED, checked when the partner creates one (CreateConnection);
    /// default 1000 (OPS-73).
    pub pending_connections_per_partner: usize,
    /// Connections of one customer account (requested or accepted here)
    /// that are not yet verified and not ended; default 100 (OPS-74).
    pub pending_connections_per_customer: usize,
    /// Activation keys issued for one partner's environments that are
    /// neither confirmed, revoked nor expired; default 1000 (OPS-75).
    pub unused_keys_per_partner: usize,
    /// Activation keys one customer account requested that the other
    /// provider has not used yet (and that have not expired); default 100
    /// (OPS-76).
    pub unused_keys_per_customer: usize,
    /// The most bytes of JSON items in one list page; a page stops before
    /// the item that would pass it (always at least one item) and its
    /// `nextPageToken` goes on from there; default 512 KiB (OPS-77).
    pub page_bytes: usize,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            issues_per_partner: 1000,
            comments_per_issue: 200,
            comment_bytes: 16 * 1024,
            pending_connections_per_partner: 1000,
            pending_connections_per_customer: 100,
            unused_keys_per_partner: 1000,
            unused_keys_per_customer: 100,
            page_bytes: 512 * 1024,
        }
    }
}

fn default_provisioning_poll_ms() -> i64 {
    10_000
}

fn default_mac_sec_key_max_age_seconds() -> i64 {
    Duration::days(30).num_seconds()
}

fn default_activation_key_rotation_seconds() -> i64 {
    Duration::days(7).num_seconds()
}

fn default_request_record_seconds() -> i64 {
    Duration::days(1).num_seconds()
}

fn default_test_connection_quota() -> usize {
    2
}

fn default_peer_check_seconds() -> i64 {
    Duration::minutes(15).num_seconds()
}

fn default_peer_check_batch() -> usize {
    50
}

impl Default for ProtocolPolicy {
    fn default() -> Self {
        ProtocolPolicy {
            activation_key_ttl_seconds: Duration::days(7).num_seconds(),
            accept_deferral: true,
            cleanup_after_seconds: Duration::days(7).num_seconds(),
            mac_sec_bake_seconds: Duration::hours(2).num_seconds(),
            mac_sec_activate_received_keys: false,
            provisioning_poll_ms: default_provisioning_poll_ms(),
            max_connection_bandwidth_mbps: None,
            mac_sec_key_max_age_seconds: default_mac_sec_key_max_age_seconds(),
            activation_key_rotation_seconds: default_activation_key_rotation_seconds(),
            request_record_seconds: default_request_record_seconds(),
            test_connection_quota: default_test_connection_quota(),
            quotas: Quotas::default(),
            peer_check_seconds: default_peer_check_seconds(),
            peer_check_batch: default_peer_check_batch(),
        }
    }
}

impl ProtocolPolicy {
    /// KEY-16 lifetime.
    pub fn activation_key_ttl(&self) -> Duration {
        Duration::seconds(self.activation_key_ttl_seconds)
    }
    /// KEY-41 rotation period of the version 2 key pairs (at least one
    /// second).
    pub fn activation_key_rotation(&self) -> Duration {
        Duration::seconds(self.activation_key_rotation_seconds.max(1))
    }
    /// CONN-13/CONN-14 age.
    pub fn cleanup_after(&self) -> Duration {
        Duration::seconds(self.cleanup_after_seconds)
    }
    /// MACSEC-6 bake time.
    pub fn mac_sec_bake(&self) -> Duration {
        Duration::seconds(self.mac_sec_bake_seconds)
    }
    /// MACSEC-26 maximum key age; `None` when automatic rotation is off
    /// (a maximum age of 0 or less).
    pub fn mac_sec_key_max_age(&self) -> Option<Duration> {
        (self.mac_sec_key_max_age_seconds > 0)
            .then(|| Duration::seconds(self.mac_sec_key_max_age_seconds))
    }

    /// REQ-5 window (at least one second).
    pub fn request_record_window(&self) -> Duration {
        Duration::seconds(self.request_record_seconds.max(1))
    }
    /// The mean time between two passes of the peer check (RECON-1);
    /// `None` when it is off.
    pub fn peer_check_every(&self) -> Option<Duration> {
        (self.peer_check_seconds > 0).then(|| Duration::seconds(self.peer_check_seconds))
    }
    /// How often provisioning is looked at again (at least 1 ms).
    pub fn provisioning_poll(&self) -> Duration {
        Duration::milliseconds(self.provisioning_poll_ms.max(1))
    }
}

/// The environments of the built-in default pair, with their sizes.
const DEFAULT_ENVIRONMENTS: [(&str, &str, &str); 2] = [
    ("aws-gcp-us-east", "us-east-1", "us-east4"),
    ("aws-gcp-eu-west", "eu-west-1", "europe-west2"),
];
/// Connection sizes offered by the default environments, in Mbps.
const DEFAULT_SIZES: [i32; 6] = [500, 1000, 2000, 5000, 10_000, 50_000];

/// How the MACsec manager role is split between two providers across the
/// channels of each interconnect (OPS-13, MACSEC-25).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ManagerSplit {
    /// The default: the first half of the channels is managed by the
    /// provider whose id sorts first, the second half by the other (OPS-13).
    #[default]
    Even,
    /// Every channel is managed by the local provider: the split to agree on
    /// when the partner cannot take MACsec keys (MACSEC-25).
    AllLocal,
    /// Every channel is managed by the partner: the split when this
    /// provider's devices cannot take keys (never the case of the reference
    /// provider, OPS-14, but a partner may be the one that cannot).
    AllPartner,
}

impl ManagerSplit {
    /// The manager of channel `index` (from 0) of `count`, between the
    /// pair's `first` and `second` provider by id and the `local` one.
    fn manager<'a>(
        self,
        index: usize,
        count: usize,
        local: &'a ProviderName,
        partner: &'a ProviderName,
    ) -> &'a ProviderName {
        let (first, second) = if local.id() <= partner.id() {
            (local, partner)
        } else {
            (partner, local)
        };
        match self {
            ManagerSplit::Even if index < count.div_ceil(2) => first,
            ManagerSplit::Even => second,
            ManagerSplit::AllLocal => local,
            ManagerSplit::AllPartner => partner,
        }
    }
}

impl Inventory {
    /// The built-in default inventory of the server of `local` for its
    /// partner `partner`, where `local` and `partner` are `aws` and `gcp` in
    /// either order (any two distinct ids work): environments
    /// `aws-gcp-us-east` and `aws-gcp-eu-west`, each with interconnects
    /// `ix1` and `ix2` of four 100 Gbps channels (`ch1`..`ch4`, MACsec
    /// managed by the first provider on `ch1`, `ch2` and by the second on
    /// `ch3`, `ch4`: OPS-13) and `maxBandwidthMbps` 100,000.
    pub fn default_pair(
        local: &ProviderName,
        partner: &ProviderName,
    ) -> Result<Inventory, NameError> {
        Inventory::default_pair_with_split(local, partner, ManagerSplit::Even)
    }

    /// [`Inventory::default_pair`] with the MACsec manager role split as
    /// `split` says (MACSEC-25); with [`ManagerSplit::AllLocal`] the partner
    /// is also recorded as unable to take keys, the case that split is for.
    pub fn default_pair_with_split(
        local: &ProviderName,
        partner: &ProviderName,
        split: ManagerSplit,
    ) -> Result<Inventory, NameError> {
        let (first, second) = if local.id() <= partner.id() {
            (local, partner)
        } else {
            (partner, local)
        };
        let mut environments = Vec::new();
        for (env_id, first_site, second_site) in DEFAULT_ENVIRONMENTS {
            let env_name = partner.environment(env_id)?;
            let environment = Environment {
                name: Some(env_name.clone()),
                provider_sites: vec![
                    ProviderSites {
                        provider_id: Some(first.clone()),
                        site: Some(first_site.to_owned()),
                        display_name: Some(format!("{} {first_site}", first.id())),
                    },
                    ProviderSites {
                        provider_id: Some(second.clone()),
                        site: Some(second_site.to_owned()),
                        display_name: Some(format!("{} {second_site}", second.id())),
                    },
                ],
                api_uri: None,
                supported_connection_size_mbps: DEFAULT_SIZES.to_vec(),
                supported_features: vec![FeatureType::L3Base],
                environment_visibility: Some(EnvironmentVisibility::Public),
                deferral_timeout_hours: Some(168),
                defer_connection_provisioning: Some(false),
            };
            let mut interconnects = Vec::new();
            for ix_id in ["ix1", "ix2"] {
                let ix_name = env_name.interconnect(ix_id)?;
                let mut channels = Vec::new();
                let ch_ids = ["ch1", "ch2", "ch3", "ch4"];
                for (i, ch_id) in ch_ids.into_iter().enumerate() {
                    let manager = split.manager(i, ch_ids.len(), local, partner);
                    channels.push(Channel {
                        name: Some(ix_name.channel(ch_id)?),
                        macsec_manager_provider: Some(manager.clone()),
                        cross_connect_manager_provider: Some(first.clone()),
                        aggregate_channel_size_gbps: Some(100),
                        channel_member_size_gbps: Some(100),
                        obfuscated_device_id: Some(format!("{env_id}-{ix_id}-dev{}", i + 1)),
                        demarc: Some(format!("{first_site} meet-me room, panel {}", i + 1)),
                        admin_state: Some(AdminState::Enabled),
                    });
                }
                interconnects.push(InterconnectInventory {
                    interconnect: Interconnect {
                        name: Some(ix_name),
                        supported_connection_size_mbps: DEFAULT_SIZES.to_vec(),
                        supported_features: vec![FeatureType::L3Base],
                        state: Some(InterconnectState::Active),
                        max_bandwidth_mbps: Some(100_000),
                    },
                    channels,
                });
            }
            environments.push(EnvironmentInventory {
                environment,
                interconnects,
                production: true,
                allowed_accounts: Vec::new(),
                activation_key_versions: default_activation_key_versions(),
            });
        }
        Ok(Inventory {
            partners: vec![PartnerInventory {
                provider: partner.clone(),
                display_name: display_name_of(partner),
                environments,
                peer_accepts_mac_sec_keys: split != ManagerSplit::AllLocal,
                mac_sec_key_encoding: MacSecKeyEncoding::default(),
            }],
        })
    }
}

/// The display name the default configuration gives a provider id.
pub fn display_name_of(provider: &ProviderName) -> String {
    match provider.id() {
        "aws" => "Amazon Web Services".to_owned(),
        "gcp" => "Google Cloud".to_owned(),
        "azure" => "Microsoft Azure".to_owned(),
        "oci" => "Oracle Cloud Infrastructure".to_owned(),
        other => other.to_owned(),
    }
}

impl ProviderConfig {
    /// The built-in default configuration of `local` paired with `partner`
    /// (see [`Inventory::default_pair`]); `asn` is the local ASN.
    pub fn default_pair(
        local: &ProviderName,
        partner: &ProviderName,
        asn: u32,
    ) -> Result<Self, NameError> {
        Ok(ProviderConfig {
            provider: local.clone(),
            display_name: display_name_of(local),
            inventory: Inventory::default_pair(local, partner)?,
            guidance: GuidancePolicy::typical(asn),
            policy: ProtocolPolicy::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: &str) -> ProviderName {
        ProviderName::new(id).expect("valid")
    }

    #[test]
    fn both_sides_of_the_default_pair_agree_on_ids_and_managers() -> Result<(), NameError> {
        let at_aws = Inventory::default_pair(&p("aws"), &p("gcp"))?;
        let at_gcp = Inventory::default_pair(&p("gcp"), &p("aws"))?;
        assert_eq!(at_aws.partners.len(), 1);
        assert_eq!(at_aws.partners[0].provider, p("gcp"));
        assert_eq!(at_gcp.partners[0].provider, p("aws"));
        let envs_aws = &at_aws.partners[0].environments;
        let envs_gcp = &at_gcp.partners[0].environments;
        assert_eq!(envs_aws.len(), 2);
        for (a, g) in envs_aws.iter().zip(envs_gcp) {
            let (an, gn) = (
                a.environment.name.as_ref().expect("named"),
                g.environment.name.as_ref().expect("named"),
            );
            assert_eq!(an.id(), gn.id(), "ENV-7: same environment ids");
            assert_eq!(an.provider(), &p("gcp"));
            assert_eq!(gn.provider(), &p("aws"));
            assert_eq!(a.interconnects.len(), 2);
            for (ia, ig) in a.interconnects.iter().zip(&g.interconnects) {
                assert_eq!(ia.channels.len(), 4);
                for (ca, cg) in ia.channels.iter().zip(&ig.channels) {
                    assert_eq!(
                        ca.name.as_ref().map(|n| n.id().to_owned()),
                        cg.name.as_ref().map(|n| n.id().to_owned())
                    );
                    assert_eq!(
                        ca.macsec_manager_provider, cg.macsec_manager_provider,
                        "both see the same manager"
                    );
                }
                let managed_by_aws = ia
                    .channels
                    .iter()
                    .filter(|c| c.macsec_manager_provider == Some(p("aws")))
                    .count();
                assert_eq!(managed_by_aws, 2, "OPS-13: managers split evenly");
            }
        }
        Ok(())
    }

    #[test]
    fn the_default_policy_has_the_specified_lifetimes() {
        let policy = ProtocolPolicy::default();
        assert_eq!(policy.activation_key_ttl(), Duration::days(7));
        assert_eq!(policy.cleanup_after(), Duration::days(7));
        assert_eq!(policy.mac_sec_bake(), Duration::hours(2));
        // governance (rewritten policy): keys rotated every 30 days (E-167)
        assert_eq!(policy.mac_sec_key_max_age(), Some(Duration::days(30)));
    }

    /// E-442: `quotas` and each of its members are optional.
    #[test]
    fn quotas_are_optional_member_by_member() -> Result<(), serde_json::Error> {
        let mut policy = serde_json::to_value(ProtocolPolicy::default())?;
        policy
            .as_object_mut()
            .map(|p| p.remove("quotas"))
            .expect("an object");
        let read: ProtocolPolicy = serde_json::from_value(policy.clone())?;
        assert_eq!(read.quotas, Quotas::default());
        policy["quotas"] = serde_json::json!({"issuesPerPartner": 7});
        let read: ProtocolPolicy = serde_json::from_value(policy.clone())?;
        assert_eq!(read.quotas.issues_per_partner, 7);
        assert_eq!(read.quotas.page_bytes, Quotas::default().page_bytes);
        policy["quotas"] = serde_json::json!({"issuesPerPartnr": 7});
        assert!(
            serde_json::from_value::<ProtocolPolicy>(policy).is_err(),
            "a misspelt quota is refused"
        );
        Ok(())
    }

    #[test]
    fn the_provisioning_poll_defaults_to_ten_seconds_when_absent() -> Result<(), serde_json::Error>
    {
        let policy: ProtocolPolicy = serde_json::from_value(serde_json::json!({
            "activationKeyTtlSeconds": 60,
            "acceptDeferral": true,
            "cleanupAfterSeconds": 60,
            "macSecBakeSeconds": 60
        }))?;
        assert_eq!(policy.provisioning_poll(), Duration::seconds(10));
        // absent: the governance default; 0: no automatic rotation
        assert_eq!(policy.mac_sec_key_max_age(), Some(Duration::days(30)));
        let off: ProtocolPolicy = serde_json::from_value(serde_json::json!({
            "activationKeyTtlSeconds": 60,
            "acceptDeferral": true,
            "cleanupAfterSeconds": 60,
            "macSecBakeSeconds": 60,
            "macSecKeyMaxAgeSeconds": 0
        }))?;
        assert_eq!(off.mac_sec_key_max_age(), None);
        let fast = ProtocolPolicy {
            provisioning_poll_ms: 0,
            ..ProtocolPolicy::default()
        };
        assert_eq!(
            fast.provisioning_poll(),
            Duration::milliseconds(1),
            "at least 1 ms"
        );
        Ok(())
    }

    #[test]
    fn a_configuration_round_trips_through_json() -> Result<(), Box<dyn std::error::Error>> {
        let config = ProviderConfig::default_pair(&p("aws"), &p("gcp"), 64512)?;
        let text = serde_json::to_string(&config)?;
        let back: ProviderConfig = serde_json::from_str(&text)?;
        assert_eq!(back, config);
        Ok(())
    }
}
