//! `mqtk bench` against a private mosquitto per test: small runs that check the counts and the shape
//! of the `--json` summary, never timings (CI has two busy cores). Other processes that publish for
//! `bench sub` start once the broker has logged the bench's SUBACK, never after a sleep.
//! (`tests/bench/*.sh` are benchmark scripts, not tests.)

// pubsub at each QoS, MQTT 5, the human table, and the topic templates (fan-in, fan-out, 1:1).
mod pubsub;
// bench pub, bench sub (with other processes publishing), bench conn, refused connections, a QoS
// above the broker's maximum.
mod scenarios;
// --rate, --series and bad input.
mod options;
// Messages a subscriber never gets are reported as lost.
mod loss;
// A broker SIGKILLed mid-run: exit 3, the report marked incomplete; bench sub that gets nothing.
mod dead_broker;
// --size from 0 to the MQTT limit without memory that scales with it; an unwritable --series.
mod sizes;
// -D with four words, a later -V winning, refused flags, --quiet: the shared front end.
mod front_end;
// bench merge and --start-at: three runs started together merge into one summary.
mod merge;
// bench conn: held connections, drops and reconnects, --ifaddr, the open-files check.
mod conn;
// --topics: publishers cycling over topics, exact loss per pair.
mod shapes;
// --prometheus: live counters scraped during a run.
mod prometheus;

use serde_json::Value;

use crate::broker::Broker;
use crate::util::{Run, mqtk, run};

/// Generous bound for anything a test waits on; a hang fails the test instead of blocking CI.
pub use crate::util::T;

/// Runs `mqtk bench ARGS -h 127.0.0.1 -p PORT --json` and parses the summary.
#[track_caller]
pub fn bench(broker: &Broker, args: &[&str]) -> (Run, Value) {
    let port = broker.port_str();
    let mut all = vec!["bench"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-h", "127.0.0.1", "-p", &port, "--json"]);
    let out = run(&mqtk(), &all, None);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("--json output is not JSON ({e}):\n{out}"));
    (out, json)
}

/// A whole-number field of the summary.
#[track_caller]
pub fn int(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not an unsigned integer in\n{v:#}"))
}

/// A number field of the summary.
#[track_caller]
pub fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number in\n{v:#}"))
}

/// The counts every clean run must show: everything sent arrived `fan_out` times, once, in order.
#[track_caller]
pub fn assert_delivered(v: &Value, sent: u64, fan_out: u64) {
    let counts = [
        "sent",
        "acked",
        "received",
        "lost",
        "duplicated",
        "out_of_order",
        "connect_failures",
        "connection_losses",
    ]
    .map(|k| (k, int(v, k)));
    let expected = [
        ("sent", sent),
        ("acked", sent),
        ("received", sent * fan_out),
        ("lost", 0),
        ("duplicated", 0),
        ("out_of_order", 0),
        ("connect_failures", 0),
        ("connection_losses", 0),
    ];
    assert_eq!(counts, expected, "in\n{v:#}");
}

/// The keys the issue asks for, with the right types, and latency percentiles in order.
#[track_caller]
pub fn assert_shape(v: &Value, broker: &Broker) {
    for key in [
        "sent",
        "acked",
        "received",
        "lost",
        "duplicated",
        "out_of_order",
        "refused",
        "connect_failures",
    ] {
        int(v, key);
    }
    for key in [
        "msgs_per_s",
        "mb_per_s",
        "publish_msgs_per_s",
        "cpu_percent",
        "window_s",
        "rate_window_s",
    ] {
        assert!(num(v, key) >= 0.0, "{key} is negative in\n{v:#}");
    }
    assert!(
        v["offered_msgs_per_s"].is_null() || v["offered_msgs_per_s"].is_f64(),
        "offered_msgs_per_s in\n{v:#}"
    );
    assert!(v["warnings"].is_array(), "warnings in\n{v:#}");
    for histogram in ["latency_us", "ack_latency_us", "generator_lag_us"] {
        let l = &v[histogram];
        int(l, "count");
        let p = ["min", "p50", "p90", "p99", "p999", "max"].map(|k| num(l, k));
        assert!(
            p.windows(2).all(|w| w[0] <= w[1]),
            "{histogram} percentiles out of order in\n{v:#}"
        );
        num(l, "mean");
    }
    let c = &v["config"];
    for key in ["pubs", "subs", "clients", "qos", "size", "inflight"] {
        int(c, key);
    }
    assert!(
        c["scenario"].is_string() && c["topic"].is_string() && c["sub_topic"].is_string(),
        "config in\n{v:#}"
    );
    assert!(
        c["protocol"] == "3.1.1" || c["protocol"] == "5",
        "config.protocol in\n{v:#}"
    );
    let e = &v["environment"];
    assert_eq!(e["version"], env!("CARGO_PKG_VERSION"), "in\n{v:#}");
    assert!(int(e, "cores") >= 1, "in\n{v:#}");
    assert_eq!(e["broker"], broker.addr(), "in\n{v:#}");
}

#[track_caller]
pub fn summary(out: &Run) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("--json output is not JSON ({e}):\n{out}"))
}
