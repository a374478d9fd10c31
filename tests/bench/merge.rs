//! `bench merge` and `--start-at`: three bench processes on one broker start together and their
//! summaries merge into the summary of the combined load.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::Deserializer;
use serde_json::Value;

use super::{T, assert_shape, int, num, summary};
use crate::broker::Broker;
use crate::util::{Proc, Run, mqtk, run};

/// A raw histogram of a summary, decoded here with the hdrhistogram crate directly.
fn histogram(v: &Value, name: &str) -> Histogram<u64> {
    let text = v["raw"]["histograms"][name].as_str().unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap_or_else(|e| panic!("{name} is not base64 ({e}) in\n{v:#}"));
    Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .unwrap_or_else(|e| panic!("{name} is not a V2 histogram ({e:?})"))
}

/// A latency summary's fields in µs, from a histogram of ns.
fn percentiles(h: &Histogram<u64>) -> [f64; 7] {
    let us = |ns: u64| ns as f64 / 1000.0;
    [
        us(h.min()),
        us(h.value_at_quantile(0.5)),
        us(h.value_at_quantile(0.9)),
        us(h.value_at_quantile(0.99)),
        us(h.value_at_quantile(0.999)),
        us(h.max()),
        h.mean() / 1000.0,
    ]
}

fn summary_percentiles(l: &Value) -> [f64; 7] {
    ["min", "p50", "p90", "p99", "p999", "max", "mean"].map(|k| num(l, k))
}

/// Equal but for float rounding (serde_json's parser may miss by an ulp).
#[track_caller]
fn assert_close(got: f64, want: f64, v: &Value) {
    assert!(
        (got - want).abs() <= want.abs() * 1e-12,
        "{got} is not {want} in\n{v:#}"
    );
}

/// An RFC 3339 time `seconds` from now.
fn in_seconds(seconds: u64) -> (String, u64) {
    let at = SystemTime::now() + Duration::from_secs(seconds);
    let ns = at.duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64;
    let t = chrono::DateTime::from_timestamp_nanos(ns as i64);
    (t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true), ns)
}

fn merge(files: &[std::path::PathBuf], json: bool) -> Run {
    let mut args = vec!["bench".to_string(), "merge".into()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    if json {
        args.push("--json".into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&mqtk(), &args, None)
}

#[test]
fn three_runs_started_together_merge_into_one() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let port = broker.port_str();
    let (at, at_ns) = in_seconds(3);
    // Different shares of one load: 1, 2 and 3 publishers.
    let pubs = ["1", "2", "3"];
    let procs: Vec<Proc> = (0..3)
        .map(|i| {
            let (prefix, topic) = (format!("m{i}"), format!("m{i}/%i"));
            #[rustfmt::skip]
            let args = [
                "bench", "-h", "127.0.0.1", "-p", &port, "-q", "1", "--pubs", pubs[i], "--subs", "2",
                "--count", "500", "-I", &prefix, "-t", &topic, "--start-at", &at, "--json",
            ];
            Proc::spawn(&mqtk(), &args)
        })
        .collect();
    let mut runs = Vec::new();
    let mut files = Vec::new();
    for (i, p) in procs.into_iter().enumerate() {
        let out = p.wait(T);
        out.assert_success();
        let v = summary(&out);
        assert_shape(&v, &broker);
        assert_eq!(v["raw"]["start_at_unix_ns"], at_ns, "in\n{v:#}");
        let started = int(&v["raw"], "started_unix_ns");
        assert!(
            started + 2_000_000 >= at_ns,
            "run {i} started {} ms before --start-at",
            (at_ns - started) as f64 / 1e6
        );
        let file = dir.path().join(format!("{i}.json"));
        std::fs::write(&file, &out.stdout).unwrap();
        files.push(file);
        runs.push(v);
    }

    let out = merge(&files, true);
    out.assert_success();
    let m = summary(&out);
    assert_shape(&m, &broker);
    #[rustfmt::skip]
    let counts = [
        "sent", "acked", "received", "lost", "duplicated", "out_of_order", "connect_failures",
    ];
    for key in counts {
        let sum: u64 = runs.iter().map(|v| int(v, key)).sum();
        assert_eq!(int(&m, key), sum, "{key} in\n{m:#}");
    }
    assert_eq!(int(&m, "sent"), 6 * 500);
    assert_eq!(int(&m, "received"), 2 * 6 * 500);
    assert_eq!(
        (int(&m["config"], "pubs"), int(&m["config"], "subs")),
        (6, 6)
    );
    assert_eq!(int(&m["raw"], "runs"), 3);
    for name in ["latency", "ack_latency", "generator_lag"] {
        let mut direct = histogram(&runs[0], name);
        for v in &runs[1..] {
            direct.add(histogram(v, name)).unwrap();
        }
        assert_eq!(histogram(&m, name), direct, "merged {name}");
        let key = format!("{name}_us");
        assert_eq!(
            int(&m[&key], "count"),
            direct.len(),
            "{key} count in\n{m:#}"
        );
        // Percentiles exactly; the mean to float rounding (summed in another histogram layout).
        let (got, want) = (summary_percentiles(&m[&key]), percentiles(&direct));
        assert_eq!(got[..6], want[..6], "{key} in\n{m:#}");
        assert_close(got[6], want[6], &m);
    }
    // Rates over the common window: from the earliest window start to the latest arrival.
    let edge = |key: &str, pick: fn(u64, u64) -> u64| {
        runs.iter()
            .map(|v| int(&v["raw"], key))
            .reduce(pick)
            .unwrap()
    };
    let span = (edge("rate_window_end_unix_ns", u64::max)
        - edge("rate_window_start_unix_ns", u64::min)) as f64
        / 1e9;
    assert_close(num(&m, "rate_window_s"), span, &m);
    let in_window: u64 = runs
        .iter()
        .map(|v| int(&v["raw"], "received_in_window"))
        .sum();
    assert_close(num(&m, "msgs_per_s"), in_window as f64 / span, &m);
    let skew = (edge("started_unix_ns", u64::max) - edge("started_unix_ns", u64::min)) as f64 / 1e6;
    assert_close(num(&m, "start_skew_ms"), skew, &m);

    // The table says the same, and how many runs it merged.
    let out = merge(&files, false);
    out.assert_success();
    let text = out.stdout_str();
    assert!(
        text.starts_with("mqtk bench pubsub: 6 pub, 6 sub, QoS 1")
            && text.contains("runs                   3 merged; start skew")
            && text.contains("sent / acked           3000 / 3000"),
        "{text}"
    );

    // A merge of one summary is that summary, and merged summaries merge again.
    let out = merge(&files[..1], true);
    out.assert_success();
    assert_eq!(summary(&out), runs[0]);
    let merged = dir.path().join("merged.json");
    std::fs::write(&merged, merge(&files[..2], true).stdout).unwrap();
    let again = summary(merge(&[merged, files[2].clone()], true).assert_success());
    assert_eq!(histogram(&again, "latency"), histogram(&m, "latency"));
    assert_eq!(int(&again, "received"), int(&m, "received"));
}

#[test]
fn merge_refuses_what_it_cannot_merge() {
    let dir = tempfile::tempdir().unwrap();
    let not_json = dir.path().join("x.json");
    std::fs::write(&not_json, "hello").unwrap();
    let out = merge(std::slice::from_ref(&not_json), false);
    out.assert_code(65);
    let stderr = out.stderr_str();
    assert!(
        stderr.starts_with(&format!(
            "Error: {} is not a bench --json summary",
            not_json.display()
        )) && stderr.lines().count() == 1,
        "{stderr}"
    );

    let out = run(&mqtk(), &["bench", "merge"], None);
    out.assert_code(1);
    assert!(
        out.stderr_str()
            .starts_with("Error: mqtk bench merge needs")
    );
    let out = run(&mqtk(), &["bench", "merge", "a.json", "--pubs", "3"], None);
    out.assert_code(1);
    assert!(
        out.stderr_str()
            .starts_with("Error: mqtk bench merge takes only FILE... and --json, not pubs."),
        "{out}"
    );
    let out = run(&mqtk(), &["bench", "pub", "a.json"], None);
    out.assert_code(1);
    let out = run(&mqtk(), &["bench", "--start-at", "tomorrow"], None);
    out.assert_code(1);
    assert!(
        out.stderr_str().starts_with("Error: --start-at takes"),
        "{out}"
    );
}

#[test]
fn runs_of_different_loads_do_not_merge() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for qos in ["0", "1"] {
        let (out, _) = super::bench(&broker, &["-q", qos, "--count", "50", "-I", qos]);
        out.assert_success();
        let file = dir.path().join(format!("{qos}.json"));
        std::fs::write(&file, &out.stdout).unwrap();
        files.push(file);
    }
    let out = merge(&files, false);
    out.assert_code(65);
    assert_eq!(
        out.stderr_str(),
        format!(
            "Error: {}: the runs differ in QoS: not parts of one load\n",
            files[1].display()
        )
    );
}

#[test]
fn held_connection_runs_merge() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, clients) in ["3", "5"].iter().enumerate() {
        let prefix = format!("h{i}");
        let (out, _) = super::bench(
            &broker,
            &[
                "conn",
                "--clients",
                clients,
                "--duration",
                "1",
                "-I",
                &prefix,
            ],
        );
        out.assert_success();
        let file = dir.path().join(format!("{i}.json"));
        std::fs::write(&file, &out.stdout).unwrap();
        files.push(file);
    }
    let out = merge(&files, true);
    out.assert_success();
    let m = summary(&out);
    assert_eq!(int(&m["config"], "clients"), 8, "in\n{m:#}");
    assert_eq!(int(&m["latency_us"], "count"), 8, "in\n{m:#}");
    assert_eq!(int(&m["held"], "connected_at_end"), 8, "in\n{m:#}");
    assert_eq!(int(&m["held"], "drops"), 0, "in\n{m:#}");
}

#[test]
fn merging_an_incomplete_run_is_incomplete() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut runs = Vec::new();
    for id in ["a", "b"] {
        let (out, v) = super::bench(&broker, &["--count", "50", "-I", id]);
        out.assert_success();
        assert_eq!(v["complete"], true, "{v}");
        runs.push(v);
        files.push(dir.path().join(format!("{id}.json")));
    }
    // Both complete: so is the merge.
    for (file, v) in files.iter().zip(&runs) {
        std::fs::write(file, serde_json::to_vec(v).unwrap()).unwrap();
    }
    let out = merge(&files, true);
    out.assert_success();
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(merged["complete"], true, "{merged}");
    assert_eq!(merged["error"], Value::Null, "{merged}");

    // The second part ended early (as a dead broker leaves it): the merge says so, and fails.
    let mut cut = runs[1].clone();
    cut["complete"] = Value::Bool(false);
    cut["error"] = Value::String("30 of 50 messages were never sent".into());
    cut["unsent"] = Value::from(30);
    cut["unconfirmed"] = Value::from(2);
    std::fs::write(&files[1], serde_json::to_vec(&cut).unwrap()).unwrap();
    let out = merge(&files, true);
    out.assert_code(3);
    assert_eq!(
        out.stderr_str(),
        format!(
            "Error: {}: 30 of 50 messages were never sent.\n",
            files[1].display()
        )
    );
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(merged["complete"], false, "{merged}");
    assert_eq!(int(&merged, "unsent"), 30, "{merged}");
    assert_eq!(
        int(&merged, "unconfirmed"),
        2 + int(&runs[0], "unconfirmed"),
        "{merged}"
    );
    let out = merge(&files, false);
    out.assert_code(3);
    assert!(out.stdout_str().contains("INCOMPLETE"), "{out}");

    // One file alone gives its own verdict back.
    let out = merge(&files[1..], true);
    out.assert_code(3);
    assert_eq!(
        out.stderr_str(),
        "Error: 30 of 50 messages were never sent.\n"
    );

    // A summary written before `complete` existed reads as complete.
    let mut old = runs[0].clone();
    for field in ["complete", "error", "unsent", "unconfirmed"] {
        old.as_object_mut().unwrap().remove(field);
    }
    std::fs::write(&files[1], serde_json::to_vec(&old).unwrap()).unwrap();
    let out = merge(&files[1..], true);
    out.assert_success();
}
