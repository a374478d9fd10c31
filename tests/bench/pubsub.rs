//! `bench pubsub`: counts and JSON shape at each QoS, the human table, the topic templates.

use super::{assert_delivered, assert_shape, bench, int, num};
use crate::broker::Broker;
use crate::util::{mqtk, run};

/// A pubsub run at `qos`: every message arrives once, in order, and the JSON has every field.
fn pubsub(qos: &str) {
    let broker = Broker::start();
    let (out, v) = bench(&broker, &["-q", qos, "--count", "2000"]);
    out.assert_success();
    assert_delivered(&v, 2000, 1);
    assert_shape(&v, &broker);
    let c = &v["config"];
    assert_eq!(
        (
            c["scenario"].as_str(),
            int(c, "qos"),
            c["count"].as_u64(),
            c["topic"].as_str(),
            c["sub_topic"].as_str()
        ),
        (
            Some("pubsub"),
            qos.parse().unwrap(),
            Some(2000),
            Some("mqtk/bench/%i"),
            Some("mqtk/bench/+")
        ),
        "in\n{v:#}"
    );
    assert!(
        v["offered_msgs_per_s"].is_null(),
        "unlimited rate in\n{v:#}"
    );
    assert_eq!(
        int(&v["latency_us"], "count"),
        2000,
        "one end-to-end sample per message in\n{v:#}"
    );
    let acks = if qos == "0" { 0 } else { 2000 };
    assert_eq!(int(&v["ack_latency_us"], "count"), acks, "in\n{v:#}");
    assert!(
        num(&v, "msgs_per_s") > 0.0 && num(&v, "rate_window_s") > 0.0,
        "in\n{v:#}"
    );
}

#[test]
fn pubsub_qos0_counts_and_json_shape() {
    pubsub("0");
}

#[test]
fn pubsub_qos1_counts_and_json_shape() {
    pubsub("1");
}

#[test]
fn pubsub_qos2_counts_and_json_shape() {
    pubsub("2");
}

#[test]
fn pubsub_mqtt5() {
    let broker = Broker::start();
    let (out, v) = bench(&broker, &["-V", "5", "-q", "1", "--count", "1000"]);
    out.assert_success();
    assert_delivered(&v, 1000, 1);
    assert_eq!(v["config"]["protocol"], "5");
}

#[test]
fn human_summary() {
    let broker = Broker::start();
    let port = broker.port_str();
    let args = [
        "bench",
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-q",
        "1",
        "--count",
        "500",
        "--inflight",
        "1",
    ];
    let out = run(&mqtk(), &args, None);
    out.assert_success();
    let text = out.stdout_str();
    let lines: Vec<&str> = text.lines().collect();
    let expected = [
        format!("mqtk bench pubsub: 1 pub, 1 sub, QoS 1, 64 B payloads, rate unlimited, MQTT 3.1.1, broker 127.0.0.1:{port}"),
        "  sent / acked           500 / 500".into(),
        "  received               500   lost 0   duplicated 0   out of order 0".into(),
        "  latency (µs)                 min       p50       p90       p99     p99.9       max      mean".into(),
        "  warning: --inflight 1: each publisher waits for every acknowledgement (stop-and-wait)".into(),
    ];
    for line in &expected {
        assert!(
            lines.contains(&line.as_str()),
            "missing line {line:?} in\n{out}"
        );
    }
    for label in [
        "  window ",
        "  throughput ",
        "  bench CPU ",
        "  end to end ",
        "  publish → PUBACK ",
        "  generator lag ",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(label)),
            "no {label:?} row in\n{out}"
        );
    }
    assert_eq!(out.stderr_str(), "", "nothing on stderr off a terminal");
}

#[test]
fn point_to_point_each_subscriber_gets_only_its_publisher() {
    let broker = Broker::start();
    let (out, v) = bench(
        &broker,
        &[
            "-q",
            "1",
            "--pubs",
            "3",
            "--subs",
            "3",
            "-t",
            "b/%i",
            "--sub-topic",
            "b/%i",
            "--count",
            "1000",
        ],
    );
    out.assert_success();
    // lost 0 means each subscriber got all 1000 of its publisher's; received 3000 means nothing else.
    assert_delivered(&v, 3000, 1);
}

#[test]
fn fan_out_every_subscriber_gets_everything() {
    let broker = Broker::start();
    let (out, v) = bench(
        &broker,
        &["-q", "1", "--pubs", "1", "--subs", "3", "--count", "1000"],
    );
    out.assert_success();
    assert_delivered(&v, 1000, 3);
    assert_eq!(int(&v["latency_us"], "count"), 3000, "in\n{v:#}");
}

#[test]
fn fan_in_one_subscriber_gets_every_publisher() {
    let broker = Broker::start();
    let (out, v) = bench(
        &broker,
        &[
            "-q",
            "2",
            "--pubs",
            "3",
            "--subs",
            "1",
            "-t",
            "in/%i",
            "--sub-topic",
            "in/+",
            "--count",
            "700",
        ],
    );
    out.assert_success();
    assert_delivered(&v, 2100, 1);
}

#[test]
fn client_id_template_in_topics() {
    let broker = Broker::start();
    let (out, v) = bench(
        &broker,
        &[
            "-I",
            "cid",
            "--pubs",
            "2",
            "--subs",
            "2",
            "-t",
            "c/%c",
            "--sub-topic",
            "c/cid-pub-%i",
            "--count",
            "500",
        ],
    );
    out.assert_success();
    assert_delivered(&v, 1000, 1);
}
