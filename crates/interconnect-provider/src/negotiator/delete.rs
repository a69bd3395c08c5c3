//! The customer's delete (`docs/Protocols.md` § Delete Connection
//! Workflow): this side removes its copy and features at once, then tells
//! the peer with `DeleteConnection`; a 404 counts as done (CONN-28). Calls
//! that may pass are retried with backoff; after the budget the peer's
//! copy is left to its cleanup (CONN-14). During a migration the old
//! connection is deleted on the peer first (NEG-15).

use super::Next;
use crate::error::ErrorKind;
use crate::reference::ReferenceProvider;
use crate::store::{Phase, Workflow};

impl ReferenceProvider {
    /// Step `Deleting`: `DeleteConnection` on the peer.
    pub(super) async fn delete_remote(&self, uuid: &str, wf: &Workflow) -> Next {
        let now = self.clock().now();
        let Some(name) = wf.connection.clone() else {
            let _ = self.update_workflow(uuid, |w| w.phase = Phase::Deleted);
            return Next::Done;
        };
        let done = |what: String| {
            let _ = self.update_workflow(uuid, |w| {
                w.phase = Phase::Deleted;
                w.retry = Default::default();
                w.record(now, what);
            });
            Next::Done
        };
        let (peer, at_peer) = match (self.peer_of(wf), self.at_peer_connection(&name)) {
            (Ok(p), Ok(n)) => (p, n),
            (Err(e), _) | (_, Err(e)) => {
                return self.backoff(uuid, &e).unwrap_or_else(|| {
                    done(format!(
                        "the peer was not told ({e}); its cleanup removes its copy (CONN-14)"
                    ))
                });
            }
        };
        if let Some(old) = wf.migrating_from.clone() {
            // NEG-15: the old connection of a migration goes first, so the
            // peer does not fall back to it when the new one goes
            let sent = match self.at_peer_connection(&old) {
                Ok(name) => self.delete_at_peer(uuid, peer.as_ref(), name).await,
                Err(e) => Err(e),
            };
            match sent {
                Err(e) if e.kind() != ErrorKind::NotFound => {
                    if let Some(next) = self.backoff(uuid, &e) {
                        return next;
                    }
                }
                _ => {}
            }
            let _ = self.update_workflow(uuid, |w| w.migrating_from = None);
        }
        match self.delete_at_peer(uuid, peer.as_ref(), at_peer).await {
            Ok(_) => done("DeleteConnection acknowledged by the peer (CONN-28)".to_owned()),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                done("the peer had no copy left (404 counts as done, CONN-28)".to_owned())
            }
            Err(e) => self.backoff(uuid, &e).unwrap_or_else(|| {
                done(format!(
                    "the peer refused or stayed unreachable ({e}); its cleanup removes its copy (CONN-14)"
                ))
            }),
        }
    }
}
