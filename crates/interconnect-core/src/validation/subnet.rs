//! Subnet arithmetic shared by the guidance and feature validators and the
//! allocator: parsing a CIDR of a given family, overlap, and host rules.

use std::net::IpAddr;

use ipnet::IpNet;

/// The address family of a guidance list or feature member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// IPv4 (`ipv4Subnet`, `ipv4SubnetGuidance`).
    V4,
    /// IPv6 (`ipv6Subnet`, `ipv6SubnetGuidance`).
    V6,
}

impl Family {
    /// Address width in bits.
    pub fn bits(self) -> u8 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }
    /// Name used in messages.
    pub fn label(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
    /// The family of a network.
    pub fn of(net: &IpNet) -> Family {
        match net {
            IpNet::V4(_) => Family::V4,
            IpNet::V6(_) => Family::V6,
        }
    }
    /// The longest prefix that still holds two host addresses (/31, /127).
    pub fn longest_two_host_prefix(self) -> u8 {
        self.bits() - 1
    }
}

/// Why a subnet text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubnetProblem {
    /// Not `address/prefix` of the family.
    Unparsable(String),
    /// Parsed, but host bits are set (the network is given).
    HostBitsSet(IpNet),
}

/// The problem in words (never Rust's `Debug` form).
impl std::fmt::Display for SubnetProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SubnetProblem::Unparsable(why) => f.write_str(why),
            SubnetProblem::HostBitsSet(net) => {
                write!(f, "host bits are set; the network is {}", net.trunc())
            }
        }
    }
}

/// Parses `text` as a CIDR of `family`. Host bits must be zero.
pub fn parse_subnet(text: &str, family: Family) -> Result<IpNet, SubnetProblem> {
    if text.len() > 64 {
        return Err(SubnetProblem::Unparsable(format!(
            "{} characters is too long for a subnet",
            text.len()
        )));
    }
    let net: IpNet = text.trim().parse().map_err(|_| {
        SubnetProblem::Unparsable(format!(
            "{text:?} is not an {} subnet in address/prefix form",
            family.label()
        ))
    })?;
    if Family::of(&net) != family {
        return Err(SubnetProblem::Unparsable(format!(
            "{text:?} is not an {} subnet",
            family.label()
        )));
    }
    if net.trunc() != net {
        return Err(SubnetProblem::HostBitsSet(net.trunc()));
    }
    Ok(net)
}

/// Whether two networks share any address.
pub fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Whether `inner` lies entirely inside `outer`.
pub fn within(inner: &IpNet, outer: &IpNet) -> bool {
    outer.contains(inner)
}

/// Whether `host` may be a BGP host address in `subnet`: not the network
/// address and (IPv4) not the broadcast address, except on point-to-point
/// prefixes (/31 per RFC 3021, /127 per RFC 6164) where both are usable.
pub fn host_is_usable(host: IpAddr, subnet: &IpNet) -> bool {
    let family = Family::of(subnet);
    if subnet.prefix_len() >= family.longest_two_host_prefix() {
        return true;
    }
    if host == subnet.network() {
        return false;
    }
    match subnet {
        IpNet::V4(_) => host != subnet.broadcast(),
        IpNet::V6(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().expect("test net")
    }

    #[test]
    fn parse_checks_family_and_host_bits() {
        assert_eq!(
            parse_subnet("169.254.0.0/30", Family::V4),
            Ok(net("169.254.0.0/30"))
        );
        assert!(matches!(
            parse_subnet("169.254.0.1/30", Family::V4),
            Err(SubnetProblem::HostBitsSet(_))
        ));
        assert!(matches!(
            parse_subnet("fd00::/64", Family::V4),
            Err(SubnetProblem::Unparsable(_))
        ));
        assert!(matches!(
            parse_subnet("169.254.0.0", Family::V4),
            Err(SubnetProblem::Unparsable(_))
        ));
        assert!(matches!(
            parse_subnet("fd00::1/64", Family::V6),
            Err(SubnetProblem::HostBitsSet(_))
        ));
    }

    #[test]
    fn overlap_and_containment() {
        assert!(overlaps(&net("10.0.0.0/8"), &net("10.1.0.0/16")));
        assert!(overlaps(&net("10.1.0.0/16"), &net("10.0.0.0/8")));
        assert!(!overlaps(&net("10.0.0.0/31"), &net("10.0.0.2/31")));
        assert!(within(&net("10.1.0.0/16"), &net("10.0.0.0/8")));
        assert!(!within(&net("10.0.0.0/8"), &net("10.1.0.0/16")));
    }

    #[test]
    fn usable_hosts() {
        let s = net("169.254.0.0/30");
        assert!(!host_is_usable("169.254.0.0".parse().expect("ip"), &s));
        assert!(host_is_usable("169.254.0.1".parse().expect("ip"), &s));
        assert!(!host_is_usable("169.254.0.3".parse().expect("ip"), &s));
        let p2p = net("169.254.0.0/31");
        assert!(host_is_usable("169.254.0.0".parse().expect("ip"), &p2p));
        let v6 = net("fd00::/126");
        assert!(!host_is_usable("fd00::".parse().expect("ip"), &v6));
        assert!(host_is_usable("fd00::3".parse().expect("ip"), &v6));
    }
}
