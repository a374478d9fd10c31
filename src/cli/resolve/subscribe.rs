//! `sub` flags to a validated [`crate::cmd::subscribe::Config`], with mosquitto_sub's checks.

use std::io::IsTerminal;
use std::os::unix::ffi::OsStrExt;

use super::Parsed;
use super::codec::decoder;
use super::connection::connection;
use super::output;
use super::values::{qos, runtime_error, timeout, topic_too_long};
use crate::cli::Personality;
use crate::cli::numbers;
use crate::cli::properties;
use crate::cli::subscribe::SubArgs;
use crate::cmd::subscribe::{Config, Stop};
use crate::conn::topic::{self, TopicError};
use crate::conn::{Options, Qos};
use crate::exit::Failure;

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

/// Resolves `sub`.
pub fn subscribe(parsed: &Parsed) -> Result<SubscribeRequest, Failure> {
    let args: SubArgs = parsed.args()?;
    let (matches, scanned, personality) = (parsed.matches, parsed.scanned, parsed.personality);
    super::values::refuse_mqtk_only(personality, args.mqtk_extension())?;
    let props = properties::parse(&scanned.properties, personality)?;
    let (mut conn, url_topic) = connection(&args.conn, matches, scanned, &props, personality)?;
    conn.reconnect = true;

    let qos = match &args.qos {
        Some(q) => qos(personality, "-q", q, false)?,
        None => Qos::AtMostOnce,
    };
    let count = args
        .count
        .as_deref()
        .map(|c| output::count(personality, c))
        .transpose()?;
    let timeout = args
        .timeout
        .as_deref()
        .map(|w| timeout(personality, w))
        .transpose()?;
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
    // mosquitto 2.1: -U alone is enough (unsubscribe, e.g. from a persistent session, and go on).
    if filters.is_empty() && unsubscribe.is_empty() {
        return Err(Failure::usage(
            "Error: You must specify a topic to subscribe to (-t) or unsubscribe from (-U).\n",
        ));
    }
    if args.no_retained && args.retained_only {
        return Err(runtime_error(
            "\nError: Combining '-R' and '--retained-only' makes no sense.",
        ));
    }

    let output = output::output(
        &args.json_output,
        args.print.format.as_ref(),
        args.print.verbose,
        args.print.no_eol,
        personality,
    )?;
    let where_paths = output::where_paths(&args.json_output)?;
    let decoder = decoder(&args.decode)?;
    output::receive_maximum(&mut conn, count);
    let stop = Stop {
        count,
        timeout,
        after_subscribe: args.exit_after_subscribe,
        retained_only: args.retained_only,
    };
    // -R and --retain-handling both set the v5 retain handling; the later one wins, as in mosquitto.
    let last = |id: &str| matches.indices_of(id).and_then(|mut i| i.next_back());
    let mut retain_handling = 0;
    let handling_given = match &args.subscription.retain_handling {
        Some(when) => {
            retain_handling = super::values::retain_handling(when)?;
            last("retain_handling")
        }
        None => None,
    };
    if args.no_retained && last("no_retained") > handling_given {
        retain_handling = 2;
    }
    // mqtk draws the watch screen only on a terminal; mosquitto_sub always does.
    let watch =
        args.watch && (personality == Personality::Mosquitto || std::io::stdout().is_terminal());
    let config = Config {
        filters,
        qos,
        filter_out,
        unsubscribe,
        output,
        verbose: args.print.verbose,
        eol: !args.print.no_eol,
        pretty: args.print.pretty,
        stop,
        no_retained: args.no_retained,
        remove_retained: args.remove_retained,
        retain_as_published: args.subscription.retain_as_published,
        retain_handling,
        message_rate: args.message_rate,
        watch,
        random_filter,
        where_paths,
        strict: args.json_output.strict,
        decoder,
        subscribe_properties: props.subscribe,
        personality,
    };
    Ok(SubscribeRequest { conn, config })
}
