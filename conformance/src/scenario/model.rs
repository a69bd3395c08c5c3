//! The scenario file format (`conformance/vectors/scenarios/*.json`,
//! `conformance/vectors/schema/scenario.schema.json`,
//! `conformance/vectors/scenarios/README.md`): ordered steps against a
//! target, each an operation of the specification (`openapi.yaml`
//! operation ids), a hook of the target for what the specification has no
//! operation for, or a computation of the runner's embedded peer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One file: the scenarios of one requirement family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioFile {
    /// What the family covers.
    pub description: String,
    /// The scenarios, run in order.
    pub scenarios: Vec<Scenario>,
}

/// One scenario: a requirement checked by ordered steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    /// Unique across every scenario file.
    pub id: String,
    /// The requirement it tests (a row of `spec/REQUIREMENTS.md`).
    pub requirement: String,
    /// Further requirements the same steps check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// What it checks, in one sentence.
    pub description: String,
    /// The target hooks it uses; a target without one skips the scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<Hook>,
    /// The steps, run in order; the first mismatch fails the scenario.
    pub steps: Vec<Step>,
    /// The family (file stem) it was loaded from; set by the loader.
    #[serde(skip)]
    pub family: String,
}

impl Scenario {
    /// The requirement ids the scenario covers (`requirement` then `also`).
    pub fn requirements(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.requirement.as_str()).chain(self.also.iter().map(String::as_str))
    }
}

/// A capability of a target beyond the specification's operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Hook {
    /// The target issues an activation key to a customer.
    IssueActivationKey,
    /// The target's clock can be moved forward.
    AdvanceClock,
    /// The target can be moved until its features are FINAL.
    AwaitProvisioning,
    /// The target's devices can be made to carry traffic with a MACsec key.
    ActivateMacSecKey,
    /// The target is reached over HTTP and the runner may send requests of
    /// its own: without credentials, with a wrong token, and reading the
    /// raw error document (AUTH-1, ERR-1).
    RawHttp,
}

impl Hook {
    /// The hook's name in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Hook::IssueActivationKey => "issueActivationKey",
            Hook::AdvanceClock => "advanceClock",
            Hook::AwaitProvisioning => "awaitProvisioning",
            Hook::ActivateMacSecKey => "activateMacSecKey",
            Hook::RawHttp => "rawHttp",
        }
    }
}

/// Who calls: the runner's partner identity or a provider that is not a
/// partner of the target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// The runner's partner identity.
    #[default]
    Partner,
    /// Another provider (isolation checks).
    Stranger,
}

/// A hook call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum HookCall {
    /// Issue an activation key; answers `{"encodedKey", "sharedConnectionUuid"}`.
    #[serde(rename_all = "camelCase")]
    IssueActivationKey {
        /// The environment (under the partner's namespace).
        environment: String,
        /// The connection size.
        bandwidth_mbps: i32,
        /// The customer's account at the target (a default when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination_account_id: Option<String>,
    },
    /// Move the target's clock forward; answers `{}`.
    AdvanceClock {
        /// How far.
        seconds: i64,
    },
    /// Move the target until its features are FINAL; answers `{}`.
    AwaitProvisioning {},
    /// Make a MACsec key the active key of its channel on the target's
    /// devices; answers `{}`.
    ActivateMacSecKey {
        /// The key's name.
        name: String,
    },
}

impl HookCall {
    /// The hook this call needs.
    pub fn hook(&self) -> Hook {
        match self {
            HookCall::IssueActivationKey { .. } => Hook::IssueActivationKey,
            HookCall::AdvanceClock { .. } => Hook::AdvanceClock,
            HookCall::AwaitProvisioning {} => Hook::AwaitProvisioning,
            HookCall::ActivateMacSecKey { .. } => Hook::ActivateMacSecKey,
        }
    }
}

/// A computation of the runner's embedded peer: what a real peer would send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum PeerCall {
    /// A complete L3 feature for `channel` of `connection`, chosen from the
    /// target's `GenerateFeatureGuidance` (called as the partner); answers
    /// the `Feature` body.
    FeatureProposal {
        /// The connection name.
        connection: String,
        /// The channel name.
        channel: String,
        /// One deliberate departure from the guidance (the rest of the
        /// proposal stays valid), for the server-side guidance rules.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deviate: Option<Deviation>,
        /// Also configure IPv6 (a subnet from the guidance's IPv6 entries and
        /// both `hostIpv6`); a target whose guidance offers no IPv6 skips
        /// the scenario.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        ipv6: bool,
    },
    /// A fresh MACsec key body (`{"cak", "ckn"}`), random.
    MacSecKey {},
}

/// One departure from the target's guidance in a feature proposal: the
/// runner computes it from the guidance the target answered, so that the
/// proposal breaks exactly one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Deviation {
    /// The IPv4 subnet (and both hosts) moved outside every include subnet
    /// of the guidance (L3-18).
    SubnetOutsideGuidance,
    /// The server's own BGP entry given an ASN outside its guidance ASN
    /// ranges (L3-37).
    AsnOutsideGuidance,
    /// The IPv4 subnet widened to a prefix length the guidance does not
    /// allow, still holding both hosts inside the same include subnet
    /// (L3-17).
    PrefixLengthNotAllowed,
    /// The IPv4 subnet (and both hosts) moved into a subnet the guidance
    /// excludes, at the allocation's prefix length (L3-19); skipped when the
    /// guidance excludes nothing on the channel.
    SubnetExcluded,
}

/// How a raw request of a `probe` step is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProbeCredentials {
    /// No `Authorization` header.
    None,
    /// A bearer token the target never issued.
    Wrong,
    /// The partner's own token.
    Partner,
}

/// A `probe` step: raw HTTP requests, one per operation, with chosen
/// credentials; each answer must have the step's expected status and the
/// error document of the specification (`{"error": {"code", "status",
/// "message"}}`), and never contain a secret the runner sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probe {
    /// The credentials sent.
    pub credentials: ProbeCredentials,
    /// The operation ids to send (empty: every operation of the
    /// specification).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
    /// The connection id used in paths that address one (a missing one
    /// unless a step saved a real one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
}

/// One step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Step {
    /// An operation id of the specification (exactly one of `op`, `hook`,
    /// `peer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// A target hook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hook: Option<HookCall>,
    /// An embedded peer computation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<PeerCall>,
    /// Raw HTTP requests with chosen credentials (needs `rawHttp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<Probe>,
    /// With `op` a List operation: the JSON pointer of its items. The
    /// runner then follows `nextPageToken` to the end (with the step's
    /// `pageSize`), checks that every token is a non-empty string, that no
    /// token and no item comes back twice and that the walk ends (LIST-6,
    /// LIST-7), and answers `{<items member>: [every item]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk: Option<String>,
    /// Who calls (`op` only).
    #[serde(default, rename = "as")]
    pub role: Role,
    /// The resource name (`name` or `parent` of the operation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Query parameters.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, Value>,
    /// The body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Members set in the body after placeholders are filled, by JSON
    /// pointer (`{"/featureConfig/l3BaseConfig/vlanId": 1000}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, Value>,
    /// The expected outcome (`200` when absent).
    #[serde(default)]
    pub expect: Expect,
    /// Assertions on the response (or on the error JSON).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assert: Vec<Assertion>,
    /// Values saved from the response for later steps: variable -> pointer.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub save: BTreeMap<String, String>,
}

/// The expected outcome of a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expect {
    /// The HTTP status (200 for success).
    #[serde(default = "ok_status")]
    pub status: u16,
    /// Other error statuses the specification allows for the same refusal
    /// (a server may answer any of them); `kind` is then checked only when
    /// the answer has `status`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub or_status: Vec<u16>,
    /// The canonical error kind (`ABORTED`, ...), when it matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The requirement id the refusal is about: a label for reports only.
    /// The runner never requires a target to name it (our ids in messages
    /// are this project's convention, E-36, not the specification's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

fn ok_status() -> u16 {
    200
}

impl Default for Expect {
    fn default() -> Self {
        Expect {
            status: 200,
            or_status: Vec::new(),
            kind: None,
            rule: None,
        }
    }
}

/// An assertion on the response by JSON pointer: exactly one of `equals`,
/// `exists`, `absent`, `oneOf`, `length`, `contains`, `excludes`, `after`,
/// `every`, `includes`, `matchesEach`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Assertion {
    /// The JSON pointer (`""` is the whole response).
    pub pointer: String,
    /// The member equals this value (placeholders filled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Value>,
    /// The member is present (and not null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    /// The member is absent (or null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent: Option<bool>,
    /// The member equals one of these values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<Value>>,
    /// The member is an array (or absent, counted as empty) of this length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<usize>,
    /// The member is an array with at least one element matching this
    /// value (an object matches when each of its members equals the
    /// element's member of that name; any other value by equality).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<Value>,
    /// The member is an array (or absent, counted as empty) with no element
    /// matching this value (matching as for `contains`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excludes: Option<Value>,
    /// The member is an RFC 3339 time later than this one (a time the
    /// server really set, not a zero or epoch value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The member is an array (or absent, counted as empty) whose every
    /// element matches this value (matching as for `contains`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Value>,
    /// The member is an array holding every element of this array (after
    /// placeholders are filled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub includes: Option<Value>,
    /// The member is an array holding, for every element of another array,
    /// an item that matches it member by member: a join of two answers
    /// that does not depend on the order either lists its items in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches_each: Option<MatchesEach>,
}

/// The `matchesEach` assertion: for every element `e` of `of` (an array
/// after placeholders are filled, usually a list saved from an earlier
/// answer), the asserted array holds an item whose member `m` equals the
/// value at pointer `as[m]` of `e`, for each member `m` of `as` (a member
/// `e` does not have is not compared).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MatchesEach {
    /// The array whose elements must each be matched.
    pub of: Value,
    /// Member of the asserted items -> JSON pointer into an element of `of`.
    #[serde(rename = "as")]
    pub as_members: std::collections::BTreeMap<String, String>,
}

impl Assertion {
    /// How many checks the assertion names (exactly one is valid).
    pub fn checks(&self) -> usize {
        [
            self.equals.is_some(),
            self.exists.is_some(),
            self.absent.is_some(),
            self.one_of.is_some(),
            self.length.is_some(),
            self.contains.is_some(),
            self.excludes.is_some(),
            self.after.is_some(),
            self.every.is_some(),
            self.includes.is_some(),
            self.matches_each.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }
}
