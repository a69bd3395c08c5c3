//! Validation rules the specification's prose implies, each reported with its
//! requirement id (`spec/REQUIREMENTS.md`), the JSON path of the member at
//! fault and a message. Validators report every violation at once: the
//! responder accepts a proposal in full or rejects it in full
//! (Protocols.md, "Negotiate Feature Parameters"), and a rejection should say
//! everything that is wrong.
//!
//! | file | rules |
//! |---|---|
//! | `guidance.rs` | GUIDE-*: feature guidance is coherent |
//! | `l3_feature.rs` | L3-*: a proposed L3 base feature |
//! | `resources.rs` | CONN-*, ENV-*, MACSEC-*, MAINT-*, ISSUE-* |

mod guidance;
mod l3_feature;
mod mac_sec_encoding;
mod resources;
pub mod rules;
mod subnet;
mod violation;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod near_valid;
#[cfg(test)]
mod proptests;

pub use guidance::validate_l3_guidance;
pub use l3_feature::{
    ChannelUsage, L3Context, MAX_MD5_PASSWORD_LEN, RESERVED_ASNS, USABLE_VLANS, validate_l3_feature,
};
pub use mac_sec_encoding::{MAX_MAC_SEC_TEXT_LEN, MacSecKeyEncoding, validate_mac_sec_key_as};
pub use resources::{
    validate_connection_bandwidth, validate_environment, validate_issue, validate_mac_sec_key,
    validate_maintenance_event,
};
pub use subnet::{Family, SubnetProblem, host_is_usable, overlaps, parse_subnet, within};
pub use violation::{Report, Violation};
