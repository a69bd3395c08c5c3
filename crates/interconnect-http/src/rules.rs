//! Requirement ids (`spec/REQUIREMENTS.md`) of the rules the HTTP binding
//! enforces itself; every error it answers names one of these (or a rule of
//! `interconnect_provider::rules` passed through from the coordinator).

macro_rules! rule_ids {
    ($($(#[$doc:meta])* $name:ident = $id:literal;)*) => {
        $( $(#[$doc])* pub(crate) const $name: &str = $id; )*
    };
}

rule_ids! {
    /// Every operation requires an authenticated caller (401).
    AUTH_AUTHENTICATED = "AUTH-1";
    /// Errors are one JSON shape; `$alt` other than `json` and an unknown
    /// `$.xgafv` are refused because no other format is served.
    ERR_JSON_SHAPE = "ERR-1";
    /// An unknown route is 404 (and a known route with another method 405).
    ERR_UNKNOWN_ROUTE = "ERR-3";
    /// A required id parameter is absent (400).
    ERR_ID_PARAMETER = "ERR-5";
    /// A required body is absent, a body is not a JSON object, or a member
    /// has the wrong type (400, naming its JSON path).
    ERR_BODY = "ERR-6";
    /// A partner over its request rate is told to retry later (429).
    ERR_RATE_LIMIT = "ERR-7";
    /// `pageSize` is an integer and not negative (400).
    LIST_PAGE_SIZE = "LIST-3";
    /// A client maps transport failures to `UNAVAILABLE`, timeouts to
    /// `DEADLINE_EXCEEDED`, unreadable answers to `INTERNAL`; it retries
    /// only reads.
    ERR_TRANSPORT = "ERR-8";
    /// A resource name segment breaks the segment rules (400).
    NAME_SEGMENT = "NAME-9";
    /// A body larger than the limit is refused before parsing (413).
    WIRE_TOO_LARGE = "WIRE-10";
    /// `requestId`, when present, is a UUID (400 naming it).
    REQ_ID_FORMAT = "REQ-1";
    /// A query parameter the binding reads takes one value (400 when
    /// repeated).
    ERR_ONE_VALUE = "ERR-41";
    /// A request body declared as another media type than JSON (415).
    ERR_MEDIA_TYPE = "ERR-42";
    /// A request body that does not arrive within the body read timeout
    /// (408).
    OPS_BODY_READ_TIMEOUT = "OPS-21";
    /// A request target longer than the listener reads (414).
    OPS_TARGET_TOO_LONG = "OPS-60";
    /// Header fields beyond the listener's size or count (431).
    OPS_HEAD_TOO_LARGE = "OPS-61";
}
