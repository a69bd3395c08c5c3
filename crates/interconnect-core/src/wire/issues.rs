//! Issues (`schemas/issues.yaml`): problems one provider reports to another
//! about shared resources, and their comments. The enums `State`, `Priority`
//! and `IssueContext` live in [`super::enums`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{IssueContext, Priority, State, Timestamp};
use crate::names::{ChannelName, ConnectionName, FeatureName, InterconnectName, IssueName};

/// `ChannelContext`: a channel an issue is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelContext {
    /// The affected channel.
    pub name: ChannelName,
}

/// `ConnectionContext`: a connection an issue is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionContext {
    /// The affected connection.
    pub name: ConnectionName,
}

/// `FeatureContext`: a feature an issue is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeatureContext {
    /// The affected feature.
    pub name: FeatureName,
}

/// `InterconnectContext`: an interconnect an issue is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InterconnectContext {
    /// The affected interconnect.
    pub name: InterconnectName,
}

/// `Issue`: a problem a remote provider raises about resources it shares
/// with the local provider. `title` and `body` are required.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    /// The main text of the issue.
    pub body: String,
    /// Channels involved, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channel_contexts: Vec<ChannelContext>,
    /// Connections involved, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connection_contexts: Vec<ConnectionContext>,
    /// Output only. When the issue was opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// Features involved, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feature_contexts: Vec<FeatureContext>,
    /// Interconnects involved, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interconnect_contexts: Vec<InterconnectContext>,
    /// The preset kind of issue, which decides which contexts must be given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_context: Option<IssueContext>,
    /// Output only. Opaque id of the issue in the local provider's own support
    /// system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_issue_id: Option<String>,
    /// The issue's resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<IssueName>,
    /// How urgent the issue is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Address at the remote provider that receives mail about the issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_contact_email: Option<String>,
    /// Opaque id of the issue in the remote provider's own support system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_issue_id: Option<String>,
    /// Output only. Where the issue stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
    /// One-line summary of the issue.
    pub title: String,
}

/// `Comment`: a remark on an issue, passed through to the providers' support
/// systems. `body` is required.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    /// The text of the comment.
    pub body: String,
    /// Output only. When the comment was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// Output only. Who wrote it, as shown to people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Output only. Opaque id of the comment in the local provider's support
    /// system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_comment_id: Option<String>,
}

/// `AddCommentRequest`: adds a comment to an issue. `comment` is required.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddCommentRequest {
    /// The comment to add.
    pub comment: Comment,
}

/// `AddCommentResponse`: the comment as stored.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddCommentResponse {
    /// The added comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
}

/// `CloseIssueRequest`: closes an issue. Has no members; reads any object and
/// writes `{}`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct CloseIssueRequest {}

/// `CloseIssueResponse`: the outcome of closing an issue. Has no members;
/// reads any object and writes `{}`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct CloseIssueResponse {}

/// `ListCommentsResponse`: one page of an issue's comments, newest first by
/// default.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListCommentsResponse {
    /// The comments on this page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Comment>,
    /// Token for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `ListIssuesResponse`: one page of issues.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListIssuesResponse {
    /// The issues on this page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<Issue>,
    /// Token for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}
