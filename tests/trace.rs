//! `--trace` and `--trace-format json`: every step of each QoS flow, in order, timed, on stderr only,
//! never the password.

use crate::broker::Broker;
use crate::util::{mqtk, run};

/// The packet types of a text trace, in order (`→ PUBLISH` becomes `send PUBLISH`).
fn text_steps(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| {
            let dir = if l.contains(" → ") {
                "send"
            } else if l.contains(" ← ") {
                "recv"
            } else {
                return None;
            };
            let kind = l.split(['→', '←']).nth(1)?.split_whitespace().next()?;
            Some(format!("{dir} {kind}"))
        })
        .collect()
}

fn expected_pub(qos: u8) -> Vec<String> {
    let mut v = vec!["send CONNECT", "recv CONNACK", "send PUBLISH"];
    match qos {
        1 => v.push("recv PUBACK"),
        2 => v.extend(["recv PUBREC", "send PUBREL", "recv PUBCOMP"]),
        _ => {}
    }
    v.push("send DISCONNECT");
    v.into_iter().map(String::from).collect()
}

#[test]
fn text_trace_shows_each_step_of_each_qos_in_order() {
    let broker = Broker::start();
    let port = broker.port_str();
    for qos in 0..=2u8 {
        let q = qos.to_string();
        let r = run(
            &mqtk(),
            &[
                "pub", "-p", &port, "-t", "lab/x", "-m", "hi", "-q", &q, "--trace",
            ],
            None,
        );
        assert_eq!(r.code, 0, "{r}");
        assert!(
            r.stdout.is_empty(),
            "trace output must stay off stdout: {r}"
        );
        let err = r.stderr_str();
        assert_eq!(text_steps(&err), expected_pub(qos), "QoS {qos}:\n{err}");
        match qos {
            0 => assert!(err.contains("QoS 0: nothing comes back"), "{err}"),
            1 => assert!(
                err.contains("QoS 1 handshake complete in") && err.contains("PUBLISH→PUBACK"),
                "{err}"
            ),
            _ => {
                for step in [
                    "QoS 2 handshake complete in",
                    "PUBLISH→PUBREC",
                    "PUBREC→PUBREL",
                    "PUBREL→PUBCOMP",
                ] {
                    assert!(err.contains(step), "missing {step}:\n{err}");
                }
            }
        }
    }
}

#[test]
fn json_trace_is_one_object_per_packet() {
    let broker = Broker::start();
    let port = broker.port_str();
    let r = run(
        &mqtk(),
        &[
            "pub",
            "-p",
            &port,
            "-t",
            "lab/x",
            "-m",
            "hi",
            "-q",
            "2",
            "--trace-format",
            "json",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.is_empty(), "{r}");
    let objects: Vec<serde_json::Value> = r
        .stderr_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let steps: Vec<String> = objects
        .iter()
        .map(|o| {
            format!(
                "{} {}",
                o["dir"].as_str().unwrap(),
                o["type"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(steps, expected_pub(2));
    let mut last_t = 0.0;
    for o in &objects {
        let t = o["t"].as_f64().expect("t is a number");
        assert!(t >= last_t, "time goes forward: {objects:?}");
        last_t = t;
    }
    let publish = &objects[2];
    assert_eq!(
        (publish["mid"].as_u64(), publish["qos"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(publish["topic"], "lab/x");
    let pubcomp = &objects[5];
    assert_eq!(pubcomp["mid"].as_u64(), Some(1));
    assert!(
        pubcomp["handshake_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{pubcomp}"
    );
    assert!(pubcomp["step_ms"].as_f64().is_some(), "{pubcomp}");
}

#[test]
fn receiving_side_of_the_qos2_handshake() {
    let broker = Broker::start();
    let port = broker.port_str();
    // A retained QoS 2 message is delivered at QoS 2 when sub subscribes: no timing needed.
    let p = run(
        &mqtk(),
        &[
            "pub", "-p", &port, "-t", "lab/r", "-m", "kept", "-q", "2", "-r",
        ],
        None,
    );
    assert_eq!(p.code, 0, "{p}");
    let r = run(
        &mqtk(),
        &[
            "sub", "-p", &port, "-t", "lab/r", "-q", "2", "-C", "1", "--trace",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{r}");
    assert_eq!(r.stdout_str(), "kept\n", "only the payload on stdout");
    let err = r.stderr_str();
    let steps = text_steps(&err);
    let want = ["recv PUBLISH", "send PUBREC", "recv PUBREL", "send PUBCOMP"];
    let start = steps
        .iter()
        .position(|s| s == "recv PUBLISH")
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(&steps[start..start + 4], want, "{err}");
    assert!(
        steps.starts_with(&[
            "send CONNECT".into(),
            "recv CONNACK".into(),
            "send SUBSCRIBE".into(),
            "recv SUBACK".into()
        ]),
        "{err}"
    );
    assert!(
        err.contains("received mid 1: QoS 2 handshake complete"),
        "{err}"
    );
}

#[test]
fn password_never_appears() {
    let broker = Broker::start();
    let port = broker.port_str();
    for format in ["text", "json"] {
        let args = [
            "pub",
            "-p",
            &port,
            "-t",
            "a",
            "-m",
            "x",
            "-u",
            "ann",
            "-P",
            "s3cr3t-pw",
            "-V",
            "5",
            "--trace-format",
            format,
        ];
        let r = run(&mqtk(), &args, None);
        assert_eq!(r.code, 0, "{r}");
        let all = format!("{}{}", r.stdout_str(), r.stderr_str());
        assert!(!all.contains("s3cr3t-pw"), "{all}");
        assert!(all.contains("ann"), "the user name is shown: {all}");
    }
}

#[test]
fn trace_is_an_mqtk_extension() {
    let alias = crate::util::Alias::new();
    let r = run(
        &alias.path("mosquitto_pub"),
        &["-t", "a", "-m", "x", "--trace"],
        None,
    );
    assert_eq!(r.code, 1, "{r}");
    assert!(
        r.stderr_str()
            .starts_with("Error: Unknown option '--trace'."),
        "{r}"
    );
}
