//! Time, injected: the 7-day key lifetime (KEY-16), the 7-day cleanup
//! (CONN-13, CONN-14), the 2-hour MACsec bake time (MACSEC-6) and the
//! backend's provisioning delay are all measured with a [`Clock`], so tests
//! step a [`ManualClock`] instead of sleeping (`ARCHITECTURE.md`,
//! "Tests").

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            now: Mutex::new(start),
        }
    }

    /// A clock standing at 2026-01-01T00:00:00Z, a fixed point for tests.
    pub fn at_epoch() -> Self {
        Self::new(DateTime::<Utc>::from_timestamp(1_767_225_600, 0).unwrap_or_default())
    }

    /// Moves the clock forward by `by` (a negative duration moves it back).
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }

    /// Sets the clock.
    pub fn set(&self, to: DateTime<Utc>) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The system's wall clock moved forward by an offset that only grows: a
/// development server's clock, which an operator (or the conformance
/// suite's `advanceClock` hook) can move ahead to see a key expire or a
/// bake time end without waiting. Never used in production.
#[derive(Debug, Default)]
pub struct ShiftedClock {
    offset: Mutex<Duration>,
}

impl ShiftedClock {
    /// The system's time, not shifted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by`; a negative `by` is refused (time
    /// that went backwards would unexpire keys), returning `false`.
    pub fn advance(&self, by: Duration) -> bool {
        if by < Duration::zero() {
            return false;
        }
        let mut offset = self
            .offset
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *offset += by;
        true
    }

    /// How far ahead of the system's time the clock stands.
    pub fn offset(&self) -> Duration {
        *self
            .offset
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::at_epoch();
        let t0 = clock.now();
        assert_eq!(clock.now(), t0);
        clock.advance(Duration::hours(2));
        assert_eq!(clock.now() - t0, Duration::hours(2));
        clock.set(t0);
        assert_eq!(clock.now(), t0);
        assert_eq!(t0.to_rfc3339(), "2026-01-01T00:00:00+00:00");
    }

    #[test]
    fn the_system_clock_is_near_chrono_now() {
        let d = SystemClock.now() - Utc::now();
        assert!(d.num_seconds().abs() < 5);
    }

    #[test]
    fn a_shifted_clock_moves_forward_only() {
        let clock = ShiftedClock::new();
        assert!((clock.now() - Utc::now()).num_seconds().abs() < 5);
        assert!(clock.advance(Duration::days(30)));
        let ahead = clock.now() - Utc::now();
        assert!(ahead > Duration::days(30) - Duration::seconds(5), "{ahead}");
        assert!(!clock.advance(Duration::seconds(-1)));
        assert_eq!(clock.offset(), Duration::days(30));
    }
}
