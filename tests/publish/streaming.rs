//! Line mode and volume: `-l` publishes while stdin is still open, keeps every line in order at
//! scale, and large payloads arrive intact.

use std::time::Duration;

use super::{Ours, T, fence, mqtk_pub};
use crate::broker::Broker;
use crate::subscriber::Subscriber;
use crate::util::{Proc, mqtk, run};

/// `printf 'a\nb\n' | mqtk pub -t t -l -q 1` delivers both lines at QoS 1 and exits 0.
#[test]
fn two_lines_at_qos_1() {
    let broker = Broker::start();
    let sub = Subscriber::start_v5(broker.port, "#", 2);
    let port = broker.port_str();
    let args = mqtk_pub(&["-p", &port, "-t", "t", "-l", "-q", "1"]);
    let out = run(&mqtk(), &args, Some(b"a\nb\n"));
    out.assert_success();
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out}");
    let got: Vec<(String, Vec<u8>, u8)> = fence(broker.port, None, &sub)
        .into_iter()
        .map(|m| (m.topic, m.payload, m.qos))
        .collect();
    let want = [
        ("t".into(), b"a".to_vec(), 1),
        ("t".into(), b"b".to_vec(), 1),
    ];
    assert_eq!(got, want);
}

/// -l starts publishing before stdin ends: a line arrives while the publisher still waits for more,
/// and the last line (even without a newline) goes out at EOF, after which it exits 0.
#[test]
fn line_mode_streams_before_eof() {
    let broker = Broker::start();
    let sub = Subscriber::start(broker.port, "stream/#", 1);
    let port = broker.port_str();
    let ours = Ours::new();
    let mqtk_args = mqtk_pub(&["-p", &port, "-t", "stream/t", "-l", "-q", "1"]);
    let alias_args = &mqtk_args[1..];
    for (program, args) in [(mqtk(), &mqtk_args[..]), (ours.mosquitto_pub(), alias_args)] {
        let mut publisher = Proc::spawn(&program, args);
        publisher.write_stdin(b"first\n");
        assert_eq!(sub.take(1, T)[0].payload, b"first");
        assert_eq!(
            publisher.try_exit_code(),
            None,
            "exited before stdin closed"
        );
        publisher.write_stdin(b"second\nthird");
        assert_eq!(sub.take(1, T)[0].payload, b"second");
        publisher.close_stdin();
        let out = publisher.wait(T);
        out.assert_success();
        assert!(out.stderr.is_empty(), "{out}");
        assert_eq!(sub.take(1, T)[0].payload, b"third");
        sub.expect_none(Duration::from_millis(100));
    }
}

/// Lines longer than any read buffer arrive whole.
#[test]
fn long_lines_are_not_split() {
    let broker = Broker::start();
    let sub = Subscriber::start(broker.port, "long/#", 1);
    let port = broker.port_str();
    let lengths = [1023, 1024, 1025, 3000, 65_535, 65_536, 200_000, 1_000_000];
    let mut input = Vec::new();
    for (i, &n) in lengths.iter().enumerate() {
        input.extend(std::iter::repeat_n(b'a' + i as u8, n));
        input.push(b'\n');
    }
    let args = mqtk_pub(&["-p", &port, "-t", "long/t", "-l", "-q", "1"]);
    run(&mqtk(), &args, Some(&input)).assert_success();
    let got = sub.take(lengths.len(), T);
    for (i, (m, &n)) in got.iter().zip(&lengths).enumerate() {
        assert_eq!(m.payload.len(), n, "line {i}");
        assert!(m.payload.iter().all(|&b| b == b'a' + i as u8), "line {i}");
    }
}

/// 100,000 lines at QoS 1 all arrive, in order. (The harness broker queues up to 1,000,000
/// messages per client, so a slow subscriber loses nothing on the broker side.)
#[test]
fn hundred_thousand_lines_arrive_in_order() {
    const LINES: usize = 100_000;
    let broker = Broker::start();
    let sub = Subscriber::start(broker.port, "bulk/t", 1);
    let port = broker.port_str();
    let input: String = (0..LINES).map(|i| format!("line-{i:06}\n")).collect();
    let args = mqtk_pub(&["-p", &port, "-t", "bulk/t", "-l", "-q", "1"]);
    run(&mqtk(), &args, Some(input.as_bytes())).assert_success();
    let got = sub.take(LINES, Duration::from_secs(60));
    for (i, m) in got.iter().enumerate() {
        let want = format!("line-{i:06}");
        assert!(
            m.payload == want.as_bytes() && m.qos == 1,
            "message {i}: expected {want:?} at QoS 1, got {:?} at QoS {}",
            m.payload_str(),
            m.qos
        );
    }
    sub.expect_none(Duration::from_millis(100));
}

/// A 10 MB file at QoS 1 arrives byte for byte (rumqttc's 10 KiB default packet limit is raised).
#[test]
fn ten_megabyte_file_arrives_intact() {
    let broker = Broker::start();
    let sub = Subscriber::start(broker.port, "big/t", 1);
    let port = broker.port_str();
    let data = noise(10 * 1024 * 1024);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.bin");
    std::fs::write(&path, &data).expect("write big file");
    let path = path.display().to_string();
    let args = mqtk_pub(&["-p", &port, "-t", "big/t", "-f", &path, "-q", "1"]);
    run(&mqtk(), &args, None).assert_success();
    let m = sub.take(1, Duration::from_secs(30)).remove(0);
    assert_eq!(m.payload.len(), data.len(), "payload length");
    assert!(m.payload == data, "payload bytes differ");
}

/// Deterministic incompressible bytes (xorshift64).
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}
