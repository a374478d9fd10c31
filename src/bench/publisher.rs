//! One bench publisher: sends on an open-loop schedule and times each acknowledgement.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use super::clock::Clock;
use super::engine::Counters;
use super::payload::{Header, PayloadMaker};
use super::stats;
use super::timer;
use crate::conn::{ConnectFailure, Event, Outgoing, Qos, Session};

/// When one publisher sends.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Messages to send, or `None` to send until `clock.end`.
    pub count: Option<u64>,
    /// Time between two messages of this publisher; `None`: as fast as possible.
    pub interval: Option<Duration>,
}

/// What one publisher sends, and where it counts.
#[derive(Clone)]
pub struct Job {
    /// Publisher index (in every payload).
    pub index: u32,
    pub topic: String,
    pub qos: Qos,
    /// Payload size, bytes.
    pub size: usize,
    pub schedule: Schedule,
    pub clock: Clock,
    pub counters: Arc<Counters>,
    /// Paces the schedule (with `--rate`).
    pub timer: Option<timer::Handle>,
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
    /// When the last message had been handed over (on a schedule: no earlier than the end of its
    /// slot), so the publish rate does not include the wait for acknowledgements.
    pub send_end: Option<Instant>,
    /// The connection failed before everything was acknowledged.
    pub failure: Option<ConnectFailure>,
}

/// What the sending half reports.
struct Sent {
    sent: u64,
    in_window: u64,
    lag: Histogram<u64>,
    send_end: Instant,
    failure: Option<ConnectFailure>,
}

/// Sends on the schedule; for QoS 1/2 the intended send times go into `pending` in order so the
/// event reader can pair them with packet ids.
async fn send(
    publisher: crate::conn::session::Publisher,
    job: Job,
    pending: Arc<Mutex<VecDeque<Instant>>>,
) -> Sent {
    let Job {
        index,
        topic,
        qos,
        size,
        schedule,
        clock,
        counters,
        timer,
    } = job;
    let mut maker = PayloadMaker::new(size);
    let mut out = Sent {
        sent: 0,
        in_window: 0,
        lag: stats::histogram(),
        send_end: clock.start,
        failure: None,
    };
    let start = clock.start;
    loop {
        if schedule.count.is_some_and(|c| out.sent >= c) {
            break;
        }
        let now = Instant::now();
        let intended = match schedule.interval {
            Some(interval) => start + interval.mul_f64(out.sent as f64),
            None => now,
        };
        if schedule.count.is_none() && clock.end.is_some_and(|end| intended >= end) {
            break;
        }
        if intended > now {
            match &timer {
                Some(timer) => timer.sleep_until(intended).await,
                None => tokio::time::sleep_until(intended.into()).await,
            }
        }
        let payload = maker.make(Header {
            publisher: index,
            seq: out.sent,
            sent_ns: clock.ns(intended),
        });
        if qos != Qos::AtMostOnce {
            pending.lock().expect("pending lock").push_back(intended);
        }
        // rumqttc takes the topic by value: this copy is the one allocation per message it forces.
        let msg = Outgoing {
            topic: topic.clone(),
            payload,
            qos,
            retain: false,
            properties: None,
        };
        if let Err(failure) = publisher.publish(msg).await {
            out.failure = Some(failure);
            break;
        }
        let done = Instant::now();
        stats::record(
            &mut out.lag,
            done.saturating_duration_since(intended).as_nanos() as u64,
        );
        out.send_end = done.max(intended + schedule.interval.unwrap_or_default());
        out.sent += 1;
        if clock.in_window(intended) {
            out.in_window += 1;
        }
        counters.sent.fetch_add(1, Ordering::Relaxed);
    }
    out
}

/// Runs one publisher to completion: sends everything, waits for every acknowledgement, disconnects.
pub async fn run(mut session: Session, job: Job) -> PubResult {
    let (qos, clock, counters) = (job.qos, job.clock, job.counters.clone());
    let pending = Arc::new(Mutex::new(VecDeque::new()));
    let publisher = session.publisher();
    let idle = session.publisher();
    let mut sender = tokio::spawn(send(publisher, job, pending.clone()));
    let mut in_flight: HashMap<u16, Instant> = HashMap::new();
    let mut result = PubResult {
        sent: 0,
        sent_in_window: 0,
        acked: 0,
        refused: 0,
        ack_latency: stats::histogram(),
        lag: stats::histogram(),
        send_end: None,
        failure: None,
    };
    let mut sending = true;
    let mut flushed = false;
    let complete =
        |result: &mut PubResult, mid: u16, refused: bool, in_flight: &mut HashMap<u16, Instant>| {
            if let Some(intended) = in_flight.remove(&mid) {
                let now = Instant::now();
                if clock.in_window(intended) {
                    stats::record(
                        &mut result.ack_latency,
                        now.saturating_duration_since(intended).as_nanos() as u64,
                    );
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
        if flushed
            && (qos == Qos::AtMostOnce
                || (in_flight.is_empty() && pending.lock().expect("pending lock").is_empty()))
        {
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
                match done {
                    Ok(s) => {
                        (result.sent, result.sent_in_window, result.lag) = (s.sent, s.in_window, s.lag);
                        result.send_end = (s.sent > 0).then_some(s.send_end);
                        result.failure = s.failure;
                    }
                    Err(_) => result.failure = Some(ConnectFailure::Lost),
                }
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
