//! `rr` flags to a validated [`crate::cmd::rr::Config`], with mosquitto_rr's checks in its order:
//! each value as it is parsed (done by `argv::scan`), then loading `-f`/`-s`, then "All of topic,
//! message, and response topic must be supplied", then the PUBLISH properties.

use std::os::unix::ffi::OsStrExt;

use super::Parsed;
use super::codec::decoder;
use super::connection::{connection_values_from, runtime_checks};
use super::output;
use super::values::{
    hushed, payload, qos, request_topic, response_topic, retain_handling, timeout,
};
use crate::cli::Personality;
use crate::cli::properties;
use crate::cli::rr::RrArgs;
use crate::cmd::rr::Config;
use crate::conn::{Options, Property, Protocol, Qos};
use crate::exit::{Code, Failure};

/// A validated `rr` invocation.
#[derive(Debug)]
pub struct RrRequest {
    pub conn: Options,
    pub config: Config,
}

/// Resolves `rr`.
pub fn rr(parsed: &Parsed) -> Result<RrRequest, Failure> {
    let args: RrArgs = parsed.args()?;
    let (matches, scanned, personality) = (parsed.matches, parsed.scanned, parsed.personality);
    super::values::refuse_mqtk_only(personality, args.mqtk_extension())?;
    let quiet = args.conn.quiet;
    let hush = hushed(quiet);
    let props = properties::parse_lists(&scanned.properties, personality)?;
    let (mut conn, url_topic) = connection_values_from(
        &args.conn,
        matches,
        scanned,
        &props,
        personality,
        Protocol::V5,
    )?;

    let qos = match &args.qos {
        Some(q) => qos(personality, "-q", q, false)?,
        None => Qos::AtMostOnce,
    };
    let timeout = args
        .timeout
        .as_deref()
        .map(|w| timeout(personality, w))
        .transpose()?;
    let count = match &args.count {
        Some(c) => output::count(personality, c)?,
        None => 1,
    };
    let handling = args
        .subscription
        .retain_handling
        .as_deref()
        .map(retain_handling)
        .transpose()?;

    // The topic: the later of -t and -L.
    let topic = match (&args.request_topic, url_topic) {
        (Some(_), Some((u, upos)))
            if matches.index_of("request_topic").is_none_or(|i| i < upos) =>
        {
            Some(request_topic(personality, u.as_bytes(), "-L topic")?)
        }
        (Some(t), _) => Some(request_topic(personality, t.as_bytes(), "-t")?),
        (None, Some((u, _))) => Some(request_topic(personality, u.as_bytes(), "-L topic")?),
        (None, None) => None,
    };
    let response = args
        .response_topic
        .as_ref()
        .map(|e| response_topic(personality, e.as_bytes()))
        .transpose()?;

    // mosquitto_rr reads -f and -s before it checks that everything is there.
    let payload = payload(&args.payload, &hush)?;
    let (Some(topic), Some(payload), Some(response_topic)) = (topic, payload, response) else {
        return Err(Failure::usage(
            "Error: All of topic, message, and response topic must be supplied.\n",
        ));
    };
    // mosquitto_rr adds the response topic itself: one given with -D is a duplicate.
    if props
        .publish
        .0
        .iter()
        .any(|p| matches!(p, Property::ResponseTopic(_)))
    {
        return Err(hush(Failure::code(
            Code::Error,
            "Error in PUBLISH properties: Duplicate response topic.\n",
        )));
    }
    let expiry = conn
        .session_expiry
        .filter(|_| conn.protocol == Protocol::V5);
    if let Err(text) = props.check(expiry) {
        return Err(Failure::usage(if quiet { String::new() } else { text }));
    }
    runtime_checks(&args.conn, &conn).map_err(hush)?;
    if personality == Personality::Mqtk
        && !props.publish.is_empty()
        && conn.protocol != Protocol::V5
    {
        return Err(Failure::usage(
            "Error: -D properties need MQTT v5, but a -V after them selects an older version.\n",
        ));
    }

    output::receive_maximum(&mut conn, Some(count));
    // --latency turns Nagle's algorithm off, as in mosquitto_rr.
    conn.nodelay |= args.latency;

    let where_paths = output::where_paths(&args.json_output)?;
    let decoder = decoder(&args.decode)?;
    // -R asks a v5 broker for no retained messages at all.
    let retain_handling = if args.no_retained {
        2
    } else {
        handling.unwrap_or(0)
    };
    let config = Config {
        topic,
        response_topic,
        payload,
        qos,
        properties: props.publish,
        subscribe_properties: props.subscribe,
        retain_handling,
        retain_as_published: args.subscription.retain_as_published,
        no_retained: args.no_retained,
        output: output::output(
            &args.json_output,
            args.print.format.as_ref(),
            args.print.verbose,
            args.print.no_eol,
            personality,
        )?,
        verbose: args.print.verbose,
        eol: !args.print.no_eol,
        pretty: args.print.pretty,
        where_paths,
        strict: args.json_output.strict,
        decoder,
        count,
        timeout,
        latency: args.latency,
        personality,
    };
    Ok(RrRequest { conn, config })
}
