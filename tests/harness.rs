//! Sanity tests for the test harness itself (broker, runner, subscriber).

use std::net::TcpStream;
use std::time::Duration;

use crate::broker::Broker;
use crate::subscriber::Subscriber;
use crate::util::{real, run};

use crate::util::T;

#[test]
fn broker_starts_on_a_private_port() {
    let broker = Broker::start();
    assert_ne!(broker.port, 1883);
    assert!(broker.log().contains("running"), "log:\n{}", broker.log());
    let mark = broker.log_mark();
    let conn = TcpStream::connect(broker.addr()).expect("connect to broker");
    let local = conn.local_addr().unwrap().port();
    let line = format!(
        "New connection from 127.0.0.1:{local} on port {}",
        broker.port
    );
    broker.expect_log_since(mark, &line, T);
}

#[test]
fn subscriber_sees_real_mosquitto_pub() {
    let broker = Broker::start();
    let port = broker.port_str();
    let sub = Subscriber::start(broker.port, "harness/#", 2);
    let sub5 = Subscriber::start_v5(broker.port, "harness/#", 2);

    let args = ["-p", &port, "-t", "harness/a", "-m", "hello", "-q", "1"];
    run(&real("mosquitto_pub"), &args, None).assert_success();
    let got = sub.take(1, T);
    assert_eq!(got[0].topic, "harness/a");
    assert_eq!(got[0].payload, b"hello");
    assert_eq!(got[0].qos, 1);
    assert!(!got[0].retain);
    assert_eq!(got[0].props, None);
    assert_eq!(sub5.take(1, T)[0].payload, b"hello");

    // v5 properties reach a v5 subscriber; retain is kept (retain-as-published).
    #[rustfmt::skip]
    let args = [
        "-p", &port, "-V", "mqttv5", "-t", "harness/b", "-m", "v5", "-q", "2", "-r",
        "-D", "publish", "user-property", "k", "v",
        "-D", "publish", "content-type", "text/plain",
        "-D", "publish", "correlation-data", "abc",
        "-D", "publish", "response-topic", "harness/reply",
    ];
    run(&real("mosquitto_pub"), &args, None).assert_success();
    let m = sub5.take(1, T).remove(0);
    assert_eq!((m.topic.as_str(), m.qos, m.retain), ("harness/b", 2, true));
    let p = m.props();
    assert_eq!(p.user_properties, vec![("k".to_string(), "v".to_string())]);
    assert_eq!(p.content_type.as_deref(), Some("text/plain"));
    assert_eq!(p.correlation_data.as_deref(), Some(&b"abc"[..]));
    assert_eq!(p.response_topic.as_deref(), Some("harness/reply"));
    assert_eq!(sub.take(1, T)[0].payload, b"v5");
    sub.expect_none(Duration::from_millis(100));
}

#[test]
fn parallel_brokers_get_different_ports() {
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(Broker::start);
        let b = s.spawn(Broker::start);
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_ne!(a.port, b.port);
    // Each broker only sees its own traffic.
    let sub_a = Subscriber::start(a.port, "#", 0);
    let sub_b = Subscriber::start(b.port, "#", 0);
    let args = ["-p", &a.port_str(), "-t", "only/a", "-m", "x", "-q", "1"];
    run(&real("mosquitto_pub"), &args, None).assert_success();
    assert_eq!(sub_a.take(1, T)[0].topic, "only/a");
    sub_b.expect_none(Duration::from_millis(100));
}
