//! What one end of a connection attaches to inside its own cloud.
//!
//! The specification leaves the customer side to each provider. The product
//! announcements name these attach points: on AWS a Direct Connect gateway
//! (to which the customer associates a virtual private gateway), a Transit
//! Gateway, or a Cloud WAN core network; on Google Cloud a VPC network peered
//! with the transport. Anything else is [`AttachPoint::Other`].

use serde::{Deserialize, Serialize};

/// The resource an end attaches to, tagged by `kind`, each with the
/// resource's id in its cloud (for example
/// `{"kind": "awsDirectConnectGateway", "id": "5f0c..."}`).
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum AttachPoint {
    /// `awsDirectConnectGateway`: an AWS Direct Connect gateway id.
    AwsDirectConnectGateway {
        /// The gateway id.
        id: String,
    },
    /// `awsTransitGateway`: an AWS Transit Gateway id (`tgw-...`).
    AwsTransitGateway {
        /// The transit gateway id.
        id: String,
    },
    /// `awsCloudWan`: an AWS Cloud WAN core network id (`core-network-...`).
    AwsCloudWan {
        /// The core network id.
        id: String,
    },
    /// `googleCloudVpcNetwork`: a Google Cloud VPC network
    /// (`projects/{project}/global/networks/{network}` or its name).
    GoogleCloudVpcNetwork {
        /// The network name or path.
        id: String,
    },
    /// `other`: a resource of a kind not listed here.
    #[serde(rename_all = "camelCase")]
    Other {
        /// What kind of resource it is, in the provider's words.
        resource_type: String,
        /// Its id.
        id: String,
    },
}

impl AttachPoint {
    /// The attached resource's id.
    pub fn id(&self) -> &str {
        match self {
            AttachPoint::AwsDirectConnectGateway { id }
            | AttachPoint::AwsTransitGateway { id }
            | AttachPoint::AwsCloudWan { id }
            | AttachPoint::GoogleCloudVpcNetwork { id }
            | AttachPoint::Other { id, .. } => id,
        }
    }

    /// The `kind` tag as written in documents.
    pub fn kind(&self) -> &'static str {
        match self {
            AttachPoint::AwsDirectConnectGateway { .. } => "awsDirectConnectGateway",
            AttachPoint::AwsTransitGateway { .. } => "awsTransitGateway",
            AttachPoint::AwsCloudWan { .. } => "awsCloudWan",
            AttachPoint::GoogleCloudVpcNetwork { .. } => "googleCloudVpcNetwork",
            AttachPoint::Other { .. } => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tagged_by_kind() -> serde_json::Result<()> {
        let points = [
            AttachPoint::AwsDirectConnectGateway { id: "g".into() },
            AttachPoint::AwsTransitGateway { id: "g".into() },
            AttachPoint::AwsCloudWan { id: "g".into() },
            AttachPoint::GoogleCloudVpcNetwork { id: "g".into() },
            AttachPoint::Other {
                resource_type: "vnet".into(),
                id: "g".into(),
            },
        ];
        for p in points {
            let v = serde_json::to_value(&p)?;
            assert_eq!(v["kind"], json!(p.kind()));
            assert_eq!(v["id"], json!(p.id()));
            assert_eq!(serde_json::from_value::<AttachPoint>(v)?, p);
        }
        let other = serde_json::to_value(AttachPoint::Other {
            resource_type: "vnet".into(),
            id: "x".into(),
        })?;
        assert_eq!(
            other,
            json!({"kind": "other", "resourceType": "vnet", "id": "x"})
        );
        assert!(serde_json::from_value::<AttachPoint>(json!({"kind": "vpn", "id": "x"})).is_err());
        Ok(())
    }
}
