//! `bench pub`, `bench sub` (with other processes publishing), `bench conn`, refused connections,
//! a QoS above the broker's maximum.

use super::{T, assert_shape, bench, int, num, summary};
use crate::broker::Broker;
use crate::publish::fence;
use crate::subscriber::Subscriber;
use crate::util::{Proc, Run, assert_same_run, mqtk, real, run};

#[test]
fn bench_pub_counts_acknowledgements() {
    let broker = Broker::start();
    let (out, v) = bench(
        &broker,
        &["pub", "-q", "1", "--pubs", "2", "--count", "1000"],
    );
    out.assert_success();
    assert_shape(&v, &broker);
    assert_eq!(
        ["sent", "acked", "received", "lost"].map(|k| int(&v, k)),
        [2000, 2000, 0, 0],
        "in\n{v:#}"
    );
    assert_eq!(v["config"]["scenario"], "pub");
    assert_eq!(
        int(&v["latency_us"], "count"),
        2000,
        "publish → PUBACK samples in\n{v:#}"
    );
    assert_eq!(
        v["latency_us"], v["ack_latency_us"],
        "the headline latency is publish → ack"
    );
}

/// Starts `mqtk bench sub ARGS` with client ids `bsub-sub-<i>` and returns once the broker has
/// acknowledged every subscription.
#[track_caller]
fn start_bench_sub(broker: &Broker, subs: usize, args: &[&str]) -> Proc {
    let port = broker.port_str();
    let mark = broker.log_mark();
    let mut all = vec![
        "bench",
        "sub",
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-I",
        "bsub",
        "--json",
    ];
    all.extend_from_slice(args);
    let proc = Proc::spawn(&mqtk(), &all);
    for i in 0..subs {
        broker.expect_log_since(mark, &format!("Sending SUBACK to bsub-sub-{i}"), T);
    }
    proc
}

#[test]
fn bench_sub_counts_what_mosquitto_pub_sends() {
    let broker = Broker::start();
    let sub = start_bench_sub(
        &broker,
        2,
        &["--subs", "2", "-q", "1", "-t", "ext/%i", "--count", "1000"],
    );
    let lines: String = (0..500).map(|i| format!("{i:064}\n")).collect();
    let port = broker.port_str();
    run(
        &real("mosquitto_pub"),
        &["-p", &port, "-t", "ext/x", "-q", "1", "-l"],
        Some(lines.as_bytes()),
    )
    .assert_success();
    let out = sub.wait(T);
    out.assert_success();
    let v = summary(&out);
    assert_shape(&v, &broker);
    // Two subscribers, 500 messages each; these are not bench payloads, so no sequence checks.
    assert_eq!(
        ["sent", "received", "lost", "duplicated"].map(|k| int(&v, k)),
        [0, 1000, 0, 0],
        "in\n{v:#}"
    );
    assert_eq!(
        int(&v["latency_us"], "count"),
        0,
        "no send times in foreign payloads:\n{v:#}"
    );
    assert_eq!(v["config"]["scenario"], "sub");
    assert_eq!(v["config"]["sub_topic"], "ext/+");
}

#[test]
fn bench_sub_checks_what_another_bench_pub_sends() {
    let broker = Broker::start();
    let sub = start_bench_sub(&broker, 1, &["-q", "1", "--count", "1500"]);
    let port = broker.port_str();
    let args = [
        "bench",
        "pub",
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-q",
        "1",
        "--pubs",
        "3",
        "--count",
        "500",
        "--json",
    ];
    let publisher = run(&mqtk(), &args, None);
    publisher.assert_success();
    let out = sub.wait(T);
    out.assert_success();
    let v = summary(&out);
    assert_eq!(
        ["received", "lost", "duplicated", "out_of_order"].map(|k| int(&v, k)),
        [1500, 0, 0, 0],
        "in\n{v:#}"
    );
    // Payload times are wall-clock based, so another process's messages are timed too.
    assert_eq!(int(&v["latency_us"], "count"), 1500, "in\n{v:#}");
}

#[test]
fn bench_conn_opens_every_connection() {
    let broker = Broker::start();
    let mark = broker.log_mark();
    let (out, v) = bench(&broker, &["conn", "--clients", "50", "-I", "bc"]);
    out.assert_success();
    assert_shape(&v, &broker);
    assert_eq!(int(&v, "connect_failures"), 0, "in\n{v:#}");
    assert_eq!(
        int(&v["latency_us"], "count"),
        50,
        "one CONNECT → CONNACK sample each in\n{v:#}"
    );
    assert!(num(&v, "msgs_per_s") > 0.0, "connections/s in\n{v:#}");
    assert_eq!(
        (
            v["config"]["scenario"].as_str(),
            int(&v["config"], "clients")
        ),
        (Some("conn"), 50)
    );
    let log = broker.log_since(mark);
    for i in 0..50 {
        assert!(
            log.contains(&format!(" as bc-conn-{i} ")),
            "bc-conn-{i} never connected; log:\n{log}"
        );
    }
}

#[test]
fn refused_connections_fail_the_run() {
    let broker = Broker::with_users("", &[("bench", "secret")]);
    let (out, v) = bench(&broker, &["-u", "bench", "-P", "wrong", "--count", "10"]);
    out.assert_code(3);
    assert_eq!(
        int(&v, "connect_failures"),
        2,
        "one publisher and one subscriber in\n{v:#}"
    );
    assert_eq!(
        out.stderr_str(),
        "Error: 2 clients could not connect or subscribe.\n"
    );
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("not authorised"),
        "the reason is reported: {warnings}"
    );
}

/// A v5 broker's CONNACK can cap the QoS (mosquitto `max_qos`): publishing above it would only get
/// every publisher disconnected and every message counted as lost. The run stops before publishing,
/// with the reason code 155 as its exit status.
#[test]
fn a_qos_above_the_broker_maximum_stops_the_run() {
    let broker = Broker::with_config("max_qos 1");
    let sub = Subscriber::start_v5(broker.port, "#", 2);
    let port = broker.port_str();
    for scenario in ["pubsub", "pub"] {
        #[rustfmt::skip]
        let args = [
            "bench", scenario, "-h", "127.0.0.1", "-p", &port, "-V", "5", "-q", "2", "--count", "100",
        ];
        let out = run(&mqtk(), &args, None);
        assert_same_run(
            &args.join(" "),
            &Run {
                code: 155,
                stdout: Vec::new(),
                stderr: b"Error: Message QoS 2 not supported on broker (maximum QoS 1); nothing was published. Try -q 1.\n".to_vec(),
            },
            &out,
        );
    }
    assert_eq!(fence(broker.port, None, &sub), []);
    // The maximum itself runs normally.
    let (out, v) = bench(&broker, &["-V", "5", "-q", "1", "--count", "100"]);
    out.assert_success();
    assert_eq!(
        ["sent", "acked", "received", "lost"].map(|k| int(&v, k)),
        [100, 100, 100, 0],
        "in\n{v:#}"
    );
}
