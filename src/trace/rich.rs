//! `--trace`: every packet with its decoded fields, on stderr, and each QoS 1/2 handshake grouped and
//! timed (PUBLISH → PUBREC → PUBREL → PUBCOMP with the delay of each step and the total). The same
//! for received messages. `--trace-format json` prints one JSON object per packet per line instead.

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use colored::Colorize;
use serde_json::{Map, Value, json};

use crate::conn::event::Sent;
use crate::conn::reason::{connack_v3_text, reason_text};
use crate::conn::{Event, Options, Protocol, TraceFormat};

/// A QoS 1/2 handshake in progress.
struct Flow {
    qos: u8,
    started: Instant,
    last: Instant,
    steps: Vec<(String, Duration)>,
}

/// One packet, ready to print: direction, type, text fields and JSON fields.
struct Line {
    send: bool,
    kind: &'static str,
    text: String,
    json: Map<String, Value>,
}

impl Line {
    fn new(send: bool, kind: &'static str) -> Self {
        Line {
            send,
            kind,
            text: String::new(),
            json: Map::new(),
        }
    }

    fn field(mut self, key: &str, text: String, value: Value) -> Self {
        if !self.text.is_empty() && !text.is_empty() {
            self.text.push_str(", ");
        }
        self.text.push_str(&text);
        self.json.insert(key.to_string(), value);
        self
    }
}

/// The `--trace` printer of one connection.
pub struct Tracer {
    format: TraceFormat,
    start: Instant,
    protocol: Protocol,
    connect: Line,
    outgoing: HashMap<u16, Flow>,
    incoming: HashMap<u16, Flow>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn reason(code: u8) -> (String, Value) {
    (
        format!("{} ({code})", reason_text(code)),
        json!({ "code": code, "name": reason_text(code) }),
    )
}

fn describe_connect(opts: &Options) -> Line {
    let version = match opts.protocol {
        Protocol::V31 => "3.1",
        Protocol::V311 => "3.1.1",
        Protocol::V5 => "5",
    };
    let id = if opts.client_id.is_empty() {
        "client-id empty (the broker assigns one)".to_string()
    } else {
        format!("client-id \"{}\"", opts.client_id)
    };
    let mut line = Line::new(true, "CONNECT")
        .field("protocol", format!("MQTT {version}"), json!(version))
        .field("client_id", id, json!(opts.client_id))
        .field(
            "keepalive",
            format!("keepalive {} s", opts.keepalive),
            json!(opts.keepalive),
        )
        .field(
            "clean_start",
            format!("clean-session {}", u8::from(opts.clean)),
            json!(opts.clean),
        );
    if let Some(expiry) = opts.session_expiry {
        line = line.field(
            "session_expiry",
            format!("session-expiry {expiry} s"),
            json!(expiry),
        );
    }
    if let Some(user) = &opts.username {
        line = line.field("username", format!("username \"{user}\""), json!(user));
    }
    // The password itself is never shown, only whether one is sent.
    if opts.password.is_some() {
        line = line.field("password", "password (hidden)".into(), json!(true));
    }
    if let Some(w) = &opts.will {
        let text = format!(
            "will '{}' q{} r{} {} bytes",
            w.topic,
            w.qos.number(),
            u8::from(w.retain),
            w.payload.len()
        );
        let value = json!({"topic": w.topic, "qos": w.qos.number(), "retain": w.retain, "payload_len": w.payload.len()});
        line = line.field("will", text, value);
    }
    line
}

impl Tracer {
    /// A tracer for a connection with these options.
    pub fn new(opts: &Options, format: TraceFormat) -> Self {
        Tracer {
            format,
            start: Instant::now(),
            protocol: opts.protocol,
            connect: describe_connect(opts),
            outgoing: HashMap::new(),
            incoming: HashMap::new(),
        }
    }

    fn write(&self, at: Instant, line: Line) {
        let t = at.duration_since(self.start).as_secs_f64();
        let text = match self.format {
            TraceFormat::Json => {
                let mut obj = Map::new();
                obj.insert("t".into(), json!((t * 1e6).round() / 1e6));
                obj.insert("dir".into(), json!(if line.send { "send" } else { "recv" }));
                obj.insert("type".into(), json!(line.kind));
                obj.extend(line.json);
                format!("{}\n", Value::Object(obj))
            }
            TraceFormat::Text => {
                let arrow = if line.send {
                    "→".cyan()
                } else {
                    "←".green()
                };
                let kind = format!("{:<11}", line.kind).bold();
                format!("{:>10.6}s {arrow} {kind} {}\n", t, line.text)
            }
        };
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }

    /// The summary under a completed handshake (text only: JSON carries it on the last packet).
    fn summary(&self, what: &str, mid: u16, flow: &Flow, at: Instant) {
        if self.format != TraceFormat::Text {
            return;
        }
        let steps: Vec<String> = flow
            .steps
            .iter()
            .map(|(s, d)| format!("{s} {:.3} ms", ms(*d)))
            .collect();
        let total = ms(at.duration_since(flow.started));
        let text = format!(
            "{:>12}└ {what} mid {mid}: QoS {} handshake complete in {total:.3} ms ({})\n",
            "",
            flow.qos,
            steps.join(", ")
        );
        let _ = std::io::stderr()
            .lock()
            .write_all(text.dimmed().to_string().as_bytes());
    }

    /// Records a handshake step; on the last one returns the flow for its summary.
    fn step(
        flows: &mut HashMap<u16, Flow>,
        mid: u16,
        name: &str,
        at: Instant,
        last: bool,
    ) -> Option<(Duration, Option<Flow>)> {
        let flow = flows.get_mut(&mid)?;
        let d = at.duration_since(flow.last);
        flow.steps.push((name.to_string(), d));
        flow.last = at;
        Some((d, if last { flows.remove(&mid) } else { None }))
    }

    /// Adds the step timing fields to an acknowledgement line.
    fn timed(
        line: Line,
        step: Option<(Duration, Option<Flow>)>,
        at: Instant,
    ) -> (Line, Option<Flow>) {
        match step {
            Some((d, done)) => {
                let mut line = line.field("step_ms", format!("+{:.3} ms", ms(d)), json!(ms(d)));
                if let Some(flow) = &done {
                    let total = ms(at.duration_since(flow.started));
                    line.json.insert("handshake_ms".into(), json!(total));
                }
                (line, done)
            }
            None => (line, None),
        }
    }

    fn start(flows: &mut HashMap<u16, Flow>, mid: u16, qos: u8, at: Instant) {
        if qos > 0 {
            flows.insert(
                mid,
                Flow {
                    qos,
                    started: at,
                    last: at,
                    steps: Vec::new(),
                },
            );
        }
    }

    /// Prints one event.
    pub fn observe(&mut self, event: &Event, sent: Option<&Sent>, at: Instant) {
        let mid_field = |line: Line, mid: u16| line.field("mid", format!("mid {mid}"), json!(mid));
        let (line, done): (Line, Option<(&str, u16, Flow)>) = match event {
            Event::ConnectSent => {
                let line = Line {
                    send: true,
                    kind: "CONNECT",
                    text: self.connect.text.clone(),
                    json: self.connect.json.clone(),
                };
                (line, None)
            }
            Event::ConnAck(ack) => {
                let name = if self.protocol == Protocol::V5 {
                    reason_text(ack.code)
                } else {
                    connack_v3_text(ack.code)
                };
                let mut line = Line::new(false, "CONNACK")
                    .field(
                        "reason",
                        format!("{name} ({})", ack.code),
                        json!({"code": ack.code, "name": name}),
                    )
                    .field(
                        "session_present",
                        format!("session-present {}", u8::from(ack.session_present)),
                        json!(ack.session_present),
                    );
                let numbers = [
                    ("receive_maximum", ack.receive_max.map(u32::from)),
                    ("topic_alias_maximum", ack.topic_alias_max.map(u32::from)),
                    ("maximum_qos", ack.max_qos.map(u32::from)),
                    ("retain_available", ack.retain_available.map(u32::from)),
                    ("maximum_packet_size", ack.max_packet_size),
                    ("server_keepalive", ack.server_keepalive.map(u32::from)),
                    ("session_expiry", ack.session_expiry),
                    (
                        "wildcard_subscriptions",
                        ack.wildcard_available.map(u32::from),
                    ),
                    (
                        "subscription_identifiers",
                        ack.subscription_ids_available.map(u32::from),
                    ),
                    ("shared_subscriptions", ack.shared_available.map(u32::from)),
                ];
                for (key, value) in numbers {
                    if let Some(v) = value {
                        line = line.field(key, format!("{} {v}", key.replace('_', "-")), json!(v));
                    }
                }
                for (key, value) in [
                    ("assigned_client_id", &ack.assigned_client_id),
                    ("reason_string", &ack.reason_string),
                ] {
                    if let Some(v) = value {
                        line =
                            line.field(key, format!("{} \"{v}\"", key.replace('_', "-")), json!(v));
                    }
                }
                (line, None)
            }
            Event::SentPublish { .. } => {
                let Some(Sent::Publish {
                    record: r,
                    mid,
                    dup,
                }) = sent
                else {
                    return;
                };
                Self::start(&mut self.outgoing, *mid, r.qos.number(), at);
                let mut line = mid_field(Line::new(true, "PUBLISH"), *mid)
                    .field(
                        "qos",
                        format!("QoS {}", r.qos.number()),
                        json!(r.qos.number()),
                    )
                    .field(
                        "retain",
                        format!("retain {}", u8::from(r.retain)),
                        json!(r.retain),
                    )
                    .field("topic", format!("'{}'", r.topic), json!(r.topic))
                    .field("payload_len", format!("{} bytes", r.len), json!(r.len));
                if *dup {
                    line = line.field("dup", "resent (DUP)".into(), json!(true));
                }
                if r.qos.number() == 0 {
                    line = line.field("ack", "QoS 0: nothing comes back".into(), Value::Null);
                }
                (line, None)
            }
            Event::PubAck { mid, reason: code } => {
                let (text, value) = reason(*code);
                let line = mid_field(Line::new(false, "PUBACK"), *mid).field("reason", text, value);
                let step = Self::step(&mut self.outgoing, *mid, "PUBLISH→PUBACK", at, true);
                let (line, flow) = Self::timed(line, step, at);
                (line, flow.map(|f| ("delivered", *mid, f)))
            }
            Event::PubRec { mid, reason: code } => {
                let (text, value) = reason(*code);
                let line = mid_field(Line::new(false, "PUBREC"), *mid).field("reason", text, value);
                let step = Self::step(
                    &mut self.outgoing,
                    *mid,
                    "PUBLISH→PUBREC",
                    at,
                    *code >= 0x80,
                );
                let (line, flow) = Self::timed(line, step, at);
                (line, flow.map(|f| ("refused", *mid, f)))
            }
            Event::SentPubRel { mid } => {
                let line = mid_field(Line::new(true, "PUBREL"), *mid);
                let step = Self::step(&mut self.outgoing, *mid, "PUBREC→PUBREL", at, false);
                (Self::timed(line, step, at).0, None)
            }
            Event::PubComp { mid, reason: code } => {
                let (text, value) = reason(*code);
                let line =
                    mid_field(Line::new(false, "PUBCOMP"), *mid).field("reason", text, value);
                let step = Self::step(&mut self.outgoing, *mid, "PUBREL→PUBCOMP", at, true);
                let (line, flow) = Self::timed(line, step, at);
                (line, flow.map(|f| ("delivered", *mid, f)))
            }
            Event::Message(m) => {
                Self::start(&mut self.incoming, m.mid, m.qos.number(), at);
                let topic = String::from_utf8_lossy(&m.topic).into_owned();
                let line = mid_field(Line::new(false, "PUBLISH"), m.mid)
                    .field(
                        "qos",
                        format!("QoS {}", m.qos.number()),
                        json!(m.qos.number()),
                    )
                    .field(
                        "retain",
                        format!("retain {}", u8::from(m.retain)),
                        json!(m.retain),
                    )
                    .field("dup", format!("dup {}", u8::from(m.dup)), json!(m.dup))
                    .field("topic", format!("'{topic}'"), json!(topic))
                    .field(
                        "payload_len",
                        format!("{} bytes", m.payload.len()),
                        json!(m.payload.len()),
                    );
                (line, None)
            }
            Event::SentPubAck { mid } => {
                let line = mid_field(Line::new(true, "PUBACK"), *mid);
                let step = Self::step(&mut self.incoming, *mid, "PUBLISH→PUBACK", at, true);
                let (line, flow) = Self::timed(line, step, at);
                (line, flow.map(|f| ("received", *mid, f)))
            }
            Event::SentPubRec { mid } => {
                let line = mid_field(Line::new(true, "PUBREC"), *mid);
                let step = Self::step(&mut self.incoming, *mid, "PUBLISH→PUBREC", at, false);
                (Self::timed(line, step, at).0, None)
            }
            Event::PubRel { mid } => {
                let line = mid_field(Line::new(false, "PUBREL"), *mid);
                let step = Self::step(&mut self.incoming, *mid, "PUBREC→PUBREL", at, false);
                (Self::timed(line, step, at).0, None)
            }
            Event::SentPubComp { mid } => {
                let line = mid_field(Line::new(true, "PUBCOMP"), *mid);
                let step = Self::step(&mut self.incoming, *mid, "PUBREL→PUBCOMP", at, true);
                let (line, flow) = Self::timed(line, step, at);
                (line, flow.map(|f| ("received", *mid, f)))
            }
            Event::SentSubscribe { .. } => {
                let Some(Sent::Subscribe(r, mid)) = sent else {
                    return;
                };
                let text: Vec<String> = r
                    .filters
                    .iter()
                    .map(|(f, q, o)| format!("'{f}' QoS {q} options 0x{o:02x}"))
                    .collect();
                let value: Vec<Value> = r
                    .filters
                    .iter()
                    .map(|(f, q, o)| json!({"filter": f, "qos": q, "options": o}))
                    .collect();
                (
                    mid_field(Line::new(true, "SUBSCRIBE"), *mid).field(
                        "filters",
                        text.join("; "),
                        json!(value),
                    ),
                    None,
                )
            }
            Event::SubAck { mid, codes } => {
                let text: Vec<String> = codes
                    .iter()
                    .map(|&c| {
                        if c < 0x80 {
                            format!("granted QoS {c}")
                        } else {
                            reason(c).0
                        }
                    })
                    .collect();
                (
                    mid_field(Line::new(false, "SUBACK"), *mid).field(
                        "codes",
                        text.join(", "),
                        json!(codes),
                    ),
                    None,
                )
            }
            Event::SentUnsubscribe { .. } => {
                let Some(Sent::Unsubscribe(r, mid)) = sent else {
                    return;
                };
                let filters: Vec<&String> = r.filters.iter().map(|(f, _, _)| f).collect();
                let text: Vec<String> = filters.iter().map(|f| format!("'{f}'")).collect();
                (
                    mid_field(Line::new(true, "UNSUBSCRIBE"), *mid).field(
                        "filters",
                        text.join(", "),
                        json!(filters),
                    ),
                    None,
                )
            }
            Event::UnsubAck { mid } => (mid_field(Line::new(false, "UNSUBACK"), *mid), None),
            Event::SentPingReq => (Line::new(true, "PINGREQ"), None),
            Event::PingResp => (Line::new(false, "PINGRESP"), None),
            Event::SentDisconnect => (Line::new(true, "DISCONNECT"), None),
            Event::Disconnect { reason: code } => {
                let (text, value) = reason(*code);
                (
                    Line::new(false, "DISCONNECT").field("reason", text, value),
                    None,
                )
            }
            Event::ConnectionLost => (
                Line::new(false, "LOST").field("note", "connection lost".into(), Value::Null),
                None,
            ),
        };
        self.write(at, line);
        if let Some((what, mid, flow)) = done {
            self.summary(what, mid, &flow, at);
        }
    }
}
