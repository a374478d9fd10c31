//! The vendored rumqttc writes the requests waiting in its channel together, one write and one
//! flush for many PUBLISHes (vendor/rumqttc/PATCHES.md, rumqtt#810), and nothing about order or
//! acknowledgements changes with it.

use std::time::Duration;

use super::{Ours, mqtk_pub};
use crate::broker::Broker;
use crate::subscriber::{Msg, Subscriber};
use crate::util::{Proc, mqtk, run, write_syscalls};

/// Lines for `pub -l`: `line-000000` … in order.
fn lines(n: usize) -> String {
    (0..n).map(|i| format!("line-{i:06}\n")).collect()
}

/// Asserts `got` is exactly `lines(n)` at `qos`, in order.
#[track_caller]
fn assert_in_order(got: &[Msg], n: usize, qos: u8) {
    assert_eq!(got.len(), n, "messages received");
    for (i, m) in got.iter().enumerate() {
        let want = format!("line-{i:06}");
        assert!(
            m.payload == want.as_bytes() && m.qos == qos,
            "message {i}: expected {want:?} at QoS {qos}, got {:?} at QoS {}",
            m.payload_str(),
            m.qos
        );
    }
}

/// 20,000 lines at QoS 0 given at once on stdin leave in far fewer writes than messages: unpatched
/// rumqttc makes one write per PUBLISH (20,000 and more). The count is taken while the publisher is
/// still running (stdin open), once a subscriber has every message, in order.
#[test]
fn line_mode_writes_many_publishes_at_once() {
    const LINES: usize = 20_000;
    let broker = Broker::start();
    let sub = Subscriber::start(broker.port, "batch/t", 1);
    let port = broker.port_str();
    let args = mqtk_pub(&["-p", &port, "-t", "batch/t", "-l", "-q", "0"]);
    let mut publisher = Proc::spawn(&mqtk(), &args);
    publisher.write_stdin(lines(LINES).as_bytes());
    let got = sub.take(LINES, Duration::from_secs(60));
    assert_in_order(&got, LINES, 0);
    let writes = write_syscalls(publisher.pid());
    publisher.close_stdin();
    let out = publisher.wait(Duration::from_secs(30));
    out.assert_success();
    assert!(
        writes < (LINES / 20) as u64,
        "{writes} write system calls for {LINES} messages: rumqttc is not batching"
    );
    sub.expect_none(Duration::from_millis(100));
}

/// At QoS 1 and 2, in v3.1.1 and v5, under both names, every line arrives once and in order, and
/// the run exits 0: it waits for every PUBACK/PUBCOMP, so no acknowledgement went missing when
/// requests went out together (the window of 20 in flight fills and drains many times).
#[test]
fn batched_qos_1_and_2_keep_order_and_acknowledgements() {
    const LINES: usize = 3_000;
    let broker = Broker::start();
    let port = broker.port_str();
    let ours = Ours::new();
    let input = lines(LINES);
    for qos in ["1", "2"] {
        for version in ["311", "5"] {
            for (program, prefix) in [(mqtk(), true), (ours.mosquitto_pub(), false)] {
                let topic = format!("batch/{qos}/{version}/{prefix}");
                let sub = Subscriber::start(broker.port, &topic, 2);
                let all = mqtk_pub(&["-p", &port, "-t", &topic, "-l", "-q", qos, "-V", version]);
                let args = if prefix { &all[..] } else { &all[1..] };
                let out = run(&program, args, Some(input.as_bytes()));
                out.assert_success();
                assert!(out.stderr.is_empty(), "{out}");
                let got = sub.take(LINES, Duration::from_secs(60));
                assert_in_order(&got, LINES, qos.parse().expect("qos"));
                sub.expect_none(Duration::from_millis(100));
            }
        }
    }
}
