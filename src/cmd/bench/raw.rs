//! What a summary carries besides its headline numbers so that summaries of separate runs (other
//! processes, other hosts) merge into the summary of the combined load: the raw HDR histograms in
//! the standard compressed V2 form (base64, readable by every HdrHistogram implementation), the
//! in-window counts and the window's edges in wall-clock time.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};
use serde::{Deserialize, Serialize};

use super::stats;

/// The raw histograms, each serialised (compressed V2) and base64-encoded; nanoseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histograms {
    /// The headline latency (`latency_us`).
    pub latency: String,
    /// Publish → acknowledgement (`ack_latency_us`).
    pub ack_latency: String,
    /// Generator lag (`generator_lag_us`).
    pub generator_lag: String,
}

/// Everything a merge needs that the headline numbers round away.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Raw {
    /// Runs merged into this summary (1 for a single run).
    pub runs: u32,
    /// When publishing started (after connecting, or at `--start-at`), ns since the UNIX epoch by
    /// the clock of the host that ran it; merged: the earliest and the latest start.
    pub started_unix_ns: u64,
    pub started_last_unix_ns: u64,
    /// What `--start-at` asked for, ns since the UNIX epoch.
    pub start_at_unix_ns: Option<u64>,
    /// The measurement window (`window_s`), ns since the UNIX epoch.
    pub window_start_unix_ns: u64,
    pub window_end_unix_ns: u64,
    /// The span the rate is measured over (`rate_window_s`), ns since the UNIX epoch.
    pub rate_window_start_unix_ns: u64,
    pub rate_window_end_unix_ns: u64,
    /// Messages published in the window.
    pub sent_in_window: u64,
    /// Messages received that count in the window (connections made, for `bench conn`).
    pub received_in_window: u64,
    /// CPU time the bench used, seconds, and the wall time it ran.
    pub cpu_seconds: f64,
    pub wall_seconds: f64,
    pub histograms: Histograms,
}

/// A histogram as compressed V2 bytes in base64.
pub fn encode(h: &Histogram<u64>) -> String {
    let mut bytes = Vec::new();
    match V2DeflateSerializer::new().serialize(h, &mut bytes) {
        Ok(_) => STANDARD.encode(bytes),
        // Serialising into memory fails only on an internal error: an empty histogram is honest.
        Err(_) => String::new(),
    }
}

/// A histogram from [`encode`]'s form (compressed or plain V2); `what` names it in the error.
pub fn decode(text: &str, what: &str) -> Result<Histogram<u64>, String> {
    if text.is_empty() {
        return Ok(stats::histogram());
    }
    let bytes = STANDARD
        .decode(text)
        .map_err(|e| format!("{what} is not base64: {e}"))?;
    let h: Histogram<u64> = Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .map_err(|e| format!("{what} is not a serialised HDR histogram: {e:?}"))?;
    let mut out = stats::histogram();
    out.add(&h)
        .map_err(|e| format!("{what} does not fit the bench's range: {e:?}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_round_trip() {
        let mut h = stats::histogram();
        for ns in [1, 999, 1_000_000, 3_000_000_000] {
            stats::record(&mut h, ns);
        }
        let back = decode(&encode(&h), "h").unwrap();
        assert_eq!(back, h);
        assert_eq!(decode("", "h").unwrap().len(), 0);
        assert!(decode("!!", "h").unwrap_err().contains("not base64"));
        assert!(
            decode("AAAA", "h")
                .unwrap_err()
                .contains("not a serialised")
        );
    }
}
