//! Requesting a connection at the key issuer (`docs/ConnectionCoordinatorAPI.md`
//! § Create Connection at CSP A; `docs/Protocols.md` § Establish Customer
//! Intent): the customer names the environment, the bandwidth and its
//! account at the other provider; this provider issues the activation key
//! (KEY-26, KEY-27) and keeps a workflow that waits for the key receiver.

use interconnect_core::customer::ConnectionRequest;
use interconnect_core::wire::Secret;
use serde::Serialize;

use super::Customer;
use super::CustomerConnection;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::rules;
use crate::store::{CustomerRecord, Phase, Role, StoreExt, Workflow};

/// What [`Customer::request_connection`](crate::customer::Customer::request_connection) answers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionRequested {
    /// The pending connection.
    pub connection: CustomerConnection,
    /// The activation key to take to the other provider (secret: shown to
    /// the customer once, never logged).
    pub activation_key: Secret,
}

impl Customer<'_> {
    /// A customer asks for a connection: the activation key is issued, of
    /// the version the other provider asks for (KEY-44), and the connection
    /// waits for the other provider (phase `awaitingPeer`).
    pub async fn request_connection(
        &self,
        account: &Secret,
        request: &ConnectionRequest,
    ) -> CoordinatorResult<ConnectionRequested> {
        if request.attachment.provider != self.config().provider {
            return Err(CoordinatorError::invalid_argument(
                interconnect_core::customer::rules::PROVIDER_SAME,
                format!(
                    "attachment.provider: the attachment must be in {}, not {}",
                    self.config().provider,
                    request.attachment.provider
                ),
            ));
        }
        let mbps = request.bandwidth.bandwidth_mbps();
        if let Some(env) = self.shared_environment(&request.environment) {
            super::limits::check_allowed(env, account)?;
        }
        super::limits::check_bandwidth_limit(&self.config().policy, mbps)?;
        let now = self.clock().now();
        let mut wf = Workflow::new(
            Role::Responder,
            Phase::AwaitingPeer,
            request.environment.clone(),
            mbps,
            now,
        );
        wf.customer = Some(CustomerRecord {
            account: account.clone(),
            attachment: request.attachment.clone(),
            remote_attachment: None,
        });
        wf.record(
            now,
            format!(
                "activation key issued for {mbps} Mbps in {}; waiting for the other provider (KEY-27)",
                request.environment
            ),
        );
        // OPS-74, OPS-76: the customer's quotas are checked in the
        // transaction that stores the key and the workflow, so concurrent
        // requests of one account cannot pass them together.
        let quotas = &self.config().policy.quotas;
        let store_workflow = |state: &mut crate::store::State, uuid: &str| {
            crate::reference::quotas::check_customer_pending(state, quotas, account)?;
            crate::reference::quotas::check_customer_keys(state, quotas, account, now)?;
            if state.workflows.contains_key(uuid) {
                return Err(CoordinatorError::internal(
                    rules::KEY_INTENT_STORED,
                    "a fresh connection UUID is already in use",
                ));
            }
            state.workflows.insert(uuid.to_owned(), wf.clone());
            Ok(())
        };
        let issued = self
            .issue_negotiated_key_with(
                &request.environment,
                mbps,
                request.remote_account_id.clone(),
                account,
                &store_workflow,
            )
            .await?;
        let uuid = issued.shared_connection_uuid().as_str().to_owned();
        let view = self
            .store()
            .view(|state| self.customer_view(state, &uuid, &wf))
            .ok_or_else(|| {
                CoordinatorError::internal(rules::KEY_INTENT_STORED, "the store could not be read")
            })?;
        Ok(ConnectionRequested {
            connection: view,
            activation_key: issued.encoded().clone(),
        })
    }
}
