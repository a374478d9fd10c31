//! `pub` flags to a validated [`crate::cmd::publish::Config`], with mosquitto_pub's checks in its order.

use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use bytes::Bytes;
use clap::ArgMatches;

use super::connection::{connection_values, runtime_checks};
use super::values::{message, publish_fits, publish_topic, qos, repeat, repeat_delay};
use crate::cli::Personality;
use crate::cli::argv::Scanned;
use crate::cli::properties;
use crate::cli::publish::PubArgs;
use crate::cmd::publish::{Config, Source, load_file, load_stdin};
use crate::conn::{Options, Protocol, Qos};
use crate::exit::Failure;

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
pub fn publish(
    args: PubArgs,
    matches: &ArgMatches,
    scanned: &Scanned,
    personality: Personality,
    usage: impl FnOnce() -> String,
) -> Result<PublishRequest, Failure> {
    let quiet = args.conn.quiet;
    // Runtime errors go through mosquitto's err_printf, which --quiet silences. (main only knows
    // about --quiet once parsing has succeeded.)
    let hush = |f: Failure| {
        if quiet && !f.usage {
            Failure::silent(f.status)
        } else {
            f
        }
    };
    let props = properties::parse_lists(&scanned.properties, personality)?;
    let (conn, url_topic) = connection_values(&args.conn, matches, scanned, &props, personality)?;
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

    // mosquitto_pub reads -f and -s before it checks that there is a topic.
    let source = if let Some(m) = args.message.first() {
        Some(Source::Payload(message(m.as_bytes())?))
    } else if let Some(f) = args.file.first() {
        Some(Source::Payload(load_file(f).map_err(hush)?))
    } else if args.stdin_file > 0 {
        Some(Source::Payload(load_stdin().map_err(hush)?))
    } else if args.stdin_line > 0 {
        Some(Source::Lines)
    } else if args.null_message > 0 {
        Some(Source::Payload(Bytes::new()))
    } else {
        None
    };
    let (Some(topic), Some(source)) = (topic, source) else {
        // mosquitto prints the full usage on stdout here, and no "Use …" hint.
        return Err(Failure {
            status: 1,
            text: "Error: Both topic and message must be supplied.\n".into(),
            usage: false,
            stdout: usage(),
        });
    };
    runtime_checks(&args.conn, &conn).map_err(hush)?;
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
    let config = Config {
        topic,
        source,
        qos,
        retain: args.retain,
        repeat,
        repeat_delay,
        properties: props.publish,
        publish_nothing: props_without_v5,
    };
    Ok(PublishRequest {
        conn,
        config,
        personality,
    })
}
