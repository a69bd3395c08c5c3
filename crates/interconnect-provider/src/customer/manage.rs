//! Reading and deleting a customer's connections (`docs/Protocols.md`
//! § Delete Connection Workflow for the delete).

use interconnect_core::wire::Secret;

use super::Customer;
use super::CustomerConnection;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::reference::connections::{remove_connection, remove_from_backend};
use crate::rules;
use crate::store::{Phase, StoreExt};

fn missing() -> CoordinatorError {
    CoordinatorError::not_found(rules::CONN_MISSING, "no such connection of this customer")
}

impl Customer<'_> {
    /// One of the customer's connections; 404 for another customer's.
    pub fn customer_connection(
        &self,
        account: &Secret,
        connection_id: &str,
    ) -> CoordinatorResult<CustomerConnection> {
        self.store()
            .view(|state| {
                let wf = state.workflows.get(connection_id)?;
                let owner = wf.customer.as_ref()?;
                (owner.account == *account).then(|| self.customer_view(state, connection_id, wf))
            })
            .flatten()
            .ok_or_else(missing)
    }

    /// The customer's connections, by connection id.
    pub fn customer_connections(&self, account: &Secret) -> Vec<CustomerConnection> {
        self.store()
            .view(|state| {
                state
                    .workflows
                    .iter()
                    .filter(|(_, wf)| wf.customer.as_ref().is_some_and(|c| c.account == *account))
                    .map(|(uuid, wf)| self.customer_view(state, uuid, wf))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Deletes a customer's connection (CONN-28): this side's copy and
    /// features go at once; the peer is told in the background (404 there
    /// counts as done). A connection still waiting for the other provider
    /// only has its key revoked.
    pub fn delete_customer_connection(
        &self,
        account: &Secret,
        connection_id: &str,
    ) -> CoordinatorResult<CustomerConnection> {
        self.customer_connection(account, connection_id)?;
        let now = self.clock().now();
        let (removed, view) = self.store().update(|state| {
            let wf = state
                .workflows
                .get(connection_id)
                .cloned()
                .ok_or_else(missing)?;
            if wf.phase.is_final() || wf.phase == Phase::Deleting {
                return Err(CoordinatorError::failed_precondition(
                    rules::CONN_DELETE_TELLS_PEER,
                    format!("the connection is already {}", wf.phase.as_str()),
                ));
            }
            let mut removed = Vec::new();
            if let Some(name) = &wf.connection {
                removed = remove_connection(state, name);
            }
            for old in wf.migrating_from.iter() {
                removed.extend(remove_connection(state, old));
            }
            if let Some(key) = state.issued_keys.get_mut(connection_id) {
                key.revoked = true;
            }
            let w = state.workflows.get_mut(connection_id).ok_or_else(missing)?;
            w.phase = if wf.connection.is_some() {
                Phase::Deleting
            } else {
                Phase::Deleted
            };
            w.record(
                now,
                "deleted by the customer: local copy and features removed (CONN-28)",
            );
            let w = w.clone();
            Ok((removed, self.customer_view(state, connection_id, &w)))
        })?;
        remove_from_backend(self, &removed);
        self.wake(connection_id, now);
        Ok(view)
    }
}
