//! A v5 CONNECT refused with a 3.1.1-shaped CONNACK (`20 02 00 01`, as aedes and brokers that
//! speak only 3.1.1 answer): the refusal it is, "Unsupported Protocol Version", exit 132, with the
//! `-d` lines of CONNECT and CONNACK, under every name. rumqttc 0.25.1 could not parse it and
//! reported a lost connection (exit 7, no `-d` lines).
//!
//! The reference is mosquitto 2.0.11: the 2.1 clients read this CONNACK as a malformed packet
//! (mosquitto_pub: "Error: Malformed packet", exit 21) and mosquitto_sub 2.1 reconnects forever,
//! which this project treats as a failure, not a behaviour to copy.

use super::T;
use super::script::Script;
use crate::reference::as_2_1_texts;
use crate::util::{Alias, Proc, mqtk, real};

#[test]
fn v3_connack_to_a_v5_connect_is_a_refusal() {
    let alias = Alias::new();
    let programs = [
        ("real mosquitto_sub", real("mosquitto_sub"), vec![]),
        ("mosquitto_sub", alias.path("mosquitto_sub"), vec![]),
        ("mqtk sub", mqtk(), vec!["sub"]),
        ("real mosquitto_pub", real("mosquitto_pub"), vec![]),
        ("mosquitto_pub", alias.path("mosquitto_pub"), vec![]),
        ("mqtk pub", mqtk(), vec!["pub"]),
    ];
    let version = "Connection error: Unsupported Protocol Version. \
                   Try connecting to an MQTT v5 broker, or use MQTT v3.x mode.\n";
    for (label, program, lead) in programs {
        let script = Script::start();
        let port = script.port_str();
        let mut args = lead.clone();
        args.extend(["-p", &port, "-V", "5", "-d", "-t", "t", "-m", "m"]);
        if label.contains("sub") {
            args.truncate(args.len() - 2);
        }
        let proc = Proc::spawn(&program, &args);
        let mut conn = script.accept();
        conn.send(&[0x20, 0x02, 0x00, 0x01]);
        let out = proc.wait(T);
        assert_eq!(out.code, 132, "{label}: {out}");
        // Compared as 2.1 spells its texts (the real client here is 2.0.11).
        let stdout = String::from_utf8(as_2_1_texts(&out.stdout)).expect("UTF-8");
        // mosquitto_sub also says DISCONNECT after the refusal; ours has none to send.
        let lines: Vec<&str> = stdout.lines().take(2).collect();
        assert_eq!(
            lines,
            [
                "Client null sending CONNECT",
                "Client (null) received CONNACK (132)"
            ],
            "{label}: {out}"
        );
        let want = if label.contains("sub") {
            version.to_string()
        } else {
            format!(
                "{version}Error: A network protocol error occurred when communicating with the broker\n"
            )
        };
        let stderr = String::from_utf8(as_2_1_texts(&out.stderr)).expect("UTF-8");
        assert_eq!(stderr, want, "{label}");
    }
}
