//! The straightforward way to find a free subnet: try every aligned
//! candidate in order and compare it with every blocked subnet. Kept as the
//! oracle the property tests compare [`super::IntervalSet`] against and as
//! the baseline of the allocation benchmark; do not use it in servers.

use ipnet::IpNet;

use super::interval::net_bounds;

/// The lowest aligned block of `2^(bits - len)` addresses inside `include`
/// that overlaps none of `blocked`, found by linear scan.
pub fn first_free_by_scan(include: &IpNet, len: u8, blocked: &[IpNet]) -> Option<u128> {
    let bits: u32 = match include {
        IpNet::V4(_) => 32,
        IpNet::V6(_) => 128,
    };
    let size = 1u128.checked_shl(bits.checked_sub(u32::from(len))?)?;
    let (lo, hi) = net_bounds(include);
    let blocked: Vec<(u128, u128)> = blocked.iter().map(net_bounds).collect();
    let mut candidate = lo.div_ceil(size).checked_mul(size)?;
    while candidate.checked_add(size - 1)? <= hi {
        let last = candidate + (size - 1);
        if !blocked.iter().any(|(s, e)| *s <= last && *e >= candidate) {
            return Some(candidate);
        }
        candidate = candidate.checked_add(size)?;
    }
    None
}
