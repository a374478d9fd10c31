//! `sub` flags to a validated [`crate::cmd::subscribe::Config`], with mosquitto_sub's checks.

use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use clap::ArgMatches;

use super::connection::connection;
use super::values::{qos, runtime_error, topic_too_long};
use crate::cli::Personality;
use crate::cli::argv::Scanned;
use crate::cli::properties;
use crate::cli::subscribe::SubArgs;
use crate::cli::{numbers, seconds};
use crate::cmd::subscribe::{Config, Output, Stop};
use crate::conn::topic::{self, TopicError};
use crate::conn::{Options, Property, Protocol, Qos};
use crate::exit::Failure;
use crate::format::Format;
use crate::jsonpath::Path;

/// A validated `sub` invocation.
#[derive(Debug)]
pub struct SubscribeRequest {
    pub conn: Options,
    pub config: Config,
}

/// Checks one filter given with `flag` (`-t`, `-T`, `-U`) and says what mosquitto says.
fn filter(
    personality: Personality,
    bytes: &[u8],
    flag: &str,
    kind: &str,
) -> Result<String, Failure> {
    match topic::check_filter(bytes) {
        Ok(f) => Ok(f.to_string()),
        Err(TopicError::TooLong(len)) => Err(topic_too_long(personality, flag, len)),
        Err(TopicError::MalformedUtf8) => Err(Failure::usage(format!(
            "Error: Malformed UTF-8 in {flag} argument.\n\n"
        ))),
        // mosquitto_sub accepts '' and then hangs reconnecting; an error is the only useful answer.
        Err(TopicError::Invalid) | Err(TopicError::Empty) => Err(Failure::usage(format!(
            "Error: Invalid {kind} topic '{}', are all '+' and '#' wildcards correct?\n",
            String::from_utf8_lossy(bytes)
        ))),
    }
}

/// Output options that would silently lose to another: `--json` prints whole messages, one object
/// per line, so `--json-path`, `-F`, `-v` and `-N` would be ignored; `--json-path` replaces `-F`.
fn output_conflict(args: &SubArgs) -> Result<(), Failure> {
    let json_with = [
        (!args.json_path.is_empty(), "--json-path"),
        (args.format.is_some(), "-F"),
        (args.verbose, "-v"),
        (args.no_eol, "-N"),
    ];
    let clash = match json_with.iter().find(|(given, _)| *given) {
        Some((_, other)) if args.json => Some(("--json", *other)),
        _ if !args.json_path.is_empty() && args.format.is_some() => Some(("--json-path", "-F")),
        _ => None,
    };
    match clash {
        Some((a, b)) => Err(Failure::usage(format!(
            "Error: {a} and {b} cannot be combined: each sets what is printed.\n"
        ))),
        None => Ok(()),
    }
}

fn json_path(text: &str) -> Result<Path, Failure> {
    Path::parse(text).map_err(|e| Failure::usage(format!("Error: {e}\n")))
}

/// Resolves `sub`.
pub fn subscribe(
    args: SubArgs,
    matches: &ArgMatches,
    scanned: &Scanned,
    personality: Personality,
) -> Result<SubscribeRequest, Failure> {
    if personality == Personality::Mosquitto
        && let Some(flag) = args.mqtk_extension()
    {
        return Err(Failure::usage(format!("Error: Unknown option '{flag}'.\n")));
    }
    let props = properties::parse(&scanned.properties, personality)?;
    let (mut conn, url_topic) = connection(&args.conn, matches, scanned, &props, personality)?;
    conn.reconnect = true;

    let qos = match &args.qos {
        Some(q) => qos(personality, "-q", q, false)?,
        None => Qos::AtMostOnce,
    };
    let count = match &args.count {
        Some(c) => {
            let n = numbers::int(personality, "-C", c)?;
            if n < 1 {
                return Err(Failure::usage(format!(
                    "Error: Invalid message count \"{n}\".\n\n"
                )));
            }
            Some(n as u64)
        }
        None => None,
    };
    let timeout = match &args.timeout {
        Some(w) => {
            let n = numbers::int(personality, "-W", w)?;
            if n < 1 {
                return Err(Failure::usage(format!(
                    "Error: Invalid timeout \"{n}\".\n\n"
                )));
            }
            // atoi keeps mosquitto's -W below 2^31 s; mqtk's i64 could overflow the deadline.
            Some(match personality {
                Personality::Mosquitto => Duration::from_secs(n as u64),
                Personality::Mqtk => seconds::seconds("-W", n as f64, false)?,
            })
        }
        None => None,
    };
    let random_filter = match &args.random_filter {
        Some(p) => {
            let value = numbers::float(personality, "--random-filter", p)?;
            let tenths = (value * 10.0) as i64;
            if !(1..=10_000).contains(&tenths) {
                return Err(Failure::usage(
                    "Error: --random-filter chance must be between 0.1-100.0\n\n",
                ));
            }
            // mosquitto keeps a message when random() % 10000 < 10 × P, i.e. P/1000 (quirk); mqtk keeps
            // P percent as documented.
            Some(match personality {
                Personality::Mosquitto => tenths as f64 / 10_000.0,
                Personality::Mqtk => (value / 100.0).min(1.0),
            })
        }
        None => None,
    };

    let mut filters = Vec::new();
    for t in &args.topic {
        filters.push(filter(personality, t.as_bytes(), "-t", "subscription")?);
    }
    if let Some((t, _)) = url_topic {
        filters.push(filter(
            personality,
            t.as_bytes(),
            "-L topic",
            "subscription",
        )?);
    }
    let filter_out = args
        .filter_out
        .iter()
        .map(|t| filter(personality, t.as_bytes(), "-T", "filter"))
        .collect::<Result<Vec<_>, _>>()?;
    let unsubscribe = args
        .unsubscribe
        .iter()
        .map(|t| filter(personality, t.as_bytes(), "-U", "unsubscribe"))
        .collect::<Result<Vec<_>, _>>()?;
    if filters.is_empty() {
        return Err(Failure::usage(
            "Error: You must specify a topic to subscribe to.\n",
        ));
    }
    if args.no_retained && args.retained_only {
        return Err(runtime_error(
            "\nError: Combining '-R' and '--retained-only' makes no sense.",
        ));
    }

    output_conflict(&args)?;
    let output = if args.json {
        Output::Ndjson
    } else if !args.json_path.is_empty() {
        Output::JsonPath(
            args.json_path
                .iter()
                .map(|p| json_path(p))
                .collect::<Result<_, _>>()?,
        )
    } else if let Some(f) = &args.format {
        Output::Format(Format::parse(f.as_bytes(), personality)?)
    } else {
        Output::Plain {
            verbose: args.verbose,
        }
    };
    let where_paths = args
        .where_path
        .iter()
        .map(|p| json_path(p))
        .collect::<Result<Vec<_>, _>>()?;

    // libmosquitto sets the v5 receive maximum to -C when it is below 20.
    if conn.protocol == Protocol::V5
        && let Some(n) = count.filter(|&n| n < 20)
        && !conn
            .connect_properties
            .0
            .iter()
            .any(|p| matches!(p, Property::ReceiveMaximum(_)))
    {
        conn.connect_properties
            .0
            .push(Property::ReceiveMaximum(n as u16));
    }
    let stop = Stop {
        count,
        timeout,
        after_subscribe: args.exit_after_subscribe,
        retained_only: args.retained_only,
    };
    let config = Config {
        filters,
        qos,
        filter_out,
        unsubscribe,
        output,
        verbose: args.verbose,
        eol: !args.no_eol,
        pretty: args.pretty,
        stop,
        no_retained: args.no_retained,
        remove_retained: args.remove_retained,
        retain_as_published: args.retain_as_published,
        random_filter,
        where_paths,
        strict: args.strict,
        subscribe_properties: props.subscribe,
        personality,
    };
    Ok(SubscribeRequest { conn, config })
}
