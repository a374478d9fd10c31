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
    let file_arg = sparse(dir.path(), PAYLOAD);
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

/// A sparse file of `len` zero bytes.
fn sparse(dir: &std::path::Path, len: u64) -> String {
    let file = dir.join(format!("zeros-{len}"));
    std::fs::File::create(&file)
        .and_then(|f| f.set_len(len))
        .expect("sparse file");
    file.display().to_string()
}

#[test]
fn a_publish_past_the_limit_is_refused_with_its_sizes() {
    // The same payload fits at MQTT 3.1.1, but v5 adds a property length byte: 268,435,456.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = sparse(dir.path(), 268_435_448);
    let out = run(
        &mqtk(),
        &[
            "pub", "-p", "1", "-t", "abc", "-q", "1", "-V", "5", "-f", &file,
        ],
        None,
    );
    assert_eq!(
        (out.code, out.stderr_str().as_str()),
        (
            1,
            "Error: Message too large for MQTT: a 268435448-byte payload on a 3-byte topic makes a 268435456-byte packet (at most 268435455).\n"
        ),
        "{out}"
    );
}

#[test]
fn mosquitto_pub_says_what_2_1_says_about_a_payload_too_large() {
    let broker = Broker::start();
    let port = broker.port_str();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = sparse(dir.path(), 268_435_450);
    let args = ["-p", &port, "-t", "abc", "-q", "1", "-f", &file];
    let alias = crate::util::Alias::new();
    let ours = run(&alias.path("mosquitto_pub"), &args, None);
    let want = "Error: Message payload is too large.\nError: The connection was lost\n";
    assert_eq!((ours.code, ours.stderr_str().as_str()), (7, want), "{ours}");
    if let Some(theirs) = super::mosquitto_21("mosquitto_pub") {
        let theirs = run(&theirs, &args, None);
        assert_eq!(
            (theirs.code, theirs.stderr_str().as_str()),
            (7, want),
            "2.1: {theirs}"
        );
    }
}
