//! `mqtk rr`: request/response. Subscribe to the response topic, publish the request once the
//! subscription is acknowledged (v5: with response-topic and correlation-data), print the response
//! as `sub` prints messages, then end. As mosquitto_rr under its name: the first message on the
//! response topic is the response, and the connection is closed without DISCONNECT.

mod correlation;
mod latency;

use std::io::Write;
use std::time::{Duration, Instant};

use bytes::Bytes;
use colored::Colorize;
use serde_json::{Value, json};
use tokio::signal::unix::{SignalKind, signal};

use self::correlation::Match;
use crate::conn::reason::reason_text;
use crate::conn::{
    ConnectFailure, Delivery, Event, Inbox, Message, Options, Outgoing, Properties, Property,
    Protocol, Qos, Session, Subscription, TraceFormat,
};
use crate::decode::Decoder;
use crate::exit::{Code, Failure};
use crate::format::printer::{Output, Printed, Printer};
use crate::jsonpath::Path;
use crate::personality::Personality;
use crate::trace;

/// A validated `rr` invocation.
#[derive(Debug)]
pub struct Config {
    /// Where the request goes.
    pub topic: String,
    /// `-e`: subscribed to, and sent as the request's response-topic (v5).
    pub response_topic: String,
    pub payload: Bytes,
    /// QoS of the request and of the subscription.
    pub qos: Qos,
    /// v5 PUBLISH properties (`-D publish …`); the response topic is added to them.
    pub properties: Properties,
    pub subscribe_properties: Properties,
    /// v5 subscription option: 0 always, 1 new, 2 never.
    pub retain_handling: u8,
    pub retain_as_published: bool,
    /// `-R`: retained messages are not responses.
    pub no_retained: bool,
    pub output: Output,
    pub verbose: bool,
    /// Newline after each response (off with `-N`).
    pub eol: bool,
    pub pretty: bool,
    /// `--where`: every path must select something from a response.
    pub where_paths: Vec<Path>,
    pub strict: bool,
    /// `--decode`: responses are read through this before `--where` and output.
    pub decoder: Option<Decoder>,
    /// How many responses to wait for (`-C`, mqtk only; 1 for mosquitto_rr).
    pub count: u64,
    /// `-W`: give up after this long (exit 27).
    pub timeout: Option<Duration>,
    /// `--latency`: print the time from the request to the (last) response.
    pub latency: bool,
    pub personality: Personality,
}

/// How far the exchange got (what a timeout reports under mqtk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Connecting,
    Subscribing,
    Waiting,
}

/// Why the loop ended.
enum End {
    /// Every response is in.
    Done,
    /// The run cannot go on: disconnect and exit with this failure.
    Fail(Failure),
    /// A refused subscription: mosquitto_rr says so, disconnects and exits 0.
    Refused(u8),
    TimedOut,
    Interrupted,
    /// stdout is closed: stop quietly.
    StdoutClosed,
}

struct Run {
    config: Config,
    /// `--decode`'s decoder (out of `config`: a decoded Sparkplug B view borrows it while the
    /// rest of `config` is read).
    decoder: Option<Decoder>,
    printer: Printer,
    rule: Match,
    /// The request, built once the connection's protocol is known.
    request: Option<Outgoing>,
    stage: Stage,
    sent_at: Option<Instant>,
    last_response_at: Option<Instant>,
    responses: u64,
    /// Messages on the response topic that were not responses (other correlation data).
    ignored: u64,
    /// QoS 1/2 messages held until our PUBACK/PUBCOMP is written, as libmosquitto delivers them.
    inbox: Inbox,
    trace: Option<TraceFormat>,
    /// When tracing started (the tracer's own clock starts with it), for `t` in JSON notes.
    trace_start: Instant,
}

impl Run {
    fn subscription(&self) -> Subscription {
        Subscription {
            filter: self.config.response_topic.clone(),
            qos: self.config.qos,
            no_local: false,
            retain_as_published: self.config.retain_as_published,
            retain_handling: self.config.retain_handling,
        }
    }

    /// A line about the exchange under `--trace`, below the packets it concerns: `text`, or with
    /// `--trace-format json` an object of `kind` with `fields` (and `t`, `dir` as packets have).
    fn note(&self, text: impl FnOnce() -> String, kind: &str, fields: Value) {
        let line = match self.trace {
            Some(TraceFormat::Text) => format!("{:>12}└ {}\n", "", text()).dimmed().to_string(),
            Some(TraceFormat::Json) => {
                let t = self.trace_start.elapsed().as_secs_f64();
                let mut obj = json!({"t": (t * 1e6).round() / 1e6, "dir": "note", "type": kind});
                if let (Some(obj), Value::Object(fields)) = (obj.as_object_mut(), fields) {
                    obj.extend(fields);
                }
                format!("{obj}\n")
            }
            None => return,
        };
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    /// One event from the connection layer. Returns `Some` to stop.
    async fn event(&mut self, session: &Session, d: Delivery) -> Option<End> {
        if let Some(line) = &d.debug_line
            && self.printer.raw(format!("{line}\n").as_bytes()).is_err()
        {
            return Some(End::StdoutClosed);
        }
        match d.event {
            Event::ConnAck(_) => {
                self.stage = Stage::Subscribing;
                let props = (!self.config.subscribe_properties.is_empty())
                    .then(|| self.config.subscribe_properties.to_subscribe());
                if let Err(f) = session.subscribe(&[self.subscription()], props).await {
                    return Some(End::Fail(f.to_failure(false)));
                }
            }
            Event::SubAck { codes, .. } => {
                if let Some(&code) = codes.first().filter(|&&c| c >= 0x80) {
                    return Some(End::Refused(code));
                }
                if let Some(request) = self.request.take() {
                    if let Match::Correlation(data) = &self.rule {
                        let data = String::from_utf8_lossy(data);
                        let c = &self.config;
                        self.note(
                            || {
                                format!(
                                    "request to '{}': response-topic '{}', correlation-data '{data}'",
                                    c.topic, c.response_topic
                                )
                            },
                            "REQUEST",
                            json!({"topic": c.topic, "response_topic": c.response_topic, "correlation_data": data}),
                        );
                    }
                    self.stage = Stage::Waiting;
                    self.sent_at = Some(Instant::now());
                    if let Err(f) = session.publish(request).await {
                        return Some(End::Fail(f.to_failure(false)));
                    }
                }
            }
            event => return self.inbox.accept(event).and_then(|msg| self.message(msg)),
        }
        None
    }

    /// A message on the response topic, its handshake done: is it a response, and print it.
    fn message(&mut self, msg: Message) -> Option<End> {
        let c = &self.config;
        if msg.retain && c.no_retained {
            return None;
        }
        if !self.rule.accepts(&msg) {
            self.ignored += 1;
            let got = msg
                .properties
                .as_ref()
                .and_then(|p| p.correlation_data.as_ref())
                .map(|d| String::from_utf8_lossy(d).into_owned());
            let shown = got.as_ref().map_or("none".into(), |d| format!("'{d}'"));
            self.note(
                || {
                    format!(
                        "ignored mid {}: correlation-data {shown} is not this request's",
                        msg.mid
                    )
                },
                "IGNORED",
                json!({"mid": msg.mid, "correlation_data": got}),
            );
            return None;
        }
        let mut payload = match self.printer.decode(self.decoder.as_mut(), &msg) {
            Ok(Ok(payload)) => payload,
            Ok(Err(_skipped)) => return None,
            Err(f) => return Some(End::Fail(f)),
        };
        let c = &self.config;
        if !c.where_paths.is_empty() {
            match self
                .printer
                .matches_where(&msg, &mut payload, &c.where_paths, c.strict)
            {
                Ok(true) => {}
                Ok(false) => return None,
                Err(f) => return Some(End::Fail(f)),
            }
        }
        let now = Instant::now();
        match self.printer.print(&msg, &mut payload, &c.output) {
            Ok(Printed::Yes) => {}
            Ok(Printed::Skipped) => return None,
            Ok(Printed::StdoutClosed) => return Some(End::StdoutClosed),
            Err(f) => return Some(End::Fail(f)),
        }
        // Done with it: a decoded view borrows the decoder, and so `self`.
        drop(payload);
        self.last_response_at = Some(now);
        self.responses += 1;
        if let Some(sent) = self.sent_at {
            let ms = now.duration_since(sent).as_secs_f64() * 1000.0;
            let (n, of) = (self.responses, c.count);
            self.note(
                || {
                    format!(
                        "response {n} of {of}: mid {}, {ms:.3} ms after the request",
                        msg.mid
                    )
                },
                "RESPONSE",
                json!({"mid": msg.mid, "n": n, "of": of, "after_request_ms": ms}),
            );
        }
        (self.responses >= c.count).then_some(End::Done)
    }

    /// mqtk's one line when `-W` runs out, saying how far the exchange got.
    fn timeout_text(&self, after: Duration) -> String {
        let secs = after.as_secs();
        let c = &self.config;
        match self.stage {
            Stage::Connecting => {
                format!("Error: timed out after {secs} s: no CONNACK from the broker.\n")
            }
            Stage::Subscribing => format!(
                "Error: timed out after {secs} s: the subscription to '{}' was not acknowledged.\n",
                c.response_topic
            ),
            Stage::Waiting => {
                let mut text = format!(
                    "Error: no response on '{}' within {secs} s (request published to '{}'",
                    c.response_topic, c.topic
                );
                if c.count > 1 {
                    text.push_str(&format!(
                        "; {} of {} responses came",
                        self.responses, c.count
                    ));
                }
                if self.ignored > 0 {
                    text.push_str(&format!(
                        "; {} message(s) with other correlation data ignored",
                        self.ignored
                    ));
                }
                text.push_str(").\n");
                text
            }
        }
    }
}

/// The request's PUBLISH for a connection speaking `protocol`: v5 carries the response topic and
/// the correlation data.
fn request(config: &Config, protocol: Protocol, properties: &Properties) -> Outgoing {
    let properties = (protocol == Protocol::V5).then(|| {
        let mut props = properties.clone();
        props
            .0
            .push(Property::ResponseTopic(config.response_topic.clone()));
        props.to_publish()
    });
    Outgoing {
        topic: config.topic.clone(),
        payload: config.payload.clone(),
        qos: config.qos,
        retain: false,
        properties,
    }
}

/// Runs `rr`; returns the exit status.
pub async fn run(conn: Options, config: Config) -> Result<u8, Failure> {
    // Before connecting: the request is not sent when its response could not be printed.
    crate::format::closed_stdout::refuse_closed_stdout(
        "a response could not be printed, so no request is sent",
    )?;
    let quiet = conn.quiet;
    let personality = config.personality;
    let started = tokio::time::Instant::now();
    let deadline = config.timeout.map(|t| started + t);
    let signal_error = |e: std::io::Error| Failure::code(Code::Error, format!("Error: {e}\n"));
    let mut interrupt = signal(SignalKind::interrupt()).map_err(signal_error)?;
    let mut terminate = signal(SignalKind::terminate()).map_err(signal_error)?;

    let (rule, properties) = Match::choose(personality, conn.protocol, &config.properties);
    let keep_will = conn.protocol == Protocol::V5 && conn.will.is_some();
    let c = &config;
    let printer = Printer::new(c.eol, c.pretty, c.verbose, quiet, c.strict);
    let mut config = config;
    let decoder = config.decoder.take();
    let mut run = Run {
        decoder,
        printer,
        request: Some(request(&config, conn.protocol, &properties)),
        config,
        rule,
        stage: Stage::Connecting,
        sent_at: None,
        last_response_at: None,
        responses: 0,
        ignored: 0,
        inbox: Inbox::default(),
        trace: conn.trace,
        trace_start: Instant::now(),
    };
    let sleep = async {
        match deadline {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(sleep);

    let observer = trace::observer(&conn);
    let connected = tokio::select! {
        connected = Session::connect(conn, true, observer) => connected,
        _ = &mut sleep => return Err(timed_out(&run, started, personality)),
        _ = interrupt.recv() => return Err(interrupted()),
        _ = terminate.recv() => return Err(interrupted()),
    };
    let mut session = connected.map_err(|f| refused(f, personality))?;

    let end = loop {
        tokio::select! {
            delivery = session.next_event() => match delivery {
                Some(d) => if let Some(end) = run.event(&session, d).await {
                    break end;
                },
                // The connection task ended: it failed for good.
                None => {
                    let failure = session.disconnect_now().await.err().unwrap_or(ConnectFailure::Lost);
                    return Err(failure.to_failure(false));
                }
            },
            _ = interrupt.recv() => break End::Interrupted,
            _ = terminate.recv() => break End::Interrupted,
            _ = &mut sleep => break End::TimedOut,
        }
    };
    match end {
        End::Done => {
            if run.config.latency
                && let (Some(sent), Some(got)) = (run.sent_at, run.last_response_at)
            {
                let _ = run
                    .printer
                    .raw(latency::line(got.duration_since(sent), personality).as_bytes());
            }
            match personality {
                // mosquitto_rr leaves its loop and closes the socket without DISCONNECT.
                Personality::Mosquitto => session.close().await,
                Personality::Mqtk => session
                    .disconnect()
                    .await
                    .map_err(|f| f.to_failure(false))?,
            }
            Ok(Code::Success.number())
        }
        End::StdoutClosed => {
            let _ = session.disconnect_now().await;
            Ok(Code::Success.number())
        }
        End::Refused(code) => {
            let _ = session.disconnect_now().await;
            match personality {
                Personality::Mosquitto => {
                    if !quiet {
                        eprintln!("{}", reason_text(code));
                    }
                    Ok(Code::Success.number())
                }
                Personality::Mqtk => Err(Failure::reason(
                    code,
                    format!(
                        "Error: the broker refused the subscription to '{}': {} ({code}).\n",
                        run.config.response_topic,
                        reason_text(code)
                    ),
                )),
            }
        }
        // mosquitto_rr ends a v5 connection on -W with "disconnect with will message".
        End::TimedOut => {
            session.end_now(keep_will).await;
            Err(timed_out(&run, started, personality))
        }
        End::Interrupted => {
            session.end_now(keep_will).await;
            Err(interrupted())
        }
        End::Fail(failure) => {
            let _ = session.disconnect_now().await;
            Err(failure)
        }
    }
}

/// A failed connect. mosquitto_rr names a refusal with the v5 reason text of the code even in MQTT
/// 3.1.1, where the codes mean something else (`Connection error: Unknown reason` for "not
/// authorised"); mqtk says what the v3.1.1 code means.
fn refused(failure: ConnectFailure, personality: Personality) -> Failure {
    match failure {
        ConnectFailure::Refused { code, .. } if personality == Personality::Mosquitto => {
            Failure::reason(code, format!("Connection error: {}\n", reason_text(code)))
        }
        other => other.to_failure(false),
    }
}

/// How `-W` running out ends the run: mosquitto_rr's "Timed out", or mqtk's line saying what was
/// missing.
fn timed_out(run: &Run, started: tokio::time::Instant, personality: Personality) -> Failure {
    let text = match personality {
        Personality::Mosquitto => "Timed out\n".to_string(),
        Personality::Mqtk => run.timeout_text(run.config.timeout.unwrap_or(started.elapsed())),
    };
    Failure::code(Code::Timeout, text)
}

/// SIGINT or SIGTERM before the response: no response came, so not a success (mosquitto_rr dies
/// of the signal; shells show 130 for SIGINT).
fn interrupted() -> Failure {
    Failure::code(Code::Interrupted, "")
}
