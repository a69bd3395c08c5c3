//! Agreeing one feature per channel (`docs/Protocols.md` § Negotiate
//! Feature Parameters; `docs/ConnectionCoordinatorAPI.md` § Negotiate L3
//! Parameters): the negotiator lists the peer's channels (NEG-9), asks for
//! guidance (NEG-5), chooses a complete L3 configuration per channel with
//! [`allocate_l3`] (NEG-6), creates it locally and then on the peer
//! (NEG-7). A 409 restarts that channel from fresh guidance; a 400 closes
//! it and the proposal is never resent (NEG-8). Once every channel is
//! agreed or closed, ceil(3N/4) agreed features start provisioning
//! (FEAT-8, NEG-11); fewer fail the connection (NEG-16).

use interconnect_core::allocation::{AllocationInput, LocalConstraints, allocate_l3};
use interconnect_core::names::{ChannelName, ConnectionName, FeatureName};
use interconnect_core::validation::rules::L3_VLAN_UNUSED;
use interconnect_core::wire::{self, AdminState, ProvisioningState};

use super::{Next, quorum};
use crate::error::{CoordinatorError, CoordinatorResult, ErrorKind};
use crate::page::PageRequest;
use crate::peer::Peer;
use crate::reference::ReferenceProvider;
use crate::reference::guidance::channel_usage;
use crate::request;
use crate::rules;
use crate::store::{ChannelProgress, FeatureRecord, Phase, StoreExt, Workflow};

/// Proposals per channel before it is closed (NEG-8).
pub const MAX_PROPOSALS_PER_CHANNEL: u32 = 8;

/// What one pass did on one channel.
enum ChannelPass {
    /// Nothing that counts as progress.
    Untouched,
    /// Agreed, restarted or closed: progress (the retry budget restarts).
    Advanced,
    /// The peer may answer later.
    Retry(CoordinatorError),
    /// The connection is gone at the peer: the workflow fails.
    Gone(String),
}

/// What one proposal came to.
enum Proposal {
    Agreed(String),
    Restart(Option<i32>),
    Closed(String),
    Retry(CoordinatorError),
    Gone(CoordinatorError),
}

impl ReferenceProvider {
    /// Step `Features` (negotiator only).
    pub(super) async fn agree_features(&self, uuid: &str, wf: &Workflow) -> Next {
        let Some(local) = wf.connection.clone() else {
            return self.fail(uuid, "the local connection is missing").await;
        };
        let peer = match self.peer_of(wf) {
            Ok(p) => p,
            Err(e) => return self.retry_or_fail(uuid, &e).await,
        };
        let at_peer = match self.at_peer_connection(&local) {
            Ok(n) => n,
            Err(e) => return self.fail(uuid, &e.to_string()).await,
        };
        let (channels, guidance) = match self.channels_and_guidance(peer.as_ref(), &at_peer).await {
            Ok(found) => found,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return self.fail(uuid, &e.to_string()).await;
            }
            Err(e) => return self.retry_or_fail(uuid, &e).await,
        };
        // the retry budget (NEG-4) runs on across passes until one makes
        // progress, so a channel the peer keeps refusing with 429 or 5xx
        // ends in a visible failure instead of a pass every few seconds
        // forever (E-320)
        self.note(
            uuid,
            format!(
                "GenerateFeatureGuidance: {} channel(s) listed by the peer",
                channels.len()
            ),
        );
        let mut retry: Option<CoordinatorError> = None;
        let mut advanced = false;
        for channel in &channels {
            match self
                .agree_channel(
                    uuid,
                    wf,
                    peer.as_ref(),
                    &local,
                    &at_peer,
                    &guidance,
                    channel,
                )
                .await
            {
                ChannelPass::Untouched => {}
                ChannelPass::Advanced => advanced = true,
                ChannelPass::Retry(e) => retry = Some(e),
                ChannelPass::Gone(why) => return self.fail(uuid, &why).await,
            }
        }
        if advanced {
            self.retry_done(uuid);
        }
        if let Some(e) = retry {
            return self.retry_or_fail(uuid, &e).await;
        }
        self.finish_pass(uuid, &local, channels.len()).await
    }

    /// NEG-9 and NEG-5: the channels that exist, as the peer lists them,
    /// and its guidance for this pass (the first, or after a 409).
    async fn channels_and_guidance(
        &self,
        peer: &dyn Peer,
        at_peer: &ConnectionName,
    ) -> Result<(Vec<wire::Channel>, wire::GenerateFeatureGuidanceResponse), CoordinatorError> {
        let channels = self.list_peer_channels(peer, at_peer).await?;
        let guidance = peer
            .generate_feature_guidance(
                &self.as_caller(),
                request::GenerateFeatureGuidance {
                    name: at_peer.clone(),
                    body: Default::default(),
                },
            )
            .await?;
        Ok((channels, guidance))
    }

    /// One pass on one of the peer's channels: a feature both sides already
    /// hold counts as agreed (NEG-7); a disabled channel, one out of
    /// proposals (NEG-8) or without L3 guidance is closed; otherwise a
    /// proposal is made and its outcome recorded.
    #[allow(clippy::too_many_arguments)]
    async fn agree_channel(
        &self,
        uuid: &str,
        wf: &Workflow,
        peer: &dyn Peer,
        local: &ConnectionName,
        at_peer: &ConnectionName,
        guidance: &wire::GenerateFeatureGuidanceResponse,
        channel: &wire::Channel,
    ) -> ChannelPass {
        let Some(peer_channel) = channel.name.clone() else {
            return ChannelPass::Untouched;
        };
        let id = peer_channel.id().to_owned();
        let progress = self
            .workflow(uuid)
            .and_then(|w| w.channels.get(&id).cloned())
            .unwrap_or(ChannelProgress::Open {
                attempt: 0,
                avoid_vlans: Vec::new(),
            });
        let ChannelProgress::Open {
            attempt,
            avoid_vlans,
        } = progress
        else {
            return ChannelPass::Untouched;
        };
        if attempt == 0
            && let Some(pass) = self
                .already_agreed(uuid, wf, peer, local, at_peer, &peer_channel, &id)
                .await
        {
            return pass;
        }
        if !matches!(channel.admin_state, None | Some(AdminState::Enabled)) {
            self.set_channel(
                uuid,
                &id,
                ChannelProgress::Closed {
                    rule: rules::FEAT_CHANNEL_ENABLED.to_owned(),
                },
                format!("{id} is disabled: no feature (NEG-11 counts it missing)"),
            );
            return ChannelPass::Untouched;
        }
        if attempt >= MAX_PROPOSALS_PER_CHANNEL {
            self.set_channel(
                uuid,
                &id,
                ChannelProgress::Closed {
                    rule: rules::NEG_RESTART_CHANNEL.to_owned(),
                },
                format!("{id}: no proposal accepted after {attempt} attempts"),
            );
            return ChannelPass::Untouched;
        }
        // GUIDE-19: an entry without l3BaseGuidance restricts nothing
        let entry = super::guidance_entry::l3_guidance_of(guidance, &peer_channel);
        let Some(entry) = entry else {
            self.set_channel(
                uuid,
                &id,
                ChannelProgress::Closed {
                    rule: rules::NEG_GUIDANCE_ONCE.to_owned(),
                },
                format!("{id}: the guidance has no L3 entry for it"),
            );
            return ChannelPass::Untouched;
        };
        let outcome = self
            .propose(
                uuid,
                wf,
                peer,
                local,
                at_peer,
                &peer_channel,
                &entry,
                attempt,
                &avoid_vlans,
            )
            .await;
        self.record_proposal(uuid, &id, attempt, &avoid_vlans, outcome)
    }

    /// NEG-7, E-320: on a first attempt, a feature this side already has on
    /// the channel (an earlier pass created it locally) counts as agreed
    /// once the peer shows it too; `None` goes on to propose.
    #[allow(clippy::too_many_arguments)]
    async fn already_agreed(
        &self,
        uuid: &str,
        wf: &Workflow,
        peer: &dyn Peer,
        local: &ConnectionName,
        at_peer: &ConnectionName,
        peer_channel: &ChannelName,
        id: &str,
    ) -> Option<ChannelPass> {
        // a 429 or a lost request leaves a local-only feature, which is
        // proposed again
        if let Ok(local_channel) = self.local_channel(wf.environment.provider(), peer_channel)
            && let Some(existing) = self
                .store()
                .view(|s| {
                    s.features_of_connection(local)
                        .find(|(_, r)| r.feature.channel.as_ref() == Some(&local_channel))
                        .map(|(n, _)| n.id().to_owned())
                })
                .flatten()
        {
            match self.peer_has_feature(peer, at_peer, &existing).await {
                Ok(true) => {
                    let what = format!(
                        "{id} already carries {existing}, which the peer holds too (NEG-7)"
                    );
                    self.set_channel(
                        uuid,
                        id,
                        ChannelProgress::Agreed {
                            feature_id: existing,
                        },
                        what,
                    );
                    Some(ChannelPass::Advanced)
                }
                Ok(false) => None,
                Err(e) if e.kind() == ErrorKind::NotFound => Some(ChannelPass::Gone(e.to_string())),
                Err(e) => Some(ChannelPass::Retry(e)),
            }
        } else {
            None
        }
    }

    /// Records what a proposal on channel `id` came to (NEG-8).
    fn record_proposal(
        &self,
        uuid: &str,
        id: &str,
        attempt: u32,
        avoid_vlans: &[i32],
        outcome: Proposal,
    ) -> ChannelPass {
        match outcome {
            Proposal::Agreed(feature_id) => self.set_channel(
                uuid,
                id,
                ChannelProgress::Agreed {
                    feature_id: feature_id.clone(),
                },
                format!("CreateFeature {feature_id} on {id}: accepted by the peer"),
            ),
            Proposal::Restart(vlan) => {
                let mut avoid = avoid_vlans.to_vec();
                avoid.extend(vlan);
                self.set_channel(
                    uuid,
                    id,
                    ChannelProgress::Open {
                        attempt: attempt + 1,
                        avoid_vlans: avoid,
                    },
                    format!("{id}: 409 from the peer; restarting from guidance (NEG-8)"),
                );
            }
            Proposal::Closed(why) => self.set_channel(
                uuid,
                id,
                ChannelProgress::Closed { rule: why.clone() },
                format!("{id}: proposal refused ({why}); not resent (NEG-8)"),
            ),
            Proposal::Retry(e) => return ChannelPass::Retry(e),
            Proposal::Gone(e) => return ChannelPass::Gone(e.to_string()),
        }
        ChannelPass::Advanced
    }

    /// After a pass with no channel left open: ceil(3N/4) agreed features
    /// of the `listed` channels start provisioning (FEAT-8, NEG-11); fewer
    /// fail the connection (NEG-16). Another pass while a channel is open.
    async fn finish_pass(&self, uuid: &str, local: &ConnectionName, listed: usize) -> Next {
        let Some(wf) = self.workflow(uuid) else {
            return Next::Done;
        };
        let open = wf
            .channels
            .values()
            .filter(|p| matches!(p, ChannelProgress::Open { .. }))
            .count();
        if open > 0 {
            // another pass, with fresh guidance (NEG-8)
            return Next::Continue;
        }
        let agreed: Vec<String> = wf
            .channels
            .values()
            .filter_map(|p| match p {
                ChannelProgress::Agreed { feature_id } => Some(feature_id.clone()),
                _ => None,
            })
            .collect();
        let needed = quorum(listed);
        if agreed.len() < needed || agreed.is_empty() {
            return self
                .fail(
                    uuid,
                    &format!(
                        "FEAT-8: {} of {} channels agreed, {needed} needed",
                        agreed.len(),
                        listed
                    ),
                )
                .await;
        }
        self.provision_local_features(uuid, local);
        let now = self.clock().now();
        let _ = self.update_workflow(uuid, |wf| {
            wf.phase = Phase::Provisioning;
            wf.record(
                now,
                format!(
                    "{} of {} features agreed (quorum {needed}): provisioning (FEAT-8)",
                    agreed.len(),
                    listed
                ),
            );
        });
        Next::Continue
    }

    /// Every channel of the peer's interconnect, page by page.
    async fn list_peer_channels(
        &self,
        peer: &dyn Peer,
        at_peer: &ConnectionName,
    ) -> Result<Vec<wire::Channel>, CoordinatorError> {
        let me = self.as_caller();
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..100 {
            let page = peer
                .list_channels(
                    &me,
                    request::ListChannels {
                        parent: at_peer.interconnect().clone(),
                        page: PageRequest {
                            page_size: Some(1000),
                            page_token: token.clone(),
                        },
                    },
                )
                .await?;
            out.extend(page.channels);
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        Ok(out)
    }

    /// Whether the peer holds feature `feature_id` of `at_peer` (GetFeature):
    /// `Ok(false)` on the peer's 404 for the feature while its connection
    /// still exists, `Err` with the peer's 404 when the connection is gone.
    async fn peer_has_feature(
        &self,
        peer: &dyn Peer,
        at_peer: &ConnectionName,
        feature_id: &str,
    ) -> Result<bool, CoordinatorError> {
        let Ok(name) = at_peer.feature(feature_id) else {
            return Ok(false);
        };
        match peer
            .get_feature(&self.as_caller(), request::GetFeature { name })
            .await
        {
            Ok(f) => Ok(f.feature_config.is_some()),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                // a 404 names the feature or the connection: ask for the latter
                match peer
                    .get_connection(
                        &self.as_caller(),
                        request::GetConnection {
                            name: at_peer.clone(),
                        },
                    )
                    .await
                {
                    Ok(_) => Ok(false),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    fn set_channel(&self, uuid: &str, id: &str, progress: ChannelProgress, what: String) {
        let now = self.clock().now();
        tracing::info!(step = %self.loggable(uuid, &what), "workflow");
        let _ = self.update_workflow(uuid, |wf| {
            wf.channels.insert(id.to_owned(), progress);
            wf.record(now, what);
        });
    }

    /// One proposal for one channel: allocate, create locally, create on
    /// the peer (NEG-6, NEG-7).
    #[allow(clippy::too_many_arguments)]
    async fn propose(
        &self,
        uuid: &str,
        wf: &Workflow,
        peer: &dyn Peer,
        local: &ConnectionName,
        at_peer: &ConnectionName,
        peer_channel: &ChannelName,
        guidance: &wire::L3BaseGuidance,
        attempt: u32,
        avoid_vlans: &[i32],
    ) -> Proposal {
        let partner = wf.environment.provider().clone();
        let local_channel = match self.local_channel(&partner, peer_channel) {
            Ok(c) => c,
            Err(e) => return Proposal::Closed(e.rule().to_owned()),
        };
        let feature_id = if attempt == 0 {
            format!("l3-{}", peer_channel.id())
        } else {
            format!("l3-{}-{attempt}", peer_channel.id())
        };
        let Ok(local_name) = local.feature(&feature_id) else {
            return Proposal::Closed(rules::FEAT_OPAQUE_ID.to_owned());
        };
        let created = self.create_local_proposal(
            wf,
            peer_channel,
            &local_channel,
            &local_name,
            guidance,
            avoid_vlans,
        );
        let config = match created {
            Ok(Some(c)) => c,
            Ok(None) => return Proposal::Closed(rules::NEG_FOLLOWS_GUIDANCE.to_owned()),
            Err(e) => return Proposal::Closed(e.rule().to_owned()),
        };
        let vlan = config.l3_base_config.as_ref().and_then(|c| c.vlan_id);
        let answer = self
            .offer_to_peer(uuid, peer, at_peer, peer_channel, &feature_id, config)
            .await;
        self.judge_answer(answer, feature_id, &local_name, vlan)
    }

    /// Creates the proposal locally first (NEG-7), judged against what the
    /// channel uses here and the VLANs to avoid, in one transaction; an
    /// earlier attempt's feature is reused. `Ok(None)` when that earlier
    /// feature has no configuration.
    fn create_local_proposal(
        &self,
        wf: &Workflow,
        peer_channel: &ChannelName,
        local_channel: &ChannelName,
        local_name: &FeatureName,
        guidance: &wire::L3BaseGuidance,
        avoid_vlans: &[i32],
    ) -> CoordinatorResult<Option<wire::FeatureConfig>> {
        let partner = wf.environment.provider().clone();
        let constraints = self.local_constraints(wf);
        let policy_me = self.config().provider.clone();
        // create locally first (NEG-7), judged against what the channel
        // uses here, in one transaction
        self.store().update(|state| {
            if let Some(existing) = state.features.get(local_name) {
                // an earlier attempt created it and the peer did not answer
                return Ok(existing.feature.feature_config.clone());
            }
            let mut used = channel_usage(state, local_channel);
            used.vlans.extend_from_slice(avoid_vlans);
            let input = AllocationInput {
                channel: peer_channel,
                guidance,
                local: &constraints,
                negotiator: &policy_me,
                responder: &partner,
                used: &used,
            };
            let mut config = allocate_l3(&input).map_err(|e| {
                CoordinatorError::failed_precondition(rules::NEG_FOLLOWS_GUIDANCE, e.to_string())
            })?;
            // `md5BgpPassword` is required on upstream main (OPS-10, E-162):
            // every proposal carries a fresh one.
            if let Some(l3) = config.l3_base_config.as_mut() {
                l3.md5_bgp_password.get_or_insert_with(new_md5_bgp_password);
            }
            state.features.insert(
                local_name.clone(),
                FeatureRecord {
                    feature: wire::Feature {
                        name: Some(local_name.clone()),
                        channel: Some(local_channel.clone()),
                        feature_config: Some(config.clone()),
                        provisioning_state: Some(ProvisioningState::Pending),
                        updatable: None,
                    },
                    created_at: self.clock().now(),
                },
            );
            Ok(Some(config))
        })
    }

    /// `CreateFeature` at the peer with the configuration chosen.
    async fn offer_to_peer(
        &self,
        uuid: &str,
        peer: &dyn Peer,
        at_peer: &ConnectionName,
        peer_channel: &ChannelName,
        feature_id: &str,
        config: wire::FeatureConfig,
    ) -> CoordinatorResult<wire::Feature> {
        let feature = wire::Feature {
            name: None,
            channel: Some(peer_channel.clone()),
            feature_config: Some(config),
            provisioning_state: None,
            updatable: None,
        };
        let (caller, call) = self.logical_caller(
            uuid,
            "CreateFeature",
            &format!("{at_peer}/features/{feature_id}"),
            &feature,
        );
        let answer = peer
            .create_feature(
                &caller,
                request::CreateFeature {
                    parent: at_peer.clone(),
                    feature_id: feature_id.to_owned(),
                    feature,
                },
            )
            .await;
        self.call_ended(uuid, &call, &answer);
        answer
    }

    /// What the peer's answer makes of the proposal: agreed (also when an
    /// earlier attempt's answer was lost), restarted after a 409 with the
    /// VLAN avoided when it was the VLAN (NEG-8), retried, or closed; the
    /// local feature is removed unless agreed or retried.
    fn judge_answer(
        &self,
        answer: CoordinatorResult<wire::Feature>,
        feature_id: String,
        local_name: &FeatureName,
        vlan: Option<i32>,
    ) -> Proposal {
        let remove_local = || {
            let _ = self.store().update(|state| {
                state.features.remove(local_name);
                Ok(())
            });
        };
        match answer {
            Ok(_) => Proposal::Agreed(feature_id),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                // an earlier attempt was accepted but its answer lost
                Proposal::Agreed(feature_id)
            }
            Err(e) if e.kind() == ErrorKind::Aborted => {
                remove_local();
                Proposal::Restart(vlan.filter(|_| e.rule() == L3_VLAN_UNUSED))
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                remove_local();
                Proposal::Gone(e)
            }
            Err(e) if crate::retry::is_retryable(&e) => Proposal::Retry(e),
            Err(e) => {
                remove_local();
                Proposal::Closed(e.rule().to_owned())
            }
        }
    }

    /// What this provider brings to an allocation: its ASN and ranges, and
    /// the customer's IP stack and MTU when it has them.
    fn local_constraints(&self, wf: &Workflow) -> LocalConstraints {
        let policy = &self.config().guidance;
        let mut mtu_ranges = policy.mtu_ranges.clone();
        let mut ipv6 = false;
        if let Some(customer) = &wf.customer {
            let mtu = customer.attachment.mtu_bytes;
            mtu_ranges = mtu_ranges
                .iter()
                .filter(|(lo, _)| *lo <= mtu)
                .map(|(lo, hi)| (*lo, (*hi).min(mtu)))
                .collect();
            ipv6 = customer.attachment.ip_stack.has_ipv6();
        }
        LocalConstraints {
            asn: policy.asn,
            vlan_ranges: policy.vlan_ranges.clone(),
            mtu_ranges,
            ipv4_prefix_lengths: policy.ipv4_prefix_lengths.clone(),
            ipv6_prefix_lengths: policy.ipv6_prefix_lengths.clone(),
            ipv6,
        }
    }

    /// Provisions this side's agreed features on the backend (FEAT-8: only
    /// once the quorum is reached).
    pub(crate) fn provision_local_features(&self, uuid: &str, local: &ConnectionName) {
        let features: Vec<(interconnect_core::names::FeatureName, wire::L3BaseConfig)> = self
            .store()
            .view(|s| {
                s.features_of_connection(local)
                    .filter_map(|(n, r)| {
                        let c = r.feature.feature_config.as_ref()?.l3_base_config.clone()?;
                        Some((n.clone(), c))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (name, config) in features {
            if matches!(
                self.backend().feature_status(&name),
                crate::backend::FeatureStatus::Pending | crate::backend::FeatureStatus::Provisioned
            ) {
                continue;
            }
            if let Err(e) = self.backend().provision_feature(&name, &config) {
                self.note(uuid, format!("the devices refused {name}: {e}"));
            }
        }
    }
}

/// A fresh MD5 password for a proposal's BGP sessions: 32 random hex digits
/// (the operating system's random source, through version-4 UUIDs; 122 of
/// the 128 bits are random), printable ASCII within the limits of L3-46.
fn new_md5_bgp_password() -> wire::Secret {
    wire::Secret::new(uuid::Uuid::new_v4().simple().to_string())
}
