//! What mosquitto_sub prints and when it stops, compared byte for byte with the real one.

use super::{
    Case, Outcome, T, assert_all_same, differential, differential_one, differential_runs,
    normalise_ids, publish, reference, retain, sub_alias, wait_log_count, with_port,
};
use crate::broker::Broker;
use crate::publish::fence;
use crate::subscriber::Subscriber;
use crate::util::{Proc, W, run};

/// Plain, -v, -N and -v -N over text, empty and binary payloads (NUL, 0xff, invalid UTF-8, a newline).
#[test]
fn plain_verbose_and_no_eol_match_mosquitto() {
    let broker = Broker::start();
    let modes: [&[&str]; 4] = [&[], &["-v"], &["-N"], &["-v", "-N"]];
    let cases = modes
        .iter()
        .map(|m| {
            let mut args = vec!["-t", "v/#", "-C", "5"];
            args.extend_from_slice(m);
            Case::new(&args)
        })
        .collect();
    let outcomes = differential(&broker, cases, || {
        publish(&broker, "v/a", b"hello world", &[]);
        publish(&broker, "v/b", b"", &[]);
        publish(&broker, "v/c", b"line3", &[]);
        publish(&broker, "v/bin", b"\x00\xff\x01x\n\xc3(\x7f", &[]);
        publish(&broker, "v/nul", b"\x00", &["-q", "1"]);
    });
    assert_all_same(&outcomes);
    // Guard against both printing nothing.
    assert_eq!(
        outcomes[1].ours.stdout,
        b"v/a hello world\nv/b (null)\nv/c line3\nv/bin \x00\xff\x01x\n\xc3(\x7f\nv/nul \x00\n"
    );
}

/// -C n stops after n messages (exit 0); later messages are not printed.
#[test]
fn count_stops_after_n_messages() {
    let broker = Broker::start();
    let outcome = differential_one(&broker, Case::new(&["-t", "c/1", "-C", "2"]), || {
        for m in ["m1", "m2", "m3"] {
            publish(&broker, "c/1", m.as_bytes(), &[]);
        }
    });
    outcome.assert_same();
    assert_eq!(outcome.ours.stdout, b"m1\nm2\n");
    assert_eq!(outcome.ours.code, 0);
}

/// -W with retained messages: they are printed, then "Timed out" and exit 27; -T, -R and
/// --retained-only change what is printed.
#[test]
fn timeout_with_retained_messages() {
    let broker = Broker::start();
    retain(&broker, "r/1", b"ret1");
    retain(&broker, "r/2", b"ret2");
    retain(&broker, "r/skip", b"retskip");
    let p = broker.port_str();
    let cases = vec![
        Case::new(&["-p", &p, "-v", "-t", "r/#", "-W", W]),
        Case::new(&["-p", &p, "-v", "-T", "r/skip", "-t", "r/#", "-W", W]),
        Case::new(&["-p", &p, "-v", "-T", "r/+", "-T", "x", "-t", "r/#", "-W", W]),
        Case::new(&["-p", &p, "-v", "-R", "-t", "r/#", "-W", W]),
        Case::new(&["-p", &p, "-v", "--retained-only", "-t", "r/#", "-W", W]),
        Case::new(&["-p", &p, "-t", "r/1", "-t", "r/2", "-W", W]),
    ];
    let outcomes = differential_runs(cases);
    assert_all_same(&outcomes);
    let first = &outcomes[0].ours;
    assert_eq!(
        (first.code, first.stdout_str(), first.stderr_str()),
        (
            27,
            "r/1 ret1\nr/2 ret2\nr/skip retskip\n".into(),
            "Timed out\n".into()
        )
    );
    assert_eq!(outcomes[1].ours.stdout, b"r/1 ret1\nr/2 ret2\n");
    assert_eq!(outcomes[3].ours.stdout, b"");
}

/// -R skips retained messages and prints the live one.
#[test]
fn no_retained_prints_only_live_messages() {
    let broker = Broker::start();
    retain(&broker, "r/1", b"ret1");
    let outcome = differential_one(
        &broker,
        Case::new(&["-v", "-R", "-t", "r/#", "-C", "1"]),
        || {
            publish(&broker, "r/live", b"live", &[]);
        },
    );
    outcome.assert_same();
    assert_eq!(outcome.ours.stdout, b"r/live live\n");
}

/// --retained-only prints the retained messages and stops at the first live one, unprinted.
#[test]
fn retained_only_stops_at_first_live_message() {
    let broker = Broker::start();
    retain(&broker, "r/1", b"ret1");
    retain(&broker, "r/2", b"ret2");
    let outcome = differential_one(
        &broker,
        Case::new(&["-v", "--retained-only", "-t", "r/#"]),
        || {
            publish(&broker, "r/live", b"live", &[]);
        },
    );
    outcome.assert_same();
    assert_eq!(
        (outcome.ours.code, outcome.ours.stdout_str()),
        (0, "r/1 ret1\nr/2 ret2\n".to_string())
    );
}

/// -E disconnects as soon as the SUBACK is in.
#[test]
fn exit_after_subscribe() {
    let broker = Broker::start();
    let cases = vec![
        Case::new(&["-E", "-t", "e/#"]),
        Case::new(&["-E", "-d", "-t", "e/#", "-t", "e2", "-q", "2"]),
    ];
    let outcomes = differential(&broker, cases, || {});
    assert_all_same(&outcomes);
    assert!(
        outcomes[1]
            .ours
            .stdout_str()
            .ends_with("Subscribed (mid: 1): 2, 2\nClient null sending DISCONNECT\n")
    );
}

/// A -U case: the arguments, how many UNSUBSCRIBEs they send (one per -U), and how many messages
/// come before the one that ends the run (the retained `u/r` of [`unsubscribe_after_subscribe`]).
struct Unsubscribe {
    args: Vec<&'static str>,
    unsubscribes: usize,
    before_end: usize,
}

/// The -U cases; `retained`: whether `u/r` holds a retained message.
fn unsubscribe_cases(retained: bool) -> Vec<Unsubscribe> {
    let case = |args: &[&'static str], unsubscribes, before_end| Unsubscribe {
        args: args.to_vec(),
        unsubscribes,
        before_end,
    };
    vec![
        case(&["-t", "u/1", "-U", "u/1", "-d"], 1, 0),
        case(
            &["-t", "u/1", "-t", "u/2", "-U", "u/1", "-U", "u/2", "-d"],
            2,
            0,
        ),
        case(
            &[
                "-t",
                "x/1",
                "-U",
                "x/1",
                "-d",
                "-V",
                "5",
                "-D",
                "subscribe",
                "user-property",
                "a",
                "b",
            ],
            1,
            0,
        ),
        case(&["-t", "u/#", "-U", "u/#", "-d"], 1, usize::from(retained)),
    ]
}

/// Runs each -U case under mosquitto_sub 2.1 and then our alias (the cases at once), each as
/// `-p PORT -i ID ARGS… -t end/ID -C N`: once the broker has sent the case's UNSUBACKs, a message
/// on `end/ID` (still subscribed) ends the run. It follows the UNSUBACKs on the one connection, so
/// the output always holds the whole exchange; no timer decides where it ends.
fn unsubscribe_runs(broker: &Broker, cases: &[Unsubscribe]) -> Vec<Outcome> {
    let (_alias, ours) = sub_alias();
    let port = broker.port_str();
    std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .iter()
            .enumerate()
            .map(|(i, case)| {
                let (ours, port) = (&ours, &port);
                s.spawn(move || {
                    let id = format!("unsub-{i}");
                    let end = format!("end/{id}");
                    let count = (case.before_end + 1).to_string();
                    let mut args = vec!["-p", port.as_str(), "-i", &id];
                    args.extend_from_slice(&case.args);
                    args.extend_from_slice(&["-t", &end, "-C", &count]);
                    let one = |program: &std::path::Path| {
                        let mark = broker.log_mark();
                        let proc = Proc::spawn(program, &args);
                        let unsuback = format!("Sending UNSUBACK to {id}\n");
                        wait_log_count(broker, mark, &unsuback, case.unsubscribes);
                        publish(broker, &end, b"end", &[]);
                        proc.wait(T)
                    };
                    Outcome {
                        label: case.args.join(" "),
                        real: one(&reference()),
                        ours: one(ours),
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("unsubscribe case panicked"))
            .collect()
    })
}

/// -U sends an UNSUBSCRIBE per filter after the SUBSCRIBE: the same packets and the same outcome as
/// mosquitto_sub (lines sorted here; their order is checked by the next test), a retained message
/// sent between the SUBACK and the UNSUBACK included.
#[test]
fn unsubscribe_after_subscribe() {
    let broker = Broker::start();
    retain(&broker, "u/r", b"retained");
    let sorted = |b: &[u8]| {
        let mut lines: Vec<&[u8]> = b.split_inclusive(|&c| c == b'\n').collect();
        lines.sort();
        lines.concat()
    };
    let outcomes: Vec<_> = unsubscribe_runs(&broker, &unsubscribe_cases(true))
        .into_iter()
        .map(|o| o.normalise(sorted))
        .collect();
    assert_all_same(&outcomes);
    let first = outcomes[0].ours.stdout_str();
    assert!(
        first.contains("sending UNSUBSCRIBE (Mid: 2, Topic: u/1)"),
        "{first}"
    );
    let last = outcomes[3].ours.stdout_str();
    assert!(last.contains("\nretained\n"), "{last}");
}

/// mosquitto_sub writes SUBSCRIBE and all UNSUBSCRIBEs before it reads the SUBACK, so its -d lines
/// always show `sending UNSUBSCRIBE` before `received SUBACK`.
#[test]
fn unsubscribe_debug_lines_in_mosquitto_order() {
    let broker = Broker::start();
    // Several runs, since the order is a coin toss.
    let cases: Vec<_> = (0..8).flat_map(|_| unsubscribe_cases(false)).collect();
    let outcomes = unsubscribe_runs(&broker, &cases);
    assert_all_same(&outcomes);
}

/// Several -t filters go into one SUBSCRIBE; messages on other topics are not delivered.
#[test]
fn several_topics() {
    let broker = Broker::start();
    let outcome = differential_one(
        &broker,
        Case::new(&["-v", "-t", "m/a", "-t", "m/+/x", "-C", "2"]),
        || {
            publish(&broker, "m/a", b"one", &[]);
            publish(&broker, "m/c", b"never", &[]);
            publish(&broker, "m/b/x", b"two", &[]);
        },
    );
    outcome.assert_same();
    assert_eq!(outcome.ours.stdout, b"m/a one\nm/b/x two\n");
}

/// -d lines for QoS 0, 1 and 2 subscriptions (a QoS 2 publish is downgraded), and two filters.
#[test]
fn debug_lines_for_each_qos() {
    let broker = Broker::start();
    let cases = vec![
        Case::new(&["-d", "-q", "0", "-t", "d/q0", "-C", "1"]),
        Case::new(&["-d", "-q", "1", "-t", "d/q1", "-C", "1"]),
        Case::new(&["-d", "-q", "2", "-t", "d/q2", "-C", "1"]),
        // -C 2: a further message arriving while it disconnects would race with the DISCONNECT.
        Case::new(&["-d", "-q", "1", "-t", "d/two", "-t", "d/other", "-C", "2"]),
        // QoS 0 for all: no handshakes whose lines could interleave with the next message's.
        Case::new(&["-d", "-v", "-t", "d/#", "-C", "5"]),
    ];
    let outcomes = differential(&broker, cases, || {
        publish(&broker, "d/q0", b"qos0 msg", &["-q", "2"]);
        publish(&broker, "d/q1", b"qos1 msg", &["-q", "2"]);
        publish(&broker, "d/q2", b"qos2 msg", &["-q", "2"]);
        publish(&broker, "d/two", b"", &["-q", "1"]);
        publish(&broker, "d/other", b"o", &["-q", "0"]);
    });
    assert_all_same(&outcomes);
    let q2 = outcomes[2].ours.stdout_str();
    assert!(q2.contains("Client null sending PUBREC (m1, rc0)\nClient null received PUBREL (Mid: 1)\nClient null sending PUBCOMP (m1)\nqos2 msg\n"), "{q2}");
}

/// -V 5 -d: the broker-assigned client id appears from CONNACK on (normalised here).
#[test]
fn debug_lines_v5() {
    let broker = Broker::start();
    let cases = vec![
        Case::new(&["-V", "5", "-d", "-q", "1", "-t", "d5/#", "-C", "2"]),
        Case::new(&[
            "-V",
            "mqttv5",
            "-d",
            "-q",
            "2",
            "-R",
            "--retain-as-published",
            "-t",
            "d5/#",
            "-C",
            "2",
        ]),
    ];
    let outcomes: Vec<_> = differential(&broker, cases, || {
        publish(
            &broker,
            "d5/a",
            b"first",
            &[
                "-q",
                "1",
                "-V",
                "5",
                "-D",
                "publish",
                "user-property",
                "k",
                "v",
            ],
        );
        publish(&broker, "d5/b", b"second", &["-q", "2"]);
    })
    .into_iter()
    .map(|o| o.normalise(normalise_ids))
    .collect();
    assert_all_same(&outcomes);
    let out = outcomes[1].ours.stdout_str();
    assert!(
        out.contains(
            "Client auto-ID sending SUBSCRIBE (Mid: 1, Topic: d5/#, QoS: 2, Options: 0x28)"
        ),
        "{out}"
    );
}

/// The man page's "clear all retained messages" idiom: mosquitto_sub 2.0.11 hangs on it (it waits
/// for nothing after the last removal); ours clears the messages (except those filtered out with -T)
/// and exits 0.
#[test]
fn remove_retained_with_retained_only_clears_and_exits() {
    let broker = Broker::start();
    retain(&broker, "rr/1", b"ret1");
    retain(&broker, "rr/2", b"ret2");
    retain(&broker, "rr/skip", b"retskip");
    let (_alias, ours) = sub_alias();
    let args = with_port(
        &broker,
        &[
            "-t",
            "rr/#",
            "--remove-retained",
            "--retained-only",
            "-T",
            "rr/skip",
            "-v",
        ],
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&ours, &args, None);
    out.assert_success();
    assert_eq!(out.stdout, b"rr/1 ret1\nrr/2 ret2\n");
    assert_eq!(out.stderr, b"");

    // A fresh subscriber sees only the message that was filtered out (the retained messages come
    // before the fence, which is published after its SUBACK).
    let check = Subscriber::start(broker.port, "#", 1);
    let retained: Vec<String> = fence(broker.port, None, &check)
        .iter()
        .map(|m| format!("{} {}", m.topic, m.payload_str()))
        .collect();
    assert_eq!(retained, ["rr/skip retskip"]);
}

/// --remove-retained with -C: mosquitto_sub 2.0.11 can hang when the last counted message
/// triggered a removal; ours, under both names, stops once the removals are acknowledged.
#[test]
fn remove_retained_with_count() {
    let broker = Broker::start();
    let (_alias, alias) = sub_alias();
    let p = broker.port_str();
    for (program, lead) in [(alias, None), (crate::util::mqtk(), Some("sub"))] {
        retain(&broker, "rc/1", b"a");
        retain(&broker, "rc/2", b"b");
        let mut args: Vec<&str> = lead.into_iter().collect();
        args.extend_from_slice(&["-p", &p, "-t", "rc/#", "--remove-retained", "-C", "2"]);
        let out = run(&program, &args, None);
        out.assert_success();
        assert_eq!(out.stdout, b"a\nb\n");
        // Nothing is left retained: a new subscriber gets nothing before the fence.
        let check = Subscriber::start(broker.port, "#", 1);
        assert_eq!(fence(broker.port, None, &check).len(), 0);
    }
}
