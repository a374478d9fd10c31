//! Runs a bench scenario: connects the clients, runs publishers and subscribers on one shared clock,
//! drains, and turns what they saw into a [`Report`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use super::connect::{self, Pacer, client_options};
use super::progress::{self, Progress};
use super::publisher::{self, PubResult, Schedule};
use super::report::{ConfigReport, Environment, Report};
use super::stats::{self, Latency};
use super::subscriber::{self, SubResult};
use super::{Config, Scenario, SeriesFormat, expand};
use crate::conn::{ConnectFailure, Protocol, Qos, Session, topic};

/// Running totals, read once a second for the live line and the series.
#[derive(Debug, Default)]
pub struct Counters {
    pub sent: AtomicU64,
    pub acked: AtomicU64,
    pub received: AtomicU64,
}

/// The run's shared clock: payloads carry nanoseconds since `origin`.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub origin: Instant,
    /// When publishing starts.
    pub start: Instant,
    /// Results count from here.
    pub warmup_end: Instant,
    /// When publishing stops (duration mode).
    pub end: Option<Instant>,
}

impl Clock {
    pub fn ns(&self, t: Instant) -> u64 {
        t.saturating_duration_since(self.origin).as_nanos() as u64
    }

    pub fn instant(&self, ns: u64) -> Instant {
        self.origin + Duration::from_nanos(ns)
    }

    /// Whether an intended send time falls in the measurement window.
    pub fn in_window(&self, t: Instant) -> bool {
        t >= self.warmup_end && self.end.is_none_or(|end| t < end)
    }
}

/// How long subscribers may stay silent at the end before the missing messages count as lost.
const DRAIN_IDLE: Duration = Duration::from_secs(2);

fn merge(into: &mut Histogram<u64>, from: &Histogram<u64>) {
    let _ = into.add(from);
}

/// Connects `n` clients (paced) with ids `<prefix>-<role>-<i>`.
async fn connect_all(cfg: &Config, role: &str, n: u32, want_events: bool, pacer: &Pacer) -> Vec<Result<Session, ConnectFailure>> {
    let mut tasks = Vec::with_capacity(n as usize);
    for i in 0..n {
        pacer.wait(i).await;
        let opts = client_options(&cfg.conn, format!("{}-{role}-{i}", cfg.id_prefix), false);
        tasks.push(tokio::spawn(Session::connect(opts, want_events)));
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
        warnings: Vec::new(),
        config,
        environment,
    }
}

/// Runs the configured scenario and returns its report.
pub async fn run(cfg: &Config) -> Report {
    let cpu_before = stats::process_cpu_seconds().unwrap_or(0.0);
    let wall = Instant::now();
    let mut report = base_report(cfg);
    if cfg.scenario == Scenario::Conn {
        let r = connect::bench_conn(&cfg.conn, cfg.clients, &cfg.id_prefix, cfg.connect_rate).await;
        report.connect_failures = r.failed;
        report.latency_us = stats::summarize(&r.latency);
        report.window_s = r.elapsed.as_secs_f64();
        report.msgs_per_s = stats::rate(r.connected, report.window_s);
        if !r.refusals.is_empty() {
            report.warnings.push(format!("the broker refused {} connections (CONNACK {:?})", r.refusals.len(), r.refusals[0]));
        }
        finish_cpu(&mut report, cpu_before, wall);
        return report;
    }

    let origin = Instant::now();
    let counters = Arc::new(Counters::default());
    let pacer = Pacer::new(cfg.connect_rate);
    let pubs = if cfg.scenario == Scenario::Sub { 0 } else { cfg.pubs };
    let subs = if cfg.scenario == Scenario::Pub { 0 } else { cfg.subs };

    // Subscribers first, each confirmed by its SUBACK, so nothing published is missed.
    let mut sub_sessions = Vec::new();
    let mut sub_filters = Vec::new();
    for (i, s) in connect_all(cfg, "sub", subs, true, &pacer).await.into_iter().enumerate() {
        let id = format!("{}-sub-{i}", cfg.id_prefix);
        let filter = expand(&cfg.sub_topic, i as u32, &id);
        match s {
            Ok(mut session) => match subscriber::subscribe(&mut session, &filter, cfg.qos).await {
                Ok(()) => {
                    sub_sessions.push(session);
                    sub_filters.push(filter);
                }
                Err(_) => report.connect_failures += 1,
            },
            Err(_) => report.connect_failures += 1,
        }
    }
    let mut pub_sessions = Vec::new();
    let mut pub_topics = Vec::new();
    for (i, s) in connect_all(cfg, "pub", pubs, cfg.qos != Qos::AtMostOnce, &pacer).await.into_iter().enumerate() {
        let id = format!("{}-pub-{i}", cfg.id_prefix);
        match s {
            Ok(session) => {
                pub_sessions.push((i as u32, session));
                pub_topics.push((i as u32, expand(&cfg.topic, i as u32, &id)));
            }
            Err(_) => report.connect_failures += 1,
        }
    }

    let start = Instant::now();
    let warmup_end = start + cfg.warmup;
    let clock = Clock {
        origin,
        start,
        warmup_end,
        end: (cfg.count.is_none()).then_some(warmup_end + cfg.duration),
    };
    let per_pub_rate = cfg.rate.map(|r| r / f64::from(pub_sessions.len().max(1) as u32));
    let schedule = Schedule { count: cfg.count, interval: per_pub_rate.map(|r| Duration::from_secs_f64(1.0 / r)) };
    let progress = Progress::start(counters.clone(), cfg.json);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let sub_tasks: Vec<_> = sub_sessions
        .into_iter()
        .map(|s| tokio::spawn(subscriber::run(s, clock, counters.clone(), stop_rx.clone())))
        .collect();
    let pub_tasks: Vec<_> = pub_sessions
        .into_iter()
        .zip(pub_topics.iter())
        .map(|((i, s), (_, t))| {
            tokio::spawn(publisher::run(s, i, t.clone(), cfg.qos, cfg.size, schedule, clock, counters.clone()))
        })
        .collect();

    let mut pub_results: Vec<(u32, PubResult)> = Vec::new();
    for (task, (i, _)) in pub_tasks.into_iter().zip(pub_topics.iter()) {
        if let Ok(r) = task.await {
            pub_results.push((*i, r));
        }
    }
    let published_until = Instant::now();

    // Wait for the subscribers to see everything they should (or to go quiet).
    let expected: u64 = sub_filters
        .iter()
        .map(|f| pub_results.iter().zip(pub_topics.iter()).filter(|(_, (_, t))| topic::matches(f, t)).map(|((_, r), _)| r.sent).sum::<u64>())
        .sum();
    if cfg.scenario == Scenario::Sub {
        // Counting what others publish: listen for the whole window.
        if let Some(end) = clock.end {
            tokio::time::sleep_until(end.into()).await;
        }
    } else {
        let mut last = (counters.received.load(Ordering::Relaxed), Instant::now());
        while counters.received.load(Ordering::Relaxed) < expected {
            tokio::time::sleep(Duration::from_millis(20)).await;
            let now = counters.received.load(Ordering::Relaxed);
            if now != last.0 {
                last = (now, Instant::now());
            } else if last.1.elapsed() > DRAIN_IDLE {
                break;
            }
        }
    }
    let _ = stop_tx.send(true);
    let mut sub_results: Vec<SubResult> = Vec::new();
    for t in sub_tasks {
        if let Ok(r) = t.await {
            sub_results.push(r);
        }
    }
    let series = progress.finish().await;
    if let Some((path, format)) = &cfg.series {
        if let Err(e) = progress::write_series(path, &series, *format == SeriesFormat::Csv) {
            report.warnings.push(format!("could not write the series to {}: {e}", path.display()));
        }
    }

    // Aggregate.
    let window_end = clock.end.unwrap_or(published_until).min(published_until.max(warmup_end));
    report.window_s = window_end.saturating_duration_since(warmup_end).as_secs_f64();
    let (mut ack, mut lag, mut e2e) = (stats::histogram(), stats::histogram(), stats::histogram());
    let mut sent_in_window = 0;
    for (_, r) in &pub_results {
        report.sent += r.sent;
        report.acked += r.acked;
        report.refused += r.refused;
        sent_in_window += r.sent_in_window;
        report.connection_losses += u64::from(r.failure.is_some());
        merge(&mut ack, &r.ack_latency);
        merge(&mut lag, &r.lag);
    }
    let mut received_in_window = 0;
    for (s, r) in sub_results.iter().enumerate() {
        report.received += r.received;
        received_in_window += r.received_in_window;
        report.connection_losses += u64::from(r.failure.is_some());
        merge(&mut e2e, &r.latency);
        for t in r.trackers.values() {
            report.duplicated += t.duplicated;
            report.out_of_order += t.out_of_order;
        }
        if cfg.scenario == Scenario::Sub {
            continue;
        }
        let filter = &sub_filters[s];
        for ((i, p), (_, t)) in pub_results.iter().zip(pub_topics.iter()) {
            if topic::matches(filter, t) {
                let seen = r.trackers.get(i).map_or(0, |t| t.unique);
                report.lost += p.sent.saturating_sub(seen);
            }
        }
    }
    if cfg.scenario == Scenario::Pub && cfg.qos != Qos::AtMostOnce {
        report.lost = report.sent.saturating_sub(report.acked);
    }
    report.publish_msgs_per_s = stats::rate(sent_in_window, report.window_s);
    report.msgs_per_s = match cfg.scenario {
        Scenario::Pub => report.publish_msgs_per_s,
        Scenario::Sub => stats::rate(report.received, report.window_s.max(cfg.duration.as_secs_f64())),
        _ => stats::rate(received_in_window, report.window_s),
    };
    report.mb_per_s = report.msgs_per_s * cfg.size as f64 / 1e6;
    report.ack_latency_us = stats::summarize(&ack);
    report.generator_lag_us = stats::summarize(&lag);
    report.latency_us = if cfg.scenario == Scenario::Pub { report.ack_latency_us } else { stats::summarize(&e2e) };
    finish_cpu(&mut report, cpu_before, wall);
    warn(cfg, &mut report);
    report
}

fn finish_cpu(report: &mut Report, cpu_before: f64, wall: Instant) {
    let cpu = stats::process_cpu_seconds().unwrap_or(cpu_before) - cpu_before;
    report.cpu_percent = 100.0 * cpu / wall.elapsed().as_secs_f64().max(1e-9);
}

/// Flags results that say more about the generator than about the broker.
fn warn(cfg: &Config, report: &mut Report) {
    if cfg.conn.inflight == 1 && cfg.qos != Qos::AtMostOnce {
        report.warnings.push("--inflight 1: each publisher waits for every acknowledgement (stop-and-wait)".into());
    }
    if let Some(offered) = cfg.rate {
        if report.publish_msgs_per_s < 0.95 * offered {
            report.warnings.push(format!(
                "the generator reached only {:.0} of {offered:.0} msg/s offered: the bench or the broker is the bottleneck",
                report.publish_msgs_per_s
            ));
        }
    }
    let cores = report.environment.cores as f64;
    if report.cpu_percent > 90.0 * cores.min(2.0) {
        report.warnings.push(format!("the bench used {:.0} % CPU: it may be the bottleneck", report.cpu_percent));
    }
    if report.generator_lag_us.p99 > 10_000.0 && cfg.rate.is_some() {
        report.warnings.push(format!(
            "the generator ran {:.1} ms behind schedule at p99 (latency still counts from the intended time)",
            report.generator_lag_us.p99 / 1000.0
        ));
    }
    if report.window_s < 1.0 && cfg.count.is_some() {
        report.warnings.push("the measurement window is under a second: rates are rough".into());
    }
}
