//! `bench` flags to a validated [`crate::cmd::bench::Config`].

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Parsed;
use super::connection::{connection_values, runtime_checks};
use crate::cli::Personality;
use crate::cli::bench::BenchArgs;
use crate::cli::conn::ConnArgs;
use crate::cli::properties::{self, PropertySet};
use crate::cli::seconds;
use crate::cmd::bench::{Config, Scenario, SeriesFormat};
use crate::conn::{Protocol, Qos};
use crate::exit::Failure;

/// Connection flags that mean nothing to many generated clients: refused rather than ignored.
fn unused_connection_flags(conn: &ConnArgs) -> Result<(), Failure> {
    let refused = if conn.id.is_some() {
        Some("-i (every client needs its own id; -I sets their prefix)")
    } else if conn.disable_clean_session {
        Some("-c (each run uses new client ids, so there is no session to resume)")
    } else if conn.debug {
        Some("-d (per-packet output from every client would drown the results)")
    } else if conn.trace || conn.trace_format.is_some() {
        Some("--trace (per-packet output from every client would drown the results)")
    } else {
        None
    };
    match refused {
        Some(what) => Err(Failure::usage(format!(
            "Error: mqtk bench does not take {what}.\n"
        ))),
        None => Ok(()),
    }
}

/// The bench's clients send only CONNECT and the will with properties: `-D` for other packets is
/// refused rather than ignored.
fn unused_properties(props: &PropertySet) -> Result<(), Failure> {
    let unused = [
        ("publish", &props.publish),
        ("subscribe", &props.subscribe),
        ("unsubscribe", &props.unsubscribe),
        ("disconnect", &props.disconnect),
    ];
    match unused.iter().find(|(_, p)| !p.is_empty()) {
        Some((packet, _)) => Err(Failure::usage(format!(
            "Error: mqtk bench sends properties only in CONNECT and the will, not -D {packet}.\n"
        ))),
        None => Ok(()),
    }
}

/// `bench merge` reads files and prints: any flag but --json would be ignored, so it is refused.
fn merge_flags(matches: &clap::ArgMatches, args: &BenchArgs) -> Result<Vec<PathBuf>, Failure> {
    if args.files.is_empty() {
        return Err(Failure::usage(
            "Error: mqtk bench merge needs the --json summaries to merge.\n",
        ));
    }
    let given = matches.ids().map(|id| id.as_str()).find(|id| {
        !["scenario", "files", "json"].contains(id)
            && matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
    });
    match given {
        Some(id) => Err(Failure::usage(format!(
            "Error: mqtk bench merge takes only FILE... and --json, not {}.\n",
            id.replace('_', "-")
        ))),
        None => Ok(args.files.clone()),
    }
}

/// `--start-at`: an RFC 3339 time, or `+SECONDS` from now.
fn start_at(text: &str) -> Result<SystemTime, Failure> {
    let bad = || {
        Failure::usage(format!(
            "Error: --start-at takes an RFC 3339 time (2026-12-07T01:00:00Z) or +SECONDS, got '{text}'.\n"
        ))
    };
    if let Some(seconds) = text.strip_prefix('+') {
        let s: f64 = seconds.parse().map_err(|_| bad())?;
        if !(s.is_finite() && (0.0..=86_400.0).contains(&s)) {
            return Err(bad());
        }
        return Ok(SystemTime::now() + Duration::from_secs_f64(s));
    }
    let t = chrono::DateTime::parse_from_rfc3339(text).map_err(|_| bad())?;
    let ns = t
        .timestamp_nanos_opt()
        .filter(|ns| *ns >= 0)
        .ok_or_else(bad)?;
    Ok(UNIX_EPOCH + Duration::from_nanos(ns as u64))
}

/// `--ifaddr A,B,C`, or `-A` with a list of addresses (and no proxy): bound directly in each
/// connection instead of going through `-A`'s relay, which costs two more sockets per connection.
fn source_addresses(
    args: &BenchArgs,
    conn: &mut crate::conn::Options,
) -> Result<Vec<std::net::IpAddr>, Failure> {
    if !args.ifaddr.is_empty() {
        if conn.endpoint.bind.is_some() {
            return Err(Failure::usage(
                "Error: give the source addresses with -A or --ifaddr, not both.\n",
            ));
        }
        return Ok(args.ifaddr.clone());
    }
    let listed = conn
        .endpoint
        .bind
        .as_deref()
        .filter(|_| conn.endpoint.proxy.is_none())
        .map(|list| {
            list.split(',')
                .map(str::parse)
                .collect::<Result<Vec<_>, _>>()
        });
    match listed {
        Some(Ok(addrs)) => {
            conn.endpoint.bind = None;
            Ok(addrs)
        }
        // A host name (or a proxy): -A as everywhere else.
        _ => Ok(Vec::new()),
    }
}

/// The largest `--payload-file` read (a template, not a data set).
const MAX_TEMPLATE_FILE: u64 = 16 * 1024 * 1024;

/// `--payload` / `--payload-file`, parsed.
fn payload_template(
    args: &BenchArgs,
) -> Result<Option<crate::cmd::bench::template::Template>, Failure> {
    let text = match (&args.payload, &args.payload_file) {
        (Some(t), _) => t.as_bytes().to_vec(),
        (None, Some(path)) => {
            let bad = |e: String| {
                Failure::usage(format!(
                    "Error: cannot use --payload-file {}: {e}.\n",
                    path.display()
                ))
            };
            let len = std::fs::metadata(path)
                .map_err(|e| bad(e.to_string()))?
                .len();
            if len > MAX_TEMPLATE_FILE {
                return Err(bad(format!("it is larger than {MAX_TEMPLATE_FILE} bytes")));
            }
            std::fs::read(path).map_err(|e| bad(e.to_string()))?
        }
        (None, None) => return Ok(None),
    };
    crate::cmd::bench::template::Template::parse(&text)
        .map(Some)
        .map_err(|e| Failure::usage(format!("Error: --payload: {e}.\n")))
}

/// Resolves `bench`.
pub fn bench(parsed: &Parsed) -> Result<Config, Failure> {
    let args: BenchArgs = parsed.args()?;
    let (matches, scanned) = (parsed.matches, parsed.scanned);
    let merge = if args.scenario == "merge" {
        merge_flags(matches, &args)?
    } else if !args.files.is_empty() {
        return Err(Failure::usage(format!(
            "Error: unexpected argument '{}' (files are for mqtk bench merge).\n",
            args.files[0].display()
        )));
    } else {
        Vec::new()
    };
    let start_at = args.start_at.as_deref().map(start_at).transpose()?;
    let payload = payload_template(&args)?;
    let churn = args
        .churn
        .map(|r| seconds::rate("--churn", r))
        .transpose()?;
    if churn.is_some() && (args.scenario != "conn" || args.duration.is_none()) {
        return Err(Failure::usage(
            "Error: --churn is for bench conn --duration (connections held open).\n",
        ));
    }
    unused_connection_flags(&args.conn)?;
    let props = properties::parse(&scanned.properties, Personality::Mqtk)?;
    unused_properties(&props)?;
    let (mut conn, _) = connection_values(&args.conn, matches, scanned, &props, Personality::Mqtk)?;
    // A -V after -D selects that version (as documented), and v3 has no properties to send them in.
    let v5_only = !conn.connect_properties.is_empty()
        || conn.will.as_ref().is_some_and(|w| !w.properties.is_empty());
    if v5_only && conn.protocol != Protocol::V5 {
        return Err(Failure::usage(
            "Error: -D properties need MQTT v5, but a -V after them selects an older version.\n",
        ));
    }
    runtime_checks(&args.conn, &conn)?;
    let ifaddrs = source_addresses(&args, &mut conn)?;
    // Always TCP_NODELAY: with Nagle's algorithm a small publish waits for the broker to acknowledge
    // the previous segment, and with delayed ACKs that adds up to 40 ms to latencies that would then
    // measure the client's TCP stack, not the broker. At full load it costs no throughput (the socket
    // buffer is never empty, so segments are full anyway).
    conn.nodelay = true;
    if let Some(n) = args.inflight {
        if n == 0 {
            return Err(Failure::usage("Error: --inflight must be at least 1.\n"));
        }
        conn.inflight = n;
    }
    let scenario = match args.scenario.as_str() {
        "pub" => Scenario::Pub,
        "sub" => Scenario::Sub,
        "conn" => Scenario::Conn,
        _ => Scenario::PubSub,
    };
    if args.pubs == 0 && matches!(scenario, Scenario::PubSub | Scenario::Pub) {
        return Err(Failure::usage("Error: --pubs must be at least 1.\n"));
    }
    if args.pubs > crate::cmd::bench::payload::MAX_PUBLISHERS {
        return Err(Failure::usage(format!(
            "Error: --pubs must be at most {} (payloads carry a 16-bit publisher index).\n",
            crate::cmd::bench::payload::MAX_PUBLISHERS
        )));
    }
    // Each client holds a connection (and a task) for the whole run, and one machine has at most
    // 65,536 ports to reach a broker address from: more is a typo, not a benchmark.
    for (flag, n) in [("--subs", args.subs), ("--clients", args.clients)] {
        if n > crate::cmd::bench::payload::MAX_PUBLISHERS {
            return Err(Failure::usage(format!(
                "Error: {flag} must be at most {} (the ports one machine can reach a broker from).\n",
                crate::cmd::bench::payload::MAX_PUBLISHERS
            )));
        }
    }
    if args.subs == 0 && matches!(scenario, Scenario::PubSub | Scenario::Sub) {
        return Err(Failure::usage("Error: --subs must be at least 1.\n"));
    }
    if args.clients == 0 && scenario == Scenario::Conn {
        return Err(Failure::usage("Error: --clients must be at least 1.\n"));
    }
    if args.count == Some(0) {
        return Err(Failure::usage("Error: --count must be at least 1.\n"));
    }
    let duration = seconds::seconds("--duration", args.duration.unwrap_or(10.0), false)?;
    let warmup = seconds::seconds(
        "--warmup",
        args.warmup
            .unwrap_or(if args.count.is_some() { 0.0 } else { 1.0 }),
        true,
    )?;
    let rate = args.rate.map(|r| seconds::rate("--rate", r)).transpose()?;
    let connect_rate = args
        .connect_rate
        .map(|r| seconds::rate("--connect-rate", r))
        .transpose()?;
    if args.topics == 0 || u64::from(args.topics) * u64::from(args.pubs.max(1)) > 1_000_000 {
        return Err(Failure::usage(
            "Error: --topics must be at least 1, and --topics × --pubs at most 1000000.\n",
        ));
    }
    let topic = crate::cmd::bench::topics_template(&args.topic, args.topics);
    let sub_topic = args.sub_topic.clone().unwrap_or_else(|| {
        topic
            .replace("%i", "+")
            .replace("%c", "+")
            .replace("%t", "+")
    });
    for template in [&topic, &sub_topic] {
        if template.len() > crate::conn::topic::MAX_TOPIC_LEN {
            return Err(Failure::usage(format!(
                "Error: Topic template too long: {} bytes (MQTT allows at most {}).\n",
                template.len(),
                crate::conn::topic::MAX_TOPIC_LEN
            )));
        }
        let sample = crate::cmd::bench::expand(template, 0, "id").replace("%t", "0");
        if crate::conn::topic::check_filter(sample.as_bytes()).is_err() {
            return Err(Failure::usage(format!(
                "Error: Invalid topic template '{template}'.\n"
            )));
        }
    }
    let sample = crate::cmd::bench::expand(&topic, 0, "id").replace("%t", "0");
    if crate::conn::topic::check_publish(sample.as_bytes()).is_err() {
        return Err(Failure::usage(format!(
            "Error: Invalid publish topic template '{}'.\n",
            args.topic
        )));
    }
    let id_prefix = match &args.conn.id_prefix {
        Some(p) => p.clone(),
        None => format!("mqtk-bench-{}", std::process::id()),
    };
    // A --payload template always starts with the header (its sequence number and send time are
    // what `{seq}` and `{ts}` fill in), so its size is the header and the template's literal bytes.
    let size = payload.as_ref().map_or(args.size, |t| {
        crate::cmd::bench::payload::HEADER + t.literal_len()
    });
    let max_size = crate::cmd::bench::payload::max_size(&topic, args.pubs, &id_prefix);
    if size > max_size {
        let flag = if payload.is_some() {
            "--payload"
        } else {
            "--size"
        };
        return Err(Failure::usage(format!(
            "Error: {flag} must be at most {max_size} bytes (the MQTT packet limit, less the topic and headers).\n"
        )));
    }
    let series = args.series.clone().map(|p| {
        let format = if args.series_format == "ndjson" {
            SeriesFormat::Ndjson
        } else {
            SeriesFormat::Csv
        };
        (p, format)
    });
    Ok(Config {
        scenario,
        pubs: args.pubs,
        subs: args.subs,
        clients: args.clients,
        count: args.count,
        duration,
        warmup,
        qos: Qos::from_number(i64::from(
            args.qos_mix.iter().copied().max().unwrap_or(args.qos),
        ))
        .unwrap_or_default(),
        qos_mix: args
            .qos_mix
            .iter()
            .map(|&q| Qos::from_number(i64::from(q)).unwrap_or_default())
            .collect(),
        size,
        rate,
        topic,
        topics: args.topics,
        sub_topic,
        connect_rate,
        id_prefix,
        json: args.json,
        series,
        conn,
        merge,
        start_at,
        hold: (scenario == Scenario::Conn && args.duration.is_some()).then_some(duration),
        payload: payload.map(std::sync::Arc::new),
        churn,
        ifaddrs,
        prometheus: args.prometheus,
    })
}
