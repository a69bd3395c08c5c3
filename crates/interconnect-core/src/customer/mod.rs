//! Customer-side resources: what a customer requests at the initiating
//! provider and accepts at the other one, and the rules that pair must meet.
//!
//! The specification leaves this side to each provider
//! (`docs/ConnectionCoordinatorAPI.md`, "Create Connection at CSP A": "the
//! specification does not set out any specific API names of constructs that
//! must be used"). We model it so a network automation author can check a
//! customer's intent before anything is created. No I/O.
//!
//! | file | what it holds |
//! |---|---|
//! | `bandwidth.rs` | [`Bandwidth`]: `500Mbps`, `1Gbps`, `BPS_1G` as whole Mbps |
//! | `ip_stack.rs` | [`IpStack`]: IPv4 only or dual stack |
//! | `attach_point.rs` | [`AttachPoint`]: the gateway or network an end attaches to |
//! | `attachment.rs` | [`Attachment`]: one end (provider, attach point, CIDRs, stack, MTU) |
//! | `request.rs` | [`ConnectionRequest`] and [`TransportAcceptance`]: the customer's two documents |
//! | `pair.rs` | [`validate_pair`], [`validate_request_and_acceptance`], [`PairContext`] |
//! | `violation.rs` | [`Violation`] and [`RULES`], the `CUST-` rule ids |
//!
//! ```
//! use interconnect_core::customer::{validate_pair, Attachment, PairContext};
//!
//! let local: Attachment = serde_json::from_str(r#"{
//!     "provider": "providers/aws",
//!     "attachPoint": {"kind": "awsDirectConnectGateway", "id": "dxgw-1"},
//!     "cidrs": ["10.0.0.0/16"], "ipStack": "IPV4_ONLY", "mtuBytes": 8500}"#)?;
//! let remote: Attachment = serde_json::from_str(r#"{
//!     "provider": "providers/gcp",
//!     "attachPoint": {"kind": "googleCloudVpcNetwork", "id": "prod"},
//!     "cidrs": ["10.0.128.0/20"], "ipStack": "IPV4_ONLY", "mtuBytes": 8500}"#)?;
//! let found = validate_pair(&local, &remote, &PairContext::default());
//! assert_eq!(found[0].rule, "CUST-CIDR-OVERLAP");
//! assert_eq!(found[0].path, "remote.cidrs[0]");
//! # Ok::<(), serde_json::Error>(())
//! ```

mod attach_point;
mod attachment;
mod bandwidth;
mod ip_stack;
mod pair;
mod request;
mod violation;

pub use attach_point::AttachPoint;
pub use attachment::Attachment;
pub use bandwidth::{Bandwidth, BandwidthError, MAX_BANDWIDTH_MBPS, MAX_BANDWIDTH_TEXT_LEN};
pub use ip_stack::IpStack;
pub use pair::{
    MAX_CIDRS, MIN_MTU_IPV4, MIN_MTU_IPV6, PairContext, validate_pair,
    validate_request_and_acceptance,
};
pub use request::{ConnectionRequest, TransportAcceptance};
pub use violation::{RULES, Violation};

/// The rule ids as constants, for matching on [`Violation::rule`].
pub mod rules {
    pub use super::violation::{
        ACCOUNT_MISMATCH, ATTACH_POINT_ID, BANDWIDTH_NOT_OFFERED, CIDR_FAMILY_MISSING,
        CIDR_FAMILY_UNDECLARED, CIDR_HOST_BITS, CIDR_OVERLAP, CIDR_OVERLAP_WITHIN, CIDR_TOO_MANY,
        IP_STACK_MISMATCH, MTU_MISMATCH, MTU_RANGE, PROVIDER_SAME,
    };
}
