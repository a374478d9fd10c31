//! Opening many connections, paced by `--connect-rate`, and `bench conn`.

use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use super::stats;
use crate::conn::{ConnectFailure, Options, Session};

/// Paces connection attempts: attempt `i` starts at `start + i / rate`.
#[derive(Debug, Clone, Copy)]
pub struct Pacer {
    start: Instant,
    rate: Option<f64>,
}

impl Pacer {
    pub fn new(rate: Option<f64>) -> Self {
        Pacer {
            start: Instant::now(),
            rate,
        }
    }

    /// Waits until attempt `i` may start.
    pub async fn wait(&self, i: u32) {
        if let Some(rate) = self.rate {
            let at = self.start + Duration::from_secs_f64(f64::from(i) / rate);
            tokio::time::sleep_until(at.into()).await;
        }
    }
}

/// A client's options: the shared ones with its own client id.
pub fn client_options(base: &Options, client_id: String, want_reconnect: bool) -> Options {
    let mut o = base.clone();
    o.client_id = client_id;
    o.reconnect = want_reconnect;
    // Per-packet output from thousands of clients would drown the results.
    o.debug = false;
    o.trace = None;
    o
}

/// The outcome of `bench conn`.
pub struct ConnResult {
    pub connected: u64,
    pub failed: u64,
    /// CONNECT → CONNACK, ns.
    pub latency: Histogram<u64>,
    /// From the first attempt to the last CONNACK.
    pub elapsed: Duration,
    /// Why the first failed connection failed.
    pub first_failure: Option<ConnectFailure>,
}

/// Opens `clients` connections (paced), keeps them all open until the last one is up, then closes
/// them.
pub async fn bench_conn(
    base: &Options,
    clients: u32,
    id_prefix: &str,
    rate: Option<f64>,
) -> ConnResult {
    let pacer = Pacer::new(rate);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..clients {
        let opts = client_options(base, format!("{id_prefix}-conn-{i}"), false);
        pacer.wait(i).await;
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let session = Session::connect(opts, false, None).await;
            (t.elapsed(), session)
        }));
    }
    let mut result = ConnResult {
        connected: 0,
        failed: 0,
        latency: stats::histogram(),
        elapsed: Duration::ZERO,
        first_failure: None,
    };
    let mut sessions = Vec::new();
    for task in tasks {
        match task.await {
            Ok((took, Ok(session))) => {
                result.connected += 1;
                stats::record(&mut result.latency, took.as_nanos() as u64);
                sessions.push(session);
            }
            Ok((_, Err(failure))) => {
                result.failed += 1;
                result.first_failure.get_or_insert(failure);
            }
            Err(_) => {
                result.failed += 1;
                result.first_failure.get_or_insert(ConnectFailure::Lost);
            }
        }
    }
    result.elapsed = started.elapsed();
    close(sessions).await;
    result
}

/// Disconnects clients all at once (each DISCONNECT on its own task) and waits for them all.
pub async fn close(sessions: impl IntoIterator<Item = Session>) {
    let closing: Vec<_> = sessions
        .into_iter()
        .map(|s| tokio::spawn(s.disconnect()))
        .collect();
    for c in closing {
        let _ = c.await;
    }
}
