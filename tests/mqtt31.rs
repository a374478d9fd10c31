//! MQTT 3.1 (`-V 31`): pub and sub against both brokers users run (Debian's 2.0.11 and 2.1),
//! differential with mosquitto 2.1's clients, `-d` lines included. Without `-i` both clients make
//! a `mosq-` id of 23 characters (MQTT 3.1's limit); the tests replace it with `mosq-ID`.

use crate::broker::Broker;
use crate::differential::{Outcome, Stdout};
use crate::reference::mosquitto_21;
use crate::subscribe::{Case, differential};
use crate::subscriber::Subscriber;
use crate::util::{Alias, T, mqtk, run};

/// Both brokers, with the protocol number each logs for an MQTT 3.1 client ("(p1, " or "(p3, ").
fn brokers() -> Vec<(Broker, &'static str)> {
    vec![
        (Broker::start(), "(p1, "),
        (Broker::with_program(mosquitto_21("mosquitto"), ""), "(p3, "),
    ]
}

/// Replaces the ids libmosquitto and mqtk make for MQTT 3.1 (`mosq-` and 18 letters and digits).
fn normalise_v31_ids(text: &[u8]) -> Vec<u8> {
    const LEN: usize = 18;
    let text = String::from_utf8_lossy(text);
    let mut parts = text.split("mosq-");
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        let generated =
            part.len() >= LEN && part.as_bytes()[..LEN].iter().all(u8::is_ascii_alphanumeric);
        out.push_str(if generated { "mosq-ID" } else { "mosq-" });
        out.push_str(if generated { &part[LEN..] } else { part });
    }
    out.into_bytes()
}

/// pub -V 31 at each QoS, with and without -i: same exit code and `-d` lines as 2.1's
/// mosquitto_pub, the message delivered, and the broker saw MQTT 3.1 from both.
#[test]
fn publish_differential_on_both_brokers() {
    let alias = Alias::with_names(&["mosquitto_pub"]);
    for (broker, protocol) in brokers() {
        let sub = Subscriber::start(broker.port, "v31/#", 2);
        let port = broker.port_str();
        for qos in ["0", "1", "2"] {
            for id in [None, Some("v31-pub")] {
                let topic = format!("v31/{qos}");
                let mut args = vec!["-p", &port, "-V", "31", "-t", &topic, "-m", "hello"];
                args.extend(["-q", qos, "-d"]);
                if let Some(id) = id {
                    args.extend(["-i", id]);
                }
                let mark = broker.log_mark();
                let real = run(&mosquitto_21("mosquitto_pub"), &args, None);
                let ours = run(&alias.path("mosquitto_pub"), &args, None);
                let label = format!("mosquitto_pub {} on {protocol}", args.join(" "));
                Outcome { label, real, ours }
                    .normalise(normalise_v31_ids)
                    .assert_same();
                assert_eq!(
                    broker.connects_since(mark, protocol),
                    2,
                    "two MQTT 3.1 clients expected:\n{}",
                    broker.log_since(mark)
                );
                for _ in 0..2 {
                    let m = sub.recv(T).expect("the message arrives");
                    assert_eq!(
                        (m.topic.as_str(), &m.payload[..]),
                        (topic.as_str(), &b"hello"[..])
                    );
                }
            }
        }
    }
}

/// sub -V 31: the same `-d` lines and output as 2.1's mosquitto_sub, on both brokers.
#[test]
fn subscribe_differential_on_both_brokers() {
    for (broker, _) in brokers() {
        let cases = vec![
            Case::new(&["-V", "31", "-t", "v31/#", "-q", "1", "-C", "2", "-v", "-d"]),
            Case::new(&["-V", "mqttv31", "-t", "v31/#", "-C", "2", "-F", "%t %p %q"]),
        ];
        let port = broker.port_str();
        let outcomes = differential(&broker, cases, || {
            for (topic, qos) in [("v31/a", "1"), ("v31/b", "0")] {
                let args = ["-p", &port, "-t", topic, "-m", "hi", "-q", qos];
                run(&mosquitto_21("mosquitto_pub"), &args, None).assert_success();
            }
        });
        for o in outcomes {
            // -d lines of one message's handshake and the next message can interleave.
            let o = o.normalise(normalise_v31_ids);
            let differences = o.differences(Stdout::SameLines);
            assert!(differences.is_empty(), "{}: {differences:#?}", o.label);
        }
    }
}

/// Without -i, mqtk makes a 23-character id (the broker would reject an empty one); under the mqtk
/// name a longer -i is refused before connecting, as MQTT 3.1 allows at most 23 characters.
#[test]
fn client_ids_fit_mqtt_31() {
    let broker = Broker::start();
    let port = broker.port_str();
    let mark = broker.log_mark();
    run(
        &mqtk(),
        &["pub", "-p", &port, "-V", "31", "-t", "t", "-m", "x"],
        None,
    )
    .assert_success();
    let log = broker.log_since(mark);
    let id = log
        .split(" as ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_default();
    assert!(id.starts_with("mosq-") && id.len() == 23, "{log}");

    let long = "123456789012345678901234";
    let out = run(
        &mqtk(),
        &[
            "pub", "-p", &port, "-V", "31", "-i", long, "-t", "t", "-m", "x",
        ],
        None,
    );
    out.assert_code(1);
    assert_eq!(
        out.stderr_str(),
        format!(
            "Error: MQTT 3.1 client ids are at most 23 characters; '{long}' has 24. Use a shorter -i, or -V 311.\n"
        )
    );
}
