//! Runs a bench scenario: connects the clients, runs publishers and subscribers on one shared clock,
//! drains, and turns what they saw into a [`Report`].

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use super::clock::Clock;
use super::config::{Config, Scenario, SeriesFormat, expand};
use super::connect::{self, Pacer, client_options};
use super::counters::Counters;
use super::paced;
use super::payload;
use super::progress::{self, Progress};
use super::publisher::{self, PubResult, Schedule};
use super::report::{ConfigReport, Environment, Report};
use super::stats::{self, Latency};
use super::subscriber::{self, Listen, SubResult, Window};
use super::verdict;
use crate::conn::{ConnectFailure, Exceeded, Protocol, Qos, Session, topic};

/// How long subscribers may stay silent at the end before the missing messages count as lost.
const DRAIN_IDLE: Duration = Duration::from_secs(2);

fn merge(into: &mut Histogram<u64>, from: &Histogram<u64>) {
    let _ = into.add(from);
}

/// Connects `n` clients (paced) with ids `<prefix>-<role>-<i>`.
async fn connect_all(
    cfg: &Config,
    role: &str,
    n: u32,
    want_events: bool,
    pacer: &Pacer,
) -> Vec<Result<Session, ConnectFailure>> {
    let mut tasks = Vec::new();
    for i in 0..n {
        pacer.wait(i).await;
        let opts = client_options(&cfg.conn, format!("{}-{role}-{i}", cfg.id_prefix), false);
        tasks.push(tokio::spawn(Session::connect(opts, want_events, None)));
    }
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.unwrap_or(Err(ConnectFailure::Lost)));
    }
    out
}

fn protocol_name(p: Protocol) -> String {
    match p {
        Protocol::V5 => "5".into(),
        _ => "3.1.1".into(),
    }
}

fn base_report(cfg: &Config) -> Report {
    let config = ConfigReport {
        scenario: cfg.scenario,
        pubs: cfg.pubs,
        subs: cfg.subs,
        clients: cfg.clients,
        qos: cfg.qos.number(),
        size: cfg.size,
        count: cfg.count,
        duration_s: cfg.count.is_none().then_some(cfg.duration.as_secs_f64()),
        warmup_s: cfg.warmup.as_secs_f64(),
        rate: cfg.rate,
        inflight: cfg.conn.inflight,
        topic: cfg.topic.clone(),
        sub_topic: cfg.sub_topic.clone(),
        protocol: protocol_name(cfg.conn.protocol),
    };
    let environment = Environment {
        version: env!("CARGO_PKG_VERSION").into(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        broker: format!("{}:{}", cfg.conn.endpoint.host, cfg.conn.endpoint.port),
    };
    Report {
        complete: true,
        error: None,
        unsent: 0,
        unconfirmed: 0,
        sent: 0,
        acked: 0,
        received: 0,
        lost: 0,
        duplicated: 0,
        out_of_order: 0,
        refused: 0,
        connect_failures: 0,
        connection_losses: 0,
        msgs_per_s: 0.0,
        mb_per_s: 0.0,
        offered_msgs_per_s: cfg.rate,
        publish_msgs_per_s: 0.0,
        latency_us: Latency::default(),
        ack_latency_us: Latency::default(),
        generator_lag_us: Latency::default(),
        cpu_percent: 0.0,
        window_s: 0.0,
        rate_window_s: 0.0,
        warnings: Vec::new(),
        config,
        environment,
    }
}

/// Why a client could not take part, for the report.
fn describe(failure: &ConnectFailure) -> String {
    let text = failure.to_failure(false).text;
    text.trim().trim_start_matches("Error: ").to_string()
}

/// Counts a client that could not connect or subscribe; the first reason becomes a warning.
fn connect_failed(report: &mut Report, failure: &ConnectFailure) {
    if report.connect_failures == 0 {
        report.warnings.push(format!(
            "a client could not connect or subscribe: {}",
            describe(failure)
        ));
    }
    report.connect_failures += 1;
}

/// Runs the configured scenario and returns its report, or why the broker rules the run out (a QoS
/// above the maximum in its v5 CONNACK).
pub async fn run(cfg: &Config) -> Result<Report, Exceeded> {
    let cpu_before = stats::process_cpu_seconds().unwrap_or(0.0);
    let wall = Instant::now();
    let mut report = base_report(cfg);
    if cfg.scenario == Scenario::Conn {
        let r = connect::bench_conn(&cfg.conn, cfg.clients, &cfg.id_prefix, cfg.connect_rate).await;
        report.connect_failures = r.failed;
        report.latency_us = stats::summarize(&r.latency);
        report.window_s = r.elapsed.as_secs_f64();
        report.rate_window_s = report.window_s;
        report.msgs_per_s = stats::rate(r.connected, report.window_s);
        if let Some(first) = &r.first_failure {
            report.warnings.push(format!(
                "{} connections failed; the first: {}",
                r.failed,
                describe(first)
            ));
        }
        finish_cpu(&mut report, cpu_before, wall);
        verdict::judge(cfg, &mut report);
        return Ok(report);
    }

    let origin = Instant::now();
    let counters = Arc::new(Counters::default());
    let pacer = Pacer::new(cfg.connect_rate);
    let pubs = if cfg.scenario == Scenario::Sub {
        0
    } else {
        cfg.pubs
    };
    let subs = if cfg.scenario == Scenario::Pub {
        0
    } else {
        cfg.subs
    };

    // Subscribers first, each confirmed by its SUBACK, so nothing published is missed.
    let mut sub_sessions = Vec::new();
    let mut sub_filters = Vec::new();
    for (i, s) in connect_all(cfg, "sub", subs, true, &pacer)
        .await
        .into_iter()
        .enumerate()
    {
        let id = format!("{}-sub-{i}", cfg.id_prefix);
        let filter = expand(&cfg.sub_topic, i as u32, &id);
        let subscribed = match s {
            Ok(mut session) => subscriber::subscribe(&mut session, &filter, cfg.qos)
                .await
                .map(|()| session),
            Err(failure) => Err(failure),
        };
        match subscribed {
            Ok(session) => {
                sub_sessions.push(session);
                sub_filters.push(filter);
            }
            Err(failure) => connect_failed(&mut report, &failure),
        }
    }
    let mut pub_sessions = Vec::new();
    let mut pub_topics = Vec::new();
    for (i, s) in connect_all(cfg, "pub", pubs, cfg.qos != Qos::AtMostOnce, &pacer)
        .await
        .into_iter()
        .enumerate()
    {
        let id = format!("{}-pub-{i}", cfg.id_prefix);
        match s {
            Ok(session) => {
                pub_sessions.push((i as u32, session));
                pub_topics.push((i as u32, expand(&cfg.topic, i as u32, &id)));
            }
            Err(failure) => connect_failed(&mut report, &failure),
        }
    }
    // The broker would drop each publisher's connection at its first message: say why instead.
    let exceeded = pub_sessions
        .iter()
        .find_map(|(_, s)| s.limits().check(cfg.qos, false).err());
    if let Some(exceeded) = exceeded {
        connect::close(sub_sessions).await;
        connect::close(pub_sessions.into_iter().map(|(_, s)| s)).await;
        return Err(exceeded);
    }

    // In `bench sub`, --count is the number of messages to receive in total.
    let (publish_count, limit) = match cfg.scenario {
        Scenario::Sub => (None, cfg.count),
        _ => (cfg.count, None),
    };
    let clock = Clock::new(
        origin,
        Instant::now(),
        cfg.warmup,
        cfg.count.is_none().then_some(cfg.duration),
    );
    let per_pub_rate = cfg
        .rate
        .map(|r| r / f64::from(pub_sessions.len().max(1) as u32));
    let schedule = Schedule {
        count: publish_count,
        interval: per_pub_rate.map(|r| Duration::from_secs_f64(1.0 / r)),
    };
    let progress = Progress::start(counters.clone(), cfg.json);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let listen = Listen {
        clock,
        counters: counters.clone(),
        window: if cfg.scenario == Scenario::Sub {
            Window::Arrival
        } else {
            Window::Intended
        },
        limit,
        done: Arc::new(tokio::sync::Notify::new()),
        ended: Arc::new(std::sync::atomic::AtomicUsize::new(0)),
        sequenced: payload::sequenced(cfg.size),
    };
    let sub_count = sub_sessions.len();
    let sub_tasks: Vec<_> = sub_sessions
        .into_iter()
        .map(|s| tokio::spawn(subscriber::run(s, listen.clone(), stop_rx.clone())))
        .collect();
    let mut senders = Vec::new();
    let mut pub_tasks = Vec::new();
    for ((i, session), (_, topic)) in pub_sessions.into_iter().zip(&pub_topics) {
        let job = publisher::Job {
            index: i,
            topic: topic.clone(),
            qos: cfg.qos,
            size: cfg.size,
            schedule,
            clock,
            counters: counters.clone(),
        };
        let (sender, acks) = publisher::prepare(session, job);
        senders.push(sender);
        pub_tasks.push(tokio::spawn(publisher::run(acks)));
    }
    if cfg.rate.is_some() {
        if let Err(e) = paced::start(senders) {
            report
                .warnings
                .push(format!("could not start the pacing thread: {e}"));
        }
    } else {
        for sender in senders {
            tokio::spawn(sender.run());
        }
    }

    let mut pub_results: Vec<(u32, PubResult)> = Vec::new();
    for (task, (i, _)) in pub_tasks.into_iter().zip(pub_topics.iter()) {
        if let Ok(r) = task.await {
            pub_results.push((*i, r));
        }
    }

    let stopped = if cfg.scenario == Scenario::Sub {
        listen_until_done(&listen, sub_count).await
    } else {
        drain(&pub_results, &pub_topics, &sub_filters, &listen, sub_count).await;
        Instant::now()
    };
    let _ = stop_tx.send(true);
    let mut sub_results: Vec<SubResult> = Vec::new();
    for t in sub_tasks {
        if let Ok(r) = t.await {
            sub_results.push(r);
        }
    }
    let series = progress.finish().await;
    if let Some((path, format)) = &cfg.series
        && let Err(e) = progress::write_series(path, &series, *format == SeriesFormat::Csv)
    {
        report.warnings.push(format!(
            "could not write the series to {}: {e}",
            path.display()
        ));
    }

    aggregate(
        cfg,
        &mut report,
        &clock,
        stopped,
        &pub_results,
        &pub_topics,
        &sub_results,
        &sub_filters,
    );
    finish_cpu(&mut report, cpu_before, wall);
    warn(cfg, &mut report);
    verdict::judge(cfg, &mut report);
    Ok(report)
}

/// `bench sub`: listens for the whole window, until `--count` messages have arrived, until every
/// subscriber's connection has ended, or until Ctrl-C; returns when it stopped.
async fn listen_until_done(listen: &Listen, subscribers: usize) -> Instant {
    // Nobody could subscribe (each is counted as a failure): nothing to listen for.
    if subscribers == 0 {
        return Instant::now();
    }
    let ended = async {
        loop {
            listen.done.notified().await;
            let reached = listen
                .limit
                .is_some_and(|l| listen.counters.received.load(Ordering::Relaxed) >= l);
            let lost = listen.ended.load(Ordering::Relaxed) >= subscribers;
            if reached || lost {
                return;
            }
        }
    };
    let window_end = async {
        match listen.clock.end {
            Some(end) => tokio::time::sleep_until(end.into()).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        () = ended => {}
        () = window_end => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Instant::now()
}

/// Waits until the subscribers have seen everything they should, or have been silent for
/// [`DRAIN_IDLE`] (what is still missing then counts as lost).
async fn drain(
    pub_results: &[(u32, PubResult)],
    pub_topics: &[(u32, String)],
    sub_filters: &[String],
    listen: &Listen,
    subscribers: usize,
) {
    let counters = &listen.counters;
    let expected: u64 = sub_filters
        .iter()
        .map(|f| {
            pub_results
                .iter()
                .zip(pub_topics)
                .filter(|(_, (_, t))| topic::matches(f, t))
                .map(|((_, r), _)| r.sent)
                .sum::<u64>()
        })
        .sum();
    let mut last = (counters.received.load(Ordering::Relaxed), Instant::now());
    // Subscribers whose connection has ended receive nothing more: no use waiting for them.
    while counters.received.load(Ordering::Relaxed) < expected
        && listen.ended.load(Ordering::Relaxed) < subscribers
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let now = counters.received.load(Ordering::Relaxed);
        if now != last.0 {
            last = (now, Instant::now());
        } else if last.1.elapsed() > DRAIN_IDLE {
            break;
        }
    }
}

/// Turns what the clients saw into the report's counts, rates and latencies.
#[allow(clippy::too_many_arguments)]
fn aggregate(
    cfg: &Config,
    report: &mut Report,
    clock: &Clock,
    stopped: Instant,
    pub_results: &[(u32, PubResult)],
    pub_topics: &[(u32, String)],
    sub_results: &[SubResult],
    sub_filters: &[String],
) {
    let (mut ack, mut lag, mut e2e) = (stats::histogram(), stats::histogram(), stats::histogram());
    let mut sent_in_window = 0;
    let mut send_end = None;
    for (_, r) in pub_results {
        report.sent += r.sent;
        report.acked += r.acked;
        report.refused += r.refused;
        sent_in_window += r.sent_in_window;
        report.connection_losses += u64::from(r.failure.is_some());
        report.unconfirmed += r.unconfirmed;
        send_end = send_end.max(r.send_end);
        merge(&mut ack, &r.ack_latency);
        merge(&mut lag, &r.lag);
    }
    let mut received_in_window = 0;
    let mut arrivals: Option<(Instant, Instant)> = None;
    for (s, r) in sub_results.iter().enumerate() {
        report.received += r.received;
        received_in_window += r.received_in_window;
        report.connection_losses += u64::from(r.failure.is_some());
        merge(&mut e2e, &r.latency);
        if let Some((first, last)) = r.window_arrivals {
            arrivals = Some(arrivals.map_or((first, last), |(f, l)| (f.min(first), l.max(last))));
        }
        for t in r.trackers.values() {
            report.duplicated += t.duplicated;
            report.out_of_order += t.out_of_order;
            if cfg.scenario == Scenario::Sub {
                // Nothing tells what others sent: the gaps in their sequence numbers are the loss.
                report.lost = report.lost.saturating_add(t.gaps);
            }
        }
        if cfg.scenario == Scenario::Sub {
            continue;
        }
        let filter = &sub_filters[s];
        let mut expected = 0;
        for ((i, p), (_, t)) in pub_results.iter().zip(pub_topics) {
            if topic::matches(filter, t) {
                // What a failed connection never confirmed may or may not have reached the broker.
                let confirmed = p.sent - p.unconfirmed;
                expected += confirmed;
                if payload::sequenced(cfg.size) {
                    let seen = r.trackers.get(i).map_or(0, |t| t.unique);
                    report.lost += confirmed.saturating_sub(seen);
                }
            }
        }
        if !payload::sequenced(cfg.size) {
            // No sequence numbers: what did not arrive is all that can be told.
            report.lost += expected.saturating_sub(r.received);
        }
    }
    if cfg.scenario == Scenario::Pub && cfg.qos != Qos::AtMostOnce {
        report.lost = report
            .sent
            .saturating_sub(report.acked + report.unconfirmed);
    }

    // The publishing window: the asked-for duration, or until the last message was handed over.
    // A connection that failed cut the window short: rates count the time actually published.
    let cut = pub_results.iter().any(|(_, r)| r.failure.is_some());
    let window_end = match clock.end {
        Some(end) if cfg.scenario != Scenario::Sub && cut => send_end.map_or(end, |s| s.min(end)),
        Some(end) if cfg.scenario != Scenario::Sub => end,
        Some(end) => end.min(stopped),
        None if cfg.scenario == Scenario::Sub => stopped,
        None => send_end.unwrap_or(clock.warmup_end),
    };
    report.window_s = window_end
        .saturating_duration_since(clock.warmup_end)
        .as_secs_f64();
    report.publish_msgs_per_s = stats::rate(sent_in_window, report.window_s);
    // Received side: pubsub from the first intended send of the window to the last arrival of a
    // message from it (what a pipeline `pub | broker | sub` takes); sub from the first to the last
    // arrival in the window (others publish whenever they like).
    report.rate_window_s = match (cfg.scenario, arrivals) {
        (Scenario::Pub, _) => report.window_s,
        (Scenario::Sub, Some((first, last))) => last.saturating_duration_since(first).as_secs_f64(),
        (_, Some((_, last))) => last
            .saturating_duration_since(clock.warmup_end)
            .as_secs_f64(),
        (_, None) => 0.0,
    };
    report.msgs_per_s = match cfg.scenario {
        Scenario::Pub => report.publish_msgs_per_s,
        _ => stats::rate(received_in_window, report.rate_window_s),
    };
    report.mb_per_s = report.msgs_per_s * cfg.size as f64 / 1e6;
    report.ack_latency_us = stats::summarize(&ack);
    report.generator_lag_us = stats::summarize(&lag);
    report.latency_us = if cfg.scenario == Scenario::Pub {
        report.ack_latency_us
    } else {
        stats::summarize(&e2e)
    };
}

fn finish_cpu(report: &mut Report, cpu_before: f64, wall: Instant) {
    let cpu = stats::process_cpu_seconds().unwrap_or(cpu_before) - cpu_before;
    report.cpu_percent = 100.0 * cpu / wall.elapsed().as_secs_f64().max(1e-9);
}

/// Flags results that say more about the generator than about the broker.
fn warn(cfg: &Config, report: &mut Report) {
    if !payload::sequenced(cfg.size) && cfg.scenario != Scenario::Conn {
        report.warnings.push(format!(
            "payloads under {} bytes carry no sequence number or send time: counts and loss only, no latency, duplicates or order",
            payload::HEADER
        ));
    }
    if cfg.conn.inflight == 1 && cfg.qos != Qos::AtMostOnce {
        report.warnings.push(
            "--inflight 1: each publisher waits for every acknowledgement (stop-and-wait)".into(),
        );
    }
    if let Some(offered) = cfg.rate
        && report.publish_msgs_per_s < 0.95 * offered
    {
        report.warnings.push(format!(
                "the generator reached only {:.0} of {offered:.0} msg/s offered: the bench or the broker is the bottleneck",
                report.publish_msgs_per_s
            ));
    }
    let cores = report.environment.cores as f64;
    if report.cpu_percent > 90.0 * cores.min(2.0) {
        report.warnings.push(format!(
            "the bench used {:.0} % CPU: it may be the bottleneck",
            report.cpu_percent
        ));
    }
    if report.generator_lag_us.p99 > 10_000.0 && cfg.rate.is_some() {
        report.warnings.push(format!(
            "the generator ran {:.1} ms behind schedule at p99 (latency still counts from the intended time)",
            report.generator_lag_us.p99 / 1000.0
        ));
    }
    if report.window_s < 1.0 && cfg.count.is_some() {
        report
            .warnings
            .push("the measurement window is under a second: rates are rough".into());
    }
}
