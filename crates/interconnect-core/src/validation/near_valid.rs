//! Near-valid inputs for the validator property tests (tests only).
//!
//! Random wire values (`wire/arbitrary.rs`) are mostly rejected by the first
//! checks a validator makes, so its deeper checks would rarely run. The
//! strategies here start from the coherent fixture (`fixtures.rs`) and apply
//! a few edits, each setting one member to a value at the edge of a rule:
//! VLAN 1024/1025/4094/4095, prefix lengths /0 /31 /32 /33 /127 /128 /129,
//! MTU 67/68/1279/1280, ASNs 0/23456/4294967295, subnets with host bits set
//! or of the other family, empty and overlong text. The rules are those of
//! `schemas/feature.yaml` (L3BaseConfig, ProviderBgpConfig) and
//! `schemas/connection.yaml` (L3BaseGuidance) as indexed in
//! `spec/REQUIREMENTS.md`.

use proptest::collection::vec;
use proptest::option::of as opt;
use proptest::prelude::*;
use proptest::sample::select;

use super::fixtures;
use super::subnet::Family;
use crate::names::{ChannelName, ConnectionName, ProviderName};
use crate::wire::arbitrary;
use crate::wire::{
    AsnRange, Feature, FeatureType, L3BaseConfig, L3BaseGuidance, MtuRange, ProviderBgpConfig,
    Secret, SubnetGuidance, VlanRange,
};

/// VLAN ids around the reserved ranges and the fixture's guidance 2000..=2999.
pub(crate) const VLANS: &[i32] = &[
    i32::MIN,
    -1,
    0,
    1,
    1024,
    1025,
    1999,
    2000,
    2999,
    3000,
    4094,
    4095,
    4096,
    i32::MAX,
];

/// MTUs around the IPv4 and IPv6 minimums and the fixture's guidance 1500..=8896.
pub(crate) const MTUS: &[i32] = &[
    i32::MIN,
    -1,
    0,
    67,
    68,
    1279,
    1280,
    1499,
    1500,
    8896,
    9216,
    i32::MAX,
];

/// Prefix lengths around the IPv4 and IPv6 limits.
pub(crate) const PREFIX_LENGTHS: &[i32] = &[
    i32::MIN,
    -1,
    0,
    16,
    28,
    29,
    30,
    31,
    32,
    33,
    64,
    120,
    126,
    127,
    128,
    129,
    i32::MAX,
];

/// ASNs: the reserved ones, the fixture's 64512 and its neighbours, the
/// 2- and 4-byte limits.
pub(crate) const ASNS: &[u32] = &[
    0,
    1,
    16550,
    23456,
    64511,
    64512,
    64513,
    65535,
    65536,
    4_294_967_294,
    4_294_967_295,
];

/// Values of `maxReceivedBgpRoutePrefixes` around zero.
const MAX_PREFIXES: &[i32] = &[i32::MIN, -1, 0, 1, 100, i32::MAX];

/// IPv4 subnet texts near the fixture's 169.254.1.16/30.
const V4_SUBNETS: &[&str] = &[
    "169.254.1.16/30",
    "169.254.1.16/29",
    "169.254.1.16/31",
    "169.254.1.16/32",
    "169.254.1.16/33",
    "169.254.1.16/-1",
    "169.254.1.17/30",
    "169.254.1.16",
    "169.254.1.0/28",
    "169.254.1.0/24",
    "169.254.1.20/30",
    "169.254.0.0/16",
    "169.255.0.0/16",
    "10.0.0.0/30",
    "0.0.0.0/0",
    "fd20::/126",
    "",
    " 169.254.1.16/30",
    "169.254.1.16/",
    "/30",
    "256.1.1.1/30",
];

/// IPv6 subnet texts near the fixture's fd20::/126.
const V6_SUBNETS: &[&str] = &[
    "fd20::/126",
    "fd20::/127",
    "fd20::/128",
    "fd20::/129",
    "fd20::/-1",
    "fd20::1/126",
    "fd20::",
    "fd20::4/126",
    "fd20::/120",
    "fd20::/64",
    "fd20::/16",
    "fd21::/126",
    "::/0",
    "169.254.1.16/30",
    "",
    "fd20::/",
    "fd20:::/126",
];

/// IPv4 host texts: inside, network, broadcast, outside, other family.
const V4_HOSTS: &[&str] = &[
    "169.254.1.16",
    "169.254.1.17",
    "169.254.1.18",
    "169.254.1.19",
    "169.254.1.20",
    "10.0.0.1",
    "fd20::1",
    "169.254.1.17/30",
    "",
    "255.255.255.255",
];

/// IPv6 host texts: inside, subnet-router anycast, outside, other family.
const V6_HOSTS: &[&str] = &[
    "fd20::",
    "fd20::1",
    "fd20::2",
    "fd20::3",
    "fd20::4",
    "fd21::1",
    "169.254.1.17",
    "fd20::1/126",
    "",
    "::",
];

/// Provider ids the near-valid cases draw from: the fixture's pair and a third.
const PROVIDERS: &[&str] = &["aws", "gcp", "azure"];

/// Marks every MD5 password the strategies make, so a test can tell it leaked.
pub(crate) const PASSWORD_MARK: &str = "`pw`";

/// One of the edge texts, or an overlong one.
fn text_from(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        12 => select(pool).prop_map(String::from),
        1 => (0usize..3).prop_map(|n| format!("{}169.254.1.16/30", " ".repeat(60 + n))),
        1 => Just("f".repeat(10_000)),
    ]
}

fn v4_subnet() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text_from(V4_SUBNETS),
        1 => (0u8..=2, any::<u8>(), select(PREFIX_LENGTHS))
            .prop_map(|(a, b, len)| format!("169.254.{a}.{b}/{len}")),
    ]
}

fn v6_subnet() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text_from(V6_SUBNETS),
        1 => (any::<u8>(), select(PREFIX_LENGTHS))
            .prop_map(|(a, len)| format!("fd20::{a:x}/{len}")),
    ]
}

fn v4_host() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text_from(V4_HOSTS),
        1 => any::<u8>().prop_map(|b| format!("169.254.1.{b}")),
    ]
}

fn v6_host() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text_from(V6_HOSTS),
        1 => any::<u8>().prop_map(|b| format!("fd20::{b:x}")),
    ]
}

/// A provider of the near-valid pool, or a random one.
fn provider() -> impl Strategy<Value = ProviderName> {
    prop_oneof![
        6 => select(PROVIDERS).prop_map(|p| ProviderName::new(p).expect("pool id is valid")),
        1 => arbitrary::provider_name(),
    ]
}

/// An MD5 password: printable and within the limit, too long, empty, or
/// with a character outside printable ASCII. All but the empty one carry
/// [`PASSWORD_MARK`].
fn md5_password() -> impl Strategy<Value = Secret> {
    prop_oneof![
        4 => vec(b' '..=b'~', 0..90).prop_map(|bytes| {
            let tail: String = bytes.into_iter().map(char::from).collect();
            Secret::new(format!("{PASSWORD_MARK}{tail}"))
        }),
        1 => Just(Secret::new(String::new())),
        1 => select(&["\u{7f}", "\t", "\u{e9}", "\n"][..])
            .prop_map(|c| Secret::new(format!("{PASSWORD_MARK}{c}"))),
    ]
}

/// Where an edit points the feature's channel.
#[derive(Debug, Clone)]
pub(crate) enum ChannelPick {
    /// No channel.
    Missing,
    /// A channel of the connection's interconnect with this id.
    Own(String),
    /// A channel of some other interconnect.
    Foreign(ChannelName),
}

/// One change to the fixture feature. Indexes wrap around the BGP list.
#[derive(Debug, Clone)]
pub(crate) enum FeatureEdit {
    Channel(ChannelPick),
    FeatureType(Option<FeatureType>),
    NoFeatureConfig,
    NoL3BaseConfig,
    Vlan(Option<i32>),
    Mtu(Option<i32>),
    Ipv4Subnet(Option<String>),
    Ipv4PrefixLength(Option<i32>),
    Ipv6Subnet(Option<String>),
    Ipv6PrefixLength(Option<i32>),
    /// Drops IPv6 (subnet and length), and the hosts' IPv6 addresses when true.
    NoIpv6 {
        hosts_too: bool,
    },
    Provider(usize, Option<ProviderName>),
    Asn(usize, Option<u32>),
    HostIpv4(usize, Option<String>),
    HostIpv6(usize, Option<String>),
    RemoveEntry(usize),
    CopyEntry(usize),
    NoBgpConfigs,
    Md5(Option<Secret>),
}

fn channel_pick() -> impl Strategy<Value = ChannelPick> {
    prop_oneof![
        Just(ChannelPick::Missing),
        arbitrary::segment().prop_map(ChannelPick::Own),
        arbitrary::channel_name().prop_map(ChannelPick::Foreign),
    ]
}

fn feature_edit() -> impl Strategy<Value = FeatureEdit> {
    use FeatureEdit as E;
    let i = || 0usize..4;
    prop_oneof![
        1 => channel_pick().prop_map(E::Channel),
        1 => opt(arbitrary::feature_type()).prop_map(E::FeatureType),
        1 => Just(E::NoFeatureConfig),
        1 => Just(E::NoL3BaseConfig),
        3 => opt(select(VLANS)).prop_map(E::Vlan),
        3 => opt(select(MTUS)).prop_map(E::Mtu),
        3 => opt(v4_subnet()).prop_map(E::Ipv4Subnet),
        2 => opt(select(PREFIX_LENGTHS)).prop_map(E::Ipv4PrefixLength),
        3 => opt(v6_subnet()).prop_map(E::Ipv6Subnet),
        2 => opt(select(PREFIX_LENGTHS)).prop_map(E::Ipv6PrefixLength),
        2 => any::<bool>().prop_map(|hosts_too| E::NoIpv6 { hosts_too }),
        2 => (i(), opt(provider())).prop_map(|(i, p)| E::Provider(i, p)),
        3 => (i(), opt(select(ASNS))).prop_map(|(i, a)| E::Asn(i, a)),
        3 => (i(), opt(v4_host())).prop_map(|(i, h)| E::HostIpv4(i, h)),
        3 => (i(), opt(v6_host())).prop_map(|(i, h)| E::HostIpv6(i, h)),
        1 => i().prop_map(E::RemoveEntry),
        1 => i().prop_map(E::CopyEntry),
        1 => Just(E::NoBgpConfigs),
        2 => opt(md5_password()).prop_map(E::Md5),
    ]
}

fn l3_of(f: &mut Feature) -> Option<&mut L3BaseConfig> {
    f.feature_config
        .as_mut()
        .and_then(|c| c.l3_base_config.as_mut())
}

fn entry(l3: &mut L3BaseConfig, i: usize) -> Option<&mut ProviderBgpConfig> {
    let n = l3.provider_bgp_configs.len();
    if n == 0 {
        None
    } else {
        l3.provider_bgp_configs.get_mut(i % n)
    }
}

impl FeatureEdit {
    fn apply(self, f: &mut Feature, connection: &ConnectionName) {
        use FeatureEdit as E;
        match self {
            E::Channel(ChannelPick::Missing) => f.channel = None,
            E::Channel(ChannelPick::Own(id)) => {
                f.channel = Some(
                    connection
                        .interconnect()
                        .channel(&id)
                        .expect("segment is valid"),
                )
            }
            E::Channel(ChannelPick::Foreign(ch)) => f.channel = Some(ch),
            E::FeatureType(t) => {
                if let Some(c) = f.feature_config.as_mut() {
                    c.feature_type = t;
                }
            }
            E::NoFeatureConfig => f.feature_config = None,
            E::NoL3BaseConfig => {
                if let Some(c) = f.feature_config.as_mut() {
                    c.l3_base_config = None;
                }
            }
            other => {
                if let Some(l3) = l3_of(f) {
                    other.apply_l3(l3);
                }
            }
        }
    }

    fn apply_l3(self, l3: &mut L3BaseConfig) {
        use FeatureEdit as E;
        match self {
            E::Vlan(v) => l3.vlan_id = v,
            E::Mtu(v) => l3.mtu_bytes = v,
            E::Ipv4Subnet(v) => l3.ipv4_subnet = v,
            E::Ipv4PrefixLength(v) => l3.ipv4_subnet_prefix_length = v,
            E::Ipv6Subnet(v) => l3.ipv6_subnet = v,
            E::Ipv6PrefixLength(v) => l3.ipv6_subnet_prefix_length = v,
            E::NoIpv6 { hosts_too } => {
                l3.ipv6_subnet = None;
                l3.ipv6_subnet_prefix_length = None;
                if hosts_too {
                    for b in &mut l3.provider_bgp_configs {
                        b.host_ipv6 = None;
                    }
                }
            }
            E::Provider(i, v) => {
                if let Some(b) = entry(l3, i) {
                    b.provider = v;
                }
            }
            E::Asn(i, v) => {
                if let Some(b) = entry(l3, i) {
                    b.asn = v;
                }
            }
            E::HostIpv4(i, v) => {
                if let Some(b) = entry(l3, i) {
                    b.host_ipv4 = v;
                }
            }
            E::HostIpv6(i, v) => {
                if let Some(b) = entry(l3, i) {
                    b.host_ipv6 = v;
                }
            }
            E::RemoveEntry(i) => {
                let n = l3.provider_bgp_configs.len();
                if n > 0 {
                    l3.provider_bgp_configs.remove(i % n);
                }
            }
            E::CopyEntry(i) => {
                if let Some(b) = entry(l3, i).cloned() {
                    l3.provider_bgp_configs.push(b);
                }
            }
            E::NoBgpConfigs => l3.provider_bgp_configs.clear(),
            E::Md5(v) => l3.md5_bgp_password = v,
            E::Channel(_) | E::FeatureType(_) | E::NoFeatureConfig | E::NoL3BaseConfig => {}
        }
    }
}

/// One change to the fixture guidance; a [`Family`] picks the subnet
/// guidance list. Indexes wrap around their list; an edit of an empty list
/// adds an entry.
#[derive(Debug, Clone)]
pub(crate) enum GuidanceEdit {
    AsnRange(usize, AsnRange),
    AddAsnRange(AsnRange),
    VlanRange(usize, VlanRange),
    AddVlanRange(VlanRange),
    MtuRange(usize, MtuRange),
    AddMtuRange(MtuRange),
    Include(Family, usize, Option<String>),
    AddExclude(Family, usize, String),
    Preferred(Family, usize, Option<String>),
    AddSubnetGuidance(Family, SubnetGuidance),
    ClearSubnetGuidance(Family),
    AllowedLengths(Family, Vec<i32>),
    MaxReceivedBgpRoutePrefixes(Option<i32>),
    ClearRanges,
}

fn asn_range() -> impl Strategy<Value = AsnRange> {
    (opt(select(ASNS)), opt(select(ASNS))).prop_map(|(start, stop)| AsnRange { start, stop })
}

fn vlan_range() -> impl Strategy<Value = VlanRange> {
    (opt(select(VLANS)), opt(select(VLANS))).prop_map(|(start, stop)| VlanRange { start, stop })
}

fn mtu_range() -> impl Strategy<Value = MtuRange> {
    (opt(select(MTUS)), opt(select(MTUS))).prop_map(|(start, stop)| MtuRange { start, stop })
}

fn family() -> impl Strategy<Value = Family> {
    prop_oneof![Just(Family::V4), Just(Family::V6)]
}

/// A subnet text for `family`'s list, or sometimes one of the other family.
fn subnet_of(family: Family) -> BoxedStrategy<String> {
    match family {
        Family::V4 => prop_oneof![6 => v4_subnet(), 1 => v6_subnet()].boxed(),
        Family::V6 => prop_oneof![6 => v6_subnet(), 1 => v4_subnet()].boxed(),
    }
}

fn subnet_guidance(family: Family) -> impl Strategy<Value = SubnetGuidance> {
    (
        opt(subnet_of(family)),
        vec(subnet_of(family), 0..3),
        opt(subnet_of(family)),
    )
        .prop_map(
            |(include_subnet, exclude_subnets, preferred_subnet)| SubnetGuidance {
                include_subnet,
                exclude_subnets,
                preferred_subnet,
            },
        )
}

fn guidance_edit() -> impl Strategy<Value = GuidanceEdit> {
    use GuidanceEdit as E;
    let i = || 0usize..3;
    prop_oneof![
        2 => (i(), asn_range()).prop_map(|(i, r)| E::AsnRange(i, r)),
        1 => asn_range().prop_map(E::AddAsnRange),
        2 => (i(), vlan_range()).prop_map(|(i, r)| E::VlanRange(i, r)),
        1 => vlan_range().prop_map(E::AddVlanRange),
        2 => (i(), mtu_range()).prop_map(|(i, r)| E::MtuRange(i, r)),
        1 => mtu_range().prop_map(E::AddMtuRange),
        2 => (family(), i()).prop_flat_map(|(f, i)| opt(subnet_of(f))
            .prop_map(move |s| E::Include(f, i, s))),
        3 => (family(), i()).prop_flat_map(|(f, i)| subnet_of(f)
            .prop_map(move |s| E::AddExclude(f, i, s))),
        2 => (family(), i()).prop_flat_map(|(f, i)| opt(subnet_of(f))
            .prop_map(move |s| E::Preferred(f, i, s))),
        2 => family().prop_flat_map(|f| subnet_guidance(f)
            .prop_map(move |g| E::AddSubnetGuidance(f, g))),
        1 => family().prop_map(E::ClearSubnetGuidance),
        2 => (family(), vec(select(PREFIX_LENGTHS), 0..4))
            .prop_map(|(f, v)| E::AllowedLengths(f, v)),
        1 => opt(select(MAX_PREFIXES)).prop_map(E::MaxReceivedBgpRoutePrefixes),
        1 => Just(E::ClearRanges),
    ]
}

/// Sets entry `i` (wrapping) of `list`, or adds `value` when the list is empty.
fn set_or_add<T>(list: &mut Vec<T>, i: usize, value: T) {
    let n = list.len();
    match list.get_mut(i % n.max(1)) {
        Some(slot) => *slot = value,
        None => list.push(value),
    }
}

/// The subnet guidance entry `i` (wrapping) of a list, added when the list is empty.
fn subnet_entry(list: &mut Vec<SubnetGuidance>, i: usize) -> Option<&mut SubnetGuidance> {
    if list.is_empty() {
        list.push(SubnetGuidance::default());
    }
    let n = list.len();
    list.get_mut(i % n)
}

impl GuidanceEdit {
    fn apply(self, g: &mut L3BaseGuidance) {
        use GuidanceEdit as E;
        match self {
            E::AsnRange(i, r) => set_or_add(&mut g.asn_ranges, i, r),
            E::AddAsnRange(r) => g.asn_ranges.push(r),
            E::VlanRange(i, r) => set_or_add(&mut g.vlan_ranges, i, r),
            E::AddVlanRange(r) => g.vlan_ranges.push(r),
            E::MtuRange(i, r) => set_or_add(&mut g.mtu_ranges, i, r),
            E::AddMtuRange(r) => g.mtu_ranges.push(r),
            E::Include(f, i, s) => {
                if let Some(e) = subnet_entry(subnet_list(g, f), i) {
                    e.include_subnet = s;
                }
            }
            E::AddExclude(f, i, s) => {
                if let Some(e) = subnet_entry(subnet_list(g, f), i) {
                    e.exclude_subnets.push(s);
                }
            }
            E::Preferred(f, i, s) => {
                if let Some(e) = subnet_entry(subnet_list(g, f), i) {
                    e.preferred_subnet = s;
                }
            }
            E::AddSubnetGuidance(f, s) => subnet_list(g, f).push(s),
            E::ClearSubnetGuidance(f) => subnet_list(g, f).clear(),
            E::AllowedLengths(Family::V4, v) => g.ipv4_allowed_subnet_prefix_lengths = v,
            E::AllowedLengths(Family::V6, v) => g.ipv6_allowed_subnet_prefix_lengths = v,
            E::MaxReceivedBgpRoutePrefixes(v) => g.max_received_bgp_route_prefixes = v,
            E::ClearRanges => {
                g.asn_ranges.clear();
                g.vlan_ranges.clear();
                g.mtu_ranges.clear();
            }
        }
    }
}

fn subnet_list(g: &mut L3BaseGuidance, f: Family) -> &mut Vec<SubnetGuidance> {
    match f {
        Family::V4 => &mut g.ipv4_subnet_guidance,
        Family::V6 => &mut g.ipv6_subnet_guidance,
    }
}

/// The fixture guidance after 0 to 5 edits (a quarter of the cases are
/// unedited).
pub(crate) fn guidance() -> impl Strategy<Value = L3BaseGuidance> {
    prop_oneof![
        1 => Just(fixtures::guidance()),
        3 => vec(guidance_edit(), 1..6).prop_map(|edits| {
            let mut g = fixtures::guidance();
            for e in edits {
                e.apply(&mut g);
            }
            g
        }),
    ]
}

/// A configuration another feature on the channel uses: values from the
/// same edge pools, so they often collide with the proposal.
fn used_config() -> impl Strategy<Value = L3BaseConfig> {
    (
        opt(select(VLANS)),
        opt(v4_subnet()),
        opt(select(PREFIX_LENGTHS)),
        opt(v6_subnet()),
        opt(select(PREFIX_LENGTHS)),
    )
        .prop_map(
            |(vlan_id, ipv4_subnet, v4_len, ipv6_subnet, v6_len)| L3BaseConfig {
                ipv4_subnet,
                ipv4_subnet_prefix_length: v4_len,
                ipv6_subnet,
                ipv6_subnet_prefix_length: v6_len,
                vlan_id,
                ..L3BaseConfig::default()
            },
        )
}

/// Everything one call of `validate_l3_feature` needs, owned.
#[derive(Debug, Clone)]
pub(crate) struct FeatureCase {
    pub(crate) feature: Feature,
    pub(crate) connection: ConnectionName,
    pub(crate) guidance: L3BaseGuidance,
    pub(crate) negotiator: ProviderName,
    pub(crate) responder: ProviderName,
    pub(crate) used: Vec<L3BaseConfig>,
}

/// A negotiator and responder: the fixture's pair, a pair from the pool
/// (a third of them the same provider twice), or random names.
fn pair() -> impl Strategy<Value = (ProviderName, ProviderName)> {
    prop_oneof![
        3 => Just((fixtures::gcp(), fixtures::aws())),
        2 => (provider(), provider()),
        1 => provider().prop_map(|p| (p.clone(), p)),
    ]
}

/// The fixture feature after 0 to 5 edits, judged in the fixture's context
/// or one with an edited guidance, another pair, another connection or
/// features already on the channel. About one case in eight is the
/// unedited fixture in its own context.
pub(crate) fn feature_case() -> impl Strategy<Value = FeatureCase> {
    let edits = prop_oneof![1 => Just(Vec::new()), 3 => vec(feature_edit(), 1..6)];
    let connection = prop_oneof![
        4 => Just(fixtures::connection()),
        1 => arbitrary::connection_name(),
    ];
    let used = prop_oneof![2 => Just(Vec::new()), 1 => vec(used_config(), 1..3)];
    let guidance = prop_oneof![1 => Just(fixtures::guidance()), 1 => guidance()];
    (edits, connection, guidance, pair(), used).prop_map(
        |(edits, connection, guidance, (negotiator, responder), used)| {
            let mut feature = fixtures::feature();
            for e in edits {
                e.apply(&mut feature, &connection);
            }
            FeatureCase {
                feature,
                connection,
                guidance,
                negotiator,
                responder,
                used,
            }
        },
    )
}

/// A feature case built from random wire values (`wire/arbitrary.rs`):
/// random names throughout, the channel half the time one of the
/// connection's interconnect, negotiator and responder sometimes the same.
pub(crate) fn arbitrary_feature_case() -> impl Strategy<Value = FeatureCase> {
    let pair = prop_oneof![
        (arbitrary::provider_name(), arbitrary::provider_name()),
        arbitrary::provider_name().prop_map(|p| (p.clone(), p)),
    ];
    (
        arbitrary::feature(),
        arbitrary::connection_name(),
        opt(arbitrary::segment()),
        arbitrary::l3_base_guidance(),
        pair,
        vec(arbitrary::l3_base_config(), 0..3),
    )
        .prop_map(
            |(mut feature, connection, own, guidance, (negotiator, responder), used)| {
                if let Some(id) = own {
                    feature.channel = connection.interconnect().channel(&id).ok();
                }
                FeatureCase {
                    feature,
                    connection,
                    guidance,
                    negotiator,
                    responder,
                    used,
                }
            },
        )
}
