//! `mqtk pub`: publish one message (optionally repeated), a file, all of stdin, or stdin line by line.

mod oversize;
mod replay;
mod stdin_lines;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;

use crate::conn::{
    ConnectFailure, Exceeded, MAX_PACKET_SIZE, Options, Outgoing, Properties, Protocol, Qos,
    Session,
};
use crate::decode::Encoding;
use crate::exit::{self, Code, Failure};
use crate::personality::Personality;
use crate::trace;

/// Where the messages come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// One payload, read before connecting: `-m`, `-f` and `-s` bytes, or `-n`'s empty message.
    Payload(Bytes),
    /// `-l`: one message per line, streamed.
    Lines,
    /// `--replay`: the records of `sub --json`, each with its own topic.
    Replay(Replay),
}

/// `--replay FILE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    /// The NDJSON file; `-` is stdin.
    pub path: PathBuf,
    /// `--replay-speed`: recorded gaps divided by this; `None`: no pauses.
    pub speed: Option<f64>,
    /// `--strict`: every record is checked before any is sent.
    pub strict: bool,
}

/// A validated `pub` invocation.
#[derive(Debug, Clone)]
pub struct Config {
    pub topic: String,
    pub source: Source,
    pub qos: Qos,
    pub retain: bool,
    /// How many times to publish (`--repeat`, not with `-l`).
    pub repeat: u64,
    /// Pause after each publish completes (`--repeat-delay`).
    pub repeat_delay: Duration,
    /// v5 PUBLISH properties.
    pub properties: Properties,
    /// mosquitto quirk: properties with a v3 connection publish nothing and exit 0.
    pub publish_nothing: bool,
    /// `--encode`: each `-l` line is JSON to encode (a single payload is encoded when resolved).
    pub encoding: Option<Encoding>,
}

/// Reads a `-f` file whole, with mosquitto's messages (it checks the size before reading).
pub fn load_file(path: &Path) -> Result<Bytes, Failure> {
    let shown = path.display();
    let failed = |first: String| {
        Failure::code(
            Code::Error,
            format!("{first}Error loading input file \"{shown}\".\n"),
        )
    };
    // The C library's text for the error, without Rust's " (os error N)".
    let why = |e: std::io::Error| {
        let text = e.to_string();
        text.split(" (os error").next().unwrap_or(&text).to_string()
    };
    let mut file = File::open(path).map_err(|e| {
        failed(format!(
            "Error: Unable to read file \"{shown}\": {}.\n",
            why(e)
        ))
    })?;
    let too_large = || {
        failed(format!(
            "Error: File must be less than {MAX_PACKET_SIZE} bytes.\n\n"
        ))
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > MAX_PACKET_SIZE as u64 {
        return Err(too_large());
    }
    let mut data = Vec::with_capacity(len as usize);
    file.read_to_end(&mut data).map_err(|e| {
        failed(format!(
            "Error: Unable to read file \"{shown}\": {}.\n",
            why(e)
        ))
    })?;
    if data.len() > MAX_PACKET_SIZE {
        return Err(too_large());
    }
    Ok(Bytes::from(data))
}

/// Reads all of stdin for `-s`, with mosquitto's messages: empty input is an error.
pub fn load_stdin() -> Result<Bytes, Failure> {
    let failed = |first: &str| {
        Failure::code(
            Code::Error,
            format!("{first}Error loading input from stdin.\n"),
        )
    };
    let mut data = Vec::new();
    // One byte more than allowed is enough to know the input is too long.
    let limit = MAX_PACKET_SIZE as u64 + 1;
    std::io::stdin()
        .lock()
        .take(limit)
        .read_to_end(&mut data)
        .map_err(|_| failed("Error: Zero length input.\n"))?;
    if data.len() > MAX_PACKET_SIZE {
        return Err(failed(&format!(
            "Error: Message length must be less than {MAX_PACKET_SIZE} bytes.\n\n"
        )));
    }
    if data.is_empty() {
        return Err(failed("Error: Zero length input.\n"));
    }
    Ok(Bytes::from(data))
}

/// Builds PUBLISH requests, managing the v5 topic alias as mosquitto does: the topic goes with the
/// first publish on a connection only, later ones carry the alias alone.
struct Publisher {
    topic: String,
    qos: Qos,
    retain: bool,
    properties: Option<rumqttc::v5::mqttbytes::v5::PublishProperties>,
    /// The session's loss count when the topic last went with the alias (see [`Session::losses`]).
    alias_sent: Option<u64>,
}

impl Publisher {
    fn new(config: &Config, protocol: Protocol, retain: bool) -> Self {
        let properties = (protocol == Protocol::V5 && !config.properties.is_empty())
            .then(|| config.properties.to_publish());
        Publisher {
            topic: config.topic.clone(),
            qos: config.qos,
            retain,
            properties,
            alias_sent: None,
        }
    }

    /// The next PUBLISH; `losses` is [`Session::losses`]: after a lost connection the topic goes
    /// with the alias again (as in mosquitto 2.0.15; 2.0.11 sends the alias alone, which the new
    /// connection does not know).
    fn next(&mut self, payload: Bytes, losses: u64) -> Outgoing {
        let has_alias = self
            .properties
            .as_ref()
            .is_some_and(|p| p.topic_alias.is_some());
        let topic = if has_alias && self.alias_sent == Some(losses) {
            String::new()
        } else {
            self.topic.clone()
        };
        self.alias_sent = Some(losses);
        Outgoing {
            topic,
            payload,
            qos: self.qos,
            retain: self.retain,
            properties: self.properties.clone(),
        }
    }
}

/// Runs `pub`; returns the exit status.
pub async fn run(conn: Options, config: Config, personality: Personality) -> Result<u8, Failure> {
    if config.source != Source::Lines {
        return publish(conn, config, personality).await;
    }
    // `-l` runs as a task, not as the future the runtime blocks on: the polling task wakes it
    // each time it takes a request from the full channel, and on the one-thread runtime waking
    // that future costs an extra epoll_wait before it runs, waking a task does not (about one
    // system call less per message at QoS 2).
    match tokio::spawn(publish(conn, config, personality)).await {
        Ok(result) => result,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// [`run`], on whichever task it runs.
async fn publish(conn: Options, config: Config, personality: Personality) -> Result<u8, Failure> {
    let quiet = conn.quiet;
    let protocol = conn.protocol;
    let lines = config.source == Source::Lines;
    let connect_failure = |f: ConnectFailure| oversize::publish_failure(f, personality, lines);
    // mosquitto_pub -l runs libmosquitto's threaded loop, which reconnects after a lost connection
    // and goes on reading lines; the one-shot modes exit 7 instead.
    let conn = Options {
        reconnect: config.source == Source::Lines,
        ..conn
    };
    // --strict replay: every record is read and checked before connecting.
    let checked = match &config.source {
        Source::Replay(replay) if replay.strict => Some(replay::read_all(&replay.path).await?),
        _ => None,
    };
    let observer = trace::observer(&conn);
    let session = Session::connect(conn, false, observer)
        .await
        .map_err(connect_failure)?;
    if let Source::Replay(settings) = &config.source {
        let sent = replay::send(&session, settings, checked, protocol).await;
        // What was sent is completed and acknowledged before a bad line's error is reported.
        session.flush().await.map_err(connect_failure)?;
        session.disconnect().await.map_err(connect_failure)?;
        sent?;
        return Ok(Code::Success.number());
    }

    // The limits of the broker's v5 CONNACK. libmosquitto quietly drops the retain flag when the
    // broker keeps no retained messages; mqtk refuses instead, as it does for a QoS too high.
    let limits = session.limits();
    let retain = config.retain && (limits.retain_available || personality == Personality::Mqtk);
    let exceeded = limits.check(config.qos, retain).err();
    if let (Some(exceeded), Source::Payload(_)) = (exceeded, &config.source) {
        // Before the empty-topic check: libmosquitto checks the QoS first.
        return refuse(session, exceeded, personality, quiet, false).await;
    }

    if config.publish_nothing && matches!(config.source, Source::Payload(_)) {
        // mosquitto_pub 2.1: properties on a v3 connection fail the publish silently; it
        // disconnects and reports the connection as lost, exit 7 (2.0 exited 0).
        session.disconnect().await.map_err(connect_failure)?;
        let text = if quiet {
            String::new()
        } else {
            format!("Error: {}\n", exit::strerror(Code::ConnectionLost))
        };
        return Err(Failure::code(Code::ConnectionLost, text));
    }

    let mut publisher = Publisher::new(&config, protocol, retain);
    match &config.source {
        Source::Payload(payload) => {
            for i in 0..config.repeat {
                session
                    .publish(publisher.next(payload.clone(), session.losses()))
                    .await
                    .map_err(connect_failure)?;
                if config.repeat > 1 {
                    // The next repeat starts once this one is complete (and the delay has passed).
                    session.flush().await.map_err(connect_failure)?;
                    if i + 1 < config.repeat && !config.repeat_delay.is_zero() {
                        tokio::time::sleep(config.repeat_delay).await;
                    }
                }
            }
        }
        Source::Replay(_) => {}
        Source::Lines => {
            // One handle for every line (`Session::publish` makes one per call).
            let sender = session.publisher();
            let mut lines = stdin_lines::spawn();
            let mut line_number = 0u64;
            loop {
                // A refused reconnect ends the run at once, not at the next line.
                let batch = tokio::select! {
                    batch = lines.recv() => batch,
                    failure = session.failed() => return Err(connect_failure(failure)),
                };
                let Some(batch) = batch else { break };
                let batch = batch.map_err(|e| {
                    Failure::code(Code::Error, format!("Error: reading stdin: {e}\n"))
                })?;
                // mosquitto_pub finds out when it publishes the first line (empty stdin is no error),
                // in libmosquitto's order: properties in v3, the QoS, the topic.
                if config.publish_nothing {
                    return Err(line_refused(Code::MosqNotSupported));
                }
                if let Some(exceeded) = exceeded {
                    return refuse(session, exceeded, personality, quiet, true).await;
                }
                if config.topic.is_empty() {
                    return Err(line_refused(Code::MOSQ_INVAL));
                }
                for line in batch {
                    line_number += 1;
                    let payload = match &config.encoding {
                        Some(encoding) => match encoding.encode(&line) {
                            Ok(encoded) => Bytes::from(encoded),
                            Err(e) => {
                                // The lines before it are sent and acknowledged first.
                                session.flush().await.map_err(connect_failure)?;
                                session.disconnect().await.map_err(connect_failure)?;
                                return Err(Failure::code(
                                    Code::DataError,
                                    format!(
                                        "Error: stdin line {line_number}: cannot encode as {}: {e}\n",
                                        encoding.format.name()
                                    ),
                                ));
                            }
                        },
                        None => line,
                    };
                    sender
                        .publish(publisher.next(payload, session.losses()))
                        .await
                        .map_err(connect_failure)?;
                }
            }
        }
    }
    // Every acknowledgement must be in before the refusals are counted.
    session.flush().await.map_err(connect_failure)?;
    let refused = session.refused_reason();
    session.disconnect().await.map_err(connect_failure)?;
    // mosquitto only warns when the broker refuses a publish; under mqtk the exit status says so.
    if refused != 0 && personality == Personality::Mqtk {
        return Ok(refused);
    }
    Ok(Code::Success.number())
}

/// mosquitto_pub `-l` when publishing a line fails (only under its name: mqtk refuses an empty topic
/// and v3 properties before connecting): the line loop returns the error at once, so it prints
/// libmosquitto's text for it and exits with its number, without DISCONNECT.
fn line_refused(code: Code) -> Failure {
    Failure::code(code, format!("Error: {}\n", exit::strerror(code)))
}

/// Ends a run whose messages the broker's CONNACK limits rule out, before any is sent.
async fn refuse(
    session: Session,
    exceeded: Exceeded,
    personality: Personality,
    quiet: bool,
    lines: bool,
) -> Result<u8, Failure> {
    let connect_failure = |f: ConnectFailure| f.to_failure(true);
    match personality {
        // mosquitto_pub -l returns from its line loop at once: it exits 24 without sending
        // DISCONNECT (the socket closes when the runtime ends, so the broker publishes any will).
        Personality::Mosquitto if lines => Err(Failure::code(
            Code::MosqQosNotSupported,
            format!("Error: {}\n", exit::strerror(Code::MosqQosNotSupported)),
        )),
        // Only a QoS reaches here (the retain flag was dropped): an error, DISCONNECT, and then
        // mosquitto_pub 2.1 reports the connection it closed as lost, exit 7 (2.0 exited 0).
        Personality::Mosquitto => {
            if !quiet {
                eprintln!("Error: Message QoS not supported on broker, try a lower QoS.");
            }
            session.disconnect().await.map_err(connect_failure)?;
            let text = if quiet {
                String::new()
            } else {
                format!("Error: {}\n", exit::strerror(Code::ConnectionLost))
            };
            Err(Failure::code(Code::ConnectionLost, text))
        }
        Personality::Mqtk => {
            session.disconnect().await.map_err(connect_failure)?;
            Err(Failure::code(
                exceeded.code(),
                format!("{}\n", exceeded.message()),
            ))
        }
    }
}
