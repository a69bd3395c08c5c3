//! The driver: runs a [`ReferenceProvider`]'s background work on tokio
//! (`interconnect_provider::scheduler`; `docs/Protocols.md` § Negotiate
//! Feature Parameters, § Provision Appropriate Features: everything a
//! provider does after answering a request).
//!
//! The loop runs every due task
//! ([`ReferenceProvider::run_until_idle`]), then sleeps until the next due
//! task, but at most [`Driver::idle_poll`], so that work a request makes
//! due now (an accepted key, a bandwidth change) is picked up quickly. The
//! periodic cleanup (OPS-7) is started with the loop. It stops when the
//! shutdown future completes.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use interconnect_provider::ReferenceProvider;

/// The longest the driver sleeps by default before looking for new work.
pub const DEFAULT_IDLE_POLL: Duration = Duration::from_millis(50);

/// Runs a provider's scheduler on tokio.
#[derive(Debug, Clone)]
pub struct Driver {
    provider: Arc<ReferenceProvider>,
    idle_poll: Duration,
}

impl Driver {
    /// A driver of `provider` with the default idle poll.
    pub fn new(provider: Arc<ReferenceProvider>) -> Self {
        Driver {
            provider,
            idle_poll: DEFAULT_IDLE_POLL,
        }
    }

    /// Sets the longest sleep between two looks for new work (at least
    /// 1 ms).
    pub fn idle_poll(mut self, poll: Duration) -> Self {
        self.idle_poll = poll.max(Duration::from_millis(1));
        self
    }

    /// How long to sleep now: until the next due task, at most the idle
    /// poll, nothing when a task is already due.
    pub fn sleep_time(&self) -> Duration {
        let now = self.provider.clock().now();
        match self.provider.scheduler().next_due() {
            Some(at) => (at - now)
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(self.idle_poll),
            None => self.idle_poll,
        }
    }

    /// Runs until `shutdown` completes: starts the background work (the
    /// periodic tasks, and the work in progress the store holds,
    /// [`ReferenceProvider::start_background_work`]), then runs due tasks
    /// and sleeps in turn. A task in progress when shutdown comes is
    /// finished first.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        self.provider.start_background_work();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let ran = self.provider.run_until_idle().await;
            if ran > 0 {
                tracing::debug!(ran, provider = %self.provider.config().provider, "tasks ran");
            }
            let sleep = self.sleep_time();
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(sleep) => {}
            }
        }
    }

    /// Spawns [`run`](Self::run) on the current runtime.
    pub fn spawn(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.run(shutdown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interconnect_provider::backend::InMemoryBackend;
    use interconnect_provider::clock::{Clock, ManualClock};
    use interconnect_provider::config::ProviderConfig;
    use interconnect_provider::scheduler::Task;
    use interconnect_provider::store::MemoryStore;

    fn provider(clock: Arc<ManualClock>) -> Arc<ReferenceProvider> {
        let aws = interconnect_core::names::ProviderName::new("aws").expect("id");
        let gcp = interconnect_core::names::ProviderName::new("gcp").expect("id");
        let config = ProviderConfig::default_pair(&aws, &gcp, 64512).expect("default pair");
        Arc::new(
            ReferenceProvider::new(
                config,
                Arc::new(MemoryStore::new()),
                clock.clone(),
                Arc::new(InMemoryBackend::new(clock, chrono::Duration::zero())),
            )
            .expect("coherent"),
        )
    }

    #[test]
    fn the_sleep_is_until_the_next_task_but_at_most_the_poll() {
        let clock = Arc::new(ManualClock::at_epoch());
        let p = provider(clock.clone());
        let driver = Driver::new(p.clone()).idle_poll(Duration::from_millis(50));
        assert_eq!(driver.sleep_time(), Duration::from_millis(50), "idle");
        p.scheduler().schedule(
            Task::Cleanup,
            clock.now() + chrono::Duration::milliseconds(20),
        );
        assert_eq!(driver.sleep_time(), Duration::from_millis(20), "next due");
        clock.advance(chrono::Duration::seconds(1));
        assert_eq!(driver.sleep_time(), Duration::ZERO, "overdue");
    }

    #[tokio::test]
    async fn the_loop_runs_due_work_and_stops_on_shutdown() {
        let clock = Arc::new(ManualClock::at_epoch());
        let p = provider(clock);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let handle = Driver::new(p.clone()).spawn(async move {
            let _ = stopped.await;
        });
        // the cleanup is due at once, runs, and reschedules itself an hour on
        for _ in 0..200 {
            if p.scheduler()
                .next_due()
                .is_some_and(|at| at > p.clock().now())
            {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert!(
            p.scheduler().is_pending(&Task::Cleanup),
            "OPS-7: the cleanup is scheduled"
        );
        assert!(
            p.scheduler()
                .next_due()
                .is_some_and(|at| at > p.clock().now()),
            "the first cleanup ran and the next one is an hour on"
        );
        let _ = stop.send(());
        handle.await.expect("the driver stops");
    }
}
