//! A set of closed integer intervals over the address space (`u128`, wide
//! enough for IPv6), kept sorted and merged, answering "lowest aligned block
//! of this size that is free" without scanning addresses one by one.

use std::collections::BTreeMap;

use ipnet::IpNet;

/// Disjoint, merged intervals `start..=end`, keyed by start.
#[derive(Debug, Clone, Default)]
pub struct IntervalSet {
    by_start: BTreeMap<u128, u128>,
}

/// First and last address of a network, as integers.
pub fn net_bounds(net: &IpNet) -> (u128, u128) {
    match net {
        IpNet::V4(n) => (
            u128::from(u32::from(n.network())),
            u128::from(u32::from(n.broadcast())),
        ),
        IpNet::V6(n) => (u128::from(n.network()), u128::from(n.broadcast())),
    }
}

impl IntervalSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a set from intervals in any order, merging overlaps. Sorting
    /// first makes this `O(n log n)`.
    pub fn from_intervals(mut items: Vec<(u128, u128)>) -> Self {
        items.sort_unstable();
        let mut by_start = BTreeMap::new();
        let mut current: Option<(u128, u128)> = None;
        for (s, e) in items {
            current = match current {
                Some((cs, ce)) if s <= ce.saturating_add(1) => Some((cs, ce.max(e))),
                Some((cs, ce)) => {
                    by_start.insert(cs, ce);
                    Some((s, e))
                }
                None => Some((s, e)),
            };
        }
        if let Some((cs, ce)) = current {
            by_start.insert(cs, ce);
        }
        IntervalSet { by_start }
    }

    /// Adds `start..=end`, merging with neighbours.
    pub fn insert(&mut self, start: u128, end: u128) {
        let (mut s, mut e) = (start, end);
        // Merge with an interval that starts before and reaches us.
        if let Some((&ps, &pe)) = self.by_start.range(..=s).next_back()
            && pe.saturating_add(1) >= s
        {
            s = ps;
            e = e.max(pe);
            self.by_start.remove(&ps);
        }
        // Swallow intervals that start inside (or right after) us.
        while let Some((&ns, &ne)) = self.by_start.range(s..).next() {
            if ns > e.saturating_add(1) {
                break;
            }
            e = e.max(ne);
            self.by_start.remove(&ns);
        }
        self.by_start.insert(s, e);
    }

    /// The interval covering `point`, if any.
    fn covering(&self, point: u128) -> Option<(u128, u128)> {
        self.by_start
            .range(..=point)
            .next_back()
            .filter(|(_, e)| **e >= point)
            .map(|(s, e)| (*s, *e))
    }

    /// The first interval starting after `point`.
    fn next_after(&self, point: u128) -> Option<(u128, u128)> {
        use std::ops::Bound::{Excluded, Unbounded};
        self.by_start
            .range((Excluded(point), Unbounded))
            .next()
            .map(|(s, e)| (*s, *e))
    }

    /// Whether any address of `start..=end` is in the set.
    pub fn intersects(&self, start: u128, end: u128) -> bool {
        self.covering(start).is_some() || self.next_after(start).is_some_and(|(s, _)| s <= end)
    }

    /// The lowest `start`, aligned to `size` (a power of two), such that
    /// `start..start+size` lies in `lo..=hi` and touches no interval.
    pub fn first_free_aligned(&self, lo: u128, hi: u128, size: u128) -> Option<u128> {
        if size == 0 {
            return None;
        }
        let mut candidate = align_up(lo, size)?;
        loop {
            let last = candidate.checked_add(size - 1)?;
            if last > hi {
                return None;
            }
            let blocker = self
                .covering(candidate)
                .or_else(|| self.next_after(candidate).filter(|(s, _)| *s <= last));
            match blocker {
                None => return Some(candidate),
                Some((_, end)) => candidate = align_up(end.checked_add(1)?, size)?,
            }
        }
    }

    /// Number of disjoint intervals held.
    pub fn len(&self) -> usize {
        self.by_start.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.by_start.is_empty()
    }
}

fn align_up(v: u128, size: u128) -> Option<u128> {
    let rem = v % size;
    if rem == 0 {
        Some(v)
    } else {
        v.checked_add(size - rem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn merges_on_build_and_insert() {
        let s = IntervalSet::from_intervals(vec![(10, 20), (0, 3), (4, 5), (21, 21), (30, 40)]);
        assert_eq!(
            s.by_start.iter().map(|(a, b)| (*a, *b)).collect::<Vec<_>>(),
            vec![(0, 5), (10, 21), (30, 40)]
        );
        let mut t = IntervalSet::new();
        for (a, b) in [(10, 20), (0, 3), (4, 5), (21, 21), (30, 40), (6, 9)] {
            t.insert(a, b);
        }
        assert_eq!(
            t.by_start.iter().map(|(a, b)| (*a, *b)).collect::<Vec<_>>(),
            vec![(0, 21), (30, 40)]
        );
    }

    #[test]
    fn finds_lowest_aligned_gap() {
        let s = IntervalSet::from_intervals(vec![(0, 3), (8, 11)]);
        assert_eq!(s.first_free_aligned(0, 100, 4), Some(4));
        assert_eq!(s.first_free_aligned(0, 100, 8), Some(16));
        assert_eq!(s.first_free_aligned(0, 7, 8), None);
        assert_eq!(s.first_free_aligned(1, 100, 2), Some(4));
        assert_eq!(
            IntervalSet::new().first_free_aligned(u128::MAX - 3, u128::MAX, 4),
            Some(u128::MAX - 3)
        );
    }

    proptest! {
        #[test]
        fn agrees_with_a_linear_scan(
            blocks in proptest::collection::vec((0u128..256, 0u128..8), 0..40),
            size_pow in 0u32..5,
            lo in 0u128..64,
        ) {
            let size = 1u128 << size_pow;
            let items: Vec<(u128, u128)> = blocks.iter().map(|(s, l)| (*s, s + l)).collect();
            let set = IntervalSet::from_intervals(items.clone());
            let hi = 300u128;
            let naive = (0..=hi)
                .step_by(usize::try_from(size).expect("small"))
                .filter(|c| *c >= lo && c + size - 1 <= hi)
                .find(|c| !items.iter().any(|(s, e)| *s < c + size && *e >= *c));
            prop_assert_eq!(set.first_free_aligned(lo, hi, size), naive);
        }
    }
}
