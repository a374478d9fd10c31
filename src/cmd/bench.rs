//! `mqtk bench`: an open-loop broker benchmark. Publishers send each message at its intended time
//! (latency counts from that time, so a stalled generator cannot hide latency); subscribers check
//! every sequence number; latencies go into HDR histograms. This file runs the engine and prints
//! the summary (table, or JSON on stdout).

mod clock;
mod config;
mod connect;
mod conns;
mod counters;
mod engine;
mod fds;
mod merge;
mod paced;
pub mod payload;
mod progress;
mod prometheus;
mod publisher;
mod raw;
mod report;
mod shared;
mod stats;
mod subscriber;
pub mod template;
mod threads;
mod topics;
mod verdict;

use crate::conn::Qos;
use crate::exit::{Code, Failure};
pub use config::{Config, Scenario, SeriesFormat, expand};
pub use threads::{step_aside, workers};
pub use topics::template as topics_template;

/// Runs `bench`; returns the exit status: messages lost at QoS ≥ 1, clients that could not connect,
/// and an incomplete run (a lost connection, `--count` not reached, `bench sub` that received
/// nothing) make it fail after the report is printed; a QoS above the broker's maximum stops it
/// before it publishes.
pub async fn run(config: Config) -> Result<u8, Failure> {
    // Found unwritable after a long run, the series would be lost: find out before.
    if let Some((path, _)) = config.series.as_ref().filter(|_| config.merge.is_empty()) {
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
    let report = if config.merge.is_empty() {
        let connections = match config.scenario {
            Scenario::Conn => config.clients,
            Scenario::Pub => config.pubs,
            Scenario::Sub => config.subs,
            Scenario::PubSub => config.pubs.saturating_add(config.subs),
        };
        fds::check(u64::from(connections), fds::raise())
            .map_err(|e| Failure::code(Code::Error, format!("{e}\n")))?;
        let counters = std::sync::Arc::new(counters::Counters::default());
        // Serves while the run lasts (to the summary), from before the first connection.
        let _exporter = match config.prometheus {
            Some(addr) => {
                let exporter = prometheus::serve(addr, counters.clone())
                    .await
                    .map_err(|e| {
                        Failure::code(
                            Code::Error,
                            format!("Error: cannot serve --prometheus on {addr}: {e}.\n"),
                        )
                    })?;
                // On stderr, so the port is known when ADDR asked for any (port 0).
                eprintln!("metrics on http://{}/metrics", exporter.addr);
                Some(exporter)
            }
            None => None,
        };
        engine::run(&config, counters)
            .await
            .map_err(|e| Failure::code(e.code(), format!("{}\n", e.message())))?
    } else {
        merge_files(&config.merge)?
    };
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
    // QoS 0 loss is reported, not a failure (with --qos-mix, only some publishers use QoS 0).
    let lost = report.lost.saturating_sub(report.lost_qos0);
    if lost > 0 && report.config.qos != Qos::AtMostOnce.number() {
        return Err(Failure::code(
            Code::BenchFailed,
            format!(
                "Error: {} messages lost at QoS {}.\n",
                lost, report.config.qos
            ),
        ));
    }
    Ok(Code::Success.number())
}

/// `bench merge`: reads each `--json` summary and merges them; a file that cannot be read or is not
/// a bench summary is a data error naming the file.
fn merge_files(files: &[std::path::PathBuf]) -> Result<report::Report, Failure> {
    let data_error = |text: String| Failure::code(Code::DataError, format!("Error: {text}\n"));
    let mut runs = Vec::with_capacity(files.len());
    for path in files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| data_error(format!("{name}: {e}")))?;
        let report: report::Report = serde_json::from_slice(&bytes)
            .map_err(|e| data_error(format!("{name} is not a bench --json summary: {e}")))?;
        runs.push((name, report));
    }
    merge::merge(runs).map_err(data_error)
}
