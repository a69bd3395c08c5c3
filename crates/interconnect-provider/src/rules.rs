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
    /// `ConfirmActivationKey` is `true` only for a key this server issued.
    KEY_ISSUED_HERE = "KEY-14";
    /// ... only for a key not yet used.
    KEY_UNUSED = "KEY-15";
    /// ... only for a key not expired.
    KEY_NOT_EXPIRED = "KEY-16";
    /// ... only when every member equals what was issued.
    KEY_MEMBERS_MATCH = "KEY-17";
    /// ... only for the path's environment and the provider it was issued for.
    KEY_PATH_AND_CALLER = "KEY-18";
    /// The same partner re-confirming gets `true` until a connection exists.
    KEY_CONFIRM_IDEMPOTENT = "KEY-19";
    /// A request with no key is 400.
    KEY_REQUEST_HAS_KEY = "KEY-20";
    /// A request with both `key` and `encodedKey` is 400.
    KEY_ONE_FORM = "KEY-21";
    /// A present but failing key is `keyValid: false` with no hint.
    KEY_UNIFORM_ANSWER = "KEY-22";
    /// `destinationAccountId` is 1 to 256 characters.
    KEY_ACCOUNT_ID = "KEY-11";
    /// Before issuing, the environment offers the size and has room.
    KEY_ISSUE_CHECKS = "KEY-26";
    /// Issuing stores a connection intent, never served as a connection.
    KEY_INTENT_STORED = "KEY-27";
    /// `connectionId` is a valid resource-id segment.
    CONN_ID_SEGMENT = "NAME-9";
    /// `bandwidthMbps` is present and positive (400).
    CONN_BANDWIDTH_POSITIVE = "CONN-1";
    /// `bandwidthMbps` is offered by the interconnect and environment (400).
    CONN_BANDWIDTH_OFFERED = "CONN-2";
    /// The interconnect's connections stay within its bandwidth (409 `ABORTED`).
    CONN_BANDWIDTH_FITS = "CONN-4";
    /// `connectionId` is the UUID of a confirmed intent or of a connection migrated.
    CONN_ID_IS_INTENT = "CONN-3";
    /// A connection with the same name exists (409 `ALREADY_EXISTS`).
    CONN_NAME_TAKEN = "CONN-5";
    /// New connections only on an active interconnect (400); 503 while the
    /// local devices cannot serve it (E-901).
    CONN_INTERCONNECT_ACTIVE = "CONN-6";
    /// `deferProvisioning` is accepted or refused (400).
    CONN_DEFERRAL = "CONN-8";
    /// A connection reserves its bandwidth until deleted or updated.
    CONN_RESERVES = "CONN-9";
    /// Deleting a connection deletes its features and reservations.
    CONN_DELETE_CASCADE = "CONN-10";
    /// Deletion is declined only by the confused-deputy check.
    CONN_DELETE_NOT_DECLINED = "CONN-11";
    /// Deleting a connection invalidates its key.
    CONN_DELETE_REVOKES = "CONN-12";
    /// Never-verified connections are cleaned up after the cleanup age.
    CONN_CLEANUP_UNVERIFIED = "CONN-13";
    /// One-sided connections are cleaned up after the cleanup age.
    CONN_CLEANUP_ONE_SIDED = "CONN-14";
    /// `updateMask` names only `bandwidthMbps`.
    CONN_UPDATE_MASK = "CONN-15";
    /// An updated bandwidth is offered (400) and fits (409).
    CONN_UPDATE_FITS = "CONN-16";
    /// An update while another is in flight is 409.
    CONN_UPDATE_IN_FLIGHT = "CONN-17";
    /// `NotifyConnectionStatus` is recorded.
    CONN_NOTIFY_RECORDED = "CONN-20";
    /// `adminState` and `verificationState` are set by the server.
    CONN_SERVER_STATES = "CONN-21";
    /// A missing connection is 404.
    CONN_MISSING = "CONN-22";
    /// A create body's `name` matches the path and id.
    CONN_CREATE_NAME = "CONN-23";
    /// A migration reuses the UUID under another interconnect.
    CONN_MIGRATION = "CONN-24";
    /// The first create matches the intent's environment, size and key.
    CONN_MATCHES_INTENT = "CONN-25";
    /// New connections start enabled and unverified.
    CONN_INITIAL_STATES = "CONN-26";
    /// An update body's `name` matches; masked members are present and valid.
    CONN_UPDATE_BODY = "CONN-29";
    /// Connections on a closed interconnect stay operable.
    CONN_CLOSED_OPERABLE = "CONN-31";
    /// The cleanup removes features and reservations too.
    CONN_CLEANUP_CASCADE = "CONN-32";
    /// Create, update and delete need a confused-deputy verification (403).
    DEPUTY_VERIFIED = "AUTH-7";
    /// An unfinished connection may be deleted without proof after its window.
    DEPUTY_UNFINISHED_DELETE = "AUTH-10";
    /// The proven account must be the one on record (403).
    DEPUTY_ACCOUNT = "AUTH-12";
    /// The deferral receiver accepts the negotiator role or refuses (400).
    DEFER_RECEIVER_CHOICE = "DEFER-3";
    /// With `deferConnectionProvisioning`, every deferral is accepted.
    DEFER_ENVIRONMENT_ALWAYS = "DEFER-11";
}
