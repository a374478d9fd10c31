//! `--rate`, `--series` and bad input.

use serde_json::Value;

use super::{assert_delivered, bench, int, num};
use crate::broker::Broker;
use crate::util::{mqtk, run};

#[test]
fn rate_is_offered_and_reported() {
    let broker = Broker::start();
    let (out, v) = bench(
        &broker,
        &["-q", "1", "--pubs", "2", "--rate", "2000", "--count", "500"],
    );
    out.assert_success();
    assert_delivered(&v, 1000, 1);
    assert_eq!(v["offered_msgs_per_s"].as_f64(), Some(2000.0), "in\n{v:#}");
    assert_eq!(v["config"]["rate"].as_f64(), Some(2000.0), "in\n{v:#}");
    // Open loop: never faster than offered (each message has its slot); a loose lower bound only.
    let published = num(&v, "publish_msgs_per_s");
    assert!(
        published <= 2000.0 * 1.01 && published > 2000.0 / 10.0,
        "published {published} msg/s in\n{v:#}"
    );
    assert!(num(&v, "msgs_per_s") > 0.0, "in\n{v:#}");
    assert_eq!(int(&v["generator_lag_us"], "count"), 1000, "in\n{v:#}");
}

/// Runs a 1.5-second paced bench writing its per-second series to a file; returns the file's lines
/// and the summary.
fn series(format: &str) -> (Vec<String>, Value) {
    let broker = Broker::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("series");
    let path_arg = path.display().to_string();
    let args = [
        "--rate",
        "1000",
        "--duration",
        "1.5",
        "--warmup",
        "0",
        "--series",
        &path_arg,
        "--series-format",
        format,
    ];
    let (out, v) = bench(&broker, &args);
    out.assert_success();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("series file: {e}\n{out}"));
    (text.lines().map(str::to_string).collect(), v)
}

#[test]
fn series_csv() {
    let (lines, v) = series("csv");
    assert_eq!(
        lines.first().map(String::as_str),
        Some("second,sent,acked,received"),
        "{lines:?}"
    );
    let rows: Vec<Vec<u64>> = lines[1..]
        .iter()
        .map(|l| {
            l.split(',')
                .map(|f| {
                    f.parse()
                        .unwrap_or_else(|_| panic!("not a number in {l:?}"))
                })
                .collect()
        })
        .collect();
    assert!(
        !rows.is_empty(),
        "a 1.5 s run has at least one full second: {lines:?}"
    );
    for (i, row) in rows.iter().enumerate() {
        assert_eq!((row.len(), row[0]), (4, i as u64 + 1), "{lines:?}");
    }
    let sent: u64 = rows.iter().map(|r| r[1]).sum();
    assert!(
        sent > 0 && sent <= int(&v, "sent"),
        "series sent {sent} in {lines:?}\n{v:#}"
    );
}

#[test]
fn series_ndjson() {
    let (lines, v) = series("ndjson");
    assert!(
        !lines.is_empty(),
        "a 1.5 s run has at least one full second"
    );
    let mut sent = 0;
    for (i, line) in lines.iter().enumerate() {
        let row: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(int(&row, "second"), i as u64 + 1, "{line}");
        for key in ["acked", "received"] {
            int(&row, key);
        }
        sent += int(&row, "sent");
    }
    assert!(
        sent > 0 && sent <= int(&v, "sent"),
        "series sent {sent} in {lines:?}\n{v:#}"
    );
}

#[test]
fn bad_input_is_a_one_line_usage_error() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--size", "268435439"],
            "Error: --size must be at most 268435438 bytes (the MQTT packet limit, less the topic and headers).",
        ),
        (&["--pubs", "0"], "Error: --pubs must be at least 1."),
        (&["--subs", "0"], "Error: --subs must be at least 1."),
        // These aborted allocating room for 4e9 clients.
        (
            &["--subs", "4000000000"],
            "Error: --subs must be at most 65536 (the ports one machine can reach a broker from).",
        ),
        (
            &["conn", "--clients", "4000000000"],
            "Error: --clients must be at most 65536 (the ports one machine can reach a broker from).",
        ),
        (
            &["--pubs", "70000"],
            "Error: --pubs must be at most 65536 (payloads carry a 16-bit publisher index).",
        ),
        (
            &["-q", "3"],
            "Error: invalid value '3' for '--qos <QOS>': 3 is not in 0..=2",
        ),
        (
            &["--rate", "0"],
            "Error: --rate must be between 0.000000001 and 1000000000 per second, got 0.",
        ),
        (
            &["--rate", "-5"],
            "Error: --rate must be between 0.000000001 and 1000000000 per second, got -5.",
        ),
        // These panicked converting float seconds to a Duration.
        (
            &["--rate", "1e-300"],
            "Error: --rate must be between 0.000000001 and 1000000000 per second, got 1e-300.",
        ),
        (
            &["--duration", "1e20"],
            "Error: --duration must be greater than 0 and at most 1000000000 seconds, got 1e20.",
        ),
        (
            &["--warmup", "1e308"],
            "Error: --warmup must be 0 or more and at most 1000000000 seconds, got 1e308.",
        ),
        (
            &["conn", "--connect-rate", "1e-300"],
            "Error: --connect-rate must be between 0.000000001 and 1000000000 per second, got 1e-300.",
        ),
        (&["--count", "0"], "Error: --count must be at least 1."),
        (
            &["--inflight", "0"],
            "Error: --inflight must be at least 1.",
        ),
        (&["-t", "a/#/%i"], "Error: Invalid topic template 'a/#/%i'."),
        (
            &["--sub-topic", "a/+b"],
            "Error: Invalid topic template 'a/+b'.",
        ),
        (
            &["conn", "--clients", "0"],
            "Error: --clients must be at least 1.",
        ),
    ];
    for (args, message) in cases {
        // Port 1: nothing listens there, so a value that slipped through would fail differently.
        let mut all = vec!["bench", "-h", "127.0.0.1", "-p", "1"];
        all.extend_from_slice(args);
        let out = run(&mqtk(), &all, None);
        assert_eq!(
            (out.code, out.stdout_str().as_str()),
            (1, ""),
            "{args:?}:\n{out}"
        );
        let stderr = out.stderr_str();
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with("Use '"))
            .collect();
        assert_eq!(errors, [*message], "{args:?}:\n{out}");
    }
}
