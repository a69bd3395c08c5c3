//! Requirement ids of the rules the validators in this module enforce, with
//! a one-line statement of each. `spec/REQUIREMENTS.md` lists the same ids
//! with their upstream source; a test keeps the two in step.

/// Guidance: every range has `start` and `stop`, and `start <= stop`.
pub const GUIDE_RANGE_ORDERED: &str = "GUIDE-1";
/// Guidance: the ranges of one list do not overlap.
pub const GUIDE_RANGES_DISJOINT: &str = "GUIDE-2";
/// Guidance: VLAN ranges lie in 1..=4094, MTU ranges are positive.
pub const GUIDE_RANGE_BOUNDS: &str = "GUIDE-3";
/// Guidance: every subnet parses as a CIDR of the list's family, host bits zero.
pub const GUIDE_SUBNET_PARSES: &str = "GUIDE-4";
/// Guidance: the include subnets of one family do not overlap.
pub const GUIDE_INCLUDES_DISJOINT: &str = "GUIDE-5";
/// Guidance: a preferred subnet lies inside its include subnet and outside its excludes.
pub const GUIDE_PREFERRED_PLACED: &str = "GUIDE-6";
/// Guidance: allowed prefix lengths leave room for two hosts (IPv4 0..=31, IPv6 0..=127).
pub const GUIDE_PREFIX_POSSIBLE: &str = "GUIDE-7";
/// Guidance: a preferred subnet has an allowed prefix length.
pub const GUIDE_PREFERRED_ALLOWED: &str = "GUIDE-8";

/// L3: the required members are present (`l3BaseConfig`, `vlanId`, `ipv4Subnet`,
/// `ipv4SubnetPrefixLength`, `mtuBytes`, `providerBgpConfigs`).
pub const L3_REQUIRED: &str = "L3-1";
/// L3: `featureType` matches the configuration present.
pub const L3_TYPE_MATCHES: &str = "L3-2";
/// L3: the feature's channel belongs to the connection's interconnect.
pub const L3_CHANNEL_OF_INTERCONNECT: &str = "L3-3";
/// L3: VLAN in 1025..=4094 (1024 and lower reserved by the specification, 4095 by IEEE 802.1Q).
pub const L3_VLAN_RESERVED: &str = "L3-4";
/// L3: VLAN inside a guidance VLAN range.
pub const L3_VLAN_IN_GUIDANCE: &str = "L3-5";
/// L3: VLAN not used by another feature on the channel.
pub const L3_VLAN_UNUSED: &str = "L3-6";
/// L3: subnet parses as a CIDR of its family.
pub const L3_SUBNET_PARSES: &str = "L3-7";
/// L3: subnet written with its host bits zero.
pub const L3_SUBNET_HOST_BITS: &str = "L3-8";
/// L3: the prefix length member equals the subnet's prefix length.
pub const L3_PREFIX_MATCHES: &str = "L3-9";
/// L3: the prefix length is one the guidance allows.
pub const L3_PREFIX_ALLOWED: &str = "L3-10";
/// L3: subnet inside an include subnet of the guidance.
pub const L3_SUBNET_INCLUDED: &str = "L3-11";
/// L3: subnet overlaps no exclude subnet of the guidance.
pub const L3_SUBNET_NOT_EXCLUDED: &str = "L3-12";
/// L3: subnet overlaps no subnet used on the channel.
pub const L3_SUBNET_UNUSED: &str = "L3-13";
/// L3: `ipv6Subnet` and `ipv6SubnetPrefixLength` both present or both absent.
pub const L3_IPV6_PAIRED: &str = "L3-14";
/// L3: MTU inside a guidance MTU range (positive when the guidance has none).
pub const L3_MTU_IN_GUIDANCE: &str = "L3-15";
/// L3: MTU at least 1280 when IPv6 is configured (RFC 8200).
pub const L3_MTU_IPV6_MINIMUM: &str = "L3-16";
/// L3: exactly one `providerBgpConfigs` entry per provider of the pair, and no other.
pub const L3_BGP_ONE_PER_PROVIDER: &str = "L3-17";
/// L3: every ASN present and valid (not 0, 23456 or 4294967295).
pub const L3_ASN_VALID: &str = "L3-18";
/// L3: the responder's ASN inside its guidance ASN ranges.
pub const L3_ASN_IN_GUIDANCE: &str = "L3-19";
/// L3: host addresses parse and lie inside their subnet.
pub const L3_HOST_IN_SUBNET: &str = "L3-20";
/// L3: the two providers' host addresses differ.
pub const L3_HOSTS_DISTINCT: &str = "L3-21";
/// L3: a host address is neither the network nor the broadcast address
/// (except on /31; for IPv6 not the subnet-router anycast address except on /127).
pub const L3_HOST_NOT_RESERVED: &str = "L3-22";
/// L3: the prefix leaves room for two hosts (/32 and /128 are impossible).
pub const L3_PREFIX_HOLDS_TWO_HOSTS: &str = "L3-23";
/// L3: IPv6 host addresses present exactly when IPv6 is configured.
pub const L3_IPV6_HOSTS_MATCH: &str = "L3-24";
/// L3: an MD5 password, if present, is 1..=80 printable ASCII characters.
pub const L3_MD5_PASSWORD: &str = "L3-25";

/// Connection: bandwidth positive.
pub const CONN_BANDWIDTH_POSITIVE: &str = "CONN-1";
/// Connection: bandwidth offered by the interconnect and the environment.
pub const CONN_BANDWIDTH_OFFERED: &str = "CONN-2";
/// Connection: bandwidth fits the interconnect's `maxBandwidthMbps` given current reservations.
pub const CONN_BANDWIDTH_FITS: &str = "CONN-3";
/// Environment: exactly two provider sites with distinct providers.
pub const ENV_TWO_SITES: &str = "ENV-1";
/// MACsec: CAK is 16 or 32 octets written in hex.
pub const MACSEC_CAK_FORMAT: &str = "MACSEC-1";
/// MACsec: CKN is 1..=32 octets written in even-length hex.
pub const MACSEC_CKN_FORMAT: &str = "MACSEC-2";
/// Maintenance: an event has a start and an end, the start before the end.
pub const MAINT_START_BEFORE_END: &str = "MAINT-1";
/// Issue: the title is one non-empty line.
pub const ISSUE_TITLE_ONE_LINE: &str = "ISSUE-1";
/// Issue: the body is not empty.
pub const ISSUE_BODY_PRESENT: &str = "ISSUE-2";
/// Issue: a connection or interconnect issue carries the matching context.
pub const ISSUE_CONTEXT_REQUIRED: &str = "ISSUE-3";

/// Every rule above with its statement, for indexes and reports.
pub const RULES: &[(&str, &str)] = &[
    (
        GUIDE_RANGE_ORDERED,
        "every guidance range has start and stop, start <= stop",
    ),
    (
        GUIDE_RANGES_DISJOINT,
        "the ranges of one guidance list do not overlap",
    ),
    (
        GUIDE_RANGE_BOUNDS,
        "VLAN ranges lie in 1..=4094; MTU ranges are positive",
    ),
    (
        GUIDE_SUBNET_PARSES,
        "guidance subnets parse as CIDRs of the list's family with host bits zero",
    ),
    (
        GUIDE_INCLUDES_DISJOINT,
        "include subnets of one family do not overlap",
    ),
    (
        GUIDE_PREFERRED_PLACED,
        "a preferred subnet lies inside its include subnet and outside its excludes",
    ),
    (
        GUIDE_PREFIX_POSSIBLE,
        "allowed prefix lengths leave room for two hosts (IPv4 <= 31, IPv6 <= 127)",
    ),
    (
        GUIDE_PREFERRED_ALLOWED,
        "a preferred subnet has an allowed prefix length",
    ),
    (
        L3_REQUIRED,
        "l3BaseConfig, vlanId, ipv4Subnet, ipv4SubnetPrefixLength, mtuBytes and providerBgpConfigs are present",
    ),
    (
        L3_TYPE_MATCHES,
        "featureType matches the configuration present",
    ),
    (
        L3_CHANNEL_OF_INTERCONNECT,
        "the feature's channel belongs to the connection's interconnect",
    ),
    (L3_VLAN_RESERVED, "VLAN in 1025..=4094"),
    (L3_VLAN_IN_GUIDANCE, "VLAN inside a guidance VLAN range"),
    (
        L3_VLAN_UNUSED,
        "VLAN not used by another feature on the channel",
    ),
    (L3_SUBNET_PARSES, "subnet parses as a CIDR of its family"),
    (L3_SUBNET_HOST_BITS, "subnet written with host bits zero"),
    (
        L3_PREFIX_MATCHES,
        "prefix length member equals the subnet's prefix length",
    ),
    (L3_PREFIX_ALLOWED, "prefix length allowed by the guidance"),
    (
        L3_SUBNET_INCLUDED,
        "subnet inside an include subnet of the guidance",
    ),
    (
        L3_SUBNET_NOT_EXCLUDED,
        "subnet overlaps no exclude subnet of the guidance",
    ),
    (
        L3_SUBNET_UNUSED,
        "subnet overlaps no subnet used on the channel",
    ),
    (
        L3_IPV6_PAIRED,
        "ipv6Subnet and ipv6SubnetPrefixLength both present or both absent",
    ),
    (L3_MTU_IN_GUIDANCE, "MTU inside a guidance MTU range"),
    (
        L3_MTU_IPV6_MINIMUM,
        "MTU at least 1280 when IPv6 is configured",
    ),
    (
        L3_BGP_ONE_PER_PROVIDER,
        "exactly one providerBgpConfigs entry per provider of the pair, no other",
    ),
    (L3_ASN_VALID, "ASN present and not 0, 23456 or 4294967295"),
    (
        L3_ASN_IN_GUIDANCE,
        "the responder's ASN inside its guidance ASN ranges",
    ),
    (
        L3_HOST_IN_SUBNET,
        "host addresses parse and lie inside their subnet",
    ),
    (
        L3_HOSTS_DISTINCT,
        "the two providers' host addresses differ",
    ),
    (
        L3_HOST_NOT_RESERVED,
        "host address neither network nor broadcast (except /31, IPv6 /127)",
    ),
    (
        L3_PREFIX_HOLDS_TWO_HOSTS,
        "prefix leaves room for two hosts (/32 and /128 impossible)",
    ),
    (
        L3_IPV6_HOSTS_MATCH,
        "IPv6 host addresses present exactly when IPv6 is configured",
    ),
    (
        L3_MD5_PASSWORD,
        "MD5 password, if present, is 1..=80 printable ASCII characters",
    ),
    (CONN_BANDWIDTH_POSITIVE, "connection bandwidth is positive"),
    (
        CONN_BANDWIDTH_OFFERED,
        "connection bandwidth offered by the interconnect and the environment",
    ),
    (
        CONN_BANDWIDTH_FITS,
        "connection bandwidth fits maxBandwidthMbps given current reservations",
    ),
    (
        ENV_TWO_SITES,
        "an environment has exactly two provider sites with distinct providers",
    ),
    (MACSEC_CAK_FORMAT, "CAK is 16 or 32 octets in hex"),
    (MACSEC_CKN_FORMAT, "CKN is 1..=32 octets in even-length hex"),
    (
        MAINT_START_BEFORE_END,
        "a maintenance event has start and end, start before end",
    ),
    (ISSUE_TITLE_ONE_LINE, "issue title is one non-empty line"),
    (ISSUE_BODY_PRESENT, "issue body is not empty"),
    (
        ISSUE_CONTEXT_REQUIRED,
        "a connection or interconnect issue carries the matching context",
    ),
];
