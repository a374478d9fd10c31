//! The live line (one update per second, on stderr, only on a terminal) and the per-second series.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::counters::Counters;

/// One second of the run.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Second {
    /// Seconds since the start of publishing.
    pub second: u64,
    /// Messages sent in this second.
    pub sent: u64,
    /// Messages acknowledged (QoS 1/2) or written (QoS 0) in this second.
    pub acked: u64,
    /// Messages received by all subscribers in this second.
    pub received: u64,
}

/// Samples the counters every second until dropped; draws the live line on a terminal.
pub struct Progress {
    task: tokio::task::JoinHandle<Vec<Second>>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Progress {
    pub fn start(counters: Arc<Counters>, quiet: bool) -> Self {
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(async move {
            let bar = if std::io::stderr().is_terminal() && !quiet {
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                        .expect("valid template"),
                );
                bar
            } else {
                ProgressBar::hidden()
            };
            let mut series = Vec::new();
            let mut last = (0, 0, 0);
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await;
            for second in 1u64.. {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = stopped.changed() => break,
                }
                let now = (
                    counters.sent.load(Ordering::Relaxed),
                    counters.acked.load(Ordering::Relaxed),
                    counters.received.load(Ordering::Relaxed),
                );
                let s = Second {
                    second,
                    sent: now.0 - last.0,
                    acked: now.1 - last.1,
                    received: now.2 - last.2,
                };
                last = now;
                bar.set_message(format!(
                    "sent {}/s  acked {}/s  received {}/s",
                    s.sent, s.acked, s.received
                ));
                bar.tick();
                series.push(s);
            }
            bar.finish_and_clear();
            series
        });
        Progress { task, stop }
    }

    /// Stops sampling and returns the series.
    pub async fn finish(self) -> Vec<Second> {
        let _ = self.stop.send(true);
        self.task.await.unwrap_or_default()
    }
}

/// Writes the series as CSV or NDJSON.
pub fn write_series(path: &std::path::Path, series: &[Second], csv: bool) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    if csv {
        writeln!(out, "second,sent,acked,received")?;
        for s in series {
            writeln!(out, "{},{},{},{}", s.second, s.sent, s.acked, s.received)?;
        }
    } else {
        for s in series {
            serde_json::to_writer(&mut out, s)?;
            writeln!(out)?;
        }
    }
    out.flush()
}
