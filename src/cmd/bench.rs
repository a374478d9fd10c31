//! `mqtk bench`: an open-loop broker benchmark. Publishers send each message at its intended time
//! (latency counts from that time, so a stalled generator cannot hide latency); subscribers check
//! every sequence number; latencies go into HDR histograms. This file runs the engine and prints
//! the summary (table, or JSON on stdout).

mod clock;
mod config;
mod connect;
mod counters;
mod engine;
mod paced;
pub mod payload;
mod progress;
mod publisher;
mod report;
mod stats;
mod subscriber;
mod verdict;

use crate::conn::Qos;
use crate::exit::{Code, Failure};
pub use config::{Config, Scenario, SeriesFormat, expand};

/// Runs `bench`; returns the exit status: messages lost at QoS ≥ 1, clients that could not connect,
/// and an incomplete run (a lost connection, `--count` not reached, `bench sub` that received
/// nothing) make it fail after the report is printed; a QoS above the broker's maximum stops it
/// before it publishes.
pub async fn run(config: Config) -> Result<u8, Failure> {
    // Found unwritable after a long run, the series would be lost: find out before.
    if let Some((path, _)) = &config.series {
        std::fs::File::create(path).map_err(|e| {
            Failure::code(
                Code::Error,
                format!(
                    "Error: cannot write the series to {}: {e}.\n",
                    path.display()
                ),
            )
        })?;
    }
    let report = engine::run(&config)
        .await
        .map_err(|e| Failure::code(e.code(), format!("{}\n", e.message())))?;
    let text = if config.json {
        let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
        s.push('\n');
        s
    } else {
        report.human()
    };
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if report.connect_failures > 0 {
        return Err(Failure::code(
            Code::BenchFailed,
            format!(
                "Error: {} clients could not connect or subscribe.\n",
                report.connect_failures
            ),
        ));
    }
    if let Some(error) = &report.error {
        return Err(Failure::code(
            Code::BenchFailed,
            format!("Error: {error}.\n"),
        ));
    }
    if report.lost > 0 && config.qos != Qos::AtMostOnce {
        return Err(Failure::code(
            Code::BenchFailed,
            format!(
                "Error: {} messages lost at QoS {}.\n",
                report.lost,
                config.qos.number()
            ),
        ));
    }
    Ok(Code::Success.number())
}
