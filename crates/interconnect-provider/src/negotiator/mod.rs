//! The client side of the protocol: what a reference provider does on its
//! own initiative, as the key receiver, the negotiator, the responder that
//! provisions and notifies, and the side that deletes
//! (`docs/Protocols.md` § Negotiate Feature Parameters, § Provision
//! Appropriate Features, § Delete Connection Workflow;
//! `docs/DeferringProvider.md`).
//!
//! Each connection this provider takes part in has a [`Workflow`] in the
//! store (keyed by the shared connection UUID). The scheduler's
//! [`Task::Reconcile`] looks at the workflow and the resources and makes
//! the next call that is still missing, in the manner of a controller's
//! reconcile loop: a lost answer or a crash between two steps is repaired
//! by running the task again.
//!
//! | file | step | rules |
//! |---|---|---|
//! | `establish.rs` | `CreateConnection` on the peer under the interconnect with the most free bandwidth; another one on 409; backoff; rollback | CONN-7, NEG-2..NEG-4, NEG-16, DEFER-1, DEFER-9, DEFER-10 |
//! | `features.rs` | guidance, one feature per listed channel, locally then on the peer; restart on 409; quorum | NEG-5..NEG-11, FEAT-8 |
//! | `provisioning.rs` | provisioning, `NotifyConnectionStatus`, verification, deferral watch, re-creation of deleted features | NEG-12..NEG-14, FEAT-9, DEFER-5..DEFER-7 |
//! | `delete.rs` | the customer's delete: local copy first, then the peer | CONN-28 |
//! | `update.rs` | the customer's bandwidth change: in place after the peer's 200, or as a make-before-break migration | CONN-18, CONN-19, NEG-15, NEG-18 |
//! | `lease.rs` | with a store replicas share: a lease per workflow while a replica runs its step, and the takeover of overdue work no replica holds | OPS-32 |
//! | `peer_check.rs` | now and then, the peer's view of each verified connection: degraded when the peer lost it or a feature, verified again when it shows them | RECON-1..RECON-4 |

mod announce;
mod cleanup;
mod delete;
mod establish;
mod features;
mod guidance_entry;
mod lease;
mod peer_check;
mod provisioning;
mod update;

pub use features::MAX_PROPOSALS_PER_CHANNEL;
pub use lease::{LEASE_TTL, TAKEOVER_EVERY, TAKEOVER_GRACE};
pub use peer_check::{DegradedConnection, PeerCheckReport};
pub(crate) use update::UpdateCall;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use interconnect_core::names::{ChannelName, ConnectionName, InterconnectName, ProviderName};
use tracing::Instrument;

use crate::caller::Caller;
use crate::error::{CoordinatorError, CoordinatorResult};
use crate::peer::Peer;
use crate::reference::ReferenceProvider;
use crate::retry::RetryDecision;
use crate::rules;
use crate::scheduler::Task;
use crate::store::{Phase, StoreExt, Workflow};

/// How often a workflow waiting for the devices looks again.
pub const PROVISIONING_POLL: Duration = Duration::seconds(10);

/// How often the cleanup task runs (OPS-7).
pub const CLEANUP_EVERY: Duration = Duration::hours(1);

/// Tasks one [`ReferenceProvider::run_until_idle`] runs at most, so a task
/// that keeps making itself due now cannot hang a caller.
pub const MAX_TASKS_PER_RUN: usize = 100_000;

/// What a step wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// Run the next step now.
    Continue,
    /// Look again at this time.
    At(DateTime<Utc>),
    /// Nothing more to do until something happens.
    Done,
}

/// The boxed future of one task.
type TaskFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

impl ReferenceProvider {
    /// Runs every task that is due now, and every task those make due now,
    /// until none is due; returns how many ran. Tests call this after each
    /// move of a [`ManualClock`](crate::clock::ManualClock); servers call it
    /// in a loop (see [`scheduler`](crate::scheduler)).
    pub async fn run_until_idle(&self) -> usize {
        let mut ran = 0;
        loop {
            let due = self.scheduler().take_due(self.clock().now());
            if due.is_empty() {
                return ran;
            }
            for task in due {
                self.run_task(task).await;
                ran += 1;
                if ran >= MAX_TASKS_PER_RUN {
                    tracing::warn!(ran, "run_until_idle stopped: too many tasks due now");
                    return ran;
                }
            }
        }
    }

    /// Starts the periodic background work: the cleanup (OPS-7), whose
    /// first run is due now, and the peer check (RECON-1), whose first pass
    /// is due after 80% to 120% of its period (RECON-4).
    pub fn start_cleanup_schedule(&self) {
        self.scheduler().schedule(Task::Cleanup, self.clock().now());
        self.schedule_peer_check();
        self.schedule_takeover();
    }

    /// Starts all background work of a server that starts on a store that
    /// may hold work in progress (a restart, a crash): the periodic work of
    /// [`start_cleanup_schedule`](Self::start_cleanup_schedule), and a task
    /// due now for every workflow that has not ended, every MACsec rotation
    /// run that has not finished and every operator call waiting for a
    /// retry (OPS-30). The queue of due tasks lives in memory; the store
    /// says what is unfinished, and every task re-reads the store and does
    /// the next step still missing, so waking one too many is harmless.
    /// Returns how many tasks were queued besides the periodic ones.
    pub fn start_background_work(&self) -> usize {
        let now = self.clock().now();
        let (workflows, rotations, retries) = self
            .store()
            .view(|s| {
                let workflows: Vec<String> = s
                    .workflows
                    .iter()
                    .filter(|(_, wf)| !wf.phase.is_final() || wf.peer_copy_to_delete.is_some())
                    .map(|(uuid, _)| uuid.clone())
                    .collect();
                let rotations: Vec<InterconnectName> = s
                    .operator
                    .rotations
                    .iter()
                    .filter(|(_, run)| run.current.is_some() || !run.queue.is_empty())
                    .map(|(ix, _)| ix.clone())
                    .collect();
                let retries: Vec<String> = s.operator.retries.keys().cloned().collect();
                (workflows, rotations, retries)
            })
            .unwrap_or_default();
        let mut queued = 0;
        for uuid in &workflows {
            self.wake(uuid, now);
            queued += 1;
        }
        for ix in rotations {
            self.scheduler().schedule(Task::RotateMacSec(ix), now);
            queued += 1;
        }
        for key in retries {
            let task = match key.split_once(':') {
                Some(("notify", ch)) => ch.parse().ok().map(Task::NotifyMaintenance),
                Some(("pull", ch)) => ch.parse().ok().map(Task::PullMaintenance),
                Some(("rotate", ix)) => ix.parse().ok().map(Task::RotateMacSec),
                _ => None,
            };
            if let Some(task) = task {
                self.scheduler().schedule(task, now);
                queued += 1;
            }
        }
        if queued > 0 {
            tracing::info!(
                workflows = workflows.len(),
                queued,
                "OPS-30: background work found in the store resumes"
            );
        }
        self.start_cleanup_schedule();
        queued
    }

    fn run_task(&self, task: Task) -> TaskFuture<'_> {
        Box::pin(async move {
            match task {
                Task::Reconcile(uuid) => {
                    // OPS-51: every line of the workflow carries its
                    // correlation id, never the UUID (a member of the key)
                    let span = tracing::info_span!(
                        "workflow",
                        correlation = %self.correlation_id(&uuid)
                    );
                    self.reconcile(&uuid).instrument(span).await
                }
                Task::Cleanup => {
                    match self.run_cleanup() {
                        Ok(report) => {
                            tracing::debug!(?report, "OPS-7: cleanup ran");
                            // CONN-32: the peer deletes its copies too
                            self.delete_cleaned_up_on_peer(&report).await;
                        }
                        Err(e) => tracing::warn!(error = %e, "OPS-7: cleanup failed"),
                    }
                    // MACSEC-26: keys at the policy's maximum age are rotated
                    if let Err(e) = self.operator().rotate_aged_mac_sec_keys() {
                        tracing::warn!(error = %e, "MACSEC-26: aged keys not queued");
                    }
                    self.scheduler()
                        .schedule(Task::Cleanup, self.clock().now() + CLEANUP_EVERY);
                }
                Task::TakeOver => {
                    self.take_over_orphans();
                    self.schedule_takeover();
                }
                Task::CheckPeers => {
                    let report = self.check_peers().await;
                    tracing::debug!(
                        checked = report.checked.len(),
                        skipped = report.skipped.len(),
                        "RECON-1: peer check ran"
                    );
                    self.schedule_peer_check();
                }
                task @ (Task::NotifyMaintenance(_)
                | Task::PullMaintenance(_)
                | Task::RotateMacSec(_)) => self.run_operator_task(task).await,
            }
        })
    }

    /// Asks for a reconcile of connection `uuid` at `at`.
    pub(crate) fn wake(&self, uuid: &str, at: DateTime<Utc>) {
        self.scheduler()
            .schedule(Task::Reconcile(uuid.to_owned()), at);
    }

    /// One reconcile: steps until one waits; with a shared store, only
    /// while this replica holds the workflow's lease (OPS-32).
    async fn reconcile(&self, uuid: &str) {
        if !self.leases() {
            if let Some(at) = self.reconcile_steps(uuid).await {
                self.wake(uuid, at);
            }
            return;
        }
        match self.take_lease(uuid) {
            lease::Claim::Mine => {}
            lease::Claim::Held(until) => {
                // the holder runs it; look again when its lease lapses
                self.wake(uuid, until);
                return;
            }
            lease::Claim::Gone => return,
        }
        let due = self.reconcile_steps(uuid).await;
        self.release_lease(uuid, due);
        if let Some(at) = due {
            self.wake(uuid, at);
        }
    }

    /// The steps of one reconcile; when the next is due (`None`: when
    /// something happens).
    async fn reconcile_steps(&self, uuid: &str) -> Option<DateTime<Utc>> {
        for _ in 0..32 {
            if self.leases() && !self.keep_lease(uuid) {
                // another replica took over (this one was too slow)
                return None;
            }
            let wf = self.workflow(uuid)?;
            let next = match wf.phase {
                Phase::Failed if wf.peer_copy_to_delete.is_some() => {
                    self.delete_peer_copy(uuid).await
                }
                // a degraded connection waits for the peer check (RECON-3)
                // or the customer's delete
                Phase::AwaitingPeer | Phase::Deleted | Phase::Failed | Phase::Degraded => {
                    Next::Done
                }
                Phase::CreatingRemote => self.create_remote(uuid, &wf).await,
                Phase::Features => self.agree_features(uuid, &wf).await,
                Phase::Verified if wf.pending_bandwidth_mbps.is_some() => {
                    self.continue_bandwidth_change(uuid, &wf).await
                }
                Phase::Provisioning | Phase::Verified => self.provision_and_verify(uuid, &wf).await,
                Phase::Deleting => self.delete_remote(uuid, &wf).await,
            };
            match next {
                Next::Continue => continue,
                Next::At(at) => return Some(at),
                Next::Done => return None,
            }
        }
        // a workflow that keeps stepping is looked at again shortly
        Some(self.clock().now() + PROVISIONING_POLL)
    }

    /// The workflow of connection `uuid`.
    pub fn workflow(&self, uuid: &str) -> Option<Workflow> {
        self.store()
            .view(|s| s.workflows.get(uuid).cloned())
            .flatten()
    }

    /// Changes the workflow of `uuid` in one transaction.
    pub(crate) fn update_workflow<R>(
        &self,
        uuid: &str,
        change: impl FnOnce(&mut Workflow) -> R,
    ) -> CoordinatorResult<R> {
        self.store().update(|state| {
            let wf = state.workflows.get_mut(uuid).ok_or_else(|| {
                CoordinatorError::not_found(rules::NEG_RECONCILE, "the workflow is gone")
            })?;
            Ok(change(wf))
        })
    }

    /// [`update_workflow`](Self::update_workflow) for a change that often
    /// finds nothing to do: `change` is first tried on a copy of the
    /// workflow as read, and the transaction runs only when the copy came
    /// out different (then `change` runs again inside it, on the workflow
    /// as it is at that moment). A read costs a durable store far less than
    /// a transaction that writes nothing (ERRATA E-408, BENCHMARKS.md).
    /// A workflow that is gone is `NOT_FOUND`, as with `update_workflow`.
    pub(crate) fn update_workflow_if_changed(
        &self,
        uuid: &str,
        change: impl Fn(&mut Workflow),
    ) -> CoordinatorResult<()> {
        let unchanged = self.store().view(|state| {
            state.workflows.get(uuid).map(|wf| {
                let mut tried = wf.clone();
                change(&mut tried);
                tried == *wf
            })
        });
        match unchanged.flatten() {
            Some(true) => Ok(()),
            Some(false) | None => self.update_workflow(uuid, change),
        }
    }

    /// Records a history line on the workflow of `uuid` (best effort).
    pub(crate) fn note(&self, uuid: &str, what: impl Into<String>) {
        let now = self.clock().now();
        let what = what.into();
        tracing::info!(step = %self.loggable(uuid, &what), "workflow");
        let _ = self.update_workflow(uuid, |wf| wf.record(now, what));
    }

    /// A history line as the log shows it: the connection's UUID (in the
    /// names the line may quote) replaced by its correlation id (OPS-51).
    pub(crate) fn loggable(&self, uuid: &str, what: &str) -> String {
        if uuid.is_empty() {
            return what.to_owned();
        }
        what.replace(uuid, &format!("<{}>", self.correlation_id(uuid)))
    }

    /// This provider acting as itself towards its peers.
    pub(crate) fn as_caller(&self) -> Caller {
        Caller::partner(self.config().provider.clone())
    }

    /// This provider as the caller of one logical mutation of workflow
    /// `uuid` at the peer (REQ-2, E-244): the `requestId` is the one kept
    /// in the workflow for this operation, target and content when an
    /// earlier attempt got no final answer, else a new one, kept until
    /// [`call_ended`](Self::call_ended) sees a final answer. A restart
    /// keeps it as the store does, so a retry after a crash is a replay
    /// too. Returns the caller and the key to end the call with.
    pub(crate) fn logical_caller(
        &self,
        uuid: &str,
        operation: &str,
        target: &str,
        content: &impl serde::Serialize,
    ) -> (Caller, String) {
        let content = serde_json::to_vec(content).unwrap_or_default();
        let key = format!(
            "{operation} {target} {}",
            crate::reference::fingerprint(operation, &content)
        );
        let kept = self
            .update_workflow(uuid, |wf| {
                if let Some(id) = wf.open_requests.get(&key) {
                    return id.clone();
                }
                while wf.open_requests.len() >= crate::store::MAX_OPEN_REQUESTS {
                    wf.open_requests.pop_first();
                }
                let id = uuid::Uuid::new_v4().to_string();
                wf.open_requests.insert(key.clone(), id.clone());
                id
            })
            .ok()
            .and_then(|id| uuid::Uuid::parse_str(&id).ok());
        let id = kept.unwrap_or_else(uuid::Uuid::new_v4);
        (self.as_caller().with_request_id(Some(id)), key)
    }

    /// `DeleteConnection` of `name` (as the peer names it) at `peer`, one
    /// logical call of workflow `uuid` (its `requestId` kept across the
    /// retries, REQ-2).
    pub(crate) async fn delete_at_peer(
        &self,
        uuid: &str,
        peer: &dyn Peer,
        name: ConnectionName,
    ) -> CoordinatorResult<interconnect_core::wire::Empty> {
        let (caller, call) = self.logical_caller(uuid, "DeleteConnection", &name.to_string(), &());
        let sent = peer
            .delete_connection(&caller, crate::request::DeleteConnection { name })
            .await;
        self.call_ended(uuid, &call, &sent);
        sent
    }

    /// Ends the logical call `key` of workflow `uuid` when its answer is
    /// final (a success or an error that will not go away by itself); an
    /// error that may go away keeps the `requestId` for the retry.
    pub(crate) fn call_ended<T>(&self, uuid: &str, key: &str, result: &CoordinatorResult<T>) {
        if result
            .as_ref()
            .err()
            .is_some_and(crate::retry::is_retryable)
        {
            return;
        }
        let _ = self.update_workflow(uuid, |wf| {
            wf.open_requests.remove(key);
        });
    }

    /// The peer of a workflow: the partner whose namespace holds its
    /// environment here.
    pub(crate) fn peer_of(&self, wf: &Workflow) -> CoordinatorResult<Arc<dyn Peer>> {
        self.peers().get(wf.environment.provider())
    }

    /// The name the peer gives to interconnect `ix` of this server: the same
    /// ids under this server's own provider.
    pub(crate) fn at_peer_interconnect(
        &self,
        ix: &InterconnectName,
    ) -> CoordinatorResult<InterconnectName> {
        ix.environment()
            .with_provider(&self.config().provider)
            .interconnect(ix.id())
            .map_err(|e| CoordinatorError::internal(rules::NEG_RECONCILE, e.to_string()))
    }

    /// The name the peer gives to connection `name` of this server.
    pub(crate) fn at_peer_connection(
        &self,
        name: &ConnectionName,
    ) -> CoordinatorResult<ConnectionName> {
        self.at_peer_interconnect(name.interconnect())?
            .connection(name.id())
            .map_err(|e| CoordinatorError::internal(rules::NEG_RECONCILE, e.to_string()))
    }

    /// The name this server gives to a channel the peer names `channel`.
    pub(crate) fn local_channel(
        &self,
        peer: &ProviderName,
        channel: &ChannelName,
    ) -> CoordinatorResult<ChannelName> {
        let ix = channel.interconnect();
        ix.environment()
            .with_provider(peer)
            .interconnect(ix.id())
            .and_then(|ix| ix.channel(channel.id()))
            .map_err(|e| CoordinatorError::internal(rules::NEG_RECONCILE, e.to_string()))
    }

    /// What to do after a failed call to the peer that may be retried:
    /// `At` the backoff time (NEG-4), or `None` once the budget is spent
    /// or the error is not retryable.
    pub(crate) fn backoff(&self, uuid: &str, error: &CoordinatorError) -> Option<Next> {
        let now = self.clock().now();
        let wf = self.workflow(uuid)?;
        if error.rule() == rules::NEG_PEER_BUDGET {
            // not sent: this side's own budget for the peer is spent
            // (NEG-41). That is queueing, not a failure of the peer: the
            // retry budget of NEG-4 does not run, the wait is the time to
            // the next token plus a jittered share of the backoff cap, so
            // the waiting workflows do not all wake at once (E-323)
            let after = error
                .retry_after()
                .unwrap_or(std::time::Duration::from_secs(1));
            let spread = self
                .retry_policy()
                .cap(wf.retry.attempt)
                .mul_f64(self.jitter().next_unit());
            let wait = Duration::from_std(after + spread).unwrap_or(Duration::seconds(1));
            let _ = self.update_workflow(uuid, |wf| {
                wf.retry.attempt = wf.retry.attempt.saturating_add(1);
            });
            self.observer().retry("peer_budget");
            tracing::debug!("NEG-41: the call waits for the peer budget");
            return Some(Next::At(now + wait));
        }
        let since = wf.retry.since.unwrap_or(now);
        let elapsed = (now - since).to_std().unwrap_or_default();
        match self.retry_policy().decide(
            error,
            wf.retry.attempt,
            elapsed,
            self.jitter().next_unit(),
        ) {
            RetryDecision::RetryAfter(wait) => {
                self.observer().retry("backoff");
                let wait = Duration::from_std(wait).unwrap_or(Duration::seconds(1));
                let _ = self.update_workflow(uuid, |wf| {
                    wf.retry.attempt += 1;
                    wf.retry.since = Some(since);
                    wf.record(
                        now,
                        format!(
                            "{} (retry {} in {} ms)",
                            error,
                            wf.retry.attempt,
                            wait.num_milliseconds()
                        ),
                    );
                });
                Some(Next::At(now + wait))
            }
            RetryDecision::GiveUp => None,
        }
    }

    /// Clears the retry state after a call succeeded.
    pub(crate) fn retry_done(&self, uuid: &str) {
        let _ = self.update_workflow_if_changed(uuid, |wf| wf.retry = Default::default());
    }
}

/// ceil(3N/4): the accepted features of N channels a connection needs
/// before it is provisioned (FEAT-8, NEG-11).
pub fn quorum(channels: usize) -> usize {
    (3 * channels).div_ceil(4)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::quorum;
    use crate::CoordinatorError;
    use crate::ErrorKind;
    use crate::config::ProviderConfig;
    use crate::store::{MemoryStore, State, Store};
    use crate::testing::pair::Pair;
    use interconnect_core::names::ProviderName;

    /// A [`MemoryStore`] that counts its transactions.
    #[derive(Default)]
    struct Counting {
        inner: MemoryStore,
        transactions: AtomicU64,
    }

    impl Store for Counting {
        fn transact(
            &self,
            change: &mut dyn FnMut(&mut State) -> Result<(), CoordinatorError>,
        ) -> Result<(), CoordinatorError> {
            self.transactions.fetch_add(1, Ordering::SeqCst);
            self.inner.transact(change)
        }

        fn read(&self, read: &mut dyn FnMut(&State)) {
            self.inner.read(read)
        }
    }

    /// `update_workflow_if_changed` runs no transaction for a change that
    /// finds nothing to do (a durable store pays for every transaction,
    /// BENCHMARKS.md), one for a change, and is NOT_FOUND for a workflow
    /// that is gone.
    #[tokio::test]
    async fn a_change_that_finds_nothing_to_do_takes_no_transaction() {
        let (aws, gcp) = (
            ProviderName::new("aws").expect("a name"),
            ProviderName::new("gcp").expect("a name"),
        );
        let counted = Arc::new(Counting::default());
        let pair = Pair::with_configs_and_stores(
            ProviderConfig::default_pair(&aws, &gcp, 64512).expect("aws"),
            ProviderConfig::default_pair(&gcp, &aws, 64513).expect("gcp"),
            Arc::new(MemoryStore::new()),
            counted.clone(),
        );
        let uuid = pair.establish(1000).await.expect("established");
        let retry = pair.gcp.workflow(&uuid).expect("gcp negotiates").retry;
        assert_eq!(
            retry.attempt, 0,
            "no retry is pending after an establishment"
        );

        let before = counted.transactions.load(Ordering::SeqCst);
        pair.gcp
            .update_workflow_if_changed(&uuid, |wf| wf.retry = Default::default())
            .expect("nothing to do");
        assert_eq!(
            counted.transactions.load(Ordering::SeqCst),
            before,
            "a change that changes nothing is a read"
        );

        pair.gcp
            .update_workflow_if_changed(&uuid, |wf| wf.retry.attempt = 3)
            .expect("changed");
        assert_eq!(counted.transactions.load(Ordering::SeqCst), before + 1);
        assert_eq!(pair.gcp.workflow(&uuid).map(|wf| wf.retry.attempt), Some(3));

        let gone = pair
            .gcp
            .update_workflow_if_changed("no-such-workflow", |wf| wf.retry.attempt = 1)
            .err()
            .map(|e| e.kind());
        assert_eq!(gone, Some(ErrorKind::NotFound));
    }

    #[test]
    fn the_quorum_is_three_quarters_rounded_up() {
        assert_eq!(
            [0, 1, 2, 3, 4, 5, 8].map(quorum),
            [0, 1, 2, 3, 3, 4, 6],
            "FEAT-8: ceil(3N/4)"
        );
    }
}
