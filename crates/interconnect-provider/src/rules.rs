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

rule_ids! {
    /// `GenerateFeatureGuidance` has one entry per channel of the interconnect.
    GUIDE_ONE_PER_CHANNEL = "GUIDE-1";
    /// Each entry's `channelAdminState` is the channel's `adminState`.
    GUIDE_CHANNEL_ADMIN_STATE = "GUIDE-2";
    /// An entry is `FEATURE_TYPE_L3_BASE` exactly when it has `l3BaseGuidance`.
    GUIDE_TYPE_MATCHES_GUIDANCE = "GUIDE-3";
    /// `excludeSubnets` list the subnets in use; VLAN ranges are not filtered.
    GUIDE_EXCLUDES_USED = "GUIDE-15";
    /// `asnRanges` include the server's own ASN.
    GUIDE_OWN_ASN = "GUIDE-16";
    /// Guidance is generated from current state on each call.
    GUIDE_CURRENT_STATE = "GUIDE-17";
    /// The connection of `GenerateFeatureGuidance` must exist (404).
    GUIDE_CONNECTION_EXISTS = "GUIDE-18";
    /// Absent guidance lists restrict nothing; preferences are not enforced.
    GUIDE_PREFERENCES_NOT_ENFORCED = "GUIDE-19";
    /// `CreateFeature` is accepted in full or rejected in full.
    FEAT_ALL_OR_NOTHING = "FEAT-1";
    /// Concurrent proposals on a channel are judged one at a time.
    FEAT_SERIALIZED = "FEAT-2";
    /// At most one L3 base feature per connection and channel (409).
    FEAT_ONE_PER_CHANNEL = "FEAT-3";
    /// `featureId` is any valid segment.
    FEAT_OPAQUE_ID = "FEAT-4";
    /// A feature with the same name exists (409).
    FEAT_NAME_TAKEN = "FEAT-5";
    /// The parent connection (and a feature named in the path) must exist (404).
    FEAT_EXISTS = "FEAT-6";
    /// `provisioningState` is set by the server.
    FEAT_PROVISIONING_STATE = "FEAT-7";
    /// `DeleteFeature` releases the feature's reservations.
    FEAT_RELEASE = "FEAT-10";
    /// A body `name` equals the name the path and `featureId` give (400).
    FEAT_BODY_NAME = "FEAT-11";
    /// A proposal off the guidance is rejected (400, via the L3 rules).
    FEAT_FOLLOWS_GUIDANCE = "FEAT-12";
    /// The feature's channel must be `ADMIN_STATE_ENABLED` (400).
    FEAT_CHANNEL_ENABLED = "FEAT-13";
    /// Features are never modified in place.
    FEAT_NEVER_MODIFIED = "FEAT-14";
    /// The feature type is one the interconnect supports (400).
    FEAT_TYPE_SUPPORTED = "FEAT-15";
    /// A required id parameter (`macSecKeyId`, `issueId`) is a valid segment (400).
    ID_PARAMETER_SEGMENT = "ERR-5";
    /// A missing MACsec key is 404.
    MISSING_RESOURCE = "ERR-3";
    /// Only the channel's MACsec manager creates keys on it (409).
    MACSEC_CREATE_BY_MANAGER = "MACSEC-1";
    /// Only the channel's MACsec manager deletes keys on it (409).
    MACSEC_DELETE_BY_MANAGER = "MACSEC-2";
    /// A channel holds at most two keys (409).
    MACSEC_TWO_PER_CHANNEL = "MACSEC-3";
    /// An interconnect of N channels holds at most N+1 keys (409).
    MACSEC_N_PLUS_ONE = "MACSEC-4";
    /// One channel per interconnect in rotation at a time (409).
    MACSEC_ONE_ROTATION = "MACSEC-5";
    /// Bake time after a rotation on the same channel (409).
    MACSEC_BAKE_TIME = "MACSEC-6";
    /// An active key cannot be deleted (409).
    MACSEC_ACTIVE_NOT_DELETED = "MACSEC-7";
    /// At most one active key per channel.
    MACSEC_ONE_ACTIVE = "MACSEC-8";
    /// The receiver checks a key before configuring it on its devices.
    MACSEC_CHECK_BEFORE_INSTALL = "MACSEC-17";
    /// `RequestMacSecKeyRotation` comes from the non-manager (400).
    MACSEC_ROTATION_REQUEST_FROM_PEER = "MACSEC-16";
    /// Duplicate key name (409) or a body `name` that differs (400).
    MACSEC_NAME = "MACSEC-21";
    /// The keys of a channel have distinct CKNs (409).
    MACSEC_DISTINCT_CKN = "MACSEC-22";
    /// Maintenance events we publish start before they end.
    MAINT_START_BEFORE_END = "MAINT-2";
    /// The channel of a maintenance event exists (404).
    MAINT_CHANNEL_EXISTS = "MAINT-8";
    /// Maintenance ids are unique within the channel.
    MAINT_UNIQUE_ID = "MAINT-3";
    /// No overlapping maintenance on two channels of one interconnect.
    MAINT_NO_OVERLAP = "MAINT-6";
    /// A context name lies under the caller's provider (403).
    ISSUE_CONTEXT_OWN_PROVIDER = "ISSUE-6";
    /// Allowed issue state transitions.
    ISSUE_TRANSITIONS = "ISSUE-8";
    /// No comment on a closed issue (409).
    ISSUE_CLOSED_NO_COMMENT = "ISSUE-9";
    /// A comment's body is not blank (400).
    ISSUE_COMMENT_BODY = "ISSUE-10";
    /// Duplicate issue name (409) or a body `name` that differs (400).
    ISSUE_NAME = "ISSUE-12";
    /// A missing issue is 404.
    ISSUE_NOT_FOUND = "ISSUE-14";
    /// The server never writes `STATE_UNSPECIFIED`.
    ISSUE_STATE_SPECIFIED = "ISSUE-17";
}
