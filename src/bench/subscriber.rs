//! One bench subscriber: checks every sequence number and times end-to-end latency.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use hdrhistogram::Histogram;
use tokio::sync::watch;

use super::engine::{Clock, Counters};
use super::payload;
use super::stats::{self, SeqTracker};
use crate::conn::{ConnectFailure, Event, Qos, Session, Subscription};

/// What one subscriber saw.
pub struct SubResult {
    pub received: u64,
    /// Received with an intended send time inside the measurement window.
    pub received_in_window: u64,
    /// Per publisher index.
    pub trackers: HashMap<u32, SeqTracker>,
    /// Intended send → receive, ns.
    pub latency: Histogram<u64>,
    /// Messages that were not bench payloads (`bench sub` counts what others publish).
    pub foreign: u64,
    pub failure: Option<ConnectFailure>,
}

/// Subscribes and waits for the SUBACK. A refused subscription is a failure.
pub async fn subscribe(session: &mut Session, filter: &str, qos: Qos) -> Result<(), ConnectFailure> {
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
                _ => Err(ConnectFailure::Protocol(format!("subscription to '{filter}' refused"))),
            };
        }
    }
    Err(ConnectFailure::Lost)
}

/// Counts messages until `stop` turns true, then disconnects.
pub async fn run(mut session: Session, clock: Clock, counters: Arc<Counters>, mut stop: watch::Receiver<bool>) -> SubResult {
    let mut result = SubResult {
        received: 0,
        received_in_window: 0,
        trackers: HashMap::new(),
        latency: stats::histogram(),
        foreign: 0,
        failure: None,
    };
    loop {
        tokio::select! {
            delivery = session.next_event() => match delivery {
                Some(d) => {
                    let Event::Message(m) = d.event else { continue };
                    let now = Instant::now();
                    result.received += 1;
                    counters.received.fetch_add(1, Ordering::Relaxed);
                    let Some(h) = payload::parse(&m.payload) else {
                        result.foreign += 1;
                        continue;
                    };
                    result.trackers.entry(h.publisher).or_default().see(h.seq);
                    let intended = clock.instant(h.sent_ns);
                    if clock.in_window(intended) {
                        result.received_in_window += 1;
                        stats::record(&mut result.latency, now.saturating_duration_since(intended).as_nanos() as u64);
                    }
                }
                None => {
                    result.failure = Some(ConnectFailure::Lost);
                    return result;
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
