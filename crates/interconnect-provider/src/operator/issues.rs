//! Issues, operator side (`paths/issues.yaml`; `schemas/issue.yaml`): this
//! side's operator files an issue with the peer and follows it up. The
//! peer's server checks and stores it (ISSUE-1..ISSUE-18); the issue lives
//! in this provider's namespace at the peer (`providers/{us}/issues/{id}`).

use interconnect_core::names::{IssueName, ProviderName};
use interconnect_core::wire;

use std::sync::Arc;

use super::Operator;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::peer::Peer;
use crate::reference::ReferenceProvider;
use crate::{request, rules};

impl ReferenceProvider {
    /// The peer of a partner named by the operator: a name that is not a
    /// configured partner is a 404 (ERR-3; a typo, not an outage), a
    /// configured partner without a reachable peer the usual 503.
    fn operator_peer(&self, partner: &ProviderName) -> CoordinatorResult<Arc<dyn Peer>> {
        if !self
            .config()
            .inventory
            .partners
            .iter()
            .any(|p| &p.provider == partner)
        {
            return Err(CoordinatorError::not_found(
                rules::MISSING_RESOURCE,
                format!("{partner} is not a configured partner of this provider"),
            ));
        }
        self.peers().get(partner)
    }
}

impl Operator<'_> {
    /// Operator: `CreateIssue` at `partner`, under this provider's
    /// namespace there, with id `issue_id` (generated when `None`). Context
    /// names are given as the partner names them (under this provider,
    /// ISSUE-6).
    pub async fn operator_open_issue(
        &self,
        partner: &ProviderName,
        issue_id: Option<&str>,
        issue: wire::Issue,
    ) -> CoordinatorResult<wire::Issue> {
        let peer = self.operator_peer(partner)?;
        let issue_id = issue_id.map_or_else(
            || format!("i-{}", uuid::Uuid::new_v4().simple()),
            str::to_owned,
        );
        let request = request::CreateIssue {
            parent: self.config().provider.clone(),
            issue_id,
            issue,
        };
        peer.create_issue(&self.as_caller(), request).await
    }

    /// Operator: `AddComment` on issue `issue` at `partner`.
    pub async fn operator_add_comment(
        &self,
        partner: &ProviderName,
        issue: &IssueName,
        body: &str,
    ) -> CoordinatorResult<wire::AddCommentResponse> {
        let peer = self.operator_peer(partner)?;
        let request = request::AddComment {
            name: issue.clone(),
            body: wire::AddCommentRequest {
                comment: wire::Comment {
                    body: body.to_owned(),
                    ..Default::default()
                },
            },
        };
        peer.add_comment(&self.as_caller(), request).await
    }

    /// Operator: `CloseIssue` on issue `issue` at `partner`.
    pub async fn operator_close_issue(
        &self,
        partner: &ProviderName,
        issue: &IssueName,
    ) -> CoordinatorResult<wire::Issue> {
        let peer = self.operator_peer(partner)?;
        let request = request::CloseIssue {
            name: issue.clone(),
            body: wire::CloseIssueRequest::default(),
        };
        peer.close_issue(&self.as_caller(), request).await
    }
}
