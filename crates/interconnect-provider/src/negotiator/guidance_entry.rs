//! The L3 guidance the negotiator follows on one channel
//! (`schemas/connection.yaml` `FeatureGuidance`, `L3BaseGuidance`;
//! `spec/REQUIREMENTS.md` GUIDE-19, NEG-6).
//!
//! An unpopulated guidance places no restriction (GUIDE-19): a channel's
//! entry without `l3BaseGuidance` is negotiated like one whose guidance
//! lists nothing, never closed. Only the responder's ASN cannot be chosen
//! freely; it is taken from another channel's entry of the same answer
//! when one names ASN ranges (one provider, one ASN per environment), and
//! when none does the allocator says so (`NoResponderAsn`).

use interconnect_core::names::ChannelName;
use interconnect_core::wire::{GenerateFeatureGuidanceResponse, L3BaseGuidance};

/// The L3 guidance of `channel` in `guidance`; `None` only when the answer
/// has no entry for the channel at all.
pub(super) fn l3_guidance_of(
    guidance: &GenerateFeatureGuidanceResponse,
    channel: &ChannelName,
) -> Option<L3BaseGuidance> {
    let entry = guidance
        .feature_guidance
        .iter()
        .find(|g| g.channel.as_ref() == Some(channel))?;
    if let Some(l3) = &entry.l3_base_guidance {
        return Some(l3.clone());
    }
    let asn_ranges = guidance
        .feature_guidance
        .iter()
        .filter_map(|g| g.l3_base_guidance.as_ref())
        .map(|l3| l3.asn_ranges.clone())
        .find(|ranges| !ranges.is_empty())
        .unwrap_or_default();
    Some(L3BaseGuidance {
        asn_ranges,
        ..L3BaseGuidance::default()
    })
}

#[cfg(test)]
mod tests {
    use interconnect_core::wire::{AsnRange, FeatureGuidance, FeatureType};

    use super::*;

    fn channel(id: &str) -> ChannelName {
        format!("providers/aws/environments/e/interconnects/ix1/channels/{id}")
            .parse()
            .expect("a channel name")
    }

    fn entry(id: &str, l3: Option<L3BaseGuidance>) -> FeatureGuidance {
        FeatureGuidance {
            feature_type: Some(FeatureType::L3Base),
            channel: Some(channel(id)),
            channel_admin_state: None,
            l3_base_guidance: l3,
        }
    }

    #[test]
    fn an_entry_without_l3_guidance_is_unrestricted_not_closed() {
        // GUIDE-19: unpopulated guidance means no restriction
        let asn = vec![AsnRange {
            start: Some(64512),
            stop: Some(64512),
        }];
        let full = L3BaseGuidance {
            asn_ranges: asn.clone(),
            vlan_ranges: Vec::new(),
            ..L3BaseGuidance::default()
        };
        let answer = GenerateFeatureGuidanceResponse {
            feature_guidance: vec![entry("ch1", Some(full.clone())), entry("ch2", None)],
        };
        assert_eq!(l3_guidance_of(&answer, &channel("ch1")), Some(full));
        let open = l3_guidance_of(&answer, &channel("ch2")).expect("not closed");
        assert_eq!(
            open.asn_ranges, asn,
            "the responder's ASN from its other entry"
        );
        assert!(open.ipv4_subnet_guidance.is_empty() && open.vlan_ranges.is_empty());
        let alone = GenerateFeatureGuidanceResponse {
            feature_guidance: vec![entry("ch2", None)],
        };
        assert_eq!(
            l3_guidance_of(&alone, &channel("ch2")),
            Some(L3BaseGuidance::default())
        );
        assert_eq!(
            l3_guidance_of(&alone, &channel("ch9")),
            None,
            "no entry at all"
        );
    }
}
