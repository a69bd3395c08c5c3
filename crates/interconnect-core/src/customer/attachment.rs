//! One end's attachment to its own network: the customer-side half of a
//! connection that the specification leaves to each provider
//! (`docs/ConnectionCoordinatorAPI.md`, "Create Connection at CSP A",
//! "Accept Connection at CSP B").

use ipnet::IpNet;
#[cfg(feature = "schemars")]
use schemars::{Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

use super::{AttachPoint, IpStack};
use crate::names::ProviderName;

/// One end of a connection as the customer sets it up in one cloud: which
/// provider, what it attaches to, the address ranges behind it, which IP
/// versions it carries and its MTU.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Attachment {
    /// The provider this end is in, `providers/{provider}`; a bare provider
    /// id (`aws`) is read too and written back in the full form.
    #[serde(deserialize_with = "provider_reference")]
    pub provider: ProviderName,
    /// What this end attaches to inside its cloud.
    pub attach_point: AttachPoint,
    /// The network's address ranges (VPC CIDRs), for example `10.0.0.0/16`.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "cidr_list_schema"))]
    pub cidrs: Vec<IpNet>,
    /// The IP versions this end carries.
    pub ip_stack: IpStack,
    /// The network's MTU in bytes (`mtuBytes`, as in `L3BaseConfig`).
    pub mtu_bytes: i32,
}

/// Reads a required provider reference, full or bare.
fn provider_reference<'de, D: Deserializer<'de>>(d: D) -> Result<ProviderName, D::Error> {
    crate::wire::provider_ref::option(d)?
        .ok_or_else(|| serde::de::Error::custom("a provider is required, e.g. providers/aws"))
}

/// JSON Schema of a list of CIDR ranges (`ipnet` has no schemars support).
#[cfg(feature = "schemars")]
pub(crate) fn cidr_list_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": {
            "type": "string",
            "description": "An IPv4 or IPv6 range in CIDR notation, such as 10.0.0.0/16 or 2001:db8::/56.",
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn provider_is_read_bare_or_full_and_written_full() -> Result<(), Box<dyn std::error::Error>> {
        let mut doc = json!({
            "provider": "aws",
            "attachPoint": {"kind": "awsTransitGateway", "id": "tgw-1"},
            "cidrs": ["10.0.0.0/16"], "ipStack": "IPV4_ONLY", "mtuBytes": 1500,
        });
        let bare: Attachment = serde_json::from_value(doc.clone())?;
        assert_eq!(bare.provider, ProviderName::new("aws")?);
        assert_eq!(
            serde_json::to_value(&bare)?["provider"],
            json!("providers/aws")
        );
        doc["provider"] = json!("providers/aws");
        assert_eq!(serde_json::from_value::<Attachment>(doc.clone())?, bare);
        doc["provider"] = json!(null);
        assert!(serde_json::from_value::<Attachment>(doc).is_err());
        Ok(())
    }
}
