//! The largest payload MQTT allows is sent, not refused as a protocol error.

use std::process::{Command, Stdio};

use crate::broker::Broker;
use crate::util::{mqtk, run};

const T: std::time::Duration = std::time::Duration::from_secs(60);

#[test]
fn the_largest_legal_publish_goes_through() {
    // 268,435,448 bytes on a 3-byte topic at QoS 1: a remaining length of exactly 268,435,455
    // (2 + 3 + 2 + payload), which rumqttc refused as a whole packet over that size.
    const PAYLOAD: u64 = 268_435_448;
    let broker = Broker::start();
    let port = broker.port_str();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("big");
    std::fs::File::create(&file)
        .and_then(|f| f.set_len(PAYLOAD))
        .expect("sparse file");
    let mark = broker.log_mark();
    let mut sub = Command::new(mqtk())
        .args([
            "sub", "-p", &port, "-t", "abc", "-q", "1", "-C", "1", "-i", "bigsub",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sub");
    broker.expect_log_since(mark, "Sending SUBACK to bigsub", T);
    let file_arg = file.display().to_string();
    let out = run(
        &mqtk(),
        &["pub", "-p", &port, "-t", "abc", "-q", "1", "-f", &file_arg],
        None,
    );
    assert_eq!((out.code, out.stderr_str().as_str()), (0, ""), "{out}");
    let received = super::count(sub.stdout.take().expect("stdout")).total;
    let status = sub.wait().expect("wait sub");
    assert!(status.success(), "sub: {status}");
    assert_eq!(received, PAYLOAD + 1, "the payload and a newline");
}

#[test]
fn an_endless_line_on_stdin_stops_at_the_mqtt_limit() {
    // /dev/zero has no newline: `pub -l` used to grow its line buffer until memory ran out (here a
    // 2 GB address-space limit); a line past the MQTT limit can never be sent, so it stops there.
    let broker = Broker::start();
    let port = broker.port_str();
    let out = super::run_in_2_gb("/dev/zero", &["pub", "-p", &port, "-t", "endless", "-l"]);
    assert_eq!(
        (out.code, out.stderr_str().as_str()),
        (
            1,
            "Error: reading stdin: a line is longer than 268435455 bytes, the MQTT limit\n"
        ),
        "{out}"
    );
}
