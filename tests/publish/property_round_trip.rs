//! MQTT v5: a PUBLISH carrying every PUBLISH property at once goes on the wire as 2.1's
//! mosquitto_pub writes it (compared byte for byte through a recording proxy), and sub's `%j`, `%J`
//! and `--pretty` JSON of such a message equals 2.1's mosquitto_sub's.

use super::connect::packets;
use super::{Ours, real};
use crate::broker::Broker;
use crate::reference::mosquitto_21;
use crate::subscribe::{Case, differential, escaped};
use crate::util::run;

/// Every PUBLISH property, user properties twice (one name repeated).
#[rustfmt::skip]
const ALL_PROPERTIES: &[&str] = &[
    "-V", "5",
    "-D", "publish", "payload-format-indicator", "1",
    "-D", "publish", "message-expiry-interval", "3600",
    "-D", "publish", "content-type", "application/json",
    "-D", "publish", "response-topic", "rt/reply",
    "-D", "publish", "correlation-data", "req-42",
    "-D", "publish", "user-property", "k1", "v1",
    "-D", "publish", "user-property", "k2", "v2",
    "-D", "publish", "user-property", "k1", "again",
    "-D", "publish", "topic-alias", "3",
];

/// The PUBLISH packets `program` wrote (fixed header included).
fn publishes(program: &std::path::Path, broker: &Broker, args: &[&str]) -> Vec<Vec<u8>> {
    packets(program, broker, args)
        .into_iter()
        .filter(|p| p[0] >> 4 == 3)
        .collect()
}

#[test]
fn publish_properties_on_the_wire_as_mosquitto_pub() {
    let broker = Broker::start();
    let ours = Ours::new();
    for qos in ["0", "1", "2"] {
        let mut args = vec!["-t", "props/all", "-m", "{\"a\":1}", "-q", qos, "-i", "p21"];
        args.extend_from_slice(ALL_PROPERTIES);
        let want = publishes(&real(), &broker, &args);
        let got = publishes(&ours.mosquitto_pub(), &broker, &args);
        assert_eq!(want.len(), 1, "one PUBLISH from mosquitto_pub");
        assert_eq!(
            got.iter().map(|p| escaped(p)).collect::<Vec<_>>(),
            want.iter().map(|p| escaped(p)).collect::<Vec<_>>(),
            "-q {qos}: the PUBLISH packets differ"
        );
    }
}

#[test]
fn json_of_every_property_as_mosquitto_sub() {
    let broker = Broker::start();
    let cases = ["%j", "%J"]
        .into_iter()
        .flat_map(|f| [vec![f], vec![f, "--pretty"]])
        .map(|extra| {
            let mut args = vec!["-V", "5", "-t", "props/#", "-q", "1", "-C", "1", "-F"];
            args.extend(extra);
            Case::new(&args)
        })
        .collect();
    let port = broker.port_str();
    let outcomes = differential(&broker, cases, || {
        let mut args = vec![
            "-p",
            &port,
            "-t",
            "props/all",
            "-m",
            "{\"a\":[1,2]}",
            "-q",
            "1",
        ];
        args.extend_from_slice(ALL_PROPERTIES);
        run(&mosquitto_21("mosquitto_pub"), &args, None).assert_success();
    });
    for o in outcomes {
        o.normalise(crate::subscribe::normalise_clock).assert_same();
    }
}
