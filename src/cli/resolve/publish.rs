//! `pub` flags to a validated [`crate::cmd::publish::Config`], with mosquitto_pub's checks in its order.

use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use super::Parsed;
use super::codec::encoding;
use super::connection::{connection_values, runtime_checks};
use super::values::{hushed, payload, publish_fits, publish_topic, qos, repeat, repeat_delay};
use crate::cli::Personality;
use crate::cli::properties;
use crate::cli::publish::PubArgs;
use crate::cmd::publish::{Config, Replay, Source};
use crate::conn::{Options, Property, Protocol, Qos};
use crate::exit::{Code, Failure};

/// `mqtk pub -l`'s window in MQTT v5 when -M is not given: the most QoS 1/2 messages in flight,
/// whatever higher receive maximum the broker announces.
const LINES_WINDOW: u16 = 1000;

/// A validated `pub` invocation.
#[derive(Debug)]
pub struct PublishRequest {
    pub conn: Options,
    pub config: Config,
    pub personality: Personality,
}

/// Resolves `pub`, with mosquitto_pub's checks in its order: each option as it is parsed (already
/// done by `argv::scan`), then the will and session rules, the property lists, loading `-f`/`-s`, the
/// topic and message, and last what creating the client would refuse.
pub fn publish(parsed: &Parsed) -> Result<PublishRequest, Failure> {
    let args: PubArgs = parsed.args()?;
    let (matches, scanned, personality) = (parsed.matches, parsed.scanned, parsed.personality);
    super::values::refuse_mqtk_only(personality, args.mqtk_extension())?;
    let quiet = args.conn.quiet;
    let hush = hushed(quiet);
    let props = properties::parse_lists(&scanned.properties, personality)?;
    let (mut conn, url_topic) =
        connection_values(&args.conn, matches, scanned, &props, personality)?;
    let expiry = conn
        .session_expiry
        .filter(|_| conn.protocol == Protocol::V5);
    if let Err(text) = props.check(expiry) {
        // mosquitto prints this one through err_printf: --quiet silences it, not the usage hint.
        return Err(Failure::usage(if quiet { String::new() } else { text }));
    }

    let qos = match &args.qos {
        Some(q) => qos(personality, "-q", q, false)?,
        None => Qos::AtMostOnce,
    };
    let repeat = match &args.repeat {
        Some(r) => repeat(personality, r)?,
        None => 1,
    };
    let repeat_delay = match &args.repeat_delay {
        Some(d) => repeat_delay(personality, d)?,
        None => Duration::ZERO,
    };

    // The topic: the later of -t and -L.
    let topic = match (&args.topic, url_topic) {
        (Some(_), Some((u, upos))) if matches.index_of("topic").is_none_or(|i| i < upos) => {
            Some(publish_topic(personality, u.as_bytes(), "-L topic")?)
        }
        (Some(t), _) => Some(publish_topic(personality, t.as_bytes(), "-t")?),
        (None, Some((u, _))) => Some(publish_topic(personality, u.as_bytes(), "-L topic")?),
        (None, None) => None,
    };

    let encoding = encoding(
        args.encode.as_deref(),
        args.schema.proto.as_deref(),
        args.schema.message_type.as_deref(),
    )?;
    let replay = replay(&args, personality)?;
    let topic = if replay.is_some() {
        Some(String::new())
    } else {
        topic
    };
    // mosquitto_pub reads -f and -s before it checks that there is a topic.
    let source = if let Some(replay) = replay {
        if encoding.is_some() {
            return Err(Failure::usage(
                "Error: --replay sends the recorded payloads: drop --encode.\n",
            ));
        }
        Some(Source::Replay(replay))
    } else {
        match payload(&args.payload, &hush)? {
            Some(bytes) => Some(Source::Payload(bytes)),
            None => (args.stdin_line > 0).then_some(Source::Lines),
        }
    };
    let (Some(topic), Some(source)) = (topic, source) else {
        // mosquitto prints the full usage on stdout here, and no "Use …" hint.
        return Err(Failure {
            status: Code::Error.number(),
            text: "Error: Both topic and message must be supplied.\n".into(),
            usage: false,
            stdout: (parsed.usage)(),
        });
    };
    runtime_checks(&args.conn, &conn).map_err(&hush)?;
    let source = match (source, &encoding) {
        (Source::Payload(json), Some(encoding)) => {
            let encoded = encoding.encode(&json).map_err(|e| {
                Failure::code(
                    Code::DataError,
                    format!(
                        "Error: cannot encode the message as {}: {e}\n",
                        encoding.format.name()
                    ),
                )
            })?;
            Source::Payload(bytes::Bytes::from(encoded))
        }
        (source, _) => source,
    };
    let mut props = props;
    if let Some(encoding) = &encoding
        && conn.protocol == Protocol::V5
        && !props
            .publish
            .0
            .iter()
            .any(|p| matches!(p, Property::ContentType(_)))
    {
        props.publish.0.push(Property::ContentType(
            encoding.format.content_type().to_string(),
        ));
    }
    // Encoded first: it is the encoded payload that must fit.
    if let Source::Payload(payload) = &source {
        publish_fits(personality, topic.len(), payload.len(), qos, conn.protocol).map_err(hush)?;
    }

    // Properties only exist in v5. mosquitto (quirk) then publishes nothing and exits 0.
    let props_without_v5 = !props.publish.is_empty() && conn.protocol != Protocol::V5;
    if props_without_v5 && personality == Personality::Mqtk {
        return Err(Failure::usage(
            "Error: -D properties need MQTT v5, but a -V after them selects an older version.\n",
        ));
    }
    // `mqtk pub -l` in v5 without -M: as many in flight as the broker's CONNACK allows (its
    // receive maximum, which rumqttc adopts when lower), which cuts the broker's CPU per QoS 2
    // message by about a fifth at 100 in flight. Not in v3.1.1, where the broker's limit is
    // unknown: mosquitto acknowledges the messages beyond its 20 and drops them.
    if personality == Personality::Mqtk
        && source == Source::Lines
        && conn.protocol == Protocol::V5
        && args.conn.max_inflight.is_none()
    {
        conn.inflight = LINES_WINDOW;
    }
    let config = Config {
        topic,
        source,
        qos,
        retain: args.retain,
        repeat,
        repeat_delay,
        properties: props.publish,
        publish_nothing: props_without_v5,
        encoding,
    };
    Ok(PublishRequest {
        conn,
        config,
        personality,
    })
}

/// `--replay FILE` with `--replay-speed` and `--strict`; they replace -t and the message options.
fn replay(args: &PubArgs, personality: Personality) -> Result<Option<Replay>, Failure> {
    let Some(path) = &args.replay else {
        if args.replay_speed.is_some() || args.strict {
            return Err(Failure::usage(
                "Error: --replay-speed and --strict (on pub) go with --replay FILE.\n",
            ));
        }
        return Ok(None);
    };
    let others = [
        (args.topic.is_some(), "-t"),
        (!args.payload.message.is_empty(), "-m"),
        (!args.payload.file.is_empty(), "-f"),
        (args.payload.stdin_file > 0, "-s"),
        (args.stdin_line > 0, "-l"),
        (args.payload.null_message > 0, "-n"),
        (args.repeat.is_some(), "--repeat"),
    ];
    if let Some((_, flag)) = others.iter().find(|(given, _)| *given) {
        return Err(Failure::usage(format!(
            "Error: --replay takes topics and payloads from its records: drop {flag}.\n"
        )));
    }
    let speed = match &args.replay_speed {
        Some(text) => {
            let speed = crate::cli::numbers::float(personality, "--replay-speed", text)?;
            if !(speed > 0.0 && speed.is_finite()) {
                return Err(Failure::usage(format!(
                    "Error: --replay-speed must be a number above 0, not \"{text}\".\n"
                )));
            }
            Some(speed)
        }
        None => None,
    };
    Ok(Some(Replay {
        path: path.clone(),
        speed,
        strict: args.strict,
    }))
}
