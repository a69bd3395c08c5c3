//! The peer's prefix limit (NEG-17, E-80): a provider announces to its
//! peer, on each feature's BGP session, no more prefixes than the peer's
//! `maxReceivedBgpRoutePrefixes` (`L3BaseGuidance`), and tells its customer
//! that limit. Either role learns it from the peer's
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
            None => {
                let (Ok(peer), Ok(at_peer)) = (self.peer_of(wf), self.at_peer_connection(local))
                else {
                    return;
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
                let Ok(guidance) = guidance else {
                    return;
                };
                let limit = PeerPrefixLimit {
                    max_received_bgp_route_prefixes: guidance
                        .feature_guidance
                        .iter()
                        .filter_map(|g| {
                            g.l3_base_guidance.as_ref()?.max_received_bgp_route_prefixes
                        })
                        .min(),
                };
                let _ = self.update_workflow(uuid, |w| w.peer_prefix_limit = Some(limit));
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
                limit
            }
        };
        let Some(max) = limit.max_received_bgp_route_prefixes else {
            return;
        };
        let features: Vec<_> = self
            .store()
            .view(|s| {
                s.features_of_connection(local)
                    .map(|(n, _)| n.clone())
                    .collect()
            })
            .unwrap_or_default();
        for feature in features {
            if let Err(e) = self.backend().limit_announced_prefixes(&feature, max) {
                self.note(
                    uuid,
                    format!("the devices refused the prefix limit on {feature}: {e}"),
                );
            }
        }
    }
}
