//! A message over the broker's v5 maximum packet size (`max_packet_size 400`): never rumqttc's
//! internal text. mosquitto_pub `-l` says "Packet larger than supported by the server" and exits
//! 25 (lines before it are published); with `-m` the 2.1 client reports a lost connection, exit 7.
//! mqtk says what was too large and exits 149 (reason code "Packet too large") in every mode.

use super::T;
use crate::broker::Broker;
use crate::util::{Alias, Proc, mqtk, real, run};

const SUBACK_LOG: &str = "Sending SUBACK to ";

#[test]
fn message_over_the_broker_maximum_packet_size() {
    let broker = Broker::with_config("max_packet_size 400\n");
    let port = broker.port_str();
    let big = "a".repeat(500);
    let alias = Alias::new();
    let ours = alias.path("mosquitto_pub");
    let too_large = "Error: a message is 511 bytes as a PUBLISH packet, over the broker's maximum \
                     packet size of 400 bytes; it was not published";
    let cases = [
        (
            ours.clone(),
            vec![],
            "-m",
            7,
            "Error: The connection was lost\n".to_string(),
        ),
        (
            ours,
            vec![],
            "-l",
            25,
            "Error: Packet larger than supported by the server\n".to_string(),
        ),
        (mqtk(), vec!["pub"], "-m", 149, format!("{too_large}.\n")),
        (
            mqtk(),
            vec!["pub"],
            "-l",
            149,
            format!("{too_large}, nor any line after it.\n"),
        ),
    ];
    for (program, lead, mode, code, stderr) in cases {
        let label = format!(
            "{} {mode}",
            lead.first().copied().unwrap_or("mosquitto_pub")
        );
        let mark = broker.log_mark();
        let watcher = Proc::spawn(
            &real("mosquitto_sub"),
            &["-p", &port, "-i", "watch", "-t", "big", "-V", "5"],
        );
        broker.expect_log_since(mark, &format!("{SUBACK_LOG}watch"), T);
        let mut args = lead.clone();
        args.extend(["-p", &port, "-V", "5", "-q", "1", "-t", "big"]);
        let input = format!("short\n{big}\nafter\n");
        let out = if mode == "-m" {
            args.extend(["-m", &big]);
            run(&program, &args, None)
        } else {
            args.push("-l");
            run(&program, &args, Some(input.as_bytes()))
        };
        assert_eq!(
            (out.code, out.stderr_str()),
            (code, stderr),
            "{label}: {out}"
        );
        // What was published comes before a marker published now.
        run(
            &real("mosquitto_pub"),
            &["-p", &port, "-t", "big", "-m", "end", "-q", "1"],
            None,
        )
        .assert_success();
        if mode == "-l" {
            assert_eq!(watcher.expect_line(T), "short", "{label}: the line before");
        }
        assert_eq!(
            watcher.expect_line(T),
            "end",
            "{label}: nothing else published"
        );
    }
}
