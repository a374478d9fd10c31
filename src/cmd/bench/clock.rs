//! The run's time base, shared by publishers and subscribers.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The run's shared clock. Payloads carry their intended send time in nanoseconds since the UNIX
/// epoch, advanced by the monotonic clock from one reading of the wall clock at the start: within a
/// run time never jumps, and a `bench sub` in another process (or on another host with a synchronised
/// clock) can still time what it receives.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin: Instant,
    /// `origin` in nanoseconds since the UNIX epoch.
    origin_unix_ns: u64,
    /// When publishing starts.
    pub start: Instant,
    /// Results count from here.
    pub warmup_end: Instant,
    /// When publishing stops (duration mode).
    pub end: Option<Instant>,
}

impl Clock {
    /// A clock whose measurement window opens `warmup` after `start` and lasts `duration` (or, with
    /// `None`, until everything is sent).
    pub fn new(
        origin: Instant,
        start: Instant,
        warmup: Duration,
        duration: Option<Duration>,
    ) -> Self {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let origin_unix_ns = (since_epoch.saturating_sub(origin.elapsed())).as_nanos() as u64;
        let warmup_end = start + warmup;
        Clock {
            origin,
            origin_unix_ns,
            start,
            warmup_end,
            end: duration.map(|d| warmup_end + d),
        }
    }

    /// A moment of this run in payload time.
    pub fn ns(&self, t: Instant) -> u64 {
        self.origin_unix_ns + t.saturating_duration_since(self.origin).as_nanos() as u64
    }

    /// Whether a moment of this run falls in the measurement window.
    pub fn in_window(&self, t: Instant) -> bool {
        t >= self.warmup_end && self.end.is_none_or(|end| t < end)
    }

    /// Whether a payload time falls in the measurement window.
    pub fn in_window_ns(&self, ns: u64) -> bool {
        ns >= self.ns(self.warmup_end) && self.end.is_none_or(|end| ns < self.ns(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_time_follows_the_monotonic_clock() {
        let origin = Instant::now();
        let start = origin + Duration::from_millis(10);
        let clock = Clock::new(
            origin,
            start,
            Duration::from_secs(1),
            Some(Duration::from_secs(2)),
        );
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        assert!(
            clock.ns(origin).abs_diff(wall) < 1_000_000_000,
            "close to the wall clock"
        );
        assert_eq!(clock.ns(start) - clock.ns(origin), 10_000_000);
        let at = |ms: u64| start + Duration::from_millis(ms);
        assert!(
            !clock.in_window(at(999)) && clock.in_window(at(1000)) && !clock.in_window(at(3000))
        );
        assert!(!clock.in_window_ns(clock.ns(at(999))));
        assert!(clock.in_window_ns(clock.ns(at(2999))));
        assert!(!clock.in_window_ns(clock.ns(at(3000))));
    }
}
