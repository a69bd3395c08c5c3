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
    /// Channel managers are providers of the pair.
    ENV_CHANNEL_MANAGERS = "ENV-11";
    /// Channel sizes are positive and the aggregate a multiple of the member size.
    ENV_CHANNEL_SIZES = "ENV-13";
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
    /// `sourceData` wins over the deprecated `activationKey`.
    CONN_SOURCE_DATA_WINS = "CONN-40";
    /// TEST connections: below the minimum size, not counted, within the quota (409).
    CONN_TEST_QUOTA = "CONN-41";
    /// A migration's `sourceConnectionName` names the caller's connection being migrated (400).
    CONN_MIGRATION_SOURCE = "CONN-42";
    /// `connectionType` is one this server knows (400).
    CONN_TYPE_KNOWN = "CONN-43";
    /// MONITORING connections: not counted, may come without a key.
    CONN_MONITORING_UNCOUNTED = "CONN-44";
    /// At most one MONITORING connection per interconnect from each provider (409).
    CONN_MONITORING_QUOTA = "CONN-45";
    /// A replayed mutation answers its recorded outcome and changes nothing.
    REQ_REPLAY = "REQ-3";
    /// A `requestId` reused for another operation, target or content is 409.
    REQ_CONFLICT = "REQ-4";
    /// UpdateFeature on a feature that is not updatable is 405.
    FEAT_NOT_UPDATABLE = "FEAT-16";
    /// Every served feature says whether it is `updatable` (L3 base: false).
    FEAT_UPDATABLE_SERVED = "FEAT-17";
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
    /// local devices cannot serve it (E-83).
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

rule_ids! {
    /// The key receiver checks the key, environment and size before confirming.
    KEY_RECEIVER_CHECKS = "KEY-23";
    /// The accepting customer is the key's destination account.
    KEY_RECEIVER_ACCOUNT = "KEY-24";
    /// An invalid key stops the flow and leaves nothing behind.
    KEY_RECEIVER_STOPS = "KEY-25";
    /// The receiver shows what the key asks for before accepting.
    KEY_RECEIVER_DESCRIBES = "KEY-28";
    /// `ConfirmActivationKey` comes before any local connection.
    KEY_RECEIVER_CONFIRMS_FIRST = "KEY-29";
    /// The caller creates its own connection before `CreateConnection`.
    CONN_LOCAL_FIRST = "CONN-7";
    /// The caller updates its copy first and the network after the peer's 200.
    CONN_UPDATE_LOCAL_FIRST = "CONN-18";
    /// Each side notifies when its update is complete.
    CONN_UPDATE_NOTIFIES = "CONN-19";
    /// A customer's delete removes the local copy and tells the peer.
    CONN_DELETE_TELLS_PEER = "CONN-28";
    /// Provisioning may start once ceil(3N/4) features are accepted.
    FEAT_QUORUM = "FEAT-8";
    /// A deleted feature is re-created by the channel's owner.
    FEAT_RECREATED_BY_OWNER = "FEAT-9";
    /// The key receiver negotiates unless it defers.
    NEG_ROLE = "NEG-1";
    /// The interconnect with the most free bandwidth is proposed.
    NEG_MOST_FREE = "NEG-2";
    /// On 409 another interconnect is proposed.
    NEG_OTHER_INTERCONNECT = "NEG-3";
    /// Retries back off exponentially within 60 seconds.
    NEG_BACKOFF = "NEG-4";
    /// Guidance once per connection, then one feature per channel.
    NEG_GUIDANCE_ONCE = "NEG-5";
    /// Proposals follow the guidance.
    NEG_FOLLOWS_GUIDANCE = "NEG-6";
    /// Local creation comes before the peer's.
    NEG_LOCAL_FIRST = "NEG-7";
    /// After a 409 a channel restarts from guidance; a 400 is never resent.
    NEG_RESTART_CHANNEL = "NEG-8";
    /// Channels are listed, never assumed.
    NEG_LISTED_CHANNELS = "NEG-9";
    /// Provisioning starts at ceil(3N/4) accepted features.
    NEG_QUORUM = "NEG-11";
    /// Notify when all local features are final.
    NEG_NOTIFY_FINAL = "NEG-12";
    /// Verified only when final, acknowledged and notified.
    NEG_VERIFIED = "NEG-13";
    /// Notify again after a feature went back to pending.
    NEG_NOTIFY_AGAIN = "NEG-14";
    /// Migration is make-before-break.
    NEG_MIGRATION = "NEG-15";
    /// After a failure, reconcile, then retry or clean up.
    NEG_RECONCILE = "NEG-16";
    /// A bandwidth increase the interconnect cannot carry is a migration.
    NEG_INCREASE_MIGRATES = "NEG-18";
    /// The peer's provisioning is awaited up to the cleanup window.
    NEG_WAIT_PEER = "NEG-19";
    /// The deferring provider creates its connection first.
    DEFER_LOCAL_FIRST = "DEFER-1";
    /// Deferral only through `deferProvisioning`.
    DEFER_ONLY_FLAG = "DEFER-2";
    /// With `deferConnectionProvisioning`, the key receiver always defers.
    DEFER_ENVIRONMENT_DEFERS = "DEFER-4";
    /// The deferring provider watches for `deferralTimeoutHours`.
    DEFER_WATCH = "DEFER-5";
    /// Deferral succeeds on the peer's notification or verification.
    DEFER_SUCCESS = "DEFER-6";
    /// On timeout the deferring provider deletes both sides.
    DEFER_ROLLBACK = "DEFER-7";
    /// The deferring provider confirms the key first.
    DEFER_CONFIRMS = "DEFER-8";
    /// The deferring provider still picks the interconnect.
    DEFER_PICKS_INTERCONNECT = "DEFER-9";
    /// After a refused deferral, negotiate or give up.
    DEFER_AFTER_REFUSAL = "DEFER-10";
    /// The cleanup runs periodically.
    OPS_CLEANUP_RUNS = "OPS-7";
}

rule_ids! {
    /// A change of maintenance is pushed, and the peer pulls at once.
    MAINT_NOTIFY_AND_PULL = "MAINT-4";
    /// The rotation initiator deletes the old key once the new one is active.
    MACSEC_DELETE_OLD_KEY = "MACSEC-18";
    /// The manager installs the new key in standby before `CreateMacSecKey`.
    MACSEC_STANDBY_FIRST = "MACSEC-19";
    /// On key failure the link fails closed: the old key stays active.
    MACSEC_FAIL_CLOSED = "MACSEC-20";
    /// The manager rotates its channels one at a time, with the bake time between.
    MACSEC_ROTATION_CADENCE = "MACSEC-23";
    /// After a failed rotation, fail forward with a fresh key.
    MACSEC_FAIL_FORWARD = "MACSEC-24";
    /// The manager rotates a key once it reaches the policy's maximum age.
    MACSEC_MAX_KEY_AGE = "MACSEC-26";
}

rule_ids! {
    /// A server may refuse an update under its own limits (400).
    CONN_UPDATE_LIMIT = "CONN-30";
    /// Both providers' copies of an interconnect list the same sizes.
    ENV_SAME_SIZES = "ENV-12";
    /// A private environment is open only to the agreed customers.
    ENV_PRIVATE = "ENV-14";
    /// Members exchanged in advance hold the agreed values.
    ENV_AGREED_VALUES = "ENV-15";
    /// A provider that cannot take keys is never a channel's MACsec manager.
    MACSEC_MANAGER_SPLIT = "MACSEC-25";
    /// Announce no more prefixes than the peer accepts, and tell the customer.
    NEG_ANNOUNCE_LIMIT = "NEG-17";
    /// Every call to a peer shares the peer's rate and concurrency budget.
    NEG_PEER_BUDGET = "NEG-41";
    /// Every defined feature type is supported.
    OPS_ALL_FEATURE_TYPES = "OPS-2";
    /// A production interconnect has at least 4 channels of equal capacity.
    OPS_PRODUCTION_CHANNELS = "OPS-4";
    /// Interconnects share the same devices or use disjoint ones.
    OPS_SHARED_OR_DISJOINT_DEVICES = "OPS-12";
}

rule_ids! {
    /// `GetActivationKeyParameters` serves the environment's key versions
    /// and, when it accepts version 2, its current RSA-OAEP-256 public key.
    KEY_PARAMETERS = "KEY-40";
    /// Each environment's key pair is replaced on the configured schedule.
    KEY_PARAMETERS_ROTATION = "KEY-41";
    /// A version 2 key made with any of the 4 most recent public keys is read.
    KEY_V2_ACCEPTED_KEYS = "KEY-42";
    /// Every version 2 decryption failure gives the same error.
    KEY_V2_UNIFORM_FAILURE = "KEY-43";
    /// The key creator uses the highest version both sides know.
    KEY_CREATOR_VERSION = "KEY-44";
    /// The issuer confirms a version 2 key by its exact text.
    KEY_V2_CONFIRM_TEXT = "KEY-45";
    /// An environment that accepts version 1 only refuses version 2 keys.
    KEY_VERSION_ACCEPTED = "KEY-46";
}

rule_ids! {
    /// Issues one partner may have stored (429).
    QUOTA_ISSUES = "OPS-70";
    /// Comments on one issue (429).
    QUOTA_COMMENTS = "OPS-71";
    /// Bytes of one comment (400).
    QUOTA_COMMENT_BYTES = "OPS-72";
    /// Unverified connections a partner created here (429).
    QUOTA_PARTNER_PENDING = "OPS-73";
    /// Unverified connections of one customer account (429).
    QUOTA_CUSTOMER_PENDING = "OPS-74";
    /// Unused activation keys for one partner's environments (429).
    QUOTA_PARTNER_KEYS = "OPS-75";
    /// Unused activation keys of one customer account (429).
    QUOTA_CUSTOMER_KEYS = "OPS-76";
}

rule_ids! {
    /// Each side reads its peer's view of its verified connections now and
    /// then, a bounded batch per pass, going on where the last pass stopped.
    RECON_PASS = "RECON-1";
    /// A connection the peer lost (404), or one of whose features it no
    /// longer lists, is degraded: not treated as verified, shown to the
    /// operator and the customer.
    RECON_DEGRADED = "RECON-2";
    /// A degraded connection the peer shows whole again is verified again.
    RECON_RESTORED = "RECON-3";
    /// Passes are jittered (80% to 120% of the period).
    RECON_JITTER = "RECON-4";
}
