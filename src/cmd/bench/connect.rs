//! Opening many connections, paced by `--connect-rate`.

use std::time::{Duration, Instant};

use crate::conn::{Options, Session};

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
