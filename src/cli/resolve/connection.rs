//! The connection flags shared by every command to [`Options`]: host, port and `-L` in argv order,
//! credentials, will, session, properties and transport, with mosquitto's checks and messages.

use std::os::unix::ffi::OsStrExt;

use bytes::Bytes;
use clap::ArgMatches;

use super::transport;
use super::values::{
    broker_url, keepalive, max_inflight, port, protocol, qos, runtime_error, session_expiry,
    will_topic,
};
use crate::cli::Personality;
use crate::cli::conn::ConnArgs;
use crate::cli::properties::PropertySet;
use crate::cli::scanned::Scanned;
use crate::conn::url::{self, Scheme};
use crate::conn::{Endpoint, Options, Protocol, Qos, Will};
use crate::exit::Failure;
use crate::trace::TraceFormat;

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
pub(crate) fn connection(
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

/// MQTT 3.1 requires a client id of 1 to 23 characters. Without `-i`/`-I`, libmosquitto makes one
/// (`mosq-` and 18 random letters and digits) and so does mqtk. mosquitto sends a longer `-i` as it
/// is (its broker accepts it, others may answer "identifier rejected"); `mqtk` refuses it up front.
fn mqtt31_client_id(o: &mut Options, personality: Personality) -> Result<(), Failure> {
    const MAX: usize = 23;
    if o.client_id.is_empty() {
        o.client_id = format!("mosq-{}", random_alphanumeric(MAX - 5));
    } else if personality == Personality::Mqtk && o.client_id.chars().count() > MAX {
        return Err(runtime_error(&format!(
            "Error: MQTT 3.1 client ids are at most {MAX} characters; '{}' has {}. Use a shorter -i, \
             or -V 311.",
            o.client_id,
            o.client_id.chars().count()
        )));
    }
    Ok(())
}

/// `n` random letters and digits, from the kernel's random source (or, should that be unreadable,
/// the standard library's per-process random hash keys).
fn random_alphanumeric(n: usize) -> String {
    use std::hash::{BuildHasher, RandomState};
    use std::io::Read;
    const ALPHANUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut bytes = vec![0u8; n];
    let from_kernel =
        std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if from_kernel.is_err() {
        let state = RandomState::new();
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = state.hash_one(i) as u8;
        }
    }
    bytes
        .iter()
        .map(|&b| char::from(ALPHANUM[usize::from(b) % ALPHANUM.len()]))
        .collect()
}

/// The connection flags with the checks mosquitto makes while and right after parsing; the checks it
/// makes later, when it creates the client, are [`runtime_checks`].
pub(super) fn connection_values(
    args: &ConnArgs,
    matches: &ArgMatches,
    scanned: &Scanned,
    props: &PropertySet,
    personality: Personality,
) -> Result<(Options, Option<(String, usize)>), Failure> {
    connection_values_from(args, matches, scanned, props, personality, Protocol::V311)
}

/// [`connection_values`] for a command whose protocol version without `-V` is `default`
/// (mosquitto_rr's is 5).
pub(super) fn connection_values_from(
    args: &ConnArgs,
    matches: &ArgMatches,
    scanned: &Scanned,
    props: &PropertySet,
    personality: Personality,
    default: Protocol,
) -> Result<(Options, Option<(String, usize)>), Failure> {
    let mut o = Options::default();
    super::values::refuse_mqtk_only(personality, args.mqtk_extension())?;
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
                    // mosquitto 2.1 keeps MQTT's ports for WebSockets.
                    let default = match (u.parsed.scheme, personality) {
                        (Scheme::Mqtt | Scheme::Ws, Personality::Mosquitto) | (Scheme::Mqtt, _) => {
                            "1883"
                        }
                        (Scheme::Mqtts | Scheme::Wss, Personality::Mosquitto)
                        | (Scheme::Mqtts, _) => "8883",
                        (Scheme::Ws, _) => "80",
                        (Scheme::Wss, _) => "443",
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
        // In mqtk's ws:// and wss:// URLs the path is the WebSocket path, not a topic; mosquitto
        // 2.1 takes it as the topic (and the WebSocket path is /mqtt).
        if matches!(u.parsed.scheme, Scheme::Mqtt | Scheme::Mqtts)
            || personality == Personality::Mosquitto
        {
            url_topic = Some((u.parsed.topic.clone(), u.position));
        }
    }
    let port_given = match port_text {
        Some(PortText::Given(p)) => Some(port(personality, &p)?),
        Some(PortText::Unix) => Some(0),
        None => None,
    };
    let host = host.unwrap_or_else(|| "localhost".into());
    let t = transport::resolve(
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
        None => default,
    };
    let last_d = scanned.properties.last().map(|p| p.position);
    if let Some(d) = last_d
        && scanned.last_version_position.is_none_or(|v| v < d)
    {
        version = Protocol::V5;
    }
    // mosquitto 2.1: -x also selects v5, unless a later -V says otherwise.
    let last = |id: &str| matches.indices_of(id).and_then(|mut i| i.next_back());
    if let Some(x) = last("session_expiry")
        && last("protocol_version").is_none_or(|v| v < x)
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
            // Set but empty is taken as not set (`MQTK_PASSWORD= cmd`); `-P ''` sends an empty one.
            && !env.is_empty()
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
    if o.protocol == Protocol::V31 {
        mqtt31_client_id(&mut o, personality)?;
    }
    Ok((o, url_topic))
}

/// The checks mosquitto_pub makes once the message is loaded and the topic known, when it creates the
/// client and sets its options (`mosquitto_new`, `client_opts_set`), and what mqtk cannot do yet.
pub(super) fn runtime_checks(args: &ConnArgs, o: &Options) -> Result<(), Failure> {
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
            "Unable to connect (This feature is not supported).",
        ));
    }
    Ok(())
}
