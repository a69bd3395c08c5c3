//! Typed resource names, one type per level of the hierarchy in
//! `openapi.yaml` paths and `ConnectionCoordinatorAPI.md` ("Primary Object Types"):
//!
//! ```text
//! providers/{provider}                                           ProviderName
//!   /environments/{environment}                                  EnvironmentName
//!     /interconnects/{interconnect}                              InterconnectName
//!       /channels/{channel}                                      ChannelName
//!         /macSecKeys/{macSecKey}                                MacSecKeyName
//!       /connections/{connection}                                ConnectionName
//!         /features/{feature}                                    FeatureName
//!   /issues/{issue}                                              IssueName
//! ```
//!
//! A name is parsed once at the edge and then carried typed: a parsed name is
//! always valid, displays to exactly the text it was parsed from, and knows its
//! parent. Wire types hold these names and serialize them as strings.
//!
//! ```
//! use interconnect_core::names::{ChannelName, ConnectionName};
//!
//! let conn: ConnectionName =
//!     "providers/gcp/environments/aws-gcp-us-east/interconnects/ix1/connections/5f0c".parse()?;
//! let ch1 = conn.interconnect().channel("ch1")?;
//! assert!(conn.contains_channel(&ch1));
//! assert_eq!(ch1.to_string(), "providers/gcp/environments/aws-gcp-us-east/interconnects/ix1/channels/ch1");
//! # Ok::<(), interconnect_core::names::NameError>(())
//! ```

mod error;
mod levels;
mod segment;

#[cfg(test)]
mod proptests;

pub use error::NameError;
pub use levels::{
    ChannelName, ConnectionName, EnvironmentName, FeatureName, InterconnectName, IssueName,
    MacSecKeyName, ProviderName,
};
pub(crate) use segment::shorten;
pub use segment::{MAX_SEGMENT_LEN, Segment};

/// Longest full name we look at before rejecting it, in bytes. The deepest
/// name has 7 levels of at most 128 characters plus their collection words,
/// well under this bound.
pub const MAX_NAME_LEN: usize = 1024;
