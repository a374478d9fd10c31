//! One bench subscriber: checks every sequence number and times end-to-end latency.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use hdrhistogram::Histogram;
use tokio::sync::watch;

use super::clock::Clock;
use super::counters::Counters;
use super::payload;
use super::stats::{self, SeqTracker};
use crate::conn::{ConnectFailure, Event, Qos, Session, Subscription};

/// What one subscriber saw.
pub struct SubResult {
    pub received: u64,
    /// Received and counted in the measurement window.
    pub received_in_window: u64,
    /// The first and the last of those arrivals.
    pub window_arrivals: Option<(Instant, Instant)>,
    /// Per publisher index.
    pub trackers: HashMap<u32, SeqTracker>,
    /// Intended send → receive, ns.
    pub latency: Histogram<u64>,
    pub failure: Option<ConnectFailure>,
}

/// Which arrivals count in the measurement window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Messages intended to be sent in the window (`bench pubsub`: the window is the publishers').
    Intended,
    /// Messages that arrive in the window (`bench sub`: others publish whatever and whenever).
    Arrival,
}

/// How a subscriber counts.
#[derive(Clone)]
pub struct Listen {
    pub clock: Clock,
    pub counters: Arc<Counters>,
    pub window: Window,
    /// Stop counting once all subscribers together have received this many (`bench sub --count`);
    /// the one that gets there wakes `done`.
    pub limit: Option<u64>,
    /// Woken when the limit is reached or a subscriber's connection ends.
    pub done: Arc<tokio::sync::Notify>,
    /// Subscribers whose connection has ended.
    pub ended: Arc<AtomicUsize>,
    /// Whether the bench's own payloads carry the header (`--size` of at least its size).
    pub sequenced: bool,
}

/// Subscribes and waits for the SUBACK. A refused subscription is a failure.
pub async fn subscribe(
    session: &mut Session,
    filter: &str,
    qos: Qos,
) -> Result<(), ConnectFailure> {
    let sub = Subscription {
        filter: filter.to_string(),
        qos,
        no_local: false,
        retain_as_published: false,
        retain_handling: 0,
    };
    session.subscribe(&[sub], None).await?;
    while let Some(d) = session.next_event().await {
        if let Event::SubAck { codes, .. } = d.event {
            return match codes.first() {
                Some(&c) if c < 0x80 => Ok(()),
                _ => Err(ConnectFailure::Protocol(format!(
                    "subscription to '{filter}' refused"
                ))),
            };
        }
    }
    Err(ConnectFailure::Lost)
}

/// Counts one arrival in the shared counter; false once the limit has been reached.
fn count(listen: &Listen) -> bool {
    let Some(limit) = listen.limit else {
        listen.counters.received.fetch_add(1, Ordering::Relaxed);
        return true;
    };
    match listen
        .counters
        .received
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
            (n < limit).then_some(n + 1)
        }) {
        Ok(before) => {
            if before + 1 == limit {
                listen.done.notify_one();
            }
            true
        }
        Err(_) => false,
    }
}

/// Events taken from the connection at once: one wake-up and one clock reading per batch.
const BATCH: usize = 256;

/// Counts one message that arrived at `now`.
fn see(result: &mut SubResult, listen: &Listen, payload: &[u8], now: Instant) {
    if !count(listen) {
        return;
    }
    let clock = &listen.clock;
    result.received += 1;
    let header = payload::parse(payload);
    if let Some(h) = header {
        result.trackers.entry(h.publisher).or_default().see(h.seq);
    }
    let in_window = match (listen.window, header) {
        (Window::Intended, Some(h)) => clock.in_window_ns(h.sent_ns),
        // Payloads too small for a header: the arrival time is all there is.
        (Window::Intended, None) => !listen.sequenced && clock.in_window(now),
        (Window::Arrival, _) => clock.in_window(now),
    };
    if in_window {
        result.received_in_window += 1;
        result.window_arrivals = Some(
            result
                .window_arrivals
                .map_or((now, now), |(first, _)| (first, now)),
        );
        if let Some(h) = header {
            stats::record(&mut result.latency, clock.ns(now).saturating_sub(h.sent_ns));
        }
    }
}

/// Counts messages until `stop` turns true, then disconnects.
pub async fn run(
    mut session: Session,
    listen: Listen,
    mut stop: watch::Receiver<bool>,
) -> SubResult {
    let mut result = SubResult {
        received: 0,
        received_in_window: 0,
        window_arrivals: None,
        trackers: HashMap::new(),
        latency: stats::histogram(),
        failure: None,
    };
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        tokio::select! {
            taken = session.next_events(&mut batch, BATCH) => {
                if taken == 0 {
                    result.failure = Some(ConnectFailure::Lost);
                    listen.ended.fetch_add(1, Ordering::Relaxed);
                    listen.done.notify_one();
                    return result;
                }
                // Everything in the batch had arrived by now: one reading times them all.
                let now = Instant::now();
                for d in batch.drain(..) {
                    if let Event::Message(m) = d.event {
                        see(&mut result, &listen, &m.payload, now);
                    }
                }
            },
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
    }
    if let Err(failure) = session.disconnect_now().await {
        result.failure = Some(failure);
    }
    result
}
