//! Bench flags take the same road as pub's and sub's: `-D` with four words, a later `-V` winning, and
//! flags the bench cannot honour refused instead of ignored.

use super::bench;
use crate::broker::{Broker, free_port};
use crate::util::{mqtk, run};

/// `-D COMMAND user-property KEY VALUE`, as `--help` and the README promise.
#[test]
fn user_property_takes_four_words() {
    let broker = Broker::start();
    let mark = broker.log_mark();
    let (out, v) = bench(
        &broker,
        &[
            "conn",
            "--clients",
            "1",
            "-I",
            "up",
            "-D",
            "connect",
            "user-property",
            "k",
            "v",
        ],
    );
    out.assert_success();
    assert_eq!(v["config"]["protocol"], "5", "-D implies MQTT v5 in\n{v:#}");
    assert_eq!(v["connect_failures"], 0, "in\n{v:#}");
    let log = broker.log_since(mark);
    assert!(
        log.contains(" as up-conn-0 (p5,"),
        "an MQTT v5 CONNECT; log:\n{log}"
    );
}

/// The documented rule: a `-V` after `-D` wins. MQTT 3.1.1 has no CONNECT properties, so the run is
/// refused as `mqtk pub` refuses it, instead of silently running MQTT v5.
#[test]
fn a_later_protocol_version_wins() {
    let broker = Broker::start();
    let port = broker.port_str();
    let d = ["-D", "connect", "session-expiry-interval", "5"];
    let mut args = vec!["bench", "conn", "--clients", "1"];
    args.extend(d);
    args.extend(["-V", "311", "-h", "127.0.0.1", "-p", &port, "--json"]);
    let out = run(&mqtk(), &args, None);
    out.assert_code(1);
    assert_eq!(
        out.stderr_str(),
        "Error: -D properties need MQTT v5, but a -V after them selects an older version.\n\n\
         Use 'mqtk bench --help' to see usage.\n",
        "{out}"
    );
    assert!(out.stdout.is_empty(), "{out}");

    // -V before -D: -D's MQTT v5 wins; a later -V 311 alone selects 3.1.1.
    let (out, v) = bench(
        &broker,
        &[
            "conn",
            "--clients",
            "1",
            "-V",
            "311",
            "-D",
            d[1],
            d[2],
            d[3],
        ],
    );
    out.assert_success();
    assert_eq!(v["config"]["protocol"], "5", "in\n{v:#}");
    let (out, v) = bench(&broker, &["conn", "--clients", "1", "-V", "5", "-V", "311"]);
    out.assert_success();
    assert_eq!(v["config"]["protocol"], "3.1.1", "in\n{v:#}");
}

/// Flags whose help promises something the bench's generated clients cannot do are refused, one line
/// each, exit 1, before anything connects (the port is closed: a connection attempt would say so).
#[test]
fn unusable_flags_are_refused() {
    let port = free_port().to_string();
    for (flags, says) in [
        (
            &["-D", "publish", "content-type", "x"][..],
            "not -D publish",
        ),
        (
            &["-D", "subscribe", "user-property", "k", "v"],
            "not -D subscribe",
        ),
        (&["-i", "fixed"], "-i (every client"),
        (&["-c"], "-c (each run"),
        (&["-d"], "-d (per-packet"),
        (&["--trace"], "--trace (per-packet"),
        (&["--trace-format", "json"], "--trace (per-packet"),
    ] {
        let mut args = vec!["bench", "-p", &port, "--count", "1"];
        args.extend(flags);
        let out = run(&mqtk(), &args, None);
        out.assert_code(1);
        let err = out.stderr_str();
        assert!(
            err.starts_with("Error: mqtk bench ") && err.contains(says),
            "{flags:?}: {out}"
        );
        assert!(
            err.ends_with(".\n\nUse 'mqtk bench --help' to see usage.\n")
                && err.lines().count() == 3,
            "one line and the usage hint: {out}"
        );
    }
}

/// `--quiet` does what its help says: the run's errors are not printed; the exit status still tells.
#[test]
fn quiet_hides_runtime_errors() {
    let port = free_port().to_string();
    let args = ["bench", "-p", &port, "--count", "1", "--json"];
    let loud = run(&mqtk(), &args, None);
    loud.assert_code(3);
    assert!(loud.stderr_str().contains("could not connect"), "{loud}");
    let mut quiet_args = args.to_vec();
    quiet_args.push("--quiet");
    let quiet = run(&mqtk(), &quiet_args, None);
    quiet.assert_code(3);
    assert!(quiet.stderr.is_empty(), "{quiet}");
    // The summary is data: it is still printed.
    let summary: serde_json::Value = serde_json::from_slice(&quiet.stdout)
        .unwrap_or_else(|e| panic!("--json output is not JSON ({e}):\n{quiet}"));
    assert_eq!(summary["connect_failures"], 2, "in\n{summary:#}");
}
