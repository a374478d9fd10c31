//! Pure statistics: latency summaries from HDR histograms, sequence tracking, CPU time.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Latency percentiles in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Latency {
    /// Number of samples.
    pub count: u64,
    /// Smallest sample, µs.
    pub min: f64,
    /// Median, µs.
    pub p50: f64,
    /// 90th percentile, µs.
    pub p90: f64,
    /// 99th percentile, µs.
    pub p99: f64,
    /// 99.9th percentile, µs.
    pub p999: f64,
    /// Largest sample, µs.
    pub max: f64,
    /// Arithmetic mean, µs.
    pub mean: f64,
}

/// A histogram of latencies recorded in nanoseconds, 1 ns to 1 hour, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000_000, 3).expect("valid histogram bounds")
}

/// Records one latency (ns); values beyond the range are clamped rather than lost.
pub fn record(h: &mut Histogram<u64>, ns: u64) {
    h.saturating_record(ns.max(1));
}

/// The summary of a histogram of nanosecond samples, in microseconds.
pub fn summarize(h: &Histogram<u64>) -> Latency {
    if h.is_empty() {
        return Latency::default();
    }
    let us = |ns: u64| ns as f64 / 1000.0;
    Latency {
        count: h.len(),
        min: us(h.min()),
        p50: us(h.value_at_quantile(0.50)),
        p90: us(h.value_at_quantile(0.90)),
        p99: us(h.value_at_quantile(0.99)),
        p999: us(h.value_at_quantile(0.999)),
        max: us(h.max()),
        mean: h.mean() / 1000.0,
    }
}

/// Which sequence numbers of one publisher a subscriber has seen: counts duplicates, messages that
/// arrive after a later one (out of order) and the gaps still open. Memory grows with the number of
/// gaps, not with the sequence numbers, so a long run or a stray sequence number costs nothing.
#[derive(Debug, Default, Clone)]
pub struct SeqTracker {
    /// The lowest and highest sequence numbers seen.
    range: Option<(u64, u64)>,
    /// Missing sequence numbers between lowest and highest: start → end (exclusive).
    missing: BTreeMap<u64, u64>,
    /// Distinct sequence numbers seen.
    pub unique: u64,
    /// Sequence numbers seen more than once.
    pub duplicated: u64,
    /// Arrivals with a sequence number below one already seen.
    pub out_of_order: u64,
    /// Sequence numbers between the lowest and the highest seen that have not arrived.
    pub gaps: u64,
}

impl SeqTracker {
    /// Records one arrival.
    pub fn see(&mut self, seq: u64) {
        let Some((low, high)) = self.range else {
            self.range = Some((seq, seq));
            self.unique = 1;
            return;
        };
        if high.checked_add(1) == Some(seq) {
            // The usual case: the next one.
            self.range = Some((low, seq));
        } else if seq > high {
            self.open(high + 1, seq);
            self.range = Some((low, seq));
        } else if seq < low {
            self.open(seq + 1, low);
            self.range = Some((seq, high));
            self.out_of_order += 1;
        } else if self.close(seq) {
            self.out_of_order += 1;
        } else {
            self.duplicated += 1;
            return;
        }
        self.unique += 1;
    }

    fn open(&mut self, start: u64, end: u64) {
        if start < end {
            self.missing.insert(start, end);
            self.gaps += end - start;
        }
    }

    /// Fills `seq` if it is missing; false if it had already arrived.
    fn close(&mut self, seq: u64) -> bool {
        let Some((&start, &end)) = self.missing.range(..=seq).next_back() else {
            return false;
        };
        if seq >= end {
            return false;
        }
        self.missing.remove(&start);
        self.gaps -= end - start;
        self.open(start, seq);
        self.open(seq + 1, end);
        true
    }
}

/// CPU time (user + system) this process has used so far, in seconds, from /proc.
pub fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / clock_ticks())
}

/// Kernel clock ticks per second (USER_HZ): 100 on every Linux this runs on.
fn clock_ticks() -> f64 {
    100.0
}

/// Messages per second over a span; 0 for an empty span.
pub fn rate(count: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_fixed_samples() {
        let mut h = histogram();
        for us in 1..=1000u64 {
            record(&mut h, us * 1000);
        }
        let s = summarize(&h);
        assert_eq!(s.count, 1000);
        assert!((s.min - 1.0).abs() < 0.01, "{s:?}");
        assert!((s.p50 - 500.0).abs() <= 1.0, "{s:?}");
        assert!((s.p90 - 900.0).abs() <= 1.0, "{s:?}");
        assert!((s.p99 - 990.0).abs() <= 1.0, "{s:?}");
        assert!((s.p999 - 999.0).abs() <= 1.0, "{s:?}");
        assert!((s.max - 1000.0).abs() <= 1.0, "{s:?}");
        assert!((s.mean - 500.5).abs() <= 0.5, "{s:?}");
    }

    #[test]
    fn empty_histogram_is_zero() {
        assert_eq!(summarize(&histogram()), Latency::default());
    }

    #[test]
    fn sequence_tracking() {
        let mut t = SeqTracker::default();
        for s in [0, 1, 2, 4, 3, 3, 5, 9] {
            t.see(s);
        }
        assert_eq!(
            (t.unique, t.duplicated, t.out_of_order, t.gaps),
            (7, 1, 1, 3),
            "{t:?}"
        );
        // Filling a gap in its middle, then both sides.
        for s in [7, 6, 8] {
            t.see(s);
        }
        assert_eq!(
            (t.unique, t.duplicated, t.out_of_order, t.gaps),
            (10, 1, 4, 0),
            "{t:?}"
        );
        t.see(7);
        assert_eq!(t.duplicated, 2);
    }

    #[test]
    fn sequence_tracking_joins_mid_stream() {
        // `bench sub` may start listening after a publisher has begun.
        let mut t = SeqTracker::default();
        for s in [1000, 1001, 1003, 998] {
            t.see(s);
        }
        assert_eq!(
            (t.unique, t.duplicated, t.out_of_order, t.gaps),
            (4, 0, 1, 2),
            "{t:?}"
        );
        t.see(999);
        t.see(1002);
        assert_eq!((t.unique, t.out_of_order, t.gaps), (6, 3, 0), "{t:?}");
    }

    #[test]
    fn sequence_tracking_survives_stray_numbers() {
        let mut t = SeqTracker::default();
        t.see(0);
        t.see(u64::MAX - 1);
        t.see(1);
        t.see(u64::MAX);
        assert_eq!(
            (t.unique, t.duplicated, t.gaps),
            (4, 0, u64::MAX - 3),
            "{t:?}"
        );
    }

    #[test]
    fn rates() {
        assert_eq!(rate(1000, 2.0), 500.0);
        assert_eq!(rate(5, 0.0), 0.0);
        assert!(process_cpu_seconds().is_some());
    }
}
