//! From parsed flags to validated config structs, with mosquitto's checks, order and messages.

use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use bytes::Bytes;
use clap::ArgMatches;

use super::Personality;
use super::argv::Scanned;
use super::conn::ConnArgs;
use super::numbers;
use super::properties::{self, PropertySet};
use super::publish::PubArgs;
use crate::cmd::publish::{Config, Source};
use crate::conn::topic::{self, TopicError};
use crate::conn::url::{self, Scheme, UrlError};
use crate::conn::{Endpoint, MAX_PACKET_SIZE, Options, Protocol, Qos, Will};
use crate::exit::Failure;
use crate::trace::TraceFormat;

/// A validated `pub` invocation.
#[derive(Debug)]
pub struct PublishRequest {
    pub conn: Options,
    pub config: Config,
    pub personality: Personality,
}

/// Runtime checks mosquitto makes after parsing, which print no usage hint.
pub(super) fn runtime_error(text: &str) -> Failure {
    Failure::runtime(1, format!("{text}\n"))
}

pub(super) fn qos(
    personality: Personality,
    flag: &str,
    text: &str,
    will: bool,
) -> Result<Qos, Failure> {
    let n = numbers::int(personality, flag, text)?;
    Qos::from_number(n).ok_or_else(|| {
        if will {
            Failure::usage(format!("Error: Invalid will QoS {n}.\n\n"))
        } else {
            Failure::usage(format!("Error: Invalid QoS given: {n}\n"))
        }
    })
}

/// Session expiry (`-x`): `strtol(…, 0)` with a full-consumption check; -1 or ∞ mean forever.
fn session_expiry(text: &str) -> Result<u32, Failure> {
    if text == "∞" {
        return Ok(u32::MAX);
    }
    let t = text.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let parsed = if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(hex, 16)
    } else if body.len() > 1 && body.starts_with('0') {
        i64::from_str_radix(&body[1..], 8)
    } else {
        body.parse::<i64>()
    };
    let n =
        parsed.map_err(|_| Failure::usage("Error: session-expiry-interval not a number.\n\n"))?;
    let n = if neg { -n } else { n };
    match n {
        -1 => Ok(u32::MAX),
        n if n < -1 || n > i64::from(u32::MAX) => Err(Failure::usage(
            "Error: session-expiry-interval out of range.\n\n",
        )),
        n => Ok(n as u32),
    }
}

fn protocol(text: &str) -> Result<Protocol, Failure> {
    match text {
        "mqttv31" | "31" => Ok(Protocol::V31),
        "mqttv311" | "311" => Ok(Protocol::V311),
        "mqttv5" | "5" => Ok(Protocol::V5),
        _ => Err(Failure::usage(
            "Error: Invalid protocol version argument given.\n\n",
        )),
    }
}

/// The values `-L` sets, applied in argv order with `-h -p -u -P`: the later one wins.
struct UrlParts {
    parsed: url::BrokerUrl,
    position: usize,
}

fn later(matches: &ArgMatches, id: &str, than: Option<usize>) -> bool {
    match (matches.index_of(id), than) {
        (Some(i), Some(t)) => i > t,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Resolves the connection flags. `topic` receives a topic given in `-L` (with its position).
pub(super) fn connection(
    args: &ConnArgs,
    matches: &ArgMatches,
    scanned: &Scanned,
    props: &PropertySet,
    personality: Personality,
) -> Result<(Options, Option<(String, usize)>), Failure> {
    let mut o = Options::default();
    if personality == Personality::Mosquitto {
        if let Some(flag) = args.mqtk_extension() {
            return Err(Failure::usage(format!("Error: Unknown option '{flag}'.\n")));
        }
    }
    o.trace = match args.trace_format.as_deref() {
        Some("json") => Some(TraceFormat::Json),
        Some(_) => Some(TraceFormat::Text),
        None => args.trace.then_some(TraceFormat::Text),
    };
    if let Some(flag) = args.unsupported_transport() {
        return Err(runtime_error(&format!(
            "Error: {flag} is not supported yet: TLS, proxies, Unix sockets and local binding come in a later mqtk release."
        )));
    }
    let url = match &args.url {
        Some(text) => {
            let parsed = url::parse(text).map_err(|e| match e {
                UrlError::Scheme => Failure::usage("Error: unsupported URL scheme.\n\n"),
                UrlError::TopicMissing => Failure::usage(
                    "Error: Invalid URL for -L argument specified - topic missing.\n",
                ),
            })?;
            if parsed.scheme != Scheme::Mqtt {
                if personality == Personality::Mosquitto
                    && matches!(parsed.scheme, Scheme::Ws | Scheme::Wss)
                {
                    return Err(Failure::usage("Error: unsupported URL scheme.\n\n"));
                }
                return Err(runtime_error(&format!(
                    "Error: {}:// URLs are not supported yet: TLS and WebSockets come in a later mqtk release.",
                    text.split("://").next().unwrap_or("").to_ascii_lowercase()
                )));
            }
            Some(UrlParts {
                parsed,
                position: matches.index_of("url").unwrap_or(0),
            })
        }
        None => None,
    };
    let url_pos = url.as_ref().map(|u| u.position);

    // Host and port: -L overrides earlier -h/-p, later ones override -L.
    let mut host = args.host.clone();
    let mut port_text = args.port.clone();
    let (mut username, mut password) = (args.username.clone(), args.password.clone());
    let mut url_topic = None;
    if let Some(u) = &url {
        if !later(matches, "host", url_pos) {
            host = Some(u.parsed.host.clone());
        }
        if !later(matches, "port", url_pos) {
            port_text = Some(u.parsed.port.clone().unwrap_or_else(|| "1883".into()));
        }
        if u.parsed.username.is_some() && !later(matches, "username", url_pos) {
            username = u.parsed.username.clone();
        }
        if u.parsed.password.is_some() && !later(matches, "password", url_pos) {
            password = u.parsed.password.clone();
        }
        url_topic = Some((u.parsed.topic.clone(), u.position));
    }
    if let Some(p) = &port_text {
        let n = numbers::int(personality, "-p", p)?;
        if !(0..=65_535).contains(&n) || (n == 0 && personality == Personality::Mqtk) {
            return Err(Failure::usage(format!("Error: Invalid port given: {n}\n")));
        }
        if n == 0 {
            // mosquitto treats port 0 as a Unix socket named by the host; there is none.
            return Err(runtime_error("Error: No such file or directory"));
        }
        o.endpoint.port = n as u16;
    }
    o.endpoint = Endpoint {
        host: host.unwrap_or_else(|| "localhost".into()),
        port: o.endpoint.port,
    };

    if let Some(k) = &args.keepalive {
        let n = numbers::int(personality, "-k", k)?;
        if !(5..=65_535).contains(&n) {
            return Err(Failure::usage(
                "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n",
            ));
        }
        o.keepalive = n as u16;
    }
    if let Some(m) = &args.max_inflight {
        let n = numbers::int(personality, "-M", m)?;
        if n < 1 {
            return Err(Failure::usage(
                "Error: Maximum inflight messages must be greater than 0.\n\n",
            ));
        }
        o.inflight = n.min(65_535) as u16;
    }
    if args.id.is_some() && args.id_prefix.is_some() {
        return Err(Failure::usage(
            "Error: -i and -I argument cannot be used together.\n\n",
        ));
    }

    // -D forces v5 unless a later -V says otherwise.
    let mut version = match &args.protocol_version {
        Some(v) => protocol(v)?,
        None => Protocol::V311,
    };
    let last_d = scanned.properties.last().map(|p| p.position);
    if let Some(d) = last_d {
        if scanned.last_version_position.is_none_or(|v| v < d) {
            version = Protocol::V5;
        }
    }
    o.protocol = version;

    let expiry = match &args.session_expiry {
        Some(x) => Some(session_expiry(x)?),
        None => None,
    };

    // The will.
    if args.will_payload.is_some() && args.will_topic.is_none() {
        return Err(Failure::usage(
            "Error: Will payload given, but no will topic given.\n",
        ));
    }
    if args.will_retain && args.will_topic.is_none() {
        return Err(Failure::usage(
            "Error: Will retain given, but no will topic given.\n",
        ));
    }
    let will_qos = match &args.will_qos {
        Some(q) => qos(personality, "--will-qos", q, true)?,
        None => Qos::AtMostOnce,
    };
    if let Some(t) = &args.will_topic {
        let topic = match topic::check_publish(t.as_bytes()) {
            Ok(s) => s.to_string(),
            Err(TopicError::MalformedUtf8) => {
                return Err(Failure::usage(
                    "Error: Malformed UTF-8 in --will-topic argument.\n\n",
                ));
            }
            Err(TopicError::Empty) if personality == Personality::Mosquitto => String::new(),
            Err(_) => {
                return Err(Failure::usage(format!(
                    "Error: Invalid will topic '{}', does it contain '+' or '#'?\n",
                    t.to_string_lossy()
                )));
            }
        };
        o.will = Some(Will {
            topic,
            payload: Bytes::from(
                args.will_payload
                    .clone()
                    .unwrap_or_default()
                    .into_encoded_bytes(),
            ),
            qos: will_qos,
            retain: args.will_retain,
            properties: props.will.clone(),
        });
    }

    // Client id and session.
    let id_given = args.id.is_some();
    if let Some(id) = &args.id {
        let id = id
            .to_str()
            .ok_or_else(|| runtime_error("Error: Invalid id."))?;
        o.client_id = id.to_string();
    } else if let Some(prefix) = &args.id_prefix {
        o.client_id = format!("{prefix}{}", std::process::id());
    }
    o.clean = !args.disable_clean_session;
    if version == Protocol::V5 {
        let expiry = match expiry {
            Some(e) => Some(e),
            None if args.disable_clean_session => Some(u32::MAX),
            None => None,
        };
        if expiry == Some(u32::MAX) && !id_given {
            return Err(Failure::usage(
                "Error: You must provide a client id if you are using an infinite session expiry interval.\n",
            ));
        }
        o.session_expiry = expiry.filter(|&e| e > 0);
    } else if args.disable_clean_session && !id_given {
        return Err(Failure::usage(
            "Error: You must provide a client id if you are using the -c option.\n",
        ));
    }
    if id_given && o.client_id.is_empty() {
        return Err(runtime_error("Error: Invalid id."));
    }
    if version != Protocol::V5 && password.is_some() && username.is_none() {
        return Err(runtime_error(
            "Error: Problem setting username and/or password.",
        ));
    }
    if version == Protocol::V31 {
        return Err(runtime_error(
            "Error: MQTT v3.1 (-V 31) is not supported by mqtk; use -V 311 (the default) or -V 5.",
        ));
    }
    o.username = username;
    o.password = password;
    o.nodelay = args.nodelay;
    o.debug = args.debug;
    o.quiet = args.quiet;
    o.connect_properties = props.connect.clone();
    Ok((o, url_topic))
}

/// Resolves `pub`.
pub fn publish(
    args: PubArgs,
    matches: &ArgMatches,
    scanned: &Scanned,
    personality: Personality,
    usage: String,
) -> Result<PublishRequest, Failure> {
    let sources = args.message.len()
        + args.file.len()
        + usize::from(args.stdin_file)
        + usize::from(args.stdin_line)
        + usize::from(args.null_message);
    if sources > 1 {
        return Err(Failure::usage(
            "Error: Only one type of message can be sent at once.\n\n",
        ));
    }
    let props = properties::parse(&scanned.properties, personality)?;
    let (conn, url_topic) = connection(&args.conn, matches, scanned, &props, personality)?;

    let qos = match &args.qos {
        Some(q) => qos(personality, "-q", q, false)?,
        None => Qos::AtMostOnce,
    };
    let repeat = match &args.repeat {
        Some(r) => {
            let n = numbers::int(personality, "--repeat", r)?;
            if n < 1 {
                return Err(Failure::usage("Error: --repeat argument must be >0.\n\n"));
            }
            n as u64
        }
        None => 1,
    };
    let repeat_delay = match &args.repeat_delay {
        Some(d) => {
            let s = numbers::float(personality, "--repeat-delay", d)?;
            if s < 0.0 {
                return Err(Failure::usage(
                    "Error: --repeat-delay argument must be >=0.0.\n\n",
                ));
            }
            Duration::from_secs_f64(s)
        }
        None => Duration::ZERO,
    };

    // The topic: the later of -t and -L.
    let topic_bytes: Option<Vec<u8>> = match (&args.topic, url_topic) {
        (Some(t), Some((u, upos))) => {
            if matches.index_of("topic").is_some_and(|i| i > upos) {
                Some(t.as_bytes().to_vec())
            } else {
                Some(u.into_bytes())
            }
        }
        (Some(t), None) => Some(t.as_bytes().to_vec()),
        (None, Some((u, _))) => Some(u.into_bytes()),
        (None, None) => None,
    };
    let flag = if args.topic.is_some() {
        "-t"
    } else {
        "-L topic"
    };
    let topic = match &topic_bytes {
        Some(bytes) => match topic::check_publish(bytes) {
            Ok(t) => Some(t.to_string()),
            Err(TopicError::MalformedUtf8) => {
                return Err(Failure::usage(format!(
                    "Error: Malformed UTF-8 in {flag} argument.\n\n"
                )));
            }
            Err(TopicError::Empty) => match personality {
                // mosquitto_pub accepts '' here and fails at publish time with exit 0.
                Personality::Mosquitto => Some(String::new()),
                Personality::Mqtk => {
                    return Err(Failure::usage(
                        "Error: Empty topic: a topic needs at least one character.\n",
                    ));
                }
            },
            Err(TopicError::Invalid) => {
                return Err(Failure::usage(format!(
                    "Error: Invalid publish topic '{}', does it contain '+' or '#'?\n",
                    String::from_utf8_lossy(bytes)
                )));
            }
        },
        None => None,
    };

    let source = if let Some(m) = args.message.first() {
        let bytes = m.as_bytes();
        if bytes.len() > MAX_PACKET_SIZE {
            return Err(Failure::usage(
                "Error: Message length must be less than 268435455 bytes.\n\n",
            ));
        }
        Some(Source::Message(Bytes::copy_from_slice(bytes)))
    } else if let Some(f) = args.file.first() {
        Some(Source::File(f.clone()))
    } else if args.stdin_file > 0 {
        Some(Source::Stdin)
    } else if args.stdin_line > 0 {
        Some(Source::Lines)
    } else if args.null_message > 0 {
        Some(Source::Null)
    } else {
        None
    };
    let (Some(topic), Some(source)) = (topic, source) else {
        // mosquitto prints the full usage on stdout here, and no "Use …" hint.
        return Err(Failure {
            status: 1,
            text: "Error: Both topic and message must be supplied.\n".into(),
            usage: false,
            stdout: usage,
        });
    };

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_values() {
        assert_eq!(session_expiry("100").unwrap(), 100);
        assert_eq!(session_expiry("-1").unwrap(), u32::MAX);
        assert_eq!(session_expiry("0x10").unwrap(), 16);
        assert_eq!(session_expiry("∞").unwrap(), u32::MAX);
        assert!(session_expiry("abc").is_err());
        assert!(session_expiry("-2").is_err());
        assert!(session_expiry("4294967296").is_err());
    }

    #[test]
    fn versions() {
        assert_eq!(protocol("mqttv5").unwrap(), Protocol::V5);
        assert_eq!(protocol("311").unwrap(), Protocol::V311);
        assert!(protocol("MQTTV5").is_err());
    }
}
