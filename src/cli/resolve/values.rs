//! One flag's value at a time: the checks mosquitto makes while it parses argv (numbers, QoS,
//! protocol, topics, the `-L` URL, the message), with its messages.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use bytes::Bytes;

use crate::cli::Personality;
use crate::cli::payload::PayloadArgs;
use crate::cli::{numbers, seconds};
use crate::cmd::publish::{load_file, load_stdin};
use crate::conn::topic::{self, TopicError};
use crate::conn::url::{self, Scheme, UrlError};
use crate::conn::{MAX_PACKET_SIZE, Protocol, Qos};
use crate::exit::{Code, Failure};

/// Runtime checks mosquitto makes after parsing, which print no usage hint.
pub(super) fn runtime_error(text: &str) -> Failure {
    Failure::code(Code::Error, format!("{text}\n"))
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
pub(super) fn session_expiry(text: &str) -> Result<u32, Failure> {
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

pub(super) fn protocol(text: &str) -> Result<Protocol, Failure> {
    match text {
        "mqttv31" | "31" => Ok(Protocol::V31),
        "mqttv311" | "311" => Ok(Protocol::V311),
        "mqttv5" | "5" => Ok(Protocol::V5),
        _ => Err(Failure::usage(
            "Error: Invalid protocol version argument given.\n\n",
        )),
    }
}

pub(super) fn port(personality: Personality, text: &str) -> Result<u16, Failure> {
    let n = numbers::int(personality, "-p", text)?;
    if !(0..=65_535).contains(&n) || (n == 0 && personality == Personality::Mqtk) {
        return Err(Failure::usage(format!("Error: Invalid port given: {n}\n")));
    }
    Ok(n as u16)
}

pub(super) fn keepalive(personality: Personality, text: &str) -> Result<u16, Failure> {
    let n = numbers::int(personality, "-k", text)?;
    if !(5..=65_535).contains(&n) {
        return Err(Failure::usage(
            "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n",
        ));
    }
    Ok(n as u16)
}

pub(super) fn max_inflight(personality: Personality, text: &str) -> Result<u16, Failure> {
    let n = numbers::int(personality, "-M", text)?;
    if n < 1 {
        return Err(Failure::usage(
            "Error: Maximum inflight messages must be greater than 0.\n\n",
        ));
    }
    Ok(n.min(65_535) as u16)
}

pub(super) fn repeat(personality: Personality, text: &str) -> Result<u64, Failure> {
    let n = numbers::int(personality, "--repeat", text)?;
    if n < 1 {
        return Err(Failure::usage("Error: --repeat argument must be >0.\n\n"));
    }
    Ok(n as u64)
}

pub(super) fn repeat_delay(personality: Personality, text: &str) -> Result<Duration, Failure> {
    let s = numbers::float(personality, "--repeat-delay", text)?;
    if s < 0.0 {
        return Err(Failure::usage(
            "Error: --repeat-delay argument must be >=0.0.\n\n",
        ));
    }
    match personality {
        Personality::Mosquitto => Ok(seconds::mosquitto_repeat_delay(s)),
        Personality::Mqtk => seconds::seconds("--repeat-delay", s, true),
    }
}

/// A topic over 65,535 bytes: mosquitto's clients call it malformed UTF-8; mqtk says what is wrong,
/// with the length and not the text (which would make a 70 KB error line).
pub(super) fn topic_too_long(personality: Personality, flag: &str, len: usize) -> Failure {
    match personality {
        Personality::Mosquitto => {
            Failure::usage(format!("Error: Malformed UTF-8 in {flag} argument.\n\n"))
        }
        Personality::Mqtk => Failure::usage(format!(
            "Error: Topic too long in {flag} argument: {len} bytes (MQTT allows at most {}).\n",
            topic::MAX_TOPIC_LEN
        )),
    }
}

/// Checks that a PUBLISH of this payload fits MQTT's remaining-length limit: topic (2 + its bytes),
/// packet id at QoS 1/2 (2), the v5 property length (at least 1), the payload. mosquitto 2.1's
/// library refuses it after connecting with "Message payload is too large." and its main loop then
/// reports the connection lost (exit 7); mqtk says so before connecting, with the sizes.
pub(super) fn publish_fits(
    personality: Personality,
    topic_len: usize,
    payload_len: usize,
    qos: Qos,
    protocol: Protocol,
) -> Result<(), Failure> {
    let packet_id = if qos == Qos::AtMostOnce { 0 } else { 2 };
    let properties = usize::from(protocol == Protocol::V5);
    let size = 2 + topic_len + packet_id + properties + payload_len;
    if size <= MAX_PACKET_SIZE {
        return Ok(());
    }
    Err(match personality {
        Personality::Mosquitto => Failure::code(
            Code::ConnectionLost,
            "Error: Message payload is too large.\nError: The connection was lost\n",
        ),
        Personality::Mqtk => Failure::code(
            Code::Error,
            format!(
                "Error: Message too large for MQTT: a {payload_len}-byte payload on a {topic_len}-byte topic makes a {size}-byte packet (at most {MAX_PACKET_SIZE}).\n"
            ),
        ),
    })
}

/// Under the mosquitto names an mqtk-only flag is unknown, in mosquitto's words.
pub(super) fn refuse_mqtk_only(
    personality: Personality,
    flag: Option<&'static str>,
) -> Result<(), Failure> {
    match flag {
        Some(flag) if personality == Personality::Mosquitto => {
            Err(Failure::usage(format!("Error: Unknown option '{flag}'.\n")))
        }
        _ => Ok(()),
    }
}

/// A publish topic from `-t` or `-L` (`flag` names it in messages). mosquitto_pub accepts `''` here
/// and fails at publish time; mqtk refuses it at once with its own words.
pub(super) fn publish_topic(
    personality: Personality,
    bytes: &[u8],
    flag: &str,
) -> Result<String, Failure> {
    if bytes.is_empty() && personality == Personality::Mqtk {
        return Err(Failure::usage(
            "Error: Empty topic: a topic needs at least one character.\n",
        ));
    }
    request_topic(personality, bytes, flag)
}

/// rr's request topic (`-t`, `-L`), and pub's under the mosquitto names: mosquitto 2.1 refuses an
/// empty topic as it parses (2.0 connected and then failed).
pub(super) fn request_topic(
    personality: Personality,
    bytes: &[u8],
    flag: &str,
) -> Result<String, Failure> {
    match topic::check_publish(bytes) {
        Ok(t) => Ok(t.to_string()),
        Err(TopicError::TooLong(len)) => Err(topic_too_long(personality, flag, len)),
        Err(TopicError::MalformedUtf8) => Err(Failure::usage(format!(
            "Error: Malformed UTF-8 in {flag} argument.\n\n"
        ))),
        Err(TopicError::Empty | TopicError::Invalid) => Err(Failure::usage(format!(
            "Error: Invalid publish topic '{}', does it contain '+' or '#'?\n",
            String::from_utf8_lossy(bytes)
        ))),
    }
}

/// rr's response topic (`-e`): a publish topic, since it goes into the request's response-topic.
pub(super) fn response_topic(personality: Personality, bytes: &[u8]) -> Result<String, Failure> {
    match topic::check_publish(bytes) {
        Ok(t) => Ok(t.to_string()),
        Err(TopicError::TooLong(len)) => Err(topic_too_long(personality, "-e", len)),
        Err(TopicError::MalformedUtf8) => {
            Err(Failure::usage("Error: Malformed UTF-8 in -e argument.\n\n"))
        }
        Err(TopicError::Empty | TopicError::Invalid) => Err(Failure::usage(format!(
            "Error: Invalid response topic '{}', does it contain '+' or '#'?\n",
            String::from_utf8_lossy(bytes)
        ))),
    }
}

/// `-W` for sub and rr: whole seconds, at least 1.
pub(super) fn timeout(personality: Personality, text: &str) -> Result<Duration, Failure> {
    let n = numbers::int(personality, "-W", text)?;
    if n < 1 {
        return Err(Failure::usage(format!(
            "Error: Invalid timeout \"{n}\".\n\n"
        )));
    }
    // atoi keeps mosquitto's -W below 2^31 s; mqtk's i64 could overflow the deadline.
    match personality {
        Personality::Mosquitto => Ok(Duration::from_secs(n as u64)),
        Personality::Mqtk => seconds::seconds("-W", n as f64, false),
    }
}

/// `--retain-handling`: the v5 subscription option's value.
pub(super) fn retain_handling(text: &str) -> Result<u8, Failure> {
    match text {
        "always" => Ok(0),
        "new" => Ok(1),
        "never" => Ok(2),
        other => Err(Failure::usage(format!(
            "Error: Unknown value '{other}' for --retain-handling.\n\n"
        ))),
    }
}

pub(super) fn will_topic(personality: Personality, bytes: &[u8]) -> Result<String, Failure> {
    match topic::check_publish(bytes) {
        Ok(t) => Ok(t.to_string()),
        Err(TopicError::MalformedUtf8) => Err(Failure::usage(
            "Error: Malformed UTF-8 in --will-topic argument.\n\n",
        )),
        Err(TopicError::TooLong(len)) => Err(topic_too_long(personality, "--will-topic", len)),
        Err(_) => Err(Failure::usage(format!(
            "Error: Invalid will topic '{}', does it contain '+' or '#'?\n",
            String::from_utf8_lossy(bytes)
        ))),
    }
}

/// A `-L` URL: the scheme and the topic's presence are checked (the topic itself is a publish topic
/// for pub and a filter for sub, so the command checks it).
pub(super) fn broker_url(personality: Personality, text: &str) -> Result<url::BrokerUrl, Failure> {
    let parsed = url::parse(text).map_err(|e| match e {
        UrlError::Scheme => Failure::usage("Error: Unsupported URL scheme.\n\n"),
        UrlError::TopicMissing => {
            Failure::usage("Error: Invalid URL for -L argument specified - topic missing.\n")
        }
    })?;
    // mosquitto 2.1 reads ws:// and wss:// URLs as mqtt:// ones: the path is the topic.
    let after_scheme = text.split_once("://").map_or("", |(_, rest)| rest);
    if personality == Personality::Mosquitto
        && matches!(parsed.scheme, Scheme::Ws | Scheme::Wss)
        && !after_scheme.contains('/')
    {
        return Err(Failure::usage(
            "Error: Invalid URL for -L argument specified - topic missing.\n",
        ));
    }
    Ok(parsed)
}

pub(super) fn message(bytes: &[u8]) -> Result<Bytes, Failure> {
    if bytes.len() > MAX_PACKET_SIZE {
        return Err(Failure::usage(
            "Error: Message length must be less than 268435455 bytes.\n\n",
        ));
    }
    Ok(Bytes::copy_from_slice(bytes))
}

/// mosquitto prints runtime errors through err_printf, which `--quiet` silences (usage errors are
/// printed all the same). main only knows about `--quiet` once parsing has succeeded.
pub(super) fn hushed(quiet: bool) -> impl Fn(Failure) -> Failure {
    move |f: Failure| {
        if quiet && !f.usage {
            Failure::silent(f.status)
        } else {
            f
        }
    }
}

/// The message `-m`, `-f`, `-s` or `-n` gives (the files read now, as mosquitto reads them before it
/// checks the rest), or `None` when none is given.
pub(super) fn payload(
    args: &PayloadArgs,
    hush: &impl Fn(Failure) -> Failure,
) -> Result<Option<Bytes>, Failure> {
    Ok(if let Some(m) = args.message.first() {
        Some(message(m.as_bytes())?)
    } else if let Some(f) = args.file.first() {
        Some(load_file(f).map_err(hush)?)
    } else if args.stdin_file > 0 {
        Some(load_stdin().map_err(hush)?)
    } else if args.null_message > 0 {
        Some(Bytes::new())
    } else {
        None
    })
}

/// The checks mosquitto makes on an option's value while it parses argv (`id` is the clap id);
/// called for every occurrence, in order.
pub(crate) fn check_value(
    personality: Personality,
    id: &str,
    value: &OsStr,
) -> Result<(), Failure> {
    let text = value.to_string_lossy();
    match id {
        "port" => port(personality, &text).map(drop),
        "qos" => qos(personality, "-q", &text, false).map(drop),
        "will_qos" => qos(personality, "--will-qos", &text, true).map(drop),
        "keepalive" => keepalive(personality, &text).map(drop),
        "max_inflight" => max_inflight(personality, &text).map(drop),
        "repeat" => repeat(personality, &text).map(drop),
        "repeat_delay" => repeat_delay(personality, &text).map(drop),
        "protocol_version" => protocol(&text).map(drop),
        "session_expiry" => session_expiry(&text).map(drop),
        "topic" => publish_topic(personality, value.as_bytes(), "-t").map(drop),
        "will_topic" => will_topic(personality, value.as_bytes()).map(drop),
        "request_topic" => request_topic(personality, value.as_bytes(), "-t").map(drop),
        "response_topic" => response_topic(personality, value.as_bytes()).map(drop),
        "timeout" => timeout(personality, &text).map(drop),
        "retain_handling" => retain_handling(&text).map(drop),
        "url" => {
            let parsed = broker_url(personality, &text)?;
            // In ws:// and wss:// URLs the path is the WebSocket path, not a topic.
            match parsed.scheme {
                Scheme::Mqtt | Scheme::Mqtts => {
                    publish_topic(personality, parsed.topic.as_bytes(), "-L topic").map(drop)
                }
                Scheme::Ws | Scheme::Wss => Ok(()),
            }
        }
        "message" => message(value.as_bytes()).map(drop),
        _ => Ok(()),
    }
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
