//! Requirement ids of the rules the validators in this module enforce, with
//! a one-line statement of each. The ids are those of `spec/REQUIREMENTS.md`,
//! which gives each rule its upstream source; a test checks every id here is
//! listed there.

/// GUIDE-4: every guidance range has start and stop, start <= stop.
pub const GUIDE_RANGE_ORDERED: &str = "GUIDE-4";
/// GUIDE-5: the ranges of one guidance list do not overlap.
pub const GUIDE_RANGES_DISJOINT: &str = "GUIDE-5";
/// GUIDE-6: ASN ranges contain no invalid ASN (0, 23456, 4294967295).
pub const GUIDE_ASN_VALID: &str = "GUIDE-6";
/// GUIDE-7: VLAN ranges lie within 1025..=4094.
pub const GUIDE_VLAN_BOUNDS: &str = "GUIDE-7";
/// GUIDE-8: guidance subnets are CIDRs of the list's family with host bits zero.
pub const GUIDE_SUBNET_PARSES: &str = "GUIDE-8";
/// GUIDE-9: include subnets of one list do not overlap.
pub const GUIDE_INCLUDES_DISJOINT: &str = "GUIDE-9";
/// GUIDE-10: each exclude subnet lies inside its entry's include subnet.
pub const GUIDE_EXCLUDE_INSIDE: &str = "GUIDE-10";
/// GUIDE-11: a preferred subnet lies inside its include subnet and overlaps none of its excludes.
pub const GUIDE_PREFERRED_PLACED: &str = "GUIDE-11";
/// GUIDE-12: a preferred subnet's prefix length is an allowed length.
pub const GUIDE_PREFERRED_ALLOWED: &str = "GUIDE-12";
/// GUIDE-13: allowed prefix lengths are possible for the family (IPv4 0..=31, IPv6 0..=127) and fit an include subnet.
pub const GUIDE_PREFIX_POSSIBLE: &str = "GUIDE-13";
/// GUIDE-14: MTU range bounds and maxReceivedBgpRoutePrefixes are positive.
pub const GUIDE_POSITIVE: &str = "GUIDE-14";
/// L3-1: channel is present.
pub const L3_CHANNEL_PRESENT: &str = "L3-1";
/// L3-2: the feature's channel belongs to the connection's interconnect.
pub const L3_CHANNEL_OF_INTERCONNECT: &str = "L3-2";
/// L3-3: featureConfig (with l3BaseConfig) is present.
pub const L3_CONFIG_PRESENT: &str = "L3-3";
/// L3-4: featureType matches the configuration present.
pub const L3_TYPE_MATCHES: &str = "L3-4";
/// L3-5: ipv4Subnet is present.
pub const L3_IPV4_SUBNET_PRESENT: &str = "L3-5";
/// L3-6: ipv4SubnetPrefixLength is present.
pub const L3_IPV4_PREFIX_PRESENT: &str = "L3-6";
/// L3-7: mtuBytes is present.
pub const L3_MTU_PRESENT: &str = "L3-7";
/// L3-8: vlanId is present.
pub const L3_VLAN_PRESENT: &str = "L3-8";
/// L3-9: providerBgpConfigs is present and not empty.
pub const L3_BGP_PRESENT: &str = "L3-9";
/// L3-10: VLAN in 1025..=4094.
pub const L3_VLAN_RESERVED: &str = "L3-10";
/// L3-11: VLAN inside a guidance VLAN range.
pub const L3_VLAN_IN_GUIDANCE: &str = "L3-11";
/// L3-12: VLAN not used by another feature on the channel.
pub const L3_VLAN_UNUSED: &str = "L3-12";
/// L3-13: ipv4Subnet is an IPv4 network, bare or CIDR.
pub const L3_IPV4_PARSES: &str = "L3-13";
/// L3-14: ipv4Subnet has its host bits zero.
pub const L3_IPV4_HOST_BITS: &str = "L3-14";
/// L3-15: IPv4 prefix length in 0..=31.
pub const L3_IPV4_PREFIX_POSSIBLE: &str = "L3-15";
/// L3-16: a CIDR ipv4Subnet's length equals ipv4SubnetPrefixLength.
pub const L3_IPV4_PREFIX_MATCHES: &str = "L3-16";
/// L3-17: IPv4 prefix length allowed by the guidance.
pub const L3_IPV4_PREFIX_ALLOWED: &str = "L3-17";
/// L3-18: IPv4 subnet inside a guidance include subnet.
pub const L3_IPV4_INCLUDED: &str = "L3-18";
/// L3-19: IPv4 subnet overlaps no guidance exclude subnet.
pub const L3_IPV4_NOT_EXCLUDED: &str = "L3-19";
/// L3-20: IPv4 subnet overlaps no subnet used on the channel.
pub const L3_IPV4_UNUSED: &str = "L3-20";
/// L3-21: ipv6Subnet and ipv6SubnetPrefixLength both present or both absent.
pub const L3_IPV6_PAIRED: &str = "L3-21";
/// L3-22: ipv6Subnet is an IPv6 network, bare or CIDR.
pub const L3_IPV6_PARSES: &str = "L3-22";
/// L3-23: ipv6Subnet has its host bits zero.
pub const L3_IPV6_HOST_BITS: &str = "L3-23";
/// L3-24: IPv6 prefix length in 0..=127.
pub const L3_IPV6_PREFIX_POSSIBLE: &str = "L3-24";
/// L3-25: a CIDR ipv6Subnet's length equals ipv6SubnetPrefixLength.
pub const L3_IPV6_PREFIX_MATCHES: &str = "L3-25";
/// L3-26: IPv6 prefix length allowed by the guidance.
pub const L3_IPV6_PREFIX_ALLOWED: &str = "L3-26";
/// L3-27: IPv6 subnet inside a guidance include subnet.
pub const L3_IPV6_INCLUDED: &str = "L3-27";
/// L3-28: IPv6 subnet overlaps no guidance exclude subnet.
pub const L3_IPV6_NOT_EXCLUDED: &str = "L3-28";
/// L3-29: IPv6 subnet overlaps no subnet used on the channel.
pub const L3_IPV6_UNUSED: &str = "L3-29";
/// L3-30: MTU inside a guidance MTU range.
pub const L3_MTU_IN_GUIDANCE: &str = "L3-30";
/// L3-31: MTU at least 1280 when IPv6 is configured.
pub const L3_MTU_IPV6_MINIMUM: &str = "L3-31";
/// L3-32: MTU at least 68.
pub const L3_MTU_MINIMUM: &str = "L3-32";
/// L3-33: exactly one providerBgpConfigs entry per provider of the pair, no other.
pub const L3_BGP_ONE_PER_PROVIDER: &str = "L3-33";
/// L3-34: every providerBgpConfigs entry names its provider.
pub const L3_BGP_PROVIDER_PRESENT: &str = "L3-34";
/// L3-35: every entry's asn is present.
pub const L3_ASN_PRESENT: &str = "L3-35";
/// L3-36: every asn is valid: not 0, 23456 or 4294967295.
pub const L3_ASN_VALID: &str = "L3-36";
/// L3-37: the responder's ASN inside its guidance ASN ranges.
pub const L3_ASN_IN_GUIDANCE: &str = "L3-37";
/// L3-38: every entry's hostIpv4 is present.
pub const L3_HOST_IPV4_PRESENT: &str = "L3-38";
/// L3-39: hostIpv4 is an IPv4 address inside ipv4Subnet.
pub const L3_HOST_IPV4_IN_SUBNET: &str = "L3-39";
/// L3-40: hostIpv4 is neither network nor broadcast address (except /31).
pub const L3_HOST_IPV4_NOT_RESERVED: &str = "L3-40";
/// L3-41: the two hostIpv4 addresses differ.
pub const L3_HOST_IPV4_DISTINCT: &str = "L3-41";
/// L3-42: hostIpv6 present exactly when IPv6 is configured.
pub const L3_IPV6_HOSTS_MATCH: &str = "L3-42";
/// L3-43: hostIpv6 is an IPv6 address inside ipv6Subnet.
pub const L3_HOST_IPV6_IN_SUBNET: &str = "L3-43";
/// L3-44: hostIpv6 is not the subnet-router anycast address (except /127).
pub const L3_HOST_IPV6_NOT_RESERVED: &str = "L3-44";
/// L3-45: the two hostIpv6 addresses differ.
pub const L3_HOST_IPV6_DISTINCT: &str = "L3-45";
/// L3-46: md5BgpPassword, if present, is 1..=80 printable ASCII characters.
pub const L3_MD5_PASSWORD: &str = "L3-46";
/// CONN-1: bandwidthMbps is present and positive.
pub const CONN_BANDWIDTH_POSITIVE: &str = "CONN-1";
/// CONN-2: bandwidthMbps is offered by the interconnect (and the environment).
pub const CONN_BANDWIDTH_OFFERED: &str = "CONN-2";
/// CONN-4: the interconnect's connections stay within maxBandwidthMbps.
pub const CONN_BANDWIDTH_FITS: &str = "CONN-4";
/// ENV-1: an environment has exactly two provider sites.
pub const ENV_TWO_SITES: &str = "ENV-1";
/// ENV-2: the two sites name different providers.
pub const ENV_DISTINCT_PROVIDERS: &str = "ENV-2";
/// MACSEC-11: cak is 16 or 32 octets in hex.
pub const MACSEC_CAK_FORMAT: &str = "MACSEC-11";
/// MACSEC-12: ckn is 1..=32 octets in even-length hex.
pub const MACSEC_CKN_FORMAT: &str = "MACSEC-12";
/// MACSEC-13: cak and ckn are both present.
pub const MACSEC_KEY_PRESENT: &str = "MACSEC-13";
/// MAINT-2: a maintenance event's startTime is before its endTime.
pub const MAINT_START_BEFORE_END: &str = "MAINT-2";
/// ISSUE-1: the issue title is one non-blank line.
pub const ISSUE_TITLE_ONE_LINE: &str = "ISSUE-1";
/// ISSUE-2: the issue body is not blank.
pub const ISSUE_BODY_PRESENT: &str = "ISSUE-2";
/// ISSUE-4: a connection issue carries a connection context.
pub const ISSUE_CONNECTION_CONTEXT: &str = "ISSUE-4";
/// ISSUE-5: an interconnect issue carries an interconnect context.
pub const ISSUE_INTERCONNECT_CONTEXT: &str = "ISSUE-5";

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
        GUIDE_ASN_VALID,
        "ASN ranges contain no invalid ASN (0, 23456, 4294967295)",
    ),
    (GUIDE_VLAN_BOUNDS, "VLAN ranges lie within 1025..=4094"),
    (
        GUIDE_SUBNET_PARSES,
        "guidance subnets are CIDRs of the list's family with host bits zero",
    ),
    (
        GUIDE_INCLUDES_DISJOINT,
        "include subnets of one list do not overlap",
    ),
    (
        GUIDE_EXCLUDE_INSIDE,
        "each exclude subnet lies inside its entry's include subnet",
    ),
    (
        GUIDE_PREFERRED_PLACED,
        "a preferred subnet lies inside its include subnet and overlaps none of its excludes",
    ),
    (
        GUIDE_PREFERRED_ALLOWED,
        "a preferred subnet's prefix length is an allowed length",
    ),
    (
        GUIDE_PREFIX_POSSIBLE,
        "allowed prefix lengths are possible for the family (IPv4 0..=31, IPv6 0..=127) and fit an include subnet",
    ),
    (
        GUIDE_POSITIVE,
        "MTU range bounds and maxReceivedBgpRoutePrefixes are positive",
    ),
    (L3_CHANNEL_PRESENT, "channel is present"),
    (
        L3_CHANNEL_OF_INTERCONNECT,
        "the feature's channel belongs to the connection's interconnect",
    ),
    (
        L3_CONFIG_PRESENT,
        "featureConfig (with l3BaseConfig) is present",
    ),
    (
        L3_TYPE_MATCHES,
        "featureType matches the configuration present",
    ),
    (L3_IPV4_SUBNET_PRESENT, "ipv4Subnet is present"),
    (L3_IPV4_PREFIX_PRESENT, "ipv4SubnetPrefixLength is present"),
    (L3_MTU_PRESENT, "mtuBytes is present"),
    (L3_VLAN_PRESENT, "vlanId is present"),
    (
        L3_BGP_PRESENT,
        "providerBgpConfigs is present and not empty",
    ),
    (L3_VLAN_RESERVED, "VLAN in 1025..=4094"),
    (L3_VLAN_IN_GUIDANCE, "VLAN inside a guidance VLAN range"),
    (
        L3_VLAN_UNUSED,
        "VLAN not used by another feature on the channel",
    ),
    (
        L3_IPV4_PARSES,
        "ipv4Subnet is an IPv4 network, bare or CIDR",
    ),
    (L3_IPV4_HOST_BITS, "ipv4Subnet has its host bits zero"),
    (L3_IPV4_PREFIX_POSSIBLE, "IPv4 prefix length in 0..=31"),
    (
        L3_IPV4_PREFIX_MATCHES,
        "a CIDR ipv4Subnet's length equals ipv4SubnetPrefixLength",
    ),
    (
        L3_IPV4_PREFIX_ALLOWED,
        "IPv4 prefix length allowed by the guidance",
    ),
    (
        L3_IPV4_INCLUDED,
        "IPv4 subnet inside a guidance include subnet",
    ),
    (
        L3_IPV4_NOT_EXCLUDED,
        "IPv4 subnet overlaps no guidance exclude subnet",
    ),
    (
        L3_IPV4_UNUSED,
        "IPv4 subnet overlaps no subnet used on the channel",
    ),
    (
        L3_IPV6_PAIRED,
        "ipv6Subnet and ipv6SubnetPrefixLength both present or both absent",
    ),
    (
        L3_IPV6_PARSES,
        "ipv6Subnet is an IPv6 network, bare or CIDR",
    ),
    (L3_IPV6_HOST_BITS, "ipv6Subnet has its host bits zero"),
    (L3_IPV6_PREFIX_POSSIBLE, "IPv6 prefix length in 0..=127"),
    (
        L3_IPV6_PREFIX_MATCHES,
        "a CIDR ipv6Subnet's length equals ipv6SubnetPrefixLength",
    ),
    (
        L3_IPV6_PREFIX_ALLOWED,
        "IPv6 prefix length allowed by the guidance",
    ),
    (
        L3_IPV6_INCLUDED,
        "IPv6 subnet inside a guidance include subnet",
    ),
    (
        L3_IPV6_NOT_EXCLUDED,
        "IPv6 subnet overlaps no guidance exclude subnet",
    ),
    (
        L3_IPV6_UNUSED,
        "IPv6 subnet overlaps no subnet used on the channel",
    ),
    (L3_MTU_IN_GUIDANCE, "MTU inside a guidance MTU range"),
    (
        L3_MTU_IPV6_MINIMUM,
        "MTU at least 1280 when IPv6 is configured",
    ),
    (L3_MTU_MINIMUM, "MTU at least 68"),
    (
        L3_BGP_ONE_PER_PROVIDER,
        "exactly one providerBgpConfigs entry per provider of the pair, no other",
    ),
    (
        L3_BGP_PROVIDER_PRESENT,
        "every providerBgpConfigs entry names its provider",
    ),
    (L3_ASN_PRESENT, "every entry's asn is present"),
    (
        L3_ASN_VALID,
        "every asn is valid: not 0, 23456 or 4294967295",
    ),
    (
        L3_ASN_IN_GUIDANCE,
        "the responder's ASN inside its guidance ASN ranges",
    ),
    (L3_HOST_IPV4_PRESENT, "every entry's hostIpv4 is present"),
    (
        L3_HOST_IPV4_IN_SUBNET,
        "hostIpv4 is an IPv4 address inside ipv4Subnet",
    ),
    (
        L3_HOST_IPV4_NOT_RESERVED,
        "hostIpv4 is neither network nor broadcast address (except /31)",
    ),
    (L3_HOST_IPV4_DISTINCT, "the two hostIpv4 addresses differ"),
    (
        L3_IPV6_HOSTS_MATCH,
        "hostIpv6 present exactly when IPv6 is configured",
    ),
    (
        L3_HOST_IPV6_IN_SUBNET,
        "hostIpv6 is an IPv6 address inside ipv6Subnet",
    ),
    (
        L3_HOST_IPV6_NOT_RESERVED,
        "hostIpv6 is not the subnet-router anycast address (except /127)",
    ),
    (L3_HOST_IPV6_DISTINCT, "the two hostIpv6 addresses differ"),
    (
        L3_MD5_PASSWORD,
        "md5BgpPassword, if present, is 1..=80 printable ASCII characters",
    ),
    (
        CONN_BANDWIDTH_POSITIVE,
        "bandwidthMbps is present and positive",
    ),
    (
        CONN_BANDWIDTH_OFFERED,
        "bandwidthMbps is offered by the interconnect (and the environment)",
    ),
    (
        CONN_BANDWIDTH_FITS,
        "the interconnect's connections stay within maxBandwidthMbps",
    ),
    (
        ENV_TWO_SITES,
        "an environment has exactly two provider sites",
    ),
    (
        ENV_DISTINCT_PROVIDERS,
        "the two sites name different providers",
    ),
    (MACSEC_CAK_FORMAT, "cak is 16 or 32 octets in hex"),
    (MACSEC_CKN_FORMAT, "ckn is 1..=32 octets in even-length hex"),
    (MACSEC_KEY_PRESENT, "cak and ckn are both present"),
    (
        MAINT_START_BEFORE_END,
        "a maintenance event's startTime is before its endTime",
    ),
    (
        ISSUE_TITLE_ONE_LINE,
        "the issue title is one non-blank line",
    ),
    (ISSUE_BODY_PRESENT, "the issue body is not blank"),
    (
        ISSUE_CONNECTION_CONTEXT,
        "a connection issue carries a connection context",
    ),
    (
        ISSUE_INTERCONNECT_CONTEXT,
        "an interconnect issue carries an interconnect context",
    ),
];
