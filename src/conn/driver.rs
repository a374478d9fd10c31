//! The one task that polls rumqttc's event loop. It keeps the books rumqttc does not (which publish
//! is which, what is still unacknowledged), prints `-d` lines, forwards events to the command,
//! reconnects when asked to (carrying over what a lost connection left unsent: see `backlog`), and
//! stops polling as soon as DISCONNECT is written.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::Options;
use super::backend::{Loop, PollError, failure_of};
use super::backlog::{self, Backlog, Dropped};
use super::event::{ConnAck, Event, Record, Sent};
use super::failure::ConnectFailure;
use super::observe::{Delivery, Observer, print_line};
use super::reason::reason_text;
use super::repeats::Repeats;
use super::shared::Shared;

/// mosquitto's reconnect delay: one second, no backoff growth.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// A QoS 1/2 publish written and not yet complete.
struct InFlight {
    record: Record,
    /// Its place in the order of first sending: resends after a reconnect keep that order.
    seq: u64,
}

/// The publish in flight under packet id `mid`.
fn in_flight(table: &[Option<InFlight>], mid: u16) -> Option<&InFlight> {
    table.get(usize::from(mid))?.as_ref()
}

/// The polling task's state.
pub(super) struct Driver {
    opts: Options,
    event_loop: Loop,
    shared: Arc<Shared>,
    events: Option<mpsc::Sender<Delivery>>,
    /// QoS 1/2 publishes written and not yet complete, indexed by packet id (rumqttc gives out
    /// ids up to its inflight limit, so the table stays that small; a lookup per packet).
    inflight: Vec<Option<InFlight>>,
    /// The next [`InFlight::seq`].
    next_seq: u64,
    /// mosquitto numbers QoS 0 publishes too; rumqttc reports them as packet id 0.
    qos0_mid: u16,
    /// Who watches the packets (`-d`, `--trace`); `None` on the hot path.
    observer: Option<Box<dyn Observer>>,
    /// Between a connection error and the next CONNACK.
    connected: bool,
    /// What a lost connection left to send on the next one.
    backlog: Backlog,
    /// Connections in a row the same packet ended.
    repeats: Repeats,
}

impl Driver {
    pub fn new(
        opts: Options,
        event_loop: Loop,
        shared: Arc<Shared>,
        events: Option<mpsc::Sender<Delivery>>,
        observer: Option<Box<dyn Observer>>,
    ) -> Self {
        let backlog = Backlog::new(opts.inflight);
        Driver {
            opts,
            event_loop,
            shared,
            events,
            inflight: Vec::new(),
            next_seq: 0,
            qos0_mid: 0,
            observer,
            connected: false,
            backlog,
            repeats: Repeats::default(),
        }
    }

    fn complete(&mut self, mid: u16, reason: u8) {
        let taken = self
            .inflight
            .get_mut(usize::from(mid))
            .and_then(Option::take);
        if taken.is_some() {
            if reason >= 0x80 {
                self.shared
                    .refused
                    .fetch_max(u64::from(reason), Ordering::SeqCst);
                if !self.opts.quiet {
                    eprintln!("Warning: Publish {mid} failed: {}.", reason_text(reason));
                }
            }
            self.release(1);
        }
    }

    fn release(&self, n: u64) {
        if self.shared.outstanding.fetch_sub(n, Ordering::SeqCst) == n {
            self.shared.idle.notify_waiters();
        }
    }

    /// Books one event; returns what a packet we wrote carried, for the observer (`-d`): `None`
    /// without one.
    fn book(&mut self, event: &Event) -> Option<Sent> {
        let observed = self.observer.is_some();
        match *event {
            Event::SentPublish { mid } => {
                if mid != 0
                    && let Some(f) = in_flight(&self.inflight, mid)
                {
                    // A resend after reconnecting: the same message again.
                    return observed.then(|| Sent::Publish {
                        record: f.record.clone(),
                        mid,
                        dup: true,
                    });
                }
                if mid == 0 {
                    // QoS 0, numbered as mosquitto numbers it. Without an observer no record was
                    // kept (see `Publisher::publish`): only the count moves.
                    let record = if self.shared.keep_topics {
                        Some(
                            self.shared
                                .records
                                .lock()
                                .expect("records lock")
                                .pop_front()?,
                        )
                    } else {
                        None
                    };
                    self.qos0_mid = self.qos0_mid.wrapping_add(1).max(1);
                    self.release(1);
                    return record.filter(|_| observed).map(|record| Sent::Publish {
                        record,
                        mid: self.qos0_mid,
                        dup: false,
                    });
                }
                let record = self
                    .shared
                    .records
                    .lock()
                    .expect("records lock")
                    .pop_front()?;
                let sent = observed.then(|| Sent::Publish {
                    record: record.clone(),
                    mid,
                    dup: false,
                });
                let seq = self.next_seq;
                self.next_seq += 1;
                let slot = usize::from(mid);
                if self.inflight.len() <= slot {
                    self.inflight.resize_with(slot + 1, || None);
                }
                self.inflight[slot] = Some(InFlight { record, seq });
                sent
            }
            Event::SentSubscribe { mid } => {
                let record = self
                    .shared
                    .subscribes
                    .lock()
                    .expect("subscribes lock")
                    .pop_front()?;
                Some(Sent::Subscribe(record, mid))
            }
            Event::SentUnsubscribe { mid } => {
                let record = self
                    .shared
                    .unsubscribes
                    .lock()
                    .expect("unsubscribes lock")
                    .pop_front()?;
                Some(Sent::Unsubscribe(record, mid))
            }
            Event::PubAck { mid, reason } | Event::PubComp { mid, reason } => {
                self.complete(mid, reason);
                None
            }
            // A failed PUBREC ends the QoS 2 flow: no PUBREL follows.
            Event::PubRec { mid, reason } if reason >= 0x80 => {
                self.complete(mid, reason);
                None
            }
            _ => None,
        }
    }

    /// Hands an event to the consumer with its `-d` line, or prints the line when nobody consumes.
    async fn emit(&mut self, event: Event, sent: Option<Sent>) {
        if self.observer.is_none() {
            // The hot path: no observer, so no clock read and no debug line per packet.
            if let Some(tx) = &self.events {
                let _ = tx
                    .send(Delivery {
                        event,
                        debug_line: None,
                    })
                    .await;
            }
            return;
        }
        self.emit_at(event, sent, std::time::Instant::now()).await;
    }

    /// [`Driver::emit`] for an event that happened at `at`.
    async fn emit_at(&mut self, event: Event, sent: Option<Sent>, at: std::time::Instant) {
        let debug_line = self
            .observer
            .as_mut()
            .and_then(|o| o.observe(&event, sent.as_ref(), at));
        match &self.events {
            // A consumer that has gone away no longer needs events; keep polling regardless.
            Some(tx) => {
                let _ = tx.send(Delivery { event, debug_line }).await;
            }
            None => {
                if let Some(line) = debug_line {
                    print_line(&line);
                }
            }
        }
    }

    /// After a failed poll, on the way to reconnecting: books and shows the events rumqttc had
    /// buffered, then takes back what it would resend (or drop) on the next connection. True when
    /// those events include our DISCONNECT: the work is done.
    async fn take_back(&mut self) -> bool {
        self.shared.losses.fetch_add(1, Ordering::SeqCst);
        let stale = self.event_loop.take_buffered_events();
        let wrote_request = stale.iter().any(|e| {
            matches!(
                e,
                Event::SentPublish { .. }
                    | Event::SentSubscribe { .. }
                    | Event::SentUnsubscribe { .. }
                    | Event::SentDisconnect
            )
        });
        let mut done = false;
        for event in stale {
            let sent = self.book(&event);
            done |= event == Event::SentDisconnect;
            self.emit(event, sent).await;
        }
        let inflight = &self.inflight;
        let first_sent = |pkid| in_flight(inflight, pkid).map_or(u64::MAX, |f| f.seq);
        self.backlog
            .take_back(&mut self.event_loop, wrote_request, first_sent);
        self.note_held();
        done
    }

    /// Publishes [`Backlog::held`] to the publishers, waking them when there is room again.
    fn note_held(&self) {
        let held = self.backlog.held();
        let before = self.shared.held.swap(held, Ordering::SeqCst);
        if before >= backlog::MAX_HELD && held < backlog::MAX_HELD {
            self.shared.idle.notify_waiters();
        }
    }

    /// After the CONNACK of a reconnect: what the lost connection left goes out first.
    fn resume(&mut self, session_present: bool) {
        let (inflight, protocol) = (&self.inflight, self.opts.protocol);
        let replay = |pkid| {
            let msg = in_flight(inflight, pkid)?.record.replay.as_ref()?;
            Some(backlog::republish(msg, pkid, protocol))
        };
        let aliases = self.shared.aliases.lock().expect("aliases lock").clone();
        let topic_of = |alias| {
            let (_, topic) = aliases.iter().find(|(a, _)| *a == alias)?;
            Some(topic.clone())
        };
        let dropped = self
            .backlog
            .resume(&mut self.event_loop, session_present, replay, topic_of);
        self.forget(&dropped);
        self.note_held();
    }

    /// Forgets the records of subscription requests a reconnect dropped, so the next SUBSCRIBE is
    /// paired with its own.
    fn forget(&self, dropped: &Dropped) {
        let mut subs = self.shared.subscribes.lock().expect("subscribes lock");
        for _ in 0..dropped.subscribes {
            subs.pop_front();
        }
        drop(subs);
        let mut unsubs = self.shared.unsubscribes.lock().expect("unsubscribes lock");
        for _ in 0..dropped.unsubscribes {
            unsubs.pop_front();
        }
    }

    /// Publishes whether the connection is up (see `watch`).
    fn set_up(&self, up: bool) {
        self.shared.up.store(up, Ordering::SeqCst);
        self.shared.idle.notify_waiters();
    }

    fn fail(&self, failure: ConnectFailure) -> Result<(), ConnectFailure> {
        *self.shared.failure.lock().expect("failure lock") = Some(failure.clone());
        self.shared.idle.notify_waiters();
        Err(failure)
    }
}

/// Polls until DISCONNECT is written or the connection fails for good.
pub(super) async fn run(
    mut d: Driver,
    connack_tx: oneshot::Sender<Result<ConnAck, ConnectFailure>>,
) -> Result<(), ConnectFailure> {
    let mut connack_tx = Some(connack_tx);
    let mut ever_connected = false;
    // rumqttc writes CONNECT only once the socket is connected and reports nothing until CONNACK, so
    // the CONNECT line is printed when we learn it went out (mosquitto prints none when the TCP
    // connection fails), stamped with the time of the attempt.
    let mut connect_attempt = Some(std::time::Instant::now());
    loop {
        if d.connected && !d.backlog.is_empty() {
            d.backlog.feed(&mut d.event_loop);
            d.note_held();
        }
        d.backlog.guard(&mut d.event_loop);
        let polled = d.event_loop.poll().await;
        let connect_went_out = match &polled {
            Ok(Event::ConnAck(_)) => true,
            Ok(_) => false,
            Err(PollError::Refused(_) | PollError::ServerDisconnect(_) | PollError::Timeout) => {
                !d.connected
            }
            Err(_) => false,
        };
        if connect_went_out && let Some(at) = connect_attempt.take() {
            d.emit_at(Event::ConnectSent, None, at).await;
        }
        let event = match polled {
            Ok(event) => event,
            Err(err) => {
                // A refused CONNACK, or a request rumqttc will not send, would only come back.
                let hopeless = matches!(
                    err,
                    PollError::Refused(_) | PollError::Request(_) | PollError::TooLarge { .. }
                );
                let mut failure = failure_of(err, d.opts.protocol, d.connected);
                let mut retry = connack_tx.is_none() && d.opts.reconnect && !hopeless;
                if retry
                    && d.connected
                    && let Some(stop) = d.repeats.note(&failure)
                {
                    (failure, retry) = (stop, false);
                }
                // What happened before the failure comes first, in the books and in `-d`.
                if retry && d.take_back().await {
                    d.shared.idle.notify_waiters();
                    return Ok(());
                }
                if let ConnectFailure::Refused { code, .. } = &failure {
                    // mosquitto prints the refusing CONNACK with its code.
                    let ack = ConnAck {
                        code: *code,
                        ..ConnAck::default()
                    };
                    d.emit(Event::ConnAck(ack), None).await;
                }
                // (When reconnecting, the DISCONNECT was among the buffered events.)
                if let ConnectFailure::ServerDisconnect(reason) = &failure
                    && !retry
                {
                    d.emit(Event::Disconnect { reason: *reason }, None).await;
                }
                let was_connected = d.connected;
                d.connected = false;
                d.set_up(false);
                if let Some(tx) = connack_tx.take() {
                    let _ = tx.send(Err(failure.clone()));
                    return d.fail(failure);
                }
                if !retry {
                    return d.fail(failure);
                }
                if was_connected {
                    d.emit(Event::ConnectionLost, None).await;
                }
                tokio::time::sleep(RECONNECT_DELAY).await;
                d.backlog.take_queued(&mut d.event_loop);
                d.note_held();
                connect_attempt = Some(std::time::Instant::now());
                continue;
            }
        };
        // No event comes between a failure and the next CONNACK: `take_back` took the buffered ones.
        if let Event::ConnAck(ack) = &event {
            d.connected = true;
            d.set_up(true);
            if let Some(receive_max) = ack.receive_max {
                d.backlog.set_limit(receive_max.min(d.opts.inflight));
            }
            if let Some(tx) = connack_tx.take() {
                ever_connected = true;
                let _ = tx.send(Ok(ack.clone()));
            } else {
                d.resume(ack.session_present);
            }
        }
        // The events rumqttc buffered in this poll (the rest of a read, the packets of a batched
        // write) are what its next polls would return before touching the network: taken here,
        // without a poll each.
        let mut next = Some(event);
        while let Some(event) = next {
            let sent = d.book(&event);
            let done = event == Event::SentDisconnect;
            // The hot path (`pub` without `-d`): nobody to hand the event to.
            if d.observer.is_some() || d.events.is_some() {
                d.emit(event, sent).await;
            }
            if done {
                debug_assert!(ever_connected);
                d.shared.idle.notify_waiters();
                return Ok(());
            }
            next = d.event_loop.next_buffered();
        }
    }
}
