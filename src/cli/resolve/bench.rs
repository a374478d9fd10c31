//! `bench` flags to a validated [`crate::bench::Config`].

use clap::ArgMatches;

use super::connection::connection;
use crate::bench::{Config, Scenario, SeriesFormat};
use crate::cli::Personality;
use crate::cli::argv::{PropertyArg, Scanned};
use crate::cli::bench::BenchArgs;
use crate::cli::properties;
use crate::cli::seconds;
use crate::conn::Qos;
use crate::exit::Failure;

/// Resolves `bench`.
pub fn bench(args: BenchArgs, matches: &ArgMatches) -> Result<Config, Failure> {
    // clap collected each -D as three words.
    let scanned = Scanned {
        properties: args
            .conn
            .property
            .chunks(3)
            .enumerate()
            .map(|(position, words)| PropertyArg {
                position,
                words: words.to_vec(),
            })
            .collect(),
        ..Scanned::default()
    };
    let props = properties::parse(&scanned.properties, Personality::Mqtk)?;
    let (mut conn, _) = connection(&args.conn, matches, &scanned, &props, Personality::Mqtk)?;
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
    if args.pubs > crate::bench::payload::MAX_PUBLISHERS {
        return Err(Failure::usage(format!(
            "Error: --pubs must be at most {} (payloads carry a 16-bit publisher index).\n",
            crate::bench::payload::MAX_PUBLISHERS
        )));
    }
    // Each client holds a connection (and a task) for the whole run, and one machine has at most
    // 65,536 ports to reach a broker address from: more is a typo, not a benchmark.
    for (flag, n) in [("--subs", args.subs), ("--clients", args.clients)] {
        if n > crate::bench::payload::MAX_PUBLISHERS {
            return Err(Failure::usage(format!(
                "Error: {flag} must be at most {} (the ports one machine can reach a broker from).\n",
                crate::bench::payload::MAX_PUBLISHERS
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
        let sample = crate::bench::expand(template, 0, "id");
        if crate::conn::topic::check_filter(sample.as_bytes()).is_err() {
            return Err(Failure::usage(format!(
                "Error: Invalid topic template '{template}'.\n"
            )));
        }
    }
    if crate::conn::topic::check_publish(crate::bench::expand(&args.topic, 0, "id").as_bytes())
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
    let max_size = crate::bench::payload::max_size(&args.topic, args.pubs, &id_prefix);
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
