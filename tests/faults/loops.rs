//! An endless reconnect loop is a failure: when the same packet ends the connection three times in
//! a row, the client stops with one line naming it and a non-zero exit, under both names.

use super::T;
use super::script::{PUBCOMP, Script};
use crate::util::{Alias, Proc, mqtk};

/// Plays three connections that each end with the same bad packet from the broker, then expects
/// the client to give up (no fourth connection is answered).
fn three_times(script: &Script, bad: impl Fn(&mut super::script::Conn)) {
    for n in 1..=3 {
        let mut conn = script.accept_subscriber();
        bad(&mut conn);
        assert!(conn.try_read().is_none(), "connection {n} was not closed");
    }
}

#[test]
fn the_same_bad_packet_three_times_stops_the_client() {
    let alias = Alias::new();
    let ours = alias.path("mosquitto_sub");
    for (label, program, lead) in [
        ("mqtk sub", mqtk(), vec!["sub"]),
        ("mosquitto_sub", ours, vec![]),
    ] {
        // v5: a PUBLISH with a topic alias the broker never set.
        let script = Script::start();
        let port = script.port_str();
        let mut args = lead.clone();
        args.extend([
            "-p",
            &port,
            "-V",
            "5",
            "-t",
            "t",
            "-D",
            "connect",
            "topic-alias-maximum",
            "5",
        ]);
        let proc = Proc::spawn(&program, &args);
        three_times(&script, |c| c.publish_alias("", 1, b"m"));
        let out = proc.wait(T);
        assert_eq!(out.code, 2, "{label}: {out}");
        assert_eq!(
            out.stderr_str(),
            "Error: A network protocol error occurred when communicating with the broker \
             (the same packet ended the connection 3 times in a row, so reconnecting stopped: \
             the broker sent a PUBLISH with topic alias 1, which it never set on this connection)\n",
            "{label}"
        );
        assert_eq!(out.stdout_str(), "", "{label}");

        // v3.1.1: a PUBCOMP for a packet id with nothing in flight.
        let script = Script::start();
        let port = script.port_str();
        let mut args = lead.clone();
        args.extend(["-p", &port, "-t", "t"]);
        let proc = Proc::spawn(&program, &args);
        three_times(&script, |c| c.ack(PUBCOMP, 7));
        let out = proc.wait(T);
        assert_eq!(out.code, 2, "{label}: {out}");
        assert!(
            out.stderr_str().ends_with(
                "3 times in a row, so reconnecting stopped: \
                 the broker acknowledged packet id 7, which has nothing in flight)\n"
            ),
            "{label}: {out}"
        );
    }
}
