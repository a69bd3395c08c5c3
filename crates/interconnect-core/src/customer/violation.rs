//! One broken customer-side rule, and the list of every rule.
//!
//! Rule ids start with `CUST-`; [`RULES`] lists each with a one-line
//! description so that `spec/REQUIREMENTS.md` can be checked against it.

/// CIDR range at one end overlaps a range at the other end.
pub const CIDR_OVERLAP: &str = "CUST-CIDR-OVERLAP";
/// Two CIDR ranges of the same end overlap.
pub const CIDR_OVERLAP_WITHIN: &str = "CUST-CIDR-OVERLAP-WITHIN";
/// A CIDR range has bits set after its prefix length.
pub const CIDR_HOST_BITS: &str = "CUST-CIDR-HOST-BITS";
/// An end's IP stack declares a family for which it has no CIDR range.
pub const CIDR_FAMILY_MISSING: &str = "CUST-CIDR-FAMILY-MISSING";
/// An IPv4-only end holds an IPv6 CIDR range.
pub const CIDR_FAMILY_UNDECLARED: &str = "CUST-CIDR-FAMILY-UNDECLARED";
/// An end lists more CIDR ranges than we check.
pub const CIDR_TOO_MANY: &str = "CUST-CIDR-TOO-MANY";
/// The two ends declare different IP stacks.
pub const IP_STACK_MISMATCH: &str = "CUST-IP-STACK-MISMATCH";
/// The two ends declare different MTUs.
pub const MTU_MISMATCH: &str = "CUST-MTU-MISMATCH";
/// An end's MTU is below the minimum of the IP versions it carries.
pub const MTU_RANGE: &str = "CUST-MTU-RANGE";
/// An attach point has an empty id.
pub const ATTACH_POINT_ID: &str = "CUST-ATTACH-POINT-ID";
/// Both ends name the same provider.
pub const PROVIDER_SAME: &str = "CUST-PROVIDER-SAME";
/// The requested bandwidth is not one the environment offers.
pub const BANDWIDTH_NOT_OFFERED: &str = "CUST-BANDWIDTH-NOT-OFFERED";
/// The accepting account is not the activation key's destination account.
pub const ACCOUNT_MISMATCH: &str = "CUST-ACCOUNT-MISMATCH";

/// Every customer-side rule id with a one-line description.
pub const RULES: &[(&str, &str)] = &[
    (
        CIDR_OVERLAP,
        "a CIDR range at one end overlaps a CIDR range at the other end",
    ),
    (
        CIDR_OVERLAP_WITHIN,
        "two CIDR ranges of the same end overlap",
    ),
    (
        CIDR_HOST_BITS,
        "a CIDR range has address bits set after its prefix length",
    ),
    (
        CIDR_FAMILY_MISSING,
        "an end's IP stack declares an IP version for which the end has no CIDR range",
    ),
    (
        CIDR_FAMILY_UNDECLARED,
        "an IPv4-only end holds an IPv6 CIDR range",
    ),
    (
        CIDR_TOO_MANY,
        "an end lists more than 1000 CIDR ranges; its overlaps are not checked",
    ),
    (
        IP_STACK_MISMATCH,
        "the two ends declare different IP stacks",
    ),
    (MTU_MISMATCH, "the two ends declare different MTUs"),
    (
        MTU_RANGE,
        "an end's MTU is below 68 bytes (IPv4) or, for dual stack, below 1280 bytes (IPv6)",
    ),
    (ATTACH_POINT_ID, "an end's attach point has an empty id"),
    (
        PROVIDER_SAME,
        "both ends name the same provider; a pair spans two providers",
    ),
    (
        BANDWIDTH_NOT_OFFERED,
        "the requested bandwidth is not one of the environment's offered bandwidths",
    ),
    (
        ACCOUNT_MISMATCH,
        "the accepting account is not the activation key's destination account",
    ),
];

/// A customer-side rule that a document breaks: the same type the other
/// validators report ([`crate::validation::Violation`]).
pub use crate::validation::Violation;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_prefixed() {
        let mut ids: Vec<&str> = RULES.iter().map(|(id, _)| *id).collect();
        assert!(ids.iter().all(|id| id.starts_with("CUST-")));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        assert!(RULES.iter().all(|(_, d)| !d.is_empty()));
    }

    #[test]
    fn serializes_rule_path_message() -> serde_json::Result<()> {
        let v = Violation::new(MTU_MISMATCH, "remote.mtuBytes", "m");
        assert_eq!(
            serde_json::to_value(&v)?,
            serde_json::json!({"rule": "CUST-MTU-MISMATCH", "path": "remote.mtuBytes", "message": "m"})
        );
        assert_eq!(v.to_string(), "CUST-MTU-MISMATCH at remote.mtuBytes: m");
        Ok(())
    }
}
