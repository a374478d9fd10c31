//! `mqtk bench merge`: summaries of separate runs (other processes, other hosts) into the summary
//! one run of the combined load would have printed. Counts add, percentiles come from the merged
//! HDR histograms, rates from the common window. A single run's summary is made by [`derive`] from
//! its own raw part too, so a merge and a run cannot disagree on how a number is computed.

use super::config::Scenario;
use super::raw;
use super::report::{HeldReport, Report};
use super::stats;

/// Seconds between two wall-clock instants in ns.
fn span(start: u64, end: u64) -> f64 {
    end.saturating_sub(start) as f64 / 1e9
}

/// Fills in the numbers a summary derives from its raw part: windows, rates, latency percentiles
/// and the CPU share. An undecodable histogram is an error (it names the field).
pub fn derive(report: &mut Report) -> Result<(), String> {
    let r = &report.raw;
    let latency = raw::decode(&r.histograms.latency, "raw.histograms.latency")?;
    let ack = raw::decode(&r.histograms.ack_latency, "raw.histograms.ack_latency")?;
    let lag = raw::decode(&r.histograms.generator_lag, "raw.histograms.generator_lag")?;
    report.window_s = span(r.window_start_unix_ns, r.window_end_unix_ns);
    report.rate_window_s = span(r.rate_window_start_unix_ns, r.rate_window_end_unix_ns);
    report.publish_msgs_per_s = stats::rate(r.sent_in_window, report.window_s);
    report.msgs_per_s = match report.config.scenario {
        Scenario::Pub => report.publish_msgs_per_s,
        _ => stats::rate(r.received_in_window, report.rate_window_s),
    };
    report.mb_per_s = match report.config.scenario {
        Scenario::Conn => 0.0,
        _ => report.msgs_per_s * report.config.size as f64 / 1e6,
    };
    report.latency_us = stats::summarize(&latency);
    report.ack_latency_us = stats::summarize(&ack);
    report.generator_lag_us = stats::summarize(&lag);
    report.cpu_percent = if r.wall_seconds > 0.0 {
        100.0 * r.cpu_seconds / r.wall_seconds
    } else {
        0.0
    };
    report.start_skew_ms =
        (r.runs > 1).then(|| r.started_last_unix_ns.saturating_sub(r.started_unix_ns) as f64 / 1e6);
    Ok(())
}

/// Why two summaries are not parts of one load.
fn same_load(a: &Report, b: &Report) -> Result<(), String> {
    let (x, y) = (&a.config, &b.config);
    let differs = if x.scenario != y.scenario {
        Some("scenario")
    } else if x.qos != y.qos || x.qos_mix != y.qos_mix {
        Some("QoS")
    } else if x.size != y.size {
        Some("payload size")
    } else if x.protocol != y.protocol {
        Some("MQTT version")
    } else if x.warmup_s != y.warmup_s || x.duration_s != y.duration_s || x.count != y.count {
        Some("window (--duration, --count or --warmup)")
    } else {
        None
    };
    match differs {
        Some(what) => Err(format!("the runs differ in {what}: not parts of one load")),
        None => Ok(()),
    }
}

/// Adds `b` into `a`: counts, clients, offered rates, CPU, windows (the union) and histograms.
fn add(a: &mut Report, b: &Report) -> Result<(), String> {
    same_load(a, b)?;
    // One incomplete part makes the whole incomplete (`merge` joins the error texts).
    a.complete &= b.complete;
    a.unsent += b.unsent;
    a.unconfirmed += b.unconfirmed;
    a.sent += b.sent;
    a.acked += b.acked;
    a.received += b.received;
    a.lost += b.lost;
    a.lost_qos0 += b.lost_qos0;
    a.duplicated += b.duplicated;
    a.out_of_order += b.out_of_order;
    a.refused += b.refused;
    a.connect_failures += b.connect_failures;
    a.connection_losses += b.connection_losses;
    a.config.pubs += b.config.pubs;
    a.config.subs += b.config.subs;
    a.config.clients += b.config.clients;
    a.config.rate = a.config.rate.zip(b.config.rate).map(|(x, y)| x + y);
    a.offered_msgs_per_s = a.config.rate;
    if a.environment.broker != b.environment.broker {
        a.environment.broker = format!("{}, {}", a.environment.broker, b.environment.broker);
    }
    if let (Some(x), Some(y)) = (&mut a.held, &b.held) {
        add_held(x, y);
    }
    let (r, s) = (&mut a.raw, &b.raw);
    r.runs += s.runs;
    r.started_unix_ns = r.started_unix_ns.min(s.started_unix_ns);
    r.started_last_unix_ns = r.started_last_unix_ns.max(s.started_last_unix_ns);
    r.start_at_unix_ns = r.start_at_unix_ns.min(s.start_at_unix_ns);
    r.window_start_unix_ns = r.window_start_unix_ns.min(s.window_start_unix_ns);
    r.window_end_unix_ns = r.window_end_unix_ns.max(s.window_end_unix_ns);
    // A run that received nothing has no rate window: it must not stretch the others'.
    if s.rate_window_end_unix_ns > s.rate_window_start_unix_ns {
        if r.rate_window_end_unix_ns > r.rate_window_start_unix_ns {
            r.rate_window_start_unix_ns =
                r.rate_window_start_unix_ns.min(s.rate_window_start_unix_ns);
            r.rate_window_end_unix_ns = r.rate_window_end_unix_ns.max(s.rate_window_end_unix_ns);
        } else {
            r.rate_window_start_unix_ns = s.rate_window_start_unix_ns;
            r.rate_window_end_unix_ns = s.rate_window_end_unix_ns;
        }
    }
    r.sent_in_window += s.sent_in_window;
    r.received_in_window += s.received_in_window;
    r.cpu_seconds += s.cpu_seconds;
    r.wall_seconds = r.wall_seconds.max(s.wall_seconds);
    let h = &mut r.histograms;
    let o = &s.histograms;
    for (into, from, what) in [
        (&mut h.latency, &o.latency, "latency"),
        (&mut h.ack_latency, &o.ack_latency, "ack_latency"),
        (&mut h.generator_lag, &o.generator_lag, "generator_lag"),
    ] {
        let field = format!("raw.histograms.{what}");
        let mut sum = raw::decode(into, &field)?;
        sum.add(raw::decode(from, &field)?)
            .map_err(|e| format!("{field}: {e:?}"))?;
        *into = raw::encode(&sum);
    }
    Ok(())
}

/// `bench conn --duration` parts: connections add up, each second's count too; memory per
/// connection is the average over all held connections.
fn add_held(x: &mut HeldReport, y: &HeldReport) {
    let total = x.connected_at_end + y.connected_at_end;
    x.rss_per_connection_bytes = (x.rss_per_connection_bytes * x.connected_at_end
        + y.rss_per_connection_bytes * y.connected_at_end)
        / total.max(1);
    x.connected_at_end = total;
    x.drops += y.drops;
    x.down_at_end += y.down_at_end;
    x.reconnects += y.reconnects;
    x.churned += y.churned;
    x.held_s = x.held_s.max(y.held_s);
    x.cpu_percent += y.cpu_percent;
    x.rss_peak_bytes += y.rss_peak_bytes;
    let len = x.connected_per_s.len().max(y.connected_per_s.len());
    x.connected_per_s.resize(len, 0);
    for (into, n) in x.connected_per_s.iter_mut().zip(&y.connected_per_s) {
        *into += n;
    }
}

/// Merges summaries (each with its name, for messages) into one. Warnings carry the name of the
/// run they come from when there is more than one.
pub fn merge(runs: Vec<(String, Report)>) -> Result<Report, String> {
    let named = runs.len() > 1;
    let label = |name: &str, w: &str| {
        if named {
            format!("{name}: {w}")
        } else {
            w.to_string()
        }
    };
    let mut runs = runs.into_iter();
    let Some((first_name, mut total)) = runs.next() else {
        return Err("no summaries to merge".into());
    };
    total.warnings = total
        .warnings
        .iter()
        .map(|w| label(&first_name, w))
        .collect();
    total.error = total.error.as_deref().map(|e| label(&first_name, e));
    for (name, report) in runs {
        add(&mut total, &report).map_err(|e| format!("{name}: {e}"))?;
        total
            .warnings
            .extend(report.warnings.iter().map(|w| label(&name, w)));
        if let Some(e) = &report.error {
            let e = label(&name, e);
            total.error = Some(match total.error.take() {
                Some(before) => format!("{before}; {e}"),
                None => e,
            });
        }
    }
    // A part marked incomplete without a reason (hand-edited) still needs one to be reported.
    if !total.complete && total.error.is_none() {
        total.error = Some("a merged run is incomplete".into());
    }
    derive(&mut total)?;
    if let Some(skew) = total.start_skew_ms
        && skew > 100.0
    {
        total.warnings.push(format!(
            "the runs started {skew:.0} ms apart: their windows overlap only partly, so rates and latencies mix different loads"
        ));
    }
    Ok(total)
}
