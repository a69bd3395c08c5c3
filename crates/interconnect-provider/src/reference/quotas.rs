//! Quotas on stored data (`spec/REQUIREMENTS.md` OPS-70..OPS-76;
//! `spec/ERRATA.md` E-442): the counts a partner or a customer can make this
//! server hold, checked inside the transaction that would add one more, so
//! that concurrent creators cannot pass a limit together. The limits come
//! from [`Quotas`] in the provider's policy.
//!
//! A full count is 429 `RESOURCE_EXHAUSTED` without `Retry-After` (room
//! frees when a connection verifies, a key is used or expires, an operator
//! raises the limit: nobody knows when, and a `Retry-After` would pause every
//! call of a peer's client, NEG-41); a comment that is too long is 400
//! `INVALID_ARGUMENT`. Every message names the limit and its value.

use chrono::{DateTime, Utc};
use interconnect_core::names::ProviderName;
use interconnect_core::wire::{Secret, VerificationState};

use crate::config::Quotas;
use crate::error::{CoordinatorError, CoordinatorResult, ErrorKind};
use crate::rules;
use crate::store::{IssueRecord, Phase, State};

/// The refusal of a full count.
fn exhausted(rule: &str, what: String, limit: usize, setting: &str) -> CoordinatorError {
    CoordinatorError::new(
        ErrorKind::ResourceExhausted,
        rule,
        format!("{what}; the limit is {limit} (policy.quotas.{setting})"),
    )
}

/// OPS-70: one more issue of `partner`.
pub(crate) fn check_issues(
    state: &State,
    quotas: &Quotas,
    partner: &ProviderName,
) -> CoordinatorResult<()> {
    let held = state
        .issues
        .keys()
        .filter(|name| name.provider() == partner)
        .count();
    if held >= quotas.issues_per_partner {
        return Err(exhausted(
            rules::QUOTA_ISSUES,
            format!("{partner} already has {held} issues stored here"),
            quotas.issues_per_partner,
            "issuesPerPartner",
        ));
    }
    Ok(())
}

/// OPS-72: the size of a comment's body.
pub(crate) fn check_comment_bytes(quotas: &Quotas, body: &str) -> CoordinatorResult<()> {
    if body.len() > quotas.comment_bytes {
        return Err(CoordinatorError::invalid_argument(
            rules::QUOTA_COMMENT_BYTES,
            format!(
                "comment.body is {} bytes; the limit is {} (policy.quotas.commentBytes)",
                body.len(),
                quotas.comment_bytes
            ),
        ));
    }
    Ok(())
}

/// OPS-71: one more comment on `record`.
pub(crate) fn check_comments(quotas: &Quotas, record: &IssueRecord) -> CoordinatorResult<()> {
    let held = record.comments.len();
    if held >= quotas.comments_per_issue {
        return Err(exhausted(
            rules::QUOTA_COMMENTS,
            format!("the issue already has {held} comments"),
            quotas.comments_per_issue,
            "commentsPerIssue",
        ));
    }
    Ok(())
}

/// OPS-73: one more connection created by `partner` while its others are
/// not VERIFIED yet.
pub(crate) fn check_partner_pending(
    state: &State,
    quotas: &Quotas,
    partner: &ProviderName,
) -> CoordinatorResult<()> {
    let held = state
        .connections
        .iter()
        .filter(|(name, record)| {
            name.interconnect().provider() == partner
                && record.connection.verification_state != Some(VerificationState::Verified)
        })
        .count();
    if held >= quotas.pending_connections_per_partner {
        return Err(exhausted(
            rules::QUOTA_PARTNER_PENDING,
            format!("{partner} already has {held} connections here that are not verified"),
            quotas.pending_connections_per_partner,
            "pendingConnectionsPerPartner",
        ));
    }
    Ok(())
}

/// Whether a workflow is a connection still on its way: not verified,
/// not being deleted, not ended.
fn pending(phase: Phase) -> bool {
    !matches!(
        phase,
        Phase::Verified | Phase::Degraded | Phase::Deleting | Phase::Deleted | Phase::Failed
    )
}

/// OPS-74: one more connection of the customer `account` while its others
/// are on their way.
pub(crate) fn check_customer_pending(
    state: &State,
    quotas: &Quotas,
    account: &Secret,
) -> CoordinatorResult<()> {
    let held = state
        .workflows
        .iter()
        .filter(|(_, wf)| {
            pending(wf.phase) && wf.customer.as_ref().is_some_and(|c| &c.account == account)
        })
        .count();
    if held >= quotas.pending_connections_per_customer {
        // The account is a secret: the message never shows it.
        return Err(exhausted(
            rules::QUOTA_CUSTOMER_PENDING,
            format!("the account already has {held} connections that are not verified"),
            quotas.pending_connections_per_customer,
            "pendingConnectionsPerCustomer",
        ));
    }
    Ok(())
}

/// Whether an issued key can still be used: not confirmed, not revoked,
/// not expired.
fn unused(state: &State, uuid: &str, now: DateTime<Utc>) -> bool {
    state
        .issued_keys
        .get(uuid)
        .is_some_and(|k| k.confirmed_by.is_none() && !k.revoked && k.expires_at > now)
}

/// OPS-75: one more activation key for an environment of `partner`.
pub(crate) fn check_partner_keys(
    state: &State,
    quotas: &Quotas,
    partner: &ProviderName,
    now: DateTime<Utc>,
) -> CoordinatorResult<()> {
    let held = state
        .issued_keys
        .iter()
        .filter(|(uuid, key)| key.environment.provider() == partner && unused(state, uuid, now))
        .count();
    if held >= quotas.unused_keys_per_partner {
        return Err(exhausted(
            rules::QUOTA_PARTNER_KEYS,
            format!("{held} activation keys for environments shared with {partner} are unused"),
            quotas.unused_keys_per_partner,
            "unusedKeysPerPartner",
        ));
    }
    Ok(())
}

/// OPS-76: one more activation key requested by the customer `account`.
pub(crate) fn check_customer_keys(
    state: &State,
    quotas: &Quotas,
    account: &Secret,
    now: DateTime<Utc>,
) -> CoordinatorResult<()> {
    let held = state
        .workflows
        .iter()
        .filter(|(uuid, wf)| {
            wf.phase == Phase::AwaitingPeer
                && wf.customer.as_ref().is_some_and(|c| &c.account == account)
                && unused(state, uuid, now)
        })
        .count();
    if held >= quotas.unused_keys_per_customer {
        return Err(exhausted(
            rules::QUOTA_CUSTOMER_KEYS,
            format!("the account already has {held} activation keys that are not used yet"),
            quotas.unused_keys_per_customer,
            "unusedKeysPerCustomer",
        ));
    }
    Ok(())
}
