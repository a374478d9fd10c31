//! `bench` flags to a validated [`crate::cmd::bench::Config`].

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

/// Resolves `bench`.
pub fn bench(parsed: &Parsed) -> Result<Config, Failure> {
    let args: BenchArgs = parsed.args()?;
    let (matches, scanned) = (parsed.matches, parsed.scanned);
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
    let sub_topic = args
        .sub_topic
        .clone()
        .unwrap_or_else(|| args.topic.replace("%i", "+").replace("%c", "+"));
    for template in [&args.topic, &sub_topic] {
        if template.len() > crate::conn::topic::MAX_TOPIC_LEN {
            return Err(Failure::usage(format!(
                "Error: Topic template too long: {} bytes (MQTT allows at most {}).\n",
                template.len(),
                crate::conn::topic::MAX_TOPIC_LEN
            )));
        }
        let sample = crate::cmd::bench::expand(template, 0, "id");
        if crate::conn::topic::check_filter(sample.as_bytes()).is_err() {
            return Err(Failure::usage(format!(
                "Error: Invalid topic template '{template}'.\n"
            )));
        }
    }
    if crate::conn::topic::check_publish(crate::cmd::bench::expand(&args.topic, 0, "id").as_bytes())
        .is_err()
    {
        return Err(Failure::usage(format!(
            "Error: Invalid publish topic template '{}'.\n",
            args.topic
        )));
    }
    let id_prefix = match &args.conn.id_prefix {
        Some(p) => p.clone(),
        None => format!("mqtk-bench-{}", std::process::id()),
    };
    let max_size = crate::cmd::bench::payload::max_size(&args.topic, args.pubs, &id_prefix);
    if args.size > max_size {
        return Err(Failure::usage(format!(
            "Error: --size must be at most {max_size} bytes (the MQTT packet limit, less the topic and headers).\n"
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
        qos: Qos::from_number(i64::from(args.qos)).unwrap_or_default(),
        size: args.size,
        rate,
        topic: args.topic.clone(),
        sub_topic,
        connect_rate,
        id_prefix,
        json: args.json,
        series,
        conn,
    })
}
