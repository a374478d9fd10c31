//! One bench publisher: sends on an open-loop schedule and times each acknowledgement.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use tokio::sync::oneshot;

use super::clock::Clock;
use super::counters::Counters;
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

/// What one publisher sends, and where it counts.
#[derive(Clone)]
pub struct Job {
    /// Publisher index (in every payload).
    pub index: u32,
    /// The topics it cycles over (`--topics`), message `seq` to `topics[seq % len]`.
    pub topics: Vec<String>,
    pub qos: Qos,
    /// Payload size, bytes.
    pub size: usize,
    /// `--payload`: the template after the header, and the client id for `{client}`.
    pub template: Option<(Arc<super::template::Template>, String)>,
    pub schedule: Schedule,
    pub clock: Clock,
    pub counters: Arc<Counters>,
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
    /// When the connection failed: sent, but neither written (QoS 0) nor acknowledged (QoS 1/2)
    /// as far as this side knows. Their fate is unknown (the broker may have some): not lost.
    pub unconfirmed: u64,
}

/// What the sending half reports.
pub struct Sent {
    sent: u64,
    in_window: u64,
    lag: Histogram<u64>,
    send_end: Instant,
    failure: Option<ConnectFailure>,
}

/// The sending half of a publisher: on a tokio task ([`Sender::run`]) or, paced by `--rate`, on the
/// pacing thread ([`super::paced`]).
pub struct Sender {
    publisher: crate::conn::session::Publisher,
    job: Job,
    maker: PayloadMaker,
    /// Intended send times of QoS 1/2 messages, in order, for the acknowledgement reader to pair
    /// with packet ids.
    pending: Arc<Mutex<VecDeque<Instant>>>,
    out: Sent,
    done: oneshot::Sender<Sent>,
}

impl Sender {
    /// When the next message is due (`now` when unpaced); `None` once everything is sent.
    pub fn next_due(&self, now: Instant) -> Option<Instant> {
        let Job {
            schedule, clock, ..
        } = &self.job;
        if self.out.failure.is_some() || schedule.count.is_some_and(|c| self.out.sent >= c) {
            return None;
        }
        let due = match schedule.interval {
            Some(interval) => clock.start + interval.mul_f64(self.out.sent as f64),
            None => now,
        };
        if schedule.count.is_none() && clock.end.is_some_and(|end| due >= end) {
            return None;
        }
        Some(due)
    }

    /// Sends the message intended for `intended`; returns when it was handed over (the caller's
    /// next reading of the clock), or `None` when the connection has failed.
    pub async fn send(&mut self, intended: Instant) -> Option<Instant> {
        let job = &self.job;
        let payload = self.maker.make(Header {
            publisher: job.index,
            seq: self.out.sent,
            sent_ns: job.clock.ns(intended),
        });
        if job.qos != Qos::AtMostOnce {
            self.pending
                .lock()
                .expect("pending lock")
                .push_back(intended);
        }
        // rumqttc takes the topic by value: this copy is the one allocation per message it forces.
        let msg = Outgoing {
            topic: job.topics[(self.out.sent % job.topics.len() as u64) as usize].clone(),
            payload,
            qos: job.qos,
            retain: false,
            properties: None,
        };
        if let Err(failure) = self.publisher.publish(msg).await {
            self.out.failure = Some(failure);
            return None;
        }
        let done = Instant::now();
        let out = &mut self.out;
        stats::record(
            &mut out.lag,
            done.saturating_duration_since(intended).as_nanos() as u64,
        );
        out.send_end = done.max(intended + job.schedule.interval.unwrap_or_default());
        out.sent += 1;
        if job.clock.in_window(intended) {
            out.in_window += 1;
        }
        job.counters.sent.fetch_add(1, Ordering::Relaxed);
        Some(done)
    }

    /// Hands what was sent to the acknowledgement reader.
    pub fn finish(self) {
        let _ = self.done.send(self.out);
    }

    /// Sends everything on the runtime (no `--rate`: as fast as the connection takes them).
    /// One clock reading per message: the moment one was handed over is the next one's due time.
    pub async fn run(mut self) {
        let mut now = Instant::now();
        while let Some(due) = self.next_due(now) {
            if due > now {
                tokio::time::sleep_until(due.into()).await;
            }
            match self.send(due).await {
                Some(done) => now = done,
                None => break,
            }
        }
        self.finish();
    }
}

/// The acknowledgement half of a publisher, run by [`run`].
pub struct Acks {
    session: Session,
    qos: Qos,
    clock: Clock,
    counters: Arc<Counters>,
    pending: Arc<Mutex<VecDeque<Instant>>>,
    done: oneshot::Receiver<Sent>,
}

/// Splits a connected publisher into its sending and its acknowledgement half.
pub fn prepare(session: Session, job: Job) -> (Sender, Acks) {
    let pending = Arc::new(Mutex::new(VecDeque::new()));
    let (done_tx, done_rx) = oneshot::channel();
    let out = Sent {
        sent: 0,
        in_window: 0,
        lag: stats::histogram(),
        send_end: job.clock.start,
        failure: None,
    };
    let acks = Acks {
        qos: job.qos,
        clock: job.clock,
        counters: job.counters.clone(),
        pending: pending.clone(),
        done: done_rx,
        session,
    };
    let sender = Sender {
        publisher: acks.session.publisher(),
        maker: match &job.template {
            Some((t, client)) => PayloadMaker::with_template(super::template::Filler::new(
                t.clone(),
                client.clone(),
                job.index,
            )),
            None => PayloadMaker::new(job.size),
        },
        job,
        pending,
        out,
        done: done_tx,
    };
    (sender, acks)
}

/// Reads one publisher's acknowledgements until everything its sender sent is acknowledged (QoS 1/2)
/// or written (QoS 0), then disconnects.
pub async fn run(acks: Acks) -> PubResult {
    let Acks {
        mut session,
        qos,
        clock,
        counters,
        pending,
        done: mut sender,
    } = acks;
    let idle = session.publisher();
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
        unconfirmed: 0,
    };
    let mut sending = true;
    let mut flushed = false;
    // Events end when the connection does; the sender's count is still wanted for the report.
    let mut events = qos != Qos::AtMostOnce;
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
            delivery = session.next_event(), if events => match delivery {
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
                None => {
                    result.failure.get_or_insert(ConnectFailure::Lost);
                    if !sending {
                        break;
                    }
                    events = false;
                }
            },
            done = &mut sender, if sending => {
                sending = false;
                match done {
                    Ok(s) => {
                        (result.sent, result.sent_in_window, result.lag) = (s.sent, s.in_window, s.lag);
                        result.send_end = (s.sent > 0).then_some(s.send_end);
                        result.failure = s.failure.or(result.failure.take());
                    }
                    Err(_) => result.failure = Some(ConnectFailure::Lost),
                }
                if result.failure.is_some() || !events && qos != Qos::AtMostOnce {
                    result.failure.get_or_insert(ConnectFailure::Lost);
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
    if result.failure.is_some() {
        result.unconfirmed = if qos == Qos::AtMostOnce {
            idle.unfinished()
        } else {
            let (unacked, late) =
                unacknowledged(&mut session, events, &pending, &mut in_flight).await;
            result.acked += late;
            unacked
        }
        .min(result.sent);
    }
    if let Err(failure) = session.disconnect().await {
        result.failure.get_or_insert(failure);
    }
    result
}

/// After a failed connection: how many QoS 1/2 messages were sent and never acknowledged (written
/// and awaiting their PUBACK/PUBCOMP, or not known to be written), and how many acknowledgements
/// were still queued. Queued events are read first; the connection is gone, so they end at once
/// (the bound only guards against a layer that never closes them).
async fn unacknowledged(
    session: &mut Session,
    mut events: bool,
    pending: &Mutex<VecDeque<Instant>>,
    in_flight: &mut HashMap<u16, Instant>,
) -> (u64, u64) {
    let mut late = 0;
    while events {
        match tokio::time::timeout(Duration::from_secs(1), session.next_event()).await {
            Ok(Some(d)) => match d.event {
                Event::PubAck { mid, .. } | Event::PubComp { mid, .. } => {
                    late += u64::from(in_flight.remove(&mid).is_some());
                }
                Event::SentPublish { mid } if !in_flight.contains_key(&mid) => {
                    if let Some(intended) = pending.lock().expect("pending lock").pop_front() {
                        in_flight.insert(mid, intended);
                    }
                }
                _ => {}
            },
            _ => events = false,
        }
    }
    let unacked = pending.lock().expect("pending lock").len() + in_flight.len();
    (unacked as u64, late)
}
