//! `pub -l`'s window of QoS 1/2 messages in flight: under the mqtk name in MQTT v5 without -M, as
//! many as the broker's CONNACK allows (its receive maximum); mosquitto's 20 everywhere else.

use super::Ours;
use super::proxy::Proxy;
use crate::broker::Broker;
use crate::subscriber::Subscriber;
use crate::util::{T, run};

const LINES: usize = 300;

/// The highest packet id of the PUBLISHes among `packets`. rumqttc gives the ids out in turn, from
/// 1 up to the window and round again, so with more messages than the window this is the window,
/// however fast the broker answers.
fn highest_packet_id(packets: &[Vec<u8>]) -> u16 {
    let mut highest = 0;
    for p in packets
        .iter()
        .filter(|p| p[0] >> 4 == 3 && (p[0] >> 1) & 3 > 0)
    {
        // Fixed header: type, remaining length (a varint); then the topic, then the packet id.
        let mut at = 1;
        while p[at] & 0x80 != 0 {
            at += 1;
        }
        at += 1;
        let topic_len = usize::from(u16::from_be_bytes([p[at], p[at + 1]]));
        at += 2 + topic_len;
        highest = highest.max(u16::from_be_bytes([p[at], p[at + 1]]));
    }
    highest
}

#[test]
fn line_mode_window_is_the_v5_receive_maximum_under_mqtk_only() {
    // mosquitto announces max_inflight_messages as its receive maximum, and holds that many.
    let broker = Broker::with_config("max_inflight_messages 50\n");
    let ours = Ours::new();
    let input: String = (0..LINES).map(|i| format!("line-{i:04}\n")).collect();
    let cases: [(_, &[&str], u16); 5] = [
        (ours.mqtk_pub(), &["-V", "5"], 50),
        (ours.mqtk_pub(), &["-V", "5", "-M", "30"], 30),
        // In v3.1.1 the broker's limit is unknown (mosquitto acknowledges more and drops them).
        (ours.mqtk_pub(), &["-V", "311"], 20),
        (ours.mosquitto_pub(), &["-V", "5"], 20),
        (ours.mosquitto_pub(), &["-V", "311"], 20),
    ];
    for (n, (program, extra, window)) in cases.into_iter().enumerate() {
        for qos in ["1", "2"] {
            let topic = format!("window/{n}/{qos}");
            let sub = Subscriber::start(broker.port, &topic, 2);
            let proxy = Proxy::start(broker.port);
            let port = proxy.port_str();
            let mut args = vec!["-p", port.as_str(), "-t", &topic, "-q", qos, "-l"];
            args.extend_from_slice(extra);
            let out = run(&program, &args, Some(input.as_bytes()));
            out.assert_success();
            let packets = proxy.packets(T);
            assert_eq!(
                highest_packet_id(&packets),
                window,
                "{} {args:?}: packet ids",
                program.display()
            );
            let got = sub.take(LINES, T);
            for (i, m) in got.iter().enumerate() {
                assert_eq!(
                    m.payload_str(),
                    format!("line-{i:04}"),
                    "{args:?}: message {i}"
                );
            }
            sub.expect_none(std::time::Duration::from_millis(100));
        }
    }
}
