//! The peer's prefix limit (NEG-17, E-80): a provider announces to its
//! peer, on each feature's BGP session, no more prefixes than the peer's
//! `maxReceivedBgpRoutePrefixes` (`L3BaseGuidance`), and tells its customer
//! that limit. IPv6 sessions get the peer's `maxReceivedBgpRoutePrefixesIpv6`,
//! or its IPv4 limit when the guidance omits it (upstream main,
//! `L3BaseGuidance`). Either role learns it from the peer's
//! `GenerateFeatureGuidance` once per connection, keeps it in the workflow
//! (shown in the customer view), and gives it to the devices for every
//! feature of the connection.

use interconnect_core::names::ConnectionName;

use crate::reference::ReferenceProvider;
use crate::request;
use crate::rules;
use crate::store::{PeerPrefixLimit, StoreExt, Workflow};

impl ReferenceProvider {
    /// Learns the peer's limit once, then sets it on every local feature of
    /// `local` (idempotent; an unreachable peer is asked again on the next
    /// pass).
    pub(super) async fn limit_announcements(
        &self,
        uuid: &str,
        wf: &Workflow,
        local: &ConnectionName,
    ) {
        let limit = match wf.peer_prefix_limit {
            Some(limit) => limit,
            None => match self.learn_peer_prefix_limit(uuid, wf, local).await {
                Some(limit) => limit,
                None => return,
            },
        };
        self.apply_prefix_limit(uuid, local, limit);
    }

    /// NEG-17: asks the peer's `GenerateFeatureGuidance` for its limits and
    /// keeps them in the workflow; `None` when the peer cannot tell now (a
    /// failed attempt is repeated on the retry policy's schedule, E-322).
    async fn learn_peer_prefix_limit(
        &self,
        uuid: &str,
        wf: &Workflow,
        local: &ConnectionName,
    ) -> Option<PeerPrefixLimit> {
        let now = self.clock().now();
        if wf.guidance_retry_at.is_some_and(|at| now < at) {
            // E-322: a failed attempt is repeated on the retry
            // policy's schedule, not at every provisioning poll
            return None;
        }
        let (Ok(peer), Ok(at_peer)) = (self.peer_of(wf), self.at_peer_connection(local)) else {
            return None;
        };
        let guidance = peer
            .generate_feature_guidance(
                &self.as_caller(),
                request::GenerateFeatureGuidance {
                    name: at_peer,
                    body: Default::default(),
                },
            )
            .await;
        let guidance = match guidance {
            Ok(g) => g,
            Err(e) => {
                let policy = self.retry_policy();
                let jittered = policy
                    .cap(wf.guidance_failures)
                    .mul_f64(self.jitter().next_unit());
                // full jitter, never sooner than the peer's
                // Retry-After, and a rejection waits the longest cap
                let wait = if crate::retry::is_retryable(&e) {
                    jittered.max(e.retry_after().unwrap_or_default())
                } else {
                    policy.max_delay
                };
                let at = now + chrono::Duration::from_std(wait).unwrap_or_default();
                let _ = self.update_workflow(uuid, |w| {
                    w.guidance_failures = w.guidance_failures.saturating_add(1);
                    w.guidance_retry_at = Some(at);
                });
                tracing::debug!(error = %e, "NEG-17: the peer's guidance is asked again later");
                return None;
            }
        };
        let entries = || {
            guidance
                .feature_guidance
                .iter()
                .filter_map(|g| g.l3_base_guidance.as_ref())
        };
        let limit = PeerPrefixLimit {
            max_received_bgp_route_prefixes: entries().filter_map(|g| g.ipv4_prefix_limit()).min(),
            max_received_bgp_route_prefixes_ipv6: entries()
                .filter_map(|g| g.ipv6_prefix_limit())
                .min(),
        };
        let _ = self.update_workflow(uuid, |w| {
            w.peer_prefix_limit = Some(limit);
            w.guidance_retry_at = None;
            w.guidance_failures = 0;
        });
        if let Some(max) = limit.max_received_bgp_route_prefixes {
            self.note(
                uuid,
                format!(
                    "the other provider accepts at most {max} BGP prefixes per session; \
                             no more are announced to it ({})",
                    rules::NEG_ANNOUNCE_LIMIT
                ),
            );
        }
        Some(limit)
    }

    /// Gives the peer's limit to the devices for every local feature of
    /// `local`, the IPv6 limit to features with an IPv6 session.
    fn apply_prefix_limit(&self, uuid: &str, local: &ConnectionName, limit: PeerPrefixLimit) {
        // A record from before the IPv6 member existed: the IPv4 value
        // applies, as the guidance says for an omitted IPv6 limit.
        let max_ipv6 = limit
            .max_received_bgp_route_prefixes_ipv6
            .or(limit.max_received_bgp_route_prefixes);
        if limit.max_received_bgp_route_prefixes.is_none() && max_ipv6.is_none() {
            return;
        }
        let features: Vec<(_, bool)> = self
            .store()
            .view(|s| {
                s.features_of_connection(local)
                    .map(|(n, r)| (n.clone(), has_ipv6_session(&r.feature)))
                    .collect()
            })
            .unwrap_or_default();
        for (feature, ipv6) in features {
            if let Some(max) = limit.max_received_bgp_route_prefixes
                && let Err(e) = self.backend().limit_announced_prefixes(&feature, max)
            {
                self.note(
                    uuid,
                    format!("the devices refused the prefix limit on {feature}: {e}"),
                );
            }
            if let Some(max) = max_ipv6.filter(|_| ipv6)
                && let Err(e) = self.backend().limit_announced_ipv6_prefixes(&feature, max)
            {
                self.note(
                    uuid,
                    format!("the devices refused the IPv6 prefix limit on {feature}: {e}"),
                );
            }
        }
    }
}

/// Whether `feature` configures an IPv6 BGP session (an IPv6 subnet).
fn has_ipv6_session(feature: &interconnect_core::wire::Feature) -> bool {
    feature
        .feature_config
        .as_ref()
        .and_then(|c| c.l3_base_config.as_ref())
        .is_some_and(|l3| l3.ipv6_subnet.is_some())
}
