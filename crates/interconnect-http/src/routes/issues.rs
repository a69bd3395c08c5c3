//! `paths/issues.yaml` (ISSUE-1..ISSUE-18).

use interconnect_provider::request;

use super::handler;

handler!(
    /// `GET /providers/{provider}/issues`.
    list_issues => list_issues, |seg, q, _body| request::ListIssues {
        parent: seg.provider()?,
        page: q.page()?,
    }
);
handler!(
    /// `POST /providers/{provider}/issues?issueId=` (body required).
    create_issue => create_issue, |seg, q, body| request::CreateIssue {
        parent: seg.provider()?,
        issue_id: q.required_id("issueId")?,
        issue: body.decode("CreateIssue", true)?,
    }
);
handler!(
    /// `GET /providers/{provider}/issues/{issue}`.
    get_issue => get_issue, |seg, q, _body| request::GetIssue { name: seg.issue()? }
);
handler!(
    /// `POST /providers/{provider}/issues/{issue}/Close` (body optional).
    close_issue => close_issue, |seg, q, body| request::CloseIssue {
        name: seg.issue()?,
        body: body.decode("CloseIssue", false)?,
    }
);
handler!(
    /// `GET /providers/{provider}/issues/{issue}/comments`.
    list_comments => list_comments, |seg, q, _body| request::ListComments {
        parent: seg.issue()?,
        page: q.page()?,
    }
);
handler!(
    /// `POST /providers/{provider}/issues/{issue}/AddComment` (body optional;
    /// its required `comment` member is WIRE-15's).
    add_comment => add_comment, |seg, q, body| request::AddComment {
        name: seg.issue()?,
        body: body.decode("AddComment", false)?,
    }
);
