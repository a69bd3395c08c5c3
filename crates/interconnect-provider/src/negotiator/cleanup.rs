//! What the periodic cleanup leaves to the protocol (`schemas/connection.yaml`
//! `Connection` description items 3 and 4; `spec/REQUIREMENTS.md` CONN-13,
//! CONN-14, CONN-32, AUTH-10): once [`ReferenceProvider::run_cleanup`] has
//! removed a connection here and released its reservation and features,
//! the peer is asked to delete its copy with `DeleteConnection`.
//!
//! A connection its workflow still follows goes through the workflow's
//! delete step (retried with backoff; a 404 counts as done, CONN-28); any
//! other gets one call, and the peer's own cleanup removes a copy the call
//! did not reach (CONN-14).

use crate::error::ErrorKind;
use crate::reference::{CleanupReport, ReferenceProvider};
use crate::request;
use crate::store::{Phase, StoreExt};

impl ReferenceProvider {
    /// CONN-32: `DeleteConnection` on the peer for every connection the
    /// cleanup removed here.
    pub(super) async fn delete_cleaned_up_on_peer(&self, report: &CleanupReport) {
        let now = self.clock().now();
        for name in &report.deleted_connections {
            let followed = self
                .store()
                .update(|s| {
                    let Some(wf) = s.workflows.get_mut(name.id()) else {
                        return Ok(false);
                    };
                    if wf.connection.as_ref() != Some(name) {
                        return Ok(false);
                    }
                    wf.phase = Phase::Deleting;
                    wf.retry = Default::default();
                    wf.record(
                        now,
                        format!(
                            "{name} removed by the cleanup (CONN-13, CONN-14); deleting the peer's copy (CONN-32)"
                        ),
                    );
                    Ok(true)
                })
                .unwrap_or(false);
            if followed {
                self.wake(name.id(), now);
                continue;
            }
            let (Ok(peer), Ok(at_peer)) = (
                self.peers().get(name.interconnect().provider()),
                self.at_peer_connection(name),
            ) else {
                continue;
            };
            let me = self.as_caller();
            match peer
                .delete_connection(&me, request::DeleteConnection { name: at_peer })
                .await
            {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::debug!(correlation = %self.correlation_id(name.id()), error = %e, "CONN-32: the peer's copy is left to its cleanup");
                }
            }
        }
    }
}
