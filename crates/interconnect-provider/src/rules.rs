//! Requirement ids (`spec/REQUIREMENTS.md`) of the server-side rules this
//! crate enforces. Every error a coordinator answers names one of these, and
//! `tests/requirements.rs` checks that each has a row that is not `planned`.
//! One `rule_ids!` block per family of operations.

macro_rules! rule_ids {
    ($($(#[$doc:meta])* $name:ident = $id:literal;)*) => {
        $( $(#[$doc])* pub const $name: &str = $id; )*
    };
}

rule_ids! {
    /// The provider in the path must be one the caller may act as (403).
    AUTH_ACT_AS = "AUTH-2";
    /// A negative `pageSize` is refused.
    LIST_NEGATIVE_SIZE = "LIST-3";
    /// Page tokens are opaque and tamper-evident.
    LIST_OPAQUE_TOKEN = "LIST-4";
    /// A page token is bound to its operation, parent and caller.
    LIST_TOKEN_SCOPE = "LIST-5";
}

rule_ids! {
    /// The providers of an environment are the server and the partner.
    ENV_SITES_ARE_THE_PAIR = "ENV-3";
    /// An interconnect offers every size and feature of its environment.
    ENV_INTERCONNECT_OFFERS = "ENV-4";
    /// Sizes are positive and not repeated.
    ENV_SIZES_DISTINCT = "ENV-5";
    /// `deferralTimeoutHours` is not negative.
    ENV_DEFERRAL_TIMEOUT = "ENV-6";
    /// `maxBandwidthMbps` is positive and within the smallest channel.
    ENV_MAX_BANDWIDTH = "ENV-9";
    /// A missing environment, interconnect or channel is 404.
    ENV_NOT_FOUND = "ENV-10";
    /// No two channels of an interconnect share a device.
    OPS_DISTINCT_DEVICES = "OPS-3";
    /// The server's guidance policy is coherent.
    GUIDE_POLICY = "GUIDE-20";
}
