//! `requestId` replays (upstream-next `parameters/_index.yaml` `x-request-id`,
//! "used for tracing and idempotency"; the semantics follow the draft
//! `docs/FeatureRecovery.md` "Retry and Idempotency Contract", adopted for
//! every mutation: `spec/ERRATA.md` E-240, E-242).
//!
//! A mutation made with a `requestId` ([`Caller::request_id`]) is recorded
//! with its outcome in the store (REQ-5). A later request from the same
//! caller with the same id:
//! - for the same operation, target and content, answers the recorded
//!   outcome and changes nothing (REQ-3: no second reservation);
//! - for anything else, is 409 `ABORTED` (REQ-4).
//!
//! Reads (and UpdateFeature, which has no `requestId`) are not recorded.
//! Failed mutations are not recorded either: they changed nothing, so their
//! retry runs again (E-242). Requests with the same caller and id are
//! serialized by a lock stripe, so concurrent replays reserve once.

use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::request::{Binding, Kind, Recorded};
use crate::rules;
use crate::store::{RequestRecord, StoreExt, record_key};

/// How a request takes part in replays: its target and content as bytes
/// when it is a mutation, `None` for a read.
pub(crate) trait Replayable {
    /// The target and content of a mutation, serialized; `None` for a read.
    fn content(&self) -> Option<serde_json::Result<Vec<u8>>>;
}

/// A mutation is recorded with its [`Recorded`] content; a read is not, and
/// neither is UpdateFeature, the one mutation without a `requestId`
/// (upstream-next `paths/features.yaml`; its `binding!` says so).
impl<R: Binding + Recorded> Replayable for R {
    fn content(&self) -> Option<serde_json::Result<Vec<u8>>> {
        (R::KIND == Kind::Mutation && R::REQUEST_ID).then(|| Recorded::content(self))
    }
}

/// Lock stripes: requests with the same caller and `requestId` take the
/// same stripe, so they run one at a time.
pub(crate) struct Replays {
    stripes: Vec<Mutex<()>>,
}

const STRIPES: usize = 64;

impl Replays {
    pub(crate) fn new() -> Self {
        Replays {
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
        }
    }

    fn lock(&self, key: &str) -> MutexGuard<'_, ()> {
        let index =
            usize::try_from(fnv1a(key.as_bytes(), FNV_OFFSET) % STRIPES as u64).unwrap_or_default();
        let stripe = self.stripes.get(index).unwrap_or(&self.stripes[0]);
        stripe
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64 bits: stable across versions and processes (the digest is
/// stored), unlike the standard library's hasher.
fn fnv1a(bytes: &[u8], offset: u64) -> u64 {
    bytes
        .iter()
        .fold(offset, |h, b| (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME))
}

/// The digest of an operation and its content: two FNV-1a passes with
/// different offsets, and the length (E-242).
pub(crate) fn fingerprint(operation: &str, content: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(operation.len() + 1 + content.len());
    bytes.extend_from_slice(operation.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(content);
    format!(
        "{:016x}{:016x}-{}",
        fnv1a(&bytes, FNV_OFFSET),
        fnv1a(&bytes, FNV_OFFSET ^ 0x5bd1_e995_5bd1_e995),
        bytes.len()
    )
}

/// Runs `operation` for `caller`, answering a replay from the record.
pub(crate) fn run<R, T>(
    p: &ReferenceProvider,
    caller: &Caller,
    operation: &'static str,
    request: R,
    execute: impl FnOnce(R) -> CoordinatorResult<T>,
) -> CoordinatorResult<T>
where
    R: Replayable,
    T: Serialize + DeserializeOwned,
{
    let Some(id) = caller.request_id() else {
        return execute(request);
    };
    let Some(content) = request.content() else {
        return execute(request);
    };
    let content = content.map_err(|e| {
        CoordinatorError::internal(
            rules::REQ_REPLAY,
            format!("{operation}: the request could not be recorded: {e}"),
        )
    })?;
    let digest = fingerprint(operation, &content);
    let key = record_key(caller.principal(), &id);
    let _serialized = p.replays.lock(&key);
    let now = p.clock.now();
    let not_before = now - p.config.policy.request_record_window();
    let seen = p
        .store
        .view(|state| state.request_records.get(&key, not_before).cloned())
        .flatten();
    if let Some(record) = seen {
        if record.operation == operation && record.fingerprint == digest {
            tracing::debug!(%id, operation, "replay answered from the record");
            return serde_json::from_value(record.outcome).map_err(|e| {
                CoordinatorError::internal(
                    rules::REQ_REPLAY,
                    format!("{operation}: the recorded outcome no longer reads: {e}"),
                )
            });
        }
        return Err(CoordinatorError::aborted(
            rules::REQ_CONFLICT,
            if record.operation == operation {
                format!(
                    "requestId {id} was already used for a {operation} with another target or content"
                )
            } else {
                format!(
                    "requestId {id} was already used for {}, not {operation}",
                    record.operation
                )
            },
        ));
    }
    let outcome = execute(request)?;
    match serde_json::to_value(&outcome) {
        Ok(value) => {
            let record = RequestRecord {
                operation: operation.to_owned(),
                fingerprint: digest,
                outcome: value,
                recorded_at: now,
            };
            let kept = p.store.update(|state| {
                state
                    .request_records
                    .insert(key.clone(), record.clone(), not_before);
                Ok(())
            });
            if let Err(e) = kept {
                tracing::warn!(%id, operation, rule = e.rule(), "the outcome was not recorded");
            }
        }
        Err(e) => tracing::warn!(%id, operation, error = %e, "the outcome was not recorded"),
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_operations_and_contents_apart() {
        let a = fingerprint("CreateConnection", b"[1]");
        assert_eq!(a, fingerprint("CreateConnection", b"[1]"));
        assert_ne!(a, fingerprint("CreateConnection", b"[2]"));
        assert_ne!(a, fingerprint("DeleteConnection", b"[1]"));
        // the stored digest never changes between versions
        assert_eq!(fnv1a(b"", FNV_OFFSET), FNV_OFFSET);
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xaf63_dc4c_8601_ec8c);
    }
}
