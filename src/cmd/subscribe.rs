//! `mqtk sub`: subscribe, print what arrives, stop as mosquitto_sub stops (`-C`, `-W`, `-E`,
//! `--retained-only`, signals, a closed stdout), reconnect and resubscribe when the connection drops.

// -w/--watch: one terminal line per topic.
mod watch;

use std::time::Duration;

use bytes::Bytes;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use self::watch::Watch;
use crate::conn::{
    Delivery, Event, Inbox, Message, Options, Outgoing, Properties, Protocol, Qos, Session,
    Subscription, topic,
};
use crate::decode::Decoder;
use crate::exit::{Code, Failure};
use crate::format::printer::Output;
use crate::format::printer::{Printed, Printer};
use crate::jsonpath::Path;
use crate::personality::Personality;
use crate::trace;

/// When to stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// `-C`: after this many messages.
    pub count: Option<u64>,
    /// `-W`: after this long (exit 27).
    pub timeout: Option<Duration>,
    /// `-E`: once the SUBACK is in.
    pub after_subscribe: bool,
    /// `--retained-only`: at the first live message.
    pub retained_only: bool,
}

/// A validated `sub` invocation.
#[derive(Debug)]
pub struct Config {
    pub filters: Vec<String>,
    pub qos: Qos,
    /// `-T`: filters whose messages are not printed.
    pub filter_out: Vec<String>,
    /// `-U`: filters to unsubscribe from after subscribing.
    pub unsubscribe: Vec<String>,
    pub output: Output,
    /// `-v`: topic before the payload (also before `--json-path` values).
    pub verbose: bool,
    /// Newline after each message (off with `-N`).
    pub eol: bool,
    pub pretty: bool,
    pub stop: Stop,
    /// `-R`.
    pub no_retained: bool,
    pub remove_retained: bool,
    pub retain_as_published: bool,
    /// v5 retain handling of the subscriptions: 0 always, 1 new, 2 never (`--retain-handling`, `-R`).
    pub retain_handling: u8,
    /// `--message-rate`: print the messages received per second instead of the messages.
    pub message_rate: bool,
    /// `-w`: draw each topic on its own terminal line (decided: off under mqtk without a terminal).
    pub watch: bool,
    /// `--random-filter`: the probability of printing a message.
    pub random_filter: Option<f64>,
    /// `--where`: every path must select something.
    pub where_paths: Vec<Path>,
    /// `--strict`: unusable JSON is an error, not a note.
    pub strict: bool,
    /// `--decode`: payloads are read through this before JSONPath and output.
    pub decoder: Option<Decoder>,
    pub subscribe_properties: Properties,
    pub personality: Personality,
}

/// Why the loop ended.
enum End {
    /// Done (`-C`, `-E`, `--retained-only`, a closed stdout): stop processing, wait for outstanding
    /// acknowledgements, disconnect, exit 0.
    Done,
    /// As [`End::Done`], but exit with this status (a refused subscription under mqtk).
    Disconnect(u8),
    /// SIGINT or SIGTERM: as [`End::Done`], but a v5 will is published.
    Interrupted,
    /// `-W` ran out: disconnect at once (a v5 will is published) and exit with [`Code::Timeout`].
    TimedOut,
    /// Disconnect at once and exit with this failure.
    Fail(Failure),
}

/// A small xorshift generator for `--random-filter`: statistical sampling, not cryptography.
struct Random(u64);

impl Random {
    fn new() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9E37_79B9, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id());
        Random(seed | 1)
    }

    fn chance(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Run {
    config: Config,
    /// `--decode`'s decoder (out of `config`: a decoded Sparkplug B view borrows it while the
    /// rest of `config` is read).
    decoder: Option<Decoder>,
    printer: Printer,
    quiet: bool,
    debug: bool,
    processed: u64,
    /// QoS 1/2 messages held until our PUBACK/PUBCOMP is written, as libmosquitto delivers them.
    inbox: Inbox,
    removals: Option<mpsc::UnboundedSender<Bytes>>,
    random: Random,
    /// UNSUBSCRIBEs requested and not yet written. libmosquitto writes SUBSCRIBE and every
    /// UNSUBSCRIBE before it reads anything; rumqttc may read the SUBACK in between, so incoming
    /// packets wait here until the last UNSUBSCRIBE is out, to keep `-d` output in mosquitto's order.
    unsubscribes_unsent: usize,
    waiting: Vec<Delivery>,
    watch: Option<Watch>,
    /// Messages received since the last `--message-rate` line.
    received: u64,
}

impl Run {
    /// Handles one delivery in mosquitto's order (see `unsubscribes_unsent`).
    async fn deliver(&mut self, session: &Session, d: Delivery) -> Result<Option<End>, Failure> {
        let outgoing_unsubscribe = matches!(d.event, Event::SentUnsubscribe { .. });
        if self.unsubscribes_unsent > 0 && !outgoing_unsubscribe && !is_outgoing(&d.event) {
            self.waiting.push(d);
            return Ok(None);
        }
        if let Some(end) = self.event(session, d).await? {
            return Ok(Some(end));
        }
        if outgoing_unsubscribe && self.unsubscribes_unsent > 0 {
            self.unsubscribes_unsent -= 1;
            if self.unsubscribes_unsent == 0 {
                for waiting in std::mem::take(&mut self.waiting) {
                    if let Some(end) = self.event(session, waiting).await? {
                        return Ok(Some(end));
                    }
                }
            }
        }
        Ok(None)
    }

    fn subscriptions(&self) -> Vec<Subscription> {
        let retain_handling = self.config.retain_handling;
        self.config
            .filters
            .iter()
            .map(|f| Subscription {
                filter: f.clone(),
                qos: self.config.qos,
                no_local: false,
                retain_as_published: self.config.retain_as_published,
                retain_handling,
            })
            .collect()
    }

    /// One message, after its handshake: filters, output, counting. Returns `Some` to stop.
    fn message(&mut self, msg: Message) -> Result<Option<End>, Failure> {
        self.received += 1;
        if self.config.message_rate {
            return Ok(None);
        }
        let c = &self.config;
        if c.stop.retained_only && !msg.retain {
            return Ok(Some(End::Done));
        }
        if msg.retain && c.no_retained {
            return Ok(None);
        }
        // The topic as text only when a filter needs it (converting costs every message).
        if !c.filter_out.is_empty() {
            let topic = String::from_utf8_lossy(&msg.topic);
            if c.filter_out.iter().any(|f| topic::matches(f, &topic)) {
                return Ok(None);
            }
        }
        let Ok(mut payload) = self.printer.decode(self.decoder.as_mut(), &msg)? else {
            return Ok(None);
        };
        let c = &self.config;
        if !c.where_paths.is_empty()
            && !self
                .printer
                .matches_where(&msg, &mut payload, &c.where_paths, c.strict)?
        {
            return Ok(None);
        }
        if c.remove_retained
            && msg.retain
            && let Some(tx) = &self.removals
        {
            let _ = tx.send(msg.topic.clone());
        }
        if let Some(w) = &mut self.watch
            && self.printer.raw(&w.before(&msg.topic)).is_err()
        {
            return Ok(Some(End::Done));
        }
        let keep = c.random_filter.is_none_or(|p| self.random.chance() < p);
        if keep {
            match self.printer.print(&msg, &mut payload, &c.output)? {
                Printed::Yes => {}
                Printed::Skipped => return Ok(None),
                Printed::StdoutClosed => return Ok(Some(End::Done)),
            }
            if let Some(w) = &self.watch
                && self.printer.raw(&w.after()).is_err()
            {
                return Ok(Some(End::Done));
            }
        }
        self.processed += 1;
        if c.stop.count == Some(self.processed) {
            return Ok(Some(End::Done));
        }
        Ok(None)
    }

    /// One event from the connection layer. Returns `Some` to stop.
    async fn event(&mut self, session: &Session, d: Delivery) -> Result<Option<End>, Failure> {
        if let Some(line) = &d.debug_line
            && self.printer.raw(format!("{line}\n").as_bytes()).is_err()
        {
            return Ok(Some(End::Done));
        }
        match d.event {
            Event::ConnAck(_) => {
                // mosquitto_sub subscribes (and unsubscribes) on every connect, session or not.
                let props = (!self.config.subscribe_properties.is_empty())
                    .then(|| self.config.subscribe_properties.to_subscribe());
                let lost = |f: crate::conn::ConnectFailure| f.to_failure(false);
                // With only -U there is nothing to subscribe to (mosquitto 2.1 sends no SUBSCRIBE).
                let subscriptions = self.subscriptions();
                if !subscriptions.is_empty() {
                    session
                        .subscribe(&subscriptions, props)
                        .await
                        .map_err(lost)?;
                }
                self.unsubscribes_unsent = self.config.unsubscribe.len();
                for f in self.config.unsubscribe.clone() {
                    session.unsubscribe(f).await.map_err(lost)?;
                }
            }
            Event::SubAck { mid, codes } => {
                if self.debug && !self.quiet {
                    let list: Vec<String> = codes.iter().map(u8::to_string).collect();
                    let line = format!("Subscribed (mid: {mid}): {}\n", list.join(", "));
                    if self.printer.raw(line.as_bytes()).is_err() {
                        return Ok(Some(End::Done));
                    }
                }
                if codes.iter().all(|&c| c >= 0x80) {
                    if !self.quiet {
                        eprintln!("All subscription requests were denied.");
                    }
                    // mosquitto_sub exits 0 here; under mqtk the refusal's reason code says what happened.
                    let status = match self.config.personality {
                        Personality::Mosquitto => Code::Success.number(),
                        Personality::Mqtk => codes[0],
                    };
                    return Ok(Some(End::Disconnect(status)));
                }
                if self.config.stop.after_subscribe {
                    return Ok(Some(End::Done));
                }
            }
            event @ (Event::Message(_) | Event::SentPubAck { .. } | Event::SentPubComp { .. }) => {
                if let Some(msg) = self.inbox.accept(event) {
                    return self.message(msg);
                }
            }
            Event::ConnectionLost => {
                // The handshake will not complete on this connection; deliver rather than lose.
                for msg in self.inbox.drain() {
                    if let Some(end) = self.message(msg)? {
                        return Ok(Some(end));
                    }
                }
            }
            _ => {}
        }
        Ok(None)
    }
}

/// Whether an event is a packet we wrote (those never wait: see `Run::unsubscribes_unsent`).
fn is_outgoing(event: &Event) -> bool {
    matches!(
        event,
        Event::ConnectSent
            | Event::SentPublish { .. }
            | Event::SentPubAck { .. }
            | Event::SentPubRec { .. }
            | Event::SentPubRel { .. }
            | Event::SentPubComp { .. }
            | Event::SentSubscribe { .. }
            | Event::SentUnsubscribe { .. }
            | Event::SentPingReq
            | Event::SentDisconnect
    )
}

/// Starts the task that clears retained messages for `--remove-retained`: an empty retained QoS 1
/// publish per topic, from its own task so that a full request queue never blocks event reading.
fn spawn_removals(
    session: &Session,
) -> (mpsc::UnboundedSender<Bytes>, tokio::task::JoinHandle<()>) {
    let publisher = session.publisher();
    let (tx, mut rx) = mpsc::unbounded_channel::<Bytes>();
    let task = tokio::spawn(async move {
        while let Some(topic) = rx.recv().await {
            let msg = Outgoing {
                topic: String::from_utf8_lossy(&topic).into_owned(),
                payload: Bytes::new(),
                qos: Qos::AtLeastOnce,
                retain: true,
                properties: None,
            };
            if publisher.publish(msg).await.is_err() {
                return;
            }
        }
    });
    (tx, task)
}

/// Runs `sub`; returns the exit status.
pub async fn run(conn: Options, config: Config) -> Result<u8, Failure> {
    crate::format::closed_stdout::refuse_closed_stdout(
        "received messages could not be printed, so none is received (nothing is acknowledged)",
    )?;
    let quiet = conn.quiet;
    let debug = conn.debug;
    let personality = config.personality;
    let deadline = config.stop.timeout.map(|t| tokio::time::Instant::now() + t);
    let signal_error = |e: std::io::Error| Failure::code(Code::Error, format!("Error: {e}\n"));
    let mut interrupt = signal(SignalKind::interrupt()).map_err(signal_error)?;
    let mut terminate = signal(SignalKind::terminate()).map_err(signal_error)?;

    // mosquitto_sub ends a v5 connection on a signal or -W with "disconnect with will message".
    let keep_will = conn.protocol == Protocol::V5 && conn.will.is_some();
    // As mosquitto_sub: the watch screen is drawn before connecting.
    if config.watch && !config.message_rate {
        let mut out = std::io::stdout().lock();
        let _ = std::io::Write::write_all(&mut out, &Watch::start(&conn.endpoint.host));
        let _ = std::io::Write::flush(&mut out);
    }
    let observer = trace::observer(&conn);
    let connect = Session::connect(conn, true, observer);
    let connect = async {
        match deadline {
            Some(at) => tokio::time::timeout_at(at, connect).await.ok(),
            None => Some(connect.await),
        }
    };
    let connected = tokio::select! {
        connected = connect => match connected {
            Some(result) => result,
            // mosquitto_sub exits 255 without a word when -W runs out before CONNACK.
            None if personality == Personality::Mosquitto => {
                return Ok(Code::TimeoutBeforeConnAck.number());
            }
            None => return Err(timed_out()),
        },
        // A signal before CONNACK: mosquitto_sub exits 255 without a word; mqtk says it was
        // interrupted (130) the same silent way.
        _ = interrupt.recv() => return Ok(interrupted_before_connack(personality)),
        _ = terminate.recv() => return Ok(interrupted_before_connack(personality)),
    };
    let mut session = connected.map_err(|f| f.to_failure(false))?;

    let mut config = config;
    let decoder = config.decoder.take();
    let mut run = Run {
        decoder,
        printer: Printer::new(
            config.eol,
            config.pretty,
            config.verbose,
            quiet,
            config.strict,
        ),
        config,
        quiet,
        debug,
        processed: 0,
        inbox: Inbox::default(),
        removals: None,
        random: Random::new(),
        unsubscribes_unsent: 0,
        waiting: Vec::new(),
        watch: None,
        received: 0,
    };
    if run.config.watch && !run.config.message_rate {
        run.watch = Some(Watch::new());
    }
    let removal_task = if run.config.remove_retained {
        let (tx, task) = spawn_removals(&session);
        run.removals = Some(tx);
        Some(task)
    } else {
        None
    };
    let sleep = async {
        match deadline {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(sleep);
    // --message-rate: a line every second.
    let second = Duration::from_secs(1);
    let mut rate = tokio::time::interval_at(tokio::time::Instant::now() + second, second);
    let message_rate = run.config.message_rate;

    let end = loop {
        tokio::select! {
            delivery = session.next_event() => match delivery {
                Some(d) => match run.deliver(&session, d).await {
                    Ok(Some(end)) => break end,
                    Ok(None) => {}
                    Err(failure) => break End::Fail(failure),
                },
                // The connection task ended: it failed for good.
                None => {
                    let failure = session.disconnect_now().await.err().unwrap_or(crate::conn::ConnectFailure::Lost);
                    return Err(failure.to_failure(false));
                }
            },
            _ = interrupt.recv() => break End::Interrupted,
            _ = terminate.recv() => break End::Interrupted,
            _ = &mut sleep => break End::TimedOut,
            _ = rate.tick(), if message_rate => {
                let line = format!("{} msgs/s\n", std::mem::take(&mut run.received));
                if run.printer.raw(line.as_bytes()).is_err() {
                    break End::Done;
                }
            }
        }
    };
    let success = Code::Success.number();
    match end {
        End::Interrupted if keep_will => {
            session.close_keeping_will().await;
            Ok(success)
        }
        End::TimedOut => {
            session.end_now(keep_will).await;
            Err(timed_out())
        }
        End::Done => finish(session, run, removal_task, success).await,
        End::Interrupted => {
            // With the broker away there is nobody to say DISCONNECT to: exit at once, as
            // mosquitto_sub does; a connection lost, or a second signal, while finishing too.
            let watch = session.watch();
            if !watch.is_up() {
                return Ok(success);
            }
            tokio::select! {
                done = finish(session, run, removal_task, success) => done,
                () = watch.down() => Ok(success),
                _ = interrupt.recv() => Ok(success),
                _ = terminate.recv() => Ok(success),
            }
        }
        End::Disconnect(status) => finish(session, run, removal_task, status).await,
        End::Fail(failure) => {
            let _ = session.disconnect_now().await;
            Err(failure)
        }
    }
}

/// The exit status for SIGINT/SIGTERM before the first CONNACK.
fn interrupted_before_connack(personality: Personality) -> u8 {
    match personality {
        Personality::Mosquitto => Code::TimeoutBeforeConnAck.number(),
        Personality::Mqtk => Code::Interrupted.number(),
    }
}

/// How `-W` running out ends mqtk sub (and mosquitto_sub once connected).
fn timed_out() -> Failure {
    Failure::code(Code::Timeout, "Timed out\n")
}

/// Ends a run normally: removals already requested are completed and acknowledged, then DISCONNECT.
async fn finish(
    session: Session,
    mut run: Run,
    removal_task: Option<tokio::task::JoinHandle<()>>,
    status: u8,
) -> Result<u8, Failure> {
    run.removals = None;
    let removals_queued = async {
        if let Some(task) = removal_task {
            let _ = task.await;
        }
    };
    session
        .disconnect_after(removals_queued)
        .await
        .map_err(|f| f.to_failure(false))?;
    Ok(status)
}
