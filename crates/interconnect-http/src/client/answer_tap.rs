//! [`AnswerTap`]: the JSON of a successful answer exactly as the server
//! wrote it, for a caller that must judge the document itself rather than
//! what the typed decoder made of it.
//!
//! The client decodes every answer liberally (the May names of members, the
//! members upstream main made required but a May peer leaves out, members it
//! does not know): right for a peer, wrong for a conformance runner, which
//! must see that a server writes `environments` where upstream main writes
//! `providers`, or a member the specification does not define. A runner
//! installs a tap ([`HttpCoordinator::with_answer_tap`](super::HttpCoordinator::with_answer_tap))
//! and takes the body of its last call after each call.

use std::sync::{Arc, Mutex};

/// Holds the body of the last successful (200) answer of the coordinator
/// it is installed on; cheap to clone (clones share the slot). Calls made
/// concurrently through one tapped coordinator overwrite each other's body:
/// take it only after a call made alone.
#[derive(Clone, Default)]
pub struct AnswerTap {
    last: Arc<Mutex<Option<Vec<u8>>>>,
}

impl AnswerTap {
    /// An empty tap.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the body of the last successful answer, leaving the tap empty.
    pub fn take(&self) -> Option<Vec<u8>> {
        self.last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }

    /// Keeps `body` as the last answer.
    pub(crate) fn put(&self, body: &[u8]) {
        *self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(body.to_vec());
    }
}

impl std::fmt::Debug for AnswerTap {
    // an answer may hold what a caller treats as secret: never shown
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerTap").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_empties_the_tap_and_debug_shows_no_body() {
        let tap = AnswerTap::new();
        assert_eq!(tap.take(), None);
        tap.clone().put(b"{\"cak\":\"secret-value\"}");
        assert!(!format!("{tap:?}").contains("secret"));
        assert_eq!(
            tap.take().as_deref(),
            Some(&b"{\"cak\":\"secret-value\"}"[..])
        );
        assert_eq!(tap.take(), None);
    }
}
