//! One bench publisher: sends on an open-loop schedule and times each acknowledgement.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use super::engine::{Clock, Counters};
use super::payload::{Header, PayloadMaker};
use super::stats;
use crate::conn::{ConnectFailure, Event, Outgoing, Qos, Session};

/// When one publisher sends.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Messages to send, or `None` to send until `clock.end`.
    pub count: Option<u64>,
    /// Time between two messages of this publisher; `None`: as fast as possible.
    pub interval: Option<Duration>,
}

/// What one publisher did.
pub struct PubResult {
    pub sent: u64,
    /// Sent with an intended time inside the measurement window.
    pub sent_in_window: u64,
    pub acked: u64,
    /// PUBACK/PUBREC with a failure reason code.
    pub refused: u64,
    /// Publish → PUBACK (QoS 1) or → PUBCOMP (QoS 2), from the intended send time, ns.
    pub ack_latency: Histogram<u64>,
    /// How late the generator sent compared with the schedule, ns.
    pub lag: Histogram<u64>,
    /// The connection failed before everything was acknowledged.
    pub failure: Option<ConnectFailure>,
}

/// Sends on the schedule; for QoS 1/2 the intended send times go into `pending` in order so the
/// event reader can pair them with packet ids.
async fn send(
    publisher: crate::conn::session::Publisher,
    index: u32,
    topic: String,
    qos: Qos,
    size: usize,
    schedule: Schedule,
    clock: Clock,
    counters: Arc<Counters>,
    pending: Arc<Mutex<VecDeque<Instant>>>,
) -> (u64, u64, Histogram<u64>, Option<ConnectFailure>) {
    let mut maker = PayloadMaker::new(size);
    let mut lag = stats::histogram();
    let (mut sent, mut in_window) = (0u64, 0u64);
    let start = clock.start;
    loop {
        if schedule.count.is_some_and(|c| sent >= c) {
            break;
        }
        let now = Instant::now();
        let intended = match schedule.interval {
            Some(interval) => start + interval.mul_f64(sent as f64),
            None => now,
        };
        if schedule.count.is_none() && clock.end.is_some_and(|end| intended >= end) {
            break;
        }
        if intended > now {
            tokio::time::sleep_until(intended.into()).await;
        }
        let payload = maker.make(Header { publisher: index, seq: sent, sent_ns: clock.ns(intended) });
        if qos != Qos::AtMostOnce {
            pending.lock().expect("pending lock").push_back(intended);
        }
        let msg = Outgoing { topic: topic.clone(), payload, qos, retain: false, properties: None };
        if let Err(failure) = publisher.publish(msg).await {
            return (sent, in_window, lag, Some(failure));
        }
        stats::record(&mut lag, Instant::now().saturating_duration_since(intended).as_nanos() as u64);
        sent += 1;
        if clock.in_window(intended) {
            in_window += 1;
        }
        counters.sent.fetch_add(1, Ordering::Relaxed);
    }
    (sent, in_window, lag, None)
}

/// Runs one publisher to completion: sends everything, waits for every acknowledgement, disconnects.
pub async fn run(
    mut session: Session,
    index: u32,
    topic: String,
    qos: Qos,
    size: usize,
    schedule: Schedule,
    clock: Clock,
    counters: Arc<Counters>,
) -> PubResult {
    let pending = Arc::new(Mutex::new(VecDeque::new()));
    let publisher = session.publisher();
    let idle = session.publisher();
    let mut sender = tokio::spawn(send(
        publisher,
        index,
        topic,
        qos,
        size,
        schedule,
        clock,
        counters.clone(),
        pending.clone(),
    ));
    let mut in_flight: HashMap<u16, Instant> = HashMap::new();
    let mut result = PubResult {
        sent: 0,
        sent_in_window: 0,
        acked: 0,
        refused: 0,
        ack_latency: stats::histogram(),
        lag: stats::histogram(),
        failure: None,
    };
    let mut sending = true;
    let mut flushed = false;
    let complete = |result: &mut PubResult, mid: u16, refused: bool, in_flight: &mut HashMap<u16, Instant>| {
        if let Some(intended) = in_flight.remove(&mid) {
            let now = Instant::now();
            if clock.in_window(intended) {
                stats::record(&mut result.ack_latency, now.saturating_duration_since(intended).as_nanos() as u64);
            }
            result.acked += 1;
            counters.acked.fetch_add(1, Ordering::Relaxed);
            if refused {
                result.refused += 1;
            }
        }
    };
    loop {
        // Everything is acknowledged once the connection layer says so and every acknowledgement
        // event has been read here (they can still be queued when the layer reports idle).
        if flushed && (qos == Qos::AtMostOnce || (in_flight.is_empty() && pending.lock().expect("pending lock").is_empty())) {
            break;
        }
        tokio::select! {
            delivery = session.next_event(), if qos != Qos::AtMostOnce => match delivery {
                Some(d) => match d.event {
                    Event::SentPublish { mid } if !in_flight.contains_key(&mid) => {
                        if let Some(intended) = pending.lock().expect("pending lock").pop_front() {
                            in_flight.insert(mid, intended);
                        }
                    }
                    Event::PubAck { mid, reason } | Event::PubComp { mid, reason } => {
                        complete(&mut result, mid, reason >= 0x80, &mut in_flight);
                    }
                    Event::PubRec { mid, reason } if reason >= 0x80 => complete(&mut result, mid, true, &mut in_flight),
                    _ => {}
                },
                None => break,
            },
            done = &mut sender, if sending => {
                sending = false;
                let (sent, in_window, lag, failure) = done.unwrap_or((0, 0, stats::histogram(), Some(ConnectFailure::Lost)));
                (result.sent, result.sent_in_window, result.lag, result.failure) = (sent, in_window, lag, failure);
                if result.failure.is_some() {
                    break;
                }
            },
            done = idle.flush(), if !sending && !flushed => {
                flushed = true;
                if let Err(failure) = done {
                    result.failure = Some(failure);
                    break;
                }
            },
        }
    }
    if qos == Qos::AtMostOnce && result.failure.is_none() {
        // Written to the socket is as far as QoS 0 goes.
        result.acked = result.sent;
        counters.acked.fetch_add(result.sent, Ordering::Relaxed);
    }
    if let Err(failure) = session.disconnect().await {
        result.failure.get_or_insert(failure);
    }
    result
}
