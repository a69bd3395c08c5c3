//! Issues (`schemas/issues.yaml`): problems one provider reports to another
//! about shared resources, and their comments. The enums `State`, `Priority`
//! and `IssueContext` live in [`super::enums`].

use serde::{Deserialize, Serialize};

use super::{IssueContext, Priority, State, Timestamp};
use crate::names::{ChannelName, ConnectionName, FeatureName, InterconnectName, IssueName};

/// `ChannelContext`: a channel an issue is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChannelContext {
    /// The affected channel.
    pub name: ChannelName,
}

/// `ConnectionContext`: a connection an issue is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectionContext {
    /// The affected connection.
    pub name: ConnectionName,
}

/// `FeatureContext`: a feature an issue is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct FeatureContext {
    /// The affected feature.
    pub name: FeatureName,
}

/// `InterconnectContext`: an interconnect an issue is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct InterconnectContext {
    /// The affected interconnect.
    pub name: InterconnectName,
}

/// `Issue`: a problem a remote provider raises about resources it shares
/// with the local provider. `title` and `body` are required.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    /// The main text of the issue.
    pub body: String,
    /// Channels involved, if any.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub channel_contexts: Vec<ChannelContext>,
    /// Connections involved, if any.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub connection_contexts: Vec<ConnectionContext>,
    /// Output only. When the issue was opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub create_time: Option<Timestamp>,
    /// Features involved, if any.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub feature_contexts: Vec<FeatureContext>,
    /// Interconnects involved, if any.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub interconnect_contexts: Vec<InterconnectContext>,
    /// The preset kind of issue, which decides which contexts must be given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_context: Option<IssueContext>,
    /// Output only. Opaque id of the issue in the local provider's own support
    /// system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
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
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub state: Option<State>,
    /// One-line summary of the issue.
    pub title: String,
}

/// `Comment`: a remark on an issue, passed through to the providers' support
/// systems. `body` is required.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    /// The text of the comment.
    pub body: String,
    /// Output only. When the comment was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub create_time: Option<Timestamp>,
    /// Output only. Who wrote it, as shown to people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub display_name: Option<String>,
    /// Output only. Opaque id of the comment in the local provider's support
    /// system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub local_comment_id: Option<String>,
}

/// `AddCommentRequest`: adds a comment to an issue. `comment` is required.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AddCommentRequest {
    /// The comment to add.
    pub comment: Comment,
}

/// `AddCommentResponse`: the comment as stored.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AddCommentResponse {
    /// The added comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
}

/// `CloseIssueRequest`: closes an issue. Has no members; reads any object and
/// writes `{}`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CloseIssueRequest {}

/// `CloseIssueResponse`: the outcome of closing an issue. Has no members;
/// reads any object and writes `{}`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CloseIssueResponse {}

/// `ListCommentsResponse`: one page of an issue's comments, newest first by
/// default.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListCommentsResponse {
    /// The comments on this page.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub comments: Vec<Comment>,
    /// Token for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `ListIssuesResponse`: one page of issues.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListIssuesResponse {
    /// The issues on this page.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub issues: Vec<Issue>,
    /// Token for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::wire::test_support::{CH, CONN, FEAT, IX, TestResult, golden, rejects_at};

    fn comment_doc() -> Value {
        json!({
            "body": "Light levels on ch1 recovered after the patch swap.",
            "createTime": "2026-02-03T10:15:00Z",
            "displayName": "NOC Ashburn",
            "localCommentId": "c-0042",
        })
    }

    fn issue_doc() -> Value {
        json!({
            "body": "BGP on ch1 flaps every 90 s since 09:00 UTC.",
            "channelContexts": [{"name": CH}],
            "connectionContexts": [{"name": CONN}],
            "createTime": "2026-02-03T09:30:00.500Z",
            "featureContexts": [{"name": FEAT}],
            "interconnectContexts": [{"name": IX}],
            "issueContext": "ISSUE_CONTEXT_CONNECTION_ISSUE",
            "localIssueId": "SUP-1234",
            "name": "providers/aws/issues/i-17",
            "priority": "PRIORITY_P1",
            "remoteContactEmail": "noc@example.net",
            "remoteIssueId": "CASE-998",
            "state": "STATE_IN_PROGRESS",
            "title": "BGP flaps on ch1",
        })
    }

    #[test]
    fn golden_issue() -> TestResult {
        let i: Issue = golden(&issue_doc())?;
        assert_eq!(i.body, "BGP on ch1 flaps every 90 s since 09:00 UTC.");
        assert_eq!(
            i.channel_contexts,
            vec![ChannelContext { name: CH.parse()? }]
        );
        assert_eq!(
            i.connection_contexts,
            vec![ConnectionContext {
                name: CONN.parse()?
            }]
        );
        assert_eq!(i.create_time, Some("2026-02-03T09:30:00.500Z".parse()?));
        assert_eq!(
            i.feature_contexts,
            vec![FeatureContext {
                name: FEAT.parse()?
            }]
        );
        assert_eq!(
            i.interconnect_contexts,
            vec![InterconnectContext { name: IX.parse()? }]
        );
        assert_eq!(i.issue_context, Some(IssueContext::ConnectionIssue));
        assert_eq!(i.local_issue_id.as_deref(), Some("SUP-1234"));
        assert_eq!(i.name, Some("providers/aws/issues/i-17".parse()?));
        assert_eq!(i.priority, Some(Priority::P1));
        assert_eq!(i.remote_contact_email.as_deref(), Some("noc@example.net"));
        assert_eq!(i.remote_issue_id.as_deref(), Some("CASE-998"));
        assert_eq!(i.state, Some(State::InProgress));
        assert_eq!(i.title, "BGP flaps on ch1");
        let list: ListIssuesResponse =
            golden(&json!({"issues": [issue_doc()], "nextPageToken": "i2"}))?;
        assert_eq!(list.issues, vec![i]);
        assert_eq!(list.next_page_token.as_deref(), Some("i2"));
        Ok(())
    }

    #[test]
    fn golden_comments() -> TestResult {
        let c: Comment = golden(&comment_doc())?;
        assert_eq!(
            c.body,
            "Light levels on ch1 recovered after the patch swap."
        );
        assert_eq!(c.create_time, Some("2026-02-03T10:15:00Z".parse()?));
        assert_eq!(c.display_name.as_deref(), Some("NOC Ashburn"));
        assert_eq!(c.local_comment_id.as_deref(), Some("c-0042"));
        let add: AddCommentRequest = golden(&json!({"comment": comment_doc()}))?;
        assert_eq!(add.comment, c);
        let added: AddCommentResponse = golden(&json!({"comment": comment_doc()}))?;
        assert_eq!(added.comment, Some(c.clone()));
        let list: ListCommentsResponse =
            golden(&json!({"comments": [comment_doc()], "nextPageToken": "c2"}))?;
        assert_eq!(list.comments, vec![c]);
        assert_eq!(list.next_page_token.as_deref(), Some("c2"));
        Ok(())
    }

    #[test]
    fn minimal_documents() -> TestResult {
        let i: Issue = golden(&json!({"title": "t", "body": ""}))?;
        assert_eq!(
            i,
            Issue {
                title: "t".into(),
                ..Issue::default()
            }
        );
        assert_eq!(golden::<Comment>(&json!({"body": ""}))?, Comment::default());
        assert_eq!(
            golden::<AddCommentRequest>(&json!({"comment": {"body": "b"}}))?
                .comment
                .body,
            "b"
        );
        assert_eq!(
            golden::<AddCommentResponse>(&json!({}))?,
            AddCommentResponse::default()
        );
        assert_eq!(
            golden::<ListCommentsResponse>(&json!({}))?,
            ListCommentsResponse::default()
        );
        assert_eq!(
            golden::<ListIssuesResponse>(&json!({}))?,
            ListIssuesResponse::default()
        );
        assert_eq!(
            golden::<CloseIssueRequest>(&json!({}))?,
            CloseIssueRequest {}
        );
        assert_eq!(
            golden::<CloseIssueResponse>(&json!({}))?,
            CloseIssueResponse {}
        );
        let ignored: CloseIssueRequest = serde_json::from_value(json!({"reason": "fixed"}))?;
        assert_eq!(serde_json::to_value(ignored)?, json!({}));
        let ignored: CloseIssueResponse = serde_json::from_value(json!({"issue": {}}))?;
        assert_eq!(serde_json::to_value(ignored)?, json!({}));
        Ok(())
    }

    #[test]
    fn required_members_are_required() {
        rejects_at::<Issue>(&json!({"title": "t"}), ".");
        rejects_at::<Issue>(&json!({"body": "b"}), ".");
        rejects_at::<Comment>(&json!({"displayName": "x"}), ".");
        rejects_at::<AddCommentRequest>(&json!({}), ".");
        rejects_at::<AddCommentRequest>(&json!({"comment": {}}), "comment");
        rejects_at::<ChannelContext>(&json!({}), ".");
        rejects_at::<Issue>(
            &json!({"title": "t", "body": "b", "connectionContexts": [{}]}),
            "connectionContexts[0]",
        );
        let missing = crate::wire::from_json::<Issue>(br#"{"title": "t"}"#).expect_err("no body");
        assert!(missing.to_string().contains("body"), "{missing}");
    }

    #[test]
    fn wrong_member_types_name_their_path() {
        rejects_at::<Issue>(&json!({"title": 1, "body": "b"}), "title");
        rejects_at::<Issue>(
            &json!({"title": "t", "body": "b", "name": "providers/aws/issue/i"}),
            "name",
        );
        rejects_at::<Issue>(
            &json!({"title": "t", "body": "b", "channelContexts": [{"name": CONN}]}),
            "channelContexts[0].name",
        );
        rejects_at::<Issue>(
            &json!({"title": "t", "body": "b", "featureContexts": [{"name": CONN}]}),
            "featureContexts[0].name",
        );
        rejects_at::<Issue>(
            &json!({"title": "t", "body": "b", "interconnectContexts": [{"name": CH}]}),
            "interconnectContexts[0].name",
        );
        rejects_at::<Issue>(
            &json!({"title": "t", "body": "b", "createTime": "02/03/2026"}),
            "createTime",
        );
        rejects_at::<ListIssuesResponse>(
            &json!({"issues": [{"title": "t", "body": "b", "priority": 0}]}),
            "issues[0].priority",
        );
        rejects_at::<AddCommentRequest>(&json!({"comment": {"body": false}}), "comment.body");
    }

    #[test]
    fn unknown_members_are_ignored_and_unknown_values_kept() -> TestResult {
        let i: Issue = serde_json::from_value(json!({
            "title": "t",
            "body": "b",
            "state": "STATE_WONT_FIX",
            "priority": "PRIORITY_P5",
            "issueContext": "ISSUE_CONTEXT_MAINTENANCE",
            "labels": ["x"],
        }))?;
        assert_eq!(i.state, Some(State::Unknown("STATE_WONT_FIX".into())));
        assert_eq!(
            serde_json::to_value(&i)?,
            json!({
                "title": "t",
                "body": "b",
                "state": "STATE_WONT_FIX",
                "priority": "PRIORITY_P5",
                "issueContext": "ISSUE_CONTEXT_MAINTENANCE",
            })
        );
        Ok(())
    }
}
