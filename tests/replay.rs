//! `mqtk pub --replay`: what `mqtk sub --json` recorded goes out again, each record to its own
//! topic with its QoS, retain flag, v5 properties and exact bytes; bad lines and `--strict`.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::broker::Broker;
use crate::decode::{mqtk_pub, subscribed, words};
use crate::subscribe::{T, publish};
use crate::util::{Run, mqtk, run};

/// The records, by topic (QoS 2 messages are delivered after their handshake, so arrival order varies).
fn records(out: &Run) -> Vec<Value> {
    let mut records: Vec<Value> = out
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    records.sort_by_key(|r| r["topic"].as_str().map(String::from));
    records
}

/// What must survive a replay: everything but the time, the message id and the dup flag.
fn kept(r: &Value) -> Value {
    let mut r = r.clone();
    let obj = r.as_object_mut().unwrap();
    for key in ["ts", "mid", "dup"] {
        obj.remove(key);
    }
    r
}

#[test]
fn replay_sends_each_record_as_recorded() {
    let first = Broker::start();
    let args = words(
        "-V 5 -q 2 --retain-as-published --decode auto --json -t rec/# -C 3",
        &[],
    );
    let recorder = subscribed(&first, &args);
    let props = "-q 1 -V 5 -D publish content-type application/json -D publish user-property k v";
    let spaced = br#"{"a": 1,  "b": [true]}"#;
    publish(&first, "rec/json", spaced, &words(props, &[]));
    publish(&first, "rec/bin", b"\xff\x00\x01", &["-q", "2", "-r"]);
    mqtk_pub(
        &first,
        &words("-V 5 -t rec/mp --encode msgpack -m", &[r#"{"x":[1,2]}"#]),
    );
    let recorded = recorder.wait(T);
    recorded.assert_success();
    let before = records(&recorded);
    assert_eq!(before.len(), 3, "{recorded}");
    // rec/bin, rec/json, rec/mp.
    assert_eq!(before[2]["payload_encoding"], "msgpack");
    assert!(
        before[1]["payload_base64"].is_string(),
        "spaces kept: {}",
        before[1]
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("traffic.ndjson");
    std::fs::write(&file, recorded.stdout_str()).unwrap();

    let second = Broker::start();
    let replayed = subscribed(&second, &args);
    mqtk_pub(&second, &words("-V 5 --replay", &[file.to_str().unwrap()]));
    let out = replayed.wait(T);
    out.assert_success();
    let after = records(&out);
    assert_eq!(after.len(), 3, "{out}");
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(kept(a), kept(b));
    }
    assert_eq!(after[0]["retain"], true);
    assert_eq!(after[0]["qos"], 2);
    assert_eq!(
        after[1]["properties"]["user_properties"],
        serde_json::json!([["k", "v"]])
    );
}

/// A file with a bad second line: the first record is sent, then one error naming line 2 (exit 65).
/// With `--strict` nothing is sent.
#[test]
fn bad_lines() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.ndjson");
    std::fs::write(
        &file,
        "{\"topic\":\"rp/1\",\"payload\":\"one\",\"payload_encoding\":\"utf8\"}\nnot json\n{\"topic\":\"rp/3\",\"payload\":3}\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let port = broker.port_str();

    let strict_sub = subscribed(&broker, &["-t", "rp/#", "-W", "2"]);
    let out = run(
        &mqtk(),
        &["pub", "-p", &port, "--replay", file, "--strict"],
        None,
    );
    out.assert_code(65);
    assert!(
        out.stderr_str().contains("bad.ndjson line 2: not JSON"),
        "{out}"
    );
    // Nothing arrives within the bound (proving an absence).
    let nothing = strict_sub.wait(T);
    nothing.assert_code(27);
    assert_eq!(nothing.stdout_str(), "");

    let sub = subscribed(&broker, &["-t", "rp/#", "-C", "1", "-v"]);
    let out = run(&mqtk(), &["pub", "-p", &port, "--replay", file], None);
    out.assert_code(65);
    assert_eq!(out.stderr_str().lines().count(), 1, "{out}");
    assert!(out.stderr_str().contains("line 2"), "{out}");
    let got = sub.wait(T);
    got.assert_success();
    assert_eq!(got.stdout_str(), "rp/1 one\n");
}

/// `--replay-speed 1` keeps the recorded gaps (0.6 s here) and 2 halves them: only lower bounds are
/// checked, which no load can break.
#[test]
fn replay_speed_keeps_the_gaps() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gaps.ndjson");
    let line = |ts: &str, n: u32| {
        format!(
            "{{\"ts\":\"2026-01-01T00:00:{ts}+00:00\",\"topic\":\"gap/{n}\",\"payload\":{n}}}\n"
        )
    };
    std::fs::write(
        &file,
        [line("00.000", 1), line("00.300", 2), line("00.600", 3)].concat(),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    for (speed, at_least) in [("1", 0.6), ("2", 0.3)] {
        let sub = subscribed(&broker, &["-t", "gap/#", "-C", "3"]);
        let started = Instant::now();
        mqtk_pub(&broker, &["--replay", file, "--replay-speed", speed]);
        let took = started.elapsed();
        assert!(
            took >= Duration::from_secs_f64(at_least),
            "speed {speed}: {took:?}"
        );
        let out = sub.wait(T);
        assert_eq!(out.stdout_str(), "1\n2\n3\n");
    }
}

/// --replay replaces -t and the message options, and the mosquitto names do not know it.
#[test]
fn replay_refusals() {
    let out = run(&mqtk(), &["pub", "--replay", "x.ndjson", "-t", "a"], None);
    out.assert_code(1);
    assert!(out.stderr_str().contains("drop -t"), "{out}");
    let out = run(
        &mqtk(),
        &["pub", "-t", "a", "-m", "x", "--replay-speed", "1"],
        None,
    );
    out.assert_code(1);
    let out = run(
        &mqtk(),
        &["pub", "--replay", "x.ndjson", "--replay-speed", "0"],
        None,
    );
    out.assert_code(1);
}
