//! Accepting an activation key at the key receiver
//! (`docs/ConnectionCoordinatorAPI.md` § Accept Connection at CSP B,
//! § Confirming the Activation Key; `docs/Protocols.md` § Establish
//! Customer Intent; `docs/DeferringProvider.md` § Phase 1).
//!
//! Order of the checks, all before anything is created (KEY-29):
//! 1. the key decodes (KEY-23);
//! 2. its environment is shared with its issuer here, offers the size and
//!    an interconnect has room (KEY-23);
//! 3. the accepting account is the authenticated customer and the key's
//!    destination account (KEY-24; the first is checked before decoding) and
//!    the customer's two ends pass the pair checks (`CUST-*`);
//! 4. the issuer confirms the key with `ConfirmActivationKey` (KEY-25).
//!
//! Then, in one transaction, the local connection (CONN-7, DEFER-1) and
//! its workflow are created; the negotiation continues in the background.

use chrono::{DateTime, Utc};
use interconnect_core::activation_key::{
    ActivationKeyV2, ConnectionUuid, DecodedActivationKey, EncodedActivationKey, decrypt,
};
use interconnect_core::customer::{
    Attachment, Bandwidth, PairContext, TransportAcceptance, rules as cust, validate_pair,
};
use interconnect_core::names::{EnvironmentName, ProviderName};
use interconnect_core::wire::{self, Secret};
use serde::{Deserialize, Serialize};

use super::Customer;
use super::{CustomerConnection, refusal};
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::reference::ReferenceProvider;
use crate::reference::key_parameters::supported_versions;
use crate::request;
use crate::rules;
use crate::store::{CustomerRecord, Phase, Role, StoreExt, Workflow};

/// What the customer sends to accept a key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcceptActivationKey {
    /// The key, the accepting account and this end's attachment.
    #[serde(flatten)]
    pub acceptance: TransportAcceptance,
    /// The other end as the customer set it up at the issuer, so the pair
    /// checks (CIDR overlap, IP stack, MTU) run before any call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_attachment: Option<Attachment>,
    /// Hand the negotiator role to the issuer (`deferProvisioning`,
    /// DEFER-2); always done where the environment says so (DEFER-4).
    #[serde(default)]
    pub defer_provisioning: bool,
}

/// One check the receiver makes of a key (KEY-28).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyCheck {
    /// The rule.
    pub rule: String,
    /// What it checks.
    pub description: String,
    /// `Some(true)` passed, `Some(false)` failed, `None` made on acceptance.
    pub passed: Option<bool>,
}

/// What a key asks for, before the customer accepts it (KEY-28).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyDescription {
    /// The provider that issued it.
    pub issuer: ProviderName,
    /// The environment it asks for.
    pub environment: EnvironmentName,
    /// The bandwidth it asks for.
    pub bandwidth_mbps: i32,
    /// The key's version: 1 (clear) or 2 (its payload encrypted for this
    /// environment, KEY-42).
    pub version: i32,
    /// The checks, with what is known now.
    pub checks: Vec<KeyCheck>,
}

/// What the receiver reads from a key of either version.
struct ReadKey {
    environment: EnvironmentName,
    uuid: ConnectionUuid,
    mbps: i32,
    destination_account_id: Secret,
    version: i32,
}

impl ReadKey {
    fn destination_environment(&self) -> &EnvironmentName {
        &self.environment
    }
    fn shared_connection_uuid(&self) -> &ConnectionUuid {
        &self.uuid
    }
    fn connection_size_mbps(&self) -> i32 {
        self.mbps
    }
    fn destination_account_id(&self) -> &Secret {
        &self.destination_account_id
    }
}

impl ReferenceProvider {
    /// Reads a key: version 1 as it is, version 2 decrypted with the keys
    /// of the environment it names (KEY-42). Every decryption failure is
    /// the same 400 (KEY-43, E-203); an environment that accepts version 1
    /// only refuses version 2 keys (KEY-46).
    fn decode(&self, key: &Secret) -> CoordinatorResult<ReadKey> {
        let invalid = |e: &dyn std::fmt::Display| {
            CoordinatorError::invalid_argument(
                rules::KEY_RECEIVER_CHECKS,
                format!("activationKey: {e}"),
            )
        };
        let encoded = EncodedActivationKey::new(key.expose()).map_err(|e| invalid(&e))?;
        match encoded.decode() {
            Ok(DecodedActivationKey::V1(k)) => Ok(ReadKey {
                environment: k.destination_environment().clone(),
                uuid: k.shared_connection_uuid().clone(),
                mbps: k.connection_size_mbps(),
                destination_account_id: k.destination_account_id().clone(),
                version: 1,
            }),
            Ok(DecodedActivationKey::V2(k)) => {
                let environment = k.destination_environment().clone();
                if self
                    .shared_environment(&environment)
                    .is_some_and(|e| !supported_versions(e).contains(&ActivationKeyV2::VERSION))
                {
                    return Err(CoordinatorError::invalid_argument(
                        rules::KEY_VERSION_ACCEPTED,
                        format!(
                            "activationKey: {environment} accepts version 1 activation keys only"
                        ),
                    ));
                }
                let keys = self.activation_key_private_keys(&environment);
                let payload = decrypt(&k, &keys).map_err(|e| {
                    CoordinatorError::invalid_argument(
                        rules::KEY_V2_UNIFORM_FAILURE,
                        format!("activationKey: {e}"),
                    )
                })?;
                Ok(ReadKey {
                    environment,
                    uuid: payload.shared_connection_uuid().clone(),
                    mbps: payload.connection_size_mbps(),
                    destination_account_id: payload.destination_account_id().clone(),
                    version: ActivationKeyV2::VERSION,
                })
            }
            Ok(other) => Err(invalid(&format_args!(
                "version {} is not supported",
                other.version()
            ))),
            Err(e) => Err(invalid(&e)),
        }
    }

    /// The environment, size and room checks of KEY-23, as a list.
    fn key_checks(&self, key: &ReadKey) -> Vec<KeyCheck> {
        let env = self.shared_environment(key.destination_environment());
        let mbps = key.connection_size_mbps();
        let offered =
            env.is_some_and(|e| e.environment.supported_connection_size_mbps.contains(&mbps));
        let room = env.is_some_and(|e| {
            self.store()
                .view(|s| self.most_free_interconnect(s, e, mbps, &[]).is_some())
                .unwrap_or(false)
        });
        vec![
            KeyCheck {
                rule: rules::KEY_RECEIVER_CHECKS.to_owned(),
                description: format!(
                    "the environment {} is shared with {}",
                    key.destination_environment().id(),
                    key.destination_environment().provider()
                ),
                passed: Some(env.is_some()),
            },
            KeyCheck {
                rule: rules::KEY_RECEIVER_CHECKS.to_owned(),
                description: format!("{mbps} Mbps is offered there"),
                passed: Some(offered),
            },
            KeyCheck {
                rule: rules::KEY_RECEIVER_CHECKS.to_owned(),
                description: format!("an active interconnect has {mbps} Mbps free"),
                passed: Some(room),
            },
            KeyCheck {
                rule: rules::KEY_RECEIVER_ACCOUNT.to_owned(),
                description: "the accepting account is the key's destination account".to_owned(),
                passed: None,
            },
            KeyCheck {
                rule: cust::CIDR_OVERLAP.to_owned(),
                description: "the two ends' CIDR ranges, IP stacks and MTUs agree (CUST-*)"
                    .to_owned(),
                passed: None,
            },
            KeyCheck {
                rule: rules::KEY_RECEIVER_STOPS.to_owned(),
                description: "the issuer confirms the key (ConfirmActivationKey)".to_owned(),
                passed: None,
            },
        ]
    }
}

impl Customer<'_> {
    /// What a key asks for and the checks acceptance will make (KEY-28).
    /// 400 naming KEY-23 when the key does not decode.
    pub fn describe_activation_key(&self, key: &Secret) -> CoordinatorResult<KeyDescription> {
        let decoded = self.decode(key)?;
        Ok(KeyDescription {
            issuer: decoded.destination_environment().provider().clone(),
            environment: decoded.destination_environment().clone(),
            bandwidth_mbps: decoded.connection_size_mbps(),
            version: decoded.version,
            checks: self.key_checks(&decoded),
        })
    }

    /// Accepts a key for the authenticated customer `account`: every
    /// check, the issuer's confirmation, then the local connection; the
    /// negotiation goes on in the background
    /// ([`run_until_idle`](ReferenceProvider::run_until_idle)). 403 naming KEY-24 when
    /// `account` is not the accepting account of the request, or that
    /// account is not the key's destination account.
    pub async fn accept_activation_key(
        &self,
        account: &Secret,
        accept: &AcceptActivationKey,
    ) -> CoordinatorResult<CustomerConnection> {
        let key = self.check_acceptance(account, accept)?;
        let environment = key.destination_environment().clone();
        let uuid = key.shared_connection_uuid().as_str().to_owned();
        self.check_not_accepted(&uuid, account)?;
        // KEY-29: the issuer confirms before anything is created here
        self.confirm_at_issuer(&environment, &accept.acceptance.activation_key)
            .await?;
        let now = self.clock().now();
        let wf = self.acceptance_workflow(accept, &key, now);
        let view = self.record_acceptance(&uuid, account, wf, now)?;
        self.wake(&uuid, now);
        Ok(view)
    }
}

impl ReferenceProvider {
    /// The checks of an acceptance made before any call, in the order of
    /// the module's list: the authenticated customer is the accepting
    /// account (KEY-24), the key decodes and passes the receiver's checks
    /// (KEY-23), the customer's limits, this end is here, the accepting
    /// account is the key's destination account (KEY-24), and the two ends
    /// agree (`CUST-*`). Returns the key read.
    fn check_acceptance(
        &self,
        account: &Secret,
        accept: &AcceptActivationKey,
    ) -> CoordinatorResult<ReadKey> {
        let acceptance = &accept.acceptance;
        if acceptance.accepting_account_id.expose() != account.expose() {
            // KEY-24: only the authenticated customer accepts, and only as itself
            return Err(CoordinatorError::permission_denied(
                rules::KEY_RECEIVER_ACCOUNT,
                "acceptingAccountId: the authenticated customer is not this account",
            ));
        }
        let key = self.decode(&acceptance.activation_key)?;
        if let Some(failed) = self
            .key_checks(&key)
            .into_iter()
            .find(|c| c.passed == Some(false))
        {
            return Err(CoordinatorError::invalid_argument(
                rules::KEY_RECEIVER_CHECKS,
                format!("activationKey: the check \"{}\" failed", failed.description),
            ));
        }
        if let Some(env) = self.shared_environment(key.destination_environment()) {
            super::limits::check_allowed(env, &acceptance.accepting_account_id)?;
        }
        super::limits::check_bandwidth_limit(&self.config().policy, key.connection_size_mbps())?;
        if acceptance.attachment.provider != self.config().provider {
            return Err(CoordinatorError::invalid_argument(
                cust::PROVIDER_SAME,
                format!(
                    "attachment.provider: this end must be in {}, not {}",
                    self.config().provider,
                    acceptance.attachment.provider
                ),
            ));
        }
        if acceptance.accepting_account_id.expose() != key.destination_account_id().expose() {
            return Err(CoordinatorError::permission_denied(
                rules::KEY_RECEIVER_ACCOUNT,
                "acceptingAccountId: the accepting account is not the key's destination account (CUST-ACCOUNT-MISMATCH)",
            ));
        }
        self.check_pair(accept, &key)?;
        Ok(key)
    }

    /// The customer's pair checks (CIDR overlap, IP stack, MTU, bandwidth
    /// tier, account match) when the request gives the other end.
    fn check_pair(&self, accept: &AcceptActivationKey, key: &ReadKey) -> CoordinatorResult<()> {
        let Some(remote) = &accept.remote_attachment else {
            return Ok(());
        };
        let offered: Vec<Bandwidth> = self
            .shared_environment(key.destination_environment())
            .map(|e| {
                e.environment
                    .supported_connection_size_mbps
                    .iter()
                    .filter_map(|m| u32::try_from(*m).ok())
                    .filter_map(|m| Bandwidth::from_mbps(m).ok())
                    .collect()
            })
            .unwrap_or_default();
        let acceptance = &accept.acceptance;
        let context = PairContext {
            offered_bandwidths: Some(offered),
            requested_bandwidth: u32::try_from(key.connection_size_mbps())
                .ok()
                .and_then(|m| Bandwidth::from_mbps(m).ok()),
            key_destination_account_id: Some(key.destination_account_id().clone()),
            accepting_account_id: Some(acceptance.accepting_account_id.clone()),
        };
        match refusal(&validate_pair(&acceptance.attachment, remote, &context)) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// 409 when the key was already accepted here (KEY-29), and the
    /// customer's quota of pending connections (OPS-74): a customer over
    /// it does not use up the key at the issuer. Both are checked again in
    /// the transaction that records the acceptance.
    fn check_not_accepted(&self, uuid: &str, account: &Secret) -> CoordinatorResult<()> {
        if self
            .store()
            .view(|s| s.workflows.contains_key(uuid))
            .unwrap_or(false)
        {
            return Err(already_accepted());
        }
        let quotas = &self.config().policy.quotas;
        self.store()
            .view(|state| crate::reference::quotas::check_customer_pending(state, quotas, account))
            .unwrap_or(Ok(()))
    }

    /// Asks the issuer of the key to confirm it (`ConfirmActivationKey`,
    /// KEY-25, KEY-29); 400 when it does not.
    async fn confirm_at_issuer(
        &self,
        environment: &EnvironmentName,
        activation_key: &Secret,
    ) -> CoordinatorResult<()> {
        let issuer = environment.provider().clone();
        let peer = self.peers().get(&issuer)?;
        let me = self.as_caller();
        let confirmed = peer
            .confirm_activation_key(
                &me,
                request::ConfirmActivationKey {
                    name: environment.with_provider(&self.config().provider),
                    body: wire::ConfirmActivationKeyRequest {
                        key: None,
                        encoded_key: Some(activation_key.clone()),
                    },
                },
            )
            .await?;
        if confirmed.key_valid != Some(true) {
            return Err(CoordinatorError::invalid_argument(
                rules::KEY_RECEIVER_STOPS,
                format!(
                    "activationKey: {issuer} did not confirm the key (used, expired or not issued by it)"
                ),
            ));
        }
        Ok(())
    }

    /// The workflow of an accepted key: the negotiator here, or the
    /// responder when the negotiation is deferred to the issuer (DEFER-2,
    /// DEFER-4), with the customer's two ends.
    fn acceptance_workflow(
        &self,
        accept: &AcceptActivationKey,
        key: &ReadKey,
        now: DateTime<Utc>,
    ) -> Workflow {
        let environment = key.destination_environment();
        let defer = accept.defer_provisioning
            || self
                .shared_environment(environment)
                .is_some_and(|e| e.environment.defer_connection_provisioning == Some(true));
        let mut wf = Workflow::new(
            if defer {
                Role::Responder
            } else {
                Role::Negotiator
            },
            Phase::CreatingRemote,
            environment.clone(),
            key.connection_size_mbps(),
            now,
        );
        wf.deferred = defer;
        wf.customer = Some(CustomerRecord {
            account: accept.acceptance.accepting_account_id.clone(),
            attachment: accept.acceptance.attachment.clone(),
            remote_attachment: accept.remote_attachment.clone(),
        });
        wf.record(
            now,
            format!(
                "{} confirmed the activation key (KEY-29)",
                environment.provider()
            ),
        );
        wf
    }

    /// In one transaction: the acceptance is still the first and within
    /// the customer's quota, then the local connection (CONN-7, DEFER-1)
    /// and the workflow are stored. Answers the customer's view.
    fn record_acceptance(
        &self,
        uuid: &str,
        account: &Secret,
        mut wf: Workflow,
        now: DateTime<Utc>,
    ) -> CoordinatorResult<CustomerConnection> {
        let quotas = &self.config().policy.quotas;
        let environment = wf.environment.clone();
        self.store().update(|state| {
            if state.workflows.contains_key(uuid) {
                return Err(already_accepted());
            }
            crate::reference::quotas::check_customer_pending(state, quotas, account)?;
            let name = self.insert_local_connection(state, &environment, uuid, &wf, now)?;
            wf.record(
                now,
                format!(
                    "local connection created under {} (CONN-7){}",
                    name.interconnect(),
                    if wf.deferred {
                        "; deferring the negotiation to the issuer (DEFER-1)"
                    } else {
                        ""
                    }
                ),
            );
            wf.connection = Some(name);
            state.workflows.insert(uuid.to_owned(), wf.clone());
            Ok(self.customer_view(state, uuid, &wf))
        })
    }
}

/// 409: the key was already accepted here (KEY-29).
fn already_accepted() -> CoordinatorError {
    CoordinatorError::already_exists(
        rules::KEY_RECEIVER_STOPS,
        "activationKey: this key was already accepted here",
    )
}
