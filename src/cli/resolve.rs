//! From parsed flags to validated config structs, with mosquitto's checks, order and messages.

use std::ffi::OsStr;
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
use super::resolve_transport;
use crate::cmd::publish::{Config, Source, load_file, load_stdin};
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

fn port(personality: Personality, text: &str) -> Result<u16, Failure> {
    let n = numbers::int(personality, "-p", text)?;
    if !(0..=65_535).contains(&n) || (n == 0 && personality == Personality::Mqtk) {
        return Err(Failure::usage(format!("Error: Invalid port given: {n}\n")));
    }
    Ok(n as u16)
}

fn keepalive(personality: Personality, text: &str) -> Result<u16, Failure> {
    let n = numbers::int(personality, "-k", text)?;
    if !(5..=65_535).contains(&n) {
        return Err(Failure::usage(
            "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n",
        ));
    }
    Ok(n as u16)
}

fn max_inflight(personality: Personality, text: &str) -> Result<u16, Failure> {
    let n = numbers::int(personality, "-M", text)?;
    if n < 1 {
        return Err(Failure::usage(
            "Error: Maximum inflight messages must be greater than 0.\n\n",
        ));
    }
    Ok(n.min(65_535) as u16)
}

fn repeat(personality: Personality, text: &str) -> Result<u64, Failure> {
    let n = numbers::int(personality, "--repeat", text)?;
    if n < 1 {
        return Err(Failure::usage("Error: --repeat argument must be >0.\n\n"));
    }
    Ok(n as u64)
}

fn repeat_delay(personality: Personality, text: &str) -> Result<Duration, Failure> {
    let s = numbers::float(personality, "--repeat-delay", text)?;
    if s < 0.0 {
        return Err(Failure::usage(
            "Error: --repeat-delay argument must be >=0.0.\n\n",
        ));
    }
    Ok(Duration::from_secs_f64(s))
}

/// A publish topic from `-t` or `-L` (`flag` names it in messages). mosquitto_pub accepts `''` here
/// and fails at publish time; mqtk refuses it at once.
fn publish_topic(personality: Personality, bytes: &[u8], flag: &str) -> Result<String, Failure> {
    match topic::check_publish(bytes) {
        Ok(t) => Ok(t.to_string()),
        Err(TopicError::MalformedUtf8) => Err(Failure::usage(format!(
            "Error: Malformed UTF-8 in {flag} argument.\n\n"
        ))),
        Err(TopicError::Empty) => match personality {
            Personality::Mosquitto => Ok(String::new()),
            Personality::Mqtk => Err(Failure::usage(
                "Error: Empty topic: a topic needs at least one character.\n",
            )),
        },
        Err(TopicError::Invalid) => Err(Failure::usage(format!(
            "Error: Invalid publish topic '{}', does it contain '+' or '#'?\n",
            String::from_utf8_lossy(bytes)
        ))),
    }
}

fn will_topic(personality: Personality, bytes: &[u8]) -> Result<String, Failure> {
    match topic::check_publish(bytes) {
        Ok(t) => Ok(t.to_string()),
        Err(TopicError::MalformedUtf8) => Err(Failure::usage(
            "Error: Malformed UTF-8 in --will-topic argument.\n\n",
        )),
        Err(TopicError::Empty) if personality == Personality::Mosquitto => Ok(String::new()),
        Err(_) => Err(Failure::usage(format!(
            "Error: Invalid will topic '{}', does it contain '+' or '#'?\n",
            String::from_utf8_lossy(bytes)
        ))),
    }
}

/// A `-L` URL: the scheme and the topic's presence are checked (the topic itself is a publish topic
/// for pub and a filter for sub, so the command checks it).
fn broker_url(personality: Personality, text: &str) -> Result<url::BrokerUrl, Failure> {
    let parsed = url::parse(text).map_err(|e| match e {
        UrlError::Scheme => Failure::usage("Error: unsupported URL scheme.\n\n"),
        UrlError::TopicMissing => {
            Failure::usage("Error: Invalid URL for -L argument specified - topic missing.\n")
        }
    })?;
    if personality == Personality::Mosquitto && matches!(parsed.scheme, Scheme::Ws | Scheme::Wss) {
        return Err(Failure::usage("Error: unsupported URL scheme.\n\n"));
    }
    Ok(parsed)
}

fn message(bytes: &[u8]) -> Result<Bytes, Failure> {
    if bytes.len() > MAX_PACKET_SIZE {
        return Err(Failure::usage(
            "Error: Message length must be less than 268435455 bytes.\n\n",
        ));
    }
    Ok(Bytes::copy_from_slice(bytes))
}

/// The checks mosquitto makes on an option's value while it parses argv (`id` is the clap id);
/// called for every occurrence, in order.
pub(super) fn check_value(
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

/// A port as given: text from `-p` or `-L`, or `--unix` (port 0).
enum PortText {
    Given(String),
    Unix,
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

/// Resolves the connection flags with all their checks. The second value is a topic given in `-L`
/// (with its position).
pub(super) fn connection(
    args: &ConnArgs,
    matches: &ArgMatches,
    scanned: &Scanned,
    props: &PropertySet,
    personality: Personality,
) -> Result<(Options, Option<(String, usize)>), Failure> {
    let (o, url_topic) = connection_values(args, matches, scanned, props, personality)?;
    runtime_checks(args, &o)?;
    Ok((o, url_topic))
}

/// The connection flags with the checks mosquitto makes while and right after parsing; the checks it
/// makes later, when it creates the client, are [`runtime_checks`].
fn connection_values(
    args: &ConnArgs,
    matches: &ArgMatches,
    scanned: &Scanned,
    props: &PropertySet,
    personality: Personality,
) -> Result<(Options, Option<(String, usize)>), Failure> {
    let mut o = Options::default();
    if personality == Personality::Mosquitto
        && let Some(flag) = args.mqtk_extension()
    {
        return Err(Failure::usage(format!("Error: Unknown option '{flag}'.\n")));
    }
    o.trace = match args.trace_format.as_deref() {
        Some("json") => Some(TraceFormat::Json),
        Some(_) => Some(TraceFormat::Text),
        None => args.trace.then_some(TraceFormat::Text),
    };
    let url = match &args.url {
        Some(text) => {
            let parsed = broker_url(personality, text)?;
            Some(UrlParts {
                parsed,
                position: matches.index_of("url").unwrap_or(0),
            })
        }
        None => None,
    };
    let url_pos = url.as_ref().map(|u| u.position);

    // Host and port, as mosquitto sets them while it parses: the last of -h, -L and --unix gives the
    // host, the last of -p, -L and --unix (port 0: a Unix socket) the port.
    let mut host = None;
    let mut port_text = None;
    let (mut username, mut password) = (args.username.clone(), args.password.clone());
    let mut url_topic = None;
    let mut sources: Vec<(usize, &str)> = ["host", "port", "url", "unix"]
        .into_iter()
        .filter_map(|id| matches.index_of(id).map(|i| (i, id)))
        .collect();
    sources.sort_unstable();
    for (_, id) in sources {
        match id {
            "host" => host = args.host.clone(),
            "port" => port_text = args.port.clone().map(PortText::Given),
            "unix" => {
                host = args.unix.clone();
                port_text = Some(PortText::Unix);
            }
            _ => {
                if let Some(u) = &url {
                    host = Some(u.parsed.host.clone());
                    let default = match u.parsed.scheme {
                        Scheme::Mqtt => "1883",
                        Scheme::Mqtts => "8883",
                        Scheme::Ws => "80",
                        Scheme::Wss => "443",
                    };
                    let port = u.parsed.port.clone().unwrap_or_else(|| default.into());
                    port_text = Some(PortText::Given(port));
                }
            }
        }
    }
    if let Some(u) = &url {
        if u.parsed.username.is_some() && !later(matches, "username", url_pos) {
            username = u.parsed.username.clone();
        }
        if u.parsed.password.is_some() && !later(matches, "password", url_pos) {
            password = u.parsed.password.clone();
        }
        // In ws:// and wss:// URLs the path is the WebSocket path, not a topic.
        if matches!(u.parsed.scheme, Scheme::Mqtt | Scheme::Mqtts) {
            url_topic = Some((u.parsed.topic.clone(), u.position));
        }
    }
    let port_given = match port_text {
        Some(PortText::Given(p)) => Some(port(personality, &p)?),
        Some(PortText::Unix) => Some(0),
        None => None,
    };
    let host = host.unwrap_or_else(|| "localhost".into());
    let t = resolve_transport::resolve(
        args,
        url.as_ref().map(|u| &u.parsed),
        &host,
        port_given,
        personality,
    )?;
    o.endpoint = Endpoint {
        host,
        port: t.port,
        transport: t.transport,
        proxy: t.proxy,
        bind: t.bind,
    };
    if let Some(k) = &args.keepalive {
        o.keepalive = keepalive(personality, k)?;
    }
    if let Some(m) = &args.max_inflight {
        o.inflight = max_inflight(personality, m)?;
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
    if let Some(d) = last_d
        && scanned.last_version_position.is_none_or(|v| v < d)
    {
        version = Protocol::V5;
    }
    o.protocol = version;

    // The password can also come from a file or the environment, so that it is not on the command
    // line: -P first, then --pw-file (as if given with -P), then MQTK_PASSWORD, which is used only with
    // a username (it is set for a whole shell, not for one broker).
    if password.is_none() {
        if let Some(file) = &args.pw_file {
            let text = std::fs::read_to_string(file).map_err(|e| {
                let why = e.to_string();
                let why = why.split(" (os error").next().unwrap_or(&why).to_string();
                runtime_error(&format!(
                    "Error: cannot read the password file '{}': {why}",
                    file.display()
                ))
            })?;
            password = Some(text.lines().next().unwrap_or("").to_string());
        } else if username.is_some()
            && let Some(env) = std::env::var_os("MQTK_PASSWORD")
        {
            password = Some(env.to_string_lossy().into_owned());
        }
    }

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
        o.will = Some(Will {
            topic: will_topic(personality, t.as_bytes())?,
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

    // Client id and session. (A bad id is reported later, as mosquitto_new reports it.)
    let id_given = args.id.is_some();
    if let Some(id) = &args.id {
        o.client_id = id.to_string_lossy().into_owned();
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
    o.username = username;
    o.password = password;
    o.nodelay = args.nodelay;
    o.debug = args.debug;
    o.quiet = args.quiet;
    o.connect_properties = props.connect.clone();
    Ok((o, url_topic))
}

/// The checks mosquitto_pub makes once the message is loaded and the topic known, when it creates the
/// client and sets its options (`mosquitto_new`, `client_opts_set`), and what mqtk cannot do yet.
fn runtime_checks(args: &ConnArgs, o: &Options) -> Result<(), Failure> {
    let id_given = args.id.is_some();
    if id_given
        && (o.client_id.is_empty() || args.id.as_ref().is_some_and(|i| i.to_str().is_none()))
    {
        return Err(runtime_error("Error: Invalid id."));
    }
    let v3 = o.protocol != Protocol::V5;
    if v3 && o.will.as_ref().is_some_and(|w| !w.properties.is_empty()) {
        return Err(runtime_error("Error: Problem setting will."));
    }
    if v3 && o.password.is_some() && o.username.is_none() {
        return Err(runtime_error(
            "Error: Problem setting username and/or password.",
        ));
    }
    if v3 && !o.connect_properties.is_empty() {
        return Err(runtime_error(
            "Unable to connect (This feature is not supported.).",
        ));
    }
    if o.protocol == Protocol::V31 {
        return Err(runtime_error(
            "Error: MQTT v3.1 (-V 31) is not supported by mqtk; use -V 311 (the default) or -V 5.",
        ));
    }
    Ok(())
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
