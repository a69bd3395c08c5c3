//! Which IP versions an end carries.
//!
//! The L3 base feature always has an IPv4 subnet and optionally an IPv6 one
//! (`schemas/feature.yaml`, `L3BaseConfig`: `ipv4Subnet` "Required.",
//! `ipv6Subnet` "Optional."), so a connection is either IPv4 only or dual
//! stack; there is no IPv6-only connection. Both ends must configure the same
//! versions.

use serde::{Deserialize, Serialize};

/// The IP versions an attachment carries. Serialized as `IPV4_ONLY` or
/// `IPV4_IPV6` (the names Google Cloud uses for a stack type).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum IpStack {
    /// `IPV4_ONLY`: IPv4 ranges and routes only.
    #[serde(rename = "IPV4_ONLY")]
    Ipv4Only,
    /// `IPV4_IPV6`: dual stack, IPv4 and IPv6 ranges and routes.
    #[serde(rename = "IPV4_IPV6")]
    DualStack,
}

impl IpStack {
    /// The value as written in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            IpStack::Ipv4Only => "IPV4_ONLY",
            IpStack::DualStack => "IPV4_IPV6",
        }
    }

    /// Whether this stack carries IPv6.
    pub fn has_ipv6(self) -> bool {
        matches!(self, IpStack::DualStack)
    }
}

impl std::fmt::Display for IpStack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names() -> serde_json::Result<()> {
        for stack in [IpStack::Ipv4Only, IpStack::DualStack] {
            let text = serde_json::to_string(&stack)?;
            assert_eq!(text, format!("\"{}\"", stack.as_str()));
            assert_eq!(serde_json::from_str::<IpStack>(&text)?, stack);
        }
        assert!(serde_json::from_str::<IpStack>("\"IPV6_ONLY\"").is_err());
        Ok(())
    }
}
