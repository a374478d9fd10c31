//! `retain-clear --json` prints its summary also when it fails part way: what was cleared until
//! then, `complete: false` and the error.

use std::time::Duration;

use serde_json::Value;

use crate::broker::Broker;
use crate::util::{Proc, mqtk, run};

const T: Duration = Duration::from_secs(30);

/// Retains an empty-ish message on `seed/0` … `seed/{n-1}` at QoS 1, every PUBACK awaited.
fn seed(port: u16, n: usize) {
    use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut options = MqttOptions::new("limits-seed", "127.0.0.1", port);
        options.set_inflight(100);
        let (client, mut events) = AsyncClient::new(options, 1000);
        tokio::spawn(async move {
            for i in 0..n {
                let queued = client.publish(format!("seed/{i}"), QoS::AtLeastOnce, true, "x");
                queued.await.expect("queue a seed publish");
            }
            client
        });
        let mut acked = 0;
        while acked < n {
            if let Event::Incoming(Packet::PubAck(_)) =
                events.poll().await.expect("seed connection")
            {
                acked += 1;
            }
        }
    });
}

#[track_caller]
fn summary(stdout: &[u8]) -> Value {
    serde_json::from_slice(stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON summary ({e}):\n{}",
            String::from_utf8_lossy(stdout)
        )
    })
}

#[test]
fn a_timeout_still_prints_the_summary() {
    let broker = Broker::start();
    let port = broker.port_str();
    // Collection waits 60 s for the retained messages to end; -W stops it first.
    let out = run(
        &mqtk(),
        &[
            "retain-clear",
            "-p",
            &port,
            "-t",
            "a/#",
            "--idle",
            "60000",
            "-W",
            "0.5",
            "--json",
        ],
        None,
    );
    assert_eq!(out.code, 27, "{out}");
    let v = summary(&out.stdout);
    assert_eq!(
        (&v["complete"], &v["cleared"]),
        (&Value::Bool(false), &Value::from(0)),
        "{v:#}"
    );
    assert_eq!(
        v["error"],
        "Error: timed out after 0.5 s (-W) while collecting retained messages; nothing was cleared.",
        "{v:#}"
    );
}

#[test]
fn a_broker_killed_while_clearing_leaves_a_partial_summary() {
    let mut broker = Broker::start();
    let port = broker.port_str();
    let n = 20_000;
    seed(broker.port_str().parse().expect("port"), n);
    let mark = broker.log_mark();
    let clear = Proc::spawn(
        &mqtk(),
        &[
            "retain-clear",
            "-p",
            &port,
            "-t",
            "seed/#",
            "-i",
            "rcj",
            "--json",
        ],
    );
    // The first clear (an empty retained QoS 1 publish) has reached the broker: clearing is under way.
    broker.expect_log_since(mark, "Received PUBLISH from rcj (d0, q1, r1", T);
    broker.stop();
    let out = clear.wait(T);
    assert_ne!(out.code, 0, "{out}");
    let v = summary(&out.stdout);
    let cleared = v["cleared"].as_u64().expect("cleared");
    assert_eq!(v["complete"], false, "{v:#}");
    assert_eq!(v["found"], n, "{v:#}");
    assert!(cleared < n as u64, "{v:#}");
    assert_eq!(
        v["topics"].as_array().map(Vec::len),
        Some(cleared as usize),
        "{v:#}"
    );
    let error = v["error"].as_str().expect("error");
    assert!(
        error.contains(&format!("{cleared} of {n} topics were cleared")),
        "{error}"
    );
}

#[test]
fn a_complete_run_says_so() {
    let broker = Broker::start();
    let port = broker.port_str();
    seed(broker.port_str().parse().expect("port"), 3);
    let out = run(
        &mqtk(),
        &["retain-clear", "-p", &port, "-t", "seed/#", "--json"],
        None,
    );
    out.assert_success();
    let v = summary(&out.stdout);
    assert_eq!(
        (&v["complete"], &v["error"], &v["cleared"]),
        (&Value::Bool(true), &Value::Null, &Value::from(3)),
        "{v:#}"
    );
}
