//! `bench conn`: opens `--clients` connections (paced by `--connect-rate`, spread over `--ifaddr`
//! source addresses), and with `--duration` holds them all open with keepalive traffic, taking up
//! any that drop; samples how many are connected each second.
//!
//! One task per connection (besides the connection's own polling task) that connects, waits for
//! the release, and disconnects: no per-connection channel, histogram or series, so what a held
//! connection costs is the connection itself.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use tokio::sync::watch;

use super::connect::{Pacer, client_options};
use super::counters::Counters;
use super::stats;
use crate::conn::{ConnectFailure, Options, Session};

/// How long a dropped connection waits before it is opened again.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// What `bench conn` asks for.
pub struct Plan<'a> {
    pub base: &'a Options,
    pub clients: u32,
    pub id_prefix: &'a str,
    pub rate: Option<f64>,
    /// `--duration`: hold every connection this long once all have been tried.
    pub hold: Option<Duration>,
    /// `--ifaddr`: local source addresses, used in turn.
    pub ifaddrs: &'a [std::net::IpAddr],
    /// `--churn`: connections closed and opened again per second while held.
    pub churn: Option<f64>,
    /// Where the count of open connections is kept while the run lasts.
    pub live: Arc<Counters>,
}

/// The outcome of `bench conn`.
pub struct ConnResult {
    pub connected: u64,
    pub failed: u64,
    /// CONNECT → CONNACK, ns.
    pub latency: Histogram<u64>,
    /// From the first attempt to the last CONNACK.
    pub elapsed: Duration,
    /// Why the first failed connection failed.
    pub first_failure: Option<ConnectFailure>,
    /// With `--duration`: what happened while holding.
    pub held: Option<Held>,
}

/// What happened while the connections were held.
pub struct Held {
    /// How long they were held, seconds.
    pub seconds: f64,
    /// Connections lost while held, and taken up again.
    pub drops: u64,
    pub reconnects: u64,
    /// Closed and opened again by `--churn`.
    pub churned: u64,
    /// Connected at the end of the hold.
    pub at_end: u64,
    /// Dropped while held (or not opened again after `--churn`) and not open again at the end.
    pub down_at_end: u64,
    /// Connected at the end of each second since the first attempt.
    pub per_second: Vec<u64>,
    /// CPU the bench used while holding, percent of one core.
    pub cpu_percent: f64,
    /// Peak resident memory, and the growth from before connecting to the end of the hold per
    /// connection then open, bytes.
    pub rss_peak: u64,
    pub rss_per_connection: u64,
}

/// Shared by the connection tasks.
#[derive(Default)]
struct Tally {
    /// Connections open now: the live counters (`--prometheus`) hold the count.
    live: Arc<Counters>,
    failed: AtomicU64,
    drops: AtomicU64,
    reconnects: AtomicU64,
    /// Closed and opened again by `--churn`.
    churned: AtomicU64,
    /// Dropped (or not opened again after `--churn`) and not open again yet.
    down: AtomicU64,
    /// Connection attempts that have finished (success or failure).
    settled: AtomicU64,
    latency: Mutex<Option<Histogram<u64>>>,
    first_failure: Mutex<Option<ConnectFailure>>,
    last_connack: Mutex<Option<Instant>>,
    settled_all: tokio::sync::Notify,
}

impl Tally {
    fn settle(&self, clients: u32) {
        if self.settled.fetch_add(1, Ordering::AcqRel) + 1 == u64::from(clients) {
            self.settled_all.notify_one();
        }
    }
}

/// Connects one client, timing CONNECT → CONNACK.
async fn open(opts: Options, tally: &Tally) -> Result<Session, ConnectFailure> {
    let t = Instant::now();
    let session = Session::connect(opts, false, None).await;
    if session.is_ok() {
        let now = Instant::now();
        if let Some(h) = tally.latency.lock().expect("latency lock").as_mut() {
            stats::record(h, now.duration_since(t).as_nanos() as u64);
        }
        let mut last = tally.last_connack.lock().expect("connack lock");
        *last = Some(last.map_or(now, |l| l.max(now)));
    }
    session
}

/// What every connection shares: the options and the source addresses. A client's own options are
/// made when it connects (and again when it reconnects) rather than kept, one copy fewer per
/// held connection.
struct Common {
    base: Options,
    id_prefix: String,
    ifaddrs: Vec<std::net::IpAddr>,
    clients: u32,
    /// `--churn RATE`: each connection's period (clients / rate) and the rate.
    churn: Option<(Duration, f64)>,
}

impl Common {
    fn options(&self, i: u32) -> Options {
        let mut opts = client_options(&self.base, format!("{}-conn-{i}", self.id_prefix), false);
        if !self.ifaddrs.is_empty() {
            opts.source = Some(self.ifaddrs[i as usize % self.ifaddrs.len()]);
        }
        // These clients never publish: one in-flight slot instead of rumqttc's table of 20, and
        // buffers for a CONNACK and PINGRESPs instead of 8 KiB each way.
        opts.inflight = 1;
        opts.buffer_capacity = Some(256);
        opts
    }
}

/// One connection's life: connect, hold until released (taking it up again if it drops), close.
async fn client(
    i: u32,
    common: Arc<Common>,
    tally: Arc<Tally>,
    mut release: watch::Receiver<bool>,
) {
    let clients = common.clients;
    let first = open(common.options(i), &tally).await;
    let mut session = match first {
        Ok(s) => {
            tally.live.connected.fetch_add(1, Ordering::Relaxed);
            tally.settle(clients);
            s
        }
        Err(failure) => {
            tally.failed.fetch_add(1, Ordering::Relaxed);
            tally
                .first_failure
                .lock()
                .expect("failure lock")
                .get_or_insert(failure);
            tally.settle(clients);
            return;
        }
    };
    // `--churn`: this connection is closed and opened again once per period, the connections
    // spread evenly over it.
    let mut next_churn = common.churn.map(|(period, rate)| {
        tokio::time::Instant::now()
            + period.mul_f64(
                (f64::from(i) / rate / period.as_secs_f64())
                    .fract()
                    .max(0.001),
            )
    });
    loop {
        let churn = async {
            match next_churn {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let churned = tokio::select! {
            _ = release.wait_for(|r| *r) => break,
            _ = session.failed() => false,
            () = churn => true,
        };
        tally.live.connected.fetch_sub(1, Ordering::Relaxed);
        if churned {
            // Closed on purpose (DISCONNECT) and opened again at once.
            let _ = session.disconnect().await;
            tally.churned.fetch_add(1, Ordering::Relaxed);
            next_churn = common
                .churn
                .and_then(|(period, _)| Some(next_churn? + period));
            if let Ok(s) = open(common.options(i), &tally).await {
                tally.live.connected.fetch_add(1, Ordering::Relaxed);
                session = s;
                continue;
            }
        } else {
            // Dropped while held: count it and open it again until released.
            tally.drops.fetch_add(1, Ordering::Relaxed);
            drop(session);
        }
        // Down until it is open again (a release now leaves it counted as down at the end).
        tally.down.fetch_add(1, Ordering::Relaxed);
        session = loop {
            tokio::select! {
                _ = release.wait_for(|r| *r) => return,
                _ = tokio::time::sleep(RECONNECT_DELAY) => {}
            }
            if let Ok(s) = open(common.options(i), &tally).await {
                tally.live.connected.fetch_add(1, Ordering::Relaxed);
                tally.down.fetch_sub(1, Ordering::Relaxed);
                tally.reconnects.fetch_add(1, Ordering::Relaxed);
                break s;
            }
        };
    }
    let _ = session.disconnect().await;
}

/// Runs `bench conn`.
pub async fn run(plan: Plan<'_>) -> ConnResult {
    let rss_before = stats::rss_bytes().map_or(0, |(_, now)| now);
    let pacer = Pacer::new(plan.rate);
    let started = Instant::now();
    let tally = Arc::new(Tally {
        latency: Mutex::new(Some(stats::histogram())),
        live: plan.live.clone(),
        ..Tally::default()
    });
    let (release_tx, release_rx) = watch::channel(false);
    let sampler = {
        let tally = tally.clone();
        let mut released = release_rx.clone();
        tokio::spawn(async move {
            let mut series = Vec::new();
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await;
            loop {
                tokio::select! {
                    _ = tick.tick() => series.push(tally.live.connected.load(Ordering::Relaxed)),
                    _ = released.wait_for(|r| *r) => return series,
                }
            }
        })
    };
    let common = Arc::new(Common {
        base: plan.base.clone(),
        id_prefix: plan.id_prefix.to_string(),
        ifaddrs: plan.ifaddrs.to_vec(),
        clients: plan.clients,
        churn: plan.churn.map(|rate| {
            (
                Duration::from_secs_f64(f64::from(plan.clients) / rate),
                rate,
            )
        }),
    });
    let mut tasks = Vec::with_capacity(plan.clients as usize);
    for i in 0..plan.clients {
        pacer.wait(i).await;
        tasks.push(tokio::spawn(client(
            i,
            common.clone(),
            tally.clone(),
            release_rx.clone(),
        )));
    }
    if tally.settled.load(Ordering::Acquire) < u64::from(plan.clients) {
        tally.settled_all.notified().await;
    }
    let last = *tally.last_connack.lock().expect("connack lock");
    let elapsed = last.map_or(started.elapsed(), |l| l.duration_since(started));
    let connected = tally.live.connected.load(Ordering::Relaxed);
    let held = match plan.hold {
        Some(hold) => {
            let cpu_before = stats::process_cpu_seconds().unwrap_or(0.0);
            let t = Instant::now();
            // Ctrl-C (or SIGTERM) ends the hold early; the report says how long it lasted.
            tokio::select! {
                () = tokio::time::sleep(hold) => {}
                () = interrupted() => {}
            }
            let seconds = t.elapsed().as_secs_f64();
            let cpu = stats::process_cpu_seconds().unwrap_or(cpu_before) - cpu_before;
            let at_end = tally.live.connected.load(Ordering::Relaxed);
            let down_at_end = tally.down.load(Ordering::Relaxed);
            let (rss_peak, rss_now) = stats::rss_bytes().unwrap_or_default();
            Some(Held {
                seconds,
                drops: 0,
                reconnects: 0,
                churned: 0,
                at_end,
                down_at_end,
                per_second: Vec::new(),
                cpu_percent: 100.0 * cpu / seconds.max(1e-9),
                rss_peak,
                rss_per_connection: rss_now.saturating_sub(rss_before) / at_end.max(1),
            })
        }
        None => None,
    };
    let _ = release_tx.send(true);
    for t in tasks {
        let _ = t.await;
    }
    let per_second = sampler.await.unwrap_or_default();
    let held = held.map(|h| Held {
        drops: tally.drops.load(Ordering::Relaxed),
        reconnects: tally.reconnects.load(Ordering::Relaxed),
        churned: tally.churned.load(Ordering::Relaxed),
        per_second,
        ..h
    });
    let latency = tally
        .latency
        .lock()
        .expect("latency lock")
        .take()
        .unwrap_or_else(stats::histogram);
    let first_failure = tally.first_failure.lock().expect("failure lock").take();
    ConnResult {
        connected,
        failed: tally.failed.load(Ordering::Relaxed),
        latency,
        elapsed,
        first_failure,
        held,
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn interrupted() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(mut int), Ok(mut term)) => {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
        _ => std::future::pending().await,
    }
}
