//! Durations and rates typed on the command line, range-checked where they are parsed: no value may
//! reach `Duration::from_secs_f64` (which panics past `u64::MAX` seconds) or an `Instant + Duration`
//! that overflows, however many digits it has.

use std::time::Duration;

use crate::exit::Failure;

/// The longest duration any flag takes, in seconds (about 31 years: a wait that long is a typo, and
/// every instant it leads to still fits the clocks and the nanosecond timestamps bench payloads carry).
pub const MAX_SECONDS: f64 = 1e9;

/// The highest rate any flag takes, per second (one message or connection per nanosecond).
pub const MAX_RATE: f64 = 1e9;

/// A duration in seconds, `0 < s ≤ MAX_SECONDS` (or `0 ≤ s` with `zero_ok`).
pub fn seconds(flag: &str, value: f64, zero_ok: bool) -> Result<Duration, Failure> {
    let low_ok = if zero_ok { value >= 0.0 } else { value > 0.0 };
    if low_ok && value <= MAX_SECONDS {
        return Ok(Duration::from_secs_f64(value));
    }
    let low = if zero_ok {
        "0 or more"
    } else {
        "greater than 0"
    };
    Err(Failure::usage(format!(
        "Error: {flag} must be {low} and at most {MAX_SECONDS:.0} seconds, got {}.\n",
        shown(value)
    )))
}

/// A rate per second, `1 / MAX_SECONDS ≤ r ≤ MAX_RATE`: the time between two events stays a
/// duration [`seconds`] would take.
pub fn rate(flag: &str, value: f64) -> Result<f64, Failure> {
    if (1.0 / MAX_SECONDS..=MAX_RATE).contains(&value) {
        return Ok(value);
    }
    Err(Failure::usage(format!(
        "Error: {flag} must be between {} and {MAX_RATE:.0} per second, got {}.\n",
        1.0 / MAX_SECONDS,
        shown(value)
    )))
}

/// A number as people write it: `1e-300`, not three hundred zeros.
fn shown(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude == 0.0 || (1e-6..1e12).contains(&magnitude) || !value.is_finite() {
        format!("{value}")
    } else {
        format!("{value:e}")
    }
}

/// `--repeat-delay` as mosquitto_pub reads it: the seconds become a C `float`, are multiplied by 1e6
/// and converted to `int` microseconds. A value past `INT_MAX` µs (about 2147 s), infinity or NaN
/// converts to `INT_MIN` on the machines mosquitto runs on, a negative delay, so it publishes again at
/// once; this keeps that (no crash, same timing) instead of sleeping for ever.
pub fn mosquitto_repeat_delay(value: f64) -> Duration {
    let micros = (value as f32) * 1.0e6_f32;
    if !(0.0..2_147_483_648.0).contains(&micros) {
        return Duration::ZERO;
    }
    Duration::from_micros(micros as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_durations_are_errors_not_panics() {
        for v in [1e20, 1e308, f64::INFINITY, f64::NAN, -1.0, 1e9 + 1.0] {
            let e = seconds("--duration", v, false).unwrap_err();
            assert!(e.text.starts_with("Error: --duration must be"), "{v}: {e}");
            assert_eq!(e.text.lines().count(), 1, "{v}: one line");
        }
        assert!(seconds("--duration", 0.0, false).is_err());
        assert_eq!(
            seconds("--warmup", 0.0, true).unwrap(),
            Duration::ZERO,
            "warm-up may be 0"
        );
        assert_eq!(
            seconds("--duration", 1e9, false).unwrap(),
            Duration::from_secs(1_000_000_000)
        );
    }

    #[test]
    fn absurd_rates_are_errors() {
        for v in [1e-300, 0.0, -5.0, 1e300, f64::NAN, f64::INFINITY] {
            assert!(rate("--rate", v).is_err(), "{v}");
        }
        assert_eq!(rate("--rate", 0.5).unwrap(), 0.5);
    }

    #[test]
    fn repeat_delay_like_mosquitto() {
        assert_eq!(mosquitto_repeat_delay(0.5), Duration::from_millis(500));
        assert_eq!(mosquitto_repeat_delay(2000.0), Duration::from_secs(2000));
        // 3000 s is past INT_MAX µs: mosquitto_pub 2.1 publishes the repeats at once.
        for v in [3000.0, 1e20, 1e308, f64::INFINITY, f64::NAN] {
            assert_eq!(mosquitto_repeat_delay(v), Duration::ZERO, "{v}");
        }
        assert_eq!(mosquitto_repeat_delay(1e-300), Duration::ZERO);
    }
}
