//! Runs a bench scenario: connects the clients, runs publishers and subscribers on one shared clock,
//! drains, and turns what they saw into a [`Report`].

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hdrhistogram::Histogram;

use super::clock::Clock;
use super::config::{Config, Scenario, SeriesFormat, expand};
use super::connect::{self, Pacer, client_options};
use super::conns;
use super::counters::Counters;
use super::merge;
use super::paced;
use super::payload;
use super::progress::{self, Progress};
use super::publisher::{self, PubResult, Schedule};
use super::raw::{self, Raw};
use super::report::{ConfigReport, Environment, HeldReport, Report};
use super::shared;
use super::stats::{self, Latency};
use super::subscriber::{self, Listen, SubResult, Window};
use super::topics;
use super::verdict;
use crate::conn::{ConnectFailure, Exceeded, Protocol, Qos, Session};

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
    want_events: impl Fn(u32) -> bool,
    pacer: &Pacer,
) -> Vec<Result<Session, ConnectFailure>> {
    let mut tasks = Vec::new();
    for i in 0..n {
        pacer.wait(i).await;
        let mut opts = client_options(&cfg.conn, format!("{}-{role}-{i}", cfg.id_prefix), false);
        if !cfg.ifaddrs.is_empty() {
            opts.source = Some(cfg.ifaddrs[i as usize % cfg.ifaddrs.len()]);
        }
        tasks.push(tokio::spawn(Session::connect(opts, want_events(i), None)));
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
        qos_mix: cfg.qos_mix.iter().map(|q| q.number()).collect(),
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
        lost_qos0: 0,
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
        start_skew_ms: None,
        held: None,
        raw: Raw {
            runs: 1,
            ..Raw::default()
        },
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

/// Runs the configured scenario, counting in `counters`, and returns its report, or why the broker
/// rules the run out (a QoS above the maximum in its v5 CONNACK).
pub async fn run(cfg: &Config, counters: Arc<Counters>) -> Result<Report, Exceeded> {
    let cpu_before = stats::process_cpu_seconds().unwrap_or(0.0);
    let wall = Instant::now();
    let mut report = base_report(cfg);
    if cfg.scenario == Scenario::Conn {
        // `--start-at`: connection storms from several hosts start together.
        if let Some(at) = cfg.start_at {
            wait_for(at, &mut report).await;
        }
        let started = Instant::now();
        let clock = Clock::new(started, started, Duration::ZERO, None);
        let r = conns::run(conns::Plan {
            base: &cfg.conn,
            clients: cfg.clients,
            id_prefix: &cfg.id_prefix,
            rate: cfg.connect_rate,
            hold: cfg.hold,
            ifaddrs: &cfg.ifaddrs,
            churn: cfg.churn,
            live: counters,
        })
        .await;
        report.held = r.held.as_ref().map(|h| HeldReport {
            held_s: h.seconds,
            connected_at_end: h.at_end,
            down_at_end: h.down_at_end,
            drops: h.drops,
            reconnects: h.reconnects,
            churned: h.churned,
            connected_per_s: h.per_second.clone(),
            cpu_percent: h.cpu_percent,
            rss_peak_bytes: h.rss_peak,
            rss_per_connection_bytes: h.rss_per_connection,
        });
        report.connect_failures = r.failed;
        let raw = &mut report.raw;
        raw.started_unix_ns = clock.ns(started);
        raw.started_last_unix_ns = raw.started_unix_ns;
        raw.window_start_unix_ns = raw.started_unix_ns;
        raw.window_end_unix_ns = clock.ns(started + r.elapsed);
        raw.rate_window_start_unix_ns = raw.window_start_unix_ns;
        raw.rate_window_end_unix_ns = raw.window_end_unix_ns;
        raw.received_in_window = r.connected;
        raw.histograms.latency = raw::encode(&r.latency);
        if let Some(first) = &r.first_failure {
            report.warnings.push(format!(
                "{} connections failed; the first: {}",
                r.failed,
                describe(first)
            ));
        }
        finish(&mut report, cpu_before, wall);
        verdict::judge(cfg, &mut report);
        return Ok(report);
    }

    let origin = Instant::now();
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
    for (i, s) in connect_all(cfg, "sub", subs, |_| true, &pacer)
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
    for (i, s) in connect_all(
        cfg,
        "pub",
        pubs,
        |i| cfg.pub_qos(i) != Qos::AtMostOnce,
        &pacer,
    )
    .await
    .into_iter()
    .enumerate()
    {
        let id = format!("{}-pub-{i}", cfg.id_prefix);
        match s {
            Ok(session) => {
                pub_sessions.push((i as u32, session));
                pub_topics.push((
                    i as u32,
                    topics::publisher_topics(&cfg.topic, cfg.topics, i as u32, &id),
                ));
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
    if let Some(at) = cfg.start_at {
        wait_for(at, &mut report).await;
    }
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
            topics: topic.clone(),
            qos: cfg.pub_qos(i),
            size: cfg.size,
            template: cfg
                .payload
                .clone()
                .map(|t| (t, format!("{}-pub-{i}", cfg.id_prefix))),
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
    finish(&mut report, cpu_before, wall);
    warn(cfg, &mut report);
    verdict::judge(cfg, &mut report);
    Ok(report)
}

/// `--start-at`: waits for the wall clock to reach `at` (pub/sub: every client is connected by now;
/// conn: before the first connection), or says how late the run is when it already has.
async fn wait_for(at: SystemTime, report: &mut Report) {
    report.raw.start_at_unix_ns = at
        .duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_nanos() as u64);
    match at.duration_since(SystemTime::now()) {
        Ok(wait) => tokio::time::sleep(wait).await,
        Err(late) => report.warnings.push(format!(
            "this run was ready {:.0} ms after --start-at: it started late",
            late.duration().as_secs_f64() * 1000.0
        )),
    }
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
    pub_topics: &[(u32, Vec<String>)],
    sub_filters: &[String],
    listen: &Listen,
    subscribers: usize,
) {
    let counters = &listen.counters;
    // A shared group is owed each message once, not once per member.
    let groups = shared::groups(sub_filters);
    let expected: u64 = sub_filters
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            groups
                .get(f.as_str())
                .is_none_or(|members| members[0] == *i)
        })
        .map(|(_, f)| {
            pub_results
                .iter()
                .zip(pub_topics)
                .map(|((_, r), (_, t))| topics::expected(r.sent, t, f))
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
    pub_topics: &[(u32, Vec<String>)],
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
        if shared::split(filter).is_some() {
            continue;
        }
        let mut expected = 0;
        for ((i, p), (_, t)) in pub_results.iter().zip(pub_topics) {
            // What a failed connection never confirmed may or may not have reached the broker.
            let owed = topics::expected(p.sent.saturating_sub(p.unconfirmed), t, filter);
            expected += owed;
            if owed > 0 && payload::sequenced(cfg.size) {
                let seen = r.trackers.get(i).map_or(0, |t| t.unique);
                let lost = owed.saturating_sub(seen);
                report.lost += lost;
                if cfg.pub_qos(*i) == Qos::AtMostOnce {
                    report.lost_qos0 += lost;
                }
            }
        }
        if !payload::sequenced(cfg.size) {
            // No sequence numbers: what did not arrive is all that can be told.
            report.lost += expected.saturating_sub(r.received);
        }
    }
    if cfg.scenario == Scenario::PubSub {
        shared_loss(
            cfg,
            report,
            pub_results,
            pub_topics,
            sub_results,
            sub_filters,
        );
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
    // Received side: pubsub from the first intended send of the window to the last arrival of a
    // message from it (what a pipeline `pub | broker | sub` takes); sub from the first to the last
    // arrival in the window (others publish whenever they like).
    let rate_window = match (cfg.scenario, arrivals) {
        (Scenario::Pub, _) => (clock.warmup_end, window_end),
        (Scenario::Sub, Some(span)) => span,
        (_, Some((_, last))) => (clock.warmup_end, last.max(clock.warmup_end)),
        (_, None) => (clock.warmup_end, clock.warmup_end),
    };
    let raw = &mut report.raw;
    raw.started_unix_ns = clock.ns(clock.start);
    raw.started_last_unix_ns = raw.started_unix_ns;
    raw.window_start_unix_ns = clock.ns(clock.warmup_end);
    raw.window_end_unix_ns = clock.ns(window_end.max(clock.warmup_end));
    raw.rate_window_start_unix_ns = clock.ns(rate_window.0);
    raw.rate_window_end_unix_ns = clock.ns(rate_window.1);
    raw.sent_in_window = sent_in_window;
    raw.received_in_window = received_in_window;
    raw.histograms.latency = raw::encode(if cfg.scenario == Scenario::Pub {
        &ack
    } else {
        &e2e
    });
    raw.histograms.ack_latency = raw::encode(&ack);
    raw.histograms.generator_lag = raw::encode(&lag);
}

/// Shared subscriptions: per group and publisher, what no member received is lost, and what more
/// than one member received is duplicated.
fn shared_loss(
    cfg: &Config,
    report: &mut Report,
    pub_results: &[(u32, PubResult)],
    pub_topics: &[(u32, Vec<String>)],
    sub_results: &[SubResult],
    sub_filters: &[String],
) {
    for (filter, members) in shared::groups(sub_filters) {
        if !payload::sequenced(cfg.size) {
            // No sequence numbers: what the group did not receive is all that can be told.
            let expected: u64 = pub_results
                .iter()
                .zip(pub_topics)
                .map(|((_, p), (_, t))| {
                    topics::expected(p.sent.saturating_sub(p.unconfirmed), t, filter)
                })
                .sum();
            let received: u64 = members
                .iter()
                .filter_map(|&m| sub_results.get(m))
                .map(|r| r.received)
                .sum();
            report.lost += expected.saturating_sub(received);
            continue;
        }
        for ((i, p), (_, t)) in pub_results.iter().zip(pub_topics) {
            let expected = topics::expected(p.sent.saturating_sub(p.unconfirmed), t, filter);
            let trackers: Vec<_> = members
                .iter()
                .filter_map(|&m| sub_results.get(m)?.trackers.get(i))
                .collect();
            let union = shared::union_unique(trackers.iter().copied());
            let each: u64 = trackers.iter().map(|t| t.unique).sum();
            let lost = expected.saturating_sub(union);
            report.lost += lost;
            if cfg.pub_qos(*i) == Qos::AtMostOnce {
                report.lost_qos0 += lost;
            }
            report.duplicated += each - union.min(each);
        }
    }
}

/// Records the CPU and wall time used, then derives the summary's numbers from its raw part (the
/// way `bench merge` does).
fn finish(report: &mut Report, cpu_before: f64, wall: Instant) {
    let cpu = stats::process_cpu_seconds().unwrap_or(cpu_before) - cpu_before;
    report.raw.cpu_seconds = cpu;
    report.raw.wall_seconds = wall.elapsed().as_secs_f64().max(1e-9);
    if let Err(e) = merge::derive(report) {
        report.warnings.push(e);
    }
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
